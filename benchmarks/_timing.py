"""Shared timing for the benchmark scripts: median wall time of a command, after a warm-up."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

# A user's Python writes bytecode caches; a shell that forbids it (PYTHONDONTWRITEBYTECODE)
# would make every run of ours compile its modules again, which no user pays for.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(
    cmd: list[str],
    repeat: int,
    cwd: Path | None = None,
    before: Callable[[], None] | None = None,
) -> float:
    """Median seconds of ``cmd``; ``before`` runs untimed ahead of each run (e.g. to remove
    the last run's output, so neither side pays for replacing a file)."""

    def once() -> float:
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV
        )
        return time.perf_counter() - start

    once()  # warm-up: caches, page cache
    return statistics.median(once() for _ in range(repeat))


def compared(
    ours: list[str],
    reference: list[str],
    repeat: int,
    cwd: Path | None = None,
    before: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Median seconds of two commands run in turns (ours, reference, ours, ...).

    Taking turns matters for commands that write hundreds of MB: the kernel flushes one
    run's output while the next runs, so timing one command's runs first and the other's
    after would charge that flush to whichever went second.
    """

    def once(cmd: list[str]) -> float:
        if before is not None:
            before()
        start = time.perf_counter()
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV
        )
        return time.perf_counter() - start

    once(ours)  # warm-up: caches, page cache
    once(reference)
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        a.append(once(ours))
        b.append(once(reference))
    return statistics.median(a), statistics.median(b)
