"""Which files a collection holds: the inputs named on the command line, folders walked
recursively, and (for `pipeline watch`) files that have stopped changing.

Inside a folder a file is an input when its first bytes say PDF or page image
(`extract.sniff`), whatever its name; other files (notes, spreadsheets, .DS_Store) are passed over
silently. A file named explicitly is always an input: if it is not a PDF or image, ingest says so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError


@dataclass
class Inputs:
    files: list[Path]  # in the order given, folders expanded in sorted path order
    skipped: int = 0  # files inside folders that are not PDFs or images


def is_document_file(path: Path) -> bool:
    """A PDF or page image, by its first bytes."""
    from .extract import sniff

    try:
        sniff.kind(path)
    except InputError:
        return False
    return True


def walk(folder: Path) -> Iterator[Path]:
    """Every regular file under `folder`, in sorted order, hidden files and folders left out;
    symbolic links to folders are not followed (no loops, no leaving the collection)."""
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                path = Path(root, name)
                if path.is_file():
                    yield path


def expand(paths: Iterable[str | Path]) -> Inputs:
    """The input files for `paths`: files as given, folders replaced by the PDFs and page images
    they hold (recursively). A path given twice is read once."""
    inputs, seen = Inputs([]), set()
    for given in map(Path, paths):
        if given.is_dir():
            found = []
            for path in walk(given):
                if is_document_file(path):
                    found.append(path)
                else:
                    inputs.skipped += 1
        else:
            found = [given]
        for path in found:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                inputs.files.append(path)
    return inputs


class Settling:
    """Files seen changing, handed out once their size and modification time have stayed the
    same for `settle` seconds: a file still being copied or written is never read half-way."""

    def __init__(self, settle: float):
        self.settle = settle
        self._pending: dict[Path, tuple[tuple[int, int] | None, float]] = {}

    def touch(self, path: Path) -> None:
        """`path` appeared or changed (again): its settle interval starts over."""
        self._pending[path] = (None, time.monotonic())

    def __len__(self) -> int:
        return len(self._pending)

    def ready(self) -> list[Path]:
        """Files unchanged for the settle interval, in path order; they leave the pending set.
        Files that vanished leave it too."""
        now, done = time.monotonic(), []
        for path, (last, since) in list(self._pending.items()):
            try:
                st = path.stat()
            except OSError:
                del self._pending[path]
                continue
            stamp = (st.st_size, st.st_mtime_ns)
            if stamp != last:
                self._pending[path] = (stamp, now)
            elif now - since >= self.settle:
                del self._pending[path]
                done.append(path)
        return sorted(done)
