"""A message never suggests an option the command does not take.

Every string in the package that names ``evidence VERB ... --option`` is read, and each option
must belong to that verb; a bare ``--option`` must belong to some verb. Then the refusals
dossier and export print over check's errors are run, and each option they suggest must be
one of that command's own.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from conftest import run

import evidence_tools
from evidence_tools.case.intake import init_case
from evidence_tools.cli import COMMANDS, cli

PACKAGE = Path(evidence_tools.__file__).parent
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]+")
# the command's own words run to the end of the line, a bracket, an arrow or the next command
VERB = re.compile(
    r"\bevidence ((?:photo|video) [a-z]+|[a-z]+)\b((?:(?!\bevidence )[^;()\u2192\n])*)"
)


def _commands() -> dict[str, set[str]]:
    """``verb`` or ``group sub`` -> the options it takes (with the global ones)."""
    ctx = click.Context(cli)
    options = {"--help", "-h"} | {o for p in cli.params for o in p.opts}
    out: dict[str, set[str]] = {}

    def walk(name: str, cmd: click.Command) -> None:
        out[name] = options | {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        if isinstance(cmd, click.Group):
            for sub in cmd.list_commands(ctx):
                child = cmd.get_command(ctx, sub)
                assert child is not None
                walk(f"{name} {sub}", child)

    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None
        walk(name, command)
    return out


def _strings() -> list[tuple[str, str]]:
    """(where, text) of every string literal in the package; an f-string's parts joined."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr):
                text = "".join(
                    v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else "X"
                    for v in node.values
                )
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = node.value
            else:
                continue
            if "--" in text:
                found.append((f"{path.relative_to(PACKAGE)}:{node.lineno}", text))
    return found


def test_every_option_a_message_names_belongs_to_its_command() -> None:
    commands = _commands()
    everything = set().union(*commands.values())
    wrong = []
    for where, text in _strings():
        named = {m.start(): m for m in VERB.finditer(text)}
        covered: set[int] = set()
        for match in named.values():
            verb = match.group(1)
            if verb not in commands and verb.split()[0] in commands:
                verb = verb.split()[0]
            if verb not in commands:
                continue
            for opt in OPTION.finditer(match.group(2)):
                covered.add(match.start(2) + opt.start())
                if opt.group() not in commands[verb]:
                    wrong.append(f"{where}: evidence {verb} takes no {opt.group()}")
        for opt in OPTION.finditer(text):
            if opt.start() not in covered and opt.group() not in everything:
                wrong.append(f"{where}: no command takes {opt.group()} ({text[:60]!r})")
    assert not wrong, "\n".join(wrong)


def test_the_scan_would_catch_a_wrong_hint() -> None:
    commands = _commands()
    assert "--despite-errors" in commands["dossier"] and "--despite-errors" in commands["export"]
    assert "--despite-errors" not in commands["check"]
    assert "--here" in commands["add"] and "--exact" in commands["video trim"]


@pytest.mark.parametrize("verb", ["dossier", "export"])
def test_a_refusal_over_check_errors_suggests_only_its_own_options(
    tmp_path: Path, runner, verb: str
) -> None:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="")  # no order number: an error
    result = run(runner, verb, str(root), *(["--platform", "ebay"] if verb == "export" else []))
    assert result.exit_code == 1
    assert "the order number is missing" in result.stderr
    suggested = set(OPTION.findall(result.stderr))
    assert "--despite-errors" in suggested
    assert suggested <= _commands()[verb], suggested
