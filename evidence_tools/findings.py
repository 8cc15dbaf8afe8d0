"""What ``evidence check`` finds, as data, and how a person reads it.

A finding carries a stable ``code`` (``upload.over_file_limit``) that tools and the rest of the
toolkit decide on, whatever the wording. For a person, findings of one kind about many files
are one line naming how many and which: a case of 24 phone photos over a platform's per-file
limit is one note, not 24 warnings that drown the one error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools.metadata.model import CaptureInfo, kind_for

SEVERITIES = ("error", "warning", "info")
HEADS = {"error": "ERROR", "warning": "warning", "info": "note"}


@dataclass
class Finding:
    severity: str  # error | warning | info
    code: str  # stable: the same in every wording and language
    message: str
    fix: str = ""
    subject: str = ""  # the file (or case.toml:LINE, deadline, limits) it is about
    params: dict[str, Any] = field(default_factory=dict)

    def text(self) -> str:
        """The finding without its severity: subject, message and what to do."""
        where = f"{self.subject}: " if self.subject else ""
        tail = f" \u2192 {self.fix}" if self.fix else ""
        return f"{where}{self.message}{tail}"

    def line(self) -> str:
        return f"{HEADS[self.severity]:7} {self.text()}"


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

    def add(self, severity: str, code: str, message: str, fix: str = "", subject: str = "",
            **params: Any) -> None:  # fmt: skip
        self.findings.append(Finding(severity, code, message, fix, subject, params))

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": str(self.case),
            "platform": self.platform,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "days_left": self.days_left,
            "errors": len(self.errors),
            "findings": [asdict(f) for f in self.findings],
        }


# --------------------------------------------------------------------------- grouped lines


def _kinds(subjects: list[str]) -> str:
    kinds = {kind_for(Path(s)) or "file" for s in subjects}
    return (
        {"photo": "photos", "video": "videos"}.get(kinds.pop(), "files")
        if len(kinds) == 1
        else "files"
    )


def names(subjects: list[str]) -> str:
    """``a.jpg, b.jpg`` for a few; ``first … last`` for many (the JSON lists them all)."""
    short = [Path(s).name if "/" in s else s for s in subjects]
    return ", ".join(short) if len(short) <= 3 else f"{short[0]} \u2026 {short[-1]}"


# code -> the line for many files, from (how many, "photos", which, the shared params)
Grouped = Callable[[int, str, str, dict[str, Any]], str]
GROUPED: dict[str, Grouped] = {
    "upload.over_file_limit": lambda n, kinds, which, p: (
        f"{n} {kinds} ({which}) are over {p['platform']}'s {p['limit_mb']:g} MB per file; "
        f"evidence export --platform {p['platform_key']} makes copies under it"
    ),
    "meta.gps": lambda n, kinds, which, p: (
        f"{n} {kinds} ({which}) carry a GPS position; copies made for sharing drop it"
    ),
    "evidence.no_caption": lambda n, kinds, which, p: f"{n} {kinds} ({which}) have no caption",
    "originals.not_listed": lambda n, kinds, which, p: (
        f"{n} {kinds} in originals/ are not listed as evidence ({which})"
    ),
    "originals.not_fingerprinted": lambda n, kinds, which, p: (
        f"{n} {kinds} in originals/ ({which}) were never fingerprinted (copied in by hand, "
        "not with evidence add)"
    ),
    "upload.video_not_taken": lambda n, kinds, which, p: (
        f"{p['platform']} takes no videos: the export uploads the stills of {n} videos "
        f"({which}) and the dossier instead"
    ),
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
    for first, _ in group(findings):
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
        which = names(subjects)
        kinds = _kinds(subjects)
        if first.code in GROUPED:
            text = GROUPED[first.code](len(members), kinds, which, first.params)
        else:
            text = f"{len(members)} {kinds} ({which}): {first.message}"
        tail = f" \u2192 {first.fix}" if first.fix else ""
        out.append(f"{HEADS[first.severity]:7} {text}{tail}")
    return out
