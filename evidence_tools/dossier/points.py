"""Each "not as described" point, with what its pictures show: the colour difference between
the listing's box and the photo's box, white-balanced where white is marked, and the length
a ``measure`` on the photo reads against its ruler; and the sentences that say them.

Only a clear difference (above about 6 in CIEDE2000) is said to the arbiter; a smaller one is
said to the buyer by ``evidence check`` instead, with what photo would show it. A point uses
the measure its ``photo.measure`` names, else the photo's first measure unless the point is a
colour comparison (a box on the listing and on the photo).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence_tools.case.model import Case, Mismatch
from evidence_tools.checklist import shows
from evidence_tools.colour import Comparison, compare
from evidence_tools.dossier.text import Exhibits
from evidence_tools.errors import EvidenceError
from evidence_tools.i18n import Text
from evidence_tools.measure import Measured, length_in
from evidence_tools.metadata.model import kind_for


@dataclass
class PointFacts:
    """One [[mismatch]] as the statement may say it: the listing's words and what arrived,
    their exhibits, the colour difference where the photos show a clear one, and the length
    the photo measures."""

    says: str
    received: str
    listing: int | None = None
    photo: int | None = None
    delta_e: float | None = None  # CIEDE2000, only where it is clear (above about 6)
    balanced: bool = False  # white-balanced on white paper in both pictures
    measured: str | None = None  # "48.0 cm ± 0.4 cm", read against the ruler in ``photo``
    agrees: bool = False  # the photo measures what the listing says: no difference to claim


def _photos(case: Case, numbers: Sequence[int]) -> list[Path] | None:
    files = [case.root / case.evidence[n - 1].file for n in numbers]
    if not all(f.is_file() and kind_for(f) == "photo" for f in files):
        return None
    return files


COLOUR_FIT = (1600, 1600)  # the pictures a colour is read from: plenty of pixels per box
MIN_BOX_SIDE = 8  # pixels at that size: fewer, and one pixel's noise would be the colour


def small_box(case: Case, point: Mismatch) -> int | None:
    """The exhibit whose colour box is too small to read a colour from, if one is."""
    from evidence_tools.images import upright_size

    for number, box in ((point.listing_exhibit, point.listing_box),
                        (point.photo_exhibit, point.photo_box)):  # fmt: skip
        files = _photos(case, (number,)) if number and box else None
        if files is None or box is None:
            continue
        try:
            width, height = upright_size(files[0])
        except (EvidenceError, OSError, ValueError):
            continue
        scale = min(1.0, COLOUR_FIT[0] / max(width, height))
        if min(box[2] * width * scale, box[3] * height * scale) < MIN_BOX_SIDE:
            return number
    return None


def srgb_photo(path: Path, fit: tuple[int, int]) -> Any:
    """The photo upright and in sRGB (a Display P3 photo's numbers mean other colours), at
    most ``fit``; None for a damaged one, which check reports by file."""
    from evidence_tools.images import open_upright, to_srgb

    try:
        image, meta = open_upright(path, fit=fit)
    except (EvidenceError, OSError, ValueError):
        return None
    return to_srgb(image, meta["icc_profile"])


def colour_of(case: Case, point: Mismatch) -> Comparison | None:
    """The colour comparison of a point whose listing and photo both mark a box on a photo
    (none where a box is too small to read a colour from)."""
    if not (point.listing_exhibit and point.photo_exhibit and point.listing_box
            and point.photo_box):  # fmt: skip
        return None
    files = _photos(case, (point.listing_exhibit, point.photo_exhibit))
    if files is None or small_box(case, point) is not None:
        return None
    pictures = [srgb_photo(file, COLOUR_FIT) for file in files]
    if None in pictures:
        return None
    return compare(pictures[1], point.photo_box, pictures[0], point.listing_box,
                   photo_white=point.photo_white, listing_white=point.listing_white)  # fmt: skip


def measure_of(case: Case, point: Mismatch) -> Measured | None:
    """What the point's photo measures against its ruler, if it has a measure to use."""
    if not point.photo_exhibit:
        return None
    item = case.evidence[point.photo_exhibit - 1]
    measures = [s for s in item.annotate if s.kind == "measure"]
    compared = point.listing_box is not None and point.photo_box is not None
    if not measures or (point.photo_measure is None and compared):
        return None
    files = _photos(case, (point.photo_exhibit,))
    if files is None:
        return None
    from evidence_tools.images import upright_size
    from evidence_tools.shapes import measured

    try:
        width, height = upright_size(files[0])
        return measured(measures[(point.photo_measure or 1) - 1], width, height)
    except (EvidenceError, OSError, ValueError):  # damaged, or off the picture: check says so
        return None


def point_facts(case: Case, *, colours: bool = True) -> list[PointFacts]:
    """Each point's facts; ``colours=False`` skips the comparison (the message needs none)."""
    out = []
    for point in case.mismatches:
        colour = colour_of(case, point) if colours else None
        clear = colour is not None and colour.clear
        length = measure_of(case, point)
        out.append(PointFacts(
            point.listing_says, point.received, point.listing_exhibit, point.photo_exhibit,
            colour.delta_e if clear and colour is not None else None,
            bool(colour and colour.balanced),
            length.said() if length is not None else None, agrees(point, length),
        ))  # fmt: skip
    return out


def agrees(point: Mismatch, length: Measured | None) -> bool:
    """Whether the photo's measure confirms the listing's own length: then the point is no
    difference, and saying it would claim more than the photo shows."""
    listed = length_in(point.listing_says)
    return listed is not None and length is not None and not length.contradicts(listed)


def _received(p: PointFacts) -> Text:
    """The point's one sentence: the listing quoted, what arrived, the exhibits."""
    ref_l = Exhibits([p.listing] if p.listing else [])
    if p.measured and p.photo:
        if p.listing:
            return Text("The listing says \u201c{says}\u201d {listing}; the item received "
                        "measures {length} against the ruler in Exhibit {photo}.", says=p.says,
                        listing=ref_l, length=p.measured, photo=p.photo)  # fmt: skip
        return Text("The listing says \u201c{says}\u201d; the item received measures {length} "
                    "against the ruler in Exhibit {photo}.", says=p.says, length=p.measured,
                    photo=p.photo)  # fmt: skip
    ref_p = Exhibits([p.photo] if p.photo else [])
    if p.listing and p.photo:
        return Text("The listing says \u201c{says}\u201d {listing}; the item received is "
                    "{received} {photo}.", says=p.says, listing=ref_l, received=p.received,
                    photo=ref_p)  # fmt: skip
    if p.listing:
        return Text("The listing says \u201c{says}\u201d {listing}; the item received is "
                    "{received}.", says=p.says, listing=ref_l, received=p.received)  # fmt: skip
    if p.photo:
        return Text("The listing says \u201c{says}\u201d; the item received is {received} "
                    "{photo}.", says=p.says, received=p.received, photo=ref_p)  # fmt: skip
    return Text("The listing says \u201c{says}\u201d; the item received is {received}.",
                says=p.says, received=p.received)  # fmt: skip


def _colour(p: PointFacts) -> list[Text]:
    if p.delta_e is None:
        return []
    if p.balanced:
        return [Text("The colours differ by \u0394E00 {delta} after white balance on white "
                     "paper in each picture (indicative: the photos are not calibrated).",
                     delta=f"{p.delta_e:.0f}")]  # fmt: skip
    return [Text("The colours differ by \u0394E00 {delta} (indicative: the photos are not "
                 "calibrated, and not balanced on white paper).",
                 delta=f"{p.delta_e:.0f}")]  # fmt: skip


def point_sentences(case: Case, points: Sequence[PointFacts], *, brief: bool = False) -> list[Text]:
    """What the listing says, and what arrived: a sentence a point, quoting the listing, with
    its colour difference and how a length was measured (``brief``: the point alone, for the
    dispute message); then the parcel's weights where both are known."""
    out: list[Text] = []
    points = [p for p in points if not p.agrees]
    for p in points:
        out.append(_received(p))
        if not brief:
            out += _colour(p)
    if not brief and any(p.measured and p.photo for p in points):
        out.append(Text("Lengths are read off the photo against the ruler beside the item, "
                        "assuming both lie in one plane and the camera looks at them square "
                        "on; the \u00b1 is how far the ends can be placed."))  # fmt: skip
    shipped, received = case.shipped_weight, case.received_weight
    if shipped and received:
        scale = [n for n, item in enumerate(case.evidence, 1) if shows(item, "scale")]
        if scale:
            out.append(Text("The label gives the parcel's weight as {shipped}; it weighed "
                            "{received} on arrival {exhibits}.", shipped=shipped.said,
                            received=received.said, exhibits=Exhibits(scale)))  # fmt: skip
        else:
            out.append(Text("The label gives the parcel's weight as {shipped}; it weighed "
                            "{received} on arrival.", shipped=shipped.said,
                            received=received.said))  # fmt: skip
    return out


def said_points(case: Case, *, brief: bool = False) -> list[Text]:
    """The points' sentences, measured from the case's files."""
    return point_sentences(case, point_facts(case, colours=not brief), brief=brief)
