"""Drawing marks on an upright photo: boxes, ellipses, arrows, numbered markers, labels, a
magnified inset, and solid redaction.

Redaction is drawn first and is a solid fill, so no pixel of the covered region survives
anywhere in the output (the inset is cut from the redacted picture). Labels are drawn last,
so no stroke crosses their text. What a shape may be is decided in ``rules``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageColor, ImageDraw

from evidence_tools.images import font as bundled_font
from evidence_tools.rules import Shape, check_colour, magnify_scale, shape_pixels

DEFAULT_COLOR = "#e8202a"
REDACT_FILL = (0, 0, 0)


@dataclass
class Style:
    stroke: int
    font_size: int
    color: tuple[int, int, int]
    halo: tuple[int, int, int]

    @classmethod
    def for_size(cls, width: int, height: int, color: str) -> Style:
        # the geometric mean of the sides: a panorama's short side alone gave tiny labels
        short = min(int((width * height) ** 0.5), min(width, height) * 2)
        rgb = ImageColor.getrgb(color)[:3]
        luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
        halo = (0, 0, 0) if luminance > 160 else (255, 255, 255)
        return cls(
            stroke=max(3, round(short * 0.007)),
            font_size=max(14, round(short * 0.035)),
            color=(int(rgb[0]), int(rgb[1]), int(rgb[2])),
            halo=halo,
        )


def _draw_label(
    draw: Any,
    text: str,
    anchor: tuple[float, float],
    style: Style,
    size: tuple[int, int],
    prefer_above: bool = True,
    avoid: tuple[float, float, float, float] | None = None,
) -> None:
    """Text on a filled box, placed at ``anchor`` and kept inside the frame."""
    font = bundled_font(style.font_size)
    pad = max(4, style.font_size // 4)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    tw, th = right - left, bottom - top
    bw, bh = tw + 2 * pad, th + 2 * pad
    x, y = anchor
    if avoid is not None:
        ax0, ay0, ax1, ay1 = avoid
        x = ax0
        y = ay0 - bh - style.stroke if prefer_above else ay1 + style.stroke
        if y < 0:
            y = ay1 + style.stroke
        if y + bh > size[1]:
            y = max(0, ay0 - bh - style.stroke)
    x = min(max(0, x), size[0] - bw)
    y = min(max(0, y), size[1] - bh)
    draw.rectangle(
        (x, y, x + bw, y + bh),
        fill=style.color,
        outline=style.halo,
        width=max(1, style.stroke // 2),
    )
    text_color = (255, 255, 255) if style.halo == (255, 255, 255) else (0, 0, 0)
    draw.text((x + pad - left, y + pad - top), text, font=font, fill=text_color)


def _outlined(draw: Any, fn: str, args: Any, style: Style, **kw: Any) -> None:
    """Draw twice: a wider halo underneath, then the colour, so marks show on any background."""
    getattr(draw, fn)(
        args, outline=style.halo, width=style.stroke + 2 * max(1, style.stroke // 2), **kw
    )
    getattr(draw, fn)(args, outline=style.color, width=style.stroke, **kw)


def _arrow(draw: Any, pts: list[float], style: Style) -> None:
    x1, y1, x2, y2 = pts
    angle = math.atan2(y2 - y1, x2 - x1)
    head = style.stroke * 5
    spread = math.radians(26)
    base_x = x2 - head * 0.8 * math.cos(angle)
    base_y = y2 - head * 0.8 * math.sin(angle)
    wing1 = (x2 - head * math.cos(angle - spread), y2 - head * math.sin(angle - spread))
    wing2 = (x2 - head * math.cos(angle + spread), y2 - head * math.sin(angle + spread))
    halo_w = style.stroke + 2 * max(1, style.stroke // 2)
    draw.line((x1, y1, base_x, base_y), fill=style.halo, width=halo_w)
    draw.polygon(
        [(x2, y2), wing1, wing2],
        fill=style.halo,
        outline=style.halo,
        width=max(1, style.stroke // 2) * 2,
    )
    draw.line((x1, y1, base_x, base_y), fill=style.color, width=style.stroke)
    draw.polygon([(x2, y2), wing1, wing2], fill=style.color)


def _marker(draw: Any, center: tuple[float, float], number: int, style: Style) -> None:
    r = max(12, style.font_size * 0.8)
    cx, cy = center
    draw.ellipse(
        (cx - r, cy - r, cx + r, cy + r),
        fill=style.color,
        outline=style.halo,
        width=max(2, style.stroke // 2),
    )
    font = bundled_font(max(10, int(r * 1.1)))
    draw.text((cx, cy), str(number), font=font, fill=style.halo, anchor="mm")


def _free_corner(
    size: tuple[int, int], inset: tuple[int, int], region: Sequence[float], margin: int
) -> tuple[int, int]:
    """The corner for the inset that lies farthest from the magnified region."""
    w, h = size
    iw, ih = inset
    rx, ry, rw, rh = region
    cx, cy = rx + rw / 2, ry + rh / 2
    corners = [
        (margin, margin),
        (w - iw - margin, margin),
        (margin, h - ih - margin),
        (w - iw - margin, h - ih - margin),
    ]

    def overlap(c: tuple[int, int]) -> float:
        ox = max(0.0, min(c[0] + iw, rx + rw) - max(c[0], rx))
        oy = max(0.0, min(c[1] + ih, ry + rh) - max(c[1], ry))
        return ox * oy

    return min(
        corners, key=lambda c: (overlap(c), -math.hypot(c[0] + iw / 2 - cx, c[1] + ih / 2 - cy))
    )


def _region_crop(image: Any, region: list[float]) -> Any:
    rx, ry, rw, rh = region
    return image.crop((int(rx), int(ry), int(math.ceil(rx + rw)), int(math.ceil(ry + rh))))


def _magnify(
    image: Any, draw: Any, region: list[float], style: Style, label: str, crop: Any
) -> None:
    """Paste ``crop`` (the region, cut before any mark was drawn) enlarged in a free corner."""
    w, h = image.size
    rx, ry, rw, rh = region
    scale = magnify_scale(w, h, rw, rh)  # shape_pixels refused a scale below 1.5
    inset = crop.resize(
        (max(1, int(crop.width * scale)), max(1, int(crop.height * scale))),
        Image.Resampling.LANCZOS,
    )
    margin = style.stroke * 3
    ix, iy = _free_corner((w, h), inset.size, region, margin)

    # the leader line from the region to the inset, then the region frame and the inset
    def clamp(
        px: float, py: float, x0: float, y0: float, w: float, h: float
    ) -> tuple[float, float]:
        return (min(max(px, x0), x0 + w), min(max(py, y0), y0 + h))

    # the leader joins the two frames at their nearest sides, not their centres
    rc = clamp(ix + inset.width / 2, iy + inset.height / 2, rx, ry, rw, rh)
    ic = clamp(rc[0], rc[1], ix, iy, inset.width, inset.height)
    draw.line((rc, ic), fill=style.halo, width=style.stroke + 2)
    draw.line((rc, ic), fill=style.color, width=max(2, style.stroke // 2))
    image.paste(inset, (ix, iy))
    _outlined(draw, "rectangle", (ix, iy, ix + inset.width, iy + inset.height), style)
    _outlined(draw, "rectangle", (rx, ry, rx + rw, ry + rh), style)
    badge = f"{label}  ×{scale:.1f}" if label else f"×{scale:.1f}"
    _draw_label(
        draw,
        badge,
        (ix, iy),
        style,
        (w, h),
        avoid=(ix, iy, ix + inset.width, iy + inset.height),
        prefer_above=False,
    )


def _label(draw: Any, shape: Shape, pts: list[float], style: Style, size: tuple[int, int]) -> None:
    """A shape's label: above a box or ellipse, at an arrow's tail, or where a label says."""
    if shape.kind in ("box", "ellipse"):
        x, y, rw, rh = pts
        _draw_label(draw, shape.label, (x, y), style, size, avoid=(x, y, x + rw, y + rh))
    elif shape.kind == "arrow":
        x1, y1, x2, y2 = pts
        # at the tail, on the side away from the head
        dx = -1 if x2 > x1 else 0
        tw = draw.textlength(shape.label, font=bundled_font(style.font_size))
        anchor = (x1 + dx * tw, y1 + (style.stroke if y2 < y1 else -style.font_size * 1.6))
        _draw_label(draw, shape.label, anchor, style, size)
    else:
        _draw_label(draw, shape.label, (pts[0], pts[1]), style, size)


def _outline(draw: Any, shape: Shape, pts: list[float], style: Style, marker_no: int) -> None:
    """A box, ellipse, arrow or numbered marker (labels and insets are drawn elsewhere)."""
    if shape.kind in ("box", "ellipse"):
        x, y, rw, rh = pts
        fn = "rectangle" if shape.kind == "box" else "ellipse"
        _outlined(draw, fn, (x, y, x + rw, y + rh), style)
    elif shape.kind == "arrow":
        _arrow(draw, pts, style)
    elif shape.kind == "marker":
        _marker(draw, (pts[0], pts[1]), marker_no, style)


def render(image: Any, shapes: Sequence[Shape], color: str = DEFAULT_COLOR) -> Any:
    """Draw ``shapes`` on an upright RGB image (modified in place and returned)."""
    w, h = image.size
    base_rgb = check_colour(color, "--color")
    resolved = [(s, shape_pixels(s, w, h)) for s in shapes]
    draw = ImageDraw.Draw(image)
    # 1. redaction first: solid, flattened into the picture before anything copies from it
    for shape, pts in resolved:
        if shape.kind == "redact":
            x, y, rw, rh = pts
            draw.rectangle(
                (math.floor(x), math.floor(y), math.ceil(x + rw) - 1, math.ceil(y + rh) - 1),
                fill=REDACT_FILL,
            )
    # 2. magnifier sources are cut now: redacted, but before any other mark is drawn
    crops = {id(s): _region_crop(image, pts) for s, pts in resolved if s.kind == "magnify"}
    marker_no = 0
    labels: list[tuple[Shape, list[float], Style]] = []
    for shape, pts in resolved:
        if shape.kind == "redact":
            continue
        style = Style.for_size(w, h, shape.color or color)
        style.color = check_colour(shape.color, shape.where) if shape.color else base_rgb
        if shape.kind == "magnify":
            _magnify(image, draw, pts, style, shape.label, crops[id(shape)])
            continue
        marker_no += shape.kind == "marker"
        _outline(draw, shape, pts, style, marker_no)
        if shape.label or shape.kind == "label":
            labels.append((shape, pts, style))
    # 3. labels last, so no stroke crosses their text
    for shape, pts, style in labels:
        _label(draw, shape, pts, style, (w, h))
    return image
