"""The mark page in a real headless Chromium: drag a box on a HEIC photo, type a caption,
set a video's trim, save, and read what case.toml now says.

Needs Playwright's Python package and a Chromium (Debian's ``chromium``, which ``.ci/run``
installs); skipped without them, as in a user's fresh clone.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from evidence_tools.case.loader import load_case
from evidence_tools.mark.server import MarkServer

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed")


@pytest.fixture
def page(sample_case: Path) -> Iterator[tuple[Any, MarkServer]]:
    yield from _browse(sample_case)


def _browse(root: Path, locale: str = "en-US") -> Iterator[tuple[Any, MarkServer]]:
    """The page of the case at ``root`` in Chromium (a browser set to ``locale``), for as long
    as the caller needs it."""
    server = MarkServer(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page(viewport={"width": 1400, "height": 1000}, locale=locale)
        tab.on("pageerror", lambda exc: errors.append(str(exc)))
        tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        tab.goto(server.url)
        yield tab, server
        browser.close()
    server.shutdown()
    server.server_close()
    assert errors == []  # no script error and no refused request while it was used


def _loaded(tab: Any, test_id: str) -> Any:
    image = tab.get_by_test_id(test_id)
    tab.wait_for_function(
        'id => { const i = document.querySelector(`[data-testid="${id}"]`);'
        " return i && i.complete && i.naturalWidth > 0 && i.src.startsWith('blob:'); }",
        arg=test_id,
    )
    # every picture above has loaded too, so this one stays where it is scrolled to
    tab.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
    image.scroll_into_view_if_needed()
    return image


def _drag(tab: Any, image: Any, start: tuple[float, float], end: tuple[float, float]) -> None:
    box = image.bounding_box()
    tab.mouse.move(box["x"] + start[0] * box["width"], box["y"] + start[1] * box["height"])
    tab.mouse.down()
    for step in range(1, 6):
        f = step / 5
        x = start[0] + (end[0] - start[0]) * f
        y = start[1] + (end[1] - start[1]) * f
        tab.mouse.move(box["x"] + x * box["width"], box["y"] + y * box["height"])
    tab.mouse.up()


def _player(tab: Any, number: int, ready: int) -> Any:
    """Exhibit ``number``'s player in view, once the browser has reached ``ready``
    (HTMLMediaElement.readyState: 1 the length is known, 2 a picture is decoded)."""
    video = tab.get_by_test_id(f"video-{number}")
    video.scroll_into_view_if_needed()
    video.evaluate(
        "(v, ready) => v.readyState >= ready || new Promise(done =>"
        " v.addEventListener(ready >= 2 ? 'loadeddata' : 'loadedmetadata', done, {once: true}))",
        ready,
    )
    return video


def _seek(video: Any, seconds: float) -> None:
    """Move the player to ``seconds`` and wait until the browser has the picture there."""
    video.evaluate(
        "(v, t) => new Promise(done => { v.addEventListener('seeked', done, {once: true});"
        " v.currentTime = t; })",
        seconds,
    )


def _save(tab: Any) -> None:
    tab.get_by_test_id("save").click()
    # "Saved to case.toml", in whatever language the page speaks
    sync_api.expect(tab.locator("#status")).to_have_class("ok", timeout=30_000)


def test_a_dragged_box_and_a_caption_are_saved_into_case_toml(page: Any) -> None:
    tab, server = page
    comments = [line for line in (server.root / "case.toml").read_text().splitlines()
                if line.lstrip().startswith("#")]  # fmt: skip
    image = _loaded(tab, "exhibit-image-4")  # the HEIC photo: the browser gets a JPEG
    tab.get_by_test_id("tool-box").click()
    _drag(tab, image, (0.30, 0.30), (0.60, 0.50))
    tab.get_by_test_id("caption-4").fill("The camera cut-out is broken off")
    _save(tab)
    text = (server.root / "case.toml").read_text()
    assert comments and all(line in text.splitlines() for line in comments)
    item = load_case(server.root).evidence[3]
    assert item.caption == "The camera cut-out is broken off"
    box = item.annotate[-1]
    assert box.kind == "box" and len(item.annotate) == 4  # the three marks before are kept
    for got, want in zip([c.value for c in box.coords], (0.30, 0.30, 0.30, 0.20), strict=True):
        assert got == pytest.approx(want, abs=0.02)
    from evidence_tools.dossier.build import build_dossier

    result = build_dossier(server.root, today=dt.date(2026, 11, 26))
    assert result.pdf.is_file()


def test_a_mark_is_selected_moved_and_removed(page: Any) -> None:
    tab, server = page
    image = _loaded(tab, "exhibit-image-3")
    before = image.get_attribute("src")
    tab.get_by_test_id("tool-redact").click()
    _drag(tab, image, (0.70, 0.70), (0.90, 0.90))
    tab.wait_for_function(
        "src => document.querySelector('[data-testid=\"exhibit-image-3\"]').src !== src",
        arg=before,
    )
    _drag(tab, image, (0.80, 0.80), (0.75, 0.75))  # grab the new cover and move it
    _save(tab)
    shape = load_case(server.root).evidence[2].annotate[-1]
    assert shape.kind == "redact"
    assert [round(c.value, 2) for c in shape.coords] == pytest.approx(
        [0.65, 0.65, 0.2, 0.2], abs=0.02
    )
    tab.keyboard.press("Delete")
    _save(tab)
    assert [s.kind for s in load_case(server.root).evidence[2].annotate] == ["ellipse", "magnify"]


def test_a_video_trim_and_a_moment_are_set_from_the_player(page: Any) -> None:
    tab, server = page
    video = _player(tab, 1, ready=1)

    _seek(video, 2.0)
    # the browser decodes pictures (the HEVC original reaches it as an H.264 copy)
    assert video.evaluate("v => v.readyState >= 2 && v.videoWidth > 0 && !v.error")
    tab.get_by_test_id("trim-start-1").click()
    _seek(video, 7.5)
    tab.get_by_test_id("trim-end-1").click()
    tab.get_by_placeholder("What this moment shows").fill("The crack, close")
    tab.get_by_test_id("add-moment-1").click()
    _save(tab)
    item = load_case(server.root).evidence[0]
    assert item.trim == pytest.approx((2.0, 7.5), abs=0.05)
    assert (item.moments[-1].at, item.moments[-1].note) == (
        pytest.approx(7.5, abs=0.05),
        "The crack, close",
    )


@pytest.fixture
def phone_case(sample_case: Path, corpus: Path) -> Path:
    """The sample case with a real iPhone HEIC (Display P3, 4032x3024, taken in February
    2018) added as exhibit 5, the order placed before it so that check finds no error."""
    from evidence_tools.case.intake import add_files

    toml = sample_case / "case.toml"
    toml.write_text(toml.read_text().replace("placed = 2026-10-02", "placed = 2018-01-20"))
    add_files(sample_case, [corpus / "realworld" / "iphone_IMG_1034.heic"])
    return sample_case


def test_a_box_on_a_real_iphone_heic_is_saved_and_the_dossier_builds(phone_case: Path) -> None:
    with contextmanager(_browse)(phone_case) as (tab, _):
        image = _loaded(tab, "exhibit-image-5")
        tab.get_by_test_id("tool-box").click()
        _drag(tab, image, (0.30, 0.30), (0.60, 0.50))
        tab.get_by_test_id("caption-5").fill("The parcel as it arrived")
        _save(tab)
    item = load_case(phone_case).evidence[4]
    assert item.file.endswith(".heic") and item.caption == "The parcel as it arrived"
    (box,) = item.annotate
    for got, want in zip([c.value for c in box.coords], (0.30, 0.30, 0.30, 0.20), strict=True):
        assert got == pytest.approx(want, abs=0.02)
    assert "# The sample case" in (phone_case / "case.toml").read_text()
    from evidence_tools.dossier.build import build_dossier

    result = build_dossier(phone_case, today=dt.date(2026, 11, 26))
    assert result.pdf.is_file()
    assert any("annotated" in p.name for p in result.exhibits[4].derived)


def test_a_cover_is_drawn_on_a_video_from_one_time_to_another(page: Any) -> None:
    tab, server = page
    video = _player(tab, 1, ready=2)
    _seek(video, 0.5)
    tab.get_by_test_id("tool-redact").click()
    _drag(tab, tab.get_by_test_id("video-cover-1"), (0.10, 0.10), (0.50, 0.30))
    _seek(video, 3.0)
    tab.get_by_role("button", name="until now").nth(1).click()  # the new cover, after the sample's
    _save(tab)
    cover = load_case(server.root).evidence[0].redact[-1]
    assert [cover.x, cover.y, cover.w, cover.h] == pytest.approx([0.1, 0.1, 0.4, 0.2], abs=0.02)
    assert (cover.start, cover.end) == (pytest.approx(0.5, abs=0.05), pytest.approx(3.0, abs=0.05))


def test_a_selected_marks_text_is_changed_in_the_text_box(page: Any) -> None:
    tab, server = page
    image = _loaded(tab, "exhibit-image-3")
    _drag(tab, image, (0.20, 0.60), (0.20, 0.60))  # a click on the ellipse selects it
    text = tab.get_by_test_id("label-text")
    sync_api.expect(text).to_have_value("Crack")
    text.fill("Deep crack")
    _save(tab)
    ellipse = load_case(server.root).evidence[2].annotate[0]
    assert (ellipse.kind, ellipse.label) == ("ellipse", "Deep crack")
    assert [c.value for c in ellipse.coords] == [0.13, 0.31, 0.19, 0.39]  # not moved


def test_the_page_speaks_the_browsers_language_and_the_one_picked(sample_case: Path) -> None:
    """A browser set to Russian gets the page, and check's findings after a save, in Russian;
    picking Español turns the page Spanish; the findings' words come from the server."""
    import re

    cyrillic = re.compile(r"[\u0400-\u04ff]")
    for tab, _server in _browse(sample_case, locale="ru-RU"):
        save = tab.get_by_test_id("save")
        tab.wait_for_function("() => document.documentElement.lang === 'ru'")
        assert cyrillic.search(save.inner_text())
        assert cyrillic.search(tab.locator("#help").inner_text())
        assert tab.get_by_test_id("lang").input_value() == "ru"
        caption = tab.get_by_test_id("caption-3")
        caption.fill("")  # a photo without a caption: check warns
        _save(tab)
        findings = tab.locator("#findings")
        findings.wait_for(state="visible")
        text = findings.inner_text()
        assert cyrillic.search(text) and "crack_closeup.jpg" in text
        assert "has no caption" not in text
        tab.screenshot(path=str(sample_case / "exports" / "page-ru.png"), full_page=False)
        tab.get_by_test_id("lang").select_option("es")
        tab.wait_for_function("() => document.documentElement.lang === 'es'")
        assert "Guardar" in save.inner_text() or not cyrillic.search(save.inner_text())
