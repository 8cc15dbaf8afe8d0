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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from evidence_tools.case.loader import load_case
from evidence_tools.case.manifest import MANIFEST, record_output
from evidence_tools.case.model import Case
from evidence_tools.check import read_infos
from evidence_tools.dossier.build import (
    DossierResult,
    build_dossier,
    dossier_seconds,
    exhibit_facts,
)
from evidence_tools.dossier.exhibits import Builder, Exhibit, shown_seconds
from evidence_tools.dossier.message import Attached, message
from evidence_tools.errors import OutputError, UsageError
from evidence_tools.fsutil import all_or_nothing, atomic_output, write_text_atomic
from evidence_tools.i18n import Text, _, ngettext
from evidence_tools.images import open_upright, output_exif
from evidence_tools.metadata.model import CaptureInfo, kind_for
from evidence_tools.metadata.read import read_capture
from evidence_tools.platforms import PLATFORMS, Platform, platform
from evidence_tools.progress import FIT_PER_SECOND, PHOTO_SECONDS, Progress
from evidence_tools.video.fit import fit

QUALITIES = (90, 82, 74)


@dataclass
class Upload:
    path: Path
    what: str  # said in UPLOAD.txt, in the buyer's language
    size: int = 0


@dataclass
class ExportResult:
    folder: Path
    platform: Platform
    uploads: list[Upload] = field(default_factory=list)
    message_chars: int = 0
    warnings: list[str] = field(default_factory=list)  # in the buyer's language, shown as is
    aside: list[Path] = field(default_factory=list)  # made, but not for the upload form

    @property
    def total(self) -> int:
        return sum(u.size for u in self.uploads)


def shrink_photo(src: Path, dest: Path, max_bytes: int, *, force: bool = True) -> int:
    """An upright JPEG of ``src`` under ``max_bytes``: lower quality first, then smaller.

    GPS is dropped; the capture time stays. Returns the size written.
    """
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
    for _attempt in range(8):
        data = encode(scale, QUALITIES[1])
        if len(data) <= max_bytes:
            return write(data)
        scale *= 0.85
    raise OutputError(
        Text("could not get the photo under {size} MB", size=f"{max_bytes / 1e6:.1f}"),
        path=src,
        hint=Text("crop it first"),
    )


def _slug(text: str, limit: int = 40) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in text.lower())
    while "--" in keep:
        keep = keep.replace("--", "-")
    return keep.strip("-")[:limit].strip("-") or "file"


class _Planned:
    """One file to upload: which exhibit, what kind, made from which file, said how."""

    def __init__(self, exhibit: Exhibit, kind: str, source: Path, caption: str) -> None:
        self.exhibit, self.kind, self.source, self.caption = exhibit, kind, source, caption


def _plan(exhibits: list[Exhibit], plat: Platform, result: ExportResult) -> list[_Planned]:
    """What goes up for each exhibit: the photo, the viewing copy of a video (or its stills
    where the platform takes no video), a document the platform takes."""
    planned = []
    for ex in exhibits:
        if ex.kind == "photo":
            planned.append(_Planned(ex, "photo", ex.images[0].path, ex.caption))
        elif ex.kind == "video" and plat.takes_video:
            shown = next((p for p in ex.derived if p.suffix.lower() in (".mp4", ".mov")), None)
            planned.append(_Planned(ex, "video", shown or ex.original, ex.caption))
        elif ex.kind == "video":
            for image in ex.images:
                planned.append(_Planned(ex, "still", image.path, _still(ex.caption, image.caption)))
        elif ex.original.suffix.lower().lstrip(".") in plat.file_types:
            planned.append(_Planned(ex, "document", ex.original, ex.caption))
        else:
            result.warnings.append(
                # TRANSLATORS: {type} is the file's extension, e.g. .heic
                _(
                    "exhibit {number} ({file}) is a {type} file, which {platform} does not take; "
                    "it is described in the dossier",
                    number=ex.number,
                    file=ex.original.name,
                    type=ex.original.suffix.lower(),
                    platform=_(plat.name),
                )  # fmt: skip
            )
    return planned


def _still(caption: str, still: str) -> str:
    """What a still of a video exhibit is, for UPLOAD.txt."""
    if still:
        # TRANSLATORS: {caption} is the video exhibit's caption, {still} the still's own
        return _("{caption}: still \u2014 {still}", caption=caption, still=still)
    return _("{caption}: still", caption=caption)


def _photo_budget(planned: list[_Planned], plat: Platform, file_limit: int, dossier_size: int,
                  folder: Path) -> int:  # fmt: skip
    """Bytes each picture may take: the per-file limit, or its share of a total limit."""
    images = [p for p in planned if p.kind in ("photo", "still")]
    if not plat.total_limit_mb or not images:
        return file_limit
    room = plat.total_limit_mb * 1_000_000 * 0.97 - dossier_size
    room -= sum(p.source.stat().st_size for p in planned if p.kind == "document")
    budget = int(min(file_limit, room / len(images)))
    if budget < 150_000:
        raise OutputError(
            Text(
                "{n} pictures cannot fit in {platform}'s {limit} MB together",
                "{n} pictures cannot fit in {platform}'s {limit} MB together",
                len(images), platform=Text(plat.name), limit=f"{plat.total_limit_mb:g}",
            ),
            path=folder,
            hint=Text("leave some exhibits out of case.toml"),
        )  # fmt: skip
    return budget


class _Placer:
    """Writes the upload folder's files, each recorded in the manifest; a file there that
    evidence-tools did not make is never replaced without --force."""

    def __init__(self, builder: Builder, folder: Path, plat: Platform) -> None:
        self.builder, self.folder, self.plat = builder, folder, plat
        self.warnings: list[str] = []

    def target(self, name: str) -> Path:
        return self.builder.claim(self.folder / name)

    def copy(self, source: Path, dest: Path) -> int:
        with atomic_output(dest, force=True, sources=[source]) as tmp:
            shutil.copyfile(source, tmp)
        record_output(dest, sources=[source], operation="placed",
                      parameters={"platform": self.plat.key})  # fmt: skip
        return dest.stat().st_size

    def picture(self, source: Path, dest: Path, budget: int) -> int:
        size = shrink_photo(source, dest, budget)
        record_output(dest, sources=[source], operation="resized",
                      parameters={"platform": self.plat.key, "max_bytes": budget,
                                  "gps": "removed"})  # fmt: skip
        return size

    def video(
        self, source: Path, dest: Path, exhibit: Exhibit, limit: int, progress: Progress
    ) -> int:
        if _ready_video(source, exhibit, limit):
            # already H.264 MP4 under the limit, without GPS: re-encoding would only lose
            with progress.one_step(_("Copying {name}", name=source.name), weight=0.1):
                return self.copy(source, dest)
        return fit(source, limit / 1_000_000, dest, force=True, progress=progress).size_bytes

    def text(self, name: str, text: str, parameters: dict[str, Any], case_toml: Path) -> Path:
        path = self.folder / name
        if name == "message.txt":
            kept = self.builder.claim_message(path)
            if kept:
                self.warnings.append(kept)
        else:
            self.target(name)
        write_text_atomic(path, text, force=True)
        record_output(path, sources=[case_toml], operation="created",
                      parameters={"platform": self.plat.key, **parameters})  # fmt: skip
        return path


def _place(placer: _Placer, planned: list[_Planned], budget: int, video_limit: int,
           file_limit: int, result: ExportResult, progress: Progress) -> None:  # fmt: skip
    for position, item in enumerate(planned, start=1):
        ex, source = item.exhibit, item.source
        stem = f"{position:02d}_exhibit-{ex.number}_{_slug(ex.original.stem)}"
        if item.kind in ("photo", "still"):
            dest = placer.target(f"{stem}.jpg")
            with progress.one_step(_("Making {file}", file=dest.name), weight=PHOTO_SECONDS):
                size = placer.picture(source, dest, budget)
        elif item.kind == "video":
            dest = placer.target(f"{stem}.mp4")
            size = placer.video(source, dest, ex, video_limit, progress)
        else:
            dest = placer.target(f"{stem}{source.suffix.lower()}")
            if source.stat().st_size > file_limit:
                result.warnings.append(
                    _("{file} is over {platform}'s per-file limit", file=source.name,
                      platform=_(placer.plat.name))
                )  # fmt: skip
            size = placer.copy(source, dest)
        what = _("Exhibit {number}: {caption}", number=ex.number, caption=item.caption)
        result.uploads.append(Upload(dest, what, size))


def export_case(
    case_dir: str | Path,
    platform_key: str | None = None,
    output: str | Path | None = None,
    *,
    force: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    despite_errors: bool = False,
) -> ExportResult:
    """Make the upload folder for ``platform_key`` (default: the case's platform): plan what
    goes up, place the files within the limits, then write the texts. Like the dossier it
    holds, nothing is made over ``evidence check``'s errors unless ``despite_errors``."""
    case = load_case(case_dir)
    plat = platform(platform_key or case.platform, case.platform_overrides)
    if plat.key == "other":
        raise UsageError(
            Text("say which platform to export for"),
            hint="--platform " + "|".join(k for k in PLATFORMS if k != "other"),  # a command line
        )
    folder = Path(output) if output is not None else case.exports / f"upload-{plat.key}"
    file_limit = int((plat.file_limit_mb or 10.0) * 1_000_000)
    video_limit = int((plat.video_limit_mb or plat.file_limit_mb or 50.0) * 1_000_000)

    progress = progress or Progress.none()
    known = read_infos(case)
    with progress.forecast(dossier_seconds(case, known) + _placing_seconds(case, plat, known)):
        dossier = build_dossier(
            case.root,
            max_mb=min(10.0, file_limit / 1e6 * 0.98),
            force=force,
            today=today,
            despite_errors=despite_errors,
            progress=progress,
            infos=known,
        )
        # all or nothing: an upload folder that could not be filled (a full disk) is not left
        # half made, and the manifest does not list what is not there
        with all_or_nothing(folder, case.root / MANIFEST):
            folder.mkdir(parents=True, exist_ok=True)
            result = _fill(case, plat, folder, dossier, force, progress, file_limit, video_limit)
    return result


def _placing_seconds(case: Case, plat: Platform, infos: dict[str, CaptureInfo]) -> float:
    """About how long filling the folder takes, at most: each photo made under the limit,
    each video fitted (a copy, where one already fits, leaves the rest of the bar at once)."""
    total = 0.0
    for item in case.evidence:
        kind, info = kind_for(case.root / item.file), infos.get(item.file)
        if kind == "video" and info is not None and plat.takes_video:
            total += shown_seconds(item, info) * FIT_PER_SECOND
        elif kind == "video":
            total += PHOTO_SECONDS * max(1, len(item.moments))
        else:
            total += PHOTO_SECONDS
    return total


def _fill(
    case: Case,
    plat: Platform,
    folder: Path,
    dossier: DossierResult,
    force: bool,
    progress: Progress,
    file_limit: int,
    video_limit: int,
) -> ExportResult:
    """Plan what goes up, place the files within the limits, then write the texts."""
    result = ExportResult(folder=folder, platform=plat, warnings=list(dossier.warnings))
    exhibits = [ex for ex in dossier.exhibits if not ex.error]
    planned = _plan(exhibits, plat, result)
    budget = _photo_budget(planned, plat, file_limit, dossier.size_bytes, folder)
    placer = _Placer(Builder(case, force=force), folder, plat)
    _place(placer, planned, budget, video_limit, file_limit, result, progress)
    pdf = placer.target("dossier.pdf")
    size = placer.copy(dossier.pdf, pdf)
    if "pdf" in plat.file_types:
        result.uploads.insert(0, Upload(pdf, _("The evidence dossier (PDF)"), size))
    else:
        result.aside.append(pdf)
    attached = Attached(pdf="pdf" in plat.file_types)
    for item in planned:  # what this folder holds, and nothing else
        kind = {"photo": "photos", "still": "stills", "video": "video", "document": "documents"}
        numbers = getattr(attached, kind[item.kind])
        if item.exhibit.number not in numbers:
            numbers.append(item.exhibit.number)
    text = message(case, exhibit_facts(exhibits), attached, limit=plat.message_limit,
                   platform_name=plat.name)  # fmt: skip
    placer.text("message.txt", text, {"limit": plat.message_limit}, case.toml_path)
    result.message_chars = len(text.strip())
    _check_limits(result, plat, file_limit, video_limit)
    placer.text("UPLOAD.txt", upload_text(result, case.order.number), {}, case.toml_path)
    result.warnings += placer.warnings
    return result


def _ready_video(source: Path, exhibit: Exhibit, limit: int) -> bool:
    if source.suffix.lower() != ".mp4" or source.stat().st_size > limit:
        return False
    if source == exhibit.original:
        return False  # an original keeps its GPS position: make a copy without it
    info = read_capture(source)
    return (
        info.video_codec == "h264"
        and info.audio_codec in ("aac", "")
        and info.gps is None
        and not info.hdr  # an HDR file plays washed out where the platform shows it
    )


def _check_limits(result: ExportResult, plat: Platform, file_limit: int, video_limit: int) -> None:
    for item in result.uploads:
        limit = video_limit if item.path.suffix == ".mp4" else file_limit
        if item.size > limit:
            raise OutputError(
                Text(
                    "{size} MB is over {platform}'s {limit} MB limit",
                    size=f"{item.size / 1e6:.2f}",
                    platform=Text(plat.name),
                    limit=f"{limit / 1e6:g}",
                ),
                path=item.path,
            )
    if plat.total_limit_mb and result.total > plat.total_limit_mb * 1_000_000:
        raise OutputError(
            Text(
                "the files come to {size} MB, over {platform}'s {limit} MB in total",
                size=f"{result.total / 1e6:.1f}", platform=Text(plat.name),
                limit=f"{plat.total_limit_mb:g}",
            ),
            path=result.folder,
        )  # fmt: skip


def upload_text(result: ExportResult, order_number: str) -> str:
    """UPLOAD.txt: what the buyer uploads where, in which order, in the buyer's language."""
    plat = result.platform
    name = _(plat.name)
    if order_number:
        title = _("Upload to {platform} for order {order}", platform=name, order=order_number)
    else:
        title = _("Upload to {platform}", platform=name)
    lines = [
        title,
        "",
        # TRANSLATORS: {n} is the platform's limit, {used} how many characters message.txt has
        ngettext(
            "1. Paste the text of message.txt into the dispute's description box "
            "({used} of {n} characters).",
            "1. Paste the text of message.txt into the dispute's description box "
            "({used} of {n} characters).",
            plat.message_limit, used=result.message_chars,
        ),
        _("2. Attach these files, in this order:"),
    ]  # fmt: skip
    for n, item in enumerate(result.uploads, start=1):
        # TRANSLATORS: one file to attach: its place in the order, name, size and what it is
        line = _("{number}. {file}  ({size} MB) \u2014 {what}", number=f"{n:2d}",
                 file=item.path.name, size=f"{item.size / 1e6:.2f}", what=item.what)  # fmt: skip
        lines.append("   " + line)
    for path in result.aside:
        lines.append(
            _(
                "3. {file} is here too, but {platform}'s form takes no PDF: send it in the chat "
                "with the seller, or when you escalate, if you are asked for more.",
                file=path.name, platform=name,
            )
        )  # fmt: skip
    lines += [
        "",
        _together(result.total, plat),
        _(
            "Photos have no GPS position; their capture times are kept. The originals stay in "
            "the case's originals/ folder, unmodified: keep them until the dispute is closed."
        ),
    ]
    if plat.deadline_rule:
        lines.append(_("Deadline rule: {rule}.", rule=_(plat.deadline_rule)))
    return "\n".join(lines) + "\n"


def _together(total: int, plat: Platform) -> str:
    """The folder's size, and the platform's limits when it has any."""
    size = f"{total / 1e6:.2f}"
    per_file = f"{plat.file_limit_mb:g}" if plat.file_limit_mb else ""
    in_all = f"{plat.total_limit_mb:g}" if plat.total_limit_mb else ""
    if per_file and in_all:
        return _(
            "Together: {size} MB (limits: {per_file} MB per file, {in_all} MB together).",
            size=size, per_file=per_file, in_all=in_all,
        )  # fmt: skip
    if per_file:
        return _("Together: {size} MB (limits: {per_file} MB per file).", size=size,
                 per_file=per_file)  # fmt: skip
    if in_all:
        return _("Together: {size} MB (limits: {in_all} MB together).", size=size, in_all=in_all)
    return _("Together: {size} MB.", size=size)
