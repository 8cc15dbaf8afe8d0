"""Cutting a video: the lossless trim (from the keyframe at or before the start) and the
exact one, plus what every video verb shares: reading a video's facts, checking a range,
the creation time of the first kept frame, and recording an output in the case manifest.

A cut never costs the video its credibility: the output's creation time (mvhd and, when
present, QuickTime Keys CreationDate) is the original's plus the real start, so the file
still tells when its first frame was shot.

Kept apart from ``video`` (stamp, stills, fit) so that a trim loads only what it uses.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from evidence_tools.capture import CaptureInfo, read_capture
from evidence_tools.errors import ExternalToolError, InputFileError, OutputError, UsageError
from evidence_tools.ffmpeg import ffmpeg_version, run_ffmpeg
from evidence_tools.fsutil import atomic_output
from evidence_tools.mp4cut import keys_date
from evidence_tools.timecode import format_timecode

Progress = Callable[[float], None]
LOCATION_KEYS = ("location", "location-eng", "com.apple.quicktime.location.ISO6709")
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"]
AAC = ["-c:a", "aac", "-b:a", "128k"]


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
        size_bytes: int = 0,
        recorded_in: Path | None = None,
        parameters: dict[str, Any] | None = None,
    ) -> None:
        self.source, self.output, self.operation = source, output, operation
        self.start, self.end = start, end
        self.requested_start, self.requested_end = requested_start, requested_end
        self.first_frame_time = first_frame_time
        self.notes: list[str] = [] if notes is None else notes
        self.size_bytes = size_bytes
        self.recorded_in = recorded_in
        self.parameters: dict[str, Any] = {} if parameters is None else parameters


# --------------------------------------------------------------------------- reading


def load_video(path: str | Path, probe: Any = None) -> CaptureInfo:
    """Capture facts of a video, refusing what no video verb can work on.

    With a ``probe`` already made (a packet scan), the facts come from it and the file is
    not read again.
    """
    p = Path(path)
    if probe is not None:
        from evidence_tools.metadata.video import info_from_probe

        info = info_from_probe(p, probe)
    else:
        info = read_capture(p)
    if info.kind != "video":
        raise InputFileError(
            "not a video", path=p, hint="video verbs take MP4, MOV, M4V, 3GP, WebM, MKV"
        )
    if not info.video_codec:
        raise InputFileError("has no video stream (audio only?)", path=p)
    if not info.duration and not info.decodable_duration:
        raise InputFileError("its duration cannot be read", path=p)
    return info


def usable_duration(info: CaptureInfo) -> float:
    """How long the video really is: the header's duration, or less when it is truncated."""
    if info.decodable_duration is not None:
        return info.decodable_duration
    return float(info.duration or 0.0)


def keyframe_times(path: str | Path) -> list[float]:
    """Presentation times of all the video's keyframes (packets copied, never decoded)."""
    from evidence_tools.metadata.video import scan_packets

    _, packets = scan_packets(Path(path))
    return sorted({p.pts for p in packets if p.key})


def _copy_with_moov_first(
    args: list[str],
    info: CaptureInfo,
    shift: float,
    length: float,
    keep_gps: bool,
    tmp: Path,
    progress: Progress | None,
) -> str:
    """Stream copy with the index (moov) at the front, for players that stream.

    ``+faststart`` writes the file and then rewrites it whole to move the index; reserving
    room for the index up front writes it once. Should the estimate fall short, ffmpeg
    fails and the copy is made again the ordinary way.
    """
    packets = length * ((info.fps or 60.0) + (50.0 if info.audio_codec else 0.0))
    reserve = int(packets * 40 + 100_000)
    meta = metadata_args(info, shift, keep_gps=keep_gps, faststart=False)
    try:
        return run_ffmpeg(
            args + meta + ["-moov_size", str(reserve), "-y", str(tmp)],
            outputs=[tmp], duration=length, progress=progress,
        )  # fmt: skip
    except ExternalToolError:
        meta = metadata_args(info, shift, keep_gps=keep_gps)
        return run_ffmpeg(args + meta + ["-y", str(tmp)], outputs=[tmp], duration=length,
                          progress=progress)  # fmt: skip


def _existing(src: str | Path) -> Path:
    p = Path(src)
    if not p.is_file():
        raise InputFileError("file not found", path=p, hint="check the name")
    if p.stat().st_size == 0:
        raise InputFileError("file is empty (0 bytes)", path=p)
    return p


def _written_length(log: str) -> float | None:
    """The output length ffmpeg reported in its last progress line."""
    found = re.findall(r"time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", log)
    if not found:
        return None
    h, m, sec = found[-1]
    return int(h) * 3600 + int(m) * 60 + float(sec)


def keyframe_at_or_before(keyframes: Sequence[float], t: float) -> float:
    before = [k for k in keyframes if k <= t + 1e-6]
    return max(before) if before else (keyframes[0] if keyframes else 0.0)


def clamp_range(
    info: CaptureInfo, start: float | None, end: float | None
) -> tuple[float, float, list[str]]:
    """Check a requested range against the video; clamp the end to what exists and say so."""
    notes: list[str] = []
    length = usable_duration(info)
    s = 0.0 if start is None else start
    e = length if end is None else end
    if s < 0 or e < 0:
        raise UsageError("times cannot be negative")
    if end is not None and start is not None and end <= start:
        raise UsageError(
            f"the end ({format_timecode(end)}) must come after the start ({format_timecode(start)})"
        )
    if s >= length:
        raise UsageError(
            f"the start ({format_timecode(s)}) is past the end of the video "
            f"({format_timecode(length)})"
        )
    if e > length + 1e-3:
        what = "the part that can be read" if info.decodable_duration is not None else "the video"
        notes.append(
            f"the end {format_timecode(e)} is past the end of {what}; "
            f"using {format_timecode(length)}"
        )
        e = length
    return s, e, notes


# --------------------------------------------------------------------------- time of frames


def first_frame_time(info: CaptureInfo, offset_s: float) -> dt.datetime | None:
    if info.captured_at is None:
        return None
    return info.captured_at + dt.timedelta(seconds=offset_s)


def _mvhd_text(when: dt.datetime) -> str:
    utc = when.astimezone(dt.timezone.utc) if when.tzinfo else when
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


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
    flags = "+faststart+use_metadata_tags" if faststart else "+use_metadata_tags"
    args = ["-map_metadata", "0", "-movflags", flags]
    when = first_frame if first_frame is not None else first_frame_time(info, shift)
    if when is not None and when.tzinfo is not None:
        args += ["-metadata", f"creation_time={_mvhd_text(when)}"]
        args += ["-metadata:s:v", f"creation_time={_mvhd_text(when)}"]
        if info.time_source.startswith("QuickTime Keys") or first_frame is not None:
            args += ["-metadata", f"com.apple.quicktime.creationdate={keys_date(when)}"]
    if not keep_gps:
        for key in LOCATION_KEYS:
            args += ["-metadata", f"{key}="]
    return args


def _shift_note(info: CaptureInfo, shift: float) -> str:
    when = first_frame_time(info, shift)
    if when is None:
        return "the source has no capture time, so the output has none either"
    return (
        f"the output's creation time is {when.isoformat(timespec='milliseconds')} (its first frame)"
    )


# --------------------------------------------------------------------------- outputs


def default_output(src: Path, suffix: str, ext: str) -> Path:
    from evidence_tools.layout import derived_path

    return derived_path(src, suffix, ext)


def record_result(
    result: VideoResult, parameters: dict[str, Any], ffmpeg_used: bool = True
) -> None:
    from evidence_tools.layout import find_case_root

    result.parameters = parameters
    if find_case_root(result.output.parent) is None:
        return  # a plain file: no manifest to write (and no need to load its code)
    from evidence_tools.integrity import record_output

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


# --------------------------------------------------------------------------- trim


def trim(
    src: str | Path,
    start: float | None,
    end: float | None,
    output: str | Path | None = None,
    *,
    exact: bool = False,
    keep_gps: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    record: bool = True,
    engine: str = "auto",
) -> VideoResult:
    """Cut [start, end). Lossless (from the keyframe at or before ``start``) by default;
    ``exact`` re-encodes for a frame-accurate cut.

    A lossless cut of an MP4/MOV copies the kept samples byte for byte and writes a new index
    (``mp4cut``); other files, and any the index reader does not fully understand, are cut by
    ffmpeg's stream copy. ``engine="ffmpeg"`` forces the latter.
    """
    source = _existing(src)
    result = None
    if not exact and engine == "auto":
        result = _trim_by_index(source, start, end, output, keep_gps, force, progress)
    if result is None:
        result = _trim_ffmpeg(source, start, end, output, exact, keep_gps, force, progress)
    if record:
        record_result(
            result,
            {
                "requested_start": start,
                "requested_end": end,
                "start": round(result.start, 6),
                "end": round(result.end, 6),
                "lossless": not exact,
                "method": result.parameters.get("method"),
                "keep_gps": keep_gps,
            },
            ffmpeg_used=result.parameters.get("method") != INDEX_COPY,
        )
    return result


INDEX_COPY = "samples copied byte for byte under a new index"


def _keyframe_note(requested: float, real: float) -> str | None:
    if abs(real - requested) <= 1e-3:
        return None
    return (
        f"requested {format_timecode(requested)}, starts at {format_timecode(real)}, "
        "the nearest earlier keyframe (a lossless cut can only start on one; "
        "use --exact to re-encode from the exact frame)"
    )


def _trim_by_index(
    source: Path,
    start: float | None,
    end: float | None,
    output: str | Path | None,
    keep_gps: bool,
    force: bool,
    progress: Progress | None,
) -> VideoResult | None:
    """The lossless cut without ffmpeg, or None when this file needs ffmpeg."""
    from evidence_tools import mp4cut
    from evidence_tools.metadata.video import probe_from_movie

    try:
        movie = mp4cut.read_movie(source)
    except (mp4cut.Unsupported, OSError, struct.error, ValueError, IndexError, StopIteration):
        return None
    info = load_video(source, probe_from_movie(movie))
    s, e, notes = clamp_range(info, start, end)
    try:
        cut = mp4cut.plan(movie, s, e)
    except mp4cut.Unsupported:
        return None
    family = ".mov" if movie.ftyp[8:12] in (b"qt  ", b"") else ".mp4"
    wanted = ".mov" if source.suffix.lower() == ".mov" and info.video_codec == "hevc" else ".mp4"
    out = Path(output) if output is not None else default_output(source, "trim", wanted)
    if out.suffix.lower() not in ((".mov", ".qt") if family == ".mov" else (".mp4", ".m4v")):
        return None  # another container than the source's: ffmpeg remuxes
    note = _keyframe_note(s, cut.start)
    if note:
        notes.insert(0, note)
    notes.append(_shift_note(info, cut.start))
    when = first_frame_time(info, cut.start)
    try:
        with atomic_output(out, force=force, sources=[source]) as tmp:
            mp4cut.write_cut(
                cut, tmp, when=when if when is not None and when.tzinfo else None,
                keep_gps=keep_gps, progress=progress,
            )  # fmt: skip
    except mp4cut.Unsupported:
        return None
    except OSError as exc:  # a full disk, or the source shrank while it was copied
        raise OutputError(f"cannot write the cut: {exc.strerror or exc}", path=out) from exc
    return VideoResult(
        source=source, output=out, operation="trimmed", start=cut.start, end=e,
        requested_start=start, requested_end=end, first_frame_time=when, notes=notes,
        size_bytes=out.stat().st_size, parameters={"method": INDEX_COPY},
    )  # fmt: skip


def _trim_ffmpeg(
    source: Path,
    start: float | None,
    end: float | None,
    output: str | Path | None,
    exact: bool,
    keep_gps: bool,
    force: bool,
    progress: Progress | None,
) -> VideoResult:
    from evidence_tools.metadata.video import scan_packets

    want = start or 0.0
    # one short read gives the header and the keyframe at or before the start (ffmpeg's seek
    # lands on it, so the listing starts there)
    probe, packets = scan_packets(
        source, seek=want or None, stop_after=0.0 if exact else want + 0.001
    )
    info = load_video(source, probe)
    s, e, notes = clamp_range(info, start, end)
    if exact:
        real_start = s
        ext = ".mp4"
    else:
        keys = [p.pts for p in packets if p.key and p.pts <= s + 1e-6]
        if not keys:  # a container whose seek overshot: list from the beginning
            keys = [k for k in keyframe_times(source) if k <= s + 1e-6]
        real_start = keyframe_at_or_before(keys, s)
        note = _keyframe_note(s, real_start)
        if note:
            notes.insert(0, note)
        ext = ".mov" if source.suffix.lower() == ".mov" and info.video_codec == "hevc" else ".mp4"
    out = Path(output) if output is not None else default_output(source, "trim", ext)
    length = e - real_start
    notes.append(_shift_note(info, real_start))
    with atomic_output(out, force=force, sources=[source]) as tmp:
        args = ["-ss", f"{real_start:.6f}", "-i", str(source), "-t", f"{length:.6f}"]
        args += ["-map", "0:v:0", "-map", "0:a?"]
        if exact:
            args += X264 + AAC + metadata_args(info, real_start, keep_gps=keep_gps)
            log = run_ffmpeg(args + ["-y", str(tmp)], outputs=[tmp], duration=length,
                             progress=progress)  # fmt: skip
        else:
            args += ["-c", "copy", "-avoid_negative_ts", "make_zero"]
            log = _copy_with_moov_first(args, info, real_start, length, keep_gps, tmp, progress)
    written = _written_length(log)
    if written is not None and written < length - 0.5:
        notes.append(
            f"the source's data stops at {format_timecode(real_start + written)} although it "
            "says it lasts longer: it is probably an incomplete copy"
        )
        e = real_start + written
    return VideoResult(
        source=source,
        output=out,
        operation="transcoded" if exact else "trimmed",
        start=real_start,
        end=e,
        requested_start=start,
        requested_end=end,
        first_frame_time=first_frame_time(info, real_start),
        notes=notes,
        size_bytes=out.stat().st_size,
        parameters={"method": "ffmpeg re-encode" if exact else "ffmpeg stream copy"},
    )
