"""What counts as a Japanese character. Two questions, two answers:

- `is_japanese(ch)`: is `ch` set without spaces around it in Japanese text? Kanji, kana,
  Japanese punctuation (「」、。), enclosed numbers and the symbols set among them (※ → ● ○ ■ 〒).
  The normalizer removes a space next to such a character.
- `LETTER` (a regex character class) and `letter_count`: kana and kanji, the letters words are
  written in — to tell a line of Japanese prose or a title from a row of figures or codes.
  Iteration and closing marks (々 〆) count; punctuation does not.
"""

from __future__ import annotations

import re

# Hiragana, katakana (with ー and ヶ), CJK ideographs (extension A and the unified block),
# 々 and 〆.
LETTER = "\u3041-\u309f\u30a1-\u30ff\u3400-\u9fff\u3005\u3006"
KANJI = "\u3400-\u9fff\u3005"  # ideographs and 々
_LETTER_RE = re.compile(f"[{LETTER}]")


def is_japanese(ch: str) -> bool:
    """Kanji, kana, Japanese punctuation, enclosed numbers and the symbols set among them
    (※ → ● ○ ■ 〒 ...): characters Japanese text sets without spaces around them."""
    o = ord(ch)
    if o >= 0x2460:
        return o != 0x3000 and not 0xFF01 <= o <= 0xFF60  # full-width ASCII folds to ASCII
    return ch == "\u203b" or 0x2190 <= o <= 0x21FF or ch in "\u2026\u2025"


def is_letter(ch: str) -> bool:
    """A kana or kanji (see LETTER)."""
    return bool(_LETTER_RE.match(ch))


def letter_count(text: str) -> int:
    """How many kana and kanji `text` has."""
    return len(_LETTER_RE.findall(text))
