"""The "not as described" tables of case.toml: ``[[mismatch]]`` (the listing's words against
what arrived, each with its exhibits) and the parcel's weights in ``[order]``.

Checked as the rest of case.toml is: a wrong key, a missing quote of the listing, an exhibit
number the case does not have or a box off the picture is a ``case.toml:LINE`` error.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from evidence_tools.case.model import EvidenceItem, Mismatch, Weight
from evidence_tools.i18n import Text
from evidence_tools.metadata.model import kind_for

MISMATCH_KEYS = ("listing_says", "listing", "received", "photo")
_PLACE_KEYS = {"listing": ("exhibit", "box", "white"),
               "photo": ("exhibit", "box", "white", "measure")}  # fmt: skip
GRAMS = {"kg": 1000.0, "g": 1.0, "lb": 453.59237, "lbs": 453.59237, "oz": 28.349523125}
_WEIGHT_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(kg|g|lbs?|oz)\s*$", re.IGNORECASE)


def parse_weight(text: str) -> Weight:
    """``0.35 kg``, ``350 g``, ``0,8 lb``, ``12 oz``; ValueError for anything else."""
    match = _WEIGHT_RE.match(text)
    if not match:
        raise ValueError(text)
    value = float(match.group(1).replace(",", "."))
    return Weight(value * GRAMS[match.group(2).lower()], text.strip())


def read_weights(chk: Any, order: dict[str, Any]) -> tuple[Weight | None, Weight | None]:
    out: list[Weight | None] = []
    for key in ("shipped_weight", "received_weight"):
        text = chk.string("order", order, key)
        if not text:
            out.append(None)
            continue
        try:
            out.append(parse_weight(text))
        except ValueError:
            raise chk.fail("order", key, Text("{value} is not a weight", value=repr(text)),
                           hint=Text('write it with its unit: "0.35 kg", "350 g", "12 oz"'),
                           ) from None  # fmt: skip
    return out[0], out[1]


def _box(chk: Any, value: Any, key: str, index: int) -> list[float] | None:
    if value is None:
        return None
    ok = (
        isinstance(value, list) and len(value) == 4
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
    )  # fmt: skip
    if ok:
        x, y, w, h = (float(v) for v in value)
        ok = w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= 1.0001 and y + h <= 1.0001
    if not ok:
        raise chk.fail("mismatch", key, Text(
            "a box is four fractions of the picture, x, y, width, height, inside it: got {value}",
            value=repr(value)), index)  # fmt: skip
    return [float(v) for v in value]


def _measure(chk: Any, raw: Any, item: EvidenceItem, number: int, index: int) -> int | None:
    """Which of the exhibit's ``measure`` shapes the point uses (1 = its first)."""
    if raw is None:
        return None
    count = sum(s.kind == "measure" for s in item.annotate)
    if not isinstance(raw, int) or isinstance(raw, bool) or not 1 <= raw <= count:
        raise chk.fail("mismatch", "photo", Text(
            "measure = {value}: exhibit {number} has no such measure in its annotate",
            value=repr(raw), number=number), index)  # fmt: skip
    return raw


def _place(
    chk: Any, raw: Any, key: str, index: int, evidence: list[EvidenceItem]
) -> dict[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise chk.fail("mismatch", key, Text("expected a table like { exhibit = 2 }"), index)
    chk.unknown_keys("mismatch", raw, _PLACE_KEYS[key], index)
    number = raw.get("exhibit")
    exhibits = len(evidence)
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= exhibits:
        raise chk.fail("mismatch", key, Text(
            "exhibit {number} is not in the case (it has {count})",
            number=repr(number), count=exhibits), index)  # fmt: skip
    marked = [k for k in ("box", "white", "measure") if raw.get(k) is not None]
    if marked and kind_for(Path(evidence[number - 1].file)) != "photo":
        raise chk.fail("mismatch", key, Text(
            "exhibit {number} is not a photo: {keys} can only be marked on a photo",
            number=number, keys=", ".join(marked)), index)  # fmt: skip
    return {"exhibit": number, "box": _box(chk, raw.get("box"), key, index),
            "white": _box(chk, raw.get("white"), key, index),
            "measure": _measure(chk, raw.get("measure"), evidence[number - 1], number,
                                index)}  # fmt: skip


def read_mismatches(chk: Any, raw: Any, evidence: list[EvidenceItem]) -> list[Mismatch]:
    """The ``[[mismatch]]`` tables, each checked against the case's exhibits."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise chk.fail("mismatch", None, Text("write each point as a [[mismatch]] table"))
    out = []
    for index, table in enumerate(raw):
        if not isinstance(table, dict):
            raise chk.fail("mismatch", None, Text("expected a table"), index)
        chk.unknown_keys("mismatch", table, MISMATCH_KEYS, index)
        says = chk.string("mismatch", table, "listing_says", index).strip()
        received = chk.string("mismatch", table, "received", index).strip()
        for key, value in (("listing_says", says), ("received", received)):
            if not value:
                raise chk.fail("mismatch", key, Text(
                    "say it in words: listing_says quotes the listing, received says what "
                    "arrived"), index)  # fmt: skip
        listing = _place(chk, table.get("listing"), "listing", index, evidence)
        photo = _place(chk, table.get("photo"), "photo", index, evidence)
        out.append(Mismatch(
            says, received, listing.get("exhibit"), listing.get("box"), photo.get("exhibit"),
            photo.get("box"), photo.get("white"), listing.get("white"), photo.get("measure"),
            index,
        ))  # fmt: skip
    return out
