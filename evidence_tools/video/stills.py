"""``evidence video frames``: upright stills at given times, named by their position and
wall-clock time, with an optional caption bar; and contact sheets for the dossier."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from evidence_tools.case.layout import output_folder
from evidence_tools.case.manifest import record_output
from evidence_tools.errors import InputFileError, OutputError, UsageError
from evidence_tools.ffmpeg import jobs
from evidence_tools.fsutil import atomic_output
from evidence_tools.i18n import Text
from evidence_tools.images import fit_font, font
from evidence_tools.metadata.model import usable_duration
from evidence_tools.rules import RedactBox, redact_boxes
from evidence_tools.timecode import format_timecode
from evidence_tools.video.clock import optional_clock
from evidence_tools.video.common import (
    clamp_range,
    default_output,
    ffmpeg_tools,
    load_video,
    truncation_warnings,
)


@dataclass
class Still:
    path: Path
    at: float
    wall_clock: dt.datetime | None
    note: str = ""


@dataclass
class StillsResult:
    stills: list[Still]
    warnings: list[str] = field(default_factory=list)  # e.g. an incomplete copy


@dataclass
class SheetResult:
    path: Path
    warnings: list[str] = field(default_factory=list)


def still_name(stem: str, at: float, when: dt.datetime | None) -> str:
    pos = format_timecode(at).replace(":", "-")
    if when is None:
        return f"{stem}_{pos}.jpg"
    return f"{stem}_{pos}_{when:%Y-%m-%dT%H-%M-%S}.jpg"


def _grab(
    source: Path,
    at: float,
    dest: Path,
    *,
    max_side: int | None = None,
    redact: Sequence[RedactBox] = (),
    hdr: str = "",
) -> None:
    # the still's own time decides which boxes cover it
    boxes = [RedactBox(r.x, r.y, r.w, r.h) for r in redact if r.active_at(at)]
    jobs.grab_frame(source, at, dest, max_side=max_side, regions=boxes, hdr=hdr)
    if not dest.exists() or dest.stat().st_size == 0:
        raise InputFileError(
            Text("no frame could be decoded at {at}", at=format_timecode(at)), path=source
        )


def _caption_image(path: Path, lines: list[str]) -> None:
    """Caption bars (wall-clock time, note) at the top of a still, clear of a burned-in clock."""
    with Image.open(path) as img:
        image = img.convert("RGB")
    draw = ImageDraw.Draw(image)
    size = max(14, round(min(image.size) * 0.04))
    pad = max(6, size // 3)
    y: float = pad  # textbbox gives floats on some Pillow versions
    for text in [ln for ln in lines if ln]:
        bar_font = fit_font(text, image.width - 4 * pad, size)
        box = draw.textbbox((0, 0), text, font=bar_font)
        th = box[3] - box[1]
        draw.rectangle((pad, y, pad + box[2] - box[0] + 2 * pad, y + th + 2 * pad), fill=(0, 0, 0))
        draw.text((2 * pad - box[0], y + pad - box[1]), text, font=bar_font, fill=(255, 255, 255))
        y += th + 2 * pad + pad // 2
    image.save(path, "JPEG", quality=92)


def _times(length: float, at: Sequence[float], every: float | None) -> list[float]:
    times = list(at)
    if every is not None:
        if every <= 0:
            raise UsageError(Text("--every must be more than zero"))
        count = int(length // every) + 1
        if count > 500:
            raise UsageError(
                # TRANSLATORS: {step} is the number of seconds given to --every
                Text("--every {step} would write {n} still",
                     "--every {step} would write {n} stills", n=count, step=format(every, "g")),
                hint=Text("choose a larger step"),
            )  # fmt: skip
        times += [i * every for i in range(count) if i * every < length]
    if not times:
        raise UsageError(
            Text("say which stills: --at T (repeatable), --every T or --sheet COLSxROWS")
        )
    for t in times:
        if t >= length:
            raise UsageError(
                Text(
                    "{at} is past the end of the video ({length})",
                    at=format_timecode(t),
                    length=format_timecode(length),
                )
            )
    return times


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
) -> StillsResult:
    """Upright JPEG stills at the given times (or every N seconds), named by position and
    wall-clock time; ``redact`` boxes are filled black."""
    regions = redact_boxes(redact)
    source = Path(src)
    info = load_video(source)
    times = _times(usable_duration(info), at, every)
    folder = Path(outdir) if outdir is not None else output_folder(source)
    if not folder.is_dir():
        raise OutputError(
            Text("output folder does not exist"), path=folder, hint=Text("create it first")
        )
    clock = optional_clock(info, zone, zone_name)
    stills = []
    for i, t in enumerate(times):
        when = clock.first_frame + dt.timedelta(seconds=t) if clock else None
        dest = folder / still_name(source.stem, t, when)
        note = notes[i] if i < len(notes) else ""
        with atomic_output(dest, force=force, sources=[source]) as tmp:
            _grab(source, t, tmp, redact=regions, hdr=info.hdr)
            if caption:
                first = clock.text_at(t) if clock else format_timecode(t)
                _caption_image(tmp, [first, note])
        stills.append(Still(dest, t, when, note))
        active = [r for r in regions if r.active_at(t)]
        if record:
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
    return StillsResult(stills, truncation_warnings(info))


def _sheet(tiles: list[Any], times: list[float], cols: int, rows: int, clock: Any) -> Any:
    """The tiles in a grid on white, each labelled with its position and wall-clock time."""
    tw = max(t.width for t in tiles)
    th = max(t.height for t in tiles)
    label_h, gap = 44, 8
    sheet = Image.new("RGB", (cols * (tw + gap) + gap, rows * (th + label_h + gap) + gap), "white")
    draw = ImageDraw.Draw(sheet)
    bold, small = font(15), font(13, bold=False)
    for i, (tile, t) in enumerate(zip(tiles, times, strict=True)):
        x = gap + (i % cols) * (tw + gap)
        y = gap + (i // cols) * (th + label_h + gap)
        sheet.paste(tile, (x + (tw - tile.width) // 2, y))
        draw.text((x, y + th + 4), format_timecode(t), font=bold, fill=(0, 0, 0))
        if clock is not None:
            draw.text((x, y + th + 23), clock.text_at(t), font=small, fill=(60, 60, 60))
    return sheet


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
) -> SheetResult:
    """A grid of evenly spaced stills, each labelled with its position and wall-clock time."""
    regions = redact_boxes(redact)
    if not (1 <= cols <= 10 and 1 <= rows <= 10):
        raise UsageError(Text("--sheet takes COLSxROWS from 1x1 to 10x10, e.g. 4x3"))
    source = Path(src)
    info = load_video(source)
    s, e, _clamped = clamp_range(info, start, end)
    n = cols * rows
    times = [s + (e - s) * (i + 0.5) / n for i in range(n)]
    out = Path(output) if output is not None else default_output(
        source, f"sheet_{cols}x{rows}", ".jpg"
    )  # fmt: skip
    tile_w = 480 if (info.width or 16) >= (info.height or 9) else 270
    tiles = []
    with tempfile.TemporaryDirectory(prefix="evidence-sheet-") as tmp_name:
        for i, t in enumerate(times):
            dest = Path(tmp_name) / f"{i:03d}.jpg"
            _grab(source, t, dest, max_side=max(tile_w, 480), redact=regions, hdr=info.hdr)
            with Image.open(dest) as img:
                tile = img.convert("RGB")
            tile.thumbnail((tile_w, tile_w * 2))
            tiles.append(tile)
    sheet = _sheet(tiles, times, cols, rows, optional_clock(info, zone, zone_name))
    with atomic_output(out, force=force, sources=[source]) as tmp:
        sheet.save(tmp, "JPEG", quality=88)
    if record:
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
    return SheetResult(out, truncation_warnings(info))
