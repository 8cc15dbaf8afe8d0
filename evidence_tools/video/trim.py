"""``evidence video trim``: cut [start, end) of a video, losslessly by default.

Three engines stand behind one small interface (``cut(job) -> VideoResult``):

- ``IndexCutter`` copies an MP4/MOV's kept samples byte for byte under a new index
  (``evidence_tools.mp4``): no remux, no ffmpeg process; about 0.2 s for 180 MB.
- ``StreamCopy`` is ffmpeg's stream copy, for every file the index cutter does not fully
  understand (fragmented files, WebM/MKV, edit lists, a truncated file, another container).
- ``Encode`` re-encodes for a frame-exact start (``--exact``).

A lossless cut starts on the keyframe at or before ``start`` and says so. The engine that
cut, and why the index cutter handed a file on, are logged at ``-v``.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from evidence_tools import logs
from evidence_tools.errors import OutputError
from evidence_tools.ffmpeg import jobs
from evidence_tools.fsutil import atomic_output
from evidence_tools.i18n import Text, _
from evidence_tools.metadata.video import probe_from_movie, scan_packets
from evidence_tools.mp4 import cutter, index
from evidence_tools.mp4.boxes import Unsupported
from evidence_tools.mp4.kernel_copy import SourceEndedEarly
from evidence_tools.progress import Progress, Step
from evidence_tools.timecode import format_timecode
from evidence_tools.video.common import (
    VideoResult,
    clamp_range,
    default_output,
    existing,
    first_frame_time,
    keyframe_at_or_before,
    keyframe_times,
    load_video,
    metadata_args,
    record_result,
    shift_note,
    truncation_warnings,
)

INDEX_COPY = "samples copied byte for byte under a new index"
STREAM_COPY = "ffmpeg stream copy"
ENCODE = "ffmpeg re-encode"


def cut_extension(source: Path, video_codec: str) -> str:
    """A lossless cut's container: .mov for HEVC from a .MOV (Apple's own container for it,
    which the index cutter keeps), else .mp4."""
    return ".mov" if source.suffix.lower() == ".mov" and video_codec == "hevc" else ".mp4"


class CannotCut(Exception):
    """This engine cannot cut this file; the reason says why, and the next engine tries."""


class TrimJob:
    """What to cut and where to: the one argument every engine takes."""

    def __init__(
        self,
        source: Path,
        start: float | None,
        end: float | None,
        output: str | Path | None,
        *,
        keep_gps: bool,
        force: bool,
        progress: Progress | None,
    ) -> None:
        self.source, self.start, self.end, self.output = source, start, end, output
        self.keep_gps, self.force = keep_gps, force
        self.progress = progress or Progress.none()

    def step(self, length: float) -> Step:
        """The cut's one step: its length in seconds of video."""
        return self.progress.one_step(_("Cutting {name}", name=self.source.name), length,
                                      unit="seconds")  # fmt: skip

    def output_for(self, video_codec: str) -> Path:
        """``-o``, else NAME_trim with the extension ``cut_extension`` picks."""
        if self.output is not None:
            return Path(self.output)
        return default_output(self.source, "trim", cut_extension(self.source, video_codec))


def _keyframe_note(requested: float, real: float) -> str | None:
    if abs(real - requested) <= 1e-3:
        return None
    return _(
        "requested {requested}, starts at {start}, the nearest earlier keyframe (a lossless cut "
        "can only start on one; use --exact to re-encode from the exact frame)",
        requested=format_timecode(requested),
        start=format_timecode(real),
    )


class IndexCutter:
    """The MP4/MOV index rewrite (no ffmpeg)."""

    method = INDEX_COPY

    def cut(self, job: TrimJob) -> VideoResult:
        try:
            movie = index.read_movie(job.source)
        except Unsupported as exc:
            raise CannotCut(str(exc)) from exc
        except (OSError, struct.error, ValueError, IndexError, StopIteration) as exc:
            raise CannotCut(f"its index cannot be read ({type(exc).__name__})") from exc
        info = load_video(job.source, probe_from_movie(movie))
        s, e, notes = clamp_range(info, job.start, job.end)
        try:
            cut = cutter.plan(movie, s, e)
        except Unsupported as exc:
            raise CannotCut(str(exc)) from exc
        out = job.output_for(info.video_codec)
        family = ".mov" if movie.ftyp[8:12] in (b"qt  ", b"") else ".mp4"
        if out.suffix.lower() not in ((".mov", ".qt") if family == ".mov" else (".mp4", ".m4v")):
            raise CannotCut(f"the output is {out.suffix or 'unnamed'}, the source {family}")
        note = _keyframe_note(s, cut.start)
        if note:
            notes.insert(0, note)
        notes.append(shift_note(info, cut.start))
        when = first_frame_time(info, cut.start)
        try:
            with (
                atomic_output(out, force=job.force, sources=[job.source]) as tmp,
                job.step(e - s) as step,
            ):
                cutter.write_cut(
                    cut, tmp, when=when if when is not None and when.tzinfo else None,
                    keep_gps=job.keep_gps, progress=step,
                )  # fmt: skip
        except Unsupported as exc:
            raise CannotCut(str(exc)) from exc
        except SourceEndedEarly as exc:  # the source shrank while it was copied
            raise OutputError(
                Text("cannot write the cut: the source ended early"), path=out
            ) from exc
        except OSError as exc:  # a full disk
            reason = exc.strerror or str(exc)
            raise OutputError(
                Text("cannot write the cut: {reason}", reason=reason), path=out
            ) from exc
        return VideoResult(
            source=job.source, output=out, operation="trimmed", start=cut.start, end=e,
            requested_start=job.start, requested_end=job.end, first_frame_time=when,
            notes=notes, size_bytes=out.stat().st_size, parameters={"method": self.method},
        )  # fmt: skip


class StreamCopy:
    """ffmpeg's stream copy from the keyframe at or before the start (``exact=False``), or a
    re-encode from the exact frame (``exact=True``)."""

    def __init__(self, exact: bool = False) -> None:
        self.exact = exact
        self.method = ENCODE if exact else STREAM_COPY

    def _start(self, job: TrimJob, s: float, packets: list[Any]) -> float:
        keys = [p.pts for p in packets if p.key and p.pts <= s + 1e-6]
        if not keys:  # a container whose seek overshot: list from the beginning
            keys = [k for k in keyframe_times(job.source) if k <= s + 1e-6]
        return keyframe_at_or_before(keys, s)

    def cut(self, job: TrimJob) -> VideoResult:
        want = job.start or 0.0
        # one short read gives the header and the keyframe at or before the start (ffmpeg's
        # seek lands on it, so the listing starts there)
        probe, packets = scan_packets(
            job.source, seek=want or None, stop_after=0.0 if self.exact else want + 0.001
        )
        info = load_video(job.source, probe)
        s, e, notes = clamp_range(info, job.start, job.end)
        real_start = s if self.exact else self._start(job, s, packets)
        note = None if self.exact else _keyframe_note(s, real_start)
        if note:
            notes.insert(0, note)
        out = Path(job.output) if job.output is not None else (
            default_output(job.source, "trim", ".mp4") if self.exact
            else job.output_for(info.video_codec)
        )  # fmt: skip
        length = e - real_start
        notes.append(shift_note(info, real_start))
        with (
            atomic_output(out, force=job.force, sources=[job.source]) as tmp,
            job.step(length) as step,
        ):
            if self.exact:
                meta = metadata_args(info, real_start, keep_gps=job.keep_gps)
                log = jobs.encode_range(job.source, tmp, real_start, length, meta, step)
            else:
                packets_per_s = (info.fps or 60.0) + (50.0 if info.audio_codec else 0.0)
                log = jobs.stream_copy(
                    job.source, tmp, real_start, length,
                    lambda faststart: metadata_args(
                        info, real_start, keep_gps=job.keep_gps, faststart=faststart
                    ),
                    packets=length * packets_per_s, progress=step,
                )  # fmt: skip
        written = jobs.written_length(log)
        warnings = truncation_warnings(info)
        if written is not None and written < length - 0.5:
            warnings = [
                _(
                    "{file}: the data stops at {at} although the file says it lasts longer (an "
                    "incomplete copy?); the cut ends there",
                    file=job.source,
                    at=format_timecode(real_start + written),
                )
            ]
            e = real_start + written
        return VideoResult(
            source=job.source, output=out, operation="transcoded" if self.exact else "trimmed",
            start=real_start, end=e, requested_start=job.start, requested_end=job.end,
            first_frame_time=first_frame_time(info, real_start), notes=notes,
            warnings=warnings, size_bytes=out.stat().st_size,
            parameters={"method": self.method},
        )  # fmt: skip


def _engines(exact: bool, engine: str) -> list[IndexCutter | StreamCopy]:
    if exact:
        return [StreamCopy(exact=True)]
    if engine == "ffmpeg":
        return [StreamCopy()]
    return [IndexCutter(), StreamCopy()]


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
    ``exact`` re-encodes for a frame-accurate cut; ``engine="ffmpeg"`` skips the index
    cutter."""
    job = TrimJob(existing(src), start, end, output, keep_gps=keep_gps, force=force,
                  progress=progress)  # fmt: skip
    result = None
    for candidate in _engines(exact, engine):
        try:
            result = candidate.cut(job)
        except CannotCut as exc:
            logs.info(__name__, "%s: the MP4 index cutter hands it to ffmpeg: %s",
                      job.source, exc)  # fmt: skip
            continue
        logs.info(__name__, "%s: cut by %s", job.source, candidate.method)
        break
    assert result is not None  # the last engine never declines
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
