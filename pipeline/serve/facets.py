"""A table's default facets, computed only when few enough rows match.

Datasette computes the facets a table's metadata lists on every page of it, over every matching
row. At 100,000 documents a search matching most of them spends ~50 ms per facet, a page with four
of them a quarter of a second. So `app.metadata_for` moves each table's `facets` into this
plugin's table configuration (`plugins.pipeline.facets`), and `DefaultFacets` computes them when
at most `max_rows` rows match (`plugins.pipeline.facet_max_rows`, `FACET_MAX_ROWS` by default):
always in an archive of ordinary size, for narrow searches and filters in a large one. It counts
on the row count Datasette has made by then. Facets asked for with `?_facet=` are Datasette's
own and always computed.

Datasette's facet SQL is costly over a full-text search (at 10,000 documents, a search matching
2,000 spent 500 ms in facets, 8 ms in the search itself):
  - every facet query is a query over the table's SQL, so it runs the whole search again and
    reads every matching row again: seven facets, seven times;
  - the array facet deduplicates `distinct j.value, inner.*` over every column of every matching
    row, the whole text included: a temporary b-tree of megabytes (500 ms for the municipalities
    of 2,000 hits, 3.6 s for 8,000); even over the array column alone, 100 ms for 2,000.
So the faceted columns of the matching rows are read once, in one query, each into a JSON array
(`json_group_array`), and each facet counts its column's values there (`json_each`): Datasette's
column and date facets as they are, given that as their SQL; array facets with `count(distinct
row)` (`ArrayValuesFacet`). Labels, links and the JSON are Datasette's.
"""

from __future__ import annotations

from typing import Any

from datasette.database import QueryInterrupted
from datasette.facets import ArrayFacet, ColumnFacet, DateFacet, Facet, load_facet_configs
from datasette.utils import escape_sqlite, path_with_added_args, path_with_removed_args

from .views import PLUGIN

# Four facets over 5,000 rows take ~10 ms at 100,000 documents; over 80,000 rows, 200 ms.
FACET_MAX_ROWS = 5_000
# The SQL a default facet counts over: the values of its column in the matching rows, from the
# JSON array DefaultFacets reads them into (`_row`: the row's index, unique).
VALUES_SQL = "select key as [_row], value as {column} from json_each(:_facet_values)"


class ArrayValuesFacet(ArrayFacet):
    """Datasette's array facet over VALUES_SQL, each row counted once per value it holds by
    `count(distinct _row)` instead of a `distinct` over whole rows; the same results."""

    async def facet_results(self):
        results, timed_out = [], []
        facet_size = self.get_facet_size()
        pairs = self.get_querystring_pairs()
        for source_and_config in self.get_configs():
            config, source = source_and_config["config"], source_and_config["source"]
            column = config.get("column") or config["simple"]
            sql = (f"select j.value as value, count(distinct inner.[_row]) as count "
                   f"from ({self.sql}) as inner, json_each(inner.{escape_sqlite(column)}) j "
                   f"group by j.value order by count desc, value limit {facet_size + 1}")
            try:
                rows = await self.ds.execute(self.database, sql, self.params, truncate=False,
                                             custom_time_limit=self.ds.setting("facet_time_limit_ms"))
            except QueryInterrupted:
                timed_out.append(column)
                continue
            values = []
            for row in rows.rows[:facet_size]:
                value = str(row["value"])
                selected = (f"{column}__arraycontains", value) in pairs
                change = path_with_removed_args if selected else path_with_added_args
                values.append({
                    "value": value, "label": value, "count": row["count"],
                    "toggle_url": self.ds.absolute_url(
                        self.request, change(self.request, {f"{column}__arraycontains": value})),
                    "selected": selected,
                })
            results.append({
                "name": column, "type": self.type, "results": values,
                "hideable": source != "metadata",
                "toggle_url": self.ds.urls.path(
                    path_with_removed_args(self.request, {"_facet_array": column})),
                "truncated": len(rows) > facet_size,
            })
        return results, timed_out


FACET_CLASSES = {"column": ColumnFacet, "date": DateFacet, "array": ArrayValuesFacet}


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
        taken = {(kind, c["config"].get("column") or c["config"].get("simple"))
                 for kind, configs in requested.items() for c in configs}
        facets = [(kind, column) for kind, column in facets if (kind, column) not in taken]
        if not facets:
            return [], []
        try:
            values = await self._values(list(dict.fromkeys(column for _, column in facets)))
        except QueryInterrupted:  # over the facet time limit, as a facet query of Datasette's
            return [], [column for _, column in facets]
        results, timed_out = [], []
        for kind, column in facets:
            sql = VALUES_SQL.format(column=escape_sqlite(column))
            facet = FACET_CLASSES[kind](self.ds, self.request, self.database, sql=sql, table=self.table,
                                        params={"_facet_values": values[column]},
                                        metadata=self.metadata, row_count=self.row_count)
            facet.get_configs = lambda column=column: [{"source": "metadata", "config": {"simple": column}}]
            facet_results, facet_timed_out = await facet.facet_results()
            results.extend(facet_results)
            timed_out.extend(facet_timed_out)
        return results, timed_out

    async def _values(self, columns: list[str]) -> dict[str, str]:
        """Each column's values in the matching rows, in one JSON array per column."""
        arrays = ", ".join(f"json_group_array({escape_sqlite(c)})" for c in columns)
        row = (await self.ds.execute(self.database, f"select {arrays} from ({self.sql})", self.params,
                                     custom_time_limit=self.ds.setting("facet_time_limit_ms"))).first()
        return dict(zip(columns, row))
