"""``evidence export``."""

from __future__ import annotations

from pathlib import Path

import click

from evidence_tools.case.model import PLATFORMS
from evidence_tools.cli._common import check_errors_shown, progress_bar, say, warn
from evidence_tools.cli._i18n import command, option
from evidence_tools.i18n import _, ngettext


@command(
    "export",
    epilog="""\b
Examples:
  evidence export --platform paypal          (in the case folder)
  evidence export my-case --platform ebay -o ~/Desktop/ebay-upload
""",
)
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@option("--platform", "platform_key", type=click.Choice(PLATFORMS),
              help="The platform to upload to (default: the case's).")  # fmt: skip
@option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="The folder to fill (default: exports/upload-PLATFORM).")  # fmt: skip
@option(
    "--despite-errors",
    is_flag=True,
    help="Make the folder even though evidence check finds errors; the dossier lists them.",
)
@option("--force", is_flag=True, help="Replace files that evidence-tools did not make.")
def export_cmd(
    case_dir: Path | None,
    platform_key: str | None,
    output: Path | None,
    despite_errors: bool,
    force: bool,
) -> None:
    """Make a ready-to-upload folder for one platform: photos as JPEG under its per-file limit,
    the video fitted under its limit (or its stills where it takes no video), the dossier PDF,
    message.txt within its text limit, GPS removed everywhere, and UPLOAD.txt saying what to
    upload in which order."""
    from evidence_tools.case.layout import find_case_root
    from evidence_tools.export import export_case

    root = case_dir or find_case_root(Path.cwd()) or Path.cwd()
    with check_errors_shown(), progress_bar() as progress:
        result = export_case(
            root, platform_key, output, force=force, progress=progress,
            despite_errors=despite_errors,
        )  # fmt: skip
    for warning in result.warnings:
        warn(warning)
    say(
        # TRANSLATORS: {n} files to upload, {size} megabytes in all
        ngettext(
            "{n} files, {size} MB, for {platform}; read {path}",
            "{n} files, {size} MB, for {platform}; read {path}",
            len(result.uploads),
            size=f"{result.total / 1e6:.2f}",
            platform=_(result.platform.name),
            path=result.folder / "UPLOAD.txt",
        )
    )
    click.echo(str(result.folder))
