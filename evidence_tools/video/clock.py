"""The wall-clock time a video shows: what a burned-in clock, a still's caption and a contact
sheet's labels say, in which zone, and why."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path

from evidence_tools.errors import UsageError
from evidence_tools.i18n import _
from evidence_tools.metadata.model import CaptureInfo
from evidence_tools.rules import clock_start, offset_label


@dataclass
class StampClock:
    """What the burned-in clock shows: the wall-clock time of the first output frame."""

    first_frame: dt.datetime  # aware, in the zone to display
    label: str  # "+03:00" or "UTC"
    source: str
    notes: list[str] = field(default_factory=list)

    @property
    def base_epoch(self) -> float:
        """Seconds such that gmtime(base + t) reads as the local wall clock at output time t."""
        local = self.first_frame.replace(tzinfo=None)
        return calendar.timegm(local.timetuple()) + local.microsecond / 1e6

    def text_at(self, t: float) -> str:
        when = dt.datetime(1970, 1, 1) + dt.timedelta(seconds=math.floor(self.base_epoch + t))
        return f"{when:%Y-%m-%d %H:%M:%S} {self.label}"

    def drawtext_text(self) -> str:
        """drawtext's text (for a textfile): ffmpeg expands it for every frame."""
        return f"%{{pts:gmtime:{self.base_epoch:.3f}:%Y-%m-%d %H\\:%M\\:%S}} {self.label}"


def stamp_clock(
    info: CaptureInfo,
    offset_s: float,
    *,
    start_time: dt.datetime | None = None,
    zone: dt.tzinfo | None = None,
    zone_name: str = "",
) -> StampClock:
    """Decide the zone the clock shows: the metadata's offset, else the given zone, else UTC."""
    try:
        base, given = clock_start(info.captured_at, start_time, zone)
    except UsageError as exc:
        if start_time is None:  # the file's own time is missing: name the file
            exc.path = Path(info.file)
        raise
    source = "--start-time" if given else info.time_source
    first = base + dt.timedelta(seconds=offset_s)
    notes: list[str] = []
    keys_offset = info.time_source.startswith("QuickTime Keys") and not given
    if keys_offset or (given and base.tzinfo is not None and zone is None):
        label = offset_label(first.tzinfo, first) if first.tzinfo else "UTC"
    elif zone is not None:
        first = first.astimezone(zone)
        label = offset_label(zone, first)
        # TRANSLATORS: {zone} is a time zone's name (Europe/Moscow), {offset} its offset (+03:00)
        notes.append(
            _("times shown in {zone} ({offset})", zone=zone_name or str(zone), offset=label)
        )
    elif info.utc_only or first.utcoffset() == dt.timedelta(0):
        first = first.astimezone(dt.timezone.utc)
        label = "UTC"
        notes.append(
            _(
                "the video does not say its time zone: times are shown in UTC (give --tz or set "
                "the case's timezone to show local time)"
            )
        )
    else:
        label = offset_label(first.tzinfo, first) if first.tzinfo else "UTC"
    return StampClock(first_frame=first, label=label, source=source, notes=notes)


def optional_clock(info: CaptureInfo, zone: dt.tzinfo | None, zone_name: str) -> StampClock | None:
    """The clock where the video's time (and zone) is known; None where it is not."""
    try:
        return stamp_clock(info, 0.0, zone=zone, zone_name=zone_name)
    except UsageError:
        return None
