"""Log lines for ``-v`` (why a choice was made) and ``-vv`` (every command line).

``logging`` is imported only where it already is: the CLI imports and configures it for
``-v``/``-q``, and without a configured handler INFO and DEBUG lines go nowhere anyway. A
lossless trim without ``-v`` so spares the 5 ms that importing ``logging`` costs (measured
with ``python -X importtime``).
"""

from __future__ import annotations

import sys
from typing import Any


def info(name: str, message: str, *args: Any) -> None:
    """``message % args`` at INFO on the logger ``name``, shown with ``-v``."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger(name).info(message, *args)


def debug(name: str, message: str, *args: Any) -> None:
    """``message % args`` at DEBUG on the logger ``name``, shown with ``-vv``."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger(name).debug(message, *args)
