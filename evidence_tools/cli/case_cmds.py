"""``evidence init``, ``add`` and ``verify``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from evidence_tools.case.layout import find_case_root
from evidence_tools.case.model import CLAIMS, PLATFORMS, RESOLUTIONS
from evidence_tools.cli._common import fail_line, progress, say, warn
from evidence_tools.cli._i18n import command, option
from evidence_tools.errors import CaseError, ExitCode, OutputExistsError

CLAIM_MEANINGS = {
    "not_received": "the parcel never arrived",
    "damaged": "it arrived broken, cracked or dented",
    "not_as_described": "it differs from the listing (colour, size, material, function)",
    "wrong_item": "you received a different item",
    "missing_parts": "parts or items of the order are missing",
    "counterfeit": "it is a fake of the brand in the listing",
}


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
            "Where did you buy it", type=click.Choice(PLATFORMS, case_sensitive=False),
            default="aliexpress", err=True,
        ).lower()  # fmt: skip
    if interactive and claim is None:
        click.echo("What went wrong?", err=True)
        for code, meaning in CLAIM_MEANINGS.items():
            click.echo(f"  {code:17} {meaning}", err=True)
        claim = click.prompt(
            "Claim", type=click.Choice(CLAIMS, case_sensitive=False), default="damaged", err=True
        ).lower()
    if interactive and order is None:
        order = click.prompt("Order number", default="", show_default=False, err=True)
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
        say(f"Created {path} from {from_case}. Next: evidence dossier {folder}")
    else:
        say(f"Created {path}. Next: evidence add YOUR_FILES... --case {folder}")
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
    from evidence_tools.case.intake import add_files, expand_inputs, unrecorded_originals

    root = case_dir or find_case_root(Path.cwd())
    if root is None:
        raise CaseError(
            "no case folder here", path=Path.cwd(), hint="give --case DIR or run evidence init"
        )
    if here:
        files = files + tuple(unrecorded_originals(root))
        if not files:
            say("Every file in originals/ is already fingerprinted.")
            return
    elif not files:
        raise click.UsageError("give the files to add, or --here for those in originals/")
    total = sum(p.stat().st_size for p in expand_inputs(files) if p.is_file())
    with progress(total, "Copying") as update:
        results = add_files(root, files, progress=update)
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
            note = (
                f" (already in the case: {r.note or 'same file'})" if r.status == "already" else ""
            )
            if r.note and r.status != "already":
                warn(r.note)
            click.echo(f"{r.sha256[:16]}  {r.stored}{note}")
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    if failed:
        added = len(results) - failed
        say(
            f"{failed} of {len(results)} file(s) failed"
            + (f"; {added} added or already in the case." if added else "; none was added.")
        )
        click.get_current_context().exit(int(ExitCode.SOME_INPUTS_FAILED))


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
    from evidence_tools.case.manifest import total_size, verify_case

    root = folder or find_case_root(Path.cwd()) or Path.cwd()
    with progress(total_size(root), "Hashing") as update:
        report = verify_case(root, progress=update)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        for check in report.checks:
            if check.status == "ok":
                continue
            label = {"changed": "CHANGED", "missing": "MISSING", "unknown": "unknown"}[check.status]
            detail = ""
            if check.status == "changed":
                detail = (
                    f" (recorded {check.expected or '?':.16}..., now {check.actual or '?':.16}...)"
                )
            elif check.status == "unknown" and check.role == "original":
                label, detail = "NEW", " (its fingerprint was never recorded)"
            elif check.status == "unknown":
                detail = " (not in the manifest)"
            click.echo(f"{label:8} {check.path}{detail}")
        ok = len(report.by_status("ok"))
        bad = len(report.by_status("changed")) + len(report.by_status("missing"))
        summary = f"{ok} file(s) intact"
        if bad:
            summary += f", {bad} changed or missing"
        click.echo(summary)
        new = len(report.unfingerprinted)
        if new:
            fail_line(
                f"{new} file(s) in originals/ were copied in by hand and never fingerprinted: "
                f"record them with evidence add --here --case {root}"
            )
    if not report.ok:
        click.get_current_context().exit(int(ExitCode.SOME_INPUTS_FAILED))
