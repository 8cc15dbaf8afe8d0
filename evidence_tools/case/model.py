"""What case.toml says, as typed values: the case, the order, each piece of evidence.

The loader (``case.loader``) fills these only after checking every key, so code that reads
them can trust their types.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools import vocabulary
from evidence_tools.case.layout import CASE_FILE, EXPORTS, ORIGINALS
from evidence_tools.rules import RedactBox, parse_zone
from evidence_tools.shapes import Shape

# the vocabularies live in one registry (vocabulary.py); these are their keys
PLATFORMS = vocabulary.PLATFORMS
CLAIMS = tuple(vocabulary.CLAIMS)
RESOLUTIONS = tuple(vocabulary.RESOLUTIONS)


@dataclass
class Moment:
    at: float
    note: str = ""


@dataclass
class EvidenceItem:
    file: str
    caption: str = ""
    trim: tuple[float, float] | None = None
    stamp: bool = False
    continuous: bool = False  # the buyer says: one uninterrupted recording from the sealed parcel
    moments: list[Moment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    annotate: list[Shape] = field(default_factory=list)
    # the wall-clock time of a video's first frame, for a video that carries none
    start_time: dt.datetime | None = None
    redact: list[RedactBox] = field(default_factory=list)  # videos: boxes to fill black
    shows: list[str] = field(default_factory=list)  # for check's checklists: "listing", ...
    kind: str = ""
    index: int = 0  # its place among the [[evidence]] tables, to point at its lines


@dataclass
class Order:
    number: str = ""
    placed: dt.date | None = None
    delivered: dt.date | None = None
    estimated_delivery: dt.date | None = None
    item: str = ""
    seller: str = ""
    tracking: str = ""


@dataclass
class Weight:
    grams: float
    said: str  # as the buyer wrote it: "0.35 kg"


@dataclass
class Mismatch:
    """One point where the item differs from the listing: the listing's own words, quoted,
    and what arrived, each with the exhibit (and box) that shows it."""

    listing_says: str
    received: str
    listing_exhibit: int | None = None
    listing_box: list[float] | None = None
    photo_exhibit: int | None = None
    photo_box: list[float] | None = None
    photo_white: list[float] | None = None  # white paper in the photo, for the colour
    listing_white: list[float] | None = None  # the listing's own white, where it has one
    photo_measure: int | None = None  # which measure of the photo's annotate (1 = its first)
    index: int = 0  # its place among the [[mismatch]] tables, to point at its lines


@dataclass
class Case:
    root: Path
    platform: str = "other"
    claim: str = ""
    resolution: str = ""
    amount: str = ""
    timezone: str = ""
    buyer: str = ""
    own_words: str = ""  # the buyer's own account, printed as written under its own heading
    language: str = ""  # the language the toolkit speaks to the buyer in (i18n.LANGUAGES)
    message: str = ""  # the buyer's own dispute message, used instead of the generated one
    order: Order = field(default_factory=Order)
    evidence: list[EvidenceItem] = field(default_factory=list)
    platform_overrides: dict[str, Any] = field(default_factory=dict)
    mismatches: list[Mismatch] = field(default_factory=list)
    shipped_weight: Weight | None = None  # the parcel's weight on its label or tracking record
    received_weight: Weight | None = None  # what it weighed on arrival
    toml_text: str = ""  # case.toml as read, to point a later error at its line

    @property
    def toml_path(self) -> Path:
        return self.root / CASE_FILE

    @property
    def originals(self) -> Path:
        return self.root / ORIGINALS

    @property
    def exports(self) -> Path:
        return self.root / EXPORTS

    def zone(self) -> dt.tzinfo | None:
        return parse_zone(self.timezone) if self.timezone else None
