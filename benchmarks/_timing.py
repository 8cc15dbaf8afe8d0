"""Shared timing for the benchmark scripts: median wall time of a command, after a warm-up."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from pathlib import Path

# A user's Python writes bytecode caches; a shell that forbids it (PYTHONDONTWRITEBYTECODE)
# would make every run of ours compile its modules again, which no user pays for.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], repeat: int, cwd: Path | None = None) -> float:
    def once() -> float:
        start = time.perf_counter()
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV
        )
        return time.perf_counter() - start

    once()  # warm-up: caches, page cache
    return statistics.median(once() for _ in range(repeat))
