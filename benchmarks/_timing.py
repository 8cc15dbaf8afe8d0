"""Shared timing for the benchmark scripts: median wall time of a command, after a warm-up."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path

# A user's Python writes bytecode caches; a shell that forbids it (PYTHONDONTWRITEBYTECODE)
# would make every run of ours compile its modules again, which no user pays for.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def run_once(
    cmd: list[str], cwd: Path | None = None, before: Callable[[], None] | None = None
) -> float:
    """Seconds one run of ``cmd`` takes; ``before`` runs untimed ahead of it (e.g. to remove
    the last run's output, so neither side pays for replacing a file)."""
    if before is not None:
        before()
    start = time.perf_counter()
    subprocess.run(
        cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd, env=ENV
    )
    return time.perf_counter() - start


def timed(
    cmd: list[str],
    repeat: int,
    cwd: Path | None = None,
    before: Callable[[], None] | None = None,
) -> float:
    """Median seconds of ``cmd``, after a warm-up run (caches, page cache)."""
    run_once(cmd, cwd, before)
    return statistics.median(run_once(cmd, cwd, before) for _ in range(repeat))


def compared(
    ours: list[str],
    reference: list[str],
    repeat: int,
    cwd: Path | None = None,
    before: Callable[[], None] | None = None,
) -> tuple[float, float, float, float]:
    """(median seconds of ours, of the reference, median of the per-pair ratios, ratio of the
    fastest runs), the two commands run in turns: ours, reference, ours, ...

    Taking turns matters for commands that write hundreds of MB: the kernel flushes one
    run's output while the next runs, so timing one command's runs first and the other's
    after would charge that flush to whichever went second. The ratio of each pair, run a
    few hundred milliseconds apart, also cancels the slow drifts in speed of a shared machine.
    The ratio of the fastest runs is the other usual estimate (timeit's advice: the slower
    runs measure other processes, not the command).
    """
    run_once(ours, cwd, before)  # warm-up: caches, page cache
    run_once(reference, cwd, before)
    a: list[float] = []
    b: list[float] = []
    for _ in range(repeat):
        a.append(run_once(ours, cwd, before))
        b.append(run_once(reference, cwd, before))
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    return statistics.median(a), statistics.median(b), ratio, min(a) / min(b)


def user_install(tmp: Path, root: Path) -> tuple[str, str]:
    """(path of ``evidence``, what it is): the CLI as a user gets it from ``pip install .``.

    A checkout's editable install adds an import hook that every run pays for (about 25 ms
    here); a user's install has none. The dependencies are this interpreter's, so nothing is
    downloaded but the build backend. Falls back to this environment's ``evidence``.
    """
    venv = tmp / "user-venv"
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
        purelib = subprocess.run(
            [str(bindir / "python"), "-c", where], check=True, capture_output=True, text=True
        ).stdout.strip()
        Path(purelib, "evidence-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
        subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", "--no-deps",
                        str(root)], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=600)  # fmt: skip
        return str(bindir / "evidence"), "a regular install (pip install .)"
    except (OSError, subprocess.SubprocessError):
        found = shutil.which("evidence") or str(Path(sys.executable).parent / "evidence")
        return found, "this environment's install (pip install . failed: offline?)"
