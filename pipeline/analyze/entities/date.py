"""Dates: 和暦 and western dates, fiscal years, partial and relative dates.

Canonical values: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or `FYyyyy` for a fiscal year (平成29年度 /
2017年度 → FY2017, 2017-04-01..2018-03-31). A range (2014年10月〜15年11月, 平成29年度から平成31年度
まで) gives one entity per end; a list (平成29・30年度, 11月2日・14日) one entity per item.

Partial dates (9月15日, 1月) take the year of the nearest preceding dated mention in the same
sentence; failing that, the document date decides: the latest year that does not put the date
after the document date (answers precede the document that collects them), except before
まで (a deadline: the first such date on or after the document date). Without a document date
the nearest preceding year anywhere in the text is used, and failing that the value is `--MM-DD`
/ `--MM` with no start/end. Relative dates (昨年12月27日, 本年12月, 今年度, 来年度) need the document
date (a fiscal-year title such as 令和8年度予算 sets 本年度/前年度/来年度 instead: a budget's
本年度 is the year it budgets); without a document date they are skipped. 〃 in a table cell
repeats the date in the cell above.

Not dates: era years that begin a law number (昭和22年法律第67号), durations (3年間, 10年間,
1カ月, 12桁), ordinals (第1回), and a day alone unless news style (「…は11日、」).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from pipeline.model import Entity

from . import DocumentContext
from ._numerals import KANJI_DIGIT_CHARS, parse_int
from ._text import Occupied, compact

ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
ERA_LAST_YEAR = {"明治": 45, "大正": 15, "昭和": 64, "平成": 31, "令和": 99}

_K = KANJI_DIGIT_CHARS + "十"
_YN = rf"(?:元|[0-9]{{1,2}}|[{_K}]{{1,4}})"  # era year
_MN = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"  # month
_MA = r"(?:1[0-2]|0?[1-9])"  # month, arabic only
_DN = rf"(?:3[01]|[12][0-9]|0?[1-9]|[{_K}]{{1,3}})"  # day
# A year, month and day tail shared by the patterns: 年度 | 年[M月[D日]].
_TAIL = rf"年(?:(?P<fy>度)|(?P<m>{_MN})月(?:(?P<d>{_DN})日)?)?"

ERA_RE = re.compile(
    rf"(?P<era>明治|大正|昭和|平成|令和)(?P<y>{_YN})(?P<more>(?:[・,、]{_YN})*){_TAIL}"
)
ERA_LETTER_RE = re.compile(
    r"(?<![A-Za-z0-9])(?P<era>[MTSHR])(?P<y>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<d>[0-9]{1,2})(?![0-9])"
)
WEST_RE = re.compile(
    rf"(?<![0-9.,])(?P<y>(?:18|19|20|21)[0-9]{{2}}|[一二][〇九八][{KANJI_DIGIT_CHARS}]{{2}}){_TAIL}"
)
# 2017.2.4, 2017/2/4, 2017-02-04, and the clipping stamp 2017.1/2.
NUMERIC_RE = re.compile(
    r"(?<![0-9.,/-])(?P<y>(?:18|19|20|21)[0-9]{2})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?:(?P=sep)|/)"
    r"(?P<d>[0-9]{1,2})(?![0-9])"
)
# Two-digit years in running text (14年10月, 28年度): never after a digit or an era name.
SHORT_RE = re.compile(
    rf"(?<![0-9A-Za-z.,{_K}元治正和成])(?P<y>[0-9]{{2}})年(?:(?P<fy>度)|(?P<m>{_MA})月(?:(?P<d>{_DN})日)?)"
)
MONTH_DAY_RE = re.compile(
    rf"(?<![0-9.,/年度第{_K}])(?:(?P<m>{_MA})月(?:(?P<d>{_DN})日(?P<more>(?:[・,、](?:{_DN})日)*))?"
    rf"|(?P<km>{_MN})月(?P<kd>{_DN})日)"
)
RELATIVE_RE = re.compile(
    rf"(?<![一-龥])(?P<rel>一昨年|昨年|前年|今年|本年|来年|明年|次年)(?:(?P<fy>度)|(?P<m>{_MN})月(?:(?P<d>{_DN})日)?)?"
)
# News style day: 「警視庁は11日、」「（11日）」.
DAY_RE = re.compile(r"(?<=[はがの、,(])(?P<d>[0-9]{1,2})日(?=[、,にはから付)])")
# An era year directly followed by an issuer and 第N号 is a law number, not a date.
LAW_NUMBER_AFTER_RE = re.compile(r"[一-龥]{0,12}?第[0-9〇一二三四五六七八九十百千]+号")
_REL_OFFSET = {
    "一昨年": -2,
    "昨年": -1,
    "前年": -1,
    "今年": 0,
    "本年": 0,
    "来年": 1,
    "明年": 1,
    "次年": 1,
}


@dataclass
class _Cand:
    start: int  # compact offsets
    end: int
    order: int  # pattern priority for ties
    year: int | None  # calendar year, or fiscal year when fy
    month: int | None
    day: int | None
    fy: bool = False
    relative: bool = False
    partial: bool = False  # year to be inferred
    short_year: int | None = None  # two-digit year to be inferred
    until: bool = False  # followed by まで


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    if text == "元":
        return 1
    return parse_int(text)


def _valid(year: int | None, month: int | None, day: int | None) -> bool:
    if month is not None and not 1 <= month <= 12:
        return False
    if day is not None:
        last = calendar.monthrange(year if year else 2000, month)[1]
        if not 1 <= day <= last:
            return False
    return True


def _parse_doc_date(issued_on: str | None) -> tuple[int, int | None, int | None] | None:
    if not issued_on:
        return None
    m = re.match(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", issued_on)
    if not m:
        return None
    return int(m[1]), (int(m[2]) if m[2] else None), (int(m[3]) if m[3] else None)


def _doc_end(doc: tuple[int, int | None, int | None]) -> tuple[int, int, int]:
    """Last day covered by the document date (2016-10 → 2016-10-31)."""
    y, m, d = doc
    if m is None:
        return y, 12, 31
    if d is None:
        return y, m, calendar.monthrange(y, m)[1]
    return y, m, d


def _doc_fiscal_year(doc: tuple[int, int | None, int | None]) -> int:
    y, m, _ = doc
    return y - 1 if m is not None and m < 4 else y


def _attrs(c: _Cand) -> tuple[str, dict]:
    y, m, d = c.year, c.month, c.day
    if c.fy:
        return f"FY{y}", {
            "start": f"{y}-04-01", "end": f"{y + 1}-03-31", "precision": "fiscal_year",
        }  # fmt: skip
    if y is None:  # partial date that could not be resolved
        value = f"--{m:02d}-{d:02d}" if d else f"--{m:02d}"
        return value, {"start": None, "end": None, "precision": "day" if d else "month"}
    if d is not None:
        iso = f"{y:04d}-{m:02d}-{d:02d}"
        return iso, {"start": iso, "end": iso, "precision": "day"}
    if m is not None:
        last = calendar.monthrange(y, m)[1]
        return f"{y:04d}-{m:02d}", {
            "start": f"{y:04d}-{m:02d}-01", "end": f"{y:04d}-{m:02d}-{last:02d}", "precision": "month",
        }  # fmt: skip
    return f"{y:04d}", {"start": f"{y:04d}-01-01", "end": f"{y:04d}-12-31", "precision": "year"}


def _title_fiscal_year(title: str | None) -> int | None:
    """The fiscal year a document is about (令和8年度世田谷区予算 → 2026): its 本年度."""
    if not title:
        return None
    for cand in _candidates(title, None, None):
        if cand.fy and cand.year:
            return cand.year
    return None


def _candidates(c: str, doc, base_fy: int | None) -> list[_Cand]:
    out: list[_Cand] = []

    for mt in ERA_RE.finditer(c):
        base = ERAS[mt["era"]]
        years = [mt["y"]] + (
            [y for y in re.split(r"[・,、]", mt["more"])[1:]] if mt["more"] else []
        )
        nums = [_num(y) for y in years]
        if any(n is None or not 1 <= n <= ERA_LAST_YEAR[mt["era"]] for n in nums):
            continue
        month, day = _num(mt["m"]), _num(mt["d"])
        if not mt["fy"] and month is None and LAW_NUMBER_AFTER_RE.match(c, mt.end()):
            continue  # 昭和22年法律第67号
        if not _valid(base + nums[0], month, day):
            continue
        if len(nums) == 1:
            out.append(_Cand(mt.start(), mt.end(), 0, base + nums[0], month, day, bool(mt["fy"])))
            continue
        # 平成29・30年度: the first item ends at its number, the last one carries the tail.
        pos = mt.start("y")
        for i, (raw, n) in enumerate(zip(years, nums)):
            s = mt.start() if i == 0 else c.index(raw, pos)
            e = (c.index(raw, pos) + len(raw)) if i < len(years) - 1 else mt.end()
            pos = e
            out.append(_Cand(s, e, 0, base + n, month, day, bool(mt["fy"])))

    for mt in ERA_LETTER_RE.finditer(c):
        era = ERA_LETTERS[mt["era"]]
        y, m, d = ERAS[era] + int(mt["y"]), int(mt["m"]), int(mt["d"])
        if _valid(y, m, d):
            out.append(_Cand(mt.start(), mt.end(), 1, y, m, d))

    for mt in WEST_RE.finditer(c):
        y, m, d = _num(mt["y"]), _num(mt["m"]), _num(mt["d"])
        if y and 1868 <= y <= 2199 and _valid(y, m, d):
            out.append(_Cand(mt.start(), mt.end(), 1, y, m, d, bool(mt["fy"])))

    for mt in NUMERIC_RE.finditer(c):
        y, m, d = int(mt["y"]), int(mt["m"]), int(mt["d"])
        if _valid(y, m, d):
            out.append(_Cand(mt.start(), mt.end(), 2, y, m, d))

    for mt in SHORT_RE.finditer(c):
        m, d = _num(mt["m"]), _num(mt["d"])
        if _valid(None, m, d):
            out.append(
                _Cand(mt.start(), mt.end(), 3, None, m, d, bool(mt["fy"]), short_year=int(mt["y"]))
            )

    for mt in RELATIVE_RE.finditer(c):
        if doc is None:
            continue  # nothing to resolve against
        offset = _REL_OFFSET[mt["rel"]]
        m, d = _num(mt["m"]), _num(mt["d"])
        if mt["rel"] == "前年" and not mt["fy"]:
            continue  # 前年 is relative to whatever year was just mentioned
        if mt["fy"]:
            year = (base_fy or _doc_fiscal_year(doc)) + offset
        else:
            year = doc[0] + offset
        if _valid(year, m, d):
            out.append(_Cand(mt.start(), mt.end(), 4, year, m, d, bool(mt["fy"]), relative=True))

    for mt in MONTH_DAY_RE.finditer(c):
        if mt["km"]:
            m, d = _num(mt["km"]), _num(mt["kd"])
            extra: list[str] = []
        else:
            m, d = _num(mt["m"]), _num(mt["d"])
            if d is None and c[mt.end() : mt.end() + 1] in ("間", "期"):
                continue  # 3月間, 4月期
            extra = re.findall(rf"{_DN}", mt["more"] or "")
        if not _valid(None, m, d):
            continue
        if not extra:
            out.append(_Cand(mt.start(), mt.end(), 5, None, m, d, partial=True))
            continue
        # 11月2日・14日: the first item ends at its 日, the others inherit the month.
        first_end = mt.end("d") + 1
        out.append(_Cand(mt.start(), first_end, 5, None, m, d, partial=True))
        pos = first_end
        for raw in extra:
            s = c.index(raw, pos)
            pos = s + len(raw) + 1
            if _valid(None, m, _num(raw)):
                out.append(_Cand(s, pos, 5, None, m, _num(raw), partial=True))

    for mt in DAY_RE.finditer(c):
        out.append(_Cand(mt.start(), mt.end(), 6, None, None, int(mt["d"]), partial=True))

    for cand in out:
        cand.until = c.startswith("まで", cand.end)
    return out


def _resolve_overlaps(cands: list[_Cand]) -> list[_Cand]:
    cands.sort(key=lambda x: (-(x.end - x.start), x.order, x.start))
    occupied = Occupied()
    taken = [x for x in cands if occupied.add_if_free(x.start, x.end)]
    taken.sort(key=lambda x: x.start)
    return taken


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    doc = _parse_doc_date(ctx.issued_on)
    cands = _resolve_overlaps(_candidates(view.text, doc, _title_fiscal_year(ctx.title)))

    entities: list[Entity] = []
    dated: list[tuple[int, _Cand]] = []  # (original start, candidate) with a calendar year
    for cand in cands:
        start, end = view.span(cand.start, cand.end)
        if cand.short_year is not None:
            cand.year = _short_year(cand.short_year, doc)
        elif cand.partial:
            if not _infer_year(text, start, cand, dated, doc):
                if cand.month is None:
                    continue  # a bare day with nothing to anchor it
        if cand.year is not None and not cand.fy:
            dated.append((start, cand))
        value, attrs = _attrs(cand)
        attrs["relative"] = cand.relative
        entities.append(Entity("date", text[start:end], value, start, end, attrs=attrs))

    entities.extend(_dittos(text, entities))
    entities.sort(key=lambda e: e.start)
    return entities


def _short_year(yy: int, doc) -> int:
    """14年 in a 2017 text is 2014; 28年 in a 2016 text is 平成28年 (2016)."""
    if doc is None:
        return 2000 + yy if yy <= 50 else 1900 + yy
    if 2000 + yy <= doc[0] + 1:
        return 2000 + yy
    for era in ("令和", "平成", "昭和"):
        year = ERAS[era] + yy
        if yy <= ERA_LAST_YEAR[era] and year <= doc[0] + 2:
            return year
    return 1900 + yy


def _infer_year(text: str, start: int, cand: _Cand, dated, doc) -> bool:
    """Fill cand.year (and cand.month for a bare day); False if nothing could anchor it."""
    sentence = _sentence_start(text, start)
    for pos, prev in reversed(dated):
        if pos < sentence:
            break
        if cand.month is None:
            if prev.month is None:
                continue
            cand.month = prev.month
        cand.year = prev.year
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    if doc is not None:
        end_y, end_m, end_d = _doc_end(doc)
        if cand.month is None:  # a bare day: this month or the one before
            y, m = end_y, end_m
            if cand.day > end_d:
                y, m = (y, m - 1) if m > 1 else (y - 1, 12)
            cand.year, cand.month = y, m
            return _valid(y, m, cand.day) or _unset(cand)
        key = (cand.month, cand.day or 1)
        if cand.until:  # a deadline: on or after the document date
            start_y, start_m, start_d = doc[0], doc[1] or 1, doc[2] or 1
            cand.year = start_y if key >= (start_m, start_d) else start_y + 1
        else:
            cand.year = end_y if key <= (end_m, end_d) else end_y - 1
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    for pos, prev in reversed(dated):
        if cand.month is None:
            if prev.month is None:
                continue
            cand.month = prev.month
        cand.year = prev.year
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    return False


def _unset(cand: _Cand) -> bool:
    cand.year = None  # 2月29日 in a non-leap year: keep it partial
    return cand.month is not None


_DITTO_RE = re.compile(r"〃")


def _dittos(text: str, entities: list[Entity]) -> list[Entity]:
    """〃 in a table cell means the cell above: 「第3回\\t〃(…)」 under 「第2回\\t平成28年10月6日(…)」."""
    out = []
    for m in _DITTO_RE.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        column = text.count("\t", line_start, m.start())
        prev_end = line_start - 1
        if prev_end < 0:
            continue
        prev_start = text.rfind("\n", 0, prev_end) + 1
        cells, pos = [], prev_start
        for cell in text[prev_start:prev_end].split("\t"):
            cells.append((pos, pos + len(cell)))
            pos += len(cell) + 1
        if column >= len(cells):
            continue
        a, b = cells[column]
        above = [e for e in entities + out if a <= e.start < b]
        if above:
            src = above[0]
            out.append(Entity("date", "〃", src.value, m.start(), m.end(), attrs=dict(src.attrs)))
    return out
