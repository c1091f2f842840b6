"""A box on a page: x0, top, x1, bottom in top-down coordinates (points for a text layer,
pixels for a scan), shared by characters, lines, segments and 縦中横 cells."""

from __future__ import annotations

from typing import Iterable


class Box:
    """Mixin for anything with x0, top, x1 and bottom: its centre. No slots of its own, so that
    slotted dataclasses (pdf.Char) stay slotted."""

    __slots__ = ()
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


def enclosing(boxes: Iterable[Box]) -> tuple[float, float, float, float]:
    """The smallest box holding all of `boxes` (at least one): (x0, top, x1, bottom)."""
    boxes = list(boxes)
    return (min(b.x0 for b in boxes), min(b.top for b in boxes),
            max(b.x1 for b in boxes), max(b.bottom for b in boxes))
