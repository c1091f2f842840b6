"""The plugin's pages: a document with its entities marked, ranked search, source files and
page images, the archive version."""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import urllib.parse
from pathlib import Path
from typing import Any

from datasette.database import Database
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response, asgi_send_file

from ..load.search import SEARCH_DOCUMENTS_SQL, SEARCH_PAGES_SQL, search_params
from . import render, sources

PLUGIN = "pipeline"
STATIC_DIR = Path(__file__).with_name("static")


# --- helpers -------------------------------------------------------------------------------------


class Missing(NotFound):
    """A 404 the views answer themselves: raising NotFound into Datasette would also print a
    full traceback (with locals) on the server's console for every missing page image."""


def answers_missing(view):
    # Datasette passes a view's arguments positionally, chosen by its signature's names.
    names = list(inspect.signature(view).parameters)

    @functools.wraps(view)
    async def wrapper(*args):
        try:
            return await view(*args)
        except Missing as exc:
            given = dict(zip(names, args))
            request, datasette = given["request"], given["datasette"]
            message = exc.args[0] if exc.args else "Not found"
            if request.path.endswith(".json") or request.args.get("_format") == "json":
                return Response.json({"ok": False, "error": message, "status": 404}, status=404)
            html = await datasette.render_template(
                "error.html", {"ok": False, "error": message, "status": 404, "title": None},
                request=request)
            return Response.html(html, status=404)

    return wrapper


async def archive_database(datasette, name: str | None = None) -> Database:
    """The database holding the archive: `name` if given, else the first one with its tables."""
    names = [name] if name else [n for n in datasette.databases if not n.startswith("_")]
    for n in names:
        db = datasette.databases.get(n)
        if db is None:
            continue
        tables = await db.table_names()
        if "documents" in tables and "archive_info" in tables:
            return db
    raise Missing(f"no archive database{f' named {name}' if name else ''}")


async def archive_info(db: Database) -> dict[str, str]:
    return {r["key"]: r["value"] for r in (await db.execute("select key, value from archive_info")).rows}


def source_dirs(datasette) -> list[Path]:
    config = datasette.plugin_config(PLUGIN) or {}
    dirs = config.get("source_dirs") or []
    if isinstance(dirs, str):
        dirs = [dirs]
    return [Path(d) for d in dirs]


def db_dir(db: Database) -> Path:
    return Path(db.path).resolve().parent if db.path else Path.cwd()


def query_url(datasette, db: Database, sql: str, params: dict[str, Any], version: str | None) -> str:
    """A Datasette SQL URL that reproduces a result, carrying the archive version it came from."""
    args = {"sql": sql, **params}
    if version:
        args["_version"] = version
    return datasette.urls.database(db.name) + "?" + urllib.parse.urlencode(args)


async def _document_row(db: Database, doc_id: str) -> dict[str, Any]:
    row = (await db.execute("select * from documents where id = ?", [doc_id])).first()
    if row is None:
        raise Missing(f"no document {doc_id}")
    return dict(row)


# --- pages ---------------------------------------------------------------------------------------


@answers_missing
async def document(request, datasette):
    """/-/document/{id}: the text, page by page, with entities marked; facts per kind; tables;
    links to the source file, page images and the SQL behind every fact."""
    db = await archive_database(datasette, request.args.get("db"))
    doc = await _document_row(db, request.url_vars["id"])
    pages = [dict(r) for r in (await db.execute(
        "select * from pages where document_id = ? order by page", [doc["id"]])).rows]
    entities = [dict(r) for r in (await db.execute(
        'select * from entities where document_id = ? order by start, "end" desc, kind',
        [doc["id"]])).rows]
    tables = [dict(r) for r in (await db.execute(
        "select * from doc_tables where document_id = ? order by page, table_index",
        [doc["id"]])).rows]
    cells = [dict(r) for r in (await db.execute(
        "select * from table_cells where document_id = ? order by table_id, row, col",
        [doc["id"]])).rows]
    info = await archive_info(db)
    version = info.get("version")

    if not pages:  # a document loaded without page records: show its text as one page
        pages = [{"page": 1, "source_page": doc["page_start"], "method": None, "confidence": None,
                  "vertical": 0, "text": doc["text"], "start": 0, "end": len(doc["text"])}]
    for n, e in enumerate(entities, start=1):
        e["n"] = n
        e["sql_url"] = query_url(
            datasette, db, "select * from entities where id = :id", {"id": e["id"]}, version)
    for p in pages:
        if p["start"] is not None:
            p["html"] = render.mark_entities(p["text"], entities, offset=p["start"])
        else:
            p["html"] = render.mark_entities(p["text"], [])
        p["image_url"] = datasette.urls.path(
            f"/-/page-image/{urllib.parse.quote(doc['id'])}/{p['page']}.png")
    for t in tables:
        t["grid"] = render.table_grid([c for c in cells if c["table_id"] == t["id"]])
        t["sql_url"] = query_url(
            datasette, db,
            "select row, col, text, row_header, col_header from table_cells"
            " where table_id = :table_id order by row, col",
            {"table_id": t["id"]}, version)

    source = await asyncio.to_thread(sources.find_source, doc, db_dir(db), source_dirs(datasette))
    quoted = urllib.parse.quote(doc["id"])
    context = {
        "database": db.name,
        "doc": doc,
        "pages": pages,
        "groups": render.fact_groups(entities),
        "entity_count": len(entities),
        "tables": tables,
        "format_value": render.format_value,
        "egov_url": render.egov_url,
        "archive_version": version,
        "has_source": source is not None,
        "has_images": sources.renderable(source),
        "source_url": datasette.urls.path(f"/-/source/{quoted}"),
        "row_url": datasette.urls.row(db.name, "documents", tilde_encode(doc["id"])),
        "document_sql_url": query_url(
            datasette, db, "select * from documents where id = :id", {"id": doc["id"]}, version),
        "entities_url": datasette.urls.table(db.name, "entities")
        + "?" + urllib.parse.urlencode({"document_id": doc["id"]}),
    }
    from . import research  # here: research imports this module's helpers

    context.update(await research.document_extras(datasette, db, doc, version))
    html = await datasette.render_template("document.html", context, request=request,
                                           view_name="document")
    return Response.html(html)


@answers_missing
async def search(request, datasette):
    """/-/search?q=: documents and pages ranked by bm25, with highlighted snippets."""
    db = await archive_database(datasette, request.args.get("db"))
    q = (request.args.get("q") or "").strip()
    with_synonyms = request.args.get("synonyms") == "1"
    documents, pages, error, also = [], [], None, []
    if q:
        params = search_params(q, limit=50)
        if with_synonyms:
            from ..load import terms

            params["query"], also = await db.execute_fn(lambda conn: terms.expand(conn, q))
        try:
            documents = [dict(r) for r in (await db.execute(SEARCH_DOCUMENTS_SQL, params)).rows]
            pages = [dict(r) for r in (await db.execute(SEARCH_PAGES_SQL, params)).rows]
        except Exception as exc:  # e.g. an FTS5 syntax error, shown like Datasette shows them
            error = str(exc)
    for r in [*documents, *pages]:
        r["snippet_html"] = render.snippet_html(r["snippet"])
    info = await archive_info(db)
    if request.args.get("_format") == "json":
        strip = lambda rows: [{k: v for k, v in r.items() if k != "snippet_html"} for r in rows]  # noqa: E731
        return Response.json({"q": q, "documents": strip(documents), "pages": strip(pages),
                              "also_searched": also, "version": info.get("version"), "error": error})
    context = {
        "database": db.name,
        "q": q,
        "documents": documents,
        "pages": pages,
        "error": error,
        "archive_version": info.get("version"),
        "fts_sql_url": query_url(datasette, db, SEARCH_DOCUMENTS_SQL.strip(),
                                 params, info.get("version")) if q else None,
        "with_synonyms": with_synonyms,
        "also_searched": also,
    }
    if q and not error:
        from . import research

        context.update(await research.search_extras(datasette, db, q, params["query"],
                                                    info.get("version")))
    html = await datasette.render_template("archive_search.html", context, request=request,
                                           view_name="archive_search")
    return Response.html(html)


@answers_missing
async def source(request, datasette, send):
    """/-/source/{id}: the document's source file, if it is available with the recorded hash."""
    db = await archive_database(datasette, request.args.get("db"))
    doc = await _document_row(db, request.url_vars["id"])
    path = await asyncio.to_thread(sources.find_source, doc, db_dir(db), source_dirs(datasette))
    if path is None:
        raise Missing(f"the source file of {doc['id']} ({doc['source']}) is not available here")
    content_type = sources.CONTENT_TYPES.get(path.suffix.lower(), "application/octet-stream")
    headers = {"content-disposition": f"inline; filename*=UTF-8''{urllib.parse.quote(path.name)}"}
    await asgi_send_file(send, path, content_type=content_type, headers=headers, chunk_size=1 << 16)


@answers_missing
async def page_image(request, datasette):
    """/-/page-image/{id}/{n}.png: page n of the document (1-based within it) rendered as PNG."""
    db = await archive_database(datasette, request.args.get("db"))
    doc = await _document_row(db, request.url_vars["id"])
    n = int(request.url_vars["page"])
    if not 1 <= n <= doc["page_count"]:
        raise Missing(f"{doc['id']} has no page {n}")
    path = await asyncio.to_thread(sources.find_source, doc, db_dir(db), source_dirs(datasette))
    if not sources.renderable(path):
        raise Missing(f"no page images of {doc['id']}: its source file is not here or not a PDF or image")
    try:
        dpi = max(36, min(int(request.args.get("dpi") or sources.DEFAULT_DPI), 200))
    except ValueError:
        dpi = sources.DEFAULT_DPI
    body = await asyncio.to_thread(sources.render_page_png, path, doc["page_start"] + n - 1, dpi)
    return Response(body, content_type="image/png",
                    headers={"cache-control": "public, max-age=86400"})


@answers_missing
async def version(request, datasette):
    """/-/archive-version: the content hash to cite, with what built the archive."""
    db = await archive_database(datasette, request.args.get("db"))
    info = await archive_info(db)
    return Response.json({"database": db.name, **info})


_STATIC_NAME = re.compile(r"^[\w.-]+$")


@answers_missing
async def static(request, datasette):
    name = request.url_vars["name"]
    path = STATIC_DIR / name
    if not _STATIC_NAME.match(name) or not path.is_file():
        raise Missing(name)
    content_type = {"css": "text/css", "js": "application/javascript"}.get(
        path.suffix.lstrip("."), "application/octet-stream")
    return Response(path.read_text(encoding="utf-8"), content_type=content_type,
                    headers={"cache-control": "public, max-age=3600"})


ROUTES = [
    (r"^/-/document/(?P<id>[^/]+)$", document),
    (r"^/-/search$", search),
    (r"^/-/source/(?P<id>[^/]+)$", source),
    (r"^/-/page-image/(?P<id>[^/]+)/(?P<page>\d+)\.png$", page_image),
    (r"^/-/archive-version$", version),
    (r"^/-/pipeline/static/(?P<name>[^/]+)$", static),
]
