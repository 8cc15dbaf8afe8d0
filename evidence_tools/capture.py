"""CaptureInfo: when, where and on what a photo or video was recorded, and how we know.

Every time carries its source and, when known, its offset. A time without an offset stays
naive ("local time, zone unknown") unless the caller gives a zone, and then the result says
the zone was assumed. The computer's own zone is never used.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from evidence_tools.errors import EvidenceError, InputFileError

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".heic", ".heif", ".png", ".webp", ".tif", ".tiff"}
VIDEO_SUFFIXES = {".mov", ".mp4", ".m4v", ".3gp", ".3g2", ".webm", ".mkv"}

EDITORS = (
    "photoshop",
    "gimp",
    "lightroom",
    "snapseed",
    "picsart",
    "facetune",
    "pixelmator",
    "affinity",
    "paint.net",
    "canva",
    "luminar",
    "capture one",
    "darktable",
    "photopea",
    "fotor",
    "vsco",
    "inshot",
    "capcut",
    "premiere",
    "final cut",
    "imovie",
)


class GPS(NamedTuple):
    lat: float
    lon: float
    alt: float | None = None

    def to_dict(self) -> dict[str, float | None]:
        return {"lat": round(self.lat, 7), "lon": round(self.lon, 7), "alt": self.alt}


class CaptureInfo:
    """What a reader found; every field starts empty. A plain class, not a dataclass: it is
    on the path of every command, and making a dataclass costs 2 ms at import."""

    def __init__(self, file: str, kind: str, *, error: str | None = None) -> None:
        self.file = file
        self.kind = kind  # photo | video
        self.captured_at: dt.datetime | None = None
        self.time_source = ""
        self.zone_assumed = False
        self.zone = ""  # the zone named when assumed, or the offset when it came with the time
        self.is_modification_time = False
        self.utc_only = False  # the file gives the instant in UTC but not the local zone
        self.make = ""
        self.model = ""
        self.software = ""
        self.gps: GPS | None = None
        self.orientation: int | None = None
        self.width: int | None = None  # as displayed
        self.height: int | None = None
        self.stored_width: int | None = None
        self.stored_height: int | None = None
        self.rotation: int | None = None  # degrees clockwise to display (ExifTool's convention)
        self.duration: float | None = None
        self.decodable_duration: float | None = None
        self.fps: float | None = None
        self.video_codec = ""
        self.audio_codec = ""
        self.format = ""
        self.other_times: dict[str, str] = {}
        self.warnings: list[str] = []
        self.error = error

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CaptureInfo) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it replaced

    def __repr__(self) -> str:
        return f"CaptureInfo({self.file!r}, {self.kind!r}, captured_at={self.captured_at!r})"

    @property
    def captured_at_utc(self) -> dt.datetime | None:
        if self.captured_at is None or self.captured_at.tzinfo is None:
            return None
        return self.captured_at.astimezone(dt.timezone.utc)

    def to_dict(self) -> dict[str, Any]:
        utc = self.captured_at_utc
        return {
            "file": self.file,
            "kind": self.kind,
            "captured_at": iso(self.captured_at),
            "captured_at_utc": (iso(utc) or "").replace("+00:00", "Z") or None,
            "time_source": self.time_source or None,
            "zone_assumed": self.zone_assumed,
            "zone": self.zone or None,
            "make": self.make or None,
            "model": self.model or None,
            "software": self.software or None,
            "gps": self.gps.to_dict() if self.gps else None,
            "orientation": self.orientation,
            "width": self.width,
            "height": self.height,
            "stored_width": self.stored_width,
            "stored_height": self.stored_height,
            "rotation": self.rotation,
            "duration": self.duration,
            "fps": self.fps,
            "video_codec": self.video_codec or None,
            "audio_codec": self.audio_codec or None,
            "other_times": self.other_times,
            "warnings": list(self.warnings),
            "error": self.error,
        }


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    spec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec)


# --------------------------------------------------------------------------- parsing helpers

_OFFSET_RE = re.compile(r"^\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))\s*$")


def parse_offset(text: str | None) -> dt.timezone | None:
    """``+03:00``, ``-0330``, ``Z`` -> a fixed zone; anything else -> None."""
    if not text:
        return None
    match = _OFFSET_RE.match(text)
    if not match:
        return None
    if match.group(1):
        return dt.timezone.utc
    sign, hh, mm = match.group(2), int(match.group(3)), int(match.group(4))
    if hh > 14 or mm > 59:
        return None
    delta = dt.timedelta(hours=hh, minutes=mm)
    return dt.timezone(-delta if sign == "-" else delta)


def offset_label(tz: dt.tzinfo, when: dt.datetime) -> str:
    off = tz.utcoffset(when)
    if off is None:
        return ""
    total = int(off.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    hh, mm = divmod(abs(total), 60)
    return f"{sign}{hh:02d}:{mm:02d}"


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
            info.warnings.append(f"shown in {name}: the file gives the time in UTC only")
        elif info.utc_only:
            info.zone = "UTC"
            info.warnings.append(
                "the file gives the time in UTC only; the local zone is unknown (give --tz)"
            )
        elif not info.zone:
            info.zone = offset_label(when.tzinfo, when)
        return
    if zone is None:
        info.warnings.append(
            "the capture time has no time zone: it is local time where it was taken "
            "(give --tz or the case's timezone)"
        )
        return
    info.captured_at = when.replace(tzinfo=zone)
    info.zone_assumed = True
    info.zone = name
    info.time_source += f", zone assumed {name}"
    info.warnings.append(f"the time zone {name} was assumed (the file does not carry one)")


def editor_in(software: str) -> str | None:
    low = software.lower()
    for name in EDITORS:
        if name in low:
            return name
    return None


def kind_for(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix in PHOTO_SUFFIXES:
        return "photo"
    if suffix in VIDEO_SUFFIXES:
        return "video"
    return None


def read_capture(
    path: str | Path, *, zone: dt.tzinfo | None = None, zone_name: str = ""
) -> CaptureInfo:
    """Read a photo's or video's capture facts. Raises InputFileError when it cannot."""
    p = Path(path)
    if not p.exists():
        raise InputFileError("file not found", path=p, hint="check the name")
    if p.is_dir():
        raise InputFileError("is a folder", path=p)
    kind = kind_for(p)
    if kind is None:
        raise InputFileError(
            f"unsupported file type {p.suffix or '(none)'}",
            path=p,
            hint="photos: JPEG, HEIC, PNG, WebP, TIFF; videos: MP4, MOV, M4V, 3GP, WebM, MKV",
        )
    if p.stat().st_size == 0:
        raise InputFileError("file is empty (0 bytes)", path=p)
    if kind == "photo":
        from evidence_tools.metadata.photo import read_photo

        info = read_photo(p)
    else:
        from evidence_tools.metadata.video import read_video

        info = read_video(p)
    resolve_zone(info, zone, zone_name)
    return info


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
        if p.is_dir() and (p / "case.toml").is_file() and (p / "originals").is_dir():
            p = p / "originals"  # a case folder stands for its originals
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
    from evidence_tools.case import parse_zone

    zone = parse_zone(zone_name) if zone_name else None
    return read_capture_safe(path, zone=zone, zone_name=zone_name)


def read_many(
    items: list[tuple[Path, str]],
    *,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[CaptureInfo]:
    """Read many files, in a process pool when there are enough to pay for it.

    ``items`` pairs each path with the zone name to assume for it ('' for none).
    """
    jobs = [(str(p), z) for p, z in items]
    n_workers = workers if workers is not None else min(os.cpu_count() or 1, 8)
    if len(jobs) < POOL_THRESHOLD or n_workers <= 1:
        results = []
        for job in jobs:
            results.append(_read_one(job))
            if progress is not None:
                progress(1)
        return results
    from concurrent.futures import ProcessPoolExecutor

    results = []
    with ProcessPoolExecutor(max_workers=n_workers) as pool:
        for info in pool.map(_read_one, jobs, chunksize=max(1, len(jobs) // (n_workers * 4))):
            results.append(info)
            if progress is not None:
                progress(1)
    return results


POOL_THRESHOLD = 24
