"""``evidence video stamp``: burn the wall-clock capture time (and a caption) into every frame,
trimming in the same encode; ``redact`` boxes are filled black first."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence_tools.errors import UsageError
from evidence_tools.ffmpeg import jobs
from evidence_tools.fsutil import atomic_output
from evidence_tools.i18n import Text, _, ngettext
from evidence_tools.images import fit_font, font_path
from evidence_tools.progress import ENCODE_PER_SECOND, Progress
from evidence_tools.rules import RedactBox, redact_boxes
from evidence_tools.timecode import format_timecode
from evidence_tools.video.clock import StampClock, optional_clock, stamp_clock
from evidence_tools.video.common import (
    VideoResult,
    clamp_range,
    default_output,
    load_video,
    metadata_args,
    record_result,
    truncation_warnings,
)

POSITIONS = ("bottom-left", "bottom-right", "top-left", "top-right")
# A viewing copy's short side by default: a 4K phone clip re-encoded at full size took 2x
# real time on 2 cores and came out at 20 Mbit/s; 1080 is what the platforms' players show.
VIEWING_SHORT_SIDE = 1080


def _xy(position: str, pad: int, line: int, lines: int, line_h: int) -> tuple[str, str]:
    """drawtext x/y for line ``line`` (0 = the clock) of ``lines``, in a corner."""
    x = f"{pad}" if position.endswith("left") else f"w-text_w-{pad}"
    if position.startswith("bottom"):
        y = f"h-{pad}-{(line + 1) * line_h}"
    else:
        y = f"{pad + (lines - 1 - line) * line_h}"
    return x, y


class _Overlay:
    """The text drawn on the frames: sizes from the picture, lines in a corner."""

    def __init__(self, width: int, height: int, clock: StampClock | None, caption: str) -> None:
        short = min(width, height)
        self.pad = max(8, round(short * 0.03))
        size = max(14, round(short * 0.045))
        room = width - 2 * self.pad - size
        sample = clock.text_at(0) if clock else "2026-01-01 00:00:00 +00:00"
        self.clock_size = fit_font(sample, room, size).size
        self.caption_size = fit_font(caption, room, size).size if caption else 0
        self.line_h = round(max(self.clock_size, self.caption_size) * 1.6)
        self.border = max(4, round(self.clock_size * 0.3))

    def filters(
        self, workdir: Path, position: str, clock: StampClock | None, caption: str
    ) -> list[str]:
        """drawtext filters, their text in files in ``workdir`` (no escaping to get wrong)."""
        lines = (1 if clock else 0) + (1 if caption else 0)
        out = []
        if clock is not None:
            (workdir / "clock.txt").write_text(clock.drawtext_text(), encoding="utf-8")
            x, y = _xy(position, self.pad, 0, lines, self.line_h)
            out.append(jobs.drawtext_filter("clock.txt", self.clock_size, x, y, self.border,
                                            expand=True))  # fmt: skip
        if caption:
            (workdir / "caption.txt").write_text(caption.replace("\n", " "), encoding="utf-8")
            x, y = _xy(position, self.pad, lines - 1, lines, self.line_h)
            out.append(jobs.drawtext_filter("caption.txt", self.caption_size, x, y, self.border,
                                            expand=False))  # fmt: skip
        return out


def _notes(clock: StampClock | None, shown: bool, s: float, regions: list[RedactBox]) -> list[str]:
    notes = []
    if shown and clock is not None:
        notes.append(
            # TRANSLATORS: {stamp} is the date and time drawn on the first frame, {at} where
            # that frame is in the source video, {source} where the time was read from
            _(
                "burned in {stamp} at the first frame ({at} in the source), from {source}",
                stamp=clock.text_at(0),
                at=format_timecode(s),
                source=clock.source,
            )
        )
    if regions:
        timed = sum(1 for r in regions if r.start is not None or r.end is not None)
        if timed:
            # TRANSLATORS: {timed} of the {n} regions are covered only for part of the video
            said = ngettext(
                "covered {n} region(s) with solid black ({timed} only for part of the video)",
                "covered {n} region(s) with solid black ({timed} only for part of the video)",
                len(regions),
                timed=timed,
            )
        else:
            said = ngettext(
                "covered {n} region(s) with solid black in every frame",
                "covered {n} region(s) with solid black in every frame",
                len(regions),
            )
        notes.append(said)
    return notes


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
    short_side: int | None = VIEWING_SHORT_SIDE,
) -> VideoResult:
    """Burn the wall-clock capture time into every frame (and trim in the same encode).

    ``redact`` boxes are filled black first; with ``show_clock`` off only they (and the
    caption) are drawn, e.g. to cover an address label in an unboxing video. The copy is for
    people to watch: at most ``short_side`` pixels on its short side (None keeps the full
    size), and HDR (HLG, PQ) converted to standard-range BT.709.
    """
    if position not in POSITIONS:
        raise UsageError(
            Text("unknown position {position}", position=repr(position)),
            hint=Text("one of {choices}", choices=", ".join(POSITIONS)),
        )
    regions = redact_boxes(redact)
    if not show_clock and not regions and not caption:
        raise UsageError(Text("nothing to draw: no clock, no caption, no redaction"))
    source = Path(src)
    info = load_video(source)
    s, e, notes = clamp_range(info, start, end)
    clock: StampClock | None
    if show_clock:
        clock = stamp_clock(info, s, start_time=start_time, zone=zone, zone_name=zone_name)
    else:
        clock = optional_clock(info, zone, zone_name)
        if clock is not None:
            clock.first_frame += dt.timedelta(seconds=s)
    notes = (clock.notes if clock else []) + notes
    out = Path(output) if output is not None else default_output(
        source, "stamped" if show_clock else "redacted", ".mp4"
    )  # fmt: skip
    width, height = jobs.fitted_size(info.width or 1280, info.height or 720, short_side)
    overlay = _Overlay(width, height, clock, caption)
    given = clock.first_frame if (clock and start_time is not None) else None
    meta = metadata_args(info, s, keep_gps=keep_gps, first_frame=given)
    workdir = Path(tempfile.mkdtemp(prefix="evidence-stamp-"))
    try:
        shutil.copy(font_path(bold=True), workdir / "font.ttf")
        drawn = overlay.filters(workdir, position, clock if show_clock else None, caption)
        # size first, then colour, then the black boxes, then the text
        filters = jobs.short_side_at_most(short_side) + jobs.to_sdr(info.hdr)
        filters += jobs.redact_filters(regions, offset=s) + drawn
        doing = (_("Stamping {name}", name=source.name) if show_clock
                 else _("Covering private details in {name}", name=source.name))  # fmt: skip
        with (
            atomic_output(out, force=force, sources=[source]) as tmp,
            (progress or Progress.none()).one_step(
                doing, e - s, unit="seconds", weight=(e - s) * ENCODE_PER_SECOND
            ) as step,
        ):
            jobs.burn_in(source, tmp, s, e - s, filters, meta, workdir=workdir,
                         progress=step, hdr=info.hdr)  # fmt: skip
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    notes += _notes(clock, show_clock, s, regions)
    if info.hdr:
        # TRANSLATORS: {hdr} is the kind of HDR video: HLG or PQ
        notes.append(_("converted from HDR ({hdr}) to standard range (BT.709) for viewing",
                       hdr=info.hdr))  # fmt: skip
    if (width, height) != (info.width, info.height) and info.width:
        notes.append(
            _(
                "{width}x{height} for viewing (the original is {original_width}x{original_height})",
                width=width,
                height=height,
                original_width=info.width,
                original_height=info.height,
            )
        )
    result = VideoResult(
        source=source, output=out, operation="redacted" if regions else "drawing", start=s,
        end=e, requested_start=start, requested_end=end,
        first_frame_time=clock.first_frame if clock else None, notes=notes,
        warnings=truncation_warnings(info), size_bytes=out.stat().st_size,
    )  # fmt: skip
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
                "short_side": short_side,
                "hdr_converted": info.hdr or None,
            },
        )
    return result
