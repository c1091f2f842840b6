"""Running heads and page numbers: lines a publication repeats in the margins of its pages
(「令和7年7月14日 月曜日 官報」 up the side of a 官報 page, 「広報おといねっぷ 2024.6」,
「- 3 -」), kept out of the body text.

Only lines of a text layer that lie wholly in a page's margin are candidates (`margin_lines`):
a unit declared above a table (「（単位：千円）」) or a heading repeated at the top of each
page's body is content, and stays. Such a line is a running head when, with its figures left
out, it recurs on enough of the document's pages; it stays on the first page, where it reads as
the issue's masthead (the date and number of a 官報 issue), and goes from the others. A page
number (「3」, 「- 3 -」, 「(3)」, 「3頁」) goes from every page once the document numbers most
of its pages that way.
"""

from __future__ import annotations

import re

from ..model import Page
from . import layout

MARGIN = 0.07  # of the page's width or height: the outer band where running heads sit
MIN_PAGES = 3  # a line repeated on fewer pages is the document's own text
SHARE = 0.4  # ...or on less than this share of its pages

_FIGURES = re.compile(r"[0-9０-９\ue000-\uf8ff〇一二三四五六七八九十]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_PAGE_NUMBER = re.compile(
    r"^[\s\-－‐–—―ー(（〔\[<＜]*(?:[pPｐＰ]\.?\s*)?[0-9０-９]{1,4}\s*(?:頁|ページ)?"
    r"[\s\-－‐–—―ー)）〕\]>＞]*$|^[\s\-－‐–—―]*[0-9０-９]{1,4}\s*[/／]\s*[0-9０-９]{1,4}\s*$")


def key(line: str) -> str:
    """The line's letters without its figures (dates and numbers change from page to page, and
    may be missing where a symbol font's digits could not be read), spaces, brackets or
    bullets, sorted: a vertical page's running head set across comes out of PDFium's order and of the
    column reading in different orders (「…調達第129号) 官報」, 「…調達第 官報129号)」)."""
    return "".join(sorted(_NOT_LETTERS.sub("", _FIGURES.sub("", line))))


def margin_lines(lines: list[layout.TextLine], width: float, height: float) -> list[str]:
    """The text of the page's lines that lie wholly in its outer margin."""
    out = []
    for line in lines:
        if (line.bottom <= MARGIN * height or line.top >= (1 - MARGIN) * height
                or line.x1 <= MARGIN * width or line.x0 >= (1 - MARGIN) * width):
            out.append(layout.horizontal_text(line.chars, []))
    return out


def strip(pages: list[Page], margins: dict[int, list[str]]) -> list[Page]:
    """The pages with running heads, page numbers and printer's marks taken out of their text
    (in place); `margins` holds the margin lines of each page number with a text layer."""
    for page in pages:
        _drop_marks(page, margins.get(page.number, []))
    if len(pages) < MIN_PAGES:
        return pages
    need = max(MIN_PAGES, SHARE * len(pages))
    seen: dict[str, int] = {}
    numbered = 0
    for lines in margins.values():
        for k in {key(line) for line in lines if len(key(line)) >= 2}:
            seen[k] = seen.get(k, 0) + 1
        numbered += any(_PAGE_NUMBER.match(line) for line in lines)
    heads = {k for k, n in seen.items() if n >= need}
    numbers = numbered >= need
    if not heads and not numbers:
        return pages
    for n, page in enumerate(pages):
        own = margins.get(page.number, [])
        found = [line for line in own if n and key(line) in heads]
        found += [line for line in own if numbers and _PAGE_NUMBER.match(line)]
        if found:
            lines = page.text.split("\n")
            drop = _in_text(lines, found)
            page.text = "\n".join(line for i, line in enumerate(lines) if i not in drop).strip("\n")
    return pages


def _in_text(lines: list[str], found: list[str]) -> set[int]:
    """The indexes of the text's lines that are the margin lines `found`: the same line where
    the text has it (spaces aside), else one with its key, the nearest the text's start or end
    (the body may hold lines alike: a table's rows 「7238 ７月１０日（金） 30代 男性」 have the
    key of the row that reached the bottom margin, and only that row goes)."""
    bare = ["".join(line.split()) for line in lines]
    drop: set[int] = set()
    for margin_line in found:
        same = [i for i, b in enumerate(bare) if b == "".join(margin_line.split()) and i not in drop]
        if not same:
            k = key(margin_line)
            same = [i for i, line in enumerate(lines) if k and key(line) == k and i not in drop]
        same.sort(key=lambda i: min(i, len(lines) - 1 - i))
        drop.update(same[:1])
    return drop


def _drop_marks(page: Page, own: list[str]) -> None:
    """A lone character in the margin of a page read across, not a page number (the ○ ○ △
    punch and binding marks of a 官報 page, which its fonts may even map to a kanji), is no
    text: it goes where it opens or closes the page's text."""
    marks = {line.strip() for line in own
             if len(line.strip()) == 1 and not line.strip().isdigit()}
    if page.vertical or not marks:
        return
    lines = page.text.split("\n")
    while lines and lines[0].strip() in marks:
        lines.pop(0)
    while lines and lines[-1].strip() in marks:
        lines.pop()
    page.text = "\n".join(lines)
