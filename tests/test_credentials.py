"""Content Credentials (C2PA) on originals: read, validated against the bundled trust list,
reported in meta, check and the dossier (skipped without ../shared/corpus/c2pa)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.check import check_case
from evidence_tools.metadata.read import read_capture

# the corpus README: c2pa-python's own validation state of each file
EXPECTED = {
    "adobe-20220124-A.jpg": None,
    "adobe-20220124-C.jpg": ("valid", []),
    "adobe-20220124-CAI.jpg": ("valid", []),
    "adobe-20220124-E-dat-CA.jpg": ("invalid", ["the picture was changed after it was signed"]),
    "adobe-20220124-E-sig-CA.jpg": ("invalid", ["the signature does not verify"]),
    "truepic-20230212-camera.jpg": ("invalid", ["the picture was changed after it was signed"]),
    "signed_video1.mp4": ("valid", []),
}


@pytest.fixture
def c2pa_dir(corpus: Path) -> Path:
    folder = corpus / "c2pa"
    if not folder.is_dir():
        pytest.skip("no c2pa folder in the corpus")
    return folder


def test_meta_agrees_with_c2pa_and_says_why(c2pa_dir: Path) -> None:
    import c2pa

    proc = subprocess.run([sys.executable, "-m", "evidence_tools", "meta", "--json",
                           *(str(c2pa_dir / n) for n in EXPECTED)],
                          capture_output=True, text=True)  # fmt: skip
    assert proc.stderr == ""
    rows = {Path(r["file"]).name: r for r in json.loads(proc.stdout)}
    for name, expected in EXPECTED.items():
        creds = rows[name]["content_credentials"]
        if expected is None:
            assert creds is None
            continue
        with c2pa.Reader(c2pa_dir / name) as reader:  # c2pa's own word, no trust list loaded
            own = reader.get_validation_state().lower()
        state, reasons = expected
        assert creds["state"] == own == state, name
        assert "the signer is not on the C2PA trust list" in creds["problems"]  # a test cert
        for reason in reasons:
            assert reason in creds["problems"], (name, creds["problems"])
        assert creds["signer"] and creds["claim_generator"]


def test_check_raises_a_tampered_credential_and_the_dossier_shows_a_valid_one(
    c2pa_dir: Path, tmp_path: Path, runner
) -> None:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="9", timezone="UTC")
    staging = tmp_path / "in"
    staging.mkdir()
    for name in ("adobe-20220124-C.jpg", "adobe-20220124-E-dat-CA.jpg"):
        shutil.copy(c2pa_dir / name, staging / name)
    add_files(root, sorted(staging.iterdir()))
    report = check_case(root)
    errors = [(f.subject, f.message) for f in report.errors]
    assert (
        "originals/adobe-20220124-E-dat-CA.jpg",
        "its Content Credentials show it was changed after it was signed",
    ) in errors
    assert not any("adobe-20220124-C.jpg" in s for s, _ in errors)
    # built despite that error, the valid credential shows on its exhibit page
    built = run(runner, "dossier", str(root), "--despite-errors")
    assert built.exit_code == 0, built.output
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(root / "exports" / "dossier.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout  # fmt: skip
        flat = " ".join(text.split())
        assert "Content Credentials (C2PA) of the original: valid; signed by C2PA Signer" in flat
        assert "do not show that what the picture shows is true" in flat


def test_a_file_without_a_marker_is_not_opened_by_c2pa(tmp_path: Path, monkeypatch) -> None:
    """Most photos carry no credentials: they cost a look at their headers, not a C2PA read."""
    from PIL import Image

    from evidence_tools.metadata import credentials

    photo = tmp_path / "plain.jpg"
    Image.new("RGB", (32, 32)).save(photo)
    monkeypatch.setattr(credentials, "_context", lambda: pytest.fail("c2pa was opened"))
    assert read_capture(photo).content_credentials is None


def sign(src: Path, dest: Path, signing: Path) -> None:
    """Sign ``src`` into ``dest`` with the corpus's test key (an ES256 test chain)."""
    import c2pa

    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(
        c2pa.C2paSigningAlg.ES256, (signing / "es256_certs.pem").read_bytes(),
        (signing / "es256_private.key").read_bytes(), None,
    ))  # fmt: skip
    manifest = {
        "claim_generator_info": [{"name": "evidence-tools tests", "version": "1"}],
        "title": src.name,
        "assertions": [{"label": "c2pa.actions", "data": {"actions": [{
            "action": "c2pa.created",
            "digitalSourceType": "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture",
        }]}}],
    }  # fmt: skip
    with open(src, "rb") as fin, open(dest, "w+b") as fout:
        c2pa.Builder(manifest).sign(signer, "image/jpeg", fin, fout)


def test_own_signed_fixture_then_tampered_and_derived(c2pa_dir: Path, tmp_path: Path) -> None:
    from PIL import Image

    from evidence_tools.photo.annotate import annotate_photo
    from evidence_tools.shapes import shape_from_arg

    plain = tmp_path / "plain.jpg"
    Image.effect_noise((320, 240), 40).convert("RGB").save(plain, quality=90)
    signed = tmp_path / "signed.jpg"
    sign(plain, signed, c2pa_dir / "signing")
    creds = read_capture(signed).content_credentials
    assert (
        creds and creds["state"] == "valid" and creds["claim_generator"] == "evidence-tools tests"
    )
    assert creds["actions"] == ["c2pa.created"]
    tampered = tmp_path / "tampered.jpg"
    data = bytearray(signed.read_bytes())
    data[-200] ^= 0xFF  # a byte of the picture, after the manifest
    tampered.write_bytes(bytes(data))
    creds = read_capture(tampered).content_credentials
    assert creds and creds["state"] == "invalid"
    assert "the picture was changed after it was signed" in creds["problems"]
    # a copy made for viewing does not claim the original's credentials
    made = annotate_photo(signed, [shape_from_arg("box", "0.1,0.1,0.2,0.2", 1)],
                          tmp_path / "marked.jpg", record=False)  # fmt: skip
    assert read_capture(made.output).content_credentials is None


def test_a_signer_on_the_trust_list_reads_trusted(
    c2pa_dir: Path, tmp_path: Path, monkeypatch
) -> None:
    """The bundled list decides trust: with the test chain's root standing in for a maker on
    the C2PA list, the same signed file reads trusted, and check says so as good news."""
    import re

    from PIL import Image

    from evidence_tools.metadata import credentials

    plain = tmp_path / "plain.jpg"
    Image.new("RGB", (64, 48), (10, 120, 60)).save(plain)
    signed = tmp_path / "in" / "signed.jpg"
    signed.parent.mkdir()
    sign(plain, signed, c2pa_dir / "signing")
    pem = (c2pa_dir / "signing" / "es256_certs.pem").read_text()
    root_cert = re.findall(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----", pem, re.S)
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "C2PA-TRUST-LIST.pem").write_text(root_cert[-1] + "\n")
    monkeypatch.setattr(credentials, "_TRUST", trust)
    credentials._context.cache_clear()
    try:
        assert read_capture(signed).content_credentials["state"] == "trusted"
        case = tmp_path / "case"
        init_case(case, platform="ebay", claim="damaged", order="5")
        add_files(case, [signed])
        notes = [f.message for f in check_case(case).findings if f.severity == "info"]
        assert any("carries valid Content Credentials from C2PA Signer" in n for n in notes)
    finally:
        credentials._context.cache_clear()
