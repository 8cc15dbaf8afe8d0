"""``evidence dossier``."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_tools.cli._common import check_errors_shown, progress_bar, say, warn
from evidence_tools.cli._i18n import command, option


@command(
    "dossier",
    epilog="""\b
Examples:
  evidence dossier                      (in the case folder)
  evidence dossier my-case --paper letter
  evidence dossier my-case -o ~/Desktop/dossier.pdf --max-mb 5
""",
)
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF (default: exports/dossier.pdf).")  # fmt: skip
@option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@option("--max-mb", type=float, default=10.0, show_default=True,
              help="Rebuild with smaller pictures if the PDF is larger.")  # fmt: skip
@option(
    "--skip-broken",
    is_flag=True,
    help="Leave out an exhibit that fails (the dossier says so) instead of stopping.",
)
@option(
    "--despite-errors",
    is_flag=True,
    help="Build even though evidence check finds errors; the dossier lists them on its cover.",
)
@option("--force", is_flag=True, help="Replace outputs that evidence-tools did not make.")
def dossier_cmd(
    case_dir: Path | None,
    output: Path | None,
    paper: str,
    max_mb: float,
    skip_broken: bool,
    despite_errors: bool,
    force: bool,
) -> None:
    """Build the PDF evidence dossier and the short dispute message from a case folder.

    First brings every exhibit up to date from case.toml (trims and stamps videos, takes the
    stills at the listed moments, annotates photos), redoing only what changed; then writes
    exports/dossier.pdf and exports/message.txt.
    """
    from evidence_tools.case.layout import find_case_root
    from evidence_tools.dossier.build import build_dossier
    from evidence_tools.i18n import _, ngettext

    root = case_dir or find_case_root(Path.cwd()) or Path.cwd()
    with check_errors_shown(), progress_bar() as progress:
        result = build_dossier(
            root, output, paper=paper, max_mb=max_mb, force=force, skip_broken=skip_broken,
            progress=progress, despite_errors=despite_errors,
        )  # fmt: skip
    for warning in result.warnings:
        warn(warning)
    for note in result.notes:
        say(note)
    made = len(result.rebuilt)
    say(
        _(
            "{exhibits} ({made}, the rest up to date); {pages}, {size} MB",
            exhibits=ngettext("{n} exhibit", "{n} exhibits", len(result.exhibits)),
            made=ngettext("{n} file made", "{n} files made", made),
            pages=ngettext("{n} page", "{n} pages", result.pages),
            size=f"{result.size_bytes / 1e6:.1f}",
        )
    )
    say(_("Message for the dispute box: {path}", path=result.message))
    if result.translation is not None:
        say(_("For you to read: the statement and the message with a translation: {path}",
              path=result.translation))  # fmt: skip
    click.echo(str(result.pdf))
