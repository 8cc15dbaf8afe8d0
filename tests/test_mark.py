"""The mark page's core: editing case.toml with comments kept, and the local server's rules
(token, Host, Origin, loopback only), driven over real HTTP."""

from __future__ import annotations

import http.client
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import serving

from evidence_tools.case.loader import load_case
from evidence_tools.errors import CaseError, UsageError
from evidence_tools.mark.edit import ChangedOnDisk, apply_changes, case_view, save_changes
from evidence_tools.mark.server import MarkServer

CRACK = {"number": 3, "file": "originals/crack_closeup.jpg"}


def test_a_box_is_saved_with_the_buyers_comments_kept(sample_case: Path) -> None:
    before = (sample_case / "case.toml").read_text()
    view = case_view(sample_case)
    assert [e["kind"] for e in view["exhibits"]] == ["video", "photo", "photo", "photo"]
    box = {"box": [0.30000000000000004, 0.3, 0.3, 0.2], "label": "Crack"}
    save_changes(sample_case, view["digest"], {"exhibits": [{**CRACK, "annotate": [box]}]})
    after = (sample_case / "case.toml").read_text()
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in after.splitlines() for line in comments)
    shapes = load_case(sample_case).evidence[2].annotate
    assert [(s.kind, [c.value for c in s.coords], s.label) for s in shapes] == [
        ("box", [0.3, 0.3, 0.3, 0.2], "Crack")
    ]
    assert "0.30000000000000004" not in after
    # what the page did not touch reads exactly as the buyer wrote it
    untouched = before.split("[[evidence]]")[1:3]
    assert all(part in after for part in untouched)


def test_an_unchanged_save_leaves_the_file_byte_for_byte(sample_case: Path) -> None:
    before = (sample_case / "case.toml").read_bytes()
    view = case_view(sample_case)
    same = {k: v for k, v in view["exhibits"][0].items() if k != "kind"}
    save_changes(sample_case, view["digest"], {"exhibits": [same]})
    assert (sample_case / "case.toml").read_bytes() == before


def test_a_file_edited_elsewhere_is_not_overwritten(sample_case: Path) -> None:
    view = case_view(sample_case)
    path = sample_case / "case.toml"
    path.write_text(path.read_text() + "\n# edited in Notepad\n")
    with pytest.raises(ChangedOnDisk):
        save_changes(sample_case, view["digest"], {"case": {"own_words": "Broken."}})
    assert "Broken." not in path.read_text()


def test_a_change_that_would_not_load_is_refused_and_nothing_written(sample_case: Path) -> None:
    before = (sample_case / "case.toml").read_bytes()
    view = case_view(sample_case)
    bad = {**CRACK, "annotate": [{"box": [0.9, 0.9, 0.5, 0.5]}]}  # runs off the photo
    with pytest.raises(CaseError, match="past the picture's edge"):
        save_changes(sample_case, view["digest"], {"exhibits": [bad]})
    with pytest.raises(UsageError, match="no longer"):  # the wrong exhibit's number
        apply_changes(before.decode(), {"exhibits": [{**CRACK, "number": 2, "caption": "x"}]})
    with pytest.raises(UsageError, match="cannot change"):
        apply_changes(before.decode(), {"exhibits": [{**CRACK, "file2": "x"}]})
    assert (sample_case / "case.toml").read_bytes() == before


# --------------------------------------------------------------------------- the server


@pytest.fixture
def server(sample_case: Path) -> Iterator[MarkServer]:
    with serving(sample_case) as srv:
        yield srv


def _raw(
    srv: MarkServer, method: str, path: str, body: object = None, **headers: str
) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    data = json.dumps(body).encode() if body is not None else None
    head = {"Host": f"127.0.0.1:{srv.port}"}
    if data is not None:
        head["Content-Type"] = "application/json"
    head.update({k.replace("_", "-"): v for k, v in headers.items()})
    conn.request(method, path, body=data, headers=head)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    if method != "HEAD":
        assert response.getheader("Content-Security-Policy", "").startswith("default-src 'self'")
    return response.status, payload, response.getheader("Content-Type", "")


def _request(
    srv: MarkServer, method: str, path: str, body: object = None, **headers: str
) -> tuple[int, dict]:
    status, payload, _ = _raw(srv, method, path, body, **headers)
    return status, json.loads(payload) if payload else {}


def test_the_server_listens_on_loopback_only(server: MarkServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith(f"http://127.0.0.1:{server.port}/{server.token}/")
    assert len(server.token) >= 32
    assert server.socket.getsockname()[0] == "127.0.0.1"
    # Linux routes all of 127/8 to loopback: a server on every address would answer here
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.2", server.port), timeout=2).close()


def test_the_server_saves_with_its_token_and_checks(server: MarkServer) -> None:
    status, view = _request(server, "GET", f"/{server.token}/api/case")
    assert status == 200 and view["exhibits"][2]["file"] == CRACK["file"]
    change = {**CRACK, "caption": "The crack, marked in the page"}
    status, saved = _request(
        server,
        "POST",
        f"/{server.token}/api/save",
        {"base": view["digest"], "changes": {"exhibits": [change]}},
        Origin=f"http://127.0.0.1:{server.port}",
    )
    assert status == 200, saved
    assert saved["digest"] != view["digest"] and "findings" in saved["check"]
    assert load_case(server.root).evidence[2].caption == "The crack, marked in the page"
    # the old digest is now stale: a second tab's save is refused, not merged
    status, stale = _request(
        server, "POST", f"/{server.token}/api/save",
        {"base": view["digest"], "changes": {"exhibits": [change]}},
    )  # fmt: skip
    assert status == 409 and "reload" in stale["error"]


@pytest.mark.parametrize(
    ("path", "headers", "status"),
    [
        ("/api/case", {}, 403),  # no token: the first segment is not it
        ("/", {}, 401),
        ("/not-the-token/api/case", {}, 403),
        ("/{token}/api/case", {"Host": "evil.example:{port}"}, 403),  # DNS rebinding
        ("/{token}/api/case", {"Host": "127.0.0.1:1"}, 403),
    ],
)
def test_reads_without_token_or_with_a_foreign_host_are_refused(
    server: MarkServer, path: str, headers: dict[str, str], status: int
) -> None:
    fill = {"token": server.token, "port": server.port}
    filled = {k: v.format(**fill) for k, v in headers.items()}
    got, answer = _request(server, "GET", path.format(**fill), **filled)
    assert got == status and "case" not in answer


@pytest.mark.parametrize(
    ("headers", "content_type", "status"),
    [
        ({"Origin": "https://shop.example"}, "application/json", 403),
        ({"Origin": "null"}, "application/json", 403),
        ({}, "text/plain", 415),  # a plain form post from another page, no preflight
        ({"Host": "evil.example:{port}"}, "application/json", 403),
    ],
)
def test_foreign_saves_are_refused_and_nothing_written(
    server: MarkServer, headers: dict[str, str], content_type: str, status: int
) -> None:
    path = server.root / "case.toml"
    before = path.read_bytes()
    _, view = _request(server, "GET", f"/{server.token}/api/case")
    body = {"base": view["digest"], "changes": {"case": {"own_words": "Hijacked."}}}
    filled = {k: v.format(port=server.port) for k, v in headers.items()}
    got, _ = _request(
        server, "POST", f"/{server.token}/api/save", body, Content_Type=content_type, **filled
    )
    assert got == status
    assert path.read_bytes() == before


def test_previews_are_what_the_renderer_draws(server: MarkServer, tmp_path: Path) -> None:
    from PIL import Image, ImageChops, ImageOps, ImageStat

    from evidence_tools.photo.annotate import annotate_photo
    from evidence_tools.shapes import shape_from_spec

    marks = [{"box": [0.3, 0.3, 0.3, 0.2], "label": "Crack"}, {"redact": [0.0, 0.0, 0.2, 0.2]}]
    status, jpeg, kind = _raw(server, "POST", f"/{server.token}/api/preview/3", {"annotate": marks})
    assert status == 200 and kind == "image/jpeg"
    preview = Image.open(io.BytesIO(jpeg))
    shapes = [shape_from_spec(m, n) for n, m in enumerate(marks, 1)]
    out = annotate_photo(server.root / CRACK["file"], shapes, tmp_path / "a.png", record=False)
    expected = ImageOps.contain(Image.open(out.output).convert("RGB"), preview.size)
    assert preview.size == expected.size
    diff = ImageStat.Stat(ImageChops.difference(preview.convert("RGB"), expected)).mean
    assert max(diff) < 1.5, diff  # measured 0.30 (JPEG noise); without the box 4.1
    # the redaction is solid black in the preview too
    corner = preview.crop((0, 0, preview.width // 6, preview.height // 6)).convert("L")
    assert ImageStat.Stat(corner).extrema[0][1] < 40


def test_a_heic_exhibit_previews_upright_as_jpeg(server: MarkServer) -> None:
    from PIL import Image

    from evidence_tools.images import open_upright

    status, jpeg, kind = _raw(server, "GET", f"/{server.token}/photo/4")
    assert status == 200 and kind == "image/jpeg"
    upright, _ = open_upright(server.root / "originals/case_back.heic")
    got = Image.open(io.BytesIO(jpeg)).size
    assert abs(got[0] / got[1] - upright.width / upright.height) < 0.01


@pytest.mark.parametrize(
    ("path", "status"),
    [("photo/1", 422), ("photo/9", 422), ("photo/..%2Fcase.toml", 404), ("photo/-1", 404)],
)
def test_only_the_cases_photos_are_served(server: MarkServer, path: str, status: int) -> None:
    got, payload, kind = _raw(server, "GET", f"/{server.token}/{path}")
    assert got == status and kind == "application/json" and b"[case]" not in payload


def test_a_bad_mark_in_a_preview_says_what_is_wrong(server: MarkServer) -> None:
    got, answer = _request(
        server, "POST", f"/{server.token}/api/preview/3", {"annotate": [{"box": [0.9, 0.9, 1, 1]}]}
    )
    assert got == 422 and "edge" in answer["error"]


def test_evidence_mark_prints_its_address_first_and_stops_cleanly_on_ctrl_c(
    sample_case: Path,
) -> None:
    import signal
    import subprocess
    import sys
    import urllib.request

    from evidence_tools.fsutil import sha256_file

    originals = {p.name: sha256_file(p) for p in (sample_case / "originals").iterdir()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "evidence_tools", "mark", str(sample_case), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/")
        with urllib.request.urlopen(url + "api/case", timeout=30) as response:
            view = json.loads(response.read())
        body = {"base": view["digest"], "changes": {"exhibits": [{**CRACK, "caption": "Marked"}]}}
        request = urllib.request.Request(
            url + "api/save", json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.status == 200
        with urllib.request.urlopen(url, timeout=30) as response:
            page = response.read().decode()
        assert 'data-testid="save"' in page and "<script src=" in page
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode in (0, 130), err
    assert "Traceback" not in err
    assert load_case(sample_case).evidence[2].caption == "Marked"
    assert {p.name: sha256_file(p) for p in (sample_case / "originals").iterdir()} == originals


def test_evidence_mark_refuses_a_case_that_does_not_load(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from evidence_tools.cli import cli

    result = CliRunner().invoke(cli, ["mark", str(tmp_path), "--no-browser"])
    assert result.exit_code == 2 and "no case.toml here" in result.output


def test_a_phones_hevc_video_is_served_as_h264_in_byte_ranges(
    server: MarkServer, tmp_path: Path
) -> None:
    from evidence_tools.video.common import load_video

    original = load_video(server.root / "originals/unboxing.mov")
    assert original.video_codec == "hevc"  # what browsers cannot play
    status, head, kind = _raw(server, "GET", f"/{server.token}/video/1", Range="bytes=0-99")
    assert status == 206 and kind == "video/mp4" and len(head) == 100
    status, whole, _ = _raw(server, "GET", f"/{server.token}/video/1")
    assert status == 200 and whole[:100] == head
    copy = tmp_path / "served.mp4"
    copy.write_bytes(whole)
    served = load_video(copy)
    assert served.video_codec == "h264" and served.duration == pytest.approx(
        original.duration, abs=0.1
    )
    assert _raw(server, "GET", f"/{server.token}/video/1", Range="bytes=999999999-")[0] == 416
    assert _raw(server, "GET", f"/{server.token}/video/2")[0] == 404  # a photo is no video


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP"])
def test_evidence_mark_stopped_by_a_closed_terminal_leaves_no_folder_behind(
    sample_case: Path, tmp_path: Path, signame: str
) -> None:
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    sig = getattr(signal, signame, None)
    if sig is None:
        pytest.skip(f"no {signame} on this system")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "evidence_tools", "mark", str(sample_case), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        # the phone's HEVC video makes a browser copy in the temporary folder
        request = urllib.request.Request(url + "video/1", headers={"Range": "bytes=0-99"})
        with urllib.request.urlopen(request, timeout=120) as response:
            assert response.status == 206
        made = list(scratch.iterdir())
        assert made and any(p.is_file() for p in made[0].rglob("*"))
    finally:
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "Stopped." in err
    assert list(scratch.iterdir()) == []


def test_the_page_gets_its_words_in_the_language_it_asks_for(server: MarkServer) -> None:
    import re

    from evidence_tools.mark.words import messages

    status, answer = _request(server, "GET", f"/{server.token}/api/words?lang=ru-RU,ru,en-US")
    assert status == 200 and answer["language"] == "ru"
    assert set(answer["words"]) == {text for _file, _line, text in messages()}
    assert re.search(r"[\u0400-\u04ff]", answer["words"]["Start here"])
    assert "Save to case.toml" in answer["languages"] or "ru" in answer["languages"]
    _status, fallback = _request(server, "GET", f"/{server.token}/api/words?lang=de-DE")
    assert fallback["language"] == "en" and fallback["words"]["Start here"] == "Start here"
    # the page's language travels with each request: errors come in it
    got, refused = _request(server, "POST", f"/{server.token}/api/preview/3",
                            {"annotate": [{"box": [0.9, 0.9, 1, 1]}]},
                            X_Evidence_Lang="ru")  # fmt: skip
    assert got == 422 and re.search(r"[\u0400-\u04ff]", refused["error"])
