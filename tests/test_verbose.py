"""What ``-v`` and ``-vv`` tell: why a trim went to ffmpeg, and every ffmpeg command line.
Run as a user runs it (a new process), so logging is set up as the CLI sets it up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evidence_tools.ffmpeg.runner import run_ffmpeg


def evidence(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evidence_tools", *args], capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def fragmented(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4 s of H.264 in a fragmented MP4 (as some screen recorders write): the index cutter
    refuses it, ffmpeg's stream copy cuts it."""
    out = tmp_path_factory.mktemp("frag") / "frag.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
         "-preset", "ultrafast", "-g", "25", "-movflags", "frag_keyframe+empty_moov",
         "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y", str(out)],
        outputs=[out],
    )  # fmt: skip
    return out


def test_trim_says_why_it_went_to_ffmpeg(fragmented: Path, tmp_path: Path) -> None:
    out = tmp_path / "cut.mp4"
    quiet = evidence("video", "trim", str(fragmented), "--end", "2", "-o", str(out))
    assert quiet.returncode == 0, quiet.stderr
    assert "hands it to ffmpeg" not in quiet.stderr  # only with -v
    told = evidence("-v", "video", "trim", str(fragmented), "--end", "2", "-o", str(out), "--force")
    assert told.returncode == 0, told.stderr
    assert "the MP4 index cutter hands it to ffmpeg: fragmented" in told.stderr
    assert "cut by ffmpeg stream copy" in told.stderr
    assert "running:" not in told.stderr  # command lines are for -vv


def test_vv_shows_each_ffmpeg_command_line(fragmented: Path, tmp_path: Path) -> None:
    out = tmp_path / "stamped.mp4"
    result = evidence(
        "-vv", "video", "stamp", str(fragmented), "--caption", "Order 8123", "-o", str(out)
    )
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if "running: " in ln]
    assert any("drawtext=" in ln and "textfile=caption.txt" in ln for ln in lines), lines
    assert any(str(out.name) in ln for ln in lines)
