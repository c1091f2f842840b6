"""Datasette plugin for the archive, registered through the package's `datasette` entry point.

Makes the server read-only (405 for anything but GET/HEAD), serves the published snapshots beside
the live archive (`snapshots.py`: `?_version=` redirects to the snapshot of that version, unknown
versions get a 404, snapshot responses are cacheable for ever), and adds the document page
(/-/document/{id}), ranked search (/-/search), source files and page images, the archive version
(/-/archive-version, shown in every footer), the published versions (/-/versions), a "cite this"
box on every page of the archive (pointing at the latest snapshot) and links from documents rows
to their document pages.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from datasette import hookimpl
from datasette.utils import CustomRow
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from ..load.database import MMAP_SIZE
from . import cache, facets, research, snapshots, views
from .views import PLUGIN

TEMPLATES_DIR = Path(__file__).with_name("templates")


def _row_item(self, key, _getitem=CustomRow.__getitem__):
    """Datasette's CustomRow imitates sqlite3.Row but raises KeyError for a column it lacks where
    sqlite3.Row raises IndexError, which is what Datasette's table view catches when it looks up
    the sort column (`rowid`, not selected) to make the next-page link: every HTML page of a
    table with foreign keys (labels expanded: CustomRow) and more than one page of rows was a 500.
    Make the imitation faithful."""
    try:
        return _getitem(self, key)
    except KeyError:
        raise IndexError(key) from None


CustomRow.__getitem__ = _row_item


READ_METHODS = {"GET", "HEAD"}
NO_CITATION_TEMPLATES = {"error.html", "unknown_version.html"}


@hookimpl
def startup(datasette):
    config = datasette.plugin_config(PLUGIN) or {}
    if config.get("archive"):
        cache_mb = float(config.get("page_cache_mb", cache.DEFAULT_MAX_BYTES / 2**20))
        snapshots.install(datasette, config.get("live") or Path(config["archive"]).stem,
                          Path(config["archive"]), int(cache_mb * 2**20))


@hookimpl
def get_metadata(datasette, key, database, table):
    registry = snapshots.registry(datasette)
    return registry.metadata() if registry else {}


@hookimpl
def asgi_wrapper(datasette):
    """Before Datasette sees a request: refuse writes (405), follow `?_version=` to the snapshot of
    that version (302; 404 if none), answer pages kept in memory (`cache.py`), and mark snapshot
    responses as cacheable for ever."""

    def wrap(app):
        async def archive_app(scope, receive, send):
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            if scope["method"] not in READ_METHODS:
                # Datasette's POST handlers exist only for writable canned queries, logins and
                # debug tools: the archive is read-only over HTTP too.
                await _send(send, 405, b"405: this archive is read-only\n", "text/plain; charset=utf-8",
                            [(b"allow", b"GET, HEAD")])
                return
            registry = snapshots.registry(datasette)
            if registry is None:
                await app(scope, receive, send)
                return
            registry.refresh()
            query = urllib.parse.parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                           keep_blank_values=True)
            args = dict(query)
            path = scope["path"]
            addressed = registry.database_of(path, args)
            cited = args.get("_version")
            if cited:
                target = registry.by_version.get(cited)
                if target is not None and target.name != addressed:
                    location = registry.same_page_in(path, query, target.name)
                    await _send(send, 302, b"", "text/plain", [(b"location", location.encode())])
                    return
                if target is None and not (addressed == registry.live
                                           and cited == await views.live_version(datasette)):
                    await views.unknown_version(scope, receive, send, datasette, cited)
                    return
            if addressed is not None and registry.cache is not None and scope["method"] == "GET" \
                    and not path.startswith(snapshots.UNCACHED_PAGES):
                state = None if addressed in registry.by_name else registry.live_state()
                host = dict(scope.get("headers") or []).get(b"host", b"")
                key = (path, scope.get("query_string", b""), host, registry.generation, state)
                hit = registry.cache.get(key)
                if hit is not None:
                    await cache.replay(send, *hit)
                    return
                send = cache.recording(send, lambda start, body: registry.cache.put(key, start, body))
            if addressed in registry.by_name:
                await app(scope, receive, _immutable_response(send))
            else:
                await app(scope, receive, send)

        return archive_app

    return wrap


async def _send(send, status: int, body: bytes, content_type: str, headers=()) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", content_type.encode()), (b"content-length", str(len(body)).encode()),
        *headers]})
    await send({"type": "http.response.body", "body": body})


# Datasette adds how long the query took to its JSON; a snapshot's answer must be the same bytes
# every time it is asked.
_QUERY_MS = re.compile(rb',\s*"query_ms":\s*[-+0-9.eE]+')


def _immutable_response(send):
    """`send` for a snapshot's response: a successful one gets far-future Cache-Control, and JSON
    loses its timing field (buffered: Datasette sends a JSON body in one piece anyway)."""
    state: dict = {}

    async def wrapped(message):
        if message["type"] == "http.response.start":
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
            if message["status"] == 200:
                headers.append((b"cache-control", snapshots.IMMUTABLE_CACHE_CONTROL.encode()))
            else:
                headers.append((b"cache-control", b"no-cache"))
            content_type = dict((k.lower(), v) for k, v in headers).get(b"content-type", b"")
            if content_type.startswith(b"application/json"):
                state["start"] = {**message, "headers": [(k, v) for k, v in headers
                                                          if k.lower() != b"content-length"]}
                state["body"] = []
                return
            await send({**message, "headers": headers})
        elif message["type"] == "http.response.body" and "start" in state:
            state["body"].append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = _QUERY_MS.sub(b"", b"".join(state["body"]))
            start = state["start"]
            start["headers"].append((b"content-length", str(len(body)).encode()))
            await send(start)
            await send({"type": "http.response.body", "body": body})
        else:
            await send(message)

    return wrapped


@hookimpl
def register_routes():
    return views.ROUTES + research.ROUTES


@hookimpl
def register_facet_classes():
    return [facets.DefaultFacets]


@hookimpl
def prepare_connection(conn):
    # Read pages straight from the OS's file cache instead of copying each into SQLite's: a search
    # matching most of 100,000 documents looks up every one of them (counting 80,000 hits took
    # 93 ms without, 39 ms with it).
    conn.execute(f"PRAGMA mmap_size = {MMAP_SIZE}")


@hookimpl
def prepare_jinja2_environment(env):
    # An entry-point plugin that is a module, not a package, gets no templates folder from
    # Datasette: put ours in front of the loader ourselves.
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES_DIR)), env.loader])


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path("/-/pipeline/static/archive.css")]


@hookimpl
def extra_template_vars(datasette, request, table, view_name, template):
    async def inner():
        registry = snapshots.registry(datasette)
        if registry is None or request is None:
            return {}
        live = await views.live_version(datasette)
        addressed = registry.database_of(request.path, request.args)
        snapshot = registry.by_name.get(addressed)
        context = {
            "archive_version": snapshot.version if snapshot else live,
            "archive_version_url": datasette.urls.path("/-/archive-version"),
            "archive_search_url": datasette.urls.path("/-/search"),
            "archive_versions_url": datasette.urls.path("/-/versions"),
            "live_version": live,
            "served_snapshot": snapshot,
        }
        if addressed is not None and template not in NO_CITATION_TEMPLATES:
            context["citation"] = views.page_citation(datasette, request, registry, addressed,
                                                      live, views.describe(request, table, view_name))
        return context

    return inner


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search the archive 全文検索"},
        {"href": datasette.urls.path("/-/timeline"), "label": "Timeline 年表"},
        {"href": datasette.urls.path("/-/versions"), "label": "Published versions 公開版"},
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """A document's title links to its document page, wherever documents rows are shown."""
    if table != "documents" or column != "title":
        return None
    try:
        doc_id = row["id"]
    except (KeyError, IndexError):
        return None
    href = datasette.urls.path(f"/-/document/{urllib.parse.quote(doc_id)}")
    label = value if value else doc_id
    return Markup(f'<a class="document-link" href="{escape(href)}">{escape(label)}</a>')
