"""Editing case.toml from the mark page: only the keys the page changed, comments kept.

case.toml stays the one source of truth, so the page never keeps a copy of its own: it reads
the file, sends back the keys it changed, and this module writes just those into the buyer's
text with tomlkit (which keeps comments, order and layout). The result must load exactly as
``evidence check`` loads it before it replaces the file, atomically; a file changed on disk
since the page read it is refused rather than overwritten.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Array, InlineTable, Table

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from evidence_tools.case.layout import CASE_FILE
from evidence_tools.case.loader import load_case, validate_case
from evidence_tools.case.model import Case
from evidence_tools.case.points import MISMATCH_KEYS
from evidence_tools.errors import CaseError, UsageError
from evidence_tools.i18n import Text, _
from evidence_tools.mark.facts import CASE_FACTS, FACTS, ORDER_KEYS, facts_view
from evidence_tools.metadata.model import kind_for
from evidence_tools.shapes import page_shapes

# what the page may write, per exhibit; every other key (stamp, start_time, shows, ...) is
# the buyer's own and left exactly as written
EXHIBIT_KEYS = ("caption", "defects", "annotate", "trim", "moments", "redact")
CASE_KEYS = ("own_words", "message", *CASE_FACTS)
DATE_KEYS = tuple(f.key for f in FACTS if f.kind == "date")  # written as TOML dates


class ChangedOnDisk(CaseError):
    """case.toml changed since the page read it (the buyer edited it in another program)."""


def digest(text: str) -> str:
    """What the page sends back so a save never overwrites edits made elsewhere meanwhile."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def read_text(root: Path) -> str:
    return (root / CASE_FILE).read_text(encoding="utf-8-sig")


def case_view(root: str | Path) -> dict[str, Any]:
    """The case as the page shows it: the editable keys as written, one entry per exhibit."""
    root = Path(root)
    case = load_case(root)  # refuses a case.toml that does not load, in check's words
    raw = tomllib.loads(case.toml_text)
    table = raw.get("case", {})
    exhibits = []
    for number, (item, entry) in enumerate(
        zip(case.evidence, raw.get("evidence", []), strict=True), 1
    ):
        kind = kind_for(Path(item.file)) or "document"
        view = {"number": number, "file": item.file, "kind": kind}
        view.update({key: entry[key] for key in EXHIBIT_KEYS if key in entry})
        exhibits.append(view)
    order = raw.get("order", {})
    return {
        "digest": digest(case.toml_text),
        "folder": root.resolve().name,
        "case": {key: _shown(table.get(key, "")) for key in CASE_KEYS},
        "order": {key: _shown(order.get(key, "")) for key in ORDER_KEYS},
        "choices": choices(),
        "facts": facts_view(),
        "shapes": page_shapes(),
        # each point with its place as read: what the page sends back names the table it
        # changes, so removing one never hands its boxes to the next
        "points": [
            {"index": index, **{key: point[key] for key in MISMATCH_KEYS if key in point}}
            for index, point in enumerate(raw.get("mismatch", []))
        ],  # fmt: skip
        "editable": list(EXHIBIT_KEYS),
        "exhibits": exhibits,
    }


def _shown(value: Any) -> str:
    """A fact as the page's field shows it: a TOML date as YYYY-MM-DD."""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def choices() -> dict[str, list[list[str]]]:
    """The case.toml codes the page's selects offer, each with its name in the page's
    language (from the vocabulary, so a new claim appears here by itself)."""
    from evidence_tools.platforms import platform
    from evidence_tools.vocabulary import CLAIMS, PLATFORMS, RESOLUTIONS

    return {
        # "other" is said as "the platform" in sentences; in a list it needs its own words
        "platform": [
            [key, _(platform(key).name) if key != "other" else _("Another, not listed")]
            for key in PLATFORMS
        ],  # fmt: skip
        "claim": [[key, _(claim.title)] for key, claim in CLAIMS.items()],
        "resolution": [[key, _(title)] for key, title in RESOLUTIONS.items()],
    }


def _number(value: Any) -> Any:
    """Fractions as the buyer would type them: three decimals are finer than a pixel on a
    phone screen, and 0.30000000000000004 in case.toml would read as noise."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, list):
        return [_number(v) for v in value]
    return value


def _inline(entry: dict[str, Any]) -> InlineTable:
    table = tomlkit.inline_table()
    for key, value in entry.items():
        table[key] = _number(value)
    return table


def _apply_points(doc: Any, points: Any) -> None:
    """The page's [[mismatch]] tables in the page's order: one it kept (named by ``index``,
    its place as the page read it) is changed key by key, its comments kept and a key the
    page no longer has removed; one without an index is new; one the page left out is
    dropped."""
    if not isinstance(points, list) or not all(isinstance(p, dict) for p in points):
        raise UsageError(Text("points must be a list of tables"))
    aot = doc.get("mismatch")
    old = list(aot) if isinstance(aot, AoT) else []
    tables = []
    for point in points:
        index = point.get("index")
        known = isinstance(index, int) and not isinstance(index, bool) and 0 <= index < len(old)
        table = old[index] if known else tomlkit.table()
        _apply(table, {key: point.get(key) for key in MISMATCH_KEYS}, MISMATCH_KEYS)
        tables.append(table)
    if isinstance(aot, AoT):
        _refill(aot, tables)
    elif tables:
        aot = tomlkit.aot()
        doc.add(tomlkit.nl())
        doc.append("mismatch", aot)
        _refill(aot, tables)
    if not tables and "mismatch" in doc:
        del doc["mismatch"]


def _refill(aot: AoT, tables: list[Any]) -> None:
    """``aot`` holding ``tables`` in that order: tables the buyer wrote keep their comments."""
    while len(aot):
        del aot[0]
    for table in tables:
        aot.append(table)


def _toml_value(key: str, value: Any) -> Any:
    """A list of tables one per line, as the README's examples write them; a date as a TOML
    date (a wrong one stays text, for the loader to refuse in check's words)."""
    if key in DATE_KEYS and isinstance(value, str):
        import datetime as dt

        try:
            return tomlkit.date(dt.date.fromisoformat(value.strip()).isoformat())
        except ValueError:
            return value
    if isinstance(value, dict):  # a point's side, emptied of blanks by _apply
        return _inline(value)
    if key in ("annotate", "moments", "redact"):
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise UsageError(Text("{key} must be a list of tables", key=key))
        array: Array = tomlkit.array()
        for entry in value:
            array.append(_inline(entry))
        if len(value) > 1:
            array.multiline(True)
        return array
    return _number(value)


def _apply(
    table: Table | dict[str, Any], changes: dict[str, Any], allowed: tuple[str, ...]
) -> None:
    for key, value in changes.items():
        if key not in allowed:
            raise UsageError(Text("the page cannot change {key}", key=repr(key)))
        if isinstance(value, dict):  # a point's side: what it still holds, if anything
            value = {k: v for k, v in value.items() if v not in (None, "", [], {})}
        empty = value in ("", None, [], {})
        if empty:
            if key in table:
                del table[key]
            continue
        if key in table and tomlkit.item(table[key]).unwrap() == _number(value):
            continue  # unchanged: keep the buyer's own spelling and comments
        table[key] = _toml_value(key, value)


def apply_changes(text: str, changes: dict[str, Any]) -> str:
    """``text`` with the page's ``changes``; each exhibit is named by number and file, so a
    reordered case.toml cannot receive another exhibit's marks."""
    doc = tomlkit.parse(text)
    for name, allowed in (("case", CASE_KEYS), ("order", ORDER_KEYS)):
        if changes.get(name):
            if name not in doc:
                doc.add(name, tomlkit.table())
            _apply(doc[name], changes[name], allowed)
    if "points" in changes:
        _apply_points(doc, changes["points"])
    evidence = doc.get("evidence")
    for change in changes.get("exhibits", []):
        number, file = change.get("number"), change.get("file")
        if not isinstance(evidence, AoT) or not isinstance(number, int):
            raise UsageError(Text("no such exhibit in case.toml"))
        if not 1 <= number <= len(evidence) or evidence[number - 1].get("file") != file:
            raise UsageError(
                Text("exhibit {number} is no longer {file} in case.toml", number=number, file=file)
            )
        fields = {k: v for k, v in change.items() if k not in ("number", "file")}
        _apply(evidence[number - 1], fields, EXHIBIT_KEYS)
    if "exhibit_order" in changes:
        _reorder(doc, changes["exhibit_order"])
    return tomlkit.dumps(doc)


def _reorder(doc: Any, files: Any) -> None:
    """The exhibits in the page's new order, by file; one left out is taken out of the case
    (its original stays in originals/, with its fingerprint). A point that names an exhibit
    follows it to its new number; one that names a removed exhibit stops the change."""
    evidence = doc.get("evidence")
    tables = list(evidence) if isinstance(evidence, AoT) else []
    current = [t.get("file") for t in tables]
    if (
        not isinstance(files, list)
        or len(set(files)) != len(files)
        or not set(files) <= set(current)
    ):
        raise UsageError(Text("the new order must name the case's exhibits, each once"))
    number = {f: files.index(f) + 1 for f in files}  # file -> its new number
    for point in doc.get("mismatch", []):
        for side in ("listing", "photo"):
            place = point.get(side)
            if place is None or "exhibit" not in place:
                continue
            old = place["exhibit"]
            file = current[old - 1] if isinstance(old, int) and 0 < old <= len(current) else None
            if file is not None and file not in number:
                raise UsageError(Text(
                    "exhibit {number} is named by the point “{says}”: remove the point "
                    "or change its exhibit first", number=old,
                    says=point.get("listing_says", "")))  # fmt: skip
            if file is not None:
                place["exhibit"] = number[file]
    if isinstance(evidence, AoT):
        _refill(evidence, [tables[current.index(file)] for file in files])


def save_changes(root: str | Path, base: str, changes: dict[str, Any]) -> Case:
    """Write the page's changes into case.toml if it still is what the page read, and only
    if the result loads; returns the case as now saved."""
    from evidence_tools.fsutil import write_text_atomic

    root = Path(root)
    text = read_text(root)
    if digest(text) != base:
        raise ChangedOnDisk(
            Text("changed in another program since this page read it"),
            path=root / CASE_FILE,
            hint=Text("reload the page to see the file as it is now, then mark again"),
        )
    new_text = apply_changes(text, changes)
    case = validate_case(root, tomllib.loads(new_text), new_text)
    if new_text != text:
        write_text_atomic(root / CASE_FILE, new_text, force=True)
    return case
