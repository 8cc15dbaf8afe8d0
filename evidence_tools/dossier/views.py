"""What the dossier's pages say, from the exhibits and the manifest: each exhibit's facts,
the time line, and the rows of the file-integrity appendix."""

from __future__ import annotations

import datetime as dt

from evidence_tools.case.manifest import Manifest
from evidence_tools.case.model import Case
from evidence_tools.dossier.content import ExhibitView, TimelineRow
from evidence_tools.dossier.exhibits import Exhibit
from evidence_tools.errors import EvidenceError
from evidence_tools.metadata.credentials import summary
from evidence_tools.metadata.model import CaptureInfo, usable_duration
from evidence_tools.rules import time_problems
from evidence_tools.timecode import format_timecode, long_date

TIMELINE_CAPTION = 140  # characters of a caption in a time-line cell
TITLE_CAPTION = 120  # and in an exhibit page's heading; the page prints it whole below


def shortened(caption: str, limit: int, where: str) -> str:
    """``caption`` cut at a word to about ``limit`` characters, saying where the rest is."""
    if len(caption) <= limit:
        return caption
    cut = caption[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}\u2026 ({where})"


# the metadata warnings an arbiter should read on the exhibit's page
SHOWN_WARNINGS = (
    "meta.editor", "meta.resaved", "time.modification_only", "time.none", "video.truncated",
    "time.keys_mvhd_disagree",
)  # fmt: skip


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def when_text(info: CaptureInfo | None) -> tuple[str, str]:
    """(date-time with zone, source) as the dossier writes them."""
    if info is None or info.captured_at is None:
        return "unknown", "no capture time in the file"
    when = info.captured_at
    zone = info.zone or ("zone unknown" if when.tzinfo is None else "")
    stamp = f"{long_date(when)} {when:%H:%M:%S}"
    if when.tzinfo is not None:
        offset = when.strftime("%z")
        stamp += f" {offset[:3]}:{offset[3:]}" if offset else " UTC"
        if info.zone_assumed:
            stamp += f" (zone assumed: {zone})"
        elif zone and zone not in ("UTC",) and not zone.startswith(("+", "-")):
            stamp += f" ({zone})"
    else:
        stamp += " (local time, zone unknown)"
    return stamp, info.time_source


def _device(info: CaptureInfo | None) -> str:
    if info is None:
        return ""
    make, model = info.make.strip(), info.model.strip()
    if model.lower().startswith(make.lower()):
        make = ""
    return " ".join(x for x in (make, model) if x)


def _video_facts(ex: Exhibit, info: CaptureInfo, rel: str) -> list[str]:
    """How long the video is, the part used, and what the viewing copy adds or covers."""
    facts = []
    length = usable_duration(info)
    line = f"Video {rel}: {format_timecode(length)} long"
    if info.width and info.height:
        line += f", {info.width}x{info.height}"
    if ex.trim_range:
        a, b = ex.trim_range
        line += f"; the part used runs from {format_timecode(a)} to {format_timecode(b)}"
        if ex.item.trim and a < ex.item.trim[0] - 1e-3:
            line += " (a lossless cut starts on the keyframe before the requested start)"
    facts.append(line + ".")
    if ex.item.stamp:
        facts.append(
            "The copy for viewing has the wall-clock time burned into every frame, "
            "restating the time above."
        )
    if ex.item.redact:
        facts.append(
            "Private details are covered with solid black in the copy for viewing and in "
            "the stills; the original is unchanged."
        )
    if ex.scan is not None:
        from evidence_tools.dossier.label import checked_facts

        facts += checked_facts(ex.scan)
    return facts


def _image_caption(caption: str, at: float | None, info: CaptureInfo | None) -> str:
    """A still's caption: its position in the video and wall-clock time, then its note."""
    if at is None:
        return caption
    head = format_timecode(at)
    if info is not None and info.captured_at is not None:
        head += f" \u2014 {info.captured_at + dt.timedelta(seconds=at):%H:%M:%S}"
    return head + (f": {caption}" if caption else "")


def _capture_line(kind: str, info: CaptureInfo | None) -> str:
    """Recorded/Taken WHEN on DEVICE (SOURCE); a screenshot says it has no capture time."""
    when, source = when_text(info)
    device = _device(info)
    if info and info.captured_at:
        line = f"{'Recorded' if kind == 'video' else 'Taken'} {when}"
    elif info and info.screenshot:
        line = "A screenshot: no capture time recorded"
    else:
        line = "No capture time in the file"
    if device:
        line += f" on {device}"
    if info and info.captured_at:
        line += f" ({source})"
    return line + "."


def exhibit_view(ex: Exhibit, manifest: Manifest) -> ExhibitView:
    """What an exhibit's page says: when and on what it was recorded, the part used, the
    defects, the warnings a reader should see, the pictures and the fingerprints."""
    try:
        rel = manifest.rel(ex.original)  # never an absolute path: it may name the user
    except EvidenceError:
        rel = ex.original.name
    view = ExhibitView(
        number=ex.number, title=shortened(ex.caption, TITLE_CAPTION, "in full below"), kind=ex.kind,
        facts=[], images=[], hashes=[],
    )  # fmt: skip
    if len(ex.caption) > TITLE_CAPTION:
        view.facts.append(f"Caption: {ex.caption}")
    info = ex.info
    if ex.kind in ("photo", "video"):
        view.facts.append(_capture_line(ex.kind, info))
    if ex.kind == "video" and info is not None:
        view.facts += _video_facts(ex, info, rel)
    if info is not None and info.content_credentials:
        view.facts.append(
            f"Content Credentials (C2PA) of the original: {summary(info.content_credentials)}. "
            "Files made from it carry none of their own."
        )
    if ex.item.defects:
        view.facts.append(
            "Defects: " + ", ".join(d.replace("_", " ") for d in ex.item.defects) + "."
        )
    if info is not None:
        for warning in info.warnings:
            if warning.code in SHOWN_WARNINGS:
                view.notes.append(f"Note: {warning}.")
    view.notes += [f"Note: {n}." for n in ex.notes]
    view.images = [(i.path, _image_caption(i.caption, i.at, info)) for i in ex.images]
    view.hashes.append(("Original:", rel, ex.original_sha256))
    for path in ex.derived:
        if path.is_file():
            key = manifest.rel(path)
            entry = manifest.files.get(key, {})
            label = f"Made from it ({entry.get('operation', 'derived')}):"
            view.hashes.append((label, key, entry.get("sha256", "")))
    if ex.error:
        view.left_out = ex.error
    return view


def _sort_key(value: dt.datetime | dt.date, zone: dt.tzinfo | None) -> tuple[int, dt.datetime]:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None and zone is not None:
            value = value.astimezone(zone)
        return (0, value.replace(tzinfo=None))
    return (0, dt.datetime.combine(value, dt.time(0, 0)))


def timeline(case: Case, exhibits: list[Exhibit], today: dt.date) -> list[TimelineRow]:
    zone = case.zone()
    order = case.order
    rows: list[TimelineRow] = []
    if order.placed:
        rows.append(TimelineRow(long_date(order.placed), "Order placed", "case.toml",
                                sort_key=_sort_key(order.placed, zone)))  # fmt: skip
    if order.delivered:
        rows.append(TimelineRow(long_date(order.delivered), "Parcel delivered", "case.toml",
                                sort_key=_sort_key(order.delivered, zone)))  # fmt: skip
    for ex in exhibits:
        info = ex.info
        caption = shortened(ex.caption, TIMELINE_CAPTION, f"in full on Exhibit {ex.number}'s page")
        label = f"Exhibit {ex.number}: {caption}"
        if info is None or info.captured_at is None:
            if ex.kind in ("photo", "video"):
                screenshot = info is not None and info.screenshot
                rows.append(
                    TimelineRow("unknown", label,
                                "screenshot, no capture time recorded" if screenshot
                                else "no capture time in the file",
                                "" if screenshot else "no capture time",
                                sort_key=(1, dt.datetime.max))
                )  # fmt: skip
            continue
        when, source = when_text(info)
        _, problems = time_problems(
            ex.kind, info.captured_at, zone, order.placed, order.delivered, today
        )
        flag = "; ".join(p.flag for p in problems)
        if not flag and info.captured_at.tzinfo is None:
            flag = "time zone unknown"
        rows.append(
            TimelineRow(when, label, source, flag, sort_key=_sort_key(info.captured_at, zone))
        )
        if ex.label is not None and ex.label.at is not None:
            rows.append(_label_seen(ex, info, zone))
    rows.sort(key=lambda r: r.sort_key)
    return rows


def _label_seen(ex: Exhibit, info: CaptureInfo, zone: dt.tzinfo | None) -> TimelineRow:
    """The moment the label that matches the tracking number is seen in the video."""
    assert info.captured_at is not None
    seen = info.captured_at + dt.timedelta(seconds=ex.label.at)
    at = CaptureInfo(info.file, info.kind)
    at.captured_at, at.zone, at.zone_assumed = seen, info.zone, info.zone_assumed
    at.time_source = f"{info.time_source}, + {format_timecode(ex.label.at)} into the video"
    when, source = when_text(at)
    what = (f"Exhibit {ex.number}: the shipping label seen, its code reading {ex.label.text} "
            "(the order's tracking number)")  # fmt: skip
    return TimelineRow(when, what, source, sort_key=_sort_key(seen, zone))


def used_files(manifest: Manifest, exhibits: list[Exhibit]) -> set[str]:
    """The manifest keys of what this dossier uses: each exhibit's original and the files made
    from it that it shows or refers to. Upload folders made for one platform, grid previews
    and files made by an earlier recipe (a moment since removed) are not this dossier's."""
    paths = [ex.original for ex in exhibits] + [p for ex in exhibits for p in ex.derived]
    keys = set()
    for path in paths:
        try:
            keys.add(manifest.rel(path))
        except EvidenceError:
            continue
    return keys


def integrity_rows(
    manifest: Manifest, used: set[str] | None = None
) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for key, entry in sorted(
        manifest.files.items(), key=lambda kv: (kv[1].get("role") != "original", kv[0])
    ):
        if key.endswith(("dossier.pdf", "message.txt")) or (used is not None and key not in used):
            continue
        sources = entry.get("sources") or []
        made_from = ", ".join(s.get("path", "") for s in sources)
        role = entry.get("role", "")
        if role == "derived":
            role = f"derived: {entry.get('operation', '')}"
        rows.append(
            (key, role, human_size(int(entry.get("size", 0))), entry.get("sha256", ""), made_from)
        )
    return rows
