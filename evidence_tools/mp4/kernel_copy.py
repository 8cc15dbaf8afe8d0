"""Moving sample bytes from one file to another inside the kernel where it can."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable

PIPE = 1024 * 1024


class SourceEndedEarly(OSError):
    """The source gave fewer bytes than its index promised (it shrank while it was copied)."""

    def __init__(self) -> None:
        super().__init__("the source ended early")


def copy_range(src: int, dst: int, offset: int, length: int,
                step: Callable[[int], None]) -> None:  # fmt: skip
    """Copy ``length`` bytes from ``offset`` of ``src`` to the end of ``dst``, inside the
    kernel where it can: splice through a 1 MiB pipe (measured 0.075 s for 180 MB from the
    page cache), else copy_file_range (0.085 s), else through memory."""
    done = splice_range(src, dst, offset, length, step)
    offset, length = offset + done, length - done
    use_kernel = hasattr(os, "copy_file_range")
    while length > 0:
        chunk = min(length, 32 * 1024 * 1024)
        moved = 0
        if use_kernel:
            try:
                moved = os.copy_file_range(src, dst, chunk, offset)
            except OSError:
                use_kernel = False  # another file system, an old kernel: copy through memory
        if not use_kernel:  # os.pread is not on Windows; seek and read are everywhere
            os.lseek(src, offset, os.SEEK_SET)
            data = os.read(src, min(chunk, 4 * 1024 * 1024))
            moved = os.write(dst, data) if data else 0
        if moved <= 0:
            raise SourceEndedEarly()
        offset += moved
        length -= moved
        step(moved)


def splice_range(src: int, dst: int, offset: int, length: int, step: Callable[[int], None]) -> int:
    """Bytes copied by splice(2); 0 where it is not available, and the caller goes on."""
    if not hasattr(os, "splice"):
        return 0
    try:
        import fcntl

        read_end, write_end = os.pipe()
    except (ImportError, OSError):
        return 0
    done = 0
    try:
        size = 65536
        with contextlib.suppress(OSError, AttributeError):
            size = fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE)
        while done < length:
            try:
                got = os.splice(src, write_end, min(size, length - done), offset_src=offset + done)
            except OSError:
                if done:
                    raise
                return 0  # e.g. a file system without splice: the caller copies another way
            if got <= 0:
                raise SourceEndedEarly()
            left = got
            while left:
                left -= os.splice(read_end, dst, left)
            done += got
            step(got)
    finally:
        os.close(read_end)
        os.close(write_end)
    return done
