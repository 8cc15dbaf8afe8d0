"""The dossier's layout with reportlab: cover, statement, time line, exhibits, appendices.

What reportlab does not do for us, done here: every user string is escaped before it reaches
a Paragraph (it would otherwise rewrite ``&`` and ``<``); photos are turned upright before
placing (it ignores EXIF orientation); JPEGs are decoded in Pillow's draft mode, downscaled to
the placed size and passed through as JPEG; ASCII85 is off; DejaVu Sans is embedded so Latin,
Cyrillic and Greek print as letters; the invariant mode makes the bytes reproducible.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from evidence_tools import __version__
from evidence_tools.images import font_path, open_upright

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


def prepare_image(
    path: Path, max_w: float, max_h: float, dpi: int
) -> tuple[io.BytesIO, float, float]:
    """An upright JPEG of ``path`` sized for a max_w x max_h point box at ``dpi``, and the
    size it is placed at in points (``images.open_upright`` decodes a JPEG in draft mode, so
    a 12 MP photo is never decoded at full size to be placed a few inches wide)."""
    box = (max(1, int(max_w / 72 * dpi)), max(1, int(max_h / 72 * dpi)))
    upright, _ = open_upright(path, fit=box)
    scale = min(max_w / upright.width, max_h / upright.height)
    buf = io.BytesIO()
    upright.save(buf, "JPEG", quality=85, optimize=True)
    buf.seek(0)
    return buf, upright.width * scale, upright.height * scale


def _bookmark(title: str, key: str, level: int = 0) -> Any:
    """A zero-size flowable that adds a PDF outline entry where it lands."""
    from reportlab.platypus import Flowable

    class Bookmark(Flowable):
        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return (0, 0)

        def draw(self) -> None:
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)

    return Bookmark()


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


def _height(flowables: list[Any], width: float) -> float:
    """The height ``flowables`` take in a column ``width`` wide, spacing included."""
    total = 0.0
    for f in flowables:
        _, h = f.wrap(width, 100_000)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _picture(buf: io.BytesIO, width: float, height: float) -> Any:
    """A flowable that places a prepared JPEG as it is.

    Given an ordinary ImageReader, reportlab decodes every image to name it by a hash of its
    pixels, and keeps the pixels (10 MB a photo, so memory grew with the number of photos).
    Here the JPEG's own bytes name it, and reportlab passes the JPEG through undecoded.
    """
    from reportlab.lib.utils import ImageReader
    from reportlab.platypus import Flowable

    data = buf.getvalue()

    class PassThroughJPEG(ImageReader):
        def getRGBData(self) -> bytes:
            self._dataA = None
            return data

    class Picture(Flowable):
        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return (width, height)

        def draw(self) -> None:
            self.canv.drawImage(PassThroughJPEG(io.BytesIO(data)), 0, 0, width, height)

    return Picture()


def _write_pdf(out: Path, content: DossierContent, *, paper: str, dpi: int) -> int:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, LETTER
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Frame,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    register_fonts()
    st = _styles()
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
    grid = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    story: list[Any] = []

    # 1. cover
    story += [_bookmark("Cover", "cover"), Spacer(1, 30 * mm)]
    story.append(Paragraph("Evidence dossier", st["title"]))
    story.append(Paragraph(esc(content.subject), st["subtitle"]))
    rows = [[Paragraph(esc(k), st["cellb"]), Paragraph(esc(v), st["cell"])]
            for k, v in content.cover_rows]  # fmt: skip
    cover = Table(rows, colWidths=[45 * mm, frame_w - 45 * mm])
    cover.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))  # fmt: skip
    story += [cover, Spacer(1, 10 * mm)]
    story.append(
        Paragraph(
            "The originals are kept unmodified. Every file named here is identified by its "
            "SHA-256 fingerprint (Appendix A); the method used to read capture times is in "
            "Appendix B.",
            st["small"],
        )
    )
    story.append(PageBreak())

    # 2. statement
    story += [_bookmark("Statement", "statement"), Paragraph("Statement", st["h1"])]
    story += [Paragraph(esc(p), st["body"]) for p in content.statement]

    # 3. time line
    story += [Spacer(1, 6 * mm), _bookmark("Time line", "timeline"),
              Paragraph("Time line", st["h1"])]  # fmt: skip
    rows = [[Paragraph("When", st["cellb"]), Paragraph("What", st["cellb"]),
             Paragraph("Source", st["cellb"])]]  # fmt: skip
    for row in content.timeline:
        what = esc(row.what)
        style = st["flag"] if row.flag else st["cell"]
        if row.flag:
            what += "<br/><b>! " + esc(row.flag) + "</b>"
        rows.append([Paragraph(esc(row.when), style), Paragraph(what, style),
                     Paragraph(esc(row.source), st["cell"])])  # fmt: skip
    table = Table(rows, colWidths=[48 * mm, frame_w - 48 * mm - 55 * mm, 55 * mm], repeatRows=1)
    table.setStyle(grid)
    story.append(table)

    # 4. exhibits
    story.append(PageBreak())
    story += [_bookmark("Exhibits", "exhibits")]
    for ex in content.exhibits:
        key = f"exhibit{ex.number}"
        head = [_bookmark(f"Exhibit {ex.number}: {ex.title}", key, 1),
                Paragraph(f"Exhibit {ex.number} \u2014 {esc(ex.title)}", st["h1"])]  # fmt: skip
        facts = [Paragraph(esc(line), st["body"]) for line in ex.facts]
        notes = [Paragraph(esc(n), st["note"]) for n in ex.notes]
        hashes = [
            Paragraph(f"<b>{esc(label)}</b> {esc(path)}<br/>SHA-256 {sha}", st["hash"])
            for label, path, sha in ex.hashes
        ]
        if ex.left_out:
            story += head + [Paragraph(esc("Left out of this dossier: " + ex.left_out),
                                       st["flag"])] + facts + hashes  # fmt: skip
            story.append(PageBreak())
            continue
        # measure what goes around the pictures, so they take exactly the rest of the page
        text_h = _height(head + facts + notes + hashes, frame_w) + 16
        if ex.kind == "photo" and ex.images:
            path, caption = ex.images[0]
            under = [Paragraph(esc(caption), st["caption"])] if caption else []
            room = frame_h - text_h - _height(under, frame_w)
            buf, w, h = prepare_image(path, frame_w, max(120.0, room), dpi)
            story += head + [_picture(buf, w, h), Spacer(1, 4)] + under
            story += facts + notes + [Spacer(1, 3)] + hashes
        else:
            story += head + facts + notes
            cells: list[Any] = []
            cols = 3 if len(ex.images) >= 3 else max(1, len(ex.images))
            col_w = frame_w / cols
            cell_w = col_w - 6
            rows_n = max(1, -(-len(ex.images) // cols))
            captions = [Paragraph(esc(c), st["caption"]) for _, c in ex.images]
            cap_h = max((_height([c], cell_w) for c in captions), default=0.0)
            cell_h = max(90.0, (frame_h - text_h) / rows_n - cap_h - 10)
            for (path, _), cap in zip(ex.images, captions, strict=True):
                buf, w, h = prepare_image(path, cell_w, cell_h, dpi)
                cells.append([_picture(buf, w, h), cap])
            if cells:
                grid_rows: list[list[Any]] = [
                    cells[i : i + cols] for i in range(0, len(cells), cols)
                ]
                for r in grid_rows:
                    r += [""] * (cols - len(r))
                pics = Table(grid_rows, colWidths=[col_w] * cols)
                pics.setStyle(TableStyle([
                    ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]))  # fmt: skip
                story.append(pics)
            story += [Spacer(1, 3)] + hashes
        story.append(PageBreak())

    # 5. appendix A: integrity
    story += [_bookmark("Appendix A \u2014 File integrity", "appendix-a"),
              Paragraph("Appendix A \u2014 File integrity", st["h1"])]  # fmt: skip
    story.append(
        Paragraph(
            "Every original and every file derived from it, with its SHA-256 fingerprint. "
            "Recompute a fingerprint (e.g. <i>sha256sum FILE</i>, or <i>evidence verify</i> "
            "on the case folder) to check that a file is the one described here. The "
            "dossier's own fingerprint is in the case's manifest.json.",
            st["small"],
        )
    )
    rows = [[Paragraph(h, st["cellb"]) for h in ("File", "Role", "Size")]]
    spans: list[Any] = []
    for file, role, size, sha, source in content.integrity_rows:
        rows.append([Paragraph(esc(file), st["cell"]), Paragraph(esc(role), st["cell"]),
                     Paragraph(esc(size), st["cell"])])  # fmt: skip
        below = f"SHA-256 {sha}" + (f"<br/>made from {esc(source)}" if source else "")
        rows.append([Paragraph(below, st["hash"]), "", ""])
        spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        spans.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0, colors.white))
    table = Table(rows, colWidths=[frame_w - 80 * mm, 55 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *spans,
    ]))  # fmt: skip
    story += [table, PageBreak()]

    # 6. appendix B: method
    story += [_bookmark("Appendix B \u2014 Method", "appendix-b"),
              Paragraph("Appendix B \u2014 Method", st["h1"])]  # fmt: skip
    story += [Paragraph(esc(p), st["body"]) for p in content.method]
    rows = [[Paragraph("Tool", st["cellb"]), Paragraph("Version", st["cellb"])]]
    rows += [
        [Paragraph(esc(k), st["cell"]), Paragraph(esc(v), st["cell"])] for k, v in content.versions
    ]
    table = Table(rows, colWidths=[60 * mm, frame_w - 60 * mm], repeatRows=1)
    table.setStyle(grid)
    story.append(table)

    footer = (
        f"Evidence dossier \u2014 order {content.order_number}"
        if content.order_number
        else "Evidence dossier"
    )
    doc.build(story, canvasmaker=_numbered_canvas(footer, content.prepared))
    return int(doc.page)
