from __future__ import annotations

from pathlib import Path

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.case.manifest import load_manifest, record_output, verify_case


def flip_byte(path: Path, offset: int = 100) -> None:
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def make_case(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="42")
    src = tmp_path / "photo.jpg"
    src.write_bytes(bytes(range(256)) * 40)
    results = add_files(root, [src])
    assert results[0].status == "added"
    return root


def test_add_records_hash_and_case_entry(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    manifest = load_manifest(root)
    entry = manifest.files["originals/photo.jpg"]
    assert entry["role"] == "original"
    assert entry["size"] == 256 * 40
    assert 'file = "originals/photo.jpg"' in (root / "case.toml").read_text()
    assert not (root / "originals" / "photo.jpg").stat().st_mode & 0o222  # read-only copy
    assert (tmp_path / "photo.jpg").exists()  # copied, not moved


def test_verify_catches_flipped_byte_in_original(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    assert verify_case(root).ok
    flip_byte(root / "originals" / "photo.jpg")
    report = verify_case(root)
    assert not report.ok
    assert [c.path for c in report.by_status("changed")] == ["originals/photo.jpg"]


def test_verify_catches_changed_export_and_missing_and_unknown(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    export = root / "exports" / "photo_marked.jpg"
    export.write_bytes(b"derived" * 100)
    record_output(
        export,
        sources=[root / "originals" / "photo.jpg"],
        operation="drawing",
        parameters={"box": [0.1, 0.1, 0.3, 0.2]},
    )
    entry = load_manifest(root).files["exports/photo_marked.jpg"]
    assert (
        entry["sources"][0]["sha256"] == load_manifest(root).files["originals/photo.jpg"]["sha256"]
    )
    assert entry["operation"] == "drawing"
    assert "evidence-tools" in entry["tools"]
    assert verify_case(root).ok
    flip_byte(export, 5)
    (root / "exports" / "stray.txt").write_text("?")
    report = verify_case(root)
    assert [c.path for c in report.by_status("changed")] == ["exports/photo_marked.jpg"]
    assert [c.path for c in report.by_status("unknown")] == ["exports/stray.txt"]
    export.unlink()
    report = verify_case(root)
    assert [c.path for c in report.by_status("missing")] == ["exports/photo_marked.jpg"]


def test_add_same_content_twice_and_name_clash(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    again = add_files(root, [tmp_path / "photo.jpg"])
    assert again[0].status == "already"
    other = tmp_path / "other" / "photo.jpg"
    other.parent.mkdir()
    other.write_bytes(b"different")
    clash, good = add_files(root, [other, tmp_path / "photo.jpg"])
    assert clash.status == "failed" and "rename" in clash.error.one_line()
    assert good.status == "already"
    assert (root / "case.toml").read_text().count("\n[[evidence]]") == 1
    assert verify_case(root).ok


def test_batch_goes_on_after_a_failure(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    second = tmp_path / "second.mov"
    second.write_bytes(b"\x00" * 10)
    results = add_files(root, [tmp_path / "missing.jpg", second])
    assert [r.status for r in results] == ["failed", "added"]
    assert results[0].error.exit_code == 3


def test_registering_a_file_already_in_originals(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    manual = root / "originals" / "manual.png"
    manual.write_bytes(b"png-ish")
    (result,) = add_files(root, [manual])
    assert result.status == "added"
    assert "originals/manual.png" in load_manifest(root).files


def test_same_content_under_another_name_is_not_added_twice(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    copy = tmp_path / "elsewhere" / "IMG_0001.jpg"
    copy.parent.mkdir()
    copy.write_bytes((tmp_path / "photo.jpg").read_bytes())
    (result,) = add_files(root, [copy])
    assert result.status == "already" and result.note == "same content as originals/photo.jpg"
    assert not (root / "originals" / "IMG_0001.jpg").exists()
    assert (root / "case.toml").read_text().count("\n[[evidence]]") == 1
    other = tmp_path / "elsewhere" / "same_size.jpg"
    other.write_bytes(b"\x00" * (256 * 40))  # same size, other content: a new original
    (result,) = add_files(root, [other])
    assert result.status == "added"
