"""``evidence mark``."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click

from evidence_tools.cli._i18n import command, option
from evidence_tools.i18n import _


@command(
    "mark",
    epilog="""\b
Examples:
  evidence mark                  (in the case folder)
  evidence mark my-case --no-browser
""",
)
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@option("--port", type=click.IntRange(0, 65535), default=0, show_default="a free one",
              help="Port on 127.0.0.1 to serve the page on.")  # fmt: skip
@option("--no-browser", is_flag=True, help="Print the address; do not open a browser.")
def mark_cmd(case_dir: Path | None, port: int, no_browser: bool) -> None:
    """Open a page on this computer to mark photos and videos by pointing: boxes, arrows,
    covers, captions, the video's trim and moments, saved into case.toml. The address is
    printed first; only this computer can open it. Stop with Ctrl-C."""
    from evidence_tools.case.layout import find_case_root
    from evidence_tools.cli._common import say
    from evidence_tools.mark.server import open_server

    root = case_dir or find_case_root(Path.cwd()) or Path.cwd()
    server = open_server(root, port)
    click.echo(server.url)
    say(_("Marking the case in your browser; press Ctrl-C here when you are done."))
    if not no_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        with _stopped_by_signals():
            server.serve_forever()
    except KeyboardInterrupt:
        say(_("Stopped."))
    finally:
        if server.jobs.busy():  # it ends (or rolls back) before the folder is left
            say(_("Waiting for the build that is running to end…"))
        server.server_close()  # removes the temporary folder (the browser copies of videos)


@contextlib.contextmanager
def _stopped_by_signals() -> Iterator[None]:
    """A closed terminal window (SIGHUP) or a logout or ``kill`` (SIGTERM) stops the page as
    Ctrl-C does: cleanly, its temporary folder removed, no traceback."""

    def stop(_signum: int, _frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    wanted = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    before = {sig: signal.signal(sig, stop) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
