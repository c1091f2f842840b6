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
from collections.abc import Iterable, Iterator
from pathlib import Path

from sqlite_utils import Database

from .. import __version__
from ..model import Document
from . import schema
from .fts import TOKENIZER, load_extension
from .rows import Rows, rows_for
from .search import SEARCH_DOCUMENTS_SQL, SEARCH_PAGES_SQL, search_params

BUSY_TIMEOUT_MS = 30_000


def open_database(path: str | os.PathLike[str], wal: bool = True) -> Database:
    """A sqlite-utils Database on `path` with `ja_bigram` loaded and the archive's pragmas."""
    db = Database(path)
    load_extension(db)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    if wal:
        db.enable_wal()
    return db


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


def content_version(db: Database) -> str:
    """A hash of the archive's content: documents (id, sha256, text) and every entity row, in id
    order. It changes exactly when what a citation could point at changes."""
    digest = hashlib.sha256()
    for row in db.execute("select id, sha256, text from documents order by id"):
        digest.update(json.dumps(row, ensure_ascii=False).encode())
        digest.update(b"\n")
    digest.update(b"entities\n")
    for row in db.execute("select * from entities order by id"):
        digest.update(json.dumps(row, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:16]


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

    # --- writing -------------------------------------------------------------------------------

    def add(self, docs: list[Document]) -> None:
        """Add documents, replacing any rows with the same ids (pages, entities, tables, the
        full-text index), all in one transaction: either every document lands or none."""
        rows = rows_for(docs)  # built before taking the lock; bad input fails here
        with write_transaction(self.db):
            self._delete([d["id"] for d in rows.documents])
            self._insert(rows)
            self._set_info()

    def remove(self, ids: Iterable[str]) -> int:
        """Remove documents and everything derived from them; returns how many existed."""
        ids = sorted(set(ids))
        with write_transaction(self.db):
            n = self._delete(ids)
            self._set_info()
        return n

    def rebuild(self, docs: Iterable[Document]) -> None:
        """Replace the whole archive with `docs`, deterministically: the database is built beside
        the old one (`<path>.tmp`) and renamed over it, so readers see the old archive or the new
        one, never a mix. Not to be run while other processes write to the archive."""
        rows = rows_for(list(docs))
        tmp = self.path.with_name(self.path.name + ".tmp")
        _unlink_database(tmp)
        try:
            new = open_database(tmp, wal=False)
            try:
                with write_transaction(new):
                    schema.create(new)
                    _insert_rows(new, rows)
                    _write_info(new)
                # Rewrite the file compactly, without the freed pages left by the randomly named
                # tables sqlite-utils creates and drops to probe SQLite's features (upsert):
                # equal content then gives equal bytes.
                new.vacuum()
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
            _unlink_database(tmp)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- internals -----------------------------------------------------------------------------

    def _ensure_schema(self) -> None:
        if "archive_info" in self.db.table_names():
            return
        with write_transaction(self.db):
            # Checked again under the lock: another process may have just created it.
            if "archive_info" not in self.db.table_names():
                schema.create(self.db)
                _write_info(self.db)

    def _delete(self, ids: list[str]) -> int:
        if not ids:
            return 0
        n = 0
        for chunk in _chunks(ids, 500):
            marks = ", ".join("?" * len(chunk))
            for table in schema.DOCUMENT_TABLES:
                column = "id" if table == "documents" else "document_id"
                cursor = self.db.execute(f"delete from [{table}] where [{column}] in ({marks})", chunk)
            n += cursor.rowcount  # the last table deleted from is documents
        return n

    def _insert(self, rows: Rows) -> None:
        _insert_rows(self.db, rows)

    def _set_info(self) -> None:
        _write_info(self.db)


def _insert_rows(db: Database, rows: Rows) -> None:
    for table in reversed(schema.DOCUMENT_TABLES):  # parents first
        records = getattr(rows, table)
        if records:
            db[table].insert_all(records, batch_size=200)


def _write_info(db: Database) -> None:
    info = {
        "version": content_version(db),
        "schema_version": schema.SCHEMA_VERSION,
        "tokenizer": TOKENIZER,
        "built_with": f"pipeline {__version__}",
    }
    db["archive_info"].upsert_all(
        [{"key": k, "value": v} for k, v in sorted(info.items())], pk="key"
    )


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _unlink_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
