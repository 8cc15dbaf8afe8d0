"""``evidence video fit``: re-encode a video to land under an upload limit."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from evidence_tools.errors import OutputError, UsageError
from evidence_tools.ffmpeg import jobs
from evidence_tools.fsutil import atomic_output
from evidence_tools.i18n import Text, _
from evidence_tools.metadata.model import usable_duration
from evidence_tools.progress import FIT_PER_SECOND, Progress
from evidence_tools.video.common import (
    VideoResult,
    default_output,
    first_frame_time,
    load_video,
    metadata_args,
    record_result,
    truncation_warnings,
)

# (long side, minimum video kbit/s at which that size still reads well)
LADDER = ((1920, 2500), (1280, 1200), (854, 600), (640, 300), (426, 0))


def plan_fit(
    duration: float, max_bytes: int, has_audio: bool, long_side: int
) -> tuple[int, int, int]:
    """Video kbit/s, audio kbit/s and the long side to scale to, for a file under ``max_bytes``.

    A 4 % margin covers the container; the bitrate falls to 100 kbit/s at the least.
    """
    audio = 96 if has_audio else 0
    total_kbps = max_bytes * 8 * 0.96 / duration / 1000
    video = int(total_kbps - audio)
    if has_audio and video < 200:
        audio = 48
        video = int(total_kbps - audio)
    if video < 100:
        raise UsageError(
            Text(
                "a {seconds} s video cannot fit in {size} MB and stay watchable",
                seconds=format(duration, ".0f"),
                size=format(max_bytes / 1e6, ".1f"),
            ),
            hint=Text("trim it first (evidence video trim) or allow more MB"),
        )
    side = long_side
    for ladder_side, min_kbps in LADDER:
        if ladder_side <= long_side and video >= min_kbps:
            side = ladder_side
            break
    else:
        side = min(long_side, LADDER[-1][0])
    return video, audio, min(side, long_side)


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _encode_under(
    source: Path,
    out: Path,
    length: float,
    max_bytes: int,
    video_kbps: int,
    notes: list[str],
    *,
    force: bool,
    encode: Callable[[Path, int, Path], None],
) -> int:
    """Encode with ``encode(tmp, kbit/s, workdir)`` until the file lands under ``max_bytes``
    (three tries, each at the bitrate the last one's size calls for); the bitrate used."""
    workdir = Path(tempfile.mkdtemp(prefix="evidence-fit-"))
    last_size = 0
    try:
        for _attempt in range(3):
            try:
                with atomic_output(out, force=force, sources=[source]) as tmp:
                    encode(tmp, video_kbps, workdir)
                    last_size = tmp.stat().st_size
                    if last_size > max_bytes:
                        raise _TooBig(last_size)
                return video_kbps
            except _TooBig:
                video_kbps = int(video_kbps * max_bytes / last_size * 0.92)
                if video_kbps < 100:
                    break
                notes.append(
                    _(
                        "a try came out at {size} MB; encoding again at {kbps} kbit/s",
                        size=format(last_size / 1e6, ".2f"),
                        kbps=video_kbps,
                    )
                )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    raise OutputError(
        Text(
            "could not get under {limit} MB (the last try was {size} MB)",
            limit=format(max_bytes / 1e6, "g"),
            size=format(last_size / 1e6, ".2f"),
        ),
        path=out,
        hint=Text("trim the video first (evidence video trim)"),
    )


def fit(
    src: str | Path,
    max_mb: float,
    output: str | Path | None = None,
    *,
    keep_gps: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    record: bool = True,
) -> VideoResult:
    """Re-encode to H.264 + AAC in MP4 under ``max_mb`` megabytes (two-pass, downscaled when
    the bitrate would make the full size unreadable). Never exceeds the limit silently."""
    if max_mb <= 0:
        raise UsageError(Text("--max-mb must be more than zero"))
    source = Path(src)
    info = load_video(source)
    length = usable_duration(info)
    max_bytes = int(max_mb * 1_000_000)
    out = Path(output) if output is not None else default_output(source, f"fit{max_mb:g}mb", ".mp4")
    has_audio = bool(info.audio_codec)
    video_kbps, audio_kbps, side = plan_fit(
        length, max_bytes, has_audio, max(info.width or 1280, info.height or 720)
    )
    landscape = (info.width or 16) >= (info.height or 9)
    scale = f"scale={side}:-2" if landscape else f"scale=-2:{side}"
    meta = metadata_args(info, 0.0, keep_gps=keep_gps)
    notes: list[str] = []
    # one step, however many tries: a second try (rare) is shown at the end of the bar
    with (progress or Progress.none()).one_step(
        _("Fitting {name} under {limit} MB", name=source.name, limit=f"{max_mb:g}"), length,
        unit="seconds", weight=length * FIT_PER_SECOND,
    ) as step:  # fmt: skip
        video_kbps = _encode_under(source, out, length, max_bytes, video_kbps, notes,
                                   force=force,
                                   encode=lambda tmp, kbps, workdir: jobs.two_pass_h264(
                                       source, tmp, length, scale=scale, video_kbps=kbps,
                                       audio_kbps=audio_kbps, meta=meta, workdir=workdir,
                                       progress=step, hdr=info.hdr))  # fmt: skip
    size = out.stat().st_size
    mb, limit = f"{size / 1e6:.2f}", f"{max_mb:g}"
    if has_audio:
        # TRANSLATORS: {side} is the picture's long side in pixels (1280p)
        said = _("{size} MB (limit {limit} MB): H.264 {video_kbps} kbit/s at {side}p long side, "
                 "AAC {audio_kbps} kbit/s", size=mb, limit=limit, video_kbps=video_kbps,
                 side=side, audio_kbps=audio_kbps)  # fmt: skip
    else:
        # TRANSLATORS: {side} is the picture's long side in pixels (1280p)
        said = _("{size} MB (limit {limit} MB): H.264 {video_kbps} kbit/s at {side}p long side",
                 size=mb, limit=limit, video_kbps=video_kbps, side=side)  # fmt: skip
    notes.append(said)
    result = VideoResult(
        source=source, output=out, operation="transcoded", start=0.0, end=length,
        first_frame_time=first_frame_time(info, 0.0), notes=notes,
        warnings=truncation_warnings(info), size_bytes=size,
    )  # fmt: skip
    if record:
        record_result(
            result,
            {
                "max_mb": max_mb,
                "video_kbps": video_kbps,
                "audio_kbps": audio_kbps,
                "long_side": side,
                "two_pass": True,
                "keep_gps": keep_gps,
            },
        )
    return result
