"""The video proves itself: clips made here (a handheld-like pan over a parcel whose label
carries a Code 128 of the tracking number; the same with 6 s taken out; with 2 s of frames
dropped but their times kept; re-encoded by ffmpeg) and the corpus's recordings. Each sign is
found at its time (within 0.5 s), and none where there is none."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import run
from PIL import Image, ImageDraw

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.check import check_case
from evidence_tools.ffmpeg.runner import run_ffmpeg
from evidence_tools.video.scan import scan_video

TRACKING = "LP00987654321CN"
# the camera's path over the parcel: a slow pan with a hand's small shake
PAN = "x='200+45*t+6*sin(5*t)':y='260+12*t+4*cos(4*t)'"
PHONE_LIKE = [  # what a phone's file carries: no encoder's name in the tags or the bitstream
    "-c:v", "libx264", "-preset", "ultrafast", "-crf", "24", "-pix_fmt", "yuv420p",
    "-bsf:v", "filter_units=remove_types=6", "-fflags", "+bitexact", "-flags:v", "+bitexact",
    "-map_metadata", "-1", "-metadata:s:v:0", "encoder=", "-fps_mode", "passthrough",
    "-metadata", "creation_time=2026-11-21T15:38:00Z",  # the mvhd time a phone writes
]  # fmt: skip


def _code128(text: str) -> Image.Image:
    import zxingcpp

    if hasattr(zxingcpp, "create_barcode"):
        symbol = zxingcpp.write_barcode_to_image(
            zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.Code128), scale=3
        )
    else:  # zxing-cpp 2.x
        symbol = zxingcpp.write_barcode(zxingcpp.BarcodeFormat.Code128, text, width=600, height=150)
    return Image.fromarray(np.array(symbol)).convert("RGB")


def _parcel(path: Path) -> Path:
    """A 2400x1600 table with a parcel and its label, textured so motion can be seen."""
    rng = np.random.default_rng(7)
    noise = rng.integers(0, 60, (1600, 2400, 3), dtype=np.uint8)
    img = Image.fromarray(noise + np.uint8(150))
    d = ImageDraw.Draw(img)
    d.rectangle((300, 300, 2100, 1400), fill=(176, 132, 88), outline=(90, 60, 30), width=8)
    for i in range(0, 1800, 90):  # tape and print on the box, for texture
        d.line((300 + i, 300, 300 + i + 200, 1400), fill=(150, 110, 70), width=5)
    d.rectangle((420, 420, 1180, 860), fill=(250, 250, 246), outline=(0, 0, 0), width=4)
    d.text((450, 440), f"TRACKING {TRACKING}", fill=(0, 0, 0))
    img.paste(_code128(TRACKING), (450, 520))
    img.save(path)
    return path


def _clip(out: Path, parcel: Path, graph: str, *extra: str) -> Path:
    # the picture is decoded once and repeated in the graph: 360 frames, 12 s at 30 fps
    still = "[0:v]loop=loop=359:size=1:start=0,setpts=N/30/TB"
    run_ffmpeg(["-y", "-i", str(parcel), "-filter_complex", graph.replace("[0:v]", f"{still},"),
                "-map", "[v]", *extra, str(out)], outputs=[out])  # fmt: skip
    return out


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("clips")
    parcel = _parcel(folder / "parcel.png")
    pan = f"crop=960:540:{PAN}"
    made = {
        "continuous": _clip(folder / "continuous.mp4", parcel, f"[0:v]{pan}[v]", *PHONE_LIKE),
        # 3 s, then the 6 s after them taken out: the picture jumps at 3.0 s
        "cut": _clip(folder / "cut.mp4", parcel,
                     f"[0:v]{pan},split[a][b];[a]trim=0:3,setpts=PTS-STARTPTS[a1];"
                     "[b]trim=9:12,setpts=PTS-STARTPTS[b1];[a1][b1]concat=n=2:v=1[v]",
                     *PHONE_LIKE),
        # frames from 5 s to 7 s dropped, the others keeping their times
        "gap": _clip(folder / "gap.mp4", parcel, f"[0:v]{pan},select='not(between(t,5,7))'[v]",
                     *PHONE_LIKE),
    }  # fmt: skip
    made["reencoded"] = folder / "reencoded.mp4"
    run_ffmpeg(["-y", "-i", str(made["continuous"]), "-c:v", "libx264", "-preset", "ultrafast",
                "-fps_mode", "passthrough", str(made["reencoded"])],
               outputs=[made["reencoded"]])  # fmt: skip
    return made


def test_a_continuous_pan_shows_no_sign_and_its_label_is_read(clips) -> None:
    scan = scan_video(clips["continuous"])
    assert scan.cuts == [] and scan.gaps == [] and scan.editors == [] and scan.complete
    assert scan.frames == 360
    codes = [label for label in scan.labels if label.text == TRACKING]
    assert codes and codes[0].format.replace(" ", "").startswith("Code128")
    assert codes[0].at is not None and codes[0].at <= 1.0


def test_six_seconds_taken_out_is_a_cut_at_three_seconds(clips) -> None:
    scan = scan_video(clips["cut"])
    assert len(scan.cuts) == 1 and math.isclose(scan.cuts[0], 3.0, abs_tol=0.5), scan.cuts
    assert scan.gaps == []


def test_frames_dropped_with_their_times_kept_are_a_gap(clips) -> None:
    scan = scan_video(clips["gap"])
    assert len(scan.gaps) == 1, scan.gaps
    at, length = scan.gaps[0]
    assert math.isclose(at, 5.0, abs_tol=0.5) and math.isclose(length, 2.0, abs_tol=0.5)
    assert scan.cuts == []  # the jump where frames are missing is the gap, said once


def test_a_reencode_names_ffmpeg(clips) -> None:
    scan = scan_video(clips["reencoded"])
    assert any("ffmpeg" in e for e in scan.editors) and "x264" in scan.editors
    assert scan.cuts == [] and scan.gaps == []


@pytest.mark.parametrize("name", ["iphone_portrait_hevc.mov", "android_landscape_h264.mp4"])
def test_the_corpus_phone_recordings_show_no_cut_or_gap(corpus: Path, name: str) -> None:
    scan = scan_video(corpus / "videos" / name)
    assert scan.cuts == [] and scan.gaps == [] and scan.complete


def test_a_cut_off_file_is_scanned_as_far_as_it_reads(corpus: Path) -> None:
    scan = scan_video(corpus / "videos" / "truncated.mp4")
    assert not scan.complete and 2.0 < scan.duration < 4.0


def _case(tmp_path: Path, clip: Path, *, continuous: bool, tracking: str = TRACKING) -> Path:
    root = tmp_path / "case"
    init_case(root, platform="aliexpress", claim="damaged", order="8123")
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace('tracking = ""', f'tracking = "{tracking}"'))
    add_files(root, [clip])
    if continuous:
        toml.write_text(toml.read_text() + "continuous = true\n")
    return root


def test_check_says_where_the_cut_is_and_it_is_an_error_in_a_continuous_one(
    tmp_path: Path, clips, runner
) -> None:
    root = _case(tmp_path, clips["cut"], continuous=True)
    report = check_case(root)
    cuts = [f for f in report.findings if f.code == "video.cut"]
    assert len(cuts) == 1 and cuts[0].severity == "error" and "0:03.0" in cuts[0].message
    assert not any(f.code == "video.no_sign" for f in report.findings)
    result = run(runner, "--lang", "ru", "check", str(root))
    assert result.exit_code == 1 and "0:03.0" in result.stdout


def test_check_matches_the_label_or_names_both_numbers(tmp_path: Path, clips) -> None:
    root = _case(tmp_path, clips["continuous"], continuous=False)
    report = check_case(root)
    codes = {f.code: f for f in report.findings}
    assert "video.no_sign" in codes and codes["video.no_sign"].severity == "info"
    assert "label.matched" in codes and TRACKING in codes["label.matched"].message
    other = tmp_path / "other"
    other.mkdir()
    root = _case(other, clips["continuous"], continuous=False, tracking="LP00000000000CN")
    found = [f for f in check_case(root).findings if f.code == "label.other"]
    assert found and TRACKING in found[0].message and "LP00000000000CN" in found[0].message


def test_meta_json_gives_the_scan_of_a_video(clips, runner) -> None:
    import json

    rows = json.loads(run(runner, "meta", "--json", str(clips["cut"])).stdout)
    assert len(rows[0]["scan"]["cuts"]) == 1 and rows[0]["scan"]["frames"] == 180
    plain = json.loads(run(runner, "meta", "--json", "--no-scan", str(clips["cut"])).stdout)
    assert "scan" not in plain[0]


def test_the_dossier_shows_the_label_frame_and_what_was_checked(tmp_path: Path, clips) -> None:
    import shutil
    import subprocess

    from evidence_tools.dossier.build import build_dossier

    root = _case(tmp_path, clips["continuous"], continuous=True)
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace('caption = ""', 'caption = "Unboxing"'))
    result = build_dossier(root, despite_errors=True)
    label = root / "exports" / "continuous_label.jpg"
    assert label.is_file()
    from PIL import Image

    with Image.open(label) as img:
        assert max(img.size) == 900  # the label, enlarged
    from evidence_tools.video.scan import read_labels

    with Image.open(label) as img:
        assert TRACKING in [x.text for x in read_labels(img.convert("L"))]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(result.pdf), "-"], capture_output=True,
                              text=True, check=True).stdout  # fmt: skip
        flat = " ".join(text.split())
        assert "No sign of cutting or re-encoding was found. This does not prove" in flat
        assert f"its code reads {TRACKING}, the order's tracking number" in flat
        assert "the shipping label seen" in flat  # the time line
        assert "The shipping label is seen at 0:00" in flat  # the statement


def test_a_video_whose_pictures_cannot_be_decoded_is_said_not_crashed(
    tmp_path: Path, clips
) -> None:
    data = bytearray(clips["continuous"].read_bytes())
    start, end = len(data) * 3 // 10, len(data) * 7 // 10
    data[start:end] = bytes(end - start)  # the index (at the end) survives, pictures do not
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(bytes(data))
    scan = scan_video(broken)
    assert not scan.complete and scan.frames < 360
    root = _case(tmp_path, broken, continuous=False)
    codes = {f.code: f for f in check_case(root).findings}
    assert "video.scan_partial" in codes and "video.no_sign" not in codes


def test_an_edit_list_that_hides_footage_is_found(tmp_path: Path, clips) -> None:
    # a stream copy from 3 s keeps the frames from the keyframe at 0 s, hidden by an edit list
    hidden = tmp_path / "hidden.mp4"
    run_ffmpeg(["-y", "-ss", "3", "-i", str(clips["continuous"]), "-c", "copy", str(hidden)],
               outputs=[hidden])  # fmt: skip
    assert scan_video(hidden).edit_list
    assert not scan_video(clips["continuous"]).edit_list
    root = _case(tmp_path, hidden, continuous=True)
    found = [f for f in check_case(root).findings if f.code == "video.edit_list"]
    assert found and found[0].severity == "error"


def test_a_trim_by_edit_list_keeps_the_times_of_what_is_shown(tmp_path: Path, clips) -> None:
    cut = tmp_path / "from3.mp4"
    run_ffmpeg(["-y", "-ss", "3.3", "-i", str(clips["continuous"]), "-c", "copy", str(cut)],
               outputs=[cut])  # fmt: skip
    scan = scan_video(cut)
    assert scan.edit_list and scan.complete and scan.duration == pytest.approx(8.7, abs=0.3)
    assert all(x.at is not None and x.at >= 0 for x in scan.labels)


def test_a_fade_to_black_and_a_plain_noisy_wall_are_no_cuts(tmp_path: Path) -> None:
    fade = tmp_path / "fade.mp4"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30:duration=6",
                "-vf", "fade=t=out:st=4:d=0.3", "-c:v", "libx264", "-preset", "ultrafast",
                str(fade)], outputs=[fade])  # fmt: skip
    assert scan_video(fade).cuts == []
    wall = tmp_path / "wall.mp4"
    run_ffmpeg(["-y", "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=30:d=4",
                "-vf", "noise=alls=6:allf=t", "-c:v", "libx264", "-preset", "ultrafast",
                str(wall)], outputs=[wall])  # fmt: skip
    assert scan_video(wall).cuts == []


def test_a_lower_frame_rate_in_the_dark_is_no_gap_but_a_hole_is() -> None:
    from evidence_tools.video.scan import gaps_in

    steady = [i / 30 for i in range(60)] + [2 + i / 3 for i in range(1, 7)]
    assert gaps_in(steady) == []
    holed = [i / 30 for i in range(150)] + [7 + i / 30 for i in range(150)]
    found = gaps_in(holed)
    assert len(found) == 1 and found[0][0] == pytest.approx(5.0, abs=0.1)


def test_a_file_replaced_since_its_scan_is_scanned_again(tmp_path: Path, clips) -> None:
    root = _case(tmp_path, clips["continuous"], continuous=False)
    assert "video.no_sign" in {f.code for f in check_case(root).findings}
    stored = root / "originals" / "continuous.mp4"
    stored.chmod(0o644)
    stored.write_bytes(clips["cut"].read_bytes())
    codes = {f.code for f in check_case(root).findings}
    assert "video.cut" in codes and "video.no_sign" not in codes


def test_times_are_said_to_a_tenth_without_a_sixtieth_second() -> None:
    from evidence_tools.timecode import tenths_timecode

    assert [tenths_timecode(t) for t in (59.97, 119.99, -0.01, 61.25)] == [
        "1:00.0", "2:00.0", "0:00.0", "1:01.2"
    ]  # fmt: skip
