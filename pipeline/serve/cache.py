"""Pages of the archive, kept in memory until what they show can have changed.

Most of a page's cost is Python (Datasette's views and templates: 10-30 ms a page on these
machines, one core per server process), and readers ask for the same pages again and again (a
cited query, a list with its facets), so a page is computed once per state of its database: a
published snapshot never changes (this is the server-side half of the far-future `Cache-Control`
its URLs carry), the live archive changes only when a write commits (SQLite's
`PRAGMA data_version`, and the file's inode for an archive replaced by `pipeline build`). The key
also holds the Host header (pages carry absolute URLs) and the registry's generation (pages cite
the latest snapshot and list the snapshots holding a document). Bounded by bytes, least recently
used out first; responses that set cookies, are not 200 or are larger than MAX_RESPONSE_BYTES are
not kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

DEFAULT_MAX_BYTES = 64 << 20
MAX_RESPONSE_BYTES = 2 << 20  # larger responses (CSV exports, big SQL results) are not kept


class ResponseCache:
    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[tuple, tuple[dict, bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple[dict, bytes] | None:
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item

    def put(self, key: tuple, start: dict, body: bytes) -> None:
        if len(body) > MAX_RESPONSE_BYTES or len(body) > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = (start, body)
            self.size += len(body)
            while self.size > self.max_bytes:
                _, (_, old) = self._items.popitem(last=False)
                self.size -= len(old)


async def replay(send, start: dict, body: bytes) -> None:
    await send(start)
    await send({"type": "http.response.body", "body": body})


def recording(send, on_complete):
    """`send` that passes every message through and, for a complete 200 response of at most
    MAX_RESPONSE_BYTES, calls `on_complete(start, body)` at its end."""
    state: dict = {"body": [], "size": 0}

    async def wrapped(message):
        await send(message)
        if message["type"] == "http.response.start":
            keep = message["status"] == 200 and not any(
                k.lower() == b"set-cookie" for k, _ in message.get("headers", []))
            state["start"] = message if keep else None
        elif message["type"] == "http.response.body" and state.get("start") is not None:
            chunk = message.get("body", b"")
            state["size"] += len(chunk)
            if state["size"] > MAX_RESPONSE_BYTES:
                state["start"] = None
                return
            state["body"].append(chunk)
            if not message.get("more_body"):
                on_complete(state["start"], b"".join(state["body"]))

    return wrapped
