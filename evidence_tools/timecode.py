"""Times as people write them: positions in a video (``SS[.ms]``, ``MM:SS[.ms]`` or
``HH:MM:SS[.ms]``) and calendar dates that no reader can misread."""

from __future__ import annotations

import datetime as dt
import re

from evidence_tools.errors import UsageError
from evidence_tools.i18n import Text

_TIME_RE = re.compile(r"^(?:(?:(\d+):)?(\d{1,2}):)?(\d+(?:\.\d+)?)$")


def parse_timecode(text: str | int | float) -> float:
    """Seconds from a user's time. Numbers are seconds; strings may use colons."""
    if isinstance(text, bool):
        raise UsageError(
            Text("not a time: {value}", value=repr(text)),
            hint=Text("use SS, MM:SS or HH:MM:SS, e.g. 1:05.5"),
        )
    if isinstance(text, (int, float)):
        if text < 0:
            raise UsageError(Text("time cannot be negative: {value}", value=str(text)))
        return float(text)
    match = _TIME_RE.match(text.strip())
    if not match:
        raise UsageError(
            Text("not a time: {value}", value=repr(text)),
            hint=Text("use SS, MM:SS or HH:MM:SS, e.g. 45, 0:45 or 1:02:03.5"),
        )
    hours, minutes, seconds = match.groups()
    if minutes is not None and float(seconds) >= 60:
        raise UsageError(Text("seconds must be below 60 in {value}", value=repr(text)))
    if hours is not None and int(minutes) >= 60:
        raise UsageError(Text("minutes must be below 60 in {value}", value=repr(text)))
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def format_timecode(seconds: float) -> str:
    """``M:SS.mmm`` (or ``H:MM:SS.mmm``), the form messages use."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}.{ms:03d}"
    return f"{minutes}:{secs:02d}.{ms:03d}"


def long_date(day: dt.date | dt.datetime) -> str:
    """20 November 2026: no day-month order to misread."""
    return f"{day.day} {day:%B %Y}"


def tenths_timecode(seconds: float) -> str:
    """``0:06.0``: a place in a video to a tenth of a second, rounded first (59.97 s is
    ``1:00.0``, never ``0:60.0``)."""
    tenths = max(0, round(seconds * 10))
    minutes, rest = divmod(tenths, 600)
    return f"{minutes}:{rest / 10:04.1f}"
