"""Bring every exhibit of a case up to date: annotated photos, trimmed or stamped videos,
stills at the listed moments.

Each derived file's manifest entry keeps the recipe it was made from; a file is made again
only when its source's hash or its recipe changed, or the file itself no longer matches its
recorded hash. Files in exports/ that the manifest says we made (and that are unchanged) may
be replaced; anything else needs --force.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools.capture import CaptureInfo, kind_for, read_capture
from evidence_tools.case import Case, EvidenceItem
from evidence_tools.errors import EvidenceError, InputFileError, IntegrityError, UsageError
from evidence_tools.fsutil import sha256_file
from evidence_tools.integrity import Manifest, load_manifest

RECIPE_VERSION = 1


@dataclass
class ShownImage:
    path: Path
    caption: str = ""
    at: float | None = None  # for video stills: position in the original


@dataclass
class Exhibit:
    number: int
    item: EvidenceItem
    original: Path
    kind: str  # photo | video | document
    original_sha256: str = ""
    info: CaptureInfo | None = None
    images: list[ShownImage] = field(default_factory=list)
    derived: list[Path] = field(default_factory=list)
    rebuilt: list[Path] = field(default_factory=list)
    trim_range: tuple[float, float] | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def caption(self) -> str:
        return self.item.caption or self.original.name


def _norm(recipe: dict[str, Any]) -> dict[str, Any]:
    return json.loads(json.dumps({"v": RECIPE_VERSION, **recipe}))


class Builder:
    """Makes derived files for one case, reusing those whose recipe and sources still hold."""

    def __init__(self, case: Case, *, force: bool = False) -> None:
        self.case = case
        self.root = case.root
        self.force = force
        self.exports = case.exports
        self.exports.mkdir(exist_ok=True)

    def manifest(self) -> Manifest:
        return load_manifest(self.root)

    def owned(self, path: Path) -> bool:
        """True when ``path`` is a file we made and nobody changed since."""
        manifest = self.manifest()
        entry = manifest.files.get(manifest.rel(path))
        return bool(
            entry
            and entry.get("role") == "derived"
            and path.is_file()
            and sha256_file(path) == entry.get("sha256")
        )

    def may_replace(self, path: Path) -> bool:
        return self.force or not path.exists() or self.owned(path)

    def fresh(self, out: Path, source: Path, recipe: dict[str, Any]) -> bool:
        manifest = self.manifest()
        entry = manifest.files.get(manifest.rel(out))
        if not entry or not out.is_file():
            return False
        if entry.get("parameters", {}).get("recipe") != _norm(recipe):
            return False
        sources = entry.get("sources") or []
        src_entry = manifest.files.get(manifest.rel(source), {})
        if not sources or sources[0].get("sha256") != src_entry.get("sha256"):
            return False
        return sha256_file(out) == entry.get("sha256")

    def stamp_recipe(self, out: Path, recipe: dict[str, Any]) -> None:
        manifest = self.manifest()
        key = manifest.rel(out)
        if key in manifest.files:
            manifest.files[key].setdefault("parameters", {})["recipe"] = _norm(recipe)
            manifest.save()

    def make(
        self,
        out: Path,
        source: Path,
        recipe: dict[str, Any],
        action: Callable[[bool], Any],
        exhibit: Exhibit,
    ) -> Any:
        """Run ``action(force)`` unless ``out`` is fresh; returns the action's result or None."""
        exhibit.derived.append(out)
        if self.fresh(out, source, recipe):
            return None
        if not self.may_replace(out):
            raise EvidenceError(
                "exists and was not made by evidence-tools from this case",
                path=out,
                hint="move it away or run with --force",
            )
        result = action(True)
        self.stamp_recipe(out, recipe)
        exhibit.rebuilt.append(out)
        return result

    def entry(self, path: Path) -> dict[str, Any]:
        manifest = self.manifest()
        return manifest.files.get(manifest.rel(path), {})


def check_original(builder: Builder, exhibit: Exhibit) -> None:
    path = exhibit.original
    if not path.is_file():
        raise InputFileError(
            "evidence file is missing", path=path, hint="fix file = in case.toml or add it"
        )
    manifest = builder.manifest()
    key = manifest.rel(path)
    current = sha256_file(path)
    entry = manifest.files.get(key)
    if entry is None:
        manifest.record_original(path, current, added_from=path.name)
        manifest.save()
        exhibit.notes.append("was not in the manifest: its fingerprint was recorded now")
    elif entry.get("sha256") != current:
        raise IntegrityError(
            "the original changed since it was added to the case",
            path=path,
            hint="run evidence verify; restore the original file",
        )
    exhibit.original_sha256 = current


def prepare_photo(builder: Builder, exhibit: Exhibit) -> None:
    from evidence_tools.annotate import annotate_photo, shapes_from_specs

    item = exhibit.item
    if not item.annotate:
        exhibit.images.append(ShownImage(exhibit.original))
        return
    shapes = shapes_from_specs(item.annotate)
    ext = ".png" if exhibit.original.suffix.lower() == ".png" else ".jpg"
    out = builder.exports / f"{exhibit.original.stem}_annotated{ext}"
    recipe = {"op": "annotate", "shapes": [s.spec() for s in shapes]}
    builder.make(
        out,
        exhibit.original,
        recipe,
        lambda force: annotate_photo(exhibit.original, shapes, out, force=force),
        exhibit,
    )
    exhibit.images.append(ShownImage(out))


def prepare_video(builder: Builder, exhibit: Exhibit) -> None:
    from evidence_tools import video

    case, item, src = builder.case, exhibit.item, exhibit.original
    info = exhibit.info
    assert info is not None
    zone = case.zone()
    zone_name = case.timezone
    start, end = item.trim if item.trim else (None, None)
    begin = None
    if item.start_time:
        from evidence_tools.metadata.video import parse_iso_datetime

        begin = parse_iso_datetime(item.start_time)
        if begin is None:
            raise UsageError(
                f"start_time {item.start_time!r} is not a date-time",
                path=case.toml_path,
                hint="write it like 2026-11-20T17:03:11+03:00",
            )
    regions = [list(r) for r in item.redact]
    if item.stamp or item.redact:  # a redacted copy has to be re-encoded anyway
        out = builder.exports / f"{src.stem}_{'stamped' if item.stamp else 'redacted'}.mp4"
        caption = f"Order {case.order.number}" if case.order.number else ""
        recipe = {"op": "stamp", "start": start, "end": end, "caption": caption,
                  "zone": zone_name, "start_time": item.start_time, "clock": item.stamp,
                  "redact": regions}  # fmt: skip
        builder.make(
            out,
            src,
            recipe,
            lambda force: video.stamp(
                src,
                out,
                start=start,
                end=end,
                caption=caption,
                zone=zone,
                zone_name=zone_name,
                force=force,
                start_time=begin,
                redact=item.redact,
                show_clock=item.stamp,
            ),
            exhibit,
        )
        params = builder.entry(out).get("parameters", {})
        exhibit.trim_range = (params.get("start", 0.0), params.get("end", 0.0))
    elif item.trim:
        ext = ".mov" if src.suffix.lower() == ".mov" and info.video_codec == "hevc" else ".mp4"
        out = builder.exports / f"{src.stem}_trim{ext}"
        recipe = {"op": "trim", "start": start, "end": end}
        builder.make(
            out, src, recipe, lambda force: video.trim(src, start, end, out, force=force), exhibit
        )
        params = builder.entry(out).get("parameters", {})
        exhibit.trim_range = (params.get("start", 0.0), params.get("end", 0.0))
        if params.get("start") is not None and start is not None and params["start"] < start:
            exhibit.notes.append(
                f"the lossless cut starts at the keyframe at {params['start']:.3f} s "
                f"(requested {start:.3f} s)"
            )
    length = video.usable_duration(info)
    clock = video.optional_clock(info, zone, zone_name)
    if item.moments:
        for moment in item.moments:
            if moment.at >= length:
                exhibit.notes.append(
                    f"the moment at {moment.at:.1f} s is past the end of the video; left out"
                )
                continue
            if exhibit.trim_range and not (
                exhibit.trim_range[0] <= moment.at <= exhibit.trim_range[1]
            ):
                exhibit.notes.append(
                    f"the moment at {moment.at:.1f} s lies outside the trimmed part"
                )
            when = clock.first_frame + dt.timedelta(seconds=moment.at) if clock else None
            out = builder.exports / video.still_name(src.stem, moment.at, when)
            recipe = {"op": "still", "at": moment.at, "note": moment.note, "zone": zone_name,
                      "redact": regions}  # fmt: skip
            at, note = moment.at, moment.note

            def still(force: bool, at: float = at, note: str = note) -> Any:
                return video.frames(
                    src,
                    at=[at],
                    notes=[note],
                    outdir=builder.exports,
                    caption=True,
                    force=force,
                    zone=zone,
                    zone_name=zone_name,
                    redact=item.redact,
                )

            builder.make(out, src, recipe, still, exhibit)
            exhibit.images.append(ShownImage(out, moment.note, moment.at))
    else:
        lo, hi = exhibit.trim_range or (0.0, length)
        out = builder.exports / f"{src.stem}_sheet_3x2.jpg"
        recipe = {"op": "sheet", "cols": 3, "rows": 2, "start": lo, "end": hi, "zone": zone_name,
                  "redact": regions}  # fmt: skip
        builder.make(
            out,
            src,
            recipe,
            lambda force: video.contact_sheet(
                src,
                3,
                2,
                out,
                force=force,
                zone=zone,
                zone_name=zone_name,
                start=lo,
                end=hi,
                redact=item.redact,
            ),
            exhibit,
        )
        exhibit.images.append(ShownImage(out, "Contact sheet of the video"))


def prepare_exhibits(
    case: Case,
    *,
    force: bool = False,
    skip_broken: bool = False,
    progress: Callable[[int, Exhibit], None] | None = None,
) -> list[Exhibit]:
    """Every [[evidence]] entry, numbered, with its derived files up to date.

    A failing exhibit stops the build (nothing half-finished), unless ``skip_broken``: then
    it keeps its error and the dossier says it was left out.
    """
    builder = Builder(case, force=force)
    zone = case.zone()
    exhibits: list[Exhibit] = []
    for number, item in enumerate(case.evidence, start=1):
        path = (case.root / item.file).resolve()
        kind = kind_for(path) or "document"
        exhibit = Exhibit(number=number, item=item, original=path, kind=kind)
        exhibits.append(exhibit)
        try:
            check_original(builder, exhibit)
            if kind in ("photo", "video"):
                exhibit.info = read_capture(path, zone=zone, zone_name=case.timezone)
            if kind == "photo":
                prepare_photo(builder, exhibit)
            elif kind == "video":
                prepare_video(builder, exhibit)
            else:
                exhibit.notes.append("not a photo or video: attach this file separately")
        except EvidenceError as exc:
            if not skip_broken:
                # the same error (and exit code), saying which exhibit it was
                exc.message = f"exhibit {number}: {exc.message}"
                exc.hint = (exc.hint + "; " if exc.hint else "") + (
                    "or build with --skip-broken to leave it out"
                )
                raise
            exhibit.error = exc.one_line()
        if progress is not None:
            progress(number, exhibit)
    return exhibits
