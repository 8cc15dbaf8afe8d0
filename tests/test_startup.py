"""What a lossless trim loads: it is timed against a bare ffmpeg stream copy (see
benchmarks/bench_video.py), so the modules on its path keep to plain classes and lazy imports.
Each module listed here cost the trim measurable time at start-up (python -X importtime):
dataclasses 1-2 ms a class, logging 5 ms, subprocess/threading/tempfile together ~10 ms,
Pillow, the case model (tomllib, zoneinfo) and the manifest code more. What click itself
loads on this Python (threading; subprocess on 3.10, through uuid; difflib while it parses
options) is not ours."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import SAMPLE_CASE

NOT_ON_THE_TRIM_PATH = (
    "dataclasses", "logging", "subprocess", "threading", "tempfile", "hashlib", "zoneinfo",
    "tomllib", "tomli", "PIL", "reportlab", "exifread",
    "evidence_tools.case.loader", "evidence_tools.case.model", "evidence_tools.case.manifest",
    "evidence_tools.images", "evidence_tools.dossier",
)  # fmt: skip

SCRIPT = """
import json, sys
from evidence_tools.cli import main
sys.argv = ["evidence", "video", "trim", sys.argv[1], "--start", "1", "--end", "3", "-o", sys.argv[2]]
try:
    main()
except SystemExit as exc:
    code = exc.code
print("MODULES", json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def test_lossless_trim_loads_only_what_it_uses(tmp_path: Path) -> None:
    out = tmp_path / "cut.mov"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE_CASE / "originals" / "unboxing.mov"), str(out)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("MODULES "))
    report = json.loads(line.removeprefix("MODULES "))
    assert report["code"] == 0 and out.stat().st_size > 0, proc.stderr
    loaded = set(report["modules"])
    assert "evidence_tools.mp4.cutter" in loaded  # the index cutter made it, not ffmpeg
    click_alone = subprocess.run(
        [sys.executable, "-c", "import json, sys, click; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    ours = loaded - set(json.loads(click_alone.stdout))
    assert sorted(m for m in NOT_ON_THE_TRIM_PATH if m in ours) == []
