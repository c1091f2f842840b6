"""Serve the archive read-only with Datasette.

    from pipeline.serve.app import serve
    serve("archive.db", port=8001)        # foreground, until Ctrl-C

Two kinds of databases are served, each opened as it must be:
  - the live archive (`archive.db` → `/archive`) read-only (`mode=ro`), not immutable: an
    immutable database is assumed never to change, and `pipeline ingest` may write beside the
    server (WAL: readers see the last commit and are never blocked by the writer);
  - every published snapshot beside it (`archive-VERSION.db` → `/archive-VERSION`, made by
    `pipeline publish`) immutable (`immutable=1`: no locks, counts cached), including those
    published while the server runs (see `snapshots.py`).
`--immutable` serves the live file immutable too, for a copy nothing will write to.

With the `ja_bigram` tokenizer loaded, the metadata of `datasette_metadata.json` (titles, column
descriptions, facets, canned queries) and the plugin in `pipeline.serve.plugin`. Datasette 0.65
has no write API and runs only SELECT statements; the plugin refuses every method but GET and
HEAD. `make_datasette` builds the same server in process, for tests.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..load.fts import ENTRYPOINT, extension_path
from . import facets
from .facets import PLUGIN

METADATA_NAME = "datasette_metadata.json"
METADATA_DATABASE = "archive"  # the database name datasette_metadata.json is written for

SETTINGS = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "allow_download": True,  # a snapshot's file itself, so a citation can be checked offline
    "truncate_cells_html": 300,  # documents.text is long; the document page shows it whole
    "default_page_size": 50,
    # Suggested facets try every column over every matching row: seconds per page at 100,000
    # documents. The tables' own facets stay (see facets.py).
    "suggest_facets": False,
}


def metadata_path() -> Path:
    """`datasette_metadata.json`: in the repository root beside the package, else the cwd."""
    for candidate in (Path(__file__).resolve().parents[2] / METADATA_NAME, Path.cwd() / METADATA_NAME):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{METADATA_NAME} not found beside the pipeline package or in {Path.cwd()}")


def metadata_for(db_path: str | os.PathLike[str], source_dirs: Sequence[str | os.PathLike[str]] = (),
                 page_cache_mb: float | None = None) -> dict[str, Any]:
    """The metadata for serving `db_path`: `datasette_metadata.json` with its database entry
    renamed to the database's name (the file stem), the plugin told where source files are, and
    each table's facets handed to the plugin (`facets.DefaultFacets`), which computes them only
    when few enough rows match."""
    metadata = json.loads(metadata_path().read_text(encoding="utf-8"))
    name = Path(db_path).stem
    databases = metadata.setdefault("databases", {})
    if METADATA_DATABASE in databases and name != METADATA_DATABASE:
        databases[name] = databases.pop(METADATA_DATABASE)
    limit = facets.max_rows_in(metadata)
    for database in databases.values():
        for table in (database.get("tables") or {}).values():
            if table.get("facets"):
                defaults = table.pop("facets")
                table.setdefault("plugins", {}).setdefault(PLUGIN, {})["facets"] = defaults
                columns = ", ".join(column for _, column in facets.parse(defaults))
                table["description"] = (
                    f"{table.get('description', '')} Facets ({columns}) are shown when at most "
                    f"{limit:,} rows match; for more, add ?_facet=COLUMN to the URL.").strip()
    config = metadata.setdefault("plugins", {}).setdefault(PLUGIN, {})
    dirs = [str(Path(d).resolve()) for d in source_dirs]
    if dirs:
        config["source_dirs"] = dirs
    # The live archive: its snapshots (`<stem>-<version>.db` beside it) are served too.
    config["archive"] = str(Path(db_path).resolve())
    config["live"] = name
    if page_cache_mb is not None:
        config["page_cache_mb"] = page_cache_mb
    return metadata


def default_source_dirs(db_path: str | os.PathLike[str]) -> list[Path]:
    """Where to look for source files by default: `corpus/source` and `corpus` beside the database
    (recorded source paths, relative to the database's folder, are tried first anyway)."""
    here = Path(db_path).resolve().parent
    return [d for d in (here / "corpus" / "source", here / "corpus") if d.is_dir()]


def make_datasette(
    db_path: str | os.PathLike[str], source_dirs: Sequence[str | os.PathLike[str]] | None = None,
    immutable: bool = False, page_cache_mb: float | None = None,
):
    """A configured `datasette.app.Datasette` for the archive, as `serve` runs it (the live archive
    read-only, its snapshots immutable; for tests and embedding); call
    `await ds.invoke_startup()` before using it."""
    from datasette.app import Datasette

    if source_dirs is None:
        source_dirs = default_source_dirs(db_path)
    return Datasette(
        [] if immutable else [str(db_path)],
        immutables=[str(db_path)] if immutable else [],
        metadata=metadata_for(db_path, source_dirs, page_cache_mb),
        settings=SETTINGS,
        sqlite_extensions=[(str(extension_path()), ENTRYPOINT)],
    )


# Server processes: Datasette renders pages in Python, one core per process at most (the GIL);
# two use both cores of the machines this runs on (see `make bench`, the load test).
DEFAULT_WORKERS = 2
_CONFIG_ENV = "PIPELINE_SERVE_CONFIG"


def asgi_app():
    """The ASGI app of one server process (a uvicorn factory): the Datasette of `make_datasette`
    for the archive that `serve` named in the environment."""
    config = json.loads(os.environ[_CONFIG_ENV])
    return make_datasette(config["db"], config["source_dirs"], immutable=config["immutable"],
                          page_cache_mb=config["page_cache_mb"]).app()


def serve(
    db_path: str | os.PathLike[str], port: int = 8001, host: str = "127.0.0.1",
    source_dirs: Sequence[str | os.PathLike[str]] | None = None, immutable: bool = False,
    workers: int = DEFAULT_WORKERS, page_cache_mb: float | None = None,
) -> None:
    """Run Datasette on the archive in the foreground (until interrupted), in `workers`
    processes sharing the port."""
    import uvicorn

    if source_dirs is None:
        source_dirs = default_source_dirs(db_path)
    os.environ[_CONFIG_ENV] = json.dumps({
        "db": str(Path(db_path).resolve()), "source_dirs": [str(d) for d in source_dirs],
        "immutable": immutable, "page_cache_mb": page_cache_mb})
    uvicorn.run(f"{__name__}:asgi_app", factory=True, host=host, port=port, workers=workers,
                log_level="info")  # as `datasette serve`: the URL, then one line per request


if __name__ == "__main__":  # python -m pipeline.serve.app archive.db [port]
    serve(sys.argv[1], port=int(sys.argv[2]) if len(sys.argv) > 2 else 8001)
