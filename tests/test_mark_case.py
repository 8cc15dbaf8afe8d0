"""The whole case on the page: the order's facts saved into case.toml, and files added over
real HTTP as `evidence add` adds them, with every foreign or malformed upload refused."""

from __future__ import annotations

import http.client
import json
import stat
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import CORPUS, serving
from test_mark import _request

from evidence_tools.case.intake import init_case
from evidence_tools.case.loader import load_case
from evidence_tools.case.manifest import load_manifest
from evidence_tools.mark.edit import case_view, save_changes
from evidence_tools.mark.server import MarkServer

HEIC = CORPUS / "photos" / "iphone_13_pro_max.HEIC"


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    root = tmp_path / "blank"
    init_case(root)
    return root


@pytest.fixture
def server(blank: Path) -> Iterator[MarkServer]:
    with serving(blank) as srv:
        yield srv


def _upload(srv: MarkServer, name: str, body: bytes | Iterator[bytes], length: int | None = None,
            *, path: str | None = None, **headers: str) -> tuple[int, dict]:  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
    head = {"Host": f"127.0.0.1:{srv.port}", "Content-Type": "application/octet-stream",
            "X-Evidence-Name": quote(name),
            "Content-Length": str(length if length is not None else len(body))}  # type: ignore[arg-type]  # fmt: skip
    head.update({k.replace("_", "-"): v for k, v in headers.items()})
    conn.request("POST", path or f"/{srv.token}/api/upload", body=body, headers=head)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, json.loads(payload) if payload else {}


def test_the_facts_are_saved_into_case_toml_as_check_reads_them(blank: Path) -> None:
    view = case_view(blank)
    keys = {(f["table"], f["key"]) for f in view["facts"]}
    assert {("order", "placed"), ("case", "timezone"), ("case", "claim")} <= keys
    assert ["paypal", "PayPal"] in view["choices"]["platform"]
    save_changes(blank, view["digest"], {
        "case": {"platform": "paypal", "claim": "damaged", "amount": "12.99 USD",
                 "timezone": "Europe/Moscow"},
        "order": {"number": "8123", "item": "Phone case", "placed": "2026-10-02",
                  "delivered": "2026-11-20", "tracking": "LP00123456789CN"},
    })  # fmt: skip
    text = (blank / "case.toml").read_text()
    assert "placed = 2026-10-02" in text  # a TOML date, not text
    assert "# Where you bought:" in text  # the template's comments kept
    case = load_case(blank)
    assert (case.platform, case.claim, case.amount) == ("paypal", "damaged", "12.99 USD")
    assert str(case.order.delivered) == "2026-11-20" and case.order.tracking == "LP00123456789CN"
    again = case_view(blank)
    assert again["order"]["placed"] == "2026-10-02" and again["case"]["timezone"] == "Europe/Moscow"


def test_a_wrong_date_from_the_page_is_refused_in_checks_words(blank: Path) -> None:
    from evidence_tools.errors import CaseError

    before = (blank / "case.toml").read_text()
    with pytest.raises(CaseError, match="expected a date like 2026-11-20"):
        save_changes(blank, case_view(blank)["digest"], {"order": {"placed": "2 October"}})
    assert (blank / "case.toml").read_text() == before


@pytest.mark.skipif(not HEIC.is_file(), reason="the shared corpus is not here")
def test_a_photo_added_through_the_page_is_an_original_like_evidence_adds(server) -> None:
    status, said = _upload(server, HEIC.name, HEIC.read_bytes())
    assert status == 200 and said["status"] == "added", said
    stored = server.root / said["file"]
    assert stored.read_bytes() == HEIC.read_bytes()  # byte for byte
    assert not stored.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert said["file"] in load_manifest(server.root).files
    assert load_case(server.root).evidence[0].file == said["file"]
    assert not any((server.root / ".cache" / "uploads").iterdir())  # nothing staged is left
    again_status, again = _upload(server, "copy of it.HEIC", HEIC.read_bytes())
    assert again_status == 200 and again["status"] == "already"  # the same photo, renamed


def test_a_unicode_name_is_kept(server) -> None:
    from PIL import Image

    tmp = server.root.parent / "фото.jpg"
    Image.new("RGB", (64, 48), (200, 10, 10)).save(tmp, quality=90)
    status, said = _upload(server, "Трещина на корпусе.jpg", tmp.read_bytes())
    assert status == 200 and said["file"] == "originals/Трещина на корпусе.jpg", said


def test_a_text_file_is_refused_beside_its_name(server) -> None:
    status, said = _upload(server, "notes.txt", b"the box was open")
    assert status == 200 and said["status"] == "failed" and "text" in said["error"]
    assert not list((server.root / "originals").iterdir())


@pytest.mark.parametrize("name", ["../case.toml", "a/b.jpg", "..\\x.jpg", ".hidden.jpg", "",
                                  "C:evil.jpg", "x\x00.jpg"])  # fmt: skip
def test_a_name_with_path_parts_is_refused_and_nothing_written(server, name: str) -> None:
    before = (server.root / "case.toml").read_bytes()
    status, said = _upload(server, name, b"\xff\xd8\xff" + b"0" * 100)
    assert status == 400 and said["error"]
    assert (server.root / "case.toml").read_bytes() == before
    assert not list((server.root / "originals").iterdir())
    assert not (server.root.parent / "x.jpg").exists()


@pytest.mark.parametrize(
    ("headers", "path_token", "status"),
    [
        ({}, False, 403),  # no token: the path is not the page's
        ({"Host": "evil.example:80"}, True, 403),  # DNS rebinding: a foreign Host
        ({"Origin": "http://evil.example"}, True, 403),  # a foreign page's script
        ({"Content-Type": "multipart/form-data; boundary=x"}, True, 415),  # a plain form post
        ({"Content-Type": "text/plain"}, True, 415),  # the other form encodings
        ({"Content-Type": "application/x-www-form-urlencoded"}, True, 415),
    ],
)
def test_a_foreign_upload_is_refused(server, headers, path_token, status) -> None:
    path = f"/{server.token}/api/upload" if path_token else "/not-the-token/api/upload"
    got, said = _upload(server, "x.jpg", b"\xff\xd8\xff" + b"0" * 100, path=path, **headers)
    assert got == status and said["error"]
    assert not list((server.root / "originals").iterdir())


def test_a_large_upload_goes_to_disk_not_to_memory(server) -> None:
    size, piece = 96 << 20, b"\x00" * (1 << 20)

    def body() -> Iterator[bytes]:
        for _ in range(size // len(piece)):
            yield piece

    tracemalloc.start()
    try:
        status, said = _upload(server, "big.mov", body(), length=size)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 200 and said["status"] == "failed"  # 96 MB of zeros is no video
    # 96 MB went through: the server held a piece or two of 1 MB at a time
    assert peak < 12 << 20, f"peak {peak / 1e6:.1f} MB"
    assert not any((server.root / ".cache" / "uploads").iterdir())
    print(f"96 MB upload: peak traced memory {peak / 1e6:.1f} MB")  # for the closing note


def test_points_are_added_changed_and_removed_keeping_the_buyers_comments(blank: Path) -> None:
    from PIL import Image

    from evidence_tools.case.intake import add_files

    for name, colour in (("listing.png", (30, 40, 90)), ("item.png", (20, 20, 22))):
        Image.new("RGB", (80, 60), colour).save(blank.parent / name)
    add_files(blank, [blank.parent / "listing.png", blank.parent / "item.png"])
    toml = blank / "case.toml"
    toml.write_text(toml.read_text() + '\n[[mismatch]]\n# from the product page\n'
                    'listing_says = "Colour: Navy blue"\nreceived = "black"\n')  # fmt: skip
    view = case_view(blank)
    assert view["points"] == [{"index": 0, "listing_says": "Colour: Navy blue",
                               "received": "black"}]  # fmt: skip
    points = [
        {**view["points"][0], "listing": {"exhibit": 1, "box": [0.1, 0.1, 0.5, 0.5]},
         "photo": {"exhibit": 2, "box": [0.2, 0.2, 0.3, 0.3], "white": [0.7, 0.1, 0.2, 0.2]}},
        {"listing_says": "Length: 60 cm", "received": "48 cm", "photo": {"exhibit": 2}},
    ]  # fmt: skip
    save_changes(blank, view["digest"], {"points": points})
    text = toml.read_text()
    assert "# from the product page" in text
    first, second = load_case(blank).mismatches
    assert first.photo_white == [0.7, 0.1, 0.2, 0.2] and first.listing_exhibit == 1
    assert second.listing_says == "Length: 60 cm" and second.photo_exhibit == 2
    # the first taken out: the second keeps its own keys, not the first's boxes or comment
    kept = case_view(blank)["points"][1]
    save_changes(blank, case_view(blank)["digest"], {"points": [kept]})
    (only,) = load_case(blank).mismatches
    assert only.listing_says == "Length: 60 cm" and only.listing_box is None
    assert only.photo_box is None and "# from the product page" not in toml.read_text()
    # a side emptied on the page is taken out, not written as photo = {}
    save_changes(blank, case_view(blank)["digest"], {"points": [{**kept, "index": 0,
                                                                  "photo": {"box": None}}]})  # fmt: skip
    assert "photo" not in toml.read_text().split("[[mismatch]]")[1]
    save_changes(blank, case_view(blank)["digest"], {"points": []})
    assert "[[mismatch]]" not in toml.read_text() and load_case(blank).mismatches == []


def test_reordering_renumbers_the_points_and_keeps_a_named_exhibit(blank: Path) -> None:
    from PIL import Image

    from evidence_tools.case.intake import add_files
    from evidence_tools.errors import UsageError

    for name, colour in (("a.png", (200, 0, 0)), ("b.png", (0, 200, 0)), ("c.png", (0, 0, 200))):
        Image.new("RGB", (64, 48), colour).save(blank.parent / name)
    add_files(blank, [blank.parent / n for n in ("a.png", "b.png", "c.png")])
    view = case_view(blank)
    save_changes(blank, view["digest"], {"points": [{
        "listing_says": "Colour: red", "received": "blue",
        "listing": {"exhibit": 1, "box": [0.1, 0.1, 0.5, 0.5]},
        "photo": {"exhibit": 3, "box": [0.1, 0.1, 0.5, 0.5]}}]})  # fmt: skip
    files = [e["file"] for e in case_view(blank)["exhibits"]]
    save_changes(blank, case_view(blank)["digest"], {"exhibit_order": files[::-1]})  # c b a
    case = load_case(blank)
    assert [e.file for e in case.evidence] == files[::-1]
    point = case.mismatches[0]
    assert (point.listing_exhibit, point.photo_exhibit) == (3, 1)  # the same photos
    before = (blank / "case.toml").read_text()
    with pytest.raises(UsageError, match="named by the point"):
        save_changes(blank, case_view(blank)["digest"], {"exhibit_order": files[:2]})
    assert (blank / "case.toml").read_text() == before
    with pytest.raises(UsageError, match="each once"):
        save_changes(blank, case_view(blank)["digest"], {"exhibit_order": [files[0]] * 3})


def test_a_build_and_a_change_to_the_case_never_run_together(server) -> None:
    # a file being added (or a save) holds the case: a build is refused, not run beside it
    assert server.case_lock.acquire(blocking=False)
    try:
        status, said = _request(server, "POST", f"/{server.token}/api/build", {})
        assert status == 409 and said["error"]
    finally:
        server.case_lock.release()
    # a build running: a file or a save is refused until it ends
    release = threading.Event()
    job = server.jobs.start("dossier", lambda progress: release.wait(30) and {}, "en")
    assert job is not None
    try:
        status, said = _upload(server, "x.jpg", b"\xff\xd8\xff" + b"0" * 100)
        assert status == 409 and said["error"]
        status, said = _request(
            server, "POST", f"/{server.token}/api/save", {"base": "x", "changes": {}}
        )
        assert status == 409
    finally:
        release.set()
        server.jobs.wait()
    assert job.state == "done" and server.case_lock.acquire(blocking=False)
    server.case_lock.release()


def test_each_finding_links_to_where_the_page_answers_it(blank: Path) -> None:
    from PIL import Image

    from evidence_tools.case.intake import add_files
    from evidence_tools.mark.facts import checked

    Image.new("RGB", (64, 48), (10, 20, 30)).save(blank.parent / "shot.png")
    add_files(blank, [blank.parent / "shot.png"])
    toml = blank / "case.toml"
    toml.write_text(toml.read_text().replace('claim = ""', 'claim = "not_as_described"'))
    links = {f["code"]: f["link"] for f in checked(blank)["findings"]}
    assert links["case.no_amount"] == {"target": "case-amount", "field": "1",
                                       "label": "Fill in: Amount paid"}  # fmt: skip
    assert links["claim.no_listing_words"]["target"] == "points"
    assert links["evidence.no_caption"]["target"] == "exhibit-1"
    # every error and warning the page shows leads somewhere, or says its fix in words
    for code, link in links.items():
        assert link is None or link["label"] and link["target"], code
