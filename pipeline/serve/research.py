"""Research views: the archive's timeline (/-/timeline), a document's copies and the side-by-side
difference with one of them (/-/compare/{a}/{b}), and the charts on the document and search pages.

Every chart is drawn by `charts.bar_chart`; each bar links to the rows behind it and each chart
carries the SQL that computes it, as a citable Datasette query URL.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

from datasette.utils.asgi import Response

from ..load import related
from . import charts, snapshots
from .views import (DOCUMENT_EXTRAS, SEARCH_EXTRAS, Missing, _document_row, answers_missing,
                    archive_database, archive_info, query_url, render_page)

MONTHS_MAX = 240  # a longer span is charted by year

# Counted by day first, in the order of the date's index, then summed by month: grouping a
# million dates at 100,000 documents straight by month sorts them all again (157 -> 30 ms).
DOCUMENTS_BY_MONTH_SQL = """select substr(issued_on, 1, 7) as month, sum(n) as documents
from (select issued_on, count(*) as n from documents
      where issued_on is not null and length(issued_on) >= 7 group by issued_on)
group by month order by month"""

EVENTS_BY_MONTH_SQL = """select substr(date_start, 1, 7) as month, sum(n) as mentions
from (select date_start, count(*) as n from entities
      where kind = 'date' and date_start is not null group by date_start)
group by month order by month"""

TOP_MUNICIPALITIES_SQL = """select value as code, count(*) as mentions
from entities where kind = 'municipality'
group by value order by mentions desc, code limit :limit"""

MUNICIPALITY_BY_YEAR_SQL = """select documents.issued_year as year, count(*) as mentions
from entities join documents on documents.id = entities.document_id
where entities.kind = 'municipality' and entities.value = :code and documents.issued_year is not null
group by year order by year"""

MUNICIPALITY_YEAR_ROWS_SQL = """select entities.document_id, documents.title, documents.issued_on,
  entities.text, entities.page
from entities join documents on documents.id = entities.document_id
where entities.kind = 'municipality' and entities.value = :code and documents.issued_year = :year
order by documents.issued_on, entities.document_id, entities.start"""

DOCUMENT_AMOUNTS_SQL = """select id, text, value, amount, page from entities
where document_id = :id and kind = 'money' and amount is not null order by start"""

SEARCH_BY_YEAR_SQL = """select documents.issued_year as year, count(*) as documents
from documents_fts join documents on documents.rowid = documents_fts.rowid
where documents_fts match :query and documents.issued_year is not null
group by year order by year"""

RELATIVES_SQL = """select related.related_id, related.relation, related.similarity,
  documents.title, documents.issued_on, documents.source
from related join documents on documents.id = related.related_id
where related.document_id = :id order by related.similarity desc, related.related_id"""

RELATION_LABELS = {
    "same": "同一 same text",
    "revision": "改訂版 revision",
    "contains": "を含む contains",
    "contained_in": "に含まれる contained in",
}


def _months(rows: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Every month between the first and the last, zeros included, so gaps show as gaps; by year
    when the span is too long to read."""
    if not rows:
        return []
    counts = dict(rows)
    first, last = rows[0][0], rows[-1][0]
    y0, m0, y1, m1 = int(first[:4]), int(first[5:7]), int(last[:4]), int(last[5:7])
    span = (y1 - y0) * 12 + m1 - m0 + 1
    if span > MONTHS_MAX:
        years: dict[str, int] = {}
        for month, n in rows:
            years[month[:4]] = years.get(month[:4], 0) + n
        return sorted(years.items())
    out = []
    for k in range(span):
        y, m = divmod(m0 - 1 + k, 12)
        key = f"{y0 + y:04d}-{m + 1:02d}"
        out.append((key, counts.get(key, 0)))
    return out


async def _rows(db, sql: str, params: dict | None = None) -> list[tuple]:
    return [tuple(r) for r in (await db.execute(sql, params or {})).rows]


@answers_missing
async def timeline(request, datasette):
    """/-/timeline: documents by month of issue, the dated events their texts mention by month, and
    a municipality's mentions by year."""
    db = await archive_database(datasette, request.args.get("db"))
    version = (await archive_info(db)).get("version")
    # The charts' SQL cites the latest published snapshot, as every citation link does.
    registry = snapshots.registry(datasette)
    cited = (registry.by_name.get(db.name) or registry.latest) if registry else None
    cite_db, cite_version = (cited.name, cited.version) if cited else (db.name, version)
    table = lambda name, **args: datasette.urls.table(db.name, name) + "?" + urllib.parse.urlencode(args)  # noqa: E731

    documents = _months([r for r in await _rows(db, DOCUMENTS_BY_MONTH_SQL) if r[0][:4].isdigit()])
    events = _months([r for r in await _rows(db, EVENTS_BY_MONTH_SQL) if r[0][:4].isdigit()])
    top = await _rows(db, TOP_MUNICIPALITIES_SQL, {"limit": 20})
    names = dict(await _rows(db, "select code, name from municipalities"))
    code = request.args.get("municipality") or (top[0][0] if top else None)
    if code and code not in names:
        raise Missing(f"no municipality with code {code}")
    by_year = await _rows(db, MUNICIPALITY_BY_YEAR_SQL, {"code": code}) if code else []

    def bars_by_period(rows, table_name, column, **filters):
        return [charts.Bar(period, n, table(table_name, **filters, **{f"{column}__startswith": period}))
                for period, n in rows]

    municipality_bars = [
        charts.Bar(str(year), n, query_url(datasette, cite_db, MUNICIPALITY_YEAR_ROWS_SQL,
                                           {"code": code, "year": year}, cite_version))
        for year, n in by_year
    ]
    sections = [
        {"id": "documents", "heading": "Documents by date of issue 発出日別の文書数",
         "chart": charts.bar_chart(bars_by_period(documents, "documents", "issued_on"),
                                   "Documents by month of issue", css_class="chart-documents"),
         "sql_url": query_url(datasette, cite_db, DOCUMENTS_BY_MONTH_SQL, {}, cite_version)},
        {"id": "events", "heading": "Dates mentioned in the texts 本文中の日付",
         "chart": charts.bar_chart(bars_by_period(events, "entities", "date_start", kind="date"),
                                   "Dated events mentioned, by month", css_class="chart-events"),
         "sql_url": query_url(datasette, cite_db, EVENTS_BY_MONTH_SQL, {}, cite_version)},
    ]
    if code:
        sections.append({
            "id": "municipality",
            "heading": f"Mentions of {names.get(code, code)} by year 言及数（年別）",
            "chart": charts.bar_chart(municipality_bars, f"Mentions of {names.get(code, code)} by year",
                                      css_class="chart-municipality"),
            "sql_url": query_url(datasette, cite_db, MUNICIPALITY_BY_YEAR_SQL, {"code": code}, cite_version),
        })
    context = {
        "database": db.name,
        "sections": sections,
        "municipalities": [{"code": c, "name": names.get(c, c), "mentions": n,
                            "selected": c == code} for c, n in top],
        "archive_version": version,
    }
    if request.args.get("_format") == "json":
        return Response.json({"documents_by_month": documents, "events_by_month": events,
                              "municipality": code, "municipality_by_year": by_year,
                              "version": version})
    return await render_page(datasette, request, "archive_timeline.html", context, "archive_timeline")


@answers_missing
async def compare(request, datasette):
    """/-/compare/{a}/{b}: two documents side by side, line by line, what changed marked."""
    db = await archive_database(datasette, request.args.get("db"))
    a = await _document_row(db, request.url_vars["a"])
    b = await _document_row(db, request.url_vars["b"])
    link = (await db.execute("select relation, similarity from related where document_id = ? and related_id = ?",
                             [a["id"], b["id"]])).first()
    rows = related.diff_lines(a["text"], b["text"])
    changed = sum(1 for tag, *_ in rows if tag != "equal")
    context = {
        "database": db.name,
        "a": a,
        "b": b,
        "relation": RELATION_LABELS.get(link["relation"]) if link else None,
        "similarity": link["similarity"] if link else None,
        "rows": rows,
        "changed": changed,
        "document_url": lambda doc_id: datasette.urls.path(f"/-/document/{urllib.parse.quote(doc_id)}"),
    }
    return await render_page(datasette, request, "archive_compare.html", context, "archive_compare")


async def document_extras(datasette, db, doc: dict, cite_db: str, version: str | None) -> dict[str, Any]:
    """The document page's relatives (with a compare link each) and its amounts as a chart; the SQL
    links cite `cite_db` at `version` (the snapshot the page cites)."""
    relatives = [dict(r) for r in (await db.execute(RELATIVES_SQL, {"id": doc["id"]})).rows] \
        if "related" in await db.table_names() else []
    for r in relatives:
        r["label"] = RELATION_LABELS.get(r["relation"], r["relation"])
        r["url"] = datasette.urls.path(f"/-/document/{urllib.parse.quote(r['related_id'])}")
        r["compare_url"] = datasette.urls.path(
            f"/-/compare/{urllib.parse.quote(doc['id'])}/{urllib.parse.quote(r['related_id'])}")
    amounts = (await db.execute(DOCUMENT_AMOUNTS_SQL, {"id": doc["id"]})).rows
    bars = [charts.Bar(f"{r['text']}", r["amount"],
                       query_url(datasette, cite_db, "select * from entities where id = :id", {"id": r["id"]}, version),
                       f"{r['text']} = {r['amount']:,}円 (p. {r['page']})")
            for r in amounts]
    return {
        "relatives": relatives,
        "relatives_sql_url": query_url(datasette, cite_db, RELATIVES_SQL, {"id": doc["id"]}, version),
        "amounts_chart": charts.bar_chart(bars, "Amounts in this document (yen)", unit="円",
                                          css_class="chart-amounts") if bars else None,
        "amounts_sql_url": query_url(datasette, cite_db, DOCUMENT_AMOUNTS_SQL, {"id": doc["id"]}, version),
    }


async def search_extras(datasette, db, q: str, query: str, cite_db: str,
                        version: str | None) -> dict[str, Any]:
    """The search page's chart: matching documents by year of issue (`query`: the FTS5 query the
    page ran for `q`), each bar the year's hits in Datasette's documents table (?_search=q)."""
    if not query:
        return {}
    rows = await _rows(db, SEARCH_BY_YEAR_SQL, {"query": query})
    table = datasette.urls.table(db.name, "documents")
    bars = [charts.Bar(str(year), n, table + "?" + urllib.parse.urlencode({"_search": q, "issued_year": year}))
            for year, n in rows]
    return {
        "hits_chart": charts.bar_chart(bars, "Matching documents by year of issue", css_class="chart-hits")
        if bars else None,
        "hits_sql_url": query_url(datasette, cite_db, SEARCH_BY_YEAR_SQL, {"query": query}, version),
    }


DOCUMENT_EXTRAS.append(document_extras)
SEARCH_EXTRAS.append(search_extras)

ROUTES = [
    (r"^/-/timeline$", timeline),
    (r"^/-/compare/(?P<a>[^/]+)/(?P<b>[^/]+)$", compare),
]
