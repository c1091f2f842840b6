"""Responses of published snapshots, kept in memory.

A snapshot never changes, so a page of it is computed once: a search with its facets costs
~100-200 ms of SQL and template at 5,000 documents, a second ask costs a dictionary lookup. This
is the server-side half of the far-future `Cache-Control` the snapshot URLs carry (for clients
and proxies that do not keep them). Bounded by bytes, least recently used out first. The key
holds the Host header (pages carry absolute URLs) and the registry's generation (a snapshot's
document page lists the snapshots holding the document, which grows as snapshots are published).
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
            state["start"] = message if message["status"] == 200 else None
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
