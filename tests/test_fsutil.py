from __future__ import annotations

import os
from pathlib import Path

import pytest

from evidence_tools.errors import ExitCode, OutputError, OutputExistsError
from evidence_tools.fsutil import atomic_output, sha256_file, write_text_atomic


def test_exception_mid_write_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.jpg"
    with pytest.raises(RuntimeError), atomic_output(out) as tmp:
        tmp.write_bytes(b"half a file")
        raise RuntimeError("boom")
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_success_renames_into_place_with_normal_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    write_text_atomic(out, "hello")
    assert out.read_text() == "hello"
    assert list(tmp_path.iterdir()) == [out]
    assert out.stat().st_mode & 0o044  # readable by others, unlike mkstemp's 0600


def test_existing_output_needs_force(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    out.write_text("old")
    with pytest.raises(OutputExistsError) as info:
        write_text_atomic(out, "new")
    assert info.value.exit_code == ExitCode.OUTPUT
    assert "--force" in info.value.one_line()
    assert out.read_text() == "old"
    write_text_atomic(out, "new", force=True)
    assert out.read_text() == "new"


def test_refuses_to_write_into_originals(tmp_path: Path) -> None:
    (tmp_path / "case.toml").write_text("")
    (tmp_path / "originals").mkdir()
    with pytest.raises(OutputError, match="originals"):
        write_text_atomic(tmp_path / "originals" / "x.txt", "x")


def test_refuses_output_equal_to_input(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("a")
    with (
        pytest.raises(OutputError, match="same file"),
        atomic_output(src, force=True, sources=[src]),
    ):
        pass
    assert src.read_text() == "a"


def test_missing_output_folder(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_text_atomic(tmp_path / "nope" / "x.txt", "x")


def test_unwritable_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:  # root writes anywhere a mode forbids, but not into /proc (CI is root)
        folder = Path("/proc")
        if not (folder / "self").is_dir():
            pytest.skip("running as root without /proc")
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
    with pytest.raises(OutputError, match="cannot write here") as info:
        write_text_atomic(folder / "x.txt", "x")
    assert info.value.exit_code == 4
    assert not (folder / "x.txt").exists()


def test_sha256(tmp_path: Path) -> None:
    p = tmp_path / "x"
    p.write_bytes(b"abc")
    assert sha256_file(p) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
