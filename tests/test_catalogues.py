"""The catalogues hold every message a person can read, each translated in every shipped
language with the same placeholders, and the shipped .mo files are compiled from the .po.

Also a scan of the package: a message handed to the terminal (``say``, ``warn``,
``click.echo``) or to an error must come from the catalogues (``_``, ``ngettext``, ``Text``),
never be an English literal or f-string that no catalogue can hold.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import messages  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from evidence_tools.i18n import LANGUAGES, LOCALE_DIR  # noqa: E402

SHIPPED = [lang for lang in LANGUAGES if lang != "en"]
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)(?:![rs])?(?::[^}]*)?\}(?!\})")


def _catalog(lang: str):
    with (LOCALE_DIR / lang / "LC_MESSAGES" / "evidence.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.fixture(scope="module")
def template():
    return messages.template()


def _ids(message) -> list[str]:
    return list(message.id) if isinstance(message.id, tuple) else [message.id]


def _strings(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_message_is_translated_with_its_placeholders(template, lang: str) -> None:
    catalog = _catalog(lang)
    missing, untranslated, fuzzy, placeholders = [], [], [], []
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id)
        if found is None:
            missing.append(_ids(message)[0])
            continue
        if found.fuzzy:
            fuzzy.append(_ids(message)[0])
        strings = _strings(found)
        if not all(strings):
            untranslated.append(_ids(message)[0])
            continue
        ids = _ids(message)
        wanted = set().union(*(PLACEHOLDER.findall(i) for i in ids))
        said = [set(PLACEHOLDER.findall(text)) for text in strings]
        invented = set().union(*said) - wanted
        # a singular message says every fact; a plural one says, across its forms, every fact
        # of its plural (a form may leave out {n}: "один файл"; click's own plurals name
        # their one and many differently: {choice} / {choices})
        needed = set(PLACEHOLDER.findall(ids[-1])) - ({"n"} if len(ids) > 1 else set())
        dropped = needed - set().union(*said)
        if invented or dropped:
            placeholders.append(f"{ids[0]!r} -> {strings!r}")
    report = {"missing": missing, "untranslated": untranslated, "fuzzy": fuzzy,
              "placeholders": placeholders}  # fmt: skip
    assert not any(report.values()), {k: v[:10] for k, v in report.items() if v}


@pytest.mark.parametrize("lang", SHIPPED)
def test_the_shipped_mo_is_compiled_from_the_po(lang: str) -> None:
    buffer = io.BytesIO()
    write_mo(buffer, _catalog(lang), use_fuzzy=False)
    mo = LOCALE_DIR / lang / "LC_MESSAGES" / "evidence.mo"
    assert mo.is_file() and mo.read_bytes() == buffer.getvalue(), (
        "run: python scripts/messages.py compile"
    )


# what reaches a person at once, and the errors they read
SAYERS = {"say", "warn", "fail_line", "echo", "secho"}
ERRORS = {
    "EvidenceError", "UsageError", "CaseError", "InputFileError", "OutputError",
    "ExternalToolError", "CheckFailedError", "IntegrityError",
}  # fmt: skip
NOT_WORDS = re.compile(r"^[\s\W\d]*$")  # punctuation, numbers: nothing to translate


def _literal(node: ast.AST) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return not NOT_WORDS.match(node.value)
    if isinstance(node, ast.JoinedStr):
        parts = [v.value for v in node.values if isinstance(v, ast.Constant)]
        return any(isinstance(p, str) and re.search(r"[A-Za-z]{2}", p) for p in parts)
    return False


def test_no_english_literal_reaches_a_person() -> None:
    found = []
    for path in sorted((ROOT / "evidence_tools").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name not in SAYERS | ERRORS:
                continue
            args = list(node.args[:1]) + [k.value for k in node.keywords if k.arg == "hint"]
            for arg in args:
                if _literal(arg):
                    where = f"{path.relative_to(ROOT)}:{arg.lineno}"
                    found.append(f"{where}: {ast.unparse(arg)[:70]}")
    assert not found, "\n".join(found)


def test_every_message_in_the_code_is_extracted(template) -> None:
    """Babel's extractor misses a message in some places (inside another call's argument);
    every literal handed to _, ngettext, Text, N_, N_plural or notice must reach the
    catalogues all the same."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id}
    keywords = {"_", "Text", "ngettext", "N_", "N_plural", "notice"}
    missed = []
    for path in sorted((ROOT / "evidence_tools").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            args = node.args[1:] if name == "notice" else node.args
            first = args[0] if args else None
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if name in keywords and literal and first.value not in ids:  # type: ignore[union-attr]
                missed.append(f"{path.relative_to(ROOT)}:{node.lineno}: {first.value[:50]}")  # type: ignore[union-attr]
    assert not missed, "\n".join(missed)
