"""Pictures in and out: open a photo upright (HEIC too), write a fresh EXIF block, save, and the
bundled fonts with the one way to fit text to a width.

Every verb that shows a photo (annotate, export, the dossier) opens it here, so all of them
turn it the same way. pillow-heif registers itself on first use (``pillow``): reading a JPEG
does not pay for it.
"""

from __future__ import annotations

import functools
import io
import warnings
from pathlib import Path
from typing import Any

import PIL
from PIL import Image, ImageFont, ImageOps

from evidence_tools import __version__
from evidence_tools.errors import InputFileError, OutputError
from evidence_tools.i18n import Text

_FONTS = Path(__file__).resolve().parent / "fonts"

# EXIF tags kept on an output (everything else, GPS included, is left behind).
KEEP_IFD0 = (0x010F, 0x0110, 0x0132)  # Make, Model, DateTime
KEEP_EXIF = (0x9003, 0x9004, 0x9010, 0x9011, 0x9012, 0x9290, 0x9291, 0x9292)  # times, offsets


def font_path(bold: bool = False, *, cjk: bool = False) -> Path:
    """DejaVu Sans: Latin, Cyrillic and Greek, so names like 'Дмитрий' render as letters;
    ``cjk``: Droid Sans Fallback, for Chinese and Japanese (Apache 2.0, in fonts/)."""
    if cjk:
        return _FONTS / "DroidSansFallbackFull.ttf"
    return _FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")


@functools.lru_cache(maxsize=64)
def font(size: int, bold: bool = True) -> Any:
    """The bundled font at ``size`` pixels, as Pillow draws it."""
    return ImageFont.truetype(str(font_path(bold=bold)), size)


def fit_font(
    text: str, max_width: float, start: int, *, smallest: int = 10, bold: bool = True
) -> Any:
    """The font, from ``start`` pixels down to ``smallest``, at which ``text`` fits
    ``max_width``: a long caption shrinks instead of running off the picture."""
    size = start
    while size > smallest and font(size, bold).getlength(text) > max_width:
        size -= 1
    return font(size, bold)


@functools.lru_cache(maxsize=1)
def pillow() -> Any:
    """Pillow's Image module with the HEIC/HEIF opener registered."""
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:  # pragma: no cover - a dependency, but HEIC is optional to Pillow
        from evidence_tools import logs

        logs.info(__name__, "pillow-heif is missing: HEIC photos cannot be read")
    return Image


def _open(path: Path) -> Any:
    """The image, opened and decoded, refusing decompression bombs and damaged files."""
    Image = pillow()
    bomb = (Image.DecompressionBombError, Image.DecompressionBombWarning)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            return Image.open(path)
        except bomb as exc:
            raise InputFileError(
                Text("the picture is too large to open safely (a decompression bomb?)"),
                path=path,
                hint=Text("resize it first if it is a genuine photo"),
            ) from exc
        except (OSError, ValueError, SyntaxError, RuntimeError) as exc:  # pillow-heif: Runtime
            raise InputFileError(
                Text("not a readable image (damaged, or not a photo)"), path=path
            ) from exc


def _load(image: Any, path: Path) -> None:
    Image = pillow()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise InputFileError(
                Text("the picture is too large to open safely"), path=path
            ) from exc
        except (OSError, ValueError, SyntaxError, RuntimeError) as exc:
            raise InputFileError(
                # TRANSLATORS: {reason} is the image library's own (English) description
                Text("the picture is cut off or damaged ({reason})", reason=str(exc)),
                path=path,
                hint=Text("copy the file again from the phone"),
            ) from exc


def _turned(image: Any) -> bool:
    """True when the EXIF orientation swaps width and height (libheif turns HEIC itself)."""
    if image.format in ("HEIF", "AVIF"):
        return False
    return image.getexif().get(0x0112, 1) in (5, 6, 7, 8)


def upright_size(path: Path) -> tuple[int, int]:
    """The upright picture's width and height, from its header: nothing is decoded."""
    image = _open(path)
    with image:
        return (image.height, image.width) if _turned(image) else image.size


def open_upright(path: Path, *, fit: tuple[int, int] | None = None) -> tuple[Any, dict[str, Any]]:
    """The picture turned upright (EXIF orientation applied) in RGB (transparency on white),
    and what a writer needs of the original: ``exif``, ``icc_profile``, ``format``, and its
    upright ``size`` at full resolution.

    ``fit`` (pixels) gives the largest size needed: a JPEG is then decoded in draft mode
    (DCT scaling), so a 12 MP photo placed a few inches wide is never decoded at full size,
    and the result is scaled down to fit.
    """
    if not path.exists():
        raise InputFileError(Text("file not found"), path=path, hint=Text("check the name"))
    image = _open(path)
    turned = _turned(image)
    full = (image.height, image.width) if turned else image.size  # before any draft
    if fit is not None and image.format == "JPEG":
        box = (fit[1], fit[0]) if turned else fit
        scale = min(box[0] / image.width, box[1] / image.height)
        if scale < 1:
            image.draft(
                "RGB", (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
            )
    _load(image, path)
    info = {
        "exif": image.getexif(),
        "icc_profile": image.info.get("icc_profile"),
        "format": image.format,
        "size": full,  # upright, at full resolution
    }
    upright = image if image.format in ("HEIF", "AVIF") else ImageOps.exif_transpose(image)
    upright = _as_rgb(upright)
    if fit is not None and (upright.width > fit[0] or upright.height > fit[1]):
        upright = ImageOps.contain(upright, fit, method=pillow().Resampling.LANCZOS)
    return upright, info


def to_srgb(image: Any, icc_profile: bytes | None) -> Any:
    """``image`` (RGB) converted from its embedded colour profile to sRGB, as a PDF viewer
    shows an untagged picture: a Display P3 iPhone photo placed as it is looks washed out.
    Without a profile, or with one littleCMS cannot read, the picture is taken as sRGB."""
    if not icc_profile:
        return image
    from PIL import ImageCms

    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, _srgb(), outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image


@functools.lru_cache(maxsize=1)
def _srgb() -> Any:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _as_rgb(image: Any) -> Any:
    Image = pillow()
    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, (255, 255, 255))
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image if image.mode == "RGB" else image.convert("RGB")


def _source_ifd(source: Any, ifd: int) -> dict[int, Any]:
    try:
        return dict(source.get_ifd(ifd))
    except (KeyError, ValueError, TypeError):
        return {}


def output_exif(source_exif: Any, *, keep_gps: bool) -> bytes:
    """A fresh EXIF block: capture time, offsets and camera kept; Orientation 1; no GPS unless
    asked; no thumbnail (it would still show what was redacted)."""
    Image = pillow()
    out = Image.Exif()
    for tag in KEEP_IFD0:
        if tag in source_exif:
            out[tag] = source_exif[tag]
    out[0x0112] = 1
    out[0x0131] = f"evidence-tools {__version__}"
    sub = out.get_ifd(0x8769)  # always written, empty or not: outputs stay byte-for-byte stable
    for tag, value in _source_ifd(source_exif, 0x8769).items():
        if tag in KEEP_EXIF:
            sub[tag] = value
    gps = _source_ifd(source_exif, 0x8825) if keep_gps else {}
    if gps:
        out.get_ifd(0x8825).update(gps)
    return bytes(out.tobytes())


def save_image(image: Any, tmp: Path, out: Path, *, exif: bytes, icc: bytes | None) -> None:
    """Write ``image`` to ``tmp`` as JPEG or PNG, as ``out``'s suffix says."""
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
            # TRANSLATORS: {suffix} is a file name's ending, like .gif
            Text("cannot write {suffix}", suffix=suffix)
            if suffix
            else Text("cannot write a file without a suffix"),
            path=out,
            hint=Text("name the output .jpg or .png"),
        )


def tool_versions() -> dict[str, str]:
    """The tools entry of a file Pillow made, for the manifest."""
    versions = {"pillow": PIL.__version__}
    try:
        import pillow_heif

        versions["pillow-heif"] = pillow_heif.__version__
    except ImportError:  # pragma: no cover
        pass
    return versions
