"""Turn `Document`s into the archive's rows: one dict per row, in a deterministic order."""

from __future__ import annotations

import bisect
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from ..model import Document, Entity, join_pages
from .schema import ATTR_COLUMNS

log = logging.getLogger(__name__)


@dataclass
class Rows:
    """The rows of some documents, per table."""

    documents: list[dict] = field(default_factory=list)
    pages: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    doc_tables: list[dict] = field(default_factory=list)
    table_cells: list[dict] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        for name in ("documents", "pages", "entities", "doc_tables", "table_cells"):
            getattr(self, name).extend(getattr(other, name))


def rows_for(docs: list[Document]) -> Rows:
    """Rows for `docs`, documents in id order. Raises ValueError on duplicate document ids."""
    rows = Rows()
    seen: set[str] = set()
    for doc in sorted(docs, key=lambda d: d.id):
        if doc.id in seen:
            raise ValueError(f"document {doc.id} given twice")
        seen.add(doc.id)
        rows.extend(document_rows(doc))
    return rows


def page_spans(doc: Document) -> tuple[str, list[tuple[int, int] | None]]:
    """The document text and each page's (start, end) in it.

    `Document.text` is normally the pages joined by `model.PAGE_SEPARATOR`; when a stage changed it
    afterwards, each page is looked up in the text in order instead (None when not found).
    """
    joined, spans = join_pages(doc.pages)
    text = doc.text or joined
    if text == joined:
        return text, list(spans)
    found: list[tuple[int, int] | None] = []
    pos = 0
    for page in doc.pages:
        at = text.find(page.text, pos) if page.text else -1
        if at < 0:
            found.append(None)
            continue
        found.append((at, at + len(page.text)))
        pos = at + len(page.text)
    return text, found


def issued_year(issued_on: str | None) -> int | None:
    if issued_on and len(issued_on) >= 4 and issued_on[:4].isdigit():
        return int(issued_on[:4])
    return None


def document_rows(doc: Document) -> Rows:
    text, spans = page_spans(doc)
    rows = Rows()
    for n, (page, span) in enumerate(zip(doc.pages, spans), start=1):
        rows.pages.append({
            "id": f"{doc.id}/{n}",
            "document_id": doc.id,
            "page": n,
            "source_page": page.number,
            "method": page.method,
            "confidence": page.confidence,
            "rotation": page.rotation,
            "vertical": int(bool(page.vertical)),
            "text": page.text,
            "start": span[0] if span else None,
            "end": span[1] if span else None,
            "budget_sections": (json.dumps(page.budget_sections, ensure_ascii=False)
                                if page.budget_sections else None),
        })
        for index, table in enumerate(page.tables, start=1):
            table_id = f"{doc.id}/{n}/t{index}"
            table_rows, table_cells = _table_rows(doc.id, table_id, n, index, table)
            rows.doc_tables.append(table_rows)
            rows.table_cells.extend(table_cells)

    rows.entities = entity_rows(doc.id, text, doc.entities, spans)
    rows.documents.append({
        "id": doc.id,
        "title": doc.title,
        "kind": doc.kind,
        "issuer": doc.issuer,
        "issued_on": doc.issued_on,
        "issued_year": issued_year(doc.issued_on),
        "source": doc.source,
        "source_path": getattr(doc, "source_path", None),
        "sha256": doc.sha256,
        "page_start": doc.page_start,
        "page_end": doc.page_end,
        "page_count": doc.page_count,
        "text": text,
        "entity_count": len(rows.entities),
        # JSON arrays for Datasette's array facets: the documents mentioning a ward, citing a law.
        "municipalities": _distinct(rows.entities, "municipality", "name"),
        "laws": _distinct(rows.entities, "law_ref", "law"),
        "has_copies": 0,  # set by load.related when a copy is linked
    })
    return rows


def _distinct(entities: list[dict], kind: str, column: str) -> str:
    return json.dumps(sorted({e[column] for e in entities if e["kind"] == kind and e.get(column)}),
                      ensure_ascii=False)


def _page_of(offset: int, starts: list[int], numbers: list[int]) -> int | None:
    """The document page holding character `offset` (an offset inside a page separator belongs to
    the page before it)."""
    i = bisect.bisect_right(starts, offset) - 1
    return numbers[i] if i >= 0 else None


def entity_rows(
    document_id: str, text: str, entities: list[Entity], spans: list[tuple[int, int] | None]
) -> list[dict]:
    known = [(span[0], n) for n, span in enumerate(spans, start=1) if span]
    starts, numbers = [s for s, _ in known], [n for _, n in known]
    rows: dict[str, dict] = {}
    for e in sorted(entities, key=lambda e: (e.start, e.end, e.kind, e.value or "")):
        if not (0 <= e.start <= e.end <= len(text)):
            log.warning("%s: entity %s %r has offsets %d-%d outside the text; dropped",
                        document_id, e.kind, e.text, e.start, e.end)
            continue
        row_id = f"{document_id}/{e.start}-{e.end}/{e.kind}"
        if row_id in rows:  # the same span found twice, e.g. by two rules: keep the first
            continue
        row: dict[str, Any] = {
            "id": row_id,
            "document_id": document_id,
            "page": e.page if e.page is not None else _page_of(e.start, starts, numbers),
            "kind": e.kind,
            "text": e.text,
            "value": e.value,
            "start": e.start,
            "end": e.end,
        }
        columns = ATTR_COLUMNS.get(e.kind, {})
        extra = {}
        for key, value in sorted(e.attrs.items()):
            if key in columns:
                row[columns[key]] = int(value) if isinstance(value, bool) else value
            else:
                extra[key] = value
        row["attrs"] = json.dumps(extra, ensure_ascii=False, sort_keys=True) if extra else None
        rows[row_id] = row
    return list(rows.values())


def _table_rows(document_id, table_id, page, index, table) -> tuple[dict, list[dict]]:
    grid = table.rows
    n_cols = max((len(r) for r in grid), default=0)
    header = grid[0] if grid else []
    label_col = max(table.header_cols, 1) - 1
    cells = []
    for r, cols in enumerate(grid):
        # The innermost header column labels the row: the ward a row of answers is about,
        # not the running number before it.
        row_header = cols[label_col].strip() if label_col < len(cols) and cols[label_col] else ""
        for c, cell in enumerate(cols):
            cells.append({
                "table_id": table_id,
                "document_id": document_id,
                "row": r,
                "col": c,
                "text": cell,
                "row_header": row_header or None,
                "col_header": (header[c] if c < len(header) else None) or None,
            })
    info = {
        "id": table_id,
        "document_id": document_id,
        "page": page,
        "table_index": index,
        "n_rows": len(grid),
        "n_cols": n_cols,
        "header_rows": table.header_rows,
        "header_cols": table.header_cols,
        "bbox": json.dumps(table.bbox) if table.bbox is not None else None,
    }
    return info, cells

