"""Unit tests of the metadata interpreters on hand-made inputs."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from conftest import run

from evidence_tools.metadata import photo, video
from evidence_tools.metadata.model import CaptureInfo
from evidence_tools.metadata.read import resolve_zone
from evidence_tools.rules import parse_offset, parse_zone


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("+05:45", 345), ("-03:30", -210), ("Z", 0), ("+0100", 60), ("-00:00", 0)],
)
def test_offsets(text: str, minutes: int) -> None:
    tz = parse_offset(text)
    assert tz is not None
    assert tz.utcoffset(None) == dt.timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", None, "+25:00", "03:00", "local"])
def test_bad_offsets(text) -> None:
    assert parse_offset(text) is None


def test_time_with_offset_and_subseconds() -> None:
    info = CaptureInfo(file="x.jpg", kind="photo")
    photo.interpret(
        info,
        {
            "DateTimeOriginal": "2026:11:20 17:03:11",
            "SubSecTimeOriginal": "07",
            "OffsetTimeOriginal": "+05:45",
        },
    )
    assert info.captured_at.isoformat() == "2026-11-20T17:03:11.070000+05:45"
    assert info.time_source == "EXIF DateTimeOriginal + OffsetTimeOriginal"
    assert info.captured_at_utc.isoformat() == "2026-11-20T11:18:11.070000+00:00"


def test_no_offset_stays_naive_until_a_zone_is_given() -> None:
    raw = {"DateTimeOriginal": "2026:11:20 17:03:11"}
    info = CaptureInfo(file="x.jpg", kind="photo")
    photo.interpret(info, raw)
    resolve_zone(info, None)
    assert info.captured_at.tzinfo is None and not info.zone_assumed
    assert info.to_dict()["captured_at_utc"] is None
    assumed = CaptureInfo(file="x.jpg", kind="photo")
    photo.interpret(assumed, raw)
    resolve_zone(assumed, parse_zone("-03:30"), "-03:30")
    assert assumed.zone_assumed
    assert assumed.to_dict()["captured_at"] == "2026-11-20T17:03:11-03:30"
    assert assumed.to_dict()["captured_at_utc"] == "2026-11-20T20:33:11Z"
    assert "zone assumed" in assumed.time_source


def test_fallback_order_and_invalid_dates() -> None:
    info = CaptureInfo(file="x.jpg", kind="photo")
    photo.interpret(
        info,
        {
            "DateTimeOriginal": "0000:00:00 00:00:00",
            "DateTimeDigitized": "2026:11:20 10:00:00",
            "OffsetTimeDigitized": "Z",
        },
    )
    assert info.time_source == "EXIF CreateDate + OffsetTimeDigitized"
    assert info.captured_at.tzinfo == dt.timezone.utc
    assert any("not a valid date" in str(w) for w in info.warnings)


@pytest.mark.parametrize(
    ("refs", "sign"), [(("N", "E"), (1, 1)), (("S", "W"), (-1, -1)), (("S", "E"), (-1, 1))]
)
def test_gps_refs(refs, sign) -> None:
    raw = {
        "GPSLatitude": [Fraction(43), Fraction(28), Fraction(2814, 100)],
        "GPSLatitudeRef": refs[0],
        "GPSLongitude": [Fraction(11), Fraction(53), Fraction(645, 100)],
        "GPSLongitudeRef": refs[1],
        "GPSAltitude": Fraction(1565, 10),
        "GPSAltitudeRef": 1,
    }
    gps = photo.parse_gps(raw)
    assert gps.lat == pytest.approx(sign[0] * (43 + 28 / 60 + 28.14 / 3600))
    assert gps.lon == pytest.approx(sign[1] * (11 + 53 / 60 + 6.45 / 3600))
    assert gps.alt == -156.5


def test_zero_gps_is_no_gps() -> None:
    raw = {"GPSLatitude": [0, 0, 0], "GPSLongitude": [0, 0, 0]}
    assert photo.parse_gps(raw) is None


PROBE_NEW = """\
Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mov':
  Metadata:
    creation_time   : 2026-03-14T09:26:53.000000Z;2026-03-14T09:26:53.000000Z
    com.apple.quicktime.creationdate: 2026-03-14T10:26:53+0100
    com.apple.quicktime.make: Apple
    com.apple.quicktime.model: iPhone 15
    com.apple.quicktime.location.ISO6709: +48.8584+002.2945+035.000/
    comment         : first line
                    : second line
  Duration: 00:01:02.50, start: 0.000000, bitrate: 1799 kb/s
  Stream #0:0[0x1]: Video: hevc (Main) (hvc1 / 0x31637668), yuv420p(tv, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 1718 kb/s, 29.97 fps, 30 tbr, 15360 tbn (default)
    Metadata:
      creation_time   : 2026-03-14T09:26:53.000000Z
    Side data:
      Display Matrix: rotation of -90.00 degrees
  Stream #0:1[0x2]: Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, mono, fltp, 69 kb/s
Stream mapping:
  Stream #0:0 -> #0:0 (copy)
Output #0, null, to 'pipe:':
  Metadata:
    com.apple.quicktime.make: Other
frame= 1875 fps=0.0 q=-1.0 Lsize=N/A time=00:01:02.46 bitrate=N/A speed=1e+03x
"""


def test_parse_probe_ffmpeg9_spelling() -> None:
    probe = video.parse_probe(PROBE_NEW)
    assert probe.duration == pytest.approx(62.5)
    assert probe.metadata["com.apple.quicktime.make"] == "Apple"  # not the output's
    assert probe.metadata["comment"] == "first line\nsecond line"
    info = CaptureInfo(file="x.mov", kind="video")
    video.interpret(info, probe)
    assert info.rotation == 90
    assert (info.width, info.height) == (1080, 1920)
    assert info.fps == pytest.approx(29.97)
    assert info.captured_at.isoformat() == "2026-03-14T10:26:53+01:00"
    assert info.gps.alt == 35.0
    assert not any("disagree" in str(w) for w in info.warnings)
    assert not any("incomplete" in str(w) for w in info.warnings)


def test_parse_probe_old_displaymatrix_spelling() -> None:
    old = PROBE_NEW.replace(
        "Display Matrix: rotation of -90.00", "displaymatrix: rotation of 90.00"
    )
    info = CaptureInfo(file="x.mov", kind="video")
    video.interpret(info, video.parse_probe(old))
    assert info.rotation == 270
    assert (info.width, info.height) == (1080, 1920)


def test_keys_and_mvhd_disagree() -> None:
    text = PROBE_NEW.replace("10:26:53+0100", "12:26:53+0100")
    info = CaptureInfo(file="x.mov", kind="video")
    video.interpret(info, video.parse_probe(text))
    assert info.time_source == "QuickTime Keys CreationDate"
    assert any("disagree by 7200 s" in str(w) for w in info.warnings)


def test_mvhd_only_is_utc() -> None:
    text = PROBE_NEW.replace("    com.apple.quicktime.creationdate: 2026-03-14T10:26:53+0100\n", "")
    info = CaptureInfo(file="x.mov", kind="video")
    video.interpret(info, video.parse_probe(text))
    resolve_zone(info, None)
    assert info.captured_at.isoformat() == "2026-03-14T09:26:53+00:00"
    assert info.zone == "UTC"
    assert info.utc_only


def test_iso6709_and_iso_dates() -> None:
    assert video.parse_iso6709("-33.8568+151.2153/").lat == pytest.approx(-33.8568)
    assert video.parse_iso6709("garbage") is None
    assert video.parse_iso_datetime("2026-03-14T10:26:53-0330").utcoffset() == -dt.timedelta(
        hours=3, minutes=30
    )
    assert video.parse_iso_datetime("2026-13-14T10:26:53Z") is None


def test_meta_cli_json_keys_and_exit_code(runner, tmp_path: Path) -> None:
    from conftest import SAMPLE_CASE

    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"not a video at all" * 10)
    result = run(runner, "meta", str(SAMPLE_CASE / "originals"), str(bad), "--json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert len(rows) == 5
    keys = {
        "file",
        "kind",
        "captured_at",
        "captured_at_utc",
        "time_source",
        "zone_assumed",
        "make",
        "model",
        "software",
        "gps",
        "orientation",
        "width",
        "height",
        "rotation",
        "duration",
        "warnings",
        "error",
    }
    for row in rows:
        assert keys <= set(row)
    by_name = {Path(r["file"]).name: r for r in rows}
    mov = by_name["unboxing.mov"]
    assert mov["captured_at"] == "2026-11-21T18:38:00+03:00"
    assert mov["captured_at_utc"] == "2026-11-21T15:38:00Z"
    assert mov["time_source"] == "QuickTime Keys CreationDate"
    assert (mov["width"], mov["height"], mov["rotation"]) == (360, 640, 270)
    crack = by_name["crack_closeup.jpg"]
    assert (crack["width"], crack["height"], crack["orientation"]) == (1200, 1600, 6)
    assert crack["time_source"] == "EXIF DateTimeOriginal + OffsetTimeOriginal"
    assert by_name["parcel_label.jpg"]["gps"]["lat"] == pytest.approx(55.755833, abs=1e-5)
    assert by_name["case_back.heic"]["captured_at"] == "2026-11-21T18:45:02.112+03:00"
    assert by_name["broken.mp4"]["error"].startswith(str(bad))


def test_meta_cli_csv_and_table(runner) -> None:
    from conftest import SAMPLE_CASE

    result = run(runner, "meta", str(SAMPLE_CASE / "originals"), "--csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("file,kind,captured_at")
    assert len(lines) == 5
    table = run(runner, "meta", str(SAMPLE_CASE / "originals" / "parcel_label.jpg"))
    assert "taken 2026-11-21 18:40:12.250 +03:00" in table.stdout
    assert "! GPS position present" in table.stdout


def test_meta_bad_zone_is_usage_error(runner) -> None:
    from conftest import SAMPLE_CASE

    result = run(runner, "meta", str(SAMPLE_CASE / "originals"), "--tz", "Mars/Base")
    assert result.exit_code == 2
    assert "unknown time zone" in result.stderr


def test_process_pool_gives_same_results(tmp_path: Path) -> None:
    from conftest import SAMPLE_CASE

    from evidence_tools.metadata.read import read_many

    photo_file = SAMPLE_CASE / "originals" / "crack_closeup.jpg"
    items = [(photo_file, "")] * 30
    serial = read_many(items, workers=1)
    pooled = read_many(items, workers=2)
    assert [i.to_dict() for i in serial] == [i.to_dict() for i in pooled]


@pytest.mark.parametrize("fmt", ["webp", "png", "tiff", "heic"])
def test_other_photo_formats_read_exif(tmp_path: Path, fmt: str) -> None:
    """exifread misses EXIF in some WebP; the Pillow fallback must find it."""
    from PIL import Image

    from evidence_tools.images import pillow
    from evidence_tools.metadata.read import read_capture

    pillow()  # registers the HEIF opener for saving
    exif = Image.Exif()
    exif[0x010F] = "Google"
    exif[0x0110] = "Pixel 8"
    exif[0x0112] = 8
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 17:03:11"
    exif.get_ifd(0x8769)[0x9011] = "-03:30"
    path = tmp_path / f"shot.{fmt}"
    Image.new("RGB", (64, 48), "red").save(path, exif=exif.tobytes())
    info = read_capture(path)
    assert info.make == "Google" and info.model == "Pixel 8"
    assert info.captured_at.isoformat() == "2026-11-20T17:03:11-03:30"
    assert info.orientation == 8
    # stored 64x48, shown turned (Orientation 8); for HEIC libheif applies it when decoding
    assert (info.stored_width, info.stored_height, info.width, info.height) == (64, 48, 48, 64)


def test_not_an_image(tmp_path: Path) -> None:
    from evidence_tools.errors import InputFileError
    from evidence_tools.metadata.read import read_capture

    fake = tmp_path / "photo.jpg"
    fake.write_text("hello, I am text")
    with pytest.raises(InputFileError, match="not a readable image"):
        read_capture(fake)
    with pytest.raises(InputFileError, match="unsupported file type"):
        read_capture(tmp_path / "x.doc") if (tmp_path / "x.doc").write_text("x") else None


def test_a_scan_that_times_out_is_an_error(tmp_path: Path) -> None:
    from conftest import SAMPLE_CASE

    from evidence_tools.errors import ExternalToolError

    with pytest.raises(ExternalToolError, match="took longer") as info:
        video.scan_packets(SAMPLE_CASE / "originals" / "unboxing.mov", timeout=0.001)
    assert "unboxing.mov" in info.value.one_line()


@pytest.mark.parametrize(
    ("keys", "warned"),
    [
        ("10:26:36+0100", False),  # mvhd 17 s later: the phone closed the file after 62.5 s
        ("10:25:51+0100", False),  # 62 s later: still within the recording's length
        ("10:25:00+0100", True),  # 113 s later: longer than the recording could last
        ("10:26:56+0100", True),  # mvhd 3 s before the recording started
    ],
)
def test_mvhd_may_trail_creationdate_by_the_recording(keys: str, warned: bool) -> None:
    text = PROBE_NEW.replace("10:26:53+0100", keys)
    info = CaptureInfo(file="x.mov", kind="video")
    video.interpret(info, video.parse_probe(text))
    assert any("disagree" in str(w) for w in info.warnings) == warned


def _jpeg_with(path: Path, exif_time: str, iptc: tuple[str, str] | None = None,
               xmp_time: str | None = None) -> Path:  # fmt: skip
    """A JPEG whose EXIF DateTimeOriginal has no offset, with an IPTC DateCreated+TimeCreated
    (APP13, as Photoshop writes it) and an XMP exif:DateTimeOriginal (APP1) as given."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif.get_ifd(0x8769)[0x9003] = exif_time
    Image.new("RGB", (32, 24), "gray").save(path, exif=exif.tobytes())
    data = path.read_bytes()
    segments = b""
    if iptc is not None:
        records = b"".join(
            b"\x1c\x02" + bytes([tag]) + len(v).to_bytes(2, "big") + v.encode()
            for tag, v in ((55, iptc[0]), (60, iptc[1]))
        )
        block = b"8BIM\x04\x04\x00\x00" + len(records).to_bytes(4, "big") + records
        body = b"Photoshop 3.0\x00" + block + (b"\x00" if len(records) % 2 else b"")
        segments += b"\xff\xed" + (len(body) + 2).to_bytes(2, "big") + body
    if xmp_time is not None:
        packet = (
            '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
            'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
            'xmlns:exif="http://ns.adobe.com/exif/1.0/" '
            f'exif:DateTimeOriginal="{xmp_time}"/></rdf:RDF></x:xmpmeta>'
        ).encode()
        body = b"http://ns.adobe.com/xap/1.0/\x00" + packet
        segments += b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body
    path.write_bytes(data[:2] + segments + data[2:])
    return path


def test_a_zone_only_in_iptc_time_created_is_taken(tmp_path: Path) -> None:
    from evidence_tools.metadata.read import read_capture

    path = _jpeg_with(tmp_path / "a.jpg", "2026:11:20 15:15:44", iptc=("20261120", "151544-0400"))
    info = read_capture(path)
    assert info.captured_at == dt.datetime(
        2026, 11, 20, 15, 15, 44, tzinfo=dt.timezone(dt.timedelta(hours=-4))
    )
    assert info.time_source == "EXIF DateTimeOriginal, zone from IPTC DateCreated+TimeCreated"
    assert not any("time zone" in str(w) for w in info.warnings)


def test_a_twin_of_another_local_time_lends_no_zone(tmp_path: Path) -> None:
    from evidence_tools.metadata.read import read_capture

    path = _jpeg_with(tmp_path / "b.jpg", "2026:11:20 15:15:44", iptc=("20261120", "071544+0000"))
    info = read_capture(path)
    assert info.captured_at is not None and info.captured_at.tzinfo is None
    assert any("no time zone" in str(w) for w in info.warnings)


def test_twins_with_different_zones_are_a_warning_not_a_guess(tmp_path: Path) -> None:
    from evidence_tools.metadata.read import read_capture

    path = _jpeg_with(
        tmp_path / "c.jpg",
        "2026:11:20 15:15:44",
        iptc=("20261120", "151544-0400"),
        xmp_time="2026-11-20T15:15:44+02:00",
    )
    info = read_capture(path)
    assert info.captured_at is not None and info.captured_at.tzinfo is None
    assert any(
        w.code == "time.zones_disagree" and "-04:00" in str(w) and "+02:00" in str(w)
        for w in info.warnings
    )
