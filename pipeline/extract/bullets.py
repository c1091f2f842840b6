"""Solid round bullets (●), found by their shape.

Tesseract's Japanese model reads a ● on a noisy scan as anything: 「信」, 「人@」, 「念」, or
nothing at all. Its shape says what it is: one blob of ink without holes, as wide as it is
tall, about a character in size, and round (4π·area/perimeter² ≥ 0.8; a bold kanji, even a
solid-looking one, measured ≤ 0.5). What Tesseract read there is replaced by a ● word in the
line the bullet starts. (The page is read as it is: painting the bullets out changed how
Tesseract cut a framed two-column page into blocks, and its reading order with it.)
"""

from __future__ import annotations

import cv2
import numpy as np

from .._exec.tesseract import Word

BULLET = "●"
SURE = 99.0  # the confidence of a bullet found by its shape
MIN_SIZE, MAX_SIZE = 0.4, 1.2  # of the page's character size
MAX_SKEW = 0.25  # |width - height|, of the character size
MIN_FILL, MAX_FILL = 0.7, 0.88  # area / box: a disc is π/4 ≈ 0.785
MIN_ROUNDNESS = 0.8
NEXT_WITHIN = 2.5  # character sizes from a bullet to the text of its line


def find(mask: np.ndarray, em: float) -> list[Word]:
    """The solid round bullets in an ink mask whose characters are `em` pixels tall, as ●
    words of no line yet (see `put_back`)."""
    if not em:
        return []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if not (MIN_SIZE * em <= min(w, h) and max(w, h) <= MAX_SIZE * em
                and abs(w - h) <= MAX_SKEW * em and MIN_FILL <= area / (w * h) <= MAX_FILL):
            continue
        blob = (labels[y:y + h, x:x + w] == i).astype(np.uint8)
        contours, _ = cv2.findContours(blob, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if len(contours) != 1:  # a hole: 〇, 回, a bold 口
            continue
        perimeter = cv2.arcLength(contours[0], True)
        if perimeter and 4 * np.pi * area / perimeter ** 2 >= MIN_ROUNDNESS:
            found.append(Word(BULLET, SURE, x, y, w, h, 0, 0, 0))
    return found


def put_back(words: list[Word], bullets: list[Word], em: float) -> list[Word]:
    """`words` without what was read from the bullets (words lying mostly on one), and with
    each bullet as a word of its own, just before the first word to its right on its line
    (Tesseract's line numbers); a bullet with no text beside it is left out."""
    out = [w for w in words if not any(_on(w, b) for b in bullets)]
    for b in sorted(bullets, key=lambda b: (b.top, b.left)):
        middle = (b.top + b.bottom) / 2
        beside = [k for k, w in enumerate(out) if w.top <= middle <= w.bottom
                  and 0 <= w.left - b.right <= NEXT_WITHIN * em and w.text != BULLET]
        if not beside:
            continue
        k = min(beside, key=lambda k: out[k].left)
        line = (out[k].block, out[k].par, out[k].line)
        # before the line's words that start right of the bullet
        at = next(j for j, w in enumerate(out) if (w.block, w.par, w.line) == line
                  and w.left >= b.left)
        out.insert(at, Word(BULLET, SURE, b.left, b.top, b.width, b.height, *line))
    return out


def _on(w: Word, b: Word) -> bool:
    """Whether at least half of the word's width lies on the bullet, on its row (Tesseract's
    box for a misread bullet is often taller than the bullet: 「人」 61 pixels on a 38)."""
    along = min(w.right, b.right) - max(w.left, b.left)
    down = min(w.bottom, b.bottom) - max(w.top, b.top)
    return down > 0 and along >= 0.5 * w.width
