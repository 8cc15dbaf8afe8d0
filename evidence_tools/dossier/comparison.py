"""A comparison page for each "not as described" point that marks where the listing shows it:
the listing's crop and the photo's side by side at the same height, the listing's words
above, and below them the flat colours measured, their numbers and what they mean, or the
length measured against the ruler.

Only what the point's checks found clear is shown as a finding: a colour difference the photos
do not clearly show (``evidence check`` tells the buyer) gets no swatches and no number here.
The dossier is for the arbiter, in English, like its other headings.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from evidence_tools.case.model import Case, Mismatch
from evidence_tools.colour import SEEN_BY_ANYONE, Comparison, Lab, lab_to_srgb
from evidence_tools.dossier.content import FONT, ExhibitView, esc
from evidence_tools.dossier.points import agrees, colour_of, measure_of, srgb_photo
from evidence_tools.dossier.sections import bookmark, picture
from evidence_tools.metadata.model import kind_for

CROP_FIT = (2400, 2400)  # the picture a crop is cut from: enough for a page at 300 dpi
UPSCALE = 4  # a small crop is shown at most this many times its pixels, not blown up to a patch


@dataclass
class ComparisonView:
    number: int  # the point's place among the [[mismatch]] tables
    says: str
    received: str
    listing_exhibit: int
    listing: Any  # the listing's crop: an upright sRGB Pillow image
    photo_exhibit: int | None = None
    photo: Any = None  # the photo's crop, or the whole (annotated) photo with no box
    colour: Comparison | None = None  # only a clear difference
    measured: str | None = None


def _crop(case: Case, number: int, box: Sequence[float] | None) -> Any:
    """The upright sRGB picture of exhibit ``number``, cut to ``box`` when given."""
    path = case.root / case.evidence[number - 1].file
    if not path.is_file() or kind_for(path) != "photo":
        return None
    image = srgb_photo(path, CROP_FIT)
    if image is None or box is None:
        return image
    w, h = image.size
    x0, y0 = int(box[0] * w), int(box[1] * h)
    x1, y1 = max(x0 + 1, round((box[0] + box[2]) * w)), max(y0 + 1, round((box[1] + box[3]) * h))
    return image.crop((x0, y0, x1, y1))


def _photo_side(case: Case, point: Mismatch, views: Sequence[ExhibitView]) -> Any:
    if not point.photo_exhibit:
        return None
    if point.photo_box is not None:
        return _crop(case, point.photo_exhibit, point.photo_box)
    view = next((v for v in views if v.number == point.photo_exhibit), None)
    if view is None or view.kind != "photo" or not view.images:
        return None
    return srgb_photo(view.images[0][0], CROP_FIT)  # as the dossier shows it: marks drawn


def comparison_views(case: Case, views: Sequence[ExhibitView]) -> list[ComparisonView]:
    """A comparison for each point whose listing box is on a photo that opens."""
    out = []
    for number, point in enumerate(case.mismatches, 1):
        if not (point.listing_exhibit and point.listing_box):
            continue
        listing = _crop(case, point.listing_exhibit, point.listing_box)
        if listing is None:
            continue
        colour = colour_of(case, point)
        length = measure_of(case, point)
        if agrees(point, length):  # the photo confirms the listing: no point to show
            continue
        out.append(ComparisonView(
            number, point.listing_says, point.received, point.listing_exhibit, listing,
            point.photo_exhibit, _photo_side(case, point, views),
            colour if colour is not None and colour.clear else None,
            length.said() if length is not None else None,
        ))  # fmt: skip
    return out


def _jpeg(image: Any, width: float, height: float, dpi: int) -> io.BytesIO:
    """``image`` as a JPEG of the pixels a ``width`` x ``height`` point box needs at ``dpi``."""
    from PIL import Image

    px = (max(1, int(width / 72 * dpi)), max(1, int(height / 72 * dpi)))
    if image.width > px[0] or image.height > px[1]:
        image = image.resize(px, Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=88, optimize=True)
    buf.seek(0)
    return buf


_TIGHT = [
    ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0),
]  # fmt: skip


def _side_by_side(page: Any, view: ComparisonView) -> list[Any]:
    """The two pictures at one height, as large as the column allows, captioned. A wide crop
    (a line of the listing's text) beside a photo would leave the photo a stamp at one
    height: below a quarter of the page, they are placed one above the other instead."""
    pictures = [view.listing] + ([view.photo] if view.photo is not None else [])
    st = page.st
    captions = [Paragraph(esc(f"The listing (Exhibit {view.listing_exhibit})"), st["caption"])]
    if view.photo is not None:
        captions.append(Paragraph(esc(f"What arrived (Exhibit {view.photo_exhibit})"),
                                  st["caption"]))  # fmt: skip
    gap = 6 * mm
    aspects = [p.width / p.height for p in pictures]
    height = min(page.height * 0.42, (page.width - gap * (len(pictures) - 1)) / sum(aspects),
                 UPSCALE * min(p.height for p in pictures) * 72 / page.dpi)  # fmt: skip
    if height < page.height * 0.25 and len(pictures) == 2:
        story: list[Any] = []
        for image, aspect, caption in zip(pictures, aspects, captions, strict=True):
            h = min(page.height * 0.3, page.width / aspect, UPSCALE * image.height * 72 / page.dpi)
            story += [picture(_jpeg(image, aspect * h, h, page.dpi), aspect * h, h),
                      Spacer(1, 1 * mm), caption, Spacer(1, 4 * mm)]  # fmt: skip
        return story
    cells = [picture(_jpeg(p, a * height, height, page.dpi), a * height, height)
             for p, a in zip(pictures, aspects, strict=True)]  # fmt: skip
    widths = [a * height + (gap if i < len(aspects) - 1 else 0) for i, a in enumerate(aspects)]
    table = Table([cells, captions], colWidths=widths)
    table.setStyle(TableStyle(_TIGHT))
    return [table]


def _numbers(lab: Lab) -> str:
    return f"L* {lab.L:.0f}  \u00b7  C* {lab.chroma:.0f}  \u00b7  hue {lab.hue:.0f}\u00b0"


def _swatches(page: Any, view: ComparisonView, colour: Comparison) -> list[Any]:
    """Flat patches of the two measured colours, their numbers, the difference and its
    caveat."""
    st = page.st
    gap = 6 * mm
    half = (page.width - gap) / 2
    fills = [colors.Color(*(c / 255 for c in lab_to_srgb(lab)))
             for lab in (colour.listing, colour.photo)]  # fmt: skip
    rows = [
        ["", "", ""],
        [Paragraph(esc(f"The listing's colour: {_numbers(colour.listing)}"), st["caption"]), "",
         Paragraph(esc(f"The colour received: {_numbers(colour.photo)}"), st["caption"])],
    ]  # fmt: skip
    table = Table(rows, colWidths=[half, gap, half], rowHeights=[22 * mm, None])
    table.setStyle(TableStyle([
        *_TIGHT, ("BACKGROUND", (0, 0), (0, 0), fills[0]),
        ("BACKGROUND", (2, 0), (2, 0), fills[1]), ("FONTNAME", (0, 0), (-1, -1), FONT),
        ("TOPPADDING", (0, 1), (-1, 1), 2),
    ]))  # fmt: skip
    how = ("after white balance on the white paper marked in each picture" if colour.balanced
           else "with no white balance (no white paper marked in both)")  # fmt: skip
    said = (f"Colour difference \u0394E00 {colour.delta_e:.0f}, {how}. Above about "
            f"{SEEN_BY_ANYONE:.0f} is a difference anyone sees side by side.")  # fmt: skip
    balance = ", divided per channel by its picture's white paper" if colour.balanced else ""
    caveat = ("Indicative: the photos are not calibrated. Each colour is the mean of its box "
              f"in linear light{balance}, converted to CIELAB (D65) and compared with "
              "CIEDE2000; the patches show those colours, so they can differ from the "
              "pictures above.")  # fmt: skip
    return [table, Spacer(1, 3 * mm), Paragraph(esc(said), st["body"]),
            Paragraph(esc(caveat), st["small"])]  # fmt: skip


def comparison_pages(page: Any, views: Sequence[ComparisonView]) -> list[Any]:
    """A page a point, each opening with the listing's words."""
    st = page.st
    story: list[Any] = []
    for view in views:
        story += [
            PageBreak(), bookmark(f"Point {view.number}", f"point{view.number}"),
            Paragraph(esc(f"Point {view.number}: what the listing says, and what arrived"),
                      st["h1"]),
            Paragraph(esc(f"The listing says: \u201c{view.says}\u201d"), st["h2"]),
            Paragraph(esc(f"Received: measures {view.measured} against the ruler "
                          f"(Exhibit {view.photo_exhibit})" if view.measured
                          else f"Received: {view.received}"), st["body"]),  # fmt: skip
            Spacer(1, 3 * mm), *_side_by_side(page, view), Spacer(1, 5 * mm),
        ]  # fmt: skip
        if view.colour is not None:
            story += _swatches(page, view, view.colour)
        if view.measured and view.photo_exhibit:
            story.append(Paragraph(esc(
                f"Measured against the ruler in Exhibit {view.photo_exhibit}: {view.measured} "
                "(the item and the ruler in one plane, the camera square on; the \u00b1 is how "
                "far the ends can be placed)."), st["body"]))  # fmt: skip
    return story + ([PageBreak()] if views else [])
