"""Text normalization (see text.py for the rules): applied to each page after extraction.

What normalized text guarantees to later stages (analyze reads only normalized text; the header
reader also accepts raw lines, see `pipeline.ja.spacing.compact_line`):

- NFKC form, except circled numbers (①), 〜, … and ‥; no full-width ASCII; ～ is 〜.
- No space next to a Japanese character (`pipeline.ja.chars.is_japanese`): 「第 185 号」 and
  「平 成 28 年」 arrive as 「第185号」 and 「平成28年」. A single space may remain between two
  Japanese words of two or more letters (「世田谷区 中野区」) and between Latin words or digit
  groups (「130,000 13,000」, and digits a text layer spaced apart: 「保発0 8 1 9第1号」).
- No run of spaces, no space at a line's start or end or next to a tab; at most one blank line.
- Tabs separate table cells; a line break inside a cell or a wrapped table row may still split
  a mention (「保発0819\\n第3号」). Extractors match on `pipeline.ja.spacing.compact`, which
  joins those and maps offsets back.
- Kanji numerals are never converted (三鷹市 stays 三鷹市).
- A fixed point: normalizing twice is normalizing once.
"""

from __future__ import annotations

from dataclasses import replace

from ..model import Page
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
