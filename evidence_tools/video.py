"""Unboxing videos: burned-in capture time, stills and contact sheets, and re-encoding to fit
an upload limit. All heavy work runs in ffmpeg's own pipeline. Cutting (``trim``) lives in
``evidence_tools.cut`` and is re-exported here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools.capture import CaptureInfo, offset_label
from evidence_tools.cut import (  # noqa: F401  (re-exported: the video API in one place)
    AAC,
    INDEX_COPY,
    X264,
    Progress,
    VideoResult,
    clamp_range,
    default_output,
    ffmpeg_tools,
    first_frame_time,
    keyframe_at_or_before,
    keyframe_times,
    load_video,
    metadata_args,
    record_result,
    trim,
    usable_duration,
)
from evidence_tools.errors import InputFileError, OutputError, UsageError
from evidence_tools.ffmpeg import run_ffmpeg
from evidence_tools.fsutil import atomic_output
from evidence_tools.timecode import format_timecode

POSITIONS = ("bottom-left", "bottom-right", "top-left", "top-right")


# --------------------------------------------------------------------------- redaction


@dataclass(frozen=True)
class Region:
    """A box to fill black: fractions of the upright picture, for the whole video or for
    [start, end) seconds of the source."""

    x: float
    y: float
    w: float
    h: float
    start: float | None = None
    end: float | None = None

    def active_at(self, t: float) -> bool:
        return (self.start is None or t >= self.start) and (self.end is None or t < self.end)

    def spec(self) -> dict[str, Any]:
        return {"box": [self.x, self.y, self.w, self.h], "from": self.start, "to": self.end}


def check_regions(regions: Sequence[Any]) -> list[Region]:
    """Redaction boxes, checked: ``(x, y, w, h)``, ``(x, y, w, h, start, end)`` or Regions."""
    out = []
    for n, region in enumerate(regions, start=1):
        if isinstance(region, Region):
            out.append(region)
            continue
        values = list(region)
        if len(values) not in (4, 6):
            raise UsageError(f"redact box {n}: needs 4 numbers X,Y,W,H")
        x, y, w, h = (float(v) for v in values[:4])
        start, end = (values[4], values[5]) if len(values) == 6 else (None, None)
        if min(x, y, w, h) < 0 or max(x, y, w, h) > 1:
            raise UsageError(f"redact box {n}: numbers are fractions of the picture, 0 to 1")
        if w <= 0 or h <= 0 or x + w > 1 + 1e-9 or y + h > 1 + 1e-9:
            raise UsageError(f"redact box {n}: must have a size and stay inside the picture")
        if start is not None and end is not None and end <= start:
            raise UsageError(f"redact box {n}: its end must come after its start")
        out.append(Region(x, y, w, h, start, end))
    return out


def redact_filters(regions: Sequence[Region], offset: float = 0.0) -> list[str]:
    """Solid black boxes, drawn on the upright frames before anything else.

    ``offset`` is the source time of the output's first frame, so a box limited to part of
    the source is switched on and off at the right output times.
    """
    filters = []
    for r in regions:
        f = (
            f"drawbox=x=floor(iw*{r.x:.6f}):y=floor(ih*{r.y:.6f}):w=ceil(iw*{r.w:.6f}):"
            f"h=ceil(ih*{r.h:.6f}):color=black:t=fill"
        )
        if r.start is not None or r.end is not None:
            lo = (r.start if r.start is not None else 0.0) - offset
            hi = (r.end if r.end is not None else 1e9) - offset
            f += f":enable='between(t,{lo:.6f},{hi - 1e-6:.6f})'"
        filters.append(f)
    return filters


# --------------------------------------------------------------------------- stamp


@dataclass
class StampClock:
    """What the burned-in clock shows: the wall-clock time of the first output frame."""

    first_frame: dt.datetime  # aware, in the zone to display
    label: str  # "+03:00" or "UTC"
    source: str
    notes: list[str] = field(default_factory=list)

    @property
    def base_epoch(self) -> float:
        """Seconds such that gmtime(base + t) reads as the local wall clock at output time t."""
        import calendar

        local = self.first_frame.replace(tzinfo=None)
        return calendar.timegm(local.timetuple()) + local.microsecond / 1e6

    def text_at(self, t: float) -> str:
        when = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=math.floor(self.base_epoch + t))
        return f"{when:%Y-%m-%d %H:%M:%S} {self.label}"

    def drawtext_text(self) -> str:
        """drawtext's text (for a textfile): ffmpeg expands it for every frame."""
        return f"%{{pts:gmtime:{self.base_epoch:.3f}:%Y-%m-%d %H\\:%M\\:%S}} {self.label}"


def stamp_clock(
    info: CaptureInfo,
    offset_s: float,
    *,
    start_time: dt.datetime | None = None,
    zone: dt.tzinfo | None = None,
    zone_name: str = "",
) -> StampClock:
    """Decide the zone the clock shows: the metadata's offset, else the given zone, else UTC."""
    notes: list[str] = []
    if start_time is not None:
        base = start_time
        source = "--start-time"
        if base.tzinfo is None:
            if zone is None:
                raise UsageError(
                    "--start-time has no offset and no --tz was given",
                    hint="write it like 2026-11-20T17:03:11+03:00",
                )
            base = base.replace(tzinfo=zone)
    else:
        if info.captured_at is None:
            raise UsageError(
                "the video has no capture time to burn in",
                path=info.file,
                hint="give --start-time, e.g. --start-time 2026-11-20T17:03:11+03:00",
            )
        base = info.captured_at
        source = info.time_source
        if base.tzinfo is None:
            if zone is None:
                raise UsageError(
                    "the capture time has no zone", path=info.file, hint="give --tz ZONE"
                )
            base = base.replace(tzinfo=zone)
    first = base + dt.timedelta(seconds=offset_s)
    keys_offset = info.time_source.startswith("QuickTime Keys") and start_time is None
    if keys_offset or (start_time is not None and start_time.tzinfo is not None and zone is None):
        label = offset_label(first.tzinfo, first) if first.tzinfo else "UTC"
    elif zone is not None:
        first = first.astimezone(zone)
        label = offset_label(zone, first)
        notes.append(f"times shown in {zone_name or zone} ({label})")
    elif info.utc_only or first.utcoffset() == dt.timedelta(0):
        first = first.astimezone(dt.timezone.utc)
        label = "UTC"
        notes.append(
            "the video does not say its time zone: times are shown in UTC (give --tz or set "
            "the case's timezone to show local time)"
        )
    else:
        label = offset_label(first.tzinfo, first) if first.tzinfo else "UTC"
    return StampClock(first_frame=first, label=label, source=source, notes=notes)


def _font_size_to_fit(text: str, max_width: float, start: int) -> int:
    from PIL import ImageFont

    from evidence_tools.resources import font_path

    size = start
    while size > 10:
        font = ImageFont.truetype(str(font_path(bold=True)), size)
        if font.getlength(text) <= max_width:
            break
        size -= 1
    return size


def _xy(position: str, pad: int, line: int, lines: int, line_h: int) -> tuple[str, str]:
    """drawtext x/y for line ``line`` (0 = the clock) of ``lines``, in a corner."""
    x = f"{pad}" if position.endswith("left") else f"w-text_w-{pad}"
    if position.startswith("bottom"):
        y = f"h-{pad}-{(line + 1) * line_h}"
    else:
        y = f"{pad + (lines - 1 - line) * line_h}"
    return x, y


def stamp(
    src: str | Path,
    output: str | Path | None = None,
    *,
    start: float | None = None,
    end: float | None = None,
    start_time: dt.datetime | None = None,
    zone: dt.tzinfo | None = None,
    zone_name: str = "",
    caption: str = "",
    position: str = "bottom-left",
    keep_gps: bool = False,
    force: bool = False,
    progress: Progress | None = None,
    record: bool = True,
    redact: Sequence[Any] = (),
    show_clock: bool = True,
) -> VideoResult:
    """Burn the wall-clock capture time into every frame (and trim in the same encode).

    ``redact`` boxes are filled black first; with ``show_clock`` off only they (and the
    caption) are drawn, e.g. to cover an address label in an unboxing video.
    """
    if position not in POSITIONS:
        raise UsageError(f"unknown position {position!r}", hint="one of " + ", ".join(POSITIONS))
    regions = check_regions(redact)
    if not show_clock and not regions and not caption:
        raise UsageError("nothing to draw: no clock, no caption, no redaction")
    source = Path(src)
    info = load_video(source)
    s, e, notes = clamp_range(info, start, end)
    if show_clock:
        clock: StampClock | None = stamp_clock(
            info, s, start_time=start_time, zone=zone, zone_name=zone_name
        )
    else:
        clock = optional_clock(info, zone, zone_name)
        if clock is not None:
            clock.first_frame += dt.timedelta(seconds=s)
    notes = (clock.notes if clock else []) + notes
    suffix = "stamped" if show_clock else "redacted"
    out = Path(output) if output is not None else default_output(source, suffix, ".mp4")
    width, height = info.width or 1280, info.height or 720
    short = min(width, height)
    pad = max(8, round(short * 0.03))
    size = max(14, round(short * 0.045))
    sample = clock.text_at(0) if clock else "2026-01-01 00:00:00 +00:00"
    clock_size = _font_size_to_fit(sample, width - 2 * pad - size, size)
    cap_size = _font_size_to_fit(caption, width - 2 * pad - size, size) if caption else 0
    line_h = round(max(clock_size, cap_size) * 1.6)
    border = max(4, round(clock_size * 0.3))
    import shutil
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="evidence-stamp-"))
    try:
        shutil.copy(_font_file(), workdir / "font.ttf")
        lines = (1 if show_clock else 0) + (1 if caption else 0)
        common = (
            "fontfile=font.ttf:fontcolor=white:box=1:boxcolor=black@0.6:"
            f"boxborderw={border}:borderw=1:bordercolor=black@0.8"
        )
        filters = redact_filters(regions, offset=s)
        if show_clock and clock is not None:
            (workdir / "clock.txt").write_text(clock.drawtext_text(), encoding="utf-8")
            x, y = _xy(position, pad, 0, lines, line_h)
            filters.append(
                f"drawtext={common}:textfile=clock.txt:fontsize={clock_size}:x={x}:y={y}"
            )
        if caption:
            (workdir / "caption.txt").write_text(caption.replace("\n", " "), encoding="utf-8")
            x, y = _xy(position, pad, lines - 1, lines, line_h)
            filters.append(
                f"drawtext={common}:textfile=caption.txt:expansion=none:"
                f"fontsize={cap_size}:x={x}:y={y}"
            )
        filters.append("format=yuv420p")
        length = e - s
        with atomic_output(out, force=force, sources=[source]) as tmp:
            args = ["-ss", f"{s:.6f}", "-i", str(source.resolve()), "-t", f"{length:.6f}"]
            args += ["-map", "0:v:0", "-map", "0:a?", "-vf", ",".join(filters)]
            args += X264 + AAC
            given = clock.first_frame if (clock and start_time is not None) else None
            args += metadata_args(info, s, keep_gps=keep_gps, first_frame=given)
            args += ["-y", str(tmp.resolve())]
            run_ffmpeg(args, outputs=[tmp], duration=length, progress=progress, cwd=workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if show_clock and clock is not None:
        notes.append(
            f"burned in {clock.text_at(0)} at the first frame ({format_timecode(s)} in the "
            f"source), from {clock.source}"
        )
    if regions:
        timed = sum(1 for r in regions if r.start is not None or r.end is not None)
        notes.append(
            f"covered {len(regions)} region(s) with solid black"
            + (f" ({timed} only for part of the video)" if timed else " in every frame")
        )
    result = VideoResult(
        source=source,
        output=out,
        operation="redacted" if regions else "drawing",
        start=s,
        end=e,
        requested_start=start,
        requested_end=end,
        first_frame_time=clock.first_frame if clock else None,
        notes=notes,
        size_bytes=out.stat().st_size,
    )
    if record:
        record_result(
            result,
            {
                "start": round(s, 6),
                "end": round(e, 6),
                "first_frame_time": clock.first_frame.isoformat() if clock else None,
                "clock_text_at_start": clock.text_at(0) if (clock and show_clock) else None,
                "time_source": clock.source if clock else None,
                "caption": caption,
                "position": position,
                "redact": [r.spec() for r in regions],
                "keep_gps": keep_gps,
                "encoder": "libx264 crf 20 veryfast, aac 128k",
            },
        )
    return result


def _font_file() -> Path:
    from evidence_tools.resources import font_path

    return font_path(bold=True)


# --------------------------------------------------------------------------- frames


@dataclass
class Still:
    path: Path
    at: float
    wall_clock: dt.datetime | None
    note: str = ""


def still_name(stem: str, at: float, when: dt.datetime | None) -> str:
    pos = format_timecode(at).replace(":", "-")
    if when is None:
        return f"{stem}_{pos}.jpg"
    stamp_text = when.strftime("%Y-%m-%dT%H-%M-%S")
    return f"{stem}_{pos}_{stamp_text}.jpg"


def _grab(
    source: Path,
    at: float,
    dest: Path,
    *,
    max_side: int | None = None,
    redact: Sequence[Region] = (),
) -> None:
    active = [r for r in redact if r.active_at(at)]  # the still's own time decides
    boxes = [Region(r.x, r.y, r.w, r.h) for r in active]
    vf = ",".join([*redact_filters(boxes), "format=yuvj420p"])
    if max_side:
        vf = (
            f"scale='if(gt(iw,ih),min({max_side},iw),-2)':'if(gt(iw,ih),-2,min({max_side},ih))',"
            + vf
        )
    args = ["-ss", f"{at:.6f}", "-i", str(source), "-map", "0:v:0", "-frames:v", "1"]
    args += ["-vf", vf, "-q:v", "2", "-y", str(dest)]
    run_ffmpeg(args, outputs=[dest])
    if not dest.exists() or dest.stat().st_size == 0:
        raise InputFileError(f"no frame could be decoded at {format_timecode(at)}", path=source)


def _caption_image(path: Path, lines: list[str]) -> None:
    """Caption bars (wall-clock time, note) at the top of a still, clear of a burned-in clock."""
    from PIL import Image, ImageDraw, ImageFont

    from evidence_tools.resources import font_path

    with Image.open(path) as img:
        image = img.convert("RGB")
    draw = ImageDraw.Draw(image)
    size = max(14, round(min(image.size) * 0.04))
    font = ImageFont.truetype(str(font_path(bold=True)), size)
    pad = max(6, size // 3)
    y = pad
    for text in [ln for ln in lines if ln]:
        fit = size
        while fit > 10 and font.getlength(text) > image.width - 4 * pad:
            fit -= 1
            font = ImageFont.truetype(str(font_path(bold=True)), fit)
        box = draw.textbbox((0, 0), text, font=font)
        th = box[3] - box[1]
        draw.rectangle((pad, y, pad + box[2] - box[0] + 2 * pad, y + th + 2 * pad), fill=(0, 0, 0))
        draw.text((2 * pad - box[0], y + pad - box[1]), text, font=font, fill=(255, 255, 255))
        y += th + 2 * pad + pad // 2
        font = ImageFont.truetype(str(font_path(bold=True)), size)
    image.save(path, "JPEG", quality=92)


def frames(
    src: str | Path,
    *,
    at: Sequence[float] = (),
    every: float | None = None,
    notes: Sequence[str] = (),
    outdir: str | Path | None = None,
    caption: bool = False,
    force: bool = False,
    zone: dt.tzinfo | None = None,
    zone_name: str = "",
    record: bool = True,
    redact: Sequence[Any] = (),
) -> list[Still]:
    """Upright JPEG stills at the given times (or every N seconds), named by position and
    wall-clock time; ``redact`` boxes are filled black."""
    regions = check_regions(redact)
    source = Path(src)
    info = load_video(source)
    length = usable_duration(info)
    times = list(at)
    if every is not None:
        if every <= 0:
            raise UsageError("--every must be more than zero")
        count = int(length // every) + 1
        if count > 500:
            raise UsageError(
                f"--every {every:g} would write {count} stills", hint="choose a larger step"
            )
        times += [i * every for i in range(count) if i * every < length]
    if not times:
        raise UsageError("say which stills: --at T (repeatable), --every T or --sheet COLSxROWS")
    for t in times:
        if t >= length:
            raise UsageError(
                f"{format_timecode(t)} is past the end of the video ({format_timecode(length)})"
            )
    from evidence_tools.case import output_folder

    folder = Path(outdir) if outdir is not None else output_folder(source)
    if not folder.is_dir():
        raise OutputError("output folder does not exist", path=folder, hint="create it first")
    clock = optional_clock(info, zone, zone_name)
    stills = []
    for i, t in enumerate(times):
        when = clock.first_frame + dt.timedelta(seconds=t) if clock else None
        dest = folder / still_name(source.stem, t, when)
        note = notes[i] if i < len(notes) else ""
        with atomic_output(dest, force=force, sources=[source]) as tmp:
            _grab(source, t, tmp, redact=regions)
            if caption:
                first = clock.text_at(t) if clock else format_timecode(t)
                _caption_image(tmp, [first, note])
        stills.append(Still(dest, t, when, note))
        active = [r for r in regions if r.active_at(t)]
        if record:
            from evidence_tools.integrity import record_output

            record_output(
                dest,
                sources=[source],
                operation="redacted" if active else "transcoded",
                parameters={
                    "still_at": round(t, 3),
                    "caption": caption,
                    "note": note,
                    "wall_clock": when.isoformat() if when else None,
                    "redact": [r.spec() for r in active],
                },
                tools=ffmpeg_tools,
            )
    return stills


def optional_clock(info: CaptureInfo, zone: dt.tzinfo | None, zone_name: str) -> StampClock | None:
    try:
        return stamp_clock(info, 0.0, zone=zone, zone_name=zone_name)
    except UsageError:
        return None


def contact_sheet(
    src: str | Path,
    cols: int,
    rows: int,
    output: str | Path | None = None,
    *,
    force: bool = False,
    zone: dt.tzinfo | None = None,
    zone_name: str = "",
    start: float = 0.0,
    end: float | None = None,
    record: bool = True,
    redact: Sequence[Any] = (),
) -> Path:
    """A grid of evenly spaced stills, each labelled with its position and wall-clock time."""
    regions = check_regions(redact)
    from PIL import Image, ImageDraw, ImageFont

    from evidence_tools.resources import font_path

    if not (1 <= cols <= 10 and 1 <= rows <= 10):
        raise UsageError("--sheet takes COLSxROWS from 1x1 to 10x10, e.g. 4x3")
    source = Path(src)
    info = load_video(source)
    s, e, _ = clamp_range(info, start, end)
    n = cols * rows
    times = [s + (e - s) * (i + 0.5) / n for i in range(n)]
    out = (
        Path(output)
        if output is not None
        else default_output(source, f"sheet_{cols}x{rows}", ".jpg")
    )
    clock = optional_clock(info, zone, zone_name)
    tile_w = 480 if (info.width or 16) >= (info.height or 9) else 270
    tiles = []
    import tempfile

    with tempfile.TemporaryDirectory(prefix="evidence-sheet-") as tmp_name:
        for i, t in enumerate(times):
            dest = Path(tmp_name) / f"{i:03d}.jpg"
            _grab(source, t, dest, max_side=max(tile_w, 480), redact=regions)
            with Image.open(dest) as img:
                tile = img.convert("RGB")
            tile.thumbnail((tile_w, tile_w * 2))
            tiles.append(tile)
    tw = max(t.width for t in tiles)
    th = max(t.height for t in tiles)
    label_h = 44
    gap = 8
    sheet = Image.new("RGB", (cols * (tw + gap) + gap, rows * (th + label_h + gap) + gap), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.truetype(str(font_path(bold=True)), 15)
    small = ImageFont.truetype(str(font_path()), 13)
    for i, (tile, t) in enumerate(zip(tiles, times, strict=True)):
        x = gap + (i % cols) * (tw + gap)
        y = gap + (i // cols) * (th + label_h + gap)
        sheet.paste(tile, (x + (tw - tile.width) // 2, y))
        draw.text((x, y + th + 4), format_timecode(t), font=font, fill=(0, 0, 0))
        if clock is not None:
            draw.text((x, y + th + 23), clock.text_at(t), font=small, fill=(60, 60, 60))
    with atomic_output(out, force=force, sources=[source]) as tmp:
        sheet.save(tmp, "JPEG", quality=88)
    if record:
        from evidence_tools.integrity import record_output

        record_output(
            out,
            sources=[source],
            operation="redacted" if regions else "transcoded",
            parameters={
                "sheet": f"{cols}x{rows}",
                "times": [round(t, 3) for t in times],
                "redact": [r.spec() for r in regions],
            },
            tools=ffmpeg_tools,
        )
    return out


# --------------------------------------------------------------------------- fit


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
            f"a {duration:.0f} s video cannot fit in {max_bytes / 1e6:.1f} MB and stay watchable",
            hint="trim it first (evidence video trim) or allow more MB",
        )
    side = long_side
    for ladder_side, min_kbps in LADDER:
        if ladder_side <= long_side and video >= min_kbps:
            side = ladder_side
            break
    else:
        side = min(long_side, LADDER[-1][0])
    return video, audio, min(side, long_side)


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
        raise UsageError("--max-mb must be more than zero")
    source = Path(src)
    info = load_video(source)
    length = usable_duration(info)
    max_bytes = int(max_mb * 1_000_000)
    out = Path(output) if output is not None else default_output(source, f"fit{max_mb:g}mb", ".mp4")
    has_audio = bool(info.audio_codec)
    long_side = max(info.width or 1280, info.height or 720)
    video_kbps, audio_kbps, side = plan_fit(length, max_bytes, has_audio, long_side)
    notes: list[str] = []
    landscape = (info.width or 16) >= (info.height or 9)
    scale = f"scale={side}:-2" if landscape else f"scale=-2:{side}"
    import shutil
    import tempfile

    workdir = Path(tempfile.mkdtemp(prefix="evidence-fit-"))
    last_size = 0
    done = False
    try:
        for _attempt in range(3):
            try:
                with atomic_output(out, force=force, sources=[source]) as tmp:
                    _two_pass(source, tmp, info, length, scale, video_kbps, audio_kbps,
                              workdir, keep_gps, progress)  # fmt: skip
                    last_size = tmp.stat().st_size
                    if last_size > max_bytes:
                        raise _TooBig(last_size)
                done = True
                break
            except _TooBig:
                video_kbps = int(video_kbps * max_bytes / last_size * 0.92)
                if video_kbps < 100:
                    break
                notes.append(
                    f"a try came out at {last_size / 1e6:.2f} MB; "
                    f"encoding again at {video_kbps} kbit/s"
                )
        if not done:
            raise OutputError(
                f"could not get under {max_mb:g} MB (the last try was {last_size / 1e6:.2f} MB)",
                path=out,
                hint="trim the video first (evidence video trim)",
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    size = out.stat().st_size
    notes.append(
        f"{size / 1e6:.2f} MB (limit {max_mb:g} MB): H.264 {video_kbps} kbit/s at {side}p long side"
        + (f", AAC {audio_kbps} kbit/s" if has_audio else "")
    )
    result = VideoResult(
        source=source,
        output=out,
        operation="transcoded",
        start=0.0,
        end=length,
        first_frame_time=first_frame_time(info, 0.0),
        notes=notes,
        size_bytes=size,
    )
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


def _two_pass(
    source: Path,
    tmp: Path,
    info: CaptureInfo,
    length: float,
    scale: str,
    video_kbps: int,
    audio_kbps: int,
    workdir: Path,
    keep_gps: bool,
    progress: Progress | None,
) -> None:
    common = ["-i", str(source.resolve()), "-t", f"{length:.6f}", "-map", "0:v:0"]
    vopts = ["-vf", f"{scale},format=yuv420p", "-c:v", "libx264", "-preset", "medium",
             "-b:v", f"{video_kbps}k", "-maxrate", f"{int(video_kbps * 1.5)}k",
             "-bufsize", f"{video_kbps * 2}k"]  # fmt: skip
    passlog = str(workdir / "pass")
    first = progress and (lambda f: progress(f / 2))
    second = progress and (lambda f: progress(0.5 + f / 2))
    run_ffmpeg(
        common + vopts + ["-pass", "1", "-passlogfile", passlog, "-an", "-f", "null", "-"],
        duration=length,
        progress=first or None,
    )
    audio = ["-map", "0:a?", "-c:a", "aac", "-b:a", f"{audio_kbps}k"] if audio_kbps else []
    run_ffmpeg(
        common
        + vopts
        + ["-pass", "2", "-passlogfile", passlog]
        + audio
        + metadata_args(info, 0.0, keep_gps=keep_gps)
        + ["-y", str(tmp.resolve())],
        outputs=[tmp],
        duration=length,
        progress=second or None,
    )


class _TooBig(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size
