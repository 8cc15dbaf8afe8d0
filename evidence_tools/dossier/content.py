"""What the dossier shows, as data (cover rows, statement, time line, exhibit views,
appendices), and how its text looks: the embedded font and the paragraph styles.

What reportlab does not do for us, done here and in ``sections``: every user string is
escaped before it reaches a Paragraph (it would otherwise rewrite ``&`` and ``<``); DejaVu Sans
is embedded so Latin, Cyrillic and Greek print as letters.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.fonts import addMapping
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from evidence_tools.images import font_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_CJK = "DroidSansFallback"
FONT_KO = "NanumGothic"
KOREAN_FONT = Path(__file__).resolve().parent.parent / "fonts" / "NanumGothic.ttf"


def esc(text: str) -> str:
    """Verbatim text for a reportlab Paragraph: AT&T, size < 5 cm and <b> print as typed, and
    letters DejaVu Sans lacks set in the embedded font that has them: Korean in Nanum Gothic,
    Chinese and Japanese in Droid Sans Fallback."""
    text = str(text)
    if text.isascii():
        return escape(text).replace("\n", "<br/>")
    out: list[str] = []
    run: list[str] = []
    face = ""
    latin = _cmap(FONT)

    def flush() -> None:
        if run:
            out.append(f'<font face="{face}">{escape("".join(run))}</font>')
            run.clear()

    for ch in text:
        if ord(ch) in latin or not ch.isprintable():
            flush()
            out.append(escape(ch))
            continue
        wanted = FONT_KO if hangul(ch) else FONT_CJK
        if wanted != face:
            flush()
            face = wanted
        run.append(ch)
    flush()
    if any(FONT_CJK in part for part in out):
        register_cjk()
    if any(FONT_KO in part for part in out):
        register_korean()
    return "".join(out).replace("\n", "<br/>")


def hangul(ch: str) -> bool:
    """Korean letters: syllables, jamo and compatibility jamo."""
    code = ord(ch)
    return 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F


@dataclass
class TimelineRow:
    when: str
    what: str
    source: str
    flag: str = ""
    sort_key: tuple[Any, ...] = ()


@dataclass
class ExhibitView:
    number: int
    title: str
    kind: str
    facts: list[str]  # plain text lines
    images: list[tuple[Path, str]]  # (file, caption under it)
    hashes: list[tuple[str, str, str]]  # (label, path, sha256)
    notes: list[str] = field(default_factory=list)
    left_out: str = ""


@dataclass
class DossierContent:
    title: str
    order_number: str
    cover_rows: list[tuple[str, str]]
    statement: list[str]
    timeline: list[TimelineRow]
    exhibits: list[ExhibitView]
    integrity_rows: list[tuple[str, str, str, str, str]]  # file, role, size, sha, from
    method: list[str]
    versions: list[tuple[str, str]]
    subject: str = ""
    own_words: str = ""  # the buyer's account, printed as written
    points: list[str] = field(default_factory=list)  # the listing against what arrived
    comparisons: list[Any] = field(default_factory=list)  # comparison.ComparisonView, a point
    problems: list[str] = field(default_factory=list)  # check's errors, built despite them
    prepared: dt.date | None = None  # the PDF's creation date (the bytes stay reproducible)


_REGISTERED = False


@functools.lru_cache(maxsize=1)
def register_cjk() -> None:
    """Embed Droid Sans Fallback (Chinese, Japanese), only when some text needs it: parsing
    its 4 MB costs 0.14 s that a Latin-only dossier need not pay."""
    pdfmetrics.registerFont(TTFont(FONT_CJK, str(font_path(cjk=True))))


@functools.lru_cache(maxsize=1)
def register_korean() -> None:
    """Embed Nanum Gothic (Korean; SIL Open Font Licence, in fonts/) only when some text is
    Korean: Droid Sans Fallback has 3 of the 11,172 Hangul syllables."""
    pdfmetrics.registerFont(TTFont(FONT_KO, str(KOREAN_FONT)))


def register_fonts() -> Any:
    """Embed DejaVu Sans (Latin, Cyrillic, Greek); Droid Sans Fallback follows where needed
    (``register_cjk``). TrueType outlines both, which reportlab embeds as subsets (it
    cannot embed the CFF outlines of fonts such as Noto CJK). Returns the regular font."""
    global _REGISTERED
    if not _REGISTERED:
        pdfmetrics.registerFont(TTFont(FONT, str(font_path())))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(font_path(bold=True))))
        for bold, italic, name in (
            (0, 0, FONT),
            (1, 0, FONT_BOLD),
            (0, 1, FONT),
            (1, 1, FONT_BOLD),
        ):
            addMapping(FONT, bold, italic, name)
        _REGISTERED = True
    return pdfmetrics.getFont(FONT)


@functools.lru_cache(maxsize=4)
def _cmap(name: str) -> frozenset[int]:
    register_fonts()
    if name == FONT_CJK:
        register_cjk()
    if name == FONT_KO:
        register_korean()
    return frozenset(pdfmetrics.getFont(name).face.charToGlyph)


def missing_glyphs(texts: Sequence[str]) -> set[str]:
    """Characters no embedded font can draw (they would print as empty boxes): emoji, and
    scripts neither DejaVu, Droid nor Nanum covers."""
    latin = _cmap(FONT)
    beyond = {ch for text in texts if not text.isascii() for ch in text
              if ch.isprintable() and ch != " " and ord(ch) not in latin}  # fmt: skip
    if not beyond:
        return set()
    cjk = _cmap(FONT_CJK)
    korean = _cmap(FONT_KO) if any(hangul(ch) for ch in beyond) else frozenset()
    return {ch for ch in beyond if ord(ch) not in cjk and ord(ch) not in korean}


def styles() -> dict[str, Any]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=26, leading=32,
                                spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=13, leading=17,
                                   textColor=colors.HexColor("#444444"), spaceAfter=18),
        "h1": ParagraphStyle("h1", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20,
                             spaceBefore=4, spaceAfter=10),
        "h2": ParagraphStyle("h2", parent=base, fontName=FONT_BOLD, fontSize=13, leading=17,
                             spaceBefore=2, spaceAfter=6),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5, spaceAfter=0),
        "cellb": ParagraphStyle("cellb", parent=base, fontName=FONT_BOLD, fontSize=9, leading=11.5,
                                spaceAfter=0),
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10, spaceAfter=2,
                                textColor=colors.HexColor("#333333")),
        "hash": ParagraphStyle("hash", parent=base, fontSize=7.2, leading=9, spaceAfter=1,
                               textColor=colors.HexColor("#333333")),
        "caption": ParagraphStyle("caption", parent=base, fontSize=8.5, leading=10.5,
                                  spaceAfter=0, textColor=colors.HexColor("#222222")),
        "flag": ParagraphStyle("flag", parent=base, fontSize=9, leading=11.5, spaceAfter=0,
                               textColor=colors.HexColor("#b00020")),
        "note": ParagraphStyle("note", parent=base, fontSize=9, leading=12,
                               textColor=colors.HexColor("#7a4b00")),
    }  # fmt: skip
