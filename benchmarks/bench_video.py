"""Time `evidence video trim` and `evidence video stamp` against the raw ffmpeg commands.

    python benchmarks/bench_video.py [--minutes 3] [--repeat 3]

Generates a 1080p H.264 clip (keyframe every 2 s, with audio and a creation time), then in
the same run times:
  1. lossless trim: ours vs `ffmpeg -ss A -to B -i IN -c copy -map 0 -map_metadata 0 OUT`
     (goal <= 1.3x, CLI start-up included);
  2. trim + stamp in one encode: ours vs the single raw ffmpeg drawtext command with the same
     x264 settings (goal <= 1.1x);
  3. the viewing copy of a 4K HLG phone clip (portrait, HEVC 10-bit): ours vs raw ffmpeg doing
     the same 1080p job (scale, HLG to BT.709, the two text lines, x264) (goal <= 1.2x).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _timing import compared, user_install  # noqa: E402

from evidence_tools.ffmpeg.runner import ffmpeg_exe  # noqa: E402
from evidence_tools.images import font_path  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--stamp-seconds", type=float, default=30.0, help="length of the stamped part"
    )
    parser.add_argument("--skip-stamp", action="store_true", help="time the lossless trim only")
    parser.add_argument("--skip-hdr", action="store_true", help="skip the 4K HDR viewing copy")
    args = parser.parse_args()
    ff = ffmpeg_exe()
    seconds = args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        evidence, what = user_install(tmp, ROOT)
        print(f"timing {what}: {evidence}", flush=True)
        src = tmp / "unboxing.mp4"
        print(f"generating a {seconds:.0f} s 1080p clip ...", flush=True)
        subprocess.run(
            [ff, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
             f"testsrc2=size=1920x1080:rate=30:duration={seconds}", "-f", "lavfi", "-i",
             f"sine=duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast", "-g", "60",
             "-b:v", "16M", "-maxrate", "16M", "-bufsize", "32M",  # a phone's bitrate
             "-c:a", "aac", "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y", str(src)],
            check=True,
        )  # fmt: skip
        a, b = seconds * 0.25, seconds * 0.75

        def clear() -> None:
            for name in ("ours.mp4", "raw.mp4"):
                (tmp / name).unlink(missing_ok=True)

        def clear_cold() -> None:
            clear()
            subprocess.run(["sync"], check=False)
            Path("/proc/sys/vm/drop_caches").write_text("3\n")

        subprocess.run(["sync"], check=False)  # not to time the flush of the clip just made
        trim = [evidence, "video", "trim", str(src), "--start", f"{a}", "--end", f"{b}",
                "-o", str(tmp / "ours.mp4")]  # fmt: skip
        raw_trim = [ff, "-y", "-loglevel", "error", "-ss", f"{a}", "-to", f"{b}", "-i",
                    str(src), "-c", "copy", "-map", "0", "-map_metadata", "0",
                    str(tmp / "raw.mp4")]  # fmt: skip
        ours, raw, ratio, best = compared(trim, raw_trim, args.repeat, before=clear)
        print(
            f"lossless trim  ours {ours:.2f} s  raw ffmpeg {raw:.2f} s  ratio {ratio:.2f}"
            f" (fastest runs {best:.2f}; goal <= 1.3; the file in the page cache)"
        )
        try:
            clear_cold()
        except OSError:
            print("lossless trim, cold cache: skipped (dropping the page cache needs root)")
        else:
            ours, raw, ratio, best = compared(trim, raw_trim, args.repeat, before=clear_cold)
            print(
                f"lossless trim  ours {ours:.2f} s  raw ffmpeg {raw:.2f} s  ratio {ratio:.2f}"
                f" (fastest runs {best:.2f}; goal <= 1.3; read from disk, page cache dropped)"
            )
        if args.skip_stamp:
            return
        s, e = a, a + args.stamp_seconds
        stamp = [evidence, "video", "stamp", str(src), "--start", f"{s}", "--end", f"{e}",
                 "--caption", "Order 8123456789012345", "--tz", "+03:00",
                 "-o", str(tmp / "ours_st.mp4"), "--force"]  # fmt: skip
        shutil.copy(font_path(bold=True), tmp / "font.ttf")
        (tmp / "clock.txt").write_text(
            "%{pts:gmtime:1795453080.000:%Y-%m-%d %H\\:%M\\:%S} +03:00", encoding="utf-8"
        )
        (tmp / "cap.txt").write_text("Order 8123456789012345", encoding="utf-8")
        common = (
            "fontfile=font.ttf:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=14:"
            "borderw=1:bordercolor=black@0.8"
        )
        vf = (
            f"drawtext={common}:textfile=clock.txt:fontsize=48:x=32:y=h-32-77,"
            f"drawtext={common}:textfile=cap.txt:expansion=none:fontsize=48:x=32:y=h-32-154,"
            "format=yuv420p"
        )
        raw_stamp = [ff, "-y", "-loglevel", "error", "-ss", f"{s}", "-i", str(src), "-t",
                     f"{e - s}", "-map", "0:v:0", "-map", "0:a?", "-vf", vf, "-c:v", "libx264",
                     "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-c:a", "aac",
                     "-b:a", "128k", "-movflags", "+faststart",
                     str(tmp / "raw_st.mp4")]  # fmt: skip
        ours, raw, ratio, best = compared(stamp, raw_stamp, args.repeat, cwd=tmp)
        print(
            f"trim + stamp   ours {ours:.2f} s  raw ffmpeg {raw:.2f} s  ratio {ratio:.2f}"
            f" (fastest runs {best:.2f}; goal <= 1.1)"
        )
        if not args.skip_hdr:
            hdr_viewing_copy(evidence, ff, tmp, common, args.repeat)


def hdr_viewing_copy(evidence: str, ff: str, tmp: Path, common: str, repeat: int) -> None:
    """A 4K HLG clip as an iPhone records it, stamped for viewing at 1080p."""
    src = tmp / "hlg_4k.mov"
    print("generating a 6 s 4K HLG clip ...", flush=True)
    subprocess.run(
        [ff, "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
         "testsrc2=size=2160x3840:rate=25:duration=6", "-vf",
         "zscale=tin=bt709:pin=bt709:min=bt709:rin=tv:t=arib-std-b67:m=bt2020nc:p=bt2020:"
         "range=tv,format=yuv420p10le", "-c:v", "libx265", "-preset", "ultrafast",
         "-x265-params", "log-level=error", "-tag:v", "hvc1", "-colorspace", "bt2020nc",
         "-color_primaries", "bt2020", "-color_trc", "arib-std-b67",
         "-metadata", "creation_time=2026-11-20T14:00:00Z", "-y", str(src)],
        check=True,
    )  # fmt: skip
    ours = [evidence, "video", "stamp", str(src), "--caption", "Order 8123456789012345",
            "--tz", "+03:00", "-o", str(tmp / "ours_hdr.mp4"), "--force"]  # fmt: skip
    vf = (
        "scale='if(gt(iw,ih),-2,min(1080,iw))':'if(gt(iw,ih),min(1080,ih),-2)',"
        "zscale=t=bt709:m=bt709:p=bt709:r=tv,"
        f"drawtext={common}:textfile=clock.txt:fontsize=48:x=32:y=h-32-77,"
        f"drawtext={common}:textfile=cap.txt:expansion=none:fontsize=48:x=32:y=h-32-154,"
        "format=yuv420p"
    )
    raw = [ff, "-y", "-loglevel", "error", "-i", str(src), "-map", "0:v:0", "-map", "0:a?",
           "-vf", vf, "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt",
           "yuv420p", "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
           "-movflags", "+faststart", str(tmp / "raw_hdr.mp4")]  # fmt: skip
    t_ours, t_raw, ratio, best = compared(ours, raw, repeat, cwd=tmp)
    print(
        f"4K HLG viewing copy (1080p)  ours {t_ours:.2f} s  raw ffmpeg {t_raw:.2f} s  "
        f"ratio {ratio:.2f} (fastest runs {best:.2f}; goal <= 1.2)"
    )


if __name__ == "__main__":
    main()
