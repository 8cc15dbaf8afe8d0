"""The platform's part of ``evidence check``: the deadline to open the dispute (counted as the
platform counts it) and the upload limits, which export meets by itself (so they are notes)."""

from __future__ import annotations

import datetime as dt

from evidence_tools.case.model import Case
from evidence_tools.findings import CheckReport
from evidence_tools.i18n import N_, Date, Number, Text
from evidence_tools.metadata.model import kind_for
from evidence_tools.platforms import Platform, deadline


def deadline_findings(case: Case, plat: Platform, report: CheckReport, today: dt.date) -> None:
    order = case.order
    last, _basis_words = deadline(
        plat,
        placed=order.placed,
        delivered=order.delivered,
        estimated_delivery=order.estimated_delivery,
    )
    if plat.deadline_days is None:
        return
    basis = _basis(plat, case)
    if last is None:
        report.add(
            "warning",
            "deadline.unknown",
            # TRANSLATORS: {basis} is e.g. "the delivered date"
            Text("the deadline cannot be worked out without {basis}", basis=basis),
            Text("set the dates in [order]"),
            "deadline",
        )
        return
    left = (last - today).days
    report.deadline, report.days_left = last, left
    rule = (
        Text("{platform}: {rule}", platform=Text(plat.name), rule=Text(plat.deadline_rule))
        if plat.deadline_rule
        else Text(plat.name)
    )
    if left < 0:
        report.add(
            "error",
            "deadline.passed",
            Text(
                "the deadline was {date}, {n} day ago ({rule})",
                "the deadline was {date}, {n} days ago ({rule})",
                -left,
                date=Date(last),
                rule=rule,
            ),
            Text("open the dispute at once and explain the delay; or ask your card issuer"),
            "deadline",
        )
    else:
        if left == 0:
            said = Text(
                "open the dispute by {date} (today is the last day); counted from {basis} ({rule})",
                date=Date(last), basis=basis, rule=rule,
            )  # fmt: skip
        else:
            said = Text(
                "open the dispute by {date} ({n} day left); counted from {basis} ({rule})",
                "open the dispute by {date} ({n} days left); counted from {basis} ({rule})",
                left, date=Date(last), basis=basis, rule=rule,
            )  # fmt: skip
        report.add("warning" if left <= 3 else "info", "deadline.open_by", said, "", "deadline")
    if "deadline_days" in plat.unverified:
        report.add(
            "info",
            "deadline.estimated",
            Text("{platform}'s deadline is an estimate: no official figure was found",
                 platform=Text(plat.name)),
            "", "deadline",
        )  # fmt: skip
    for note in plat.notes:
        report.add("info", "platform.note", Text(note), "", "deadline")


def _basis(plat: Platform, case: Case) -> Text:
    """What the deadline is counted from, as a person says it."""
    order = case.order
    if plat.deadline_from == "placed":
        return Text("the placed date")
    if plat.deadline_from == "estimated_delivery" and order.estimated_delivery is None:
        if order.delivered:
            return Text("the delivered (no estimated delivery date given) date")
        return Text("the estimated delivery date")
    if plat.deadline_from == "estimated_delivery":
        return Text("the estimated delivery date")
    return Text("the delivered date")


ESTIMATED = {
    "file_limit_mb": N_("{platform}'s file limit mb is an estimate (no official figure found)"),
    "video_limit_mb": N_("{platform}'s video limit mb is an estimate (no official figure found)"),
    "message_limit": N_("{platform}'s message limit is an estimate (no official figure found)"),
}


def upload_findings(case: Case, plat: Platform, report: CheckReport) -> None:
    if plat.file_limit_mb is None:
        return
    total = 0
    for item in case.evidence:
        path = case.root / item.file
        if not path.is_file():
            continue
        size = path.stat().st_size
        kind = kind_for(path)
        limit = (
            plat.video_limit_mb if kind == "video" and plat.video_limit_mb else plat.file_limit_mb
        )
        total += size
        if kind == "video" and not plat.takes_video:
            report.add(
                "info",
                "upload.video_not_taken",
                Text(
                    "{platform} takes no videos: the export uploads its stills and the dossier "
                    "instead",
                    platform=Text(plat.name),
                ),
                "",
                item.file,
            )
            continue
        if size > limit * 1_000_000:
            # a note, not a warning: export makes the copy under the limit by itself
            report.add(
                "info",
                "upload.over_file_limit",
                Text(
                    "{size_mb} MB, over {platform}'s {limit_mb} MB per file; evidence export "
                    "--platform {platform_key} makes a copy under it",
                    size_mb=Number(size / 1e6),
                    platform=Text(plat.name),
                    limit_mb=f"{limit:g}",
                    platform_key=plat.key,
                ),
                "",
                item.file,
            )
    if plat.total_limit_mb and total > plat.total_limit_mb * 1_000_000:
        report.add(
            "info",
            "upload.over_total_limit",
            Text(
                "the files come to {size_mb} MB, over {platform}'s {limit_mb} MB in total",
                size_mb=Number(total / 1e6),
                platform=Text(plat.name),
                limit_mb=f"{plat.total_limit_mb:g}",
            ),
            Text(
                "evidence export --platform {platform_key} shrinks them to fit",
                platform_key=plat.key,
            ),
        )
    for name in plat.unverified:
        if name in ("file_limit_mb", "video_limit_mb", "message_limit"):
            report.add(
                "info",
                "limits.estimated",
                Text(ESTIMATED[name], platform=Text(plat.name)),
                Text("override it in case.toml [platform]"),
                "limits",
            )
            break
