"""``evidence dossier``: bring the exhibits up to date, then write the PDF and message.txt.

The build runs in named steps: the exhibits (``prepare_exhibits``), the content of every page
(``assemble``), the PDF written at the largest picture resolution that stays under the size
limit (``fit_to_size``), and the record of both files in the manifest (``record``).
"""

from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import exifread
import PIL
import pillow_heif
import reportlab

from evidence_tools import __version__
from evidence_tools.case.loader import load_case
from evidence_tools.case.manifest import MANIFEST, load_manifest, record_output
from evidence_tools.case.model import Case
from evidence_tools.check import check_case, read_infos
from evidence_tools.checks_video import scan_seconds
from evidence_tools.dossier import text
from evidence_tools.dossier.comparison import comparison_views
from evidence_tools.dossier.content import DossierContent, missing_glyphs
from evidence_tools.dossier.exhibits import Builder, Exhibit, prepare_exhibits, work_seconds
from evidence_tools.dossier.label import label_still
from evidence_tools.dossier.message import message as write_message
from evidence_tools.dossier.message import sentences as message_sentences
from evidence_tools.dossier.pdf import write_pdf
from evidence_tools.dossier.points import said_points
from evidence_tools.dossier.translation import write_translation
from evidence_tools.dossier.views import exhibit_view, integrity_rows, timeline, used_files
from evidence_tools.errors import CheckFailedError, EvidenceError, UsageError
from evidence_tools.ffmpeg.runner import ffmpeg_version
from evidence_tools.findings import lines
from evidence_tools.fsutil import all_or_nothing, atomic_output, write_text_atomic
from evidence_tools.i18n import ENGLISH, Text, _, current, language
from evidence_tools.metadata.credentials import TRUST_LIST_DATE
from evidence_tools.metadata.model import CaptureInfo, kind_for, usable_duration
from evidence_tools.platforms import platform
from evidence_tools.progress import Progress
from evidence_tools.timecode import long_date

# Pictures are placed at 150 dpi: sharp on screen and on paper, and 20 phone photos stay near
# 5 MB; the later steps are for --max-mb.
DPI_STEPS = (150, 110, 80, 60)

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
    "HDR video (HLG or PQ, as phones record by default) is converted to standard range "
    "(BT.709) for the copy for viewing, the stills and the contact sheets, so colours show as "
    "recorded on an ordinary screen; the copy for viewing is at most 1080 pixels on its short "
    "side. The original keeps its full range and size.",
    "Content Credentials (C2PA) are signed records a phone, camera or app attaches to a file: "
    "valid ones show the file is unchanged since it was signed, by whom and with what, and "
    "they are trusted when the signer is on the C2PA trust list (the list bundled here is of "
    f"{TRUST_LIST_DATE}). They do not show that what the picture shows is true, nor that a "
    "file without them was changed.",
    "Derived files: annotated photos are new files (the original is untouched); redaction is a "
    "solid fill. Lossless video cuts copy the streams without re-encoding and start on a "
    "keyframe; the creation time of a cut is moved to its first frame. Every original and "
    "derived file is listed with its SHA-256 fingerprint and what it was made from.",
]


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
    translation: Path | None = None  # statement.LANG.pdf, for a buyer reading another language


def _versions() -> list[tuple[str, str]]:
    out = [("evidence-tools", __version__), ("Python", sys.version.split()[0])]
    try:
        out.append(("ffmpeg (imageio-ffmpeg)", ffmpeg_version()))
    except EvidenceError:
        out.append(("ffmpeg", "not available"))
    out += [("Pillow", PIL.__version__), ("exifread", getattr(exifread, "__version__", "?")),
            ("reportlab", reportlab.Version)]  # fmt: skip
    return out + [("pillow-heif", pillow_heif.__version__)]


def _cover(case: Case, exhibits: int, today: dt.date) -> list[tuple[str, str]]:
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
        cover.append(("Ordered", long_date(order.placed)))
    if order.delivered:
        cover.append(("Delivered", long_date(order.delivered)))
    return cover + [("Exhibits", str(exhibits)), ("Prepared", long_date(today))]


def exhibit_facts(exhibits: list[Exhibit]) -> list[text.ExhibitFacts]:
    """What the statement and the message may say of each exhibit that was not left out."""
    return [
        text.ExhibitFacts(
            number=ex.number, kind=ex.kind, caption=ex.item.caption, defects=ex.item.defects,
            captured_at=ex.info.captured_at if ex.info else None,
            zone_label=ex.info.zone if ex.info else "",
            continuous=ex.item.continuous, shown=ex.trim_range,
            label=(ex.label.at, ex.label.text) if ex.label is not None else None,
            length=usable_duration(ex.info) if ex.info and ex.kind == "video" else None,
        )
        for ex in exhibits
        if not ex.error
    ]  # fmt: skip


def _unprintable(case: Case, views: list[Any]) -> list[str]:
    """Characters no embedded font draws (emoji, say), said once for each field that has
    them: they would print as empty boxes."""
    order = case.order
    fields = [(_("the item's name"), order.item), (_("the seller's name"), order.seller),
              (_("your own words"), case.own_words), (_("the amount"), case.amount),
              *((_("the caption of exhibit {number}", number=v.number), v.title) for v in views),
              *((_("a note on exhibit {number}", number=v.number), " ".join(v.notes))
                for v in views)]  # fmt: skip
    out = []
    for name, value in fields:
        missing = missing_glyphs([value])
        if missing:
            out.append(_(
                "{field} has characters no embedded font can draw ({chars}): they print as "
                "empty boxes",
                field=name, chars=repr("".join(sorted(missing))[:12]),
            ))  # fmt: skip
    return out


def assemble(
    case: Case, exhibits: list[Exhibit], today: dt.date
) -> tuple[DossierContent, list[str]]:
    """Every page's content, and the warnings for the person building it."""
    statement = text.statement(case, exhibit_facts(exhibits), said_points(case))
    warnings = list(statement.warnings)  # for the buyer, in their language
    warnings += [_("exhibit {number} was left out: {error}", number=ex.number, error=ex.error)
                 for ex in exhibits if ex.error]  # fmt: skip
    with language(ENGLISH):  # the dossier is for the arbiter
        content = _content(case, exhibits, today, statement)
    warnings += _unprintable(case, content.exhibits)
    return content, warnings


def _content(
    case: Case, exhibits: list[Exhibit], today: dt.date, statement: text.Statement
) -> DossierContent:
    order = case.order
    plat = platform(case.platform, case.platform_overrides)
    cover = _cover(case, len(exhibits), today)
    manifest = load_manifest(case.root)  # as the exhibits left it
    views = [exhibit_view(ex, manifest) for ex in exhibits]
    subject = (text.CLAIM_TITLES.get(case.claim, ""),
               f"order {order.number}" if order.number else "",
               plat.name if case.platform != "other" else "")  # fmt: skip
    return DossierContent(
        title=f"Evidence dossier \u2014 order {order.number}" if order.number
        else "Evidence dossier",
        order_number=order.number,
        subject=" \u2014 ".join(x for x in subject if x),
        cover_rows=cover,
        statement=statement.paragraphs,
        points=statement.point_lines,
        comparisons=comparison_views(case, views),
        own_words=statement.own_words,
        timeline=timeline(case, exhibits, today),
        exhibits=views,
        integrity_rows=integrity_rows(manifest, used_files(manifest, exhibits)),
        method=METHOD,
        versions=_versions(),
        prepared=today,
    )  # fmt: skip


class _TooLarge(Exception):
    pass


def fit_to_size(
    pdf_path: Path, content: DossierContent, paper: str, max_mb: float
) -> tuple[int, list[str], list[str]]:
    """Write the PDF at the largest picture resolution that stays under ``max_mb``: (pages,
    notes, warnings)."""
    notes: list[str] = []
    pages = 0
    size = 0
    for dpi in DPI_STEPS:
        try:
            with atomic_output(pdf_path, force=True) as tmp:
                pages = write_pdf(tmp, content, paper=paper, dpi=dpi)
                size = tmp.stat().st_size
                if size > max_mb * 1_000_000 and dpi != DPI_STEPS[-1]:
                    raise _TooLarge(size)
        except _TooLarge:
            notes.append(_(
                "at {dpi} dpi the PDF came to {size} MB, over {limit} MB: building it again "
                "with smaller pictures",
                dpi=dpi, size=f"{size / 1e6:.1f}", limit=f"{max_mb:g}",
            ))  # fmt: skip
            continue
        if dpi != DPI_STEPS[0]:
            notes.append(_("pictures placed at {dpi} dpi to stay under {limit} MB", dpi=dpi,
                           limit=f"{max_mb:g}"))  # fmt: skip
        break
    warnings = []
    if size > max_mb * 1_000_000:
        warnings.append(_(
            "the PDF is {size} MB, over the {limit} MB asked for, even at 72 dpi",
            size=f"{size / 1e6:.1f}", limit=f"{max_mb:g}",
        ))  # fmt: skip
    return pages, notes, warnings


def _checked(
    case: Case,
    today: dt.date,
    despite_errors: bool,
    skip_broken: bool,
    progress: Progress,
    infos: dict[str, CaptureInfo],
) -> tuple[list[str], dict[str, CaptureInfo]]:
    """What ``evidence check`` calls errors: they stop the build, or with ``despite_errors``
    are returned for the dossier to state. With ``skip_broken`` an error about one exhibit's
    file leaves that exhibit out instead (the dossier says so). Also returns what check read
    of the files, so the build does not read them again."""
    report = check_case(case.root, today=today, progress=progress, infos=infos)
    files = {item.file for item in case.evidence}
    errors = [f for f in report.errors if not (skip_broken and f.subject in files)]
    if errors and not despite_errors:
        raise CheckFailedError(
            Text("evidence check found {n} error; nothing was built",
                 "evidence check found {n} errors; nothing was built", len(errors)),
            lines(errors),
            path=case.root,
            hint=Text("fix them, or run again with --despite-errors to list them on the cover"),
        )  # fmt: skip
    with language(ENGLISH):  # listed on the dossier's cover
        problems = [f.text() for f in errors]
    return problems, report.infos


def record(case: Case, exhibits: list[Exhibit], pdf_path: Path, msg_path: Path,
           pages: int, paper: str, today: dt.date, message: str,
           problems: list[str]) -> None:  # fmt: skip
    """The PDF made from the originals and the pictures it shows; the message from case.toml."""
    plat = platform(case.platform, case.platform_overrides)
    shown = [img.path for ex in exhibits for img in ex.images if img.path.is_file()]
    record_output(
        pdf_path,
        sources=[ex.original for ex in exhibits if ex.original.is_file()] + shown,
        operation="placed",
        parameters={
            "paper": paper,
            "pages": pages,
            "prepared": today.isoformat(),
            **({"despite_errors": problems} if problems else {}),
        },  # fmt: skip
    )
    record_output(msg_path, sources=[case.toml_path], operation="created",
                  parameters={"limit": plat.message_limit, "characters": len(message)})  # fmt: skip


def build_dossier(
    case_dir: str | Path,
    output: str | Path | None = None,
    *,
    paper: str = "a4",
    max_mb: float = 10.0,
    force: bool = False,
    skip_broken: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    despite_errors: bool = False,
    infos: dict[str, CaptureInfo] | None = None,
) -> DossierResult:
    """Build exports/dossier.pdf and exports/message.txt from the case folder, once
    ``evidence check`` finds no error (or ``despite_errors``, which the dossier then says);
    ``infos`` is what this run already read of the files (export reads them to plan)."""
    case = load_case(case_dir)
    today = today or dt.date.today()
    progress = progress or Progress.none()
    known = infos if infos is not None else read_infos(case)
    with progress.forecast(dossier_seconds(case, known)):
        return _build(case, output, paper, max_mb, force, skip_broken, today, progress,
                      despite_errors, known)  # fmt: skip


def pdf_seconds(case: Case) -> float:
    """About how long writing the PDF takes: 0.1 s a photo placed at 150 dpi (measured)."""
    return 1.0 + 0.1 * sum(kind_for(case.root / item.file) == "photo" for item in case.evidence)


def dossier_seconds(case: Case, infos: dict[str, CaptureInfo]) -> float:
    """About how long a dossier build takes: the videos' first scans, each exhibit's files
    (a stamp's encode most of all) and the PDF; what the bar is laid out by."""
    exhibits = sum(work_seconds(item, kind_for(case.root / item.file) or "document",
                                infos.get(item.file)) for item in case.evidence)  # fmt: skip
    return scan_seconds(case, infos) + exhibits + pdf_seconds(case)


def _build(
    case: Case,
    output: str | Path | None,
    paper: str,
    max_mb: float,
    force: bool,
    skip_broken: bool,
    today: dt.date,
    progress: Progress,
    despite_errors: bool,
    known: dict[str, CaptureInfo],
) -> DossierResult:
    problems, infos = _checked(case, today, despite_errors, skip_broken, progress, known)
    if paper not in ("a4", "letter"):
        raise UsageError(Text("unknown paper size {paper}", paper=repr(paper)),
                         hint=Text("a4 or letter"))  # fmt: skip
    pdf_path = Path(output) if output is not None else case.exports / "dossier.pdf"
    msg_path = (
        pdf_path.with_name("message.txt")
        if output is None
        else pdf_path.with_suffix(".message.txt")
    )
    # all or nothing: a build that fails half way (a full disk) leaves exports/ and the
    # manifest as they were
    with all_or_nothing(case.exports, case.root / MANIFEST):
        exhibits = prepare_exhibits(
            case, force=force, skip_broken=skip_broken, progress=progress, infos=infos
        )
        builder = Builder(case, force=force)
        for exhibit in exhibits:  # what the scan found, and the label where it was read
            if exhibit.kind == "video" and not exhibit.error:
                label_still(builder, exhibit)
        builder.claim(pdf_path)
        kept = builder.claim_message(msg_path)
        content, warnings = assemble(case, exhibits, today)
        warnings += [kept] if kept else []
        content.problems = problems
        with progress.one_step(_("Writing the PDF"), weight=pdf_seconds(case)):
            pages, notes, size_warnings = fit_to_size(pdf_path, content, paper, max_mb)
        message = write_message(case, exhibit_facts(exhibits))
        write_text_atomic(msg_path, message, force=True)
        record(case, exhibits, pdf_path, msg_path, pages, paper, today, message, problems)
        translated = _translation(case, exhibits, pdf_path, builder, paper)
    rebuilt = [p for ex in exhibits for p in ex.rebuilt]
    return DossierResult(pdf_path, msg_path, pages, pdf_path.stat().st_size, exhibits, rebuilt,
                         warnings + size_warnings, notes, translated)  # fmt: skip


def _translation(
    case: Case, exhibits: list[Exhibit], pdf_path: Path, builder: Builder, paper: str
) -> Path | None:
    """With a language other than English chosen, exports/statement.LANG.pdf: the statement
    and the message, each English sentence followed by its translation (recorded in the
    manifest as made from case.toml)."""
    lang = current()
    if lang == ENGLISH:
        return None
    out = pdf_path.with_name(f"statement.{lang}.pdf")
    builder.claim(out)
    facts = exhibit_facts(exhibits)
    said = text.statement(case, facts, said_points(case))
    with atomic_output(out, force=True) as tmp:
        write_translation(
            tmp, lang=lang, statement=said.sentences, points=said.points,
            own_words=case.own_words,
            message=None if case.message else message_sentences(case, facts),
            own_message=case.message, order_number=case.order.number, paper=paper,
        )  # fmt: skip
    parameters = {"language": lang, "translation_of": ["statement", "message"]}
    record_output(out, sources=[case.toml_path], operation="created", parameters=parameters)
    return out
