from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from conftest import run
from PIL import Image

from evidence_tools.case.intake import add_files, init_case
from evidence_tools.check import check_case
from evidence_tools.export import export_case
from evidence_tools.ffmpeg.runner import run_ffmpeg
from evidence_tools.metadata.read import read_capture
from evidence_tools.platforms import PLATFORMS, deadline, platform

TODAY = dt.date(2026, 11, 26)


@pytest.mark.parametrize(
    ("key", "dates", "expected"),
    [
        ("aliexpress", {"delivered": dt.date(2028, 2, 20)}, dt.date(2028, 3, 6)),  # leap year
        ("aliexpress", {"delivered": dt.date(2027, 2, 20)}, dt.date(2027, 3, 7)),
        ("ebay", {"estimated_delivery": dt.date(2027, 1, 31)}, dt.date(2027, 3, 2)),
        ("ebay", {"delivered": dt.date(2026, 12, 15)}, dt.date(2027, 1, 14)),  # no estimate
        ("amazon", {"estimated_delivery": dt.date(2026, 11, 30)}, dt.date(2027, 2, 28)),
        ("temu", {"placed": dt.date(2027, 12, 1)}, dt.date(2028, 2, 29)),
        ("paypal", {"placed": dt.date(2026, 9, 1)}, dt.date(2027, 2, 28)),
        ("card", {"delivered": dt.date(2024, 11, 1)}, dt.date(2025, 3, 1)),
    ],
)
def test_deadlines_across_month_ends_and_leap_years(key, dates, expected) -> None:
    args = {"placed": None, "delivered": None, "estimated_delivery": None, **dates}
    assert deadline(PLATFORMS[key], **args)[0] == expected


def test_platform_table_has_sources_and_overrides() -> None:
    for plat in PLATFORMS.values():
        if plat.deadline_days is not None:
            assert plat.deadline_rule and "deadline_days" in plat.sources
    over = platform("ebay", {"deadline_days": 45, "file_limit_mb": 3})
    assert (over.deadline_days, over.file_limit_mb) == (45, 3)
    assert over.sources["deadline_days"] == "case.toml [platform]"


def make_case(
    tmp_path: Path,
    claim: str,
    extra_order: str = "",
    evidence: str = "",
    files: dict[str, dict] | None = None,
    platform_key: str = "aliexpress",
) -> Path:
    root = tmp_path / "case"
    init_case(
        root,
        platform=platform_key,
        claim=claim,
        order="555",
        resolution="full_refund",
        timezone="Europe/Moscow",
    )
    toml = root / "case.toml"
    text = toml.read_text().replace('amount = ""', 'amount = "10 USD"')
    text = text.replace("# placed = 2026-10-02", "placed = 2026-10-02")
    text = text.replace("# delivered = 2026-11-20", "delivered = 2026-11-20")
    text = text.replace('item = ""', 'item = "Mug"') + extra_order
    toml.write_text(text)
    staging = tmp_path / "in"
    staging.mkdir()
    for name, spec in (files or {}).items():
        exif = Image.Exif()
        exif[0x010F] = "Google"
        exif.get_ifd(0x8769)[0x9003] = spec.get("when", "2026:11:20 18:00:00")
        exif.get_ifd(0x8769)[0x9011] = "+03:00"
        size = spec.get("size", (800, 600))
        img = (
            Image.effect_noise(size, 90).convert("RGB")
            if spec.get("noise")
            else Image.new("RGB", size, "gray")
        )
        img.save(staging / name, quality=spec.get("quality", 85), exif=exif.tobytes())
    if files:
        add_files(root, [staging / n for n in files])
    if evidence:
        toml.write_text(toml.read_text() + evidence)
    return root


def messages(report, severity=None) -> list[str]:
    return [f.message for f in report.findings if severity in (None, f.severity)]


def test_damaged_checklist(tmp_path: Path) -> None:
    root = make_case(tmp_path, "damaged", files={"a.jpg": {}})
    report = check_case(root, today=TODAY)
    warn = messages(report, "warning")
    assert "no photo marks the damage" in warn
    assert any("no unboxing video" in m for m in warn)
    assert any("has no caption" in m for m in warn)
    assert not report.errors


def test_not_received_needs_tracking(tmp_path: Path) -> None:
    root = make_case(tmp_path, "not_received", files={"screen.jpg": {}})
    report = check_case(root, today=TODAY)
    assert any("needs the tracking number" in m for m in messages(report, "error"))
    assert any("tracking status" in m for m in messages(report, "warning"))
    toml = root / "case.toml"
    toml.write_text(
        toml.read_text()
        .replace('tracking = ""', 'tracking = "LP1"')
        .replace('caption = ""', 'caption = "Tracking status: stuck in transit"')
    )
    report = check_case(root, today=TODAY)
    assert not report.errors
    assert not any("tracking status" in m for m in messages(report))


def test_size_claim_needs_a_ruler_and_listing(tmp_path: Path) -> None:
    root = make_case(tmp_path, "not_as_described", files={"a.jpg": {}})
    toml = root / "case.toml"
    toml.write_text(
        toml.read_text().replace('caption = ""', 'caption = "The mug"\ndefects = ["wrong_size"]')
    )
    warn = messages(check_case(root, today=TODAY), "warning")
    assert any("ruler" in m for m in warn) and any("listing" in m for m in warn)
    toml.write_text(
        toml.read_text().replace(
            'defects = ["wrong_size"]', 'defects = ["wrong_size"]\nshows = ["ruler", "listing"]'
        )
    )
    codes = {f.code for f in check_case(root, today=TODAY).findings}
    assert not {"claim.wrong_size.no_ruler", "claim.no_listing"} & codes
    assert "claim.no_listing_words" in codes  # the listing's own words are still not quoted


@pytest.mark.parametrize("claim", ["wrong_item", "missing_parts", "counterfeit"])
def test_other_claims_want_the_listing(tmp_path: Path, claim: str) -> None:
    root = make_case(tmp_path, claim, files={"a.jpg": {}})
    warn = messages(check_case(root, today=TODAY), "warning")
    assert any("listing" in m for m in warn)
    if claim == "missing_parts":
        assert any("everything that was received" in m for m in warn)


def test_photo_before_the_order_is_an_error(tmp_path: Path, runner) -> None:
    root = make_case(tmp_path, "damaged", files={"old.jpg": {"when": "2026:09:01 10:00:00"}})
    report = check_case(root, today=TODAY)
    assert any(
        "before the order was placed (2 October 2026)" in m for m in messages(report, "error")
    )
    result = run(runner, "check", str(root), "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["errors"] >= 1 and data["deadline"] == "2026-12-05"
    future = make_case(
        tmp_path / "f", "damaged", files={"new.jpg": {"when": "2027:01:01 10:00:00"}}
    )
    assert any("in the future" in m for m in messages(check_case(future, today=TODAY), "error"))


def test_deadline_messages(tmp_path: Path) -> None:
    root = make_case(tmp_path, "damaged", files={"a.jpg": {}})
    report = check_case(root, today=TODAY)
    assert report.deadline == dt.date(2026, 12, 5) and report.days_left == 9
    assert any("open the dispute by 5 December 2026 (9 days left)" in m for m in messages(report))
    late = check_case(root, today=dt.date(2026, 12, 20))
    assert any(
        "the deadline was 5 December 2026, 15 days ago" in m for m in messages(late, "error")
    )
    last = check_case(root, today=dt.date(2026, 12, 5))
    assert any("today is the last day" in m for m in messages(last, "warning"))


def test_changed_original_and_missing_file_are_errors(tmp_path: Path, runner) -> None:
    root = make_case(
        tmp_path,
        "damaged",
        files={"a.jpg": {}},
        evidence='\n[[evidence]]\nfile = "originals/gone.jpg"\ncaption = "Gone"\n',
    )
    target = root / "originals" / "a.jpg"
    target.chmod(0o644)
    target.write_bytes(target.read_bytes() + b"x")
    errors = messages(check_case(root, today=TODAY), "error")
    assert any("changed since it was recorded" in m for m in errors)
    assert any("does not exist" in m for m in errors)
    assert run(runner, "check", str(root)).exit_code == 1


def test_sample_case_checks_clean(runner) -> None:
    from conftest import SAMPLE_CASE

    report = check_case(SAMPLE_CASE, today=TODAY)
    assert not report.errors, messages(report, "error")
    # the sample's [platform] sets a deadline that does not run out while people try it
    assert report.deadline == dt.date(2036, 11, 18)
    result = run(runner, "check", str(SAMPLE_CASE))
    assert result.exit_code == 0, result.output
    assert "open the dispute by" in result.stdout


@pytest.fixture(scope="module")
def heavy_case_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6 MP photo of pure noise (over 10 MB) and a 40 s 720p video of about 15 MB, made once
    for the module (the encode is most of the time these tests take)."""
    tmp_path = tmp_path_factory.mktemp("heavy")
    root = make_case(
        tmp_path, "damaged", files={"big.jpg": {"size": (3600, 2400), "noise": True, "quality": 98}}
    )
    clip = tmp_path / "in" / "long.mp4"
    run_ffmpeg(
        [
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=1280x720:rate=30:duration=40",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=40",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-b:v",
            "3M",
            "-c:a",
            "aac",
            "-metadata",
            "creation_time=2026-11-20T15:00:00Z",
            "-metadata",
            "location=+55.7558+037.6173/",
            "-y",
            str(clip),
        ],
        outputs=[clip],
    )
    add_files(root, [clip])
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace('caption = ""', 'caption = "Evidence"'))
    assert (root / "originals" / "big.jpg").stat().st_size > 10_000_000  # over both limits
    return root


@pytest.fixture
def heavy_case(heavy_case_made: Path, tmp_path: Path) -> Path:
    """A private copy of the heavy case, so each export starts from nothing made."""
    return Path(shutil.copytree(heavy_case_made, tmp_path / "heavy"))


@pytest.mark.parametrize("key", ["paypal", "ebay"])
def test_export_lands_under_the_limits(heavy_case: Path, key: str) -> None:
    check_export(heavy_case, key)


def test_export_for_a_platform_that_takes_video(sample_case: Path) -> None:
    result = check_export(sample_case, "aliexpress")
    assert [p.name for p in result.aside] == ["dossier.pdf"]  # AliExpress's form takes no PDF
    assert "takes no PDF" in (result.folder / "UPLOAD.txt").read_text()


def check_export(case: Path, key: str):
    result = export_case(case, key, today=TODAY)
    plat = result.platform
    names = [u.path.name for u in result.uploads]
    assert ("dossier.pdf" in names) == ("pdf" in plat.file_types)
    for upload in result.uploads:
        limit = plat.video_limit_mb if upload.path.suffix == ".mp4" else plat.file_limit_mb
        assert upload.path.stat().st_size <= limit * 1_000_000, upload.path.name
        assert upload.path.suffix.lstrip(".") in plat.file_types
        if upload.path.suffix == ".jpg":
            assert read_capture(upload.path).gps is None
    if plat.total_limit_mb:
        assert result.total <= plat.total_limit_mb * 1_000_000
    videos = [n for n in names if n.endswith(".mp4")]
    assert bool(videos) == plat.takes_video
    if videos:
        assert read_capture(result.folder / videos[0]).gps is None
    message = (result.folder / "message.txt").read_text()
    from evidence_tools.case.loader import load_case

    assert len(message) <= plat.message_limit and load_case(case).order.number in message
    upload_txt = (result.folder / "UPLOAD.txt").read_text()
    assert f"Upload to {plat.name}" in upload_txt and "dossier.pdf" in upload_txt
    from evidence_tools.case.manifest import verify_case

    assert verify_case(case).ok
    return result


def test_export_cli_and_exit_codes(tmp_path: Path, runner) -> None:
    root = make_case(tmp_path, "damaged", files={"a.jpg": {}}, platform_key="other")
    result = run(runner, "export", str(root))
    assert result.exit_code == 2 and "platform" in result.stderr
    ok = run(runner, "export", str(root), "--platform", "ebay")
    assert ok.exit_code == 0, ok.output
    assert Path(ok.stdout.strip()).name == "upload-ebay"
    (Path(ok.stdout.strip()) / "dossier.pdf").write_bytes(b"not ours")
    again = run(runner, "export", str(root), "--platform", "ebay")
    assert again.exit_code == 4
    assert run(runner, "export", str(root), "--platform", "ebay", "--force").exit_code == 0


def test_dossier_time_line_flags_the_same_problems(tmp_path: Path) -> None:
    from evidence_tools.case.loader import load_case
    from evidence_tools.dossier.build import timeline
    from evidence_tools.dossier.exhibits import prepare_exhibits

    root = make_case(
        tmp_path,
        "damaged",
        files={
            "old.jpg": {"when": "2026:09:01 10:00:00"},
            "new.jpg": {"when": "2027:01:01 10:00:00"},
        },
    )
    case = load_case(root)
    rows = timeline(case, prepare_exhibits(case), TODAY)
    flags = {row.what.split(":")[0]: row.flag for row in rows}
    assert flags["Exhibit 1"] == "recorded before the order was placed"
    assert flags["Exhibit 2"] == "dated in the future"
    assert [r.what for r in rows][:2] == ["Exhibit 1: old.jpg", "Order placed"]  # in time order


def test_a_screenshot_needs_no_capture_time(tmp_path: Path, runner) -> None:
    """A screenshot of the listing has no camera and no capture time: that is no alarm in
    check, and the dossier's time line says "screenshot", not a red flag."""
    root = make_case(tmp_path, "not_as_described")
    shot = tmp_path / "in" / "listing.png"
    Image.new("RGB", (390, 844), "white").save(shot)
    add_files(root, [shot])
    toml = root / "case.toml"
    toml.write_text(toml.read_text().replace('caption = ""', 'caption = "Screenshot"'))
    report = check_case(root, today=TODAY)
    assert not [m for m in messages(report) if "capture time" in m and "screenshot" not in m]
    assert "a screenshot without a capture time" in messages(report, "info")
    toml.write_text(toml.read_text() + 'shows = ["listing"]\n')
    report = check_case(root, today=TODAY)
    assert not [m for m in messages(report) if "capture time" in m]
    from evidence_tools.dossier.build import build_dossier

    result = build_dossier(root, today=TODAY)
    (row,) = [r for r in timeline_rows(root, result) if "Exhibit 1" in r.what]
    assert row.source == "screenshot, no capture time recorded" and row.flag == ""


def timeline_rows(root: Path, result):
    from evidence_tools.case.loader import load_case
    from evidence_tools.dossier.views import timeline

    return timeline(load_case(root), result.exhibits, TODAY)


def test_each_upload_folder_says_only_what_it_holds(sample_case: Path) -> None:
    """PayPal takes no video and eBay no PDF here: each folder's message names what that
    folder holds, and the dossier names neither folder nor a grid preview."""
    from evidence_tools.photo.annotate import grid_photo

    grid_photo(sample_case / "originals" / "crack_closeup.jpg")
    paypal = export_case(sample_case, "paypal", today=TODAY)
    aliexpress = export_case(sample_case, "aliexpress", today=TODAY)
    for result in (paypal, aliexpress):
        text = (result.folder / "message.txt").read_text()
        names = [u.path.name for u in result.uploads]
        video = text.count("the unboxing video (") - text.count("from the unboxing video (")
        assert (video > 0) == any(n.endswith(".mp4") for n in names), text
        assert ("stills from the unboxing video" in text) == (not result.platform.takes_video)
        assert ("PDF dossier" in text) == ("dossier.pdf" in names), (text, names)
    from evidence_tools.dossier.build import build_dossier

    dossier = build_dossier(sample_case, today=TODAY)
    manifest_keys = json.loads((sample_case / "manifest.json").read_text())["files"]
    assert any(k.startswith("exports/upload-paypal/") for k in manifest_keys)
    assert any(k.endswith("_grid.jpg") for k in manifest_keys)
    from evidence_tools.case.manifest import load_manifest
    from evidence_tools.dossier.views import integrity_rows, used_files

    manifest = load_manifest(sample_case)
    listed = [row[0] for row in integrity_rows(manifest, used_files(manifest, dossier.exhibits))]
    assert listed and not [k for k in listed if "upload-" in k or k.endswith("_grid.jpg")]
    assert "originals/unboxing.mov" in listed and "exports/unboxing_stamped.mp4" in listed
