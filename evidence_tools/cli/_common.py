"""Helpers shared by the verbs: progress on stderr, messages, batch exit codes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from evidence_tools.i18n import _


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


@contextlib.contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr, only when stderr is a terminal and not --quiet.

    Yields a callback taking the amount done since the last call.
    """
    show = sys.stderr.isatty() and not quiet() and total > 0
    if not show:
        yield lambda _n: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr, show_eta=True) as bar:
        yield bar.update


@contextlib.contextmanager
def fraction_progress(label: str) -> Iterator[Callable[[float], None]]:
    """Like ``progress`` for work that reports a fraction done (0..1), e.g. ffmpeg."""
    steps = 1000
    with progress(steps, label) as update:
        done = 0

        def report(fraction: float) -> None:
            nonlocal done
            target = int(max(0.0, min(1.0, fraction)) * steps)
            if target > done:
                update(target - done)
                done = target

        yield report
