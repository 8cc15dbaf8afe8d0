"""``evidence video trim|stamp|frames|fit``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from evidence_tools.cli._common import progress_bar, recorded, say, warn
from evidence_tools.cli._i18n import group, option
from evidence_tools.i18n import Text, _

if TYPE_CHECKING:
    from evidence_tools.errors import UsageError


class TimeParam(click.ParamType):
    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> float:
        from evidence_tools.errors import UsageError
        from evidence_tools.timecode import parse_timecode

        if isinstance(value, float):
            return value
        try:
            return parse_timecode(value)
        except UsageError as exc:
            self.fail(f"{exc.message} ({exc.hint})", param, ctx)


TIME = TimeParam()


class BoxParam(click.ParamType):
    """X,Y,W,H fractions, optionally followed by FROM,TO times of the source; checked by the
    same rule as case.toml's ``redact``."""

    name = "X,Y,W,H[,FROM,TO]"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from evidence_tools.errors import UsageError
        from evidence_tools.rules import RedactBox, redact_box
        from evidence_tools.timecode import parse_timecode

        if isinstance(value, RedactBox):
            return value
        parts = str(value).split(",")
        said = repr(value)
        if len(parts) not in (4, 6):
            self.fail(_("{value}: expected X,Y,W,H or X,Y,W,H,FROM,TO", value=said), param, ctx)
        try:
            box = [float(v) for v in parts[:4]]
            times = [parse_timecode(v) for v in parts[4:]]
            return redact_box(box + times, 1)
        except ValueError:
            self.fail(
                _("{value}: expected fractions like 0.1,0.2,0.3,0.1[,0:00,0:03]", value=said),
                param,
                ctx,
            )
        except UsageError as exc:
            self.fail(_about_value(exc, said), param, ctx)


def _about_value(exc: UsageError, value: str) -> str:
    """The rule's refusal said of the option's value, where case.toml's is said of its "redact
    box 1": the same sentence with the value in its place."""
    text = exc.text
    if isinstance(text, Text) and "where" in text.params:
        return str(Text(text.msgid, text.plural, text.n, **{**text.params, "where": value}))
    return _("{where}: {message}", where=value, message=exc.message)


BOX = BoxParam()
_redact = option(
    "--redact",
    "redact",
    type=BOX,
    multiple=True,
    help="Cover X,Y,W,H (fractions of the upright picture) with solid black, in every frame "
    "or from FROM to TO.",
)


def _zone(src: Path, tz: str | None) -> tuple[dt.tzinfo | None, str]:
    """--tz, else the timezone of the case holding ``src``, else none."""
    from evidence_tools.case.layout import find_case_root
    from evidence_tools.case.loader import load_case
    from evidence_tools.rules import parse_zone

    if tz:
        return parse_zone(tz), tz
    root = find_case_root(src.parent)
    if root is not None:
        name = load_case(root).timezone
        if name:
            return parse_zone(name), name
    return None, ""


def _report(result: Any, as_json: bool) -> None:
    for note in result.notes:
        say(note)
    for warning in result.warnings:
        warn(warning)
    if result.recorded_in is not None:
        say(recorded(result.recorded_in, result.operation))
    if as_json:
        import json

        click.echo(
            json.dumps(
                {
                    "output": str(result.output),
                    "operation": result.operation,
                    "start": result.start,
                    "end": result.end,
                    "first_frame_time": result.first_frame_time.isoformat()
                    if result.first_frame_time
                    else None,
                    "size_bytes": result.size_bytes,
                    "notes": result.notes,
                    "warnings": result.warnings,
                },
                indent=2,
            )
        )
    else:
        click.echo(str(result.output))


@group(
    "video",
    epilog="""\b
Examples:
  evidence video trim IMG_1234.MOV --start 0:45 --end 3:10
  evidence video stamp IMG_1234.MOV --start 0:45 --end 3:10 --caption "Order 8123456789012345"
  evidence video frames IMG_1234.MOV --at 0:52 --at 2:31 --caption
  evidence video fit IMG_1234_stamped.mp4 --max-mb 50
""",
)
def video_group() -> None:
    """Trim, time-stamp, take stills from and shrink unboxing videos."""


_output = option("-o", "--output", type=click.Path(path_type=Path), help="Output file.")
_force = option("--force", is_flag=True, help="Replace an existing output.")
_keep_gps = option("--keep-gps", is_flag=True, help="Keep the GPS position (dropped by default).")
_json = option("--json", "as_json", is_flag=True, help="Print the result as JSON.")


@video_group.command(
    "trim",
    epilog="""\b
Examples:
  evidence video trim IMG_1234.MOV --start 0:45 --end 3:10
  evidence video trim IMG_1234.MOV --start 0:45 --end 3:10 --exact -o cut.mp4
""",
)
@click.argument("source", type=click.Path(path_type=Path))
@option("--start", type=TIME, help="Where to start (SS, MM:SS or HH:MM:SS[.ms]).")
@option("--end", type=TIME, help="Where to end (default: the end).")
@option("--exact", is_flag=True, help="Re-encode to start on the exact frame.")
@_output
@_keep_gps
@_force
@_json
def trim_cmd(
    source: Path,
    start: float | None,
    end: float | None,
    exact: bool,
    output: Path | None,
    keep_gps: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Cut a part of a video. Lossless by default: streams are copied, so the cut starts on the
    keyframe at or before --start (and says so); --exact re-encodes for a frame-exact start.

    The output's creation time is moved to its first frame, so it still tells when it was shot.
    """
    from evidence_tools.video.trim import trim

    with progress_bar() as progress:
        result = trim(
            source, start, end, output, exact=exact, keep_gps=keep_gps, force=force,
            progress=progress,
        )  # fmt: skip
    _report(result, as_json)


@video_group.command(
    "stamp",
    epilog="""\b
Examples:
  evidence video stamp IMG_1234.MOV
  evidence video stamp IMG_1234.MOV --start 0:45 --end 3:10 --caption "Order 8123456789012345"
  evidence video stamp screen.webm --start-time 2026-11-20T17:03:11+03:00
  evidence video stamp IMG_1234.MOV --redact 0.30,0.40,0.40,0.15   (cover the address)
""",
)
@click.argument("source", type=click.Path(path_type=Path))
@option("--start", type=TIME, help="Trim: where to start.")
@option("--end", type=TIME, help="Trim: where to end.")
@option(
    "--start-time",
    metavar="ISO",
    help="Wall-clock time of the source's first frame, for videos without one.",
)
@option("--tz", metavar="ZONE", help="Zone to show (default: the video's, or the case's).")
@option("--caption", default="", help="A second line, e.g. the order number.")
@option(
    "--position",
    type=click.Choice(["bottom-left", "bottom-right", "top-left", "top-right"]),
    default="bottom-left",
    show_default=True,
)
@_redact
@option("--no-clock", is_flag=True, help="Draw no clock (e.g. only --redact).")
@option(
    "--full-size",
    is_flag=True,
    help="Keep the full picture size (default: at most 1080 pixels on the short side).",
)
@_output
@_keep_gps
@_force
@_json
def stamp_cmd(
    source: Path,
    start: float | None,
    end: float | None,
    start_time: str | None,
    tz: str | None,
    caption: str,
    position: str,
    redact: tuple[Any, ...],
    no_clock: bool,
    full_size: bool,
    output: Path | None,
    keep_gps: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Burn the capture date and time of every frame into the picture (H.264 MP4, upright,
    audio kept, at most 1080 pixels on the short side, HDR converted to standard range). With
    --start/--end it trims in the same encode.

    The time comes from the video's metadata (QuickTime Keys CreationDate carries the zone);
    without a zone it is shown in --tz or the case's zone, else in UTC, and says so.
    """
    from evidence_tools.rules import start_time as parse_start_time
    from evidence_tools.video.stamp import VIEWING_SHORT_SIDE, stamp

    begin = parse_start_time(start_time) if start_time else None
    zone, zone_name = _zone(source, tz)
    with progress_bar() as progress:
        result = stamp(
            source, output, start=start, end=end, start_time=begin, zone=zone,
            zone_name=zone_name, caption=caption, position=position, keep_gps=keep_gps,
            force=force, progress=progress, redact=redact, show_clock=not no_clock,
            short_side=None if full_size else VIEWING_SHORT_SIDE,
        )  # fmt: skip
    _report(result, as_json)


@video_group.command(
    "frames",
    epilog="""\b
Examples:
  evidence video frames IMG_1234.MOV --at 0:52 --at 2:31 --caption
  evidence video frames IMG_1234.MOV --every 10 -o stills/
  evidence video frames IMG_1234.MOV --sheet 4x3
""",
)
@click.argument("source", type=click.Path(path_type=Path))
@option("--at", "at", type=TIME, multiple=True, help="A still at this time (repeatable).")
@option("--note", "notes", multiple=True, help="A note for each --at, in order.")
@option("--every", type=TIME, help="A still every so many seconds.")
@option("--sheet", metavar="COLSxROWS", help="One contact sheet of evenly spaced stills.")
@option("--caption", is_flag=True, help="Write the wall-clock time (and note) on each still.")
@option("--tz", metavar="ZONE", help="Zone for the wall-clock times.")
@_redact
@option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Folder for the stills (or the sheet's file name).",
)
@_force
def frames_cmd(
    source: Path,
    at: tuple[float, ...],
    notes: tuple[str, ...],
    every: float | None,
    sheet: str | None,
    caption: bool,
    tz: str | None,
    redact: tuple[Any, ...],
    output: Path | None,
    force: bool,
) -> None:
    """Upright JPEG stills at given times, named by their position and wall-clock time, or a
    contact sheet for the dossier."""
    from evidence_tools.video.stills import contact_sheet, frames

    zone, zone_name = _zone(source, tz)
    if sheet:
        match = re.fullmatch(r"(\d+)x(\d+)", sheet.strip().lower())
        if not match:
            raise click.BadParameter(_("write it as COLSxROWS, e.g. 4x3"), param_hint="--sheet")
        made = contact_sheet(
            source, int(match.group(1)), int(match.group(2)), output, force=force, zone=zone,
            zone_name=zone_name, redact=redact,
        )  # fmt: skip
        for warning in made.warnings:
            warn(warning)
        click.echo(str(made.path))
        return
    if notes and len(notes) != len(at):
        warn(_("there are not as many --note as --at; the extra ones are left out"))
    result = frames(
        source, at=at, every=every, notes=notes, outdir=output, caption=caption, force=force,
        zone=zone, zone_name=zone_name, redact=redact,
    )  # fmt: skip
    for warning in result.warnings:
        warn(warning)
    for still in result.stills:
        click.echo(str(still.path))


@video_group.command(
    "fit",
    epilog="""\b
Examples:
  evidence video fit IMG_1234_stamped.mp4 --max-mb 50
  evidence video fit IMG_1234.MOV --max-mb 5 -o small.mp4
""",
)
@click.argument("source", type=click.Path(path_type=Path))
@option("--max-mb", type=float, required=True, help="The upload limit in megabytes.")
@_output
@_keep_gps
@_force
@_json
def fit_cmd(
    source: Path, max_mb: float, output: Path | None, keep_gps: bool, force: bool, as_json: bool
) -> None:
    """Re-encode (H.264 + AAC, MP4, two-pass) to land under an upload limit, shrinking the
    picture when the bitrate would make full size unreadable. Never exceeds the limit."""
    from evidence_tools.video.fit import fit

    with progress_bar() as progress:
        result = fit(source, max_mb, output, keep_gps=keep_gps, force=force, progress=progress)
    _report(result, as_json)
