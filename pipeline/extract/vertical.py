"""Vertical text (縦書き) after Tesseract's `jpn_vert`: digits set side by side (縦中横),
doubtful columns, reading order.

Vertical Japanese sets a two-digit number (and in some papers any short number) across one
character cell: 「29」 sits in the column like one kanji. `jpn_vert` reads down the column one
glyph per cell, so such a cell comes out as a kanji or a single digit (「29」 → 包, 「11日」 →
「1日」, 「2014」 → 「204」), while digits set upright one per cell are read correctly. So,
after the page's `jpn_vert` reading (`fix_columns`):

1. cells of side-by-side digits are found in the ink: narrow pieces of the same height, tops
   and bottoms aligned, with nothing else around them (or one piece as wide as two digits,
   where the first reading is unsure: digits run together in small print or squeezed);
2. they are confirmed by reading them horizontally (`jpn`, all of them stacked in one image,
   one Tesseract run): a cell counts only if it reads as digits, at least one per piece (は
   or 個, which look alike to step 1, read as themselves);
3. each column holding such a cell is rebuilt with its digits moved into cells of their own,
   one below the other, and read again with `jpn_vert`, together with the lines read with
   little confidence (a column Tesseract cut in pieces, the edge of a clipping read as
   kanji), all in one image and one more Tesseract run.

`columns_in_order` then orders the columns by geometry rather than by Tesseract's block
order, and `fix_turned` mends two glyphs `jpn_vert` misreads when set turned (【 and 〜).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import cv2
import numpy as np

from .._exec import tesseract
from . import layout

if TYPE_CHECKING:
    from .ocr import Deadline

# A digit is about 0.75 em tall: the character pitch down a column, from a digit's height.
PITCH = 1.3
_DIGITS = re.compile(r"[0-9]+")
_LIKE_DIGITS = str.maketrans("]|Il!Oo", "1111100")
# Least confidence of the horizontal reading of a cell: of separate digits, of digits that
# touch (one component, which could as well be a kana).
MIN_CONF, MIN_CONF_MERGED = 30.0, 70.0
LOW_CONF = 50.0  # a line's mean word confidence below which it is read again
SURE = 80.0  # a word's confidence above which it is taken as read


@dataclass
class Digit:
    box: tuple[int, int, int, int]  # x0, top, x1, bottom
    labels: list[int]  # its connected components (a thin digit can break into pieces)


@dataclass
class Cell:
    """One cell of side-by-side digits: its box and its digits, left to right."""

    x0: int
    top: int
    x1: int
    bottom: int
    digits: list[Digit]
    text: str = ""

    @property
    def height(self) -> int:
        return self.bottom - self.top

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def labels(self) -> list[int]:
        return [label for d in self.digits for label in d.labels]

    def widen(self) -> float:
        """How much to widen the digits back: three or four digits are squeezed to fit one
        cell, and a digit's advance is normally about 0.6 of its height."""
        if len(self.digits) < 2:
            return 1.0
        centers = [(d.box[0] + d.box[2]) / 2 for d in self.digits]
        advance = (centers[-1] - centers[0]) / (len(centers) - 1)
        widen = min(2.5, 0.6 * self.height / max(1.0, advance))
        return widen if widen > 1.2 else 1.0


@dataclass
class _Ink:
    """Connected components of the page's ink mask, and glyph pieces: components that lie
    one above the other close enough to be one glyph broken by the scan (a squeezed 2)."""

    labels: np.ndarray
    stats: np.ndarray  # per label: left, top, width, height, area (row 0 is the background)
    centers: np.ndarray
    pieces: list[list[int]]  # labels of each glyph piece
    boxes: np.ndarray  # per piece: x0, top, x1, bottom, area

    @classmethod
    def of(cls, mask: np.ndarray, dpi: int) -> _Ink:
        _, labels, stats, centers = cv2.connectedComponentsWithStats(mask, connectivity=8)
        pieces = _pieces(stats, dpi)
        boxes = np.array([
            (stats[p, 0].min(), stats[p, 1].min(), (stats[p, 0] + stats[p, 2]).max(),
             (stats[p, 1] + stats[p, 3]).max(), stats[p, 4].sum()) for p in pieces
        ]).reshape(-1, 5)
        return cls(labels, stats, centers, pieces, boxes)


def _pieces(stats: np.ndarray, dpi: int) -> list[list[int]]:
    order = np.array([i for i in np.argsort(stats[:, 0], kind="stable").tolist()
                      if i and stats[i, 4] >= 4 and stats[i, 2] < dpi / 3], dtype=int)
    left, top, width, height = (stats[order, k].astype(int) for k in range(4))
    right, bottom = left + width, top + height
    small = np.maximum(width, height) < dpi / 20
    parent = list(range(len(order)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # A small piece goes to the nearest large one only, lest it bridge the gap between two
    # glyphs of a column: (gap, large piece) for each.
    nearest_gap = np.full(len(order), 1 << 30)
    nearest = np.full(len(order), -1)
    for i in range(len(order)):
        js = np.arange(i + 1, np.searchsorted(left, right[i]))  # starting left of its end
        if not len(js):
            continue
        js = js[np.minimum(right[i], right[js]) - left[js] >= 0.5 * np.minimum(width[i], width[js])]
        gaps = np.maximum(top[i], top[js]) - np.minimum(bottom[i], bottom[js])
        # One above the other with (almost) no gap: one glyph broken by the scan.
        for j in js[(small[js] == small[i]) & (gaps <= 2)].tolist():
            parent[root(j)] = root(i)
        mixed = small[js] != small[i]
        big_height = np.where(small[i], height[js], height[i])
        close = mixed & (gaps <= np.maximum(2, 0.25 * big_height))
        if small[i] and close.any():
            k = int(np.argmin(np.where(close, gaps, 1 << 30)))
            if gaps[k] < nearest_gap[i]:
                nearest_gap[i], nearest[i] = gaps[k], js[k]
        elif close.any():
            for j, g in zip(js[close].tolist(), gaps[close].tolist()):
                if g < nearest_gap[j]:
                    nearest_gap[j], nearest[j] = g, i
    for i in np.nonzero(nearest >= 0)[0].tolist():
        parent[root(i)] = root(int(nearest[i]))
    groups: dict[int, list[int]] = {}
    for i in range(len(order)):
        groups.setdefault(root(i), []).append(int(order[i]))
    return list(groups.values())


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
                deadline: Deadline) -> list[tesseract.Word]:
    """`words` of a `jpn_vert` page reading, with the columns that hold side-by-side digits
    and the lines read with little confidence read again (see the module doc); `mask` is the
    page's ink."""
    ink = _Ink.of(mask, dpi)
    # A single piece as wide as two digits is most often a kana (の, つ): worth a second
    # look only where the first reading is unsure.
    cells = [c for c in find_cells(ink, dpi) if len(c.digits) > 1 or _doubtful(c, words)]
    gray, paper = _flatten(gray), 255
    if cells:
        cells = read_cells(gray, ink, cells, dpi, paper, deadline.left())
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
        anchor = [surest] if surest is not None and len(columns) < 3 else []
        reread = _read_columns(gray, ink, columns + anchor, dpi, paper, deadline.left())
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


def _glyphs(ink: _Ink, col: _Column) -> int:
    """How many of the column's components are the size of a glyph or a good part of one
    (not a speck, not a piece of a thin rule)."""
    w, h = ink.stats[col.members, 2], ink.stats[col.members, 3]
    big, small = np.maximum(w, h), np.minimum(w, h)
    return int(np.count_nonzero((big >= 0.3 * col.em) & (small >= 0.15 * col.em)))


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
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    background = cv2.dilate(small, np.ones((9, 9), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 4)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]),
                            interpolation=cv2.INTER_LINEAR)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def find_cells(ink: _Ink, dpi: int) -> list[Cell]:
    """Candidate cells of side-by-side digits, by the shape of the ink alone."""
    left, top, right, bottom, area = (ink.boxes[:, k] for k in range(5))
    width, height = right - left, bottom - top
    # Pieces big enough to be a digit (specks and the dots of 、。 are not), left to right.
    idx = np.array([i for i in np.argsort(left, kind="stable").tolist()
                    if area[i] >= 15 and height[i] >= dpi // 40], dtype=int)
    parent = {i: i for i in idx.tolist()}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Chain narrow pieces standing side by side with the same top and bottom, as the digits
    # of one number do (no two strokes of a kana or kanji line up quite like that). A piece
    # may be two or three digits run together (small print, or digits squeezed into one
    # cell).
    lefts = left[idx]
    for n, i in enumerate(idx.tolist()):
        h = height[i]
        if width[i] > 1.5 * h:
            continue
        js = idx[n + 1:np.searchsorted(lefts, right[i] + 0.4 * h, side="right")]
        hh = np.maximum(h, height[js])
        js = js[(left[js] >= right[i] - 0.1 * h) & (width[js] <= 1.5 * height[js])
                & (height[js] >= 0.8 * h) & (height[js] <= 1.25 * h)
                & (np.abs(top[js] - top[i]) <= 0.12 * hh)
                & (np.abs(bottom[js] - bottom[i]) <= 0.12 * hh)]
        for j in js.tolist():
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in idx.tolist():
        groups.setdefault(root(i), []).append(i)

    # Anything else close by (the rest of a kanji) rules a group out; specks do not.
    sizable = np.nonzero((area >= 15) & (np.maximum(width, height) >= dpi // 30))[0]
    cells = []
    for members in groups.values():
        m = np.array(members)
        x0, y0, x1, y1 = left[m].min(), top[m].min(), right[m].max(), bottom[m].max()
        h = y1 - y0
        # One piece alone must be as wide as two digits, and not as solid as a kana.
        if x1 - x0 > 1.5 * h or len(members) == 1 and not (
                (1.05 * h <= x1 - x0 or h <= dpi / 10 and 0.9 * h <= x1 - x0)
                and area[m[0]] < 0.6 * (x1 - x0) * h):
            continue
        ex0, ex1, ey0, ey1 = x0 - 0.3 * h, x1 + 0.3 * h, y0 - 0.12 * h, y1 + 0.12 * h
        near = sizable[(left[sizable] < ex1) & (right[sizable] > ex0)
                       & (top[sizable] < ey1) & (bottom[sizable] > ey0)]
        if len(set(near.tolist()) - set(members)):
            continue
        members.sort(key=lambda i: left[i])
        cells.append(Cell(int(x0), int(y0), int(x1), int(y1), [
            Digit((int(left[i]), int(top[i]), int(right[i]), int(bottom[i])), ink.pieces[i])
            for i in members]))
    return cells


def read_cells(gray, ink: _Ink, cells: list[Cell], dpi: int, paper: int,
               timeout: float) -> list[Cell]:
    """The cells that read horizontally as 2 to 4 digits, at least one per piece; their text
    set, and pieces that hold more than one digit split."""
    target = dpi / 8  # digit height to read at: small print is scaled up
    gap = round(dpi / 10)
    crops, owners = [], []
    for n, c in enumerate(cells):
        crop = _only(gray, ink, c.labels, (c.x0, c.top, c.x1, c.bottom), paper, pad=dpi // 60)
        scale = max(1.0, target / max(1, c.height))
        # One piece may be two digits run together or three or four squeezed into the
        # cell: it is read both as it is and widened.
        for widen in (c.widen(),) if len(c.digits) > 1 else (1.0, 1.7):
            if scale * widen > 1.05:
                crops.append(cv2.resize(crop, None, fx=scale * widen, fy=scale,
                                        interpolation=cv2.INTER_CUBIC))
            else:
                crops.append(crop)
            owners.append(n)
    width = max(c.shape[1] for c in crops) + 2 * gap
    starts, y = [], gap
    for crop in crops:
        starts.append(y)
        y += crop.shape[0] + gap
    stack = np.full((y, width), paper, np.uint8)
    for crop, start in zip(crops, starts):
        stack[start:start + crop.shape[0], gap:gap + crop.shape[1]] = crop
    words = tesseract.words(stack, lang="jpn", psm=6, dpi=dpi, timeout=timeout)
    read: dict[int, list[tesseract.Word]] = {}
    for w in words:
        read.setdefault(bisect_right(starts, w.top + w.height / 2) - 1, []).append(w)
    best: dict[int, tuple[float, str]] = {}  # cell: (confidence, digits)
    for k, n in enumerate(owners):
        c, ws = cells[n], read.get(k, [])
        text = "".join(w.text for w in ws)
        # The serifed 1 of a Mincho face, read alone, often comes out as ] or |.
        if not (_DIGITS.search(text) and _DIGITS.fullmatch(text.translate(_LIKE_DIGITS))
                and len(c.digits) <= len(text) <= 4 and len(text) >= 2):
            continue
        conf = min(w.conf for w in ws)
        # A shape that fits less well needs a surer reading (暮 has read as 023 at 8 %).
        if conf >= (MIN_CONF if len(c.digits) > 1 else MIN_CONF_MERGED) and \
                conf > best.get(n, (-1.0, ""))[0]:
            best[n] = conf, text.translate(_LIKE_DIGITS)
    out = []
    for n, (_, text) in sorted(best.items()):
        c = cells[n]
        if len(c.digits) < len(text):
            c.digits = _share(ink, c.digits, len(text))
        c.text = text
        out.append(c)
    return out


def _share(ink: _Ink, pieces: list[Digit], n: int) -> list[Digit]:
    """`n` digits read in fewer pieces: the wider pieces split, by their share of the width."""
    widths = [d.box[2] - d.box[0] for d in pieces]
    counts = [1] * len(pieces)
    for _ in range(n - len(pieces)):
        k = max(range(len(pieces)), key=lambda k: widths[k] / (counts[k] + 1))
        counts[k] += 1
    return [part for d, count in zip(pieces, counts) for part in _split(ink, d, count)]


def _split(ink: _Ink, digit: Digit, n: int) -> list[Digit]:
    """`n` digits run together into one piece: cut where the least ink crosses, near each
    equal share of its width."""
    x0, top, x1, bottom = digit.box
    profile = np.isin(ink.labels[top:bottom, x0:x1], digit.labels).sum(axis=0)
    width = x1 - x0
    cuts = [x0]
    for k in range(1, n):
        lo, hi = round(width * (k - 0.3) / n), round(width * (k + 0.3) / n)
        cuts.append(x0 + lo + int(np.argmin(profile[lo:hi])))
    cuts.append(x1)
    return [Digit((a, top, b, bottom), digit.labels) for a, b in zip(cuts, cuts[1:])]


def _only(gray, ink: _Ink, labels, box, paper: int, pad: int = 0) -> np.ndarray:
    """The box of the page with only the given components' ink on paper."""
    x0, top, x1, bottom = box
    x0, top = max(0, x0 - pad), max(0, top - pad)
    x1, bottom = min(gray.shape[1], x1 + pad), min(gray.shape[0], bottom + pad)
    keep = np.isin(ink.labels[top:bottom, x0:x1], labels).astype(np.uint8)
    # A pixel round the components: the grey edge of the strokes, which the ink mask cuts.
    keep = cv2.dilate(keep, np.ones((3, 3), np.uint8))
    return np.where(keep > 0, gray[top:bottom, x0:x1], paper).astype(np.uint8)


def _without(gray, ink: _Ink, keep, box, paper: int) -> np.ndarray:
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
             ink: _Ink) -> tuple[list[_Column], _Column | None]:
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
            if x0 <= c.cx <= x1 and top - 1.5 * c.height <= c.cy <= bottom + 1.5 * c.height:
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
            near = ((centers[:, 0] >= x0 - col.em / 4) & (centers[:, 0] <= x1 + col.em / 4)
                    & (centers[:, 1] >= top) & (centers[:, 1] <= bottom) & (stats[:, 4] >= 15))
            near[0] = False
            col.cx = float(np.median(centers[near, 0])) if near.any() else (x0 + x1) / 2
        # The column's components: centred on it, no bigger than a few characters (not a
        # frame round the clipping), and not inside another of Tesseract's lines (the next
        # tier down the same column of the page).
        inside = ((np.abs(centers[:, 0] - col.cx) <= 0.6 * col.em)
                  & (stats[:, 2] <= 1.5 * col.em) & (stats[:, 3] <= 3 * col.em))
        inside[0] = False
        for key, (ox0, otop, ox1, obottom) in boxes.items():
            if key != col.key and ox0 <= col.cx <= ox1:
                inside &= ~((centers[:, 1] >= otop) & (centers[:, 1] <= obottom)
                            & ((centers[:, 1] < top) | (centers[:, 1] > bottom)))
        labels = np.nonzero(inside)[0]
        # Extend the line's extent to glyphs Tesseract left out at its ends (not to specks,
        # which could bridge the gap to the next tier).
        glyphs = labels[np.maximum(stats[labels, 2], stats[labels, 3]) >= 0.3 * col.em]
        spans = sorted((int(stats[i, 1]), int(stats[i, 1] + stats[i, 3])) for i in glyphs)
        changed = True
        while changed:
            changed = False
            for a, b in spans:
                if b > top - 0.5 * col.em and a < top:
                    top, changed = a, True
                if a < bottom + 0.5 * col.em and b > bottom:
                    bottom, changed = b, True
        col.top, col.bottom = top, bottom
        cy = centers[labels, 1]
        col.members = labels[(cy >= top) & (cy <= bottom)]
    surest = columns.pop(anchor) if anchor is not None else None
    return list(columns.values()), surest


def _read_columns(gray, ink: _Ink, columns: list[_Column], dpi: int, paper: int,
                  timeout: float) -> dict[tuple[int, int, int], list[tesseract.Word]]:
    """Each column read again with its side-by-side digits set one below the other, all the
    columns side by side in one image; the words in page coordinates."""
    strips, maps = [], []
    for col in columns:
        strip, pieces = _rebuild(gray, ink, col, paper)
        strips.append(strip)
        maps.append(pieces)
    gap = round(max(col.em for col in columns))
    height = max(s.shape[0] for s in strips) + 2 * gap
    # Right to left, in the order the columns were read.
    width = sum(s.shape[1] for s in strips) + gap * (len(strips) + 1)
    stack = np.full((height, width), paper, np.uint8)
    slots, x = [], width - gap
    for strip in strips:
        x -= strip.shape[1]
        stack[gap:gap + strip.shape[0], x:x + strip.shape[1]] = strip
        slots.append(x)
        x -= gap
    words = tesseract.words(stack, lang="jpn_vert", psm=5, dpi=dpi, timeout=timeout)
    out: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for w in words:
        center = w.left + w.width / 2
        for k, (strip, x0) in enumerate(zip(strips, slots)):
            if x0 - gap / 2 <= center < x0 + strip.shape[1] + gap / 2:
                break
        else:
            continue
        col = columns[k]
        left = w.left + round(col.cx - strip.shape[1] / 2) - x0
        top, bottom = _to_page(maps[k], w.top - gap), _to_page(maps[k], w.bottom - gap)
        out.setdefault(col.key, []).append(tesseract.Word(
            w.text, w.conf, left, top, w.width, max(1, bottom - top), *col.key))
    for ws in out.values():
        ws.sort(key=lambda w: w.top)
    return out


def _rebuild(gray, ink: _Ink, col: _Column, paper: int):
    """The column as a strip with each digit of its cells in a cell of its own; and the
    pieces (strip top, strip bottom, page top, page bottom) that map its rows to the page."""
    half = round(0.8 * col.em)
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
            digit = _only(gray, ink, d.labels, d.box, paper)
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


# Reading order ---------------------------------------------------------------------------------


@dataclass
class _Line:
    """Tesseract's lines that make one column, with the box of their glyphs: punctuation (a
    hanging 。, a speck read as .) left out, so that it does not bridge the gap between two
    tiers."""

    pieces: list[list[tesseract.Word]]
    x0: int = 0
    top: int = 0
    x1: int = 0
    bottom: int = 0

    def __post_init__(self) -> None:
        words = [w for piece in self.pieces for w in piece]
        glyphs = [w for w in words if not _PUNCTUATION.fullmatch(w.text)] or words
        self.x0, self.top = min(w.left for w in glyphs), min(w.top for w in glyphs)
        self.x1, self.bottom = max(w.right for w in glyphs), max(w.bottom for w in glyphs)

    def overlap(self, other: _Line) -> float:
        """How much of the narrower one's width the two share."""
        shared = min(self.x1, other.x1) - max(self.x0, other.x0)
        return shared / max(1, min(self.x1 - self.x0, other.x1 - other.x0))


_PUNCTUATION = re.compile(r"[、。,.，．・:;'\"`‘’“”]+")


def columns_in_order(words: list[tesseract.Word]) -> list[list[tesseract.Word]]:
    """Tesseract's lines of a vertical page (its columns) in reading order, each top down.

    Tesseract's own block order puts a block it found late (a column it split in two, a
    heading) after blocks to its left. Here the pieces of a column are joined again, and the
    columns ordered as layout.vertical_text orders a text layer, by recursive XY-cut: tiers
    (段) top to bottom where a horizontal gap crosses the whole block, otherwise the widest
    vertical gap splits it, right part first.
    """
    lines: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for w in words:
        # A rule or frame edge across the columns is read as a row of |.
        if w.text.strip("|"):
            lines.setdefault((w.block, w.par, w.line), []).append(w)
    found = [_Line([sorted(ws, key=lambda w: w.top)]) for ws in lines.values()]
    if not found:
        return []
    em = float(np.median([line.x1 - line.x0 for line in found]))
    length = float(np.median([line.bottom - line.top for line in found]))
    # Pieces one below the other, no longer together than a column of the page usually is
    # (which keeps the columns of two tiers apart).
    columns: list[_Line] = []
    for line in sorted(found, key=lambda line: line.top):
        for k, column in enumerate(columns):
            if (column.overlap(line) >= 0.5 and line.top - column.bottom <= 2 * em
                    and line.bottom - column.top <= 1.15 * length):
                columns[k] = _Line(column.pieces + line.pieces)
                break
        else:
            columns.append(line)
    return [piece for column in _xy_cut(columns, em) for piece in column.pieces]


def _xy_cut(lines: list[_Line], em: float) -> list[_Line]:
    # OCR boxes overrun the glyphs a little: a quarter em between tiers is a gap.
    return layout.xy_cut(lines, em, 0.25 * em, _columns_right_to_left)


def _columns_right_to_left(lines: list[_Line]) -> list[_Line]:
    """Columns whose boxes overlap a little (OCR boxes overrun): right to left, each top down
    (a column Tesseract cut in two is one column here)."""
    columns: list[list[_Line]] = []
    for line in sorted(lines, key=lambda s: -(s.x0 + s.x1)):
        if columns and max(line.overlap(other) for other in columns[-1]) >= 0.5:
            columns[-1].append(line)
        else:
            columns.append([line])
    return [line for column in columns for line in sorted(column, key=lambda s: s.top)]


# jpn_vert's misreadings of glyphs set turned in vertical text: the opening lenticular bracket
# of a byline 「【神保圭作】」 as [ (and at times the closing one twice, 】]); the wave dash of a
# range 「10月〜15年」 as a bracket that is never closed.
_LENTICULAR = re.compile(r"\[(?=[^\[\]【】]{0,40}】)")
_WAVE_DASH = re.compile(r"(?<=[0-9年月日])[({](?=[0-9])(?![^)}]{0,12}[)}])")


def fix_turned(text: str) -> str:
    """Vertical text with the misread turned glyphs mended (see above)."""
    text = _LENTICULAR.sub("【", text).replace("】]", "】")
    return _WAVE_DASH.sub("〜", text)
