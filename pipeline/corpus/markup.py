"""Parse a document source (the seed's light markdown) into blocks, and give its plain text.

The seed uses a small, regular subset of markdown: `#` headings, `- ` list items, lines ending in
two spaces (hard breaks), blank lines between paragraphs, and tab-separated table rows. Every
source line is rendered as its own line (the seed was OCRed line by line, so a line break in it is
a line break on the page); long lines wrap. The same blocks drive the PDF renderers and
`plain_text`, so the reference text and the rendered page cannot drift apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^(#{1,6}) (.*)$")
ITEM = "- "


@dataclass
class Block:
    kind: str  # "heading", "para", "item" or "table"
    lines: list[str] = field(default_factory=list)  # visible text, one entry per rendered line
    level: int = 0  # heading level, 1..6
    rows: list[list[str]] = field(default_factory=list)  # table cells ("" for an empty cell)
    group: int = 0  # blocks with the same group were not separated by a blank line

    @property
    def text(self) -> str:
        if self.kind == "table":
            return "\n".join(row_text(row) for row in self.rows)
        return "\n".join(self.lines)


def clean(line: str) -> str:
    """What a reader sees of a source line: no surrounding spaces, single inner spaces."""
    return re.sub(r"[ \u3000]+", " ", line.strip())


def cells(line: str) -> list[str]:
    """A table row's cells; leading and inner empty cells are kept for column alignment."""
    row = [clean(cell) for cell in line.rstrip("\n").split("\t")]
    while row and not row[-1]:
        row.pop()
    return row


def grid(rows: list[list[str]], pads: dict[int, int] | None = None) -> list[list[str]]:
    """Rows as a rectangular grid: `pads` {row: n} inserts n empty cells at a row's start (where
    the OCR lost a header cell), short rows are filled with empty cells at the end."""
    pads = pads or {}
    rows = [[""] * pads.get(r, 0) + row for r, row in enumerate(rows)]
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


def row_text(row: list[str]) -> str:
    return "\t".join(cell for cell in row if cell)


def parse(source: str) -> list[Block]:
    blocks: list[Block] = []
    group = 0
    current: Block | None = None  # the block a plain continuation line belongs to
    for raw in source.split("\n"):
        if not raw.strip():
            if blocks and blocks[-1].group == group:
                group += 1
            current = None
            continue
        if "\t" in raw:
            if current is None or current.kind != "table":
                current = Block("table", group=group)
                blocks.append(current)
            current.rows.append(cells(raw))
            continue
        match = HEADING.match(raw)
        if match:
            blocks.append(Block("heading", [clean(match[2])], level=len(match[1]), group=group))
            current = None
        elif raw.startswith(ITEM):
            current = Block("item", [clean(raw[len(ITEM):])], group=group)
            blocks.append(current)
        elif current is not None and current.kind in ("para", "item"):
            current.lines.append(clean(raw))
        else:
            current = Block("para", [clean(raw)], group=group)
            blocks.append(current)
    return blocks


def blocks_text(blocks: list[Block]) -> str:
    """Blocks in reading order: a newline between blocks, a blank line between groups."""
    parts: list[str] = []
    for n, block in enumerate(blocks):
        if n:
            parts.append("\n\n" if block.group != blocks[n - 1].group else "\n")
        parts.append(block.text)
    return "".join(parts)
