from __future__ import annotations

from pathlib import Path

import pytest

from evidence_tools.errors import ExternalToolError, InputFileError
from evidence_tools.ffmpeg import runner as ffmpeg


def test_version_probe() -> None:
    assert ffmpeg.ffmpeg_version()[0].isalnum()


def test_failure_deletes_partial_output(tmp_path: Path) -> None:
    out = tmp_path / "out.mp4"
    out.write_bytes(b"partial")
    with pytest.raises(ExternalToolError) as info:
        ffmpeg.run_ffmpeg(["-i", str(tmp_path / "missing.mp4"), "-y", str(out)], outputs=[out])
    assert info.value.exit_code == 5
    assert "missing.mp4" in info.value.one_line()
    assert not out.exists()


def test_progress_reaches_one(tmp_path: Path) -> None:
    from evidence_tools.progress import Progress

    out = tmp_path / "tone.m4a"
    seen: list[float] = []
    progress = Progress(lambda u: seen.append(u.done))
    progress.expect(1.0)
    with progress.step("tone", total=2.0, unit="seconds") as step:
        ffmpeg.run_ffmpeg(
            ["-f", "lavfi", "-i", "sine=duration=2", "-c:a", "aac", "-y", str(out)],
            outputs=[out],
            duration=2.0,
            progress=step,
            span=(0.5, 1.0),  # the second half of the step, as a two-pass job's second pass
        )
        assert seen[-1] == 2.0  # ffmpeg's own "progress=end" reached the span's end
    assert out.stat().st_size > 0
    assert seen == sorted(seen) and min(x for x in seen if x > 0) >= 1.0


def test_timeout_kills_and_cleans(tmp_path: Path) -> None:
    out = tmp_path / "long.wav"
    with pytest.raises(ExternalToolError, match="longer than"):
        ffmpeg.run_ffmpeg(
            ["-re", "-f", "lavfi", "-i", "sine=duration=30", "-y", str(out)],
            outputs=[out],
            timeout=1,
        )
    assert not out.exists()


def test_reading_rejects_non_video(tmp_path: Path) -> None:
    from evidence_tools.metadata.read import read_capture

    junk = tmp_path / "notes.mov"
    junk.write_text("this is not a video")
    with pytest.raises(InputFileError) as info:
        read_capture(junk)
    assert info.value.exit_code == 3
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_capture(empty)


def test_read_ffmpeg_stops_early_and_times_out(tmp_path: Path) -> None:
    seen: list[str] = []

    def stop(line: str) -> bool:
        seen.append(line)
        return len(seen) == 3

    out, err = ffmpeg.read_ffmpeg(
        ["-f", "lavfi", "-i", "sine=duration=60", "-f", "framecrc", "-"], stop=stop
    )
    assert len(out.splitlines()) == 3 and "Input #0" in err
    with pytest.raises(ExternalToolError, match="took longer"):
        ffmpeg.read_ffmpeg(
            ["-re", "-f", "lavfi", "-i", "sine=duration=30", "-f", "null", "-"],
            timeout=0.5,
            path=tmp_path / "x",
        )


def test_env_override(monkeypatch, tmp_path: Path) -> None:
    ffmpeg.ffmpeg_exe.cache_clear()
    monkeypatch.setenv("EVIDENCE_FFMPEG", str(tmp_path / "nope"))
    try:
        with pytest.raises(ExternalToolError, match="EVIDENCE_FFMPEG"):
            ffmpeg.ffmpeg_exe()
    finally:
        monkeypatch.delenv("EVIDENCE_FFMPEG")
        ffmpeg.ffmpeg_exe.cache_clear()
