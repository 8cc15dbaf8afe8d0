"""What ``evidence add`` lets into a case, decided by what a file is, not by its name.

The first bytes say what a file really is (a phone's ``.heic`` may be an MP4 a messenger
renamed); a photo or video whose name lies is stored under the right extension, with a
warning; text files, cut-off photos, incomplete videos and the case's own files are refused,
each with the reason and the input's own name.
"""

from __future__ import annotations

from pathlib import Path

from evidence_tools.case.layout import CASE_FILE, EXPORTS
from evidence_tools.case.manifest import MANIFEST
from evidence_tools.errors import InputFileError
from evidence_tools.i18n import Text, _
from evidence_tools.metadata.model import kind_for

# extension for each kind of file the first bytes identify
_ISO_BRANDS = {
    b"heic": ".heic", b"heix": ".heic", b"heim": ".heic", b"heis": ".heic", b"mif1": ".heic",
    b"msf1": ".heic", b"avif": ".avif", b"avis": ".avif", b"qt  ": ".mov",
}  # fmt: skip


def sniff(head: bytes) -> str | None:
    """The extension the file's first bytes call for (".jpg", ".mp4", ".pdf", ...), or None
    when they name nothing this toolkit reads."""
    if head.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ".webp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return ".tif"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return ".webm" if b"webm" in head[:64] else ".mkv"
    if head.startswith(b"%PDF"):
        return ".pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        return _ISO_BRANDS.get(brand, ".mp4")
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return ".mov"
    return None


def _same_kind(suffix: str, real: str) -> bool:
    groups = ({".jpg", ".jpeg"}, {".tif", ".tiff"}, {".heic", ".heif"},
              {".mp4", ".m4v", ".mov", ".3gp", ".3g2"}, {".webm", ".mkv"})  # fmt: skip
    return suffix == real or any(suffix in g and real in g for g in groups)


def triage(src: Path, root: Path) -> tuple[str, str]:
    """The name ``src`` is stored under in originals/, and a warning ('' if none); raises
    ``InputFileError`` naming ``src`` for what may not enter the case."""
    resolved = src.resolve()
    own = {(root / CASE_FILE).resolve(), (root / MANIFEST).resolve()}
    if resolved in own:
        raise InputFileError(Text("is the case's own file, not evidence"), path=src)
    if (root / EXPORTS).resolve() in resolved.parents:
        raise InputFileError(
            Text("was made by evidence-tools from this case, not an original"),
            path=src,
            hint=Text("add the original photo or video instead"),
        )
    size = src.stat().st_size
    if size == 0:
        raise InputFileError(Text("file is empty (0 bytes)"), path=src, hint=Text("copy it again"))
    with open(src, "rb") as fh:
        head = fh.read(64)
    real = sniff(head)
    if real is None:
        raise InputFileError(
            Text("not a photo, video or PDF (it is text)")
            if _texty(head)
            else Text("not a photo, video or PDF (it is no photo or video format this tool reads)"),
            path=src,
            hint=Text("add the photos and videos themselves"),
        )
    suffix = src.suffix.lower()
    if _same_kind(suffix, real):
        return src.name, ""
    stored = f"{src.stem}{real}"
    # TRANSLATORS: {format} is a file format such as JPG or MP4
    return stored, _(
        "{name} is really in {format} format: stored as {stored} (the original keeps its name)",
        name=src.name,
        format=real.lstrip(".").upper(),
        stored=stored,
    )


def _texty(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return all(b >= 0x09 for b in head)


def refuse_damaged(src: Path, stored: Path) -> None:
    """A cut-off photo or an incomplete video cannot prove anything: refuse it, naming the
    input and what can be read. ``stored`` is the copy, under the name its bytes call for."""
    if kind_for(stored) is None:
        return
    from evidence_tools.metadata.read import read_capture_safe

    info = read_capture_safe(stored)
    if info.error:
        reason = info.error.split(": ", 1)[-1]
        raise InputFileError(Text("cannot be read: {reason}", reason=reason), path=src)
    if info.cut_off:
        raise InputFileError(
            Text("the picture is cut off (the copy stopped before its end)"),
            path=src,
            hint=Text("copy it again from the phone"),
        )
    if info.decodable_duration is not None:
        raise InputFileError(
            Text(
                "an incomplete copy: only {readable} s of {duration} s can be read",
                readable=format(info.decodable_duration, ".1f"),
                duration=format(info.duration or 0, ".1f"),
            ),
            path=src,
            hint=Text("copy it again from the phone"),
        )
