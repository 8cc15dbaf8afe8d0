"""Video capture metadata: from the MP4/MOV index where it can be read (no process), else
from the bundled ffmpeg (no ffprobe, no Perl).

ffmpeg's description of a file is parsed into the same typed fields (``ProbeResult``) that
the index reader fills, and one ``interpret`` turns either into a ``CaptureInfo``. How much
of a file can really be read comes from a packet listing: the packets are copied to nowhere,
so a truncated copy shows up without decoding a single frame.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from evidence_tools.errors import InputFileError
from evidence_tools.ffmpeg import jobs
from evidence_tools.i18n import Text
from evidence_tools.metadata.model import GPS, CaptureInfo, editor_in
from evidence_tools.mp4.index import EPOCH_1904, KEYS_CREATIONDATE, Movie, codec_name, rotation
from evidence_tools.rules import parse_iso_datetime

# Patterns only the ffmpeg text parser needs stay strings (re caches them once compiled):
# a lossless trim reads the MP4 index instead and should not pay for compiling them.
_DURATION_RE = r"^\s{2}Duration: (\S+?),(?: start: (-?[\d.]+),)?"
_STREAM_RE = r"^\s{2}Stream #\d+:(\d+)[^:]*: (Video|Audio|Data|Subtitle|Attachment): (.*)$"
_KV_RE = r"^(\s+)([^:]*?)\s*: ?(.*)$"
_SIZE_RE = r"(?<![\w])(\d{2,5})x(\d{2,5})(?![\w])"
_FPS_RE = r"([\d.]+)\s*fps"
# ffmpeg 9 prints "Display Matrix: rotation of -90.00 degrees"; older builds print
# "displaymatrix: rotation of -90.00 degrees". moviepy 2.2.1 only knows the old form.
_MATRIX_RE = r"display\s*matrix:\s*rotation of\s*(-?[\d.]+)\s*degrees"
_ISO6709_RE = re.compile(r"^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?")


class StreamInfo:
    """One stream's facts, typed: ``rotation`` is the display matrix's angle in degrees
    counter-clockwise, as ffmpeg reports it (None: no matrix)."""

    def __init__(
        self,
        index: int,
        kind: str,
        *,
        codec: str = "",
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        rotation: float | None = None,
        metadata: dict[str, str] | None = None,
        color: tuple[str, str, str] = ("", "", ""),
        dolby_vision: bool = False,
    ) -> None:
        self.index, self.kind, self.codec = index, kind, codec
        self.color, self.dolby_vision = color, dolby_vision  # (matrix, primaries, transfer)
        self.width, self.height, self.fps, self.rotation = width, height, fps, rotation
        self.metadata: dict[str, str] = {} if metadata is None else metadata


class ProbeResult:
    """A container's facts, from ffmpeg's description or from the MP4 index. (Plain classes
    here and in ``metadata.model``: a lossless trim loads them, and dataclasses cost it
    milliseconds at import; tests/test_startup.py keeps them off its path.)"""

    def __init__(
        self,
        format_name: str = "",
        metadata: dict[str, str] | None = None,
        duration: float | None = None,
        start: float = 0.0,
        streams: list[StreamInfo] | None = None,
    ) -> None:
        self.format_name = format_name
        self.metadata: dict[str, str] = {} if metadata is None else metadata
        self.duration = duration
        self.start = start
        self.streams: list[StreamInfo] = [] if streams is None else streams
        self.read_until: float | None = None  # the last packet time reached by the copy pass
        self.partial = False

    def first(self, kind: str) -> StreamInfo | None:
        return next((s for s in self.streams if s.kind == kind), None)


def _hms(h: str, m: str, s: str) -> float:
    return int(h) * 3600 + int(m) * 60 + float(s)


def _color(detail: str) -> tuple[str, str, str]:
    """(matrix, primaries, transfer) from ``yuv420p10le(tv, bt2020nc/bt2020/arib-std-b67)``;
    ffmpeg prints one name where all three are the same, and leaves out what is unknown."""
    found = re.search(r"\byuv\w*\(([^)]*)\)", detail)
    if not found:
        return ("", "", "")
    for part in (p.strip() for p in found.group(1).split(",")):
        if part.count("/") == 2:
            matrix, primaries, transfer = (v if v != "unknown" else "" for v in part.split("/"))
            return (matrix, primaries, transfer)
        if part.startswith(("bt", "smpte")):
            return (part, part, part)
    return ("", "", "")


def _stream(index: int, kind: str, detail: str) -> StreamInfo:
    """A stream line's typed facts: ``hevc (Main) (hvc1 / ...), yuv420p, 1920x1080, 29.97 fps``."""
    stream = StreamInfo(index, kind, codec=detail.split()[0].rstrip(",") if detail else "")
    stream.color = _color(detail)
    size = re.search(_SIZE_RE, detail)
    if size:
        stream.width, stream.height = int(size.group(1)), int(size.group(2))
    fps = re.search(_FPS_RE, detail)
    if fps:
        stream.fps = float(fps.group(1))
    return stream


def _duration(result: ProbeResult, match: re.Match[str]) -> None:
    if match.group(2):
        result.start = float(match.group(2))
    parts = match.group(1).split(":")
    if len(parts) == 3:
        try:
            result.duration = _hms(*parts)
        except ValueError:
            result.duration = None


class _ProbeParser:
    """Reads ffmpeg's report line by line: which section it is in, and whose metadata."""

    def __init__(self, result: ProbeResult) -> None:
        self.result = result
        self.section: str | None = None
        self.target: dict[str, str] = result.metadata
        self.stream: StreamInfo | None = None
        self.last_key: str | None = None

    def line(self, line: str) -> None:
        stripped = line.strip()
        if stripped in ("Metadata:", "Side data:"):
            self.section = "meta" if stripped == "Metadata:" else "side"
            self.target = self.result.metadata if self.stream is None else self.stream.metadata
            self.last_key = None
            return
        duration = re.match(_DURATION_RE, line)
        stream = re.match(_STREAM_RE, line)
        if duration or stream:
            self.section = None
            if duration:
                _duration(self.result, duration)
            elif stream:
                index, kind, detail = stream.groups()
                self.stream = _stream(int(index), kind.lower(), detail)
                self.result.streams.append(self.stream)
        elif self.section == "side" and self.stream is not None:
            angle = re.search(_MATRIX_RE, stripped, re.IGNORECASE)
            if angle and self.stream.rotation is None:
                self.stream.rotation = float(angle.group(1))
            if stripped.lower().startswith("dovi configuration"):
                self.stream.dolby_vision = True
        elif self.section == "meta":
            self.metadata(line)

    def metadata(self, line: str) -> None:
        kv = re.match(_KV_RE, line)
        if not kv:
            return
        key, value = kv.group(2).strip(), kv.group(3)
        if key:
            self.target[key] = value
            self.last_key = key
        elif self.last_key:  # continuation of a multi-line value
            self.target[self.last_key] += "\n" + value


def parse_probe(text: str) -> ProbeResult:
    """Parse ffmpeg's ``-i`` report of input #0 (metadata, duration, streams, side data)."""
    result = ProbeResult()
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.startswith("Input #0")), None)
    if start is None:
        return result
    match = re.match(r"Input #0, (.+?), from ", lines[start])
    result.format_name = match.group(1) if match else ""
    parser = _ProbeParser(result)
    for line in lines[start + 1 :]:
        if not line.startswith("  ") or line.startswith(("Stream mapping", "Output #")):
            break  # end of the input description
        parser.line(line)
    for stream in result.streams:
        if stream.rotation is None and stream.metadata.get("rotate"):
            # the old tag, clockwise; a display matrix wins where both are present
            stream.rotation = -float(stream.metadata["rotate"])
    # how far the file can be read is not in this text: probe_video measures it from packets
    return result


def parse_iso6709(text: str) -> GPS | None:
    match = _ISO6709_RE.match(text.strip())
    if not match:
        return None
    lat, lon = float(match.group(1)), float(match.group(2))
    alt = float(match.group(3)) if match.group(3) else None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return GPS(lat=lat, lon=lon, alt=alt)


def _meta(meta: dict[str, str], *keys: str) -> str:
    for key in keys:
        for candidate in (key, f"{key}-eng"):
            value = meta.get(candidate)
            if value:
                return value.split(";")[0].strip()
    return ""


def _plausible(when: dt.datetime) -> bool:
    # 1904-01-01 (QuickTime's epoch) and 1970-01-01 mean "not set"
    return when.year > 1971


def _streams(info: CaptureInfo, probe: ProbeResult) -> None:
    video, audio = probe.first("video"), probe.first("audio")
    if video is None:
        info.notice("video.no_stream", "no video stream (audio only?)")
    else:
        info.video_codec = video.codec
        info.stored_width, info.stored_height = video.width, video.height
        info.fps = video.fps
        info.rotation = int(round(-(video.rotation or 0.0))) % 360
        info.hdr = hdr_kind(video.color[2])
        info.dolby_vision = video.dolby_vision
        turned = info.rotation in (90, 270)
        if video.width is not None and video.height is not None:
            info.width, info.height = (
                (video.height, video.width) if turned else (video.width, video.height)
            )
    if audio is not None:
        info.audio_codec = audio.codec


def hdr_kind(transfer: str) -> str:
    """ "HLG" or "PQ" for a high-dynamic-range transfer, "" for standard range. Dolby Vision
    8.4 (iPhone) is HLG underneath and 8.1 PQ, so the transfer decides for it too."""
    return {"arib-std-b67": "HLG", "smpte2084": "PQ"}.get(transfer, "")


def _device(info: CaptureInfo, meta: dict[str, str]) -> None:
    info.make = _meta(meta, "com.apple.quicktime.make", "com.android.manufacturer", "make")
    info.model = _meta(meta, "com.apple.quicktime.model", "com.android.model", "model")
    info.software = _meta(meta, "com.apple.quicktime.software", "software")
    if not info.software and meta.get("com.android.version"):
        info.software = "Android " + _meta(meta, "com.android.version")
    location = _meta(meta, "com.apple.quicktime.location.ISO6709", "location")
    info.gps = parse_iso6709(location) if location else None


MVHD_SLACK = 5.0  # seconds a phone may take to close the file after the recording ends


def _keys_and_mvhd(info: CaptureInfo, keys: dt.datetime, mvhd: dt.datetime, length: float) -> None:
    """Phones write CreationDate when the recording starts and the mvhd time when they close
    the file, so mvhd trailing by up to the recording's length is normal (a real iPhone clip
    measured 17 s). An mvhd before CreationDate, or later than the recording could last,
    points at a re-saved file or a wrong clock."""
    gap = (mvhd - keys).total_seconds()
    if -2 <= gap <= length + MVHD_SLACK:
        return
    if gap < 0:
        info.notice(
            "time.keys_mvhd_disagree",
            "QuickTime Keys CreationDate and the mvhd creation time disagree by {gap} s (the "
            "mvhd time is before it; the file may have been re-saved or its clock set wrongly)",
            gap=f"{abs(gap):.0f}",
        )
    else:
        info.notice(
            "time.keys_mvhd_disagree",
            "QuickTime Keys CreationDate and the mvhd creation time disagree by {gap} s (the "
            "mvhd time is after it, longer than the {length} s recording; the file may have "
            "been re-saved or its clock set wrongly)",
            gap=f"{abs(gap):.0f}",
            length=f"{length:.0f}",
        )


def _times(info: CaptureInfo, probe: ProbeResult) -> None:
    meta, video = probe.metadata, probe.first("video")
    keys_time = parse_iso_datetime(meta.get(KEYS_CREATIONDATE, ""))
    mvhd_raw = meta.get("creation_time", "") or (
        video.metadata.get("creation_time", "") if video else ""
    )
    mvhd = parse_iso_datetime(mvhd_raw) if mvhd_raw else None
    if mvhd is not None and mvhd.tzinfo is None:
        mvhd = mvhd.replace(tzinfo=dt.timezone.utc)  # QuickTime mvhd is UTC by the spec
    if mvhd is not None and not _plausible(mvhd):
        info.notice(
            "time.placeholder",
            "the container's creation time is a placeholder ({value})",
            value=mvhd_raw.strip(),
        )
        mvhd = None
    if keys_time is not None:
        info.captured_at = keys_time
        info.time_source = "QuickTime Keys CreationDate"
        info.other_times["QuickTime Keys CreationDate"] = keys_time.isoformat()
    if mvhd is not None:
        info.other_times["QuickTime CreateDate (mvhd, UTC)"] = mvhd.isoformat()
        if info.captured_at is None:
            info.captured_at = mvhd
            info.time_source = "QuickTime CreateDate (mvhd, UTC by the spec)"
            info.utc_only = True
        elif keys_time is not None and keys_time.tzinfo is not None:
            _keys_and_mvhd(info, keys_time, mvhd, probe.duration or 0.0)
    if info.captured_at is None:
        info.notice("time.none", "no capture time in the file (a screen recording or re-encode?)")


def interpret(info: CaptureInfo, probe: ProbeResult) -> None:
    """Fill ``info`` from a container's facts, with the warnings a reader should see."""
    info.format = probe.format_name
    info.duration = round(probe.duration, 3) if probe.duration is not None else None
    _streams(info, probe)
    _device(info, probe.metadata)
    _times(info, probe)
    if editor_in(info.software):
        info.notice(
            "meta.editor", "Software names an editor ({software}): the video was edited",
            software=info.software,
        )  # fmt: skip
    if info.gps is not None:
        info.notice("meta.gps", "GPS position present (privacy: it is removed from shared copies)")
    if probe.duration and probe.read_until is not None:
        missing = probe.duration - probe.read_until
        if missing > max(0.5, 0.05 * probe.duration) or (probe.partial and missing > 0.1):
            info.decodable_duration = round(probe.read_until, 3)
            info.notice(
                "video.truncated",
                "the file says it lasts {length} s but only {readable} s can be read: it is "
                "probably an incomplete copy",
                length=f"{probe.duration:.1f}",
                readable=f"{probe.read_until:.1f}",
            )


class Packet(NamedTuple):
    """A video packet: presentation time and duration in seconds from the file's start."""

    pts: float
    duration: float
    key: bool


def _past(stop_after: float) -> Callable[[str], bool]:
    """A stop test for a framecrc listing: true at the first packet later than ``stop_after``."""
    tb: float | None = None

    def test(line: str) -> bool:
        nonlocal tb
        if line.startswith("#tb 0:"):
            num, den = line.split(":", 1)[1].strip().split("/")
            tb = int(num) / int(den)
            return False
        if tb is None or line.startswith("#"):
            return False
        parts = line.split(",")
        pts = parts[2].strip() if len(parts) > 2 else ""
        return pts.lstrip("-").isdigit() and int(pts) * tb > stop_after

    return test


def parse_framecrc(text: str, start: float = 0.0) -> list[Packet]:
    """Packets from ffmpeg's framecrc listing (a keyframe has no ``F=`` or ``F=0x1``)."""
    match = re.search(r"^#tb 0: (\d+)/(\d+)", text, re.MULTILINE)
    if not match:
        return []
    tb = int(match.group(1)) / int(match.group(2))
    packets = []
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 6:
            continue
        try:
            pts, dur = int(parts[2]) * tb - start, int(parts[3]) * tb
        except ValueError:
            continue
        flags = next((p for p in parts[6:] if p.startswith("F=")), "F=0x1")
        packets.append(Packet(pts=pts, duration=dur, key=bool(int(flags[2:], 16) & 1)))
    return packets


def scan_packets(
    path: Path,
    *,
    seek: float | None = None,
    stop_after: float | None = None,
    timeout: float = 300,
) -> tuple[ProbeResult, list[Packet]]:
    """The container's description and a listing of video packets (copied, never decoded),
    from ``seek`` (ffmpeg lands on the keyframe at or before it) up to ``stop_after``."""
    # stop_after is compared with raw timestamps: files that do not start at 0 are rare, and
    # such a scan then reads a little more than it needs, never less
    stop = _past(stop_after) if stop_after is not None else None
    out, err = jobs.list_packets(path, seek=seek, stop=stop, timeout=timeout)
    probe = parse_probe(err)
    if not probe.streams:
        raise InputFileError(
            Text("not a readable video (ffmpeg finds no streams in it)"),
            path=path,
            hint=Text("is it a complete video file?"),
        )
    return probe, parse_framecrc(out, probe.start)


def readable_end(packets: list[Packet]) -> float | None:
    if not packets:
        return None
    return max(p.pts + p.duration for p in packets)


def probe_video(path: Path, *, timeout: float = 300) -> ProbeResult:
    """Header facts, and how far the video can really be read.

    Only the last seconds are read to check that the data is all there; a file that fails
    that check (an incomplete copy) is read through to find where it stops.
    """
    probe, packets = scan_packets(path, stop_after=0.0, timeout=timeout)
    if probe.first("video") is None or not probe.duration:
        return probe
    tail_from = max(0.0, probe.duration - 3.0)
    _, tail = scan_packets(path, seek=tail_from or None, timeout=timeout)
    end = readable_end(tail)
    margin = max(0.5, 0.05 * probe.duration)
    if end is not None and end >= probe.duration - margin:
        probe.read_until = end
        return probe
    _, everything = scan_packets(path, timeout=timeout)
    probe.read_until = readable_end(everything) or 0.0
    probe.partial = True
    return probe


def probe_from_movie(movie: Movie) -> ProbeResult:
    """A file's facts from its MP4/MOV index alone (no process), in the fields ffmpeg's
    description fills, so ``interpret`` reads both the same way."""
    video = movie.video
    seconds = sum(video.durations) / video.timescale
    meta: dict[str, str] = {}
    if movie.creation:
        when = EPOCH_1904 + dt.timedelta(seconds=movie.creation)
        meta["creation_time"] = when.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    for key, value in movie.keys.items():
        meta.setdefault(key, value)
    # the frame rate as ffmpeg prints it: two decimals at most
    fps = round(len(video.sizes) / seconds, 2) if seconds else 0.0
    angle = rotation(video.matrix)
    streams = [
        StreamInfo(0, "video", codec=codec_name(video.codec), width=video.width,
                   height=video.height, fps=fps, rotation=round(angle, 2) if angle is not None
                   else None, color=video.color, dolby_vision=video.dolby_vision)
    ]  # fmt: skip
    for n, audio in enumerate(movie.audio, start=1):
        streams.append(StreamInfo(n, "audio", codec=codec_name(audio.codec)))
    return ProbeResult(
        format_name="mov,mp4,m4a,3gp,3g2,mj2",
        metadata=meta,
        duration=movie.duration,
        streams=streams,
    )


def info_from_probe(path: Path, probe: ProbeResult) -> CaptureInfo:
    info = CaptureInfo(file=str(path), kind="video")
    interpret(info, probe)
    return info


def read_video(path: Path) -> CaptureInfo:
    return info_from_probe(path, probe_video(path))
