"""Every ffmpeg command line the toolkit runs, one named function per job.

Each job builds its argument list, says in comments why each part is there, and runs it
through ``runner`` (the only place a process starts; ``-vv`` logs the line). The verbs decide
what to do; these functions only know how ffmpeg is told to do it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from evidence_tools.errors import ExternalToolError
from evidence_tools.ffmpeg.runner import read_ffmpeg, run_ffmpeg
from evidence_tools.mp4.index import KEYS_CREATIONDATE, keys_date
from evidence_tools.progress import Step
from evidence_tools.rules import RedactBox

# H.264 in yuv420p plays everywhere (browsers, phones, the platforms' own players); crf 20 at
# "veryfast" kept a 1080p stamp at real time on 2 cores.
X264 = ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p"]
AAC = ["-c:a", "aac", "-b:a", "128k"]
LOCATION_KEYS = ("location", "location-eng", "com.apple.quicktime.location.ISO6709")
# Standard range, as every SDR player and the PDF expect (set where HDR was converted).
SDR_TAGS = ["-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
            "-color_range", "tv"]  # fmt: skip
# the first video stream and any sound: phones add timecode and metadata tracks that an MP4
# output cannot hold
FIRST_VIDEO_AND_SOUND = ["-map", "0:v:0", "-map", "0:a?"]


def _mvhd_text(when: dt.datetime) -> str:
    utc = when.astimezone(dt.timezone.utc) if when.tzinfo else when
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"


def metadata_args(
    when: dt.datetime | None, *, with_keys: bool, keep_gps: bool, faststart: bool = True
) -> list[str]:
    """Carry the source's metadata over, with the creation times set to ``when`` (the first
    kept frame); the QuickTime Keys CreationDate too where ``with_keys``; the position
    blanked unless ``keep_gps``."""
    # faststart: the index goes in front, so a player can start before the whole file loads
    flags = "+faststart+use_metadata_tags" if faststart else "+use_metadata_tags"
    args = ["-map_metadata", "0", "-movflags", flags]
    if when is not None and when.tzinfo is not None:
        args += ["-metadata", f"creation_time={_mvhd_text(when)}"]
        args += ["-metadata:s:v", f"creation_time={_mvhd_text(when)}"]
        if with_keys:
            args += ["-metadata", f"{KEYS_CREATIONDATE}={keys_date(when)}"]
    if not keep_gps:
        for key in LOCATION_KEYS:
            args += ["-metadata", f"{key}="]
    return args


# --------------------------------------------------------------------------- reading


def list_packets(
    path: Path,
    *,
    seek: float | None = None,
    stop: Callable[[str], bool] | None = None,
    timeout: float = 300,
) -> tuple[str, str]:
    """(framecrc listing of the video packets, ffmpeg's description of the file).

    The packets are copied to nowhere, never decoded, so the listing tells how much of the
    file can really be read; ``seek`` lands on the keyframe at or before it; ``stop`` ends
    the listing early."""
    args = ["-nostats"]
    if seek:
        args += ["-ss", f"{seek:.6f}"]
    # -copyts keeps the file's own times in the listing, so a seek's landing point shows
    args += ["-copyts", "-i", str(path), "-map", "0:v:0", "-c", "copy", "-f", "framecrc", "-"]
    return read_ffmpeg(args, stop=stop, timeout=timeout, path=path)


def scan_frames(path: Path, label_dir: Path) -> list[str]:
    """One decode for the video scan (``video.scan``): every frame as 64x64 grey bytes on
    stdout, for the cuts; and two frames a second of the first minute, upright, at most 1280
    pixels on the long side, grey, into ``label_dir``, for the label's barcode. Scaled in
    ffmpeg's pipeline, so Python never sees a full-size frame; passthrough keeps one output
    frame per decoded frame, matched to the packet times in order."""
    small = "scale=64:64:flags=area,format=gray"
    big = (
        "trim=end=60,fps=2,"
        "scale='if(gt(iw,ih),min(1280,iw),-2)':'if(gt(iw,ih),-2,min(1280,ih))',format=gray"
    )
    graph = f"[0:v:0]split=2[s][b];[s]{small}[small];[b]{big}[big]"
    return [
        "-v", "error", "-i", str(path), "-filter_complex", graph,
        "-map", "[small]", "-fps_mode", "passthrough", "-f", "rawvideo", "pipe:1",
        "-map", "[big]", "-fps_mode", "passthrough", "-f", "image2",
        str(label_dir / "label_%04d.pgm"),
    ]  # fmt: skip


# --------------------------------------------------------------------------- cutting


def stream_copy(
    source: Path,
    out: Path,
    start: float,
    length: float,
    meta: Callable[[bool], list[str]],
    *,
    packets: float,
    progress: Step | None,
) -> str:
    """A lossless cut: the packets from ``start`` copied as they are; returns ffmpeg's log.

    ``meta(faststart)`` gives the metadata arguments. Reserving room for the index up front
    (``-moov_size``, about 40 bytes a packet) writes the file once, where ``+faststart``
    writes it and then rewrites it whole; should the estimate fall short, ffmpeg fails and
    the copy is made again the ordinary way."""
    args = ["-ss", f"{start:.6f}", "-i", str(source), "-t", f"{length:.6f}"]
    # make_zero: the cut's first packet starts at time 0, as a player expects
    args += FIRST_VIDEO_AND_SOUND + ["-c", "copy", "-avoid_negative_ts", "make_zero"]
    reserve = int(packets * 40 + 100_000)
    try:
        return run_ffmpeg(
            args + meta(False) + ["-moov_size", str(reserve), "-y", str(out)],
            outputs=[out], duration=length, progress=progress,
        )  # fmt: skip
    except ExternalToolError:
        return run_ffmpeg(args + meta(True) + ["-y", str(out)], outputs=[out],
                          duration=length, progress=progress)  # fmt: skip


def written_length(log: str) -> float | None:
    """The output length ffmpeg reported in its last progress line of ``log``."""
    found = re.findall(r"time=\s*(\d+):(\d{2}):(\d{2}(?:\.\d+)?)", log)
    if not found:
        return None
    h, m, sec = found[-1]
    return int(h) * 3600 + int(m) * 60 + float(sec)


def encode_range(
    source: Path, out: Path, start: float, length: float, meta: list[str], progress: Step | None
) -> str:
    """A frame-exact cut: re-encoded from ``start``; returns ffmpeg's log."""
    args = ["-ss", f"{start:.6f}", "-i", str(source), "-t", f"{length:.6f}"]
    args += FIRST_VIDEO_AND_SOUND + X264 + AAC + meta + ["-y", str(out)]
    return run_ffmpeg(args, outputs=[out], duration=length, progress=progress)


# --------------------------------------------------------------------------- picture


def to_sdr(hdr: str, *, full_range: bool = False) -> list[str]:
    """Filters that turn an HLG or PQ picture into standard-range BT.709 (limited range for
    video, ``full_range`` for a JPEG still), chosen by measuring against the SDR picture an
    HDR test clip was made from (tests/test_hdr.py makes them with zscale):

    - HLG: zscale's direct conversion. Mean error against the SDR source 1.8 levels of 255 on
      a phone photo, about 4 on ffmpeg's saturated test pattern; saturation ratio 1.00 (the
      unconverted still: 37 levels off, saturation 0.71; a "hable" tone map: 85 levels off).
    - PQ: linear light with reference white at 203 cd/m² (BT.2408, where phones put it), then
      Möbius with its knee at 0.9: what lies below reference white stays as it is, and the
      highlights a phone records up to 1000 cd/m² are rolled off instead of clipped. 2.5
      levels on the photo, 6.8 on the test pattern (the default knee 0.3: 5.7 and 22; "hable":
      39 and 50; unconverted: 39 levels, saturation 0.48).
    """
    levels = "pc" if full_range else "tv"
    if hdr == "HLG":
        return [f"zscale=t=bt709:m=bt709:p=bt709:r={levels}"]
    if hdr == "PQ":
        return ["zscale=t=linear:npl=203", "format=gbrpf32le", "zscale=p=bt709",
                "tonemap=tonemap=mobius:param=0.9:desat=0",
                f"zscale=t=bt709:m=bt709:r={levels}"]  # fmt: skip
    return []


def short_side_at_most(pixels: int | None) -> list[str]:
    """Scale so the short side is at most ``pixels`` (never up), even sizes for the encoder;
    placed first in a chain, so the colour conversion and the overlay work on fewer pixels
    (a 4K clip's stamp went from 0.47x to about real time on 2 cores)."""
    if not pixels:
        return []
    width = f"if(gt(iw,ih),-2,min({pixels},iw))"
    height = f"if(gt(iw,ih),min({pixels},ih),-2)"
    return [f"scale='{width}':'{height}'"]


def fitted_size(width: int, height: int, pixels: int | None) -> tuple[int, int]:
    """The size ``short_side_at_most`` gives a ``width`` x ``height`` picture."""
    short = min(width, height)
    if not pixels or short <= pixels:
        return width, height
    scale = pixels / short
    long_side = int(round(max(width, height) * scale / 2)) * 2
    return (long_side, pixels) if width > height else (pixels, long_side)


# --------------------------------------------------------------------------- drawing


def redact_filters(regions: Sequence[RedactBox], offset: float = 0.0) -> list[str]:
    """Solid black boxes, drawn on the upright frames before anything else.

    ``offset`` is the source time of the output's first frame, so a box limited to part of
    the source is switched on and off at the right output times.
    """
    filters = []
    for r in regions:
        f = (
            f"drawbox=x=floor(iw*{r.x:.6f}):y=floor(ih*{r.y:.6f}):w=ceil(iw*{r.w:.6f}):"
            f"h=ceil(ih*{r.h:.6f}):color=black:t=fill"
        )
        if r.start is not None or r.end is not None:
            lo = (r.start if r.start is not None else 0.0) - offset
            hi = (r.end if r.end is not None else 1e9) - offset
            f += f":enable='between(t,{lo:.6f},{hi - 1e-6:.6f})'"
        filters.append(f)
    return filters


def drawtext_filter(textfile: str, size: int, x: str, y: str, border: int, *, expand: bool) -> str:
    """White text on a half-black box. The font is ``font.ttf`` in the working folder: drawtext
    needs an explicit fontfile (no fontconfig in the bundled ffmpeg), and a bare name avoids
    escaping a path with colons or spaces. ``expand`` lets ffmpeg expand ``%{pts:...}``."""
    common = (
        "fontfile=font.ttf:fontcolor=white:box=1:boxcolor=black@0.6:"
        f"boxborderw={border}:borderw=1:bordercolor=black@0.8"
    )
    expansion = "" if expand else ":expansion=none"
    return f"drawtext={common}:textfile={textfile}{expansion}:fontsize={size}:x={x}:y={y}"


def burn_in(
    source: Path,
    out: Path,
    start: float,
    length: float,
    filters: Sequence[str],
    meta: list[str],
    *,
    workdir: Path,
    progress: Step | None,
    hdr: str = "",
) -> None:
    """Re-encode [start, start + length) with ``filters`` drawn on every frame; the working
    folder holds the font and the text files the filters name. Where the source was ``hdr``,
    the filters converted it and the output is tagged as the BT.709 it now is (an 8-bit copy
    would otherwise keep the source's HDR tags)."""
    # ffmpeg turns frames upright before filters run (autorotate), so boxes and text land
    # where the viewer sees them; the output then needs no rotation flag
    args = ["-ss", f"{start:.6f}", "-i", str(source.resolve()), "-t", f"{length:.6f}"]
    args += FIRST_VIDEO_AND_SOUND + ["-vf", ",".join([*filters, "format=yuv420p"])]
    args += X264 + AAC + (SDR_TAGS if hdr else []) + meta + ["-y", str(out.resolve())]
    run_ffmpeg(args, outputs=[out], duration=length, progress=progress, cwd=workdir)


def grab_frame(
    source: Path,
    at: float,
    dest: Path,
    *,
    max_side: int | None = None,
    regions: Sequence[RedactBox] = (),
    hdr: str = "",
) -> None:
    """One upright JPEG still at ``at`` seconds, redacted, at most ``max_side`` on its long
    side, in standard range where the video is ``hdr``."""
    vf = [*to_sdr(hdr, full_range=True), *redact_filters(regions), "format=yuvj420p"]
    if max_side:  # scale first: the boxes are fractions, and a smaller frame draws faster
        long_side = f"min({max_side},iw)", f"min({max_side},ih)"
        vf.insert(0, f"scale='if(gt(iw,ih),{long_side[0]},-2)':'if(gt(iw,ih),-2,{long_side[1]})'")
    # -ss before -i seeks to the keyframe and decodes up to the exact time
    args = ["-ss", f"{at:.6f}", "-i", str(source), "-map", "0:v:0", "-frames:v", "1"]
    args += ["-vf", ",".join(vf), "-q:v", "2", "-y", str(dest)]
    run_ffmpeg(args, outputs=[dest])


# --------------------------------------------------------------------------- fitting


def two_pass_h264(
    source: Path,
    out: Path,
    length: float,
    *,
    scale: str,
    video_kbps: int,
    audio_kbps: int,
    meta: list[str],
    workdir: Path,
    progress: Step | None,
    hdr: str = "",
) -> None:
    """H.264 at an average bitrate, in two passes: the first measures the picture, the second
    spends the bits where they show. The bitrate, not a quality, lands the size under a
    limit; maxrate/bufsize keep its peaks from stalling a player."""
    common = ["-i", str(source.resolve()), "-t", f"{length:.6f}", "-map", "0:v:0"]
    vf = ",".join([scale, *to_sdr(hdr), "format=yuv420p"])
    vopts = ["-vf", vf, *(SDR_TAGS if hdr else []), "-c:v", "libx264", "-preset", "medium",
             "-b:v", f"{video_kbps}k", "-maxrate", f"{int(video_kbps * 1.5)}k",
             "-bufsize", f"{video_kbps * 2}k"]  # fmt: skip
    passlog = str(workdir / "pass")
    run_ffmpeg(
        common + vopts + ["-pass", "1", "-passlogfile", passlog, "-an", "-f", "null", "-"],
        duration=length,
        progress=progress,
        span=(0.0, 0.5),
    )
    audio = ["-map", "0:a?", "-c:a", "aac", "-b:a", f"{audio_kbps}k"] if audio_kbps else []
    run_ffmpeg(
        common + vopts + ["-pass", "2", "-passlogfile", passlog] + audio + meta
        + ["-y", str(out.resolve())],
        outputs=[out], duration=length, progress=progress, span=(0.5, 1.0),
    )  # fmt: skip


def browser_copy(source: Path, out: Path, *, hdr: str, duration: float | None) -> None:
    """A small H.264 copy for the mark page's player: browsers play neither HEVC nor HDR
    (Debian's Chromium answers "" to canPlayType for hvc1), and the page needs the times, not
    the pixels: trims and moments are read off it, stills and stamps come from the original.
    The timeline is the original's (no cut), so a time read off this copy is the same there;
    a keyframe every second keeps seeking quick."""
    filters = [*short_side_at_most(540), *to_sdr(hdr), "format=yuv420p"]
    args = ["-i", str(source.resolve()), *FIRST_VIDEO_AND_SOUND, "-vf", ",".join(filters)]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-crf", "26", "-g", "30"]
    args += AAC + (SDR_TAGS if hdr else []) + ["-movflags", "+faststart", "-y", str(out)]
    run_ffmpeg(args, outputs=[out], duration=duration)
