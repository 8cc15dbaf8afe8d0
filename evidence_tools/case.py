"""The case folder: ``case.toml`` (what to do), ``originals/`` (untouched), ``exports/``.

The loader validates every key and reports ``case.toml:LINE: key 'x': expected ...`` so a
typo never becomes a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from evidence_tools.errors import CaseError, UsageError
from evidence_tools.layout import (  # noqa: F401  (re-exported: the case's layout)
    CASE_FILE,
    EXPORTS,
    ORIGINALS,
    derived_path,
    find_case_root,
    output_folder,
)
from evidence_tools.timecode import parse_timecode

PLATFORMS = ("aliexpress", "ebay", "amazon", "temu", "paypal", "card", "other")
CLAIMS = (
    "not_received",
    "damaged",
    "not_as_described",
    "wrong_item",
    "missing_parts",
    "counterfeit",
)
RESOLUTIONS = ("full_refund", "partial_refund", "replacement", "return_and_refund")
SHAPES = ("box", "ellipse", "arrow", "marker", "label", "magnify", "redact")
# How many numbers each shape takes (a label also takes its text).
SHAPE_ARITY = {
    "box": 4,
    "ellipse": 4,
    "arrow": 4,
    "marker": 2,
    "label": 2,
    "magnify": 4,
    "redact": 4,
}

_OFFSET_ZONE_RE = re.compile(r"^(?:UTC)?([+-])(\d{2}):?(\d{2})$")


@dataclass
class Moment:
    at: float
    note: str = ""


@dataclass
class EvidenceItem:
    file: str
    caption: str = ""
    trim: tuple[float, float] | None = None
    stamp: bool = False
    moments: list[Moment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    annotate: list[dict[str, Any]] = field(default_factory=list)
    start_time: str = ""  # wall-clock time of a video's first frame, when it has none
    # videos: (x, y, w, h, from, to) boxes to fill black; from/to None for the whole video
    redact: list[tuple[float, float, float, float, float | None, float | None]] = field(
        default_factory=list
    )
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Order:
    number: str = ""
    placed: dt.date | None = None
    delivered: dt.date | None = None
    estimated_delivery: dt.date | None = None
    item: str = ""
    seller: str = ""
    tracking: str = ""


@dataclass
class Case:
    root: Path
    platform: str = "other"
    claim: str = ""
    resolution: str = ""
    amount: str = ""
    timezone: str = ""
    buyer: str = ""
    order: Order = field(default_factory=Order)
    evidence: list[EvidenceItem] = field(default_factory=list)
    platform_overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def toml_path(self) -> Path:
        return self.root / CASE_FILE

    @property
    def originals(self) -> Path:
        return self.root / ORIGINALS

    @property
    def exports(self) -> Path:
        return self.root / EXPORTS

    def zone(self) -> dt.tzinfo | None:
        return parse_zone(self.timezone) if self.timezone else None


def parse_zone(name: str) -> dt.tzinfo:
    """An IANA zone (``Europe/Moscow``) or a fixed offset (``+03:00``, ``UTC-05:30``)."""
    text = name.strip()
    if text.upper() in ("UTC", "Z", "GMT"):
        return dt.timezone.utc
    match = _OFFSET_ZONE_RE.match(text)
    if match:
        sign, hh, mm = match.groups()
        delta = dt.timedelta(hours=int(hh), minutes=int(mm))
        return dt.timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UsageError(
            f"unknown time zone {name!r}",
            hint="use a name like Europe/Moscow or an offset like +03:00",
        ) from exc


# --------------------------------------------------------------------------- locating lines

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?")


def locate_line(text: str, table: str, key: str | None = None, index: int = 0) -> int | None:
    """1-based line of ``key`` in ``[table]`` (or the ``index``-th ``[[table]]``).

    tomllib gives no positions for values, so this scans the text; it is only used to point a
    user at the right line, never to read values.
    """
    current: str | None = None
    count = -1
    header_line: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER_RE.match(line)
        if header:
            name = header.group(2).strip('"')
            if name == table:
                if header.group(1) == "[[":
                    count += 1
                    current = table if count == index else None
                else:
                    current = table
                if current:
                    header_line = number
            else:
                current = None
            continue
        if current and key and re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return header_line


# --------------------------------------------------------------------------- validation


class _Checker:
    """Collects the context needed to raise a CaseError at the right line."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.text = text

    def fail(
        self, table: str, key: str | None, message: str, index: int = 0, hint: str = ""
    ) -> CaseError:
        line = locate_line(self.text, table, key, index)
        label = f"key '{key}'" if key else f"[{table}]"
        return CaseError(f"{label}: {message}", path=self.path, line=line, hint=hint)

    def unknown_keys(
        self, table: str, data: dict[str, Any], allowed: tuple[str, ...], index: int = 0
    ) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "expected one of " + ", ".join(allowed)
                )
                raise self.fail(table, key, "unknown key", index, hint=hint)

    def string(self, table: str, data: dict[str, Any], key: str, index: int = 0) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise self.fail(table, key, f"expected text in quotes, got {value!r}", index)
        return value

    def choice(self, table: str, data: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
        value = self.string(table, data, key)
        if value and value not in choices:
            raise self.fail(
                table, key, "expected one of " + ", ".join(choices) + f", got {value!r}"
            )
        return value

    def date(self, table: str, data: dict[str, Any], key: str) -> dt.date | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.fail(table, key, f"expected a date like 2026-11-20, got {value!r}")


def _check_shape(chk: _Checker, index: int, number: int, shape: Any) -> dict[str, Any]:
    where = f"annotate shape {number}"
    if not isinstance(shape, dict):
        raise chk.fail(
            "evidence", "annotate", f"{where}: expected a table like {{ box = [...] }}", index
        )
    # ``label`` is a shape of its own (label = [x, y, "text"]) or the text of another shape.
    kinds = [k for k in shape if k in SHAPES and not (k == "label" and isinstance(shape[k], str))]
    if len(kinds) != 1:
        raise chk.fail(
            "evidence",
            "annotate",
            f"{where}: expected exactly one of " + ", ".join(SHAPES),
            index,
        )
    kind = kinds[0]
    for key in shape:
        if key not in (kind, "label", "text", "color"):
            raise chk.fail("evidence", "annotate", f"{where}: unknown key {key!r}", index)
    coords = shape[kind]
    arity = SHAPE_ARITY[kind]
    if kind == "label" and isinstance(coords, list) and len(coords) == 3:
        if not isinstance(coords[2], str):
            raise chk.fail(
                "evidence", "annotate", f"{where} (label): the third item is the text", index
            )
        coords = coords[:2]  # label = [x, y, "text"]
    if not isinstance(coords, list) or len(coords) != arity:
        raise chk.fail("evidence", "annotate", f"{where} ({kind}): expected {arity} numbers", index)
    for value in coords:
        ok_number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok_pixels = isinstance(value, str) and re.fullmatch(r"\d+(\.\d+)?px", value.strip())
        if not (ok_number or ok_pixels):
            raise chk.fail(
                "evidence",
                "annotate",
                f"{where} ({kind}): {value!r} is not a fraction (0-1) or pixels like '120px'",
                index,
            )
    return dict(shape)


_EVIDENCE_KEYS = (
    "file",
    "caption",
    "trim",
    "stamp",
    "moments",
    "defects",
    "annotate",
    "kind",
    "shows",
    "start_time",
    "redact",
)


def _check_redact_box(
    chk: _Checker, index: int, number: int, raw: Any
) -> tuple[float, float, float, float, float | None, float | None]:
    """A video redaction: [X, Y, W, H], or { box = [X, Y, W, H], from = "0:00", to = "0:03" }."""
    shape = (
        'expected [X, Y, W, H] (fractions) or { box = [X, Y, W, H], from = "0:00", to = "0:03" }'
    )
    start = end = None
    box = raw
    if isinstance(raw, dict):
        extra = set(raw) - {"box", "from", "to"}
        if extra or "box" not in raw:
            raise chk.fail("evidence", "redact", f"box {number}: {shape}", index)
        box = raw["box"]
        try:
            start = parse_timecode(raw["from"]) if "from" in raw else None
            end = parse_timecode(raw["to"]) if "to" in raw else None
        except UsageError as exc:
            raise chk.fail("evidence", "redact", f"box {number}: {exc.message}", index) from exc
        if start is not None and end is not None and end <= start:
            raise chk.fail(
                "evidence", "redact", f"box {number}: 'to' must come after 'from'", index
            )
    numbers = (
        [v for v in box if isinstance(v, (int, float)) and not isinstance(v, bool)]
        if isinstance(box, list)
        else []
    )
    if len(numbers) != 4 or len(box) != 4 or not all(0 <= v <= 1 for v in numbers):
        raise chk.fail("evidence", "redact", f"box {number}: {shape}", index)
    x, y, w, h = (float(v) for v in numbers)
    if w <= 0 or h <= 0 or x + w > 1 + 1e-9 or y + h > 1 + 1e-9:
        raise chk.fail("evidence", "redact", f"box {number}: must stay inside the picture", index)
    return (x, y, w, h, start, end)


def _check_evidence(chk: _Checker, index: int, raw: Any) -> EvidenceItem:
    if not isinstance(raw, dict):
        raise chk.fail("evidence", None, "expected a table", index)
    chk.unknown_keys("evidence", raw, _EVIDENCE_KEYS, index)
    file = raw.get("file")
    if not isinstance(file, str) or not file.strip():
        raise chk.fail("evidence", "file", 'each [[evidence]] needs file = "originals/NAME"', index)
    item = EvidenceItem(file=file, caption=chk.string("evidence", raw, "caption", index))
    if "trim" in raw:
        trim = raw["trim"]
        if not isinstance(trim, list) or len(trim) != 2:
            raise chk.fail(
                "evidence", "trim", 'expected ["START", "END"], e.g. ["0:45", "3:10"]', index
            )
        try:
            start, end = (parse_timecode(t) for t in trim)
        except UsageError as exc:
            raise chk.fail("evidence", "trim", exc.message, index, hint=exc.hint) from exc
        if end <= start:
            raise chk.fail("evidence", "trim", "the end must come after the start", index)
        item.trim = (start, end)
    stamp = raw.get("stamp", False)
    if not isinstance(stamp, bool):
        raise chk.fail("evidence", "stamp", "expected true or false", index)
    item.stamp = stamp
    moments = raw.get("moments", [])
    if not isinstance(moments, list):
        raise chk.fail(
            "evidence", "moments", 'expected a list like [{ at = "0:52", note = "..." }]', index
        )
    for moment in moments:
        if not isinstance(moment, dict) or "at" not in moment:
            raise chk.fail("evidence", "moments", 'each moment needs at = "M:SS"', index)
        extra = set(moment) - {"at", "note"}
        if extra:
            raise chk.fail(
                "evidence", "moments", f"unknown key {sorted(extra)[0]!r} in a moment", index
            )
        try:
            at = parse_timecode(moment["at"])
        except UsageError as exc:
            raise chk.fail("evidence", "moments", exc.message, index, hint=exc.hint) from exc
        note = moment.get("note", "")
        if not isinstance(note, str):
            raise chk.fail("evidence", "moments", "a moment's note must be text", index)
        item.moments.append(Moment(at=at, note=note))
    defects = raw.get("defects", [])
    if not isinstance(defects, list) or not all(isinstance(d, str) for d in defects):
        raise chk.fail("evidence", "defects", 'expected a list of words like ["cracked"]', index)
    item.defects = list(defects)
    annotate = raw.get("annotate", [])
    if not isinstance(annotate, list):
        raise chk.fail("evidence", "annotate", "expected a list of shapes", index)
    item.annotate = [_check_shape(chk, index, n, s) for n, s in enumerate(annotate, start=1)]
    if "redact" in raw:
        item.redact = [_check_redact_box(chk, index, n, b) for n, b in enumerate(raw["redact"]
                       if isinstance(raw["redact"], list) else [None], start=1)]  # fmt: skip
    if "start_time" in raw:
        value = raw["start_time"]
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise chk.fail(
                    "evidence",
                    "start_time",
                    "needs its offset, e.g. 2026-11-20T17:03:11+03:00",
                    index,
                )
            value = value.isoformat()
        if not isinstance(value, str):
            raise chk.fail(
                "evidence",
                "start_time",
                'expected a date-time like "2026-11-20T17:03:11+03:00"',
                index,
            )
        item.start_time = value
    for key in ("kind", "shows"):
        if key in raw:
            item.extra[key] = raw[key]
    return item


def _check_platform_table(chk: _Checker, table: Any) -> dict[str, Any]:
    """[platform]: overrides of the platform's published numbers."""
    from evidence_tools.platforms import OVERRIDABLE

    if not isinstance(table, dict):
        raise CaseError("[platform] must be a table", path=chk.path)
    chk.unknown_keys("platform", table, OVERRIDABLE)
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "deadline_from":
            if value not in ("delivered", "placed", "estimated_delivery"):
                raise chk.fail(
                    "platform", key, "expected one of delivered, placed, estimated_delivery"
                )
            out[key] = value
            continue
        integral = key in ("deadline_days", "message_limit")
        ok = isinstance(value, int) if integral else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or value <= 0:
            kind = "a whole number" if integral else "a number"
            raise chk.fail("platform", key, f"expected {kind} above zero, got {value!r}")
        out[key] = value
    return out


def load_case(folder: str | Path) -> Case:
    """Read and validate ``folder/case.toml``."""
    root = Path(folder)
    path = root / CASE_FILE
    if not path.is_file():
        raise CaseError(
            "no case.toml here",
            path=root,
            hint=f"create one with: evidence init {root}",
        )
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CaseError("is not UTF-8 text", path=path, hint="save it as UTF-8") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise CaseError(
            f"not valid TOML: {reason}",
            path=path,
            line=int(match.group(1)) if match else None,
            hint='text needs quotes: caption = "..."',
        ) from exc
    return validate_case(root, data, text)


def validate_case(root: Path, data: dict[str, Any], text: str = "") -> Case:
    chk = _Checker(root / CASE_FILE, text)
    tables = ("case", "order", "evidence", "platform")
    for key in data:
        if key not in tables:
            close = difflib.get_close_matches(key, tables, n=1)
            raise CaseError(
                f"unknown table [{key}]",
                path=chk.path,
                line=locate_line(text, key),
                hint=f"did you mean [{close[0]}]?"
                if close
                else "expected [case], [order], [[evidence]], [platform]",
            )
    case_t = data.get("case", {})
    order_t = data.get("order", {})
    if not isinstance(case_t, dict) or not isinstance(order_t, dict):
        raise CaseError("[case] and [order] must be tables", path=chk.path)
    chk.unknown_keys(
        "case", case_t, ("platform", "claim", "resolution", "amount", "timezone", "buyer")
    )
    chk.unknown_keys(
        "order",
        order_t,
        ("number", "placed", "delivered", "estimated_delivery", "item", "seller", "tracking"),
    )
    case = Case(root=root)
    case.platform = chk.choice("case", case_t, "platform", PLATFORMS) or "other"
    case.claim = chk.choice("case", case_t, "claim", CLAIMS)
    case.resolution = chk.choice("case", case_t, "resolution", RESOLUTIONS)
    case.amount = chk.string("case", case_t, "amount")
    case.buyer = chk.string("case", case_t, "buyer")
    case.timezone = chk.string("case", case_t, "timezone")
    if case.timezone:
        try:
            parse_zone(case.timezone)
        except UsageError as exc:
            raise chk.fail("case", "timezone", exc.message, hint=exc.hint) from exc
    number = order_t.get("number", "")
    if isinstance(number, int) and not isinstance(number, bool):
        raise chk.fail(
            "order",
            "number",
            "write the order number in quotes",
            hint='number = "8123456789012345"',
        )
    case.order = Order(
        number=chk.string("order", order_t, "number"),
        placed=chk.date("order", order_t, "placed"),
        delivered=chk.date("order", order_t, "delivered"),
        estimated_delivery=chk.date("order", order_t, "estimated_delivery"),
        item=chk.string("order", order_t, "item"),
        seller=chk.string("order", order_t, "seller"),
        tracking=chk.string("order", order_t, "tracking"),
    )
    if case.order.placed and case.order.delivered and case.order.delivered < case.order.placed:
        raise chk.fail("order", "delivered", "delivery date is before the order date")
    case.platform_overrides = _check_platform_table(chk, data.get("platform", {}))
    evidence = data.get("evidence", [])
    if not isinstance(evidence, list):
        raise CaseError(
            "evidence must be written as [[evidence]] tables",
            path=chk.path,
            line=locate_line(text, "evidence"),
        )
    case.evidence = [_check_evidence(chk, i, raw) for i, raw in enumerate(evidence)]
    return case


# --------------------------------------------------------------------------- writing TOML


def toml_value(value: Any) -> str:
    """A TOML literal for the small set of values this tool writes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        escaped = (
            value.replace("\\", "\\\\")
            .replace('"', '\\"')
            .replace("\n", "\\n")
            .replace("\t", "\\t")
            .replace("\r", "\\r")
        )
        escaped = "".join(c if ord(c) >= 0x20 or c in "\\" else f"\\u{ord(c):04x}" for c in escaped)
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def evidence_block(entry: dict[str, Any]) -> str:
    lines = ["", "[[evidence]]"]
    lines += [f"{key} = {toml_value(value)}" for key, value in entry.items()]
    return "\n".join(lines) + "\n"


TEMPLATE = """\
# evidence-tools case file. Lines starting with # are comments.
# Fill in what you know; `evidence check` tells you what is still missing.

[case]
# Where you bought: aliexpress | ebay | amazon | temu | paypal | card | other
platform = {platform}
# What went wrong: not_received | damaged | not_as_described | wrong_item |
#                  missing_parts | counterfeit
claim = {claim}
# What you ask for: full_refund | partial_refund | replacement | return_and_refund
resolution = {resolution}
# The amount you paid, with its currency, e.g. "12.99 USD"
amount = ""
# Your time zone, used where a photo or video does not carry one (e.g. "Europe/Moscow").
timezone = {timezone}

[order]
number = {number}
# Dates as YYYY-MM-DD, e.g. placed = 2026-10-02
# placed = 2026-10-02
# delivered = 2026-11-20
item = ""
seller = ""
tracking = ""

# `evidence add FILE...` copies your photos and videos into originals/ and adds an
# [[evidence]] entry for each one below. You can then give each a caption and say what to do:
#
# [[evidence]]
# file = "originals/IMG_1234.MOV"
# caption = "Unboxing of the sealed parcel"
# trim = ["0:45", "3:10"]
# stamp = true
# moments = [{{ at = "0:52", note = "Shipping label with the tracking number" }}]
#
# [[evidence]]
# file = "originals/IMG_2001.HEIC"
# caption = "Crack along the left edge"
# defects = ["cracked"]
# annotate = [{{ box = [0.42, 0.30, 0.20, 0.15], label = "Crack" }}]
"""


def render_template(
    *,
    platform: str = "",
    claim: str = "",
    resolution: str = "",
    number: str = "",
    timezone: str = "",
) -> str:
    if platform and platform not in PLATFORMS:
        raise UsageError(f"unknown platform {platform!r}", hint="one of " + ", ".join(PLATFORMS))
    if claim and claim not in CLAIMS:
        raise UsageError(f"unknown claim {claim!r}", hint="one of " + ", ".join(CLAIMS))
    if resolution and resolution not in RESOLUTIONS:
        raise UsageError(
            f"unknown resolution {resolution!r}", hint="one of " + ", ".join(RESOLUTIONS)
        )
    if timezone:
        parse_zone(timezone)
    return TEMPLATE.format(
        platform=toml_value(platform or "other"),
        claim=toml_value(claim),
        resolution=toml_value(resolution or "full_refund"),
        number=toml_value(number),
        timezone=toml_value(timezone),
    )
