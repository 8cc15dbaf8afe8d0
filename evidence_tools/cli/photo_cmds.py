"""``evidence photo annotate`` and ``evidence photo grid``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from evidence_tools.cli._common import recorded, say
from evidence_tools.cli._i18n import group, option
from evidence_tools.i18n import _

F = TypeVar("F", bound=Callable[..., Any])

# Drawing order across kinds: redaction first (it must cover everything), labels last.
KIND_ORDER = ("redact", "magnify", "box", "ellipse", "arrow", "marker", "measure", "label")


@group(
    "photo",
    epilog="""\b
Examples:
  evidence photo grid IMG_2001.HEIC
  evidence photo annotate IMG_2001.HEIC --box 0.42,0.30,0.20,0.15,Crack
""",
)
def photo_group() -> None:
    """Mark defects on photos and cover private details."""


def _shape_option(kind: str, metavar: str, help_text: str) -> Callable[[F], F]:
    return option(f"--{kind}", f"{kind}s", multiple=True, metavar=metavar, help=help_text)


@photo_group.command(
    "annotate",
    epilog="""\b
Coordinates are fractions of the upright picture (0-1, from the top-left corner) or pixels
with a px suffix. Use `evidence photo grid IN` to read them off.
\b
Examples:
  evidence photo annotate IMG_2001.HEIC --box 0.42,0.30,0.20,0.15,Crack
  evidence photo annotate label.jpg --redact 0.36,0.47,0.28,0.11 -o label_redacted.jpg
  evidence photo annotate IMG_2001.jpg --arrow 0.2,0.8,0.45,0.4 --marker 0.5,0.5 \\
      --magnify 0.40,0.35,0.10,0.08,"Hairline crack" --color yellow
""",
)
@click.argument("source", type=click.Path(path_type=Path))
@option("-o", "--output", type=click.Path(path_type=Path), help="Output .jpg or .png.")
@_shape_option("box", "X,Y,W,H[,LABEL]", "A rectangle (with an optional label).")
@_shape_option("ellipse", "X,Y,W,H[,LABEL]", "An ellipse inside that rectangle.")
@_shape_option("arrow", "X1,Y1,X2,Y2[,LABEL]", "An arrow pointing at X2,Y2.")
@_shape_option("marker", "X,Y", "A numbered circle (1, 2, 3 ... in order).")
@_shape_option("label", "X,Y,TEXT", "Text on a background box.")
@_shape_option("magnify", "X,Y,W,H[,LABEL]", "An enlarged inset of that region, in a free corner.")
@_shape_option("redact", "X,Y,W,H", "Cover the region with solid black, for good.")
@_shape_option(
    "measure",
    "X1,Y1,X2,Y2,RX1,RY1,RX2,RY2,LENGTH[,LABEL]",
    "Measure a segment against a reference segment on a ruler of a known LENGTH (10cm); "
    "both are drawn as dimension lines with their lengths.",
)
@option("--color", default="#e8202a", show_default=True, help="Colour of the marks.")
@option("--keep-gps", is_flag=True, help="Keep the GPS position (removed by default).")
@option("--force", is_flag=True, help="Replace an existing output.")
def annotate_cmd(
    source: Path,
    output: Path | None,
    color: str,
    keep_gps: bool,
    force: bool,
    **shape_args: tuple[str, ...],
) -> None:
    """Draw boxes, ellipses, arrows, numbered markers, labels and a magnified inset on a photo,
    and cover private details (redaction is a solid fill, never a blur).

    The original is not changed: a new JPEG (or PNG) is written, upright, without GPS unless
    --keep-gps, with its capture time kept. Inside a case it goes to exports/ and is recorded
    in the manifest.
    """
    from evidence_tools.photo.annotate import annotate_photo
    from evidence_tools.shapes import shape_from_arg

    shapes = []
    number = 0
    for kind in KIND_ORDER:
        for text in shape_args.get(f"{kind}s", ()):
            number += 1
            shapes.append(shape_from_arg(kind, text, number))
    if not shapes:
        raise click.UsageError(_("give at least one shape, e.g. --box 0.1,0.1,0.3,0.2,Crack"))
    result = annotate_photo(source, shapes, output, color=color, keep_gps=keep_gps, force=force)
    if result.recorded_in is not None:
        say(recorded(result.recorded_in, result.operation))
    click.echo(str(result.output))


@photo_group.command(
    "grid",
    epilog="""\b
Examples:
  evidence photo grid IMG_2001.HEIC
  evidence photo grid IMG_2001.HEIC --step 0.05 -o grid.jpg
""",
)
@click.argument("source", type=click.Path(path_type=Path))
@option("-o", "--output", type=click.Path(path_type=Path), help="Output .jpg or .png.")
@option(
    "--step",
    type=click.Choice(["0.1", "0.05"]),
    default="0.1",
    show_default=True,
    help="Grid spacing.",
)
@option("--force", is_flag=True, help="Replace an existing output.")
def grid_cmd(source: Path, output: Path | None, step: str, force: bool) -> None:
    """Write a preview of the upright photo with a labelled coordinate grid, to pick the
    numbers for `evidence photo annotate`."""
    from evidence_tools.photo.annotate import grid_photo

    click.echo(str(grid_photo(source, output, force=force, step=float(step))))
