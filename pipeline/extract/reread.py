"""Second readings of the text lines Tesseract was unsure of.

Tesseract's LSTM reads a line as a whole, and on a noisy scan it sometimes loses its way in one:
a run of characters dropped (「金融機関等の窓口でトラブルが発生し、」 read as 「金融機関等の」), a
kanji read as a simpler one (義 as 二, 旨 as 則). Its word confidences say where: such lines
carry a word far below the others. Read alone, from a crop of the page, and at smaller scales
(a blurred 300 dpi glyph shrunk is often read right where the full-size one is not), the same
line usually comes out right in at least one reading, and that reading is the one Tesseract is
surest of (`_surer`), provided it is the same text mended (`_alike`): measured on the corpus
scans, this cut the errors in such lines by ~40%.

Each scale is one Tesseract run for all the unsure lines of a page (`read_stacked`).
"""

from __future__ import annotations

import difflib

import cv2
import numpy as np

from .._exec import tesseract
from .._exec.tesseract import Word

UNSURE = 70.0  # a line with a word read below this confidence is read again
SCALES = (1.0, 0.75, 0.6)  # the line crop, as is and shrunk
PAD = 0.2  # ems of page kept round a line's words: its glyphs' edges, not the next line's
GAP = 0.5  # ems of paper between stacked lines
ALIKE = 0.6  # how alike (difflib's ratio) a second reading must be to the first
# Ems: the narrowest a character is, half-width (1, a digit) and full-width (kana, kanji).
MIN_HALF, MIN_FULL = 0.4, 0.8


Line = tuple[int, int, int]  # Tesseract's (block, paragraph, line)


def reread_lines(gray: np.ndarray, words: list[Word], *, lang: str = "jpn", psm: int = 6,
                 vertical: bool = False, dpi: int = 300,
                 deadline: tesseract.Deadline | None = None) -> list[Word]:
    """`words` as read from `gray`, each unsure line replaced by its best reading (in page
    coordinates, with the line's block, paragraph and line numbers), in the same order.
    `vertical`: the lines are columns (read with `lang` jpn_vert and `psm` 5)."""
    lines: dict[Line, list[Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    unsure = [key for key, ws in lines.items() if min(w.conf for w in ws) < UNSURE]
    if not unsure:
        return words
    boxes = [_box(lines[key], gray.shape, vertical) for key in unsure]
    em = float(np.median([w.width if vertical else w.height for w in words]))
    paper = int(np.percentile(gray[::8, ::8], 90))
    best = {key: lines[key] for key in unsure}
    for scale in SCALES:
        crops = [_scaled(gray[top:bottom, x0:x1], scale) for x0, top, x1, bottom in boxes]
        read = tesseract.read_stacked(crops, gap=max(4, round(GAP * em * scale)), paper=paper,
                                      across=vertical, lang=lang, psm=psm,
                                      dpi=round(dpi * scale),
                                      deadline=deadline)
        for key, (x0, top, _, _), found in zip(unsure, boxes, read):
            if _surer(found, best[key]) and _alike(found, lines[key]):
                best[key] = _widened([_placed(w, key, scale, x0, top) for w in found], vertical)
    out: list[Word] = []
    for key, ws in lines.items():
        out += best.get(key, ws)
    return out


def _box(line: list[Word], shape: tuple[int, ...], vertical: bool) -> tuple[int, int, int, int]:
    """The line's crop: its words' extent, across the line from their median top to median
    bottom (a speck or a neighbour's stroke can make one word's box much taller), padded."""
    em = float(np.median([w.width if vertical else w.height for w in line]))
    pad = PAD * em
    if vertical:
        x0 = float(np.median([w.left for w in line])) - pad
        x1 = float(np.median([w.right for w in line])) + pad
        top = min(w.top for w in line) - pad
        bottom = max(w.bottom for w in line) + pad
    else:
        top = float(np.median([w.top for w in line])) - pad
        bottom = float(np.median([w.bottom for w in line])) + pad
        x0 = min(w.left for w in line) - pad
        x1 = max(w.right for w in line) + pad
    h, w = shape[:2]
    return max(0, round(x0)), max(0, round(top)), min(w, round(x1)), min(h, round(bottom))


def _scaled(crop: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return crop
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _placed(w: Word, key: Line, scale: float, x0: int, top: int) -> Word:
    return Word(w.text, w.conf, x0 + round(w.left / scale), top + round(w.top / scale),
                round(w.width / scale), round(w.height / scale), *key)


def _widened(words: list[Word], vertical: bool) -> list[Word]:
    """The words with boxes at least as long as their characters: in a second reading a
    word's box may cover only its last glyph (「少な」 21 pixels wide at 40 pixels an em), and
    the gap it leaves before it would be taken for a space on the page."""
    if not words:
        return words
    em = float(np.median([w.width if vertical else w.height for w in words]))
    out: list[Word] = []
    for w in words:
        need = round(em * sum(MIN_HALF if ch.isascii() else MIN_FULL for ch in w.text))
        start = out[-1].bottom if vertical and out else out[-1].right if out else None
        if vertical and w.height < need:
            top = w.bottom - need if start is None else max(start, w.bottom - need)
            w = Word(w.text, w.conf, w.left, top, w.width, w.bottom - top, w.block, w.par, w.line)
        elif not vertical and w.width < need:
            left = w.right - need if start is None else max(start, w.right - need)
            w = Word(w.text, w.conf, left, w.top, w.right - left, w.height, w.block, w.par, w.line)
        out.append(w)
    return out


def _alike(words: list[Word], first: list[Word]) -> bool:
    """Whether a second reading is the first one mended, not other text: where a line is a
    diagram, a seal or an icon, both readings are noise and the surer one is no better (on
    a real scan a flowchart's boxes became 「151 121」, read as amounts)."""
    a, b = "".join(w.text for w in words), "".join(w.text for w in first)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


def _surer(words: list[Word], than: list[Word]) -> bool:
    """A higher mean confidence, and no word less sure than the other reading's least sure:
    a line's mean hides one digit read wrong with little confidence (「平成38年」 at 52 in a
    reading surer on average than the first's 「平成28年」 at 59)."""
    return bool(words) and _mean(words) > _mean(than) and \
        min(w.conf for w in words) >= min(w.conf for w in than)


def _mean(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words)
