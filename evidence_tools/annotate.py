"""Marking defect photos: boxes, ellipses, arrows, numbered markers, labels, a magnified inset,
and solid redaction.

Coordinates are fractions (0-1) of the upright image (after EXIF orientation) or pixels with
a ``px`` suffix. Redaction is drawn first and is a solid fill, so no pixel of the covered
region survives anywhere in the output (the inset is cut from the redacted picture, and the
output carries a fresh EXIF block with no thumbnail).
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools import __version__
from evidence_tools.errors import InputFileError, OutputError, UsageError
from evidence_tools.fsutil import atomic_output

SHAPE_KINDS = ("box", "ellipse", "arrow", "marker", "label", "magnify", "redact")
ARITY = {"box": 4, "ellipse": 4, "arrow": 4, "marker": 2, "label": 2, "magnify": 4, "redact": 4}
LABELLED = ("box", "ellipse", "arrow", "label", "magnify")
DEFAULT_COLOR = "#e8202a"
REDACT_FILL = (0, 0, 0)
_PX_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*px\s*$", re.IGNORECASE)

# EXIF tags kept on the output (everything else, GPS included, is left behind).
KEEP_IFD0 = {0x010F: "Make", 0x0110: "Model", 0x0132: "DateTime"}
KEEP_EXIF = (0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292)


@dataclass(frozen=True)
class Coord:
    value: float
    pixels: bool = False

    def to_px(self, extent: int) -> float:
        return self.value if self.pixels else self.value * extent

    def spec(self) -> float | str:
        return f"{self.value:g}px" if self.pixels else self.value


@dataclass
class Shape:
    kind: str
    coords: list[Coord]
    label: str = ""
    color: str = ""
    number: int = 0  # 1-based position in the list, for messages

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.kind: [c.spec() for c in self.coords]}
        if self.label:
            out["label"] = self.label
        if self.color:
            out["color"] = self.color
        return out


# --------------------------------------------------------------------------- parsing


def _coord(raw: Any, where: str) -> Coord:
    if isinstance(raw, bool):
        raise UsageError(f"{where}: {raw!r} is not a number")
    if isinstance(raw, (int, float)):
        return Coord(float(raw))
    text = str(raw).strip()
    match = _PX_RE.match(text)
    if match:
        return Coord(float(match.group(1)), pixels=True)
    try:
        return Coord(float(text))
    except ValueError:
        raise UsageError(
            f"{where}: {text!r} is not a number",
            hint="use fractions of the picture (0.42) or pixels (120px)",
        ) from None


def parse_shape_arg(kind: str, text: str, number: int) -> Shape:
    """``--box 0.1,0.2,0.3,0.2,Crack`` -> Shape. Extra fields after the numbers are the label."""
    arity = ARITY[kind]
    parts = text.split(",")
    where = f"--{kind} (shape {number})"
    if len(parts) < arity:
        raise UsageError(f"{where}: needs {arity} numbers, got {text!r}", hint=_usage(kind))
    coords = [_coord(p, f"{where} number {i + 1}") for i, p in enumerate(parts[:arity])]
    label = ",".join(parts[arity:]).strip()
    if label and kind not in LABELLED:
        raise UsageError(f"{where}: a {kind} takes no label", hint=_usage(kind))
    if kind == "label" and not label:
        raise UsageError(f"{where}: needs its text after the numbers", hint=_usage(kind))
    return Shape(kind=kind, coords=coords, label=label, number=number)


def _usage(kind: str) -> str:
    return {
        "box": "--box X,Y,W,H[,LABEL]",
        "ellipse": "--ellipse X,Y,W,H[,LABEL]",
        "arrow": "--arrow X1,Y1,X2,Y2[,LABEL] (the head is at X2,Y2)",
        "marker": "--marker X,Y",
        "label": "--label X,Y,TEXT",
        "magnify": "--magnify X,Y,W,H[,LABEL]",
        "redact": "--redact X,Y,W,H",
    }[kind]


def shapes_from_specs(specs: Iterable[dict[str, Any]]) -> list[Shape]:
    """Shapes from case.toml's ``annotate = [{ box = [...], label = "..." }, ...]``."""
    shapes = []
    for number, spec in enumerate(specs, start=1):
        kinds = [
            k for k in spec if k in SHAPE_KINDS and not (k == "label" and isinstance(spec[k], str))
        ]
        if len(kinds) != 1:
            raise UsageError(f"annotate shape {number}: expected one of " + ", ".join(SHAPE_KINDS))
        kind = kinds[0]
        values = list(spec[kind])
        label = str(spec.get("label", "") or spec.get("text", "") or "")
        if kind == "label" and len(values) == 3:
            label = str(values.pop())
        where = f"annotate shape {number} ({kind})"
        if len(values) != ARITY[kind]:
            raise UsageError(f"{where}: expected {ARITY[kind]} numbers")
        coords = [_coord(v, f"{where} number {i + 1}") for i, v in enumerate(values)]
        shapes.append(
            Shape(kind, coords, label=label, color=str(spec.get("color", "")), number=number)
        )
    return shapes


# --------------------------------------------------------------------------- geometry


def resolve(shape: Shape, width: int, height: int) -> list[float]:
    """Pixel coordinates of ``shape`` on an upright ``width`` x ``height`` picture.

    Errors say which shape and which number is out of range.
    """
    out = []
    where = f"{shape.kind} (shape {shape.number})"
    for i, coord in enumerate(shape.coords):
        extent = width if i % 2 == 0 else height
        if not coord.pixels and not (0.0 <= coord.value <= 1.0):
            raise UsageError(
                f"{where}, number {i + 1}: {coord.value:g} is outside 0-1",
                hint="fractions of the picture run from 0 (left/top) to 1 (right/bottom)",
            )
        px = coord.to_px(extent)
        if coord.pixels and px > extent:
            raise UsageError(
                f"{where}, number {i + 1}: {coord.value:g}px is outside the "
                f"{width}x{height} picture"
            )
        out.append(px)
    if shape.kind in ("box", "ellipse", "magnify", "redact"):
        x, y, w, h = out
        if w < 1 or h < 1:
            raise UsageError(f"{where}: width and height must be more than zero")
        if x + w > width + 0.5 or y + h > height + 0.5:
            raise UsageError(
                f"{where}: reaches past the picture's edge (x+width and y+height must stay "
                "within 1, or within the picture in pixels)"
            )
    if shape.kind == "arrow":
        x1, y1, x2, y2 = out
        if math.hypot(x2 - x1, y2 - y1) < 2:
            raise UsageError(f"{where}: the arrow's start and end are the same point")
    return out


# --------------------------------------------------------------------------- rendering


@dataclass
class Style:
    stroke: int
    font_size: int
    color: tuple[int, int, int]
    halo: tuple[int, int, int]

    @classmethod
    def for_size(cls, width: int, height: int, color: str) -> Style:
        from PIL import ImageColor

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


def _font(size: int) -> Any:
    from PIL import ImageFont

    from evidence_tools.resources import font_path

    return ImageFont.truetype(str(font_path(bold=True)), size)


def _rgb(color: str, where: str) -> tuple[int, int, int]:
    from PIL import ImageColor

    try:
        value = ImageColor.getrgb(color)
    except ValueError:
        raise UsageError(
            f"{where}: unknown colour {color!r}", hint="e.g. red, yellow, #ff8800"
        ) from None
    return (int(value[0]), int(value[1]), int(value[2]))


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
    font = _font(style.font_size)
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
    font = _font(max(10, int(r * 1.1)))
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
    from PIL import Image

    w, h = image.size
    rx, ry, rw, rh = region
    limit = 0.42
    scale = min(3.0, limit * w / rw, limit * h / rh)
    if scale < 1.5:
        raise UsageError(
            "magnify: the region is too large to enlarge (keep it under about a quarter "
            "of the picture's width and height)"
        )
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


def render(image: Any, shapes: Sequence[Shape], color: str = DEFAULT_COLOR) -> Any:
    """Draw ``shapes`` on an upright RGB image (modified in place and returned)."""
    from PIL import ImageDraw

    w, h = image.size
    base_rgb = _rgb(color, "--color")
    resolved = [(s, resolve(s, w, h)) for s in shapes]
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
        shape_color = shape.color or color
        style = Style.for_size(w, h, shape_color)
        if shape.color:
            style.color = _rgb(shape.color, f"{shape.kind} (shape {shape.number})")
        else:
            style.color = base_rgb
        if shape.kind == "magnify":
            _magnify(image, draw, pts, style, shape.label, crops[id(shape)])
            continue
        if shape.kind == "box":
            x, y, rw, rh = pts
            _outlined(draw, "rectangle", (x, y, x + rw, y + rh), style)
        elif shape.kind == "ellipse":
            x, y, rw, rh = pts
            _outlined(draw, "ellipse", (x, y, x + rw, y + rh), style)
        elif shape.kind == "arrow":
            _arrow(draw, pts, style)
        elif shape.kind == "marker":
            marker_no += 1
            _marker(draw, (pts[0], pts[1]), marker_no, style)
        if shape.label or shape.kind == "label":
            labels.append((shape, pts, style))
    # 3. labels last, so no stroke crosses their text
    for shape, pts, style in labels:
        if shape.kind in ("box", "ellipse"):
            x, y, rw, rh = pts
            _draw_label(draw, shape.label, (x, y), style, (w, h), avoid=(x, y, x + rw, y + rh))
        elif shape.kind == "arrow":
            x1, y1, x2, y2 = pts
            # at the tail, on the side away from the head
            dx = -1 if x2 > x1 else 0
            font_probe = _font(style.font_size)
            tw = draw.textlength(shape.label, font=font_probe)
            anchor = (x1 + dx * tw, y1 + (style.stroke if y2 < y1 else -style.font_size * 1.6))
            _draw_label(draw, shape.label, anchor, style, (w, h))
        else:
            _draw_label(draw, shape.label, (pts[0], pts[1]), style, (w, h))
    return image


# --------------------------------------------------------------------------- files


def open_upright(path: Path) -> tuple[Any, dict[str, Any]]:
    """The picture turned upright (EXIF orientation applied) in RGB, and its save info."""
    from PIL import Image, ImageOps

    from evidence_tools.metadata.photo import _pillow

    _pillow()  # registers HEIC
    if not path.exists():
        raise InputFileError("file not found", path=path, hint="check the name")
    bomb = (Image.DecompressionBombError, Image.DecompressionBombWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(path)
        except bomb as exc:
            raise InputFileError(
                "the picture is too large to open safely (a decompression bomb?)",
                path=path,
                hint="resize it first if it is a genuine photo",
            ) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise InputFileError(
                "not a readable image (damaged, or not a photo)", path=path
            ) from exc
        try:
            image.load()
        except bomb as exc:
            raise InputFileError("the picture is too large to open safely", path=path) from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise InputFileError(
                f"the picture is cut off or damaged ({exc})",
                path=path,
                hint="copy the file again from the phone",
            ) from exc
    info = {
        "exif": image.getexif(),
        "icc_profile": image.info.get("icc_profile"),
        "format": image.format,
        "original_orientation": image.info.get("original_orientation"),
    }
    upright: Image.Image = image
    if image.format not in ("HEIF", "AVIF"):  # libheif turned HEIC upright already
        upright = ImageOps.exif_transpose(image)
    if upright.mode in ("RGBA", "LA", "P", "PA"):
        rgba = upright.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        upright = flat
    elif upright.mode != "RGB":
        upright = upright.convert("RGB")
    return upright, info


def output_exif(source_exif: Any, *, keep_gps: bool) -> bytes:
    """A fresh EXIF block: capture time, offsets and camera kept; Orientation 1; no GPS unless
    asked; no thumbnail (it would still show what was redacted)."""
    from PIL import Image

    out = Image.Exif()
    for tag in KEEP_IFD0:
        if tag in source_exif:
            out[tag] = source_exif[tag]
    out[0x0112] = 1
    out[0x0131] = f"evidence-tools {__version__}"
    try:
        src_sub = source_exif.get_ifd(0x8769)
    except (KeyError, ValueError, TypeError):
        src_sub = {}
    sub = out.get_ifd(0x8769)
    for tag in KEEP_EXIF:
        if tag in src_sub:
            sub[tag] = src_sub[tag]
    if keep_gps:
        try:
            gps = source_exif.get_ifd(0x8825)
        except (KeyError, ValueError, TypeError):
            gps = {}
        if gps:
            dest = out.get_ifd(0x8825)
            for tag, value in gps.items():
                dest[tag] = value
    return bytes(out.tobytes())


def default_output(src: Path, suffix: str = "annotated") -> Path:
    """Inside a case: exports/NAME_annotated.jpg; elsewhere beside the input."""
    from evidence_tools.case import derived_path

    return derived_path(src, suffix, ".png" if src.suffix.lower() == ".png" else ".jpg")


@dataclass
class AnnotateResult:
    source: Path
    output: Path
    size: tuple[int, int]
    shapes: list[dict[str, Any]] = field(default_factory=list)
    operation: str = "drawing"
    recorded_in: Path | None = None


def save_image(image: Any, tmp: Path, out: Path, *, exif: bytes, icc: bytes | None) -> None:
    suffix = out.suffix.lower()
    kwargs: dict[str, Any] = {"exif": exif}
    if icc:
        kwargs["icc_profile"] = icc
    if suffix in (".jpg", ".jpeg"):
        image.save(tmp, "JPEG", quality=92, subsampling=0, optimize=False, **kwargs)
    elif suffix == ".png":
        image.save(tmp, "PNG", **kwargs)
    else:
        raise OutputError(
            f"cannot write {suffix or 'a file without a suffix'}",
            path=out,
            hint="name the output .jpg or .png",
        )


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
    _rgb(color, "--color")
    out = Path(output) if output is not None else default_output(source)
    if out.suffix.lower() not in (".jpg", ".jpeg", ".png"):
        raise OutputError("the output must be .jpg or .png", path=out)
    image, info = open_upright(source)
    render(image, shapes, color)
    exif = output_exif(info["exif"], keep_gps=keep_gps)
    with atomic_output(out, force=force, sources=[source]) as tmp:
        save_image(image, tmp, out, exif=exif, icc=info["icc_profile"])
    specs = [s.spec() for s in shapes]
    operation = "redacted" if any(s.kind == "redact" for s in shapes) else "drawing"
    result = AnnotateResult(source, out, image.size, specs, operation)
    if record:
        from evidence_tools.integrity import record_output

        result.recorded_in = record_output(
            out,
            sources=[source],
            operation=operation,
            parameters={"shapes": specs, "color": color, "keep_gps": keep_gps},
            tools=_tool_versions(),
        )
    return result


def _tool_versions() -> dict[str, str]:
    import PIL

    versions = {"pillow": PIL.__version__}
    try:
        import pillow_heif

        versions["pillow-heif"] = pillow_heif.__version__
    except ImportError:  # pragma: no cover
        pass
    return versions


def grid_photo(
    src: str | Path, output: str | Path | None = None, *, force: bool = False, step: float = 0.1
) -> Path:
    """The photo with a labelled grid (every ``step``) to read annotation coordinates off."""
    from PIL import Image, ImageDraw

    source = Path(src)
    out = Path(output) if output is not None else default_output(source, "grid")
    image, _ = open_upright(source)
    w, h = image.size
    overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    style = Style.for_size(w, h, "#ffd400")
    font = _font(max(12, style.font_size * 2 // 3))
    n = round(1 / step)
    for i in range(1, n):
        f = i * step
        major = i % 5 == 0
        alpha = 220 if major else 140
        lw = max(1, style.stroke // (1 if major else 2))
        x, y = f * w, f * h
        draw.line((x, 0, x, h), fill=(0, 0, 0, alpha), width=lw + 2)
        draw.line((x, 0, x, h), fill=(255, 212, 0, alpha), width=lw)
        draw.line((0, y, w, y), fill=(0, 0, 0, alpha), width=lw + 2)
        draw.line((0, y, w, y), fill=(255, 212, 0, alpha), width=lw)
        text = f"{f:.2f}".rstrip("0").rstrip(".")
        # where lines stand closer than their labels are wide, label every other one
        narrow_x = draw.textlength("0.05", font=font) * 1.5 > w * step
        narrow_y = font.size * 2 > h * step
        positions = []
        if not narrow_x or i % 2 == 0:
            positions.append(((x + 4, 4), "la"))
        if not narrow_y or i % 2 == 0:
            positions.append(((4, y + 4), "la"))
        for pos, anchor in positions:
            box = draw.textbbox(pos, text, font=font, anchor=anchor)
            draw.rectangle((box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3), fill=(0, 0, 0, 170))
            draw.text(pos, text, font=font, fill=(255, 255, 255, 255), anchor=anchor)
    composed = Image.alpha_composite(image.convert("RGBA"), overlay).convert("RGB")
    note = f"{w}x{h} px upright; x runs left to right, y top to bottom (0-1)"
    size = max(12, style.font_size * 2 // 3)
    while size > 8 and _font(size).getlength(note) > w - 16:
        size -= 1
    ImageDraw.Draw(composed).text(
        (8, h - size - 8),
        note,
        font=_font(size),
        fill=(255, 255, 255),
        stroke_width=2,
        stroke_fill=(0, 0, 0),
    )
    with atomic_output(out, force=force, sources=[source]) as tmp:
        save_image(composed, tmp, out, exif=output_exif(Image.Exif(), keep_gps=False), icc=None)
    from evidence_tools.integrity import record_output

    record_output(
        out,
        sources=[source],
        operation="drawing",
        parameters={"grid_step": step},
        tools=_tool_versions(),
    )
    return out
