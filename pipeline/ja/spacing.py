"""Whitespace in Japanese text: which spaces are the writer's and which are noise.

Japanese is written without spaces between words; OCR and text layers add them (letter-spaced
headings 「事 務 連 絡」, a space at every glyph gap 「平 成 28 年」). Three levels, from the most
careful to the most thorough, all with the same notion of a Japanese character (`chars`):

- `fix_spaces` (the normalize stage, permanent): a space next to a Japanese character goes,
  except between two Japanese words of two or more letters each (「世田谷区 中野区」, the writer's
  separator); spaces between Latin words and digit groups stay (「122,000,000 ÷ 130,000」).
- `compact` (the entity extractors, a view with offsets back to the text): every space and
  single line break goes, except between two ASCII letters/digits, so a mention split inside a
  table cell (「保発 0819\\n第3号」) or letter-spaced digits (「0 8 1 9」) match.
- `compact_line` (the header reader, one line): spaces within a cell go except between two Latin
  letters; cells (tabs, wide gaps) stay apart by one space.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from .chars import is_japanese

# --- the normalize stage ------------------------------------------------------------------

_SPACES = re.compile(r"([^\S\t\n]+)")  # whitespace other than tabs and line breaks


def fix_spaces(text: str) -> str:
    """Remove OCR's and text layers' spaces around Japanese characters (see the module
    docstring); runs of spaces become one; spaces next to tabs and line breaks go."""
    parts = _SPACES.split(text)  # words and the spaces between them, alternately
    for k in range(1, len(parts), 2):
        left, right = parts[k - 1], parts[k + 1]
        before = left[-1] if left else "\n"
        after = right[0] if right else "\n"
        if before in "\t\n" or after in "\t\n":
            parts[k] = ""
        elif is_japanese(before) and is_japanese(after):
            # A space between two Japanese words of 2+ characters is a separator the
            # writer put there (「世田谷区 中野区」); around single characters it is
            # letter-spacing (「事 務 連 絡」, 「保 発 0819 第 １ 号」) or OCR's habit.
            keep = (
                _is_letter(before)
                and _is_letter(after)
                and _japanese_count(left.rsplit("\n", 1)[-1].rsplit("\t", 1)[-1]) >= 2
                and _japanese_count(right.split("\n", 1)[0].split("\t", 1)[0]) >= 2
            )
            parts[k] = " " if keep else ""
        elif is_japanese(before) or is_japanese(after):
            parts[k] = ""
        else:
            parts[k] = " "
    return "".join(parts)


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _japanese_count(word: str) -> int:
    return sum(1 for ch in word if is_japanese(ch))


# --- the extractors' compact view ------------------------------------------------------------

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
    """A whitespace-free view of a text with a map back to the original offsets: extractors
    match on `text` and report `span(...)` in the original, so that `original[start:end]` is the
    mention as printed. Spaces between two ASCII letters/digits are kept (「130,000 13,000」 are
    two numbers), as are tabs (table cells) and blank lines (paragraphs)."""

    text: str  # the compact text
    _starts: list[int]  # compact offset where each kept segment starts
    _origins: list[int]  # original offset of that segment's first character

    def orig(self, i: int) -> int:
        """Original offset of compact offset `i` (a start offset)."""
        k = bisect_right(self._starts, i) - 1
        return self._origins[k] + (i - self._starts[k])

    def line_starts(self, original: str) -> frozenset[int]:
        """Compact offsets whose character began a line of `original` (the text this view was
        made of), though the line break before it was removed: where a table row begins."""
        return frozenset(
            s for s, o in zip(self._starts, self._origins) if o > 0 and original[o - 1] in "\r\n"
        )

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


# --- the header reader's lines ---------------------------------------------------------------

_CELLS = re.compile(r"\t|[ \u3000]{2,}")


def compact_line(line: str) -> str:
    """Remove the spaces within each cell of a line, except between two Latin words; cells
    (separated by tabs or wide gaps) stay apart by one space."""
    cells = _CELLS.split(line.replace("\u3000", " "))
    return " ".join(c for c in (_compact_cell(c.strip()) for c in cells) if c)


def _compact_cell(cell: str) -> str:
    return re.sub(r"\s+", lambda m: _keep_space(cell, m), cell)


def _keep_space(line: str, m: re.Match) -> str:
    before, after = line[m.start() - 1 : m.start()], line[m.end() : m.end() + 1]
    latin = before.isascii() and after.isascii() and before.isalpha() and after.isalpha()
    return " " if latin else ""


def no_spaces(text: str) -> str:
    """`text` without any whitespace: the key header lines are matched on."""
    return re.sub(r"\s+", "", text)
