"""The case manifest: a SHA-256 for every original, and the lineage of every derived file.

``manifest.json`` lives beside case.toml. Operation names follow C2PA's action vocabulary
(``trimmed``, ``transcoded``, ``drawing``, ``redacted``, ``placed``) so a reader who knows
content credentials recognises them.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools import __version__
from evidence_tools.case.layout import EXPORTS, ORIGINALS, find_case_root
from evidence_tools.errors import CaseError
from evidence_tools.fsutil import sha256_file, write_text_atomic
from evidence_tools.i18n import Text, _
from evidence_tools.progress import Progress

MANIFEST = "manifest.json"
FORMAT = "evidence-tools manifest"
OPERATIONS = (
    "created",  # an original entered the case
    "trimmed",
    "transcoded",
    "drawing",
    "redacted",
    "placed",
    "cropped",
    "resized",
    "edited.metadata",
)


def now_utc() -> str:
    return (
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def base_tools() -> dict[str, str]:
    return {"evidence-tools": __version__, "python": sys.version.split()[0]}


@dataclass
class Manifest:
    root: Path
    files: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return self.root / MANIFEST

    def rel(self, path: str | Path) -> str:
        """The manifest key of ``path``: relative to the case, with forward slashes."""
        p = Path(path)
        if not p.is_absolute():
            p = Path.cwd() / p
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError as exc:
            raise CaseError(
                Text("file is outside the case folder"),
                path=path,
                hint=Text("case folder: {folder}", folder=str(self.root)),
            ) from exc

    def originals(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.files.items() if v.get("role") == "original"}

    def derived(self) -> dict[str, dict[str, Any]]:
        return {k: v for k, v in self.files.items() if v.get("role") == "derived"}

    def entry_for_hash(self, sha256: str) -> str | None:
        for key, entry in self.files.items():
            if entry.get("sha256") == sha256 and entry.get("role") == "original":
                return key
        return None

    def record_original(
        self, path: str | Path, sha256: str, *, added_from: str = ""
    ) -> dict[str, Any]:
        key = self.rel(path)
        entry = {
            "role": "original",
            "sha256": sha256,
            "size": Path(path).stat().st_size,
            "added": now_utc(),
            "operation": "created",
        }
        if added_from:
            entry["added_from"] = added_from
        self.files[key] = entry
        return entry

    def record_derived(
        self,
        path: str | Path,
        *,
        sources: Iterable[str | Path],
        operation: str,
        parameters: Mapping[str, Any],
        tools: Mapping[str, str] | None = None,
        sha256: str | None = None,
    ) -> dict[str, Any]:
        if operation not in OPERATIONS:
            raise ValueError(f"unknown operation {operation!r}")
        key = self.rel(path)
        source_list = []
        for src in sources:
            try:
                src_key = self.rel(src)
            except CaseError:  # made from a file outside the case: name it, not where it is
                src_key = f"(outside the case) {Path(src).name}"
            known = self.files.get(src_key)
            source_list.append(
                {
                    "path": src_key,
                    "sha256": known["sha256"] if known else sha256_file(src),
                }
            )
        entry = {
            "role": "derived",
            "sha256": sha256 or sha256_file(path),
            "size": Path(path).stat().st_size,
            "created": now_utc(),
            "operation": operation,
            "parameters": dict(parameters),
            "sources": source_list,
            "tools": {**base_tools(), **(tools or {})},
        }
        self.files[key] = entry
        return entry

    def save(self) -> Path:
        payload = {"format": FORMAT, "version": 1, "files": dict(sorted(self.files.items()))}
        text = json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
        return write_text_atomic(self.path, text, force=True)


def load_manifest(root: str | Path) -> Manifest:
    """The case's manifest, or an empty one when the case has none yet."""
    folder = Path(root)
    path = folder / MANIFEST
    if not path.exists():
        return Manifest(root=folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise CaseError(
            Text("manifest is damaged: {reason}", reason=str(exc)),
            path=path,
            hint=Text("restore it from a backup"),
        ) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CaseError(Text("not an evidence-tools manifest"), path=path)
    files = data.get("files", {})
    if not isinstance(files, dict):
        raise CaseError(Text("manifest 'files' must be an object"), path=path)
    return Manifest(root=folder, files=files)


def record_output(
    output: str | Path,
    *,
    sources: Iterable[str | Path],
    operation: str,
    parameters: Mapping[str, Any],
    tools: Mapping[str, str] | Callable[[], Mapping[str, str]] | None = None,
) -> Path | None:
    """Record ``output`` in the manifest of the case that holds it, if any.

    Verbs work on plain files too; outside a case there is no manifest to write. ``tools``
    may be a function, so that asking a tool for its version is only paid inside a case.
    """
    root = find_case_root(Path(output).parent)
    if root is None:
        return None
    manifest = load_manifest(root)
    if callable(tools):
        tools = tools()
    manifest.record_derived(
        output, sources=list(sources), operation=operation, parameters=parameters, tools=tools
    )
    manifest.save()
    return root


# --------------------------------------------------------------------------- verify


@dataclass
class FileCheck:
    path: str
    role: str
    status: str  # ok | changed | missing | unknown
    expected: str | None = None
    actual: str | None = None


@dataclass
class VerifyReport:
    root: Path
    checks: list[FileCheck] = field(default_factory=list)

    def by_status(self, status: str) -> list[FileCheck]:
        return [c for c in self.checks if c.status == status]

    @property
    def unfingerprinted(self) -> list[FileCheck]:
        """Files in originals/ that the manifest does not know: copied in by hand, so nothing
        can show they are what the phone saved."""
        return [c for c in self.by_status("unknown") if c.role == "original"]

    @property
    def ok(self) -> bool:
        return not (self.by_status("changed") or self.by_status("missing") or self.unfingerprinted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": str(self.root),
            "ok": self.ok,
            "files": [c.__dict__ for c in self.checks],
        }


def _tracked_folders(root: Path) -> list[Path]:
    return [root / ORIGINALS, root / EXPORTS]


def verify_case(root: str | Path, progress: Progress | None = None) -> VerifyReport:
    """Re-hash every file the manifest knows; list changed, missing and unknown files."""
    folder = Path(root)
    if not (folder / "case.toml").is_file() and not (folder / MANIFEST).is_file():
        raise CaseError(
            Text("not a case folder (no case.toml)"),
            path=folder,
            hint=Text("give the case folder"),
        )
    manifest = load_manifest(folder)
    report = VerifyReport(root=folder)
    entries = dict(sorted(manifest.files.items()))
    steps = (progress or Progress.none()).files(
        [folder / key for key in entries],
        lambda p: _("Checking {name}", name=p.name),
    )
    for (path, step), (key, entry) in zip(steps, entries.items(), strict=True):
        role = str(entry.get("role", "?"))
        expected = entry.get("sha256")
        if not path.is_file():
            report.checks.append(FileCheck(key, role, "missing", expected))
            continue
        actual = sha256_file(path, step)
        status = "ok" if actual == expected else "changed"
        report.checks.append(FileCheck(key, role, status, expected, actual))
    known = set(manifest.files)
    for tracked in _tracked_folders(folder):
        if not tracked.is_dir():
            continue
        for path in sorted(tracked.rglob("*")):
            if not path.is_file() or path.name.startswith("."):
                continue
            key = path.relative_to(folder).as_posix()
            if key not in known:
                role = "original" if tracked.name == ORIGINALS else "unknown"
                report.checks.append(FileCheck(key, role, "unknown"))
    return report
