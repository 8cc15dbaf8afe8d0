"""A case as a buyer brings it: 24 phone photos over the platform's per-file limit, each with a
GPS position, one of them dated before the order. check must put the one error first in a
short report; export must name it and refuse, or build with --despite-errors."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import run
from PIL import Image

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.check import check_case

TODAY = dt.date(2026, 11, 26)
COUNT = 24


def _phone_photo(path: Path, when: str) -> None:
    """A small picture in a file over 2 MB, as a phone's 12 MP JPEG is: padding segments
    (APP15) make the bytes, so the export's smaller copies stay quick to make."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Google", "Pixel 8"
    exif.get_ifd(0x8769)[0x9003] = when
    exif.get_ifd(0x8769)[0x9011] = "+03:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (55.0, 45.0, 0.0), 3: "E", 4: (37.0, 37.0, 0.0)})
    Image.new("RGB", (640, 480), (120, 130, 140)).save(path, quality=90, exif=exif.tobytes())
    data = path.read_bytes()
    pad = b"".join(b"\xff\xef\xff\xff" + bytes(65533) for _ in range(35))
    path.write_bytes(data[:2] + pad + data[2:])


@pytest.fixture(scope="module")
def big_case(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("big")
    root = base / "case"
    init_case(root, platform="aliexpress", claim="damaged", order="8123",
              resolution="full_refund", timezone="Europe/Moscow")  # fmt: skip
    toml = root / "case.toml"
    text = toml.read_text().replace('amount = ""', 'amount = "10 USD"')
    text = text.replace("# placed = 2026-10-02", "placed = 2026-10-02")
    text = text.replace("# delivered = 2026-11-20", "delivered = 2026-11-20")
    toml.write_text(text.replace('item = ""', 'item = "Mug"'))
    staging = base / "in"
    staging.mkdir()
    for n in range(COUNT):
        when = "2026:09:01 12:00:00" if n == 7 else f"2026:11:20 18:{n:02d}:00"
        _phone_photo(staging / f"PXL_{n:04d}.jpg", when)
    add_files(root, sorted(staging.iterdir()))
    text = toml.read_text().replace('caption = ""', 'caption = "The mug, cracked"')
    text = text.replace(
        'file = "originals/PXL_0000.jpg"\ncaption = "The mug, cracked"',
        'file = "originals/PXL_0000.jpg"\ncaption = "The mug, cracked"\ndefects = ["cracked"]',
    )
    toml.write_text(text)
    return root


def test_check_puts_the_one_error_first_in_a_short_report(big_case: Path, runner) -> None:
    result = run(runner, "check", str(big_case))
    lines = result.stdout.splitlines()
    assert result.exit_code == 1
    assert lines[0].startswith("ERROR") and "PXL_0007.jpg" in lines[0]
    assert "before the order was placed" in lines[0]
    assert len(lines) < 20, result.stdout
    over = [ln for ln in lines if "over AliExpress's 2 MB per file" in ln]
    assert len(over) == 1 and over[0].startswith("note")
    assert f"{COUNT} photos (PXL_0000.jpg \u2026 PXL_0023.jpg)" in over[0]
    gps = [ln for ln in lines if "GPS" in ln]
    assert len(gps) == 1 and f"{COUNT} photos" in gps[0]
    severities = [ln.split()[0] for ln in lines[:-1]]
    order = {"ERROR": 0, "warning": 1, "note": 2}
    assert severities == sorted(severities, key=order.__getitem__)


def test_check_json_keeps_a_finding_per_file_each_with_a_code(big_case: Path, runner) -> None:
    data = json.loads(run(runner, "check", str(big_case), "--json").stdout)
    codes = [f["code"] for f in data["findings"]]
    assert all(re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", c) for c in codes), codes
    over = [f for f in data["findings"] if f["code"] == "upload.over_file_limit"]
    assert sorted(f["subject"] for f in over) == [
        f"originals/PXL_{n:04d}.jpg" for n in range(COUNT)
    ]
    assert all(f["severity"] == "info" for f in over)
    assert sum(c == "meta.gps" for c in codes) == COUNT
    assert [f["subject"] for f in data["findings"] if f["code"] == "time.before_order"] == [
        "originals/PXL_0007.jpg"
    ]


def test_export_names_the_error_and_builds_only_when_told(big_case: Path, runner) -> None:
    refused = run(runner, "export", str(big_case), "--platform", "aliexpress")
    assert refused.exit_code == 1
    assert "PXL_0007.jpg" in refused.stderr and "before the order was placed" in refused.stderr
    assert "--despite-errors" in refused.stderr
    assert not (big_case / "exports" / "upload-aliexpress").exists()
    made = run(runner, "export", str(big_case), "--platform", "aliexpress", "--despite-errors")
    assert made.exit_code == 0, made.stderr
    folder = big_case / "exports" / "upload-aliexpress"
    photos = sorted(folder.glob("*.jpg"))
    assert len(photos) == COUNT and all(p.stat().st_size <= 2_000_000 for p in photos)
    shutil.rmtree(big_case / "exports")


def test_originals_copied_in_by_hand_are_named_and_recorded_with_add_here(
    tmp_path: Path, runner
) -> None:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="1")
    for n in range(3):
        _phone_photo(root / "originals" / f"hand_{n}.jpg", "2026:11:20 18:00:00")
    verified = run(runner, "verify", str(root))
    assert verified.exit_code == 1
    assert "3 file(s) in originals/" in verified.stderr and "evidence add --here" in verified.stderr
    report = check_case(root, today=TODAY)
    assert sum(f.code == "originals.not_fingerprinted" for f in report.findings) == 3
    checked = run(runner, "check", str(root))
    assert "3 photos in originals/ (hand_0.jpg, hand_1.jpg, hand_2.jpg)" in checked.stdout
    assert "never fingerprinted" in checked.stdout and "evidence add --here" in checked.stdout
    added = run(runner, "add", "--here", "--case", str(root))
    assert added.exit_code == 0, added.stderr
    assert run(runner, "verify", str(root)).exit_code == 0
    again = run(runner, "add", "--here", "--case", str(root))
    assert again.exit_code == 0 and "already fingerprinted" in again.stderr
    assert not any(f.code == "originals.not_fingerprinted" for f in check_case(root).findings)


def test_add_without_files_says_what_to_give(tmp_path: Path, runner) -> None:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="1")
    result = run(runner, "add", "--case", str(root))
    assert result.exit_code == 2 and "--here" in result.stderr
