"""Time `evidence dossier` on 20 twelve-megapixel photos against a minimal Pillow + reportlab
script placing the same photos, and report PDF size and peak memory with 20 and 100 photos.

    python benchmarks/bench_dossier.py [--repeat 3] [--skip-100]

Goals (issue: the PDF dossier): time ratio <= 1.5, PDF <= 5 MB, peak RSS flat from 20 to 100.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import ENV, timed  # noqa: E402

MINIMAL = r"""
import io, sys
from pathlib import Path
from PIL import Image, ImageOps
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

rl_config.useA85 = 0
out, photos = sys.argv[1], sorted(Path(sys.argv[2]).glob("*.jpg"))
c = canvas.Canvas(out, pagesize=A4)
max_w, max_h = A4[0] - 102, A4[1] - 200
for p in photos:
    with Image.open(p) as img:
        turned = img.getexif().get(0x0112, 1) in (5, 6, 7, 8)
        w, h = (img.height, img.width) if turned else img.size
        s = min(max_w / w, max_h / h)
        target = (int(w * s / 72 * 150), int(h * s / 72 * 150))
        img.draft("RGB", (target[1], target[0]) if turned else target)
        up = ImageOps.exif_transpose(img).convert("RGB")
        up = up.resize(target)
        buf = io.BytesIO()
        up.save(buf, "JPEG", quality=85)
    buf.seek(0)
    c.drawImage(ImageReader(buf), 51, 150, w * s, h * s)
    c.drawString(51, 120, p.name)
    c.showPage()
c.save()
"""


def make_case(folder: Path, count: int, evidence: str) -> Path:
    from make_samples import draw_phone_case, make_exif
    from PIL import Image, ImageFilter

    photos = folder / "photos"
    photos.mkdir()
    # a drawing with fine grain, so the JPEGs are as large as a phone's (2-4 MB), not a
    # flat drawing's few hundred KB
    drawing = draw_phone_case((3000, 4000))
    grain = (
        Image.effect_noise((3000, 4000), 60).convert("RGB").filter(ImageFilter.GaussianBlur(1.2))
    )
    upright = Image.blend(drawing, grain, 0.3)
    stored = upright.transpose(2)  # ROTATE_90: stored turned, shown with Orientation 6
    for i in range(count):
        exif = make_exif(when=f"2026:11:21 18:{i // 60:02d}:{i % 60:02d}", offset="+03:00",
                         orientation=6 if i % 2 else 1)  # fmt: skip
        picture = stored if i % 2 else upright.transpose(5)  # landscape 4000x3000 when 1
        picture.save(photos / f"IMG_{i:04d}.jpg", quality=88, exif=exif.tobytes())
    case = folder / "case"
    subprocess.run([evidence, "-q", "init", str(case), "--platform", "ebay", "--claim",
                    "damaged", "--order", "123"], check=True, env=ENV)  # fmt: skip
    subprocess.run([evidence, "-q", "add", str(photos), "--case", str(case)], check=True,
                   stdout=subprocess.DEVNULL, env=ENV)  # fmt: skip
    return case


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of one run of ``cmd`` (its own process, so the max is its)."""
    probe = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
        "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True,
                         check=True, env=ENV)  # fmt: skip
    return int(out.stdout.strip()) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-100", action="store_true", help="skip the 100-photo memory run")
    args = parser.parse_args()
    evidence = shutil.which("evidence") or str(Path(sys.executable).parent / "evidence")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        (tmp / "20").mkdir()
        case = make_case(tmp / "20", 20, evidence)
        ours = timed([evidence, "-q", "dossier", str(case), "--force"], args.repeat)
        size = (case / "exports" / "dossier.pdf").stat().st_size
        minimal = timed([sys.executable, "-c", MINIMAL, str(tmp / "min.pdf"),
                         str(tmp / "20" / "photos")], args.repeat)  # fmt: skip
        rss20 = peak_rss_mb([evidence, "-q", "dossier", str(case), "--force"])
        print("20 photos of 12 MP (half with Orientation 6)")
        print(f"evidence dossier        : {ours:.2f} s, PDF {size / 1e6:.2f} MB (goal <= 5 MB)")
        print(f"minimal Pillow+reportlab: {minimal:.2f} s, PDF "
              f"{(tmp / 'min.pdf').stat().st_size / 1e6:.2f} MB")  # fmt: skip
        print(f"ratio                   : {ours / minimal:.2f} (goal <= 1.5)")
        print(f"peak RSS, 20 photos     : {rss20:.0f} MB")
        if not args.skip_100:
            (tmp / "100").mkdir()
            big = make_case(tmp / "100", 100, evidence)
            rss100 = peak_rss_mb([evidence, "-q", "dossier", str(big), "--force"])
            print(f"peak RSS, 100 photos    : {rss100:.0f} MB (goal: flat)")


if __name__ == "__main__":
    main()
