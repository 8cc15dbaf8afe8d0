"""Time `evidence photo annotate` on a 12 MP photo against the bare Pillow round trip.

    python benchmarks/bench_annotate.py [--repeat 5]

The reference is what any annotator must do at least: open the JPEG, turn it upright, save a
JPEG at the same quality, in one Python process. Ours is the whole CLI, start-up included.
Goal: under a second for the 12 MP photo.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import timed  # noqa: E402

REFERENCE = """
import sys
from PIL import Image, ImageOps
img = ImageOps.exif_transpose(Image.open(sys.argv[1]))
img.convert("RGB").save(sys.argv[2], "JPEG", quality=92, subsampling=0)
"""


def main() -> None:
    from make_samples import draw_phone_case, make_exif

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    evidence = shutil.which("evidence") or str(Path(sys.executable).parent / "evidence")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        src = tmp / "IMG_12MP.jpg"
        upright = draw_phone_case((3000, 4000))
        exif = make_exif(
            when="2026:11:21 18:44:30", offset="+03:00", orientation=6, gps=(55.75, 37.61, 150.0)
        )
        upright.transpose(2).save(src, quality=90, exif=exif.tobytes())  # stored turned
        ours = timed(
            [
                evidence,
                "photo",
                "annotate",
                str(src),
                "-o",
                str(tmp / "ours.jpg"),
                "--force",
                "--redact",
                "0.6,0.05,0.3,0.1",
                "--ellipse",
                "0.13,0.31,0.19,0.39,Crack",
                "--arrow",
                "0.62,0.62,0.31,0.52",
                "--magnify",
                "0.17,0.33,0.12,0.16",
                "--marker",
                "0.5,0.5",
            ],
            args.repeat,
        )
        ref = timed([sys.executable, "-c", REFERENCE, str(src), str(tmp / "ref.jpg")], args.repeat)
    print("12 MP photo (4000x3000 stored, Orientation 6), 5 shapes")
    print(f"evidence photo annotate : {ours:.2f} s (goal < 1 s)")
    print(f"Pillow open+upright+save: {ref:.2f} s")
    print(f"ratio evidence/Pillow   : {ours / ref:.2f}")


if __name__ == "__main__":
    main()
