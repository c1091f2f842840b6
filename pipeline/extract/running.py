"""Running heads and page numbers: lines a publication repeats at the top or bottom of its pages
(「令和7年7月14日 月曜日 官報」, 「広報おといねっぷ 2024.6」, 「- 3 -」), kept out of the body
text.

A line is a running head when, with its digits masked, it recurs among the first or last
lines of enough pages; it stays on the document's first page, where it reads as the issue's
masthead (the date and number of a 官報 issue), and goes from the others. A page number is a
first or last line that is only a number (「3」, 「- 3 -」, 「(3)」, 「3頁」); it goes from every
page once the document numbers most of its pages that way.
"""

from __future__ import annotations

import re

from ..model import Page

EDGE_LINES = 2  # lines at each end of a page where running heads and page numbers sit
MIN_PAGES = 3  # a line repeated on fewer pages is the document's own text
SHARE = 0.4  # ...or on less than this share of its pages

_DIGITS = re.compile(r"[0-9０-９\ue000-\uf8ff〇一二三四五六七八九十]+")
_PAGE_NUMBER = re.compile(
    r"^[\s\-－‐–—―ー(（〔\[<＜]*(?:[pPｐＰ]\.?\s*)?[0-9０-９]{1,4}\s*(?:頁|ページ)?"
    r"[\s\-－‐–—―ー)）〕\]>＞]*$|^[\s\-－‐–—―]*[0-9０-９]{1,4}\s*[/／]\s*[0-9０-９]{1,4}\s*$")


def _key(line: str) -> str:
    """The line without its figures (dates and numbers change from page to page, and may be
    missing where a symbol font's digits could not be read) nor its spaces."""
    return "".join(_DIGITS.sub("", line).split())


def _edges(lines: list[str]) -> list[int]:
    """Indices of the first and last non-empty lines."""
    filled = [k for k, line in enumerate(lines) if line.strip()]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def strip(pages: list[Page]) -> list[Page]:
    """The pages with running heads and page numbers removed from their text (in place)."""
    if len(pages) < MIN_PAGES:
        return pages
    need = max(MIN_PAGES, SHARE * len(pages))
    split = [page.text.split("\n") for page in pages]
    seen: dict[str, int] = {}
    numbered = 0
    for lines in split:
        keys = {_key(lines[k]) for k in _edges(lines)}
        for key in keys:
            if len(key) >= 2:
                seen[key] = seen.get(key, 0) + 1
        numbered += any(_PAGE_NUMBER.match(lines[k]) for k in _edges(lines))
    heads = {key for key, n in seen.items() if n >= need}
    numbers = numbered >= need
    if not heads and not numbers:
        return pages
    for n, (page, lines) in enumerate(zip(pages, split)):
        drop = {k for k in _edges(lines)
                if n and _key(lines[k]) in heads or numbers and _PAGE_NUMBER.match(lines[k])}
        if drop:
            kept = [line for k, line in enumerate(lines) if k not in drop]
            page.text = "\n".join(kept).strip("\n")
    return pages
