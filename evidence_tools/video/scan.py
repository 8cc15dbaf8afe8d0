"""What an unboxing video shows about itself: signs of editing, and the shipping label.

One decode of the original, scaled down in ffmpeg's own pipeline, gives two things at once: a
64x64 grey copy of every frame, for the cuts, and two frames a second of the first minute at
up to 1280 pixels, for the label's barcode. The packet listing gives each frame's time, for
the gaps; the container's tags and the bitstream's first bytes name an editor or encoder.

Nothing here proves a recording continuous: it finds signs of cutting where they are, and says
what it checked. A cut is a jump between two consecutive frames that the camera's own motion
does not explain: the global motion between them is estimated by phase correlation, and a cut
is a picture that does not match its predecessor even after that motion (or a motion far
beyond the frames around it). A handheld pan, a zoom, a change of focus or light changes the
picture gradually, frame by frame, and is not a cut.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from evidence_tools.i18n import _
from evidence_tools.progress import Progress

SCAN_VERSION = 3  # 2: a label keeps where it is in its frame; 3: edit lists
GRID = 64  # the small copy's side: enough for motion, a few KB a frame
LABEL_SECONDS = 60.0  # the label is shown at the start of an unboxing
LABEL_FPS = 2
LABEL_SIDE = 1280
# what names an editor or an encoder other than a phone's, in tags or the first bytes
EDITORS = {
    b"Lavf": "ffmpeg (Lavf)", b"Lavc": "ffmpeg (Lavc)", b"x264 - core": "x264",
    b"x265 (build": "x265", b"HandBrake": "HandBrake", b"CapCut": "CapCut",
    b"InShot": "InShot", b"iMovie": "iMovie", b"Premiere": "Adobe Premiere",
    b"Final Cut": "Final Cut", b"KineMaster": "KineMaster", b"VN Video": "VN",
    b"Filmora": "Filmora", b"DaVinci": "DaVinci Resolve", b"Clipchamp": "Clipchamp",
}  # fmt: skip
RETAIL = {"EAN13", "EAN8", "UPCA", "UPCE", "EAN2", "EAN5", "ISBN", "EANUPC"}  # a product's code


@dataclass
class Label:
    text: str
    format: str
    at: float | None = None  # seconds into the video; None in a photo
    box: list[float] | None = None  # x, y, w, h: fractions of the upright picture


@dataclass
class VideoScan:
    """What the scan found; the cache keeps it as JSON, by the file's SHA-256."""

    version: int = SCAN_VERSION
    frames: int = 0
    duration: float = 0.0  # how much of the video the scan read
    complete: bool = True  # False: the file could not be read to its end
    cuts: list[float] = field(default_factory=list)  # times of the first frame after each
    gaps: list[tuple[float, float]] = field(default_factory=list)  # (at, seconds missing)
    editors: list[str] = field(default_factory=list)  # what names an editor or an encoder
    edit_list: bool = False  # an MP4/MOV edit list hides footage the file still holds
    labels: list[Label] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> VideoScan:
        labels = [Label(**x) for x in data.get("labels", [])]
        gaps = [(float(a), float(b)) for a, b in data.get("gaps", [])]
        rest = {k: v for k, v in data.items() if k not in ("labels", "gaps")}
        return cls(**rest, labels=labels, gaps=gaps)


# --------------------------------------------------------------------------- motion


class _Motion:
    """Per pair of consecutive small frames: the global shift (phase correlation) and what is
    left of the difference once the first is moved by it."""

    def __init__(self) -> None:
        import numpy as np

        self.np = np
        hann = np.hanning(GRID)
        self.window = np.outer(hann, hann)
        self.prev: Any = None
        self.prev_f: Any = None
        self.residual: list[float] = []
        self.shift: list[float] = []

    def add(self, frame: bytes) -> None:
        np = self.np
        img = np.frombuffer(frame, dtype=np.uint8).reshape(GRID, GRID).astype(np.float32)
        spectrum = np.fft.rfft2((img - img.mean()) * self.window)
        if self.prev is not None and min(float(img.std()), float(self.prev.std())) < FLAT:
            # a frame with no detail (a fade to black, a covered lens) has no motion to
            # measure: phase correlation would return any shift at all
            self.residual.append(0.0)
            self.shift.append(0.0)
        elif self.prev is not None:
            cross = spectrum * np.conj(self.prev_f)
            cross /= np.abs(cross) + 1e-6
            corr = np.fft.irfft2(cross, s=(GRID, GRID))
            dy, dx = np.unravel_index(int(np.argmax(corr)), corr.shape)
            dy = dy - GRID if dy > GRID // 2 else dy
            dx = dx - GRID if dx > GRID // 2 else dx
            self.residual.append(_residual(np, self.prev, img, int(dy), int(dx)))
            self.shift.append(float(np.hypot(dx, dy)))
        self.prev, self.prev_f = img, spectrum


def _residual(np: Any, a: Any, b: Any, dy: int, dx: int) -> float:
    """Mean difference (0..1) of ``b`` and ``a`` moved by (dy, dx), over their overlap."""
    h, w = a.shape
    ya, yb = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xa, xb = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    part_a, part_b = a[ya, xa], b[yb, xb]
    if part_a.size < (h * w) // 4:
        return 1.0  # hardly any overlap: nothing of one frame is in the next
    # each frame's own brightness level taken out: a light that changes is no cut
    return float(np.mean(np.abs((part_a - part_a.mean()) - (part_b - part_b.mean()))) / 255.0)


# a cut's picture differs from its predecessor, after the motion, by this much more than the
# frames around it do (and by at least RESIDUAL_FLOOR); or it moves this much more
RESIDUAL_FACTOR, RESIDUAL_FLOOR = 4.0, 0.08
SHIFT_FACTOR, SHIFT_FLOOR = 6.0, 6.0  # grid pixels: 6 of 64 is a tenth of the picture
NEIGHBOURS = 15  # frames each side that set what is usual here
FLAT = 4.0  # grey levels of spread below which a small frame shows nothing to follow


def cuts_in(residual: list[float], shift: list[float], times: list[float]) -> list[float]:
    """The times of the frames that follow a cut."""
    import numpy as np

    r, s = np.asarray(residual), np.asarray(shift)
    found = []
    for i in range(len(r)):
        lo, hi = max(0, i - NEIGHBOURS), min(len(r), i + NEIGHBOURS + 1)
        around = np.concatenate([r[lo:i], r[i + 1 : hi]])
        moved = np.concatenate([s[lo:i], s[i + 1 : hi]])
        usual_r = float(np.median(around)) if around.size else 0.0
        usual_s = float(np.median(moved)) if moved.size else 0.0
        jump = r[i] > RESIDUAL_FLOOR and r[i] > RESIDUAL_FACTOR * usual_r + 0.02
        lurch = s[i] > SHIFT_FLOOR and s[i] > SHIFT_FACTOR * usual_s + 2.0
        if (jump or lurch) and i + 1 < len(times):
            found.append(round(times[i + 1], 3))
    return found


def gaps_in(times: list[float]) -> list[tuple[float, float]]:
    """Where a frame lasts far longer than the frames around it: (where the missing part
    starts, how long it is). Judged against its neighbours, so a phone that lowers its frame
    rate in the dark is no gap."""
    import numpy as np

    if len(times) < 3:
        return []
    ordered = sorted(times)
    deltas = np.diff(np.asarray(ordered))
    out = []
    for i, d in enumerate(deltas):
        lo, hi = max(0, i - NEIGHBOURS), min(len(deltas), i + NEIGHBOURS + 1)
        around = np.concatenate([deltas[lo:i], deltas[i + 1 : hi]])
        usual = float(np.median(around)) if around.size else float(d)
        if d > max(0.5, 4 * usual):
            out.append((round(float(ordered[i] + usual), 3), round(float(d - usual), 3)))
    return out


# --------------------------------------------------------------------------- labels


def read_labels(image: Any, at: float | None = None) -> list[Label]:
    """The barcodes in a picture (a numpy grey array or a Pillow image)."""
    import zxingcpp

    height, width = image.shape[:2] if hasattr(image, "shape") else image.size[::-1]
    out = []
    for found in zxingcpp.read_barcodes(image):
        name = found.format.name if hasattr(found.format, "name") else str(found.format)
        if found.text and getattr(found, "valid", True):
            out.append(Label(found.text.strip(), name, at, _box(found.position, width, height)))
    return out


def _box(position: Any, width: int, height: int) -> list[float] | None:
    """The symbol's bounding box as fractions of the picture."""
    try:
        corners = [position.top_left, position.top_right, position.bottom_right,
                   position.bottom_left]  # fmt: skip
        xs, ys = [c.x for c in corners], [c.y for c in corners]
    except AttributeError:
        return None
    x0, y0 = max(0, min(xs)), max(0, min(ys))
    return [round(x0 / width, 4), round(y0 / height, 4),
            round((max(xs) - x0) / width, 4), round((max(ys) - y0) / height, 4)]  # fmt: skip


def tracking_like(label: Label) -> bool:
    """A shipping label's code, not a product's EAN or UPC."""
    return label.format.replace("-", "").replace(" ", "").upper() not in RETAIL


# --------------------------------------------------------------------------- the scan


def editors_in(path: Path, tags: list[str]) -> list[str]:
    """What names an editor or an encoder other than the camera's: the container's and
    streams' tags, and the file's first and last bytes (an encoder's user data in the
    bitstream: x264 writes its name and settings into the first frame)."""
    found: dict[str, None] = {}
    text = " ".join(tags).encode("utf-8", "replace")
    size = path.stat().st_size
    with path.open("rb") as f:
        head = f.read(4_000_000)
        f.seek(max(0, size - 1_000_000))
        tail = f.read()
    for marker, name in EDITORS.items():
        if marker in text or marker in head or marker in tail:
            found[name] = None
    return list(found)


def hides_footage(path: Path) -> bool:
    """Whether an MP4/MOV's edit list hides part of what the file holds (an editor's trim
    that rewrote only the index): the MP4 reader refuses such a file with that code."""
    from evidence_tools.mp4.boxes import Unsupported
    from evidence_tools.mp4.index import read_movie

    if path.suffix.lower() not in (".mp4", ".mov", ".m4v", ".3gp"):
        return False
    try:
        read_movie(path)
    except Unsupported as exc:
        return exc.code == "edit.hidden"
    except (OSError, ValueError):
        return False
    return False


# seconds of scanning per second of video on a 2-core laptop, to weigh the scan against the
# dossier's encodes on the bar: a 120 s 1080x1920 clip was checked in 11.6 s
SCAN_PER_SECOND = 0.1


def scan_video(path: Path, *, progress: Progress | None = None, timeout: float = 3600) -> VideoScan:
    """Scan ``path`` once: frame times (gaps), a small grey copy (cuts), the first minute
    at label size (barcodes), tags and first bytes (editors)."""
    from evidence_tools.ffmpeg import jobs
    from evidence_tools.ffmpeg.runner import stream_frames
    from evidence_tools.metadata.video import parse_framecrc, parse_probe

    out, err = jobs.list_packets(path, timeout=timeout)
    probe = parse_probe(err)
    # a frame before 0 is one an edit list hides: the decoder drops it, so it has no time here
    times = sorted(t for t in (p.pts for p in parse_framecrc(out, probe.start)) if t >= -1e-3)
    scan = VideoScan(gaps=gaps_in(times))
    tags = list(probe.metadata.values())
    for stream in probe.streams:
        tags += list(stream.metadata.values())
    scan.editors = editors_in(path, tags)
    scan.edit_list = hides_footage(path)
    motion = _Motion()
    expected = max(1, len(times))
    seconds = times[-1] if times else 0.0
    step = (progress or Progress.none()).one_step(
        _("Checking {name} for signs of editing", name=path.name), expected, unit="frames",
        weight=max(0.1, seconds * SCAN_PER_SECOND),
    )  # fmt: skip

    def on_frame(frame: bytes) -> None:
        motion.add(frame)
        if len(motion.residual) % 30 == 0:
            step.to(len(motion.residual))

    with step, tempfile.TemporaryDirectory(prefix="evidence-scan-") as tmp:
        stream_frames(jobs.scan_frames(path, Path(tmp)), GRID * GRID, on_frame, timeout=timeout)
        scan.frames = len(motion.residual) + (1 if motion.prev is not None else 0)
        scan.labels = _labels(Path(tmp), times[0] if times else 0.0)
    frame_times = times[: scan.frames]
    scan.duration = round(frame_times[-1], 3) if frame_times else 0.0
    # cut short: the frames stop well before the length the file claims
    claimed = probe.duration or 0.0
    scan.complete = (
        bool(times)
        and scan.frames >= len(times) - 1
        and (not claimed or scan.duration >= claimed - max(0.5, 0.05 * claimed))
    )
    # the picture jumps where frames are missing: that is the gap, said once
    after_gaps = [at + length for at, length in scan.gaps]
    scan.cuts = [t for t in cuts_in(motion.residual, motion.shift, frame_times)
                 if not any(abs(t - g) < 0.1 for g in after_gaps)]  # fmt: skip
    return scan


def _labels(folder: Path, start: float) -> list[Label]:
    """Each distinct code in the label frames, at the first time it is read."""
    import numpy as np
    from PIL import Image

    seen: dict[str, Label] = {}
    for n, frame in enumerate(sorted(folder.glob("label_*.pgm"))):
        with Image.open(frame) as img:
            grey = np.asarray(img.convert("L"))
        for label in read_labels(grey, round(start + n / LABEL_FPS, 1)):
            seen.setdefault(label.text, label)
    return list(seen.values())
