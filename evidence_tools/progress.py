"""One progress interface for every long step: hashing, copying, each ffmpeg job, the video
scan, the PDF.

A command makes one ``Progress`` with a ``Sink`` (the command line's bar, a test's recorder,
the mark page's stream) and hands it down. Each long step opens a ``Step`` with its own total
and unit (bytes, seconds of video, items) and a weight: what share of the command's time it
takes. The overall fraction moves by weight, so a two-minute encode moves the bar through
its two minutes instead of counting as one step among five equal ones. Code that has nothing
to show to takes ``Progress.none()``: every call is then a no-op, never ``if progress:``.
(OCRmyPDF's ``ProgressBar`` protocol is the model: a total, a description, a unit, update.)
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Protocol

# what a step costs on a 2-core laptop, in seconds, to weigh steps against each other:
# a 1080x1920 H.264 stamp at the viewing size took 55 s for 120 s of video (0.46 s a second)
ENCODE_PER_SECOND = 0.46
FIT_PER_SECOND = 0.3  # two passes at "medium": the same 120 s fitted under 8 MB in 36.5 s
PHOTO_SECONDS = 0.3  # a photo opened, drawn on or shrunk and written


class Update(NamedTuple):
    """What a sink is told, each time a step moves (a NamedTuple: the lossless trim loads no
    dataclasses)."""

    what: str  # the step, in the reader's language: "Stamping IMG_0420.MOV"
    done: float  # of this step, in ``unit``
    total: float
    unit: str  # "bytes", "seconds" (of video) or "" (items)
    overall: float  # 0..1 of the whole command, weighted by the time each step takes
    left: float | None = None  # seconds left in the whole command, once it can be told


class Sink(Protocol):
    def __call__(self, update: Update) -> None: ...


class Step:
    """One long step: ``advance`` by an amount done (bytes read), ``to`` an amount done
    (seconds of video encoded) or ``fraction`` of it (0..1)."""

    def __init__(self, owner: Progress, what: str, total: float, unit: str, weight: float):
        self.owner, self.what, self.total, self.unit, self.weight = owner, what, total, unit, weight
        self.done = 0.0
        self.closed = False

    def advance(self, amount: float) -> None:
        self.to(self.done + amount)

    def to(self, done: float) -> None:
        done = max(self.done, min(self.total, done)) if self.total > 0 else done
        if done != self.done:
            self.done = done
            self.owner._moved(self)

    def fraction(self, value: float) -> None:
        self.to(value * self.total if self.total > 0 else 0.0)

    def part(self, start: float, end: float) -> Callable[[float], None]:
        """Where a piece of this step reports its fraction (a two-pass job's second pass)."""
        return lambda f: self.fraction(start + (end - start) * max(0.0, min(1.0, f)))

    def inner(self) -> Progress:
        """A progress for the work inside this step (an exhibit's stamp, then its stills):
        its steps fill this one, and their words replace this step's."""

        def show(update: Update) -> None:
            self.what = update.what
            fraction = update.overall * self.total if self.total > 0 else 0.0
            self.done = max(self.done, min(self.total, fraction))
            self.owner._moved(self)

        return Progress(show)

    def __enter__(self) -> Step:
        self.owner._moved(self)
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if kind is None:
            self.to(self.total)
        self.closed = True
        self.owner._finished(self)


class Progress:
    """A command's progress: its steps one after another, each weighed by its share of the
    time (``weights``, any units: seconds expected, bytes...); unknown steps weigh 1."""

    def __init__(self, sink: Sink | None = None) -> None:
        self.sink = sink
        self.total_weight = 0.0  # what the steps announced and not yet done weigh
        self.finished = 0.0  # weight of the steps done since ``floor`` was set
        self.floor = 0.0  # the share of the bar shown when work was last announced
        self.started = time.monotonic()
        self.buckets: list[list[float]] = []  # forecasts still open, each what is left of it
        self.last: Step | None = None

    @classmethod
    def none(cls) -> Progress:
        return cls(None)

    def expect(self, weight: float) -> None:
        """Announce steps still to come that weigh ``weight`` in all: each part of a command
        announces its own before its first step, so the bar never runs past 100 %. Work
        announced late (a video's scan, found only once it is read) shares the part of the
        bar still to go with what remains: the bar never moves back."""
        self.floor = self.overall()
        self.total_weight = self.total_weight - self.finished + weight
        self.finished = 0.0

    def step(self, what: str, total: float = 1.0, *, unit: str = "", weight: float = 1.0) -> Step:
        return Step(self, what, total, unit, weight)

    def one_step(
        self, what: str, total: float = 1.0, *, unit: str = "", weight: float = 1.0
    ) -> Step:
        """A step announced as it opens (a verb's encode, a video's scan): its weight comes out
        of the forecast it runs in, else it is announced now."""
        self._draw(weight)
        return self.step(what, total, unit=unit, weight=weight)

    @contextlib.contextmanager
    def forecast(self, weight: float) -> Iterator[None]:
        """The work of a part of a command, announced before it starts: the dossier's scans,
        exhibits and PDF, so the first of them does not fill the bar. Its steps open with
        ``one_step`` and draw on it; a forecast inside another draws on that one. What it
        held that was not needed (a scan found in the cache) is dropped at its end, and the
        bar moves on to where the work really is."""
        self._draw(weight)
        bucket = [weight]
        self.buckets.append(bucket)
        try:
            yield
        finally:
            self.buckets.pop()  # forecasts nest: the last opened is this one
            if bucket[0] > 0:
                self.total_weight = max(self.finished, self.total_weight - bucket[0])
                if self.last is not None:
                    self._moved(self.last)

    def _draw(self, weight: float) -> None:
        """Take ``weight`` from the innermost open forecast; announce what it cannot give."""
        if self.buckets:
            bucket = self.buckets[-1]
            take = min(bucket[0], weight)
            bucket[0] -= take
            weight -= take
        if weight > 0:
            self.expect(weight)

    def overall(self, step: Step | None = None) -> float:
        inside = 0.0
        if step is not None and step.total > 0 and not step.closed:
            inside = step.weight * step.done / step.total
        if self.total_weight <= 0:
            return self.floor
        share = min(1.0, (self.finished + inside) / self.total_weight)
        return self.floor + (1.0 - self.floor) * share

    def files(
        self, paths: Iterable[Path], what: Callable[[Path], str]
    ) -> Iterator[tuple[Path, Step]]:
        """Each file with its step, weighing its size: hashing and copying take time by the
        byte. A file that is not there weighs nothing (its error is the caller's)."""
        sizes = [(p, float(p.stat().st_size) if p.is_file() else 0.0) for p in paths]
        with self.forecast(sum(size for _p, size in sizes)):
            for path, size in sizes:
                with self.one_step(what(path), total=size, unit="bytes", weight=size) as s:
                    yield path, s

    def _moved(self, step: Step) -> None:
        self.last = step
        if self.sink is None:
            return
        overall = self.overall(step)
        spent = time.monotonic() - self.started
        left = spent * (1 - overall) / overall if overall > 0.02 and spent > 2 else None
        self.sink(Update(step.what, step.done, step.total, step.unit, overall, left))

    def _finished(self, step: Step) -> None:
        self.finished += step.weight
