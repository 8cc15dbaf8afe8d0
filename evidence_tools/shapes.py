"""The annotation shapes, in one place: what each kind takes, how it is read from case.toml
(``annotate = [{ box = [...], label = "..." }]``) and from the command line (``--box ...``),
and how it lands on a photo of a given size.

A broken shape raises ``UsageError`` with a message that says what is wrong but not where;
each caller adds where (``case.toml:LINE`` or ``--box``). A ``measure`` is a segment read
against a reference segment on a ruler (``ref``) of a known length (``ref_length``); what it
measures is computed here, from the upright photo's pixels, by ``measure``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from evidence_tools.errors import UsageError, Words
from evidence_tools.i18n import N_, Text
from evidence_tools.measure import Length, Measured, measure_pixels, parse_length

SHAPES = ("box", "ellipse", "arrow", "marker", "label", "magnify", "redact", "measure")
ARITY = {"box": 4, "ellipse": 4, "arrow": 4, "marker": 2, "label": 2, "magnify": 4, "redact": 4,
         "measure": 4}  # fmt: skip
LABELLED = ("box", "ellipse", "arrow", "label", "magnify", "measure")
SHAPE_KEYS = ("label", "text", "color")  # besides the shape's own key
MEASURE_KEYS = ("ref", "ref_length")  # a measure's reference: the ruler's segment, its length
RECT = ("box", "ellipse", "magnify", "redact")  # x, y, width, height
LINES = ("arrow", "measure")  # x1, y1, x2, y2: moved by their ends
USAGE = {
    "box": "--box X,Y,W,H[,LABEL]",
    "ellipse": "--ellipse X,Y,W,H[,LABEL]",
    "arrow": N_("--arrow X1,Y1,X2,Y2[,LABEL] (the head is at X2,Y2)"),
    "marker": "--marker X,Y",
    "label": "--label X,Y,TEXT",
    "magnify": "--magnify X,Y,W,H[,LABEL]",
    "redact": "--redact X,Y,W,H",
    "measure": N_(
        "--measure X1,Y1,X2,Y2,RX1,RY1,RX2,RY2,LENGTH[,LABEL] (the segment to "
        "measure, then the reference segment on the ruler and its true length, "
        "like 10cm)"
    ),
}
MAGNIFY_SHARE = 0.42  # the inset takes at most this share of the picture's width and height
MAGNIFY_MAX, MAGNIFY_MIN = 3.0, 1.5
_PX_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*px\s*$", re.IGNORECASE)
_NOMINAL = 1_000_000  # the "size" fractions are checked at before the photo's is known


class Coord(NamedTuple):
    """A fraction (0-1) of the upright picture, or pixels when ``pixels``."""

    value: float
    pixels: bool = False

    def to_px(self, extent: int) -> float:
        return self.value if self.pixels else self.value * extent

    def spec(self) -> float | str:
        return f"{self.value:g}px" if self.pixels else self.value


class Shape(NamedTuple):
    kind: str
    coords: list[Coord]
    label: str = ""
    color: str = ""
    number: int = 0  # 1-based position in the list, for messages
    ref: tuple[Coord, ...] = ()  # a measure's reference segment on the ruler
    ref_length: str = ""  # its true length as written ("10 cm")

    def spec(self) -> dict[str, Any]:
        out: dict[str, Any] = {self.kind: [c.spec() for c in self.coords]}
        if self.kind == "measure":
            out["ref"] = [c.spec() for c in self.ref]
            out["ref_length"] = self.ref_length
        if self.label:
            out["label"] = self.label
        if self.color:
            out["color"] = self.color
        return out

    @property
    def place(self) -> Text:
        """Which shape, for messages: ``box (shape 2)``."""
        return _shape_place(self.kind, self.number)

    @property
    def where(self) -> str:
        return str(self.place)


def page_shapes() -> dict[str, Any]:
    """What the mark page needs to know of the shapes, so it keeps no copy of these rules."""
    return {"kinds": list(SHAPES), "arity": ARITY, "labelled": list(LABELLED),
            "rect": list(RECT), "lines": list(LINES)}  # fmt: skip


def _shape_place(kind: str, number: int) -> Text:
    # TRANSLATORS: {kind} is a shape (box, arrow) or its option (--box); {number} its position
    return Text("{kind} (shape {number})", kind=kind, number=number)


def parse_coord(raw: Any, where: Words) -> Coord:
    """A number (a fraction) or a ``120px`` string."""
    if isinstance(raw, bool):
        raise UsageError(Text("{where}: {value} is not a number", where=where, value=repr(raw)))
    if isinstance(raw, (int, float)):
        return Coord(float(raw))
    text = str(raw).strip()
    match = _PX_RE.match(text)
    if match:
        return Coord(float(match.group(1)), pixels=True)
    if isinstance(raw, str):
        try:
            return Coord(float(text))
        except ValueError:
            pass
    raise UsageError(Text("{where}: {value} is not a fraction (0-1) or pixels like '120px'",
                          where=where, value=repr(raw)))  # fmt: skip


def shape_from_arg(kind: str, text: str, number: int) -> Shape:
    """``--box 0.1,0.2,0.3,0.2,Crack`` -> Shape. Extra fields after the numbers are the label."""
    arity = ARITY[kind]
    parts = text.split(",")
    where = _shape_place(f"--{kind}", number)
    usage = Text(USAGE[kind])
    ref: tuple[Coord, ...] = ()
    ref_length = ""
    if kind == "measure":
        if len(parts) < 9:
            raise UsageError(Text("{where}: needs 8 numbers and the reference's length, got "
                                  "{value}", where=where, value=repr(text)),
                             hint=usage)  # fmt: skip
        ref = tuple(parse_coord(p, Text("{where} number {position}", where=where, position=i + 5))
                    for i, p in enumerate(parts[4:8]))  # fmt: skip
        ref_length, parts = parts[8].strip(), parts[:4] + parts[9:]
        _length(ref_length, where)
    if len(parts) < arity:
        got = repr(text)
        raise UsageError(Text("{where}: needs 4 numbers, got {value}", where=where, value=got)
                         if arity == 4 else
                         Text("{where}: needs 2 numbers, got {value}", where=where, value=got),
                         hint=usage)  # fmt: skip
    coords = [parse_coord(p, Text("{where} number {position}", where=where, position=i + 1))
              for i, p in enumerate(parts[:arity])]  # fmt: skip
    label = ",".join(parts[arity:]).strip()
    if label and kind not in LABELLED:
        raise UsageError(Text("{where}: a {kind} takes no label", where=where, kind=kind),
                         hint=usage)  # fmt: skip
    if kind == "label" and not label:
        raise UsageError(Text("{where}: needs its text after the numbers", where=where), hint=usage)
    shape = Shape(kind, coords, label=label, number=number, ref=ref, ref_length=ref_length)
    check_shape(shape)
    return shape


def _length(text: Any, where: Words) -> Length:
    """A reference's true length, ``10 cm``; anything else is a usage error that says how."""
    try:
        return parse_length(text if isinstance(text, str) else "")
    except ValueError:
        raise UsageError(
            Text("{where}: {value} is not a length", where=where, value=repr(text)),
            hint=Text('write the reference\'s true length with its unit: "10 cm", "100 mm", '
                      '"4 in"'),
        ) from None  # fmt: skip


def _reference(spec: Mapping[str, Any], where: Words) -> tuple[tuple[Coord, ...], str]:
    """A measure's ``ref`` segment and ``ref_length``, both required."""
    ref, length = spec.get("ref"), spec.get("ref_length")
    if ref is None or length is None:
        raise UsageError(Text(
            '{where} (measure): needs its reference on a ruler: ref = [X1, Y1, X2, Y2] and '
            'ref_length = "10 cm"', where=where))  # fmt: skip
    if not isinstance(ref, list) or len(ref) != 4:
        raise UsageError(Text("{where} (measure): ref is 4 numbers, the ends of the reference "
                              "segment", where=where))  # fmt: skip
    coords = tuple(parse_coord(v, Text("{where} (ref) number {position}", where=where,
                                       position=i + 1))
                   for i, v in enumerate(ref))  # fmt: skip
    _length(length, where)
    return coords, str(length)


def shape_from_spec(spec: Any, number: int) -> Shape:
    """One entry of case.toml's ``annotate = [{ box = [...], label = "..." }, ...]``."""
    # TRANSLATORS: "annotate" is the key in case.toml; {number} the shape's position in it
    where = Text("annotate shape {number}", number=number)
    if not isinstance(spec, Mapping):
        raise UsageError(Text("{where}: expected a table like {{ box = [...] }}", where=where))
    # ``label`` is a shape of its own (label = [x, y, "text"]) or the text of another shape
    kinds = [k for k in spec if k in SHAPES and not (k == "label" and isinstance(spec[k], str))]
    if len(kinds) != 1:
        raise UsageError(Text("{where}: expected exactly one of {choices}", where=where,
                              choices=", ".join(SHAPES)))  # fmt: skip
    kind = kinds[0]
    for key in spec:
        if key != kind and key not in SHAPE_KEYS and not (kind == "measure"
                                                          and key in MEASURE_KEYS):  # fmt: skip
            raise UsageError(Text("{where}: unknown key {key}", where=where, key=repr(key)))
    ref, ref_length = _reference(spec, where) if kind == "measure" else ((), "")
    values = spec[kind]
    # the text: label = "..." (or text = "...") beside the shape; a label shape's own text
    # is its third item or text = "..."
    label = (spec.get("label") if kind != "label" else None) or spec.get("text", "")
    if kind == "label" and isinstance(values, list) and len(values) == 3:
        if not isinstance(values[2], str):
            raise UsageError(Text("{where} (label): the third item is the text", where=where))
        values, label = values[:2], values[2]
    if not isinstance(values, list) or len(values) != ARITY[kind]:
        raise UsageError(Text("{where} ({kind}): expected 4 numbers", where=where, kind=kind)
                         if ARITY[kind] == 4 else
                         Text("{where} ({kind}): expected 2 numbers", where=where,
                              kind=kind))  # fmt: skip
    if not isinstance(label, str) or not isinstance(spec.get("color", ""), str):
        raise UsageError(Text("{where} ({kind}): label and color are text in quotes",
                              where=where, kind=kind))  # fmt: skip
    if kind == "label" and not label:
        raise UsageError(Text('{where} (label): needs its text: label = [X, Y, "TEXT"]',
                              where=where))  # fmt: skip
    coords = [parse_coord(v, Text("{where} ({kind}) number {position}", where=where, kind=kind,
                                  position=i + 1))
              for i, v in enumerate(values)]  # fmt: skip
    shape = Shape(kind, coords, label=label, color=spec.get("color", ""), number=number,
                  ref=ref, ref_length=ref_length)  # fmt: skip
    check_shape(shape)
    return shape


def check_colour(color: str, where: Words) -> tuple[int, int, int]:
    """The colour as RGB; a name Pillow does not know is a usage error."""
    from PIL import ImageColor  # here: the rules are on the lossless trim's path, Pillow not

    try:
        value = ImageColor.getrgb(color)
    except ValueError:
        raise UsageError(
            Text("{where}: unknown colour {color}", where=where, color=repr(color)),
            hint=Text("e.g. red, yellow, #ff8800"),
        ) from None
    return (int(value[0]), int(value[1]), int(value[2]))


def magnify_scale(width: float, height: float, region_w: float, region_h: float) -> float:
    """How much a magnified inset enlarges its region on a ``width`` x ``height`` picture."""
    return min(MAGNIFY_MAX, MAGNIFY_SHARE * width / region_w, MAGNIFY_SHARE * height / region_h)


def shape_pixels(shape: Shape, width: int, height: int) -> list[float]:
    """Pixel coordinates of ``shape`` on an upright ``width`` x ``height`` picture; raises when
    any number falls outside it, a box has no size, an arrow no length, or an inset's region
    is too large to enlarge."""
    out = []
    where = shape.place
    for i, coord in enumerate((*shape.coords, *shape.ref)):
        extent = width if i % 2 == 0 else height
        if not coord.pixels and not (0.0 <= coord.value <= 1.0):
            raise UsageError(_outside_fractions(where, i + 1, coord.value), hint=Text(
                "fractions of the picture run from 0 (left/top) to 1 (right/bottom)"))  # fmt: skip
        px = coord.to_px(extent)
        if coord.pixels and px > extent:
            raise UsageError(Text(
                "{where}, number {position}: {value}px is outside the {width}x{height} picture",
                where=where, position=i + 1, value=format(coord.value, "g"), width=width,
                height=height))  # fmt: skip
        out.append(px)
    if shape.kind in ("box", "ellipse", "magnify", "redact"):
        x, y, w, h = out
        if w < 1 or h < 1:
            raise UsageError(Text("{where}: width and height must be more than zero", where=where))
        if x + w > width + 0.5 or y + h > height + 0.5:
            raise UsageError(Text(
                "{where}: reaches past the picture's edge (x+width and y+height must stay "
                "within 1, or within the picture in pixels)", where=where))  # fmt: skip
        if shape.kind == "magnify" and magnify_scale(width, height, w, h) < MAGNIFY_MIN:
            raise UsageError(Text(
                "{where}: the region is too large to enlarge (keep it under about a quarter "
                "of the picture's width and height)", where=where))  # fmt: skip
    if shape.kind == "arrow":
        x1, y1, x2, y2 = out
        if math.hypot(x2 - x1, y2 - y1) < 2:
            raise UsageError(Text("{where}: the arrow's start and end are the same point",
                                  where=where))  # fmt: skip
    if shape.kind == "measure":
        for x1, y1, x2, y2 in (out[:4], out[4:]):
            if math.hypot(x2 - x1, y2 - y1) < 2:
                raise UsageError(Text("{where}: a segment's two ends are the same point",
                                      where=where))  # fmt: skip
    return out


def measured(shape: Shape, width: int, height: int) -> Measured:
    """What a ``measure`` shape measures on an upright ``width`` x ``height`` photo."""
    pts = shape_pixels(shape, width, height)
    return measure_pixels(pts[:4], pts[4:], parse_length(shape.ref_length), (width, height))


def check_shape(shape: Shape) -> None:
    """Everything about ``shape`` that does not depend on the photo's size: fractions are
    checked in full, pixels once the photo is known (``shape_pixels``)."""
    if shape.color:
        check_colour(shape.color, shape.place)
    if not any(c.pixels for c in (*shape.coords, *shape.ref)):
        shape_pixels(shape, _NOMINAL, _NOMINAL)
        return
    for i, coord in enumerate((*shape.coords, *shape.ref)):
        if not coord.pixels and not (0.0 <= coord.value <= 1.0):
            raise UsageError(_outside_fractions(shape.place, i + 1, coord.value))


def _outside_fractions(where: Text, position: int, value: float) -> Text:
    return Text("{where}, number {position}: {value} is outside 0-1", where=where,
                position=position, value=format(value, "g"))  # fmt: skip
