"""The mark page's pictures and videos: the photo upright in sRGB, with marks drawn by the
real renderer, and a video the browser can play.

The browser never draws the marks that count: it sends them here and shows what
``photo.draw.render`` makes of them, the same code ``photo annotate`` and the dossier use,
so what the buyer sees while marking is what the PDF shows. Rendering happens at the
photo's full size (a label's size and line width depend on it) and is scaled down after,
and HEIC works in any browser because the browser only ever receives a JPEG.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence_tools.errors import UsageError
from evidence_tools.i18n import Text

# containers browsers open as video/mp4
PLAYED = (".mp4", ".m4v", ".mov")
PREVIEW_SIZE = (1600, 1600)  # sharp on a laptop screen; a 12 MP photo's JPEG stays ~300 KB


def preview_jpeg(
    path: Path, specs: Sequence[Any] = (), size: tuple[int, int] = PREVIEW_SIZE
) -> bytes:
    """A JPEG of ``path`` upright with ``specs`` (case.toml's ``annotate`` entries) drawn."""
    from PIL import ImageOps

    from evidence_tools.images import open_upright, pillow, to_srgb
    from evidence_tools.photo.draw import render
    from evidence_tools.shapes import shape_from_spec

    shapes = [shape_from_spec(spec, n) for n, spec in enumerate(specs, start=1)]
    # with no marks the picture can be decoded small; a mark's size depends on the full size
    image, info = open_upright(path, fit=None if shapes else size)
    if shapes:
        render(image, shapes)
        if image.width > size[0] or image.height > size[1]:
            image = ImageOps.contain(image, size, method=pillow().Resampling.LANCZOS)
    image = to_srgb(image, info["icc_profile"])
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def exhibit_file(root: Path, number: int, kind: str = "photo") -> Path:
    """The file of exhibit ``number`` (1-based, case.toml order) if it is a ``kind``: the
    server reads no other file of the case, and none outside it."""
    from evidence_tools.case.loader import load_case
    from evidence_tools.metadata.model import kind_for

    case = load_case(root)
    if not 1 <= number <= len(case.evidence):
        raise UsageError(Text("there is no exhibit {number}", number=number))
    path = case.root / case.evidence[number - 1].file
    if kind_for(path) != kind:
        if kind == "video":
            raise UsageError(Text("exhibit {number} is not a video", number=number))
        raise UsageError(Text("exhibit {number} is not a photo", number=number))
    return path


def playable_video(path: Path, cache: Path) -> Path:
    """What the page's player gets: the original when browsers play it (H.264 in standard
    range), else a small H.264 copy made once per ``evidence mark`` run in ``cache``, a
    private temporary folder (never the case folder: the copy is no evidence)."""
    import hashlib
    import os

    from evidence_tools.ffmpeg.jobs import browser_copy
    from evidence_tools.video.common import load_video

    info = load_video(path)
    if info.video_codec == "h264" and not info.hdr and path.suffix.lower() in PLAYED:
        return path
    out = cache / (hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16] + ".mp4")
    if not out.exists():
        partial = out.with_suffix(".part.mp4")
        browser_copy(path, partial, hdr=info.hdr, duration=info.duration)
        os.replace(partial, out)
    return out
