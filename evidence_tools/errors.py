"""One exception hierarchy; each error carries the exit code the CLI returns for it.

The core raises these and never prints; the CLI turns them into one line on stderr.
"""

from __future__ import annotations

import enum
from pathlib import Path


class ExitCode(enum.IntEnum):
    OK = 0
    SOME_INPUTS_FAILED = 1  # a batch where some files failed, or verify found a change
    USAGE = 2  # bad command line or a case.toml error
    INPUT_FILE = 3  # an input file is unreadable or unsupported
    OUTPUT = 4  # the output exists (use --force) or cannot be written
    EXTERNAL_TOOL = 5  # ffmpeg (or another bundled tool) failed
    INTERNAL = 70  # a bug in evidence-tools: please report it (EX_SOFTWARE)
    INTERRUPTED = 130


class EvidenceError(Exception):
    """Base of every error a user can meet. ``hint`` says what to do about it."""

    exit_code: ExitCode = ExitCode.SOME_INPUTS_FAILED

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.hint = hint

    def one_line(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(f"{self.path}: ")
        parts.append(self.message)
        if self.hint:
            parts.append(f" ({self.hint})")
        return "".join(parts)

    def __str__(self) -> str:
        return self.one_line()


class UsageError(EvidenceError):
    exit_code = ExitCode.USAGE


class CaseError(EvidenceError):
    """case.toml is missing or wrong; ``line`` points at the offending line when known."""

    exit_code = ExitCode.USAGE

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: str = "",
    ) -> None:
        super().__init__(message, path=path, hint=hint)
        self.line = line

    def one_line(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{tail}"


class InputFileError(EvidenceError):
    exit_code = ExitCode.INPUT_FILE


class OutputError(EvidenceError):
    exit_code = ExitCode.OUTPUT


class OutputExistsError(OutputError):
    def __init__(self, path: str | Path) -> None:
        super().__init__(
            "output already exists", path=path, hint="choose another name or add --force"
        )


class ExternalToolError(EvidenceError):
    exit_code = ExitCode.EXTERNAL_TOOL


class CheckFailedError(EvidenceError):
    """``evidence check`` found errors, so the dossier was not built; ``findings`` are check's
    own lines for them."""

    exit_code = ExitCode.SOME_INPUTS_FAILED

    def __init__(self, message: str, findings: list[str], *, path: str | Path | None = None,
                 hint: str = "") -> None:  # fmt: skip
        super().__init__(message, path=path, hint=hint)
        self.findings = findings


class IntegrityError(EvidenceError):
    """Verification found changed or missing files."""

    exit_code = ExitCode.SOME_INPUTS_FAILED
