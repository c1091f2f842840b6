"""How plausible a piece of Japanese text is, by the dictionary's own measure.

Sudachi segments text along the path of least cost through its lattice of dictionary words
(SudachiDict, installed with GiNZA): every word has a cost, every pair of neighbouring parts of
speech a connection cost. That total (`get_internal_cost`) is a small language model: a misread
kanji breaks a word into rare pieces and costs more (「暖味さ」 39,884 against 「曖昧さ」 28,529,
「特別微収」 against 「特別徴収」), and so does a speck read as a stray kana (「ほぼば同数」).
OCR uses it to choose between readings of the same words (`extract/reread.py`).

Costs compare texts of about the same length only: dropping characters makes any text cheaper.
"""

from __future__ import annotations

import threading

_local = threading.local()  # a tokenizer is not safe across threads: one per OCR thread


def cost(text: str) -> int:
    """The cost of Sudachi's best segmentation of `text` (lower: likelier); 0 for no text."""
    if not text:
        return 0
    return tokenizer().tokenize(text).get_internal_cost()


def alone(text: str, at: int) -> bool:
    """Whether the character at `at` is a word of its own in Sudachi's segmentation of `text`."""
    for m in tokenizer().tokenize(text):
        if m.begin() <= at < m.end():
            return m.end() - m.begin() == 1
    return False


def tokenizer():
    """This thread's Sudachi tokenizer (mode C) over the one loaded dictionary."""
    found = getattr(_local, "tokenizer", None)
    if found is None:
        found = _local.tokenizer = _dictionary().create()
    return found


_lock = threading.Lock()
_loaded = None


def _dictionary():
    global _loaded
    with _lock:
        if _loaded is None:
            from sudachipy import Dictionary

            _loaded = Dictionary(dict="core")
        return _loaded
