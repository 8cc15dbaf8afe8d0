"""Lossless cuts of MP4/MOV files without a remux: the kept samples are copied byte for byte
and a new index (``moov``) is written in front of them.

Why not ffmpeg's stream copy: it demuxes and remuxes every packet through user space, and
needs a second process to find the keyframe first. Here the sample bytes move inside the
kernel (splice through a pipe, else copy_file_range, else plain reads and writes) and only
the sample tables are rebuilt in Python: a 3-minute 1080p file has about 14,000 samples.

The reader is strict on purpose. Anything it does not fully understand (fragmented files,
several sample descriptions, edit lists other than one plain edit, per-sample tables it does
not know, sample data past the end of the file) raises ``Unsupported``, and the caller uses
ffmpeg instead.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import math
import os
import struct
from collections.abc import Callable, Iterator
from functools import cached_property
from itertools import accumulate, chain, compress, groupby, repeat
from operator import add, ne, sub
from pathlib import Path
from typing import Any

MAX_MOOV = 256 * 1024 * 1024
PAGE = 4096
BLOCK = 64 * 1024
PIPE = 1024 * 1024
WIDE_FROM = 1 << 32  # from this size on, 64-bit chunk offsets and mdat size
EPOCH_1904 = dt.datetime(1904, 1, 1, tzinfo=dt.timezone.utc)
KEYS_CREATIONDATE = "com.apple.quicktime.creationdate"
EDIT_SLACK = 0.5  # seconds an edit list may hide: codec delays and priming, not an edit
MAX_SAMPLES = 2_000_000  # 3 hours at 120 fps; PCM sound counts every sample: ffmpeg does those
MAX_TOP_BOXES = 10_000  # a real file has a handful; a long run of tiny ones is not a video
# per-sample tables this module rewrites; any other child of stbl makes a file unsupported
_STBL_KNOWN = {
    b"stsd", b"stts", b"ctts", b"cslg", b"stss", b"stsz", b"stsc", b"stco", b"co64", b"sdtp",
    b"sgpd", b"sbgp",
}  # fmt: skip
_VIDEO_CODECS = {
    b"avc1": "h264", b"avc3": "h264", b"hvc1": "hevc", b"hev1": "hevc", b"mp4v": "mpeg4",
    b"av01": "av1", b"vp09": "vp9", b"dvh1": "hevc", b"dvhe": "hevc", b"jpeg": "mjpeg",
    b"apch": "prores", b"apcn": "prores",
}  # fmt: skip
_AUDIO_CODECS = {
    b"mp4a": "aac", b"alac": "alac", b"Opus": "opus", b"ac-3": "ac3", b"ec-3": "eac3",
    b"lpcm": "pcm", b"sowt": "pcm_s16le", b"twos": "pcm_s16be",
}  # fmt: skip
_GPS_ITEMS = {b"\xa9xyz", b"loci"}


class Unsupported(Exception):
    """This file is outside what the cutter handles; use ffmpeg."""


# --------------------------------------------------------------------------- boxes


class Box:
    """A box found in a buffer: its type, where it starts (its size field) and ends, and how
    long its header is. (Plain classes in this module: they load faster than NamedTuples.)"""

    __slots__ = ("type", "start", "end", "header")

    def __init__(self, type: bytes, start: int, end: int, header: int) -> None:  # noqa: A002
        self.type, self.start, self.end, self.header = type, start, end, header

    @property
    def body(self) -> int:
        return self.start + self.header


def iter_boxes(buf: bytes, start: int, end: int) -> Iterator[Box]:
    pos = start
    while pos + 8 <= end:
        size, typ = struct.unpack_from(">I4s", buf, pos)
        header = 8
        if size == 1:
            if pos + 16 > end:
                raise Unsupported("a box header is cut short")
            (size,) = struct.unpack_from(">Q", buf, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise Unsupported(f"box {typ!r} runs past its parent")
        yield Box(typ, pos, pos + size, header)
        pos += size


def child(buf: bytes, parent: Box, typ: bytes) -> Box | None:
    return next((b for b in iter_boxes(buf, parent.body, parent.end) if b.type == typ), None)


def make_box(typ: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), typ) + payload


def make_full(typ: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return make_box(typ, struct.pack(">I", (version << 24) | flags) + payload)


def _meta_body(buf: bytes, box: Box) -> int:
    """Where a ``meta`` box's children start: ISO meta is a full box, QuickTime's is not."""
    if (
        box.end - box.body >= 12
        and buf[box.body : box.body + 4] == b"\0\0\0\0"
        and buf[box.body + 8 : box.body + 12] in (b"hdlr", b"keys", b"ilst")
    ):
        return box.body + 4
    return box.body


def top_level(path: Path) -> tuple[int, list[tuple[bytes, int, int]]]:
    """(file size, [(type, start, end)]) of the top-level boxes, read from their headers."""
    size = path.stat().st_size
    found: list[tuple[bytes, int, int]] = []
    with open(path, "rb") as f:
        pos = 0
        while pos + 8 <= size:
            f.seek(pos)
            head = f.read(16)
            box_size, typ = struct.unpack_from(">I4s", head)
            if box_size == 1:
                if len(head) < 16:
                    raise Unsupported("a box header is cut short")
                (box_size,) = struct.unpack_from(">Q", head, 8)
            elif box_size == 0:
                box_size = size - pos
            if box_size < 8:
                raise Unsupported("not an MP4/MOV box structure")
            found.append((typ, pos, min(pos + box_size, size)))
            if len(found) > MAX_TOP_BOXES:
                raise Unsupported("too many top-level boxes")
            pos += box_size
    return size, found


# --------------------------------------------------------------------------- tracks


class Track:
    """One track's sample tables, one entry a sample."""

    def __init__(
        self,
        *,
        trak: Box,
        track_id: int,
        handler: bytes,
        timescale: int,
        media_time: int,  # the single edit's media time (0 without an edit list)
        codec: bytes,
        width: int,
        height: int,
        durations: list[int],
        cts: list[int],
        sync: list[int] | None,  # 0-based sample numbers; None: every sample is a keyframe
        sizes: list[int],
        offsets: list[int],
        matrix: tuple[int, ...] = (),
    ) -> None:
        self.trak, self.track_id, self.handler = trak, track_id, handler
        self.timescale, self.media_time, self.codec = timescale, media_time, codec
        self.width, self.height, self.matrix = width, height, matrix
        self.durations, self.cts, self.sync = durations, cts, sync
        self.sizes, self.offsets = sizes, offsets
        self.dts = [0, *accumulate(durations)][:-1]

    @cached_property
    def pts(self) -> list[float]:
        """Presentation time of each sample in seconds, after the edit list."""
        shift, scale = self.media_time, self.timescale
        return [(d + c - shift) / scale for d, c in zip(self.dts, self.cts, strict=True)]


def _ints(buf: bytes, pos: int, count: int, wide: bool = False) -> list[int]:
    if count < 0 or pos + count * (8 if wide else 4) > len(buf):
        raise Unsupported("a sample table is cut short")
    return list(struct.unpack_from(f">{count}{'Q' if wide else 'I'}", buf, pos))


def _runs(buf: bytes, box: Box, samples: int) -> list[int]:
    """Expand a run-length table of (count, value) pairs (stts, ctts) into one value a sample,
    refusing one that lists more samples than the track has (a broken file would otherwise
    make a list of billions)."""
    version = buf[box.body]
    (n,) = struct.unpack_from(">I", buf, box.body + 4)
    pairs = _ints(buf, box.body + 8, 2 * n)
    counts, values = pairs[::2], pairs[1::2]
    if sum(counts) > samples:
        raise Unsupported(f"{box.type!r} lists more samples than the track has")
    if version == 1 or box.type == b"ctts":
        values = [v - (1 << 32) if v >= 1 << 31 else v for v in values]
    return list(chain.from_iterable(map(repeat, values, counts)))


def _edit(buf: bytes, trak: Box) -> tuple[int, int]:
    """(segment duration in the movie's timescale, media time) of a track's single edit;
    (0, 0) without an edit list."""
    edts = child(buf, trak, b"edts")
    elst = child(buf, edts, b"elst") if edts is not None else None
    if elst is None:
        return 0, 0
    version = buf[elst.body]
    (n,) = struct.unpack_from(">I", buf, elst.body + 4)
    if n != 1:
        raise Unsupported(f"an edit list with {n} edits")
    fmt = ">QqhH" if version == 1 else ">IihH"
    segment, media_time, rate, _ = struct.unpack_from(fmt, buf, elst.body + 8)
    if media_time < 0 or rate != 1:
        raise Unsupported("an edit list that delays or changes the speed of a track")
    return int(segment), int(media_time)


def _check_edit(segment: int, media_time: int, timescale: int, movie_timescale: int,
                durations: list[int]) -> None:  # fmt: skip
    """Refuse an edit that hides more than a codec's start-up delay: a video trimmed by an
    editor that only rewrote the edit list still holds the cut-away part, and copying samples
    by their own times would bring it back."""
    skipped = media_time / timescale
    if skipped > EDIT_SLACK:
        raise Unsupported(f"the edit list skips the first {skipped:.1f} s (an edited video)")
    if segment and movie_timescale:
        shown = segment / movie_timescale
        held = sum(durations) / timescale - skipped
        if held - shown > EDIT_SLACK:
            raise Unsupported(f"the edit list hides the last {held - shown:.1f} s")


def _handler(buf: bytes, trak: Box) -> bytes:
    mdia = child(buf, trak, b"mdia")
    hdlr = child(buf, mdia, b"hdlr") if mdia is not None else None
    return bytes(buf[hdlr.body + 8 : hdlr.body + 12]) if hdlr is not None else b""


def read_track(buf: bytes, trak: Box, movie_timescale: int = 0) -> Track | None:
    """A track's sample tables; None for a track with no samples."""
    tkhd, mdia = child(buf, trak, b"tkhd"), child(buf, trak, b"mdia")
    if tkhd is None or mdia is None:
        raise Unsupported("a track without tkhd or mdia")
    wide_tkhd = buf[tkhd.body] == 1
    track_id = struct.unpack_from(">I", buf, tkhd.body + (20 if wide_tkhd else 12))[0]
    matrix = struct.unpack_from(">9i", buf, tkhd.body + (52 if wide_tkhd else 40))
    mdhd, hdlr, minf = (child(buf, mdia, t) for t in (b"mdhd", b"hdlr", b"minf"))
    if mdhd is None or hdlr is None or minf is None:
        raise Unsupported("a track without mdhd, hdlr or minf")
    timescale = struct.unpack_from(">I", buf, mdhd.body + (20 if buf[mdhd.body] == 1 else 12))[0]
    handler = bytes(buf[hdlr.body + 8 : hdlr.body + 12])
    stbl = child(buf, minf, b"stbl")
    if stbl is None or not timescale:
        raise Unsupported("a track without sample tables")
    tables = {b.type: b for b in iter_boxes(buf, stbl.body, stbl.end)}
    unknown = set(tables) - _STBL_KNOWN
    if unknown:
        raise Unsupported(f"sample tables {sorted(unknown)!r}")
    for need in (b"stsd", b"stts", b"stsz", b"stsc"):
        if need not in tables:
            raise Unsupported(f"a track without {need!r}")
    stsd = tables[b"stsd"]
    if struct.unpack_from(">I", buf, stsd.body + 4)[0] != 1:
        raise Unsupported("several sample descriptions in one track")
    entry = next(iter_boxes(buf, stsd.body + 8, stsd.end))
    width, height = (0, 0)
    if handler == b"vide":
        width, height = struct.unpack_from(">HH", buf, entry.body + 24)
    stsz = tables[b"stsz"]
    constant, count = struct.unpack_from(">II", buf, stsz.body + 4)
    if count > MAX_SAMPLES:
        raise Unsupported(f"{count} samples in one track")
    sizes = [constant] * count if constant else _ints(buf, stsz.body + 12, count)
    durations = _runs(buf, tables[b"stts"], count)
    if len(durations) != count:
        raise Unsupported("stts and stsz disagree on the number of samples")
    if count == 0:
        return None
    segment, media_time = _edit(buf, trak)
    _check_edit(segment, media_time, timescale, movie_timescale, durations)
    cts = _runs(buf, tables[b"ctts"], count) if b"ctts" in tables else [0] * count
    if len(cts) < count:
        cts += [0] * (count - len(cts))
    sync = None
    if b"stss" in tables:
        stss = tables[b"stss"]
        (n,) = struct.unpack_from(">I", buf, stss.body + 4)
        sync = [i - 1 for i in _ints(buf, stss.body + 8, n)]
    offsets = _sample_offsets(buf, tables, sizes)
    return Track(
        trak=trak, track_id=track_id, handler=handler, timescale=timescale,
        media_time=media_time, codec=bytes(entry.type), width=width,
        height=height, durations=durations, cts=cts[:count], sync=sync, sizes=sizes,
        offsets=offsets, matrix=matrix,
    )  # fmt: skip


def _sample_offsets(buf: bytes, tables: dict[bytes, Box], sizes: list[int]) -> list[int]:
    co = tables.get(b"stco") or tables.get(b"co64")
    if co is None:
        raise Unsupported("a track without chunk offsets")
    (n_chunks,) = struct.unpack_from(">I", buf, co.body + 4)
    chunks = _ints(buf, co.body + 8, n_chunks, wide=co.type == b"co64")
    stsc = tables[b"stsc"]
    (n,) = struct.unpack_from(">I", buf, stsc.body + 4)
    entries = _ints(buf, stsc.body + 8, 3 * n)
    # A sample's offset is its chunk's offset plus the sizes of the samples before it in the
    # chunk. Spelled with map/repeat so the per-sample work runs in C: a 3-minute file has
    # thousands of chunks and samples.
    firsts, pers = entries[0::3], entries[1::3]
    runs = list(map(sub, [*firsts[1:], n_chunks + 1], firsts))  # chunks each entry covers
    if n and (firsts[0] != 1 or min(runs) < 1 or min(pers) < 1):
        raise Unsupported("a malformed sample-to-chunk table")
    per_chunk = list(chain.from_iterable(map(repeat, pers, runs)))
    total = len(sizes)
    listed = sum(per_chunk)
    if listed < total:
        raise Unsupported("the chunk tables do not account for every sample")
    if n == 1 and pers[0] == 1:
        return chunks[:total]  # a sample a chunk
    before = [0, *accumulate(sizes)]
    before += [before[-1]] * (listed - total)  # chunks may list more samples than exist
    starts = accumulate(per_chunk, initial=0)  # each chunk's first sample
    base = list(map(sub, chunks, map(before.__getitem__, starts)))
    owner = chain.from_iterable(map(repeat, base, per_chunk))
    return list(map(add, owner, before[:total]))


# --------------------------------------------------------------------------- the movie


class Movie:
    """A file's index: the moov box, its tracks, and the metadata the cut rewrites."""

    def __init__(
        self,
        *,
        path: Path,
        file_size: int,
        ftyp: bytes,
        moov: bytes,
        movie_timescale: int,
        duration: float,
        creation: int,  # mvhd creation time, seconds since 1904 (0: not set)
        tracks: list[Track],
        keys: dict[str, str],  # QuickTime Keys metadata (moov/meta or moov/udta/meta)
        has_location: bool,
    ) -> None:
        self.path, self.file_size, self.ftyp, self.moov = path, file_size, ftyp, moov
        self.movie_timescale, self.duration, self.creation = movie_timescale, duration, creation
        self.tracks, self.keys, self.has_location = tracks, keys, has_location

    @property
    def video(self) -> Track:
        return next(t for t in self.tracks if t.handler == b"vide")

    @property
    def audio(self) -> list[Track]:
        return [t for t in self.tracks if t.handler == b"soun"]

    def keyframes(self) -> list[float]:
        v = self.video
        frames = v.sync if v.sync is not None else range(len(v.sizes))
        return sorted(v.pts[i] for i in frames)


def read_movie(path: str | Path) -> Movie:
    """The index of a non-fragmented MP4/MOV file; ``Unsupported`` for anything else."""
    p = Path(path)
    file_size, boxes = top_level(p)
    kinds = [b[0] for b in boxes]
    if b"moof" in kinds or b"moov" not in kinds or kinds.count(b"moov") > 1:
        raise Unsupported("fragmented, or no single moov")
    if boxes[0][0] not in (b"ftyp", b"wide", b"free", b"mdat", b"moov", b"skip"):
        raise Unsupported("not an MP4/MOV file")
    _, m_start, m_end = boxes[kinds.index(b"moov")]
    if m_end - m_start > MAX_MOOV:
        raise Unsupported("the index is too large")
    with open(p, "rb") as f:
        f.seek(m_start)
        moov = f.read(m_end - m_start)
        ftyp = b""
        if b"ftyp" in kinds:
            _, f_start, f_end = boxes[kinds.index(b"ftyp")]
            f.seek(f_start)
            ftyp = f.read(min(f_end - f_start, 4096))
    root = next(iter_boxes(moov, 0, len(moov)))
    mvhd = child(moov, root, b"mvhd")
    if mvhd is None:
        raise Unsupported("no mvhd")
    if moov[mvhd.body] == 1:
        creation, _, ts, dur = struct.unpack_from(">QQIQ", moov, mvhd.body + 4)
    else:
        creation, _, ts, dur = struct.unpack_from(">IIII", moov, mvhd.body + 4)
    tracks = []
    for box in iter_boxes(moov, root.body, root.end):
        if box.type == b"trak" and _handler(moov, box) in (b"vide", b"soun"):
            track = read_track(moov, box, ts)  # other tracks (timecode, metadata) are dropped
            if track is not None:
                tracks.append(track)
    if not any(t.handler == b"vide" for t in tracks):
        raise Unsupported("no video track")
    for t in tracks:
        end = max(map(add, t.offsets, t.sizes))
        if end > file_size:
            raise Unsupported("sample data runs past the end of the file (an incomplete copy?)")
    keys, has_location = _read_metadata(moov, root)
    return Movie(
        path=p, file_size=file_size, ftyp=ftyp, moov=moov, movie_timescale=ts,
        duration=dur / ts if ts else 0.0, creation=creation, tracks=tracks, keys=keys,
        has_location=has_location,
    )  # fmt: skip


def _meta_boxes(buf: bytes, root: Box) -> Iterator[Box]:
    for box in iter_boxes(buf, root.body, root.end):
        if box.type == b"meta":
            yield box
        elif box.type == b"udta":
            yield from (b for b in iter_boxes(buf, box.body, box.end) if b.type == b"meta")


def _keys_items(buf: bytes, meta: Box) -> tuple[list[str], Box | None]:
    start = _meta_body(buf, meta)
    keys: list[str] = []
    ilst = None
    for box in iter_boxes(buf, start, meta.end):
        if box.type == b"keys":
            (n,) = struct.unpack_from(">I", buf, box.body + 4)
            pos = box.body + 8
            for _ in range(n):
                (size,) = struct.unpack_from(">I", buf, pos)
                if size < 8:
                    raise Unsupported("a malformed keys table")
                keys.append(buf[pos + 8 : pos + size].decode("utf-8", "replace"))
                pos += size
        elif box.type == b"ilst":
            ilst = box
    return keys, ilst


def _item_text(buf: bytes, item: Box) -> str | None:
    data = child(buf, item, b"data")
    if data is None:
        return None
    return buf[data.body + 8 : data.end].decode("utf-8", "replace")


def _read_metadata(buf: bytes, root: Box) -> tuple[dict[str, str], bool]:
    keys: dict[str, str] = {}
    location = False
    for meta in _meta_boxes(buf, root):
        names, ilst = _keys_items(buf, meta)
        if ilst is None:
            continue
        for item in iter_boxes(buf, ilst.body, ilst.end):
            if item.type in _GPS_ITEMS:
                location = True
                text = _item_text(buf, item) if item.type == b"\xa9xyz" else None
                if text:
                    keys.setdefault("location", text)
            if not names:
                continue
            (index,) = struct.unpack(">I", item.type)
            if 1 <= index <= len(names):
                text = _item_text(buf, item)
                if text is not None:
                    keys[names[index - 1]] = text
                if "location" in names[index - 1].lower():
                    location = True
    for udta in (b for b in iter_boxes(buf, root.body, root.end) if b.type == b"udta"):
        for box in iter_boxes(buf, udta.body, udta.end):
            if box.type in _GPS_ITEMS:
                location = True
            if box.type == b"\xa9xyz" and box.end - box.body > 4:  # QuickTime text: size, language
                (n,) = struct.unpack_from(">H", buf, box.body)
                text = buf[box.body + 4 : box.body + 4 + n].decode("utf-8", "replace")
                keys.setdefault("location", text)
            elif box.type == b"loci":
                text = _loci(buf, box)
                if text:
                    keys.setdefault("location", text)
    return keys, location


def _loci(buf: bytes, box: Box) -> str | None:
    """A 3GPP location box, written the way ffmpeg prints it (``+48.8584+002.2945/``)."""
    name_at = box.body + 6
    name_end = buf.find(b"\0", name_at, box.end)
    if name_end < 0 or name_end + 14 > box.end:
        return None
    lon, lat, alt = (v / 65536 for v in struct.unpack_from(">3i", buf, name_end + 2))
    text = f"{lat:+08.4f}{lon:+09.4f}" + (f"{alt:+f}" if alt else "")
    return text + "/" + buf[name_at:name_end].decode("utf-8", "replace")


def rotation(matrix: tuple[int, ...]) -> float | None:
    """The display matrix's angle as ffmpeg reports it (av_display_rotation_get)."""
    if len(matrix) < 5 or matrix[:5] == (0x10000, 0, 0, 0, 0x10000)[:5]:
        return None
    scale0, scale1 = math.hypot(matrix[0], matrix[3]), math.hypot(matrix[1], matrix[4])
    if not scale0 or not scale1:
        return None
    return -math.degrees(math.atan2(matrix[1] / scale1, matrix[0] / scale0))


def codec_name(fourcc: bytes) -> str:
    """ffmpeg's name for a sample entry's codec (hvc1 -> hevc)."""
    return (_VIDEO_CODECS.get(fourcc) or _AUDIO_CODECS.get(fourcc)
            or fourcc.decode("latin1").strip())  # fmt: skip


# --------------------------------------------------------------------------- the cut


class Span:
    """The samples ``first..last`` (inclusive) of a track, and its new edit: the media time
    (in the track's timescale) and how many seconds the track plays in the cut."""

    def __init__(
        self, track: Track, first: int, last: int, media_time: int, seconds: float
    ) -> None:
        self.track, self.first, self.last = track, first, last
        self.media_time, self.seconds = media_time, seconds


class Cut:
    """A planned cut: from the presentation time of the first kept keyframe to ``end``."""

    def __init__(self, movie: Movie, start: float, end: float, spans: list[Span]) -> None:
        self.movie, self.start, self.end, self.spans = movie, start, end, spans


def plan(movie: Movie, start: float, end: float) -> Cut:
    """Which samples a lossless cut [start, end) keeps: video from the keyframe at or before
    ``start``; audio from the sample that is playing at that moment."""
    video = movie.video
    frames = video.sync if video.sync is not None else list(range(len(video.sizes)))
    pts = video.pts
    keyed = sorted((pts[i], i) for i in frames)
    if not keyed:
        raise Unsupported("no keyframes")
    at = bisect.bisect_right([k[0] for k in keyed], start + 1e-6) - 1
    t_k, k = keyed[max(at, 0)]
    limit = end - 1e-6
    last = max((i for i in range(k, len(pts)) if pts[i] < limit), default=k)
    scale = video.timescale
    v_end = min(end, max(pts[i] + video.durations[i] / scale for i in range(k, last + 1)))
    if v_end <= t_k:
        raise Unsupported("nothing to keep")
    spans = [Span(video, k, last, video.cts[k], v_end - t_k)]
    for audio in movie.audio:
        times = [(d - audio.media_time) / audio.timescale for d in audio.dts]
        a = max(bisect.bisect_right(times, t_k + 1e-9) - 1, 0)
        b = bisect.bisect_left(times, v_end) - 1
        if b < a:
            continue  # no sound in this part
        media_time = audio.media_time + round(t_k * audio.timescale) - audio.dts[a]
        if media_time < 0:
            raise Unsupported("the sound starts after the cut's first frame")
        last_end = times[b] + audio.durations[b] / audio.timescale
        spans.append(Span(audio, a, b, media_time, min(v_end, last_end) - t_k))
    return Cut(movie, t_k, v_end, spans)


def _rle(values: list[int]) -> list[tuple[int, int]]:
    """(count, value) runs, the way stts and ctts store them."""
    return [(len(list(group)), value) for value, group in groupby(values)]


def _pack_runs(typ: bytes, runs: list[tuple[int, int]], version: int = 0) -> bytes:
    fmt = ">I" + ("Ii" if version == 1 else "II") * len(runs)
    return make_full(typ, version, 0, struct.pack(fmt, len(runs), *chain.from_iterable(runs)))


class _Layout:
    """``runs``: (source start, source end, position in the new mdat) of each stretch copied;
    ``chunks``: for each track id, the new chunk positions and how many samples each holds."""

    def __init__(
        self, runs: list[tuple[int, int, int]], chunks: dict[int, tuple[list[int], list[int]]]
    ) -> None:
        self.runs, self.chunks = runs, chunks


def _layout(spans: list[Span], gap: int = 256 * 1024) -> _Layout:
    """Which byte ranges of the source to copy, and where each kept sample lands.

    Usually the kept samples of all tracks lie interleaved in one stretch of the source, which
    is copied whole; otherwise the stretches between gaps over ``gap`` bytes are.
    """
    kept = [
        (s, s.track.offsets[s.first : s.last + 1], s.track.sizes[s.first : s.last + 1])
        for s in spans
    ]
    lo = min(min(offsets) for _, offsets, _ in kept)
    hi = max(max(map(add, offsets, sizes)) for _, offsets, sizes in kept)
    needed = sum(sum(sizes) for _, _, sizes in kept)
    if hi - lo <= needed + gap:
        runs: list[list[int]] = [[lo, hi]]
    else:
        runs = []
        pieces = sorted(pair for _, o, z in kept for pair in zip(o, map(add, o, z), strict=True))
        for start, end in pieces:
            if runs and start - runs[-1][1] <= gap:
                if end > runs[-1][1]:
                    runs[-1][1] = end
            else:
                runs.append([start, end])
    placed, pos = [], 0
    for start, end in runs:
        placed.append((start, end, pos))
        pos += end - start
    starts = [r[0] for r in placed]
    chunks = {}
    for span, offsets, sizes in kept:
        if len(placed) == 1:
            shift = placed[0][2] - placed[0][0]
            where = [o + shift for o in offsets]
        else:
            where = []
            for o in offsets:
                src, _, new = placed[bisect.bisect_right(starts, o) - 1]
                where.append(new + o - src)
        # a chunk: samples that follow each other directly in the new file
        ends = list(map(add, where, sizes))
        breaks = [0, *compress(range(1, len(where)), map(ne, where[1:], ends)), len(where)]
        positions = [where[i] for i in breaks[:-1]]
        counts = list(map(sub, breaks[1:], breaks))
        chunks[span.track.track_id] = (positions, counts)
    return _Layout(placed, chunks)


def _stbl(
    buf: bytes, span: Span, layout: _Layout, data_start: int, wide: bool, cache: dict[Any, bytes]
) -> bytes:
    t, a, b = span.track, span.first, span.last
    stbl = child(buf, child(buf, child(buf, t.trak, b"mdia"), b"minf"), b"stbl")  # type: ignore[arg-type]
    assert stbl is not None
    n = b - a + 1
    positions, per_chunk = layout.chunks[t.track_id]
    chunk_offsets = list(map(data_start.__add__, positions))
    out = []
    for box in iter_boxes(buf, stbl.body, stbl.end):
        typ = box.type
        key = (t.track_id, typ)
        if key in cache:
            out.append(cache[key])
            continue
        if typ in (b"stco", b"co64"):
            fmt = "Q" if wide else "I"
            body = struct.pack(f">I{len(chunk_offsets)}{fmt}", len(chunk_offsets), *chunk_offsets)
            out.append(make_full(b"co64" if wide else b"stco", 0, 0, body))
            continue
        done = len(out)
        if typ in (b"stsd", b"sgpd"):
            out.append(buf[box.start : box.end])
        elif typ == b"stts":
            out.append(_pack_runs(b"stts", _rle(t.durations[a : b + 1])))
        elif typ == b"ctts":
            cts = t.cts[a : b + 1]
            out.append(_pack_runs(b"ctts", _rle(cts), 1 if min(cts) < 0 else 0))
        elif typ == b"stss" and t.sync is not None:
            kept = [i - a + 1 for i in t.sync if a <= i <= b]
            out.append(make_full(b"stss", 0, 0, struct.pack(f">I{len(kept)}I", len(kept), *kept)))
        elif typ == b"sdtp":
            out.append(make_full(b"sdtp", 0, 0, buf[box.body + 4 + a : box.body + 4 + b + 1]))
        elif typ == b"sbgp":
            out.append(_sbgp(buf, box, a, b))
        elif typ == b"stsz":
            sizes = t.sizes[a : b + 1]
            if len(set(sizes)) == 1 and struct.unpack_from(">I", buf, box.body + 4)[0]:
                out.append(make_full(b"stsz", 0, 0, struct.pack(">II", sizes[0], n)))
            else:
                out.append(make_full(b"stsz", 0, 0, struct.pack(f">II{n}I", 0, n, *sizes)))
        elif typ == b"stsc":
            # an entry where the number of samples a chunk changes: (first chunk, count, 1)
            changes = [0, *compress(range(1, len(per_chunk)), map(ne, per_chunk[1:], per_chunk))]
            rows = chain.from_iterable((c + 1, per_chunk[c], 1) for c in changes)
            body = struct.pack(f">I{3 * len(changes)}I", len(changes), *rows)
            out.append(make_full(b"stsc", 0, 0, body))
        # cslg (composition shift bounds) is dropped: it is optional and would be stale
        cache[key] = out[done] if len(out) > done else b""
    return make_box(b"stbl", b"".join(out))


def _sbgp(buf: bytes, box: Box, a: int, b: int) -> bytes:
    version = buf[box.body]
    head = 8 if version == 1 else 4  # grouping_type (+ grouping_type_parameter)
    (n,) = struct.unpack_from(">I", buf, box.body + 4 + head)
    pairs = _ints(buf, box.body + 8 + head, 2 * n)
    per_sample: list[int] = []
    for count, index in zip(pairs[::2], pairs[1::2], strict=True):
        per_sample.extend([index] * count)
    kept = (per_sample + [0] * (b + 1 - len(per_sample)))[a : b + 1]
    runs = _rle(kept)
    body = buf[box.body + 4 : box.body + 4 + head] + struct.pack(">I", len(runs))
    body += b"".join(struct.pack(">II", c, v) for c, v in runs)
    return make_full(b"sbgp", version, 0, body)


def _set_times(payload: bytearray, version: int, when: int | None, duration: int | None,
               duration_at: tuple[int, int]) -> None:  # fmt: skip
    """Set creation/modification time and duration in an mvhd/tkhd/mdhd payload."""
    wide = version == 1
    if when is not None:
        fmt = ">QQ" if wide else ">II"
        struct.pack_into(fmt, payload, 4, when, when)
    if duration is not None:
        at = duration_at[1] if wide else duration_at[0]
        if not wide and duration >= 1 << 32:
            raise Unsupported("a duration too long for a version-0 header")
        struct.pack_into(">Q" if wide else ">I", payload, at, duration)


def _header(buf: bytes, box: Box, when: int | None, duration: int | None,
            duration_at: tuple[int, int]) -> bytes:  # fmt: skip
    payload = bytearray(buf[box.body : box.end])
    _set_times(payload, payload[0], when, duration, duration_at)
    return make_box(box.type, bytes(payload))


def _trak(buf: bytes, span: Span, movie: Movie, layout: _Layout, data_start: int, wide: bool,
          when: int | None, cache: dict[Any, bytes]) -> bytes:  # fmt: skip
    t = span.track
    movie_ticks = round(span.seconds * movie.movie_timescale)
    media_ticks = sum(t.durations[span.first : span.last + 1])
    out = []
    for box in iter_boxes(buf, t.trak.body, t.trak.end):
        if box.type == b"tkhd":
            out.append(_header(buf, box, when, movie_ticks, (20, 28)))
            elst = struct.pack(">IIIi", 1, movie_ticks, span.media_time, 0x10000)
            out.append(make_box(b"edts", make_full(b"elst", 0, 0, elst)))
        elif box.type in (b"edts", b"tref"):
            continue  # replaced above; references may name tracks the cut drops
        elif box.type == b"mdia":
            parts = []
            for sub in iter_boxes(buf, box.body, box.end):
                if sub.type == b"mdhd":
                    parts.append(_header(buf, sub, when, media_ticks, (16, 24)))
                elif sub.type == b"minf":
                    inner = b"".join(
                        _stbl(buf, span, layout, data_start, wide, cache)
                        if m.type == b"stbl"
                        else buf[m.start : m.end]
                        for m in iter_boxes(buf, sub.body, sub.end)
                    )
                    parts.append(make_box(b"minf", inner))
                else:
                    parts.append(buf[sub.start : sub.end])
            out.append(make_box(b"mdia", b"".join(parts)))
        else:
            out.append(buf[box.start : box.end])
    return make_box(b"trak", b"".join(out))


def _meta(buf: bytes, meta: Box, keys_text: str | None, keep_gps: bool) -> bytes:
    start = _meta_body(buf, meta)
    names, _ = _keys_items(buf, meta)
    parts = [buf[meta.body : start]]
    for box in iter_boxes(buf, start, meta.end):
        if box.type != b"ilst":
            parts.append(buf[box.start : box.end])
            continue
        items = []
        for item in iter_boxes(buf, box.body, box.end):
            name = ""
            if names:
                (index,) = struct.unpack(">I", item.type)
                name = names[index - 1] if 1 <= index <= len(names) else ""
            if not keep_gps and (item.type in _GPS_ITEMS or "location" in name.lower()):
                continue
            data = child(buf, item, b"data")
            if name == KEYS_CREATIONDATE and keys_text is not None and data is not None:
                head = buf[data.body : data.body + 8]
                items.append(make_box(item.type, make_box(b"data", head + keys_text.encode())))
            else:
                items.append(buf[item.start : item.end])
        parts.append(make_box(b"ilst", b"".join(items)))
    return make_box(b"meta", b"".join(parts))


def _udta(buf: bytes, udta: Box, keys_text: str | None, keep_gps: bool) -> bytes:
    parts = []
    for box in iter_boxes(buf, udta.body, udta.end):
        if box.type == b"meta":
            parts.append(_meta(buf, box, keys_text, keep_gps))
        elif box.type == b"XMP_" or (not keep_gps and box.type in _GPS_ITEMS):
            continue  # XMP may carry a position; ffmpeg's copy drops it too
        else:
            parts.append(buf[box.start : box.end])
    return make_box(b"udta", b"".join(parts))


def keys_date(when: dt.datetime) -> str:
    """A time as Apple writes Keys CreationDate (``2026-03-14T10:26:53+0100``): the one
    spelling for this cutter and for ffmpeg's ``-metadata`` in the other video verbs."""
    return when.strftime("%Y-%m-%dT%H:%M:%S%z")


def build_moov(cut: Cut, layout: _Layout, data_start: int, wide: bool,
               when: dt.datetime | None, keep_gps: bool,
               cache: dict[Any, bytes] | None = None) -> bytes:  # fmt: skip
    """The new index; ``cache`` keeps the tables that do not depend on ``data_start``
    between the sizing pass and the final one."""
    cache = {} if cache is None else cache
    movie, buf = cut.movie, cut.movie.moov
    root = next(iter_boxes(buf, 0, len(buf)))
    mac = None
    keys_text = None
    if when is not None:
        mac = int((when.astimezone(dt.timezone.utc) - EPOCH_1904).total_seconds() // 1)
        keys_text = keys_date(when)
    longest = max(s.seconds for s in cut.spans)
    out = []
    for box in iter_boxes(buf, root.body, root.end):
        if box.type == b"mvhd":
            out.append(_header(buf, box, mac, round(longest * movie.movie_timescale), (16, 24)))
        elif box.type == b"trak":
            span = next((s for s in cut.spans if s.track.trak.start == box.start), None)
            if span is not None:
                out.append(_trak(buf, span, movie, layout, data_start, wide, mac, cache))
        elif box.type == b"udta":
            out.append(_udta(buf, box, keys_text, keep_gps))
        elif box.type == b"meta":
            out.append(_meta(buf, box, keys_text, keep_gps))
        elif box.type == b"uuid":
            continue  # vendor boxes (XMP among them) may carry a position
        else:
            out.append(buf[box.start : box.end])
    return make_box(b"moov", b"".join(out))


# --------------------------------------------------------------------------- writing


def _copy_range(src: int, dst: int, offset: int, length: int,
                step: Callable[[int], None]) -> None:  # fmt: skip
    """Copy ``length`` bytes from ``offset`` of ``src`` to the end of ``dst``, inside the
    kernel where it can: splice through a 1 MiB pipe (measured 0.075 s for 180 MB from the
    page cache), else copy_file_range (0.085 s), else through memory."""
    done = _splice(src, dst, offset, length, step)
    offset, length = offset + done, length - done
    use_kernel = hasattr(os, "copy_file_range")
    while length > 0:
        chunk = min(length, 32 * 1024 * 1024)
        moved = 0
        if use_kernel:
            try:
                moved = os.copy_file_range(src, dst, chunk, offset)
            except OSError:
                use_kernel = False  # another file system, an old kernel: copy through memory
        if not use_kernel:  # os.pread is not on Windows; seek and read are everywhere
            os.lseek(src, offset, os.SEEK_SET)
            data = os.read(src, min(chunk, 4 * 1024 * 1024))
            moved = os.write(dst, data) if data else 0
        if moved <= 0:
            raise OSError("the source ended early")
        offset += moved
        length -= moved
        step(moved)


def _splice(src: int, dst: int, offset: int, length: int, step: Callable[[int], None]) -> int:
    """Bytes copied by splice(2); 0 where it is not available, and the caller goes on."""
    if not hasattr(os, "splice"):
        return 0
    try:
        import fcntl

        read_end, write_end = os.pipe()
    except (ImportError, OSError):
        return 0
    done = 0
    try:
        size = 65536
        with contextlib.suppress(OSError, AttributeError):
            size = fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE)
        while done < length:
            try:
                got = os.splice(src, write_end, min(size, length - done), offset_src=offset + done)
            except OSError:
                if done:
                    raise
                return 0  # e.g. a file system without splice: the caller copies another way
            if got <= 0:
                raise OSError("the source ended early")
            left = got
            while left:
                left -= os.splice(read_end, dst, left)
            done += got
            step(got)
    finally:
        os.close(read_end)
        os.close(write_end)
    return done


def write_cut(cut: Cut, out: Path, *, when: dt.datetime | None, keep_gps: bool,
              progress: Callable[[float], None] | None = None) -> int:  # fmt: skip
    """Write the cut to ``out`` (a new file); return its size."""
    layout = _layout(cut.spans)
    payload = sum(r[1] - r[0] for r in layout.runs)
    ftyp = cut.movie.ftyp
    wide = False
    cache: dict[Any, bytes] = {}
    moov = build_moov(cut, layout, 0, wide, when, keep_gps, cache)
    mdat_header = 8
    if len(ftyp) + len(moov) + 16 + payload >= WIDE_FROM:
        wide, mdat_header = True, 16
        moov = build_moov(cut, layout, 0, wide, when, keep_gps, cache)
    # A free box before the data puts each byte at the same place within a memory page as in
    # the source, and the data's start in the first page of a 64 KiB block: the kernel then
    # copies through its 64 KiB pipe in whole pages and large page-cache folios. Measured on
    # ext4: 180 MB in 0.085 s, against 0.11-0.13 s at other offsets.
    want = layout.runs[0][0] % PAGE
    pad = (want - (len(ftyp) + len(moov) + 8 + mdat_header)) % BLOCK
    free = make_box(b"free", b"\0" * pad)
    data_start = len(ftyp) + len(moov) + len(free) + mdat_header
    moov = build_moov(cut, layout, data_start, wide, when, keep_gps, cache)
    if len(ftyp) + len(moov) + len(free) + mdat_header != data_start:
        raise Unsupported("the index changed size while it was laid out")  # pragma: no cover
    if wide:
        header = struct.pack(">I4sQ", 1, b"mdat", 16 + payload)
    else:
        header = struct.pack(">I4s", 8 + payload, b"mdat")
    done = 0

    def step(n: int) -> None:
        nonlocal done
        done += n
        if progress is not None and payload:
            progress(done / payload)

    with open(cut.movie.path, "rb") as src, open(out, "wb") as dst:
        dst.write(ftyp + moov + free + header)
        dst.flush()
        for lo, hi, _ in layout.runs:
            _copy_range(src.fileno(), dst.fileno(), lo, hi - lo, step)
    return data_start + payload
