"""Reading order: horizontal lines, vertical columns, blocks, tables as tab-separated rows.

Works on positioned characters (pdf.Char): PDFium's order is kept for horizontal text, where it
is reliable, and replaced by a geometric column order for vertical text (縦書き), where it is
not (pdfplumber's default order scrambles it too). `blocks_in_order` orders OCR paragraphs,
`columns_in_order` the columns of a vertical OCR page.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from . import grid
from .box import Box, enclosing
from .pdf import Char

if TYPE_CHECKING:
    from .._exec.tesseract import Word

_DIGIT = re.compile(r"[0-9０-９]")


def is_cjk(ch: str) -> bool:
    return len(ch) == 1 and ord(ch) >= 0x2E80 and unicodedata.category(ch)[0] in "LN"


def visible(chars: list[Char]) -> list[Char]:
    return [c for c in chars if not c.generated and c.text.strip()]


def em(chars: list[Char]) -> float:
    """The page's usual character size (points): the median height of its characters."""
    heights = [c.bottom - c.top for c in chars if not c.generated and c.bottom > c.top]
    return statistics.median(heights) if heights else 10.0


# Horizontal text ----------------------------------------------------------------------------


def horizontal_text(chars: list[Char], tables: list[tuple[grid.Grid, list[list[str]]]]) -> str:
    """The page text in PDFium's order; each table replaced, where its first character appears,
    by its rows (one line per row, cells separated by tabs)."""
    out: list[str] = []
    emitted: set[int] = set()
    n = len(chars)
    for i, c in enumerate(chars):
        t = _table_of(c, tables) if tables and not c.generated else None
        if t is not None:
            if t not in emitted:
                emitted.add(t)
                out.append("\n" + "\n".join(grid.row_lines(tables[t][1])) + "\n")
            continue
        if c.generated and c.text == " ":
            if _letter_spaced_digits(chars, i, n):
                continue
        out.append(c.text)
    text = "".join(out).replace("\r\n", "\n").replace("\r", "\n")
    # The thousands separator of a letter-spaced amount (「1 , 1 9 2 , 8 9 3 千円」, its
    # digits rejoined above): spaced on both sides, which no one types.
    text = _SPACED_SEPARATOR.sub(r"\1", text)
    # Drop the spaces PDFium puts around line breaks and the breaks left by table removal.
    text = re.sub(r"[ \u3000]*\n[ \u3000\n]*", "\n", text)
    return text.strip("\n ")


BACKWARD = 0.5  # ems a run may start left of where the previous one ended: a kerned overlap
ONE_ROW = 0.5  # ems the middles of one row's characters may differ by


def runs_left_to_right(chars: list[Char]) -> list[Char]:
    """The characters with each line's runs put left to right where PDFium gave them in the
    order they were drawn (a layout program may draw a line's text runs right to left:
    「けた札幌市在住の方 ( 氏名、ご本人の希望により」): a line whose characters all sit on one
    row and that jumps back to the left is sorted by position. Other lines keep PDFium's order."""
    out: list[Char] = []
    line: list[Char] = []
    for c in chars + [None]:
        if c is None or c.text in ("\r", "\n"):
            out += _left_to_right(line)
            line = []
            if c is not None:
                out.append(c)
        else:
            line.append(c)
    return out


def _left_to_right(line: list[Char]) -> list[Char]:
    shown = [c for c in line if not c.generated and c.text.strip()]
    if len(shown) < 2:
        return line
    size = statistics.median(max(c.bottom - c.top, c.x1 - c.x0) for c in shown) or 1.0
    middles = [c.cy for c in shown]
    if max(middles) - min(middles) > ONE_ROW * size:
        return line  # a line over two rows (a superscript, a wrapped cell): as PDFium says
    if not any(b.x0 < a.x1 - BACKWARD * size for a, b in zip(shown, shown[1:])):
        return line
    return sorted(line, key=lambda c: c.cx)


def join_broken_lines(chars: list[Char]) -> list[Char]:
    """The characters without the line breaks PDFium infers inside a line, before a glyph
    whose box does not span the line's height (a hyphen drawn from a symbol font, whose box
    is its ink): the next character follows on the right, its middle within the line."""
    out: list[Char] = []
    k, n = 0, len(chars)
    while k < n:
        c = chars[k]
        if c.generated and c.text == "\r" and out and k + 2 < n and chars[k + 1].text == "\n":
            prev, nxt = out[-1], chars[k + 2]
            em = prev.bottom - prev.top
            if (not prev.generated and not nxt.generated and em > 0
                    and -0.2 * em <= nxt.x0 - prev.x1 < em and prev.top <= nxt.cy <= prev.bottom):
                k += 2
                continue
        out.append(c)
        k += 1
    return out


_SPACED_SEPARATOR = re.compile(r"(?<=[0-9０-９]) ([,，]) (?=[0-9０-９]{3}(?![0-9０-９]))")


def _table_of(c: Char, tables) -> int | None:
    for t, (g, _) in enumerate(tables):
        if g.cell_at(c.cx, c.cy) is not None:
            return t
    return None


def _letter_spaced_digits(chars: list[Char], i: int, n: int) -> bool:
    """A space PDFium inferred between two digits set apart by letter-spacing (均等割付 such as
    「保 発 0 8 1 9 第 １ 号」): the gap is under 0.6 em, far below the gap between two numbers
    in different table columns."""
    if i == 0 or i + 1 >= n:
        return False
    a, b = chars[i - 1], chars[i + 1]
    if a.generated or b.generated or not (_DIGIT.match(a.text) and _DIGIT.match(b.text)):
        return False
    em = max(a.size, b.size, a.bottom - a.top, b.bottom - b.top)
    return 0 <= b.x0 - a.x1 < 0.6 * em and abs(a.cy - b.cy) < 0.3 * em


# Multi-column horizontal text ---------------------------------------------------------------
# A page of prose set in columns (a white paper's summary, a 官報 page): PDFium gives each
# line in order but not always the columns, or their headings, in reading order.
MIN_COLUMN_LINES = 5  # lines of prose on each side of a gutter, at least
MIN_PROSE = 12  # characters: a line of prose, not a table's figure or label
GUTTER = 0.8  # ems: the narrowest white gap between two columns


@dataclass
class TextLine(Box):
    """One line of a horizontal text layer, as PDFium breaks them, with its box."""

    chars: list[Char]
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: int = 0  # visible characters

    def __post_init__(self) -> None:
        shown = [c for c in self.chars if not c.generated and c.text.strip()]
        self.size += len(shown)
        # The box of its visible characters; of its first one if it holds only spaces.
        self.x0, self.top, self.x1, self.bottom = enclosing(shown or self.chars[:1])

    @property
    def lines(self) -> list[str]:  # as blocks_in_order's blocks carry them
        return [horizontal_text(self.chars, [])]


def text_lines(chars: list[Char]) -> list[TextLine]:
    """The page's lines in PDFium's order, split at its line breaks."""
    out, current = [], []
    for c in chars:
        if c.text in ("\r", "\n"):
            if visible(current):
                out.append(TextLine(current))
            current = []
        else:
            current.append(c)
    if visible(current):
        out.append(TextLine(current))
    return out


def in_columns(lines: list[TextLine], em: float) -> bool:
    """Whether the page is prose set in columns: a white gutter that no line crosses, with
    enough lines of prose on both sides of it at the same heights."""
    prose = [line for line in lines if line.size >= MIN_PROSE]
    if len(prose) < 2 * MIN_COLUMN_LINES:
        return False
    spans = sorted((line.x0, line.x1) for line in prose)
    reach = spans[0][1]
    for x0, x1 in spans[1:]:
        if x0 - reach >= GUTTER * em:
            left = [line for line in prose if line.x1 <= reach]
            right = [line for line in prose if line.x0 >= x0]
            top = max(min(line.top for line in left), min(line.top for line in right))
            bottom = min(max(line.bottom for line in left), max(line.bottom for line in right))
            beside = [line for line in left + right if line.top < bottom and line.bottom > top]
            if (sum(line.x1 <= reach for line in beside) >= MIN_COLUMN_LINES
                    and sum(line.x0 >= x0 for line in beside) >= MIN_COLUMN_LINES):
                return True
        reach = max(reach, x1)
    return False


def column_text(lines: list[TextLine], tables: list[tuple[grid.Grid, list[list[str]]]],
                em: float) -> str:
    """Lines and tables of a page set in columns, in reading order (`blocks_in_order`:
    column by column, a heading above its column before it)."""
    blocks: list = [line for line in lines
                    if not any(g.contains(line.cx, line.cy) for g, _ in tables)]
    for g, rows in tables:
        blocks.append(Block(*g.bbox, grid.row_lines(rows)))
    return "\n".join(text for b in blocks_in_order(blocks, em) for text in b.lines).strip("\n ")


@dataclass
class Block:
    """A block of lines for `blocks_in_order` (an OCR paragraph, a table as its rows)."""

    x0: float
    top: float
    x1: float
    bottom: float
    lines: list[str]


# Vertical text --------------------------------------------------------------------------------


def is_vertical(chars: list[Char]) -> bool:
    """Whether most consecutive CJK characters follow each other downwards rather than to the
    right (PDFium keeps drawing order, and vertical text is drawn down each column)."""
    down = right = 0
    prev = None
    for c in chars:
        if c.generated or not is_cjk(c.text):
            prev = None if c.text == "\n" and not c.generated else prev
            continue
        if prev is not None:
            em = max(prev.x1 - prev.x0, prev.bottom - prev.top, 1.0)
            dx, dy = c.cx - prev.cx, c.cy - prev.cy
            if abs(dx) < 0.3 * em and 0.5 * em < dy < 2.5 * em:
                down += 1
            elif abs(dy) < 0.3 * em and 0.3 * em < dx < 2.5 * em:
                right += 1
        prev = c
    return down >= 20 and down > 2 * right


@dataclass
class _Segment(Box):
    chars: list[Char] = field(default_factory=list)
    horizontal: bool = False
    # The box of its characters, set by `close` once they are all in.
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0

    def close(self) -> _Segment:
        self.x0, self.top, self.x1, self.bottom = enclosing(self.chars)
        return self

    def text(self, em: float) -> str:
        if self.horizontal:
            return "".join(c.text for c in sorted(self.chars, key=lambda c: c.x0))
        # Down the column; characters side by side in one cell (縦中横 such as 「29」) left
        # to right.
        cells: list[list[Char]] = []
        for c in sorted(self.chars, key=lambda c: c.cy):
            if cells and abs(c.cy - cells[-1][0].cy) < 0.3 * em:
                cells[-1].append(c)
            else:
                cells.append([c])
        out = []
        for k, cell in enumerate(cells):
            if k and cell[0].cy - cells[k - 1][0].cy > 1.4 * (
                    max(cell[0].size, cells[k - 1][0].size) or em):
                out.append(" ")  # a skipped cell: the space the writer set
            out.extend(c.text for c in sorted(cell, key=lambda c: c.x0))
        return "".join(out)


def vertical_text(chars: list[Char]) -> str:
    """Vertical text in reading order: one line per column.

    Columns are chains of characters that PDFium gives one below the other (so 、。 set in the
    corner of their cell and 縦中横 digits stay in their column whatever their size); runs
    that go left to right (mastheads, captions) are kept as horizontal lines. The pieces are
    ordered by recursive XY-cut: tiers (段) top to bottom where a horizontal gap crosses the
    whole block, otherwise the widest vertical gap splits it, right part first (a headline
    block, then the columns to its left).
    """
    chars = visible(chars)
    if not chars:
        return ""
    cjk = [max(c.x1 - c.x0, c.bottom - c.top) for c in chars if is_cjk(c.text)]
    em = statistics.median(cjk) if cjk else 10.0
    return "\n".join(seg.text(em) for seg in _xy_cut(_rows_as_lines(_runs(chars), em), em))


ROW_HEIGHT = 1.6  # ems: a tier no taller than this, of horizontal pieces only, is one line


def _rows_as_lines(segments: list[_Segment], em: float) -> list[_Segment]:
    """A tier of the page that is one row of horizontal pieces and single characters, spaced
    apart (a 官報 masthead: 平成20年4月25日 金曜日 官 報 第4817号), as one horizontal line read
    left to right: XY-cut would read its pieces right to left, as columns."""
    out: list[_Segment] = []
    for tier in split_by_gaps(segments, lambda s: (s.top, s.bottom), 0.5 * em):
        top, bottom = min(s.top for s in tier), max(s.bottom for s in tier)
        if (len(tier) < 2 or bottom - top > ROW_HEIGHT * em
                or not all(s.horizontal or len(s.chars) == 1 for s in tier)):
            out += tier
            continue
        line = _Segment([], horizontal=True)
        for seg in sorted(tier, key=lambda s: s.x0):
            if line.chars and seg.x0 - line.chars[-1].x1 > em:
                p = line.chars[-1]
                line.chars.append(Char(" ", True, p.x1, p.top, p.x1, p.bottom, 0.0))
            line.chars += sorted(seg.chars, key=lambda c: c.x0)
        out.append(line)
    return out


def _runs(chars: list[Char]) -> list[_Segment]:
    """Split PDFium's character sequence where it stops going down a column (or, for
    horizontal runs, along a line) or leaves a gap of more than 1.5 em."""
    segments: list[_Segment] = []
    for c in chars:
        seg = segments[-1] if segments else None
        if seg is not None:
            p = seg.chars[-1]
            size = max(p.size, c.size) or max(p.x1 - p.x0, p.bottom - p.top, c.x1 - c.x0,
                                              c.bottom - c.top)
            gap_x, same_row = c.x0 - p.x1, abs(c.cy - p.cy) < 0.3 * size
            # Two half-width characters side by side in one cell: 縦中横 (「29」).
            paired = (same_row and -0.2 * size < gap_x < 0.5 * size
                      and max(p.x1 - p.x0, c.x1 - c.x0) < 0.7 * size)
            # PDFium sometimes puts a rotated bracket before the character above it.
            down = abs(c.cx - p.cx) < 0.6 * size and -2.5 * size < c.top - p.bottom < 1.5 * size
            across = same_row and -0.3 * size < gap_x < 1.0 * size and not paired
            if len(seg.chars) == 1 and across:
                seg.horizontal = True
            if seg.horizontal and (across or paired) or not seg.horizontal and (down or paired):
                seg.chars.append(c)
                continue
        segments.append(_Segment([c]))
    return [seg.close() for seg in segments]


def xy_cut(items: list, em: float, tier_gap: float, leaf) -> list:
    """Vertical (縦書き) reading order by recursive XY-cut: tiers (段) top to bottom, then within
    a tier strips right to left; `leaf(items)` orders what no gap divides any more.

    Items have x0, top, x1, bottom; shared by text layers (layout) and OCR (vertical.py)."""
    if len(items) <= 1:
        return items
    tiers = split_by_gaps(items, lambda s: (s.top, s.bottom), tier_gap)
    if len(tiers) > 1:
        return [item for tier in tiers for item in xy_cut(tier, em, tier_gap, leaf)]
    strips = split_by_gaps(items, lambda s: (s.x0, s.x1), 0.0)
    if len(strips) > 1:
        # Cut at the widest gap only: narrower ones may be column gaps that run through
        # several tiers, which must be read tier by tier.
        gaps = [min(s.x0 for s in strips[k + 1]) - max(s.x1 for s in strips[k])
                for k in range(len(strips) - 1)]
        cut = max(range(len(gaps)), key=lambda k: (gaps[k], k))
        left = [item for strip in strips[: cut + 1] for item in strip]
        right = [item for strip in strips[cut + 1:] for item in strip]
        return xy_cut(right, em, tier_gap, leaf) + xy_cut(left, em, tier_gap, leaf)
    return leaf(items)


def _xy_cut(segments: list[_Segment], em: float) -> list[_Segment]:
    return xy_cut(segments, em, 0.5 * em,
                  lambda segs: sorted(segs, key=lambda s: (-round(s.x1 / em), s.top)))


def split_by_gaps(segments: list, extent, min_gap: float) -> list[list]:
    """Groups of segments separated by gaps wider than min_gap along one axis, in ascending
    order of that axis."""
    ordered = sorted(segments, key=lambda s: extent(s)[0])
    groups = [[ordered[0]]]
    reach = extent(ordered[0])[1]
    for seg in ordered[1:]:
        lo, hi = extent(seg)
        if lo - reach > min_gap:
            groups.append([seg])
        else:
            groups[-1].append(seg)
        reach = max(reach, hi)
    return groups


def blocks_in_order(blocks: list, em: float) -> list:
    """Horizontal text blocks (anything with x0, top, x1, bottom) in reading order, by XY-cut.

    Wide horizontal gaps (2+ em, across the whole block) come first: a masthead above the
    columns. Then columns: a vertical gap at least 1 em wide with 3+ em of text on both
    sides, side by side, splits left from right. Then any horizontal gap splits top from
    bottom (so a date set flush right above the body is read before it), and failing those,
    any vertical gap.
    """
    if len(blocks) <= 1:
        return blocks
    rows = split_by_gaps(blocks, lambda b: (b.top, b.bottom), 2 * em)
    if len(rows) > 1:
        return [b for row in rows for b in blocks_in_order(row, em)]
    strips = split_by_gaps(blocks, lambda b: (b.x0, b.x1), 0.0)
    columns = []
    for k in range(len(strips) - 1):
        left = [b for g in strips[: k + 1] for b in g]
        right = [b for g in strips[k + 1:] for b in g]
        gap = min(b.x0 for b in right) - max(b.x1 for b in left)
        top = max(min(b.top for b in left), min(b.top for b in right))
        bottom = min(max(b.bottom for b in left), max(b.bottom for b in right))
        if gap >= em and bottom - top >= 3 * em:
            columns.append((gap, left, right))
    if columns:
        _, left, right = max(columns, key=lambda c: c[0])
        return blocks_in_order(left, em) + blocks_in_order(right, em)
    rows = split_by_gaps(blocks, lambda b: (b.top, b.bottom), 0.0)
    if len(rows) > 1:
        return [b for row in rows for b in blocks_in_order(row, em)]
    if len(strips) > 1:
        return [b for strip in strips for b in blocks_in_order(strip, em)]
    return sorted(blocks, key=lambda b: (b.top, b.x0))


# Vertical OCR pages: Tesseract's lines (columns) in reading order ---------------------------
# Two pieces of one column share half the narrower one's width (OCR boxes overrun a little),
# are at most 2 em apart, and together no longer than 1.15 x a usual column of the page (which
# keeps the columns of two tiers apart).
SAME_COLUMN, PIECE_GAP, COLUMN_LENGTH = 0.5, 2.0, 1.15
OCR_TIER_GAP = 0.25  # OCR boxes overrun the glyphs a little: a quarter em between tiers is a gap


@dataclass
class _OcrLine:
    """Tesseract's lines that make one column, with the box of their glyphs: punctuation (a
    hanging 。, a speck read as .) left out, so that it does not bridge the gap between two
    tiers."""

    pieces: list[list[Word]]
    x0: int = 0
    top: int = 0
    x1: int = 0
    bottom: int = 0

    def __post_init__(self) -> None:
        words = [w for piece in self.pieces for w in piece]
        glyphs = [w for w in words if not _PUNCTUATION.fullmatch(w.text)] or words
        self.x0, self.top = min(w.left for w in glyphs), min(w.top for w in glyphs)
        self.x1, self.bottom = max(w.right for w in glyphs), max(w.bottom for w in glyphs)

    def overlap(self, other: _OcrLine) -> float:
        """How much of the narrower one's width the two share."""
        shared = min(self.x1, other.x1) - max(self.x0, other.x0)
        return shared / max(1, min(self.x1 - self.x0, other.x1 - other.x0))


_PUNCTUATION = re.compile(r"[、。,.，．・:;'\"`‘’“”]+")


def columns_in_order(words: list[Word]) -> list[list[Word]]:
    """Tesseract's lines of a vertical page (its columns) in reading order, each top down.

    Tesseract's own block order puts a block it found late (a column it split in two, a
    heading) after blocks to its left. Here the pieces of a column are joined again, and the
    columns ordered as `vertical_text` orders a text layer, by recursive XY-cut: tiers
    (段) top to bottom where a horizontal gap crosses the whole block, otherwise the widest
    vertical gap splits it, right part first.
    """
    lines: dict[tuple[int, int, int], list[Word]] = {}
    for w in words:
        # A rule or frame edge across the columns is read as a row of |.
        if w.text.strip("|"):
            lines.setdefault((w.block, w.par, w.line), []).append(w)
    found = [_OcrLine([sorted(ws, key=lambda w: w.top)]) for ws in lines.values()]
    if not found:
        return []
    em = float(statistics.median([line.x1 - line.x0 for line in found]))
    length = float(statistics.median([line.bottom - line.top for line in found]))
    # Pieces one below the other, no longer together than a column of the page usually is
    # (which keeps the columns of two tiers apart).
    columns: list[_OcrLine] = []
    for line in sorted(found, key=lambda line: line.top):
        for k, column in enumerate(columns):
            if (column.overlap(line) >= SAME_COLUMN and line.top - column.bottom <= PIECE_GAP * em
                    and line.bottom - column.top <= COLUMN_LENGTH * length):
                columns[k] = _OcrLine(column.pieces + line.pieces)
                break
        else:
            columns.append(line)
    return [piece for column in _ocr_xy_cut(columns, em) for piece in column.pieces]


def _ocr_xy_cut(lines: list[_OcrLine], em: float) -> list[_OcrLine]:
    return xy_cut(lines, em, OCR_TIER_GAP * em, _columns_right_to_left)


def _columns_right_to_left(lines: list[_OcrLine]) -> list[_OcrLine]:
    """Columns whose boxes overlap a little (OCR boxes overrun): right to left, each top down
    (a column Tesseract cut in two is one column here)."""
    columns: list[list[_OcrLine]] = []
    for line in sorted(lines, key=lambda s: -(s.x0 + s.x1)):
        if columns and max(line.overlap(other) for other in columns[-1]) >= SAME_COLUMN:
            columns[-1].append(line)
        else:
            columns.append([line])
    return [line for column in columns for line in sorted(column, key=lambda s: s.top)]
