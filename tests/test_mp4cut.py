"""The lossless cut by index rewrite: the kept packets must be the source's, byte for byte,
and the file must tell the same story as ffmpeg's stream copy of the same range."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import SAMPLE_CASE

from evidence_tools.ffmpeg.runner import read_ffmpeg, run_ffmpeg
from evidence_tools.metadata.read import read_capture
from evidence_tools.metadata.video import info_from_probe, probe_from_movie, read_video
from evidence_tools.mp4 import boxes, cutter, index
from evidence_tools.video.trim import INDEX_COPY, trim

UNBOXING = SAMPLE_CASE / "originals" / "unboxing.mov"


def packets(path: Path, stream: str) -> list[tuple[int, str]]:
    """(size, CRC) of every packet of a stream, in decode order, copied and never decoded."""
    out, _ = read_ffmpeg(["-i", str(path), "-map", stream, "-c", "copy", "-f", "framecrc", "-"])
    rows = [line.split(",") for line in out.splitlines() if line and not line.startswith("#")]
    return [(int(r[4]), r[5].strip()) for r in rows]


def decode_errors(path: Path) -> str:
    _, err = read_ffmpeg(["-v", "error", "-i", str(path), "-f", "null", "-"])
    return err.strip()


@pytest.fixture
def bframes(tmp_path: Path) -> Path:
    """10 s of H.264 with B-frames (so composition offsets and an edit list), a keyframe
    every 2 s, AAC sound and a creation time."""
    out = tmp_path / "bframes.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=10",
         "-f", "lavfi", "-i", "sine=frequency=440:duration=10", "-c:v", "libx264",
         "-preset", "veryfast", "-bf", "2", "-g", "60", "-keyint_min", "60", "-sc_threshold", "0",
         "-c:a", "aac", "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y", str(out)],
        outputs=[out],
    )  # fmt: skip
    return out


def check_cut(src: Path, start: float, end: float, out: Path) -> cutter.Cut:
    movie = index.read_movie(src)
    cut = cutter.plan(movie, start, end)
    cutter.write_cut(cut, out, when=None, keep_gps=True)
    assert decode_errors(out) == ""
    for span, stream in zip(cut.spans, ["0:v:0", *[f"0:a:{n}" for n in range(9)]], strict=False):
        kept = packets(src, stream)[span.first : span.last + 1]
        assert len(kept) == span.last - span.first + 1 > 10
        assert packets(out, stream) == kept, f"{stream}: packets differ"
    return cut


def test_bframe_clip_keeps_every_packet_byte_for_byte(bframes: Path, tmp_path: Path) -> None:
    cut = check_cut(bframes, 3.0, 7.5, tmp_path / "cut.mp4")
    assert cut.start == pytest.approx(2.0)  # the keyframe at or before 3 s
    info = read_capture(tmp_path / "cut.mp4")
    assert info.duration == pytest.approx(5.5, abs=0.05)
    assert info.audio_codec == "aac"
    first = cut.spans[0]
    assert first.track.cts[first.first] > 0  # B-frames: the edit list skips the reorder delay


def test_sample_hevc_mov_keeps_every_packet(tmp_path: Path) -> None:
    cut = check_cut(UNBOXING, 2.5, 5.0, tmp_path / "cut.mov")
    assert cut.start == pytest.approx(2.0)


@pytest.mark.parametrize("name", ["android_landscape_h264.mp4", "iphone_portrait_hevc.mov"])
def test_corpus_cuts_keep_every_packet(corpus: Path, tmp_path: Path, name: str) -> None:
    check_cut(corpus / "videos" / name, 4.0, 8.0, tmp_path / f"cut{Path(name).suffix}")


@pytest.mark.parametrize("start,end", [(0.0, 3.0), (2.5, 5.0), (4.1, 6.0)])
def test_same_story_as_ffmpegs_stream_copy(tmp_path: Path, start: float, end: float) -> None:
    ours = trim(UNBOXING, start, end, tmp_path / "ours.mov", record=False)
    ref = trim(UNBOXING, start, end, tmp_path / "ref.mov", record=False, engine="ffmpeg")
    assert ours.parameters["method"] == INDEX_COPY
    assert ref.parameters["method"] == "ffmpeg stream copy"
    assert ours.start == pytest.approx(ref.start)
    assert ours.notes == ref.notes
    a, b = read_capture(ours.output), read_capture(ref.output)
    for field in ("captured_at", "time_source", "rotation", "width", "height", "video_codec"):
        assert getattr(a, field) == getattr(b, field), field
    assert a.gps is None and b.gps is None
    assert a.duration == pytest.approx(end - ours.start, abs=0.05)
    # ffmpeg's copy runs a little past the end; the cut stops at it
    assert b.duration >= a.duration - 0.05


def test_index_description_matches_ffmpegs(corpus: Path, bframes: Path, tmp_path: Path) -> None:
    silent = tmp_path / "silent.mov"
    run_ffmpeg(["-i", str(UNBOXING), "-an", "-c", "copy", "-y", str(silent)], outputs=[silent])
    files = [UNBOXING, bframes, silent, *sorted((corpus / "videos").glob("*.m[po][4v]"))]
    compared = 0
    for path in files:
        try:
            movie = index.read_movie(path)
        except boxes.Unsupported:
            assert path.name == "truncated.mp4"
            continue
        ours = info_from_probe(path, probe_from_movie(movie)).__dict__
        ffmpeg = read_video(path).__dict__
        assert {k: v for k, v in ours.items() if v != ffmpeg[k]} == {}, path.name
        compared += 1
    assert compared >= 5


def test_position_is_dropped_unless_kept(corpus: Path, tmp_path: Path) -> None:
    for name, marker in [("android_landscape_h264.mp4", b"loci"),
                         ("iphone_portrait_hevc.mov", b"+48.8584+002.2945")]:  # fmt: skip
        src = corpus / "videos" / name
        assert marker in src.read_bytes()
        out = trim(src, 0.0, 4.0, tmp_path / f"drop{src.suffix}", record=False).output
        assert marker not in out.read_bytes()[:200_000]
        assert read_capture(out).gps is None
        kept = trim(src, 0.0, 4.0, tmp_path / f"keep{src.suffix}", keep_gps=True,
                          record=False).output  # fmt: skip
        assert read_capture(kept).gps is not None


def test_what_the_cutter_leaves_to_ffmpeg(corpus: Path, tmp_path: Path) -> None:
    fragmented = tmp_path / "frag.mp4"
    run_ffmpeg(["-i", str(UNBOXING), "-c", "copy", "-movflags", "frag_keyframe+empty_moov",
                "-y", str(fragmented)], outputs=[fragmented])  # fmt: skip
    with pytest.raises(boxes.Unsupported, match="fragmented"):
        index.read_movie(fragmented)
    for src, out in [
        (fragmented, "a.mp4"),
        (corpus / "videos" / "truncated.mp4", "b.mp4"),
        (corpus / "videos" / "no_metadata.webm", "c.mp4"),
        (UNBOXING, "d.mp4"),  # MP4 asked of a QuickTime file: ffmpeg remuxes
    ]:
        result = trim(src, 0.0, 2.0, tmp_path / out, record=False)
        assert result.parameters["method"] == "ffmpeg stream copy", src.name
        assert decode_errors(result.output) == ""


def test_malformed_indexes_are_unsupported_not_crashes(tmp_path: Path) -> None:
    data = bytearray(UNBOXING.read_bytes())
    moov = data.find(b"moov") - 4
    for cut_at in (moov + 20, moov + 400, moov + 2000):
        broken = tmp_path / f"broken{cut_at}.mov"
        broken.write_bytes(bytes(data[:cut_at]))
        with pytest.raises(boxes.Unsupported):
            index.read_movie(broken)
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x10ftypisom" + b"\xff" * 64)
    with pytest.raises(boxes.Unsupported):
        index.read_movie(garbage)


def test_rotation_and_location_readers() -> None:
    assert index.rotation((0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)) is None
    assert index.rotation((0, 0x10000, 0, -0x10000, 0, 0, 0, 0, 0x40000000)) == -90
    assert index.rotation((0, -0x10000, 0, 0x10000, 0, 0, 0, 0, 0x40000000)) == 90
    body = b"\0" * 4 + b"\x15\xc7" + b"Paris\0" + b"\0" + bytes.fromhex("00024b640030dbc000000000")
    box = boxes.make_box(b"loci", body + b"earth\0\0")
    assert (
        index.loci_text(box, next(boxes.iter_boxes(box, 0, len(box)))) == "+48.8584+002.2945/Paris"
    )


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool is not installed")
def test_exiftool_finds_nothing_wrong(tmp_path: Path) -> None:
    out = trim(UNBOXING, 1.0, 5.0, tmp_path / "cut.mov", record=False).output
    report = subprocess.run(
        ["exiftool", "-validate", "-warning", "-error", "-a", "-s", str(out)],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Validate                        : OK" in report, report
    assert "Warning" not in report and "Error" not in report, report


def test_layout_copies_separate_stretches_and_groups_chunks() -> None:
    """Two tracks stored far apart (e.g. all sound after all pictures): each stretch is copied
    on its own, and samples that stay adjacent share a chunk."""

    def track(track_id: int, offsets: list[int], sizes: list[int]) -> index.Track:
        n = len(sizes)
        return index.Track(
            trak=boxes.Box(b"trak", 0, 0, 8), track_id=track_id, handler=b"vide",
            timescale=1000, media_time=0, codec=b"avc1", width=0, height=0,
            durations=[10] * n, cts=[0] * n, sync=None, sizes=sizes, offsets=offsets,
        )  # fmt: skip

    video = track(1, [1000, 1100, 1300, 1400], [100, 150, 100, 100])
    audio = track(2, [5_000_000, 5_000_050, 9_000_000], [50, 50, 20])
    spans = [cutter.Span(video, 1, 3, 0, 1.0), cutter.Span(audio, 0, 2, 0, 1.0)]
    layout = cutter.plan_layout(spans)
    assert layout.runs == [
        (1100, 1500, 0),
        (5_000_000, 5_000_100, 400),
        (9_000_000, 9_000_020, 500),
    ]
    assert layout.chunks[1] == ([0, 200], [1, 2])  # a gap after the first, then adjacent
    # the stretches land back to back, so all three sound samples follow each other
    assert layout.chunks[2] == ([400], [3])


def test_large_file_layout_with_64_bit_offsets(tmp_path: Path, monkeypatch) -> None:
    """Past 4 GB the cut needs co64 chunk offsets and a 64-bit mdat size: forced here on a
    small file, then the cut is read back and cut again by the same reader."""
    monkeypatch.setattr(cutter, "WIDE_FROM", 0)
    cut = check_cut(UNBOXING, 2.5, 6.0, tmp_path / "wide.mov")
    data = (tmp_path / "wide.mov").read_bytes()
    assert b"co64" in data and b"stco" not in data[: data.find(b"mdat")]
    at = data.find(b"mdat") - 4
    assert data[at : at + 4] == b"\0\0\0\1"  # size 1: the 64-bit size follows the type
    again = check_cut(tmp_path / "wide.mov", 1.0, 3.0, tmp_path / "again.mov")
    assert again.start == pytest.approx(0.0) and cut.start == pytest.approx(2.0)


def test_cut_of_a_cut_and_a_silent_video(tmp_path: Path) -> None:
    silent = tmp_path / "silent.mp4"
    run_ffmpeg(["-i", str(UNBOXING), "-an", "-c", "copy", "-y", str(silent)], outputs=[silent])
    first = check_cut(silent, 2.0, 7.0, tmp_path / "a.mp4")
    assert [s.track.handler for s in first.spans] == [b"vide"]
    check_cut(tmp_path / "a.mp4", 2.0, 4.0, tmp_path / "b.mp4")
    result = trim(silent, 2.0, 7.0, tmp_path / "c.mp4", record=False)
    assert result.parameters["method"] == INDEX_COPY
    assert read_capture(result.output).audio_codec in ("", None)


def test_copy_falls_back_when_the_kernel_cannot(tmp_path: Path, monkeypatch) -> None:
    """Without splice and copy_file_range (macOS, Windows, old kernels) the bytes go through
    memory, and the file is the same."""
    fast = tmp_path / "fast.mov"
    check_cut(UNBOXING, 2.5, 5.0, fast)
    monkeypatch.delattr(os, "splice", raising=False)
    monkeypatch.delattr(os, "copy_file_range", raising=False)
    slow = tmp_path / "slow.mov"
    check_cut(UNBOXING, 2.5, 5.0, slow)
    assert slow.read_bytes() == fast.read_bytes()


def test_an_edit_list_that_hides_footage_goes_to_ffmpeg(tmp_path: Path) -> None:
    """A phone's editor may 'trim' by rewriting the edit list only: the cut-away seconds are
    still in the file. Copying samples by their own times would bring them back, so such a
    file is left to ffmpeg, which honours the edit list."""
    cut = tmp_path / "cut.mov"
    check_cut(UNBOXING, 0.0, 8.0, cut)
    data = bytearray(cut.read_bytes())
    movie = index.read_movie(cut)
    video_track = movie.video
    base = data.find(b"moov") - 4  # the track's offsets count from the start of moov
    elst = data.find(b"elst", base + video_track.trak.start, base + video_track.trak.end)
    assert elst > 0
    # version/flags, count, segment duration, then the media time: skip 2 s of the video
    struct.pack_into(">i", data, elst + 16, 2 * video_track.timescale)
    edited = tmp_path / "edited.mov"
    edited.write_bytes(bytes(data))
    with pytest.raises(boxes.Unsupported, match="skips the first 2.0 s"):
        index.read_movie(edited)
    result = trim(edited, 0.0, 3.0, tmp_path / "out.mov", record=False)
    assert result.parameters["method"] == "ffmpeg stream copy"
