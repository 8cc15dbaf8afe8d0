"""The video's part of ``evidence check``: what the recording shows about itself, and the
shipping label read and matched with the order's tracking number.

Each original is scanned once (``video.scan``) and the result kept in the case's
``.cache/`` by the file's SHA-256: originals never change, so the next check reads the answer
instead of the video. What is found is said with its time; where nothing is found, a note says
what was checked. Nothing here claims a recording is continuous.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from evidence_tools.case.layout import CACHE
from evidence_tools.case.model import Case, EvidenceItem
from evidence_tools.errors import EvidenceError
from evidence_tools.findings import CheckReport
from evidence_tools.fsutil import sha256_file, write_text_atomic
from evidence_tools.i18n import Text
from evidence_tools.metadata.model import CaptureInfo, kind_for, usable_duration
from evidence_tools.progress import Progress
from evidence_tools.timecode import tenths_timecode
from evidence_tools.video.scan import SCAN_VERSION, Label, VideoScan, read_labels, tracking_like

PHOTO_SIDE = 2000  # a photo is read for barcodes at most this size: a label fills much of it


def _fingerprint(case: Case, path: Path) -> str:
    from evidence_tools.case.manifest import load_manifest

    manifest = load_manifest(case.root)
    try:
        entry = manifest.files.get(manifest.rel(path), {})
    except EvidenceError:  # outside the case: no record to read
        entry = {}
    return str(entry.get("sha256") or sha256_file(path))


def _kept(case: Case, path: Path, kind: str) -> tuple[Path, list[int], dict | None]:
    """Where the file's scan is kept, the size and time it is kept for, and the scan if it
    is there for the file as it is now."""
    folder = case.root / CACHE / f"scan-v{SCAN_VERSION}"
    cached = folder / f"{_fingerprint(case, path)}.{kind}.json"
    stat = path.stat()
    seen = [stat.st_size, stat.st_mtime_ns]  # a file replaced since is scanned again
    if cached.is_file():
        try:
            entry = dict(json.loads(cached.read_text(encoding="utf-8")))
            if entry.pop("file_stat", None) == seen:
                return cached, seen, entry
        except (OSError, ValueError):
            pass  # a damaged cache entry: scan again
    return cached, seen, None


def scan_seconds(case: Case, infos: dict[str, CaptureInfo]) -> float:
    """About how long the videos' first scans will take (none for a scan already kept)."""
    from evidence_tools.video.scan import SCAN_PER_SECOND

    total = 0.0
    for item in case.evidence:
        path, info = case.root / item.file, infos.get(item.file)
        if info is None or info.error or kind_for(path) != "video" or not path.is_file():
            continue
        if _kept(case, path, "video")[2] is None:
            total += max(0.1, usable_duration(info) * SCAN_PER_SECOND)
    return total


def _cached(case: Case, path: Path, kind: str, make: Callable[[], dict]) -> dict:
    """What ``make`` found for the file at ``path``, from the case's cache when it is there."""
    cached, seen, entry = _kept(case, path, kind)
    if entry is not None:
        return entry
    folder = cached.parent
    found = make()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_text_atomic(cached, json.dumps({**found, "file_stat": seen}, indent=1), force=True)
    except OSError:
        pass  # a read-only case still gets its answer, only not kept
    return found


def video_scan(case: Case, path: Path, progress: Progress | None = None) -> VideoScan:
    from evidence_tools.video.scan import scan_video

    data = _cached(case, path, "video", lambda: scan_video(path, progress=progress).to_dict())
    return VideoScan.from_dict(data)


def photo_labels(case: Case, path: Path) -> list[Label]:
    def read() -> dict:
        from evidence_tools.images import open_upright

        image, _meta = open_upright(path, fit=(PHOTO_SIDE, PHOTO_SIDE))
        return {"labels": [vars(x) for x in read_labels(image.convert("L"))]}

    return [Label(**x) for x in _cached(case, path, "labels", read)["labels"]]


def _signs(report: CheckReport, item: EvidenceItem, scan: VideoScan) -> None:
    """Cuts, gaps and editors; an error where the case calls the recording continuous."""
    severity = "error" if item.continuous else "warning"
    fix = (
        Text(
            "the statement would say one continuous recording: use the phone's original file, "
            "or remove continuous = true"
        )  # fmt: skip
        if item.continuous
        else Text("use the phone's original, uncut recording if you have it")
    )
    for at in scan.cuts:
        report.add(severity, "video.cut", Text(
            "a cut at {at}: the picture jumps from one frame to the next in a way the camera's "
            "own motion does not explain", at=tenths_timecode(at)), fix, item.file)  # fmt: skip
    for at, length in scan.gaps:
        report.add(severity, "video.gap", Text("{length} s of frames missing at {at}",
                   length=f"{length:.1f}", at=tenths_timecode(at)), fix, item.file)  # fmt: skip
    if scan.editors:
        report.add("warning", "video.reencoded", Text(
            "re-encoded or re-saved by {editors}: not the phone's original file",
            editors=", ".join(scan.editors)),
            Text("send the file exactly as the phone saved it"), item.file)  # fmt: skip
    if scan.edit_list:
        report.add(severity, "video.edit_list", Text(
            "the file's edit list hides part of the footage it holds: an editor trimmed it"),
            fix, item.file)  # fmt: skip
    if not scan.complete:
        report.add("info", "video.scan_partial", Text(
            "the scan reached {until}: the rest of the file cannot be read",
            until=tenths_timecode(scan.duration)), "", item.file)  # fmt: skip
    if not (scan.cuts or scan.gaps or scan.editors or scan.edit_list):
        report.add("info", "video.no_sign", Text(
            "no sign of cutting or re-encoding found (checked: the frame times, jumps in the "
            "picture, editors' marks in the file)"), "", item.file)  # fmt: skip


def _label(report: CheckReport, subject: str, label: Label, tracking: str) -> bool:
    """Say what a label reads against the order's tracking number; True when it matches."""
    seen, at = label.text, tenths_timecode(label.at) if label.at is not None else ""
    if not tracking:
        said = (
            Text("a label at {at} reads {seen}; the case gives no tracking number to match it "
                 "with", at=at, seen=seen)
            if at
            else Text("a label in the photo reads {seen}; the case gives no tracking number to "
                      "match it with", seen=seen)
        )  # fmt: skip
        report.add("info", "label.no_tracking", said, Text("set tracking in [order]"), subject)
        return False
    if same_number(seen, tracking):
        said = (
            Text("the label at {at} reads {seen}, the order's tracking number", at=at, seen=seen)
            if at
            else Text("the label in the photo reads {seen}, the order's tracking number",
                      seen=seen)
        )  # fmt: skip
        report.add("info", "label.matched", said, "", subject)
        return True
    said = (
        Text("a label at {at} reads {seen}, not the order's tracking number {tracking}",
             at=at, seen=seen, tracking=tracking)
        if at
        else Text("a label in the photo reads {seen}, not the order's tracking number "
                  "{tracking}", seen=seen, tracking=tracking)
    )  # fmt: skip
    fix = Text("check the tracking number in [order], or the parcel in the video")
    report.add("warning", "label.other", said, fix, subject)
    return False


def same_number(a: str, b: str) -> bool:
    """Two numbers as printed and as typed: spaces and case do not count."""
    return "".join(a.split()).upper() == "".join(b.split()).upper()


def video_findings(
    case: Case,
    report: CheckReport,
    infos: dict[str, CaptureInfo],
    progress: Progress | None = None,
) -> None:
    """Every video's signs of editing, and every label in the videos and photos."""
    tracking = case.order.tracking
    matched = False
    videos: list[EvidenceItem] = []
    for item in case.evidence:
        path = case.root / item.file
        info = infos.get(item.file)
        if not path.is_file() or info is None or info.error:
            continue
        kind = kind_for(path)
        if kind == "video" and info.video_codec:
            try:
                scan = video_scan(case, path, progress)
            except EvidenceError as exc:  # ffmpeg gave up on it, or took too long
                report.add("warning", "video.scan_failed", Text(
                    "the video could not be scanned for signs of editing: {reason}",
                    reason=exc.message), "", item.file)  # fmt: skip
                continue
            _signs(report, item, scan)
            labels = scan.labels
            videos.append(item)
        elif kind == "photo" and not info.cut_off:
            labels = photo_labels(case, path)
        else:
            continue
        for label in labels:
            if tracking_like(label):
                matched |= _label(report, item.file, label, tracking)
    if tracking and videos and not matched:
        report.add("info", "label.unread", Text(
            "no label with the order's tracking number could be read in the first minute of "
            "the video or in the photos"),
            Text("show the label close up and steady for a second or two"),
            videos[0].file)  # fmt: skip
