"""The dossier's sections, one function each, in the order they print: cover, statement, time
line, exhibits (a page each, pictures measured to fill what the text leaves), and the two
appendices. Each returns its flowables; ``pdf.write_pdf`` lays them out.

Every user string goes through ``esc`` before it reaches a Paragraph.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer, Table, TableStyle

from evidence_tools.dossier.content import FONT, DossierContent, ExhibitView, esc
from evidence_tools.images import open_upright, to_srgb

GRID = [
    ("FONTNAME", (0, 0), (-1, -1), FONT),
    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
    ("LEFTPADDING", (0, 0), (-1, -1), 4),
    ("RIGHTPADDING", (0, 0), (-1, -1), 4),
]


class Page:
    """What every section needs: the styles, the frame's size, the pictures' resolution."""

    def __init__(self, styles: dict[str, Any], width: float, height: float, dpi: int) -> None:
        self.st, self.width, self.height, self.dpi = styles, width, height, dpi


def prepare_image(
    path: Path, max_w: float, max_h: float, dpi: int
) -> tuple[io.BytesIO, float, float]:
    """An upright JPEG of ``path`` sized for a max_w x max_h point box at ``dpi``, and the
    size it is placed at in points (``images.open_upright`` decodes a JPEG in draft mode, so
    a 12 MP photo is never decoded at full size to be placed a few inches wide)."""
    box = (max(1, int(max_w / 72 * dpi)), max(1, int(max_h / 72 * dpi)))
    upright, info = open_upright(path, fit=box)
    upright = to_srgb(upright, info["icc_profile"])  # the PDF places pictures as sRGB
    w, h = info["size"]
    scale = min(max_w / w, max_h / h)
    buf = io.BytesIO()
    upright.save(buf, "JPEG", quality=85, optimize=True)
    buf.seek(0)
    return buf, w * scale, h * scale


def bookmark(title: str, key: str, level: int = 0) -> Any:
    """A zero-size flowable that adds a PDF outline entry where it lands."""

    class Bookmark(Flowable):
        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return (0, 0)

        def draw(self) -> None:
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(title, key, level=level, closed=False)

    return Bookmark()


def _height(flowables: list[Any], width: float) -> float:
    """The height ``flowables`` take in a column ``width`` wide, spacing included."""
    total = 0.0
    for f in flowables:
        _, h = f.wrap(width, 100_000)
        total += h + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def picture(buf: io.BytesIO, width: float, height: float) -> Any:
    """A flowable that places a prepared JPEG as it is.

    Given an ordinary ImageReader, reportlab decodes every image to name it by a hash of its
    pixels, and keeps the pixels (10 MB a photo, so memory grew with the number of photos).
    Here the JPEG's own bytes name it, and reportlab passes the JPEG through undecoded.
    """
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


def cover(page: Page, content: DossierContent) -> list[Any]:
    st = page.st
    rows = [[Paragraph(esc(k), st["cellb"]), Paragraph(esc(v), st["cell"])]
            for k, v in content.cover_rows]  # fmt: skip
    if content.problems:
        rows.append([Paragraph("Checks", st["cellb"]), Paragraph(esc(
            f"built despite {len(content.problems)} error(s) found by evidence check: "
            + "; ".join(content.problems)), st["flag"])])  # fmt: skip
    table = Table(rows, colWidths=[45 * mm, page.width - 45 * mm])
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))  # fmt: skip
    if content.integrity_rows:
        said = (
            "The originals are kept unmodified. Every file named here is identified by its "
            "SHA-256 fingerprint (Appendix A); the method used to read capture times is in "
            "Appendix B."
        )
    else:  # no files: nothing to fingerprint, and no claim that there is
        said = "The method used to prepare this dossier is in Appendix A."
    note = Paragraph(said, st["small"])
    return [
        bookmark("Cover", "cover"), Spacer(1, 30 * mm),
        Paragraph("Evidence dossier", st["title"]), Paragraph(esc(content.subject), st["subtitle"]),
        table, Spacer(1, 10 * mm), note, PageBreak(),
    ]  # fmt: skip


def statement(page: Page, content: DossierContent) -> list[Any]:
    st = page.st
    story = [bookmark("Statement", "statement"), Paragraph("Statement", st["h1"])]
    story += [Paragraph(esc(p), st["body"]) for p in content.statement]
    if content.points:
        story.append(Paragraph("What the listing says, and what arrived", st["h2"]))
        story += [Paragraph(esc(p), st["body"]) for p in content.points]
    if content.own_words:  # verbatim: every character as the buyer wrote it
        story.append(Paragraph("In my own words", st["h2"]))
        story += [Paragraph(esc(p), st["body"]) for p in content.own_words.split("\n\n")]
    return story


def timeline(page: Page, content: DossierContent) -> list[Any]:
    st = page.st
    rows = [[Paragraph("When", st["cellb"]), Paragraph("What", st["cellb"]),
             Paragraph("Source", st["cellb"])]]  # fmt: skip
    for row in content.timeline:
        what = esc(row.what)
        style = st["flag"] if row.flag else st["cell"]
        if row.flag:
            what += "<br/><b>! " + esc(row.flag) + "</b>"
        rows.append([Paragraph(esc(row.when), style), Paragraph(what, style),
                     Paragraph(esc(row.source), st["cell"])])  # fmt: skip
    table = Table(rows, colWidths=[48 * mm, page.width - 48 * mm - 55 * mm, 55 * mm], repeatRows=1)
    table.setStyle(TableStyle(GRID))
    return [Spacer(1, 6 * mm), bookmark("Time line", "timeline"),
            Paragraph("Time line", st["h1"]), table, PageBreak()]  # fmt: skip


def _photo(page: Page, ex: ExhibitView, text_h: float) -> list[Any]:
    """The photo as large as the page allows, its caption under it."""
    path, caption = ex.images[0]
    under = [Paragraph(esc(caption), page.st["caption"])] if caption else []
    room = page.height - text_h - _height(under, page.width)
    # a long caption must not shrink the photo to a stamp: it keeps at least 45 % of the page,
    # and the text flows on to the next
    buf, w, h = prepare_image(path, page.width, max(page.height * 0.45, room), page.dpi)
    return [picture(buf, w, h), Spacer(1, 4), *under]


def _picture_grid(page: Page, ex: ExhibitView, text_h: float) -> list[Any]:
    """Stills or a contact sheet in up to three columns, each with its caption."""
    if not ex.images:
        return []
    cols = 3 if len(ex.images) >= 3 else len(ex.images)
    col_w = page.width / cols
    cell_w = col_w - 6
    rows_n = -(-len(ex.images) // cols)
    captions = [Paragraph(esc(c), page.st["caption"]) for _, c in ex.images]
    cap_h = max(_height([c], cell_w) for c in captions)
    cell_h = max(page.height * 0.3 / rows_n, (page.height - text_h) / rows_n - cap_h - 10)
    cells: list[Any] = []
    for (path, _), cap in zip(ex.images, captions, strict=True):
        buf, w, h = prepare_image(path, cell_w, cell_h, page.dpi)
        cells.append([picture(buf, w, h), cap])
    rows: list[list[Any]] = [cells[i : i + cols] for i in range(0, len(cells), cols)]
    for r in rows:
        r += [""] * (cols - len(r))
    table = Table(rows, colWidths=[col_w] * cols)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
    ]))  # fmt: skip
    return [table]


def exhibit(page: Page, ex: ExhibitView) -> list[Any]:
    """One exhibit's page: title, the pictures filling exactly what the text leaves, facts,
    notes and fingerprints."""
    st = page.st
    head = [bookmark(f"Exhibit {ex.number}: {ex.title}", f"exhibit{ex.number}", 1),
            Paragraph(f"Exhibit {ex.number} \u2014 {esc(ex.title)}", st["h1"])]  # fmt: skip
    facts = [Paragraph(esc(line), st["body"]) for line in ex.facts]
    notes = [Paragraph(esc(n), st["note"]) for n in ex.notes]
    hashes = [
        Paragraph(f"<b>{esc(label)}</b> {esc(path)}<br/>SHA-256 {sha}", st["hash"])
        for label, path, sha in ex.hashes
    ]
    if ex.left_out:
        left_out = Paragraph(esc("Left out of this dossier: " + ex.left_out), st["flag"])
        return [*head, left_out, *facts, *hashes, PageBreak()]
    # measure what goes around the pictures, so they take exactly the rest of the page
    text_h = _height(head + facts + notes + hashes, page.width) + 16
    if ex.kind == "photo" and ex.images:
        body = _photo(page, ex, text_h) + facts + notes
    else:
        body = facts + notes + _picture_grid(page, ex, text_h)
    return [*head, *body, Spacer(1, 3), *hashes, PageBreak()]


def exhibits(page: Page, content: DossierContent) -> list[Any]:
    story: list[Any] = [bookmark("Exhibits", "exhibits")]
    for ex in content.exhibits:
        story += exhibit(page, ex)
    return story


def appendix_integrity(page: Page, content: DossierContent) -> list[Any]:
    """Appendix A: every file the dossier uses, with its fingerprint; none without files."""
    if not content.integrity_rows:
        return []
    st = page.st
    intro = Paragraph(
        "Every original and every file derived from it, with its SHA-256 fingerprint. "
        "Recompute a fingerprint (e.g. <i>sha256sum FILE</i>, or <i>evidence verify</i> "
        "on the case folder) to check that a file is the one described here. The "
        "dossier's own fingerprint is in the case's manifest.json.",
        st["small"],
    )
    rows: list[list[Any]] = [[Paragraph(h, st["cellb"]) for h in ("File", "Role", "Size")]]
    spans: list[Any] = []
    for file, role, size, sha, source in content.integrity_rows:
        rows.append([Paragraph(esc(file), st["cell"]), Paragraph(esc(role), st["cell"]),
                     Paragraph(esc(size), st["cell"])])  # fmt: skip
        below = f"SHA-256 {sha}" + (f"<br/>made from {esc(source)}" if source else "")
        rows.append([Paragraph(below, st["hash"]), "", ""])
        spans.append(("SPAN", (0, len(rows) - 1), (-1, len(rows) - 1)))
        spans.append(("LINEABOVE", (0, len(rows) - 1), (-1, len(rows) - 1), 0, colors.white))
    table = Table(rows, colWidths=[page.width - 80 * mm, 55 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#bbbbbb")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *spans,
    ]))  # fmt: skip
    title = "Appendix A \u2014 File integrity"
    return [bookmark(title, "appendix-a"), Paragraph(title, st["h1"]), intro, table, PageBreak()]


def appendix_method(page: Page, content: DossierContent) -> list[Any]:
    st = page.st
    title = f"Appendix {'B' if content.integrity_rows else 'A'} \u2014 Method"
    story: list[Any] = [bookmark(title, "appendix-b"), Paragraph(title, st["h1"])]
    story += [Paragraph(esc(p), st["body"]) for p in content.method]
    rows = [[Paragraph("Tool", st["cellb"]), Paragraph("Version", st["cellb"])]]
    rows += [
        [Paragraph(esc(k), st["cell"]), Paragraph(esc(v), st["cell"])] for k, v in content.versions
    ]
    table = Table(rows, colWidths=[60 * mm, page.width - 60 * mm], repeatRows=1)
    table.setStyle(TableStyle(GRID))
    return story + [table]
