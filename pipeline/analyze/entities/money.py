"""Amounts of money in yen.

Value: the amount in yen as a decimal integer string ("16000000"); attrs `amount` (int),
`approximate` (約, 程, 程度, 概ね, …), `bound` ("min" for 以上/超, "max" for 以下/未満/上限/まで after it,
else None), `vague` (数千億円: value "" and amount None, never invented).

Written amounts: arabic, kanji and mixed numerals before 円 (16,000,000円, 一億五千万円, 3.5億円,
5,000万円, 431,353,010千円), and unit prices (@123). Counts (130,000枚, 170万世帯, 1143万件) are
never money.

Bare numbers (no 円) are money only where the document says they are yen, by this rule:
1. The unit is declared by the nearest preceding 「単位:千円」, 「(千円)」 or a header cell 千円/円
   (within 20,000 characters): amounts are multiplied by it. Without a declaration the unit is 1
   yen, but only in a document that writes yen amounts somewhere (a 円 after a numeral).
2. The number stands alone (not followed by a counter or unit, not a phone number or code) and
   has a thousands separator or at least 3 digits.
3. Its label decides: the first cell of its table row, or the text before the first digit of
   its line. A cost label (費, 金, 税, 額, 計, 価, 料, 予算, …) makes it money; else a count label
   (数, 枚, 率, 人口, 件, 世帯, …) makes it not money; else it is money if a unit was declared or
   it is at least 1,000,000 written with separators (41,200,000 in a cost calculation).
"""

from __future__ import annotations

import re

from pipeline.model import Entity

from . import DocumentContext
from ._numerals import KANJI_NUMERAL_CHARS, parse_int
from ._text import compact

_NUMERAL_CHARS = KANJI_NUMERAL_CHARS + "万億兆"
_DIGIT = re.compile(r"[0-9〇一二三四五六七八九壱弐参]")
MONEY_RE = re.compile(
    rf"(?<![0-9.,数何{_NUMERAL_CHARS}])(?P<num>(?:[0-9][0-9,]*(?:\.[0-9]+)?|[{KANJI_NUMERAL_CHARS}])"
    rf"[0-9,.{_NUMERAL_CHARS}]*)円(?![滑形周柱満錐盤卓陣弧])"
)
VAGUE_RE = re.compile(r"数(?:[十百千]+[万億兆]?|[万億兆])円")
UNIT_PRICE_RE = re.compile(r"@(?P<num>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9,.])")
BARE_RE = re.compile(
    r"(?<![0-9A-Za-z.,/@:])(?P<num>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?![0-9A-Za-z.,/:%])"
)
UNIT_DECL_RE = re.compile(
    r"単位[:]?(?P<a>千円|百万円|万円|円)|[(（](?P<b>千円|百万円|万円|円)[)）]|(?:^|(?<=[\t\n]))(?P<c>千円|円)(?=[\t\n]|$)"
)
UNIT_LABEL_BEFORE = re.compile(r"(?:^|[\t\n(（:]|単位)$")
_UNITS = {"円": 1, "千円": 1000, "万円": 10**4, "百万円": 10**6}
_UNIT_REACH = 20_000

APPROX_BEFORE = re.compile(r"(?:約|およそ|概ね|おおむね|ほぼ)$")
APPROX_AFTER = re.compile(r"程度|程|前後|余り|ほど|くらい|ぐらい|強|弱")
MIN_AFTER = re.compile(r"以上|超|を超え|を超過")
MAX_AFTER = re.compile(r"以下|未満|以内|を上限|上限|まで")

COST_LABEL = re.compile(r"費|金|税|額|計|価|料|予算|支出|収入|負担|補助|交付|歳入|歳出|コスト")
COUNT_LABEL = re.compile(r"数|枚|率|人口|人|件|世帯|回|%|面積|戸|台|名|歳|時間|番号|コード|No")
_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


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
        return line.split("\t", 1)[0]
    m = re.search(r"[0-9]", line)
    return line[: m.start()] if m else line


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    out: list[Entity] = []
    taken: list[tuple[int, int]] = []

    for m in MONEY_RE.finditer(c):
        num = m["num"].rstrip(",.")
        if not _DIGIT.search(num) and UNIT_LABEL_BEFORE.search(c, 0, m.start()):
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
    d = 0
    unit: int | None = None
    unit_at = -_UNIT_REACH
    taken.sort()
    t = 0
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
        grouped = "," in raw
        if not grouped and len(raw) < 3:
            continue
        # Neighbours in the original text: the compact view joins a line-final number to the
        # next line's label.
        orig, orig_end = view.span(s, e)
        after = text[orig_end : orig_end + 1]
        if after and _KANA_OR_KANJI.match(after):
            continue  # a counter or unit follows: 130,000枚, 2017年
        before = text[orig - 1 : orig] if orig else ""
        if not grouped and ("-" in (before, after) or before == "第"):
            continue  # phone numbers, codes, ordinals
        declared = unit if unit is not None and s - unit_at <= _UNIT_REACH else None
        label = _label(text, orig)
        value = int(raw.replace(",", ""))
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
