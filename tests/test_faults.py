"""Faults a user meets: a full disk, odd case.toml files. Each gives its documented exit code
and one useful line, never an internal error, and leaves nothing half made.

The full disk is a real one: a small tmpfs, mounted where the tests run as root (as CI does),
and skipped elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import SAMPLE_CASE, run

ORIGINALS = sum(p.stat().st_size for p in (SAMPLE_CASE / "originals").iterdir())


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[callable]:
    mounts: list[Path] = []

    def mount(size: int) -> Path:
        if os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("a small disk (tmpfs) needs root")
        point = tmp_path / f"disk{len(mounts)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
            capture_output=True,
        )
        if done.returncode != 0:
            pytest.skip("tmpfs cannot be mounted here")
        mounts.append(point)
        return point

    yield mount
    for point in mounts:
        subprocess.run(["umount", str(point)], check=False)


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.name.endswith(".part"))


def test_init_from_on_a_full_disk_leaves_no_half_case(small_disk, runner) -> None:
    disk = small_disk(ORIGINALS // 2)
    result = run(runner, "init", str(disk / "case"), "--from", str(SAMPLE_CASE))
    assert result.exit_code == 4, result.output
    assert "cannot write: the disk is full" in result.stderr
    assert "internal error" not in result.stderr
    assert not (disk / "case").exists()  # no case.toml listing files that are not there


def test_dossier_and_export_on_a_full_disk(small_disk, runner) -> None:
    disk = small_disk(ORIGINALS + 200_000)
    case = disk / "case"
    assert run(runner, "init", str(case), "--from", str(SAMPLE_CASE)).exit_code == 0
    manifest = fingerprint(case / "manifest.json")
    built = run(runner, "dossier", str(case))
    assert built.exit_code == 4, built.output
    assert built.stderr.count("\n") == 1 and "cannot write" in built.stderr
    assert fingerprint(case / "manifest.json") == manifest  # as it was
    assert sorted(p.name for p in (case / "exports").iterdir()) == []  # nothing half made
    assert leftovers(case) == []
    exported = run(runner, "export", str(case), "--platform", "paypal")
    assert exported.exit_code == 4, exported.output
    assert not (case / "exports" / "upload-paypal").exists()
    assert fingerprint(case / "manifest.json") == manifest
    assert leftovers(case) == []
    assert "internal error" not in built.stderr + exported.stderr
