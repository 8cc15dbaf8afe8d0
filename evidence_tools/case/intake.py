"""Creating a case folder and bringing originals into it.

Originals are copied, never moved, hashed while they are copied, and recorded in the
manifest and in case.toml.
"""

from __future__ import annotations

import contextlib
import hashlib
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from evidence_tools.case.layout import CASE_FILE, EXPORTS, ORIGINALS
from evidence_tools.case.loader import load_case
from evidence_tools.case.manifest import MANIFEST, Manifest, load_manifest
from evidence_tools.case.template import evidence_block, render_template
from evidence_tools.case.triage import refuse_damaged, triage
from evidence_tools.errors import (
    CaseError,
    EvidenceError,
    InputFileError,
    OutputError,
    OutputExistsError,
)
from evidence_tools.fsutil import (
    CHUNK,
    WRITE_FAULTS,
    all_or_nothing,
    atomic_output,
    sha256_file,
    write_fault,
    write_text_atomic,
)
from evidence_tools.i18n import Text, _
from evidence_tools.progress import Progress, Step


def init_case(
    folder: str | Path,
    *,
    platform: str = "",
    claim: str = "",
    resolution: str = "",
    order: str = "",
    timezone: str = "",
    force: bool = False,
    from_case: str | Path | None = None,
) -> Path:
    """Create ``folder`` with case.toml, originals/ and exports/. Returns case.toml's path.

    ``from_case`` starts from another case folder instead of the template: its case.toml is
    copied and its originals are added (copied and hashed), e.g. to try the sample case.
    """
    root = Path(folder)
    if root.exists() and not root.is_dir():
        raise OutputError(Text("exists and is not a folder"), path=root)
    toml_path = root / CASE_FILE
    if from_case is not None:
        source = load_case(from_case)  # validates it
        if source.root.resolve() == root.resolve():
            raise OutputError(Text("a case cannot start from itself"), path=root)
        text = source.toml_path.read_text(encoding="utf-8")
    else:
        text = render_template(
            platform=platform, claim=claim, resolution=resolution, number=order, timezone=timezone
        )
    if toml_path.exists() and not force:
        raise OutputExistsError(toml_path)
    # all or nothing: a case that could not be made whole (a full disk) is not left half made
    with all_or_nothing(root, toml_path, root / MANIFEST):
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / ORIGINALS).mkdir(exist_ok=True)
            (root / EXPORTS).mkdir(exist_ok=True)
        except OSError as exc:
            raise OutputError(
                Text("cannot create the folder: {reason}", reason=exc.strerror), path=root
            ) from exc
        write_text_atomic(toml_path, text, force=force)
        if from_case is not None:
            originals = Path(from_case) / ORIGINALS
            files = sorted(
                p for p in originals.iterdir() if p.is_file() and not p.name.startswith(".")
            )
            for result in add_files(root, files):
                if result.error is not None:
                    raise result.error
    return toml_path


@dataclass
class AddResult:
    source: Path
    stored: Path | None = None
    sha256: str = ""
    status: str = "added"  # added | already | failed
    error: EvidenceError | None = None
    note: str = ""


def _copy_hashing(src: Path, dest: Path, progress: Step | None) -> str:
    """Copy ``src`` to a new file ``dest`` atomically and return the SHA-256 of what was copied."""
    digest = hashlib.sha256()
    with atomic_output(dest, new_original=True, mode=0o444) as tmp:
        try:
            with open(src, "rb") as fin, open(tmp, "wb") as fout:
                while True:
                    block = fin.read(CHUNK)
                    if not block:
                        break
                    digest.update(block)
                    fout.write(block)
                    if progress is not None:
                        progress.advance(len(block))
        except OSError as exc:
            if exc.filename and Path(exc.filename) == src:
                raise InputFileError(
                    Text("cannot read: {reason}", reason=exc.strerror), path=src
                ) from exc
            if exc.errno in WRITE_FAULTS:
                raise write_fault(exc, dest) from exc
            raise OutputError(
                Text("cannot write: {reason}", reason=exc.strerror), path=dest
            ) from exc
        with contextlib.suppress(OSError):
            shutil.copystat(src, tmp)  # keep the file's own dates with the copy
    return digest.hexdigest()


def expand_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder stands for the files directly inside it (not hidden ones)."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            out.extend(sorted(c for c in p.iterdir() if c.is_file() and not c.name.startswith(".")))
        else:
            out.append(p)
    return out


def unrecorded_originals(case_dir: str | Path) -> list[Path]:
    """Files in originals/ that the manifest does not know (copied in by hand), for
    ``evidence add --here`` to fingerprint where they are."""
    root = Path(case_dir)
    known = set(load_manifest(root).files)
    folder = root / ORIGINALS
    if not folder.is_dir():
        return []
    return [p for p in expand_inputs([folder]) if f"{ORIGINALS}/{p.name}" not in known]


def add_files(
    case_dir: str | Path,
    files: Iterable[str | Path],
    *,
    progress: Progress | None = None,
) -> list[AddResult]:
    """Copy ``files`` into the case; one result per file, failures included.

    A file already in the case with the same content is reported, not copied again; a
    different file with the same name is refused (rename it first), never overwritten.
    """
    root = Path(case_dir)
    case = load_case(root)  # validates before anything is copied
    originals = case.originals
    originals.mkdir(exist_ok=True)
    manifest = load_manifest(root)
    listed = {e.file for e in case.evidence}
    results: list[AddResult] = []
    new_entries: list[str] = []
    steps = (progress or Progress.none()).files(
        expand_inputs(files), lambda p: _("Copying {name}", name=p.name)
    )
    for src, step in steps:
        result = AddResult(source=src)
        results.append(result)
        try:
            if not src.exists():
                raise InputFileError(Text("file not found"), path=src, hint=Text("check the name"))
            if not src.is_file():
                raise InputFileError(Text("not a regular file"), path=src)
            inside = src.resolve().parent == originals.resolve()
            name, result.note = (src.name, "") if inside else triage(src, root)
            dest = src if inside else originals / name
            if inside:
                result.sha256 = sha256_file(src, step)
            elif dest.exists():
                existing = manifest.files.get(f"{ORIGINALS}/{dest.name}", {}).get(
                    "sha256"
                ) or sha256_file(dest)
                incoming = sha256_file(src, step)
                if existing != incoming:
                    raise OutputError(
                        Text(
                            "a different file named {name} is already in the case",
                            name=dest.name,
                        ),
                        path=src,
                        hint=Text("rename your file and add it again"),
                    )
                result.sha256 = incoming
                result.status = "already"
            else:
                twin = _same_content(manifest, src, step)
                if twin is not None:
                    # the same photo under another name (added twice, from two folders)
                    result.sha256 = manifest.files[twin]["sha256"]
                    result.stored = root / twin
                    result.status = "already"
                    result.note = _("same content as {file}", file=twin)
                    continue
                result.sha256 = _copy_hashing(src, dest, step)
                try:
                    refuse_damaged(src, dest)
                except EvidenceError:
                    dest.unlink()
                    raise
            result.stored = dest
            key = f"{ORIGINALS}/{dest.name}"
            if key not in manifest.files:
                manifest.record_original(dest, result.sha256, added_from=src.name)
            elif result.status == "added" and inside:
                result.status = "already"
            if key not in listed:
                listed.add(key)
                entry: dict[str, object] = {"file": key, "caption": ""}
                new_entries.append(evidence_block(entry))
        except EvidenceError as exc:
            result.status = "failed"
            result.error = exc
    manifest.save()
    if new_entries:
        _append_to_case(root, new_entries)
    return results


def _same_content(manifest: Manifest, src: Path, progress: Step | None) -> str | None:
    """The original already in the case with ``src``'s content, if any.

    Only a file of the same size can be the same, so nothing is read twice otherwise.
    """
    size = src.stat().st_size
    if not any(
        e.get("role") == "original" and e.get("size") == size for e in manifest.files.values()
    ):
        return None
    return manifest.entry_for_hash(sha256_file(src, progress))


def _append_to_case(root: Path, blocks: list[str]) -> None:
    path = root / CASE_FILE
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    new_text = text + "".join(blocks)
    write_text_atomic(path, new_text, force=True)
    try:
        load_case(root)
    except CaseError:  # pragma: no cover - our own writer produced bad TOML
        write_text_atomic(path, text, force=True)
        raise
