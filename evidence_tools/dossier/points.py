"""Each "not as described" point, with what its pictures show: the colour difference between
the listing's box and the photo's box, white-balanced where white is marked.

Only a clear difference (above about 6 in CIEDE2000) is said to the arbiter; a smaller one is
said to the buyer by ``evidence check`` instead, with what photo would show it.
"""

from __future__ import annotations

from pathlib import Path

from evidence_tools.case.model import Case, Mismatch
from evidence_tools.colour import Comparison, compare
from evidence_tools.dossier.text import PointFacts
from evidence_tools.metadata.model import kind_for


def colour_of(case: Case, point: Mismatch) -> Comparison | None:
    """The colour comparison of a point whose listing and photo both mark a box on a photo."""
    if not (point.listing_exhibit and point.photo_exhibit and point.listing_box
            and point.photo_box):  # fmt: skip
        return None
    files = [case.root / case.evidence[n - 1].file for n in (point.listing_exhibit,
                                                               point.photo_exhibit)]  # fmt: skip
    if not all(f.is_file() and kind_for(Path(f)) == "photo" for f in files):
        return None
    from evidence_tools.errors import EvidenceError
    from evidence_tools.images import open_upright

    try:
        listing, _meta = open_upright(files[0], fit=(1600, 1600))
        photo, _meta = open_upright(files[1], fit=(1600, 1600))
    except (EvidenceError, OSError, ValueError):  # a damaged photo: check says so, by file
        return None
    return compare(photo, point.photo_box, listing, point.listing_box,
                   photo_white=point.photo_white, listing_white=point.listing_white)  # fmt: skip


def point_facts(case: Case) -> list[PointFacts]:
    out = []
    for point in case.mismatches:
        colour = colour_of(case, point)
        clear = colour is not None and colour.clear
        out.append(PointFacts(
            point.listing_says, point.received, point.listing_exhibit, point.photo_exhibit,
            colour.delta_e if clear and colour is not None else None,
            bool(colour and colour.balanced),
        ))  # fmt: skip
    return out
