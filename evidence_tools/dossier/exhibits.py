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

from evidence_tools.case.manifest import Manifest, load_manifest
from evidence_tools.case.model import Case, EvidenceItem
from evidence_tools.case.validate import exhibit_problems
from evidence_tools.errors import (
    CaseError,
    EvidenceError,
    InputFileError,
    IntegrityError,
    OutputError,
)
from evidence_tools.fsutil import sha256_file
from evidence_tools.i18n import ENGLISH, Text, _, language
from evidence_tools.metadata.model import CaptureInfo, kind_for, usable_duration
from evidence_tools.metadata.read import read_capture
from evidence_tools.photo.annotate import annotate_photo
from evidence_tools.progress import ENCODE_PER_SECOND, PHOTO_SECONDS, Progress, Step
from evidence_tools.video.clock import StampClock, optional_clock
from evidence_tools.video.stamp import VIEWING_SHORT_SIDE, stamp
from evidence_tools.video.stills import contact_sheet, frames, still_name
from evidence_tools.video.trim import cut_extension, trim

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
    scan: Any = None  # a video's VideoScan (dossier.label): its signs of editing
    label: Any = None  # the label read in the video that matches the tracking number

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
        self.step: Step | None = None  # the exhibit being made, for its encodes' progress

    def inner(self) -> Progress:
        """Where the work inside the current exhibit's step reports: its encode fills the
        exhibit's share of the bar, in its own words ("Stamping IMG_0420.MOV")."""
        return self.step.inner() if self.step is not None else Progress.none()

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

    def claim_message(self, path: Path) -> str | None:
        """Like ``claim`` for a message.txt, which buyers do edit by hand: an edited one is
        never silently lost. Without --force the build stops and says how to keep the text;
        with --force the edited text is moved to message.edited.txt first (said in the
        warning returned)."""
        if not path.exists() or self.owned(path):
            return None
        if not self.force:
            raise OutputError(
                Text("was changed by hand since evidence-tools wrote it"),
                path=path,
                hint=Text(
                    "to keep your text, put it in case.toml as message = '''...''' in [case] "
                    "(used as written from then on); or add --force (your text is then kept as "
                    "message.edited.txt)"
                ),
            )
        kept = path.with_name("message.edited.txt")
        path.replace(kept)
        return _("your edited {name} was kept as {kept}; the new one replaces it",
                 name=path.name, kept=kept.name)  # fmt: skip

    def claim(self, path: Path) -> Path:
        """``path``, once it is known to be ours to write: new, made by us and unchanged, or
        --force; anything else in exports/ is someone's file (exit 4)."""
        if not self.may_replace(path):
            raise OutputError(
                Text("exists and was not made by evidence-tools from this case"),
                path=path,
                hint=Text("move it away or add --force"),
            )
        return path

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
        self.claim(out)
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
            Text("evidence file is missing"),
            path=path,
            hint=Text("fix file = in case.toml or add it"),
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
            Text("the original changed since it was added to the case"),
            path=path,
            hint=Text("run evidence verify; restore the original file"),
        )
    exhibit.original_sha256 = current


def prepare_photo(builder: Builder, exhibit: Exhibit) -> None:
    item = exhibit.item
    if not item.annotate:
        exhibit.images.append(ShownImage(exhibit.original))
        return
    ext = ".png" if exhibit.original.suffix.lower() == ".png" else ".jpg"
    out = builder.exports / f"{exhibit.original.stem}_annotated{ext}"
    recipe = {"op": "annotate", "shapes": [s.spec() for s in item.annotate]}
    builder.make(
        out,
        exhibit.original,
        recipe,
        lambda force: annotate_photo(exhibit.original, item.annotate, out, force=force),
        exhibit,
    )
    exhibit.images.append(ShownImage(out))


class _VideoPlan:
    """What a video exhibit's recipes share: the case's zone, the range, the boxes."""

    def __init__(self, builder: Builder, exhibit: Exhibit) -> None:
        case, item = builder.case, exhibit.item
        self.builder, self.exhibit, self.item, self.src = builder, exhibit, item, exhibit.original
        self.zone, self.zone_name = case.zone(), case.timezone
        self.start: float | None = item.trim[0] if item.trim else None
        self.end: float | None = item.trim[1] if item.trim else None
        self.regions = [list(r) for r in item.redact]
        self.caption = f"Order {case.order.number}" if case.order.number else ""

    def viewing_copy(self) -> None:
        """The stamped or redacted copy (a redacted copy is re-encoded anyway), or the
        lossless cut; the part of the original it shows becomes the exhibit's range."""
        item, src, exhibit = self.item, self.src, self.exhibit
        if item.stamp or item.redact:
            out = self.builder.exports / f"{src.stem}_{'stamped' if item.stamp else 'redacted'}.mp4"
            start_time = item.start_time.isoformat() if item.start_time else ""
            recipe = {"op": "stamp", "start": self.start, "end": self.end, "caption": self.caption,
                      "zone": self.zone_name, "start_time": start_time, "clock": item.stamp,
                      "redact": self.regions, "short_side": VIEWING_SHORT_SIDE}  # fmt: skip
            self.builder.make(out, src, recipe, lambda force: stamp(
                src, out, start=self.start, end=self.end, caption=self.caption, zone=self.zone,
                zone_name=self.zone_name, force=force, start_time=item.start_time,
                redact=item.redact, show_clock=item.stamp,
                progress=self.builder.inner(),
            ), exhibit)  # fmt: skip
        elif item.trim:
            assert exhibit.info is not None
            ext = cut_extension(src, exhibit.info.video_codec)
            out = self.builder.exports / f"{src.stem}_trim{ext}"
            recipe = {"op": "trim", "start": self.start, "end": self.end}
            self.builder.make(
                out, src, recipe,
                lambda force: trim(src, self.start, self.end, out, force=force,
                                   progress=self.builder.inner()),
                exhibit,
            )  # fmt: skip
        else:
            return
        params = self.builder.entry(out).get("parameters", {})
        exhibit.trim_range = (params.get("start", 0.0), params.get("end", 0.0))
        if not item.stamp and not item.redact and self.start is not None:
            real = params.get("start")
            if real is not None and real < self.start:
                exhibit.notes.append(
                    f"the lossless cut starts at the keyframe at {real:.3f} s "
                    f"(requested {self.start:.3f} s)"
                )

    def moment_stills(self, length: float, clock: StampClock | None) -> None:
        exhibit, src, exports = self.exhibit, self.src, self.builder.exports
        for moment in self.item.moments:
            if moment.at >= length:
                exhibit.notes.append(
                    f"the moment at {moment.at:.1f} s is past the end of the video; left out"
                )
                continue
            lo, hi = exhibit.trim_range or (0.0, length)
            if exhibit.trim_range and not lo <= moment.at <= hi:
                exhibit.notes.append(
                    f"the moment at {moment.at:.1f} s lies outside the trimmed part"
                )
            when = clock.first_frame + dt.timedelta(seconds=moment.at) if clock else None
            out = exports / still_name(src.stem, moment.at, when)
            recipe = {"op": "still", "at": moment.at, "note": moment.note,
                      "zone": self.zone_name, "redact": self.regions}  # fmt: skip

            def still(force: bool, at: float = moment.at, note: str = moment.note) -> Any:
                return frames(
                    src, at=[at], notes=[note], outdir=exports, caption=True, force=force,
                    zone=self.zone, zone_name=self.zone_name, redact=self.item.redact,
                )  # fmt: skip

            self.builder.make(out, src, recipe, still, exhibit)
            exhibit.images.append(ShownImage(out, moment.note, moment.at))

    def sheet(self, length: float) -> None:
        src = self.src
        lo, hi = self.exhibit.trim_range or (0.0, length)
        out = self.builder.exports / f"{src.stem}_sheet_3x2.jpg"
        recipe = {"op": "sheet", "cols": 3, "rows": 2, "start": lo, "end": hi,
                  "zone": self.zone_name, "redact": self.regions}  # fmt: skip
        self.builder.make(out, src, recipe, lambda force: contact_sheet(
            src, 3, 2, out, force=force, zone=self.zone, zone_name=self.zone_name, start=lo,
            end=hi, redact=self.item.redact,
        ), self.exhibit)  # fmt: skip
        self.exhibit.images.append(ShownImage(out, "Contact sheet of the video"))


def prepare_video(builder: Builder, exhibit: Exhibit) -> None:
    """The viewing copy (stamped, redacted or cut), then stills at the listed moments, or a
    contact sheet where none are listed."""
    info = exhibit.info
    assert info is not None
    plan = _VideoPlan(builder, exhibit)
    plan.viewing_copy()
    length = usable_duration(info)
    if exhibit.item.moments:
        plan.moment_stills(length, optional_clock(info, plan.zone, plan.zone_name))
    else:
        plan.sheet(length)


def _read(builder: Builder, exhibit: Exhibit, known: CaptureInfo | None = None) -> None:
    """Check the original against the manifest, read it (or take what ``evidence check``
    read of it in this run), and hold it to case.toml's rules that need the file (the same
    ``evidence check`` reports)."""
    case = builder.case
    check_original(builder, exhibit)
    if exhibit.kind in ("photo", "video"):
        exhibit.info = (
            known
            if known is not None and known.error is None
            else read_capture(exhibit.original, zone=case.zone(), zone_name=case.timezone)
        )
        problems = exhibit_problems(case, exhibit.item, exhibit.info)
        if problems:
            raise problems[0]


def _build(builder: Builder, exhibit: Exhibit) -> None:
    if exhibit.kind == "photo":
        prepare_photo(builder, exhibit)
    elif exhibit.kind == "video":
        prepare_video(builder, exhibit)
    else:
        exhibit.notes.append("not a photo or video: attach this file separately")


def prepare_exhibits(
    case: Case,
    *,
    force: bool = False,
    skip_broken: bool = False,
    progress: Progress | None = None,
    infos: dict[str, CaptureInfo] | None = None,
) -> list[Exhibit]:
    """Every [[evidence]] entry, numbered, with its derived files up to date. ``infos`` is
    what was already read of the files in this run (by ``evidence check``).

    Every exhibit is read and checked before any file is made, so a broken one stops the
    build with nothing half-finished, unless ``skip_broken``: then it keeps its error and the
    dossier says it was left out.
    """
    builder = Builder(case, force=force)
    exhibits = [
        Exhibit(number=n, item=item, original=(case.root / item.file).resolve(),
                kind=kind_for(case.root / item.file) or "document")
        for n, item in enumerate(case.evidence, start=1)
    ]  # fmt: skip
    known = infos or {}
    for exhibit in exhibits:
        _attempt(lambda b, e: _read(b, e, known.get(e.item.file)), builder, exhibit, skip_broken)
    progress = progress or Progress.none()
    weights = [0.05 if e.error else work_seconds(e.item, e.kind, e.info) for e in exhibits]
    with progress.forecast(sum(weights)):
        for exhibit, weight in zip(exhibits, weights, strict=True):
            with progress.one_step(_("Preparing {name}", name=exhibit.original.name),
                                   weight=weight) as builder.step:  # fmt: skip
                if not exhibit.error:
                    _attempt(_build, builder, exhibit, skip_broken)
    builder.step = None
    return exhibits


def shown_seconds(item: EvidenceItem, info: CaptureInfo) -> float:
    """How much of a video the exhibit shows: its trim, or all of it."""
    length = usable_duration(info)
    return max(0.0, min(item.trim[1], length) - item.trim[0]) if item.trim else length


def work_seconds(item: EvidenceItem, kind: str, info: CaptureInfo | None) -> float:
    """About how long making an exhibit's files takes: what its share of the bar is."""
    if kind == "document":
        return 0.05
    if kind == "photo" or info is None:
        return PHOTO_SECONDS
    stills = PHOTO_SECONDS * max(1, len(item.moments))
    if item.stamp or item.redact:
        return shown_seconds(item, info) * ENCODE_PER_SECOND + stills
    return (0.5 if item.trim else 0.0) + stills


def _attempt(
    step: Callable[[Builder, Exhibit], None],
    builder: Builder,
    exhibit: Exhibit,
    skip_broken: bool,
) -> None:
    """Run one step for one exhibit; a failure stops the build, or with ``skip_broken`` stays
    on the exhibit. A case.toml rule's error is raised as ``evidence check`` words it."""
    try:
        step(builder, exhibit)
    except EvidenceError as exc:
        if skip_broken:
            with language(ENGLISH):  # said on the dossier's page for the exhibit
                exhibit.error = exc.one_line()
            return
        if not isinstance(exc, CaseError):  # the same error and exit code, naming the exhibit
            exc.prefix = Text("exhibit {number}", number=exhibit.number)
            skip = Text("or build with --skip-broken to leave it out")
            exc.hint_text = (
                Text("{hint}; {more}", hint=exc.hint_text, more=skip) if exc.hint_text else skip
            )
        raise
