"""The ``evidence`` command: parsing, progress, messages and exit codes only.

Verbs are registered lazily (module path + short help), so ``evidence --help`` imports none
of the heavy libraries (reportlab, Pillow, exifread).
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import sys
from typing import Any

import click

from evidence_tools import __version__, i18n
from evidence_tools.cli._i18n import Group, Option, localize_click
from evidence_tools.errors import EvidenceError, ExitCode
from evidence_tools.fsutil import WRITE_FAULTS, write_fault
from evidence_tools.i18n import N_, _

# name -> (module, attribute, short help). Order is the order shown in --help.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": (
        "evidence_tools.cli.case_cmds",
        "init_cmd",
        N_("Create a case folder with case.toml."),
    ),
    "add": (
        "evidence_tools.cli.case_cmds",
        "add_cmd",
        N_("Copy originals into a case and hash them."),
    ),
    "meta": (
        "evidence_tools.cli.meta_cmd",
        "meta_cmd",
        N_("Capture time, device, GPS and size of photos and videos."),
    ),
    "photo": (
        "evidence_tools.cli.photo_cmds",
        "photo_group",
        N_("Annotate defect photos (arrows, boxes, labels, insets) and redact."),
    ),
    "video": (
        "evidence_tools.cli.video_cmds",
        "video_group",
        N_("Trim, time-stamp, take stills from and shrink unboxing videos."),
    ),
    "mark": (
        "evidence_tools.cli.mark_cmd",
        "mark_cmd",
        N_("Mark photos and videos by pointing, in a local page; saved to case.toml."),
    ),
    "check": (
        "evidence_tools.cli.check_cmd",
        "check_cmd",
        N_("What is missing, inconsistent or risky; the deadline."),
    ),
    "dossier": (
        "evidence_tools.cli.dossier_cmd",
        "dossier_cmd",
        N_("Build the PDF evidence dossier and the dispute message."),
    ),
    "export": (
        "evidence_tools.cli.export_cmd",
        "export_cmd",
        N_("A ready-to-upload folder for one platform, within its limits."),
    ),
    "verify": (
        "evidence_tools.cli.case_cmds",
        "verify_cmd",
        N_("Re-hash every file and report what changed."),
    ),
}

EPILOG = """\
\b
Examples:
  evidence init my-case --platform aliexpress --claim damaged --order 8123456789012345
  evidence add IMG_1234.MOV IMG_2001.HEIC --case my-case
  evidence photo grid my-case/originals/IMG_2001.HEIC
  evidence mark my-case
  evidence check my-case
  evidence dossier my-case
  evidence export my-case --platform paypal
  evidence verify my-case

\b
Exit codes: 0 ok, 1 some inputs failed or verify found a change, 2 usage or case.toml
error, 3 input file unreadable or unsupported, 4 output exists or cannot be written,
5 ffmpeg failed, 70 internal error, 130 interrupted.
"""


class LazyGroup(Group):
    """A group whose commands are imported only when one is run (or its help is shown)."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy) + sorted(super().list_commands(ctx))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr, _short = self.lazy[cmd_name]
            module = importlib.import_module(module_name)
            cmd = getattr(module, attr)
            assert isinstance(cmd, click.Command)
            return cmd
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        """Map every failure to one line on stderr and its exit code; no tracebacks."""
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except EvidenceError as exc:
            if debug:
                raise
            click.echo(_("evidence: error: {message}", message=exc.one_line()), err=True)
            ctx.exit(int(exc.exit_code))
        except (KeyboardInterrupt, click.exceptions.Abort):
            click.echo(_("evidence: interrupted"), err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except (click.exceptions.Exit, click.ClickException):
            raise
        except BrokenPipeError:
            ctx.exit(int(ExitCode.OK))
        except Exception as exc:  # last line of defence: no traceback reaches a user
            if debug:
                raise
            if isinstance(exc, OSError) and exc.errno in WRITE_FAULTS:  # a full disk, say
                fault = write_fault(exc, exc.filename or _("the output"))
                click.echo(_("evidence: error: {message}", message=fault.one_line()), err=True)
                ctx.exit(int(fault.exit_code))
            click.echo(
                # TRANSLATORS: {error} is the name of Python's exception and its own text
                _(
                    "evidence: internal error: {error} (run again with --debug and report it)",
                    error=f"{type(exc).__name__}: {exc}",
                ),
                err=True,
            )
            ctx.exit(int(ExitCode.INTERNAL))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(short)) for name, (_module, _attr, short) in self.lazy.items()]
        rows += [
            (name, cmd.get_short_help_str())
            for name in sorted(super().list_commands(ctx))
            if (cmd := super().get_command(ctx, name)) is not None
        ]
        if rows:
            with formatter.section(_("Commands")):  # click's own word, in our catalogues
                formatter.write_dl(rows)


def _choose_language(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    """--lang, else EVIDENCE_LANG, else the system locale (the case's language comes in when
    a case is loaded); a language asked for by name that has no catalogue is a usage error."""
    try:
        i18n.choose(value)
    except i18n.UnknownLanguage as exc:
        raise click.UsageError(
            _(
                "unknown language {name!r}: the languages are {available}",
                name=str(exc),
                available=", ".join(i18n.LANGUAGES),
            ),
            ctx,
        ) from None


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    epilog=EPILOG,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="evidence", cls=Option)
@click.option(
    "--lang",
    cls=Option,
    metavar="LANG",
    is_eager=True,
    expose_value=False,
    callback=_choose_language,
    help="The language to speak to you in: en, ru, es, pt_BR, fr, pl or ko (the dossier and the "
    "dispute messages stay in English). Default: EVIDENCE_LANG, the case's language, then the "
    "system's.",
)
@click.option("-v", "--verbose", cls=Option, count=True, help="Say more (repeat for debug detail).")
@click.option("-q", "--quiet", cls=Option, is_flag=True, help="Only errors; no progress bars.")
@click.option("--debug", cls=Option, is_flag=True, help="Show the full traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, verbose: int, quiet: bool, debug: bool) -> None:
    """Turn an unboxing video and defect photos into evidence for a purchase dispute.

    Originals are never modified: every output is a new file, and every file is hashed.
    """
    ctx.ensure_object(dict)
    ctx.obj.update(verbose=verbose, quiet=quiet, debug=debug)
    if verbose or quiet:  # otherwise Python's own last-resort handler shows warnings
        import logging

        level = logging.ERROR if quiet else logging.INFO if verbose == 1 else logging.DEBUG
        logging.basicConfig(level=level, format="evidence: %(message)s", stream=sys.stderr)
        for library in ("PIL", "exifread", "pillow_heif"):  # their chatter is not ours to show
            logging.getLogger(library).setLevel(logging.ERROR)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    # Python's shutdown runs the garbage collector over every object the imports made (click,
    # our modules): measured 25-50 ms of a 0.25 s lossless trim. Freezing them at exit skips
    # that walk. Files are closed and streams flushed as always; only objects still in
    # reference cycles at exit are left to the process's end, as Python allows.
    atexit.register(gc.freeze)
    # before parsing, so that `evidence --help` follows the environment's language too; an
    # unknown EVIDENCE_LANG is said as a usage error once --lang's callback runs
    with contextlib.suppress(i18n.UnknownLanguage):
        i18n.choose()
    cli.main(args=argv, prog_name="evidence")


localize_click()
