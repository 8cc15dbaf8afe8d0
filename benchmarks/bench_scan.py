"""Time the video scan (`evidence check`'s first look at a video) against a raw full decode.

    python benchmarks/bench_scan.py [--seconds 120] [--repeat 3]

Generates a 1080p portrait-sized H.264 clip with a moving picture, then in the same run times:
  1. the first scan (frame times, the 64x64 motion pass, the first minute at label size,
     editors' marks): `scan_video` in a fresh Python, against `ffmpeg -i FILE -f null -`
     (goal <= 2x);
  2. a second `evidence check` on a case holding that clip, against the first: the scan is read
     from the case's cache (goal: under 1 s added by the video).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compared, run_once  # noqa: E402

from evidence_tools.ffmpeg.runner import ffmpeg_exe, run_ffmpeg  # noqa: E402


def make_clip(out: Path, seconds: float) -> None:
    run_ffmpeg([
        "-y", "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=30:duration={seconds}",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-pix_fmt", "yuv420p",
        "-g", "60", str(out),
    ], outputs=[out])  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        clip = tmp / "clip.mp4"
        make_clip(clip, args.seconds)
        scan = [sys.executable, "-c",
                "import sys; from pathlib import Path; from evidence_tools.video.scan import "
                "scan_video; scan_video(Path(sys.argv[1]))", str(clip)]  # fmt: skip
        raw = [ffmpeg_exe(), "-v", "error", "-i", str(clip), "-f", "null", "-"]
        ours, ref, ratio, best = compared(scan, raw, args.repeat, cwd=ROOT)
        print(f"first scan of a {args.seconds:g} s 1080p clip: {ours:.2f} s; raw decode "
              f"{ref:.2f} s; ratio {ratio:.2f} (fastest runs {best:.2f}); goal <= 2")  # fmt: skip

        from evidence_tools.case.intake import add_files, init_case

        case = tmp / "case"
        init_case(case, platform="ebay", claim="damaged", order="1")
        add_files(case, [clip])
        # check_case, as `evidence check` runs it (the CLI would exit 1 on the case's errors)
        check = [sys.executable, "-c", "import sys; from evidence_tools.check import check_case; "
                 "check_case(sys.argv[1])", str(case)]  # fmt: skip
        first = run_once(check, cwd=ROOT)
        again = min(run_once(check, cwd=ROOT) for _ in range(args.repeat))
        empty = tmp / "empty"
        init_case(empty, platform="ebay", claim="damaged", order="1")
        base = min(run_once([*check[:-1], str(empty)], cwd=ROOT) for _ in range(args.repeat))
        print(
            f"evidence check: first {first:.2f} s, again {again:.2f} s (a case with no "
            f"video: {base:.2f} s; the cached video adds {again - base:.2f} s; goal < 1 s)"
        )


if __name__ == "__main__":
    main()
