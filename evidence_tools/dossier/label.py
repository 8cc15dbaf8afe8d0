"""What the video's exhibit page shows of the scan: the shipping label where it was read and
matched (the frame, the label enlarged), and what was checked for signs of editing.

The scan is the one ``evidence check`` made (read from the case's cache); the label's frame is
taken from the original with the case's covers applied, so the buyer's address stays covered.
Words here are the dossier's, for the arbiter: English.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from evidence_tools.checks_video import same_number, video_scan
from evidence_tools.dossier.exhibits import Builder, Exhibit, ShownImage
from evidence_tools.timecode import tenths_timecode
from evidence_tools.video.scan import Label, VideoScan, tracking_like

MARGIN = 0.6  # around the code, as a share of its size: the printed number beside it shows
ENLARGED = 900  # pixels on the enlarged label's long side


def matched_label(scan: VideoScan, tracking: str) -> Label | None:
    """The first label in the video that reads the order's tracking number."""
    if not tracking:
        return None
    return next((x for x in scan.labels if tracking_like(x) and same_number(x.text, tracking)),
                None)  # fmt: skip


def label_still(builder: Builder, exhibit: Exhibit) -> None:
    """The frame where the label is read, cropped around the code and enlarged."""
    case = builder.case
    scan = video_scan(case, exhibit.original)
    exhibit.scan = scan
    label = matched_label(scan, case.order.tracking)
    if label is None or label.at is None or label.box is None:
        return
    exhibit.label = label
    src = exhibit.original
    out = builder.exports / f"{src.stem}_label.jpg"
    redact = exhibit.item.redact
    recipe = {"op": "label", "at": label.at, "box": label.box, "text": label.text,
              "redact": [list(r) for r in redact]}  # fmt: skip

    def make(force: bool) -> None:
        from evidence_tools.case.manifest import record_output
        from evidence_tools.fsutil import atomic_output
        from evidence_tools.images import pillow
        from evidence_tools.video.stills import frames

        with tempfile.TemporaryDirectory(prefix="evidence-label-") as tmp:
            made = frames(src, at=[label.at or 0.0], outdir=Path(tmp), caption=False,
                          force=True, record=False, redact=redact)  # fmt: skip
            with pillow().open(made.stills[0].path) as img:
                frame = img.convert("RGB")
        x, y, w, h = label.box or [0.0, 0.0, 1.0, 1.0]
        left = max(0.0, x - MARGIN * w) * frame.width
        top = max(0.0, y - MARGIN * h) * frame.height
        right = min(1.0, x + w * (1 + MARGIN)) * frame.width
        bottom = min(1.0, y + h * (1 + MARGIN)) * frame.height
        crop = frame.crop((int(left), int(top), int(right), int(bottom)))
        scale = ENLARGED / max(crop.width, crop.height)
        crop = crop.resize((round(crop.width * scale), round(crop.height * scale)),
                           pillow().Resampling.LANCZOS)  # fmt: skip
        with atomic_output(out, force=force) as part:
            crop.save(part, "JPEG", quality=90)
        record_output(out, sources=[src], operation="redacted" if redact else "cropped",
                      parameters={"at": label.at, "box": label.box, "enlarged_to": ENLARGED,
                                  "reads": label.text})  # fmt: skip

    builder.make(out, src, recipe, make, exhibit)
    at = tenths_timecode(label.at)
    exhibit.images.append(ShownImage(
        out,
        f"The shipping label at {at}, enlarged: its code reads {label.text}, the order's "
        "tracking number",
    ))  # fmt: skip


def checked_facts(scan: VideoScan) -> list[str]:
    """What was checked for signs of editing and what was found, in plain sentences."""
    out = []
    found = []
    for at in scan.cuts:
        found.append(f"a cut at {tenths_timecode(at)} (the picture jumps in a way the camera's own "
                     "motion does not explain)")  # fmt: skip
    for at, length in scan.gaps:
        found.append(f"{length:.1f} s of frames missing at {tenths_timecode(at)}")
    if scan.editors:
        found.append(f"marks of {', '.join(scan.editors)} in the file (re-encoded or re-saved)")
    if scan.edit_list:
        found.append("an edit list that hides part of the footage the file holds")
    checked = (
        f"The original file was checked for signs of editing: the times of its {scan.frames} "
        "frames, jumps in the picture from one frame to the next, and marks an editor or "
        "encoder leaves in the file."
    )
    if not scan.complete:
        checked += f" The file can be read up to {tenths_timecode(scan.duration)} only."
    out.append(checked)
    if found:
        out.append("Found: " + "; ".join(found) + ".")
    else:
        out.append(
            "No sign of cutting or re-encoding was found. This does not prove that the "
            "recording is uncut; it is what these checks show."
        )
    return out
