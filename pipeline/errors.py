"""Errors a user can cause and fix, and the exit status each gives.

As OCRmyPDF's `exceptions.py` does: one base class, `PipelineError`, whose subclasses carry their
exit code; the CLI prints any of them as one line on stderr (`pipeline: error: ...`), never as a
traceback. Anything else that escapes is a bug and keeps its traceback.

| code | meaning |
|---|---|
| 0 | success |
| 1 | an input file was refused (the others of the batch still landed) |
| 2 | usage: bad command line (click's own code) |
| 3 | the archive database cannot be opened or written |
| 4 | a program or data the pipeline needs is missing (Tesseract, a language pack) |
| 5 | the Dask scheduler cannot be reached or was lost, or a local worker process died |
| 130 | interrupted (Ctrl-C) |
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    ok = 0
    input_file = 1
    usage = 2  # click exits with 2 for usage errors
    archive = 3
    missing_dependency = 4
    cluster = 5
    interrupted = 130


class PipelineError(Exception):
    """Base class of every error the CLI reports as one line; `exit_code` is the process's exit
    status for it."""

    exit_code: ExitCode = ExitCode.input_file

    def __reduce__(self):
        # Raised in worker processes and sent back: rebuild with the same arguments.
        return (type(self), self.args)


class InputError(PipelineError):
    """A file the pipeline refuses: unreadable, not a PDF or image, encrypted, too large..."""

    exit_code = ExitCode.input_file

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason

    def __reduce__(self):
        return (type(self), (self.path, self.reason))


class ArchiveError(PipelineError):
    """The archive database itself cannot be opened or written (not a database, read-only...)."""

    exit_code = ExitCode.archive


class DependencyError(PipelineError):
    """A program or data file the pipeline needs is not installed (Tesseract, a language pack).
    Raised once for the whole run, not once per page or file."""

    exit_code = ExitCode.missing_dependency


class ClusterError(PipelineError):
    """The Dask scheduler cannot be reached, or the local pool of worker processes broke down."""

    exit_code = ExitCode.cluster
