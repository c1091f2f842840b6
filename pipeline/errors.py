"""Errors a user can cause and fix. The CLI prints them as one line, never as a traceback."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """A file the pipeline refuses: unreadable, not a PDF or image, encrypted, too large..."""

    def __init__(self, path: Path | str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class ArchiveError(Exception):
    """The archive database itself cannot be opened or written (not a database, read-only...)."""
