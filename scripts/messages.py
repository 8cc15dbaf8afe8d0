"""The catalogues: extract every message, bring each language's .po up to date, compile .mo.

    python scripts/messages.py extract   # evidence_tools/locale/evidence.pot
    python scripts/messages.py update    # each LANG/LC_MESSAGES/evidence.po (new ones fuzzy-free,
                                         # empty; gone ones dropped)
    python scripts/messages.py compile   # each .po -> .mo (shipped in the wheel)
    python scripts/messages.py all       # the three in order
    python scripts/messages.py stats     # per language: translated, untranslated, fuzzy

What is extracted: the package's ``_()``, ``ngettext()``, ``N_()``, ``Text()`` and ``notice()``
messages (Babel's Python extractor), the help of every command and option as ``--help`` shows
it, the mark page's ``t("...")`` and ``data-t`` texts (``evidence_tools.mark.words``), and click's
own messages ("Usage:", "Options:", "No such option: {name}"), which click looks up through
gettext and ``evidence_tools.cli._i18n`` sends to our catalogues.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import click  # noqa: E402

from evidence_tools.i18n import DOMAIN, LANGUAGES, LOCALE_DIR  # noqa: E402

POT = LOCALE_DIR / f"{DOMAIN}.pot"
# notice(code, msgid, ...): a file's warning (metadata.model.CaptureInfo.notice); Text(msgid)
# or Text(singular, plural, n) for a sentence said later
KEYWORDS = ("_", "N_", "N_plural", "ngettext", "Text", "notice")
COMMENT_TAGS = ("TRANSLATORS:",)


def _pick(func: str, found: str | tuple[str | None, ...] | None) -> str | tuple[str, str] | None:
    """The message in a call: ``notice(code, msgid)`` the second argument; ``ngettext`` and a
    plural ``Text(singular, plural, n)`` both forms; otherwise the first."""
    if found is None:
        return None
    args = (found,) if isinstance(found, str) else found
    if func == "notice":
        args = args[1:]
    if func in ("ngettext", "N_plural") and len(args) > 1 and isinstance(args[1], str):
        return (str(args[0]), args[1])
    # Text(singular, plural, n, ...): a string then a count; a string inside a keyword's value
    # (choices=", ".join(...)) is no plural
    plural = len(args) > 2 and isinstance(args[1], str) and args[2] is None
    if func == "Text" and plural and re.search(r"[A-Za-z]", str(args[1])):
        return (str(args[0]), str(args[1]))
    return args[0] if args and isinstance(args[0], str) and args[0] else None


def _ours() -> Iterator[tuple[str, int, str | tuple[str, str], list[str]]]:
    package = ROOT / "evidence_tools"
    for path in sorted(package.rglob("*.py")):
        # Babel prints a warning for each f-string argument (a value formatted for a
        # placeholder, never a message): not worth reading on every extraction
        with path.open("rb") as f, contextlib.redirect_stderr(io.StringIO()):
            found = list(extract_python(f, KEYWORDS, COMMENT_TAGS, {}))
        for lineno, func, args, comments in found:
            message = _pick(func, args)
            if message is not None:
                notes = [c.split("TRANSLATORS:", 1)[-1].strip() for c in comments]
                yield path.relative_to(ROOT).as_posix(), lineno, message, notes


def _click() -> Iterator[tuple[str, int, str | tuple[str, str], list[str]]]:
    folder = Path(click.__file__).parent
    keywords = {"_": None, "ngettext": (1, 2)}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(folder), method_map=[("**.py", "python")], keywords=keywords
    ):
        yield f"click/{filename}", lineno, message, ["click's own message"]


def _help() -> Iterator[tuple[str, int, str | tuple[str, str], list[str]]]:
    from evidence_tools.cli import cli
    from evidence_tools.cli._i18n import commands, help_key

    def where(cmd: click.Command) -> tuple[str, int]:
        func = inspect.unwrap(cmd.callback) if cmd.callback else None
        if func is None:
            return "evidence_tools/cli/__init__.py", 1
        path = Path(inspect.getsourcefile(func) or "").resolve().relative_to(ROOT)
        return path.as_posix(), inspect.getsourcelines(func)[1]

    for name, cmd in [("", cli), *commands(cli)]:
        file, line = where(cmd)
        label = f"evidence {name}".strip()
        for text, what in ((cmd.help, "help"), (cmd.short_help, "short help"),
                           (cmd.epilog, "examples")):  # fmt: skip
            if text:
                yield file, line, help_key(text), [f"{label}: {what} (--help)"]
        for param in cmd.params:
            text = getattr(param, "help", None)
            if text:
                option = "/".join(param.opts)
                yield file, line, help_key(text), [f"{label} {option}: help"]


def _page() -> Iterator[tuple[str, int, str | tuple[str, str], list[str]]]:
    from evidence_tools.mark.words import messages

    for file, line, text in messages():
        yield f"evidence_tools/mark/page/{file}", line, text, ["the mark page (evidence mark)"]


def template() -> Catalog:
    """Every message a person can read, as one catalogue template."""
    catalog = Catalog(project="evidence-tools", domain=DOMAIN, charset="utf-8", fuzzy=False)
    for source in (_ours(), _help(), _page(), _click()):
        for filename, lineno, message, comments in source:
            catalog.add(message, locations=[(filename, lineno)], auto_comments=comments)
    return catalog


def _po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _write(path: Path, catalog: Catalog) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=False, omit_header=False, include_lineno=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def extract() -> Catalog:
    catalog = template()
    _write(POT, catalog)
    return catalog


def update(pot: Catalog) -> None:
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = _po_path(lang)
        if path.exists():
            with path.open("rb") as f:
                catalog = read_po(f, locale=lang)
            catalog.update(pot, no_fuzzy_matching=True)
            catalog.obsolete.clear()
        else:
            catalog = Catalog(locale=lang, domain=DOMAIN, project="evidence-tools", fuzzy=False)
            catalog.update(pot, no_fuzzy_matching=True)
        _write(path, catalog)


def compile_all() -> None:
    for lang in LANGUAGES:
        if lang == "en":
            continue
        path = _po_path(lang)
        with path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        buffer = io.BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        path.with_suffix(".mo").write_bytes(buffer.getvalue())


def stats() -> dict[str, tuple[int, int, int]]:
    out = {}
    for lang in LANGUAGES:
        if lang == "en":
            continue
        with _po_path(lang).open("rb") as f:
            catalog = read_po(f, locale=lang)
        messages = [m for m in catalog if m.id]
        done = sum(1 for m in messages if m.string and all(m.string) and not m.fuzzy)
        fuzzy = sum(1 for m in messages if m.fuzzy)
        out[lang] = (done, len(messages) - done - fuzzy, fuzzy)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=["extract", "update", "compile", "all", "stats"])
    step = parser.parse_args().step
    if step in ("extract", "update", "all"):
        pot = extract()
        print(f"{POT.relative_to(ROOT)}: {len([m for m in pot if m.id])} messages")
        if step != "extract":
            update(pot)
    if step in ("compile", "all"):
        compile_all()
    if step in ("stats", "all", "update", "compile"):
        for lang, (done, todo, fuzzy) in stats().items():
            print(f"{lang:6} {done} translated, {todo} untranslated, {fuzzy} fuzzy")


if __name__ == "__main__":
    main()
