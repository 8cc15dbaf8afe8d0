from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run

from evidence_tools.cli import COMMANDS


def test_help_is_light_and_lists_verbs() -> None:
    code = (
        "import sys\n"
        "from evidence_tools.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('moviepy', 'reportlab', 'PIL', 'exifread', 'pillow_heif')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert "HEAVY []" in out
    for name in COMMANDS:
        assert name in out


def test_every_verb_has_help_with_examples(runner) -> None:
    for name in COMMANDS:
        result = run(runner, name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.output, name


def test_init_add_verify_end_to_end(runner, tmp_path: Path) -> None:
    case = tmp_path / "c"
    result = run(runner, "init", str(case), "--platform", "temu", "--claim", "wrong_item")
    assert result.exit_code == 0, result.output
    assert (case / "case.toml").is_file() and (case / "originals").is_dir()
    again = run(runner, "init", str(case))
    assert again.exit_code == 4
    assert "--force" in again.stderr

    from PIL import Image

    photo = tmp_path / "a.jpg"
    Image.new("RGB", (40, 30), "gray").save(photo)
    result = run(runner, "add", str(photo), str(tmp_path / "nope.jpg"), "--case", str(case))
    assert result.exit_code == 1
    assert "nope.jpg: file not found" in result.stderr
    assert "Traceback" not in result.output
    assert (case / "originals" / "a.jpg").is_file()

    result = run(runner, "verify", str(case), "--json")
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert report["files"][0]["path"] == "originals/a.jpg"

    target = case / "originals" / "a.jpg"
    target.chmod(0o644)
    target.write_bytes(b"jpeg" * 99 + b"JPEG")
    result = run(runner, "verify", str(case))
    assert result.exit_code == 1
    assert "CHANGED  originals/a.jpg" in result.stdout


def test_case_error_is_one_line_with_exit_2(runner, tmp_path: Path) -> None:
    case = tmp_path / "c"
    run(runner, "init", str(case), "--claim", "damaged")
    toml = case / "case.toml"
    toml.write_text(toml.read_text().replace('claim = "damaged"', 'claim = "smashed"'))
    photo = tmp_path / "a.jpg"
    photo.write_bytes(b"x")
    result = run(runner, "add", str(photo), "--case", str(case))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"evidence: error: {toml}:")
    assert "key 'claim': expected one of" in lines[0]


def test_usage_error_exit_2(runner) -> None:
    result = run(runner, "init")
    assert result.exit_code == 2


def test_add_without_a_case(runner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.jpg").write_bytes(b"x")
    result = run(runner, "add", "x.jpg")
    assert result.exit_code == 2
    assert "evidence init" in result.stderr


def test_console_script_runs(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "evidence_tools", "verify", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("evidence: error: ")
    assert "Traceback" not in proc.stderr
    version = subprocess.run(
        [sys.executable, "-m", "evidence_tools", "--version"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert version.returncode == 0 and "evidence" in version.stdout


def test_init_from_another_case_is_rerunnable(runner, tmp_path: Path) -> None:
    from conftest import SAMPLE_CASE

    target = tmp_path / "demo"
    for _ in range(2):  # the README's quick start runs it with --force every time
        result = run(runner, "init", str(target), "--from", str(SAMPLE_CASE), "--force")
        assert result.exit_code == 0, result.output
    assert (target / "case.toml").read_text() == (SAMPLE_CASE / "case.toml").read_text()
    names = sorted(p.name for p in (target / "originals").iterdir())
    assert names == sorted(p.name for p in (SAMPLE_CASE / "originals").iterdir())
    manifest = json.loads((target / "manifest.json").read_text())
    sample = json.loads((SAMPLE_CASE / "manifest.json").read_text())
    for key, entry in sample["files"].items():
        assert manifest["files"][key]["sha256"] == entry["sha256"]
    same = run(runner, "init", str(SAMPLE_CASE), "--from", str(SAMPLE_CASE), "--force")
    assert same.exit_code == 4


def test_init_asks_in_a_terminal(runner, tmp_path: Path, monkeypatch) -> None:
    from evidence_tools.cli import case_cmds

    monkeypatch.setattr(case_cmds, "_interactive", lambda: True)
    from evidence_tools.cli import cli

    result = runner.invoke(cli, ["init", str(tmp_path / "c")], input="ebay\nwrong_item\n42-42\n")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "c" / "case.toml").read_text()
    assert 'platform = "ebay"' in text and 'claim = "wrong_item"' in text
    assert 'number = "42-42"' in text


def test_meta_recursive(runner, tmp_path: Path) -> None:
    import shutil

    from conftest import SAMPLE_CASE

    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(SAMPLE_CASE / "originals" / "parcel_label.jpg", nested)
    flat = run(runner, "meta", str(tmp_path / "a"), "--json")
    assert flat.exit_code == 2  # nothing directly inside
    deep = run(runner, "meta", str(tmp_path / "a"), "--recursive", "--json")
    assert deep.exit_code == 0
    assert [Path(r["file"]).name for r in json.loads(deep.stdout)] == ["parcel_label.jpg"]


def test_meta_on_a_case_folder_reads_its_originals(runner) -> None:
    from conftest import SAMPLE_CASE

    result = run(runner, "meta", str(SAMPLE_CASE), "--json")
    assert result.exit_code == 0
    names = sorted(Path(r["file"]).name for r in json.loads(result.stdout))
    assert names == sorted(p.name for p in (SAMPLE_CASE / "originals").iterdir())


def test_interactive_init_is_forgiving(tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from evidence_tools.case.loader import load_case
    from evidence_tools.cli import case_cmds, cli

    monkeypatch.setattr(case_cmds, "_interactive", lambda: True)
    runner = CliRunner()
    made = runner.invoke(cli, ["init", str(tmp_path / "c")], input="Ebay\nNot_Received\n77\n")
    assert made.exit_code == 0, made.output
    assert "the parcel never arrived" in made.output  # the claim codes, explained
    case = load_case(tmp_path / "c")
    assert (case.platform, case.claim, case.order.number) == ("ebay", "not_received", "77")
    again = runner.invoke(cli, ["init", str(tmp_path / "c")], input="ebay\n")
    assert again.exit_code == 4 and "Where did you buy it" not in again.output
