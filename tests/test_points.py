""" "Not as described", point by point: [[mismatch]] and the weights read and checked, the
statement quoting the listing with its exhibits, a clear colour difference claimed and an
unclear one said only to the buyer."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import run
from test_colour_measure import BLACK, ITEM, NAVY, PAPER, WARM, _scene

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.case.loader import load_case
from evidence_tools.check import check_case
from evidence_tools.dossier.points import said_points
from evidence_tools.dossier.text import statement

BOX = f"[{ITEM[0]}, {ITEM[1]}, {ITEM[2]}, {ITEM[3]}]"
WHITE = f"[{PAPER[0]}, {PAPER[1]}, {PAPER[2]}, {PAPER[3]}]"


def _said(case) -> str:
    """The statement as the dossier prints it, its points included."""
    said = statement(case, [], said_points(case))
    return " ".join(said.paragraphs + said.point_lines)


def _case(tmp_path: Path, received_colour: tuple[int, int, int], extra: str = "") -> Path:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="not_as_described", order="77")
    staging = tmp_path / "in"
    staging.mkdir()
    _scene(NAVY, np.ones(3)).save(staging / "listing.png")
    _scene(received_colour, WARM).save(staging / "received.png")
    add_files(root, [staging / "listing.png", staging / "received.png"])
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace(
        'tracking = ""', 'tracking = ""\nshipped_weight = "0.35 kg"\nreceived_weight = "120 g"')
        + f"""
[[mismatch]]
listing_says = "Colour: Navy blue"
listing = {{ exhibit = 1, box = {BOX}, white = {WHITE} }}
received = "black"
photo = {{ exhibit = 2, box = {BOX}, white = {WHITE} }}
""" + extra)  # fmt: skip
    return root


def test_the_statement_quotes_the_listing_point_by_point(tmp_path: Path) -> None:
    root = _case(tmp_path, BLACK)
    case = load_case(root)
    assert case.shipped_weight and case.shipped_weight.grams == pytest.approx(350)
    assert case.received_weight and case.received_weight.grams == pytest.approx(120)
    said = _said(case)
    assert ("The listing says \u201cColour: Navy blue\u201d (Exhibit 1); the item received is "
            "black (Exhibit 2).") in said  # fmt: skip
    assert "The colours differ by \u0394E00 " in said and "after white balance" in said
    assert "(indicative: the photos are not calibrated)" in said
    assert ("The label gives the parcel's weight as 0.35 kg; it weighed 120 g on arrival."
            in said)  # fmt: skip
    assert not any(f.code == "point.colour_unclear" for f in check_case(root).findings)


def test_a_colour_the_photos_do_not_show_is_said_to_the_buyer_not_claimed(
    tmp_path: Path,
) -> None:
    root = _case(tmp_path, NAVY)  # the same navy, under a warm lamp
    case = load_case(root)
    said = _said(case)
    assert "Navy blue" in said and "\u0394E00" not in said
    found = [f for f in check_case(root).findings if f.code == "point.colour_unclear"]
    assert found and found[0].severity == "warning" and "white paper" in found[0].fix


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("listing = { exhibit = 1,", "listing = { exhibit = 9,", "exhibit 9 is not in the case"),
        ('listing_says = "Colour: Navy blue"', 'listing_says = ""', "listing_says quotes"),
        ('shipped_weight = "0.35 kg"', 'shipped_weight = "heavy"', "is not a weight"),
        (f"photo = {{ exhibit = 2, box = {BOX}", "photo = { exhibit = 2, box = [0.9, 0.9, 0.5, 0.5]",
         "inside it"),
    ],
)  # fmt: skip
def test_a_wrong_point_is_a_case_toml_line_error(tmp_path, runner, old, new, words) -> None:
    root = _case(tmp_path, BLACK)
    toml = root / "case.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new))
    result = run(runner, "check", str(root))
    assert result.exit_code == 2 and words in result.stderr
    assert "case.toml:" in result.stderr.split(words)[0]


def test_the_checklist_asks_for_the_listings_words_and_a_weight(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    init_case(root, platform="ebay", claim="not_as_described", order="1")
    assert "claim.no_listing_words" in {f.code for f in check_case(root).findings}
    parts = tmp_path / "parts"
    init_case(parts, platform="ebay", claim="missing_parts", order="1")
    assert "claim.weigh_parcel" in {f.code for f in check_case(parts).findings}


def test_a_point_on_a_damaged_photo_is_reported_not_a_stop(tmp_path: Path) -> None:
    root = _case(tmp_path, BLACK)
    stored = root / "originals" / "received.png"
    data = stored.read_bytes()
    stored.chmod(0o644)
    stored.write_bytes(data[: len(data) // 3])
    report = check_case(root)  # no exception: the damaged file is a finding of its own
    assert report.errors


# --------------------------------------------------------------------------- a size, measured

RULER = "[0.0667, 0.8333, 0.2, 0.8333]"  # 10 cm of the drawn ruler (test_colour_measure)
OBJECT = "[0.0667, 0.4417, 0.7067, 0.4417]"  # the 48 cm object along it
MEASURE = (
    f'annotate = [{{ measure = {OBJECT}, ref = {RULER}, ref_length = "10 cm", label = "Length" }}]'
)


def _size_case(tmp_path: Path, received: str, measure: str = MEASURE, photo: str = "") -> Path:
    """A photo of an object 48 cm long against a drawn ruler, and a point about its length."""
    from test_colour_measure import _ruler_photo

    root = tmp_path / "size"
    init_case(root, platform="ebay", claim="not_as_described", order="78")
    staging = tmp_path / "ruler"
    staging.mkdir()
    _ruler_photo(48.0)[0].save(staging / "ruler.png")
    add_files(root, [staging / "ruler.png"])
    toml = root / "case.toml"
    text = toml.read_text().replace('file = "originals/ruler.png"',
                                    f'file = "originals/ruler.png"\n{measure}')  # fmt: skip
    toml.write_text(text + f"""
[[mismatch]]
listing_says = "Length: 60 cm"
received = "{received}"
photo = {{ exhibit = 1{photo} }}
""")  # fmt: skip
    return root


def test_a_length_measured_against_the_ruler_is_stated_with_its_uncertainty(
    tmp_path: Path,
) -> None:
    root = _size_case(tmp_path, "48 cm")
    said = _said(load_case(root))
    assert ("The listing says \u201cLength: 60 cm\u201d; the item received measures 48.0 cm "
            "\u00b1 ") in said and "against the ruler in Exhibit 1." in said  # fmt: skip
    assert "assuming both lie in one plane" in said
    codes = {f.code for f in check_case(root).findings}
    assert "point.length_contradicted" not in codes and "claim.size.not_measured" not in codes
    assert "claim.wrong_size.no_ruler" not in codes  # the measure is the ruler's photo


def test_a_typed_length_the_photo_contradicts_is_reported_with_both(tmp_path: Path) -> None:
    root = _size_case(tmp_path, "about 55 cm")
    found = [f for f in check_case(root).findings if f.code == "point.length_contradicted"]
    assert found and found[0].severity == "warning"
    assert "you wrote 55 cm" in found[0].message and "measures 48.0 cm \u00b1" in found[0].message
    # the statement gives the measure, not the contradicted words
    assert "55 cm" not in _said(load_case(root))


def test_a_size_point_with_no_measure_asks_for_one(tmp_path: Path) -> None:
    root = _size_case(tmp_path, "48 cm", measure="")
    found = [f for f in check_case(root).findings if f.code == "claim.size.not_measured"]
    assert found and "ruler" in found[0].message and "ref_length" in found[0].fix


@pytest.mark.parametrize(
    ("measure", "photo", "words"),
    [
        (f"annotate = [{{ measure = {OBJECT} }}]", "", "needs its reference on a ruler"),
        (MEASURE.replace('"10 cm"', '"ten cm"'), "", "'ten cm' is not a length"),
        (MEASURE.replace(RULER, "[0.1, 0.2]"), "", "ref is 4 numbers"),
        (MEASURE, ", measure = 2", "exhibit 1 has no such measure"),
    ],
)  # fmt: skip
def test_a_wrong_measure_is_a_case_toml_line_error(tmp_path, runner, measure, photo, words):
    root = _size_case(tmp_path, "48 cm", measure=measure, photo=photo)
    result = run(runner, "check", str(root))
    assert result.exit_code == 2 and words in result.stderr
    assert "case.toml:" in result.stderr.split(words)[0]


def test_the_measured_photo_draws_both_dimension_lines(tmp_path: Path, runner) -> None:
    from test_colour_measure import _ruler_photo

    src = tmp_path / "ruler.png"
    _ruler_photo(48.0)[0].save(src)
    out = tmp_path / "out.png"
    numbers = "0.0667,0.4417,0.7067,0.4417,0.0667,0.8333,0.2,0.8333"
    result = run(runner, "photo", "annotate", str(src), "--measure", f"{numbers},10cm,Length",
                 "-o", str(out))  # fmt: skip
    assert result.exit_code == 0, result.stderr
    from PIL import Image

    img = Image.open(out).convert("RGB")
    red = (0xE8, 0x20, 0x2A)
    for x, y in ((1100, 530), (400, 1000)):  # the middle of the measure and of the reference
        assert max(abs(a - b) for a, b in zip(img.getpixel((x, y)), red, strict=True)) < 40, (x, y)
    # each end has a bar square to the line: red above and below the measure's right end
    assert max(abs(a - b) for a, b in zip(img.getpixel((2120, 530 + 25)), red, strict=True)) < 40
    assert img.getpixel((2120, 530 + 80)) == (235, 235, 230)  # and nothing beyond the bar
    bad = run(runner, "photo", "annotate", str(src), "--measure", "0.1,0.1,0.5,0.1", "-o",
              str(tmp_path / "bad.png"))  # fmt: skip
    assert bad.exit_code == 2 and "needs 8 numbers and the reference's length" in bad.stderr


def test_the_dimension_lines_say_the_length_and_the_reference() -> None:
    from evidence_tools.photo.draw import measure_texts
    from evidence_tools.shapes import shape_from_arg

    shape = shape_from_arg(
        "measure", "0.0667,0.4417,0.7067,0.4417,0.0667,0.8333,0.2,0.8333,10cm,Length", 1
    )
    length, reference = measure_texts(shape, (3000, 1200))
    assert length.startswith("Length: 48.0 cm \u00b1 ") and reference == "reference 10 cm"
    assert shape.spec()["ref_length"] == "10cm" and len(shape.spec()["ref"]) == 4


def test_a_colour_point_without_white_paper_asks_for_it(tmp_path: Path) -> None:
    root = _case(tmp_path, BLACK)
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace(f", white = {WHITE}", ""))
    codes = {f.code for f in check_case(root).findings}
    assert "claim.colour.no_white" in codes
    assert "claim.colour.no_white" not in {f.code for f in check_case(_case(
        tmp_path / "w", BLACK)).findings}  # fmt: skip


def test_the_weight_names_the_photo_of_the_scale(tmp_path: Path) -> None:
    root = _case(tmp_path, BLACK)
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace('file = "originals/received.png"',
                                             'file = "originals/received.png"\nshows = ["scale"]'))  # fmt: skip
    assert "it weighed 120 g on arrival (Exhibit 2)." in _said(load_case(root))


def test_the_message_names_the_points_that_fit(tmp_path: Path) -> None:
    from evidence_tools.dossier.message import message

    root = _size_case(tmp_path, "48 cm")
    case = load_case(root)
    said = message(case, [])
    assert "The listing says \u201cLength: 60 cm\u201d; the item received measures 48.0 cm" in said
    short = message(case, [], limit=len(said) - 60)
    assert "Length: 60 cm" not in short and len(short) <= len(said) - 60 + 1


def test_the_comparison_page_shows_a_clear_colour_and_leaves_an_unclear_one_out(
    tmp_path: Path,
) -> None:
    from evidence_tools.dossier.comparison import comparison_views

    clear = comparison_views(load_case(_case(tmp_path, BLACK)), [])
    assert len(clear) == 1 and clear[0].colour is not None and clear[0].colour.delta_e > 10
    assert clear[0].listing.size == clear[0].photo.size == (160, 160)  # the boxes, cut out
    unclear = comparison_views(load_case(_case(tmp_path / "n", NAVY)), [])
    assert len(unclear) == 1 and unclear[0].colour is None  # crops, but no colour claimed


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext")
def test_the_dossier_prints_the_points_and_their_comparison_page(tmp_path: Path) -> None:
    import subprocess

    from evidence_tools.dossier.build import build_dossier

    root = _case(tmp_path, BLACK)
    result = build_dossier(root)
    text = subprocess.run(["pdftotext", "-layout", str(result.pdf), "-"], capture_output=True,
                          text=True, check=True).stdout.replace("  ", " ")  # fmt: skip
    assert "What the listing says, and what arrived" in text
    page = next(p for p in text.split("\f") if "Point 1: what the listing says" in p)
    for words in (
        "The listing says: \u201cColour: Navy blue\u201d",
        "Received: black",
        "The listing (Exhibit 1)",
        "What arrived (Exhibit 2)",
        "after white balance on the white paper",
        "Indicative: the photos are not",
    ):
        assert words in page, words  # fmt: skip


@pytest.mark.parametrize(
    ("text", "mm"),
    [("about 55 cm long", 550), ("Length: 60cm", 600), ("4in", 101.6), ("size 4 in.", 101.6),
     ("0 cm, then 48 cm", 480), ("2 in 1 charging cable", None), ("Set of 3 in a box", None),
     ("only 1 in the parcel", None), ("black", None)],
)  # fmt: skip
def test_lengths_are_found_in_words_and_a_count_is_not_one(text: str, mm: float | None) -> None:
    from evidence_tools.measure import length_in

    found = length_in(text)
    assert (found.millimetres if found else None) == (pytest.approx(mm) if mm else None)


def test_a_measure_that_confirms_the_listing_is_no_point_to_claim(tmp_path: Path) -> None:
    root = _size_case(tmp_path, "48 cm")
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace("Length: 60 cm", "Length: 48 cm"))
    found = [f for f in check_case(root).findings if f.code == "point.length_agrees"]
    assert found and "agrees with the listing" in found[0].message
    assert "Length: 48 cm" not in _said(load_case(root))


def test_a_colour_box_too_small_to_read_is_said_not_compared(tmp_path: Path) -> None:
    root = _case(tmp_path, BLACK)
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace(f"photo = {{ exhibit = 2, box = {BOX}",
                                             "photo = { exhibit = 2, box = [0.1, 0.2, 0.01, 0.01]"))  # fmt: skip
    found = [f for f in check_case(root).findings if f.code == "point.colour_box_small"]
    assert found and "exhibit 2" in found[0].message
    assert "\u0394E00" not in _said(load_case(root))


def test_a_box_on_a_video_is_a_case_toml_line_error(sample_case: Path, runner) -> None:
    toml = sample_case / "case.toml"
    toml.write_text(toml.read_text() + """
[[mismatch]]
listing_says = "Colour: Navy blue"
received = "black"
photo = { exhibit = 1, box = [0.1, 0.1, 0.2, 0.2] }
""")  # fmt: skip
    result = run(runner, "check", str(sample_case))
    assert result.exit_code == 2 and "exhibit 1 is not a photo: box" in result.stderr
    assert "case.toml:" in result.stderr
