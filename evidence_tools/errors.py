"""One exception hierarchy; each error carries the exit code the CLI returns for it.

The core raises these and never prints; the CLI turns them into one line on stderr. A message
and its hint are kept as ``Text`` (the message's words and facts), so each is said in the
language of whoever reads it: the buyer's at the terminal, English on the dossier's cover.
"""

from __future__ import annotations

import enum
from pathlib import Path

from evidence_tools.i18n import Text, _

Words = str | Text  # a message: Text from the catalogues; str for a message made elsewhere


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

    def __init__(self, message: Words, *, path: str | Path | None = None, hint: Words = "") -> None:
        super().__init__(message)
        self.text, self.hint_text = message, hint
        self.path = Path(path) if path is not None else None
        self.prefix: Text | None = None  # "exhibit 3: ..." where a step names its exhibit

    @property
    def message(self) -> str:
        """The message in the current language."""
        said = str(self.text)
        return (
            _("{where}: {message}", where=str(self.prefix), message=said) if self.prefix else said
        )

    @property
    def hint(self) -> str:
        return str(self.hint_text)

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
        message: Words,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        hint: Words = "",
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
            Text("output already exists"),
            path=path,
            hint=Text("choose another name or add --force"),
        )


class ExternalToolError(EvidenceError):
    exit_code = ExitCode.EXTERNAL_TOOL


class CheckFailedError(EvidenceError):
    """``evidence check`` found errors, so the dossier was not built; ``findings`` are check's
    own lines for them."""

    exit_code = ExitCode.SOME_INPUTS_FAILED

    def __init__(self, message: Words, findings: list[str], *, path: str | Path | None = None,
                 hint: Words = "") -> None:  # fmt: skip
        super().__init__(message, path=path, hint=hint)
        self.findings = findings


class IntegrityError(EvidenceError):
    """Verification found changed or missing files."""

    exit_code = ExitCode.SOME_INPUTS_FAILED
