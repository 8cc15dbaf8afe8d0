"""``evidence dossier``: bring the exhibits up to date, then write the PDF and message.txt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from evidence_tools import __version__
from evidence_tools.capture import CaptureInfo
from evidence_tools.case import Case, load_case
from evidence_tools.dossier import text
from evidence_tools.dossier.exhibits import Exhibit, prepare_exhibits
from evidence_tools.dossier.pdf import DossierContent, ExhibitView, TimelineRow, missing_glyphs
from evidence_tools.errors import EvidenceError, OutputError
from evidence_tools.fsutil import atomic_output, write_text_atomic
from evidence_tools.integrity import Manifest, load_manifest
from evidence_tools.platforms import platform
from evidence_tools.timecode import format_timecode

# Pictures are placed at 150 dpi: sharp on screen and on paper, and 20 phone photos stay near
# 5 MB; the later steps are for --max-mb.
DPI_STEPS = (150, 110, 80, 60)


@dataclass
class DossierResult:
    pdf: Path
    message: Path
    pages: int
    size_bytes: int
    exhibits: list[Exhibit]
    rebuilt: list[Path]
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000  # type: ignore[assignment]
    return str(n)


def _when_text(info: CaptureInfo | None) -> tuple[str, str]:
    """(date-time with zone, source) as the dossier writes them."""
    if info is None or info.captured_at is None:
        return "unknown", "no capture time in the file"
    when = info.captured_at
    zone = info.zone or ("zone unknown" if when.tzinfo is None else "")
    stamp = f"{text.long_date(when)} {when:%H:%M:%S}"
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


SHOWN_WARNINGS = ("editor", "re-saved", "modified", "no capture time", "incomplete", "disagree")


def _exhibit_view(ex: Exhibit, manifest: Manifest) -> ExhibitView:
    try:
        rel = manifest.rel(ex.original)  # never an absolute path: it may name the user
    except EvidenceError:
        rel = ex.original.name
    view = ExhibitView(
        number=ex.number, title=ex.caption, kind=ex.kind, facts=[], images=[], hashes=[]
    )
    info = ex.info
    when, source = _when_text(info)
    device = _device(info)
    verb = "Recorded" if ex.kind == "video" else "Taken"
    if ex.kind in ("photo", "video"):
        line = f"{verb} {when}" if info and info.captured_at else "No capture time in the file"
        if device:
            line += f" on {device}"
        if info and info.captured_at:
            line += f" ({source})"
        view.facts.append(line + ".")
    if ex.kind == "video" and info is not None:
        length = info.decodable_duration or info.duration or 0.0
        line = f"Video {rel}: {format_timecode(length)} long"
        if info.width and info.height:
            line += f", {info.width}x{info.height}"
        if ex.trim_range:
            a, b = ex.trim_range
            line += f"; the part used runs from {format_timecode(a)} to {format_timecode(b)}"
            if ex.item.trim and a < ex.item.trim[0] - 1e-3:
                line += " (a lossless cut starts on the keyframe before the requested start)"
        view.facts.append(line + ".")
        if ex.item.stamp:
            view.facts.append(
                "The copy for viewing has the wall-clock time burned into every frame, "
                "restating the time above."
            )
        if ex.item.redact:
            view.facts.append(
                "Private details are covered with solid black in the copy for viewing and in "
                "the stills; the original is unchanged."
            )
    if ex.item.defects:
        view.facts.append(
            "Defects: " + ", ".join(d.replace("_", " ") for d in ex.item.defects) + "."
        )
    if info is not None:
        for warning in info.warnings:
            if any(key in warning for key in SHOWN_WARNINGS):
                view.notes.append(f"Note: {warning}.")
    view.notes += [f"Note: {n}." for n in ex.notes]
    for image in ex.images:
        caption = image.caption
        if image.at is not None and info is not None and info.captured_at is not None:
            moment = info.captured_at + dt.timedelta(seconds=image.at)
            caption = f"{format_timecode(image.at)} \u2014 {moment:%H:%M:%S}" + (
                f": {image.caption}" if image.caption else ""
            )
        elif image.at is not None:
            caption = f"{format_timecode(image.at)}" + (
                f": {image.caption}" if image.caption else ""
            )
        view.images.append((image.path, caption))
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
        rows.append(TimelineRow(text.long_date(order.placed), "Order placed", "case.toml",
                                sort_key=_sort_key(order.placed, zone)))  # fmt: skip
    if order.delivered:
        rows.append(TimelineRow(text.long_date(order.delivered), "Parcel delivered", "case.toml",
                                sort_key=_sort_key(order.delivered, zone)))  # fmt: skip
    for ex in exhibits:
        info = ex.info
        label = f"Exhibit {ex.number}: {ex.caption}"
        if info is None or info.captured_at is None:
            if ex.kind in ("photo", "video"):
                rows.append(
                    TimelineRow("unknown", label, "no capture time in the file",
                                "no capture time", sort_key=(1, dt.datetime.max))
                )  # fmt: skip
            continue
        when, source = _when_text(info)
        from evidence_tools.check import time_problems

        _, problems = time_problems(
            ex.kind, info.captured_at, zone, order.placed, order.delivered, today
        )
        flag = "; ".join(p.flag for p in problems)
        if not flag and info.captured_at.tzinfo is None:
            flag = "time zone unknown"
        rows.append(
            TimelineRow(when, label, source, flag, sort_key=_sort_key(info.captured_at, zone))
        )
    rows.sort(key=lambda r: r.sort_key)
    return rows


def _versions() -> list[tuple[str, str]]:
    import sys

    import exifread
    import PIL
    import reportlab

    from evidence_tools.ffmpeg import ffmpeg_version

    out = [("evidence-tools", __version__), ("Python", sys.version.split()[0])]
    try:
        out.append(("ffmpeg (imageio-ffmpeg)", ffmpeg_version()))
    except EvidenceError:
        out.append(("ffmpeg", "not available"))
    out += [("Pillow", PIL.__version__), ("exifread", getattr(exifread, "__version__", "?")),
            ("reportlab", reportlab.Version)]  # fmt: skip
    try:
        import pillow_heif

        out.append(("pillow-heif", pillow_heif.__version__))
    except ImportError:  # pragma: no cover
        pass
    return out


METHOD = [
    "Photos: the capture time is EXIF DateTimeOriginal (with SubSecTimeOriginal), with its "
    "offset from OffsetTimeOriginal when the camera wrote one; otherwise CreateDate "
    "(DateTimeDigitized); a file with only ModifyDate (DateTime) is marked as such, since that "
    "is when it was last saved, not taken. EXIF is read with exifread, and with Pillow where "
    "exifread cannot read the file (some HEIC and WebP files).",
    "Videos: the capture time is the QuickTime Keys CreationDate, which carries the local "
    "offset; otherwise the container's creation time (mvhd), which is UTC by the QuickTime "
    "specification. Container facts are read with ffmpeg.",
    "Time zones: a time that carries no offset is shown as local time with the zone unknown, "
    "or in the case's declared time zone, and then marked \u201czone assumed\u201d. The "
    "preparing computer's own time zone is never used.",
    "Derived files: annotated photos are new files (the original is untouched); redaction is a "
    "solid fill. Lossless video cuts copy the streams without re-encoding and start on a "
    "keyframe; the creation time of a cut is moved to its first frame. Every original and "
    "derived file is listed with its SHA-256 fingerprint and what it was made from.",
]


def build_dossier(
    case_dir: str | Path,
    output: str | Path | None = None,
    *,
    paper: str = "a4",
    max_mb: float = 10.0,
    force: bool = False,
    skip_broken: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int, Exhibit], None] | None = None,
) -> DossierResult:
    """Build exports/dossier.pdf and exports/message.txt from the case folder."""
    case = load_case(case_dir)
    root = case.root
    today = today or dt.date.today()
    if paper not in ("a4", "letter"):
        raise EvidenceError(f"unknown paper size {paper!r}", hint="a4 or letter")
    pdf_path = Path(output) if output is not None else case.exports / "dossier.pdf"
    msg_path = (
        pdf_path.with_name("message.txt")
        if output is None
        else pdf_path.with_suffix(".message.txt")
    )
    exhibits = prepare_exhibits(case, force=force, skip_broken=skip_broken, progress=progress)
    facts = [
        text.ExhibitFacts(
            number=ex.number,
            kind=ex.kind,
            caption=ex.item.caption,
            defects=ex.item.defects,
            captured_at=ex.info.captured_at if ex.info else None,
            zone_label=ex.info.zone if ex.info else "",
        )
        for ex in exhibits
        if not ex.error
    ]
    statement = text.statement(case, facts)
    warnings = list(statement.warnings)
    order = case.order
    plat = platform(case.platform, case.platform_overrides)
    cover = [
        ("Order number", order.number or "(not given)"),
        ("Platform", plat.name if case.platform != "other" else "other"),
        ("Item", order.item or "(not given)"),
        ("Seller", order.seller or "(not given)"),
        ("Amount paid", case.amount or "(not given)"),
        ("Claim", text.CLAIM_TITLES.get(case.claim, case.claim or "(not given)")),
        (
            "Requested",
            text.RESOLUTION_TITLES.get(case.resolution, case.resolution or "(not given)"),
        ),
    ]
    if order.tracking:
        cover.append(("Tracking number", order.tracking))
    if order.placed:
        cover.append(("Ordered", text.long_date(order.placed)))
    if order.delivered:
        cover.append(("Delivered", text.long_date(order.delivered)))
    cover += [("Exhibits", str(len(exhibits))), ("Prepared", text.long_date(today))]
    manifest = load_manifest(root)  # as the exhibits left it
    views = [_exhibit_view(ex, manifest) for ex in exhibits]
    rows = timeline(case, exhibits, today)
    for ex in exhibits:
        if ex.error:
            warnings.append(f"exhibit {ex.number} was left out: {ex.error}")
    all_text = list(statement.paragraphs) + [v.title for v in views] + [c[1] for c in cover]
    missing = missing_glyphs(all_text)
    if missing:
        sample = "".join(sorted(missing))[:12]
        warnings.append(
            f"the embedded font has no letters for {sample!r} (e.g. Chinese, Japanese or Korean): "
            "they print as empty boxes; write those fields in English or Latin letters"
        )
    content = DossierContent(
        title=f"Evidence dossier \u2014 order {order.number}"
        if order.number
        else "Evidence dossier",
        order_number=order.number,
        subject=" \u2014 ".join(
            x
            for x in (
                text.CLAIM_TITLES.get(case.claim, ""),
                f"order {order.number}" if order.number else "",
                plat.name if case.platform != "other" else "",
            )
            if x
        ),
        cover_rows=cover,
        statement=statement.paragraphs,
        timeline=rows,
        exhibits=views,
        integrity_rows=_integrity_rows(manifest),
        method=METHOD,
        versions=_versions(),
        prepared=today,
    )
    from evidence_tools.dossier.exhibits import Builder

    builder = Builder(case, force=force)
    for target in (pdf_path, msg_path):
        if target.exists() and not builder.may_replace(target):
            raise OutputError(
                "exists and was not made by evidence-tools from this case",
                path=target,
                hint="move it away or add --force",
            )
    notes: list[str] = []
    pages = 0
    from evidence_tools.dossier.pdf import write_pdf

    for dpi in DPI_STEPS:
        try:
            with atomic_output(pdf_path, force=True) as tmp:
                pages = write_pdf(tmp, content, paper=paper, dpi=dpi)
                size = tmp.stat().st_size
                if size > max_mb * 1_000_000 and dpi != DPI_STEPS[-1]:
                    raise _TooLarge(size)
        except _TooLarge:
            notes.append(
                f"at {dpi} dpi the PDF came to {size / 1e6:.1f} MB, over {max_mb:g} MB: "
                "building it again with smaller pictures"
            )
            continue
        if dpi != DPI_STEPS[0]:
            notes.append(f"pictures placed at {dpi} dpi to stay under {max_mb:g} MB")
        break
    size = pdf_path.stat().st_size
    if size > max_mb * 1_000_000:
        warnings.append(
            f"the PDF is {size / 1e6:.1f} MB, over the {max_mb:g} MB asked for, even at 72 dpi"
        )
    message = text.message(case, facts)
    write_text_atomic(msg_path, message, force=True)
    from evidence_tools.integrity import record_output

    shown = [img.path for ex in exhibits for img in ex.images if img.path.is_file()]
    record_output(
        pdf_path,
        sources=[ex.original for ex in exhibits if ex.original.is_file()] + shown,
        operation="placed",
        parameters={"paper": paper, "pages": pages, "prepared": today.isoformat()},
    )
    record_output(msg_path, sources=[case.toml_path], operation="created",
                  parameters={"limit": plat.message_limit, "characters": len(message)})  # fmt: skip
    rebuilt = [p for ex in exhibits for p in ex.rebuilt]
    return DossierResult(pdf_path, msg_path, pages, size, exhibits, rebuilt, warnings, notes)


class _TooLarge(Exception):
    pass


def _integrity_rows(manifest: Manifest) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for key, entry in sorted(
        manifest.files.items(), key=lambda kv: (kv[1].get("role") != "original", kv[0])
    ):
        if key.endswith(("dossier.pdf", "message.txt")):
            continue
        sources = entry.get("sources") or []
        made_from = ", ".join(s.get("path", "") for s in sources)
        role = entry.get("role", "")
        if role == "derived":
            role = f"derived: {entry.get('operation', '')}"
        rows.append(
            (key, role, _human_size(int(entry.get("size", 0))), entry.get("sha256", ""), made_from)
        )
    return rows
