"""Japanese eras (和暦): the era table, era ↔ western conversion, and the pieces of date grammar
that the header reader (analyze/metadata.py) and the date extractor (analyze/entities/date.py)
share.

An era year N of era E is the western year `ERAS[E] + N` (平成1 = 1989, 令和元年 = 2019). Years
are counted arithmetically past an era's end, as documents printed before a change of era do
(平成38年度 is FY2026): `to_western` accepts them; `ERA_LAST_YEAR` (the last year each era
actually had, 令和 open-ended) is for callers that want to reject impossible years as OCR
misreadings (平成88年 for 平成28年).
"""

from __future__ import annotations

import datetime

from .numerals import KANJI_DIGIT_CHARS, parse_int

# Era name → the western year before its first year.
ERAS = {"明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}
# The first day of each era (a date before it belongs to the era before).
ERA_STARTS = {
    "明治": datetime.date(1868, 1, 25),
    "大正": datetime.date(1912, 7, 30),
    "昭和": datetime.date(1926, 12, 25),
    "平成": datetime.date(1989, 1, 8),
    "令和": datetime.date(2019, 5, 1),
}
# The last year each era had (令和: open).
ERA_LAST_YEAR = {"明治": 45, "大正": 15, "昭和": 64, "平成": 31, "令和": 99}
# How far past its last year an era year is still read: plans printed before a change of era
# run on in the old era (平成38年度 = FY2026); further is an OCR misreading (平成88年).
ERA_OVERRUN = 20
# One-letter abbreviations in tables and forms: R8.4.1, H28.4.1.
ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
# One-kanji abbreviations: 令8.4.1, 平28.4.1, 昭63.
ERA_INITIALS = {"明": "明治", "大": "大正", "昭": "昭和", "平": "平成", "令": "令和"}

# Regex pieces of the date grammar (years, months and days in arabic or kanji numerals).
ERA = "明治|大正|昭和|平成|令和"
KANJI_NUMBER = KANJI_DIGIT_CHARS + "十"  # the kanji digits of years, months and days
ERA_YEAR = rf"(?:元|[0-9]{{1,2}}|[{KANJI_NUMBER}]{{1,4}})"  # 元, 28, 二十八
MONTH = r"(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
MONTH_ARABIC = r"(?:1[0-2]|0?[1-9])"
DAY = rf"(?:3[01]|[12][0-9]|0?[1-9]|[{KANJI_NUMBER}]{{1,3}})"
DAY_ARABIC = r"(?:3[01]|[12][0-9]|0?[1-9])"


def year_number(text: str) -> int | None:
    """An era year as printed: 元 (the first year), 28, 二十八."""
    return 1 if text == "元" else parse_int(text)


def to_western(era: str, year: int) -> int:
    """The western year of an era year (平成28 → 2016; 平成38 → 2026, counted past the era's end)."""
    return ERAS[era] + year


def in_era(era: str, year: int) -> bool:
    """Did the era have this year (1 ≤ year ≤ its last)?"""
    return 1 <= year <= ERA_LAST_YEAR[era]


def plausible(era: str, year: int) -> bool:
    """Can a document print this era year: within the era, or counted on past its end by at
    most ERA_OVERRUN years (平成38年度 yes, 平成88年 no)?"""
    return 1 <= year <= ERA_LAST_YEAR[era] + ERA_OVERRUN


def to_era(day: datetime.date) -> tuple[str, int]:
    """The era and era year of a western date (2019-04-30 → 平成31, 2019-05-01 → 令和1)."""
    for era, start in reversed(ERA_STARTS.items()):
        if day >= start:
            return era, day.year - ERAS[era]
    raise ValueError(f"before the Meiji era: {day}")
