from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pytest
from conftest import SAMPLE_CASE, pixels, run
from PIL import Image, ImageChops, ImageStat

from evidence_tools.errors import UsageError
from evidence_tools.ffmpeg.jobs import redact_filters
from evidence_tools.ffmpeg.runner import run_ffmpeg
from evidence_tools.metadata.read import read_capture
from evidence_tools.rules import redact_boxes
from evidence_tools.video.clock import stamp_clock
from evidence_tools.video.common import default_output, keyframe_times
from evidence_tools.video.fit import fit, plan_fit
from evidence_tools.video.stamp import stamp
from evidence_tools.video.stills import contact_sheet, frames
from evidence_tools.video.trim import trim


def grab(path: Path, at: float, dest: Path) -> Image.Image:
    run_ffmpeg(["-ss", f"{at}", "-i", str(path), "-frames:v", "1", "-y", str(dest)], outputs=[dest])
    return Image.open(dest).convert("RGB")


def same_picture(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a, b)).mean)


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    """A generated 6 s landscape clip with a keyframe every 2 s, audio, and an mvhd time."""
    out = tmp_path / "clip.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=6",
         "-f", "lavfi", "-i", "sine=duration=6", "-c:v", "libx264", "-preset", "ultrafast",
         "-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "aac", "-shortest",
         "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y", str(out)],
        outputs=[out],
    )  # fmt: skip
    return out


def test_keyframes_and_lossless_trim_of_android_file(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "videos" / "android_landscape_h264.mp4"
    assert keyframe_times(src) == pytest.approx([0.0, 3.0, 6.0, 9.0])
    out = tmp_path / "cut.mp4"
    result = trim(src, 4.0, 8.0, out, record=False)
    assert result.start == pytest.approx(3.0)
    assert "requested 0:04.000, starts at 0:03.000, the nearest earlier keyframe" in result.notes[0]
    info = read_capture(out)
    assert info.captured_at_utc == dt.datetime(2026, 3, 14, 9, 40, 8, tzinfo=dt.timezone.utc)
    assert info.duration == pytest.approx(5.0, abs=0.25)
    assert info.gps is None  # dropped unless --keep-gps
    # the output's first frame is the source's keyframe at 3 s, untouched
    first = grab(out, 0, tmp_path / "a.png")
    assert same_picture(first, grab(src, 3.0, tmp_path / "b.png")) < 1.0
    kept = trim(src, 4.0, 8.0, tmp_path / "gps.mp4", keep_gps=True, record=False)
    assert read_capture(kept.output).gps is not None


def test_exact_trim_starts_at_the_requested_frame(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "videos" / "android_landscape_h264.mp4"
    out = tmp_path / "exact.mp4"
    result = trim(src, 4.0, 6.0, out, exact=True, record=False)
    assert result.start == pytest.approx(4.0)
    first = grab(out, 0, tmp_path / "a.png")
    wanted = grab(src, 4.0, tmp_path / "b.png")
    other = grab(src, 3.0, tmp_path / "c.png")
    assert same_picture(first, wanted) < 4.0 < same_picture(first, other)
    assert read_capture(out).captured_at_utc.second == 9  # 09:40:05 + 4 s


def test_lossless_hevc_mov_stays_mov_and_keeps_keys_time(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "videos" / "iphone_portrait_hevc.mov"
    result = trim(src, 0.0, 4.0, tmp_path / "cut.mov", record=False)
    info = read_capture(result.output)
    assert info.time_source == "QuickTime Keys CreationDate"
    assert info.captured_at.isoformat() == "2026-03-14T10:26:53+01:00"
    assert (info.width, info.height, info.rotation) == (720, 1280, 270)
    assert default_output(src, "trim", ".mov").suffix == ".mov"


def test_stamped_portrait_hevc_is_upright_and_shows_the_clock(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "videos" / "iphone_portrait_hevc.mov"
    out = tmp_path / "stamped.mp4"
    result = stamp(src, out, start=2.0, end=5.0, caption="Order 8123 & <b>", record=False)
    info = read_capture(out)
    assert (info.width, info.height) == (720, 1280)
    assert info.rotation in (0, None)
    assert info.duration == pytest.approx(3.0, abs=0.1)
    assert info.audio_codec == "aac"
    assert result.first_frame_time.isoformat() == "2026-03-14T10:26:55+01:00"
    assert info.captured_at.isoformat() == "2026-03-14T10:26:55+01:00"
    frame = grab(out, 0.5, tmp_path / "f.png")
    plain = grab(src, 2.5, tmp_path / "p.png")
    corner = (0, 1100, 500, 1280)  # bottom-left, where the clock and caption sit
    assert same_picture(frame.crop(corner), plain.crop(corner)) > 20
    top = (0, 0, 720, 600)
    assert same_picture(frame.crop(top), plain.crop(top)) < 6


def test_clock_text_is_metadata_time_plus_t() -> None:
    from evidence_tools.metadata.model import CaptureInfo

    info = CaptureInfo(file="x.mov", kind="video")
    info.captured_at = dt.datetime(
        2026, 11, 20, 17, 3, 11, 500000, tzinfo=dt.timezone(dt.timedelta(hours=3))
    )
    info.time_source = "QuickTime Keys CreationDate"
    clock = stamp_clock(info, 44.2)
    for t in (0.0, 0.3, 1.0, 59.9, 3600.0):
        expected = info.captured_at + dt.timedelta(seconds=44.2 + t)
        assert clock.text_at(t) == expected.strftime("%Y-%m-%d %H:%M:%S") + " +03:00"
        # what drawtext computes: gmtime(base + t) with base written in the expression
        base = float(clock.drawtext_text().split(":")[2])
        shown = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(int(base + t + 1e-6)))
        assert shown == expected.strftime("%Y-%m-%d %H:%M:%S")
    assert "localtime" not in clock.drawtext_text()


def test_clock_zone_choices() -> None:
    from evidence_tools.metadata.model import CaptureInfo
    from evidence_tools.rules import parse_zone

    utc_only = CaptureInfo(file="a.mp4", kind="video")
    utc_only.utc_only = True
    utc_only.time_source = "QuickTime CreateDate (mvhd, UTC by the spec)"
    utc_only.captured_at = dt.datetime(2026, 3, 14, 9, 40, 5, tzinfo=dt.timezone.utc)
    plain = stamp_clock(utc_only, 0)
    assert plain.label == "UTC" and plain.text_at(0) == "2026-03-14 09:40:05 UTC"
    assert any("UTC" in n for n in plain.notes)
    paris = stamp_clock(utc_only, 0, zone=parse_zone("Europe/Paris"), zone_name="Europe/Paris")
    assert paris.text_at(0) == "2026-03-14 10:40:05 +01:00"
    none = CaptureInfo(file="b.webm", kind="video")
    with pytest.raises(UsageError, match="--start-time"):
        stamp_clock(none, 0)
    given = stamp_clock(
        none, 2, start_time=dt.datetime(2026, 1, 1, 12, 0, tzinfo=parse_zone("-03:30"))
    )
    assert given.text_at(0) == "2026-01-01 12:00:02 -03:30"


def test_video_without_time_needs_start_time(corpus: Path, tmp_path: Path, runner) -> None:
    src = corpus / "videos" / "no_metadata.webm"
    result = run(runner, "video", "stamp", str(src), "-o", str(tmp_path / "s.mp4"))
    assert result.exit_code == 2 and "--start-time" in result.stderr
    ok = run(
        runner,
        "video",
        "stamp",
        str(src),
        "-o",
        str(tmp_path / "s.mp4"),
        "--start-time",
        "2026-11-20T17:03:11+03:00",
        "--end",
        "1",
    )
    assert ok.exit_code == 0, ok.output
    assert read_capture(tmp_path / "s.mp4").captured_at.isoformat() == "2026-11-20T17:03:11+03:00"


def test_fit_lands_under_the_limit(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "videos" / "android_landscape_h264.mp4"
    result = fit(src, 1.0, tmp_path / "small.mp4", record=False)
    assert 0.5e6 < result.output.stat().st_size <= 1_000_000
    info = read_capture(result.output)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    assert info.duration == pytest.approx(10.0, abs=0.2)
    with pytest.raises(UsageError, match="cannot fit"):
        fit(src, 0.05, tmp_path / "tiny.mp4", record=False)
    assert not (tmp_path / "tiny.mp4").exists()


def test_plan_fit_downscales_when_the_bitrate_is_low() -> None:
    assert plan_fit(60, 50_000_000, True, 1920)[2] == 1920
    v, a, side = plan_fit(180, 10_000_000, True, 1920)
    assert side < 1920 and v + a <= 10_000_000 * 8 / 180 / 1000


def test_frames_and_sheet(tmp_path: Path) -> None:
    src = SAMPLE_CASE / "originals" / "unboxing.mov"
    stills = frames(
        src, at=[2.0, 8.0], notes=["Label", "Crack"], outdir=tmp_path, caption=True, record=False
    ).stills
    assert [s.path.name for s in stills] == [
        "unboxing_0-02.000_2026-11-21T18-38-02.jpg",
        "unboxing_0-08.000_2026-11-21T18-38-08.jpg",
    ]
    assert Image.open(stills[0].path).size == (360, 640)  # upright portrait
    sheet = contact_sheet(src, 3, 2, tmp_path / "sheet.jpg", record=False).path
    assert Image.open(sheet).width > Image.open(sheet).height * 0.5
    (tmp_path / "every").mkdir()
    every = frames(src, every=4.0, outdir=tmp_path / "every", record=False).stills
    assert [round(s.at) for s in every] == [0, 4, 8]


def test_truncated_video_is_clamped(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "videos" / "truncated.mp4"
    result = trim(src, 0.0, 6.0, tmp_path / "t.mp4", record=False)
    assert any("data stops at 0:03" in w and "truncated.mp4" in w for w in result.warnings)
    assert result.end < 4.5


@pytest.mark.parametrize(
    "args",
    [
        ["trim", "--end", "5"],
        ["stamp", "--start-time", "2026-11-20T17:03:11+03:00"],
        ["frames", "--at", "1"],
        ["frames", "--sheet", "2x1"],
        ["fit", "--max-mb", "5"],
    ],
    ids=["trim", "stamp", "frames", "sheet", "fit"],
)
def test_every_video_verb_names_a_truncated_file(
    corpus: Path, tmp_path: Path, runner, args: list[str]
) -> None:
    src = corpus / "videos" / "truncated.mp4"
    out = tmp_path / ("out.jpg" if "--sheet" in args else "out" if args[0] == "frames" else "o.mp4")
    if args[0] == "frames" and "--sheet" not in args:
        out.mkdir()
    result = run(runner, "video", args[0], str(src), *args[1:], "-o", str(out))
    assert result.exit_code == 0, result.output
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("evidence: warning:")]
    assert len(warnings) == 1, result.stderr
    assert "truncated.mp4" in warnings[0] and "incomplete copy" in warnings[0]


@pytest.mark.parametrize("verb", ["trim", "stamp", "fit"])
def test_bad_inputs(tmp_path: Path, clip: Path, runner, verb: str) -> None:
    extra = {"trim": ["--end", "2"], "stamp": ["--end", "1"], "fit": ["--max-mb", "1"]}[verb]
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    audio = tmp_path / "audio.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", "-y", str(audio)], outputs=[audio]
    )
    for bad, code in ((text, 3), (empty, 3), (audio, 3), (tmp_path / "missing.mp4", 3)):
        result = run(runner, "video", verb, str(bad), *extra)
        assert result.exit_code == code, (bad, result.output)
        assert result.stderr.startswith("evidence: error: ") and str(bad) in result.stderr
    out = tmp_path / "out.mp4"
    ok = run(runner, "video", verb, str(clip), *extra, "-o", str(out))
    assert ok.exit_code == 0, ok.output
    again = run(runner, "video", verb, str(clip), *extra, "-o", str(out))
    assert again.exit_code == 4 and "--force" in again.stderr
    nowhere = run(runner, "video", verb, str(clip), *extra, "-o", str(tmp_path / "no" / "o.mp4"))
    assert nowhere.exit_code == 4
    leftovers = [p.name for p in tmp_path.iterdir() if ".part" in p.name]
    assert leftovers == []


def test_range_errors(clip: Path, tmp_path: Path, runner) -> None:
    backwards = run(runner, "video", "trim", str(clip), "--start", "4", "--end", "2")
    assert backwards.exit_code == 2 and "must come after" in backwards.stderr
    past = run(runner, "video", "trim", str(clip), "--start", "9")
    assert past.exit_code == 2
    clamp = run(
        runner,
        "video",
        "trim",
        str(clip),
        "--start",
        "2",
        "--end",
        "0:30",
        "--json",
        "-o",
        str(tmp_path / "c.mp4"),
    )
    assert clamp.exit_code == 0
    data = json.loads(clamp.stdout)
    assert data["end"] == pytest.approx(6.0, abs=0.1)
    assert any("past the end of the video" in n for n in data["notes"])
    bad_time = run(runner, "video", "trim", str(clip), "--start", "1:75")
    assert bad_time.exit_code == 2


def test_cli_in_case_records_manifest(sample_case: Path, runner) -> None:
    src = sample_case / "originals" / "unboxing.mov"
    result = run(runner, "video", "trim", str(src), "--start", "1", "--end", "9")
    assert result.exit_code == 0, result.output
    out = Path(result.stdout.strip())
    assert out.parent == sample_case / "exports" and out.suffix == ".mov"
    entry = json.loads((sample_case / "manifest.json").read_text())["files"][f"exports/{out.name}"]
    assert entry["operation"] == "trimmed"
    assert entry["parameters"]["start"] == 0.0  # keyframes every 2 s: 1 s -> 0 s
    assert entry["parameters"]["requested_start"] == 1.0
    # cut by the index rewrite: no ffmpeg ran, so none is named
    assert entry["parameters"]["method"] == "samples copied byte for byte under a new index"
    assert "ffmpeg" not in entry["tools"]


def test_video_verbs_exit_codes(clip: Path, tmp_path: Path, runner) -> None:
    taken = tmp_path / "cut.mp4"
    taken.write_bytes(b"someone's file")
    exists = run(runner, "video", "trim", str(clip), "--end", "1", "-o", str(taken))
    assert exists.exit_code == 4 and "add --force" in exists.stderr
    assert taken.read_bytes() == b"someone's file"
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    unreadable = run(runner, "video", "stamp", str(text), "-o", str(tmp_path / "s.mp4"))
    assert unreadable.exit_code == 3 and "notes.mp4" in unreadable.stderr
    assert run(runner, "video", "frames", str(clip), "--every", "0").exit_code == 2


def dark(img: Image.Image, box: tuple[int, int, int, int]) -> bool:
    return max(max(p) for p in pixels(img.crop(box))) < 24


def test_video_redaction_whole_and_timed(clip: Path, tmp_path: Path, runner) -> None:
    out = tmp_path / "red.mp4"
    result = run(
        runner,
        "video",
        "stamp",
        str(clip),
        "--no-clock",
        "-o",
        str(out),
        "--redact",
        "0.25,0.25,0.5,0.5",
        "--redact",
        "0,0,0.2,0.2,0:01,0:02",
        "--json",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["operation"] == "redacted"
    inner = (100, 75, 220, 165)  # inside the 320x240 frame's middle box
    corner = (4, 4, 56, 40)
    early, during, late = (grab(out, t, tmp_path / f"f{t}.png") for t in (0.5, 1.5, 3.0))
    assert dark(early, inner) and dark(during, inner) and dark(late, inner)
    assert dark(during, corner)
    assert not dark(early, corner) and not dark(late, corner)
    plain = grab(clip, 0.5, tmp_path / "plain.png")
    assert not dark(plain, inner)


def test_stills_redact_only_while_the_box_is_active(clip: Path, tmp_path: Path) -> None:
    stills = frames(
        clip,
        at=[0.5, 1.5],
        outdir=tmp_path,
        record=False,
        redact=[(0.25, 0.25, 0.5, 0.5, 1.0, 2.0)],
    ).stills
    first, second = (Image.open(s.path).convert("RGB") for s in stills)
    assert not dark(first, (100, 75, 220, 165))
    assert dark(second, (100, 75, 220, 165))


def test_redaction_regions_are_checked() -> None:
    with pytest.raises(UsageError, match="inside the picture"):
        redact_boxes([(0.8, 0.1, 0.3, 0.1)])
    with pytest.raises(UsageError, match="end must come after"):
        redact_boxes([(0.1, 0.1, 0.3, 0.1, 5.0, 2.0)])
    (region,) = redact_boxes([(0.1, 0.1, 0.3, 0.1, 1.0, 2.0)])
    assert region.active_at(1.5) and not region.active_at(2.0)
    (filt,) = redact_filters([region], offset=0.5)
    assert "enable='between(t,0.500000," in filt
