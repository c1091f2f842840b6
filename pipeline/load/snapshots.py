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
    version published before it, or empty), `documents`, `added`, `changed`, `removed`, and where
    the change log stood (`log_id`, `log_seq`);
  - `snapshot_changes` (`document_id`, `change`): documents added, changed or removed since the
    previous snapshot.

Which documents changed: those whose id is in both snapshots and whose digest
(`database.document_digest`: text and entities) differs. Computing every digest takes ~45 s at
100,000 documents, far more than the copy, so the first publish installs a change log in the live
archive: `snapshot_log` (`seq`, `document_id`), filled by triggers on `documents` (`Archive` writes
a document's entities only together with it), and `archive_info.snapshot_log` naming the log.
Only documents logged since the previous snapshot (its `log_seq`, same `log_id`) are compared; an
archive replaced since (`pipeline build` writes a new file, with a new log) is compared whole.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils.utils import sqlite3  # pysqlite3 where installed, as the rest of load/ and Datasette

from ..errors import ArchiveError
from .database import document_digest

SNAPSHOT_TABLES = ("snapshot_info", "snapshot_changes")
LOG_INFO_KEY = "snapshot_log"  # archive_info key: the identity of the change log
LOG_SCHEMA = (
    "create table if not exists snapshot_log"
    " (seq integer primary key autoincrement, document_id text not null)",
    *(f"create trigger if not exists snapshot_log_{event} after {event} on documents begin"
      f" insert into snapshot_log (document_id) values ({row}.id); end"
      for event, row in (("insert", "new"), ("delete", "old"), ("update", "old"))),
)
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
    log_id: str = ""  # where the live archive's change log stood when it was copied
    log_seq: int = 0

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
                    previous=info.get("previous") or None, log_id=info.get("log_id", ""),
                    log_seq=int(info.get("log_seq") or 0),
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

    source.close()
    _install_log(db_path)
    source = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
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


def _install_log(db_path: Path) -> None:
    """The change log in the live archive (see the module's docstring), created once."""
    conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        if conn.execute("select 1 from archive_info where key = ?", [LOG_INFO_KEY]).fetchone():
            return
        conn.execute("begin immediate")  # waits for an ingest's transaction
        try:
            if not conn.execute("select 1 from archive_info where key = ?", [LOG_INFO_KEY]).fetchone():
                for sql in LOG_SCHEMA:
                    conn.execute(sql)
                conn.execute("insert into archive_info (key, value) values (?, ?)",
                             [LOG_INFO_KEY, uuid.uuid4().hex])
            conn.execute("commit")
        except BaseException:
            conn.execute("rollback")
            raise
    except sqlite3.OperationalError:
        pass  # a read-only archive: every publish compares the whole archive
    finally:
        conn.close()


def _log_position(conn: sqlite3.Connection) -> tuple[str, int]:
    row = conn.execute("select value from main.archive_info where key = ?", [LOG_INFO_KEY]).fetchone()
    if not row:
        return "", 0
    return row[0], conn.execute("select coalesce(max(seq), 0) from main.snapshot_log").fetchone()[0]


def _digests(conn: sqlite3.Connection, schema: str, ids: list[str]) -> dict[str, int]:
    """The digests of those of `ids` in the database `schema` (main or previous)."""
    found: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        entities: dict[str, list] = {}
        for row in conn.execute(f"select document_id, * from {schema}.entities"
                                f" where document_id in ({marks}) order by document_id, id", chunk):
            entities.setdefault(row[0], []).append(row[1:])
        for doc in conn.execute(f"select id, sha256, text from {schema}.documents where id in ({marks})", chunk):
            found[doc[0]] = document_digest(doc, entities.get(doc[0], []))
    return found


def _changes(conn: sqlite3.Connection, previous: Snapshot | None) -> list[tuple[str, str]]:
    """(document_id, change) since `previous` (attached as `previous`)."""
    if previous is None:
        return [(r[0], "added") for r in conn.execute("select id from main.documents order by id")]
    changes = [(r[0], "added") for r in conn.execute(
        "select id from main.documents where id not in (select id from previous.documents)")]
    changes += [(r[0], "removed") for r in conn.execute(
        "select id from previous.documents where id not in (select id from main.documents)")]
    log_id, _ = _log_position(conn)
    if log_id and log_id == previous.log_id:
        candidates = [r[0] for r in conn.execute(
            "select distinct document_id from main.snapshot_log where seq > ?", [previous.log_seq])]
    else:
        candidates = [r[0] for r in conn.execute("select id from main.documents")]
    both = [r[0] for r in conn.execute(
        "select id from main.documents where id in (select value from json_each(?))"
        " and id in (select id from previous.documents)", [json.dumps(candidates)])]
    now, before = _digests(conn, "main", both), _digests(conn, "previous", both)
    changes += [(i, "changed") for i in sorted(both) if now[i] != before[i]]
    return changes


def _record(conn: sqlite3.Connection, path: Path, version: str, previous: Snapshot | None,
            published_at: str) -> Snapshot:
    """Write the snapshot's own tables into the copy `conn` (at `path`) and return its record."""
    if previous is not None:  # outside any transaction, as SQLite requires
        conn.execute("attach database ? as previous",
                     [f"{previous.path.resolve().as_uri()}?mode=ro&immutable=1"])
    changes = _changes(conn, previous)
    log_id, log_seq = _log_position(conn)
    with conn:
        for table in SNAPSHOT_TABLES:  # a snapshot of an archive that was itself a snapshot
            conn.execute(f"drop table if exists main.[{table}]")
        conn.execute("create table main.snapshot_info (key text primary key, value text)")
        conn.execute("create table main.snapshot_changes (document_id text not null, change text not null,"
                     " primary key (document_id)) without rowid")
        conn.executemany("insert into main.snapshot_changes values (?, ?)", changes)
        counts = {c: sum(1 for _, x in changes if x == c) for c in CHANGES}
        documents = conn.execute("select count(*) from main.documents").fetchone()[0]
        info = {"version": version, "published_at": published_at,
                "previous": previous.version if previous else "", "documents": documents,
                **counts, "log_id": log_id, "log_seq": log_seq}
        conn.executemany("insert into main.snapshot_info values (?, ?)",
                         [(k, str(v)) for k, v in info.items()])
    if previous is not None:
        conn.execute("detach database previous")
    return Snapshot(path=path, version=version, published_at=published_at,
                    previous=previous.version if previous else None, documents=documents,
                    log_id=log_id, log_seq=log_seq, **counts)
