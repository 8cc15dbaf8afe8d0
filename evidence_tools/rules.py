"""The rules that more than one part checks, each in one place: the annotation shapes, video
redaction boxes, zones, offsets and date-times, and a capture time against the order's dates.

The case loader, ``evidence check``, the dossier and the verbs' command lines all call these,
so a value one of them accepts is never refused by another. A broken rule raises
``UsageError`` with a message that says what is wrong but not where; each caller adds where
(``case.toml:LINE`` or ``--box``).

Kept free of heavy imports and of dataclasses: the lossless trim reads capture times through
``parse_offset`` and ``parse_iso_datetime``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from evidence_tools.errors import UsageError, Words
from evidence_tools.i18n import N_, Text, _, long_date
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


# --------------------------------------------------------------------------- shapes

SHAPES = ("box", "ellipse", "arrow", "marker", "label", "magnify", "redact")
ARITY = {"box": 4, "ellipse": 4, "arrow": 4, "marker": 2, "label": 2, "magnify": 4, "redact": 4}
LABELLED = ("box", "ellipse", "arrow", "label", "magnify")
SHAPE_KEYS = ("label", "text", "color")  # besides the shape's own key
USAGE = {
    "box": "--box X,Y,W,H[,LABEL]",
    "ellipse": "--ellipse X,Y,W,H[,LABEL]",
    "arrow": N_("--arrow X1,Y1,X2,Y2[,LABEL] (the head is at X2,Y2)"),
    "marker": "--marker X,Y",
    "label": "--label X,Y,TEXT",
    "magnify": "--magnify X,Y,W,H[,LABEL]",
    "redact": "--redact X,Y,W,H",
}
MAGNIFY_SHARE = 0.42  # the inset takes at most this share of the picture's width and height
MAGNIFY_MAX, MAGNIFY_MIN = 3.0, 1.5
_PX_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*px\s*$", re.IGNORECASE)
_NOMINAL = 1_000_000  # the "size" fractions are checked at before the photo's is known


class Coord(NamedTuple):
    """A fraction (0-1) of the upright picture, or pixels when ``pixels``."""

    value: float
    pixels: bool = False

    def to_px(self, extent: int) -> float:
        return self.value if self.pixels else self.value * extent

    def spec(self) -> float | str:
        return f"{self.value:g}px" if self.pixels else self.value


class Shape(NamedTuple):
    kind: str
    coords: list[Coord]
    label: str = ""
    color: str = ""
    number: int = 0  # 1-based position in the list, for messages

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.kind: [c.spec() for c in self.coords]}
        if self.label:
            out["label"] = self.label
        if self.color:
            out["color"] = self.color
        return out

    @property
    def place(self) -> Text:
        """Which shape, for messages: ``box (shape 2)``."""
        return _shape_place(self.kind, self.number)

    @property
    def where(self) -> str:
        return str(self.place)


def _shape_place(kind: str, number: int) -> Text:
    # TRANSLATORS: {kind} is a shape (box, arrow) or its option (--box); {number} its position
    return Text("{kind} (shape {number})", kind=kind, number=number)


def parse_coord(raw: Any, where: Words) -> Coord:
    """A number (a fraction) or a ``120px`` string."""
    if isinstance(raw, bool):
        raise UsageError(Text("{where}: {value} is not a number", where=where, value=repr(raw)))
    if isinstance(raw, (int, float)):
        return Coord(float(raw))
    text = str(raw).strip()
    match = _PX_RE.match(text)
    if match:
        return Coord(float(match.group(1)), pixels=True)
    if isinstance(raw, str):
        try:
            return Coord(float(text))
        except ValueError:
            pass
    raise UsageError(Text("{where}: {value} is not a fraction (0-1) or pixels like '120px'",
                          where=where, value=repr(raw)))  # fmt: skip


def shape_from_arg(kind: str, text: str, number: int) -> Shape:
    """``--box 0.1,0.2,0.3,0.2,Crack`` -> Shape. Extra fields after the numbers are the label."""
    arity = ARITY[kind]
    parts = text.split(",")
    where = _shape_place(f"--{kind}", number)
    usage = Text(USAGE[kind])
    if len(parts) < arity:
        got = repr(text)
        raise UsageError(Text("{where}: needs 4 numbers, got {value}", where=where, value=got)
                         if arity == 4 else
                         Text("{where}: needs 2 numbers, got {value}", where=where, value=got),
                         hint=usage)  # fmt: skip
    coords = [parse_coord(p, Text("{where} number {position}", where=where, position=i + 1))
              for i, p in enumerate(parts[:arity])]  # fmt: skip
    label = ",".join(parts[arity:]).strip()
    if label and kind not in LABELLED:
        raise UsageError(Text("{where}: a {kind} takes no label", where=where, kind=kind),
                         hint=usage)  # fmt: skip
    if kind == "label" and not label:
        raise UsageError(Text("{where}: needs its text after the numbers", where=where), hint=usage)
    shape = Shape(kind, coords, label=label, number=number)
    check_shape(shape)
    return shape


def shape_from_spec(spec: Any, number: int) -> Shape:
    """One entry of case.toml's ``annotate = [{ box = [...], label = "..." }, ...]``."""
    # TRANSLATORS: "annotate" is the key in case.toml; {number} the shape's position in it
    where = Text("annotate shape {number}", number=number)
    if not isinstance(spec, Mapping):
        raise UsageError(Text("{where}: expected a table like {{ box = [...] }}", where=where))
    # ``label`` is a shape of its own (label = [x, y, "text"]) or the text of another shape
    kinds = [k for k in spec if k in SHAPES and not (k == "label" and isinstance(spec[k], str))]
    if len(kinds) != 1:
        raise UsageError(Text("{where}: expected exactly one of {choices}", where=where,
                              choices=", ".join(SHAPES)))  # fmt: skip
    kind = kinds[0]
    for key in spec:
        if key != kind and key not in SHAPE_KEYS:
            raise UsageError(Text("{where}: unknown key {key}", where=where, key=repr(key)))
    values = spec[kind]
    # the text: label = "..." (or text = "...") beside the shape; a label shape's own text
    # is its third item or text = "..."
    label = (spec.get("label") if kind != "label" else None) or spec.get("text", "")
    if kind == "label" and isinstance(values, list) and len(values) == 3:
        if not isinstance(values[2], str):
            raise UsageError(Text("{where} (label): the third item is the text", where=where))
        values, label = values[:2], values[2]
    if not isinstance(values, list) or len(values) != ARITY[kind]:
        raise UsageError(Text("{where} ({kind}): expected 4 numbers", where=where, kind=kind)
                         if ARITY[kind] == 4 else
                         Text("{where} ({kind}): expected 2 numbers", where=where,
                              kind=kind))  # fmt: skip
    if not isinstance(label, str) or not isinstance(spec.get("color", ""), str):
        raise UsageError(Text("{where} ({kind}): label and color are text in quotes",
                              where=where, kind=kind))  # fmt: skip
    if kind == "label" and not label:
        raise UsageError(Text('{where} (label): needs its text: label = [X, Y, "TEXT"]',
                              where=where))  # fmt: skip
    coords = [parse_coord(v, Text("{where} ({kind}) number {position}", where=where, kind=kind,
                                  position=i + 1))
              for i, v in enumerate(values)]  # fmt: skip
    shape = Shape(kind, coords, label=label, color=spec.get("color", ""), number=number)
    check_shape(shape)
    return shape


def check_colour(color: str, where: Words) -> tuple[int, int, int]:
    """The colour as RGB; a name Pillow does not know is a usage error."""
    from PIL import ImageColor  # here: the rules are on the lossless trim's path, Pillow not

    try:
        value = ImageColor.getrgb(color)
    except ValueError:
        raise UsageError(
            Text("{where}: unknown colour {color}", where=where, color=repr(color)),
            hint=Text("e.g. red, yellow, #ff8800"),
        ) from None
    return (int(value[0]), int(value[1]), int(value[2]))


def magnify_scale(width: float, height: float, region_w: float, region_h: float) -> float:
    """How much a magnified inset enlarges its region on a ``width`` x ``height`` picture."""
    return min(MAGNIFY_MAX, MAGNIFY_SHARE * width / region_w, MAGNIFY_SHARE * height / region_h)


def shape_pixels(shape: Shape, width: int, height: int) -> list[float]:
    """Pixel coordinates of ``shape`` on an upright ``width`` x ``height`` picture; raises when
    any number falls outside it, a box has no size, an arrow no length, or an inset's region
    is too large to enlarge."""
    out = []
    where = shape.place
    for i, coord in enumerate(shape.coords):
        extent = width if i % 2 == 0 else height
        if not coord.pixels and not (0.0 <= coord.value <= 1.0):
            raise UsageError(_outside_fractions(where, i + 1, coord.value), hint=Text(
                "fractions of the picture run from 0 (left/top) to 1 (right/bottom)"))  # fmt: skip
        px = coord.to_px(extent)
        if coord.pixels and px > extent:
            raise UsageError(Text(
                "{where}, number {position}: {value}px is outside the {width}x{height} picture",
                where=where, position=i + 1, value=format(coord.value, "g"), width=width,
                height=height))  # fmt: skip
        out.append(px)
    if shape.kind in ("box", "ellipse", "magnify", "redact"):
        x, y, w, h = out
        if w < 1 or h < 1:
            raise UsageError(Text("{where}: width and height must be more than zero", where=where))
        if x + w > width + 0.5 or y + h > height + 0.5:
            raise UsageError(Text(
                "{where}: reaches past the picture's edge (x+width and y+height must stay "
                "within 1, or within the picture in pixels)", where=where))  # fmt: skip
        if shape.kind == "magnify" and magnify_scale(width, height, w, h) < MAGNIFY_MIN:
            raise UsageError(Text(
                "{where}: the region is too large to enlarge (keep it under about a quarter "
                "of the picture's width and height)", where=where))  # fmt: skip
    if shape.kind == "arrow":
        x1, y1, x2, y2 = out
        if math.hypot(x2 - x1, y2 - y1) < 2:
            raise UsageError(Text("{where}: the arrow's start and end are the same point",
                                  where=where))  # fmt: skip
    return out


def check_shape(shape: Shape) -> None:
    """Everything about ``shape`` that does not depend on the photo's size: fractions are
    checked in full, pixels once the photo is known (``shape_pixels``)."""
    if shape.color:
        check_colour(shape.color, shape.place)
    if not any(c.pixels for c in shape.coords):
        shape_pixels(shape, _NOMINAL, _NOMINAL)
        return
    for i, coord in enumerate(shape.coords):
        if not coord.pixels and not (0.0 <= coord.value <= 1.0):
            raise UsageError(_outside_fractions(shape.place, i + 1, coord.value))


def _outside_fractions(where: Text, position: int, value: float) -> Text:
    return Text("{where}, number {position}: {value} is outside 0-1", where=where,
                position=position, value=format(value, "g"))  # fmt: skip


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
