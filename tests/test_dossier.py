from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import copy_sample, run
from PIL import Image

from evidence_tools.case.manifest import load_manifest
from evidence_tools.dossier import text
from evidence_tools.dossier.build import build_dossier
from evidence_tools.dossier.message import message
from evidence_tools.errors import (
    CaseError,
    CheckFailedError,
    InputFileError,
    IntegrityError,
    OutputError,
)
from evidence_tools.timecode import long_date

TODAY = dt.date(2026, 11, 26)
POPPLER = shutil.which("pdftotext") is not None


def pdftext(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"[ \t]+", " ", out.stdout)


def set_caption(case: Path, index: int, caption: str) -> None:
    toml = case / "case.toml"
    lines = toml.read_text(encoding="utf-8").splitlines()
    seen = -1
    for i, line in enumerate(lines):
        if line.strip() == "[[evidence]]":
            seen += 1
        if seen == index and line.startswith("caption = "):
            from evidence_tools.case.template import toml_value

            lines[i] = f"caption = {toml_value(caption)}"
            break
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def built_once(tmp_path_factory: pytest.TempPathFactory):
    """The sample case built once for the module (a build is most of these tests' time), with
    captions that test escaping and Cyrillic. Tests that only read it share it."""
    case = copy_sample(tmp_path_factory.mktemp("built") / "case")
    set_caption(case, 1, "Label: AT&T box, size < 5 cm, <b>not bold</b>")
    set_caption(case, 2, "Трещина по левому краю")
    return case, build_dossier(case, today=TODAY)


@pytest.fixture
def built(built_once, tmp_path: Path):
    """A private copy of the built case, for tests that build it again."""
    case, result = built_once
    copy = Path(shutil.copytree(case, tmp_path / "case"))
    return copy, dataclasses.replace(result, pdf=copy / result.pdf.relative_to(case))


def test_first_build_makes_every_exhibit(built_once) -> None:
    case, result = built_once
    assert result.pdf == case / "exports" / "dossier.pdf"
    names = sorted(p.name for p in result.rebuilt)
    assert "unboxing_stamped.mp4" in names
    assert "parcel_label_annotated.jpg" in names
    assert any(n.startswith("unboxing_0-02.000_2026-11-21T18-38-02") for n in names)
    assert result.pages >= 7
    assert any("not in English (cyrillic letters)" in w for w in result.warnings)
    manifest = load_manifest(case)
    entry = manifest.files["exports/dossier.pdf"]
    assert entry["operation"] == "placed"
    assert {s["path"] for s in entry["sources"]} >= {
        f"originals/{n}" for n in ("unboxing.mov", "parcel_label.jpg")
    }


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_pdf_text_round_trip(built_once) -> None:
    case, result = built_once
    body = pdftext(result.pdf)
    flat = body.replace("\n", " ")
    assert "8123456789012345" in body
    assert "Label: AT&T box, size < 5 cm, <b>not bold</b>" in flat
    assert "Трещина по левому краю" in flat
    for n in range(1, 5):
        assert f"Exhibit {n}" in body
    assert "(Exhibit 3)" in flat and "(Exhibit 4)" in flat
    manifest = load_manifest(case)
    for key, entry in manifest.originals().items():
        assert entry["sha256"][:16] in body, key
    assert "21 November 2026" in body
    assert "Page 1 of" in body
    assert "QuickTime Keys CreationDate" in body


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_all_fonts_embedded(built_once) -> None:
    _, result = built_once
    out = subprocess.run(
        ["pdffonts", str(result.pdf)], capture_output=True, text=True, check=True
    ).stdout
    rows = [ln for ln in out.splitlines()[2:] if ln.strip()]
    assert rows
    for row in rows:
        assert re.search(r"\byes\b\s+yes\b", row), row  # emb, sub


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils not installed")
def test_portrait_photo_is_placed_portrait(built_once) -> None:
    _, result = built_once
    out = subprocess.run(
        ["pdfimages", "-list", str(result.pdf)], capture_output=True, text=True, check=True
    ).stdout
    images = [ln.split() for ln in out.splitlines()[2:] if ln.strip()]
    by_page: dict[int, list[tuple[int, int]]] = {}
    for cols in images:
        by_page.setdefault(int(cols[0]), []).append((int(cols[3]), int(cols[4])))
    # page 5 is exhibit 3, the Orientation-6 crack photo: shown upright, taller than wide
    ((w, h),) = by_page[5]
    assert h > w
    assert all(cols[8] == "jpeg" for cols in images)  # passed through as JPEG (DCT)


def test_jpeg_bytes_go_into_the_pdf_verbatim(sample_case: Path, monkeypatch) -> None:
    """Like img2pdf's tests: every JPEG we prepared is in the PDF byte for byte (passed through
    as DCT, not re-encoded, no ASCII85), and each was made upright."""
    from evidence_tools.dossier import sections as pdf_module

    made: list[tuple[bytes, float, float]] = []
    real = pdf_module.prepare_image

    def spy(path, max_w, max_h, dpi):
        buf, w, h = real(path, max_w, max_h, dpi)
        made.append((buf.getvalue(), w, h))
        buf.seek(0)
        return buf, w, h

    monkeypatch.setattr(pdf_module, "prepare_image", spy)
    result = build_dossier(sample_case, today=TODAY)
    pdf = result.pdf.read_bytes()
    assert b"ASCII85Decode" not in pdf
    assert len(made) == 6  # 2 video stills, the label read in the video (enlarged), 3 photos
    for data, w, h in made:
        assert data in pdf
        with Image.open(io.BytesIO(data)) as img:
            assert (img.width > img.height) == (w > h)  # upright as placed
    portrait = [(w, h) for _, w, h in made if h > w]
    assert len(portrait) == 3  # the two portrait video stills and the Orientation-6 photo


def test_second_build_reprocesses_nothing_and_is_reproducible(built) -> None:
    case, first = built
    before = first.pdf.read_bytes()
    again = build_dossier(case, today=TODAY)
    assert again.rebuilt == []
    assert again.pdf.read_bytes() == before  # invariant mode: same bytes


def test_changed_caption_rebuilds_only_the_pdf(built) -> None:
    case, first = built
    before = first.pdf.read_bytes()
    set_caption(case, 0, "A new caption for the video")
    again = build_dossier(case, today=TODAY)
    assert again.rebuilt == []
    assert again.pdf.read_bytes() != before


def test_changed_annotation_rebuilds_that_photo_only(built) -> None:
    case, _ = built
    toml = case / "case.toml"
    toml.write_text(toml.read_text().replace("marker = [0.50, 0.22]", "marker = [0.52, 0.22]"))
    again = build_dossier(case, today=TODAY)
    assert [p.name for p in again.rebuilt] == ["case_back_annotated.jpg"]


def test_message_within_limit_and_names_the_order(built_once) -> None:
    case, result = built_once
    message = result.message.read_text()
    assert len(message) <= 1000
    assert "8123456789012345" in message
    assert "(Exhibit 3)" in message and "full refund of 12.99 USD" in message


def test_missing_evidence_file_fails_or_is_skipped(sample_case: Path) -> None:
    toml = sample_case / "case.toml"
    toml.write_text(
        toml.read_text() + '\n[[evidence]]\nfile = "originals/gone.jpg"\ncaption = "Gone"\n'
    )
    with pytest.raises(CheckFailedError) as info:  # check's error stops the build first
        build_dossier(sample_case, today=TODAY)
    assert info.value.exit_code == 1
    assert any("originals/gone.jpg: the evidence file does not exist" in f
               for f in info.value.findings)  # fmt: skip
    with pytest.raises(InputFileError, match="exhibit 5: evidence file is missing"):
        build_dossier(sample_case, today=TODAY, despite_errors=True)
    assert not (sample_case / "exports" / "dossier.pdf").exists()
    result = build_dossier(sample_case, today=TODAY, skip_broken=True)
    assert result.exhibits[4].error and "missing" in result.exhibits[4].error
    assert any("exhibit 5 was left out" in w for w in result.warnings)


def test_changed_original_is_refused(sample_case: Path) -> None:
    target = sample_case / "originals" / "parcel_label.jpg"
    target.chmod(0o644)
    data = bytearray(target.read_bytes())
    data[-10] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(CheckFailedError) as info:
        build_dossier(sample_case, today=TODAY)
    assert any("parcel_label.jpg: changed since it was recorded" in f for f in info.value.findings)
    with pytest.raises(IntegrityError, match="changed since it was added"):
        build_dossier(sample_case, today=TODAY, despite_errors=True)


def test_foreign_file_in_exports_needs_force(sample_case: Path) -> None:
    (sample_case / "exports" / "dossier.pdf").write_bytes(b"%PDF-1.4 someone else's")
    with pytest.raises(OutputError, match="not made by evidence-tools") as info:
        build_dossier(sample_case, today=TODAY)
    assert info.value.exit_code == 4
    build_dossier(sample_case, today=TODAY, force=True)


def test_max_mb_rebuilds_smaller(built) -> None:
    case, first = built
    small = build_dossier(case, today=TODAY, max_mb=first.size_bytes / 1e6 * 0.7)
    assert small.size_bytes < first.size_bytes
    assert any("dpi" in n for n in small.notes)


def test_cli_dossier(sample_case: Path, runner) -> None:
    result = run(runner, "dossier", str(sample_case), "--paper", "letter")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().endswith("dossier.pdf")
    broken = sample_case / "case.toml"
    broken.write_text(broken.read_text().replace('claim = "damaged"', 'claim = "smashed"'))
    bad = run(runner, "dossier", str(sample_case))
    assert bad.exit_code == 2 and "case.toml:" in bad.stderr


def test_statement_texts() -> None:
    from evidence_tools.case.model import Case, Order

    case = Case(
        root=Path("."),
        platform="ebay",
        claim="not_as_described",
        resolution="return_and_refund",
        amount="30 EUR",
        order=Order(number="12-345", item="Blue jacket", placed=dt.date(2026, 2, 28)),
    )
    ex = [
        text.ExhibitFacts(1, "photo", "Label", ["wrong_colour", "wrong_size"]),
        text.ExhibitFacts(2, "photo", "Ruler", ["wrong_size"]),
    ]
    st = text.statement(case, ex)
    body = " ".join(st.paragraphs)
    assert "on 28 February 2026" in body
    assert (
        "The item is the wrong colour (Exhibit 1). The item is the wrong size (Exhibits 1 and 2)."
        in body
    )
    assert "return the item at the seller's cost" in body
    msg = message(case, ex, limit=160)
    assert len(msg.strip()) <= 160
    assert msg.startswith("Order 12-345 (Blue jacket). The item I received is not as described")
    with pytest.raises(CaseError, match=r"over eBay's limit of 60") as info:
        message(case, ex, limit=60)  # the claim cannot fit: an error that says by how much
    assert info.value.exit_code == 2
    unknown = text.statement(case, [text.ExhibitFacts(1, "photo", "", ["squashed"])])
    assert any("not in the vocabulary" in w for w in unknown.warnings)
    assert long_date(dt.date(2026, 11, 20)) == "20 November 2026"


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_any_script_on_the_page(sample_case: Path) -> None:
    """A Chinese seller name and own words with markup and Cyrillic print as written, with
    every font embedded; an emoji no font has is reported once, naming its field."""
    toml = sample_case / "case.toml"
    words = "Коробка была вскрыта <b>до</b> доставки & the seller 深圳市华强北 did not reply."
    text_ = toml.read_text(encoding="utf-8")
    text_ = text_.replace('seller = "Example Official Store"', 'seller = "深圳市华强北电子商行"')
    text_ = text_.replace(
        'timezone = "Europe/Moscow"', f'timezone = "Europe/Moscow"\nown_words = """{words}"""'
    )
    toml.write_text(text_, encoding="utf-8")
    set_caption(sample_case, 1, "Label 📦")
    result = build_dossier(sample_case, today=TODAY)
    page_text = pdftext(result.pdf)
    assert "深圳市华强北电子商行" in page_text
    assert "In my own words" in page_text
    assert " ".join(words.split()) in " ".join(page_text.split())
    fonts = subprocess.run(["pdffonts", str(result.pdf)], capture_output=True, text=True).stdout
    rows = [ln.split() for ln in fonts.splitlines()[2:] if ln.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # emb column: every font embedded
    assert any("DroidSansFallback" in r[0] for r in rows)
    boxes = [w for w in result.warnings if "empty boxes" in w]
    assert len(boxes) == 1 and boxes[0].startswith("the caption of exhibit 2"), boxes


def test_continuous_only_where_the_case_says_so(sample_case: Path) -> None:
    said = build_dossier(sample_case, today=TODAY)
    body = pdftext(said.pdf) if POPPLER else ""
    from evidence_tools.case.loader import load_case
    from evidence_tools.dossier.build import exhibit_facts

    case = load_case(sample_case)
    statement = " ".join(text.statement(case, exhibit_facts(said.exhibits)).paragraphs)
    assert "in one continuous recording from the sealed parcel" in statement
    assert "shows the part from 0:01 to 0:09 of the 0:10 recording" in statement
    toml = sample_case / "case.toml"
    toml.write_text(toml.read_text().replace("continuous = true\n", ""))
    case = load_case(sample_case)
    again = build_dossier(sample_case, today=TODAY)
    statement = " ".join(text.statement(case, exhibit_facts(again.exhibits)).paragraphs)
    assert "continuous" not in statement
    assert "I recorded the opening of the parcel on video" in statement
    if POPPLER:
        assert "continuous" in body and "continuous" not in pdftext(again.pdf)


@pytest.mark.skipif(not POPPLER, reason="poppler-utils not installed")
def test_no_absolute_paths_in_the_pdf(sample_case: Path, monkeypatch) -> None:
    """A relative case folder must not leak the user's home folder into the PDF."""
    monkeypatch.chdir(sample_case.parent)
    result = build_dossier(Path(sample_case.name), today=TODAY)
    body = pdftext(sample_case / "exports" / "dossier.pdf")
    assert str(sample_case.parent) not in body
    assert "originals/parcel_label.jpg" in body
    assert result.pdf == Path(sample_case.name) / "exports" / "dossier.pdf"


def test_bookmarks_title_and_dates(built_once) -> None:
    _, result = built_once
    pdf = result.pdf.read_bytes()
    titles = re.findall(rb"/Title \(((?:[^()\\]|\\.)*)\)", pdf)
    for wanted in (b"Statement", b"Time line", b"Exhibits", b"Appendix A", b"Appendix B"):
        assert any(t.startswith(wanted) for t in titles), wanted
    for n in (1, 2, 4):  # exhibit 3's Cyrillic title is stored as UTF-16, not as (text)
        assert any(t.startswith(f"Exhibit {n}:".encode()) for t in titles)
    assert any(b"order 8123456789012345" in t for t in titles)  # document title
    assert b"/CreationDate (D:20261126000000Z)" in pdf


def test_video_without_a_time_uses_start_time_from_the_case(tmp_path: Path) -> None:
    from evidence_tools.case.intake import add_files, init_case
    from evidence_tools.ffmpeg.runner import run_ffmpeg

    clip = tmp_path / "screen.mp4"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25:duration=2",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-map_metadata",
            "-1",
            "-y",
            str(clip),
        ],
        outputs=[clip],
    )
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="9")
    add_files(root, [clip])
    toml = root / "case.toml"
    toml.write_text(
        toml.read_text().replace(
            'caption = ""',
            'caption = "Screen recording"\nstamp = true\nstart_time = "2026-11-20T17:03:11+03:00"',
        )
    )
    result = build_dossier(root, today=TODAY)
    from evidence_tools.metadata.read import read_capture

    stamped = root / "exports" / "screen_stamped.mp4"
    assert read_capture(stamped).captured_at.isoformat() == "2026-11-20T17:03:11+03:00"
    assert result.pages >= 5


def test_annotating_a_file_from_outside_into_a_case(sample_case: Path, tmp_path: Path) -> None:
    from evidence_tools.photo.annotate import annotate_photo
    from evidence_tools.shapes import shape_from_arg

    outside = tmp_path / "Downloads" / "IMG_9.png"
    outside.parent.mkdir()
    Image.new("RGB", (200, 100), "white").save(outside)
    out = sample_case / "exports" / "IMG_9_marked.png"
    annotate_photo(outside, [shape_from_arg("box", "0.1,0.1,0.2,0.2", 1)], out)
    entry = load_manifest(sample_case).files["exports/IMG_9_marked.png"]
    assert entry["sources"][0]["path"] == "(outside the case) IMG_9.png"
    assert str(tmp_path) not in json.dumps(entry)


def test_long_datetime_zones() -> None:
    when = dt.datetime(2026, 11, 21, 18, 38)
    assert text.long_datetime(when, "+03:00") == "21 November 2026 at 18:38 UTC+03:00"
    assert text.long_datetime(when, "UTC") == "21 November 2026 at 18:38 UTC"
    assert text.long_datetime(when, "Europe/Paris") == "21 November 2026 at 18:38 Europe/Paris time"
    assert text.long_datetime(when) == "21 November 2026 at 18:38"


def test_a_hand_edited_message_is_never_lost(built) -> None:
    case, _ = built
    msg = case / "exports" / "message.txt"
    msg.write_text("My own better words.\n")
    with pytest.raises(OutputError, match="changed by hand") as info:
        build_dossier(case, today=TODAY)
    assert "message = '''...'''" in info.value.hint
    assert msg.read_text() == "My own better words.\n"
    forced = build_dossier(case, today=TODAY, force=True)
    assert (case / "exports" / "message.edited.txt").read_text() == "My own better words.\n"
    assert any("kept as message.edited.txt" in w for w in forced.warnings)
    toml = case / "case.toml"
    toml.write_text(toml.read_text().replace(
        'timezone = "Europe/Moscow"', "timezone = \"Europe/Moscow\"\nmessage = '''My own better words.'''"
    ))  # fmt: skip
    build_dossier(case, today=TODAY)
    assert msg.read_text() == "My own better words.\n"


def test_a_3000_character_caption_fits_the_pdf(sample_case: Path) -> None:
    """The time line and the page heading shorten it (saying where it is in full); the page
    prints it whole, across pages, and the photo keeps a real size."""
    caption = ("Scratch along the whole back of the case, " * 80)[:3000]
    set_caption(sample_case, 2, caption)
    result = build_dossier(sample_case, today=TODAY)
    view = next(v for v in result_views(sample_case, result) if v.number == 3)
    assert len(view.title) < 200 and view.title.endswith("(in full below)")
    assert any(f == f"Caption: {caption}" for f in view.facts)
    if POPPLER:
        words = " ".join(pdftext(result.pdf).split())
        assert words.count("Scratch along the whole back of the case") >= 70


def result_views(case: Path, result):
    from evidence_tools.case.manifest import load_manifest
    from evidence_tools.dossier.views import exhibit_view

    manifest = load_manifest(case)
    return [exhibit_view(ex, manifest) for ex in result.exhibits]
