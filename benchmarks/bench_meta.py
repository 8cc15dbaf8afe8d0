"""Time `evidence meta --json` against `exiftool -j -n` on the same files, in the same run.

    python benchmarks/bench_meta.py [--photos 300] [--repeat 3]

Generates a few hundred phone-sized JPEGs with EXIF (and a few HEIC) in a temporary folder,
adds the sample video and the corpus videos when present, and prints both times and their
ratio (goal: evidence takes under half of ExifTool's time). CLI start-up is included on both
sides.
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


def make_photos(folder: Path, count: int) -> None:
    from make_samples import draw_parcel, make_exif  # the sample generator's drawing

    base = draw_parcel((4000, 3000))
    for i in range(count):
        exif = make_exif(
            when=f"2026:11:21 18:{i // 60 % 60:02d}:{i % 60:02d}",
            offset="+03:00",
            subsec=str(i % 1000),
            orientation=6 if i % 2 else 1,
            gps=(55.75 + i / 1e4, 37.61, 150.0) if i % 3 == 0 else None,
        )
        # a few full-size 12 MP files, the rest small copies to keep the setup quick
        picture = base if i < 20 else base.resize((800, 600))
        picture.save(folder / f"IMG_{i:04d}.jpg", quality=85, exif=exif.tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    evidence = shutil.which("evidence") or str(Path(sys.executable).parent / "evidence")
    with tempfile.TemporaryDirectory() as tmp_name:
        folder = Path(tmp_name)
        make_photos(folder, args.photos)
        shutil.copy(ROOT / "samples/case/originals/unboxing.mov", folder)
        shutil.copy(ROOT / "samples/case/originals/case_back.heic", folder)
        corpus_videos = ROOT.parent / "shared/corpus/videos"
        if corpus_videos.is_dir():
            for video in corpus_videos.glob("*.m*"):
                shutil.copy(video, folder)
        n = len(list(folder.iterdir()))
        ours = timed([evidence, "meta", "--json", str(folder)], args.repeat)
        print(f"files: {n}")
        print(f"evidence meta --json : {ours:.2f} s")
        exiftool = shutil.which("exiftool")
        if exiftool is None:
            print("exiftool not on PATH: no ratio (apt-get install libimage-exiftool-perl)")
            return
        ref = timed([exiftool, "-j", "-n", str(folder)], args.repeat)
        print(f"exiftool -j -n       : {ref:.2f} s")
        print(f"ratio evidence/exiftool: {ours / ref:.2f} (goal < 0.5)")


if __name__ == "__main__":
    main()
