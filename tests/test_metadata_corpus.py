"""Agreement with ExifTool on the shared corpus (skipped when ../shared/corpus is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import CORPUS

from evidence_tools.metadata.photo import parse_exif_datetime
from evidence_tools.metadata.read import read_capture, read_capture_safe

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
        assert any("GPS" in w for w in info.warnings)
    else:
        assert info.gps is None
    # the capture time: DateTimeOriginal, else CreateDate, else ModifyDate (labelled so)
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
                assert any("last modified" in w for w in info.warnings)
            break
    else:
        assert info.captured_at is None
        assert "no capture time in the file" in info.warnings
    offset = expected.get("OffsetTimeOriginal")
    if offset and info.time_source.startswith("EXIF DateTimeOriginal"):
        assert info.time_source == "EXIF DateTimeOriginal + OffsetTimeOriginal"
        assert info.zone == offset
        assert info.captured_at_utc is not None
    elif info.captured_at is not None:
        assert info.captured_at.tzinfo is None
        assert any("no time zone" in w for w in info.warnings)


def test_editor_and_resave_warnings(corpus: Path) -> None:
    canon = read_capture(corpus / "photos" / "Canon_40D.jpg")
    assert any("editor (GIMP 2.4.5)" in w for w in canon.warnings)
    assert any("re-saved" in w for w in canon.warnings)
    nokia = read_capture(corpus / "photos" / "HMD_Nokia_8.3_5G.jpg")
    assert not any("editor" in w for w in nokia.warnings)


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
    assert any("incomplete copy" in w for w in info.warnings)


def test_webm_without_metadata(corpus: Path) -> None:
    info = read_capture(corpus / "videos" / "no_metadata.webm")
    assert info.captured_at is None and info.make == ""
    assert any("no capture time" in w for w in info.warnings)


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
