"""``evidence meta``: capture metadata of photos and videos as a table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import click

from evidence_tools.cli._common import progress_bar, warn
from evidence_tools.cli._i18n import command, option
from evidence_tools.errors import CaseError, ExitCode
from evidence_tools.i18n import N_, _

CSV_FIELDS = [
    "file", "kind", "captured_at", "captured_at_utc", "time_source", "zone_assumed", "zone",
    "make", "model", "software", "gps_lat", "gps_lon", "gps_alt", "orientation", "width",
    "height", "rotation", "duration", "warnings", "error",
]  # fmt: skip
KINDS = {"photo": N_("photo"), "video": N_("video")}  # the words the table says them in


def _case_zone(path: Path, cache: dict[Path, str]) -> str:
    """The timezone of the case holding ``path``, if any ('' when none or unreadable)."""
    from evidence_tools.case.layout import find_case_root
    from evidence_tools.case.loader import load_case

    root = find_case_root(path.parent if not path.is_dir() else path)
    if root is None:
        return ""
    if root not in cache:
        try:
            cache[root] = load_case(root).timezone
        except CaseError as exc:
            warn(_("{error}; its timezone is not used", error=exc.one_line()))
            cache[root] = ""
    return cache[root]


def _format_time(row: dict) -> str:
    when = row["captured_at"]
    if not when:
        return "-"
    text = re.sub(r"([+-]\d{2}:\d{2}|Z)$", r" \1", when.replace("T", " "))
    if row["zone_assumed"]:
        return _("{time} (zone assumed)", time=text)
    if row["captured_at_utc"] is None:
        return _("{time} (zone unknown)", time=text)
    return text


def render_table(rows: list[dict]) -> str:
    from evidence_tools.metadata.credentials import summary

    out = []
    for row in rows:
        name = row["file"]
        if row["error"]:
            out.append(name)
            out.append("  " + _("ERROR {error}", error=row["error"]))
            continue
        out.append(f"{name}")
        out.append("  " + _what(row))
        out.append("  " + _("taken {time}", time=_format_time(row)))
        if row["time_source"]:
            # TRANSLATORS: where the capture time was read, e.g. "EXIF DateTimeOriginal"; the
            # two spaces line it up with "taken" above
            out.append("  " + _("from  {source}", source=row["time_source"]))
        if row.get("content_credentials"):
            out.append(f"  C2PA  {summary(row['content_credentials'])}")
        for warning in row["warnings"]:
            out.append(f"  ! {warning}")
    return "\n".join(out)


def _what(row: dict) -> str:
    """What the file is: a photo or a video, its size, its length, the device."""
    device = " ".join(x for x in (row["make"], row["model"]) if x) or _("unknown device")
    size = f"{row['width']}x{row['height']}" if row["width"] else "?"
    kind = f"{_(KINDS.get(row['kind'], row['kind'])):<5}"
    if row.get("duration"):
        # TRANSLATORS: {kind} is "photo" or "video", {size} its width x height in pixels,
        # {seconds} its length
        return _("{kind} {size}, {seconds} s, {device}", kind=kind, size=size,
                 seconds=f"{row['duration']:.1f}", device=device)  # fmt: skip
    # TRANSLATORS: {kind} is "photo" or "video", {size} its width x height in pixels
    return _("{kind} {size}, {device}", kind=kind, size=size, device=device)


def render_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        gps = row.get("gps") or {}
        flat.update(gps_lat=gps.get("lat"), gps_lon=gps.get("lon"), gps_alt=gps.get("alt"))
        flat["warnings"] = "; ".join(row["warnings"])
        writer.writerow(flat)
    return buf.getvalue()


def _add_scans(rows: list[dict], infos: list) -> None:
    """Each readable video's scan (video.scan), as check reads it."""
    from evidence_tools.video.scan import scan_video

    for row, info in zip(rows, infos, strict=True):
        if info.kind == "video" and info.video_codec and not info.error:
            row["scan"] = scan_video(Path(info.file)).to_dict()


@command(
    "meta",
    epilog="""\b
Examples:
  evidence meta IMG_2001.HEIC IMG_1234.MOV
  evidence meta my-case/originals --json
  evidence meta ~/Pictures --recursive --csv > photos.csv
  evidence meta DSCN0010.jpg --tz Europe/Rome
""",
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@option("--json", "as_json", is_flag=True, help="A JSON array, one object per file.")
@option("--csv", "as_csv", is_flag=True, help="CSV with a header row.")
@option(
    "--tz",
    "tz",
    metavar="ZONE",
    help="Zone for times that carry none (default: the case's timezone).",
)
@option("-r", "--recursive", is_flag=True, help="Look into sub-folders too.")
@option(
    "--scan/--no-scan",
    default=True,
    help="With --json: also scan each video for cuts, missing frames, editors' marks and a "
    "label's barcode (one decode of each video).",
)
def meta_cmd(
    paths: tuple[Path, ...],
    as_json: bool,
    as_csv: bool,
    tz: str | None,
    recursive: bool,
    scan: bool,
) -> None:
    """Show when, where and on what each photo or video was recorded, and how we know.

    A time without a zone is shown as local time with the zone unknown, unless --tz (or the
    case's timezone) names one; then the output says the zone was assumed. The computer's own
    zone is never used.
    """
    from evidence_tools.metadata.read import collect_media, read_many
    from evidence_tools.rules import parse_zone

    if as_json and as_csv:
        raise click.UsageError(_("choose one of --json and --csv"))
    if tz:
        parse_zone(tz)  # a bad zone is a usage error before any work
    files = collect_media(list(paths), recursive=recursive)
    if not files:
        raise click.UsageError(_("no photos or videos found in the given folders"))
    cache: dict[Path, str] = {}
    items = [(f, tz or _case_zone(f, cache)) for f in files]
    with progress_bar() as progress:
        infos = read_many(items, progress=progress)
    rows = [info.to_dict() for info in infos]
    if as_json:
        if scan:
            _add_scans(rows, infos)
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif as_csv:
        click.echo(render_csv(rows), nl=False)
    else:
        click.echo(render_table(rows))
    if any(row["error"] for row in rows):
        click.get_current_context().exit(int(ExitCode.SOME_INPUTS_FAILED))
