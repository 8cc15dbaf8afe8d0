"""MP4/QuickTime boxes: finding them in a buffer or a file, and writing new ones.

Every reader in ``evidence_tools.mp4`` is strict on purpose: anything it does not fully
understand raises ``Unsupported``, and the caller falls back to ffmpeg.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

MAX_TOP_BOXES = 10_000  # a real file has a handful; a long run of tiny ones is not a video


class Unsupported(Exception):
    """This file is outside what the MP4 reader or cutter handles; use ffmpeg. ``code`` names
    what, where another part decides on it (``edit.hidden``: an edit list hides footage)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------- boxes


class Box:
    """A box found in a buffer: its type, where it starts (its size field) and ends, and how
    long its header is. (Plain classes in this module: they load faster than NamedTuples.)"""

    __slots__ = ("type", "start", "end", "header")

    def __init__(self, type: bytes, start: int, end: int, header: int) -> None:  # noqa: A002
        self.type, self.start, self.end, self.header = type, start, end, header

    @property
    def body(self) -> int:
        return self.start + self.header


def iter_boxes(buf: bytes, start: int, end: int) -> Iterator[Box]:
    pos = start
    while pos + 8 <= end:
        size, typ = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise Unsupported("a box header is cut short")
            (size,) = struct.unpack_from(">Q", buf, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise Unsupported(f"box {typ!r} runs past its parent")
        yield Box(typ, pos, pos + size, header)
        pos += size


def child(buf: bytes, parent: Box, typ: bytes) -> Box | None:
    return next((b for b in iter_boxes(buf, parent.body, parent.end) if b.type == typ), None)


def make_box(typ: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), typ) + payload


def make_full(typ: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return make_box(typ, struct.pack(">I", (version << 24) | flags) + payload)


def meta_body(buf: bytes, box: Box) -> int:
    """Where a ``meta`` box's children start: ISO meta is a full box, QuickTime's is not."""
    if (
        box.end - box.body >= 12
        and buf[box.body : box.body + 4] == b"\0\0\0\0"
        and buf[box.body + 8 : box.body + 12] in (b"hdlr", b"keys", b"ilst")
    ):
        return box.body + 4
    return box.body


def top_level(path: Path) -> tuple[int, list[tuple[bytes, int, int]]]:
    """(file size, [(type, start, end)]) of the top-level boxes, read from their headers."""
    size = path.stat().st_size
    found: list[tuple[bytes, int, int]] = []
    with open(path, "rb") as f:
        pos = 0
        while pos + 8 <= size:
            f.seek(pos)
            head = f.read(16)
            box_size, typ = struct.unpack_from(">I4s", head)
            if box_size == 1:
                if len(head) < 16:
                    raise Unsupported("a box header is cut short")
                (box_size,) = struct.unpack_from(">Q", head, 8)
            elif box_size == 0:
                box_size = size - pos
            if box_size < 8:
                raise Unsupported("not an MP4/MOV box structure")
            found.append((typ, pos, min(pos + box_size, size)))
            if len(found) > MAX_TOP_BOXES:
                raise Unsupported("too many top-level boxes")
            pos += box_size
    return size, found


# --------------------------------------------------------------------------- tracks
