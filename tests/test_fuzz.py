"""Fuzzing the readers: damaged copies of real files (cut short, bytes flipped, pieces of the
file copied over other parts, as a bad transfer or a broken editor leaves them) go to the
photo and video metadata readers, the MP4 index reader and the case loader. Each returns a
result or raises our own error (with its exit code), never another exception, never a hang.

The default run is short; EVIDENCE_FUZZ_EXAMPLES=2000 (say) runs a longer one.
"""

from __future__ import annotations

import os
import time
import warnings
from pathlib import Path

from conftest import CORPUS, SAMPLE_CASE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_tools.case.loader import load_case
from evidence_tools.errors import EvidenceError
from evidence_tools.metadata.read import read_capture
from evidence_tools.metadata.video import probe_from_movie
from evidence_tools.mp4 import cutter, index
from evidence_tools.mp4.boxes import Unsupported

EXAMPLES = int(os.environ.get("EVIDENCE_FUZZ_EXAMPLES", "30"))
PER_CASE_SECONDS = 20.0
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def seeds(*suffixes: str) -> list[Path]:
    found = sorted(p for p in (SAMPLE_CASE / "originals").iterdir() if p.suffix.lower() in suffixes)
    for folder in ("photos", "realworld", "videos", "c2pa"):
        if (CORPUS / folder).is_dir():
            found += sorted(
                p for p in (CORPUS / folder).iterdir()
                if p.suffix.lower() in suffixes and p.stat().st_size < 5_000_000
            )  # fmt: skip
    return found


PHOTOS = seeds(".jpg", ".jpeg", ".png", ".webp", ".heic", ".avif")
VIDEOS = seeds(".mov", ".mp4")


@st.composite
def damaged(draw: st.DrawFn, pool: list[Path]) -> tuple[str, bytes]:
    """A seed file with one to three kinds of damage."""
    seed = draw(st.sampled_from(pool))
    data = bytearray(seed.read_bytes())
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["truncate", "flip", "splice", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "truncate":
            del data[max(1, at) :]
        elif kind == "flip":
            for _ in range(draw(st.integers(1, 16))):
                pos = draw(st.integers(0, max(0, len(data) - 1)))
                data[pos] ^= draw(st.integers(1, 255))
        elif kind == "splice":  # a run of the file copied over another part (box splicing)
            length = draw(st.integers(1, 4096))
            src = draw(st.integers(0, max(0, len(data) - 1)))
            data[at : at + length] = data[src : src + length]
        else:
            data[at : at + draw(st.integers(1, 512))] = b"\x00" * 8
    return seed.suffix.lower(), bytes(data)


def write(tmp_path: Path, suffix: str, data: bytes) -> Path:
    path = tmp_path / f"fuzzed{suffix}"
    path.write_bytes(data)
    return path


def read_within_bounds(path: Path) -> None:
    """A result or our error, in bounded time, and no library warning left for the terminal."""
    started = time.monotonic()
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        try:
            info = read_capture(path)
            assert info.kind in ("photo", "video")
        except EvidenceError as exc:
            assert exc.exit_code in (1, 2, 3, 4, 5)
    assert time.monotonic() - started < PER_CASE_SECONDS
    assert [str(w.message) for w in escaped] == []


@FUZZ
@given(case=damaged(PHOTOS))
def test_photo_reader_survives_damage(tmp_path: Path, case: tuple[str, bytes]) -> None:
    read_within_bounds(write(tmp_path, *case))


@FUZZ
@given(case=damaged(VIDEOS))
def test_video_reader_survives_damage(tmp_path: Path, case: tuple[str, bytes]) -> None:
    read_within_bounds(write(tmp_path, *case))


@FUZZ
@given(case=damaged(VIDEOS), start=st.floats(0, 20), length=st.floats(0.1, 20))
def test_mp4_index_reader_survives_damage(
    tmp_path: Path, case: tuple[str, bytes], start: float, length: float
) -> None:
    path = write(tmp_path, *case)
    try:
        movie = index.read_movie(path)
        probe_from_movie(movie)
        cutter.plan(movie, start, start + length)
    except Unsupported:
        pass  # the caller hands such a file to ffmpeg


TOML = (SAMPLE_CASE / "case.toml").read_text(encoding="utf-8")


@FUZZ
@given(
    cut=st.integers(0, len(TOML)),
    edits=st.lists(
        st.tuples(st.integers(0, len(TOML)), st.sampled_from(
            ['"', "[", "]", "=", "\n", "{", "}", ",", "0", "-", "'''", "\ufeff", "\x00", "é",
             "2019-02-30", "true", "[[evidence]]\n", 'file = "../x"\n', "1e999", "\\u"])),
        max_size=6,
    ),
)  # fmt: skip
def test_case_loader_survives_damage(tmp_path: Path, cut: int, edits: list) -> None:
    text = TOML[:cut] if cut % 3 == 0 else TOML
    for at, piece in edits:
        text = text[:at] + piece + text[at:]
    (tmp_path / "case.toml").write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_case(tmp_path)
    except EvidenceError as exc:
        assert exc.exit_code == 2, exc


def test_there_is_something_to_fuzz() -> None:
    assert PHOTOS and VIDEOS, "samples/case/originals holds a photo and a video"
