"""Solid round bullets (●), found by their shape.

Tesseract's Japanese model reads a ● on a noisy scan as anything: 「信」, 「人@」, 「念」, or
nothing at all. Its shape says what it is: one blob of ink without holes, as wide as it is
tall, about a character in size, and round (4π·area/perimeter² ≥ 0.8; a bold kanji, even a
solid-looking one, measured ≤ 0.5). Such blobs are painted out of the page before Tesseract
reads it, and put back as words of their own in the lines they start.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .._exec.tesseract import Word

BULLET = "●"
MIN_SIZE, MAX_SIZE = 0.4, 1.2  # of the page's character size
MAX_SKEW = 0.25  # |width - height|, of the character size
MIN_FILL, MAX_FILL = 0.7, 0.88  # area / box: a disc is π/4 ≈ 0.785
MIN_ROUNDNESS = 0.8
NEXT_WITHIN = 2.5  # character sizes from a bullet to the text of its line


@dataclass(frozen=True)
class Bullet:
    left: int
    top: int
    width: int
    height: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


def find(mask: np.ndarray, em: float) -> list[Bullet]:
    """The solid round bullets in an ink mask whose characters are `em` pixels tall."""
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
            found.append(Bullet(x, y, w, h))
    return found


def paint_out(gray: np.ndarray, bullets: list[Bullet]) -> np.ndarray:
    """The page with the bullets painted over in the paper's tone."""
    if not bullets:
        return gray
    out = gray.copy()
    paper = int(np.percentile(gray[::8, ::8], 90))
    for b in bullets:
        out[max(0, b.top - 2):b.bottom + 2, max(0, b.left - 2):b.right + 2] = paper
    return out


def put_back(words: list[Word], bullets: list[Bullet], em: float) -> list[Word]:
    """`words` with each bullet as a word of its own, just before the first word to its right
    on its line (Tesseract's line numbers); a bullet with no text beside it is dropped."""
    out = list(words)
    for b in sorted(bullets, key=lambda b: (b.top, b.left)):
        middle = (b.top + b.bottom) / 2
        beside = [k for k, w in enumerate(out) if w.top <= middle <= w.top + w.height
                  and 0 <= w.left - b.right <= NEXT_WITHIN * em and w.text != BULLET]
        if not beside:
            continue
        k = min(beside, key=lambda k: out[k].left)
        line = (out[k].block, out[k].par, out[k].line)
        # before the line's words that start right of the bullet
        at = next(j for j, w in enumerate(out) if (w.block, w.par, w.line) == line
                  and w.left >= b.left)
        out.insert(at, Word(BULLET, 99.0, b.left, b.top, b.width, b.height, *line))
    return out
