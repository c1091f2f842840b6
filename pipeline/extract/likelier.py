"""The dictionary's choice between readings of the same words (used by `reread._voted`).

Where second readings of a line disagree, a vote counts shapes; the dictionary knows words:
Sudachi's path cost (`ja.lexicon`) over the piece in dispute and CONTEXT characters on each
side says which variant makes the likelier text. A cost favours whatever is short and common, so
the choice is fenced in (see `likelier`); each fence was put up by a real case.
"""

from __future__ import annotations

import re
import unicodedata

from ..ja import lexicon
from ..ja.chars import KANJI

_KANJI = re.compile(f"[{KANJI}]")
CONTEXT = 10  # characters on each side of a disputed piece that the dictionary weighs with it


def likelier(chosen: str, variants: list[str], before: str, after: str, margin: int) -> str:
    """`chosen`, or the variant the dictionary finds likelier between `before` and `after` (the
    rest of the line and the start of the next; `ja.lexicon`, on CONTEXT characters each side)
    by more than `margin`: a vote cannot tell 「曖昧」 from the 「暖味」 that three of five
    readings give, the dictionary can, because the right kanji makes a word. Only variants of
    about the same length compete (a shorter text is always cheaper), and none that
      - drops or adds a letter or digit (the dictionary prices 「J-LIS」 above 「」-LIS」, and
        「CLE1IA」 below 「CLEIA」),
      - drops a kanji (「知事」 before 「総務大臣」 is cheaper than 「知事殿」),
      - leaves more brackets unmatched in the line (an opening 「 is cheaper gone),
      - swaps one kanji that is a word of its own for another that is one too (「(支)局」 and
        「(坊)局」, 「この則」 and 「この旨」): that is the commoner kanji, not a word found."""
    keep, kanji = _alphanumeric(chosen), _kanji(chosen)
    unmatched = _unmatched(before + chosen + after)
    left, right = before[-CONTEXT:], after[:CONTEXT]
    rivals = [v for v in variants if v != chosen and abs(len(v) - len(chosen)) <= 1
              and _alphanumeric(v) == keep and _kanji(v) >= kanji
              and _unmatched(before + v + after) <= unmatched
              and not _kanji_for_kanji(left, chosen, v, right)]
    if not rivals:
        return chosen
    best = min(rivals, key=lambda v: lexicon.cost(left + v + right))
    if lexicon.cost(left + best + right) < lexicon.cost(left + chosen + right) - margin:
        return best
    return chosen


def _kanji_for_kanji(left: str, chosen: str, variant: str, right: str) -> bool:
    """Whether `variant` differs from `chosen` in one kanji only, a word of its own in both."""
    if len(variant) != len(chosen):
        return False
    differ = [k for k, (a, b) in enumerate(zip(chosen, variant)) if a != b]
    if len(differ) != 1 or not (_kanji(chosen[differ[0]]) and _kanji(variant[differ[0]])):
        return False
    at = len(left) + differ[0]
    return lexicon.alone(left + chosen + right, at) and lexicon.alone(left + variant + right, at)


def _kanji(text: str) -> int:
    return len(_KANJI.findall(text))


def _alphanumeric(text: str) -> set[str]:
    """The Latin letters and digits in `text`, full-width and circled ones as ASCII."""
    return {ch for ch in unicodedata.normalize("NFKC", text) if ch.isascii() and ch.isalnum()}


_OPENING, _CLOSING = "「『(（【〔［[", "」』)）】〕］]"


def _unmatched(text: str) -> int:
    """How many brackets in `text` have no partner."""
    stack: list[str] = []
    loose = 0
    for ch in text:
        if ch in _OPENING:
            stack.append(_CLOSING[_OPENING.index(ch)])
        elif ch in _CLOSING:
            if stack and stack[-1] == ch:
                stack.pop()
            else:
                loose += 1
    return loose + len(stack)
