"""The dossier and the upload folder made from the mark page: one build at a time, in a
thread of its own, its progress kept for the page to ask for.

The build is the one ``evidence dossier`` and ``evidence export`` run (their code, their
refusals): its ``Progress`` sink keeps the latest update, which the page fetches twice a
second, so a stamp encode of minutes moves the page's bar as it moves the terminal's. While a
build runs, case.toml and the case's files are not changed from the page (the server refuses
saves and uploads until it ends); the page stays usable to look and mark.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evidence_tools import i18n
from evidence_tools.errors import CheckFailedError, EvidenceError
from evidence_tools.progress import Progress, Update


class Job:
    """One build: what it is doing, and what it made or why it stopped."""

    def __init__(self, kind: str) -> None:
        self.kind = kind  # dossier | export
        self.state = "running"  # running | done | refused (check's errors) | failed
        self.update: Update | None = None
        self.result: dict[str, Any] = {}
        self.error = ""
        self.findings: list[str] = []

    def view(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "state": self.state, "result": self.result,
                               "error": self.error, "findings": self.findings}  # fmt: skip
        if self.update is not None:
            u = self.update
            out["progress"] = {"what": u.what, "overall": round(u.overall, 4),
                               "left": None if u.left is None else round(u.left)}  # fmt: skip
        return out


class Jobs:
    """The server's one build at a time."""

    def __init__(self, case_lock: threading.Lock) -> None:
        self.lock = threading.Lock()
        self.case_lock = case_lock  # held for the whole build: no save or upload meanwhile
        self.current: Job | None = None
        self.thread: threading.Thread | None = None

    def busy(self) -> bool:
        return self.current is not None and self.current.state == "running"

    def start(self, kind: str, work: Callable[[Progress], dict[str, Any]], lang: str) -> Job | None:
        """Run ``work`` in its own thread, in the page's language; None while one runs or a
        file is being added or saved (the build would read a case.toml and a manifest that
        are changing)."""
        with self.lock:
            if self.busy() or not self.case_lock.acquire(blocking=False):
                return None
            job = self.current = Job(kind)

        def keep(update: Update) -> None:
            job.update = update

        def run() -> None:
            with i18n.language(lang):
                try:
                    job.result = work(Progress(keep))
                    job.state = "done"
                except CheckFailedError as exc:
                    job.findings, job.error, job.state = exc.findings, exc.message, "refused"
                except EvidenceError as exc:
                    job.error, job.state = exc.one_line(), "failed"
                except Exception as exc:  # noqa: BLE001 - a bug must not leave the page waiting
                    job.error, job.state = f"{type(exc).__name__}: {exc}", "failed"
                finally:
                    self.case_lock.release()

        # not a daemon: the server waits for it on closing, so no half-made file is left
        self.thread = threading.Thread(target=run, name=f"evidence-{kind}")
        self.thread.start()
        return job

    def wait(self) -> None:
        """Let a running build finish (the server is closing)."""
        if self.thread is not None:
            self.thread.join()


def start(server: Any, route: str, request: Any) -> tuple[int, dict[str, Any]]:
    """``api/build`` or ``api/export`` from the page: the build started, or why not."""
    from http import HTTPStatus

    from evidence_tools.i18n import _
    from evidence_tools.vocabulary import PLATFORMS

    request = request if isinstance(request, dict) else {}
    despite = bool(request.get("despite_errors"))
    if route == "api/build":
        work = dossier_work(server.root, despite)
    else:
        platform = request.get("platform")
        if platform not in PLATFORMS or platform == "other":
            return HTTPStatus.BAD_REQUEST, {"error": _("say which platform to export for")}
        work = export_work(server.root, platform, despite)
    job = server.jobs.start("dossier" if route == "api/build" else "export", work,
                            i18n.current())  # fmt: skip
    if job is None:
        return HTTPStatus.CONFLICT, {"error": _("a build is running: wait for it to finish")}
    return HTTPStatus.ACCEPTED, job.view()


def made_file(root: Path, rel: str) -> Path | None:
    """A file the toolkit made in exports/ (listed in the manifest as made from the case),
    for the page's links; anything else is not served."""
    from evidence_tools.case.manifest import load_manifest

    if not rel.startswith("exports/") or ".." in rel.split("/"):
        return None
    entry = load_manifest(root).files.get(rel)
    path = root / rel
    if not entry or entry.get("role") != "derived" or not path.is_file():
        return None
    return path


def dossier_work(root: Path, despite_errors: bool) -> Callable[[Progress], dict[str, Any]]:
    def work(progress: Progress) -> dict[str, Any]:
        from evidence_tools.dossier.build import build_dossier

        result = build_dossier(root, despite_errors=despite_errors, progress=progress)
        return {
            "pdf": result.pdf.relative_to(root).as_posix(),
            "message": result.message.read_text(encoding="utf-8"),
            "pages": result.pages,
            "warnings": result.warnings,
        }

    return work


def export_work(
    root: Path, platform: str, despite_errors: bool
) -> Callable[[Progress], dict[str, Any]]:
    def work(progress: Progress) -> dict[str, Any]:
        from evidence_tools.export import export_case

        result = export_case(root, platform, despite_errors=despite_errors, progress=progress)
        return {
            "folder": result.folder.relative_to(root).as_posix(),
            "uploads": [
                {"name": u.path.name, "what": u.what, "size": u.size} for u in result.uploads
            ],  # fmt: skip
            "message": (result.folder / "message.txt").read_text(encoding="utf-8"),
            "warnings": result.warnings,
        }

    return work
