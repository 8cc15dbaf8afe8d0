"""Generate the sample case in samples/case: phone-style photos and a video with real metadata.

Run from the project root:  python scripts/make_samples.py [--force]

The files imitate what phones write (EXIF with offsets and GPS, an Orientation-6 photo, an
iPhone HEIC, a portrait HEVC .MOV with QuickTime Keys and a display matrix), so the README
demo and the tests exercise the same paths as a buyer's real files. Pictures are drawn, not
photographed, to keep the samples small and free of anyone's rights.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evidence_tools.ffmpeg.runner import ffmpeg_exe  # noqa: E402
from evidence_tools.images import font_path  # noqa: E402

CASE = ROOT / "samples" / "case"
ORDER = "8123456789012345"
TRACKING = "LP00123456789CN"
BROWN = (176, 132, 86)
DARK_BROWN = (120, 86, 52)

CASE_TOML = f"""\
# The sample case: a phone case bought on AliExpress arrived cracked.
# Regenerate with: python scripts/make_samples.py --force

[case]
platform = "aliexpress"
claim = "damaged"
resolution = "full_refund"
amount = "12.99 USD"
timezone = "Europe/Moscow"

[order]
number = "{ORDER}"
placed = 2026-10-02
delivered = 2026-11-21
item = "Shockproof case for iPhone 15"
seller = "Example Official Store"
tracking = "{TRACKING}"

[platform]
# The sample's dates are fixed, so AliExpress's 15 days would have run out by the time you
# try it; a real case leaves this out and keeps the platform's own deadline.
deadline_days = 3650

[[evidence]]
file = "originals/unboxing.mov"
caption = "Unboxing of the sealed parcel, from the shipping label to the crack"
continuous = true
trim = ["0:01", "0:09"]
stamp = true
# the buyer's address on the label, covered in the copy for viewing and in the stills
redact = [{{ box = [0.18, 0.33, 0.66, 0.085], from = "0:00", to = "0:03.4" }}]
moments = [{{ at = "0:02", note = "Sealed parcel with the shipping label" }},
           {{ at = "0:08", note = "Crack on the left edge of the case" }}]

[[evidence]]
file = "originals/parcel_label.jpg"
caption = "Shipping label with the tracking number (address covered)"
annotate = [{{ redact = [0.295, 0.355, 0.41, 0.12] }},
            {{ box = [0.29, 0.27, 0.415, 0.075], label = "Tracking number" }}]

[[evidence]]
file = "originals/crack_closeup.jpg"
caption = "Crack along the left edge & corner"
defects = ["cracked"]
annotate = [{{ ellipse = [0.13, 0.31, 0.19, 0.39], label = "Crack" }},
            {{ magnify = [0.17, 0.33, 0.12, 0.16], label = "Crack" }}]

[[evidence]]
file = "originals/case_back.heic"
caption = "Back of the case: the camera cut-out is broken"
defects = ["broken_part"]
annotate = [{{ arrow = [0.72, 0.45, 0.53, 0.27] }},
            {{ marker = [0.50, 0.22] }},
            {{ label = [0.56, 0.12, "Broken camera cut-out"] }}]
"""


def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(bold)), size)


def fit_font(
    d: ImageDraw.ImageDraw, text: str, width: int, start: int, bold: bool = False
) -> ImageFont.FreeTypeFont:
    size = max(6, start)
    while size > 6 and d.textlength(text, font=font(size, bold)) > width:
        size -= 1
    return font(size, bold)


def draw_parcel(size: tuple[int, int], *, opened: bool = False) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, (214, 210, 200))
    d = ImageDraw.Draw(img)
    # wood-grain table lines
    for y in range(0, h, max(8, h // 40)):
        d.line([(0, y), (w, y + h // 30)], fill=(200, 194, 182), width=2)
    box = (int(w * 0.12), int(h * 0.14), int(w * 0.88), int(h * 0.86))
    d.rectangle(box, fill=BROWN, outline=DARK_BROWN, width=max(3, w // 200))
    if opened:
        d.rectangle(
            (box[0] + w // 20, box[1] + h // 20, box[2] - w // 20, box[3] - h // 20),
            fill=(60, 50, 40),
        )
    else:
        cx = (box[0] + box[2]) // 2
        d.rectangle((cx - w // 30, box[1], cx + w // 30, box[3]), fill=(150, 110, 70))
        portrait = h > w
        label = (
            (int(w * 0.17), int(h * 0.24), int(w * 0.83), int(h * 0.52))
            if portrait
            else (int(w * 0.28), int(h * 0.20), int(w * 0.72), int(h * 0.62))
        )
        d.rectangle(label, fill=(250, 250, 246), outline=(30, 30, 30), width=max(2, w // 400))
        lw = label[2] - label[0]
        f_big = fit_font(d, f"TRACKING {TRACKING}", int(lw * 0.9), lw // 12, bold=True)
        f_small = fit_font(d, "TO: Dmitry Ivanov / Дмитрий Иванов", int(lw * 0.9), lw // 20)
        x = label[0] + lw // 20
        y = label[1] + lw // 24
        d.text((x, y), "AliExpress Standard Shipping", font=f_small, fill=(20, 20, 20))
        y += int(lw / 9)
        d.text((x, y), f"TRACKING {TRACKING}", font=f_big, fill=(0, 0, 0))
        y += int(lw / 8)
        d.text((x, y), "TO: Dmitry Ivanov / Дмитрий Иванов", font=f_small, fill=(0, 0, 0))
        y += int(lw / 16)
        d.text((x, y), "12 Example Street, apt 34", font=f_small, fill=(0, 0, 0))
        y += int(lw / 16)
        d.text((x, y), "Moscow 101000, RU", font=f_small, fill=(0, 0, 0))
        y += int(lw / 11)
        # the tracking number as a real code a scanner reads: a QR code on the narrow
        # portrait label (a Code 128 of 15 characters needs more width than it has), a Code 128
        # on the wide one
        paste_code(img, TRACKING, (x, y), label[2] - lw // 20 - x, lw // 4 if portrait else lw // 8,
                   qr=portrait)  # fmt: skip
    return img


def paste_code(img: Image.Image, text: str, at: tuple[int, int], width: int, height: int,
               *, qr: bool) -> None:  # fmt: skip
    """``text`` as a Code 128 (or QR) symbol, scaled by whole modules into width x height."""
    import numpy as np
    import zxingcpp

    fmt = zxingcpp.BarcodeFormat.QRCode if qr else zxingcpp.BarcodeFormat.Code128
    symbol = np.array(zxingcpp.write_barcode_to_image(zxingcpp.create_barcode(text, fmt)))
    code = Image.fromarray(symbol).convert("RGB")
    scale = max(1, min(width // code.width, height // code.height))
    code = code.resize((code.width * scale, code.height * scale), Image.Resampling.NEAREST)
    img.paste(code, at)


def draw_phone_case(
    size: tuple[int, int], *, cracked: bool = True, back: bool = False
) -> Image.Image:
    w, h = size
    img = Image.new("RGB", size, (236, 236, 240))
    d = ImageDraw.Draw(img)
    case = (int(w * 0.18), int(h * 0.12), int(w * 0.82), int(h * 0.9))
    r = min(w, h) // 12
    d.rounded_rectangle(
        case, radius=r, fill=(30, 60, 110), outline=(15, 30, 60), width=max(3, w // 150)
    )
    if back:
        cam = (
            case[0] + w // 20,
            case[1] + h // 25,
            case[0] + int(w * 0.26),
            case[1] + int(h * 0.2),
        )
        d.rounded_rectangle(cam, radius=r // 2, fill=(10, 10, 14))
        if cracked:
            d.line(
                [(cam[2], cam[1] + 10), (cam[2] + w // 12, cam[1] - h // 30)],
                fill=(250, 250, 250),
                width=4,
            )
            d.line(
                [(cam[2], cam[3] - 20), (cam[2] + w // 10, cam[3] + h // 40)],
                fill=(250, 250, 250),
                width=3,
            )
    if cracked and not back:
        x0 = case[0] + w // 40
        pts = [
            (x0, int(h * 0.35)),
            (x0 + w // 25, int(h * 0.42)),
            (x0 + w // 60, int(h * 0.5)),
            (x0 + w // 18, int(h * 0.58)),
            (x0 + w // 40, int(h * 0.66)),
        ]
        d.line(pts, fill=(245, 245, 245), width=max(3, w // 250))
    d.text(
        (case[0] + w // 10, case[3] - h // 8),
        "SHOCKPROOF",
        font=font(max(12, w // 22), True),
        fill=(200, 210, 230),
    )
    return img


def rational(value: float, denominator: int = 1_000_000) -> Fraction:
    return Fraction(value).limit_denominator(denominator)


def dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    value = abs(value)
    deg = int(value)
    minutes_full = (value - deg) * 60
    minutes = int(minutes_full)
    seconds = (minutes_full - minutes) * 60
    return Fraction(deg), Fraction(minutes), rational(seconds, 10000)


def make_exif(
    *,
    when: str,
    offset: str,
    subsec: str = "",
    orientation: int = 1,
    gps: tuple[float, float, float] | None = None,
    make: str = "Apple",
    model: str = "iPhone 13",
    software: str = "17.1",
) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = make
    exif[0x0110] = model
    exif[0x0131] = software
    exif[0x0132] = when  # DateTime
    exif[0x0112] = orientation
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = when  # DateTimeOriginal
    sub[0x9004] = when  # DateTimeDigitized (CreateDate)
    sub[0x9010] = offset  # OffsetTime
    sub[0x9011] = offset  # OffsetTimeOriginal
    sub[0x9012] = offset  # OffsetTimeDigitized
    if subsec:
        sub[0x9291] = subsec
    if gps is not None:
        lat, lon, alt = gps
        g = exif.get_ifd(0x8825)
        g[0] = b"\x02\x02\x00\x00"
        g[1] = "N" if lat >= 0 else "S"
        g[2] = dms(lat)
        g[3] = "E" if lon >= 0 else "W"
        g[4] = dms(lon)
        g[5] = b"\x00"
        g[6] = rational(alt, 100)
    return exif


def make_photos(originals: Path) -> None:
    # 1. The shipping label, landscape, with GPS (the reader must warn about it).
    img = draw_parcel((1600, 1200))
    exif = make_exif(
        when="2026:11:21 18:40:12", offset="+03:00", subsec="250", gps=(55.755833, 37.617300, 156.0)
    )
    img.save(originals / "parcel_label.jpg", quality=88, exif=exif.tobytes())

    # 2. The crack, shot upright: pixels stored landscape with Orientation 6 (rotate 90 CW).
    upright = draw_phone_case((1200, 1600))
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # undo of a 90 degree CW turn
    exif = make_exif(when="2026:11:21 18:44:30", offset="+03:00", subsec="580", orientation=6)
    stored.save(originals / "crack_closeup.jpg", quality=88, exif=exif.tobytes())

    # 3. The back, as an iPhone HEIC.
    import pillow_heif

    pillow_heif.register_heif_opener()
    img = draw_phone_case((1200, 900), back=True)
    exif = make_exif(when="2026:11:21 18:45:02", offset="+03:00", subsec="112")
    img.save(originals / "case_back.heic", quality=60, exif=exif.tobytes())


def make_video(originals: Path) -> None:
    """A 10 s portrait HEVC .MOV: stored 640x360 with a display matrix, shown as 360x640."""
    ff = ffmpeg_exe()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        scenes = [
            draw_parcel((360, 640)),
            draw_parcel((360, 640), opened=True),
            draw_phone_case((360, 640)),
        ]
        # one recording, no cut: the camera rests on the parcel, moves down to the open box,
        # then to the case, each move taking 0.4 s (a strip of the three, cropped as it goes)
        strip = Image.new("RGB", (360, 640 * 3))
        for i, scene in enumerate(scenes):
            strip.paste(scene, (0, 640 * i))
        strip.save(tmp / "strip.png")
        fontfile = str(font_path(True)).replace("\\", "/").replace(":", "\\:")
        move = "(clip((t-{a})/0.4,0,1))"
        y = f"640*{move.format(a=3.4)}+640*{move.format(a=6.7)}"
        graph = (
            f"[0:v]fps=30,crop=360:640:0:'{y}',"
            f"drawtext=fontfile='{fontfile}':text='frame %{{frame_num}}':x=10:y=10:"
            "fontsize=18:fontcolor=white:box=1:boxcolor=black@0.5,"
            "transpose=1,format=yuv420p[v]"  # stored landscape; the display matrix turns it back
        )
        plain = tmp / "plain.mov"
        cmd = [ff, "-hide_banner", "-loglevel", "error", "-y"]
        cmd += ["-loop", "1", "-framerate", "30", "-t", "10", "-i", str(tmp / "strip.png")]
        cmd += ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100:duration=10"]
        cmd += [
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "1:a",
            "-c:v",
            "libx265",
            "-preset",
            "medium",
            "-crf",
            "30",
            "-tag:v",
            "hvc1",
            "-x265-params",
            # info=0: no encoder's name in the bitstream, as a phone's file has none
            "keyint=60:min-keyint=60:scenecut=0:log-level=error:info=0",
            "-fflags",
            "+bitexact",
            "-flags:v",
            "+bitexact",
            "-c:a",
            "aac",
            "-flags:a",
            "+bitexact",
            "-b:a",
            "48k",
            "-ac",
            "1",
            "-t",
            "10",
            str(plain),
        ]
        subprocess.run(cmd, check=True)
        meta = {
            "creation_time": "2026-11-21T15:38:00.000000Z",
            "com.apple.quicktime.creationdate": "2026-11-21T18:38:00+0300",
            "com.apple.quicktime.make": "Apple",
            "com.apple.quicktime.model": "iPhone 13",
            "com.apple.quicktime.software": "17.1",
            "com.apple.quicktime.location.ISO6709": "+55.7558+037.6173+156.000/",
        }
        cmd = [
            ff,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-display_rotation:v:0",
            "90",
            "-i",
            str(plain),
            "-map",
            "0",
            "-c",
            "copy",
            "-movflags",
            "use_metadata_tags",
            "-fflags",
            "+bitexact",  # no "Lavf" encoder tag: the file carries only what a phone writes
        ]
        for key, value in meta.items():
            cmd += ["-metadata", f"{key}={value}"]
        cmd += ["-metadata:s", "creation_time=2026-11-21T15:38:00.000000Z"]
        # the compressor name an iPhone writes, not ffmpeg's "Lavc libx265"
        cmd += ["-metadata:s:v:0", "encoder=HEVC"]
        cmd += [str(originals / "unboxing.mov")]
        subprocess.run(cmd, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="replace an existing sample case")
    args = parser.parse_args()
    if CASE.exists():
        if not args.force:
            sys.exit(f"{CASE} exists; use --force to regenerate it")
        for p in CASE.rglob("*"):
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(CASE)
    staging = CASE.parent / "_staging"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    make_photos(staging)
    make_video(staging)
    CASE.mkdir(parents=True)
    (CASE / "case.toml").write_text(CASE_TOML, encoding="utf-8")
    (CASE / "originals").mkdir()
    (CASE / "exports").mkdir()
    # Bring the files in the way a user would, so the manifest is the real thing.
    from evidence_tools.case.intake import add_files

    names = ["unboxing.mov", "parcel_label.jpg", "crack_closeup.jpg", "case_back.heic"]
    for result in add_files(CASE, [staging / n for n in names]):
        if result.error:
            sys.exit(result.error.one_line())
    shutil.rmtree(staging)
    # add_files appends entries only for files case.toml does not list; ours lists them all.
    manifest = json.loads((CASE / "manifest.json").read_text())
    total = sum(e["size"] for e in manifest["files"].values())
    print(f"sample case written to {CASE} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
