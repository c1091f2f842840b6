"""Amounts of money in yen.

Value: the amount in yen as a decimal integer string ("16000000"); attrs `amount` (int),
`approximate` (約, 程, 程度, 概ね, …), `bound` ("min" for 以上/超, "max" for 以下/未満/上限/まで after it,
else None), `vague` (数千億円: value "" and amount None, never invented).

Written amounts: arabic, kanji and mixed numerals before 円 (16,000,000円, 一億五千万円, 3.5億円,
5,000万円, 431,353,010千円), and unit prices (@123). Counts (130,000枚, 170万世帯, 1143万件) are
never money.

Bare numbers (no 円) are money only where the document says they are yen, by this rule:
1. The unit is declared by the nearest preceding 「単位:千円」, 「(千円)」 or a header cell 千円/円
   (within 20,000 characters): amounts are multiplied by it. A declaration later in the same
   block of lines (up to a blank line) wins over one before it: a text layer may put a page's
   「(単位:千円)」 after half of its table. Without a declaration the unit is 1 yen, but only in a
   document that writes yen amounts somewhere (a 円 after a numeral).
2. The number stands alone (not followed by a counter or unit, not a phone number or code, not
   a page number: a line of its own without separators, or after a table of contents' dot
   leader 「款予備費······ 620」) and has a thousands separator or at least 3 digits. A scan's
   「.」 among the separators (25.400,000, 122,.000,000) is OCR's reading of a comma; dots alone
   (130.000) are not read.
3. Head counts in a yen table are not money: a number in a column headed by people
   (職員数(人), 一般職(人), 人数) in the header rows above its table, a number right after such a
   label (支給対象職員数(人) 5,391), and a number in parentheses right after a count
   (5,391 (167): the re-employed among them).
4. Its label decides: the leading text cells of its table row (本年度 / 職員数(A)(人)), or the
   text before the first digit of its line. A cost label (費, 金, 税, 額, 計, 価, 料, 予算, …)
   makes it money; else a count label (数, 枚, 率, 人口, 件, 世帯, …) makes it not money; else
   it is money if a unit was declared or it is at least 1,000,000 written with separators
   (41,200,000 in a cost calculation).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from pipeline.ja.numerals import KANJI_NUMERAL_CHARS, parse_int
from pipeline.ja.spacing import compact
from pipeline.model import Entity

from . import DocumentContext

_NUMERAL_CHARS = KANJI_NUMERAL_CHARS + "万億兆"
_DIGIT = re.compile(r"[0-9〇一二三四五六七八九壱弐参]")
MONEY_RE = re.compile(
    rf"(?<![0-9.,数何{_NUMERAL_CHARS}])(?P<num>(?:[0-9][0-9,]*(?:\.[0-9]+)?|[{KANJI_NUMERAL_CHARS}])"
    rf"[0-9,.{_NUMERAL_CHARS}]*)円(?![滑形周柱満錐盤卓陣弧])"
)
VAGUE_RE = re.compile(r"数(?:[十百千]+[万億兆]?|[万億兆])円")
UNIT_PRICE_RE = re.compile(r"@(?P<num>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9,.])")
# A group separator may be OCR's 「.」 or 「,.」 (25.400,000, 122,.000,000): see extract().
BARE_RE = re.compile(
    r"(?<![0-9A-Za-z.,/@:])(?P<num>[0-9]{1,3}(?:[,.]{1,2}[0-9]{3})+|[0-9]+)"
    r"(?![0-9A-Za-z,/:%]|\.[0-9])"
)
UNIT_DECL_RE = re.compile(
    r"単位[:]?(?P<a>千円|百万円|万円|円)|[(（](?P<b>千円|百万円|万円|円)[)）]|(?:^|(?<=[\t\n]))(?P<c>千円|円)(?=[\t\n]|$)"
)
UNIT_LABEL_BEFORE = re.compile(r"(?:[\t\n(（:]|単位)$")
_UNITS = {"円": 1, "千円": 1000, "万円": 10**4, "百万円": 10**6}
_UNIT_REACH = 20_000

APPROX_BEFORE = re.compile(r"(?:約|およそ|概ね|おおむね|ほぼ)$")
APPROX_AFTER = re.compile(r"程度|程|前後|余り|ほど|くらい|ぐらい|強|弱")
MIN_AFTER = re.compile(r"以上|超|を超え|を超過")
MAX_AFTER = re.compile(r"以下|未満|以内|を上限|上限|まで")

COST_LABEL = re.compile(r"費|金|税|額|計|価|料|予算|支出|収入|負担|補助|交付|歳入|歳出|コスト")
COUNT_LABEL = re.compile(r"数|枚|率|人口|人|件|世帯|回|%|面積|戸|台|名|歳|時間|番号|コード|No")
_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")

# A header cell or label that counts people: 職員数(人), 一般職 (人), 人数, 人員.
PEOPLE_HEADER = re.compile(r"[(（]\s*人\s*[)）]|人\s*数|人\s*員|職\s*員\s*数")
PEOPLE_BEFORE = re.compile(rf"(?:{PEOPLE_HEADER.pattern})\s*$")
COUNTER_AFTER_SPACE = re.compile(
    r"[ \u3000]+[万億兆千百十円枚件人世帯回年月日時分秒名個台本部戸箇ヶヵか所校園館号条項頁倍割]"
)
LEADER_BEFORE = re.compile(r"[·・･…‥.．]{3,}[ \u3000]*$")  # a table of contents' dot leader
COUNT_IN_PARENS = re.compile(r"[0-9][0-9,]*\s*[(（]\s*$")  # 5,391 (167)
# A table cell holding a number (11,212 (123), △ 7,812, 4.9) or a dash for none.
NUMBER_CELL = re.compile(
    r"\s*(?:[△▲▽\-−]?\s*[0-9][0-9,.]*\s*(?:[(（]\s*[△▲\-−]?\s*[0-9][0-9,.]*\s*[)）])?|[－\-—―‐])\s*"
)
# Header cells over the row labels, not over values.
LABEL_HEADER = re.compile(r"\s*(?:区\s*分|項\s*目|科\s*目|款|項|目|節|級|名\s*称|種\s*別)\s*")


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


def _entity(text, view, cs, ce, amount, approx, bound, vague=False) -> Entity:
    start, end = view.span(cs, ce)
    return Entity(
        "money",
        text[start:end],
        "" if amount is None else str(amount),
        start,
        end,
        attrs={"amount": amount, "approximate": approx, "bound": bound, "vague": vague},
    )


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


def _people_columns(text: str) -> dict[int, set[int]]:
    """For each table row (by line start): the value columns (0 = the first cell after the row
    label) whose header, in the header rows right above the table, counts people."""
    out: dict[int, set[int]] = {}
    columns: set[int] = set()
    in_header = False
    pos = 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if "\t" not in line:
            columns, in_header = set(), False  # prose, a title or a blank line ends a table
            continue
        cells = line.split("\t")
        if not any(NUMBER_CELL.fullmatch(c) for c in cells):  # a header row
            if not in_header:
                columns, in_header = set(), True
            labels = 0
            while labels < len(cells) and LABEL_HEADER.fullmatch(cells[labels]):
                labels += 1
            columns |= {i - labels for i, c in enumerate(cells) if PEOPLE_HEADER.search(c)}
            continue
        in_header = False
        if columns:
            out[start] = columns
    return out


def _in_people_column(text: str, pos: int, people: dict[int, set[int]]) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    columns = people.get(line_start)
    if not columns:
        return False
    line_end = text.find("\n", pos)
    cells = text[line_start : len(text) if line_end < 0 else line_end].split("\t")
    return text.count("\t", line_start, pos) - len(_label_cells(cells)) in columns


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    out: list[Entity] = []
    taken: list[tuple[int, int]] = []

    for m in MONEY_RE.finditer(c):
        num = m["num"].rstrip(",.")
        if not _DIGIT.search(num) and (
            m.start() == 0 or UNIT_LABEL_BEFORE.search(c[max(0, m.start() - 2) : m.start()])
        ):
            continue  # (単位:千円), a 千円 column header
        if num == "一" and m.start() and re.match(r"[一-龥]", c[m.start() - 1]):
            continue  # 関東一円
        amount = parse_int(num)
        if amount is None or amount > 10**18:
            continue
        approx, bound = _qualifiers(c, m.start(), m.end())
        out.append(_entity(text, view, m.start(), m.end(), amount, approx, bound))
        taken.append((m.start(), m.end()))

    for m in VAGUE_RE.finditer(c):
        approx, bound = _qualifiers(c, m.start(), m.end())
        out.append(_entity(text, view, m.start(), m.end(), None, True, bound, vague=True))

    yen_document = bool(taken) or bool(UNIT_DECL_RE.search(c))
    if not yen_document:
        return out

    for m in UNIT_PRICE_RE.finditer(c):
        amount = int(m["num"].replace(",", ""))
        out.append(_entity(text, view, m.start(), m.end(), amount, False, None))
        taken.append((m.start(), m.end()))

    decls = [(m.start(), _UNITS[m["a"] or m["b"] or m["c"]]) for m in UNIT_DECL_RE.finditer(c)]
    people = _people_columns(text)
    counts: set[int] = set()  # original end offsets of numbers read as head counts
    d = 0
    unit: int | None = None
    unit_at = -_UNIT_REACH
    taken.sort()
    t = 0
    blanks = [m.start() for m in re.finditer(r"\n[ \u3000\t]*\n", c)]
    for m in BARE_RE.finditer(c):
        s, e = m.span()
        while d < len(decls) and decls[d][0] < s:
            unit_at, unit = decls[d]
            d += 1
        while t < len(taken) and taken[t][1] <= s:
            t += 1
        if t < len(taken) and taken[t][0] < e:
            continue  # part of a written amount
        raw = m["num"]
        if "." in raw and "," not in raw:
            continue  # 130.000: a decimal, or a count OCR left ambiguous
        grouped = "," in raw
        if not grouped and len(raw) < 3:
            continue
        # Neighbours in the original text: the compact view joins a line-final number to the
        # next line's label.
        orig, orig_end = view.span(s, e)
        after = text[orig_end : orig_end + 1]
        if after and _KANA_OR_KANJI.match(after):
            continue  # a counter or unit follows: 130,000枚, 2017年
        if COUNTER_AFTER_SPACE.match(text, orig_end):
            continue  # the same after OCR's space: 100 万以上, 第 214 条
        before = text[orig - 1 : orig] if orig else ""
        if not grouped and ("-" in (before, after) or before == "第"):
            continue  # phone numbers, codes, ordinals
        if not grouped and len(raw) <= 4 and _alone_on_line(text, orig, orig_end):
            continue  # a page number
        if LEADER_BEFORE.search(text, max(0, orig - 8), orig):
            continue  # a page number in a table of contents: 第14款予備費······ 620
        preceding = text[max(0, orig - 24) : orig]
        if (
            _in_people_column(text, orig, people)
            or PEOPLE_BEFORE.search(preceding)
            or (COUNT_IN_PARENS.search(preceding) and _count_before(preceding, orig, counts))
        ):
            counts.add(orig_end)
            continue  # a head count in a yen table
        declared = unit if unit is not None and s - unit_at <= _UNIT_REACH else None
        if (
            d < len(decls)
            and _same_block(blanks, s, decls[d][0])
            and not (d and _same_block(blanks, decls[d - 1][0], s))
        ):
            declared = decls[d][1]  # the block's own declaration, printed after it
        label = _label(text, orig)
        value = int(re.sub(r"[,.]", "", raw))
        if COST_LABEL.search(label):
            pass
        elif COUNT_LABEL.search(label):
            continue
        elif declared is None and not (grouped and value >= 1_000_000):
            continue
        amount = value * (declared or 1)
        approx, bound = _qualifiers(c, s, e)
        out.append(_entity(text, view, s, e, amount, approx, bound))

    out.sort(key=lambda x: x.start)
    return out


def _same_block(blanks: list[int], a: int, b: int) -> bool:
    """No blank line between offsets a <= b."""
    return bisect_left(blanks, a) == bisect_left(blanks, b)


def _alone_on_line(text: str, start: int, end: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not text[line_start:start].strip() and not text[end:line_end].strip()


def _count_before(before: str, orig: int, counts: set[int]) -> bool:
    """Is the number before 「(」 one read as a count (5,391 (167))?"""
    m = re.search(r"[0-9][0-9,]*(?=\s*[(（]\s*$)", before)
    return bool(m) and orig - len(before) + m.end() in counts
