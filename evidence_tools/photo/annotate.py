"""``evidence photo annotate`` and ``photo grid``: a new upright JPEG or PNG of a photo with
marks drawn on it (or a coordinate grid), recorded in the case's manifest.

Coordinates are fractions (0-1) of the upright image (after EXIF orientation) or pixels with
a ``px`` suffix. The output carries a fresh EXIF block with no thumbnail and no GPS.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw

from evidence_tools.case.layout import derived_path
from evidence_tools.case.manifest import record_output
from evidence_tools.errors import OutputError
from evidence_tools.fsutil import atomic_output
from evidence_tools.i18n import Text
from evidence_tools.images import (
    fit_font,
    font,
    open_upright,
    output_exif,
    save_image,
    tool_versions,
)
from evidence_tools.photo.draw import DEFAULT_COLOR, Style, render
from evidence_tools.shapes import Shape, check_colour


def default_output(src: Path, suffix: str = "annotated") -> Path:
    """Inside a case: exports/NAME_annotated.jpg; elsewhere beside the input."""
    return derived_path(src, suffix, ".png" if src.suffix.lower() == ".png" else ".jpg")


@dataclass
class AnnotateResult:
    source: Path
    output: Path
    size: tuple[int, int]
    shapes: list[dict[str, Any]] = field(default_factory=list)
    operation: str = "drawing"
    recorded_in: Path | None = None


def annotate_photo(
    src: str | Path,
    shapes: Sequence[Shape],
    output: str | Path | None = None,
    *,
    color: str = DEFAULT_COLOR,
    keep_gps: bool = False,
    force: bool = False,
    record: bool = True,
) -> AnnotateResult:
    """Draw ``shapes`` on the upright photo ``src`` and write a new JPEG or PNG."""
    source = Path(src)
    check_colour(color, "--color")
    out = Path(output) if output is not None else default_output(source)
    if out.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        raise OutputError(Text("the output must be .jpg or .png"), path=out)
    image, info = open_upright(source)
    render(image, shapes, color)
    exif = output_exif(info["exif"], keep_gps=keep_gps)
    with atomic_output(out, force=force, sources=[source]) as tmp:
        save_image(image, tmp, out, exif=exif, icc=info["icc_profile"])
    specs = [s.spec() for s in shapes]
    operation = "redacted" if any(s.kind == "redact" for s in shapes) else "drawing"
    result = AnnotateResult(source, out, image.size, specs, operation)
    if record:
        result.recorded_in = record_output(
            out,
            sources=[source],
            operation=operation,
            parameters={"shapes": specs, "color": color, "keep_gps": keep_gps},
            tools=tool_versions,
        )
    return result


def _grid_overlay(size: tuple[int, int], style: Style, step: float) -> Any:
    """Transparent lines every ``step`` with their fractions written beside them."""
    w, h = size
    overlay = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    label_font = font(max(12, style.font_size * 2 // 3))
    # where lines stand closer than their labels are wide, label every other one
    narrow_x = draw.textlength("0.05", font=label_font) * 1.5 > w * step
    narrow_y = label_font.size * 2 > h * step
    for i in range(1, round(1 / step)):
        f = i * step
        major = i % 5 == 0
        alpha = 220 if major else 140
        lw = max(1, style.stroke // (1 if major else 2))
        x, y = f * w, f * h
        for line in ((x, 0, x, h), (0, y, w, y)):
            draw.line(line, fill=(0, 0, 0, alpha), width=lw + 2)
            draw.line(line, fill=(255, 212, 0, alpha), width=lw)
        text = f"{f:.2f}".rstrip("0").rstrip(".")
        positions: list[tuple[float, float]] = []
        if not narrow_x or i % 2 == 0:
            positions.append((x + 4, 4))
        if not narrow_y or i % 2 == 0:
            positions.append((4, y + 4))
        for pos in positions:
            box = draw.textbbox(pos, text, font=label_font, anchor="la")
            draw.rectangle((box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3), fill=(0, 0, 0, 170))
            draw.text(pos, text, font=label_font, fill=(255, 255, 255, 255), anchor="la")
    return overlay


def grid_photo(
    src: str | Path, output: str | Path | None = None, *, force: bool = False, step: float = 0.1
) -> Path:
    """The photo with a labelled grid (every ``step``) to read annotation coordinates off."""
    source = Path(src)
    out = Path(output) if output is not None else default_output(source, "grid")
    image, _ = open_upright(source)
    w, h = image.size
    style = Style.for_size(w, h, "#ffd400")
    overlay = _grid_overlay(image.size, style, step)
    composed = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    note = f"{w}x{h} px upright; x runs left to right, y top to bottom (0-1)"
    note_font = fit_font(note, w - 16, max(12, style.font_size * 2 // 3), smallest=8)
    ImageDraw.Draw(composed).text(
        (8, h - note_font.size - 8),
        note,
        font=note_font,
        fill=(255, 255, 255),
        stroke_width=2,
        stroke_fill=(0, 0, 0),
    )
    with atomic_output(out, force=force, sources=[source]) as tmp:
        save_image(composed, tmp, out, exif=output_exif(Image.Exif(), keep_gps=False), icc=None)
    record_output(
        out,
        sources=[source],
        operation="drawing",
        parameters={"grid_step": step},
        tools=tool_versions,
    )
    return out
