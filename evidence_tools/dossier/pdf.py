"""The dossier's layout with reportlab: cover, statement, time line, exhibits, appendices.

What reportlab does not do for us, done here: every user string is escaped before it reaches
a Paragraph (it would otherwise rewrite ``&`` and ``<``); photos are turned upright before
placing (it ignores EXIF orientation); JPEGs are decoded in Pillow's draft mode, downscaled to
the placed size and passed through as JPEG; ASCII85 is off; DejaVu Sans is embedded so Latin,
Cyrillic and Greek print as letters; the invariant mode makes the bytes reproducible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from evidence_tools import __version__
from evidence_tools.images import font_path

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"


def esc(text: str) -> str:
    """Verbatim text for a reportlab Paragraph: AT&T, size < 5 cm and <b> print as typed."""
    return escape(str(text)).replace("\n", "<br/>")


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
    prepared: dt.date | None = None  # the PDF's creation date (the bytes stay reproducible)


_REGISTERED = False


def register_fonts() -> Any:
    """Embed DejaVu Sans; returns the regular font so callers can check coverage."""
    global _REGISTERED
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

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


def missing_glyphs(texts: Sequence[str]) -> set[str]:
    """Characters the embedded font cannot draw (they would print as empty boxes)."""
    face = register_fonts().face
    cmap = face.charToGlyph
    return {
        ch
        for text in texts
        for ch in text
        if ch.isprintable() and ch != " " and ord(ch) not in cmap
    }


def _styles() -> dict[str, Any]:
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

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


def _numbered_canvas(footer_left: str, prepared: dt.date | None = None) -> type:
    from reportlab.lib import colors
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        """Defers pages so each can say 'Page X of Y'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []
            if prepared is not None:  # not invariant mode's 1 January 2000
                stamp = f"D:{prepared:%Y%m%d}000000Z"
                self.setDateFormatter(lambda *_: stamp)

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                width, _ = self._pagesize
                self.setFont(FONT, 8)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(51, 28, footer_left)
                self.drawRightString(width - 51, 28, f"Page {self._pageNumber} of {total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def write_pdf(
    out: Path,
    content: DossierContent,
    *,
    paper: str = "a4",
    dpi: int = 150,
) -> int:
    """Lay the dossier out into ``out``; returns the number of pages."""
    from reportlab import rl_config

    rl_config.useA85 = 0  # ASCII85 made a 20-photo PDF take 15 s instead of 0.35 s
    return _write_pdf(out, content, paper=paper, dpi=dpi)


def _write_pdf(out: Path, content: DossierContent, *, paper: str, dpi: int) -> int:
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    from evidence_tools.dossier import sections

    register_fonts()
    pagesize = LETTER if paper == "letter" else A4
    margin = 18 * mm
    frame_w = pagesize[0] - 2 * margin
    frame_h = pagesize[1] - 2 * margin - 10
    doc = BaseDocTemplate(
        str(out),
        pagesize=pagesize,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin + 10,
        title=content.title,
        author="",
        subject=content.subject,
        creator=f"evidence-tools {__version__}",
        producer=f"evidence-tools {__version__} (reportlab)",
        invariant=1,
        initialFontName=FONT,  # not Helvetica, which would be listed and not embedded
        initialFontSize=10,
    )
    frame = Frame(margin, margin + 10, frame_w, frame_h, id="body", leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)  # fmt: skip
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    page = sections.Page(_styles(), frame_w, frame_h, dpi)
    story = sections.cover(page, content) + sections.statement(page, content)
    story += sections.timeline(page, content) + sections.exhibits(page, content)
    story += sections.appendix_integrity(page, content) + sections.appendix_method(page, content)
    footer = (
        f"Evidence dossier \u2014 order {content.order_number}"
        if content.order_number
        else "Evidence dossier"
    )
    doc.build(story, canvasmaker=_numbered_canvas(footer, content.prepared))
    return int(doc.page)
