"""The English statement, written from the case's structured facts.

Buyers are often not native speakers: the sentences come from templates per claim and a
defect vocabulary, each from a fact the case records; the buyer's own prose appears only as
written (captions quoted, ``own_words`` under its own heading), never rewritten.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from evidence_tools.case.model import Case
from evidence_tools.platforms import platform
from evidence_tools.timecode import long_date

CLAIM_TITLES = {
    "not_received": "Item not received",
    "damaged": "Item arrived damaged",
    "not_as_described": "Item not as described",
    "wrong_item": "Wrong item received",
    "missing_parts": "Parts missing",
    "counterfeit": "Counterfeit item",
}
RESOLUTION_TITLES = {
    "full_refund": "Full refund",
    "partial_refund": "Partial refund",
    "replacement": "Replacement",
    "return_and_refund": "Return and full refund",
}

# defect word -> the clause after "the item ..." / the noun phrase for a short message
DEFECTS: dict[str, tuple[str, str]] = {
    "cracked": ("is cracked", "a crack"),
    "scratched": ("is scratched", "scratches"),
    "dented": ("is dented", "a dent"),
    "broken": ("is broken", "breakage"),
    "broken_part": ("has a broken part", "a broken part"),
    "does_not_work": ("does not work", "it does not work"),
    "wrong_colour": ("is the wrong colour", "the wrong colour"),
    "wrong_color": ("is the wrong colour", "the wrong colour"),
    "wrong_size": ("is the wrong size", "the wrong size"),
    "wrong_model": ("is a different model from the one ordered", "a different model"),
    "missing_parts": ("is missing parts", "missing parts"),
    "stained": ("is stained", "stains"),
    "torn": ("is torn", "a tear"),
    "leaking": ("is leaking", "a leak"),
    "counterfeit_logo": ("carries a counterfeit logo", "a counterfeit logo"),
    "empty_parcel": ("was not in the parcel: the parcel was empty", "an empty parcel"),
    "used": ("shows signs of previous use", "signs of use"),
    "dirty": ("is dirty", "dirt"),
    "wet": ("arrived wet", "water damage"),
    "expired": ("is past its expiry date", "an expired product"),
}


@dataclass
class ExhibitFacts:
    number: int
    kind: str  # photo | video | document
    caption: str = ""
    defects: Sequence[str] = ()
    captured_at: dt.datetime | None = None
    zone_label: str = ""
    continuous: bool = False  # the buyer says so in case.toml; never assumed
    shown: tuple[float, float] | None = None  # the part of a video the exhibit shows
    length: float | None = None  # how long the whole recording is


@dataclass
class Statement:
    paragraphs: list[str]
    own_words: str = ""  # the buyer's account, verbatim, under its own heading
    warnings: list[str] = field(default_factory=list)


def long_datetime(when: dt.datetime, zone_label: str = "") -> str:
    """20 November 2026 at 18:38 UTC+03:00 (or "... 18:38 Europe/Moscow time")."""
    text = f"{long_date(when)} at {when:%H:%M}"
    if zone_label.startswith(("+", "-")):
        text += f" UTC{zone_label}"
    elif zone_label == "UTC":
        text += " UTC"
    elif zone_label:
        text += f" {zone_label} time"
    return text


def join_words(items: Sequence[str]) -> str:
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def exhibit_ref(numbers: Sequence[int]) -> str:
    """``(Exhibit 3)``, ``(Exhibits 1, 4 and 6)``, ``(Exhibits 1\u20133 and 7)``: runs of three
    or more as a range, so sixty photos take a few characters, not sixty numbers."""
    nums = sorted(set(numbers))
    if not nums:
        return ""
    if len(nums) == 1:
        return f"(Exhibit {nums[0]})"
    runs: list[list[int]] = []
    for n in nums:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{run[0]}\u2013{run[-1]}")
        else:
            parts += [str(n) for n in run]
    return f"(Exhibits {join_words(parts)})"


def non_english(text: str) -> str | None:
    """The script of the first letters that are not Latin, e.g. 'CYRILLIC', else None."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F:
            name = unicodedata.name(ch, "")
            return name.split(" ")[0] if name else "non-Latin"
    return None


def defect_clause(word: str) -> str:
    if word in DEFECTS:
        return DEFECTS[word][0]
    return "has this problem: " + word.replace("_", " ")


def claim_sentences(case: Case, exhibits: Sequence[ExhibitFacts]) -> list[str]:
    by_defect: dict[str, list[int]] = {}
    for ex in exhibits:
        for word in ex.defects:
            by_defect.setdefault(word, []).append(ex.number)
    clauses = [f"{defect_clause(w)} {exhibit_ref(nums)}" for w, nums in by_defect.items()]
    defects_text = join_words(clauses)
    item = "the item"
    claim = case.claim
    out = []
    if claim == "not_received":
        text = "I have not received the item."
        if case.order.tracking:
            text += (
                f" The tracking number {case.order.tracking} does not show a delivery to me"
                " that I could collect."
            )
        refs = [e.number for e in exhibits]
        if refs:
            text += f" The evidence is attached {exhibit_ref(refs)}."
        out.append(text)
    elif claim == "damaged":
        if defects_text:
            out.append(f"The item arrived damaged: {item} {defects_text}.")
        else:
            out.append(f"The item arrived damaged {exhibit_ref([e.number for e in exhibits])}.")
    elif claim == "not_as_described":
        text = "The item I received is not as described in the listing"
        out.append(f"{text}: {item} {defects_text}." if defects_text else f"{text}.")
    elif claim == "wrong_item":
        text = "I received a different item from the one I ordered"
        refs = [e.number for e in exhibits if e.kind == "photo"]
        out.append(f"{text} {exhibit_ref(refs)}." if refs else f"{text}.")
        if defects_text:
            out.append(f"In addition, {item} {defects_text}.")
    elif claim == "missing_parts":
        text = "Parts of the order are missing from the parcel"
        refs = [e.number for e in exhibits]
        out.append(f"{text} {exhibit_ref(refs)}." if refs else f"{text}.")
        if defects_text:
            out.append(f"The item {defects_text}.")
    elif claim == "counterfeit":
        text = "The item is not genuine: it is a counterfeit of the product in the listing"
        out.append(f"{text}; {item} {defects_text}." if defects_text else f"{text}.")
    elif defects_text:
        out.append(f"The item {defects_text}.")
    return out


def _unboxing_sentence(exhibits: Sequence[ExhibitFacts]) -> str:
    """What the video shows, and only what the case says: "continuous" where the buyer
    declared it (``continuous = true``), the part shown where it was trimmed."""
    videos = [e for e in exhibits if e.kind == "video"]
    if not videos:
        return ""
    first = videos[0]
    when = f" on {long_datetime(first.captured_at, first.zone_label)}" if first.captured_at else ""
    text = f"I recorded the opening of the parcel on video{when} {exhibit_ref([first.number])}"
    text += (
        ", in one continuous recording from the sealed parcel to the item."
        if first.continuous
        else "."
    )
    if first.shown and first.length:
        a, b = first.shown
        text += (
            f" The exhibit shows the part from {_clock(a)} to {_clock(b)} of the "
            f"{_clock(first.length)} recording; the whole recording is kept unchanged."
        )
    return text


def _clock(seconds: float) -> str:
    """0:45 or 1:02:03: a position as a person reads it, whole seconds."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def resolution_sentence(case: Case) -> str:
    amount = f" of {case.amount}" if case.amount else ""
    return {
        "full_refund": f"I request a full refund{amount}.",
        "partial_refund": "I request a partial refund.",
        "replacement": "I request a replacement item at no cost to me.",
        "return_and_refund": (
            f"I am willing to return the item at the seller's cost and request a full "
            f"refund{amount}."
        ),
    }.get(case.resolution, "I request that this is resolved in my favour.")


def _ordered(case: Case) -> str:
    """I ordered "ITEM" (order N) from SELLER on PLATFORM on DATE, paying AMOUNT."""
    order = case.order
    where = platform(case.platform, case.platform_overrides).name
    first = "I ordered"
    first += f" \u201c{order.item}\u201d" if order.item else " an item"
    if order.number:
        first += f" (order {order.number})"
    if order.seller:
        first += f" from {order.seller}"
    first += f" on {where}" if case.platform != "other" else ""
    if order.placed:
        first += f" on {long_date(order.placed)}"
    if case.amount:
        first += f", paying {case.amount}"
    return first + "."


def _delivered(case: Case) -> str:
    order = case.order
    delivered = "The parcel was delivered"
    if order.delivered:
        delivered += f" on {long_date(order.delivered)}"
    if order.tracking:
        delivered += f" (tracking number {order.tracking})"
    return delivered + "."


def statement(case: Case, exhibits: Sequence[ExhibitFacts]) -> Statement:
    """The statement's paragraphs, each claim backed by "(Exhibit N)"."""
    paragraphs = [_ordered(case)]
    if case.claim != "not_received":
        paragraphs.append(_delivered(case))
        unboxing = _unboxing_sentence(exhibits)
        if unboxing:
            paragraphs.append(unboxing)
    paragraphs += claim_sentences(case, exhibits)
    captions = [e for e in exhibits if e.caption]
    if captions:
        described = "; ".join(
            f"Exhibit {e.number} shows: \u201c{e.caption}\u201d" for e in captions
        )
        paragraphs.append(described + ".")
    if exhibits:  # with no files there is nothing to fingerprint
        paragraphs.append(
            "The original files are kept unmodified; their SHA-256 fingerprints are listed in "
            "Appendix A, so any copy can be checked against them."
        )
    paragraphs.append(resolution_sentence(case))
    return Statement(paragraphs, own_words=case.own_words, warnings=_warnings(case, exhibits))


def _warnings(case: Case, exhibits: Sequence[ExhibitFacts]) -> list[str]:
    """What the buyer should know about their own words: not English, not in the vocabulary."""
    order = case.order
    warnings: list[str] = []
    for field_name, value in (
        ("the item", order.item),
        ("the seller", order.seller),
        ("your own words", case.own_words),
        *((f"the caption of exhibit {e.number}", e.caption) for e in exhibits),
    ):
        script = non_english(value)
        if script:
            warnings.append(
                f"{field_name} is not in English ({script.lower()} letters): it is shown as "
                "written, but the arbiter may not read it"
            )
    for ex in exhibits:
        for word in ex.defects:
            if word not in DEFECTS:
                warnings.append(
                    f"exhibit {ex.number}: the defect {word!r} is not in the vocabulary; "
                    "it is written as is (known: " + ", ".join(sorted(DEFECTS)) + ")"
                )
    return warnings
