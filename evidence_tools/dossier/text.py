"""The statement, written from the case's structured facts, one whole sentence at a time.

Buyers are often not native speakers: each sentence is a catalogue message filled from a fact
the case records (``Text``), so the dossier says it in English for the arbiter and the buyer's
translation says the same sentence in their language. The buyer's own prose appears only as
written (captions quoted, ``own_words`` under its own heading), never rewritten.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from evidence_tools.case.model import Case
from evidence_tools.i18n import Date, Fact, Text, _, join, long_date, ngettext
from evidence_tools.platforms import platform
from evidence_tools.timecode import tenths_timecode
from evidence_tools.vocabulary import CLAIMS, DEFECTS, OTHER_DEFECT, RESOLUTIONS

CLAIM_TITLES = {key: claim.title for key, claim in CLAIMS.items()}
RESOLUTION_TITLES = RESOLUTIONS


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
    label: tuple[float, str] | None = None  # where the label is read, and the number it reads


Paragraph = list[Text]


@dataclass
class Statement:
    sentences: list[Paragraph]  # each paragraph's sentences, each said in any language
    points: list[Text] = field(default_factory=list)  # the listing against what arrived
    own_words: str = ""  # the buyer's account, verbatim, under its own heading
    warnings: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        """The paragraphs in the current language (English for the dossier)."""
        return [" ".join(str(t) for t in para) for para in self.sentences]

    @property
    def point_lines(self) -> list[str]:
        return [str(t) for t in self.points]


class When(Fact):
    """20 November 2026 at 18:38 UTC+03:00 (or "... 18:38 Europe/Moscow time")."""

    def __init__(self, when: dt.datetime, zone_label: str = "") -> None:
        super().__init__((when, zone_label))

    def __str__(self) -> str:
        when, zone = self.value
        date, time = long_date(when), f"{when:%H:%M}"
        if zone.startswith(("+", "-")):
            return _("{date} at {time} UTC{offset}", date=date, time=time, offset=zone)
        if zone == "UTC":
            return _("{date} at {time} UTC", date=date, time=time)
        if zone:
            return _("{date} at {time} {zone} time", date=date, time=time, zone=zone)
        return _("{date} at {time}", date=date, time=time)


def long_datetime(when: dt.datetime, zone_label: str = "") -> str:
    return str(When(when, zone_label))


class Exhibits(Fact):
    """``(Exhibit 3)``, ``(Exhibits 1, 4 and 6)``, ``(Exhibits 1\u20133 and 7)``: runs of three
    or more as a range, so sixty photos take a few characters, not sixty numbers."""

    def __init__(self, numbers: Sequence[int], ranged: bool = False) -> None:
        super().__init__((sorted(set(numbers)), ranged))

    def __str__(self) -> str:
        nums, ranged = self.value
        if not nums:
            return ""
        if ranged and len(nums) > 2:
            return _("(Exhibits {first}\u2013{last})", first=nums[0], last=nums[-1])
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
        return ngettext("(Exhibit {numbers})", "(Exhibits {numbers})", len(nums),
                        numbers=join(parts))  # fmt: skip


def non_english(text: str) -> str | None:
    """The script of the first letters that are not Latin, e.g. 'CYRILLIC', else None."""
    for ch in text:
        if ch.isalpha() and ord(ch) > 0x24F:
            name = unicodedata.name(ch, "")
            return name.split(" ")[0] if name else "non-Latin"
    return None


def defect_sentences(exhibits: Sequence[ExhibitFacts]) -> list[Text]:
    """One sentence per defect, with the exhibits that show it, in the order first shown."""
    by_defect: dict[str, list[int]] = {}
    for ex in exhibits:
        for word in ex.defects:
            by_defect.setdefault(word, []).append(ex.number)
    out = []
    for word, nums in by_defect.items():
        if word in DEFECTS:
            out.append(Text(DEFECTS[word].sentence, exhibits=Exhibits(nums)))
        else:
            out.append(Text(OTHER_DEFECT, defect=word.replace("_", " "), exhibits=Exhibits(nums)))
    return out


def claim_sentences(case: Case, exhibits: Sequence[ExhibitFacts]) -> list[Text]:
    """The claim, then what is wrong with the item, each backed by the exhibits that show it."""
    claim = case.claim
    refs = Exhibits([e.number for e in exhibits])
    defects = defect_sentences(exhibits)
    out: list[Text] = []
    if claim == "not_received":
        out.append(Text("I have not received the item."))
        if case.order.tracking:
            out.append(Text("The tracking number {tracking} does not show a delivery to me that "
                            "I could collect.", tracking=case.order.tracking))  # fmt: skip
        if exhibits:
            out.append(Text("The evidence is attached {exhibits}.", exhibits=refs))
        return out
    if claim == "damaged" and not defects and exhibits:
        return [Text("The item arrived damaged {exhibits}.", exhibits=refs)]
    if claim == "wrong_item":
        photos = [e.number for e in exhibits if e.kind == "photo"]
        if photos:
            out.append(Text("I received a different item from the one I ordered {exhibits}.",
                            exhibits=Exhibits(photos)))  # fmt: skip
        else:
            out.append(Text(CLAIMS[claim].brief))
    elif claim == "missing_parts" and exhibits:
        out.append(Text("Parts of the order are missing from the parcel {exhibits}.",
                        exhibits=refs))  # fmt: skip
    elif claim in CLAIMS:
        out.append(Text(CLAIMS[claim].brief))
    return out + defects


def _unboxing(exhibits: Sequence[ExhibitFacts]) -> list[Text]:
    """What the video shows, and only what the case says: "continuous" where the buyer
    declared it (``continuous = true``), the part shown where it was trimmed."""
    videos = [e for e in exhibits if e.kind == "video"]
    if not videos:
        return []
    first = videos[0]
    ref = Exhibits([first.number])
    if first.captured_at and first.continuous:
        said = Text(
            "I recorded the opening of the parcel on video on {when} {exhibits}, in one "
            "continuous recording from the sealed parcel to the item.",
            when=When(first.captured_at, first.zone_label), exhibits=ref,
        )  # fmt: skip
    elif first.captured_at:
        said = Text("I recorded the opening of the parcel on video on {when} {exhibits}.",
                    when=When(first.captured_at, first.zone_label), exhibits=ref)  # fmt: skip
    elif first.continuous:
        said = Text(
            "I recorded the opening of the parcel on video {exhibits}, in one continuous "
            "recording from the sealed parcel to the item.",
            exhibits=ref,
        )
    else:
        said = Text("I recorded the opening of the parcel on video {exhibits}.", exhibits=ref)
    out = [said]
    if first.label is not None:  # only when read and matched with the order
        at, number = first.label
        out.append(Text(
            "The shipping label is seen at {at} in the video; its code reads {number}, the "
            "order's tracking number.",
            at=tenths_timecode(at), number=number,
        ))  # fmt: skip
    if first.shown and first.length:
        a, b = first.shown
        out.append(Text(
            "The exhibit shows the part from {start} to {end} of the {length} recording; the "
            "whole recording is kept unchanged.",
            start=_clock(a), end=_clock(b), length=_clock(first.length),
        ))  # fmt: skip
    return out


def _clock(seconds: float) -> str:
    """0:45 or 1:02:03: a position as a person reads it, whole seconds."""
    whole = int(round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def resolution_sentence(case: Case) -> Text:
    amount = case.amount
    if case.resolution == "full_refund":
        return (Text("I request a full refund of {amount}.", amount=amount) if amount
                else Text("I request a full refund."))  # fmt: skip
    if case.resolution == "partial_refund":
        return Text("I request a partial refund.")
    if case.resolution == "replacement":
        return Text("I request a replacement item at no cost to me.")
    if case.resolution == "return_and_refund":
        if amount:
            return Text("I am willing to return the item at the seller's cost and request a "
                        "full refund of {amount}.", amount=amount)  # fmt: skip
        return Text("I am willing to return the item at the seller's cost and request a full "
                    "refund.")  # fmt: skip
    return Text("I request that this is resolved in my favour.")


def _ordered(case: Case) -> list[Text]:
    """What was ordered, from whom, where, when and for how much: one sentence each."""
    order = case.order
    item, number = order.item, order.number
    placed = Date(order.placed) if order.placed else None
    if item and number and placed:
        said = Text("I ordered \u201c{item}\u201d (order {number}) on {date}.",
                    item=item, number=number, date=placed)  # fmt: skip
    elif item and number:
        said = Text("I ordered \u201c{item}\u201d (order {number}).", item=item, number=number)
    elif item and placed:
        said = Text("I ordered \u201c{item}\u201d on {date}.", item=item, date=placed)
    elif item:
        said = Text("I ordered \u201c{item}\u201d.", item=item)
    elif number and placed:
        said = Text("I ordered an item (order {number}) on {date}.", number=number, date=placed)
    elif number:
        said = Text("I ordered an item (order {number}).", number=number)
    elif placed:
        said = Text("I ordered an item on {date}.", date=placed)
    else:
        said = Text("I ordered an item.")
    out = [said]
    where = platform(case.platform, case.platform_overrides).name
    if order.seller and case.platform != "other":
        out.append(Text("The seller is {seller}, on {platform}.", seller=order.seller,
                        platform=where))  # fmt: skip
    elif order.seller:
        out.append(Text("The seller is {seller}.", seller=order.seller))
    elif case.platform != "other":
        out.append(Text("I bought it on {platform}.", platform=where))
    if case.amount:
        out.append(Text("I paid {amount}.", amount=case.amount))
    return out


def _delivered(case: Case) -> list[Text]:
    order = case.order
    if order.delivered and order.tracking:
        return [Text("The parcel was delivered on {date} (tracking number {tracking}).",
                     date=Date(order.delivered), tracking=order.tracking)]  # fmt: skip
    if order.delivered:
        return [Text("The parcel was delivered on {date}.", date=Date(order.delivered))]
    if order.tracking:
        return [Text("The parcel was delivered (tracking number {tracking}).",
                     tracking=order.tracking)]  # fmt: skip
    return [Text("The parcel was delivered.")]


def statement(
    case: Case, exhibits: Sequence[ExhibitFacts], points: Sequence[Text] = ()
) -> Statement:
    """The statement's paragraphs, each claim backed by "(Exhibit N)", and the points where
    the item differs from the listing (``dossier.points``), printed under their own heading."""
    paragraphs: list[Paragraph] = [_ordered(case)]
    if case.claim != "not_received":
        paragraphs.append(_delivered(case))
        unboxing = _unboxing(exhibits)
        if unboxing:
            paragraphs.append(unboxing)
    paragraphs.append(claim_sentences(case, exhibits))
    captions = [
        Text("Exhibit {number} shows: \u201c{caption}\u201d.", number=e.number, caption=e.caption)
        for e in exhibits
        if e.caption
    ]
    if captions:
        paragraphs.append(captions)
    if exhibits:  # with no files there is nothing to fingerprint
        paragraphs.append([Text(
            "The original files are kept unmodified; their SHA-256 fingerprints are listed in "
            "Appendix A, so any copy can be checked against them."
        )])  # fmt: skip
    paragraphs.append([resolution_sentence(case)])
    return Statement(paragraphs, list(points), own_words=case.own_words,
                     warnings=_warnings(case, exhibits))  # fmt: skip


def _warnings(case: Case, exhibits: Sequence[ExhibitFacts]) -> list[str]:
    """What the buyer should know about their own words: not English, not in the vocabulary."""
    order = case.order
    warnings: list[str] = []
    fields = [
        (_("the item"), order.item),
        (_("the seller"), order.seller),
        (_("your own words"), case.own_words),
        *((_("the caption of exhibit {number}", number=e.number), e.caption) for e in exhibits),
    ]
    for field_name, value in fields:
        script = non_english(value)
        if script:
            warnings.append(_(
                # TRANSLATORS: {field} is e.g. "the item"; {script} a Unicode script name
                "{field} is not in English ({script} letters): it is shown as written, but the "
                "arbiter may not read it",
                field=field_name, script=script.lower(),
            ))  # fmt: skip
    for ex in exhibits:
        for word in ex.defects:
            if word not in DEFECTS:
                warnings.append(_(
                    "exhibit {number}: the defect {defect} is not in the vocabulary; it is "
                    "written as is (known: {known})",
                    number=ex.number, defect=repr(word), known=", ".join(sorted(DEFECTS)),
                ))  # fmt: skip
    return warnings
