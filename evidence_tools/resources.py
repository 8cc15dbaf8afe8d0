"""Files shipped inside the package (fonts)."""

from __future__ import annotations

from pathlib import Path

_FONTS = Path(__file__).resolve().parent / "fonts"


def font_path(bold: bool = False) -> Path:
    """DejaVu Sans: Latin, Cyrillic and Greek, so names like 'Дмитрий' render as letters."""
    return _FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
