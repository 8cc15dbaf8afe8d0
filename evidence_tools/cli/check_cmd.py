"""``evidence check``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from evidence_tools.case.model import PLATFORMS
from evidence_tools.cli._common import progress_bar
from evidence_tools.cli._i18n import command, option
from evidence_tools.errors import ExitCode


@command(
    "check",
    epilog="""\b
Examples:
  evidence check                 (in the case folder)
  evidence check my-case --json
  evidence check my-case --platform paypal
""",
)
@click.argument("case_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@option("--platform", "platform_key", type=click.Choice(PLATFORMS),
              help="Check against another platform's rules than the case's.")  # fmt: skip
@option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def check_cmd(case_dir: Path | None, platform_key: str | None, as_json: bool) -> None:
    """Say what is missing, inconsistent or risky before anything is sent: required facts,
    changed files, the claim's checklist, the time line, metadata warnings, the deadline and
    the upload limits. Exits 1 when there is an error."""
    from evidence_tools.case.layout import find_case_root
    from evidence_tools.check import check_case

    root = case_dir or find_case_root(Path.cwd()) or Path.cwd()
    with progress_bar() as progress:  # a video's first scan takes a while; later ones are kept
        report = check_case(root, platform_key=platform_key, progress=progress)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
    else:
        from evidence_tools.findings import line_counts, lines
        from evidence_tools.i18n import Date, _, ngettext

        for line in lines(report.findings):
            click.echo(line)
        counts = line_counts(report.findings)
        summary = _(
            "{errors}, {warnings}, {notes}",
            errors=ngettext("{n} error", "{n} errors", counts["error"]),
            warnings=ngettext("{n} warning", "{n} warnings", counts["warning"]),
            notes=ngettext("{n} note", "{n} notes", counts["info"]),
        )
        if report.deadline is not None and report.days_left is not None and report.days_left >= 0:
            summary = ngettext(
                "{summary}; deadline {date} ({n} day left)",
                "{summary}; deadline {date} ({n} days left)",
                report.days_left,
                summary=summary,
                date=Date(report.deadline),
            )
        click.echo(summary)
    if report.errors:
        click.get_current_context().exit(int(ExitCode.SOME_INPUTS_FAILED))
