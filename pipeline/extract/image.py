"""Page-image clean-up with OpenCV: binarize, find text direction, deskew, find ruling lines.

All functions take and return grayscale uint8 arrays (text dark on light) unless they say
otherwise; "ink" masks are uint8 arrays with 255 where there is ink.
"""

from __future__ import annotations

import cv2
import numpy as np

from . import grid


def ink(gray: np.ndarray) -> np.ndarray:
    """Ink mask: Otsu threshold after a median filter that removes scanner speckle."""
    smooth = cv2.medianBlur(gray, 3)
    _, mask = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return mask


def half(mask: np.ndarray) -> np.ndarray:
    """A mask at half resolution (a quarter of the pixels to label), any ink kept."""
    return cv2.resize(mask, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)


def char_size(mask: np.ndarray) -> float:
    """Typical character height in pixels, from the connected components of the ink."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    h = stats[1:, cv2.CC_STAT_HEIGHT]
    w = stats[1:, cv2.CC_STAT_WIDTH]
    size = np.maximum(h, w)
    # Kanji break into several components and specks are many: the larger ones tell.
    area = stats[1:, cv2.CC_STAT_AREA]
    size = size[(size >= 5) & (size <= max(mask.shape) // 10) & (area >= 10)]
    if len(size) < 10:
        return 0.0
    return float(np.percentile(size, 90))


def direction(mask: np.ndarray) -> str | None:
    """"h" when text lines run across the image, "v" when they run down it (vertical writing,
    or a page turned sideways), None without enough text to tell.

    Smearing the ink along a direction merges the characters of a line into long strokes when
    lines run that way, but not across the wider gaps between lines.
    """
    small = half(mask)
    size = char_size(small)
    if not size:
        return None
    k = max(3, int(size * 0.6))
    scores = {}
    for name, kernel in (("h", (k, 1)), ("v", (1, k))):
        smeared = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(
            cv2.MORPH_RECT, kernel))
        n, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
        w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
        long_ = (w if name == "h" else h).astype(float)
        short = np.maximum(h if name == "h" else w, 1)
        keep = long_ >= size * 3  # strokes of 3+ characters
        scores[name] = float((long_[keep] / short[keep]).sum())
    if max(scores.values()) == 0:
        return None
    # Horizontal unless clearly not: most pages are, and a wrong "v" costs an OSD run.
    return "v" if scores["v"] > 1.5 * scores["h"] else "h"


def skew_angle(mask: np.ndarray, vertical: bool = False, limit: float = 3.0) -> float:
    """Skew in degrees (counter-clockwise positive, as cv2.getRotationMatrix2D takes it): the
    rotation that makes the projection profile across the lines sharpest."""
    small = cv2.resize(mask, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    if vertical:
        small = cv2.rotate(small, cv2.ROTATE_90_CLOCKWISE)
    h, w = small.shape
    center = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.25), key=sharpness)
    best = max(np.arange(best - 0.2, best + 0.21, 0.05), key=sharpness)
    return float(best)


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by a small angle (degrees, counter-clockwise), filling with white."""
    if abs(angle) < 0.05:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def turn(gray: np.ndarray, clockwise: int) -> np.ndarray:
    """Rotate by a multiple of 90 degrees clockwise."""
    k = (clockwise // 90) % 4
    return np.ascontiguousarray(np.rot90(gray, k=-k)) if k else gray


def ruling_lines(mask: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """Table ruling lines: a mask of their pixels and their segments as grid edges.

    Morphological opening with long thin kernels keeps only straight runs of ink far longer
    than any character stroke. Done at half resolution, which is plenty for lines.
    """
    small = np.where(half(mask) > 0, 255, 0).astype(np.uint8)
    h, w = small.shape
    length = max(20, min(h, w) // 30)
    lines = np.zeros_like(small)
    edges = []
    for kernel in ((length, 1), (1, length)):
        opened = cv2.morphologyEx(small, cv2.MORPH_OPEN,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
        # Bridge small breaks in scanned lines before measuring the segments.
        bridge = (5, 1) if kernel[0] > 1 else (1, 5)
        opened = cv2.morphologyEx(opened, cv2.MORPH_CLOSE,
                                  cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
        lines |= opened
        n, _, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
        for x, y, bw, bh, _ in stats[1:]:
            if kernel[0] > 1 and bw >= length and bh <= 6:
                edges.append(grid.edge(2 * x, 2 * y + bh, 2 * (x + bw), 2 * y + bh))
            elif kernel[1] > 1 and bh >= length and bw <= 6:
                edges.append(grid.edge(2 * x + bw, 2 * y, 2 * x + bw, 2 * (y + bh)))
    full = cv2.resize(lines, (mask.shape[1], mask.shape[0]), interpolation=cv2.INTER_NEAREST)
    return full, edges


# Specks: ink components at most this many ems across, unless text is near them along the line
# direction (within SPECK_ALONG ems, and within SPECK_ACROSS ems of its rows): 、。・ and a
# decimal point sit beside characters of their own line; dust between lines or in a margin
# does not.
SPECK_SIZE, SPECK_ALONG, SPECK_ACROSS = 0.25, 1.5, 0.05


def specks(mask: np.ndarray, vertical: bool = False) -> np.ndarray:
    """Boolean mask of the dust and toner specks on a page: small ink components away from
    the text lines. Left in, a speck just under a line makes Tesseract's box for part of
    the line taller, and the LSTM, scaling that box to its line height, loses the characters
    in it (「窓口でトラブルが発生し、」 dropped); a speck elsewhere is read as 「.」 or 「・」."""
    em = char_size(mask)
    if not em:
        return np.zeros(mask.shape, bool)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) <= SPECK_SIZE * em
    small[0] = False
    text = ~small
    text[0] = False
    along, across = max(1, int(SPECK_ALONG * em)), max(1, int(SPECK_ACROSS * em))
    kernel = (2 * across + 1, 2 * along + 1) if vertical else (2 * along + 1, 2 * across + 1)
    near = cv2.dilate(text[labels].astype(np.uint8),
                      cv2.getStructuringElement(cv2.MORPH_RECT, kernel)) > 0
    beside_text = np.zeros(n, bool)
    beside_text[np.unique(labels[near & small[labels]])] = True
    return (small & ~beside_text)[labels]


def despeckle(gray: np.ndarray, mask: np.ndarray, vertical: bool = False) -> np.ndarray:
    """The page with its specks (see `specks`) painted over in the paper's local tone."""
    found = specks(mask, vertical)
    if not found.any():
        return gray
    # The ink mask is Otsu's: a speck's soft edge lies outside it.
    found = cv2.dilate(found.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    paper = cv2.dilate(gray, np.ones((9, 9), np.uint8))  # the lightest pixel nearby
    out = gray.copy()
    out[found] = paper[found]
    return out
