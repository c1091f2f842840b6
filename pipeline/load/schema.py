"""The archive's tables, created with sqlite-utils. `docs/schema.md` describes every column.

Column order and types are fixed here (not inferred from the first row inserted) so that the
same corpus always builds the same database.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlite_utils import Database

from . import related, terms
from .fts import TOKENIZER

SCHEMA_VERSION = "5"  # 3: entities.law_id, law_title (law_full_name gone); 4: doc_lsh, related, synonym_terms;
# 5: pages.budget_sections; doc_lsh keyed by one hash per band (numpy MinHash), linked again on
# opening; full-text update triggers only on the indexed columns
# Pages four times SQLite's default keep a document row (its text is ~4.5 KB on average) on its
# page instead of spilling into overflow pages, so a search that looks up most of 100,000 documents
# reads fewer pages (counting 80,000 hits: 38 -> 31 ms). Larger pages gain a little more there but
# make every write heavier: adding a document dirties ~50 pages in an archive of 100,000 (one per
# index its entities land in), 3.4 MB of WAL at 64 KiB, 1.3 MB at 16 KiB. Set before the first
# table is created; VACUUM keeps it.
PAGE_SIZE = 16_384
DATA_DIR = Path(__file__).resolve().parent.parent / "data"  # pipeline/data: shared reference tables

DOCUMENTS = {
    "id": str,
    "title": str,
    "kind": str,
    "issuer": str,
    "issued_on": str,
    "issued_year": int,
    "source": str,
    "source_path": str,
    "sha256": str,
    "page_start": int,
    "page_end": int,
    "page_count": int,
    "text": str,
    "entity_count": int,
    "municipalities": str,
    "laws": str,
    "has_copies": int,
}

PAGES = {
    "id": str,
    "document_id": str,
    "page": int,
    "source_page": int,
    "method": str,
    "confidence": float,
    "rotation": int,
    "vertical": int,
    "text": str,
    "start": int,
    "end": int,
    "budget_sections": str,
}

# Entity.attrs keys -> typed entities columns, per entity kind. Keys not listed here go to the
# `attrs` JSON column.
ATTR_COLUMNS: dict[str, dict[str, str]] = {
    "date": {"start": "date_start", "end": "date_end", "precision": "date_precision"},
    "money": {k: k for k in ("amount", "approximate", "bound", "vague")},
    "law_ref": {
        k: k
        for k in ("law", "law_id", "law_title", "law_number", "article", "paragraph", "item",
                  "appendix")
    },
    "municipality": {k: k for k in ("code", "prefecture", "name")},
    "prefecture": {k: k for k in ("code", "prefecture", "name")},
}

ENTITIES = {
    "id": str,
    "document_id": str,
    "page": int,
    "kind": str,
    "text": str,
    "value": str,
    "start": int,
    "end": int,
    # date
    "date_start": str,
    "date_end": str,
    "date_precision": str,
    # money
    "amount": int,
    "approximate": int,
    "bound": str,
    "vague": int,
    # law_ref
    "law": str,
    "law_id": str,
    "law_title": str,
    "law_number": str,
    "article": str,
    "paragraph": str,
    "item": str,
    "appendix": str,
    # municipality, prefecture
    "code": str,
    "prefecture": str,
    "name": str,
    # any other attrs, as a JSON object
    "attrs": str,
}

DOC_TABLES = {
    "id": str,
    "document_id": str,
    "page": int,
    "table_index": int,
    "n_rows": int,
    "n_cols": int,
    "header_rows": int,
    "header_cols": int,
    "bbox": str,
}

TABLE_CELLS = {
    "table_id": str,
    "document_id": str,
    "row": int,
    "col": int,
    "text": str,
    "row_header": str,
    "col_header": str,
}

MUNICIPALITIES = {
    "code": str,
    "prefecture": str,
    "prefecture_number": int,
    "name": str,
    "kana": str,
    "lat": float,
    "lng": float,
    "url": str,
}

PREFECTURES = {
    "code": str,
    "number": int,
    "name": str,
    "kana": str,
    "short_name": str,
    "name_en": str,
    "iso_code": str,
    "capital": str,
    "lat": float,
    "lng": float,
    "url": str,
}

# The manifest: one row per input file ever given to `pipeline ingest`, whatever became of it.
# Not part of the archive's content (documents and entities): it never changes the version.
FILES = {
    "path": str,  # absolute path the file was read from
    "sha256": str,
    "status": str,  # added, unchanged, failed (what the last ingest of this path did)
    "error": str,  # the one-line reason, when failed
    "pages": int,
    "documents": int,
    "seconds": float,  # time spent reading it (extract, OCR, analyze, load)
    "pipeline_version": str,  # of the pipeline that read it
    "first_seen": str,  # UTC, ISO 8601
    "last_seen": str,
}
FILE_STATUSES = ("added", "unchanged", "failed")

INDEXES = {
    # The default facets' columns (kind, issuer, issued_year) too: a facet value (?kind=通知) is
    # then an index lookup, not a scan of every document.
    "documents": [("sha256",), ("issued_on",), ("kind",), ("issuer",), ("issued_year",)],
    "pages": [("document_id",)],
    # (kind, date_start): the timeline in date order without sorting a million dates first
    # (3.7 s -> 8 ms at 100,000 documents).
    # law_id: the law a reference is to, however the text named it (the law facet).
    "entities": [
        ("kind", "value"), ("document_id",), ("code",), ("law_id",), ("kind", "date_start"),
    ],
    "doc_tables": [("document_id",)],
    "table_cells": [("document_id",), ("text",)],
}

# The tables `add` and `remove` write, children first (the order deletes must run in).
DOCUMENT_TABLES = ("table_cells", "doc_tables", "entities", "pages", "documents")

# Their columns and primary keys.
COLUMNS = {
    "documents": (DOCUMENTS, ("id",)),
    "pages": (PAGES, ("id",)),
    "entities": (ENTITIES, ("id",)),
    "doc_tables": (DOC_TABLES, ("id",)),
    "table_cells": (TABLE_CELLS, ("table_id", "row", "col")),
}
_SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "FLOAT"}  # as sqlite-utils declares them


def create_staging(db: Database, schema: str) -> None:
    """The document tables again in the attached database `schema`, as WITHOUT ROWID tables
    keyed like the real ones: `Archive.rebuild` writes rows there in whatever order they come and
    reads them back in key order."""
    for table, (columns, pk) in COLUMNS.items():
        cols = ", ".join(f"[{name}] {_SQL_TYPES[kind]}" for name, kind in columns.items())
        keys = ", ".join(f"[{name}]" for name in pk)
        db.execute(f"CREATE TABLE [{schema}].[{table}] ({cols}, PRIMARY KEY ({keys})) WITHOUT ROWID")
    # To read documents and their pages back in ARCHIVE_ORDER without sorting them.
    db.execute(f"CREATE INDEX [{schema}].[documents_by_date] ON [documents] ([issued_on], [id])")
    db.execute(f"CREATE INDEX [{schema}].[pages_by_document] ON [pages] ([document_id], [page])")
    db.execute(f"CREATE INDEX [{schema}].[entities_by_document] ON [entities]"
               " ([document_id], [start], [end], [kind])")


# The order a rebuild writes rows in, which gives them their rowids: documents by date of issue
# (undated first); their pages, page by page, and entities, in text order, in the same order of
# documents; other rows by key. (`add` writes a document's pages and entities in that order too.)
# Datasette lists documents, pages and entities in rowid order (datasette_metadata.json), which a
# search or filter matching many rows gets without sorting them. Each entry: the rows' alias and
# the FROM ... ORDER BY clause (CROSS JOIN keeps documents the outer loop).
ARCHIVE_ORDER = {
    "documents": ("d", "from [{schema}].[documents] d order by d.[issued_on], d.[id]"),
    "pages": ("p", "from [{schema}].[documents] d cross join [{schema}].[pages] p"
                   " on p.[document_id] = d.[id] order by d.[issued_on], d.[id], p.[page]"),
    "entities": ("e", "from [{schema}].[documents] d cross join [{schema}].[entities] e"
                      " on e.[document_id] = d.[id]"
                      " order by d.[issued_on], d.[id], e.[start], e.[end], e.[kind]"),
}


def select_in_archive_order(table: str, schema: str) -> str:
    """A SELECT of `table`'s columns from the staging tables in `schema`, in ARCHIVE_ORDER."""
    columns, pk = COLUMNS[table]
    by_key = ", ".join(f"t.[{c}]" for c in pk)
    alias, source = ARCHIVE_ORDER.get(table, ("t", f"from [{{schema}}].[{table}] t order by {by_key}"))
    return f"select {', '.join(f'{alias}.[{c}]' for c in columns)} " + source.format(schema=schema)


def create(db: Database, full_text: bool = True) -> None:
    """Create every table, index, full-text index and reference table. The caller holds the
    write transaction; `ja_bigram` must be loaded. With `full_text=False` the full-text indexes
    are left for `create_full_text` to add once the rows are in: SQLite buffers the whole of an
    INSERT ... SELECT in memory (temporary tables live there in this build) when the table has
    triggers, and a rebuild copies every document that way."""
    db.create_table("documents", DOCUMENTS, pk="id", not_null={"sha256", "text"})
    fk_doc = [("document_id", "documents", "id")]
    db.create_table("pages", PAGES, pk="id", foreign_keys=fk_doc)
    db.create_table("entities", ENTITIES, pk="id", foreign_keys=fk_doc)
    db.create_table("doc_tables", DOC_TABLES, pk="id", foreign_keys=fk_doc)
    db.create_table(
        "table_cells", TABLE_CELLS, pk=("table_id", "row", "col"),
        foreign_keys=[("table_id", "doc_tables", "id"), *fk_doc],
    )
    db.create_table("municipalities", MUNICIPALITIES, pk="code")
    db.create_table("prefectures", PREFECTURES, pk="code")
    db.create_table("archive_info", {"key": str, "value": str}, pk="key")
    create_files(db)

    create_indexes(db)
    related.create(db)
    terms.create(db)

    if full_text:
        create_full_text(db)
    load_reference(db)


def add_missing_columns(db: Database) -> None:
    """Columns a newer schema version added, on an archive an older one wrote."""
    for table, (columns, _) in COLUMNS.items():
        have = db[table].columns_dict
        for name, kind in columns.items():
            if name not in have:
                db[table].add_column(name, kind)


def create_files(db: Database) -> None:
    """The manifest table (see FILES); also added to archives made before it existed."""
    db.create_table("files", FILES, pk="path", not_null={"status"})
    db["files"].create_index(["status"])
    db["files"].create_index(["sha256"])


def create_indexes(db: Database, if_not_exists: bool = False) -> None:
    for table, indexes in INDEXES.items():
        for columns in indexes:
            db[table].create_index(list(columns), if_not_exists=if_not_exists)


def create_full_text(db: Database) -> None:
    """External-content FTS5 tables (content="documents"), so Datasette finds them, filled from
    their tables and kept in step with them by sqlite-utils' triggers."""
    db["documents"].enable_fts(["title", "text"], create_triggers=True, tokenize=TOKENIZER)
    db["pages"].enable_fts(["text"], create_triggers=True, tokenize=TOKENIZER)
    narrow_fts_triggers(db)


# The indexed columns of each full-text table's content table.
FTS_COLUMNS = {"documents": ["title", "text"], "pages": ["text"]}


def narrow_fts_triggers(db: Database) -> None:
    """sqlite-utils' update triggers re-index a row whenever any column changes: setting
    documents.has_copies when a copy is linked re-tokenized the whole text (10 ms a document on
    a 10,000-document archive). They fire only when an indexed column changes now."""
    for table, columns in FTS_COLUMNS.items():
        fts = f"{table}_fts"
        cols = ", ".join(f'"{c}"' for c in columns)
        old = ", ".join(f'old."{c}"' for c in columns)
        new = ", ".join(f'new."{c}"' for c in columns)
        db.execute(f'DROP TRIGGER IF EXISTS "{table}_au"')
        db.execute(
            f'CREATE TRIGGER "{table}_au" AFTER UPDATE OF {cols} ON "{table}" BEGIN\n'
            f'  INSERT INTO "{fts}" ("{fts}", rowid, {cols}) VALUES(\'delete\', old.rowid, {old});\n'
            f'  INSERT INTO "{fts}" (rowid, {cols}) VALUES (new.rowid, {new});\n'
            "END")


def load_reference(db: Database) -> None:
    db["municipalities"].insert_all(_municipality_rows())
    db["prefectures"].insert_all(_prefecture_rows())


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _float(text: str) -> float | None:
    return float(text) if text else None


def _municipality_rows():
    for r in sorted(_read_csv("localgovjp-utf8.csv"), key=lambda r: r["lgcode"]):
        yield {
            "code": r["lgcode"],
            "prefecture": r["pref"],
            "prefecture_number": int(r["pid"]),
            "name": r["city"],
            "kana": r["citykana"],
            "lat": _float(r["lat"]),
            "lng": _float(r["lng"]),
            "url": r["url"] or None,
        }


def _prefecture_rows():
    for r in sorted(_read_csv("prefjp-utf8.csv"), key=lambda r: int(r["pid"])):
        yield {
            "code": r["lgcode"].zfill(6),  # the source dropped the leading zero
            "number": int(r["pid"]),
            "name": r["pref"],
            "kana": r["prefkana"],
            "short_name": r["prefshort"],
            "name_en": r["pref_en"],
            "iso_code": r["ISO3166-2"],
            "capital": r["capital"],
            "lat": _float(r["lat"]),
            "lng": _float(r["lng"]),
            "url": r["url"] or None,
        }
