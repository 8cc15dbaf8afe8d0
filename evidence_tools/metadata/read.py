"""Reading capture facts: one file (photo or video), or many in a process pool, with the
caller's zone applied where a file carries none."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from evidence_tools.case.layout import CASE_FILE, ORIGINALS
from evidence_tools.errors import EvidenceError, InputFileError
from evidence_tools.i18n import Text, ngettext
from evidence_tools.metadata.model import CaptureInfo, kind_for
from evidence_tools.progress import Progress, Step
from evidence_tools.rules import offset_label, parse_zone


def resolve_zone(info: CaptureInfo, zone: dt.tzinfo | None, zone_name: str = "") -> None:
    """Apply the caller's zone where the file lacks one, and say that it was assumed.

    A naive time gets the zone attached (the instant depends on it: zone_assumed). A time
    known only in UTC (a video's mvhd) is shown in the zone; the instant does not change.
    """
    when = info.captured_at
    if when is None:
        return
    name = zone_name or (str(zone) if zone is not None else "")
    if when.tzinfo is not None:
        if info.utc_only and zone is not None:
            info.captured_at = when.astimezone(zone)
            info.zone = name
            info.notice(
                "time.utc_only_shown", "shown in {zone}: the file gives the time in UTC only",
                zone=name,
            )  # fmt: skip
        elif info.utc_only:
            info.zone = "UTC"
            info.notice(
                "time.utc_only",
                "the file gives the time in UTC only; the local zone is unknown (give --tz)",
            )
        elif not info.zone:
            info.zone = offset_label(when.tzinfo, when)
        return
    if zone is None:
        info.notice(
            "time.no_zone",
            "the capture time has no time zone: it is local time where it was taken "
            "(give --tz or the case's timezone)",
        )
        return
    info.captured_at = when.replace(tzinfo=zone)
    info.zone_assumed = True
    info.zone = name
    info.time_source += f", zone assumed {name}"
    info.notice(
        "time.zone_assumed", "the time zone {zone} was assumed (the file does not carry one)",
        zone=name,
    )  # fmt: skip


def read_capture(
    path: str | Path, *, zone: dt.tzinfo | None = None, zone_name: str = ""
) -> CaptureInfo:
    """Read a photo's or video's capture facts. Raises InputFileError when it cannot."""
    p = Path(path)
    if not p.exists():
        raise InputFileError(Text("file not found"), path=p, hint=Text("check the name"))
    if p.is_dir():
        raise InputFileError(Text("is a folder"), path=p)
    kind = kind_for(p)
    if kind is None:
        raise InputFileError(
            Text("unsupported file type {suffix}", suffix=p.suffix)
            if p.suffix
            else Text("unsupported file type (none)"),
            path=p,
            hint=Text(
                "photos: JPEG, HEIC, AVIF, PNG, WebP, TIFF; videos: MP4, MOV, M4V, 3GP, WebM, MKV"
            ),
        )
    if p.stat().st_size == 0:
        raise InputFileError(Text("file is empty (0 bytes)"), path=p)
    if kind == "photo":
        from evidence_tools.metadata.photo import read_photo

        info = read_photo(p)
    else:
        from evidence_tools.metadata.video import read_video

        info = read_video(p)
    resolve_zone(info, zone, zone_name)
    _credentials(info, p)
    return info


def _credentials(info: CaptureInfo, path: Path) -> None:
    """Content Credentials, where the file has a manifest marker; a reader's failure is a
    problem of the credentials, never of the command."""
    from evidence_tools.metadata.credentials import read_credentials

    try:
        info.content_credentials = read_credentials(path)
    except Exception as exc:  # the native C2PA library on a damaged manifest
        info.content_credentials = {
            "state": "invalid", "signer": None, "issuer": None, "claim_generator": None,
            "actions": [], "signed_at": None, "codes": [],
            "problems": [f"the credentials cannot be read ({type(exc).__name__})"],
        }  # fmt: skip


def read_capture_safe(
    path: str | Path, *, zone: dt.tzinfo | None = None, zone_name: str = ""
) -> CaptureInfo:
    """Like read_capture, but a failure becomes ``error`` on the result (for batches)."""
    try:
        return read_capture(path, zone=zone, zone_name=zone_name)
    except EvidenceError as exc:
        kind = kind_for(Path(path)) or "unknown"
        return CaptureInfo(file=str(path), kind=kind, error=exc.one_line())


def collect_media(paths: list[Path], *, recursive: bool = False) -> list[Path]:
    """Files as named; folders stand for the photos and videos inside (not hidden ones)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir() and (p / CASE_FILE).is_file() and (p / ORIGINALS).is_dir():
            p = p / ORIGINALS  # a case folder stands for its originals
        if p.is_dir():
            found = p.rglob("*") if recursive else p.iterdir()
            out.extend(
                sorted(
                    c
                    for c in found
                    if c.is_file() and not c.name.startswith(".") and kind_for(c) is not None
                )
            )
        else:
            out.append(p)
    return out


def _read_one(args: tuple[str, str]) -> CaptureInfo:
    path, zone_name = args
    zone = parse_zone(zone_name) if zone_name else None
    return read_capture_safe(path, zone=zone, zone_name=zone_name)


def read_many(
    items: list[tuple[Path, str]],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[CaptureInfo]:
    """Read many files, in a process pool when there are enough to pay for it.

    ``items`` pairs each path with the zone name to assume for it ('' for none).
    """
    jobs = [(str(p), z) for p, z in items]
    # one step for the lot: the pool reads them in any order, a file each is all it tells
    step = (progress or Progress.none()).one_step(
        ngettext("Reading {n} file", "Reading {n} files", len(jobs)), len(jobs)
    )
    with step:
        return _read_all(jobs, workers, step)


def _read_all(jobs: list[tuple[str, str]], workers: int | None, step: Step) -> list[CaptureInfo]:
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(jobs) < POOL_THRESHOLD or n_workers <= 1:
        results = []
        for job in jobs:
            results.append(_read_one(job))
            step.advance(1)
        return results
    from concurrent.futures import ProcessPoolExecutor

    results = []
    with ProcessPoolExecutor(max_workers=n_workers) as pool:
        for info in pool.map(_read_one, jobs, chunksize=max(1, len(jobs) // (n_workers * 4))):
            results.append(info)
            step.advance(1)
    return results


POOL_THRESHOLD = 24
