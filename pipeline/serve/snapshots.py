"""The published snapshots a server offers, and how URLs move between them.

`pipeline serve` serves the live archive (`archive`, read-only: an ingest may write beside it)
and every published snapshot `archive-VERSION.db` beside it as the database `archive-VERSION`,
immutable. `Registry` keeps the list: it rescans the archive's folder at most every
`RESCAN_SECONDS` (a directory listing; snapshot files are read once) and adds snapshots published
since to the running Datasette (`datasette.add_database`), with the live archive's metadata
(titles, facets, canned queries) through the `get_metadata` hook.
"""

from __future__ import annotations

import os
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from datasette.database import Database
# The SQLite library Datasette uses: two libraries in one process would release each other's
# POSIX locks on the live archive.
from datasette.utils.sqlite import sqlite3

from ..load.snapshots import Snapshot, list_snapshots
from .cache import ResponseCache

RESCAN_SECONDS = 1.0
# Snapshot URLs never change their answer: let browsers and proxies keep them for a year.
IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
# Plugin pages that take the database as ?db= rather than in their path.
DB_ARG_PAGES = ("/-/document/", "/-/search", "/-/source/", "/-/page-image/", "/-/archive-version")
# Not kept in the response cache: files and images, large and cheap to send again.
UNCACHED_PAGES = ("/-/source/", "/-/page-image/")


class Registry:
    def __init__(self, datasette, live: str, archive_path: Path, cache_bytes: int):
        self.datasette = datasette
        self.cache = ResponseCache(cache_bytes) if cache_bytes > 0 else None
        self.generation = 0  # changes whenever the set of snapshots does
        self.live = live  # the live archive's database name
        self.archive_path = archive_path
        self.snapshots: list[Snapshot] = []  # oldest first
        self.by_version: dict[str, Snapshot] = {}
        self.by_name: dict[str, Snapshot] = {}
        self._scanned = float("-inf")
        self._lock = threading.Lock()
        self._live_conn: sqlite3.Connection | None = None
        self._live_state: tuple[int, int] | None = None
        self._live_version: str | None = None
        self._live_lock = threading.Lock()

    def live_state(self) -> tuple[int, int]:
        """Changes whenever a write to the live archive commits: the file's inode (`pipeline
        build` replaces the file) and SQLite's data_version (another connection committed). Reads
        the WAL index in shared memory: microseconds, no disk."""
        with self._live_lock:
            inode = os.stat(self.archive_path).st_ino
            if self._live_conn is None or self._live_inode != inode:
                if self._live_conn is not None:
                    self._live_conn.close()
                self._live_conn = sqlite3.connect(f"{self.archive_path.resolve().as_uri()}?mode=ro",
                                                  uri=True, check_same_thread=False)
                self._live_inode = inode
            state = inode, self._live_conn.execute("pragma data_version").fetchone()[0]
            if state != self._live_state:
                row = self._live_conn.execute(
                    "select value from archive_info where key = 'version'").fetchone()
                self._live_state, self._live_version = state, row[0] if row else None
            return state

    def live_version(self) -> str | None:
        """The live archive's version now (read again only after a write committed)."""
        self.live_state()
        return self._live_version

    def refresh(self, force: bool = False) -> None:
        """Pick up snapshots published (or deleted) since the last scan."""
        now = time.monotonic()
        if not force and now - self._scanned < RESCAN_SECONDS:
            return
        with self._lock:
            self._scanned = now
            found = list_snapshots(self.archive_path)
            names = {s.name for s in found}
            for s in found:
                if s.name not in self.datasette.databases:
                    self.datasette.add_database(Database(self.datasette, path=str(s.path), is_mutable=False),
                                                name=s.name)
            for name in set(self.by_name) - names:
                if name in self.datasette.databases:
                    self.datasette.remove_database(name)
            if [s.name for s in found] != [s.name for s in self.snapshots]:
                self.generation += 1
            self.snapshots = found
            self.by_version = {s.version: s for s in found}
            self.by_name = {s.name: s for s in found}

    @property
    def latest(self) -> Snapshot | None:
        return self.snapshots[-1] if self.snapshots else None

    def metadata(self) -> dict[str, Any]:
        """Each snapshot database gets the live archive's metadata. Fresh outer dicts every time:
        Datasette merges metadata sources into the first one it is given."""
        live = ((self.datasette._metadata_local or {}).get("databases") or {}).get(self.live)
        if not live:
            return {}
        return {"databases": {name: live for name in self.by_name}}

    # --- which database a URL addresses, and the same page in another ---------------------------

    def database_of(self, path: str, args: dict[str, str]) -> str | None:
        """The archive database a request addresses: the first path segment (`/archive-V/...`,
        `/archive.json`), `?db=` on the plugin's pages, None for other pages (`/`, `/-/...`)."""
        segment = path.split("/", 2)[1] if path.count("/") else ""
        if segment == "-":
            if path.startswith(DB_ARG_PAGES):
                return args.get("db") or self.live
            return None
        name = segment.split(".", 1)[0] if "." in segment else segment
        name = urllib.parse.unquote(name)
        if name == self.live or name in self.by_name:
            return name
        return None

    def same_page_in(self, path: str, query: list[tuple[str, str]], name: str) -> str:
        """`path?query` moved to the database `name`, without `_version` (the name says it)."""
        query = [(k, v) for k, v in query if k not in ("_version", "db")]
        current = self.database_of(path, dict(query))
        if path.startswith(DB_ARG_PAGES):
            query.append(("db", name))
        elif current is not None:
            segment = path.split("/", 2)[1]
            path = "/" + urllib.parse.quote(name) + segment[len(urllib.parse.quote(current)):] + path[1 + len(segment):]
        else:
            path = "/" + urllib.parse.quote(name)
        return path + ("?" + urllib.parse.urlencode(query) if query else "")


def registry(datasette) -> Registry | None:
    return getattr(datasette, "_pipeline_snapshots", None)


def install(datasette, live: str, archive_path: Path, cache_bytes: int) -> Registry:
    reg = Registry(datasette, live, archive_path, cache_bytes)
    datasette._pipeline_snapshots = reg
    reg.refresh(force=True)
    return reg
