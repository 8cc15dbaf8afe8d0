"""Helpers shared by the verbs: progress on stderr, messages, batch exit codes."""

from __future__ import annotations

import contextlib
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from evidence_tools.i18n import _
from evidence_tools.progress import Progress, Update


def quiet(ctx: click.Context | None = None) -> bool:
    ctx = ctx or click.get_current_context(silent=True)
    if ctx is None:
        return False
    root = ctx.find_root()
    return bool(root.obj and root.obj.get("quiet"))


def say(message: str) -> None:
    """A progress or status line for a person: stderr, and not with --quiet."""
    if not quiet():
        click.echo(message, err=True)


def warn(message: str) -> None:
    click.echo(_("evidence: warning: {message}", message=message), err=True)


def fail_line(message: str) -> None:
    click.echo(_("evidence: error: {message}", message=message), err=True)


def recorded(case: Path, operation: str) -> str:
    """Where a new file's fingerprint was recorded, and as what."""
    # TRANSLATORS: {operation} is the step's name in the manifest, e.g. trimmed or annotated
    return _(
        "Recorded in {manifest} as '{operation}'.",
        manifest=case / "manifest.json",
        operation=operation,
    )


@contextlib.contextmanager
def check_errors_shown() -> Iterator[None]:
    """Where ``evidence check``'s errors stop a build (dossier, export), print each of them
    as check prints it before the one-line refusal, so the buyer knows what to fix."""
    from evidence_tools.errors import CheckFailedError

    try:
        yield
    except CheckFailedError as exc:
        for line in exc.findings:
            click.echo(line, err=True)
        raise


class TerminalBar:
    """``Progress``'s sink on a terminal: the step being done, the whole command's bar and
    the time left, on one line rewritten in place (at most ten times a second)."""

    def __init__(self, stream: Any) -> None:
        self.stream, self.shown, self.width = stream, 0.0, 0

    def __call__(self, update: Update) -> None:
        now = time.monotonic()
        if now - self.shown < 0.1 and update.overall < 1.0:
            return
        self.shown = now
        columns = shutil.get_terminal_size((80, 20)).columns
        cells = 20
        full = int(update.overall * cells)
        left = ""
        if update.left is not None:
            minutes, seconds = divmod(int(update.left + 0.5), 60)
            left = "  " + _("{time} left", time=f"{minutes}:{seconds:02d}")
        tail = f"  [{'#' * full}{'-' * (cells - full)}] {int(update.overall * 100):3d} %{left}"
        what = update.what[: max(10, columns - len(tail) - 1)]
        line = what + tail
        self.stream.write("\r" + line + " " * max(0, self.width - len(line)))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\n")
            self.stream.flush()


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress]:
    """The one progress interface, shown as a bar on stderr only when stderr is a terminal
    and not --quiet (a log or a pipe gets no bar)."""
    if not sys.stderr.isatty() or quiet():
        yield Progress.none()
        return
    bar = TerminalBar(sys.stderr)
    try:
        yield Progress(bar)
    finally:
        bar.close()
