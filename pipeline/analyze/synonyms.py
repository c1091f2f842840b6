"""The words of a document that belong to a Sudachi synonym group, for search with synonyms.

SudachiDict (`sudachidict_core`, installed with GiNZA) gives each word the ids of the synonym
groups it belongs to (マイナンバー, 個人番号 and 共通番号 share group 21197; 自治体 and 地方公共団体
share 21402), but not the groups' members: those are in Sudachi's separate synonym dictionary,
which no package ships. So the archive collects the members it needs from its own texts: each
document records its nouns that have a group (`Document.synonym_terms`, [group, word] pairs), the
archive keeps them in `synonym_terms`, and a search with synonyms (/-/search?synonyms=1) also
searches the other words of the query's groups that the archive holds.

Lines that are mostly figures (budget tables) are skipped: they hold no nouns worth expanding and
would make this the slowest part of reading a budget book.
"""

from __future__ import annotations

import re

from pipeline.ja import lexicon
from pipeline.ja.chars import LETTER

MAX_BYTES = 12_000  # SudachiPy refuses input over 49,149 bytes; smaller pieces keep memory flat
_JAPANESE = re.compile(f"[{LETTER}]")
MIN_JAPANESE_SHARE = 0.3  # a line with fewer Japanese characters than this is a table's figures


def _pieces(text: str):
    piece: list[str] = []
    size = 0
    for line in text.splitlines():
        if not line.strip() or len(_JAPANESE.findall(line)) < MIN_JAPANESE_SHARE * len(line.strip()):
            continue
        n = len(line.encode("utf-8")) + 1
        if size + n > MAX_BYTES and piece:
            yield "\n".join(piece)
            piece, size = [], 0
        if n > MAX_BYTES:  # one huge line: cut it
            for i in range(0, len(line), MAX_BYTES // 4):
                yield line[i : i + MAX_BYTES // 4]
            continue
        piece.append(line)
        size += n
    if piece:
        yield "\n".join(piece)


def synonym_terms(text: str) -> list[list]:
    """[group id, word] for every noun of `text` that belongs to a synonym group, sorted, unique."""
    found: set[tuple[int, str]] = set()
    tokenizer = lexicon.tokenizer()
    for piece in _pieces(text):
        for m in tokenizer.tokenize(piece):
            groups = m.synonym_group_ids()
            if groups and m.part_of_speech()[0] == "名詞" and len(m.surface()) > 1:
                found.update((g, m.surface()) for g in groups)
    return [list(t) for t in sorted(found)]


def query_groups(term: str) -> list[int]:
    """The synonym groups of a query term that is one word (else none: a phrase is searched as
    written)."""
    morphemes = lexicon.tokenizer().tokenize(term)
    if len(morphemes) != 1:
        return []
    return list(morphemes[0].synonym_group_ids())
