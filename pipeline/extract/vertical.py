"""Vertical text (縦書き) after Tesseract's `jpn_vert`: columns holding 縦中横 digits and
doubtful columns read again; turned glyphs mended.

`jpn_vert` reads down the column one glyph per cell, so digits set side by side in one cell
(縦中横, see tatechuyoko.py) come out wrong, while digits set upright one per cell read right.
After the page's `jpn_vert` reading, `fix_columns`:

1. finds the cells of side-by-side digits and confirms them by a horizontal reading
   (tatechuyoko.py);
2. rebuilds each column holding such a cell with its digits moved into cells of their own,
   one below the other, and reads it again with `jpn_vert`, together with the lines read with
   little confidence (a column Tesseract cut in pieces, the edge of a clipping read as
   kanji), all in one image and one more Tesseract run.

layout.columns_in_order then orders the columns by geometry, and `fix_turned` mends two glyphs
`jpn_vert` misreads when set turned (【 and 〜). Sizes are in units of a column's `em` (its
character pitch) unless they say otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from .._exec import tesseract
from .tatechuyoko import Cell, Ink, find_cells, only, read_cells

# A digit is about 0.75 em tall: the character pitch down a column, from a digit's height.
PITCH = 1.3
LOW_CONF = 50.0  # a line's mean word confidence below which it is read again
SURE = 80.0  # a word's confidence above which it is taken as read
MAX_ALONE = 3  # fewer doubtful columns than this are read again with an anchor column
# What counts as a glyph in a column (not a speck, not a piece of a thin rule).
GLYPH_LONG, GLYPH_SHORT = 0.3, 0.15
# A column's own components: within 0.6 em of its axis, at most 1.5 em wide and 3 em tall
# (not a frame round the clipping).
AXIS, MAX_COMPONENT_WIDTH, MAX_COMPONENT_HEIGHT = 0.6, 1.5, 3.0
NEAR_AXIS = 0.25  # where a poor reading's ink is sought round its box
MIN_INK_AREA = 15  # pixels: smaller components are specks
REACH = 0.5  # a glyph Tesseract left out at a column's end is within 0.5 em of it
CELL_REACH = 1.5  # a cell belongs to a line within 1.5 cell heights of its ends
HALF_WIDTH = 0.8  # half the width of a rebuilt column strip
# Paper flattening (`_flatten`): background taken at a quarter of the resolution, by a
# maximum filter wider than a stroke, smoothed.
BACKGROUND_SCALE, BACKGROUND_KERNEL, BACKGROUND_BLUR = 0.25, 9, 4


@dataclass
class _Column:
    key: tuple[int, int, int]  # Tesseract's block, paragraph, line
    cells: list[Cell]
    cx: float = 0.0
    em: float = 0.0
    top: int = 0
    bottom: int = 0
    members: np.ndarray = field(default_factory=lambda: np.zeros(0, int))  # component labels


def fix_columns(gray: np.ndarray, mask: np.ndarray, words: list[tesseract.Word], *, dpi: int,
                deadline: tesseract.Deadline) -> list[tesseract.Word]:
    """`words` of a `jpn_vert` page reading, with the columns that hold side-by-side digits
    and the lines read with little confidence read again (see the module doc); `mask` is the
    page's ink."""
    ink = Ink.of(mask, dpi)
    # A single piece as wide as two digits is most often a kana (の, つ): worth a second
    # look only where the first reading is unsure.
    cells = [c for c in find_cells(ink, dpi) if len(c.digits) > 1 or _doubtful(c, words)]
    gray, paper = _flatten(gray), 255
    if cells:
        cells = read_cells(gray, ink, cells, dpi, paper, deadline)
    columns, surest = _columns(words, cells, ink)
    # A doubtful line without a glyph in it is noise: the edge of a clipping, or dust, read
    # as a column of kanji.
    noise = {col.key for col in columns if not col.cells and not _glyphs(ink, col)}
    columns = [col for col in columns if col.key not in noise]
    reread = {}
    if columns:
        # Tesseract sizes the text of a block from its lines: one or two short columns alone
        # read as nothing at all. The page's surest long column goes along (and is not
        # replaced).
        anchor = [surest] if surest is not None and len(columns) < MAX_ALONE else []
        reread = _read_columns(gray, ink, columns + anchor, dpi, paper, deadline)
        reread.pop(surest.key if anchor else None, None)
    for col in columns:
        # A doubtful line is replaced only by a surer reading.
        again = reread.get(col.key, [])
        before = np.mean([w.conf for w in words if (w.block, w.par, w.line) == col.key])
        if not col.cells and (not again or np.mean([w.conf for w in again]) < before):
            reread.pop(col.key, None)
    reread.update({key: [] for key in noise})
    if not reread:
        return words
    out: list[tesseract.Word] = []
    done: set[tuple[int, int, int]] = set()
    for w in words:
        key = (w.block, w.par, w.line)
        if key not in reread:
            out.append(w)
        elif key not in done:
            done.add(key)
            out.extend(reread[key])
    return out


def _glyphs(ink: Ink, col: _Column) -> int:
    """How many of the column's components are the size of a glyph or a good part of one
    (not a speck, not a piece of a thin rule)."""
    w, h = ink.stats[col.members, 2], ink.stats[col.members, 3]
    big, small = np.maximum(w, h), np.minimum(w, h)
    return int(np.count_nonzero((big >= GLYPH_LONG * col.em) & (small >= GLYPH_SHORT * col.em)))


def _doubtful(cell: Cell, words: list[tesseract.Word]) -> bool:
    """Whether the first reading of the cell's place is unsure, or missing (Tesseract's
    boxes are only roughly where its characters are, in vertical text)."""
    near = [w for w in words
            if w.left < cell.x1 and w.right > cell.x0
            and w.top < cell.bottom + cell.height / 2 and w.bottom > cell.top - cell.height / 2]
    return not near or min(w.conf for w in near) < SURE


def _flatten(gray: np.ndarray) -> np.ndarray:
    """The page on white paper: divided by its background tone (the page with the text
    taken out by a maximum filter, at a quarter of the resolution), so that pieces cut from
    different places of an unevenly lit scan match when put side by side."""
    small = cv2.resize(gray, None, fx=BACKGROUND_SCALE, fy=BACKGROUND_SCALE,
                       interpolation=cv2.INTER_AREA)
    kernel = np.ones((BACKGROUND_KERNEL, BACKGROUND_KERNEL), np.uint8)
    background = cv2.GaussianBlur(cv2.dilate(small, kernel), (0, 0), BACKGROUND_BLUR)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]),
                            interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)



def _without(gray, ink: Ink, keep, box, paper: int) -> np.ndarray:
    """The box of the page with the ink of all components but `keep` painted over; padded
    with paper where it reaches past the page's edge."""
    x0, top, x1, bottom = box
    cx0, ctop = max(0, x0), max(0, top)
    cx1, cbottom = min(gray.shape[1], x1), min(gray.shape[0], bottom)
    labels = ink.labels[ctop:cbottom, cx0:cx1]
    drop = ((labels > 0) & ~np.isin(labels, keep)).astype(np.uint8)
    drop = cv2.dilate(drop, np.ones((3, 3), np.uint8))
    out = np.full((bottom - top, x1 - x0), paper, np.uint8)
    out[ctop - top:cbottom - top, cx0 - x0:cx1 - x0] = np.where(
        drop > 0, paper, gray[ctop:cbottom, cx0:cx1])
    return out


def _columns(words: list[tesseract.Word], cells: list[Cell],
             ink: Ink) -> tuple[list[_Column], _Column | None]:
    """Tesseract's lines (columns) that hold the cells or were read with little confidence,
    with their extent on the page; and the surest of the other long lines (see
    `_read_columns`)."""
    lines: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    boxes = {key: (min(w.left for w in ws), min(w.top for w in ws),
                   max(w.right for w in ws), max(w.bottom for w in ws))
             for key, ws in lines.items()}
    columns: dict[tuple[int, int, int], _Column] = {}
    for c in cells:
        best, distance = None, None
        for key, (x0, top, x1, bottom) in boxes.items():
            if x0 <= c.cx <= x1 and top - CELL_REACH * c.height <= c.cy <= bottom + CELL_REACH * c.height:
                d = abs((x0 + x1) / 2 - c.cx)
                if distance is None or d < distance:
                    best, distance = key, d
        if best is not None:
            columns.setdefault(best, _Column(best, [])).cells.append(c)
    # Lines read with little confidence: a column Tesseract cut into pieces reads better
    # whole, on clean paper.
    for key, ws in lines.items():
        x0, top, x1, bottom = boxes[key]
        if key not in columns and np.mean([w.conf for w in ws]) < LOW_CONF and \
                bottom - top > x1 - x0:  # not a row of | (a rule across the columns)
            columns[key] = _Column(key, [])
    others = [key for key in lines if key not in columns]
    length = np.median([bottom - top for _, top, _, bottom in boxes.values()]) if boxes else 0
    long_ = [key for key in others if boxes[key][3] - boxes[key][1] >= length]
    anchor = max(long_, key=lambda key: np.mean([w.conf for w in lines[key]]), default=None)
    if anchor is not None:
        columns[anchor] = _Column(anchor, [])

    stats, centers = ink.stats, ink.centers
    # Without a cell to measure, a column is as wide as Tesseract's lines mostly are.
    width = float(np.median([x1 - x0 for x0, _, x1, _ in boxes.values()])) if boxes else 0.0
    for col in columns.values():
        x0, top, x1, bottom = boxes[col.key]
        col.cells.sort(key=lambda c: c.top)
        if col.cells:
            col.cx = float(np.mean([c.cx for c in col.cells]))
            col.em = PITCH * float(np.median([c.height for c in col.cells]))
            top = min(top, min(c.top for c in col.cells))
            bottom = max(bottom, max(c.bottom for c in col.cells))
        else:
            # A poor reading has poor boxes: the middle of the ink in and around its box.
            col.em = max(width, x1 - x0)
            near = ((centers[:, 0] >= x0 - NEAR_AXIS * col.em)
                    & (centers[:, 0] <= x1 + NEAR_AXIS * col.em)
                    & (centers[:, 1] >= top) & (centers[:, 1] <= bottom)
                    & (stats[:, 4] >= MIN_INK_AREA))
            near[0] = False
            col.cx = float(np.median(centers[near, 0])) if near.any() else (x0 + x1) / 2
        # The column's components: centred on it, no bigger than a few characters (not a
        # frame round the clipping), and not inside another of Tesseract's lines (the next
        # tier down the same column of the page).
        inside = ((np.abs(centers[:, 0] - col.cx) <= AXIS * col.em)
                  & (stats[:, 2] <= MAX_COMPONENT_WIDTH * col.em)
                  & (stats[:, 3] <= MAX_COMPONENT_HEIGHT * col.em))
        inside[0] = False
        for key, (ox0, otop, ox1, obottom) in boxes.items():
            if key != col.key and ox0 <= col.cx <= ox1:
                inside &= ~((centers[:, 1] >= otop) & (centers[:, 1] <= obottom)
                            & ((centers[:, 1] < top) | (centers[:, 1] > bottom)))
        labels = np.nonzero(inside)[0]
        # Extend the line's extent to glyphs Tesseract left out at its ends (not to specks,
        # which could bridge the gap to the next tier).
        glyphs = labels[np.maximum(stats[labels, 2], stats[labels, 3]) >= GLYPH_LONG * col.em]
        spans = sorted((int(stats[i, 1]), int(stats[i, 1] + stats[i, 3])) for i in glyphs)
        changed = True
        while changed:
            changed = False
            for a, b in spans:
                if b > top - REACH * col.em and a < top:
                    top, changed = a, True
                if a < bottom + REACH * col.em and b > bottom:
                    bottom, changed = b, True
        col.top, col.bottom = top, bottom
        cy = centers[labels, 1]
        col.members = labels[(cy >= top) & (cy <= bottom)]
    surest = columns.pop(anchor) if anchor is not None else None
    return list(columns.values()), surest


def _read_columns(gray, ink: Ink, columns: list[_Column], dpi: int, paper: int,
                  deadline: tesseract.Deadline) -> dict[tuple[int, int, int], list[tesseract.Word]]:
    """Each column read again with its side-by-side digits set one below the other, all the
    columns side by side in one image; the words in page coordinates."""
    strips, maps = [], []
    for col in columns:
        strip, pieces = _rebuild(gray, ink, col, paper)
        strips.append(strip)
        maps.append(pieces)
    gap = round(max(col.em for col in columns))
    read = tesseract.read_stacked(strips, gap=gap, across=True, paper=paper, lang="jpn_vert",
                                  psm=5, dpi=dpi, deadline=deadline)
    out: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for col, strip, pieces, ws in zip(columns, strips, maps, read):
        for w in ws:
            left = w.left + round(col.cx - strip.shape[1] / 2)
            top, bottom = _to_page(pieces, w.top), _to_page(pieces, w.bottom)
            out.setdefault(col.key, []).append(tesseract.Word(
                w.text, w.conf, left, top, w.width, max(1, bottom - top), *col.key))
    for ws in out.values():
        ws.sort(key=lambda w: w.top)
    return out


def _rebuild(gray, ink: Ink, col: _Column, paper: int):
    """The column as a strip with each digit of its cells in a cell of its own; and the
    pieces (strip top, strip bottom, page top, page bottom) that map its rows to the page."""
    half = round(HALF_WIDTH * col.em)
    x0 = round(col.cx) - half
    # The page's grey, not the ink mask (which breaks thin strokes: 逮, 警), with what is not
    # the column's painted over: its side-by-side digits, a neighbour's glyphs.
    others = np.setdiff1d(col.members, [label for c in col.cells for label in c.labels])
    page = _without(gray, ink, others, (x0, col.top, x0 + 2 * half, col.bottom), paper)
    pitch = round(col.em)
    rows, pieces, y, at = [], [], 0, col.top
    for c in col.cells:
        rows.append(page[at - col.top:c.top - col.top])
        pieces.append((y, y + c.top - at, at, c.top))
        y += c.top - at
        step = c.height / len(c.digits)
        widen = c.widen()
        for k, d in enumerate(c.digits):
            digit = only(gray, ink, d.labels, d.box, paper)
            if widen > 1:
                digit = cv2.resize(digit, (round(digit.shape[1] * widen), digit.shape[0]),
                                   interpolation=cv2.INTER_CUBIC)
            digit = digit[:pitch, :2 * half]
            h, w = digit.shape
            cell = np.full((pitch, 2 * half), paper, np.uint8)
            dy, dx = (pitch - h) // 2, half - w // 2
            cell[dy:dy + h, dx:dx + w] = digit
            rows.append(cell)
            page_top = c.top + round(k * step)
            pieces.append((y, y + pitch, page_top, c.top + round((k + 1) * step)))
            y += pitch
        at = c.bottom
    rows.append(page[at - col.top:])
    pieces.append((y, y + col.bottom - at, at, col.bottom))
    return np.vstack(rows), pieces


def _to_page(pieces, y: float) -> int:
    """A strip row's page row, by the piece it falls in (linear within it)."""
    for s0, s1, p0, p1 in pieces:
        if y < s1 or (s0, s1, p0, p1) == pieces[-1]:
            if s1 <= s0:
                return p0
            return round(p0 + (min(max(y, s0), s1) - s0) * (p1 - p0) / (s1 - s0))
    return pieces[-1][3]


# jpn_vert's misreadings of glyphs set turned in vertical text: the opening lenticular bracket
# of a byline 「【神保圭作】」 as [ (and at times the closing one twice, 】]); the wave dash of a
# range 「10月〜15年」 as a bracket that is never closed.
_LENTICULAR = re.compile(r"\[(?=[^\[\]【】]{0,40}】)")
_WAVE_DASH = re.compile(r"(?<=[0-9年月日])[({](?=[0-9])(?![^)}]{0,12}[)}])")


def fix_turned(text: str) -> str:
    """Vertical text with the misread turned glyphs mended (see above)."""
    text = _LENTICULAR.sub("【", text).replace("】]", "】")
    return _WAVE_DASH.sub("〜", text)

