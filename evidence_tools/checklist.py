"""What each claim needs an arbiter to see (a tracking screenshot for *not received*, a
ruler for *wrong size*, ...), and whether an exhibit shows it: declared in ``shows = [...]``
or named in its caption. Part of ``evidence check``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from evidence_tools.case.model import Case, EvidenceItem
from evidence_tools.i18n import Text
from evidence_tools.measure import length_in
from evidence_tools.metadata.model import kind_for

Add = Callable[..., None]  # CheckReport.add(severity, code, message, fix="", subject="")

# what an exhibit shows, from `shows = [...]` in case.toml or from words in its caption
SHOWS_WORDS: dict[str, tuple[str, ...]] = {
    "listing": ("listing", "product page", "advert", "description", "screenshot of the item"),
    "tracking": ("tracking", "carrier", "delivery status", "parcel status", "shipment"),
    "ruler": ("ruler", "tape", "measure", "size label", "cm", "inch", "mm"),
    "label": ("label", "tracking number", "waybill"),
    "unboxing": ("unboxing", "opening", "sealed"),
    "everything": ("everything received", "all items", "all parts", "contents"),
    "chat": ("chat", "conversation", "message", "seller replied"),
    "scale": ("scale", "weighed", "weighing", "weight"),
}


def shows(item: EvidenceItem, what: str) -> bool:
    """Whether the exhibit shows ``what``: declared in ``shows = [...]`` or named in its
    caption."""
    if what in item.shows:
        return True
    caption = item.caption.lower()
    return any(re.search(rf"\b{re.escape(w)}\b", caption) for w in SHOWS_WORDS[what])


def _point_photos(case: Case, defects: set[str], add: Add) -> None:
    """A colour claim asks for white paper beside the item; a length in a point asks for the
    item photographed against a ruler and measured."""
    points = case.mismatches
    colour = defects & {"wrong_colour", "wrong_color"} or any(
        p.listing_box and p.photo_box for p in points)  # fmt: skip
    if colour and not any(p.photo_white for p in points):
        add(
            "warning",
            "claim.colour.no_white",
            Text("a colour claim is stronger with white paper beside the item: it shows the "
                 "light's colour, so the photo's colour can be corrected for it"),
            Text("photograph the item in daylight with a sheet of white paper beside it, then "
                 "mark the paper: white = [X, Y, W, H] in the [[mismatch]]'s photo"),
            "case.toml",
        )  # fmt: skip
    for p in points:
        item = case.evidence[p.photo_exhibit - 1] if p.photo_exhibit else None
        measures = item is not None and kind_for(Path(item.file)) == "photo" and any(
            s.kind == "measure" for s in item.annotate)  # fmt: skip
        if (length_in(p.listing_says) or length_in(p.received)) and not measures:
            add(
                "warning",
                "claim.size.not_measured",
                Text("“{says}” is a size, and no photo of the point measures it "
                     "against a ruler", says=p.listing_says),
                Text("photograph the item with a ruler beside it, then add to that photo's "
                     'annotate: { measure = [X1, Y1, X2, Y2], ref = [X1, Y1, X2, Y2], '
                     'ref_length = "10 cm" }, and name it as the point\'s photo'),
                "case.toml",
            )  # fmt: skip


def claim_checklist(case: Case, add: Add) -> None:
    items = case.evidence
    kinds = {id(i): kind_for(Path(i.file)) for i in items}
    photos = [i for i in items if kinds[id(i)] == "photo"]
    videos = [i for i in items if kinds[id(i)] == "video"]
    defects = {d for i in items for d in i.defects}
    has = {what: any(shows(i, what) for i in items) for what in SHOWS_WORDS}
    has["ruler"] = has["ruler"] or any(s.kind == "measure" for i in items for s in i.annotate)
    has["listing"] = has["listing"] or any(p.listing_exhibit for p in case.mismatches)
    claim = case.claim
    if claim == "damaged":
        if not any(i.annotate or i.defects for i in photos):
            add(
                "warning",
                "claim.damaged.no_marked_photo",
                Text("no photo marks the damage"),
                Text('add defects = ["cracked"] and an annotate box to the photo of it'),
            )
        if not videos:
            add(
                "warning",
                "claim.damaged.no_video",
                Text("no unboxing video: it is the strongest proof that the item arrived damaged"),
                Text("add the video that starts with the sealed parcel"),
            )
    elif claim == "not_received":
        if not case.order.tracking:
            add(
                "error",
                "claim.not_received.no_tracking_number",
                Text("a 'not received' claim needs the tracking number"),
                Text("set tracking in [order]"),
                "case.toml",
            )
        if not has["tracking"]:
            add(
                "warning",
                "claim.not_received.no_tracking_screenshot",
                Text("no screenshot of the carrier's tracking status"),
                Text('add one, with caption "Tracking status ..." (or shows = ["tracking"])'),
            )
    elif claim in ("not_as_described", "wrong_item", "missing_parts", "counterfeit"):
        if not has["listing"]:
            add(
                "warning",
                "claim.no_listing",
                Text("no screenshot of the listing to compare with"),
                Text('add one, with caption "Listing ..." (or shows = ["listing"])'),
            )
        if claim == "missing_parts" and not has["everything"]:
            add(
                "warning",
                "claim.missing_parts.no_everything_photo",
                Text("no photo of everything that was received"),
                Text('add one, with caption "Everything received" (or shows = ["everything"])'),
            )
        if not photos:
            add(
                "warning",
                "claim.no_item_photo",
                Text("no photo of the item received"),
                Text("add one"),
            )
    if claim == "not_as_described" and not case.mismatches:
        add(
            "warning",
            "claim.no_listing_words",
            Text("the listing's own words are not quoted: arbiters judge against them"),
            Text(
                "add a [[mismatch]] with listing_says (the listing's words) and received "
                "(what arrived)"
            ),  # fmt: skip
            "case.toml",
        )
    _point_photos(case, defects, add)
    parcel_short = claim == "missing_parts" or "empty_parcel" in defects
    if parcel_short and not (case.shipped_weight and case.received_weight):
        add(
            "info",
            "claim.weigh_parcel",
            Text(
                "the parcel's weight on its label against its weight on arrival shows what "
                "is missing"
            ),  # fmt: skip
            Text(
                "weigh it, photograph the scale, and set shipped_weight and received_weight "
                "in [order]"
            ),  # fmt: skip
            "case.toml",
        )
    if "wrong_size" in defects and not has["ruler"]:
        add(
            "warning",
            "claim.wrong_size.no_ruler",
            Text("a size claim needs a photo with a ruler or the size label"),
            Text('add one, with caption "... with a ruler" (or shows = ["ruler"])'),
        )
