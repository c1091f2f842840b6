"""縦中横: digits set side by side in one cell of a vertical (縦書き) column, found in the ink.

Vertical Japanese sets a two-digit number (and in some papers any short number) across one
character cell: 「29」 sits in the column like one kanji. `jpn_vert` reads down the column one
glyph per cell, so such a cell comes out as a kanji or a single digit (「29」 → 包, 「11日」 →
「1日」, 「2014」 → 「204」). Here:

1. `find_cells`: cells of side-by-side digits are found in the ink: narrow pieces of the same
   height, tops and bottoms aligned, with nothing else around them (or one piece as wide as two
   digits, where the first reading is unsure: digits run together in small print or squeezed);
2. `read_cells`: they are confirmed by reading them horizontally (`jpn`, all of them stacked in
   one image, one Tesseract run): a cell counts only if it reads as digits, at least one per
   piece (は or 個, which look alike to step 1, read as themselves).

vertical.py then rebuilds the columns that hold them. Sizes are in units of a piece's or cell's height `h`, or
fractions of an inch given as `dpi / n`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from .._exec import tesseract
from .box import Box

# Glyph pieces (`_pieces`) ------------------------------------------------------------------
MIN_AREA = 4  # pixels: a smaller component is scanner dust
MAX_WIDTH = 3  # dpi / 3 (1/3 inch): a wider component is a rule or a frame, not a glyph
SMALL = 20  # dpi / 20: a component smaller than this (a dot, a stroke end) joins a large one
BROKEN_GAP = 2  # pixels between two pieces one above the other that a scan broke apart
ATTACH = 0.25  # a small piece this close (x the large one's height) is part of it
OVERLAP = 0.5  # horizontal overlap (x the narrower width) for pieces to be one above the other

# Candidate cells (`find_cells`), in units of the piece's height h --------------------------
MIN_DIGIT_AREA = 15  # pixels: the dot of 、。 is not a digit
MIN_DIGIT_HEIGHT = 40  # dpi // 40 (1/40 inch)
MIN_NEIGHBOUR = 30  # dpi // 30: smaller ink next to a cell (specks) does not rule it out
MAX_ASPECT = 1.5  # a digit (or two run together) is at most 1.5 h wide; so is a cell
NEXT_DIGIT = 0.4  # the next digit of the number starts within 0.4 h of the previous one's end
DIGIT_OVERLAP = 0.1  # ...and overlaps it by at most 0.1 h (italic or kerned figures)
SAME_HEIGHT = (0.8, 1.25)  # heights of two digits of one number, relative to each other
ALIGNED = 0.12  # tops and bottoms of the digits of one number agree within 0.12 h
TWO_WIDE = 1.05  # one piece alone must be this wide (x h) to be two digits run together,
TWO_WIDE_SMALL = (10, 0.9)  # or, in small print (under dpi / 10), 0.9 h
SOLID = 0.6  # ...and fill less of its box than a kana (の, つ) does
CLEAR_X, CLEAR_Y = 0.3, 0.12  # no other ink this close (x h) round a cell: not part of a kanji

# Horizontal reading of the cells (`read_cells`) --------------------------------------------
READ_HEIGHT = 8  # dpi / 8: digit height to read at (small print is scaled up)
STACK_GAP = 10  # dpi / 10 between the cells stacked for Tesseract
CROP_PAD = 60  # dpi // 60 of paper round each cell
RUN_TOGETHER = 1.7  # how much one piece is widened for a second reading (squeezed digits)
MIN_SCALE = 1.05  # scaling by less is not worth the resampling
MAX_DIGITS = 4  # a cell holds 2 to 4 digits
# Least confidence of the horizontal reading of a cell: of separate digits, of digits that
# touch (one component, which could as well be a kana).
MIN_CONF, MIN_CONF_MERGED = 30.0, 70.0

# Widening squeezed digits back (`Cell.widen`) ----------------------------------------------
ADVANCE = 0.6  # a digit's advance, x its height, when not squeezed
MAX_WIDEN = 2.5
MIN_WIDEN = 1.2  # less squeezed than this: left as it is
SPLIT_WINDOW = 0.3  # a cut between run-together digits is sought within ±0.3 of a share

_DIGITS = re.compile(r"[0-9]+")
_LIKE_DIGITS = str.maketrans("]|Il!Oo", "1111100")


@dataclass
class Digit:
    box: tuple[int, int, int, int]  # x0, top, x1, bottom
    labels: list[int]  # its connected components (a thin digit can break into pieces)


@dataclass
class Cell(Box):
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
    def labels(self) -> list[int]:
        return [label for d in self.digits for label in d.labels]

    def widen(self) -> float:
        """How much to widen the digits back: three or four digits are squeezed to fit one
        cell, and a digit's advance is normally about 0.6 of its height."""
        if len(self.digits) < 2:
            return 1.0
        centers = [(d.box[0] + d.box[2]) / 2 for d in self.digits]
        advance = (centers[-1] - centers[0]) / (len(centers) - 1)
        widen = min(MAX_WIDEN, ADVANCE * self.height / max(1.0, advance))
        return widen if widen > MIN_WIDEN else 1.0


@dataclass
class Ink:
    """Connected components of the page's ink mask, and glyph pieces: components that lie
    one above the other close enough to be one glyph broken by the scan (a squeezed 2)."""

    labels: np.ndarray
    stats: np.ndarray  # per label: left, top, width, height, area (row 0 is the background)
    centers: np.ndarray
    pieces: list[list[int]]  # labels of each glyph piece
    boxes: np.ndarray  # per piece: x0, top, x1, bottom, area

    @classmethod
    def of(cls, mask: np.ndarray, dpi: int) -> Ink:
        _, labels, stats, centers = cv2.connectedComponentsWithStats(mask, connectivity=8)
        pieces = _pieces(stats, dpi)
        boxes = np.array([
            (stats[p, 0].min(), stats[p, 1].min(), (stats[p, 0] + stats[p, 2]).max(),
             (stats[p, 1] + stats[p, 3]).max(), stats[p, 4].sum()) for p in pieces
        ]).reshape(-1, 5)
        return cls(labels, stats, centers, pieces, boxes)


def _pieces(stats: np.ndarray, dpi: int) -> list[list[int]]:
    order = np.array([i for i in np.argsort(stats[:, 0], kind="stable").tolist()
                      if i and stats[i, 4] >= MIN_AREA and stats[i, 2] < dpi / MAX_WIDTH], dtype=int)
    left, top, width, height = (stats[order, k].astype(int) for k in range(4))
    right, bottom = left + width, top + height
    small = np.maximum(width, height) < dpi / SMALL
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
        js = js[np.minimum(right[i], right[js]) - left[js] >= OVERLAP * np.minimum(width[i], width[js])]
        gaps = np.maximum(top[i], top[js]) - np.minimum(bottom[i], bottom[js])
        # One above the other with (almost) no gap: one glyph broken by the scan.
        for j in js[(small[js] == small[i]) & (gaps <= BROKEN_GAP)].tolist():
            parent[root(j)] = root(i)
        mixed = small[js] != small[i]
        big_height = np.where(small[i], height[js], height[i])
        close = mixed & (gaps <= np.maximum(BROKEN_GAP, ATTACH * big_height))
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



def find_cells(ink: Ink, dpi: int) -> list[Cell]:
    """Candidate cells of side-by-side digits, by the shape of the ink alone."""
    left, top, right, bottom, area = (ink.boxes[:, k] for k in range(5))
    width, height = right - left, bottom - top
    # Pieces big enough to be a digit (specks and the dots of 、。 are not), left to right.
    idx = np.array([i for i in np.argsort(left, kind="stable").tolist()
                    if area[i] >= MIN_DIGIT_AREA and height[i] >= dpi // MIN_DIGIT_HEIGHT], dtype=int)
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
        if width[i] > MAX_ASPECT * h:
            continue
        js = idx[n + 1:np.searchsorted(lefts, right[i] + NEXT_DIGIT * h, side="right")]
        hh = np.maximum(h, height[js])
        js = js[(left[js] >= right[i] - DIGIT_OVERLAP * h) & (width[js] <= MAX_ASPECT * height[js])
                & (height[js] >= SAME_HEIGHT[0] * h) & (height[js] <= SAME_HEIGHT[1] * h)
                & (np.abs(top[js] - top[i]) <= ALIGNED * hh)
                & (np.abs(bottom[js] - bottom[i]) <= ALIGNED * hh)]
        for j in js.tolist():
            parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in idx.tolist():
        groups.setdefault(root(i), []).append(i)

    # Anything else close by (the rest of a kanji) rules a group out; specks do not.
    sizable = np.nonzero((area >= MIN_DIGIT_AREA)
                       & (np.maximum(width, height) >= dpi // MIN_NEIGHBOUR))[0]
    cells = []
    for members in groups.values():
        m = np.array(members)
        x0, y0, x1, y1 = left[m].min(), top[m].min(), right[m].max(), bottom[m].max()
        h = y1 - y0
        # One piece alone must be as wide as two digits, and not as solid as a kana.
        small_print, small_wide = TWO_WIDE_SMALL
        if x1 - x0 > MAX_ASPECT * h or len(members) == 1 and not (
                (TWO_WIDE * h <= x1 - x0 or h <= dpi / small_print and small_wide * h <= x1 - x0)
                and area[m[0]] < SOLID * (x1 - x0) * h):
            continue
        ex0, ex1 = x0 - CLEAR_X * h, x1 + CLEAR_X * h
        ey0, ey1 = y0 - CLEAR_Y * h, y1 + CLEAR_Y * h
        near = sizable[(left[sizable] < ex1) & (right[sizable] > ex0)
                       & (top[sizable] < ey1) & (bottom[sizable] > ey0)]
        if len(set(near.tolist()) - set(members)):
            continue
        members.sort(key=lambda i: left[i])
        cells.append(Cell(int(x0), int(y0), int(x1), int(y1), [
            Digit((int(left[i]), int(top[i]), int(right[i]), int(bottom[i])), ink.pieces[i])
            for i in members]))
    return cells


def read_cells(gray, ink: Ink, cells: list[Cell], dpi: int, paper: int,
               deadline: tesseract.Deadline) -> list[Cell]:
    """The cells that read horizontally as 2 to 4 digits, at least one per piece; their text
    set, and pieces that hold more than one digit split."""
    target = dpi / READ_HEIGHT
    crops, owners = [], []
    for n, c in enumerate(cells):
        crop = only(gray, ink, c.labels, (c.x0, c.top, c.x1, c.bottom), paper,
                     pad=dpi // CROP_PAD)
        scale = max(1.0, target / max(1, c.height))
        # One piece may be two digits run together or three or four squeezed into the
        # cell: it is read both as it is and widened.
        for widen in (c.widen(),) if len(c.digits) > 1 else (1.0, RUN_TOGETHER):
            if scale * widen > MIN_SCALE:
                crops.append(cv2.resize(crop, None, fx=scale * widen, fy=scale,
                                        interpolation=cv2.INTER_CUBIC))
            else:
                crops.append(crop)
            owners.append(n)
    read = tesseract.read_stacked(crops, gap=round(dpi / STACK_GAP), paper=paper, lang="jpn",
                                  psm=6, dpi=dpi, deadline=deadline)
    best: dict[int, tuple[float, str]] = {}  # cell: (confidence, digits)
    for k, n in enumerate(owners):
        c, ws = cells[n], read[k]
        text = "".join(w.text for w in ws)
        # The serifed 1 of a Mincho face, read alone, often comes out as ] or |.
        if not (_DIGITS.search(text) and _DIGITS.fullmatch(text.translate(_LIKE_DIGITS))
                and len(c.digits) <= len(text) <= MAX_DIGITS and len(text) >= 2):
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


def _share(ink: Ink, pieces: list[Digit], n: int) -> list[Digit]:
    """`n` digits read in fewer pieces: the wider pieces split, by their share of the width."""
    widths = [d.box[2] - d.box[0] for d in pieces]
    counts = [1] * len(pieces)
    for _ in range(n - len(pieces)):
        k = max(range(len(pieces)), key=lambda k: widths[k] / (counts[k] + 1))
        counts[k] += 1
    return [part for d, count in zip(pieces, counts) for part in _split(ink, d, count)]


def _split(ink: Ink, digit: Digit, n: int) -> list[Digit]:
    """`n` digits run together into one piece: cut where the least ink crosses, near each
    equal share of its width."""
    x0, top, x1, bottom = digit.box
    profile = np.isin(ink.labels[top:bottom, x0:x1], digit.labels).sum(axis=0)
    width = x1 - x0
    cuts = [x0]
    for k in range(1, n):
        lo, hi = round(width * (k - SPLIT_WINDOW) / n), round(width * (k + SPLIT_WINDOW) / n)
        cuts.append(x0 + lo + int(np.argmin(profile[lo:hi])))
    cuts.append(x1)
    return [Digit((a, top, b, bottom), digit.labels) for a, b in zip(cuts, cuts[1:])]


def only(gray, ink: Ink, labels, box, paper: int, pad: int = 0) -> np.ndarray:
    """The box of the page with only the given components' ink on paper."""
    x0, top, x1, bottom = box
    x0, top = max(0, x0 - pad), max(0, top - pad)
    x1, bottom = min(gray.shape[1], x1 + pad), min(gray.shape[0], bottom + pad)
    keep = np.isin(ink.labels[top:bottom, x0:x1], labels).astype(np.uint8)
    # A pixel round the components: the grey edge of the strokes, which the ink mask cuts.
    keep = cv2.dilate(keep, np.ones((3, 3), np.uint8))
    return np.where(keep > 0, gray[top:bottom, x0:x1], paper).astype(np.uint8)

