from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_CASE, pixels, run
from PIL import Image, ImageChops, ImageStat

from evidence_tools.errors import InputFileError, OutputExistsError, UsageError
from evidence_tools.metadata.read import read_capture
from evidence_tools.photo.annotate import annotate_photo
from evidence_tools.photo.draw import REDACT_FILL
from evidence_tools.shapes import shape_from_arg, shape_from_spec

RED = (232, 32, 42)


def near(pixel, color, tol=40) -> bool:
    return all(abs(int(a) - int(b)) <= tol for a, b in zip(pixel[:3], color, strict=True))


def box(x, y, w, h, label=""):
    return shape_from_arg("box", f"{x},{y},{w},{h}" + (f",{label}" if label else ""), 1)


def orientation_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "photos" / "orientation").glob("*.jpg"))


def test_all_orientations_come_out_upright_with_the_box_in_place(
    corpus: Path, tmp_path: Path
) -> None:
    expected = json.loads((corpus / "photos" / "expected-exiftool.json").read_text())
    outputs: dict[str, Image.Image] = {}
    for src in orientation_files(corpus):
        key = f"orientation/{src.name}"
        sw, sh = (int(v) for v in expected[key]["ImageSize"].split())
        turned = expected[key]["Orientation"] in (5, 6, 7, 8)
        dw, dh = (sh, sw) if turned else (sw, sh)
        out = tmp_path / f"{src.stem}.png"
        annotate_photo(src, [box(0.1, 0.1, 0.3, 0.2)], out, record=False)
        img = Image.open(out).convert("RGB")
        assert img.size == (dw, dh), src.name
        # the stroke sits on the box's edges: left edge mid-height, top edge mid-width
        x0, y0, x1, y1 = 0.1 * dw, 0.1 * dh, 0.4 * dw, 0.3 * dh
        assert near(img.getpixel((round(x0), round((y0 + y1) / 2))), RED), src.name
        assert near(img.getpixel((round((x0 + x1) / 2), round(y0))), RED), src.name
        assert near(img.getpixel((round(x1), round((y0 + y1) / 2))), RED), src.name
        assert near(img.getpixel((round((x0 + x1) / 2), round(y1))), RED), src.name
        assert not near(img.getpixel((round(x0 + 0.05 * dw), round(y0 + 0.1 * dh))), RED)
        outputs[src.name] = img

    # shown upright, all eight of each set are the same picture (but for the digit drawn in
    # each): of the eight ways to turn or mirror an output, the one we wrote matches best
    def small(img: Image.Image) -> Image.Image:
        return img.resize((32, 24) if img.width > img.height else (24, 32), Image.Resampling.BOX)

    def dist(a: Image.Image, b: Image.Image) -> float:
        if a.size != b.size:
            return float("inf")
        return max(ImageStat.Stat(ImageChops.difference(small(a), small(b))).mean)

    turns = [t for t in Image.Transpose if t is not Image.Transpose.TRANSPOSE] + [
        Image.Transpose.TRANSPOSE
    ]
    for prefix in ("landscape", "portrait"):
        ref = outputs[f"{prefix}_1.jpg"]
        for n in range(2, 9):
            out = outputs[f"{prefix}_{n}.jpg"]
            as_written = dist(ref, out)
            others = [dist(ref, out.transpose(t)) for t in turns]
            assert as_written < 0.7 * min(others), f"{prefix}_{n} is not upright"


def test_redaction_is_solid(tmp_path: Path) -> None:
    src = tmp_path / "label.png"
    Image.effect_noise((400, 300), 80).convert("RGB").save(src)
    out = tmp_path / "out.png"
    annotate_photo(src, [shape_from_arg("redact", "0.25,0.25,0.5,0.5", 1)], out, record=False)
    img = Image.open(out).convert("RGB")
    assert set(pixels(img.crop((100, 75, 300, 225)))) == {REDACT_FILL}
    assert img.getpixel((99, 74)) != REDACT_FILL or img.getpixel((98, 70)) != REDACT_FILL
    jpeg = tmp_path / "out.jpg"
    annotate_photo(src, [shape_from_arg("redact", "0.25,0.25,0.5,0.5", 1)], jpeg, record=False)
    inner = Image.open(jpeg).convert("RGB").crop((110, 85, 290, 215))
    assert max(max(p) for p in pixels(inner)) < 12  # JPEG keeps it black, bar ringing


def test_magnified_inset_is_cut_from_the_redacted_picture(tmp_path: Path) -> None:
    src = tmp_path / "label.png"
    Image.new("RGB", (400, 300), (0, 200, 0)).save(src)
    out = tmp_path / "out.png"
    shapes = [
        shape_from_arg("redact", "0.25,0.25,0.5,0.5", 1),
        shape_from_arg("magnify", "0.35,0.35,0.1,0.1", 2),
    ]
    annotate_photo(src, shapes, out, record=False)
    img = Image.open(out).convert("RGB")
    # the inset (a 3x enlargement, 120x90) shows black, and the green picture stays green
    blacks = sum(1 for p in pixels(img) if p == REDACT_FILL)
    assert blacks > 200 * 150 + 0.5 * 120 * 90
    assert not any(p[1] > 150 and p[0] < 50 for p in pixels(img.crop((100, 75, 300, 225))))


def test_gps_removed_capture_time_kept(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "photos" / "HMD_Nokia_8.3_5G.jpg"
    out = tmp_path / "nokia.jpg"
    annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2, "Dent")], out, record=False)
    before, after = read_capture(src), read_capture(out)
    assert before.gps is not None and after.gps is None
    assert after.captured_at == before.captured_at
    assert after.time_source == "EXIF DateTimeOriginal + OffsetTimeOriginal"
    assert (after.make, after.model) == (before.make, before.model)
    assert after.software.startswith("evidence-tools")
    assert after.orientation == 1
    kept = tmp_path / "nokia_gps.jpg"
    annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2)], kept, keep_gps=True, record=False)
    assert read_capture(kept).gps.lat == pytest.approx(before.gps.lat, abs=1e-6)


def test_iphone_heic_annotates_upright(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "iphone.jpg"
    annotate_photo(
        corpus / "photos" / "iphone_13_pro_max.HEIC", [box(0.1, 0.1, 0.3, 0.2)], out, record=False
    )
    info = read_capture(out)
    assert (info.width, info.height) == (3024, 4032)
    assert info.captured_at.isoformat() == "2022-02-16T12:55:41.762000+01:00"


def test_sample_orientation6_photo(tmp_path: Path) -> None:
    out = tmp_path / "crack.jpg"
    annotate_photo(
        SAMPLE_CASE / "originals" / "crack_closeup.jpg",
        [box(0.1, 0.1, 0.3, 0.2)],
        out,
        record=False,
    )
    assert Image.open(out).size == (1200, 1600)


def test_broken_photos_fail_cleanly(corpus: Path, tmp_path: Path) -> None:
    """Each damaged file (their metadata is broken; most pictures still decode) either fails
    with our error naming it and leaves no output, or gives a whole, readable picture."""
    for src in sorted((corpus / "photos" / "broken").iterdir()):
        out = tmp_path / f"{src.stem}.jpg"
        try:
            result = annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2)], out, record=False)
        except InputFileError as exc:
            assert src.name in exc.one_line()
            assert not out.exists()
        else:
            with Image.open(out) as made:
                made.load()
                assert made.size == result.size


def test_truncated_and_non_image(tmp_path: Path) -> None:
    good = tmp_path / "good.jpg"
    Image.effect_noise((600, 400), 60).convert("RGB").save(good, quality=90)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(InputFileError, match="is cut off or damaged"):
        annotate_photo(cut, [box(0.1, 0.1, 0.2, 0.2)], tmp_path / "o1.jpg", record=False)
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    with pytest.raises(InputFileError, match="not a readable image"):
        annotate_photo(text, [box(0.1, 0.1, 0.2, 0.2)], tmp_path / "o2.jpg", record=False)
    assert not (tmp_path / "o1.jpg").exists() and not (tmp_path / "o2.jpg").exists()


def test_decompression_bomb_is_refused(tmp_path: Path, monkeypatch) -> None:
    src = tmp_path / "big.png"
    Image.new("RGB", (300, 300)).save(src)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 50_000)
    with pytest.raises(InputFileError, match="too large"):
        annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2)], tmp_path / "o.png", record=False)


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("box", "0.1,0.1,0,0.2", "more than zero"),
        ("box", "0.9,0.1,0.3,0.2", "past the picture's edge"),
        ("box", "1.2,0.1,0.1,0.1", "number 1: 1.2 is outside 0-1"),
        ("arrow", "0.1,0.1,0.1,0.1", "same point"),
        ("box", "5000px,0,10px,10px", "5000px is outside"),
    ],
)
def test_bad_shapes_name_the_shape_and_number(tmp_path: Path, kind, text, message) -> None:
    src = tmp_path / "p.png"
    Image.new("RGB", (400, 300), "white").save(src)
    # fractions are refused as soon as they are read; pixels once the photo's size is known
    with pytest.raises(UsageError, match=message) as info:
        annotate_photo(src, [shape_from_arg(kind, text, 1)], tmp_path / "o.png", record=False)
    assert f"{kind} (shape 1)" in info.value.one_line()
    assert not (tmp_path / "o.png").exists()


def test_shape_arg_parsing() -> None:
    s = shape_from_arg("box", "0.1,0.2,0.3,0.4,Crack, left side", 3)
    assert s.label == "Crack, left side" and s.number == 3
    assert shape_from_arg("redact", "10px,20px,30px,40px", 1).coords[0].pixels
    with pytest.raises(UsageError, match="needs 4 numbers"):
        shape_from_arg("box", "0.1,0.2", 1)
    with pytest.raises(UsageError, match="takes no label"):
        shape_from_arg("marker", "0.1,0.2,oops", 1)
    with pytest.raises(UsageError, match="'a' is not a fraction"):
        shape_from_arg("box", "a,b,c,d", 1)
    raw = [{"box": [0.1, 0.1, 0.2, 0.2], "label": "X"}, {"label": [0.5, 0.5, "Hi"]}]
    specs = [shape_from_spec(spec, n) for n, spec in enumerate(raw, start=1)]
    assert [(s.kind, s.label) for s in specs] == [("box", "X"), ("label", "Hi")]


def test_labels_render_cyrillic_and_large_photos_get_thicker_marks(tmp_path: Path) -> None:
    small, big = tmp_path / "s.png", tmp_path / "b.png"
    Image.new("RGB", (640, 480), "white").save(small)
    Image.new("RGB", (4000, 3000), "white").save(big)
    for src in (small, big):
        annotate_photo(
            src, [box(0.2, 0.3, 0.3, 0.3, "Трещина äß")], tmp_path / f"o_{src.name}", record=False
        )
    s_img = Image.open(tmp_path / "o_s.png").convert("RGB")
    b_img = Image.open(tmp_path / "o_b.png").convert("RGB")

    def stroke_width(img: Image.Image, y_frac: float) -> int:
        y = int(img.height * y_frac)
        row = [near(img.getpixel((x, y)), RED) for x in range(img.width // 10, img.width * 3 // 10)]
        return sum(row)

    assert stroke_width(b_img, 0.45) > 3 * stroke_width(s_img, 0.45) > 0
    assert s_img.getbbox() is not None


def test_existing_output_needs_force(tmp_path: Path) -> None:
    src = tmp_path / "p.png"
    Image.new("RGB", (100, 100), "white").save(src)
    out = tmp_path / "o.png"
    annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2)], out, record=False)
    with pytest.raises(OutputExistsError):
        annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2)], out, record=False)
    annotate_photo(src, [box(0.1, 0.1, 0.2, 0.2)], out, record=False, force=True)


def test_cli_in_a_case_writes_exports_and_manifest(sample_case: Path, runner) -> None:
    src = sample_case / "originals" / "parcel_label.jpg"
    result = run(
        runner,
        "photo",
        "annotate",
        str(src),
        "--redact",
        "0.295,0.355,0.41,0.12",
        "--box",
        "0.29,0.27,0.415,0.075,Tracking number",
    )
    assert result.exit_code == 0, result.output
    out = sample_case / "exports" / "parcel_label_annotated.jpg"
    assert result.stdout.strip() == str(out)
    manifest = json.loads((sample_case / "manifest.json").read_text())
    entry = manifest["files"]["exports/parcel_label_annotated.jpg"]
    assert entry["operation"] == "redacted"
    assert entry["sources"][0]["path"] == "originals/parcel_label.jpg"
    assert entry["parameters"]["shapes"][0] == {"redact": [0.295, 0.355, 0.41, 0.12]}
    assert read_capture(out).gps is None
    again = run(runner, "photo", "annotate", str(src), "--box", "0.1,0.1,0.1,0.1")
    assert again.exit_code == 4
    grid = run(runner, "photo", "grid", str(src))
    assert grid.exit_code == 0
    assert Image.open(grid.stdout.strip()).size == (1600, 1200)
    bad = run(runner, "photo", "annotate", str(src), "--box", "0.9,0.9,0.5,0.5")
    assert bad.exit_code == 2 and "box (shape 1)" in bad.stderr
    none = run(runner, "photo", "annotate", str(src))
    assert none.exit_code == 2


def test_cli_unwritable_output(tmp_path: Path, runner) -> None:
    src = tmp_path / "p.png"
    Image.new("RGB", (100, 100), "white").save(src)
    result = run(
        runner,
        "photo",
        "annotate",
        str(src),
        "--box",
        "0.1,0.1,0.2,0.2",
        "-o",
        str(tmp_path / "missing-folder" / "o.jpg"),
    )
    assert result.exit_code == 4
    wrong = run(
        runner,
        "photo",
        "annotate",
        str(src),
        "--box",
        "0.1,0.1,0.2,0.2",
        "-o",
        str(tmp_path / "o.gif"),
    )
    assert wrong.exit_code == 4
    shutil.rmtree(tmp_path / "missing-folder", ignore_errors=True)


def test_inset_shows_the_photo_not_the_marks_drawn_on_it(tmp_path: Path) -> None:
    src = tmp_path / "white.png"
    Image.new("RGB", (400, 300), "white").save(src)
    out = tmp_path / "out.png"
    shapes = [
        shape_from_arg("ellipse", "0.1,0.1,0.2,0.2", 1),
        shape_from_arg("magnify", "0.1,0.1,0.2,0.2", 2),
    ]
    annotate_photo(src, shapes, out, record=False)
    img = Image.open(out).convert("RGB")
    # the 2.1x inset sits at the right, its badge under it, (223,137)-(391,263); inside its
    # frame the enlarged region is plain white: the ellipse drawn on the photo is not copied
    inside = img.crop((232, 146, 382, 254))
    assert min(min(p) for p in pixels(inside)) > 240
    assert near(img.getpixel((40, 60)), RED)  # the ellipse is still on the photo


def test_marks_never_hide_each_other_or_leave_the_picture(tmp_path: Path) -> None:
    """An inset is placed (and made smaller where it must) so it covers no other mark or
    label; a label wider than its room is set smaller, not cut off; a marker at the very
    corner stays whole."""
    src = tmp_path / "grey.png"
    Image.new("RGB", (640, 480), (200, 200, 200)).save(src)
    out = tmp_path / "out.png"
    shapes = [
        shape_from_arg("arrow", "0.90,0.85,0.70,0.70,Scratch along the whole left edge", 1),
        shape_from_arg("magnify", "0.40,0.40,0.15,0.15,Zoom", 2),
        shape_from_arg("marker", "0.98,0.98", 3),
        shape_from_arg("label", "0.99,0.10,Crack near the right edge of the case, left side", 4),
    ]
    annotate_photo(src, shapes, out, record=False)
    img = Image.open(out).convert("RGB")
    assert near(img.getpixel((int(0.80 * 640), int(0.775 * 480))), RED)  # the arrow shows
    corner = img.crop((600, 440, 640, 480))
    assert near(corner.getpixel((20, 20)), RED)  # the marker's disc, moved in whole
    columns = [x for x in range(640) if near(img.getpixel((x, 60)), RED)]
    assert columns and min(columns) > 0 and max(columns) < 639  # the label's box is inside
    crowded = [
        shape_from_arg("box", f"{x},0.0,0.3,1.0", n) for n, x in enumerate((0.0, 0.35, 0.7), 1)
    ]
    with pytest.raises(UsageError, match="no free place for the enlarged inset"):
        annotate_photo(src, [*crowded, shape_from_arg("magnify", "0.4,0.4,0.1,0.1", 4)],
                       tmp_path / "o2.png", record=False)  # fmt: skip
