"""Loading case.toml: every key checked, every error a ``case.toml:LINE: key 'x': ...`` line.

What a value may be is decided in ``shapes`` and ``rules`` (redaction boxes, zones), so the
command-line verbs accept exactly what case.toml accepts. What needs the files themselves
(a shape in pixels against the photo's size, a trim against the video's length) is checked by
``case.validate``, which ``evidence check`` and the dossier both run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from evidence_tools import i18n
from evidence_tools.case.layout import CASE_FILE
from evidence_tools.case.model import (
    CLAIMS,
    PLATFORMS,
    RESOLUTIONS,
    Case,
    EvidenceItem,
    Moment,
    Order,
)
from evidence_tools.case.points import read_mismatches, read_weights
from evidence_tools.errors import CaseError, UsageError, Words
from evidence_tools.i18n import Text
from evidence_tools.platforms import OVERRIDABLE
from evidence_tools.rules import parse_zone, redact_box, start_time
from evidence_tools.shapes import shape_from_spec
from evidence_tools.timecode import parse_timecode

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
        self, table: str, key: str | None, message: Words, index: int = 0, hint: Words = ""
    ) -> CaseError:
        line = locate_line(self.text, table, key, index)
        said = (
            Text("key '{key}': {message}", key=key, message=message)
            if key
            else Text("[{table}]: {message}", table=table, message=message)
        )
        return CaseError(said, path=self.path, line=line, hint=hint)

    def unknown_keys(
        self, table: str, data: dict[str, Any], allowed: tuple[str, ...], index: int = 0
    ) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = (
                    Text("did you mean '{key}'?", key=close[0])
                    if close
                    else Text("expected one of {choices}", choices=", ".join(allowed))
                )
                raise self.fail(table, key, Text("unknown key"), index, hint=hint)

    def string(self, table: str, data: dict[str, Any], key: str, index: int = 0) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise self.fail(
                table, key, Text("expected text in quotes, got {value}", value=repr(value)), index
            )
        return value

    def choice(self, table: str, data: dict[str, Any], key: str, choices: tuple[str, ...]) -> str:
        value = self.string(table, data, key)
        if value and value not in choices:
            raise self.fail(
                table,
                key,
                Text(
                    "expected one of {choices}, got {value}",
                    choices=", ".join(choices),
                    value=repr(value),
                ),
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
        raise self.fail(
            table, key, Text("expected a date like 2026-11-20, got {value}", value=repr(value))
        )


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
    "continuous",
)


class _Item:
    """One [[evidence]] table being checked: its position, for the line of an error."""

    def __init__(self, chk: _Checker, index: int, raw: dict[str, Any]) -> None:
        self.chk, self.index, self.raw = chk, index, raw

    def fail(self, key: str | None, message: Words, hint: Words = "") -> CaseError:
        return self.chk.fail("evidence", key, message, self.index, hint=hint)

    def rule(self, key: str, exc: UsageError) -> CaseError:
        return self.fail(key, exc.text, exc.hint_text)

    def file(self) -> str:
        file = self.raw.get("file")
        if not isinstance(file, str) or not file.strip():
            raise self.fail("file", Text('each [[evidence]] needs file = "originals/NAME"'))
        root = self.chk.path.parent.resolve()
        if not (root / file).resolve().is_relative_to(root):
            raise self.fail(
                "file", Text("{file} is outside the case folder", file=repr(file)),
                hint=Text("evidence add it, then name it as originals/NAME"),
            )  # fmt: skip
        return file

    def trim(self) -> tuple[float, float] | None:
        trim = self.raw.get("trim")
        if trim is None:
            return None
        if not isinstance(trim, list) or len(trim) != 2:
            raise self.fail("trim", Text('expected ["START", "END"], e.g. ["0:45", "3:10"]'))
        try:
            start, end = (parse_timecode(t) for t in trim)
        except UsageError as exc:
            raise self.rule("trim", exc) from exc
        if end <= start:
            raise self.fail("trim", Text("the end must come after the start"))
        return (start, end)

    def moments(self) -> list[Moment]:
        moments = self.raw.get("moments", [])
        if not isinstance(moments, list):
            raise self.fail("moments", Text('expected a list like [{ at = "0:52", note = "..." }]'))
        out = []
        for moment in moments:
            if not isinstance(moment, dict) or "at" not in moment:
                raise self.fail("moments", Text('each moment needs at = "M:SS"'))
            extra = set(moment) - {"at", "note"}
            if extra:
                raise self.fail(
                    "moments", Text("unknown key {key} in a moment", key=repr(sorted(extra)[0]))
                )
            try:
                at = parse_timecode(moment["at"])
            except UsageError as exc:
                raise self.rule("moments", exc) from exc
            note = moment.get("note", "")
            if not isinstance(note, str):
                raise self.fail("moments", Text("a moment's note must be text"))
            out.append(Moment(at=at, note=note))
        return out

    def words(self, key: str, example: str) -> list[str]:
        value = self.raw.get(key, [])
        if isinstance(value, str) and key == "shows":
            value = [value]
        if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
            raise self.fail(key, Text("expected a list of words like {example}", example=example))
        return list(value)

    def shapes(self) -> list[Any]:
        annotate = self.raw.get("annotate", [])
        if not isinstance(annotate, list):
            raise self.fail("annotate", Text("expected a list of shapes"))
        try:
            return [shape_from_spec(s, n) for n, s in enumerate(annotate, start=1)]
        except UsageError as exc:
            raise self.rule("annotate", exc) from exc

    def redact(self) -> list[Any]:
        boxes = self.raw.get("redact", [])
        try:
            if not isinstance(boxes, list):
                redact_box(boxes, 1)  # says what a box looks like
            return [redact_box(b, n) for n, b in enumerate(boxes, start=1)]
        except UsageError as exc:
            raise self.rule("redact", exc) from exc

    def start_time(self) -> dt.datetime | None:
        value = self.raw.get("start_time")
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            if value.tzinfo is None:
                raise self.fail(
                    "start_time", Text("needs its offset, e.g. 2026-11-20T17:03:11+03:00")
                )
            return value
        if not isinstance(value, str):
            raise self.fail(
                "start_time", Text('expected a date-time like "2026-11-20T17:03:11+03:00"')
            )
        try:
            return start_time(value)
        except UsageError as exc:
            raise self.rule("start_time", exc) from exc


def _check_evidence(chk: _Checker, index: int, raw: Any) -> EvidenceItem:
    if not isinstance(raw, dict):
        raise chk.fail("evidence", None, Text("expected a table"), index)
    chk.unknown_keys("evidence", raw, _EVIDENCE_KEYS, index)
    item = _Item(chk, index, raw)
    stamp, continuous = raw.get("stamp", False), raw.get("continuous", False)
    for key, value in (("stamp", stamp), ("continuous", continuous)):
        if not isinstance(value, bool):
            raise item.fail(key, Text("expected true or false"))
    return EvidenceItem(
        file=item.file(),
        caption=chk.string("evidence", raw, "caption", index),
        trim=item.trim(),
        stamp=stamp,
        continuous=continuous,
        moments=item.moments(),
        defects=item.words("defects", '["cracked"]'),
        annotate=item.shapes(),
        start_time=item.start_time(),
        redact=item.redact(),
        shows=item.words("shows", '["listing"]'),
        kind=chk.string("evidence", raw, "kind", index),
        index=index,
    )


def _check_platform_table(chk: _Checker, table: Any) -> dict[str, Any]:
    """[platform]: overrides of the platform's published numbers."""
    if not isinstance(table, dict):
        raise CaseError(Text("[platform] must be a table"), path=chk.path)
    chk.unknown_keys("platform", table, OVERRIDABLE)
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "deadline_from":
            if value not in ("delivered", "placed", "estimated_delivery"):
                choices = "delivered, placed, estimated_delivery"
                raise chk.fail("platform", key, Text("expected one of {choices}", choices=choices))
            out[key] = value
            continue
        integral = key in ("deadline_days", "message_limit")
        ok = isinstance(value, int) if integral else isinstance(value, (int, float))
        if isinstance(value, bool) or not ok or value <= 0:
            said = (
                Text("expected a whole number above zero, got {value}", value=repr(value))
                if integral
                else Text("expected a number above zero, got {value}", value=repr(value))
            )
            raise chk.fail("platform", key, said)
        out[key] = value
    return out


def _toml_error(path: Path, text: str, exc: Exception) -> CaseError:
    """A TOML parser's complaint as the real problem, at its line: an impossible date is
    "2019-02-30 is not a date", and only a bare word gets the hint to quote it."""
    match = re.search(r"line (\d+)", str(exc))
    line = int(match.group(1)) if match else None
    reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
    source = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    value = source.split("=", 1)[1].strip() if "=" in source else ""
    if "date" in reason.lower() and re.match(r"\d{4}-\d{2}-\d{2}", value):
        day = value[:10]
        return CaseError(Text("{day} is not a date", day=day), path=path, line=line,
                         hint=Text("write a real date as YYYY-MM-DD, e.g. 2026-11-20"))  # fmt: skip
    # TRANSLATORS: {reason} is the TOML reader's own description, in English
    invalid = Text("not valid TOML: {reason}", reason=reason)
    if value[:1].isalpha() and value not in ("true", "false"):
        return CaseError(invalid, path=path, line=line,
                         hint=Text('text needs quotes: caption = "..."'))  # fmt: skip
    return CaseError(invalid, path=path, line=line)


def load_case(folder: str | Path) -> Case:
    """Read and validate ``folder/case.toml``."""
    root = Path(folder)
    path = root / CASE_FILE
    if not path.is_file():
        raise CaseError(
            Text("no case.toml here"),
            path=root,
            hint=Text("create one with: evidence init {folder}", folder=str(root)),
        )
    try:
        # utf-8-sig: Windows Notepad starts a UTF-8 file with a byte-order mark
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CaseError(
            Text("is not UTF-8 text"), path=path, hint=Text("save it as UTF-8")
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(path, text, exc) from exc
    return validate_case(root, data, text)


def _case_table(chk: _Checker, case: Case, table: dict[str, Any]) -> None:
    chk.unknown_keys(
        "case",
        table,
        ("platform", "claim", "resolution", "amount", "timezone", "buyer", "own_words", "message",
         "language"),
    )  # fmt: skip
    case.platform = chk.choice("case", table, "platform", PLATFORMS) or "other"
    case.claim = chk.choice("case", table, "claim", CLAIMS)
    case.resolution = chk.choice("case", table, "resolution", RESOLUTIONS)
    case.amount = chk.string("case", table, "amount")
    case.buyer = chk.string("case", table, "buyer")
    case.own_words = chk.string("case", table, "own_words").strip()
    case.message = chk.string("case", table, "message").strip()
    case.timezone = chk.string("case", table, "timezone")
    if case.timezone:
        try:
            parse_zone(case.timezone)
        except UsageError as exc:
            raise chk.fail("case", "timezone", exc.text, hint=exc.hint_text) from exc
    language = chk.string("case", table, "language")
    if language:
        try:
            case.language = i18n.require(language)
        except i18n.UnknownLanguage:
            raise chk.fail(
                "case", "language",
                Text("unknown language {name}", name=repr(language)),
                hint=Text("one of {values}", values=", ".join(i18n.LANGUAGES)),
            ) from None  # fmt: skip
        i18n.offer_case_language(case.language)


def _order_table(chk: _Checker, table: dict[str, Any]) -> Order:
    chk.unknown_keys(
        "order",
        table,
        ("number", "placed", "delivered", "estimated_delivery", "item", "seller", "tracking",
         "shipped_weight", "received_weight"),
    )  # fmt: skip
    number = table.get("number", "")
    if isinstance(number, int) and not isinstance(number, bool):
        raise chk.fail(
            "order",
            "number",
            Text("write the order number in quotes"),
            hint='number = "8123456789012345"',
        )
    order = Order(
        number=chk.string("order", table, "number"),
        placed=chk.date("order", table, "placed"),
        delivered=chk.date("order", table, "delivered"),
        estimated_delivery=chk.date("order", table, "estimated_delivery"),
        item=chk.string("order", table, "item"),
        seller=chk.string("order", table, "seller"),
        tracking=chk.string("order", table, "tracking"),
    )
    if order.placed and order.delivered and order.delivered < order.placed:
        raise chk.fail("order", "delivered", Text("delivery date is before the order date"))
    return order


def validate_case(root: Path, data: dict[str, Any], text: str = "") -> Case:
    """The case from parsed TOML, every key checked (``text`` locates the lines)."""
    chk = _Checker(root / CASE_FILE, text)
    tables = ("case", "order", "evidence", "platform", "mismatch")
    for key in data:
        if key not in tables:
            close = difflib.get_close_matches(key, tables, n=1)
            raise CaseError(
                Text("unknown table [{table}]", table=key),
                path=chk.path,
                line=locate_line(text, key),
                hint=Text("did you mean [{table}]?", table=close[0])
                if close
                else Text("expected [case], [order], [[evidence]], [platform], [[mismatch]]"),
            )
    case_t = data.get("case", {})
    order_t = data.get("order", {})
    if not isinstance(case_t, dict) or not isinstance(order_t, dict):
        raise CaseError(Text("[case] and [order] must be tables"), path=chk.path)
    case = Case(root=root, toml_text=text)
    _case_table(chk, case, case_t)
    case.order = _order_table(chk, order_t)
    case.platform_overrides = _check_platform_table(chk, data.get("platform", {}))
    evidence = data.get("evidence", [])
    if not isinstance(evidence, list):
        raise CaseError(
            Text("evidence must be written as [[evidence]] tables"),
            path=chk.path,
            line=locate_line(text, "evidence"),
        )
    case.evidence = [_check_evidence(chk, i, raw) for i, raw in enumerate(evidence)]
    case.shipped_weight, case.received_weight = read_weights(chk, order_t)
    case.mismatches = read_mismatches(chk, data.get("mismatch"), case.evidence)
    return case


def evidence_error(case: Case, item: EvidenceItem, key: str, exc: UsageError) -> CaseError:
    """A rule broken by ``item``'s ``key``, pointed at its line in case.toml: the same words
    ``evidence check`` and ``evidence dossier`` print."""
    return _Checker(case.toml_path, case.toml_text).fail(
        "evidence",
        key,
        # TRANSLATORS: {file} is an evidence file (originals/NAME), {message} what is wrong
        Text("{file}: {message}", file=item.file, message=exc.text),
        item.index,
        hint=exc.hint_text,
    )
