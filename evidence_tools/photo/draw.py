"""Drawing marks on an upright photo: boxes, ellipses, arrows, numbered markers, labels, a
magnified inset, dimension lines of a measure and its reference, and solid redaction.

Redaction is drawn first and is a solid fill, so no pixel of the covered region survives
anywhere in the output (the inset is cut from the redacted picture). Labels are drawn last,
so no stroke crosses their text. What a shape may be is decided in ``shapes``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image, ImageColor, ImageDraw

from evidence_tools.errors import UsageError
from evidence_tools.i18n import Text, _
from evidence_tools.images import fit_font
from evidence_tools.images import font as bundled_font
from evidence_tools.measure import parse_length
from evidence_tools.shapes import (
    MAGNIFY_MIN,
    Shape,
    check_colour,
    magnify_scale,
    measured,
    shape_pixels,
)

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


class _LabelBox:
    """Where a label goes and how it is set: its box (x, y, width, height) and font."""

    def __init__(
        self, x: float, y: float, w: float, h: float, font: Any, offset: tuple[float, float]
    ) -> None:
        self.x, self.y, self.w, self.h, self.font, self.offset = x, y, w, h, font, offset

    @property
    def rect(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.x + self.w, self.y + self.h)


def _label_box(
    draw: Any,
    text: str,
    anchor: tuple[float, float],
    style: Style,
    size: tuple[int, int],
    prefer_above: bool = True,
    avoid: tuple[float, float, float, float] | None = None,
) -> _LabelBox:
    """Where ``text`` goes: at ``anchor`` (or beside ``avoid``), wholly inside the picture; a
    text wider than the picture is set smaller rather than cut off at its start."""
    pad = max(4, style.font_size // 4)
    font = fit_font(text, size[0] - 2 * pad - 2, style.font_size, smallest=8)
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    bw, bh = right - left + 2 * pad, bottom - top + 2 * pad
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
    return _LabelBox(x, y, bw, bh, font, (pad - left, pad - top))


def _paint_label(draw: Any, box: _LabelBox, text: str, style: Style) -> None:
    """Text on a filled box."""
    draw.rectangle(box.rect, fill=style.color, outline=style.halo, width=max(1, style.stroke // 2))
    text_color = (255, 255, 255) if style.halo == (255, 255, 255) else (0, 0, 0)
    draw.text((box.x + box.offset[0], box.y + box.offset[1]), text, font=box.font, fill=text_color)


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


def _dimension(draw: Any, pts: Sequence[float], style: Style) -> None:
    """A dimension line: the segment with a short bar square to it at each end and a small
    head pointing at each end, so where it starts and stops cannot be misread."""
    x1, y1, x2, y2 = pts
    angle = math.atan2(y2 - y1, x2 - x1)
    nx, ny = -math.sin(angle), math.cos(angle)  # square to the segment
    bar = style.stroke * 4
    head = style.stroke * 3.5
    halo_w = style.stroke + 2 * max(1, style.stroke // 2)
    for fill, width in ((style.halo, halo_w), (style.color, style.stroke)):
        draw.line((x1, y1, x2, y2), fill=fill, width=width)
        for ex, ey, sign in ((x1, y1, 1), (x2, y2, -1)):
            draw.line((ex - nx * bar, ey - ny * bar, ex + nx * bar, ey + ny * bar),
                      fill=fill, width=width)  # fmt: skip
            back = (ex + sign * head * math.cos(angle), ey + sign * head * math.sin(angle))
            wings = [(back[0] + k * nx * head * 0.5, back[1] + k * ny * head * 0.5)
                     for k in (-1, 1)]  # fmt: skip
            draw.polygon([(ex, ey), *wings], fill=fill)


def _dimension_label(
    draw: Any,
    text: str,
    pts: Sequence[float],
    style: Style,
    size: tuple[int, int],
    placed: Sequence[Sequence[float]] = (),
) -> _LabelBox:
    """A dimension's text centred beside its line's middle, above (or left of) it where
    there is room, else below, and further out where another label (``placed``) is in the
    way, so it covers neither the line, its ends nor another text."""
    x1, y1, x2, y2 = pts
    probe = _label_box(draw, text, (0, 0), style, size)
    angle = math.atan2(y2 - y1, x2 - x1)
    nx, ny = -math.sin(angle), math.cos(angle)
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    if ny > 0 or (ny == 0 and nx > 0):  # point the normal up (or left) first
        nx, ny = -nx, -ny
    gap = style.stroke * 5 + math.hypot(probe.w * nx, probe.h * ny) / 2
    step = math.hypot(probe.w * nx, probe.h * ny) + style.stroke
    tries = []
    for ring in range(4):
        for sign in (1, -1):
            cx, cy = mx + sign * nx * (gap + ring * step), my + sign * ny * (gap + ring * step)
            box = _label_box(draw, text, (cx - probe.w / 2, cy - probe.h / 2), style, size)
            inside = abs(box.x + box.w / 2 - cx) < 1 and abs(box.y + box.h / 2 - cy) < 1
            if inside and not any(_overlap(box.rect, r) for r in placed):
                return box
            tries.append(box)
    return tries[0]  # nowhere free: beside the line, where it reads best


def measure_texts(shape: Shape, size: tuple[int, int]) -> tuple[str, str]:
    """What a measure's two dimension lines say: "Length 48.0 cm ± 0.4 cm" and
    "reference 10 cm"."""
    said = measured(shape, size[0], size[1]).said()
    text = _("{label}: {length}", label=shape.label, length=said) if shape.label else said
    # TRANSLATORS: written beside the segment drawn on the ruler; {length} is like "10 cm"
    return text, _("reference {length}", length=parse_length(shape.ref_length).given())


def _marker_radius(style: Style) -> float:
    """The numbered disc's radius, its halo included."""
    return max(12, style.font_size * 0.8) + max(2, style.stroke // 2)


def _marker(
    draw: Any, center: tuple[float, float], number: int, style: Style, size: tuple[int, int]
) -> None:
    """A numbered disc at ``center``, moved in just enough to stay whole inside the picture."""
    r = max(12, style.font_size * 0.8)
    edge = _marker_radius(style)
    cx = min(max(center[0], edge), size[0] - edge)
    cy = min(max(center[1], edge), size[1] - edge)
    draw.ellipse(
        (cx - r, cy - r, cx + r, cy + r),
        fill=style.color,
        outline=style.halo,
        width=max(2, style.stroke // 2),
    )
    font = bundled_font(max(10, int(r * 1.1)))
    draw.text((cx, cy), str(number), font=font, fill=style.halo, anchor="mm")


def _overlap(a: Sequence[float], b: Sequence[float]) -> float:
    """The area two (x0, y0, x1, y1) rectangles share."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _free_place(
    size: tuple[int, int],
    inset: tuple[int, int],
    region: Sequence[float],
    margin: int,
    taken: Sequence[Sequence[float]],
    where: str,
) -> tuple[int, int]:
    """Where the inset covers neither its own region nor another mark or label: a corner or
    the middle of a side, the farthest from the region that is free; refused when none is."""
    w, h = size
    iw, ih = inset
    rx, ry, rw, rh = region
    own = (rx, ry, rx + rw, ry + rh)
    xs, ys = (margin, (w - iw) // 2, w - iw - margin), (margin, (h - ih) // 2, h - ih - margin)
    places = [(x, y) for x in xs for y in ys if (x, y) != (xs[1], ys[1])]
    free = [
        p for p in places
        if not any(_overlap((p[0], p[1], p[0] + iw, p[1] + ih), r) for r in (own, *taken))
    ]  # fmt: skip
    if not free:
        raise UsageError(
            # TRANSLATORS: {where} names the shape, like "magnify (shape 2)"
            Text(
                "{where}: there is no free place for the enlarged inset: it would cover another "
                "mark or its label",
                where=where,
            ),
            hint=Text("move the marks apart, or magnify a smaller region"),
        )
    cx, cy = rx + rw / 2, ry + rh / 2
    return max(free, key=lambda p: math.hypot(p[0] + iw / 2 - cx, p[1] + ih / 2 - cy))


def _region_crop(image: Any, region: list[float]) -> Any:
    rx, ry, rw, rh = region
    return image.crop((int(rx), int(ry), int(math.ceil(rx + rw)), int(math.ceil(ry + rh))))


def _magnify(
    image: Any,
    draw: Any,
    shape: Shape,
    region: list[float],
    style: Style,
    crop: Any,
    taken: list[Sequence[float]],
) -> None:
    """Paste ``crop`` (the region, cut before any mark was drawn) enlarged where it covers no
    other mark or label (``taken``, to which it adds its own place)."""
    label = shape.label
    w, h = image.size
    rx, ry, rw, rh = region
    margin = style.stroke * 3
    scale = magnify_scale(w, h, rw, rh)  # shape_pixels refused a scale below 1.5
    badge_h = int(style.font_size * 1.6 + style.stroke * 2)  # the "x2.4" badge under it
    while True:  # as large as it can be where it covers nothing else, down to x1.5
        size = (max(1, int(crop.width * scale)), max(1, int(crop.height * scale)))
        try:
            with_badge = (size[0], size[1] + badge_h)
            ix, iy = _free_place((w, h), with_badge, region, margin, taken, shape.where)
            break
        except UsageError:
            if scale <= MAGNIFY_MIN:
                raise
            scale = max(MAGNIFY_MIN, scale * 0.85)
    inset = crop.resize(size, Image.Resampling.LANCZOS)
    taken.append((ix, iy, ix + inset.width, iy + inset.height))

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
    box = _label_box(draw, badge, (ix, iy), style, (w, h), prefer_above=False,
                     avoid=(ix, iy, ix + inset.width, iy + inset.height))  # fmt: skip
    _paint_label(draw, box, badge, style)


def _label(
    draw: Any, shape: Shape, pts: list[float], style: Style, size: tuple[int, int]
) -> _LabelBox:
    """Where a shape's label goes: above a box or ellipse, at an arrow's tail, or where a
    label shape says."""
    if shape.kind in ("box", "ellipse"):
        x, y, rw, rh = pts
        return _label_box(draw, shape.label, (x, y), style, size, avoid=(x, y, x + rw, y + rh))
    if shape.kind == "arrow":
        x1, y1, x2, y2 = pts
        # at the tail, on the side away from the head
        dx = -1 if x2 > x1 else 0
        tw = draw.textlength(shape.label, font=bundled_font(style.font_size))
        anchor = (x1 + dx * tw, y1 + (style.stroke if y2 < y1 else -style.font_size * 1.6))
        return _label_box(draw, shape.label, anchor, style, size)
    return _label_box(draw, shape.label, (pts[0], pts[1]), style, size)


def _footprint(shape: Shape, pts: list[float], style: Style) -> tuple[float, float, float, float]:
    """The rectangle a mark covers, its stroke included: what an inset must not hide."""
    pad = style.stroke * 2
    if shape.kind == "marker":
        r = _marker_radius(style)
        return (pts[0] - r, pts[1] - r, pts[0] + r, pts[1] + r)
    if shape.kind == "arrow":
        x1, y1, x2, y2 = pts
        return (min(x1, x2) - pad, min(y1, y2) - pad, max(x1, x2) + pad, max(y1, y2) + pad)
    if shape.kind == "label":
        return (pts[0], pts[1], pts[0], pts[1])
    if shape.kind == "measure":
        xs, ys = pts[0::2], pts[1::2]
        pad = style.stroke * 4
        return (min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad)
    x, y, rw, rh = pts
    return (x - pad, y - pad, x + rw + pad, y + rh + pad)


def _outline(
    draw: Any, shape: Shape, pts: list[float], style: Style, marker_no: int, size: tuple[int, int]
) -> None:
    """A box, ellipse, arrow or numbered marker (labels and insets are drawn elsewhere)."""
    if shape.kind in ("box", "ellipse"):
        x, y, rw, rh = pts
        fn = "rectangle" if shape.kind == "box" else "ellipse"
        _outlined(draw, fn, (x, y, x + rw, y + rh), style)
    elif shape.kind == "arrow":
        _arrow(draw, pts, style)
    elif shape.kind == "marker":
        _marker(draw, (pts[0], pts[1]), marker_no, style, size)
    elif shape.kind == "measure":
        _dimension(draw, pts[4:], style)
        _dimension(draw, pts[:4], style)


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
    # 3. every other mark and label is placed before the insets, so an inset can avoid them
    styled = []
    for shape, pts in resolved:
        if shape.kind == "redact":
            continue
        style = Style.for_size(w, h, shape.color or color)
        style.color = check_colour(shape.color, shape.where) if shape.color else base_rgb
        styled.append((shape, pts, style))
    labels = [(s.label, _label(draw, s, pts, st, (w, h)), st) for s, pts, st in styled
              if s.kind not in ("magnify", "measure")
              and (s.label or s.kind == "label")]  # fmt: skip
    for shape, pts, style in styled:
        if shape.kind == "measure":
            for text, segment in zip(measure_texts(shape, (w, h)), (pts[:4], pts[4:]), strict=True):
                placed = [box.rect for _t, box, _s in labels]
                box = _dimension_label(draw, text, segment, style, (w, h), placed)
                labels.append((text, box, style))
    taken: list[Sequence[float]] = [
        _footprint(s, p, st) for s, p, st in styled if s.kind != "magnify"
    ]
    taken += [box.rect for _, box, _ in labels]
    marker_no = 0
    for shape, pts, style in styled:
        if shape.kind == "magnify":
            _magnify(image, draw, shape, pts, style, crops[id(shape)], taken)
            continue
        marker_no += shape.kind == "marker"
        _outline(draw, shape, pts, style, marker_no, (w, h))
    # 4. labels last, so no stroke crosses their text
    for text, box, style in labels:
        _paint_label(draw, box, text, style)
    return image
