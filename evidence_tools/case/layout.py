"""The case folder's layout: its file names and where a verb's output goes.

Kept apart from ``case.loader`` (which parses case.toml) so that a verb run on a plain file,
such as a lossless trim, does not pay for importing the case model to learn it is in no case.
"""

from __future__ import annotations

from pathlib import Path

CASE_FILE = "case.toml"
ORIGINALS = "originals"
EXPORTS = "exports"
CACHE = ".cache"  # what the toolkit keeps to save time (scans): safe to delete


def find_case_root(start: str | Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a case.toml."""
    here = Path(start).resolve()
    if here.is_file():
        here = here.parent
    for folder in (here, *here.parents):
        if (folder / CASE_FILE).is_file():
            return folder
    return None


def output_folder(src: Path) -> Path:
    """Where a verb writes by default: the case's exports/ when ``src`` is in a case (so
    the output is recorded in its manifest), otherwise beside ``src``."""
    root = find_case_root(src.parent)
    folder = root / EXPORTS if root is not None else src.parent
    folder.mkdir(exist_ok=True)
    return folder


def derived_path(src: Path, suffix: str, ext: str) -> Path:
    return output_folder(src) / f"{src.stem}_{suffix}{ext}"
