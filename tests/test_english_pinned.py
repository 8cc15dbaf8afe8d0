"""The English the toolkit writes, pinned word for word before its sentences moved into
gettext catalogues: the statement and the dispute message for every claim and several
defects, each platform's message, check's report, UPLOAD.txt and a few errors.

The expected texts are in tests/pinned/. After a deliberate change of wording, rewrite them
with ``EVIDENCE_PIN_UPDATE=1 pytest tests/test_english_pinned.py`` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from conftest import copy_sample, run

from evidence_tools.case.loader import load_case
from evidence_tools.check import check_case
from evidence_tools.dossier.message import Attached, message
from evidence_tools.dossier.text import ExhibitFacts, statement
from evidence_tools.export import ExportResult, Upload, upload_text
from evidence_tools.findings import lines
from evidence_tools.platforms import PLATFORMS, platform

PINNED = Path(__file__).parent / "pinned"
TODAY = dt.date(2026, 11, 26)
UPDATE = os.environ.get("EVIDENCE_PIN_UPDATE") == "1"

CLAIMS = {
    "damaged": ("full_refund", [("photo", ["cracked"]), ("photo", ["broken_part", "scratched"])]),
    "not_received": ("full_refund", []),
    "not_as_described": (
        "partial_refund",
        [("photo", ["wrong_colour", "wrong_size"]), ("photo", ["wrong_size"])],
    ),
    "wrong_item": ("return_and_refund", [("photo", ["wrong_model"])]),
    "missing_parts": ("replacement", [("photo", ["missing_parts"]), ("photo", [])]),
    "counterfeit": ("full_refund", [("photo", ["counterfeit_logo", "used"])]),
}


def pin(name: str, text: str) -> None:
    path = PINNED / name
    if UPDATE:
        PINNED.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with EVIDENCE_PIN_UPDATE=1"
    assert text == path.read_text(encoding="utf-8")


def _case(tmp_path: Path, claim: str) -> tuple[object, list[ExhibitFacts]]:
    root = copy_sample(tmp_path / claim)
    toml = root / "case.toml"
    resolution, exhibits = CLAIMS[claim]
    text = toml.read_text(encoding="utf-8")
    text = text.replace('claim = "damaged"', f'claim = "{claim}"')
    text = text.replace('resolution = "full_refund"', f'resolution = "{resolution}"')
    toml.write_text(text, encoding="utf-8")
    case = load_case(root)
    video = ExhibitFacts(
        1,
        "video",
        "Unboxing of the sealed parcel",
        (),
        dt.datetime(2026, 11, 21, 18, 38, tzinfo=dt.timezone(dt.timedelta(hours=3))),
        "+03:00",
        continuous=True,
        shown=(1.0, 9.0),
        length=12.0,
    )
    facts = [video] + [
        ExhibitFacts(n, kind, f"Photo {n}", defects)
        for n, (kind, defects) in enumerate(exhibits, start=2)
    ]
    return case, facts


@pytest.mark.parametrize("claim", sorted(CLAIMS))
def test_statement_and_messages_for_every_claim(tmp_path: Path, claim: str) -> None:
    case, facts = _case(tmp_path, claim)
    said = statement(case, facts)
    out = ["# statement", *said.paragraphs, "# warnings", *said.warnings, "# messages"]
    for key in sorted(PLATFORMS):
        plat = platform(key)
        out.append(f"## {key}")
        out.append(message(case, facts, limit=plat.message_limit, platform_name=plat.name))
    out.append("## stills only, no PDF, at 300 characters")
    stills = Attached(stills=[1], photos=[f.number for f in facts if f.kind == "photo"])
    out.append(message(case, facts, stills, limit=300, platform_name="Example"))
    pin(f"statement-{claim}.txt", "\n".join(out) + "\n")


def test_check_report_of_the_sample(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "case")
    report = check_case(root, today=TODAY)
    text = "\n".join(lines(report.findings)).replace(str(root), "CASE")
    codes = "\n".join(f"{f.severity} {f.code} {f.subject}" for f in report.findings)
    pin("check-sample.txt", text + "\n# codes\n" + codes + "\n")


def test_check_report_of_an_incomplete_case(tmp_path: Path, runner) -> None:
    root = tmp_path / "case"
    shutil.copytree(copy_sample(tmp_path / "sample") / "originals", tmp_path / "in")
    run(runner, "init", str(root), "--platform", "ebay", "--claim", "not_received")
    run(runner, "add", str(tmp_path / "in"), "--case", str(root))
    report = check_case(root, today=TODAY)
    text = "\n".join(lines(report.findings)).replace(str(root), "CASE")
    pin("check-incomplete.txt", text + "\n")


def test_upload_text(tmp_path: Path) -> None:
    result = ExportResult(folder=tmp_path, platform=platform("ebay"), message_chars=612)
    result.uploads = [
        Upload(tmp_path / "dossier.pdf", "The evidence dossier (PDF)", 2_345_678),
        Upload(tmp_path / "01-unboxing.mp4", "Exhibit 1: the unboxing video", 9_876_543),
        Upload(tmp_path / "02-crack.jpg", "Exhibit 2: photo", 456_789),
    ]
    out = [upload_text(result, "8123456789012345")]
    result = ExportResult(folder=tmp_path, platform=platform("temu"), message_chars=100)
    result.uploads = [Upload(tmp_path / "02-crack.jpg", "Exhibit 2: photo", 456_789)]
    result.aside = [tmp_path / "dossier.pdf"]
    out.append(upload_text(result, ""))
    pin("upload.txt", "\n".join(out))


def test_errors(tmp_path: Path, runner) -> None:
    root = copy_sample(tmp_path / "case")
    toml = root / "case.toml"
    original = toml.read_text(encoding="utf-8")
    out = []
    for old, new in [
        ('claim = "damaged"', 'claim = "broken"'),
        ("placed = 2026-10-02", "placed = 2026-02-30"),
        ('platform = "aliexpress"', "platform = aliexpress"),
        ('caption = "Crack along the left edge & corner"', "caption = 5"),
    ]:
        toml.write_text(original.replace(old, new), encoding="utf-8")
        result = run(runner, "check", str(root))
        out.append(f"{result.exit_code} {result.stderr.strip()}".replace(str(root), "CASE"))
    toml.write_text(original, encoding="utf-8")
    result = run(runner, "video", "trim", str(root / "originals" / "unboxing.mov"),
                 "--start", "0:30")  # fmt: skip
    out.append(f"{result.exit_code} {result.stderr.strip()}".replace(str(root), "CASE"))
    result = run(runner, "meta", str(tmp_path / "nothing.jpg"))
    out.append(f"{result.exit_code} {result.output.strip()}".replace(str(tmp_path), "TMP"))
    pin("errors.txt", "\n".join(out) + "\n")
