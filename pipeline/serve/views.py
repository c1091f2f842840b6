"""The plugin's pages: a document with its entities marked, ranked search, source files and
page images, the archive version, the published versions; and the "cite this" citations."""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import urllib.parse
from pathlib import Path
from typing import Any

from datasette.database import Database
from datasette.utils import tilde_decode, tilde_encode
from datasette.utils.asgi import NotFound, Response, asgi_send_file

from ..load.search import SEARCH_DOCUMENTS_SQL, SEARCH_PAGES_SQL, search_params
from . import citation, render, snapshots, sources

PLUGIN = "pipeline"
STATIC_DIR = Path(__file__).with_name("static")

# More context for the document and search pages, from other modules of the plugin (research.py
# adds copies and charts), called as extra(datasette, db, ...): this module imports none of them.
DOCUMENT_EXTRAS: list = []  # (datasette, db, doc, cite_db, cite_version) -> dict
SEARCH_EXTRAS: list = []  # (datasette, db, q, fts_query, cite_db, cite_version) -> dict


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


async def render_page(datasette, request, template: str, context: dict, view_name: str) -> Response:
    """One of the archive's own HTML pages, rendered with Datasette's templates and menus."""
    html = await datasette.render_template(template, context, request=request, view_name=view_name)
    return Response.html(html)


async def archive_database(datasette, name: str | None = None) -> Database:
    """The database holding the archive: `name` if given, else the live archive (or the first one
    with its tables)."""
    registry = snapshots.registry(datasette)
    if name:
        names = [name]
    elif registry is not None:
        names = [registry.live]
    else:
        names = [n for n in datasette.databases if not n.startswith("_")]
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


def query_url(datasette, database: str, sql: str, params: dict[str, Any], version: str | None) -> str:
    """A Datasette SQL URL that reproduces a result, carrying the archive version it came from."""
    args = {"sql": sql, **params}
    if version:
        args["_version"] = version
    return datasette.urls.database(database) + "?" + urllib.parse.urlencode(args)


async def live_version(datasette) -> str | None:
    """The live archive's version now (an ingest may have changed it since the last request)."""
    registry = snapshots.registry(datasette)
    return registry.live_version() if registry else None


# --- citations -----------------------------------------------------------------------------------


def describe(request, table: str | None = None, view_name: str | None = None) -> str:
    """What a page shows, for its citation: the SQL, or the table (row, canned query) and the
    filters of its URL."""
    pairs = [(k, v) for k, v in urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
             if k not in ("_version", "db", "sql") and v != ""]
    filters = ", ".join(f"{k}={v}" for k, v in pairs)
    sql = request.args.get("sql")
    if sql:
        return f"{sql}; {filters}" if filters else sql
    parts = request.path.strip("/").split("/")
    rest = "/".join(tilde_decode(p) for p in parts[1:])
    rest = re.sub(r"\.(json|csv)$", "", rest) or table or urllib.parse.unquote(parts[0])
    return f"{rest} ({filters})" if filters else rest


def page_citation(datasette, request, registry, addressed: str, live: str | None, subject: str,
                  snapshot=None) -> dict[str, Any]:
    """The citation of the page `request` (addressing the database `addressed`): the same page
    on `snapshot`, by default the one addressed or else the latest published. `stale` says the
    live archive has changed since that snapshot, so the cited answer may differ from the page
    shown; `unpublished` that there is no snapshot to cite yet."""
    snapshot = snapshot or registry.by_name.get(addressed) or registry.latest
    if snapshot is None:
        return {"unpublished": True, "live_version": live}
    query = urllib.parse.parse_qsl(request.query_string, keep_blank_values=True)
    url = datasette.absolute_url(request, registry.same_page_in(request.path, query, snapshot.name))
    c = citation.cite(datasette.metadata("title") or "", subject, snapshot.version,
                      snapshot.published_at, url)
    c["stale"] = addressed == registry.live and live != snapshot.version
    c["live_version"] = live
    return c


async def snapshots_with(datasette, doc_id: str) -> list:
    """The published snapshots that hold the document, oldest first."""
    registry = snapshots.registry(datasette)
    found = []
    for s in registry.snapshots if registry else []:
        db = datasette.databases.get(s.name)
        if db is not None and (await db.execute(
                "select 1 from documents where id = ?", [doc_id])).first():
            found.append(s)
    return found


async def unknown_version(scope, receive, send, datasette, cited: str) -> None:
    """The 404 for a `?_version=` that is neither published nor the live archive's version."""
    from datasette.utils.asgi import Request

    registry = snapshots.registry(datasette)
    # Outside Datasette's own middleware: no CSRF token (the page has no form).
    request = Request({**scope, "csrftoken": lambda: ""}, receive)
    live = await live_version(datasette)
    message = (f"Archive version {cited} is not published on this server, and the live archive is "
               f"now version {live}: the answer this link cited cannot be given. "
               f"版 {cited} はこのサーバーで公開されていません。")
    if request.path.endswith(".json") or request.args.get("_format") == "json":
        response = Response.json({"ok": False, "error": message, "status": 404, "version": cited,
                                  "published": [s.version for s in registry.snapshots]}, status=404)
    else:
        html = await datasette.render_template("unknown_version.html", {
            "cited": cited, "live": live, "message": message,
            "snapshots": list(reversed(registry.snapshots)), "database": registry.live,
        }, request=request)
        response = Response.html(html, status=404)
    await response.asgi_send(send)


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
    # Cite the snapshot shown, else the latest published snapshot that holds the document.
    registry = snapshots.registry(datasette)
    appears_in = await snapshots_with(datasette, doc["id"])
    cited = (registry.by_name.get(db.name) or (appears_in[-1] if appears_in else None)) if registry else None
    cite_db, cite_version = (cited.name, cited.version) if cited else (db.name, version)
    on_db = "" if registry is None or db.name == registry.live else "?" + urllib.parse.urlencode({"db": db.name})

    if not pages:  # a document loaded without page records: show its text as one page
        pages = [{"page": 1, "source_page": doc["page_start"], "method": None, "confidence": None,
                  "vertical": 0, "text": doc["text"], "start": 0, "end": len(doc["text"])}]
    for n, e in enumerate(entities, start=1):
        e["n"] = n
        e["sql_url"] = query_url(
            datasette, cite_db, "select * from entities where id = :id", {"id": e["id"]}, cite_version)
    for p in pages:
        if p["start"] is not None:
            p["html"] = render.mark_entities(p["text"], entities, offset=p["start"])
        else:
            p["html"] = render.mark_entities(p["text"], [])
        p["image_url"] = datasette.urls.path(
            f"/-/page-image/{urllib.parse.quote(doc['id'])}/{p['page']}.png{on_db}")
    for t in tables:
        t["grid"] = render.table_grid([c for c in cells if c["table_id"] == t["id"]])
        t["sql_url"] = query_url(
            datasette, cite_db,
            "select row, col, text, row_header, col_header from table_cells"
            " where table_id = :table_id order by row, col",
            {"table_id": t["id"]}, cite_version)

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
        "source_url": datasette.urls.path(f"/-/source/{quoted}{on_db}"),
        "row_url": datasette.urls.row(db.name, "documents", tilde_encode(doc["id"])),
        "document_sql_url": query_url(
            datasette, cite_db, "select * from documents where id = :id", {"id": doc["id"]}, cite_version),
        "appears_in": [{"snapshot": s, "url": datasette.urls.path(
            f"/-/document/{quoted}?" + urllib.parse.urlencode({"db": s.name}))}
            for s in reversed(appears_in)],
        "page_citation": (page_citation(datasette, request, registry, db.name,
                                        await live_version(datasette),
                                        f"{doc['title'] or doc['id']} ({doc['id']})", snapshot=cited)
                          if cited else {"unpublished": True}) if registry else None,
        "entities_url": datasette.urls.table(db.name, "entities")
        + "?" + urllib.parse.urlencode({"document_id": doc["id"]}),
    }
    for extra in DOCUMENT_EXTRAS:
        context.update(await extra(datasette, db, doc, cite_db, cite_version))
    return await render_page(datasette, request, "document.html", context, "document")


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
    registry = snapshots.registry(datasette)
    cited = (registry.by_name.get(db.name) or registry.latest) if registry else None
    cite_db, cite_version = (cited.name, cited.version) if cited else (db.name, info.get("version"))
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
        "fts_sql_url": query_url(datasette, cite_db, SEARCH_DOCUMENTS_SQL.strip(),
                                 params, cite_version) if q else None,
        "with_synonyms": with_synonyms,
        "also_searched": also,
    }
    if registry is not None and q:
        context["page_citation"] = page_citation(datasette, request, registry, db.name,
                                                 await live_version(datasette), f"全文検索 search: {q}")
    if q and not error:
        for extra in SEARCH_EXTRAS:
            context.update(await extra(datasette, db, q, params["query"], cite_db, cite_version))
    return await render_page(datasette, request, "archive_search.html", context, "archive_search")


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


async def versions(request, datasette):
    """/-/versions: the published snapshots, newest first, with their dates and changes (JSON:
    /-/versions.json, which also keeps Datasette's own software versions under `software`)."""
    registry = snapshots.registry(datasette)
    live = await live_version(datasette)
    rows = []
    for s in reversed(registry.snapshots if registry else []):
        rows.append({
            "version": s.version, "database": s.name, "published_at": s.published_at,
            "previous": s.previous, "documents": s.documents, "added": s.added,
            "changed": s.changed, "removed": s.removed,
            "url": datasette.urls.database(s.name),
            "changes_url": datasette.urls.table(s.name, "snapshot_changes"),
        })
    live_info = {"database": registry.live if registry else None, "version": live,
                 "published": bool(registry and live in registry.by_version)}
    if request.url_vars.get("format") == "json":
        return Response.json({"live": live_info, "snapshots": rows, "software": datasette._versions()})
    return await render_page(datasette, request, "versions.html", {"live": live_info, "snapshots": rows},
                             "archive_versions")


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
    (r"^/-/versions(\.(?P<format>json))?$", versions),
    (r"^/-/pipeline/static/(?P<name>[^/]+)$", static),
]
