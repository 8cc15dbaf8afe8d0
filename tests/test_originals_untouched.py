"""No verb may change a file under originals/: hash them all, run every verb, hash again."""

from __future__ import annotations

from pathlib import Path

from conftest import run

from evidence_tools.cli import COMMANDS
from evidence_tools.fsutil import sha256_file


def snapshot(case: Path) -> dict[str, tuple[str, int, float]]:
    out = {}
    for p in sorted((case / "originals").iterdir()):
        st = p.stat()
        out[p.name] = (sha256_file(p), st.st_mode, st.st_mtime)
    return out


def invocations(case: Path, tmp: Path) -> dict[str, list[list[str]]]:
    originals = case / "originals"
    return {
        "init": [
            ["init", str(case), "--force"],
            ["init", str(tmp / "new-case")],
            ["init", str(tmp / "from-case"), "--from", str(case)],
        ],
        "add": [
            ["add", str(originals), "--case", str(case)],
            ["add", str(originals / "parcel_label.jpg"), "--case", str(case)],
        ],
        "verify": [["verify", str(case)]],
        "photo": [
            ["photo", "annotate", str(originals / "crack_closeup.jpg"), "--box", "0.1,0.1,0.2,0.2"],
            ["photo", "grid", str(originals / "case_back.heic")],
            [
                "photo",
                "annotate",
                str(originals / "parcel_label.jpg"),
                "--redact",
                "0.1,0.1,0.2,0.2",
                "-o",
                str(originals / "parcel_label.jpg"),
                "--force",
            ],
        ],
        "video": [
            ["video", "trim", str(originals / "unboxing.mov"), "--start", "1", "--end", "4"],
            ["video", "stamp", str(originals / "unboxing.mov"), "--end", "2"],
            ["video", "frames", str(originals / "unboxing.mov"), "--at", "1", "--caption"],
            ["video", "frames", str(originals / "unboxing.mov"), "--sheet", "2x2"],
            ["video", "fit", str(originals / "unboxing.mov"), "--max-mb", "1"],
            [
                "video",
                "trim",
                str(originals / "unboxing.mov"),
                "--end",
                "2",
                "-o",
                str(originals / "unboxing.mov"),
                "--force",
            ],
        ],
        "dossier": [["dossier", str(case)], ["dossier", str(case), "--max-mb", "0.1"]],
        "check": [["check", str(case)], ["check", str(case), "--json"]],
        "export": [
            ["export", str(case), "--platform", "paypal"],
            ["export", str(case), "--platform", "aliexpress"],
        ],
        "meta": [["meta", str(originals), "--json"], ["meta", str(originals), "--csv"]],
    }


def test_every_verb_leaves_originals_alone(sample_case: Path, runner, tmp_path: Path) -> None:
    before = snapshot(sample_case)
    calls = invocations(sample_case, tmp_path)
    # mark serves a page until Ctrl-C: test_mark saves through it and compares the originals
    served = {"mark"}
    assert set(calls) | served >= set(COMMANDS), (
        f"add the new verbs here: {set(COMMANDS) - set(calls)}"
    )
    for name, runs in calls.items():
        for args in runs:
            run(runner, *args)
            assert snapshot(sample_case) == before, f"{name} changed an original: {args}"
