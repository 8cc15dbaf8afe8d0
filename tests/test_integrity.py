from __future__ import annotations

from pathlib import Path

from PIL import Image

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.case.manifest import load_manifest, record_output, verify_case


def flip_byte(path: Path, offset: int = 100) -> None:
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def photo(path: Path, shade: int = 120, size: int | None = None) -> Path:
    """A real JPEG (``add`` reads what a file is); padded after its end to ``size`` bytes
    where a test needs two files of one size."""
    Image.new("RGB", (64, 48), (shade, 80, 40)).save(path, quality=90)
    if size is not None:
        data = path.read_bytes()
        path.write_bytes(data + b"\x00" * (size - len(data)))
    return path


def make_case(tmp_path: Path) -> Path:
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="42")
    src = photo(tmp_path / "photo.jpg")
    results = add_files(root, [src])
    assert results[0].status == "added"
    return root


def test_add_records_hash_and_case_entry(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    manifest = load_manifest(root)
    entry = manifest.files["originals/photo.jpg"]
    assert entry["role"] == "original"
    assert entry["size"] == (tmp_path / "photo.jpg").stat().st_size
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
    photo(other, shade=30)
    clash, good = add_files(root, [other, tmp_path / "photo.jpg"])
    assert clash.status == "failed" and "rename" in clash.error.one_line()
    assert good.status == "already"
    assert (root / "case.toml").read_text().count("\n[[evidence]]") == 1
    assert verify_case(root).ok


def test_batch_goes_on_after_a_failure(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    second = photo(tmp_path / "second.jpg", shade=200)
    results = add_files(root, [tmp_path / "missing.jpg", second])
    assert [r.status for r in results] == ["failed", "added"]
    assert results[0].error.exit_code == 3


def test_registering_a_file_already_in_originals(tmp_path: Path) -> None:
    root = make_case(tmp_path)
    manual = root / "originals" / "manual.png"
    Image.new("RGB", (8, 8)).save(manual)
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
    photo(other, shade=10, size=(tmp_path / "photo.jpg").stat().st_size)  # same size, new content
    (result,) = add_files(root, [other])
    assert result.status == "added"


def test_add_decides_by_what_a_file_is(tmp_path: Path) -> None:
    """Text, an empty file and the case's own files are refused, naming the input; a video
    named .heic is stored as the MP4 it is, with a warning."""
    import subprocess

    from evidence_tools.ffmpeg.runner import ffmpeg_exe

    root = make_case(tmp_path)
    notes = tmp_path / "notes.txt"
    notes.write_text("the seller said...")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    liar = tmp_path / "IMG_2001.heic"
    subprocess.run([ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "testsrc2=size=160x120:duration=1", "-f", "mp4", "-y", str(liar)],
                   check=True)  # fmt: skip
    results = add_files(root, [notes, empty, root / "case.toml", liar])
    text, nothing, own, renamed = results
    assert text.status == "failed" and "notes.txt: not a photo, video or PDF" in str(text.error)
    assert nothing.status == "failed" and "empty.jpg: file is empty" in str(nothing.error)
    assert own.status == "failed" and "the case's own file" in str(own.error)
    assert renamed.status == "added" and renamed.stored == root / "originals" / "IMG_2001.mp4"
    assert "really in MP4 format" in renamed.note
    assert all(r.error is None or r.error.exit_code == 3 for r in results)


def test_add_refuses_an_incomplete_video(corpus: Path, tmp_path: Path, runner) -> None:
    from conftest import run

    root = make_case(tmp_path)
    result = run(runner, "add", str(corpus / "videos" / "truncated.mp4"), "--case", str(root))
    assert result.exit_code == 1
    assert "truncated.mp4: an incomplete copy: only 3.0 s of 6.0 s can be read" in result.stderr
    assert "1 of 1 file(s) failed; none was added." in result.stderr
    assert not (root / "originals" / "truncated.mp4").exists()
