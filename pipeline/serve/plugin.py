"""Datasette plugin for the archive, registered through the package's `datasette` entry point.

Makes the server read-only (405 for anything but GET/HEAD) and adds the document page
(/-/document/{id}), ranked search (/-/search), source files and page images, the archive version
(/-/archive-version, shown in every footer), links from documents rows to their document pages,
and a warning when a cited `_version` is not the one served.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path

from datasette import hookimpl
from jinja2 import ChoiceLoader, FileSystemLoader
from markupsafe import Markup, escape

from ..load.database import MMAP_SIZE
from . import facets, views

TEMPLATES_DIR = Path(__file__).with_name("templates")


READ_METHODS = {"GET", "HEAD"}


@hookimpl
def asgi_wrapper():
    """The archive is read-only over HTTP too: anything but GET/HEAD gets 405, before Datasette
    (whose POST handlers exist only for writable canned queries, logins and debug tools) sees it."""

    def wrap(app):
        async def read_only(scope, receive, send):
            if scope["type"] == "http" and scope["method"] not in READ_METHODS:
                body = b"405: this archive is read-only\n"
                await send({"type": "http.response.start", "status": 405, "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"allow", b"GET, HEAD"),
                    (b"content-length", str(len(body)).encode()),
                ]})
                await send({"type": "http.response.body", "body": body})
                return
            await app(scope, receive, send)

        return read_only

    return wrap


@hookimpl
def register_routes():
    return views.ROUTES


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
def extra_template_vars(datasette, request):
    async def inner():
        try:
            db = await views.archive_database(datasette)
        except views.Missing:  # Datasette serving other databases only: no archive footer
            return {}
        info = await views.archive_info(db)
        served = info.get("version")
        cited = request.args.get("_version") if request else None
        return {
            "archive_version": served,
            "archive_version_url": datasette.urls.path("/-/archive-version"),
            "archive_search_url": datasette.urls.path("/-/search"),
            "cited_version": cited,
            "version_mismatch": bool(cited and served and cited != served),
        }

    return inner


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/search"), "label": "Search the archive 全文検索"},
        {"href": datasette.urls.path("/-/archive-version"), "label": "Archive version"},
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
