"""A table's default facets, computed only when few enough rows match.

Datasette computes the facets a table's metadata lists on every page of it, over every matching
row. At 100,000 documents a search matching most of them spends ~50 ms per facet, a page with four
of them a quarter of a second. So `app.metadata_for` moves each table's `facets` into this
plugin's table configuration (`plugins.pipeline.facets`), and `DefaultFacets` computes them when
at most `max_rows` rows match (`plugins.pipeline.facet_max_rows`, `FACET_MAX_ROWS` by default):
always in an archive of ordinary size, for narrow searches and filters in a large one. It counts
on the row count Datasette has made by then. Facets asked for with `?_facet=` are Datasette's
own and always computed.
"""

from __future__ import annotations

from typing import Any

from datasette.facets import ArrayFacet, ColumnFacet, DateFacet, Facet, load_facet_configs

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
        results, timed_out = [], []
        for kind, cls in FACET_CLASSES.items():
            taken = {c["config"].get("column") or c["config"].get("simple")
                     for c in requested.get(kind, [])}
            configs = [{"source": "metadata", "config": {"simple": column}}
                       for t, column in facets if t == kind and column not in taken]
            if not configs:
                continue
            facet = cls(self.ds, self.request, self.database, sql=self.sql, table=self.table,
                        params=self.params, metadata=self.metadata, row_count=self.row_count)
            facet.get_configs = lambda configs=configs: configs
            facet_results, facet_timed_out = await facet.facet_results()
            results.extend(facet_results)
            timed_out.extend(facet_timed_out)
        return results, timed_out
