"""One progress interface: the dossier's steps weighed by the time they take, its encode
reported as it goes, and no bar where no terminal is."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run

from evidence_tools.progress import Progress, Update


def test_the_overall_fraction_moves_by_weight_not_by_step_count() -> None:
    seen: list[Update] = []
    progress = Progress(seen.append)
    progress.expect(10.0)
    with progress.step("quick", weight=1.0):
        pass
    with progress.step("long", total=100.0, unit="seconds", weight=9.0) as step:
        for done in range(0, 101, 10):
            step.to(done)
    overall = [u.overall for u in seen]
    assert overall == sorted(overall) and overall[-1] == pytest.approx(1.0)
    quick_end = max(u.overall for u in seen if u.what == "quick")
    assert quick_end == pytest.approx(0.1)  # one step of two, but a tenth of the time
    half = next(u for u in seen if u.what == "long" and u.done == 50)
    assert half.overall == pytest.approx(0.55) and half.unit == "seconds"


def test_a_step_never_goes_back_nor_past_its_total() -> None:
    seen: list[Update] = []
    progress = Progress(seen.append)
    progress.expect(1.0)
    with progress.step("x", total=10.0) as step:
        step.to(6)
        step.to(4)  # ffmpeg's out_time can step back: the bar does not
        step.advance(100)
    assert [u.done for u in seen] == [0, 6, 10]


def test_a_forecast_lays_out_the_bar_before_its_first_step() -> None:
    seen: list[Update] = []
    progress = Progress(seen.append)
    with progress.forecast(10.0):
        # a part inside (check's scans) draws on the whole; a second scan was found in the
        # cache, so 3 of its 4 are never used
        with progress.forecast(4.0), progress.one_step("scan", weight=1.0):
            pass
        after_scans = seen[-1].overall
        with progress.one_step("stamp", total=2.0, weight=6.0) as step:
            step.to(1.0)
    assert after_scans == pytest.approx(1 / 7)  # the unused 3 dropped: 1 of the 7 left done
    overall = [u.overall for u in seen]
    assert overall == sorted(overall) and overall[-1] == pytest.approx(1.0)
    half = next(u for u in seen if u.what == "stamp" and u.done == 1.0)
    assert 0.0 < half.overall < 1.0


def test_the_first_step_of_a_forecast_does_not_fill_the_bar() -> None:
    seen: list[Update] = []
    progress = Progress(seen.append)
    with progress.forecast(10.0):
        with progress.one_step("scan", weight=1.0):
            pass
        assert seen[-1].overall == pytest.approx(0.1)
        with progress.one_step("stamp", weight=9.0):
            pass
    assert seen[-1].overall == pytest.approx(1.0)


def test_no_sink_is_a_no_op() -> None:
    progress = Progress.none()
    progress.expect(1.0)
    with progress.step("x", total=3.0) as step:
        step.fraction(0.5)
    assert progress.overall() == pytest.approx(1.0)


def _video_case(tmp_path: Path) -> Path:
    """A case with a 20-second portrait phone-style video to stamp: an encode of seconds."""
    from evidence_tools.case.intake import add_files, init_case
    from evidence_tools.ffmpeg.runner import run_ffmpeg

    clip = tmp_path / "IMG_0420.mp4"
    run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=720x1280:rate=30:duration=20", "-c:v",
                "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-metadata",
                "creation_time=2026-11-20T15:00:00Z", "-y", str(clip)])  # fmt: skip
    root = tmp_path / "case"
    init_case(root, platform="ebay", claim="damaged", order="5")
    add_files(root, [clip])
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace('file = "originals/IMG_0420.mp4"',
                                             'file = "originals/IMG_0420.mp4"\nstamp = true'))  # fmt: skip
    return root


def test_the_dossier_reports_its_encode_as_it_goes(tmp_path: Path) -> None:
    from evidence_tools.dossier.build import build_dossier

    seen: list[Update] = []
    build_dossier(_video_case(tmp_path), progress=Progress(seen.append), despite_errors=True)
    stamping = [u for u in seen if u.what == "Stamping IMG_0420.mp4"]
    # the stamp is reported four times a second by ffmpeg, not once at its end
    inside = {round(u.done / u.total, 3) for u in stamping if 0 < u.done < u.total}
    assert len(inside) >= 3, stamping
    overall = [u.overall for u in seen]
    assert overall == sorted(overall) and overall[-1] == pytest.approx(1.0)
    steps = [b - a for a, b in zip(overall, overall[1:], strict=False)]
    assert max(steps) < 0.5  # no jump from nothing to done
    assert seen[-1].what == "Writing the PDF"


def test_a_run_that_is_not_on_a_terminal_prints_no_bar(tmp_path: Path, runner) -> None:
    result = run(runner, "dossier", str(_video_case(tmp_path)), "--despite-errors")
    assert result.exit_code == 0, result.stderr
    assert "\r" not in result.stderr and "[#" not in result.stderr and "%" not in result.stderr


def test_export_reports_its_fitting_encode_as_it_goes(tmp_path: Path) -> None:
    from evidence_tools.export import export_case

    root = _video_case(tmp_path)
    toml = root / "case.toml"
    toml.write_text(toml.read_text() + "\n[platform]\nvideo_limit_mb = 1\n")
    seen: list[Update] = []
    export_case(root, "aliexpress", progress=Progress(seen.append), despite_errors=True)
    fitting = [u for u in seen if u.what == "Fitting IMG_0420_stamped.mp4 under 1 MB"]
    inside = {round(u.done / u.total, 3) for u in fitting if 0 < u.done < u.total}
    assert len(inside) >= 3, fitting  # both passes move the bar, not only their ends
    overall = [u.overall for u in seen]
    assert overall == sorted(overall) and overall[-1] == pytest.approx(1.0)
    names = [u.what for u in seen]
    assert names.index("Stamping IMG_0420.mp4") < names.index("Writing the PDF") < names.index(
        fitting[0].what)  # fmt: skip
