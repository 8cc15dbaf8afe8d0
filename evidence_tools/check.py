"""``evidence check``: what is missing, inconsistent or risky in a case, before it is sent.

Each finding has a severity (error, warning, info), a plain message and what to do. Errors are
what would lose the dispute or cannot be undone (a passed deadline, a photo dated before the
order, a changed original); warnings are what an arbiter may question.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from evidence_tools.case.loader import load_case
from evidence_tools.case.manifest import verify_case
from evidence_tools.case.model import Case, EvidenceItem
from evidence_tools.case.validate import exhibit_problems
from evidence_tools.checklist import claim_checklist, shows
from evidence_tools.checks_platform import deadline_findings, upload_findings
from evidence_tools.checks_video import scan_seconds, video_findings
from evidence_tools.dossier.message import message
from evidence_tools.dossier.text import ExhibitFacts, non_english
from evidence_tools.errors import CaseError
from evidence_tools.findings import CheckReport
from evidence_tools.i18n import Text
from evidence_tools.metadata.credentials import changed_after_signing
from evidence_tools.metadata.model import CaptureInfo, kind_for
from evidence_tools.metadata.read import read_capture_safe
from evidence_tools.platforms import Platform, platform
from evidence_tools.progress import Progress
from evidence_tools.rules import time_problems

# metadata warnings check says in its own words, or reports as an error with what the dossier
# refuses (a cut-off photo), or that only explain a time shown in the case's zone
SAID_ELSEWHERE = (
    "time.no_zone", "time.zone_assumed", "time.utc_only", "time.utc_only_shown", "photo.cut_off",
)  # fmt: skip

# --------------------------------------------------------------------------- the checks


def _fields(case: Case, report: CheckReport) -> None:
    order = case.order
    if not case.claim:
        report.add(
            "error",
            "case.no_claim",
            Text("the claim is not set"),
            Text('set claim = "damaged" (or another) in [case]'),
            "case.toml",
        )
    if not order.number:
        report.add(
            "error",
            "case.no_order_number",
            Text("the order number is missing"),
            Text("set number in [order]"),
            "case.toml",
        )
    if case.platform == "other":
        report.add(
            "warning",
            "case.no_platform",
            Text("the platform is not set: deadlines and upload limits are unknown"),
            Text('set platform = "aliexpress" (or another) in [case]'),
            "case.toml",
        )
    if not order.item:
        report.add(
            "warning",
            "case.no_item",
            Text("the item is not named"),
            Text("set item in [order]"),
            "case.toml",
        )
    if not order.placed:
        report.add(
            "warning",
            "case.no_placed_date",
            Text("the order date is missing: the time line and deadline need it"),
            Text("set placed = YYYY-MM-DD in [order]"),
            "case.toml",
        )
    if case.claim and case.claim != "not_received" and not order.delivered:
        report.add(
            "warning",
            "case.no_delivered_date",
            Text("the delivery date is missing"),
            Text("set delivered = YYYY-MM-DD in [order]"),
            "case.toml",
        )
    if (
        case.resolution in ("full_refund", "return_and_refund", "partial_refund")
        and not case.amount
    ):
        report.add(
            "warning",
            "case.no_amount",
            Text("the amount paid is missing"),
            Text('set amount = "12.99 USD" in [case]'),
            "case.toml",
        )
    if not case.resolution:
        report.add(
            "warning",
            "case.no_resolution",
            Text("what you ask for is not set"),
            Text('set resolution = "full_refund"'),
            "case.toml",
        )
    if not case.evidence:
        report.add(
            "error",
            "case.no_evidence",
            Text("the case has no evidence yet"),
            Text("evidence add YOUR_FILES..."),
            "case.toml",
        )


def _integrity(case: Case, report: CheckReport) -> None:
    result = verify_case(case.root)
    for check in result.checks:
        if check.status == "changed" and check.role == "original":
            report.add(
                "error",
                "original.changed",
                Text("changed since it was recorded (fingerprint differs)"),
                Text("restore the file; run evidence verify"),
                check.path,
            )
        elif check.status == "changed":  # an output replaced by hand, not evidence
            report.add(
                "warning",
                "output.changed",
                Text("changed since evidence-tools made it; the next build leaves it alone"),
                Text("move it away, or build with --force to make it again"),
                check.path,
            )
        elif check.status == "missing" and check.role == "original":
            report.add(
                "error",
                "original.missing",
                Text("an original is missing"),
                Text("restore it from your phone or backup"),
                check.path,
            )
        elif check.status == "missing":
            report.add(
                "info",
                "output.missing",
                Text("a derived file is missing; the next dossier build makes it again"),
                "",
                check.path,
            )
        elif check.status == "unknown" and check.path.startswith("originals/"):
            report.add(
                "warning",
                "originals.not_fingerprinted",
                Text(
                    "its fingerprint was never recorded (copied in by hand, not with evidence add)"
                ),
                Text("evidence add --here --case {case}", case=str(case.root)),
                check.path,
            )
    listed = {(case.root / e.file).resolve() for e in case.evidence}
    for item in case.evidence:
        path = case.root / item.file
        if not path.is_file():
            report.add(
                "error",
                "evidence.file_missing",
                Text("the evidence file does not exist"),
                Text("fix file = ... in case.toml, or evidence add it"),
                item.file,
            )
        elif not item.caption:
            report.add(
                "warning",
                "evidence.no_caption",
                Text("has no caption"),
                Text('say what it shows: caption = "..."'),
                item.file,
            )
    originals = case.originals
    if originals.is_dir():
        for path in sorted(originals.iterdir()):
            if path.is_file() and not path.name.startswith(".") and path.resolve() not in listed:
                report.add(
                    "info",
                    "originals.not_listed",
                    Text("is in originals/ but not listed as evidence"),
                    Text("add an [[evidence]] entry, or leave it out on purpose"),
                    f"originals/{path.name}",
                )


def _credentials(report: CheckReport, item: EvidenceItem, info: CaptureInfo) -> None:
    """Content Credentials: a picture changed after signing will be doubted (an error);
    other failures are warnings; a credential from a maker on the C2PA trust list is good
    news worth saying."""
    creds = info.content_credentials
    if not creds:
        return
    if changed_after_signing(creds):
        report.add(
            "error",
            "credentials.changed_after_signing",
            Text("its Content Credentials show it was changed after it was signed"),
            Text("use the file exactly as the camera or phone saved it"),
            item.file,
        )
    elif creds.get("state") == "invalid":
        problems = "; ".join(creds.get("problems", []))
        report.add("warning", "credentials.invalid",
                   Text("its Content Credentials do not hold: {problems}", problems=problems),
                   "", item.file)  # fmt: skip
    elif creds.get("state") == "trusted":
        signer = creds.get("signer")
        report.add("info", "credentials.trusted", Text(
            "carries valid Content Credentials from {signer} (on the C2PA trust list)",
            signer=str(signer)), "", item.file)  # fmt: skip


def _screenshot(report: CheckReport, item: EvidenceItem, info: CaptureInfo) -> None:
    """A screenshot records no capture time, and needs none to show a listing, a chat or a
    tracking page; otherwise say what it shows, so its place in the story is clear."""
    if info.screenshot and not any(shows(item, w) for w in ("listing", "chat", "tracking")):
        report.add(
            "info",
            "screenshot.unexplained",
            Text("a screenshot without a capture time"),
            Text(
                'say what it shows: shows = ["listing"] (or "chat", "tracking"), or in the caption'
            ),
            item.file,
        )


def _times(case: Case, report: CheckReport, infos: dict[str, CaptureInfo], today: dt.date) -> None:
    order = case.order
    zone = case.zone()
    video_days: list[dt.date] = []
    photo_days: list[dt.date] = []
    for item in case.evidence:
        info = infos.get(item.file)
        if info is None:
            continue
        if info.error:
            report.add(
                "error",
                "file.unreadable",
                info.error,
                Text("replace it with a readable copy"),
                item.file,
            )
            continue
        _credentials(report, item, info)
        for warning in info.warnings:
            if warning.code in SAID_ELSEWHERE:
                continue
            if warning.code == "meta.gps":
                report.add(
                    "info",
                    "meta.gps",
                    Text("carries a GPS position; copies made for sharing drop it"),
                    "",
                    item.file,
                )
            else:
                report.add("warning", warning.code, warning.text, "", item.file)
        when = info.captured_at
        if when is None:
            _screenshot(report, item, info)
            continue
        if when.tzinfo is None and not case.timezone:
            report.add(
                "warning",
                "time.no_zone",
                Text("the capture time has no time zone"),
                Text('set timezone = "Europe/Moscow" (your zone) in [case]'),
                item.file,
            )
        day, problems = time_problems(info.kind, when, zone, order.placed, order.delivered, today)
        if info.is_modification_time:
            report.add(
                "warning",
                "time.modification_only",
                Text("its only time is when the file was last saved, not when it was taken"),
                Text("use the camera's original file if you have it"),
                item.file,
            )
        for problem in problems:
            report.add(problem.severity, problem.code, problem.message, problem.fix, item.file)
        (video_days if info.kind == "video" else photo_days).append(day)
    if video_days and photo_days:
        gap = max(abs((p - v).days) for p in photo_days for v in video_days)
        if gap > 2:
            report.add(
                "warning",
                "time.photo_video_gap",
                Text(
                    "photos and video were taken {n} day apart",
                    "photos and video were taken {n} days apart",
                    gap,
                ),
                Text("explain the gap in a caption, or use photos from the unboxing day"),
            )


def _against_files(case: Case, report: CheckReport, infos: dict[str, CaptureInfo]) -> None:
    """What the dossier would refuse once it reads the files, in the words it would use."""
    for item in case.evidence:
        info = infos.get(item.file)
        if info is None:
            continue
        for problem in exhibit_problems(case, item, info):
            if isinstance(problem, CaseError) and problem.line:
                subject = f"{problem.path.name if problem.path else 'case.toml'}:{problem.line}"
            else:
                subject = item.file
            report.add("error", "exhibit.refused", problem.message, problem.hint, subject)


def _texts(case: Case, plat: Platform, report: CheckReport) -> None:
    """The buyer's own words and the dispute message, against the platform's limit."""
    script = non_english(case.own_words)
    if script:
        report.add(
            "warning",
            "text.own_words_not_english",
            # TRANSLATORS: {script} is the Unicode name of a script, e.g. "cyrillic"
            Text(
                "your own words are not in English ({script} letters): they are printed as "
                "written, and the arbiter may not read them",
                script=script.lower(),
            ),
            Text("add an English version to own_words"),
            "case.toml",
        )
    facts = [
        ExhibitFacts(n, kind_for(Path(item.file)) or "document", item.caption, item.defects)
        for n, item in enumerate(case.evidence, start=1)
    ]
    try:
        message(case, facts, limit=plat.message_limit, platform_name=plat.name)
    except CaseError as exc:
        report.add("error", "message.refused", exc.message, exc.hint, "case.toml")


def _points(case: Case, report: CheckReport) -> None:
    """A colour difference the photos do not clearly show is said to the buyer, never claimed
    to the arbiter: the statement then leaves it out. A length the buyer typed that the
    photo's measure contradicts is named, both sides."""
    from evidence_tools.dossier.points import agrees, colour_of, measure_of, small_box
    from evidence_tools.measure import length_in

    for point in case.mismatches:
        typed, length = length_in(point.received), measure_of(case, point)
        if length is not None and agrees(point, length):
            report.add(
                "warning",
                "point.length_agrees",
                Text("the photo measures {measured}, which agrees with the listing's "
                     "\u201c{says}\u201d: the statement does not claim a difference",
                     measured=length.said(), says=point.listing_says),
                Text("check the measure's ends and the ruler's length, or remove the point"),
                "case.toml",
            )  # fmt: skip
            continue
        tiny = small_box(case, point)
        if tiny is not None:
            report.add(
                "warning",
                "point.colour_box_small",
                Text("the colour box on exhibit {number} for \u201c{says}\u201d is too small "
                     "to read a colour from: the statement does not compare colours",
                     number=tiny, says=point.listing_says),
                Text("draw the box over a larger even patch of the colour"),
                "case.toml",
            )  # fmt: skip
        if typed is not None and length is not None and length.contradicts(typed):
            report.add(
                "warning",
                "point.length_contradicted",
                Text("you wrote {typed} for “{says}”; the photo measures {measured} "
                     "(exhibit {number})", typed=typed.given(), says=point.listing_says,
                     measured=length.said(), number=point.photo_exhibit),
                Text("measure again, or correct received in the [[mismatch]]: the statement "
                     "gives the photo's measure"),
                "case.toml",
            )  # fmt: skip
        colour = colour_of(case, point)
        if colour is None or colour.clear:
            continue
        report.add(
            "warning",
            "point.colour_unclear",
            Text(
                "the photos show no clear colour difference for \u201c{says}\u201d "
                "(\u0394E00 {delta}): the statement does not claim one",
                says=point.listing_says,
                delta=f"{colour.delta_e:.1f}",
            ),
            Text(
                "photograph the item in daylight with white paper beside it, and mark the "
                "paper as white"
            ),  # fmt: skip
            "case.toml",
        )


def read_infos(case: Case) -> dict[str, CaptureInfo]:
    """What each of the case's photos and videos says of itself, read once for a run."""
    infos = {}
    for item in case.evidence:
        path = case.root / item.file
        if path.is_file() and kind_for(path) is not None:
            infos[item.file] = read_capture_safe(path, zone=case.zone(), zone_name=case.timezone)
    return infos


def check_case(
    case_dir: str | Path,
    *,
    today: dt.date | None = None,
    platform_key: str | None = None,
    progress: Progress | None = None,
    infos: dict[str, CaptureInfo] | None = None,
) -> CheckReport:
    """Everything evidence check reports, as data (``progress``: the videos' first scans;
    ``infos``: what this run already read of the files)."""
    case = load_case(case_dir)
    progress = progress or Progress.none()
    today = today or dt.date.today()
    plat = platform(platform_key or case.platform, case.platform_overrides)
    report = CheckReport(case=case.root, platform=plat.key)
    _fields(case, report)
    _integrity(case, report)
    claim_checklist(case, report.add)
    infos = infos if infos is not None else read_infos(case)
    _times(case, report, infos, today)
    with progress.forecast(scan_seconds(case, infos)):
        video_findings(case, report, infos, progress)
    _points(case, report)
    _against_files(case, report, infos)
    _texts(case, plat, report)
    deadline_findings(case, plat, report, today)
    upload_findings(case, plat, report)
    order = {"error": 0, "warning": 1, "info": 2}
    report.findings.sort(key=lambda f: order[f.severity])
    report.infos = infos
    return report
