"""HDR phone video shown truly: stills, contact sheets and the stamped copy of an HLG or PQ
clip are converted to standard-range BT.709, so they match the SDR picture the clip was made
from; viewing copies are at most 1080 pixels on their short side.

The HDR clips are made here from an SDR picture with zscale, as a phone's HLG (iPhone) or
HDR10/PQ (Android, reference white at 203 cd/m² as BT.2408 puts it) recording would carry it.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import run
from PIL import Image, ImageChops, ImageStat

from evidence_tools.ffmpeg.runner import read_ffmpeg, run_ffmpeg
from evidence_tools.metadata.read import read_capture
from evidence_tools.video.stamp import stamp
from evidence_tools.video.stills import frames

SDR_IN = "tin=bt709:pin=bt709:min=bt709:rin=tv"
HDR = {
    "HLG": ("arib-std-b67", ""),
    "PQ": ("smpte2084", ":npl=203"),
}


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hdr")
    sdr = folder / "sdr.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25:duration=1",
         "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p", "-c:v", "libx264",
         "-crf", "8", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
         "-y", str(sdr)],
        outputs=[sdr],
    )  # fmt: skip
    made = {"SDR": sdr}
    for name, (transfer, npl) in HDR.items():
        out = folder / f"{name.lower()}.mov"
        run_ffmpeg(
            ["-i", str(sdr), "-vf",
             f"zscale={SDR_IN}:t={transfer}:m=bt2020nc:p=bt2020:range=tv{npl},format=yuv420p10le",
             "-c:v", "libx265", "-x265-params", "log-level=error", "-crf", "8", "-tag:v", "hvc1",
             "-colorspace", "bt2020nc", "-color_primaries", "bt2020", "-color_trc", transfer,
             "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y", str(out)],
            outputs=[out],
        )  # fmt: skip
        made[name] = out
    return made


def error_and_saturation(img: Image.Image, ref: Image.Image) -> tuple[float, float]:
    """Mean absolute difference (levels of 255) and the ratio of mean HSV saturation."""
    diff = sum(ImageStat.Stat(ImageChops.difference(img, ref)).mean) / 3
    sat = ImageStat.Stat(img.convert("HSV")).mean[1] / ImageStat.Stat(ref.convert("HSV")).mean[1]
    return diff, sat


def still(src: Path, folder: Path) -> Image.Image:
    folder.mkdir()
    (made,) = frames(src, at=[0.5], outdir=folder, record=False).stills
    return Image.open(made.path).convert("RGB")


@pytest.mark.parametrize("kind", ["HLG", "PQ"])
def test_hdr_is_detected(clips: dict[str, Path], kind: str) -> None:
    assert read_capture(clips[kind]).hdr == kind
    assert read_capture(clips["SDR"]).hdr == ""


@pytest.mark.parametrize(("kind", "limit"), [("HLG", 5.0), ("PQ", 8.0)])
def test_stills_of_hdr_match_the_sdr_picture(
    clips: dict[str, Path], tmp_path: Path, kind: str, limit: float
) -> None:
    ref = still(clips["SDR"], tmp_path / "sdr")
    img = still(clips[kind], tmp_path / "hdr")
    error, saturation = error_and_saturation(img, ref)
    print(f"{kind} still: error {error:.2f} levels, saturation ratio {saturation:.3f}")
    assert error < limit, error
    assert 0.95 < saturation < 1.05, saturation


def test_without_conversion_the_colours_are_wrong(clips: dict[str, Path], tmp_path: Path) -> None:
    """What the conversion fixes (and so what the tests above would catch): the HLG picture
    decoded as it is stands far from the SDR one, and washed out."""
    raw = tmp_path / "raw.png"
    run_ffmpeg(["-ss", "0.5", "-i", str(clips["HLG"]), "-frames:v", "1", "-y", str(raw)],
               outputs=[raw])  # fmt: skip
    ref = still(clips["SDR"], tmp_path / "sdr")
    error, saturation = error_and_saturation(Image.open(raw).convert("RGB"), ref)
    print(f"HLG unconverted: error {error:.2f} levels, saturation ratio {saturation:.3f}")
    assert error > 20 and saturation < 0.85


@pytest.mark.parametrize("kind", ["HLG", "PQ"])
def test_stamped_copy_is_8_bit_bt709_and_true(
    clips: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "stamped.mp4"
    result = stamp(clips[kind], out, caption="Order 1", record=False)
    assert any(f"converted from HDR ({kind})" in n for n in result.notes)
    _, description = read_ffmpeg(["-i", str(out)])
    video = next(ln for ln in description.splitlines() if "Video:" in ln)
    assert "yuv420p(tv, bt709, progressive)" in video, video
    frame = tmp_path / "frame.png"
    run_ffmpeg(["-ss", "0.5", "-i", str(out), "-frames:v", "1", "-y", str(frame)], outputs=[frame])
    ref = still(clips["SDR"], tmp_path / "sdr")
    middle = (160, 40, 480, 220)  # clear of the clock and caption in the bottom-left corner
    error, saturation = error_and_saturation(
        Image.open(frame).convert("RGB").crop(middle), ref.crop(middle)
    )
    print(f"{kind} stamped: error {error:.2f} levels, saturation ratio {saturation:.3f}")
    assert error < 8 and 0.93 < saturation < 1.07, (error, saturation)


def test_viewing_copy_is_at_most_1080_on_its_short_side(tmp_path: Path, runner) -> None:
    tall = tmp_path / "tall.mp4"
    run_ffmpeg(
        ["-f", "lavfi", "-i", "testsrc2=size=1440x2560:rate=10:duration=0.5", "-c:v", "libx264",
         "-preset", "ultrafast", "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y",
         str(tall)],
        outputs=[tall],
    )  # fmt: skip
    small = tmp_path / "small.mp4"
    assert run(runner, "video", "stamp", str(tall), "-o", str(small)).exit_code == 0
    assert (read_capture(small).width, read_capture(small).height) == (1080, 1920)
    full = tmp_path / "full.mp4"
    assert run(runner, "video", "stamp", str(tall), "--full-size", "-o", str(full)).exit_code == 0
    assert (read_capture(full).width, read_capture(full).height) == (1440, 2560)


def test_display_p3_photo_is_placed_as_srgb(corpus: Path, tmp_path: Path) -> None:
    """iPhone photos carry a Display P3 profile; the PDF shows pictures as sRGB, so a photo is
    converted (placed as it is, its colours would look washed out)."""
    from PIL import ImageCms

    from evidence_tools.dossier.sections import prepare_image
    from evidence_tools.images import open_upright

    _, info = open_upright(corpus / "realworld" / "iphone_IMG_1034.heic", fit=(64, 64))
    p3 = info["icc_profile"]
    assert b"Display P3" in p3
    src = tmp_path / "p3.jpg"
    colour = (200, 90, 60)  # a P3 orange-red: more saturated in sRGB numbers
    Image.new("RGB", (300, 200), colour).save(src, quality=98, icc_profile=p3)
    buf, _, _ = prepare_image(src, 300 * 72 / 150, 200 * 72 / 150, 150)
    placed = Image.open(buf).convert("RGB").getpixel((150, 100))
    want = ImageCms.profileToProfile(
        Image.new("RGB", (1, 1), colour),
        ImageCms.ImageCmsProfile(io.BytesIO(p3)),
        ImageCms.createProfile("sRGB"),
        outputMode="RGB",
    ).getpixel((0, 0))
    assert max(abs(a - b) for a, b in zip(placed, want, strict=True)) <= 3, (placed, want)
    assert max(abs(a - b) for a, b in zip(placed, colour, strict=True)) >= 10, placed


@pytest.mark.parametrize("kind", ["HLG", "PQ"])
def test_the_mark_pages_player_gets_a_true_sdr_copy(
    clips: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    """The page's small, fast copy loses detail (the SDR clip through the same encoder: 8.2
    levels on this busy test pattern); converting from HDR must add little to that, where
    leaving it unconverted costs 37."""
    from evidence_tools.ffmpeg.jobs import browser_copy
    from evidence_tools.mark.preview import playable_video

    cache = tmp_path / "cache"
    cache.mkdir()
    copy = playable_video(clips[kind], cache)
    assert copy.parent == cache  # never the original: browsers show HDR washed out or not at all
    _, description = read_ffmpeg(["-i", str(copy)])
    video = next(ln for ln in description.splitlines() if "Video:" in ln)
    assert "h264" in video and "yuv420p(tv, bt709, progressive)" in video, video
    baseline = tmp_path / "sdr_copy.mp4"
    browser_copy(clips["SDR"], baseline, hdr="", duration=1.0)
    ref = still(clips["SDR"], tmp_path / "sdr")
    errors = []
    for name, source in (("sdr", baseline), ("hdr", copy)):
        frame = tmp_path / f"{name}.png"
        run_ffmpeg(["-ss", "0.5", "-i", str(source), "-frames:v", "1", "-y", str(frame)],
                   outputs=[frame])  # fmt: skip
        errors.append(error_and_saturation(Image.open(frame).convert("RGB"), ref))
    (base_error, _), (error, saturation) = errors
    print(f"{kind} browser copy: error {error:.2f} levels (SDR copy {base_error:.2f}), "
          f"saturation ratio {saturation:.3f}")  # fmt: skip
    assert error < base_error + 1.5 and 0.95 < saturation < 1.05, (error, base_error, saturation)
