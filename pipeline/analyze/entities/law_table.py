"""The laws a law_ref can point to, indexed for finding their names in text.

Every law comes from e-Gov's list of laws in force (pipeline/data/laws.csv: 法律, 政令, 勅令,
府省令, 規則, 憲法 …, 8,950 rows). laws.json adds, for the laws the archive cites most, the short
name their law_ref values use (番号法), names e-Gov does not list, and the 別表 a bare 法別表 can
refer to. A law is known by its title, its curated names, and its e-Gov abbreviations (3+
characters; an abbreviation shared by two laws names neither). An abbreviation is also how an older
name reaches a renamed law: 薬事法 is listed under 医薬品、医療機器等の品質…に関する法律.

Names are found with a trie of the reversed names, walked back from each character that ends a
name (法, 令, 則, 律 …), so a long text costs one dictionary step per character of a candidate.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

from pipeline.ja.numerals import parse_int

ERAS = "明治|大正|昭和|平成|令和"
# A number as law numbers and articles print it: arabic or kanji; OCR may leave a space between
# arabic digits (第1 80条), which the compact view keeps.
NUM = r"(?:[0-9]+(?: [0-9]+)*|[〇一二三四五六七八九十百千]+)"


@lru_cache(maxsize=4096)  # the 8,950 law numbers repeat their years and numbers
def int_of(printed: str) -> int | None:
    return parse_int(printed.replace(" ", ""))

# 昭和22年法律第67号, 昭和二十二年政令第十六号, 平成14年12月13日法律第154号 (a date sometimes
# stands where the year does), 昭和29年総理府令第23号, 大正十二年内務省・鉄道省令第一号.
LAW_NUMBER_RE = re.compile(
    rf"(?P<era>{ERAS})(?P<y>元|{NUM})年(?:{NUM}月(?:{NUM}日)?)?"
    rf"(?P<kind>[一-龥・]{{0,12}}?)第(?P<n>{NUM})号"
)
UNTITLED_RE = re.compile(rf"(?:{ERAS})[^()]*号\((?P<name>[^()]+)\)")
_MIN_ABBREVIATION = 3  # 2-character abbreviations (鉛則) are too often part of other words
_TERMINAL = ""  # trie key marking the end of a name
_LONGER = "\0"  # trie key of the names longer than the trie is deep
# The trie holds the last _DEPTH characters of each name (a fraction of all the characters of
# 12,000 names, so it builds fast); at most ~150 longer names share those 12 characters.
_DEPTH = 12


def canonical_number(printed: str) -> str | None:
    """A law number in arabic numerals without its date: 昭和二十二年法律第六十七号 and
    昭和22年5月3日法律第67号 → 昭和22年法律第67号. None when it is not a law number."""
    m = LAW_NUMBER_RE.fullmatch(unicodedata.normalize("NFKC", printed))
    if not m or not m["kind"]:
        return None
    y = 1 if m["y"] == "元" else int_of(m["y"])
    n = int_of(m["n"])
    if y is None or n is None:
        return None
    return f"{m['era']}{y}年{m['kind']}第{n}号"


@dataclass(frozen=True, eq=False)
class Law:
    law_id: str  # e-Gov 法令ID: 322AC0000000067
    title: str  # e-Gov 法令名
    number: str | None  # 法令番号 in arabic numerals: 昭和22年法律第67号
    category: str  # 法律, 政令, 勅令, 府省令, 規則, 憲法 …
    short: str  # the name law_ref values use: the curated short name, else the title
    promulgated: str  # ISO date
    appendices: tuple[str, ...] = ()  # 別表第一 … (curated)


class LawTable:
    def __init__(self, laws: list[Law], names: dict[str, list[Law]]):
        self.laws = laws
        self.by_id = {law.law_id: law for law in laws}
        numbers: dict[str, list[Law]] = {}
        for law in laws:
            if law.number:
                numbers.setdefault(law.number, []).append(law)
        # Old 勅令 share a number (明治二十年勅令 without 第N号): those are not looked up by it.
        self.by_number = {n: ls[0] for n, ls in numbers.items() if len(ls) == 1}
        self.names = names
        self.titles = frozenset(law.title for law in laws)
        self._trie: dict = {}
        for name in sorted(names, key=len, reverse=True):
            node = self._trie
            for ch in reversed(name[-_DEPTH:]):
                node = node.setdefault(ch, {})
            if len(name) <= _DEPTH:
                node[_TERMINAL] = name
            else:  # longer names hang, longest first, under their last _DEPTH characters
                node.setdefault(_LONGER, []).append(name)
        self._ends = re.compile("[" + re.escape("".join(sorted(self._trie))) + "]")

    def lookup(self, name: str, number: str | None = None) -> Law | None:
        """The law `name` names; a law number (canonical) picks among laws sharing a title, else
        the newest is meant (日本学術会議法)."""
        laws = self.names.get(name)
        if not laws:
            return None
        if number:
            for law in laws:
                if law.number == number:
                    return law
        return max(laws, key=lambda law: law.promulgated)

    def find(self, text: str) -> Iterator[tuple[int, int, str]]:
        """(start, end, name) of every name in `text`, the longest one ending at each position."""
        trie = self._trie
        for m in self._ends.finditer(text):
            end = m.end()
            node = trie[m.group()]
            j = m.start()
            best = node.get(_TERMINAL)
            best_at = j
            while j > 0:
                node = node.get(text[j - 1])
                if node is None:
                    break
                j -= 1
                if _TERMINAL in node:
                    best, best_at = node[_TERMINAL], j
                for name in node.get(_LONGER, ()):
                    if end >= len(name) and text.startswith(name, end - len(name)):
                        best, best_at = name, end - len(name)
                        break
            if best is not None:
                yield best_at, end, best

    def parent(self, law: Law) -> Law | None:
        """The law a 施行令 / 施行規則 carries out: 地方自治法施行令 → 地方自治法."""
        for suffix in ("施行令", "施行規則", "施行法"):
            if law.title.endswith(suffix):
                return self.lookup(law.title[: -len(suffix)])
        return None

    def companion(self, law: Law, suffix: str) -> Law | None:
        """同法施行令: the 施行令 of `law`."""
        return self.lookup(law.title + suffix)


def _nfkc(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


@lru_cache(maxsize=1)
def law_table() -> LawTable:
    data = resources.files("pipeline.data")
    curated = {
        rec["law_id"]: rec
        for rec in json.loads(data.joinpath("laws.json").read_text(encoding="utf-8"))["laws"]
    }
    laws: list[Law] = []
    titles: dict[str, list[Law]] = {}
    abbreviations: dict[str, set[str]] = {}
    with data.joinpath("laws.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        extra = curated.get(row["law_id"], {})
        title = _nfkc(row["law_title"])
        # 昭和二十二年法律第五十四号(私的独占の禁止及び公正取引の確保に関する法律): e-Gov lists the
        # laws that had no official title under their number; documents cite them by the name.
        named = UNTITLED_RE.fullmatch(title)
        name = named["name"] if named else title
        law = Law(
            law_id=row["law_id"],
            title=title,
            number=canonical_number(row["law_num"]),
            category=row["category"],
            short=extra.get("short") or name,
            promulgated=row["promulgation_date"],
            appendices=tuple(extra.get("appendices", ())),
        )
        laws.append(law)
        titles.setdefault(title, []).append(law)
        if named:
            titles.setdefault(name, []).append(law)
        for abb in filter(None, row["abbreviations"].split("|")):
            abb = _nfkc(abb).removesuffix("抄")  # 旧刑法施行法 抄: an excerpt of the law
            if len(abb) >= _MIN_ABBREVIATION:
                abbreviations.setdefault(abb, set()).add(law.law_id)
    by_id = {law.law_id: law for law in laws}
    names: dict[str, list[Law]] = dict(titles)
    for abb, ids in abbreviations.items():
        if abb not in names and len(ids) == 1:
            names[abb] = [by_id[next(iter(ids))]]
    for law_id, rec in curated.items():
        for name in [rec["short"], *rec.get("aliases", [])]:
            names.setdefault(_nfkc(name), [by_id[law_id]])
    return LawTable(laws, names)
