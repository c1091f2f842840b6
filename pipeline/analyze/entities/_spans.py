"""Overlap resolution for mentions: a set of disjoint spans."""

from __future__ import annotations

from bisect import bisect_right


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

    def overlaps(self, start: int, end: int) -> bool:
        """Does [start, end) overlap a span already added?"""
        i = bisect_right(self._starts, start)
        if i and self._ends[i - 1] > start:
            return True
        return i < len(self._starts) and self._starts[i] < max(end, start + 1)
