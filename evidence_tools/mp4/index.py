"""The index of an MP4/MOV file (``moov``): tracks, their sample tables, and the metadata the
capture-time reader and the cutter need, as typed fields.

The reader is strict on purpose. Anything it does not fully understand (fragmented files,
several sample descriptions, edit lists other than one plain edit, per-sample tables it does
not know, sample data past the end of the file) raises ``Unsupported``.
"""

from __future__ import annotations

import datetime as dt
import math
import struct
from collections.abc import Iterator
from functools import cached_property
from itertools import accumulate, chain, repeat
from operator import add, sub
from pathlib import Path

from evidence_tools.mp4.boxes import Box, Unsupported, child, iter_boxes, meta_body, top_level

MAX_MOOV = 256 * 1024 * 1024
EPOCH_1904 = dt.datetime(1904, 1, 1, tzinfo=dt.timezone.utc)
KEYS_CREATIONDATE = "com.apple.quicktime.creationdate"
EDIT_SLACK = 0.5  # seconds an edit list may hide: codec delays and priming, not an edit
MAX_SAMPLES = 2_000_000  # 3 hours at 120 fps; PCM sound counts every sample: ffmpeg does those
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
GPS_ITEMS = {b"\xa9xyz", b"loci"}


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
        color: tuple[str, str, str] = ("", "", ""),
        dolby_vision: bool = False,
    ) -> None:
        self.trak, self.track_id, self.handler = trak, track_id, handler
        self.color, self.dolby_vision = color, dolby_vision  # (matrix, primaries, transfer)
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


def read_ints(buf: bytes, pos: int, count: int, wide: bool = False) -> list[int]:
    if count < 0 or pos + count * (8 if wide else 4) > len(buf):
        raise Unsupported("a sample table is cut short")
    return list(struct.unpack_from(f">{count}{'Q' if wide else 'I'}", buf, pos))


def _runs(buf: bytes, box: Box, samples: int) -> list[int]:
    """Expand a run-length table of (count, value) pairs (stts, ctts) into one value a sample,
    refusing one that lists more samples than the track has (a broken file would otherwise
    make a list of billions)."""
    version = buf[box.body]
    (n,) = struct.unpack_from(">I", buf, box.body + 4)
    pairs = read_ints(buf, box.body + 8, 2 * n)
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
        raise Unsupported(f"an edit list with {n} edits", code="edit.hidden")
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
        raise Unsupported(
            f"the edit list skips the first {skipped:.1f} s (an edited video)", code="edit.hidden"
        )
    if segment and movie_timescale:
        shown = segment / movie_timescale
        held = sum(durations) / timescale - skipped
        if held - shown > EDIT_SLACK:
            raise Unsupported(f"the edit list hides the last {held - shown:.1f} s",
                              code="edit.hidden")  # fmt: skip


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
    color, dolby_vision = ("", "", ""), False
    if handler == b"vide":
        width, height = struct.unpack_from(">HH", buf, entry.body + 24)
        color, dolby_vision = _colour(buf, entry)
    stsz = tables[b"stsz"]
    constant, count = struct.unpack_from(">II", buf, stsz.body + 4)
    if count > MAX_SAMPLES:
        raise Unsupported(f"{count} samples in one track")
    sizes = [constant] * count if constant else read_ints(buf, stsz.body + 12, count)
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
        sync = [i - 1 for i in read_ints(buf, stss.body + 8, n)]
    offsets = _sample_offsets(buf, tables, sizes)
    return Track(
        trak=trak, track_id=track_id, handler=handler, timescale=timescale,
        media_time=media_time, codec=bytes(entry.type), width=width,
        height=height, durations=durations, cts=cts[:count], sync=sync, sizes=sizes,
        offsets=offsets, matrix=matrix, color=color, dolby_vision=dolby_vision,
    )  # fmt: skip


# ISO/IEC 23091-2 code points, named as ffmpeg names them
_MATRICES = {1: "bt709", 5: "bt470bg", 6: "smpte170m", 9: "bt2020nc", 10: "bt2020c"}
_PRIMARIES = {1: "bt709", 5: "bt470bg", 6: "smpte170m", 9: "bt2020", 12: "smpte432"}
_TRANSFERS = {1: "bt709", 6: "smpte170m", 13: "iec61966-2-1", 14: "bt2020-10",
              15: "bt2020-12", 16: "smpte2084", 18: "arib-std-b67"}  # fmt: skip
VISUAL_ENTRY = 78  # bytes of a visual sample entry before its child boxes


def _colour(buf: bytes, entry: Box) -> tuple[tuple[str, str, str], bool]:
    """(matrix, primaries, transfer) from the sample entry's ``colr`` box (nclx or
    QuickTime's nclc), and whether a Dolby Vision configuration (dvcC/dvvC) is present."""
    color, dolby_vision = ("", "", ""), entry.type in (b"dvh1", b"dvhe")
    start = entry.body + VISUAL_ENTRY
    if start >= entry.end:
        return color, dolby_vision
    for box in iter_boxes(buf, start, entry.end):
        if box.type in (b"dvcC", b"dvvC"):
            dolby_vision = True
        elif box.type == b"colr" and buf[box.body : box.body + 4] in (b"nclx", b"nclc"):
            prim, trans, mat = struct.unpack_from(">HHH", buf, box.body + 4)
            color = (_MATRICES.get(mat, ""), _PRIMARIES.get(prim, ""), _TRANSFERS.get(trans, ""))
    return color, dolby_vision


def _sample_offsets(buf: bytes, tables: dict[bytes, Box], sizes: list[int]) -> list[int]:
    co = tables.get(b"stco") or tables.get(b"co64")
    if co is None:
        raise Unsupported("a track without chunk offsets")
    (n_chunks,) = struct.unpack_from(">I", buf, co.body + 4)
    chunks = read_ints(buf, co.body + 8, n_chunks, wide=co.type == b"co64")
    stsc = tables[b"stsc"]
    (n,) = struct.unpack_from(">I", buf, stsc.body + 4)
    entries = read_ints(buf, stsc.body + 8, 3 * n)
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


def keys_items(buf: bytes, meta: Box) -> tuple[list[str], Box | None]:
    start = meta_body(buf, meta)
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


def _keys_metadata(buf: bytes, root: Box, keys: dict[str, str]) -> bool:
    """QuickTime Keys metadata (moov/meta and moov/udta/meta) into ``keys``; whether any item
    holds a position."""
    location = False
    for meta in _meta_boxes(buf, root):
        names, ilst = keys_items(buf, meta)
        if ilst is None:
            continue
        for item in iter_boxes(buf, ilst.body, ilst.end):
            if item.type in GPS_ITEMS:
                location = True
                text = _item_text(buf, item) if item.type == b"\xa9xyz" else None
                if text:
                    keys.setdefault("location", text)
            (index,) = struct.unpack(">I", item.type)
            if not 1 <= index <= len(names):
                continue
            text = _item_text(buf, item)
            if text is not None:
                keys[names[index - 1]] = text
            if "location" in names[index - 1].lower():
                location = True
    return location


def _udta_location(buf: bytes, root: Box, keys: dict[str, str]) -> bool:
    """A position in moov/udta (QuickTime ``\xa9xyz`` text or a 3GPP ``loci`` box) into
    ``keys``; whether there is one."""
    location = False
    for udta in (b for b in iter_boxes(buf, root.body, root.end) if b.type == b"udta"):
        for box in iter_boxes(buf, udta.body, udta.end):
            if box.type in GPS_ITEMS:
                location = True
            if box.type == b"\xa9xyz" and box.end - box.body > 4:  # QuickTime text: size, language
                (n,) = struct.unpack_from(">H", buf, box.body)
                text = buf[box.body + 4 : box.body + 4 + n].decode("utf-8", "replace")
                keys.setdefault("location", text)
            elif box.type == b"loci":
                place = loci_text(buf, box)
                if place:
                    keys.setdefault("location", place)
    return location


def _read_metadata(buf: bytes, root: Box) -> tuple[dict[str, str], bool]:
    keys: dict[str, str] = {}
    in_keys = _keys_metadata(buf, root, keys)
    in_udta = _udta_location(buf, root, keys)
    return keys, in_keys or in_udta


def loci_text(buf: bytes, box: Box) -> str | None:
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


def keys_date(when: dt.datetime) -> str:
    """A time as Apple writes Keys CreationDate (``2026-03-14T10:26:53+0100``): the one
    spelling for this cutter and for ffmpeg's ``-metadata`` in the other video verbs."""
    return when.strftime("%Y-%m-%dT%H:%M:%S%z")
