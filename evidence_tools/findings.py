"""What ``evidence check`` finds, as data, and how a person reads it.

A finding carries a stable ``code`` (``upload.over_file_limit``) that tools and the rest of the
toolkit decide on, whatever the wording. For a person, findings of one kind about many files
are one line naming how many and which: a case of 24 phone photos over a platform's per-file
limit is one note, not 24 warnings that drown the one error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools.i18n import N_, N_plural, Text, _, ngettext
from evidence_tools.metadata.model import CaptureInfo, kind_for

Words = str | Text

SEVERITIES = ("error", "warning", "info")
# what a finding is about when it is no file: a stable word in --json, said in the reader's
# language on the terminal
SUBJECTS = {"deadline": N_("deadline"), "limits": N_("limits")}


class Finding:
    """One thing check found: severity, a stable code, what it is about, and its words (said in
    the reader's language when shown)."""

    def __init__(self, severity: str, code: str, what: Words, how: Words = "",
                 subject: str = "") -> None:  # fmt: skip
        self.severity, self.code, self.subject = severity, code, subject
        self.what, self.how = what, how

    @property
    def message(self) -> str:
        return str(self.what)

    @property
    def fix(self) -> str:
        return str(self.how)

    @property
    def params(self) -> dict[str, Any]:
        """The facts in the message, for tools (``--json``) and for grouping."""
        if not isinstance(self.what, Text):
            return {}
        return {k: v if isinstance(v, (int, float, str)) else str(v)
                for k, v in self.what.params.items()}  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {"severity": self.severity, "code": self.code, "message": self.message,
                "fix": self.fix, "subject": self.subject, "params": self.params}  # fmt: skip

    def text(self) -> str:
        """The finding without its severity: subject, message and what to do."""
        subject = _(SUBJECTS[self.subject]) if self.subject in SUBJECTS else self.subject
        if subject and self.fix:
            return _("{subject}: {message} \u2192 {fix}", subject=subject,
                     message=self.message, fix=self.fix)  # fmt: skip
        if subject:
            return _("{subject}: {message}", subject=subject, message=self.message)
        if self.fix:
            return _("{message} \u2192 {fix}", message=self.message, fix=self.fix)
        return self.message

    def line(self) -> str:
        return f"{head(self.severity):7} {self.text()}"


def head(severity: str) -> str:
    return {"error": _("ERROR"), "warning": _("warning"), "info": _("note")}[severity]


@dataclass
class CheckReport:
    case: Path
    platform: str
    deadline: dt.date | None = None
    days_left: int | None = None
    findings: list[Finding] = field(default_factory=list)
    # what was read of each evidence file, for the dossier to reuse instead of reading again
    infos: dict[str, CaptureInfo] = field(default_factory=dict, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def add(self, severity: str, code: str, what: Words, how: Words = "",
            subject: str = "") -> None:  # fmt: skip
        self.findings.append(Finding(severity, code, what, how, subject))

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": str(self.case),
            "platform": self.platform,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "errors": len(self.errors),
            "findings": [f.to_dict() for f in self.findings],
        }


# --------------------------------------------------------------------------- grouped lines


def _kind(subjects: list[str]) -> str:
    kinds = {kind_for(Path(s)) or "file" for s in subjects}
    return kinds.pop() if len(kinds) == 1 else "file"


def names(subjects: list[str]) -> str:
    """``a.jpg, b.jpg`` for a few; ``first … last`` for many (the JSON lists them all)."""
    short = [Path(s).name if "/" in s else s for s in subjects]
    return ", ".join(short) if len(short) <= 3 else f"{short[0]} \u2026 {short[-1]}"


# code -> kind of file -> the line for many files (singular, plural): {n} files, {which} are
# their names, the rest the facts they share
GROUPED: dict[str, dict[str, tuple[str, str]]] = {
    "upload.over_file_limit": {
        "photo": N_plural(
            "{n} photo ({which}) is over {platform}'s {limit_mb} MB per file; evidence export "
            "--platform {platform_key} makes copies under it",
            "{n} photos ({which}) are over {platform}'s {limit_mb} MB per file; evidence "
            "export --platform {platform_key} makes copies under it",
        ),
        "video": N_plural(
            "{n} video ({which}) is over {platform}'s {limit_mb} MB per file; evidence export "
            "--platform {platform_key} makes copies under it",
            "{n} videos ({which}) are over {platform}'s {limit_mb} MB per file; evidence "
            "export --platform {platform_key} makes copies under it",
        ),
        "file": N_plural(
            "{n} file ({which}) is over {platform}'s {limit_mb} MB per file; evidence export "
            "--platform {platform_key} makes copies under it",
            "{n} files ({which}) are over {platform}'s {limit_mb} MB per file; evidence "
            "export --platform {platform_key} makes copies under it",
        ),
    },
    "meta.gps": {
        "photo": N_plural(
            "{n} photo ({which}) carries a GPS position; copies made for sharing drop it",
            "{n} photos ({which}) carry a GPS position; copies made for sharing drop it",
        ),
        "video": N_plural(
            "{n} video ({which}) carries a GPS position; copies made for sharing drop it",
            "{n} videos ({which}) carry a GPS position; copies made for sharing drop it",
        ),
        "file": N_plural(
            "{n} file ({which}) carries a GPS position; copies made for sharing drop it",
            "{n} files ({which}) carry a GPS position; copies made for sharing drop it",
        ),
    },
    "evidence.no_caption": {
        "photo": N_plural(
            "{n} photo ({which}) has no caption",
            "{n} photos ({which}) have no caption",
        ),
        "video": N_plural(
            "{n} video ({which}) has no caption",
            "{n} videos ({which}) have no caption",
        ),
        "file": N_plural(
            "{n} file ({which}) has no caption",
            "{n} files ({which}) have no caption",
        ),
    },
    "originals.not_listed": {
        "photo": N_plural(
            "{n} photo in originals/ is not listed as evidence ({which})",
            "{n} photos in originals/ are not listed as evidence ({which})",
        ),
        "video": N_plural(
            "{n} video in originals/ is not listed as evidence ({which})",
            "{n} videos in originals/ are not listed as evidence ({which})",
        ),
        "file": N_plural(
            "{n} file in originals/ is not listed as evidence ({which})",
            "{n} files in originals/ are not listed as evidence ({which})",
        ),
    },
    "originals.not_fingerprinted": {
        "photo": N_plural(
            "{n} photo in originals/ ({which}) was never fingerprinted (copied in by hand, "
            "not with evidence add)",
            "{n} photos in originals/ ({which}) were never fingerprinted (copied in by hand, "
            "not with evidence add)",
        ),
        "video": N_plural(
            "{n} video in originals/ ({which}) was never fingerprinted (copied in by hand, "
            "not with evidence add)",
            "{n} videos in originals/ ({which}) were never fingerprinted (copied in by hand, "
            "not with evidence add)",
        ),
        "file": N_plural(
            "{n} file in originals/ ({which}) was never fingerprinted (copied in by hand, "
            "not with evidence add)",
            "{n} files in originals/ ({which}) were never fingerprinted (copied in by hand, "
            "not with evidence add)",
        ),
    },
}
GROUPED["upload.video_not_taken"] = {
    kind: N_plural(
        "{platform} takes no videos: the export uploads the stills of {n} video ({which}) "
        "and the dossier instead",
        "{platform} takes no videos: the export uploads the stills of {n} videos ({which}) "
        "and the dossier instead",
    )
    for kind in ("photo", "video", "file")
}
# what differs from file to file, and so does not keep findings apart
_PER_FILE = {"size_mb", "file"}


def _key(f: Finding) -> tuple[Any, ...]:
    if f.code in GROUPED:
        shared = tuple(sorted((k, repr(v)) for k, v in f.params.items() if k not in _PER_FILE))
        return (f.severity, f.code, shared, f.fix)
    return (f.severity, f.code, f.message, f.fix)


def group(findings: Iterable[Finding]) -> list[tuple[Finding, list[Finding]]]:
    """Findings of one kind (same code, same shared facts) about several subjects, together,
    in the order the first of each was found."""
    groups: dict[tuple[Any, ...], list[Finding]] = {}
    for f in findings:
        groups.setdefault(_key(f), []).append(f)
    return [(members[0], members) for members in groups.values()]


def line_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """How many lines of each severity a person reads (a grouped finding is one)."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for first, _members in group(findings):
        counts[first.severity] += 1
    return counts


def lines(findings: Iterable[Finding]) -> list[str]:
    """What a person reads: errors first, then warnings, then notes; one line for a finding
    that holds for many files."""
    ordered = sorted(findings, key=lambda f: SEVERITIES.index(f.severity))
    out: list[str] = []
    for first, members in group(ordered):
        subjects = [m.subject for m in members if m.subject]
        if len(members) < 2 or len(subjects) < len(members):
            out.extend(m.line() for m in members)
            continue
        n, which = len(members), names(subjects)
        if first.code in GROUPED:
            singular, plural = GROUPED[first.code][_kind(subjects)]
            shared = {k: v for k, v in first.params.items() if k not in _PER_FILE}
            text = ngettext(singular, plural, n, which=which, **shared)
        else:
            text = ngettext("{n} file ({which}): {message}", "{n} files ({which}): {message}",
                            n, which=which, message=first.message)  # fmt: skip
        if first.fix:
            text = _("{message} \u2192 {fix}", message=text, fix=first.fix)
        out.append(f"{head(first.severity):7} {text}")
    return out
