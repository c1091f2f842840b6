"""The archive's tables, created with sqlite-utils. `docs/schema.md` describes every column.

Column order and types are fixed here (not inferred from the first row inserted) so that the
same corpus always builds the same database.
"""

from __future__ import annotations

import csv
from pathlib import Path

from sqlite_utils import Database

from .fts import TOKENIZER

SCHEMA_VERSION = "1"
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
}

# Entity.attrs keys -> typed entities columns, per entity kind. Keys not listed here go to the
# `attrs` JSON column.
ATTR_COLUMNS: dict[str, dict[str, str]] = {
    "date": {"start": "date_start", "end": "date_end", "precision": "date_precision"},
    "money": {k: k for k in ("amount", "approximate", "bound", "vague")},
    "law_ref": {
        k: k
        for k in ("law", "law_full_name", "law_number", "article", "paragraph", "item", "appendix")
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
    "law_full_name": str,
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

# The tables `add` and `remove` write, children first (the order deletes must run in).
DOCUMENT_TABLES = ("table_cells", "doc_tables", "entities", "pages", "documents")


def create(db: Database) -> None:
    """Create every table, index, full-text index and reference table. The caller holds the
    write transaction; `ja_bigram` must be loaded."""
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

    db["documents"].create_index(["sha256"])
    db["documents"].create_index(["issued_on"])
    db["pages"].create_index(["document_id"])
    db["entities"].create_index(["kind", "value"])
    db["entities"].create_index(["document_id"])
    db["entities"].create_index(["code"])
    db["entities"].create_index(["law"])
    db["entities"].create_index(["date_start"])
    db["doc_tables"].create_index(["document_id"])
    db["table_cells"].create_index(["document_id"])
    db["table_cells"].create_index(["text"])

    # External-content FTS5 tables (content="documents"), so Datasette finds them, kept in
    # step with their tables by sqlite-utils' triggers.
    db["documents"].enable_fts(["title", "text"], create_triggers=True, tokenize=TOKENIZER)
    db["pages"].enable_fts(["text"], create_triggers=True, tokenize=TOKENIZER)

    load_reference(db)


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
