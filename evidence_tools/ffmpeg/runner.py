"""The one place that runs a process: locate ffmpeg, ask its version, run an argument list.

The named jobs that build those argument lists live in ``evidence_tools.ffmpeg.jobs``. Every
command line is logged at ``-vv``.

subprocess, tempfile and threading are imported where ffmpeg runs: a lossless trim never
runs it, and their import is a tenth of its time.

ffmpeg comes from the imageio-ffmpeg wheel, so a plain ``pip install`` is enough;
``EVIDENCE_FFMPEG`` points at another binary when a user wants one.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from evidence_tools import logs
from evidence_tools.errors import ExternalToolError, OutputError
from evidence_tools.i18n import Text
from evidence_tools.progress import Step


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    override = os.environ.get("EVIDENCE_FFMPEG")
    if override:
        if not Path(override).is_file():
            raise ExternalToolError(
                Text("EVIDENCE_FFMPEG does not name a file"),
                path=override,
                hint=Text("unset it or fix it"),
            )
        return override
    try:
        import imageio_ffmpeg
    except ImportError as exc:  # pragma: no cover - a broken install
        raise ExternalToolError(
            Text("imageio-ffmpeg is not installed"),
            hint=Text("reinstall: pip install evidence-tools"),
        ) from exc
    # The wheel's own binary, found directly: get_ffmpeg_exe() proves it by running it, which
    # cost every command 50 ms; a binary that cannot run still fails with a clear message.
    bundled = sorted(
        p
        for p in (Path(imageio_ffmpeg.__file__).parent / "binaries").glob("ffmpeg*")
        if p.is_file() and p.suffix not in (".py", ".md", ".txt") and os.access(p, os.X_OK)
    )
    if len(bundled) == 1:
        return str(bundled[0])
    try:
        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except RuntimeError as exc:
        raise ExternalToolError(
            Text("no ffmpeg binary found: {reason}", reason=str(exc)),
            hint=Text("set EVIDENCE_FFMPEG to an ffmpeg binary"),
        ) from exc


@functools.lru_cache(maxsize=1)
def ffmpeg_version() -> str:
    """The version string ffmpeg reports, e.g. ``n9.0.2-17-g2a571b6068-20260930``."""
    out, _stderr = read_ffmpeg(["-version"], timeout=30)
    match = re.search(r"ffmpeg version (\S+)", out)
    if not match:
        raise ExternalToolError(Text("ffmpeg did not report a version"), path=ffmpeg_exe())
    return match.group(1)


_NOISE = (
    "Conversion failed",
    "Exiting normally",
    "Error opening input files",
    "Error opening output files",
)
_ADDRESS = re.compile(r"^\[[^\]]+ @ 0x[0-9a-f]+\]\s*")


def _last_error_line(stderr: str, keep: int = 3) -> str:
    """The telling end of ffmpeg's stderr: the last few specific lines, on one line ("" when
    it says nothing)."""
    picked: list[str] = []
    for raw in reversed(stderr.splitlines()):
        line = _ADDRESS.sub("", raw.strip())
        if not line or line.startswith(_NOISE) or line in picked:
            continue
        picked.append(line)
        if len(picked) == keep:
            break
    return "; ".join(reversed(picked))[:300]


class _Running:
    """A started ffmpeg and whether its time ran out."""

    def __init__(self, proc: Any, timed_out: Any) -> None:
        self.proc = proc
        self.timed_out = timed_out


@contextlib.contextmanager
def _spawn(
    args: Sequence[str],
    *,
    stdout: Any,
    stderr: IO[bytes],
    timeout: float | None = None,
    cwd: str | Path | None = None,
) -> Iterator[_Running]:
    """Start ffmpeg with ``args`` (never through a shell); kill it when ``timeout`` passes, or
    when the caller stops early or fails, so no ffmpeg outlives the call."""
    import subprocess
    import threading

    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", *[str(a) for a in args]]
    logs.debug(__name__, "running: %s", _ShellLine(cmd))
    try:
        proc = subprocess.Popen(
            cmd, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, cwd=cwd
        )
    except OSError as exc:
        raise ExternalToolError(
            Text("ffmpeg cannot start: {reason}", reason=str(exc)), path=cmd[0]
        ) from exc
    timed_out = threading.Event()
    timer = None
    if timeout is not None:

        def kill() -> None:
            timed_out.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
    try:
        yield _Running(proc, timed_out)
    finally:
        if timer is not None:
            timer.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout is not None:  # a reader that stopped early leaves the pipe open
            proc.stdout.close()


class _ShellLine:
    """A command line as a shell would take it, spelled out only when a log line is shown."""

    def __init__(self, cmd: Sequence[str]) -> None:
        self.cmd = cmd

    def __str__(self) -> str:
        import shlex

        return shlex.join(self.cmd)


def run_ffmpeg(
    args: Sequence[str],
    *,
    outputs: Sequence[str | Path] = (),
    duration: float | None = None,
    progress: Step | None = None,
    span: tuple[float, float] = (0.0, 1.0),
    timeout: float | None = None,
    cwd: str | Path | None = None,
) -> str:
    """Run ffmpeg for the files it writes and return its stderr.

    ``progress`` is moved through ``span`` of it (a two-pass job's first half) by the
    fraction done that ``-progress`` reports, when a ``duration`` is known. On failure,
    timeout or interrupt the ``outputs`` are deleted so no half-written file survives, and
    an ``ExternalToolError`` is raised.
    """
    import subprocess
    import tempfile

    head = ["-loglevel", "info"]
    if progress is not None:
        head += ["-progress", "pipe:1", "-stats_period", "0.25"]
    pipe = subprocess.PIPE if progress is not None else subprocess.DEVNULL
    with tempfile.TemporaryFile(mode="w+b") as err:
        try:
            with _spawn([*head, *args], stdout=pipe, stderr=err, timeout=timeout, cwd=cwd) as run:
                if progress is not None and run.proc.stdout is not None:
                    _follow_progress(run.proc.stdout, duration, progress.part(*span))
                returncode = run.proc.wait()
        except BaseException:
            _remove(outputs)
            raise
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if run.timed_out.is_set():
        _remove(outputs)
        raise ExternalToolError(
            Text(
                "ffmpeg took longer than {seconds} s and was stopped",
                seconds=format(timeout, ".0f"),
            )
        )
    if returncode != 0:
        _remove(outputs)
        if "No space left on device" in stderr:  # the disk, not ffmpeg: exit 4
            raise OutputError(
                Text("cannot write: the disk is full"),
                path=outputs[0] if outputs else None,
                hint=Text("free some space or write elsewhere"),
            )
        said = _last_error_line(stderr)
        if not said:
            raise ExternalToolError(Text("ffmpeg failed: no message"))
        # TRANSLATORS: {detail} is the end of ffmpeg's own (English) error output
        raise ExternalToolError(Text("ffmpeg failed: {detail}", detail=said))
    return stderr


def _follow_progress(
    stdout: IO[bytes], duration: float | None, progress: Callable[[float], None]
) -> None:
    for raw in stdout:
        line = raw.decode("ascii", "replace").strip()
        if line.startswith("out_time_us=") and duration:
            with contextlib.suppress(ValueError):
                done = int(line.split("=", 1)[1]) / 1e6
                progress(max(0.0, min(1.0, done / duration)))
        elif line == "progress=end":
            progress(1.0)


def _remove(paths: Sequence[str | Path]) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            Path(p).unlink()


def read_ffmpeg(
    args: Sequence[str],
    *,
    stop: Callable[[str], bool] | None = None,
    timeout: float = 300,
    path: str | Path | None = None,
) -> tuple[str, str]:
    """Run ffmpeg for what it prints, not for a file: return (stdout, stderr).

    ``stop`` sees each stdout line and ends ffmpeg as soon as it returns True, so a reader
    (e.g. a packet listing) reads no more of a video than it needs. A time-out is an error,
    never a silently short listing.
    """
    import subprocess
    import tempfile

    lines: list[str] = []
    with tempfile.TemporaryFile() as err:
        with _spawn(args, stdout=subprocess.PIPE, stderr=err, timeout=timeout) as run:
            assert run.proc.stdout is not None
            for raw in run.proc.stdout:
                line = raw.decode("utf-8", "replace")
                lines.append(line)
                if stop is not None and stop(line):
                    break
        if run.timed_out.is_set():
            raise ExternalToolError(
                Text(
                    "ffmpeg took longer than {seconds} s to read it", seconds=format(timeout, "g")
                ),
                path=path,
            )
        err.seek(0)
        return "".join(lines), err.read().decode("utf-8", "replace")


def stream_frames(
    args: Sequence[str],
    frame_size: int,
    on_frame: Callable[[bytes], None],
    *,
    timeout: float = 3600,
) -> str:
    """Run ffmpeg writing raw frames of ``frame_size`` bytes to its stdout and hand each to
    ``on_frame`` as it comes (a scan holds one frame at a time, however long the video).
    Returns ffmpeg's stderr; a damaged end is no error (the frames read so far stand), a
    time-out is."""
    import subprocess
    import tempfile

    with tempfile.TemporaryFile() as err:
        with _spawn(args, stdout=subprocess.PIPE, stderr=err, timeout=timeout) as run:
            assert run.proc.stdout is not None
            while True:
                frame = run.proc.stdout.read(frame_size)
                if len(frame) < frame_size:
                    break
                on_frame(frame)
            run.proc.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    if run.timed_out.is_set():
        raise ExternalToolError(
            Text(
                "ffmpeg took longer than {seconds} s and was stopped",
                seconds=format(timeout, ".0f"),
            )
        )
    return stderr
