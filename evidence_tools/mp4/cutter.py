"""Lossless cuts of MP4/MOV files without a remux: the kept samples are copied byte for byte
and a new index (``moov``) is written in front of them.

Why not ffmpeg's stream copy: it demuxes and remuxes every packet through user space, and
needs a second process to find the keyframe first. Here the sample bytes move inside the
kernel (``kernel_copy``) and only the sample tables are rebuilt in Python: a 3-minute 1080p
file has about 14,000 samples.
"""

from __future__ import annotations

import bisect
import datetime as dt
import struct
from itertools import chain, compress, groupby
from operator import add, ne, sub
from pathlib import Path
from typing import Any

from evidence_tools.mp4.boxes import (
    Box,
    Unsupported,
    child,
    iter_boxes,
    make_box,
    make_full,
    meta_body,
)
from evidence_tools.mp4.index import (
    EPOCH_1904,
    GPS_ITEMS,
    KEYS_CREATIONDATE,
    Movie,
    Track,
    keys_date,
    keys_items,
    read_ints,
)
from evidence_tools.mp4.kernel_copy import copy_range
from evidence_tools.progress import Step

PAGE = 4096
BLOCK = 64 * 1024
WIDE_FROM = 1 << 32  # from this size on, 64-bit chunk offsets and mdat size


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


class Layout:
    """``runs``: (source start, source end, position in the new mdat) of each stretch copied;
    ``chunks``: for each track id, the new chunk positions and how many samples each holds."""

    def __init__(
        self, runs: list[tuple[int, int, int]], chunks: dict[int, tuple[list[int], list[int]]]
    ) -> None:
        self.runs, self.chunks = runs, chunks


def plan_layout(spans: list[Span], gap: int = 256 * 1024) -> Layout:
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
    return Layout(placed, chunks)


def _stbl(
    buf: bytes, span: Span, layout: Layout, data_start: int, wide: bool, cache: dict[Any, bytes]
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
    pairs = read_ints(buf, box.body + 8 + head, 2 * n)
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


def _trak(buf: bytes, span: Span, movie: Movie, layout: Layout, data_start: int, wide: bool,
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
    start = meta_body(buf, meta)
    names, _ = keys_items(buf, meta)
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
            if not keep_gps and (item.type in GPS_ITEMS or "location" in name.lower()):
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
        elif box.type == b"XMP_" or (not keep_gps and box.type in GPS_ITEMS):
            continue  # XMP may carry a position; ffmpeg's copy drops it too
        else:
            parts.append(buf[box.start : box.end])
    return make_box(b"udta", b"".join(parts))


def build_moov(cut: Cut, layout: Layout, data_start: int, wide: bool,
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


def write_cut(cut: Cut, out: Path, *, when: dt.datetime | None, keep_gps: bool,
              progress: Step | None = None) -> int:  # fmt: skip
    """Write the cut to ``out`` (a new file); return its size."""
    layout = plan_layout(cut.spans)
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
            progress.fraction(done / payload)

    with open(cut.movie.path, "rb") as src, open(out, "wb") as dst:
        dst.write(ftyp + moov + free + header)
        dst.flush()
        for lo, hi, _ in layout.runs:
            copy_range(src.fileno(), dst.fileno(), lo, hi - lo, step)
    return data_start + payload
