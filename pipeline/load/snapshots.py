"""Published snapshots: frozen copies of the archive that citations point at.

    from pipeline.load.snapshots import publish, list_snapshots

    snapshot, created = publish("archive.db")   # archive-<version>.db beside it
    [s.version for s in list_snapshots("archive.db")]

The live archive keeps changing as documents are ingested; a citation must keep its answer. A
snapshot is a copy of the archive as it is at one moment, named after its content version
(`archive_info.version`, see `database.version_of`): `<stem>-<version>.db` in the archive's folder,
which Datasette serves as the database `<stem>-<version>`. It is made with SQLite's online backup
(one step: a consistent copy even while an ingest commits) into a hidden temporary file, which
gets its own records, is fsynced and atomically renamed: a snapshot file is whole or absent.
Publishing an archive whose version is already published makes no new file.

The folder is the registry: each snapshot describes itself, so nothing else has to be kept in
step with the files (and `pipeline build`, which replaces the live archive's file, loses nothing):
  - `snapshot_info` (key/value): `version`, `published_at` (UTC, ISO 8601), `previous` (the
    version published before it, or empty), `documents`, `added`, `changed`, `removed`;
  - `snapshot_changes` (`document_id`, `change`): documents added, changed or removed since the
    previous snapshot;
  - `snapshot_digests` (`document_id`, `digest`): every document's digest
    (`database.document_digest`: its text and entities), compared by the next publish to tell
    changed documents from unchanged ones.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiveError
from .database import document_digests

SNAPSHOT_TABLES = ("snapshot_info", "snapshot_changes", "snapshot_digests")
CHANGES = ("added", "changed", "removed")
_VERSION = r"[0-9a-f]{16}"


@dataclass(frozen=True)
class Snapshot:
    path: Path
    version: str
    published_at: str  # UTC, 2026-12-03T16:20:00Z
    previous: str | None
    documents: int
    added: int
    changed: int
    removed: int

    @property
    def name(self) -> str:
        """The database name Datasette serves it under (the file's stem)."""
        return self.path.stem

    @property
    def date(self) -> str:
        return self.published_at[:10]


def snapshot_path(db_path: str | os.PathLike[str], version: str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(f"{db_path.stem}-{version}.db")


def snapshot_name_pattern(stem: str) -> re.Pattern[str]:
    """Matches a snapshot's database name (`<stem>-<version>`), the version as group 1."""
    return re.compile(rf"^{re.escape(stem)}-({_VERSION})$")


def connect_immutable(path: str | os.PathLike[str]) -> sqlite3.Connection:
    """A read-only connection to a file that never changes (no locks, no journal)."""
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True,
                           check_same_thread=False)


def read_snapshot(path: str | os.PathLike[str]) -> Snapshot:
    path = Path(path)
    conn = connect_immutable(path)
    try:
        info = dict(conn.execute("select key, value from snapshot_info"))
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path}: not a published snapshot ({exc})") from None
    finally:
        conn.close()
    return Snapshot(path=path, version=info["version"], published_at=info["published_at"],
                    previous=info.get("previous") or None,
                    **{k: int(info[k]) for k in ("documents", *CHANGES)})


_cache: dict[tuple[str, int, int], Snapshot] = {}
_cache_lock = threading.Lock()


def list_snapshots(db_path: str | os.PathLike[str]) -> list[Snapshot]:
    """The archive's published snapshots, oldest first. Files are read once (cached by path, size
    and mtime: snapshots never change), so listing again costs a directory scan."""
    db_path = Path(db_path)
    pattern = snapshot_name_pattern(db_path.stem)
    found = []
    folder = db_path.resolve().parent
    for entry in os.scandir(folder):
        if not (entry.name.endswith(".db") and pattern.match(entry.name[:-3])):
            continue
        stat = entry.stat()
        key = (entry.path, stat.st_size, stat.st_mtime_ns)
        with _cache_lock:
            snapshot = _cache.get(key)
        if snapshot is None:
            try:
                snapshot = read_snapshot(entry.path)
            except (ArchiveError, KeyError):
                continue  # a stray file with a snapshot's name: not ours
            with _cache_lock:
                _cache[key] = snapshot
        found.append(snapshot)
    return sorted(found, key=lambda s: (s.published_at, s.version))


def _utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(db_path: str | os.PathLike[str], now: Callable[[], str] = _utc_now) -> tuple[Snapshot, bool]:
    """Freeze the archive at `db_path` into `<stem>-<version>.db` beside it. Returns the snapshot
    and whether it is new (False: that version was already published; nothing was written)."""
    db_path = Path(db_path)
    if not db_path.is_file():
        raise ArchiveError(f"{db_path}: no such archive")
    try:
        source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        version = _version(source, db_path)
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{db_path}: cannot read the archive ({exc})") from None
    target = snapshot_path(db_path, version)
    if target.is_file():
        source.close()
        return read_snapshot(target), False

    tmp = db_path.with_name(f".{db_path.stem}-publish-{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(tmp.resolve().as_uri(), uri=True)  # uri: to attach the previous one
        try:
            # One step (pages=-1): the copy is one consistent read of the archive, even if an
            # ingest commits meanwhile (it is then of the version before or after that commit).
            source.backup(copy)
            source.close()
            version = _version(copy, db_path)  # what the copy holds
            target = snapshot_path(db_path, version)
            copy.execute("PRAGMA journal_mode = DELETE")  # a single file, readable immutable
            copy.execute("PRAGMA synchronous = OFF")  # one fsync below, after the last write
            previous = next((s for s in reversed(list_snapshots(db_path)) if s.version != version), None)
            snapshot = _record(copy, tmp, version, previous, now())
        finally:
            copy.close()
        if target.is_file():  # published meanwhile by another process
            return read_snapshot(target), False
        _fsync(tmp)
        os.replace(tmp, target)
        _fsync(target.parent)
    finally:
        tmp.unlink(missing_ok=True)
        for suffix in ("-journal", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    return Snapshot(**{**snapshot.__dict__, "path": target}), True


def _version(conn: sqlite3.Connection, db_path: Path) -> str:
    try:
        row = conn.execute("select value from archive_info where key = 'version'").fetchone()
    except sqlite3.OperationalError:
        row = None
    if not row:
        raise ArchiveError(f"{db_path}: not an archive (no archive_info version)")
    return row[0]


_DIFF = (
    """insert into main.snapshot_changes
       select document_id, 'added' from main.snapshot_digests
       where document_id not in (select document_id from previous.snapshot_digests)""",
    """insert into main.snapshot_changes
       select document_id, 'removed' from previous.snapshot_digests
       where document_id not in (select document_id from main.snapshot_digests)""",
    """insert into main.snapshot_changes
       select now.document_id, 'changed'
       from main.snapshot_digests now join previous.snapshot_digests before
         on before.document_id = now.document_id
       where now.digest != before.digest""",
)


def _record(conn: sqlite3.Connection, path: Path, version: str, previous: Snapshot | None,
            published_at: str) -> Snapshot:
    """Write the snapshot's own tables into the copy `conn` (at `path`) and return its record."""
    if previous is not None:  # outside any transaction, as SQLite requires
        conn.execute("attach database ? as previous",
                     [f"{previous.path.resolve().as_uri()}?mode=ro&immutable=1"])
    with conn:
        for table in SNAPSHOT_TABLES:  # a snapshot of an archive that was itself a snapshot
            conn.execute(f"drop table if exists main.[{table}]")
        conn.execute("create table main.snapshot_info (key text primary key, value text)")
        conn.execute("create table main.snapshot_digests (document_id text primary key, digest text not null)"
                     " without rowid")
        conn.execute("create table main.snapshot_changes (document_id text not null, change text not null,"
                     " primary key (document_id)) without rowid")
        conn.executemany("insert into main.snapshot_digests values (?, ?)",
                         ((doc_id, f"{digest:064x}") for doc_id, digest in document_digests(conn)))
        if previous is None:
            conn.execute("insert into main.snapshot_changes select document_id, 'added' from main.snapshot_digests")
        else:
            for sql in _DIFF:
                conn.execute(sql)
        counts = dict(conn.execute("select change, count(*) from main.snapshot_changes group by change"))
        documents = conn.execute("select count(*) from main.documents").fetchone()[0]
        info = {"version": version, "published_at": published_at,
                "previous": previous.version if previous else "", "documents": documents,
                **{c: counts.get(c, 0) for c in CHANGES}}
        conn.executemany("insert into main.snapshot_info values (?, ?)",
                         [(k, str(v)) for k, v in info.items()])
    if previous is not None:
        conn.execute("detach database previous")
    return Snapshot(path=path, version=version, published_at=published_at,
                    previous=previous.version if previous else None, documents=documents,
                    **{c: counts.get(c, 0) for c in CHANGES})
