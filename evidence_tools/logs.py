"""Log lines for ``-v`` (why a choice was made) and ``-vv`` (every command line).

``logging`` is imported only where it already is: the CLI imports and configures it for
``-v``/``-q``, and without a configured handler INFO and DEBUG lines go nowhere anyway. A
lossless trim without ``-v`` so spares the 5 ms that importing ``logging`` costs (measured
with ``python -X importtime``).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any


def info(name: str, message: str, *args: Any) -> None:
    """``message % args`` at INFO on the logger ``name``, shown with ``-v``."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger(name).info(message, *args)


def debug(name: str, message: str, *args: Any) -> None:
    """``message % args`` at DEBUG on the logger ``name``, shown with ``-vv``."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger(name).debug(message, *args)


class _Collect:
    """A logging handler that keeps messages instead of printing them."""

    def __init__(self) -> None:
        import logging

        class Handler(logging.Handler):
            def emit(inner, record: logging.LogRecord) -> None:  # noqa: N805
                self.messages.append(record.getMessage())

        self.messages: list[str] = []
        self.handler = Handler(level=logging.WARNING)


@contextlib.contextmanager
def silenced(*names: str) -> Iterator[list[str]]:
    """Keep the warnings that libraries (exifread, Pillow) log under ``names`` off the user's
    terminal: exifread, for one, logs to a logger with no handler, so Python's last resort
    prints "PNG file does not have exif data." on stderr. Yields the messages, for the caller
    to turn what matters into its own warning."""
    import logging

    collect = _Collect()
    loggers = [logging.getLogger(n) for n in names]
    saved = [(lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(collect.handler)
        lg.propagate = False
        lg.setLevel(logging.WARNING)
    try:
        yield collect.messages
    finally:
        for lg, (propagate, level) in zip(loggers, saved, strict=True):
            lg.removeHandler(collect.handler)
            lg.propagate = propagate
            lg.setLevel(level)
