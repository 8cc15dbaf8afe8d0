from __future__ import annotations

import contextlib
import shutil
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CASE = ROOT / "samples" / "case"
CORPUS = ROOT.parent / "shared" / "corpus"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts in English, whatever the machine's locale, and no test's language
    (a case's ``language``, ``--lang``) carries over to the next."""
    from evidence_tools import i18n

    monkeypatch.setenv("LANGUAGE", "en")
    monkeypatch.delenv("EVIDENCE_LANG", raising=False)
    i18n.choose()


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here (a user's fresh clone)")
    return CORPUS


@contextlib.contextmanager
def serving(root: Path) -> Iterator[Any]:
    """The mark page's server for the case at ``root``, answering in a thread until the
    block ends."""
    from evidence_tools.mark.server import MarkServer

    srv = MarkServer(root)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join()


def copy_sample(dest: Path) -> Path:
    """A private copy of samples/case at ``dest``, originals read-only as ``add`` leaves them."""
    shutil.copytree(SAMPLE_CASE, dest, ignore=shutil.ignore_patterns("exports"))
    (dest / "exports").mkdir()
    for p in (dest / "originals").iterdir():
        p.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return dest


@pytest.fixture
def sample_case(tmp_path: Path) -> Path:
    """A private copy of samples/case, so tests may write exports into it."""
    return copy_sample(tmp_path / "case")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str):
    from evidence_tools.cli import cli

    return runner.invoke(cli, list(args), catch_exceptions=False)


def pixels(img: Any) -> list[Any]:
    """Every pixel of a Pillow image (Pillow 13 renamed getdata; both majors are supported)."""
    flat = getattr(img, "get_flattened_data", None)
    return list(flat() if flat is not None else img.getdata())
