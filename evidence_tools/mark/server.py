"""The mark page's local server: the standard library's http.server, on loopback only.

A local server that writes files is a target for every web page the buyer has open, so each
request passes ``refusal`` first: the Host must be this loopback address and port (a DNS
rebinding page names its own host), the path must start with the random token printed with
the URL (another page cannot guess it), and a request that changes something must come from
this page's own origin and carry JSON (which a foreign page cannot send without a CORS
preflight that is never answered). Every answer forbids caching, referrers and any source
but itself, so the page works offline and leaks the token nowhere.

Why http.server: the page makes a handful of requests from one person; a framework would be
a dependency to keep up for nothing it needs here.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import tempfile
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from evidence_tools import i18n
from evidence_tools.errors import EvidenceError
from evidence_tools.i18n import Text, _
from evidence_tools.mark.jobs import Jobs

PAGE = Path(__file__).with_name("page")
# the page's own files, by route: nothing else in the package is ever served
STATIC = {
    "": ("index.html", "text/html; charset=utf-8"),
    "mark.js": ("mark.js", "text/javascript; charset=utf-8"),
    "video.js": ("video.js", "text/javascript; charset=utf-8"),
    "case.js": ("case.js", "text/javascript; charset=utf-8"),
    "mark.css": ("mark.css", "text/css; charset=utf-8"),
    "icon.svg": ("icon.svg", "image/svg+xml"),
}
CHUNK = 1 << 20

LOOPBACK = "127.0.0.1"
MAX_BODY = 1 << 20  # a case's marks are a few kilobytes
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob:; media-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class MarkServer(ThreadingHTTPServer):
    """Serves one case folder to the page at ``url`` until ``shutdown``."""

    daemon_threads = True

    def __init__(self, root: str | Path, port: int = 0, token: str | None = None) -> None:
        self.root = Path(root)
        self.token = token or secrets.token_urlsafe(24)
        # browser copies of videos the browser cannot play, gone when the server closes (made
        # first: a port that is taken closes the server inside the base's __init__)
        self.cache = tempfile.TemporaryDirectory(prefix="evidence-mark-")
        self.video_lock = threading.Lock()  # one copy at a time, however many Range requests
        self.case_lock = threading.Lock()  # one change to case.toml at a time: a save, a file
        self.jobs = Jobs(self.case_lock)  # one dossier or upload folder built at a time
        self.videos: dict[Path, Path] = {}  # each video exhibit -> the file its player gets
        self.language = i18n.current()  # what the page is answered in
        super().__init__((LOOPBACK, port), _Handler)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Each request is answered in its own thread, which starts in no language of its own
        (a thread does not inherit the run's context): in the one the page was opened in."""
        with i18n.language(self.language):
            super().process_request_thread(request, client_address)

    def server_close(self) -> None:
        super().server_close()
        self.jobs.wait()  # a build running finishes (or rolls back) before the folder goes
        self.cache.cleanup()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A tab closed while its picture was on the way is not an error to print."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}/{self.token}/"

    def hosts(self) -> tuple[str, ...]:
        return (f"{LOOPBACK}:{self.port}", f"localhost:{self.port}")

    def origins(self) -> tuple[str, ...]:
        return tuple(f"http://{host}" for host in self.hosts())


def open_server(root: str | Path, port: int = 0) -> MarkServer:
    """A server for the case at ``root``, once its case.toml loads (the page cannot show a
    case the loader refuses, so the loader's own message is the one to show)."""
    from evidence_tools.case.loader import load_case
    from evidence_tools.errors import UsageError

    load_case(root)
    try:
        return MarkServer(root, port)
    except OSError as exc:
        raise UsageError(
            Text("cannot listen on port {port}: {reason}", port=port, reason=exc.strerror),
            hint=Text("leave out --port to take a free one"),
        ) from exc


def refusal(
    server: MarkServer, method: str, path: str, headers: Any
) -> tuple[HTTPStatus, str] | None:
    """Why this request is refused, or None: the whole security rule in one place."""
    if headers.get("Host", "") not in server.hosts():
        return HTTPStatus.FORBIDDEN, _("this page answers only at its own address")
    first = path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
    if not first:
        return HTTPStatus.UNAUTHORIZED, _("open the address evidence mark printed")
    if not hmac.compare_digest(first.encode(), server.token.encode()):
        return HTTPStatus.FORBIDDEN, _("open the address evidence mark printed")
    if method not in ("GET", "HEAD"):
        origin = headers.get("Origin")
        if origin is not None and origin not in server.origins():
            return HTTPStatus.FORBIDDEN, _("only this page may change the case")
        # neither type is one a plain HTML form can send, so a foreign page's form is refused
        # here, and its script would need a CORS preflight that is never answered
        wanted = "application/octet-stream" if path.split("?")[0].endswith(
            "/api/upload") else "application/json"  # fmt: skip
        if headers.get("Content-Type", "").split(";")[0].strip() != wanted:
            return HTTPStatus.UNSUPPORTED_MEDIA_TYPE, (
                _("send the file as application/octet-stream")
                if wanted != "application/json" else _("send JSON"))  # fmt: skip
    return None


class _Handler(BaseHTTPRequestHandler):
    server: MarkServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Quiet: the terminal shows the URL and errors, not every preview request."""

    def _head(self, status: int, content_type: str, length: int, **extra: str) -> None:
        """The status line and headers every answer carries, the security rules first."""
        self.send_response(status)
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(length))
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self._head(status, content_type, len(body))
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        self._send(status, json.dumps(data).encode("utf-8"), "application/json")

    def _route(self) -> str | None:
        refused = refusal(self.server, self.command, self.path, self.headers)
        if refused:
            self.close_connection = True  # a body it did not read must not be taken for a request
            self._json(refused[0], {"error": refused[1]})
            return None
        # the page says which language it shows; its findings and errors come in that one
        # (each request on its own: one connection serves several, the pictures' without it)
        asked = i18n.first_known(self.headers.get("X-Evidence-Lang", ""))
        i18n.use(asked or self.server.language)
        rest = self.path.lstrip("/").split("/", 1)
        return rest[1].split("?", 1)[0] if len(rest) > 1 else ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        route = self._route()
        if route is None:
            return
        if route == "api/words":
            self._words()
            return
        if route == "api/check":  # the findings again, in the language the page now shows
            from evidence_tools.mark.facts import checked

            self._answer(lambda: checked(self.server.root))
            return
        if route == "api/job":
            job = self.server.jobs.current
            self._json(HTTPStatus.OK, job.view() if job is not None else {})
            return
        if route.startswith("files/"):
            self._made(route.removeprefix("files/"))
            return
        if route == "api/zones":
            from evidence_tools.mark.facts import zones

            self._answer(lambda: zones(self.server.root))
            return
        if route == "api/case":
            from evidence_tools.mark.edit import case_view

            self._answer(lambda: case_view(self.server.root))
            return
        if route.startswith("photo/"):
            self._picture(route.removeprefix("photo/"), [])
            return
        if route.startswith("video/"):
            self._video(route.removeprefix("video/"))
            return
        if route in STATIC:
            name, content_type = STATIC[route]
            self._send(HTTPStatus.OK, (PAGE / name).read_bytes(), content_type)
            return
        self._json(HTTPStatus.NOT_FOUND, {"error": _("no such page")})

    def _answer(self, make: Callable[[], Any]) -> None:
        """What ``make`` says of the case, as JSON; or the loader's refusal of a case.toml
        that does not load, in check's words."""
        try:
            self._json(HTTPStatus.OK, make())
        except EvidenceError as exc:
            self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": exc.one_line()})

    def _words(self) -> None:
        """The page's words in the language it asks for (the buyer's pick, else the browser's
        languages in order), else the one `evidence mark` was started in."""
        from urllib.parse import parse_qs, urlsplit

        from evidence_tools.mark.words import words

        wanted = parse_qs(urlsplit(self.path).query).get("lang", [""])[0]
        lang = i18n.first_known(wanted) or self.server.language
        with i18n.language(lang):
            answer = {"language": lang, "languages": i18n.LANGUAGES, "words": words()}
        self._json(HTTPStatus.OK, answer)

    def _video(self, number: str) -> None:
        """The video itself, in byte ranges: a browser's player seeks with Range requests."""
        from evidence_tools.mark.preview import exhibit_file, playable_video

        try:
            original = exhibit_file(self.server.root, int(number), "video")
        except (ValueError, EvidenceError):
            self._json(HTTPStatus.NOT_FOUND, {"error": _("no such video")})
            return
        try:
            with self.server.video_lock:  # a player sends many Range requests: read it once
                path = self.server.videos.get(original)
                if path is None:
                    path = playable_video(original, Path(self.server.cache.name))
                    self.server.videos[original] = path
        except EvidenceError as exc:
            self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": exc.one_line()})
            return
        size = path.stat().st_size
        start, end = byte_range(self.headers.get("Range", ""), size)
        # H.264 in MP4 or QuickTime, or the browser copy: what browsers play as video/mp4
        if start >= size and size:
            self._head(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE, "video/mp4", 0,
                       Content_Range=f"bytes */{size}")  # fmt: skip
            return
        ranged = {"Content_Range": f"bytes {start}-{end}/{size}"} if "Range" in self.headers else {}
        status = HTTPStatus.PARTIAL_CONTENT if ranged else HTTPStatus.OK
        self._head(status, "video/mp4", end - start + 1, Accept_Ranges="bytes", **ranged)
        if self.command == "HEAD":
            return
        with path.open("rb") as f:
            f.seek(start)
            left = end - start + 1
            while left > 0:
                chunk = f.read(min(CHUNK, left))
                if not chunk:
                    break
                self.wfile.write(chunk)
                left -= len(chunk)

    def _made(self, rel: str) -> None:
        """A file the toolkit made (the dossier, a file of an upload folder), for the page's
        links: only those the manifest lists as made in exports/."""
        from urllib.parse import unquote

        from evidence_tools.mark.jobs import made_file

        try:
            path = made_file(self.server.root, unquote(rel))
        except EvidenceError:  # a damaged manifest: check and verify say so
            path = None
        if path is None:
            self._json(HTTPStatus.NOT_FOUND, {"error": _("no such file")})
            return
        kinds = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".mp4": "video/mp4",
                 ".txt": "text/plain; charset=utf-8"}  # fmt: skip
        self._head(HTTPStatus.OK, kinds.get(path.suffix.lower(), "application/octet-stream"),
                   path.stat().st_size)  # fmt: skip
        if self.command == "HEAD":
            return
        with path.open("rb") as f:  # in pieces: a fitted video can be hundreds of MB
            while chunk := f.read(CHUNK):
                self.wfile.write(chunk)

    def _picture(self, number: str, specs: list[Any]) -> None:
        from evidence_tools.mark.preview import exhibit_file, preview_jpeg

        if not number.isdigit():
            self._json(HTTPStatus.NOT_FOUND, {"error": _("no such exhibit")})
            return
        try:
            jpeg = preview_jpeg(exhibit_file(self.server.root, int(number)), specs)
        except EvidenceError as exc:
            self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": exc.one_line()})
            return
        self._send(HTTPStatus.OK, jpeg, "image/jpeg")

    do_HEAD = do_GET  # noqa: N815

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        route = self._route()
        if route is None:
            return
        if route in ("api/upload", "api/save"):
            # one change to the case at a time: a build holds it for its whole run, and a
            # save or a file coming in holds it against a build
            if not self.server.case_lock.acquire(blocking=False):
                self.close_connection = True  # its body is not read
                self._json(HTTPStatus.CONFLICT, {"error": _("a build is running: wait for it "
                                                            "to finish, then save")})  # fmt: skip
                return
            try:
                if route == "api/upload":
                    self._upload()
                else:
                    self._save()
            finally:
                self.server.case_lock.release()
            return
        if route in ("api/build", "api/export"):
            from evidence_tools.mark.jobs import start

            self._json(*start(self.server, route, self._body()))
            return
        if not route.startswith("api/preview/"):
            self._json(HTTPStatus.NOT_FOUND, {"error": _("no such page")})
            return
        request = self._body()
        specs = request.get("annotate") if isinstance(request, dict) else None
        if not isinstance(specs, list):
            self._json(HTTPStatus.BAD_REQUEST, {"error": _("send annotate as a JSON list")})
            return
        self._picture(route.removeprefix("api/preview/"), specs)

    def _save(self) -> None:
        request = self._body()
        try:
            base, changes = request["base"], request["changes"]
        except (KeyError, TypeError):
            self._json(HTTPStatus.BAD_REQUEST, {"error": _("send base and changes as JSON")})
            return
        self._json(*save(self.server.root, base, changes))

    def _upload(self) -> None:
        """A file from the page, streamed to disk and added as ``evidence add`` adds it."""
        from urllib.parse import unquote

        from evidence_tools.mark.edit import digest, read_text
        from evidence_tools.mark.upload import receive, safe_name

        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        try:
            name = safe_name(unquote(self.headers.get("X-Evidence-Name", ""), errors="strict"))
        except (EvidenceError, UnicodeDecodeError) as exc:
            self.close_connection = True  # the body it did not read must not become a request
            error = exc.message if isinstance(exc, EvidenceError) else _("send the file's name")
            self._json(HTTPStatus.BAD_REQUEST, {"error": error})
            return
        if length < 0:
            self.close_connection = True
            self._json(HTTPStatus.LENGTH_REQUIRED, {"error": _("send the file's length")})
            return
        try:
            said = receive(self.server.root, name, self.rfile, length)
            said["digest"] = digest(read_text(self.server.root))
        except EvidenceError as exc:
            self.close_connection = True
            self._json(HTTPStatus.UNPROCESSABLE_ENTITY, {"error": exc.one_line()})
            return
        except OSError as exc:  # the disk, mostly: said, not a dropped connection
            self.close_connection = True
            self._json(HTTPStatus.INSUFFICIENT_STORAGE, {"error": _(
                "cannot write: {reason}", reason=exc.strerror or str(exc))})  # fmt: skip
            return
        self._json(HTTPStatus.OK, said)

    def _body(self) -> Any:
        """The request's JSON, or None when there is none or too much."""
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY:
            self.close_connection = True  # the unread body must not be taken for a request
            return None
        try:
            return json.loads(self.rfile.read(length))
        except ValueError:
            return None

    def do_PUT(self) -> None:  # noqa: N802
        if self._route() is not None:
            self._json(HTTPStatus.METHOD_NOT_ALLOWED, {"error": _("the page only reads and saves")})

    do_DELETE = do_PATCH = do_PUT  # noqa: N815


def byte_range(header: str, size: int) -> tuple[int, int]:
    """``Range: bytes=A-B`` (one range, as players send) as first and last byte; the whole
    file for anything else."""
    spec = header.strip().removeprefix("bytes=")
    if not header.startswith("bytes=") or "," in spec or "-" not in spec:
        return 0, max(size - 1, 0)
    first, last = spec.split("-", 1)
    try:
        if not first:  # the last N bytes
            return max(size - int(last), 0), size - 1
        return int(first), min(int(last), size - 1) if last else size - 1
    except ValueError:
        return 0, max(size - 1, 0)


def save(root: Path, base: Any, changes: Any) -> tuple[HTTPStatus, dict[str, Any]]:
    """Save and check: the page shows check's findings after every save."""
    from evidence_tools.mark.edit import ChangedOnDisk, digest, read_text, save_changes
    from evidence_tools.mark.facts import checked

    if not isinstance(base, str) or not isinstance(changes, dict):
        return HTTPStatus.BAD_REQUEST, {"error": _("send base and changes as JSON")}
    try:
        save_changes(root, base, changes)
    except (AttributeError, TypeError, ValueError, KeyError):  # a payload of the wrong shape
        return HTTPStatus.BAD_REQUEST, {"error": _("send base and changes as JSON")}
    except ChangedOnDisk as exc:
        return HTTPStatus.CONFLICT, {"error": exc.one_line()}
    except EvidenceError as exc:
        return HTTPStatus.UNPROCESSABLE_ENTITY, {"error": exc.one_line()}
    return HTTPStatus.OK, {"digest": digest(read_text(root)), "check": checked(root)}
