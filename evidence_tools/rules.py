"""The rules that more than one part checks, each in one place: video redaction boxes, zones,
offsets and date-times, and a capture time against the order's dates (the annotation shapes
are in ``shapes``).

The case loader, ``evidence check``, the dossier and the verbs' command lines all call these,
so a value one of them accepts is never refused by another. A broken rule raises
``UsageError`` with a message that says what is wrong but not where; each caller adds where
(``case.toml:LINE`` or ``--box``).

Kept free of heavy imports and of dataclasses: the lossless trim reads capture times through
``parse_offset`` and ``parse_iso_datetime``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from evidence_tools.errors import UsageError
from evidence_tools.i18n import Text, _, long_date
from evidence_tools.timecode import format_timecode, parse_timecode

# --------------------------------------------------------------------------- zones and times

_OFFSET_RE = re.compile(r"^\s*(?:(Z)|([+-])(\d{2}):?(\d{2}))\s*$")
_ZONE_OFFSET_RE = re.compile(r"^(?:UTC)?([+-])(\d{2}):?(\d{2})$")
_ISO_DT_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$"
)


def parse_offset(text: Any) -> dt.timezone | None:
    """``+03:00``, ``-0330``, ``Z`` -> a fixed zone; anything else (a damaged EXIF tag may
    hold a list or a number) -> None."""
    if isinstance(text, (list, tuple)) and text:
        text = text[0]
    if not text or not isinstance(text, str):
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
    """``+03:00`` for ``when`` in ``tz`` ('' when the zone has no offset then)."""
    off = tz.utcoffset(when)
    if off is None:
        return ""
    total = int(off.total_seconds() // 60)
    sign = "-" if total < 0 else "+"
    hh, mm = divmod(abs(total), 60)
    return f"{sign}{hh:02d}:{mm:02d}"


def parse_zone(name: str) -> dt.tzinfo:
    """An IANA zone (``Europe/Moscow``) or a fixed offset (``+03:00``, ``UTC-05:30``)."""
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return dt.timezone.utc
    match = _ZONE_OFFSET_RE.match(text)
    if match:
        sign, hh, mm = match.groups()
        delta = dt.timedelta(hours=int(hh), minutes=int(mm))
        return dt.timezone(-delta if sign == "-" else delta)
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # not on the lossless trim's path

    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            Text("unknown time zone {zone}", zone=repr(name)),
            hint=Text("use a name like Europe/Moscow or an offset like +03:00"),
        ) from exc


def parse_iso_datetime(text: str) -> dt.datetime | None:
    """ISO 8601 as containers and users write it: ``2026-03-14T10:26:53+0100``,
    ``...53.000000Z``; None for anything else."""
    value = text.strip().split(";")[0].strip()  # ffmpeg joins duplicate tags with ';'
    match = _ISO_DT_RE.match(value)
    if not match:
        return None
    y, mo, d, h, mi, s, frac, off = match.groups()
    try:
        when = dt.datetime(int(y), int(mo), int(d), int(h), int(mi), int(s))
    except ValueError:
        return None
    if frac:
        when = when.replace(microsecond=int((frac + "000000")[:6]))
    tz = parse_offset(off) if off else None
    if off and tz is None:
        return None
    return when.replace(tzinfo=tz) if tz else when


def start_time(text: str) -> dt.datetime:
    """The wall-clock time of a video's first frame as a user gives it; it needs its offset
    only where no zone is known, which the caller decides."""
    when = parse_iso_datetime(text.replace(" ", "T", 1))
    if when is None:
        raise UsageError(
            Text("{value} is not a date-time", value=repr(text)),
            hint=Text("write it like 2026-11-20T17:03:11+03:00"),
        )
    return when


def clock_start(
    captured_at: dt.datetime | None, given: dt.datetime | None, zone: dt.tzinfo | None
) -> tuple[dt.datetime, bool]:
    """The wall-clock time of a video's first frame that a burned-in clock can show, and
    whether it was ``given`` (by the user) rather than read from the file."""
    if given is not None:
        if given.tzinfo is None:
            if zone is None:
                raise UsageError(Text("the start time has no offset and no zone is known"),
                                 hint=Text("write it like 2026-11-20T17:03:11+03:00"))  # fmt: skip
            given = given.replace(tzinfo=zone)
        return given, True
    if captured_at is None:
        raise UsageError(Text("the video has no capture time to burn in"), hint=Text(
            'give its start time, e.g. --start-time 2026-11-20T17:03:11+03:00 '
            '(start_time = "..." in case.toml)'))  # fmt: skip
    if captured_at.tzinfo is None:
        if zone is None:
            raise UsageError(Text("the capture time has no zone"),
                             hint=Text("give --tz ZONE (timezone in case.toml)"))  # fmt: skip
        captured_at = captured_at.replace(tzinfo=zone)
    return captured_at, False


def video_range(length: float, start: float | None, end: float | None) -> tuple[float, float, bool]:
    """[start, end) checked against a video ``length`` seconds long: (start, end, whether the
    end was moved back to the video's end)."""
    s = 0.0 if start is None else start
    e = length if end is None else end
    if s < 0 or e < 0:
        raise UsageError(Text("times cannot be negative"))
    if end is not None and start is not None and end <= start:
        raise UsageError(Text("the end ({end}) must come after the start ({start})",
                              end=format_timecode(end), start=format_timecode(start)))  # fmt: skip
    if s >= length:
        raise UsageError(Text("the start ({start}) is past the end of the video ({length})",
                              start=format_timecode(s),
                              length=format_timecode(length)))  # fmt: skip
    if e > length + 1e-3:
        return s, length, True
    return s, e, False


class TimeProblem(NamedTuple):
    severity: str  # error | warning
    code: str  # time.before_order, time.video_before_delivery, time.in_future
    flag: str  # a few words, for the dossier's time line
    message: str
    fix: str


def time_problems(
    kind: str,
    when: dt.datetime,
    zone: dt.tzinfo | None,
    placed: dt.date | None,
    delivered: dt.date | None,
    today: dt.date,
) -> tuple[dt.date, list[TimeProblem]]:
    """The local day of a capture time and what is wrong with it against the order's dates:
    one rule for ``evidence check`` and the dossier's time line."""
    local = when.astimezone(zone) if (when.tzinfo is not None and zone is not None) else when
    day = local.date()
    out = []
    if placed and day < placed:
        out.append(TimeProblem(
            "error", "time.before_order", _("recorded before the order was placed"),
            _("taken on {day}, before the order was placed ({placed})",
              day=long_date(day), placed=long_date(placed)),
            _("check the file: an arbiter will reject it"),
        ))  # fmt: skip
    elif kind == "video" and delivered and day < delivered:
        out.append(TimeProblem(
            "warning", "time.video_before_delivery", _("recorded before the delivery date"),
            _("the video was recorded on {day}, before the recorded delivery date ({delivered})",
              day=long_date(day), delivered=long_date(delivered)),
            _("check the delivery date in case.toml"),
        ))  # fmt: skip
    if day > today:
        out.append(TimeProblem(
            "error", "time.in_future", _("dated in the future"),
            _("dated {day}, in the future", day=long_date(day)),
            _("the camera's clock was wrong: say so in the caption"),
        ))  # fmt: skip
    return day, out


# --------------------------------------------------------------------------- video redaction


class RedactBox(NamedTuple):
    """A box to fill black: fractions of the upright picture, for the whole video or for
    [start, end) seconds of the source."""

    x: float
    y: float
    w: float
    h: float
    start: float | None = None
    end: float | None = None

    def active_at(self, t: float) -> bool:
        return (self.start is None or t >= self.start) and (self.end is None or t < self.end)

    def spec(self) -> dict[str, Any]:
        return {"box": [self.x, self.y, self.w, self.h], "from": self.start, "to": self.end}


def _not_a_redact_box(where: Text) -> UsageError:
    return UsageError(Text('{where}: expected [X, Y, W, H] (fractions) or '
                           '{{ box = [X, Y, W, H], from = "0:00", to = "0:03" }}',
                           where=where))  # fmt: skip


def redact_box(raw: Any, number: int) -> RedactBox:
    """A video redaction: ``[X, Y, W, H]``, ``(X, Y, W, H, FROM, TO)`` (FROM/TO seconds or
    None), ``{ box = [X, Y, W, H], from = "0:00", to = "0:03" }`` or a RedactBox."""
    if isinstance(raw, RedactBox):
        raw = tuple(raw)
    where = Text("redact box {number}", number=number)
    start = end = None
    box = raw
    if isinstance(raw, Mapping):
        if set(raw) - {"box", "from", "to"} or "box" not in raw:
            raise _not_a_redact_box(where)
        box = raw["box"]
        start = parse_timecode(raw["from"]) if "from" in raw else None
        end = parse_timecode(raw["to"]) if "to" in raw else None
    elif isinstance(raw, Sequence) and not isinstance(raw, str) and len(raw) == 6:
        box, start, end = raw[:4], raw[4], raw[5]
    numbers = (
        [v for v in box if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if isinstance(box, Sequence) and not isinstance(box, str)
        else []
    )
    if len(numbers) != 4 or len(box) != 4:
        raise _not_a_redact_box(where)
    x, y, w, h = (float(v) for v in numbers)
    if min(x, y, w, h) < 0 or max(x, y, w, h) > 1:
        raise UsageError(Text("{where}: numbers are fractions of the picture, 0 to 1", where=where))
    if w <= 0 or h <= 0 or x + w > 1 + 1e-9 or y + h > 1 + 1e-9:
        raise UsageError(Text("{where}: must have a size and stay inside the picture", where=where))
    if start is not None and end is not None and end <= start:
        raise UsageError(Text("{where}: its end must come after its start ('to' after 'from')",
                              where=where))  # fmt: skip
    return RedactBox(x, y, w, h, start, end)


def redact_boxes(raw: Sequence[Any]) -> list[RedactBox]:
    return [redact_box(r, n) for n, r in enumerate(raw, start=1)]
