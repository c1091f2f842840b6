"""The test corpus: the ten seed documents, rendered as born-digital and scanned PDFs.

`python -m pipeline.corpus` (= `make corpus`) rebuilds everything under corpus/; see
corpus/README.md. The functions here read the committed sources, not the seed, so tests and
evaluations work from a checkout alone.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from .documents import BY_SLUG, INFOS, DocumentInfo
from .markup import Block, blocks_text, grid, parse, row_text
from .seed import SLUGS

CORPUS_DIR = Path(__file__).resolve().parents[2] / "corpus"
SOURCE_DIR = CORPUS_DIR / "source"

__all__ = [
    "CORPUS_DIR", "SLUGS", "DocumentInfo", "Block",
    "documents", "info", "source_text", "blocks", "plain_text", "tables", "row_text", "INFOS",
]


def info(slug: str) -> DocumentInfo:
    return BY_SLUG[slug]


def documents() -> list[dict]:
    """corpus/documents.json: one record per document, in slug order."""
    return json.loads((CORPUS_DIR / "documents.json").read_text(encoding="utf-8"))


@cache
def source_text(slug: str) -> str:
    """The seed text of one document, verbatim (corpus/source/<slug>.md)."""
    if slug not in BY_SLUG:
        raise KeyError(f"unknown document {slug!r}; known: {', '.join(SLUGS)}")
    return (SOURCE_DIR / f"{slug}.md").read_text(encoding="utf-8")


def blocks(slug: str) -> list[Block]:
    return parse(source_text(slug))


def plain_text(slug: str) -> str:
    """The text a reader sees on the rendered pages, in reading order: markdown syntax removed,
    one line per source line, a blank line between paragraphs, table rows as lines with their
    non-empty cells separated by one tab. Line wrapping on the page is not reflected here:
    compare after collapsing whitespace."""
    return blocks_text(blocks(slug))


def tables(slug: str) -> list[list[list[str]]]:
    """The document's tables as printed: rectangular grids of cell texts ("" for an empty
    cell). Row-spanning cells (an empty first-column cell under a filled one) stay empty."""
    from .render import LOOKS  # reportlab only when tables are asked for

    look = LOOKS.get(slug)
    found = [block.rows for block in blocks(slug) if block.kind == "table"]
    return [grid(rows, look.table_pads(n) if look else None) for n, rows in enumerate(found)]

