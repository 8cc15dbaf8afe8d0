"""ruff and mypy, as configured in pyproject.toml, run with the tests."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.parametrize(
    "cmd",
    [["ruff", "check", "."], ["mypy"]],
    ids=["ruff", "mypy"],
)
def test_tool_is_clean(cmd: list[str]) -> None:
    if shutil.which(cmd[0]) is None and not (ROOT / ".venv" / "bin" / cmd[0]).exists():
        pytest.skip(f"{cmd[0]} not installed")
    exe = (
        [sys.executable, "-m", cmd[0]]
        if cmd[0] == "mypy"
        else [shutil.which("ruff") or str(ROOT / ".venv/bin/ruff")]
    )
    proc = subprocess.run(exe + cmd[1:], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
