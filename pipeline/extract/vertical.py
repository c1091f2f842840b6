"""Digits set side by side in vertical text (縦中横), which `jpn_vert` cannot read.

Vertical Japanese sets a two-digit number (and in some papers any short number) across one
character cell: 「29」 sits in the column like one kanji. `jpn_vert` reads down the column one
glyph per cell, so such a cell comes out as a kanji or a single digit (「29」 → 包, 「11日」 →
「1日」, 「2014」 → 「204」), while digits set upright one per cell are read correctly.

After the page's normal `jpn_vert` reading:

1. cells of side-by-side digits are found in the ink: two or more narrow components of the
   same height, tops and bottoms aligned, with nothing else around them;
2. they are confirmed by reading them horizontally (`jpn`, all of them stacked in one image,
   one Tesseract run): a cell counts only if it reads as digits, one per component (は or 個,
   which look alike to step 1, read as themselves);
3. each column holding such a cell is rebuilt with its digits moved into cells of their own,
   one below the other, and all those columns are read again with `jpn_vert` (one more run),
   replacing the first reading of those columns.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

import cv2
import numpy as np

from .._exec import tesseract

# A digit is about 0.75 em tall: the character pitch down a column, from a digit's height.
PITCH = 1.3
_DIGITS = re.compile(r"[0-9]+")
# Least confidence of the horizontal reading of a cell: of separate digits, of digits that
# touch (one component, which could as well be a kana).
MIN_CONF, MIN_CONF_MERGED = 30.0, 70.0


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
    left, top, width, height, area = (stats[:, k] for k in range(5))
    right, bottom = left + width, top + height
    parent = list(range(len(stats)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def gap(i: int, j: int) -> int:
        return max(top[i], top[j]) - min(bottom[i], bottom[j])

    order = [i for i in np.argsort(left).tolist() if i and area[i] >= 4 and width[i] < dpi / 3]
    small = {i for i in order if max(width[i], height[i]) < dpi / 20}
    below: dict[int, tuple[int, int]] = {}  # small piece: (gap, nearest large component)
    for n, i in enumerate(order):
        for j in order[n + 1:]:
            if left[j] >= right[i]:
                break
            if min(right[i], right[j]) - left[j] < 0.5 * min(width[i], width[j]):
                continue
            # Components one above the other with (almost) no gap: one glyph. A small
            # piece a little apart goes to the nearest large one only, lest it bridge the
            # gap between two glyphs of a column.
            if (i in small) != (j in small):
                s, big = (i, j) if i in small else (j, i)
                if gap(i, j) <= max(2, 0.25 * height[big]) and \
                        gap(i, j) < below.get(s, (1 << 30,))[0]:
                    below[s] = (gap(i, j), big)
            elif gap(i, j) <= 2:
                parent[root(j)] = root(i)
    for s, (_, big) in below.items():
        parent[root(s)] = root(big)
    groups: dict[int, list[int]] = {}
    for i in order:
        groups.setdefault(root(i), []).append(i)
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


def fix_digits(gray: np.ndarray, mask: np.ndarray, words: list[tesseract.Word], *, dpi: int,
               deadline) -> list[tesseract.Word]:
    """`words` of a `jpn_vert` page reading, with the columns that hold side-by-side digits
    read again (see the module doc). `deadline.left()` gives the seconds left for Tesseract."""
    ink = _Ink.of(mask, dpi)
    cells = find_cells(ink, dpi)
    if not cells:
        return words
    gray, paper = _flatten(gray), 255
    cells = read_cells(gray, ink, cells, dpi, paper, deadline.left())
    columns = _columns(words, cells, ink)
    if not columns:
        return words
    reread = _read_columns(gray, ink, columns, dpi, paper, deadline.left())
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


def _flatten(gray: np.ndarray) -> np.ndarray:
    """The page on white paper: divided by its background tone (the page with the text
    taken out by a maximum filter, at a quarter of the resolution), so that pieces cut from
    different places of an unevenly lit scan match when put side by side."""
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    background = cv2.dilate(small, np.ones((9, 9), np.uint8))
    background = cv2.GaussianBlur(background, (0, 0), 4)
    background = cv2.resize(background, (gray.shape[1], gray.shape[0]),
                            interpolation=cv2.INTER_LINEAR)
    flat = gray.astype(np.float32) * 255.0 / np.maximum(background, 1)
    return np.clip(flat, 0, 255).astype(np.uint8)


def find_cells(ink: _Ink, dpi: int) -> list[Cell]:
    """Candidate cells of side-by-side digits, by the shape of the ink alone."""
    left, top, right, bottom, area = (ink.boxes[:, k] for k in range(5))
    width, height = right - left, bottom - top
    # Pieces big enough to be a digit (specks and the dots of 、。 are not).
    idx = [i for i in np.argsort(left).tolist() if area[i] >= 15 and height[i] >= dpi // 40]
    parent = {i: i for i in idx}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Chain narrow pieces standing side by side with the same top and bottom, as the digits
    # of one number do (no two strokes of a kana or kanji line up quite like that).
    # A piece may be two or three digits run together (small print, or digits squeezed to
    # fit one cell).
    for n, i in enumerate(idx):
        h = height[i]
        if width[i] > 1.5 * h:
            continue
        for j in idx[n + 1:]:
            if left[j] - right[i] > 0.4 * h:
                break
            hh = max(h, height[j])
            if (left[j] < right[i] - 0.1 * h or width[j] > 1.5 * height[j]
                    or not 0.8 <= height[j] / h <= 1.25
                    or abs(top[i] - top[j]) > 0.12 * hh or abs(bottom[i] - bottom[j]) > 0.12 * hh):
                continue
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in idx:
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
    """The cells that read horizontally as digits, one per piece; their text set."""
    target = dpi / 8  # digit height to read at: small print is scaled up
    gap = round(dpi / 10)
    crops = []
    for c in cells:
        crop = _only(gray, ink, c.labels, (c.x0, c.top, c.x1, c.bottom), paper, pad=dpi // 60)
        scale = max(1.0, target / max(1, c.height))
        widen = scale * c.widen()
        if widen > 1.05:
            crop = cv2.resize(crop, None, fx=widen, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops.append(crop)
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
    out = []
    for n, c in enumerate(cells):
        text = "".join(w.text for w in read.get(n, []))
        if not _DIGITS.fullmatch(text) or len(text) < 2:
            continue
        # A shape that fits less well needs a surer reading (暮 has read as 023 at 8 %).
        if min(w.conf for w in read[n]) < (MIN_CONF if len(c.digits) > 1 else MIN_CONF_MERGED):
            continue
        if len(c.digits) < len(text) <= 4:
            c.digits = _share(ink, c.digits, len(text))
        if len(text) == len(c.digits):
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
    """The box of the page with the ink of all components but `keep` painted over."""
    x0, top, x1, bottom = box
    x0, top = max(0, x0), max(0, top)
    x1, bottom = min(gray.shape[1], x1), min(gray.shape[0], bottom)
    labels = ink.labels[top:bottom, x0:x1]
    drop = ((labels > 0) & ~np.isin(labels, keep)).astype(np.uint8)
    drop = cv2.dilate(drop, np.ones((3, 3), np.uint8))
    return np.where(drop > 0, paper, gray[top:bottom, x0:x1]).astype(np.uint8)


def _columns(words: list[tesseract.Word], cells: list[Cell], ink: _Ink) -> list[_Column]:
    """Tesseract's lines (columns) that hold the cells, with their extent on the page."""
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

    stats, centers = ink.stats, ink.centers
    for col in columns.values():
        col.cells.sort(key=lambda c: c.top)
        col.cx = float(np.mean([c.cx for c in col.cells]))
        col.em = PITCH * float(np.median([c.height for c in col.cells]))
        x0, top, x1, bottom = boxes[col.key]
        top = min(top, min(c.top for c in col.cells))
        bottom = max(bottom, max(c.bottom for c in col.cells))
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
    return list(columns.values())


def _read_columns(gray, ink: _Ink, columns: list[_Column], dpi: int, paper: int,
                  timeout: float) -> dict[tuple[int, int, int], list[tesseract.Word]]:
    """Each column read again with its side-by-side digits set one below the other, all the
    columns side by side in one image; the words in page coordinates."""
    strips, maps = [], []
    for col in columns:
        strip, pieces = _rebuild(gray, ink, col, paper)
        strips.append(strip)
        maps.append(pieces)
    gap = round(max(col.em for col in columns) / 2)
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
        for k, (col, strip, x0) in enumerate(zip(columns, strips, slots)):
            if x0 - gap / 2 <= center < x0 + strip.shape[1] + gap / 2:
                break
        else:
            continue
        dx = round(col.cx - strip.shape[1] / 2) - x0
        top, bottom = _to_page(maps[k], w.top - gap), _to_page(maps[k], w.bottom - gap)
        out.setdefault(col.key, []).append(tesseract.Word(
            w.text, w.conf, w.left + dx, top, w.width, max(1, bottom - top), *col.key))
    for ws in out.values():
        ws.sort(key=lambda w: w.top)
    return out


def _rebuild(gray, ink: _Ink, col: _Column, paper: int):
    """The column as a strip with each digit of its cells in a cell of its own; and the
    pieces (strip top, strip bottom, page top, page bottom) that map its rows to the page."""
    half = round(0.8 * col.em)
    x0 = round(col.cx) - half
    # The page's grey pixels, not just the ink mask's (which breaks thin strokes), with
    # what is not the column's painted over: the side-by-side digits, a neighbour's glyphs.
    others = np.setdiff1d(col.members, [label for c in col.cells for label in c.labels])
    page = _without(gray, ink, others, (x0, col.top, x0 + 2 * half, col.bottom), paper)
    if x0 < 0:  # the column at the page's left edge: pad to the strip width
        page = np.pad(page, ((0, 0), (-x0, 0)), constant_values=paper)
    if page.shape[1] < 2 * half:
        page = np.pad(page, ((0, 0), (0, 2 * half - page.shape[1])), constant_values=paper)
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
    words: list[tesseract.Word]

    @property
    def key(self) -> tuple[int, int, int]:
        w = self.words[0]
        return w.block, w.par, w.line

    @property
    def x0(self) -> int:
        return min(w.left for w in self.words)

    @property
    def x1(self) -> int:
        return max(w.right for w in self.words)

    @property
    def top(self) -> int:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> int:
        return max(w.bottom for w in self.words)


def columns_in_order(words: list[tesseract.Word]) -> list[list[tesseract.Word]]:
    """Tesseract's lines of a vertical page (its columns) in reading order, each top down.

    Tesseract's own block order puts a block it found late (a column it split in two, a
    heading) after blocks to its left. The lines are ordered as layout.vertical_text orders
    a text layer, by recursive XY-cut: tiers (段) top to bottom where a horizontal gap
    crosses the whole block, otherwise the widest vertical gap splits it, right part first.
    """
    lines: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    found = [_Line(sorted(ws, key=lambda w: w.top)) for ws in lines.values()]
    if not found:
        return []
    em = float(np.median([line.x1 - line.x0 for line in found]))
    return [line.words for line in _xy_cut(found, em)]


def _xy_cut(lines: list[_Line], em: float) -> list[_Line]:
    if len(lines) <= 1:
        return lines
    # OCR boxes overrun the glyphs a little: a quarter em between tiers is a gap.
    tiers = _groups(lines, lambda s: (s.top, s.bottom), 0.25 * em)
    if len(tiers) > 1:
        return [line for tier in tiers for line in _xy_cut(tier, em)]
    strips = _groups(lines, lambda s: (s.x0, s.x1), 0.0)
    if len(strips) > 1:
        # Cut at the widest gap only: narrower ones may be column gaps that run through
        # several tiers, which must be read tier by tier.
        gaps = [min(s.x0 for s in strips[k + 1]) - max(s.x1 for s in strips[k])
                for k in range(len(strips) - 1)]
        cut = max(range(len(gaps)), key=lambda k: (gaps[k], k))
        left = [line for strip in strips[: cut + 1] for line in strip]
        right = [line for strip in strips[cut + 1:] for line in strip]
        return _xy_cut(right, em) + _xy_cut(left, em)
    return sorted(lines, key=lambda s: (-round(s.x1 / em), s.top))


def _groups(lines: list[_Line], extent, min_gap: float) -> list[list[_Line]]:
    """Groups of lines separated by gaps wider than min_gap along one axis, in ascending
    order of that axis."""
    ordered = sorted(lines, key=lambda s: extent(s)[0])
    groups = [[ordered[0]]]
    reach = extent(ordered[0])[1]
    for line in ordered[1:]:
        lo, hi = extent(line)
        if lo - reach > min_gap:
            groups.append([line])
        else:
            groups[-1].append(line)
        reach = max(reach, hi)
    return groups
