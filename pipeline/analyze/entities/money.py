"""Amounts of money in yen.

Value: the amount in yen as a decimal integer string ("16000000", "-1234000"), or None for a
vague amount (数千億円: never invented). attrs `amount` (int or None), `approximate` (約, 程, 程度,
概ね, …), `bound` ("min" for 以上/超, "max" for 以下/未満/上限/まで after it, else None), `vague`.

Written amounts (`WRITTEN_RULES`): arabic, kanji and mixed numerals before 円 (16,000,000円,
一億五千万円, 3.5億円, 5,000万円, 431,353,010千円), a yen sign before a number (¥ 69,625), unit
prices (@123). Counts (130,000枚, 170万世帯, 1143万件) are never money.

Bare numbers (no 円) are money only where the document says they are yen, by this rule:
1. The unit is declared by the nearest preceding 「単位:千円」, 「(千円)」 or a header cell 千円/円
   (within 20,000 characters): amounts are multiplied by it. A declaration later in the same
   block of lines (up to a blank line) wins over one before it: a text layer may put a page's
   「(単位:千円)」 after half of its table. 「単位:人」 (or 件, %, 点, …) declares that what follows is
   not yen. Without a declaration the unit is 1 yen, but only in a document that writes yen
   amounts somewhere (a 円 after a numeral).
2. The number stands alone (`NOT_AN_AMOUNT`: not followed by a counter or unit — a grouped
   number may run into a label, 11,863,448基本財産 —, not a code, a phone number or a postal code
   (〒, 電話, 内線 before it), not an address's sub-number (13の208), not a page number: a line of
   its own without separators, or after a table of contents' dot leader 「款予備費······ 620」,
   not in a header row of years (2024 2025 2026)) and has a thousands separator or at least 3
   digits — or it is a whole table cell (0, 76, △398, ±0) or the figure of an item line
   ((2) 0) under a declared yen unit or in a table whose header names an amount (金額,
   実支払額, 予算額): zeros and small figures of a yen column count. A scan's 「.」 among the
   separators (25.400,000, 122,.000,000) is OCR's reading of a comma; dots alone (130.000) are
   not read. △ or ▲ before it makes it negative, and so does a minus sign starting its cell
   (-1,234 in a yen column).
3. Not yen: a number in a column whose header, in the header rows right above its table, counts
   or measures something else (職員数(人), (件), (%), (点), 人数, 件数, 率, 番号, コード), a number
   in a score table (a 配点 / 点数 header, up to the next sentence), a number right after such a
   label (支給対象職員数(人) 5,391), and a number in parentheses right after a count
   (5,391 (167): the re-employed among them).
4. Its label decides: the leading text cells of its table row (本年度 / 職員数(A)(人)), or the
   text before the first digit of its line. A cost label (費, 金, 税, 額, 計, 価, 料, 予算, …)
   makes it money; else a count label (数, 枚, 率, 人口, 件, 世帯, …) makes it not money; else
   it is money if a unit was declared, it is a cell of an amount table, or it is at least
   1,000,000 written with separators (41,200,000 in a cost calculation).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

from pipeline.ja.chars import LETTER
from pipeline.ja.numerals import KANJI_NUMERAL_CHARS, parse_int
from pipeline.ja.spacing import Compact, compact
from pipeline.model import Entity

from . import DocumentContext

# --- patterns ---------------------------------------------------------------------------------

_NUMERAL_CHARS = KANJI_NUMERAL_CHARS + "万億兆"
_DIGIT = re.compile(r"[0-9〇一二三四五六七八九壱弐参]")
MONEY_RE = re.compile(
    rf"(?<![0-9.,数何{_NUMERAL_CHARS}])(?P<num>(?:[0-9][0-9,]*(?:\.[0-9]+)?|[{KANJI_NUMERAL_CHARS}])"
    rf"[0-9,.{_NUMERAL_CHARS}]*)円(?![滑形周柱満錐盤卓陣弧])"
)
VAGUE_RE = re.compile(r"数(?:[十百千]+[万億兆]?|[万億兆])円")
UNIT_PRICE_RE = re.compile(r"@(?P<num>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9,.])")
YEN_SIGN_RE = re.compile(r"[¥￥](?P<num>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9,.])")
# A group separator may be OCR's 「.」 or 「,.」 (25.400,000, 122,.000,000): see _BareNumber.
BARE_RE = re.compile(
    r"(?<![0-9A-Za-z.,/@:])(?P<num>[0-9]{1,3}(?:[,.]{1,2}[0-9]{3})+|[0-9]+)"
    r"(?![0-9A-Za-z,/:%]|\.[0-9])"
)
_YEN_UNITS = {"円": 1, "千円": 1000, "万円": 10**4, "百万円": 10**6, "億円": 10**8}
# Units that say a table is not in yen (単位:人, (件), %).
_OTHER_UNITS = r"人|件|%|点|歳|戸|回|世帯|名|か所|箇所|台|校|園|床|日|時間|年|月|㎡|m2|ha|km|kg|t|倍"
UNIT_DECL_RE = re.compile(
    r"単位[:]?(?P<a>千円|百万円|万円|億円|円)|[(（](?P<b>千円|百万円|万円|億円|円)[)）]"
    r"|(?:^|(?<=[\t\n]))(?P<c>千円|円)(?=[\t\n]|$)"
    rf"|単位[:]?(?P<other>{_OTHER_UNITS})(?![円0-9])"
)
UNIT_LABEL_BEFORE = re.compile(r"(?:[\t\n(（:]|単位)$")
_UNIT_REACH = 20_000

APPROX_BEFORE = re.compile(r"(?:約|およそ|概ね|おおむね|ほぼ)$")
APPROX_AFTER = re.compile(r"程度|程|前後|余り|ほど|くらい|ぐらい|強|弱")
MIN_AFTER = re.compile(r"以上|超|を超え|を超過")
MAX_AFTER = re.compile(r"以下|未満|以内|を上限|上限|まで")

COST_LABEL = re.compile(r"費|金|税|額|計(?!画)|価|料|予算|支出|収入|負担|補助|交付|歳入|歳出|コスト")
COUNT_LABEL = re.compile(r"数|枚|率|人口|人|件|世帯|回|%|面積|戸|台|名|歳|時間|番号|コード|No")
_KANA_OR_KANJI = re.compile(f"[{LETTER}]")


def _spaced(*words: str) -> str:
    """Words of a table's header cells, their letters maybe spaced apart (職 員 数, 金 額)."""
    return "|".join(r"\s*".join(word) for word in words)


# A header cell over figures that are not yen: people (職員数(人), 一般職 (人), 人数, 人員) or any
# other declared unit or measure ((件), (%), 件数, 率).
PEOPLE_HEADER = re.compile(rf"[(（]\s*人\s*[)）]|{_spaced('人数', '人員', '職員数')}")
NOT_YEN_HEADER = re.compile(
    rf"{PEOPLE_HEADER.pattern}|[(（]\s*(?:{_OTHER_UNITS})\s*[)）]"
    # 件数, 日数, 数量 (not 手数料), 構成比 (not 比較)
    rf"|(?<!手)数|率|{_spaced('割合')}|比(?!較)|{_spaced('面積')}"
    rf"|コード|{_spaced('番号', '電話')}|^\s*No\.?\s*$"
)
PEOPLE_BEFORE = re.compile(rf"(?:{PEOPLE_HEADER.pattern})\s*$")
# A header cell over scores (配点, 点数): its table, up to the next sentence, holds no yen.
SCORE_HEADER = re.compile(_spaced("配点", "点数", "得点", "評点"))
# Phone numbers and postal codes, however spaced: 〒100 8974, 電話03 3581 0141, 内線2298.
CONTACT_BEFORE = re.compile(r"(?:〒|電話|TEL|Tel|FAX|Fax|内線|ダイヤルイン)[^\n円]{0,16}$")
# A header cell naming an amount: its table holds yen (金額, 実支払額, 予算額, 決算額).
AMOUNT_HEADER = re.compile(rf"{_spaced('金額')}|[払算入出価収]\s*額|{_spaced('費用')}|[(（]\s*円\s*[)）]")
COUNTER_AFTER_SPACE = re.compile(
    r"[ \u3000]+[万億兆千百十円枚件人世帯回年月日時分秒名個台本部戸箇ヶヵか所校園館号条項頁倍割点]"
)
LEADER_BEFORE = re.compile(r"[·・･…‥.．]{3,}[ \u3000]*$")  # a table of contents' dot leader
COUNT_IN_PARENS = re.compile(r"[0-9][0-9,]*\s*[(（]\s*$")  # 5,391 (167)
# A table cell holding a number (11,212 (123), △ 7,812, 4.9) or a dash for none.
NUMBER_CELL = re.compile(
    r"\s*(?:[△▲▽\-−+±]?\s*[0-9][0-9,.]*\s*(?:[(（]\s*[△▲\-−]?\s*[0-9][0-9,.]*\s*[)）])?|[－\-—―‐])\s*"
)
# A whole cell that is one figure, signed or not (0, △398, + 100,000,000, ±0, ¥ 69,625).
FIGURE_CELL = re.compile(r"[ \u3000]*[△▲+±¥\-−]?[ \u3000]*[0-9][0-9,.]*[ \u3000]*")
# A line of an item and its figure, the layout of a balance sheet without ruled cells: (2) 0.
ITEM_FIGURE_LINE = re.compile(r"\s*[(（][0-9]{1,2}[)）][ \u3000]*[△▲]?[0-9][0-9,]*\s*")
# What a number followed by one of these counts: 130,000枚, 2017年, 5,000人分.
_COUNTER = re.compile(
    r"[万億兆千百十円枚件人世帯回年月日時分秒名個台本部戸箇ヶヵか所校園館号条項頁倍割点株口通冊"
    r"社軒棟床食杯匹頭羽種坪度局票区市町村丁番階週歩]"
)
# A row label with its unit in parentheses (平均年齢(歳)): its row's unit, not a column's.
_LABEL_WITH_UNIT = re.compile(r"\s*[^\s(（]+\s*[(（][^)）]{1,4}[)）]\s*$")
# Header cells over the row labels, not over values.
LABEL_HEADER = re.compile(
    rf"\s*(?:{_spaced('区分', '項目', '科目', '款', '項', '目', '節', '級', '名称', '種別')})\s*"
)


# --- written amounts: one small rule per form -------------------------------------------------


@dataclass
class Found:
    """A mention on the compact view: [start, end) and its amount in yen (None when vague)."""

    start: int
    end: int
    amount: int | None
    vague: bool = False


class WrittenRule:
    """A pattern for amounts written with their unit; `amount` reads one match (None: skip)."""

    pattern: re.Pattern
    vague = False

    def amount(self, m: re.Match, c: str) -> int | None:
        return int(m["num"].replace(",", ""))

    def find(self, c: str) -> list[Found]:
        out = []
        for m in self.pattern.finditer(c):
            amount = self.amount(m, c)
            if amount is not None or self.vague:
                out.append(Found(m.start(), m.end(), amount, self.vague))
        return out


class YenAmount(WrittenRule):
    """16,000,000円, 一億五千万円, 3.5億円, 431,353,010千円."""

    pattern = MONEY_RE

    def amount(self, m: re.Match, c: str) -> int | None:
        num = m["num"].rstrip(",.")
        if not _DIGIT.search(num) and (
            m.start() == 0 or UNIT_LABEL_BEFORE.search(c[max(0, m.start() - 2) : m.start()])
        ):
            return None  # (単位:千円), a 千円 column header
        if num == "一" and m.start() and re.match(r"[一-龥]", c[m.start() - 1]):
            return None  # 関東一円
        amount = parse_int(num)
        return None if amount is None or amount > 10**18 else amount


class VagueAmount(WrittenRule):
    """数千億円: a mention without a value."""

    pattern = VAGUE_RE
    vague = True

    def amount(self, m: re.Match, c: str) -> int | None:
        return None


class YenSign(WrittenRule):
    """¥ 69,625 (the compact view drops the space)."""

    pattern = YEN_SIGN_RE


class UnitPrice(WrittenRule):
    """@123 in a cost calculation (only in a document that writes yen amounts)."""

    pattern = UNIT_PRICE_RE


WRITTEN_RULES: tuple[WrittenRule, ...] = (YenAmount(), VagueAmount(), YenSign())
YEN_DOCUMENT_RULES: tuple[WrittenRule, ...] = (UnitPrice(),)


# --- what the document declares: units and table headers --------------------------------------


class UnitScope:
    """The yen unit declared for each offset of the compact text (rule 1): 1000 for 千円, 0 for a
    declared unit that is not yen, None for none."""

    def __init__(self, c: str) -> None:
        self.decls = [
            (m.start(), 0 if m["other"] else _YEN_UNITS[m["a"] or m["b"] or m["c"]])
            for m in UNIT_DECL_RE.finditer(c)
        ]
        self.starts = [s for s, _ in self.decls]
        self.blanks = [m.start() for m in re.finditer(r"\n[ \u3000\t]*\n", c)]

    @property
    def any_yen(self) -> bool:
        return any(unit for _, unit in self.decls)

    def unit_at(self, s: int) -> int | None:
        d = bisect_left(self.starts, s)  # decls[d] is the first declaration at or after s
        later = d < len(self.decls) and self._same_block(s, self.decls[d][0])
        if later and not (d and self._same_block(self.decls[d - 1][0], s)):
            return self.decls[d][1]  # the block's own declaration, printed after it
        if d and s - self.decls[d - 1][0] <= _UNIT_REACH:
            return self.decls[d - 1][1]
        return None

    def _same_block(self, a: int, b: int) -> bool:
        """No blank line between offsets a <= b."""
        return bisect_left(self.blanks, a) == bisect_left(self.blanks, b)


@dataclass
class RowInfo:
    people: set[int] = field(default_factory=set)  # value columns that count people
    # Value columns headed by another measure (件数, 構成比, 率), with the width of their header
    # row: a header row narrower than the data row is a sub-header over some of its columns
    # (予算額 構成比 増減率 over the last three), so its positions are not the row's.
    measures: list[tuple[set[int], int]] = field(default_factory=list)
    amount_table: bool = False  # a header cell names an amount (金額, 実支払額)

    def not_yen(self, column: int, width: int) -> bool:
        return column in self.people or any(
            column in cols and w >= width for cols, w in self.measures
        )


class TableHeaders:
    """For each table row (by the offset of its line): what the header rows right above its
    table say of its value columns (0 = the first cell after the row label); and the lines of
    score tables (`scores`)."""

    def __init__(self, text: str) -> None:
        self.rows: dict[int, RowInfo] = {}
        self.scores: set[int] = set()
        info, in_header, in_scores = RowInfo(), False, False
        pos = 0
        for line in text.split("\n"):
            start, pos = pos, pos + len(line) + 1
            in_scores = in_scores and "。" not in line  # prose ends it, not a page break
            if in_scores:
                self.scores.add(start)
            if "\t" not in line:
                info, in_header = RowInfo(), False  # prose, a title or a blank line ends a table
                continue
            cells = line.split("\t")
            if not any(NUMBER_CELL.fullmatch(c) for c in cells):  # a header row
                if not in_header:
                    info, in_header = RowInfo(), True
                labels = 0
                while labels < len(cells) and LABEL_HEADER.fullmatch(cells[labels]):
                    labels += 1
                measures = set()
                for i, cell in enumerate(cells):
                    if PEOPLE_HEADER.search(cell):
                        info.people.add(i - labels)
                    if NOT_YEN_HEADER.search(cell) and (i or labels or not _LABEL_WITH_UNIT.match(cell)):
                        measures.add(i - labels)  # (a first cell 平均年齢(歳) labels its row)
                    elif AMOUNT_HEADER.search(cell):
                        info.amount_table = True
                    if SCORE_HEADER.fullmatch(cell.strip()):
                        in_scores = True
                if measures:
                    info.measures.append((measures, len(cells) - labels))
                continue
            in_header = False
            if info.people or info.measures or info.amount_table:
                self.rows[start] = info

    def at(self, text: str, pos: int) -> tuple[RowInfo | None, int, int]:
        """The header info of the row holding `pos`, the value column `pos` is in and the
        number of value columns of the row."""
        line_start = text.rfind("\n", 0, pos) + 1
        info = self.rows.get(line_start)
        if info is None:
            return None, -1, 0
        line_end = text.find("\n", pos)
        cells = text[line_start : len(text) if line_end < 0 else line_end].split("\t")
        labels = len(_label_cells(cells))
        return info, text.count("\t", line_start, pos) - labels, len(cells) - labels


# --- bare numbers -----------------------------------------------------------------------------


@dataclass
class Bare:
    """A bare number and what its surroundings say: where it is (compact s, e; original orig,
    orig_end), the unit declared for it, whether it is a whole cell of a yen table."""

    text: str
    s: int
    e: int
    orig: int
    orig_end: int
    raw: str
    unit: int | None = None
    cell: bool = False  # a whole table cell (or an item line's figure)
    in_yen_table: bool = False

    @property
    def grouped(self) -> bool:
        return "," in self.raw

    @property
    def before(self) -> str:
        return self.text[self.orig - 1 : self.orig] if self.orig else ""

    @property
    def after(self) -> str:
        return self.text[self.orig_end : self.orig_end + 1]

    def preceded_by(self, pattern: re.Pattern, reach: int) -> bool:
        return bool(pattern.search(self.text, max(0, self.orig - reach), self.orig))


# Rule 2: what a bare number is when it is not an amount. Checked in order; the first that holds
# rejects it.
NOT_AN_AMOUNT: tuple[tuple[str, Callable[[Bare], bool]], ...] = (
    # 130.000: a decimal, or a count OCR left ambiguous
    ("decimal", lambda b: "." in b.raw and "," not in b.raw),
    ("short", lambda b: not b.grouped and len(b.raw) < 3 and not b.in_yen_table),
    # a counter or unit follows: 130,000枚, 2017年 (not 11,863,448基本財産)
    ("counter", lambda b: bool(
        b.after and _KANA_OR_KANJI.match(b.after) and (not b.grouped or _COUNTER.match(b.after))
    )),
    # the same after OCR's space: 100 万以上, 第 214 条
    ("spaced counter", lambda b: bool(COUNTER_AFTER_SPACE.match(b.text, b.orig_end))),
    # phone numbers, codes, ordinals
    ("code", lambda b: not b.grouped and (
        ("-" in (b.before, b.after) and not b.cell) or b.before == "第"
    )),
    # an address or a sub-number: 19番地13の208
    ("address", lambda b: b.before == "の" and b.text[b.orig - 2 : b.orig - 1].isdigit()),
    # a page number (a 0 of its own under 単位:円 is a total of nothing)
    ("page number", lambda b: (
        not b.grouped and len(b.raw) <= 4 and _alone_on_line(b.text, b.orig, b.orig_end)
        and not (b.unit and b.raw == "0")
    )),
    ("phone or postal code", lambda b: not b.grouped and b.preceded_by(CONTACT_BEFORE, 24)),
    # a page number in a table of contents: 第14款予備費······ 620
    ("contents", lambda b: b.preceded_by(LEADER_BEFORE, 8)),
    ("not yen", lambda b: b.unit == 0),  # under 単位:人
    ("years", lambda b: _years_row(b.text, b.orig)),  # a header row of years: 2024 2025 2026
)  # fmt: skip


class BareNumbers:
    """Rules 2–4 over the bare numbers of one document."""

    def __init__(self, text: str, view: Compact) -> None:
        self.text, self.view, self.c = text, view, view.text
        self.scope = UnitScope(view.text)
        self.headers = TableHeaders(text)
        self.counts: set[int] = set()  # original end offsets of numbers read as head counts

    def find(self, taken: list[tuple[int, int]]) -> list[Found]:
        out = []
        taken = sorted(taken)
        t = 0
        for m in BARE_RE.finditer(self.c):
            s, e = m.span()
            while t < len(taken) and taken[t][1] <= s:
                t += 1
            if t < len(taken) and taken[t][0] < e:
                continue  # part of a written amount
            orig, orig_end = self.view.span(s, e)
            found = self.read(Bare(self.text, s, e, orig, orig_end, m["num"]))
            if found is not None:
                out.append(found)
        return out

    def read(self, b: Bare) -> Found | None:
        b.unit = self.scope.unit_at(b.s)
        info, column, width = self.headers.at(self.text, b.orig)
        b.cell = self._figure_cell(b)
        b.in_yen_table = b.cell and bool(b.unit or (info is not None and info.amount_table))
        if any(rejects(b) for _, rejects in NOT_AN_AMOUNT):
            return None
        if self.text.rfind("\n", 0, b.orig) + 1 in self.headers.scores:
            return None  # a score table: 配点 150
        if self._is_count(b, info is not None and info.not_yen(column, width)):
            self.counts.add(b.orig_end)
            return None  # a head count, or a figure of another unit, in a yen table
        value = int(re.sub(r"[,.]", "", b.raw))
        if not self._labelled_money(b, value):
            return None
        before = self.c[b.s - 1 : b.s]
        sign = -1 if before and (before in "△▲" or (b.cell and before in "-−")) else 1
        start = b.s - 1 if sign < 0 else b.s
        return Found(start, b.e, sign * value * (b.unit or 1))

    def _labelled_money(self, b: Bare, value: int) -> bool:
        """Rule 4: the row's or line's label decides."""
        label = _label(self.text, b.orig)
        if COST_LABEL.search(label):
            return True
        if COUNT_LABEL.search(label):
            return False
        return b.in_yen_table or b.unit is not None or (b.grouped and value >= 1_000_000)

    def _is_count(self, b: Bare, in_other_column: bool) -> bool:
        preceding = self.text[max(0, b.orig - 24) : b.orig]
        return (
            in_other_column
            or bool(PEOPLE_BEFORE.search(preceding))
            or bool(COUNT_IN_PARENS.search(preceding) and _count_before(preceding, b.orig, self.counts))
        )

    def _figure_cell(self, b: Bare) -> bool:
        """Is the number a whole table cell, not a row's leading number (a row or item number)?"""
        text = self.text
        line_start = text.rfind("\n", 0, b.orig) + 1
        line_end = text.find("\n", b.orig_end)
        line = text[line_start : len(text) if line_end < 0 else line_end]
        if "\t" not in line:
            at_end = not text[b.orig_end : line_start + len(line)].strip()
            return at_end and (bool(ITEM_FIGURE_LINE.fullmatch(line)) or line.strip() == "0")
        cell_start = text.rfind("\t", line_start, b.orig) + 1 or line_start
        cell_end = text.find("\t", b.orig_end, line_start + len(line))
        cell_end = line_start + len(line) if cell_end < 0 else cell_end
        if not FIGURE_CELL.fullmatch(text, cell_start, cell_end):
            return False
        if cell_start == line_start:  # the first cell: a row number unless all cells are figures
            return all(FIGURE_CELL.fullmatch(x) for x in line.split("\t"))
        return True


def _years_row(text: str, pos: int) -> bool:
    """Is `pos` in a table row whose cells are consecutive years (a header: 2024 2025 2026)?"""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    return _is_years_row(text[line_start : len(text) if line_end < 0 else line_end])


@lru_cache(maxsize=256)
def _is_years_row(line: str) -> bool:
    if "\t" not in line:
        return False
    years = re.findall(r"(?<![0-9,])(?:19[5-9][0-9]|20[0-9]{2})(?![0-9,])", line)
    if len(years) < 2:
        return False
    if any(not re.fullmatch(r"\s*(?:19|20)[0-9]{2}\s*", c) for c in _value_cells(line)):
        return False
    return all(int(b) == int(a) + 1 for a, b in zip(years, years[1:]))


def _value_cells(line: str) -> list[str]:
    cells = line.split("\t")
    return [c for c in cells[len(_label_cells(cells)) :] if c.strip()]


def _label(text: str, pos: int) -> str:
    line_start = text.rfind("\n", 0, pos) + 1
    line = text[line_start:pos]
    if "\t" in line:
        return "\t".join(_label_cells(line.split("\t")))
    m = re.search(r"[0-9]", line)
    return line[: m.start()] if m else line


def _label_cells(cells: list[str]) -> list[str]:
    """The leading cells of a table row that are not numbers: its label (本年度, 長等)."""
    for i, cell in enumerate(cells):
        if NUMBER_CELL.fullmatch(cell):
            return cells[:i]
    return cells


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def _count_before(before: str, orig: int, counts: set[int]) -> bool:
    """Is the number before 「(」 one read as a count (5,391 (167))?"""
    m = re.search(r"[0-9][0-9,]*(?=\s*[(（]\s*$)", before)
    return bool(m) and orig - len(before) + m.end() in counts


# --- the extractor ----------------------------------------------------------------------------


def _qualifiers(c: str, start: int, end: int) -> tuple[bool, str | None]:
    before = c[max(0, start - 4) : start]
    after = c[end : end + 4]
    approx = bool(APPROX_BEFORE.search(before) or APPROX_AFTER.match(after))
    bound = None
    if MIN_AFTER.match(after):
        bound = "min"
    elif MAX_AFTER.match(after):
        bound = "max"
    return approx, bound


def _entity(text: str, view: Compact, f: Found) -> Entity:
    start, end = view.span(f.start, f.end)
    approx, bound = _qualifiers(view.text, f.start, f.end)
    return Entity(
        "money",
        text[start:end],
        None if f.amount is None else str(f.amount),
        start,
        end,
        attrs={"amount": f.amount, "approximate": approx or f.vague, "bound": bound,
               "vague": f.vague},
    )  # fmt: skip


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    found = [f for rule in WRITTEN_RULES for f in rule.find(c)]
    yen_document = any(not f.vague for f in found) or UnitScope(c).any_yen
    if yen_document:
        found += [f for rule in YEN_DOCUMENT_RULES for f in rule.find(c)]
        taken = [(f.start, f.end) for f in found if not f.vague]
        found += BareNumbers(text, view).find(taken)
    out = [_entity(text, view, f) for f in found]
    out.sort(key=lambda x: x.start)
    return out
