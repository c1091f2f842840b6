"""The archive: one SQLite database holding documents, pages, entities, tables and their
full-text indexes.

    from pipeline.load.database import Archive

    with Archive("archive.db") as archive:
        if not archive.known(sha256):
            archive.add(documents)          # one transaction
        print(archive.version())            # content hash, for citations

Writers may run in several processes at once: the database is in WAL mode, every write is one
`BEGIN IMMEDIATE` transaction (so writers queue instead of failing half-way) and waits up to
30 s for the lock.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from sqlite_utils import Database
from sqlite_utils.db import jsonify_if_needed
from sqlite_utils.utils import sqlite3

from .. import __version__
from ..model import Document
from . import related, schema, terms
from .fts import TOKENIZER, folding_digest, load_extension
from .rows import Rows, rows_for
from .search import SEARCH_DOCUMENTS_SQL, SEARCH_PAGES_SQL, search_params

BUSY_TIMEOUT_MS = 30_000
# 64 MiB of page cache (SQLite's default: 2 MiB), for a rebuild's inserts into the entities'
# indexes, which arrive in no order.
CACHE_KIB = 65_536
# Read pages straight from the OS's file cache instead of copying each into SQLite's. SQLite maps
# at most the file's size and caps this at its own limit.
MMAP_SIZE = 1 << 40
REBUILD_CHUNK = 500  # documents turned into rows at a time by `rebuild`


def open_database(path: str | os.PathLike[str], wal: bool = True) -> Database:
    """A sqlite-utils Database on `path` with `ja_bigram` loaded and the archive's pragmas."""
    db = Database(path)
    load_extension(db)
    # Takes effect only on a new, empty file, so it comes before WAL mode writes the header.
    db.execute(f"PRAGMA page_size = {schema.PAGE_SIZE}")
    db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    db.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if wal:
        _retry_while_locked(db.enable_wal)
    return db


def _retry_while_locked(operation) -> None:
    """Switching to WAL needs an exclusive lock and SQLite does not call the busy handler for it:
    when two processes open a new archive at the same moment, one gets "database is locked" at
    once. Wait for the other as busy_timeout would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            operation()
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """`BEGIN IMMEDIATE` ... `COMMIT`, rolled back on any exception. Taking the write lock up front
    means a concurrent writer waits (busy_timeout) instead of failing at its first write."""
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


# --- the content version -----------------------------------------------------------------------
#
# Each document has a digest: SHA-256 over its (id, sha256, text) and its entity rows in id order.
# The archive's content hash combines the digests by addition modulo 2**256 (an incremental
# multiset hash): the same documents give the same sum whatever order they were added in, and
# adding or removing a document adds or subtracts its digest, so a write costs the same in an
# archive of ten documents or of 100,000. `archive_info` keeps the sum (`content_sum`) beside the
# version derived from it.

_MODULUS = 1 << 256


def document_digest(document: Sequence, entities: Iterable[Sequence]) -> int:
    """The digest of one document: its `(id, sha256, text)` and its `entities` rows (every column,
    in id order)."""
    digest = hashlib.sha256()
    for row in (document, *entities):
        digest.update(json.dumps(list(row), ensure_ascii=False).encode())
        digest.update(b"\n")
    return int.from_bytes(digest.digest(), "big")


def version_of(content_sum: int) -> str:
    """The version (16 hex digits) for a sum of document digests."""
    return hashlib.sha256(f"{content_sum % _MODULUS:064x}".encode()).hexdigest()[:16]


def content_sum(db: Database) -> int:
    """The sum of every document's digest, computed from the rows (one pass, in id order)."""
    docs = db.execute("select id, sha256, text from documents order by id")
    entities = db.execute("select document_id, * from entities order by document_id, id")
    pending = next(entities, None)
    total = 0
    for doc in docs:
        rows = []
        while pending is not None and pending[0] <= doc[0]:
            if pending[0] == doc[0]:
                rows.append(pending[1:])
            pending = next(entities, None)
        total += document_digest(doc, rows)
    return total % _MODULUS


def content_version(db: Database) -> str:
    """The archive's content hash computed from scratch: what `archive_info.version` holds after
    every write. It changes exactly when what a citation could point at (a document's text, its
    entities) changes."""
    return version_of(content_sum(db))


def _digests(db: Database, ids: list[str]) -> int:
    """The sum of the digests of those of `ids` that are in the archive."""
    total = 0
    for chunk in _chunks(sorted(ids), 500):
        marks = ", ".join("?" * len(chunk))
        entities: dict[str, list] = {}
        for row in db.execute(f"select document_id, * from entities where document_id in ({marks})"
                              " order by document_id, id", chunk):
            entities.setdefault(row[0], []).append(row[1:])
        for doc in db.execute(f"select id, sha256, text from documents where id in ({marks})", chunk):
            total += document_digest(doc, entities.get(doc[0], []))
    return total


class Archive:
    """Opens (creating if needed) the archive database at `path`."""

    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self.db = open_database(self.path)
        self._ensure_schema()

    # --- reading -------------------------------------------------------------------------------

    def known(self, sha256: str) -> list[str]:
        """Ids of the documents already ingested from the file with this sha256."""
        return [r[0] for r in self.db.execute(
            "select id from documents where sha256 = ? order by id", [sha256])]

    def version(self) -> str:
        """The archive's content hash (see `content_version`), as stored by the last write."""
        row = self.db.execute("select value from archive_info where key = 'version'").fetchone()
        return row[0] if row else content_version(self.db)

    def search(self, q: str, limit: int = 20, pages: bool = False) -> list[dict]:
        """Documents (or pages) matching `q`, best first; `snippet` marks matches with
        `search.MARK_START` / `MARK_END`."""
        sql = SEARCH_PAGES_SQL if pages else SEARCH_DOCUMENTS_SQL
        params = search_params(q, limit=limit)
        if not params["query"]:
            return []
        return [dict(r) for r in self.db.query(sql, params)]

    def files(self, status: str | None = None) -> list[dict]:
        """Manifest rows (see `schema.FILES`), all or those with `status`, by path."""
        where, params = ("where status = ?", [status]) if status else ("", [])
        return [dict(r) for r in self.db.query(f"select * from files {where} order by path", params)]

    def file_counts(self) -> dict[str, int]:
        """How many files of the manifest have each status."""
        counts = dict.fromkeys(schema.FILE_STATUSES, 0)
        for status, n in self.db.execute("select status, count(*) from files group by status"):
            counts[status] = n
        return counts

    def pages_of(self, sha256: str) -> int | None:
        """Pages of the source file with this sha256, from its documents."""
        return self.db.execute("select max(page_end) from documents where sha256 = ?",
                               [sha256]).fetchone()[0]

    # --- writing -------------------------------------------------------------------------------

    def add(self, docs: list[Document], *, remove: Iterable[str] = (),
            files: list[dict] = ()) -> None:
        """Add documents, replacing any rows with the same ids (pages, entities, tables, the
        full-text index), all in one transaction: either every document lands or none. In the
        same transaction, the documents `remove` (ids) go, and `files`, manifest rows
        (`schema.FILES`: the source file's, and any others waiting), are recorded."""
        rows = rows_for(docs)  # built before taking the lock; bad input fails here
        ids = [d["id"] for d in rows.documents]
        gone = sorted(set(remove) - set(ids))
        with write_transaction(self.db):
            total = self._stored_sum() - _digests(self.db, ids + gone)  # those being replaced
            self._delete(ids + gone)
            _insert_rows(self.db, rows)
            terms.store(self.db, docs)
            texts: dict[str, related.Text] = {}  # each text squeezed and hashed once
            related.index(self.db, rows.documents, rows.pages, texts)
            related.link(self.db, ids, texts)
            _write_info(self.db, total + _digests(self.db, ids))
            if files:
                _record_files(self.db, list(files))

    def remove(self, ids: Iterable[str]) -> int:
        """Remove documents and everything derived from them; returns how many existed."""
        ids = sorted(set(ids))
        with write_transaction(self.db):
            total = self._stored_sum() - _digests(self.db, ids)
            n = self._delete(ids)
            _write_info(self.db, total)
        return n

    def record_files(self, files: list[dict]) -> None:
        """Record manifest rows (`schema.FILES`) for files whose documents did not change (unchanged
        or failed), in one transaction. A path's first_seen is kept; for an unchanged file, the
        pages, seconds and version of the reading that added it are kept too."""
        if files:
            with write_transaction(self.db):
                _record_files(self.db, files)

    def rebuild(self, docs: Iterable[Document], *, link_copies: bool = True) -> None:
        """Replace the whole archive with `docs`, deterministically: the same documents, in any
        order, give the same bytes. `docs` is read once, `REBUILD_CHUNK` documents at a time, so
        it may be a generator over more documents than fit in memory. `link_copies=False` leaves
        `related` empty (every has_copies 0): for benchmarks of what does not read it.

        The rows go first to a scratch database (`<path>.staging`) in the order they come, then
        into a new database (`<path>.build`) in archive order (`schema.ARCHIVE_ORDER`), which is
        compacted into `<path>.tmp` and renamed over the archive: readers see the old archive or
        the new one, never a mix.
        Not to be run while other processes write to the archive."""
        build, staging, tmp = (self.path.with_name(f"{self.path.name}.{suffix}")
                               for suffix in ("build", "staging", "tmp"))
        for path in (build, staging, tmp):
            _unlink_database(path)
        try:
            new = open_database(build, wal=False)
            try:
                # A scratch file: written once, thrown away if anything fails. Read through the
                # page cache: the whole file is read, and mapped pages would count as the
                # process's memory.
                new.execute("PRAGMA journal_mode = MEMORY")
                new.execute("PRAGMA synchronous = OFF")
                new.execute("PRAGMA mmap_size = 0")
                new.execute("ATTACH DATABASE ? AS staging", [str(staging)])
                new.execute("PRAGMA staging.journal_mode = OFF")
                new.execute("PRAGMA staging.synchronous = OFF")
                with write_transaction(new):
                    schema.create_staging(new, "staging")
                    terms.create(new, "staging")
                    _stage(new, docs)
                with write_transaction(new):
                    schema.create(new, full_text=False)
                    _copy_staged(new)
                    new.execute(f"insert into main.[{terms.TABLE}] select * from staging.[{terms.TABLE}]"
                                " order by group_id, term")
                    # Before the full-text index: no trigger to fire as has_copies is set.
                    if link_copies:
                        _link_all(new)
                    schema.create_full_text(new)
                    # One segment per full-text index: a bulk load leaves many, and merging them
                    # would fall on the next writes (an add dirtying 135 pages instead of 50).
                    for fts in ("documents_fts", "pages_fts"):
                        new.execute(f"insert into [{fts}] ([{fts}]) values ('optimize')")
                    _write_info(new, content_sum(new))
                    # The manifest is history, not content: it survives a rebuild.
                    _record_files(new, self.files())
                new.execute("DETACH DATABASE staging")
                _unlink_database(staging)  # before the copy below: less disk at the peak
                # A compact copy, without the freed pages left by the randomly named tables
                # sqlite-utils creates and drops to probe SQLite's features: equal content then
                # gives equal bytes. VACUUM INTO writes the file directly (a plain VACUUM would
                # build the copy in memory: this SQLite keeps temporary databases there). With
                # a large page cache it holds the copy's pages there instead: use the default.
                new.execute("PRAGMA cache_size = -2000")
                new.execute("VACUUM INTO ?", [str(tmp)])
            finally:
                new.close()
            # Fold the old database's WAL into it and close it, so that no stale -wal file can
            # be replayed onto the new one.
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.close()
            try:
                os.replace(tmp, self.path)
            finally:
                self.db = open_database(self.path)
        finally:
            for path in (build, staging, tmp):
                _unlink_database(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        if "archive_info" in self.db.table_names():
            if self._info("schema_version") != schema.SCHEMA_VERSION:
                self._upgrade()
            if self._info("tokenizer_folding") != folding_digest():
                self._reindex()
            if "files" not in self.db.table_names():  # an archive from before the manifest
                with write_transaction(self.db):
                    if "files" not in self.db.table_names():
                        schema.create_files(self.db)
            return
        with write_transaction(self.db):
            # Checked again under the lock: another process may have just created it.
            if "archive_info" not in self.db.table_names():
                schema.create(self.db)
                _write_info(self.db, 0)

    def _upgrade(self) -> None:
        """Bring an archive written by an earlier schema version up to this one: the new columns
        (empty until `pipeline build` refills them), the new indexes and the stored content sum
        (the page size stays; `pipeline build` renews it)."""
        with write_transaction(self.db):
            if self._info("schema_version") == schema.SCHEMA_VERSION:
                return  # another process just did
            schema.add_missing_columns(self.db)
            schema.create_indexes(self.db, if_not_exists=True)
            terms.create(self.db)
            if "documents_fts" in self.db.table_names():
                schema.narrow_fts_triggers(self.db)
            if not related.current(self.db):  # missing, or keyed by an older hash: link again
                related.reset(self.db)
                self.db.execute("update documents set has_copies = 0")
                _link_all(self.db)
            _write_info(self.db, content_sum(self.db))

    def _reindex(self) -> None:
        """The tokenizer folds differently now (a new variant table): index the texts again, or
        queries folded the new way would miss documents indexed the old way."""
        with write_transaction(self.db):
            if self._info("tokenizer_folding") == folding_digest():
                return  # another process just did
            for fts in ("documents_fts", "pages_fts"):
                self.db.execute(f"insert into [{fts}] ([{fts}]) values ('rebuild')")
            _write_info(self.db, self._stored_sum())

    def _info(self, key: str) -> str | None:
        row = self.db.execute("select value from archive_info where key = ?", [key]).fetchone()
        return row[0] if row else None

    def _stored_sum(self) -> int:
        stored = self._info("content_sum")
        return int(stored, 16) if stored else content_sum(self.db)

    def _delete(self, ids: list[str]) -> int:
        if not ids:
            return 0
        n = 0
        related.forget(self.db, ids)
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            for table in schema.DOCUMENT_TABLES:
                column = "id" if table == "documents" else "document_id"
                cursor = self.db.execute(f"delete from [{table}] where [{column}] in ({marks})", chunk)
            n += cursor.rowcount  # the last table deleted from is documents
        return n


def _insert_rows(db: Database, rows: Rows, into: str = "main") -> None:
    """Insert `rows` into the document tables of the database `into` (main, or an attached
    one), parents first. Values are bound as sqlite-utils binds them."""
    for table in reversed(schema.DOCUMENT_TABLES):
        records = getattr(rows, table)
        if not records:
            continue
        columns = list(schema.COLUMNS[table][0])
        sql = (f"insert into [{into}].[{table}] ({', '.join(f'[{c}]' for c in columns)}) "
               f"values ({', '.join('?' * len(columns))})")
        db.conn.executemany(sql, ([jsonify_if_needed(r.get(c)) for c in columns] for r in records))


def _link_all(db: Database) -> None:
    """Index every document for near-duplicate search, then link each to its copies."""
    for chunk in _batched(db.execute("select id, text from documents order by rowid"), REBUILD_CHUNK):
        docs = [{"id": i, "text": t} for i, t in chunk]
        chunk_ids = [d["id"] for d in docs]
        marks = ", ".join("?" * len(chunk_ids))
        pages = [{"document_id": d, "page": p, "text": t} for d, p, t in db.execute(
            f"select document_id, page, text from pages where document_id in ({marks})", chunk_ids)]
        related.index(db, docs, pages)
    related.link_all(db)


def _stage(db: Database, docs: Iterable[Document]) -> None:
    """Rows of `docs`, a chunk at a time, into the staging tables."""
    seen: set[str] = set()
    for chunk in _batched(docs, REBUILD_CHUNK):
        rows = rows_for(chunk)
        for doc in rows.documents:
            if doc["id"] in seen:
                raise ValueError(f"document {doc['id']} given twice")
            seen.add(doc["id"])
        _insert_rows(db, rows, into="staging")
        terms.store(db, chunk, schema="staging")


def _copy_staged(db: Database) -> None:
    """The staged rows into the archive's tables (parents first) in `schema.ARCHIVE_ORDER`."""
    for table in reversed(schema.DOCUMENT_TABLES):
        names = ", ".join(f"[{c}]" for c in schema.COLUMNS[table][0])
        db.execute(f"insert into main.[{table}] ({names}) "
                   + schema.select_in_archive_order(table, "staging"))


_RECORD_FILE_SQL = """
insert into files (path, sha256, status, error, pages, documents, seconds, pipeline_version,
                   first_seen, last_seen)
values (:path, :sha256, :status, :error, :pages, :documents, :seconds, :pipeline_version,
        :first_seen, :last_seen)
on conflict (path) do update set
  sha256 = excluded.sha256, status = excluded.status, error = excluded.error,
  documents = excluded.documents, last_seen = excluded.last_seen,
  pages = coalesce(excluded.pages, iif(files.sha256 = excluded.sha256, files.pages, null)),
  seconds = coalesce(excluded.seconds, iif(files.sha256 = excluded.sha256, files.seconds, null)),
  pipeline_version = coalesce(excluded.pipeline_version,
                              iif(files.sha256 = excluded.sha256, files.pipeline_version, null))
"""


def _record_files(db: Database, files: list[dict]) -> None:
    rows = [{**dict.fromkeys(schema.FILES), **f} for f in files]
    for row in rows:
        row["first_seen"] = row["first_seen"] or row["last_seen"]
    db.conn.executemany(_RECORD_FILE_SQL, rows)


def _write_info(db: Database, total: int) -> None:
    total %= _MODULUS
    info = {
        "version": version_of(total),
        "content_sum": f"{total:064x}",
        "schema_version": schema.SCHEMA_VERSION,
        "tokenizer": TOKENIZER,
        "tokenizer_folding": folding_digest(),
        "built_with": f"pipeline {__version__}",
    }
    db["archive_info"].upsert_all(
        [{"key": k, "value": v} for k, v in sorted(info.items())], pk="key"
    )


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _unlink_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
