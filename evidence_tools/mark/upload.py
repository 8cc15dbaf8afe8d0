"""A photo or video added from the mark page: streamed to disk, then let into the case exactly
as ``evidence add`` lets a file in (the same triage, copying, read-only original, fingerprint
and manifest entry, the same refusals).

The body is read in 1 MiB pieces straight into a staging file inside the case folder (so a
4 GB video never sits in memory, and the copy into originals/ stays on one disk), which is
removed once ``add_files`` has copied it. The name the browser sends is the file's own name:
one with any path in it is refused, never cleaned up into something else.
"""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any, Protocol

from evidence_tools.case.layout import CACHE
from evidence_tools.errors import UsageError
from evidence_tools.i18n import Text

PIECE = 1 << 20


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def safe_name(raw: str) -> str:
    """The file's own name as sent (unicode kept, NFC); a name with a path, a control
    character or nothing in it is refused."""
    name = unicodedata.normalize("NFC", raw).strip()
    bad = (not name or name in (".", "..") or name.startswith(".")
           or any(c in name for c in "/\\:") or any(ord(c) < 32 for c in name))  # fmt: skip
    if bad or len(name.encode("utf-8")) > 255:
        raise UsageError(Text("{name} is not a file name the page can take", name=repr(raw)),
                         hint=Text("send the file's own name, without folders"))  # fmt: skip
    return name


def receive(root: Path, name: str, stream: Readable, length: int) -> dict[str, Any]:
    """Write ``length`` bytes of ``stream`` as ``name`` and add it to the case; what happened,
    as the page shows it beside the file."""
    from evidence_tools.case.intake import add_files

    staging = root / CACHE / "uploads"
    staging.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=staging))
    try:
        staged = folder / name
        with staged.open("wb") as out:
            left = length
            while left > 0:
                piece = stream.read(min(PIECE, left))
                if not piece:
                    raise UsageError(Text("the upload of {name} stopped before its end",
                                          name=name))  # fmt: skip
                out.write(piece)
                left -= len(piece)
        result = add_files(root, [staged])[0]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    said: dict[str, Any] = {"name": name, "status": result.status, "note": result.note}
    if result.stored is not None:
        said["file"] = result.stored.relative_to(root).as_posix()
    if result.error is not None:
        said["error"] = result.error.message  # beside the file: its name is already there
        said["hint"] = result.error.hint
    return said
