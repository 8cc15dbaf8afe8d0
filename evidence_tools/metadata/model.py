"""CaptureInfo: when, where and on what a photo or video was recorded, and how we know.

Every time carries its source and, when known, its offset. A time without an offset stays
naive ("local time, zone unknown") unless the caller gives a zone, and then the result says
the zone was assumed. The computer's own zone is never used.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from evidence_tools.i18n import Text

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".heic", ".heif", ".avif", ".png", ".webp", ".tif", ".tiff"}
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


class Notice:
    """A warning about a file: a stable ``code`` that check and the dossier decide on, and its
    words, said in the reader's language (a plain class: this module is on every command's
    path)."""

    __slots__ = ("code", "text")

    def __init__(self, code: str, text: Text) -> None:
        self.code, self.text = code, text

    def __str__(self) -> str:
        return str(self.text)

    def __repr__(self) -> str:
        return f"Notice({self.code!r}, {str(self.text)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Notice) and (self.code, self.text) == (other.code, other.text)

    __hash__ = None  # type: ignore[assignment]


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
        self.screenshot = False  # a screen capture (said so, or no camera and no time at all)
        self.cut_off = False  # the file ends before its picture does
        # what the original's C2PA Content Credentials say (metadata.credentials); None: none
        self.content_credentials: dict[str, Any] | None = None
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
        self.hdr = ""  # "HLG" or "PQ": high dynamic range, converted for people to view
        self.dolby_vision = False
        self.audio_codec = ""
        self.format = ""
        self.other_times: dict[str, str] = {}
        self.warnings: list[Notice] = []
        self.error = error

    def notice(self, code: str, msgid: str, **params: Any) -> None:
        """Record a warning: ``code`` decides what is done about it, ``msgid`` says it."""
        self.warnings.append(Notice(code, Text(msgid, **params)))

    def has(self, code: str) -> bool:
        return any(w.code == code for w in self.warnings)

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
            "hdr": self.hdr or None,
            "dolby_vision": self.dolby_vision,
            "audio_codec": self.audio_codec or None,
            "other_times": self.other_times,
            "screenshot": self.screenshot,
            "cut_off": self.cut_off,
            "content_credentials": self.content_credentials,
            "warnings": [str(w) for w in self.warnings],
            "warning_codes": [w.code for w in self.warnings],
            "error": self.error,
        }


def iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    spec = "milliseconds" if value.microsecond else "seconds"
    return value.isoformat(timespec=spec)


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


def video_problem(info: CaptureInfo) -> Text | None:
    """Why no video verb can work on the file ``info`` describes, or None."""
    if info.kind != "video":
        return Text("not a video (video verbs take MP4, MOV, M4V, 3GP, WebM, MKV)")
    if not info.video_codec:
        return Text("has no video stream (audio only?)")
    if not info.duration and not info.decodable_duration:
        return Text("its duration cannot be read")
    return None


def usable_duration(info: CaptureInfo) -> float:
    """How long the video really is: the header's duration, or less when it is truncated."""
    if info.decodable_duration is not None:
        return info.decodable_duration
    return float(info.duration or 0.0)
