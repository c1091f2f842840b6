"""A table's default facets, computed only when few enough rows match.

Datasette computes the facets a table's metadata lists on every page of it, over every matching
row. At 100,000 documents a search matching most of them spends ~50 ms per facet, a page with four
of them a quarter of a second. So `app.metadata_for` moves each table's `facets` into this
plugin's table configuration (`plugins.pipeline.facets`), and `DefaultFacets` computes them when
at most `max_rows` rows match (`plugins.pipeline.facet_max_rows`, `FACET_MAX_ROWS` by default):
always in an archive of ordinary size, for narrow searches and filters in a large one. It counts
on the row count Datasette has made by then. Facets asked for with `?_facet=` are Datasette's
own and always computed.

Datasette's facet SQL is costly over a full-text search, in two ways that `DefaultFacets` avoids:
  - every facet query runs the whole search again (the table's SQL is its subquery): a phrase of
    common bigrams reads their long posting lists each time, seven facets seven times. The
    matching rows' keys are found once, and the facets count over `key in json_each(:keys)`;
  - the array facet deduplicates `distinct j.value, inner.*` over every column of every matching
    row, the whole text included: a temporary b-tree of megabytes (500 ms for the municipalities
    of 2,000 hits at 10,000 documents, 3.6 s for 8,000). Each facet class is given only the
    columns it counts (and the key, which keeps distinct rows distinct): 28 ms and 67 ms.
"""

from __future__ import annotations

import json
from typing import Any

from datasette.facets import ArrayFacet, ColumnFacet, DateFacet, Facet, load_facet_configs
from datasette.utils import detect_primary_keys, escape_sqlite

from .views import PLUGIN

# Four facets over 5,000 rows take ~10 ms at 100,000 documents; over 80,000 rows, 200 ms.
FACET_MAX_ROWS = 5_000
FACET_CLASSES = {"column": ColumnFacet, "date": DateFacet, "array": ArrayFacet}


def parse(facets: list[Any]) -> list[tuple[str, str]]:
    """Metadata facets ("kind", {"date": "issued_on"}) as (type, column) pairs."""
    parsed = []
    for facet in facets:
        if isinstance(facet, str):
            parsed.append(("column", facet))
        else:
            (kind, column), = facet.items()
            parsed.append((kind, column if isinstance(column, str) else column["column"]))
    return parsed


def max_rows_in(metadata: dict[str, Any]) -> int:
    """The most rows default facets are computed over, as configured in `metadata`."""
    config = (metadata.get("plugins") or {}).get(PLUGIN) or {}
    return int(config.get("facet_max_rows", FACET_MAX_ROWS))


def max_rows(datasette) -> int:
    return max_rows_in({"plugins": {PLUGIN: datasette.plugin_config(PLUGIN) or {}}})


class DefaultFacets(Facet):
    # Datasette hands each facet class the configurations of its type; no metadata or request
    # names this one, so it gets none and reads its own.
    type = "pipeline_default"

    async def facet_results(self):
        config = self.ds.plugin_config(PLUGIN, database=self.database, table=self.table) or {}
        facets = parse(config.get("facets") or [])
        if not facets or self.row_count is None or self.row_count > max_rows(self.ds):
            return [], []
        requested = load_facet_configs(self.request, {})  # ?_facet=...: Datasette computes those
        key, keys = await self._matching_keys()
        taken = {(kind, c["config"].get("column") or c["config"].get("simple"))
                 for kind, configs in requested.items() for c in configs}
        results, timed_out = [], []
        for kind, column in facets:
            if (kind, column) in taken:
                continue
            sql, params = self._narrowed(kind, column, key, keys)
            facet = FACET_CLASSES[kind](self.ds, self.request, self.database, sql=sql, table=self.table,
                                        params=params, metadata=self.metadata, row_count=self.row_count)
            facet.get_configs = lambda column=column: [{"source": "metadata", "config": {"simple": column}}]
            facet_results, facet_timed_out = await facet.facet_results()
            results.extend(facet_results)
            timed_out.extend(facet_timed_out)
        return results, timed_out

    async def _matching_keys(self) -> tuple[str | None, str | None]:
        """The column that identifies a row of the table (its one primary key, else rowid) and a
        JSON array of its values in the matching rows; (None, None) for a compound key or a view."""
        db = self.ds.get_database(self.database)
        pks = await db.execute_fn(lambda conn: detect_primary_keys(conn, self.table))
        if len(pks) > 1 or self.table in await db.view_names():
            return None, None
        key = pks[0] if pks else "rowid"  # Datasette selects rowid first for a table without a key
        rows = await db.execute(f"select {escape_sqlite(key)} from ({self.sql})", self.params)
        return key, json.dumps([r[0] for r in rows.rows], ensure_ascii=False)

    def _narrowed(self, kind: str, column: str, key: str | None,
                  keys: str | None) -> tuple[str, dict]:
        """The SQL and parameters the facet of `column` counts over: the matching rows (by key
        when known) with only that column, and the key for an array facet (whose deduplication
        needs each row to stay distinct)."""
        if key is None:
            if kind == "array":  # no key to keep two equal rows apart: all columns, as Datasette
                return self.sql, self.params
            return f"select {escape_sqlite(column)} from ({self.sql})", self.params
        selected = ", ".join(escape_sqlite(c) for c in ([key] if kind == "array" else []) + [column])
        return (f"select {selected} from {escape_sqlite(self.table)} "
                f"where {escape_sqlite(key)} in (select value from json_each(:_facet_keys))",
                {"_facet_keys": keys})
