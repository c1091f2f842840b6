"""Full-text search over the archive: ranked by FTS5's bm25, with highlighted snippets.

The SQL here is shared by `Archive.search` and the Datasette plugin's `/-/search` page.
"""

from __future__ import annotations

import re

# Marks put around matches by snippet(); private-use characters that normalized text never holds,
# so the HTML layer can escape the text and then turn them into <mark> tags.
MARK_START = "\ue000"
MARK_END = "\ue001"
ELLIPSIS = "…"

_FTS_TERMS = re.compile(r'\s+|(".*?")')


def fts_query(q: str) -> str:
    """A user's search as an FTS5 query, exactly as Datasette's `?_search=` builds it
    (`datasette.utils.escape_fts`): every whitespace-separated term and every "quoted phrase"
    becomes a phrase, and the phrases are ANDed. FTS5 operators are thereby taken literally."""
    if q.count('"') % 2:
        q += '"'
    terms = [t for t in _FTS_TERMS.split(q) if t and t != '""']
    return " ".join(t if t.startswith('"') else f'"{t}"' for t in terms)


def _ranked_sql(table: str, rank: str, columns: str, snippet_column: int, joins: str = "") -> str:
    """A search of `table` through its FTS5 index `{table}_fts`, best first: the best `:limit`
    hits are chosen first (ranked by `rank`, then id) and only they get a snippet: SQLite
    computes every result column of every row it sorts, and a snippet for each of 80,000 hits
    took longer than ranking them (161 -> 129 ms at 100,000 documents)."""
    fts = f"{table}_fts"
    return f"""
with ranked as (
  select {fts}.rowid, {rank} as rank, {table}.id
  from {fts}
  join {table} on {table}.rowid = {fts}.rowid
  where {fts} match :query
  order by rank, {table}.id
  limit :limit
)
select
  {columns},
  snippet({fts}, {snippet_column}, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}', :tokens) as snippet,
  ranked.rank
from ranked
join {fts} on {fts}.rowid = ranked.rowid
join {table} on {table}.rowid = ranked.rowid
{joins}where {fts} match :query
order by ranked.rank, ranked.id
"""


# Title matches weigh more than body matches.
SEARCH_DOCUMENTS_SQL = _ranked_sql(
    "documents", "bm25(documents_fts, 5.0, 1.0)",
    "documents.id, documents.title, documents.kind, documents.issuer, documents.issued_on,\n"
    "  documents.page_count",
    snippet_column=1,
)
SEARCH_PAGES_SQL = _ranked_sql(
    "pages", "bm25(pages_fts)",
    "pages.id, pages.document_id, pages.page, pages.source_page, documents.title",
    snippet_column=0, joins="join documents on documents.id = pages.document_id\n",
)


def search_params(q: str, limit: int = 50, tokens: int = 32) -> dict:
    return {"query": fts_query(q), "limit": limit, "tokens": tokens}
