"""``evidence export``: a ready-to-upload folder for one platform.

Photos become JPEGs under the per-file limit (GPS dropped), the video is fitted under its
limit where the platform takes video (its stills go instead where it does not), the dossier
PDF and message.txt follow the platform's limits, and UPLOAD.txt says what to upload in which
order. Every file is recorded in the case manifest.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools.case import load_case
from evidence_tools.dossier.exhibits import Builder, Exhibit
from evidence_tools.errors import OutputError, UsageError
from evidence_tools.fsutil import atomic_output, write_text_atomic
from evidence_tools.platforms import Platform, platform

QUALITIES = (90, 82, 74)


@dataclass
class Upload:
    path: Path
    what: str
    size: int = 0


@dataclass
class ExportResult:
    folder: Path
    platform: Platform
    uploads: list[Upload] = field(default_factory=list)
    message_chars: int = 0
    warnings: list[str] = field(default_factory=list)
    aside: list[Path] = field(default_factory=list)  # made, but not for the upload form

    @property
    def total(self) -> int:
        return sum(u.size for u in self.uploads)


def shrink_photo(src: Path, dest: Path, max_bytes: int, *, force: bool = True) -> int:
    """An upright JPEG of ``src`` under ``max_bytes``: lower quality first, then smaller.

    GPS is dropped; the capture time stays. Returns the size written.
    """
    from PIL import Image

    from evidence_tools.annotate import open_upright, output_exif

    image, info = open_upright(src)
    exif = output_exif(info["exif"], keep_gps=False)
    icc = info["icc_profile"]

    def encode(scale: float, quality: int) -> bytes:
        work = image
        if scale < 1.0:
            size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
            work = image.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        kwargs: dict[str, Any] = {"exif": exif, "quality": quality}
        if icc:
            kwargs["icc_profile"] = icc
        work.save(buf, "JPEG", **kwargs)
        return buf.getvalue()

    def write(data: bytes) -> int:
        with atomic_output(dest, force=force, sources=[src]) as tmp:
            tmp.write_bytes(data)
        return len(data)

    data = b""
    for quality in QUALITIES:  # full size first, at falling quality
        data = encode(1.0, quality)
        if len(data) <= max_bytes:
            return write(data)
    # then smaller: JPEG size goes roughly with the pixel count
    scale = min(0.95, (max_bytes / len(data)) ** 0.5 * 0.95)
    for _ in range(8):
        data = encode(scale, QUALITIES[1])
        if len(data) <= max_bytes:
            return write(data)
        scale *= 0.85
    raise OutputError(
        f"could not get the photo under {max_bytes / 1e6:.1f} MB", path=src, hint="crop it first"
    )


def _slug(text: str, limit: int = 40) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep.strip("-")[:limit].strip("-") or "file"


def export_case(
    case_dir: str | Path,
    platform_key: str | None = None,
    output: str | Path | None = None,
    *,
    force: bool = False,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> ExportResult:
    """Make the upload folder for ``platform_key`` (default: the case's platform)."""
    from evidence_tools import video
    from evidence_tools.dossier.build import build_dossier
    from evidence_tools.dossier.text import ExhibitFacts, message
    from evidence_tools.integrity import record_output

    case = load_case(case_dir)
    plat = platform(platform_key or case.platform, case.platform_overrides)
    if plat.key == "other":
        raise UsageError(
            "say which platform to export for",
            hint="--platform aliexpress|ebay|amazon|temu|paypal|card",
        )
    folder = Path(output) if output is not None else case.exports / f"upload-{plat.key}"
    folder.mkdir(parents=True, exist_ok=True)
    builder = Builder(case, force=force)
    file_limit = int((plat.file_limit_mb or 10.0) * 1_000_000)
    video_limit = int((plat.video_limit_mb or plat.file_limit_mb or 50.0) * 1_000_000)

    def say(text: str) -> None:
        if progress is not None:
            progress(text)

    say("bringing the exhibits and the dossier up to date")
    dossier = build_dossier(
        case.root, max_mb=min(10.0, file_limit / 1e6 * 0.98), force=force, today=today
    )
    result = ExportResult(folder=folder, platform=plat, warnings=list(dossier.warnings))
    exhibits: list[Exhibit] = [ex for ex in dossier.exhibits if not ex.error]
    # plan: what goes up for each exhibit
    planned: list[tuple[Exhibit, str, Path, str]] = []  # exhibit, kind, source, caption
    for ex in exhibits:
        if ex.kind == "photo":
            planned.append((ex, "photo", ex.images[0].path, ex.caption))
        elif ex.kind == "video" and plat.takes_video:
            shown = next((p for p in ex.derived if p.suffix.lower() in (".mp4", ".mov")), None)
            planned.append((ex, "video", shown or ex.original, ex.caption))
        elif ex.kind == "video":
            for image in ex.images:
                note = f"{ex.caption}: still" + (
                    f" \u2014 {image.caption}" if image.caption else ""
                )
                planned.append((ex, "still", image.path, note))
        else:
            suffix = ex.original.suffix.lower().lstrip(".")
            if suffix in plat.file_types:
                planned.append((ex, "document", ex.original, ex.caption))
            else:
                result.warnings.append(
                    f"exhibit {ex.number} ({ex.original.name}) is a .{suffix} file, which "
                    f"{plat.name} does not take; it is described in the dossier"
                )
    images = [p for p in planned if p[1] in ("photo", "still")]
    photo_budget = file_limit
    if plat.total_limit_mb:
        room = plat.total_limit_mb * 1_000_000 * 0.97 - dossier.size_bytes
        room -= sum(p[2].stat().st_size for p in planned if p[1] == "document")
        if images:
            photo_budget = int(min(file_limit, room / len(images)))
        if photo_budget < 150_000 and images:
            raise OutputError(
                f"{len(images)} pictures cannot fit in {plat.name}'s "
                f"{plat.total_limit_mb:g} MB together",
                path=folder,
                hint="leave some exhibits out of case.toml",
            )

    def target(name: str) -> Path:
        path = folder / name
        if path.exists() and not builder.may_replace(path):
            raise OutputError(
                "exists and was not made by evidence-tools", path=path, hint="add --force"
            )
        return path

    for position, (ex, kind, source, caption) in enumerate(planned, start=1):
        stem = f"{position:02d}_exhibit-{ex.number}_{_slug(ex.original.stem)}"
        if kind in ("photo", "still"):
            dest = target(f"{stem}.jpg")
            say(f"photo {dest.name}")
            size = shrink_photo(source, dest, photo_budget)
            record_output(dest, sources=[source], operation="resized",
                          parameters={"platform": plat.key, "max_bytes": photo_budget,
                                      "gps": "removed"})  # fmt: skip
        elif kind == "video":
            dest = target(f"{stem}.mp4")
            say(f"video {dest.name}")
            if _ready_video(source, ex, video_limit):
                # already H.264 MP4 under the limit, without GPS: re-encoding would only lose
                with atomic_output(dest, force=True, sources=[source]) as tmp:
                    shutil.copyfile(source, tmp)
                record_output(dest, sources=[source], operation="placed",
                              parameters={"platform": plat.key})  # fmt: skip
                size = dest.stat().st_size
            else:
                fitted = video.fit(source, video_limit / 1_000_000, dest, force=True)
                size = fitted.size_bytes
        else:
            dest = target(f"{stem}{source.suffix.lower()}")
            if source.stat().st_size > file_limit:
                result.warnings.append(f"{source.name} is over {plat.name}'s per-file limit")
            with atomic_output(dest, force=True, sources=[source]) as tmp:
                shutil.copyfile(source, tmp)
            size = dest.stat().st_size
            record_output(dest, sources=[source], operation="placed",
                          parameters={"platform": plat.key})  # fmt: skip
        result.uploads.append(Upload(dest, f"Exhibit {ex.number}: {caption}", size))
    pdf = target("dossier.pdf")
    with atomic_output(pdf, force=True, sources=[dossier.pdf]) as tmp:
        shutil.copyfile(dossier.pdf, tmp)
    record_output(pdf, sources=[dossier.pdf], operation="placed", parameters={"platform": plat.key})
    if "pdf" in plat.file_types:
        result.uploads.insert(0, Upload(pdf, "The evidence dossier (PDF)", pdf.stat().st_size))
    else:
        result.aside.append(pdf)
    facts = [
        ExhibitFacts(
            ex.number,
            ex.kind,
            ex.item.caption,
            ex.item.defects,
            ex.info.captured_at if ex.info else None,
        )  # fmt: skip
        for ex in exhibits
    ]
    text = message(case, facts, limit=plat.message_limit)
    msg = target("message.txt")
    write_text_atomic(msg, text, force=True)
    record_output(msg, sources=[case.toml_path], operation="created",
                  parameters={"platform": plat.key, "limit": plat.message_limit})  # fmt: skip
    result.message_chars = len(text.strip())
    _check_limits(result, plat, file_limit, video_limit)
    upload = target("UPLOAD.txt")
    write_text_atomic(upload, upload_text(result, case.order.number), force=True)
    record_output(upload, sources=[case.toml_path], operation="created",
                  parameters={"platform": plat.key})  # fmt: skip
    return result


def _ready_video(source: Path, exhibit: Exhibit, limit: int) -> bool:
    if source.suffix.lower() != ".mp4" or source.stat().st_size > limit:
        return False
    if source == exhibit.original:
        return False  # an original keeps its GPS position: make a copy without it
    from evidence_tools.capture import read_capture

    info = read_capture(source)
    return info.video_codec == "h264" and info.audio_codec in ("aac", "") and info.gps is None


def _check_limits(result: ExportResult, plat: Platform, file_limit: int, video_limit: int) -> None:
    for item in result.uploads:
        limit = video_limit if item.path.suffix == ".mp4" else file_limit
        if item.size > limit:
            raise OutputError(
                f"{item.size / 1e6:.2f} MB is over {plat.name}'s {limit / 1e6:g} MB limit",
                path=item.path,
            )
    if plat.total_limit_mb and result.total > plat.total_limit_mb * 1_000_000:
        raise OutputError(
            f"the files come to {result.total / 1e6:.1f} MB, over {plat.name}'s "
            f"{plat.total_limit_mb:g} MB in total",
            path=result.folder,
        )


def upload_text(result: ExportResult, order_number: str) -> str:
    plat = result.platform
    lines = [
        f"Upload to {plat.name}" + (f" for order {order_number}" if order_number else ""),
        "",
        "1. Paste the text of message.txt into the dispute's description box "
        f"({result.message_chars} of {plat.message_limit} characters).",
        "2. Attach these files, in this order:",
    ]
    for n, item in enumerate(result.uploads, start=1):
        lines.append(f"   {n:2d}. {item.path.name}  ({item.size / 1e6:.2f} MB) \u2014 {item.what}")
    limits = []
    if plat.file_limit_mb:
        limits.append(f"{plat.file_limit_mb:g} MB per file")
    if plat.total_limit_mb:
        limits.append(f"{plat.total_limit_mb:g} MB together")
    for path in result.aside:
        lines.append(
            f"3. {path.name} is here too, but {plat.name}'s form takes no PDF: send it in the "
            "chat with the seller, or when you escalate, if you are asked for more."
        )
    lines += [
        "",
        f"Together: {result.total / 1e6:.2f} MB"
        + (f" (limits: {', '.join(limits)})" if limits else "")
        + ".",
        "Photos have no GPS position; their capture times are kept. The originals stay in the "
        "case's originals/ folder, unmodified: keep them until the dispute is closed.",
    ]
    if plat.deadline_rule:
        lines.append(f"Deadline rule: {plat.deadline_rule}.")
    return "\n".join(lines) + "\n"
