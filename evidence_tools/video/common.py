"""What every video verb shares: a video's facts (refusing what no verb can work on), a range
checked against its real length, the wall-clock time of a kept frame, the metadata an output
carries, and recording an output in the case's manifest.

A cut never costs the video its credibility: an output's creation time (mvhd and, when
present, QuickTime Keys CreationDate) is the original's plus the real start, so the file still
tells when its first frame was shot.

Plain classes and lazy imports here: the lossless trim loads this module, and
tests/test_startup.py holds its start-up to what it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence_tools.case.layout import derived_path, find_case_root
from evidence_tools.errors import InputFileError
from evidence_tools.ffmpeg import jobs
from evidence_tools.ffmpeg.runner import ffmpeg_version
from evidence_tools.i18n import Text, _
from evidence_tools.metadata.model import CaptureInfo, usable_duration, video_problem
from evidence_tools.metadata.read import read_capture
from evidence_tools.metadata.video import info_from_probe, scan_packets
from evidence_tools.rules import video_range
from evidence_tools.timecode import format_timecode


class VideoResult:
    """What a video verb made. A plain class: the trim loads nothing it does not need."""

    def __init__(
        self,
        source: Path,
        output: Path,
        operation: str,
        *,
        start: float = 0.0,  # real start in the source, seconds
        end: float = 0.0,
        requested_start: float | None = None,
        requested_end: float | None = None,
        first_frame_time: dt.datetime | None = None,
        notes: list[str] | None = None,
        warnings: list[str] | None = None,
        size_bytes: int = 0,
        recorded_in: Path | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.source, self.output, self.operation = source, output, operation
        self.start, self.end = start, end
        self.requested_start, self.requested_end = requested_start, requested_end
        self.first_frame_time = first_frame_time
        self.notes: list[str] = [] if notes is None else notes
        self.warnings: list[str] = [] if warnings is None else warnings  # said even with -q
        self.size_bytes = size_bytes
        self.recorded_in = recorded_in
        self.parameters: dict[str, Any] = {} if parameters is None else parameters


# --------------------------------------------------------------------------- reading


def existing(src: str | Path) -> Path:
    """``src`` as a path, refusing a missing or empty file before any work."""
    p = Path(src)
    if not p.is_file():
        raise InputFileError(Text("file not found"), path=p, hint=Text("check the name"))
    if p.stat().st_size == 0:
        raise InputFileError(Text("file is empty (0 bytes)"), path=p)
    return p


def load_video(path: str | Path, probe: Any = None) -> CaptureInfo:
    """Capture facts of a video, refusing what no video verb can work on.

    With a ``probe`` already made (from the MP4 index or a packet scan), the facts come from
    it and the file is not read again.
    """
    p = Path(path)
    info = info_from_probe(p, probe) if probe is not None else read_capture(p)
    problem = video_problem(info)
    if problem:
        raise InputFileError(problem, path=p)
    return info


def truncation_warnings(info: CaptureInfo) -> list[str]:
    """One line naming a video whose data stops before its header says it ends, and what
    can be read: every video verb says it, since the output shows only that part."""
    if info.decodable_duration is None:
        return []
    return [
        # TRANSLATORS: {readable} is how much of the video can be read, {length} how long its
        # header says it is (both like 1:02.500)
        _(
            "{file}: only {readable} of {length} can be read (an incomplete copy?); the output "
            "covers what can be read",
            file=info.file,
            readable=format_timecode(info.decodable_duration),
            length=format_timecode(info.duration or 0.0),
        )
    ]


def keyframe_times(path: str | Path) -> list[float]:
    """Presentation times of all the video's keyframes (packets copied, never decoded)."""
    _probe, packets = scan_packets(Path(path))
    return sorted({p.pts for p in packets if p.key})


def keyframe_at_or_before(keyframes: Sequence[float], t: float) -> float:
    before = [k for k in keyframes if k <= t + 1e-6]
    return max(before) if before else (keyframes[0] if keyframes else 0.0)


def clamp_range(
    info: CaptureInfo, start: float | None, end: float | None
) -> tuple[float, float, list[str]]:
    """Check a requested range against the video; clamp the end to what exists and say so."""
    length = usable_duration(info)
    s, e, clamped = video_range(length, start, end)
    notes = []
    if clamped:
        asked, kept = format_timecode(end or 0.0), format_timecode(length)
        if info.decodable_duration is not None:
            notes.append(
                _(
                    "the end {end} is past the end of the part that can be read; using {length}",
                    end=asked,
                    length=kept,
                )
            )
        else:
            notes.append(
                _(
                    "the end {end} is past the end of the video; using {length}",
                    end=asked,
                    length=kept,
                )
            )
    return s, e, notes


# --------------------------------------------------------------------------- time of frames


def first_frame_time(info: CaptureInfo, offset_s: float) -> dt.datetime | None:
    if info.captured_at is None:
        return None
    return info.captured_at + dt.timedelta(seconds=offset_s)


def metadata_args(
    info: CaptureInfo,
    shift: float,
    *,
    keep_gps: bool,
    first_frame: dt.datetime | None = None,
    faststart: bool = True,
) -> list[str]:
    """ffmpeg arguments that carry the metadata over with creation times moved by ``shift``
    (or set to ``first_frame``, a time the user gave for a video without one)."""
    when = first_frame if first_frame is not None else first_frame_time(info, shift)
    with_keys = info.time_source.startswith("QuickTime Keys") or first_frame is not None
    return jobs.metadata_args(when, with_keys=with_keys, keep_gps=keep_gps, faststart=faststart)


def shift_note(info: CaptureInfo, shift: float) -> str:
    when = first_frame_time(info, shift)
    if when is None:
        return _("the source has no capture time, so the output has none either")
    return _(
        "the output's creation time is {when} (its first frame)",
        when=when.isoformat(timespec="milliseconds"),
    )


# --------------------------------------------------------------------------- outputs


def default_output(src: Path, suffix: str, ext: str) -> Path:
    return derived_path(src, suffix, ext)


def record_result(
    result: VideoResult, parameters: dict[str, Any], ffmpeg_used: bool = True
) -> None:
    """Record the output in the manifest of the case that holds it, if any."""
    result.parameters = parameters
    if find_case_root(result.output.parent) is None:
        return  # a plain file: no manifest to write (and no need to load its code)
    from evidence_tools.case.manifest import record_output  # not on a trim's path: test_startup

    result.recorded_in = record_output(
        result.output,
        sources=[result.source],
        operation=result.operation,
        parameters=parameters,
        tools=ffmpeg_tools if ffmpeg_used else None,
    )


def ffmpeg_tools() -> dict[str, str]:
    """The tools entry of a file ffmpeg made; passed uncalled to ``record_output``, so the
    version probe (an ffmpeg process) only runs when a case records the file."""
    return {"ffmpeg": ffmpeg_version()}
