"""Colour compared honestly, for a "not as described" point: the mean colour of a box in the
photo against a box in the listing, in linear light, white-balanced on white paper in the
picture, in CIELAB (D65), their difference by CIEDE2000.

Photos are not calibrated: a phone's exposure, white balance and tone curve move colours.
White-balancing on white paper in the same light removes the light's colour, which is the
largest error; what remains is indicative, and the toolkit says so. Implemented in numpy from
the published formulas (colour-science is 88 MB installed and needs Python 3.11), and tested
against the Sharma-Wu-Dalal (2005) test pairs.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

# linear sRGB to CIE XYZ, D65 (IEC 61966-2-1)
_RGB_TO_XYZ = (
    (0.4124564, 0.3575761, 0.1804375),
    (0.2126729, 0.7151522, 0.0721750),
    (0.0193339, 0.1191920, 0.9503041),
)
_D65 = (0.95047, 1.0, 1.08883)
# what a difference means to a person (CIEDE2000): below 1 no one sees it; about 2 to 3 a
# trained eye side by side; above about 6 anyone sees it
SEEN_BY_ANYONE = 6.0
SMALL = 3.0


class Lab(NamedTuple):
    L: float
    a: float
    b: float

    @property
    def chroma(self) -> float:
        return math.hypot(self.a, self.b)

    @property
    def hue(self) -> float:
        """Hue angle in degrees, 0..360."""
        return math.degrees(math.atan2(self.b, self.a)) % 360.0


def srgb_to_linear(values: Any) -> Any:
    """sRGB-encoded 0..1 to linear light (the sRGB curve, not a plain gamma)."""
    import numpy as np

    v = np.asarray(values, dtype=np.float64)
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def box_pixels(image: Any, box: Sequence[float]) -> Any:
    """The pixels (N x 3, sRGB 0..1) inside ``box`` (x, y, w, h as fractions) of a Pillow
    image, upright."""
    import numpy as np

    w, h = image.size
    x0, y0 = int(round(box[0] * w)), int(round(box[1] * h))
    x1, y1 = int(round((box[0] + box[2]) * w)), int(round((box[1] + box[3]) * h))
    crop = image.convert("RGB").crop((x0, y0, max(x1, x0 + 1), max(y1, y0 + 1)))
    return np.asarray(crop, dtype=np.float64).reshape(-1, 3) / 255.0


def mean_linear(pixels: Any) -> Any:
    """The mean colour in linear light: averaging encoded values would darken it."""
    return srgb_to_linear(pixels).mean(axis=0)


def white_balanced(linear_rgb: Any, white: Any | None) -> Any:
    """Divide each channel by the white paper's (von Kries, in linear light): the paper
    becomes neutral at full reflectance, and the light's colour leaves the sample."""
    import numpy as np

    if white is None:
        return np.asarray(linear_rgb)
    return np.asarray(linear_rgb) / np.maximum(np.asarray(white), 1e-6)


def linear_to_lab(linear_rgb: Any) -> Lab:
    """Linear sRGB (1.0 = the reference white) to CIELAB under D65."""
    r, g, b = (float(c) for c in linear_rgb)
    xyz = [row[0] * r + row[1] * g + row[2] * b for row in _RGB_TO_XYZ]
    f = [_f(c / n) for c, n in zip(xyz, _D65, strict=True)]
    return Lab(116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2]))


def lab_to_srgb(lab: Sequence[float]) -> tuple[int, int, int]:
    """A CIELAB (D65) colour as 8-bit sRGB, clipped to what sRGB can show: for a swatch."""
    import numpy as np

    lightness, a, b = lab
    fy = (lightness + 16) / 116
    fs = (fy + a / 500, fy, fy - b / 200)
    delta = 6 / 29
    xyz = [n * (f**3 if f > delta else 3 * delta**2 * (f - 4 / 29))
           for f, n in zip(fs, _D65, strict=True)]  # fmt: skip
    linear = np.linalg.solve(np.array(_RGB_TO_XYZ), np.array(xyz))
    v = np.clip(linear, 0, 1)
    encoded = np.where(v <= 0.0031308, v * 12.92, 1.055 * v ** (1 / 2.4) - 0.055)
    r, g, b_ = (int(round(float(c) * 255)) for c in encoded)
    return (r, g, b_)


def _f(t: float) -> float:
    delta = 6 / 29
    return t ** (1 / 3) if t > delta**3 else t / (3 * delta**2) + 4 / 29


def ciede2000(lab1: Sequence[float], lab2: Sequence[float]) -> float:
    """The CIEDE2000 colour difference (kL = kC = kH = 1), as Sharma, Wu and Dalal (2005)
    spell it out, including their notes on hue angles near 0 and 180 degrees."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if (a1p or b1) else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if (a2p or b2) else 0.0
    d_l, d_c = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        d_h = 0.0
    elif abs(h2p - h1p) <= 180:
        d_h = h2p - h1p
    else:
        d_h = h2p - h1p - 360 if h2p - h1p > 180 else h2p - h1p + 360
    d_big_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(d_h / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6))
         - 0.20 * math.cos(math.radians(4 * h_bar - 63)))  # fmt: skip
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_bar_p**7 / (c_bar_p**7 + 25**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_big_h / s_h) ** 2
                     + r_t * (d_c / s_c) * (d_big_h / s_h))  # fmt: skip


class Comparison(NamedTuple):
    listing: Lab
    photo: Lab
    delta_e: float
    balanced: bool  # both sides white-balanced on white in their own picture

    @property
    def clear(self) -> bool:
        """A difference anyone sees, beyond what uncalibrated photos can make up."""
        return self.delta_e > SEEN_BY_ANYONE


def compare(
    photo: Any,
    photo_box: Sequence[float],
    listing: Any,
    listing_box: Sequence[float],
    *,
    photo_white: Sequence[float] | None = None,
    listing_white: Sequence[float] | None = None,
) -> Comparison:
    """The listing's colour against the photo's, each white-balanced on its own white when
    both are given (Pillow images; boxes as x, y, w, h fractions of the upright picture). One
    side balanced and the other not would compare a neutral light with a coloured one: then
    neither is balanced."""
    balanced = photo_white is not None and listing_white is not None
    if not balanced:
        photo_white = listing_white = None
    sides = []
    for image, box, white in ((listing, listing_box, listing_white),
                              (photo, photo_box, photo_white)):  # fmt: skip
        colour = mean_linear(box_pixels(image, box))
        paper = mean_linear(box_pixels(image, white)) if white is not None else None
        sides.append(linear_to_lab(white_balanced(colour, paper)))
    return Comparison(sides[0], sides[1], ciede2000(sides[0], sides[1]), balanced)
