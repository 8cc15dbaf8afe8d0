"""The core of "not as described": CIEDE2000 against the Sharma-Wu-Dalal (2005) test pairs,
colours compared after white balance on white paper, and a length read off a drawn ruler."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from evidence_tools.colour import ciede2000, compare, linear_to_lab, srgb_to_linear
from evidence_tools.measure import measure, parse_length

# Sharma, Wu and Dalal (2005), Table 1: L1 a1 b1, L2 a2 b2, CIEDE2000
SHARMA = [
    (50.0, 2.6772, -79.7751, 50.0, 0.0, -82.7485, 2.0425),
    (50.0, 3.1571, -77.2803, 50.0, 0.0, -82.7485, 2.8615),
    (50.0, 2.8361, -74.0200, 50.0, 0.0, -82.7485, 3.4412),
    (50.0, -1.3802, -84.2814, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, -1.1848, -84.8006, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, -0.9009, -85.5211, 50.0, 0.0, -82.7485, 1.0000),
    (50.0, 0.0, 0.0, 50.0, -1.0, 2.0, 2.3669),
    (50.0, -1.0, 2.0, 50.0, 0.0, 0.0, 2.3669),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0009, 7.1792),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0010, 7.1792),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0011, 7.2195),
    (50.0, 2.49, -0.001, 50.0, -2.49, 0.0012, 7.2195),
    (50.0, -0.001, 2.49, 50.0, 0.0009, -2.49, 4.8045),
    (50.0, -0.001, 2.49, 50.0, 0.0010, -2.49, 4.8045),
    (50.0, -0.001, 2.49, 50.0, 0.0011, -2.49, 4.7461),
    (50.0, 2.5, 0.0, 50.0, 0.0, -2.5, 4.3065),
    (50.0, 2.5, 0.0, 73.0, 25.0, -18.0, 27.1492),
    (50.0, 2.5, 0.0, 61.0, -5.0, 29.0, 22.8977),
    (50.0, 2.5, 0.0, 56.0, -27.0, -3.0, 31.9030),
    (50.0, 2.5, 0.0, 58.0, 24.0, 15.0, 19.4535),
    (50.0, 2.5, 0.0, 50.0, 3.1736, 0.5854, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 3.2972, 0.0, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 1.8634, 0.5757, 1.0000),
    (50.0, 2.5, 0.0, 50.0, 3.2592, 0.3350, 1.0000),
    (60.2574, -34.0099, 36.2677, 60.4626, -34.1751, 39.4387, 1.2644),
    (63.0109, -31.0961, -5.8663, 62.8187, -29.7946, -4.0864, 1.2630),
    (61.2901, 3.7196, -5.3901, 61.4292, 2.2480, -4.9620, 1.8731),
    (35.0831, -44.1164, 3.7933, 35.0232, -40.0716, 1.5901, 1.8645),
    (22.7233, 20.0904, -46.6940, 23.0331, 14.9730, -42.5619, 2.0373),
    (36.4612, 47.8580, 18.3852, 36.2715, 50.5065, 21.2231, 1.4146),
    (90.8027, -2.0831, 1.4410, 91.1528, -1.6435, 0.0447, 1.4441),
    (90.9257, -0.5406, -0.9208, 88.6381, -0.8985, -0.7239, 1.5381),
    (6.7747, -0.2908, -2.4247, 5.8714, -0.0985, -2.2286, 0.6377),
    (2.0776, 0.0795, -1.1350, 0.9033, -0.0636, -0.5514, 0.9082),
]


@pytest.mark.parametrize("row", SHARMA)
def test_ciede2000_matches_every_sharma_wu_dalal_pair_to_four_decimals(row) -> None:
    assert round(ciede2000(row[:3], row[3:6]), 4) == row[6]
    assert round(ciede2000(row[3:6], row[:3]), 4) == row[6]  # symmetric


def test_white_and_a_grey_card_in_lab() -> None:
    white = linear_to_lab(srgb_to_linear([1.0, 1.0, 1.0]))
    assert white[0] == pytest.approx(100, abs=0.01) and white.chroma < 0.01
    grey = linear_to_lab(srgb_to_linear([119 / 255] * 3))
    assert grey[0] == pytest.approx(50.0, abs=0.5)


WARM = np.array([1.0, 0.82, 0.55])  # a tungsten lamp's colour, per linear channel


def _scene(colour_srgb: tuple[int, int, int], light: np.ndarray) -> Image.Image:
    """A photo: the item's colour and a sheet of white paper (reflecting 90 %) under
    ``light``, as a camera with no white balance of its own would record them."""
    item = srgb_to_linear(np.array(colour_srgb) / 255.0) * light
    paper = np.array([0.9, 0.9, 0.9]) * light

    def encode(linear: np.ndarray) -> tuple[int, ...]:
        v = np.where(linear <= 0.0031308, linear * 12.92, 1.055 * linear ** (1 / 2.4) - 0.055)
        return tuple(int(round(c * 255)) for c in np.clip(v, 0, 1))

    img = Image.new("RGB", (400, 200), encode(paper))
    ImageDraw.Draw(img).rectangle((0, 0, 199, 199), fill=encode(item))
    return img


ITEM, PAPER = [0.05, 0.1, 0.4, 0.8], [0.6, 0.1, 0.3, 0.8]
NAVY, BLACK = (31, 40, 94), (22, 22, 24)


def test_navy_listed_black_received_under_a_warm_light_is_a_clear_difference() -> None:
    listing = _scene(NAVY, np.ones(3))  # the listing's photo, in neutral light
    photo = _scene(BLACK, WARM)
    result = compare(photo, ITEM, listing, ITEM, photo_white=PAPER, listing_white=PAPER)
    assert result.delta_e > 10 and result.clear and result.balanced


def test_the_same_navy_under_that_light_is_no_clear_difference() -> None:
    listing = _scene(NAVY, np.ones(3))
    photo = _scene(NAVY, WARM)
    balanced = compare(photo, ITEM, listing, ITEM, photo_white=PAPER, listing_white=PAPER)
    assert balanced.delta_e < 1.5 and not balanced.clear
    unbalanced = compare(photo, ITEM, listing, ITEM)
    assert unbalanced.delta_e > balanced.delta_e + 5  # the light alone would have looked like one


def _ruler_photo(object_cm: float) -> tuple[Image.Image, list[float], list[float]]:
    """A drawn ruler, 10 cm = 400 px, under an object ``object_cm`` long."""
    img = Image.new("RGB", (3000, 1200), (235, 235, 230))
    d = ImageDraw.Draw(img)
    for mm in range(101):
        x = 200 + mm * 4
        d.line((x, 1000, x, 1000 + (40 if mm % 10 == 0 else 20)), fill=(0, 0, 0), width=1)
    end = 200 + object_cm * 40
    d.rectangle((200, 500, end, 560), fill=(40, 60, 120))
    ref = [200 / 3000, 1000 / 1200, 600 / 3000, 1000 / 1200]
    seg = [200 / 3000, 530 / 1200, end / 3000, 530 / 1200]
    return img, seg, ref


def test_an_object_against_a_drawn_ruler_measures_within_one_percent() -> None:
    img, seg, ref = _ruler_photo(48.0)
    got = measure(seg, ref, parse_length("10 cm"), img.size)
    assert got.length.millimetres == pytest.approx(480, rel=0.01)
    assert got.said().startswith("48.0 cm \u00b1 ")
    # ends placed a couple of pixels off stay within the stated uncertainty
    off = [seg[0] + 2 / 3000, seg[1], seg[2] - 1 / 3000, seg[3]]
    again = measure(off, ref, parse_length("100 mm"), img.size)
    assert abs(again.length.millimetres - 480) <= 2 * again.uncertainty.millimetres


@pytest.mark.parametrize(
    ("text", "mm"), [("10 cm", 100), ("100 mm", 100), ("4 in", 101.6), ("3,5 cm", 35)]
)
def test_reference_lengths_as_people_write_them(text: str, mm: float) -> None:
    assert parse_length(text).millimetres == pytest.approx(mm)


@pytest.mark.parametrize("text", ["ten cm", "10", "-3 cm", "0 mm", "10 furlongs"])
def test_an_unreadable_reference_length_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_length(text)


def test_white_marked_on_one_side_only_balances_neither() -> None:
    photo = _scene(NAVY, np.ones(3))
    one = compare(photo, ITEM, photo, ITEM, photo_white=PAPER)
    assert one.delta_e == pytest.approx(0, abs=1e-6) and not one.balanced
