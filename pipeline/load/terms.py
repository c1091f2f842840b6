"""Search with synonyms: the archive's `synonym_terms` (Sudachi synonym group, word) and the
expansion of a query with them.

    fts, also = expand(db, "マイナンバー 交付")
    # fts  = '("マイナンバー" OR "個人番号" OR "共通番号") "交付"'
    # also = ["個人番号", "共通番号"]

Only words the archive's documents hold are added (see pipeline.analyze.synonyms), so "also
searched" never lists a word that cannot match. Off by default: an exact search stays exact.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlite_utils import Database

from ..model import Document
from .search import _FTS_TERMS

TABLE = "synonym_terms"
COLUMNS = {"group_id": int, "term": str}


def create(db: Database, schema: str = "main") -> None:
    db.execute(f"CREATE TABLE IF NOT EXISTS [{schema}].[{TABLE}] ([group_id] INTEGER, [term] TEXT,"
               " PRIMARY KEY ([group_id], [term])) WITHOUT ROWID")


def store(db: Database, docs: Iterable[Document], schema: str = "main") -> None:
    rows = {(g, t) for doc in docs for g, t in (doc.synonym_terms or [])}
    db.conn.executemany(f"insert or ignore into [{schema}].[{TABLE}] (group_id, term) values (?, ?)",
                        sorted(rows))


def expand(db, q: str) -> tuple[str, list[str]]:
    """The FTS5 query for `q` (as `search.fts_query` builds it) with each one-word term ORed with
    the archive's other words of its synonym groups; and the words added."""
    from ..analyze.synonyms import query_groups

    if q.count('"') % 2:
        q += '"'
    parts, also = [], []
    for t in (t for t in _FTS_TERMS.split(q) if t and t != '""'):
        if t.startswith('"'):
            parts.append(t)
            continue
        groups = query_groups(t)
        others: list[str] = []
        if groups:
            marks = ", ".join("?" * len(groups))
            rows = db.execute(f"select distinct term from [{TABLE}] where group_id in ({marks})"
                              " and term != ? order by term", [*groups, t])
            others = [r[0] for r in (rows.rows if hasattr(rows, "rows") else rows)]
        also.extend(o for o in others if o not in also)
        phrases = [_phrase(t)] + [_phrase(o) for o in others]
        parts.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " ".join(parts), also


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'
