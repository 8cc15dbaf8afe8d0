"""Agreement with ExifTool on the shared corpus (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPUS

from evidence_tools.metadata.photo import parse_exif_datetime
from evidence_tools.metadata.read import read_capture, read_capture_safe
from evidence_tools.rules import parse_offset

PHOTO_EXPECTED = CORPUS / "photos" / "expected-exiftool.json"


def photo_cases() -> list[str]:
    if not PHOTO_EXPECTED.exists():
        return []
    return sorted(json.loads(PHOTO_EXPECTED.read_text()))


@pytest.mark.parametrize("name", photo_cases() or ["(corpus absent)"])
def test_photo_agrees_with_exiftool(corpus: Path, name: str) -> None:
    expected = json.loads(PHOTO_EXPECTED.read_text())[name]
    info = read_capture(corpus / "photos" / name)
    assert info.error is None
    for key, field in (("Make", "make"), ("Model", "model"), ("Software", "software")):
        assert getattr(info, field) == expected.get(key, ""), key
    assert info.orientation == expected.get("Orientation")
    w, h = (int(v) for v in expected["ImageSize"].split())
    assert (info.stored_width, info.stored_height) == (w, h)
    turned = expected.get("Orientation") in (5, 6, 7, 8)
    assert (info.width, info.height) == ((h, w) if turned else (w, h))
    if "GPSLatitude" in expected:
        assert info.gps is not None
        assert info.gps.lat == pytest.approx(expected["GPSLatitude"], abs=1e-5)
        assert info.gps.lon == pytest.approx(expected["GPSLongitude"], abs=1e-5)
        assert any("GPS" in str(w) for w in info.warnings)
    else:
        assert info.gps is None
    # the capture time: DateTimeOriginal, else CreateDate, else ModifyDate (labelled so); the
    # expected readings list EXIF only, so a time from XMP or IPTC must rank above what EXIF
    # offers (a creation time over a modification time), or stand where EXIF has none
    if info.time_source.startswith(("XMP", "IPTC")):
        assert "DateTimeOriginal" not in expected and "CreateDate" not in expected
        assert not info.is_modification_time or "ModifyDate" not in expected
        return
    for key, source in (
        ("DateTimeOriginal", "EXIF DateTimeOriginal"),
        ("CreateDate", "EXIF CreateDate"),
        ("ModifyDate", "EXIF ModifyDate"),
    ):
        if key in expected:
            want = parse_exif_datetime(
                expected[key],
                expected.get("SubSecTimeOriginal") if key == "DateTimeOriginal" else None,
            )
            assert info.captured_at is not None
            assert info.captured_at.replace(tzinfo=None) == want
            assert info.time_source.startswith(source)
            if key == "ModifyDate":
                assert info.is_modification_time
                assert any("last modified" in str(w) for w in info.warnings)
            break
    else:
        assert info.captured_at is None
        # no camera and no time: screenshot-like, no alarm; a camera but no time: an alarm
        no_camera = not expected.get("Make") and not expected.get("Model")
        assert info.screenshot == no_camera
        assert info.has("time.none") == (not no_camera)
    offset = expected.get("OffsetTimeOriginal")
    if offset and info.time_source.startswith("EXIF DateTimeOriginal"):
        assert info.time_source == "EXIF DateTimeOriginal + OffsetTimeOriginal"
        assert info.zone == offset
        assert info.captured_at_utc is not None
    elif info.captured_at is not None and ", zone from " in info.time_source:
        # the expected readings list EXIF only: the zone came from an XMP or IPTC copy of the
        # same local time that carries one
        twin = info.time_source.split(", zone from ", 1)[1]
        assert twin.startswith(("XMP", "IPTC"))
        other = dt.datetime.fromisoformat(info.other_times[twin])
        assert other.utcoffset() == info.captured_at.utcoffset()
        assert other.replace(tzinfo=None) == info.captured_at.replace(tzinfo=None, microsecond=0)
    elif info.captured_at is not None:
        assert info.captured_at.tzinfo is None
        assert any("no time zone" in str(w) for w in info.warnings)


@pytest.mark.parametrize(("name", "zone"), [("Nikon_D70.jpg", "-04:00"), ("jolla.jpg", "+02:00")])
def test_a_zone_only_in_xmp_is_taken_as_exiftool_composes_it(
    corpus: Path, name: str, zone: str
) -> None:
    info = read_capture(corpus / "photos" / name)
    assert info.zone == zone
    assert info.time_source == "EXIF DateTimeOriginal, zone from XMP exif:DateTimeOriginal"
    assert not any("no time zone" in str(w) for w in info.warnings)
    if shutil.which("exiftool"):
        xmp = subprocess.run(
            ["exiftool", "-s3", "-XMP-exif:DateTimeOriginal", str(corpus / "photos" / name)],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        assert xmp.endswith(zone)


def test_editor_and_resave_warnings(corpus: Path) -> None:
    canon = read_capture(corpus / "photos" / "Canon_40D.jpg")
    assert any("editor (GIMP 2.4.5)" in str(w) for w in canon.warnings)
    assert any("re-saved" in str(w) for w in canon.warnings)
    nokia = read_capture(corpus / "photos" / "HMD_Nokia_8.3_5G.jpg")
    assert not any("editor" in str(w) for w in nokia.warnings)


def test_broken_photos_never_raise(corpus: Path) -> None:
    for path in sorted((corpus / "photos" / "broken").iterdir()):
        info = read_capture_safe(path)
        assert info.error is None or path.name in info.error


def test_iphone_heic(corpus: Path) -> None:
    info = read_capture(corpus / "photos" / "iphone_13_pro_max.HEIC")
    assert info.captured_at is not None
    assert info.captured_at.isoformat() == "2022-02-16T12:55:41.762000+01:00"
    assert (info.width, info.height) == (3024, 4032)


VIDEO_EXPECTED = CORPUS / "videos" / "expected-exiftool.json"


def video_cases() -> list[str]:
    if not VIDEO_EXPECTED.exists():
        return []
    return sorted(Path(e["SourceFile"]).name for e in json.loads(VIDEO_EXPECTED.read_text()))


@pytest.mark.parametrize("name", video_cases() or ["(corpus absent)"])
def test_video_agrees_with_exiftool(corpus: Path, name: str) -> None:
    entries = json.loads(VIDEO_EXPECTED.read_text())
    expected = next(e for e in entries if Path(e["SourceFile"]).name == name)
    info = read_capture(corpus / "videos" / name)
    assert (info.stored_width, info.stored_height) == (
        expected["Track1:ImageWidth"],
        expected["Track1:ImageHeight"],
    )
    if "Composite:Rotation" in expected:
        assert info.rotation == expected["Composite:Rotation"]
    if "QuickTime:Duration" in expected:
        assert info.duration == pytest.approx(expected["QuickTime:Duration"], abs=0.05)
    if "Composite:GPSLatitude" in expected:
        assert info.gps is not None
        assert info.gps.lat == pytest.approx(expected["Composite:GPSLatitude"], abs=1e-4)
        assert info.gps.lon == pytest.approx(expected["Composite:GPSLongitude"], abs=1e-4)
    else:
        assert info.gps is None
    make = expected.get("Keys:Make", "")
    assert info.make == make
    assert info.model == expected.get("Keys:Model", "")
    if "Keys:CreationDate" in expected:
        assert info.time_source == "QuickTime Keys CreationDate"
        want = expected["Keys:CreationDate"]  # "2026:03:14 10:26:53+01:00"
        assert info.captured_at.strftime("%Y:%m:%d %H:%M:%S") + info.zone == want
    elif expected.get("QuickTime:CreateDate", "0000").startswith("0000"):
        assert info.captured_at is None
    else:
        assert info.time_source.startswith("QuickTime CreateDate (mvhd")
        assert (
            info.captured_at_utc.strftime("%Y:%m:%d %H:%M:%S") == expected["QuickTime:CreateDate"]
        )
        assert info.zone == "UTC"


def test_portrait_hevc_is_displayed_portrait(corpus: Path) -> None:
    info = read_capture(corpus / "videos" / "iphone_portrait_hevc.mov")
    assert (info.width, info.height) == (720, 1280)
    assert info.captured_at_utc.isoformat() == "2026-03-14T09:26:53+00:00"


def test_truncated_video_is_reported(corpus: Path) -> None:
    info = read_capture(corpus / "videos" / "truncated.mp4")
    assert info.duration == pytest.approx(6.0)
    assert info.decodable_duration is not None and info.decodable_duration < 4.5
    assert any("incomplete copy" in str(w) for w in info.warnings)


def test_webm_without_metadata(corpus: Path) -> None:
    info = read_capture(corpus / "videos" / "no_metadata.webm")
    assert info.captured_at is None and info.make == ""
    assert any("no capture time" in str(w) for w in info.warnings)


def test_mvhd_time_shown_in_given_zone(corpus: Path) -> None:
    from evidence_tools.rules import parse_zone

    info = read_capture(
        corpus / "videos" / "android_landscape_h264.mp4",
        zone=parse_zone("Europe/Paris"),
        zone_name="Europe/Paris",
    )
    assert info.captured_at.isoformat() == "2026-03-14T10:40:05+01:00"
    assert info.zone_assumed is False  # the instant was known; only the display zone is ours
    assert info.zone == "Europe/Paris"


REALWORLD_EXPECTED = CORPUS / "realworld" / "expected-exiftool.json"
# ExifTool's capture time, as its composite DateTimeOriginal picks it, and our label for each
EXIFTOOL_TIMES = (
    ("ExifIFD:DateTimeOriginal", "EXIF DateTimeOriginal"),
    ("Composite:DateTimeOriginal", ""),  # from XMP or IPTC: any of their labels
    ("XMP-exif:DateTimeOriginal", "XMP exif:DateTimeOriginal"),
    ("XMP-photoshop:DateCreated", "XMP photoshop:DateCreated"),
    ("ExifIFD:CreateDate", "EXIF CreateDate"),
    ("XMP-xmp:CreateDate", "XMP xmp:CreateDate"),
    ("IFD0:ModifyDate", "EXIF ModifyDate"),
)


def realworld_cases() -> list[str]:
    if not REALWORLD_EXPECTED.exists():
        return []
    return sorted(e["SourceFile"] for e in json.loads(REALWORLD_EXPECTED.read_text()))


def exiftool_time(text: str) -> tuple[dt.datetime, dt.timezone | None]:
    """ExifTool's ``2009:06:16 14:57:56Z`` or ``...+10:00`` as (naive time, offset or None)."""
    match = re.fullmatch(
        r"(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})(Z|[+-]\d{2}:\d{2})?", text
    )
    assert match, text
    when = dt.datetime(*(int(g) for g in match.groups()[:6]))
    return when, parse_offset(match[7]) if match[7] else None


@pytest.mark.parametrize("name", realworld_cases() or ["(corpus absent)"])
def test_real_world_file_agrees_with_exiftool(corpus: Path, name: str) -> None:
    expected = next(
        e for e in json.loads(REALWORLD_EXPECTED.read_text()) if e["SourceFile"] == name
    )
    info = read_capture(corpus / "realworld" / name)
    assert info.error is None
    assert info.make == expected.get("IFD0:Make", "")
    assert info.model == expected.get("IFD0:Model", "")
    assert info.orientation == expected.get("IFD0:Orientation", info.orientation)
    width = next(v for k, v in expected.items() if k.endswith(":ImageWidth"))
    height = next(v for k, v in expected.items() if k.endswith(":ImageHeight"))
    assert (info.stored_width, info.stored_height) == (width, height)
    if "Composite:GPSLatitude" in expected:
        assert info.gps is not None
        assert info.gps.lat == pytest.approx(expected["Composite:GPSLatitude"], abs=1e-5)
        assert info.gps.lon == pytest.approx(expected["Composite:GPSLongitude"], abs=1e-5)
    else:
        assert info.gps is None
    found = next(((k, label) for k, label in EXIFTOOL_TIMES if k in expected), None)
    if found is None:
        assert info.captured_at is None
        return
    key, label = found
    want, offset = exiftool_time(expected[key])
    assert info.captured_at is not None
    assert info.captured_at.replace(tzinfo=None, microsecond=0) == want
    assert info.time_source.startswith(label)
    zone = offset or parse_offset(expected.get("ExifIFD:OffsetTimeOriginal"))
    assert info.captured_at.utcoffset() == (zone.utcoffset(None) if zone else None)


def test_screenshot_without_a_time_is_no_alarm(corpus: Path) -> None:
    info = read_capture(corpus / "realworld" / "screenshot_like_no_metadata.png")
    assert info.screenshot and info.captured_at is None
    assert info.warnings == []
    # the PNG's "Creation Time" is when software wrote it: kept, never taken for the capture
    assert info.other_times == {"PNG Creation Time": "2007-02-13T06:34:38"}


def test_meta_prints_only_its_own_lines(corpus: Path) -> None:
    """exifread logs "PNG file does not have exif data." and "Possibly corrupted field ...";
    none of it may reach the terminal."""
    folders = [corpus / "realworld", corpus / "photos", corpus / "photos" / "broken"]
    folders += [corpus / "videos", corpus / "c2pa"]
    proc = subprocess.run(
        [sys.executable, "-m", "evidence_tools", "meta", "--json", *map(str, folders)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert proc.stderr == ""
    rows = json.loads(proc.stdout)
    assert len(rows) >= 20
