"""HTML fragments for the document and search pages: entities marked in the text, snippets,
fact tables. Pure functions over rows, so they are tested without a server."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from ..load.search import MARK_END, MARK_START

KIND_LABELS = {
    "date": "日付 Dates",
    "money": "金額 Amounts",
    "law_ref": "法令 Laws",
    "doc_number": "文書番号 Document numbers",
    "municipality": "市区町村 Municipalities",
    "prefecture": "都道府県 Prefectures",
    "person": "人名 People",
    "organization": "組織 Organizations",
}
KIND_ORDER = list(KIND_LABELS)

# The typed columns shown for each kind in its facts table (besides text and page).
FACT_COLUMNS = {
    "date": ["date_start", "date_end", "date_precision"],
    "money": ["amount", "approximate", "bound", "vague"],
    "law_ref": ["law", "article", "paragraph", "item", "appendix", "law_id", "law_title"],
    "municipality": ["name", "code", "prefecture"],
    "prefecture": ["name", "code"],
}


def mark_entities(text: str, entities: Sequence[Mapping[str, Any]], offset: int = 0) -> Markup:
    """`text` as HTML with each entity wrapped in `<mark class="entity entity-KIND">`.

    `entities` carry `start`/`end` offsets in the document; `offset` is where `text` starts in
    it (a page's start). An entity inside another is nested in its mark; one crossing the border
    of an earlier one cannot be nested and is left unmarked (it still has its row in the facts
    tables). Each mark gets `id="e-N"` from the entity's `n`, for links from those tables.
    """
    spans = sorted(
        (e for e in entities
         if e["start"] is not None and offset <= e["start"] < e["end"] <= offset + len(text)),
        key=lambda e: (e["start"], -e["end"]),
    )

    def render(lo: int, hi: int, items: list[Mapping[str, Any]]) -> str:
        out, pos = [], lo
        for i, e in enumerate(items):
            if e["start"] < pos:
                continue  # inside (rendered by the mark before) or crossing it
            out.append(str(escape(text[pos - offset : e["start"] - offset])))
            inner = [x for x in items[i + 1 :] if x["end"] <= e["end"]]
            out.append(_open_mark(e))
            out.append(render(e["start"], e["end"], inner))
            out.append("</mark>")
            pos = e["end"]
        out.append(str(escape(text[pos - offset : hi - offset])))
        return "".join(out)

    return Markup(render(offset, offset + len(text), spans))


def _open_mark(e: Mapping[str, Any]) -> str:
    kind = str(e["kind"])
    attrs = {
        "class": f"entity entity-{kind.replace('_', '-')}",
        "data-kind": kind,
        "data-value": e.get("value") or "",
        "title": f"{kind}: {e.get('value') or ''}",
    }
    if e.get("n") is not None:
        attrs["id"] = f"e-{e['n']}"
    return "<mark " + " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items()) + ">"


def snippet_html(snippet: str | None) -> Markup:
    """An FTS5 snippet() made with `MARK_START`/`MARK_END` as HTML with <mark> around matches."""
    html = str(escape(snippet or ""))
    return Markup(html.replace(MARK_START, '<mark class="hit">').replace(MARK_END, "</mark>"))


def fact_groups(entities: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Entities grouped by kind (known kinds first), each group with the columns to show: those
    of its typed columns that hold a value for at least one of its entities."""
    by_kind: dict[str, list[Mapping[str, Any]]] = {}
    for e in entities:
        by_kind.setdefault(e["kind"], []).append(e)
    order = sorted(by_kind, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k))
    groups = []
    for kind in order:
        rows = by_kind[kind]
        columns = [c for c in FACT_COLUMNS.get(kind, []) if any(r.get(c) is not None for r in rows)]
        if kind not in FACT_COLUMNS or not columns:
            columns = ["value", *columns]
        groups.append({"kind": kind, "label": KIND_LABELS.get(kind, kind), "columns": columns,
                       "rows": rows})
    return groups


EGOV_LAW_URL = "https://laws.e-gov.go.jp/law/{law_id}"


def egov_url(law_id: str) -> str:
    """The law's page on e-Gov 法令検索 (the whole law: its article anchors are not a documented
    format)."""
    return EGOV_LAW_URL.format(law_id=law_id)


def format_value(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column == "amount" and isinstance(value, int):
        return f"{value:,}"
    if column in ("approximate", "vague") and isinstance(value, int):
        return "yes" if value else "no"
    return str(value)


def table_grid(cells: Sequence[Mapping[str, Any]]) -> list[list[str]]:
    """table_cells rows of one table back into a grid of texts."""
    if not cells:
        return []
    n_rows = max(c["row"] for c in cells) + 1
    n_cols = max(c["col"] for c in cells) + 1
    grid = [["" for _ in range(n_cols)] for _ in range(n_rows)]
    for c in cells:
        grid[c["row"]][c["col"]] = c["text"] or ""
    return grid
