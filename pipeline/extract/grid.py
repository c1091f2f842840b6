"""Ruled tables: from ruling-line segments to a grid of cells, and from positioned text to rows.

The segment-to-cell geometry is pdfplumber's (snap, join, intersect, smallest cells, contiguous
groups), fed with segments we find ourselves: from PDF path objects read by pypdfium2 (much
faster than letting pdfplumber parse the page) or from the ruling lines of a scanned image.
Coordinates are top-down (x0, top, x1, bottom), in PDF points or in pixels.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from pdfplumber import table as _pt

Box = tuple[float, float, float, float]


_ROW_NUMBER = re.compile(r"^\W*[0-9]{1,3}\W*$")
_FIGURE = re.compile(r"^[\s0-9,.%()-]*$")


def header_columns(rows: list[list[str]]) -> int:
    """How many leading columns label the rows: 2 when column 0 only numbers them (1, 2, 3 …
    before the ward each row is about), else 1."""
    body = [row for row in rows[1:] if len(row) > 1]
    if len(body) < 3:
        return 1
    numbered = sum(1 for row in body if _ROW_NUMBER.match(row[0] or ""))
    short = sum(1 for row in body if len((row[0] or "").strip()) <= 3)
    labelled = sum(1 for row in body
                   if len((row[1] or "").strip()) >= 2 and not _FIGURE.match(row[1] or ""))
    return 2 if numbered >= 0.6 * len(body) and short == len(body) and labelled >= 0.6 * len(body) else 1


class Grid:
    """A table's cells, row by row; None where a cell spanning several slots covers it."""

    def __init__(self, rows: list[list[Box | None]]):
        self.rows = rows
        cells = [(r, c, box) for r, row in enumerate(rows) for c, box in enumerate(row) if box]
        self.bbox: Box = (
            min(b[0] for _, _, b in cells),
            min(b[1] for _, _, b in cells),
            max(b[2] for _, _, b in cells),
            max(b[3] for _, _, b in cells),
        )
        # Slots between consecutive cell borders, each mapped to the cell covering it, so
        # that finding a point's cell is two bisections.
        self._xs = sorted({v for _, _, b in cells for v in (b[0], b[2])})
        self._ys = sorted({v for _, _, b in cells for v in (b[1], b[3])})
        self._slots: dict[tuple[int, int], tuple[int, int]] = {}
        for r, c, (x0, top, x1, bottom) in cells:
            for i in range(bisect_left(self._ys, top), bisect_left(self._ys, bottom)):
                for j in range(bisect_left(self._xs, x0), bisect_left(self._xs, x1)):
                    self._slots[(i, j)] = (r, c)

    def contains(self, x: float, y: float) -> bool:
        x0, top, x1, bottom = self.bbox
        return x0 <= x < x1 and top <= y < bottom

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """(row, column) of the cell holding the point, None outside every cell."""
        if not self.contains(x, y):
            return None
        return self._slots.get((bisect_right(self._ys, y) - 1, bisect_right(self._xs, x) - 1))


def edge(x0: float, top: float, x1: float, bottom: float) -> dict:
    """A horizontal (top == bottom) or vertical (x0 == x1) segment, as pdfplumber's edges."""
    if bottom - top < x1 - x0:
        y = (top + bottom) / 2
        return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "orientation": "h"}
    x = (x0 + x1) / 2
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "height": bottom - top,
            "orientation": "v"}


def find_grids(edges: list[dict], tolerance: float = 3.0, min_length: float = 3.0) -> list[Grid]:
    """Tables of at least 2 rows and 2 columns formed by the segments, top to bottom."""
    edges = [e for e in edges if (e["x1"] - e["x0"]) + (e["bottom"] - e["top"]) >= min_length]
    if len(edges) < 6:  # at least 3 + 3 lines make a 2x2 grid
        return []
    edges = _pt.merge_edges(edges, tolerance, tolerance, tolerance, tolerance)
    intersections = _pt.edges_to_intersections(edges, tolerance, tolerance)
    cells = _pt.intersections_to_cells(intersections)
    grids = []
    for group in _pt.cells_to_tables(cells):
        rows = [list(row.cells) for row in _pt.Table(None, group).rows]
        if len(rows) >= 2 and max(len(r) for r in rows) >= 2:
            grids.append(Grid(rows))
    return grids


def fill(grid: Grid, items: Iterable[tuple[float, float, str]]) -> list[list[str]]:
    """Cell texts from (x, y, text) items given in reading order: each item goes to the cell
    holding its centre point (x, y); items in one cell are joined in the order given."""
    parts: dict[tuple[int, int], list[str]] = {}
    for x, y, text in items:
        at = grid.cell_at(x, y)
        if at is not None:
            parts.setdefault(at, []).append(text)
    return [
        [join_lines("".join(parts.get((r, c), []))) for c in range(len(row))]
        for r, row in enumerate(grid.rows)
    ]


def join_lines(text: str) -> str:
    """A cell's lines as one: wrapped Japanese joins directly, Latin words with a space."""
    return re.sub(
        r"\s*\n\s*",
        lambda m: " " if _latin_edge(text, m.start() - 1) and _latin_edge(text, m.end()) else "",
        text.strip(),
    )


def _latin_edge(text: str, i: int) -> bool:
    return 0 <= i < len(text) and text[i].isascii() and text[i].isalnum()


def row_lines(rows: list[list[str]]) -> list[str]:
    """A table as page text: one line per row, its non-empty cells separated by tabs."""
    lines = []
    for row in rows:
        cells = [" ".join(cell.split()) for cell in row if cell.strip()]
        if cells:
            lines.append("\t".join(cells))
    return lines
