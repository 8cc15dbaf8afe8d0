"""What case.toml asks that only the files can refute: a shape given in pixels that runs off
the photo, a trim that starts past the video's end, a clock burned into a video with no time.

``evidence check`` reports these and ``evidence dossier`` refuses them, both from here and in
the same words, pointed at the same ``case.toml:LINE`` (what the text alone can refute, the
loader refuses already).
"""

from __future__ import annotations

from evidence_tools.case.loader import evidence_error
from evidence_tools.case.model import Case, EvidenceItem
from evidence_tools.errors import EvidenceError, InputFileError, UsageError
from evidence_tools.i18n import Text
from evidence_tools.metadata.model import CaptureInfo, usable_duration, video_problem
from evidence_tools.rules import clock_start, video_range
from evidence_tools.shapes import shape_pixels


def exhibit_problems(case: Case, item: EvidenceItem, info: CaptureInfo) -> list[EvidenceError]:
    """Everything the dossier would refuse about ``item`` once its file is read."""
    found: list[EvidenceError] = []
    if info.error:
        return found  # unreadable: the reader's own error says so
    if info.cut_off:  # the dossier cannot place what cannot be decoded
        found.append(
            InputFileError(
                Text("the picture is cut off: the file ends before its image data does"),
                path=case.root / item.file,
                hint=Text("copy it again from the phone"),
            )
        )
        return found
    if info.kind == "photo" and info.width and info.height:
        for shape in item.annotate:
            try:
                shape_pixels(shape, info.width, info.height)
            except UsageError as exc:
                found.append(evidence_error(case, item, "annotate", exc))
    if info.kind != "video":
        return found
    problem = video_problem(info)
    if problem:
        found.append(InputFileError(problem, path=case.root / item.file))
        return found
    length = usable_duration(info)
    if item.trim:
        try:
            video_range(length, *item.trim)
        except UsageError as exc:
            found.append(evidence_error(case, item, "trim", exc))
    if item.stamp:
        try:
            clock_start(info.captured_at, item.start_time, case.zone())
        except UsageError as exc:
            found.append(evidence_error(case, item, "stamp", exc))
    return found
