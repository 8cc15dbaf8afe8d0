"""``evidence check`` runs the validation ``evidence dossier`` runs: whatever the dossier would
refuse, check reports first, in the same words and at the same case.toml line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run
from PIL import Image

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.ffmpeg.runner import run_ffmpeg


@pytest.fixture
def case(tmp_path: Path) -> Path:
    """A case with a 600x400 photo and a 4 s video, both taken after the order."""
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="77", timezone="Europe/Berlin")
    staging = tmp_path / "in"
    staging.mkdir()
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = "2026:11:20 18:00:00"
    Image.new("RGB", (600, 400), "gray").save(staging / "crack.jpg", exif=exif.tobytes())
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=4", "-c:v", "libx264",
         "-preset", "ultrafast", "-y", str(staging / "box.mp4")],
        outputs=[staging / "box.mp4"],
    )  # fmt: skip
    add_files(root, [staging / "crack.jpg", staging / "box.mp4"])
    return root


def set_key(root: Path, file: str, line: str) -> int:
    """Add ``line`` to the [[evidence]] of ``file``; return its line number."""
    toml = root / "case.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    at = lines.index(f'file = "originals/{file}"') + 1
    lines.insert(at, line)
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return at + 1


def dossier_error(runner, root: Path) -> tuple[int, str]:
    result = run(runner, "dossier", str(root))
    return result.exit_code, result.stderr.strip()


@pytest.mark.parametrize(
    ("file", "line", "words"),
    [
        ("crack.jpg", 'annotate = [{ box = ["500px", "10px", "200px", "50px"] }]',
         "reaches past the picture's edge"),
        ("box.mp4", 'trim = ["0:09", "0:12"]', "is past the end of the video"),
        ("box.mp4", "stamp = true", "the video has no capture time to burn in"),
    ],
)  # fmt: skip
def test_what_only_the_files_refute(runner, case: Path, file: str, line: str, words: str) -> None:
    number = set_key(case, file, line)
    checked = run(runner, "check", str(case))
    assert checked.exit_code == 1
    # check's line: "ERROR   case.toml:N: MESSAGE → FIX"
    found = re.search(
        rf"^ERROR +case\.toml:{number}: (.+?)(?: \u2192 (.+))?$", checked.stdout, re.M
    )
    assert found, checked.stdout
    message, fix = found.groups()
    assert words in message
    # the dossier runs the same check, prints the same line and stops (exit 1) ...
    code, refused = dossier_error(runner, case)
    assert code == 1 and found.group(0) in refused.splitlines()
    # ... and built despite the errors, it refuses the same thing in the same words
    forced = run(runner, "dossier", str(case), "--despite-errors")
    tail = f" ({fix})" if fix else ""
    assert forced.exit_code == 2
    assert (
        forced.stderr.strip() == f"evidence: error: {case / 'case.toml'}:{number}: {message}{tail}"
    )
    assert not list((case / "exports").glob("*.pdf"))  # nothing half-made


@pytest.mark.parametrize(
    ("file", "line", "words"),
    [
        ("crack.jpg", "annotate = [{ box = [0.5, 0.5, -0.1, 0.2] }]", "is outside 0-1"),
        ("crack.jpg", "annotate = [{ box = [0.9, 0.1, 0.3, 0.2] }]", "past the picture's edge"),
        ("crack.jpg", "annotate = [{ magnify = [0.1, 0.1, 0.5, 0.5] }]", "too large to enlarge"),
        ("crack.jpg", 'annotate = [{ box = [0.1, 0.1, 0.2, 0.2], color = "nope" }]',
         "unknown colour"),
        ("box.mp4", 'start_time = "yesterday"', "is not a date-time"),
        ("box.mp4", "redact = [[0.8, 0.1, 0.3, 0.1]]", "stay inside the picture"),
    ],
)  # fmt: skip
def test_what_the_text_refutes(runner, case: Path, file: str, line: str, words: str) -> None:
    number = set_key(case, file, line)
    checked = run(runner, "check", str(case))
    code, refused = dossier_error(runner, case)
    assert checked.exit_code == code == 2
    assert checked.stderr.strip() == refused
    assert f"case.toml:{number}:" in refused and words in refused


def test_a_file_outside_the_case(runner, case: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.jpg").write_bytes((case / "originals" / "crack.jpg").read_bytes())
    toml = case / "case.toml"
    toml.write_text(toml.read_text() + '\n[[evidence]]\nfile = "../elsewhere.jpg"\n')
    checked = run(runner, "check", str(case))
    code, refused = dossier_error(runner, case)
    assert checked.exit_code == code == 2
    assert checked.stderr.strip() == refused
    assert "'../elsewhere.jpg' is outside the case folder" in refused


def test_a_cut_off_photo(runner, case: Path, tmp_path: Path) -> None:
    """A transfer that stopped half way: check reports it as an error; the dossier refuses it,
    or with --skip-broken leaves it out and says so."""
    whole = tmp_path / "in" / "whole.jpg"
    Image.effect_noise((800, 600), 50).convert("RGB").save(whole, quality=90)
    cut = tmp_path / "in" / "cut.jpg"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    (refused,) = add_files(case, [cut])  # add refuses it, naming the file ...
    assert refused.status == "failed" and "cut.jpg: the picture is cut off" in str(refused.error)
    placed = case / "originals" / "cut.jpg"  # ... but one may be put there by hand
    placed.write_bytes(cut.read_bytes())
    add_files(case, [placed])
    checked = run(runner, "check", str(case))
    assert checked.exit_code == 1
    assert re.search(r"^ERROR +originals/cut\.jpg: the picture is cut off", checked.stdout, re.M)
    code, refused = dossier_error(runner, case)
    assert code == 1 and "originals/cut.jpg: the picture is cut off" in refused
    forced = run(runner, "dossier", str(case), "--despite-errors")
    assert forced.exit_code == 3 and "exhibit 3: the picture is cut off" in forced.stderr
    skipped = run(runner, "dossier", str(case), "--skip-broken")
    assert skipped.exit_code == 0, skipped.output
    assert "exhibit 3 was left out" in skipped.stderr
