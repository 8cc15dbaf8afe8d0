""" "Not as described", point by point: [[mismatch]] and the weights read and checked, the
statement quoting the listing with its exhibits, a clear colour difference claimed and an
unclear one said only to the buyer."""

from __future__ import annotations

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
