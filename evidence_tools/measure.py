"""A length read off a photo against a ruler in it, with how sure it is.

``measure`` and ``ref`` are segments (x1, y1, x2, y2, fractions of the upright photo); the
reference's true length is given ("10 cm"). The length is the ratio of the two segments in
pixels of the upright photo times the reference. It assumes what a person measuring with a
ruler assumes: the object and the ruler lie in one plane, and the camera looks at it square
on; a tilted camera shortens what is further away, and no correction is made for it.

The uncertainty comes from where the four ends can be placed: each within ``END_PIXELS`` of
the true end (or 0.2 % of the picture's long side, whichever is larger), the errors of the
two segments independent. A card of known size with four corners would allow a perspective
correction; it is not used here, because a card's corners are hard to place on a phone photo
to better than the few pixels that already bound this error.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import NamedTuple

END_PIXELS = 2.0
UNITS_MM = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, '"': 25.4, "inch": 25.4,
            "inches": 25.4}  # fmt: skip
_LENGTH_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(mm|cm|m|in|inch|inches|\")\s*$", re.IGNORECASE)
# a length inside words: a bare "in" only glued to its number or ending the phrase, so
# "2 in 1 cable" and "3 in a box" are no lengths
_LENGTH_IN_TEXT = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)(?:\s*(mm|cm|m|inch|inches|\")(?!\w)|(in)(?!\w)"
    r"|\s+(in)(?=\s*(?:$|[.,;:!?)])))", re.IGNORECASE)  # fmt: skip


class Length(NamedTuple):
    millimetres: float
    unit: str  # the unit to say it in: the reference's
    decimals: int = 0  # as many as the buyer wrote: how precise a typed length claims to be

    def said(self) -> str:
        value = self.millimetres / UNITS_MM[self.unit]
        return f"{value:.1f} {self.unit}"

    def given(self) -> str:
        """As the buyer gave it, spaced: ``10cm`` -> ``10 cm``, ``55.0cm`` -> ``55.0 cm``."""
        return f"{self.millimetres / UNITS_MM[self.unit]:.{self.decimals}f} {self.unit}"


def parse_length(text: str) -> Length:
    """``10 cm``, ``100 mm``, ``4 in``, ``3,5 cm``; ValueError for anything else."""
    match = _LENGTH_RE.match(text)
    if not match:
        raise ValueError(text)
    unit = match.group(2).lower()
    unit = "in" if unit in ('"', "inch", "inches") else unit
    number = match.group(1).replace(",", ".")
    value = float(number)
    if value <= 0:
        raise ValueError(text)
    decimals = len(number.partition(".")[2])
    return Length(value * UNITS_MM[unit], unit, decimals)


def length_in(text: str) -> Length | None:
    """The first length written in ``text`` ("about 55 cm long" -> 55 cm); None if none."""
    for match in _LENGTH_IN_TEXT.finditer(text):
        unit = next(u for u in match.groups()[1:] if u)
        try:
            return parse_length(f"{match.group(1)} {unit}")
        except ValueError:  # "0 cm": look further
            continue
    return None


class Measured(NamedTuple):
    length: Length
    uncertainty: Length  # one standard error, in the same unit

    def contradicts(self, typed: Length) -> bool:
        """Whether a typed length lies outside this measure's 95 % range (two standard
        errors), allowing for the typed value's own rounding to its last digit."""
        rounding = 0.5 * UNITS_MM[typed.unit] * 10.0**-typed.decimals
        return abs(typed.millimetres - self.length.millimetres) > (
            2 * self.uncertainty.millimetres + rounding)  # fmt: skip

    def said(self) -> str:
        unit = UNITS_MM[self.length.unit]
        return (f"{self.length.millimetres / unit:.1f} {self.length.unit} "
                f"\u00b1 {max(0.1, self.uncertainty.millimetres / unit):.1f} "
                f"{self.length.unit}")  # fmt: skip


def _pixels(segment: Sequence[float], size: tuple[int, int]) -> float:
    x1, y1, x2, y2 = segment
    w, h = size
    return math.hypot((x2 - x1) * w, (y2 - y1) * h)


def measure(
    segment: Sequence[float], ref: Sequence[float], ref_length: Length, size: tuple[int, int]
) -> Measured:
    """The length of ``segment`` against ``ref`` (fractions) in a picture of ``size``."""
    w, h = size
    return measure_pixels([v * (w if i % 2 == 0 else h) for i, v in enumerate(segment)],
                          [v * (w if i % 2 == 0 else h) for i, v in enumerate(ref)],
                          ref_length, size)  # fmt: skip


def measure_pixels(
    segment: Sequence[float], ref: Sequence[float], ref_length: Length, size: tuple[int, int]
) -> Measured:
    """The length of ``segment`` against ``ref``, both in pixels of an upright picture of
    ``size`` (which sets how closely an end can be placed)."""
    m, r = _pixels(segment, (1, 1)), _pixels(ref, (1, 1))
    if m <= 0 or r <= 0:
        raise ValueError("a segment has no length")
    end = max(END_PIXELS, 0.002 * max(size))
    # each segment's length is off by up to the two ends' errors, sqrt(2) x each
    spread = math.sqrt((math.sqrt(2) * end / m) ** 2 + (math.sqrt(2) * end / r) ** 2)
    length = m / r * ref_length.millimetres
    return Measured(Length(length, ref_length.unit), Length(length * spread, ref_length.unit))
