"""Text normalization (see text.py for the rules): applied to each page after extraction."""

from __future__ import annotations

from dataclasses import replace

from ..model import Page, Table
from .text import fold, normalize_text

__all__ = ["fold", "normalize_text", "normalize_page"]


def normalize_page(page: Page) -> Page:
    """A copy of the page with its text and table cells normalized."""
    tables = [
        replace(t, rows=[[normalize_text(cell).replace("\n", "") for cell in row]
                         for row in t.rows])
        for t in page.tables
    ]
    return replace(page, text=normalize_text(page.text), tables=tables)
