"""``evidence init``, ``add`` and ``verify``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from evidence_tools.case.layout import find_case_root
from evidence_tools.case.model import CLAIMS, PLATFORMS, RESOLUTIONS
from evidence_tools.cli._common import fail_line, progress_bar, say, warn
from evidence_tools.cli._i18n import command, option
from evidence_tools.errors import CaseError, ExitCode, OutputExistsError
from evidence_tools.i18n import Text, _, ngettext
from evidence_tools.vocabulary import CLAIMS as CLAIMS_TABLE

if TYPE_CHECKING:
    from evidence_tools.case.manifest import FileCheck

# what each claim means, for a buyer choosing one: from the one registry of claims
CLAIM_MEANINGS = {key: claim.meaning for key, claim in CLAIMS_TABLE.items()}


def _interactive() -> bool:
    """Ask questions only of a person at a terminal, never of a script or CI."""
    return sys.stdin.isatty() and sys.stdout.isatty()


@command(
    "init",
    epilog="""\b
Examples:
  evidence init my-case
  evidence init my-case --platform aliexpress --claim damaged --order 8123456789012345
  evidence init demo-case --from samples/case
""",
)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@option("--platform", type=click.Choice(PLATFORMS, case_sensitive=False), help="Where you bought.")
@option("--claim", type=click.Choice(CLAIMS, case_sensitive=False), help="What went wrong.")
@option(
    "--resolution",
    type=click.Choice(RESOLUTIONS, case_sensitive=False),
    help="What you ask for.",
)
@option("--order", "order", metavar="NUMBER", help="The order number.")
@option("--timezone", metavar="ZONE", help="Your time zone, e.g. Europe/Moscow.")
@option(
    "--from",
    "from_case",
    type=click.Path(file_okay=False, path_type=Path),
    help="Start from another case folder (its case.toml and originals), e.g. samples/case.",
)
@option("--force", is_flag=True, help="Replace an existing case.toml.")
def init_cmd(
    folder: Path,
    platform: str | None,
    claim: str | None,
    resolution: str | None,
    order: str | None,
    timezone: str | None,
    from_case: Path | None,
    force: bool,
) -> None:
    """Create FOLDER with case.toml, originals/ and exports/.

    Asks for the platform, the claim and the order number when run in a terminal without
    them; otherwise leaves them for you to fill in case.toml.
    """
    from evidence_tools.case.intake import init_case

    interactive = _interactive() and from_case is None
    if interactive and (folder / "case.toml").exists() and not force:
        # said before any question, not after them
        raise OutputExistsError(folder / "case.toml")
    if interactive and platform is None:
        platform = click.prompt(
            _("Where did you buy it"), type=click.Choice(PLATFORMS, case_sensitive=False),
            default="aliexpress", err=True,
        ).lower()  # fmt: skip
    if interactive and claim is None:
        click.echo(_("What went wrong?"), err=True)
        for code, meaning in CLAIM_MEANINGS.items():
            click.echo(f"  {code:17} {_(meaning)}", err=True)
        claim = click.prompt(
            _("Claim"), type=click.Choice(CLAIMS, case_sensitive=False), default="damaged", err=True
        ).lower()
    if interactive and order is None:
        order = click.prompt(_("Order number"), default="", show_default=False, err=True)
    path = init_case(
        folder,
        platform=platform or "",
        claim=claim or "",
        resolution=resolution or "",
        order=order or "",
        timezone=timezone or "",
        force=force,
        from_case=from_case,
    )
    if from_case is not None:
        say(
            _(
                "Created {path} from {source}. Next: evidence dossier {folder}",
                path=path,
                source=from_case,
                folder=folder,
            )
        )
    else:
        say(
            _(
                "Created {path}. Next: evidence add YOUR_FILES... --case {folder}",
                path=path,
                folder=folder,
            )
        )
    click.echo(str(path))


@command(
    "add",
    epilog="""\b
Examples:
  evidence add IMG_1234.MOV IMG_2001.HEIC --case my-case
  cd my-case && evidence add ~/Downloads/photos/
  evidence add --here --case my-case      (files you copied into originals/ yourself)
""",
)
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@option(
    "--case",
    "case_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="The case folder (default: the one around the current folder).",
)
@option(
    "--here",
    is_flag=True,
    help="Fingerprint and list the files already in originals/ that were copied in by hand.",
)
@option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def add_cmd(files: tuple[Path, ...], case_dir: Path | None, here: bool, as_json: bool) -> None:
    """Copy FILES (or the files in a folder) into the case's originals/, hash and list them.

    Files are copied, never moved or changed. A different file with a name already in the
    case is refused: rename it and add it again. With --here, the files already in
    originals/ that were never fingerprinted are recorded where they are.
    """
    from evidence_tools.case.intake import add_files, unrecorded_originals

    root = case_dir or find_case_root(Path.cwd())
    if root is None:
        raise CaseError(
            Text("no case folder here"),
            path=Path.cwd(),
            hint=Text("give --case DIR or run evidence init"),
        )
    if here:
        files = files + tuple(unrecorded_originals(root))
        if not files:
            say(_("Every file in originals/ is already fingerprinted."))
            return
    elif not files:
        raise click.UsageError(_("give the files to add, or --here for those in originals/"))
    with progress_bar() as progress:
        results = add_files(root, files, progress=progress)
    failed = 0
    rows = []
    for r in results:
        rows.append(
            {
                "source": str(r.source),
                "stored": str(r.stored) if r.stored else None,
                "sha256": r.sha256 or None,
                "status": r.status,
                "note": r.note or None,
                "error": r.error.one_line() if r.error else None,
            }
        )
        if r.error is not None:
            failed += 1
            if not as_json:
                fail_line(r.error.one_line())
        elif not as_json:
            if r.note and r.status != "already":
                warn(r.note)
            click.echo(_added_line(r.sha256[:16], str(r.stored), r.status, r.note))
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    if failed:
        added = len(results) - failed
        if added:
            # TRANSLATORS: {n} files failed of {total}; {added} were added or already there
            summary = ngettext(
                "{n} of {total} file(s) failed; {added} added or already in the case.",
                "{n} of {total} file(s) failed; {added} added or already in the case.",
                failed,
                total=len(results),
                added=added,
            )
        else:
            summary = ngettext(
                "{n} of {total} file(s) failed; none was added.",
                "{n} of {total} file(s) failed; none was added.",
                failed,
                total=len(results),
            )
        say(summary)
        click.get_current_context().exit(int(ExitCode.SOME_INPUTS_FAILED))


def _added_line(fingerprint: str, stored: str, status: str, note: str) -> str:
    """One added file: the start of its fingerprint and where it is kept."""
    if status != "already":
        return f"{fingerprint}  {stored}"
    if note:
        # TRANSLATORS: {note} says which file of the case it is, e.g. "same content as ..."
        return _(
            "{fingerprint}  {path} (already in the case: {note})",
            fingerprint=fingerprint,
            path=stored,
            note=note,
        )
    return _(
        "{fingerprint}  {path} (already in the case: same file)",
        fingerprint=fingerprint,
        path=stored,
    )


@command(
    "verify",
    epilog="""\b
Examples:
  evidence verify my-case
  evidence verify --json
""",
)
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_cmd(folder: Path | None, as_json: bool) -> None:
    """Re-hash every original and derived file and report changed, missing and unknown ones.

    Exits 1 when a file changed or went missing, or when originals/ holds files whose
    fingerprints were never recorded (copied in by hand: run evidence add --here).
    """
    from evidence_tools.case.manifest import verify_case

    root = folder or find_case_root(Path.cwd()) or Path.cwd()
    with progress_bar() as progress:
        report = verify_case(root, progress=progress)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for check in report.checks:
            if check.status != "ok":
                click.echo(_verify_line(check))
        ok = len(report.by_status("ok"))
        bad = len(report.by_status("changed")) + len(report.by_status("missing"))
        if bad:
            click.echo(
                ngettext(
                    "{n} file(s) intact, {bad} changed or missing",
                    "{n} file(s) intact, {bad} changed or missing",
                    ok,
                    bad=bad,
                )
            )
        else:
            click.echo(ngettext("{n} file(s) intact", "{n} file(s) intact", ok))
        new = len(report.unfingerprinted)
        if new:
            fail_line(
                ngettext(
                    "{n} file(s) in originals/ were copied in by hand and never fingerprinted: "
                    "record them with evidence add --here --case {folder}",
                    "{n} file(s) in originals/ were copied in by hand and never fingerprinted: "
                    "record them with evidence add --here --case {folder}",
                    new,
                    folder=root,
                )
            )
    if not report.ok:
        click.get_current_context().exit(int(ExitCode.SOME_INPUTS_FAILED))


def _verify_line(check: FileCheck) -> str:
    """One file that is not as recorded: a status word in a column, the file, why."""
    if check.status == "changed":
        word = _("CHANGED")  # said apart: Babel does not see a message inside a call's argument
        # TRANSLATORS: {status} is the word CHANGED in its column; {recorded} and {now} are
        # the starts of the file's fingerprints
        return _(
            "{status} {path} (recorded {recorded}..., now {now}...)",
            status=_column(word),
            path=check.path,
            recorded=f"{check.expected or '?':.16}",
            now=f"{check.actual or '?':.16}",
        )
    if check.status == "unknown" and check.role == "original":
        word = _("NEW")
        # TRANSLATORS: {status} is the word NEW in its column
        return _(
            "{status} {path} (its fingerprint was never recorded)",
            status=_column(word),
            path=check.path,
        )
    if check.status == "unknown":
        word = _("unknown")
        # TRANSLATORS: {status} is the word "unknown" in its column
        return _("{status} {path} (not in the manifest)", status=_column(word), path=check.path)
    missing = _("MISSING")
    return f"{_column(missing)} {check.path}"


def _column(word: str) -> str:
    """A status word padded to the column verify's report lines up its files in."""
    return f"{word:8}"
