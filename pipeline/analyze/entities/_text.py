"""A whitespace-free view of a text with a map back to the original offsets.

Normalized text still has spaces next to digits (「第 185 号」, 「平成 28 年」) and mentions split by a
line break inside a table cell (「保発 0819\\n第3号」). The extractors match on the compact view,
where such spaces and single line breaks are gone, and report offsets in the original text, so
that `text[start:end]` is the mention as printed. Spaces between two ASCII letters/digits are
kept (「130,000 13,000」 are two numbers), as are tabs (table cells) and blank lines (paragraphs).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

# A run of spaces and line breaks; tabs are cell separators and stay.
_GAP = re.compile(r"[ \u3000\u00a0\r\n]+")
_ALNUM = re.compile(r"[0-9A-Za-z]")
# Full-width ASCII (２０１７, （）, ：) read as ASCII, one character for one, so offsets hold even
# for text that skipped NFKC.
_HALF_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
# Digits spaced one by one by a text layer (「保 発 0 8 1 9 第 1 号」): the spaces go.
_SPACED_DIGITS = re.compile(r"(?<![0-9.,])[0-9](?: [0-9])+(?![0-9])")


@dataclass
class Compact:
    text: str  # the compact text
    _starts: list[int]  # compact offset where each kept segment starts
    _origins: list[int]  # original offset of that segment's first character

    def orig(self, i: int) -> int:
        """Original offset of compact offset `i` (a start offset)."""
        k = bisect_right(self._starts, i) - 1
        return self._origins[k] + (i - self._starts[k])

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Original (start, end) of the compact span [start, end)."""
        if end <= start:
            s = self.orig(start)
            return s, s
        return self.orig(start), self.orig(end - 1) + 1


def _compact(text: str) -> Compact:
    text = text.translate(_HALF_WIDTH)
    parts: list[str] = []
    starts: list[int] = []
    origins: list[int] = []
    pos = 0  # original offset of the current segment start
    clen = 0
    spaced = {i for m in _SPACED_DIGITS.finditer(text) for i in range(m.start() + 1, m.end(), 2)}
    for m in _GAP.finditer(text):
        a, b = m.span()
        if m.group().count("\n") > 1:
            continue  # a blank line ends a paragraph
        before = text[a - 1] if a else ""
        after = text[b] if b < len(text) else ""
        if a not in spaced and _ALNUM.match(before or " ") and _ALNUM.match(after or " "):
            continue  # keep the gap: it separates two numbers or words
        if a > pos:
            starts.append(clen)
            origins.append(pos)
            parts.append(text[pos:a])
            clen += a - pos
        pos = b
    if pos < len(text) or not starts:
        starts.append(clen)
        origins.append(pos)
        parts.append(text[pos:])
    return Compact("".join(parts), starts, origins)


@lru_cache(maxsize=8)
def compact(text: str) -> Compact:
    """The compact view of `text` (cached: every extractor asks for the same text)."""
    return _compact(text)


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the original line containing offset `pos`."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, (len(text) if end < 0 else end)


class Occupied:
    """Disjoint [start, end) spans kept in order, for greedy overlap resolution in O(log n)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def add_if_free(self, start: int, end: int) -> bool:
        """Add the span unless it overlaps one already added; True if added."""
        i = bisect_right(self._starts, start)
        if i and self._ends[i - 1] > start:
            return False
        if i < len(self._starts) and self._starts[i] < max(end, start + 1):
            return False
        self._starts.insert(i, start)
        self._ends.insert(i, max(end, start + 1))
        return True
