"""The mark page's words, from the same catalogues as everything else.

The page holds no dictionary of its own: its script says ``t("Start here")`` and its HTML marks
text with ``data-t`` (``data-t-title``, ``data-t-placeholder``, ``data-t-html`` for attributes and
the one paragraph with markup). Here those messages are found in the page's own files, for the
server to send in the buyer's language and for ``scripts/messages.py`` to extract, so the two
can never disagree.
"""

from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

from evidence_tools.i18n import _

PAGE = Path(__file__).resolve().parent / "page"
SCRIPTS = (
    "mark.js",
    "video.js",
    "case.js",
)  # the page's scripts, in the order index.html loads them
# t("...") or t('...') in the script: the message is the first argument, a plain string
_T_CALL = re.compile(r"""\bt\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def script_messages(source: str) -> list[tuple[int, str]]:
    """(line, message) of every ``t("...")`` in the page's script."""
    out = []
    for match in _T_CALL.finditer(source):
        text = _unescape(match.group(1) if match.group(1) is not None else match.group(2))
        out.append((source.count("\n", 0, match.start()) + 1, text))
    return out


def normalize(text: str) -> str:
    """An HTML text as the page looks it up: runs of white space as one space."""
    return " ".join(text.split())


class _Marked(HTMLParser):
    """Texts of elements marked ``data-t`` / ``data-t-html`` and attributes named by
    ``data-t-ATTR``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self._open: list[tuple[str, bool, int]] = []  # (tag, html?, start offset)
        self._raw = ""

    def feed_source(self, source: str) -> None:
        self._raw = source
        self.feed(source)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        line = self.getpos()[0]
        for name, _value in attrs:
            if name.startswith("data-t-") and name != "data-t-html":
                attr = name.removeprefix("data-t-")
                if names.get(attr):
                    self.found.append((line, normalize(names[attr] or "")))
        if "data-t" in names or "data-t-html" in names:
            self._open.append((tag, "data-t-html" in names, self._offset()))
        elif self._open:
            self._open.append((tag, False, -1))

    def handle_endtag(self, tag: str) -> None:
        if not self._open:
            return
        opened, markup, start = self._open.pop()
        if start < 0:
            return
        line = self.getpos()[0]
        inner = self._raw[start : self._offset()]
        text = normalize(inner) if markup else normalize(re.sub(r"<[^>]+>", "", inner))
        self.found.append((line, text))

    def _offset(self) -> int:
        """Where the parser is in the source: after a start tag, before an end tag."""
        line, col = self.getpos()
        lines = self._raw.splitlines(keepends=True)
        offset = sum(len(x) for x in lines[: line - 1]) + col
        text = self.get_starttag_text()
        if text and self._raw.startswith(text, offset):
            return offset + len(text)
        return offset


def html_messages(source: str) -> list[tuple[int, str]]:
    parser = _Marked()
    parser.feed_source(source)
    return [(line, text) for line, text in parser.found if text]


@functools.lru_cache(maxsize=1)
def messages() -> tuple[tuple[str, int, str], ...]:
    """(file, line, message) of every message on the page."""
    out: list[tuple[str, int, str]] = []
    for name in SCRIPTS:
        script = (PAGE / name).read_text(encoding="utf-8")
        out += [(name, line, text) for line, text in script_messages(script)]
    html = (PAGE / "index.html").read_text(encoding="utf-8")
    out += [("index.html", line, text) for line, text in html_messages(html)]
    return tuple(out)


def words() -> dict[str, str]:
    """Every message of the page in the current language."""
    return {text: _(text) for _file, _line, text in messages()}
