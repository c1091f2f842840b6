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


# Title matches weigh more than body matches. The best `:limit` hits are chosen first and only
# they get a snippet: SQLite computes every result column of every row it sorts, and a snippet for
# each of 80,000 hits took longer than ranking them (161 -> 129 ms at 100,000 documents).
SEARCH_DOCUMENTS_SQL = f"""
with ranked as (
  select documents_fts.rowid, bm25(documents_fts, 5.0, 1.0) as rank, documents.id
  from documents_fts
  join documents on documents.rowid = documents_fts.rowid
  where documents_fts match :query
  order by rank, documents.id
  limit :limit
)
select
  documents.id, documents.title, documents.kind, documents.issuer, documents.issued_on,
  documents.page_count,
  snippet(documents_fts, 1, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}', :tokens) as snippet,
  ranked.rank
from ranked
join documents_fts on documents_fts.rowid = ranked.rowid
join documents on documents.rowid = ranked.rowid
where documents_fts match :query
order by ranked.rank, ranked.id
"""

SEARCH_PAGES_SQL = f"""
with ranked as (
  select pages_fts.rowid, bm25(pages_fts) as rank, pages.id
  from pages_fts
  join pages on pages.rowid = pages_fts.rowid
  where pages_fts match :query
  order by rank, pages.id
  limit :limit
)
select
  pages.id, pages.document_id, pages.page, pages.source_page, documents.title,
  snippet(pages_fts, 0, '{MARK_START}', '{MARK_END}', '{ELLIPSIS}', :tokens) as snippet,
  ranked.rank
from ranked
join pages_fts on pages_fts.rowid = ranked.rowid
join pages on pages.rowid = ranked.rowid
join documents on documents.id = pages.document_id
where pages_fts match :query
order by ranked.rank, ranked.id
"""


def search_params(q: str, limit: int = 50, tokens: int = 32) -> dict:
    return {"query": fts_query(q), "limit": limit, "tokens": tokens}
