"""Text-level corrections of what Tesseract's Japanese model misreads in a known way.

Each rule fixes one confusion that the page's own text shows to be one, never a word list:
  - `fix_digit_groups`: 「165.000」, a thousands separator read as a period;
  - `fix_latin_j`: 「」-LIS」, the letter J read as a closing bracket that closes nothing;
  - `strip_line_noise`: a speck at a line's edge read as a symbol, where the language rules
    the symbol out (a dash after a kanji, a bullet before a particle);
  - `strip_continuation_marks`: a speck in the margin read as a dash or wave dash before a
    line that continues the sentence of a full line above it.
"""

from __future__ import annotations

import re

from ..ja import lexicon
from ..ja.chars import KANJI

# OCR reads the thousands separator of 「165,000」 as a period about as often as a comma.
# A period followed by exactly three digits, in a number not starting with 0, is taken for a
# separator: Japanese administrative text writes amounts and counts that way, and decimals
# with three places are rare. 「,.」 is one separator read twice.
_GROUPED = re.compile(r"(?<![\d.,])[1-9]\d{0,2}(?:(?:,\.|\.,|[.,])\d{3})+(?![\d]|[.,]\d)")


def fix_digit_groups(text: str) -> str:
    return _GROUPED.sub(lambda m: re.sub(r",\.|\.,|\.", ",", m.group()), text)


# A closing bracket before a hyphenated capitalised word (「」-LIS」, 「J」-LIS」 where the J was
# read as well, 「()-LIS)」 where a second reading made it a parenthesis).
_BRACKET_J = re.compile(r"J?」(?=-[A-Z])|(?<=[(（])[)）](?=-[A-Z])")


def fix_latin_j(line: str) -> str:
    """The J of an acronym (J-LIS, J-ALERT) that Tesseract read as a closing bracket which
    closes nothing: no 「 is open, or it would close an empty pair of brackets."""
    def fix(m: re.Match) -> str:
        before = line[:m.start()]
        if before.endswith(("(", "（")):
            return "J"
        return m.group() if before.count("「") > before.count("」") else "J"
    return _BRACKET_J.sub(fix, line)


_KANJI_KANA = "\u3041-\u3096" + KANJI  # hiragana and kanji
# A dash, wave dash or underscore, or two or more dots, after a kanji or hiragana at a line's
# end: Japanese text is not hyphenated, and a range (1~2) ends in a figure.
_TRAILING = re.compile(rf"(?<=[{_KANJI_KANA}])(?:[-~_]+|\.{{2,}}|‥|…)$")
_BULLET = re.compile(r"^・(?=[\u3041-\u3096])")


def strip_line_noise(line: str) -> str:
    """`line` without a speck read as a symbol at its end, or as a bullet before a particle or
    an auxiliary (a list item never starts with を, に, など: the dot is dust at the margin)."""
    line = _TRAILING.sub("", line)
    if _BULLET.match(line) and _starts_with_particle(line[1:]):
        line = line[1:]
    return line


def _starts_with_particle(text: str) -> bool:
    morphemes = lexicon.tokenizer().tokenize(text[:12])
    return len(morphemes) > 0 and morphemes[0].part_of_speech()[0] in ("助詞", "助動詞")


_MARK = re.compile(rf"^[-~_]\s?(?=[{_KANJI_KANA}\u30a1-\u30fa])")
_OPEN_END = re.compile(rf"[{_KANJI_KANA}\u30a1-\u30fa]$")
FULL_LINE = 0.9  # of the page's long lines' length: a line that runs to the margin


def strip_continuation_marks(text: str) -> str:
    """`text` (a page, lines in reading order) without the mark a speck in the left margin
    makes at the start of a line that continues a sentence: a dash or a wave dash starts an item,
    and an item does not start in the middle of a sentence, after a line that runs to the
    margin and ends on a word (「現場には迅」 / 「- 速に対応」)."""
    lines = text.split("\n")
    lengths = sorted(len(line) for line in lines if line.strip() and "\t" not in line)
    if len(lengths) < 3:
        return text
    full = FULL_LINE * lengths[int(0.8 * (len(lengths) - 1))]
    previous = ""
    for i, line in enumerate(lines):
        if not line.strip():  # (a speck may open a paragraph of its own: read across it)
            continue
        if "\t" in line:  # a table row: its cells are no sentence
            previous = ""
            continue
        if _MARK.match(line) and len(previous) >= full and _OPEN_END.search(previous):
            lines[i] = _MARK.sub("", line)
        previous = line
    return "\n".join(lines)
