"""Dates: 和暦 and western dates, fiscal years, partial and relative dates.

Each way of writing a date is a `Rule` of the `RULES` table (a pattern, a priority for ties and
a reader that turns a match into candidates); overlapping candidates are resolved longest first.

Canonical values: `YYYY-MM-DD`, `YYYY-MM`, `YYYY`, or `FYyyyy` for a fiscal year (平成29年度 /
2017年度 → FY2017, 2017-04-01..2018-03-31). A range (2014年10月〜15年11月, 平成29年度から平成31年度
まで) gives one entity per end; a list (平成29・30年度, 11月2日・14日) one entity per item. The end of a
year (昨年暮れ, 2016年末) is its December. Abbreviated era dates of tables and forms (R8.4.1,
H28.4.1, 令8.4.1, 令和8.4.1, R7年度, and the ends of a range of months H28.4～H29.3) read as
their era. An era year past the era's end is counted on (平成38年度 → FY2026, see
`pipeline.ja.eras.plausible`); one followed by 代 is a decade (昭和60年代), not a date. A year without era or century (28年度,
a table's 2年度 under 令和元年度) takes the era of the latest full-year mention before it, else
the document date's (see `_short_year`). An era year with its western year in brackets is one
mention (令和7(2025)年4月1日, 2025(令和7)年度, 令和7年(2025年)4月1日); a range of months under one year
gives both ends (令和7年4〜6月 → 2025-04, 2025-06). Western dates written in English (3 September
2025, March 31, 2026, the fiscal years 2025, 2026, and 2027, FY2025) are dates too. Slips of
the pen that read one way only are read so (令和年6度 → FY2024, 令和7月4月 → 2025-04).

Partial dates (9月15日, 1月, a news-style 11日) are resolved in this order:
1. The year (and, for a bare day, the month) of the nearest preceding dated mention in the
   same sentence; a month right after a fiscal year is in that fiscal year (令和3年度3月補正 →
   2022-03).
2. A document whose title names a fiscal year (令和7年度…発注見通し): its months are that fiscal
   year's (4月 → 2025-04, 3月 → 2026-03).
3. The document date: `ctx.issued_on`, or when that is None the anchor found in the text (see
   `anchor_date`: the latest full date that does not look ahead). A month-day takes the latest
   year that does not put it after the document date (answers precede the document that
   collects them), except before まで or 予定 (a deadline or a plan: the first such date on or
   after it). A bare day takes the reading closest in time to the document date, in its month
   or the month before (a clipping stamped 2017.1/2 reporting 「11日」 means 2017-01-11, not
   2016-12-11; on a tie the earlier one). A document date more than 30 years after every year
   the text names is taken for a misread header (OCR's 平成88年9月16日) and ignored.
4. No document date at all: a text that looks ahead to a period (「2017年以降の住民税の通知に
   …記載されると言われています」, 「平成29年7月から導入」, 「平成29年度から10%削減」: a period start in a
   sentence about a coming change, see FUTURE_RE) was written before that period starts, so a
   month-day takes the latest year that keeps it before the earliest such start: the wards' answers
   9月15日…10月4日 under a question about 「2017年以降の住民税の通知」 are 2016's.
5. The year of the nearest preceding dated mention anywhere that does not look ahead; failing
   that the value is `--MM-DD` / `--MM` with no start/end (a bare day is dropped).
A weekday printed after a month-day (7月14日(月)) moves it to the year next to the inferred one
whose calendar has that weekday. A range end that repeats only the day (4月1日〜6日, から6日まで)
is a day of the same month. 同年4月1日 and 同月15日 take the year (and month) of the latest dated
mention before them.
Month/day with a slash (12/8) is a date only where nothing else is meant: before a weekday
(12/8(水)), at an end of a range (11/29〜12/5), or in a table row of days a day or a week apart
(12/5\t12/6\t12/7); a lone 1/2 is a fraction or a page number.
A mention looks ahead when it opens a period or sets a deadline or plan (以降, 以後, から, より,
まで, 目途 right after it) and its sentence is not in the past tense (…した。, …された。), or
when it is scheduled (予定, 改正予定, に閣議決定を予定 right after it).

Relative dates (昨年12月27日, 本年12月, 今年度, 来年度) are resolved against the document date or
the anchor (a fiscal-year title such as 令和8年度予算 sets 本年度/前年度/来年度 instead: a budget's
本年度 is the year it budgets); with neither they are skipped, and so are fiscal years relative
to any year (前年度末及び当該年度末における現在高: a sentence about 当該年度 or 各年度).

Tables: 〃 in a cell repeats the date in the cell above. A column headed by a day (利用日,
実施日, 日付) under a month heading (令和6年4月分) holds days of that month: its bare numbers are
dates (`_day_columns`).

Scans: Tesseract's readings of 日 after a month and day (9 月 20 晶) and of 〃 alone in a cell
(ヶ) are read as what they stand for; a stray period before a month (、.8月) is noise, while 1.8月
is a decimal.

Not dates: era years that begin a law number (昭和22年法律第67号, 昭和22年法律第67与 as OCR read
it), durations (3年間, 10年間, 1カ月, 12桁, 3月以上, 3月に1回, 1日から3日程度), ordinals (第1回), a
day alone unless news style (「…は11日、」), and whatever lies in a span of `NOT_DATE_RES`: form
placeholders (令和 年 月 日, ○年○月○日, 令和7年 月 日), telephone numbers, serial and form numbers
(No.2025-1, 様式第1号).
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from pipeline.ja.eras import (
    DAY, DAY_ARABIC, ERA, ERA_INITIALS, ERA_LAST_YEAR, ERA_LETTERS, ERA_YEAR, ERAS, KANJI_NUMBER,
    MONTH, MONTH_ARABIC, plausible, to_era, to_western, year_number,
)
from pipeline.ja.numerals import KANJI_DIGIT_CHARS
from pipeline.ja.spacing import compact
from pipeline.model import Entity

from . import DocumentContext
from ._spans import Occupied

_K = KANJI_NUMBER
_YN, _MN, _MA, _DN, _DA = ERA_YEAR, MONTH, MONTH_ARABIC, DAY, DAY_ARABIC
# A year, month and day tail shared by the patterns: 年度 | 年[M月[D日]].
# 日, or what Tesseract reads for it after a month and a day number (9 月 20 晶).
_DAY = r"[日晶曰]"
_TAIL = rf"年(?:(?P<fy>度)|(?P<m>{_MN})月(?:(?P<d>{_DN}){_DAY})?|(?P<late>末|暮れ))?"

ERA_RE = re.compile(
    rf"(?P<era>{ERA})(?P<y>{_YN})(?P<more>(?:[・,、]{_YN})*){_TAIL}"
)
# Abbreviated era dates of tables, forms and gazettes: R8.4.1, H28.4.1, 令8.4.1, 令和8.4.1,
# R7年度, H28年4月. A letter is not part of a word or code (ABR8.4.1); a kanji initial is not the
# end of a word (公平28.4.1).
ERA_ABBR_RE = re.compile(
    rf"(?:(?<![A-Za-z0-9])(?P<letter>[MTSHR])|(?<![一-龥々])(?P<initial>[令平昭])|(?P<era>{ERA}))"
    rf"\.?(?P<y>元|[0-9]{{1,2}})"
    rf"(?:(?P<sep>[./])(?P<m>{_MA})(?P=sep)(?P<d>{_DA})(?![0-9]|\.[0-9])"
    rf"|年(?:(?P<fy>度)|(?P<m2>{_MA})月(?:(?P<d2>{_DN})日)?)?)"
)
# A range of abbreviated era months in a table: H28.4～H29.3, R7.4〜R8.3 (an abbreviated
# year.month alone may be a version or a section number; as the ends of a range it is a period).
_ABBR_YM = r"(?:(?<![A-Za-z0-9])[MTSHR]|(?<![一-龥々])[令平昭])\.?(?:元|[0-9]{1,2})\.(?:1[0-2]|0?[1-9])"
ERA_ABBR_MONTHS_RE = re.compile(
    rf"(?=[MTSHR令平昭])(?P<a>{_ABBR_YM})(?![0-9.])[〜~～-](?P<b>{_ABBR_YM})(?![0-9.])"
)
_ABBR_YM_PARTS = re.compile(r"(?P<era>[MTSHR令平昭])\.?(?P<y>元|[0-9]{1,2})\.(?P<m>[0-9]{1,2})")
WEST_RE = re.compile(
    rf"(?<![0-9.,])(?P<y>(?:18|19|20|21)[0-9]{{2}}|[一二][〇九八][{KANJI_DIGIT_CHARS}]{{2}}){_TAIL}"
)
# 2017.2.4, 2017/2/4, 2017-02-04, and the clipping stamp 2017.1/2.
NUMERIC_RE = re.compile(
    r"(?<![0-9.,/-])(?P<y>(?:18|19|20|21)[0-9]{2})(?P<sep>[./-])(?P<m>[0-9]{1,2})(?:(?P=sep)|/)"
    r"(?P<d>[0-9]{1,2})(?![0-9])"
)
# Years without their era or century (14年10月, 28年度, a table's 2年度 after 令和元年度): never
# after a digit or an era name. One digit only for a fiscal year or a full date (1年6月 is a
# duration).
SHORT_RE = re.compile(
    rf"(?<![0-9A-Za-z.,{_K}元治正和成])(?:(?P<y>[0-9]{{2}})年(?:(?P<fy>度)|(?P<m>{_MA})月(?:(?P<d>{_DN})日)?)"
    rf"|(?P<y1>[0-9])年(?:(?P<fy1>度)|(?P<m1>{_MA})月(?P<d1>{_DN})日))"
)
MONTH_DAY_RE = re.compile(
    rf"(?<![0-9,/年第{_K}])(?<![0-9]\.)(?:(?P<m>{_MA})月(?:(?P<d>{_DN}){_DAY}(?P<more>(?:[・,、](?:{_DN})日)*))?"
    rf"|(?P<km>{_MN})月(?P<kd>{_DN})日)"
)
# An era year with its western year in brackets, or the other way round, is one mention:
# 令和7(2025)年4月1日, 2025(令和7)年度, 令和7年(2025年)4月1日, 2025年(令和7年)4月.
_WY = r"(?:18|19|20|21)[0-9]{2}"
PAIRED_RES = (
    re.compile(rf"(?P<era>{ERA})(?P<y>{_YN})[(（](?P<wy>{_WY})[)）]{_TAIL}"),
    re.compile(rf"(?=[12])(?<![0-9])(?P<wy>{_WY})[(（](?P<era>{ERA})(?P<y>{_YN})[)）]{_TAIL}"),
    re.compile(
        rf"(?P<era>{ERA})(?P<y>{_YN})年[(（](?P<wy>{_WY})年[)）](?P<m>{_MN})月(?:(?P<d>{_DN})日)?"
    ),
    re.compile(
        rf"(?=[12])(?<![0-9])(?P<wy>{_WY})年[(（](?P<era>{ERA})(?P<y>{_YN})年[)）](?P<m>{_MN})月(?:(?P<d>{_DN})日)?"
    ),
)
# A range of months under one year: 令和7年4〜6月, 2025年10月～12月 reads as its two ends.
MONTH_RANGE_RE = re.compile(
    rf"(?=[明大昭平令12])(?:(?P<era>{ERA})(?P<y>{_YN})|(?<![0-9])(?P<wy>{_WY}))年"
    rf"(?P<m1>{_MN})月?(?:[〜~～]|から)(?P<m2>{_MN})月"
)
# 同年4月1日, 同年4月, 同月15日: the year (and month) of the mention before.
SAME_RE = re.compile(rf"同(?:年(?P<m>{_MN})月(?:(?P<d>{_DN})日)?|月(?P<md>{_DN})日)")
# Slips of the pen an era date cannot be read otherwise than as meant: 令和年6度 (年 before the
# number), 令和7月4月 (月 for 年).
ERA_SLIP_RE = re.compile(
    rf"(?P<era>{ERA})(?:年(?P<fy_y>{_YN})度|(?P<y>{_YN})月(?P<m>{_MN})月(?:(?P<d>{_DN})日)?)"
)
# Month/day without a year, read only where nothing else can be meant: before a weekday
# (12/8(水)), at an end of a range (11/29〜12/5), or in a row of table cells of successive days
# (12/5\t12/6\t12/7). A lone 1/2 is a fraction or a page number.
_MD = r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12][0-9]|0?[1-9])"
_WEEKDAY = r"[(（][月火水木金土日][)）]"
SLASH_MD_RE = re.compile(rf"(?<![0-9./-]){_MD}(?![0-9/.])(?P<wd>{_WEEKDAY})?")
_MD_RANGE_NEXT = re.compile(rf"[〜~～]{_MD}(?![0-9/.])")
_MD_RANGE_PREV = re.compile(rf"(?<![0-9./-]){_MD}(?:{_WEEKDAY})?[〜~～]$")
_MD_NEXT_CELL = re.compile(rf"[\t ]+{_MD}(?![0-9/.])")
_MD_PREV_CELL = re.compile(rf"(?<![0-9./-]){_MD}[\t ]+$")
ROW_STEP = 7  # days between neighbouring cells of a row of dates (daily or weekly figures)
# Western dates written in English (convention E1 of the real gold): 3 September 2025,
# September 3, 2025, September 2025, 4, September, 2025, the fiscal years 2025, 2026, and 2027,
# fiscal year 2025/2026/2027, FY2025. A month name may be hyphenated across a line (Sep‐tember).
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
               "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}  # fmt: skip
_HYPHEN = "[‐‑-]?"


def _month_word_re() -> str:
    words = [_HYPHEN.join(name) for name in _MONTH_NAMES]
    words += [_HYPHEN.join(name.upper()) for name in _MONTH_NAMES]
    words += [rf"{abbr}\." if len(abbr) == 3 else rf"{abbr}\.?" for abbr in _MONTH_ABBR]
    words += [rf"{abbr.lower()}\." for abbr in _MONTH_ABBR]  # a folio's jun. 2024: with its dot only
    return "|".join(sorted(words, key=len, reverse=True))


_MON = rf"(?=[JFMASONDjfmasond])(?P<mon>{_month_word_re()})(?![A-Za-z])"  # (?=…): a fast first test
_EN_DAY = r"(?P<d>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?"
ENGLISH_RES = (
    re.compile(rf"(?=[0-9])(?<![0-9A-Za-z.]){_EN_DAY},?\s*(?:of\s+)?{_MON},?\s*(?P<y>{_WY})(?![0-9])"),
    re.compile(rf"(?<![A-Za-z]){_MON}\s*{_EN_DAY},?\s*(?P<y>{_WY})(?![0-9])"),
    re.compile(rf"(?<![A-Za-z0-9]){_MON},?\s*(?P<y>{_WY})(?![0-9])"),
)
MONTH_WORD_RE = re.compile(_MON)  # texts without one skip the English rules
FISCAL_WORD_RE = re.compile(r"[Ff]iscal|FY")
ENGLISH_FY_RE = re.compile(
    rf"(?:[Ff]iscal\s+[Yy]ears?\s+(?:of\s+)?|FY\s?)(?P<y>{_WY})(?P<more>(?:\s*[,/-]\s*(?:and\s+)?{_WY}|\s+and\s+{_WY})*)(?![0-9])"
)
RELATIVE_RE = re.compile(
    rf"(?<![一-龥])(?P<rel>一昨年|昨年|前年|今年|本年|来年|明年|次年)"
    rf"(?:(?P<fy>度)|の?(?P<m>{_MN})月(?:(?P<d>{_DN})日)?|(?P<late>末|暮れ))?"
)  # 来年の2月号: one mention
# 前年度比, 前年同期比, 昨年度対比: a figure compared with a year, not a mention of it.
COMPARISON_AFTER_RE = re.compile(r"(?:同期|同月)?対?比")
# News style day: 「警視庁は11日、」「（11日）」.
DAY_RE = re.compile(r"(?<=[はがの、,(])(?P<d>[0-9]{1,2})日(?=[、,にはから付)])")
# The end of a range that repeats only the day: 4月1日(火)〜6日(日), 4月1日から6日まで.
RANGE_DAY_RE = re.compile(rf"(?=[0-9{_K}])(?:(?<=[〜~～])|(?<=から))(?P<d>{_DN})日")
# A weekday printed after a date: 7月14日(月). It tells the year of a date printed without one.
WEEKDAYS = "月火水木金土日"
WEEKDAY_AFTER_RE = re.compile(r"[(（](?P<wd>[月火水木金土日])(?:曜日?)?[)）]")
# A number of months or days, not a date: 3月以上, 3月に1回, 1日から3日程度.
DURATION_AFTER_RE = re.compile(
    rf"以上|以内|以下|未満|を?超え|超|ごと|毎|当たり|あたり|を限度|程度|ほど|間|期"
    rf"|に[0-9{_K}]+回|(?:から|〜)[0-9{_K}]+[月日](?:程度|間|以内|ほど)"
)

# Spans that are never dates, whatever a date pattern finds in them.
_BLANK = "[○◯〇●×✕□_]"
NOT_DATE_RES = (
    # Placeholders of forms: 令和 年 月 日, ○年○月○日, 2017年○月○日, 令和7年 月 日.
    re.compile(
        rf"(?:(?:{ERA}|[MTSHR])?(?:[0-9]{{1,4}}|{_BLANK}*)年(?:{_BLANK}*月{_BLANK}*日|{_BLANK}+月)"
        rf"|{_BLANK}+年{_BLANK}*月|{_BLANK}+月{_BLANK}+日)"
    ),
    # Telephone and fax numbers: 03-5253-1111, 0120(123)456.
    re.compile(r"(?<![0-9])0[0-9]{1,4}[-(][0-9]{1,4}[-)][0-9]{3,4}(?![0-9])"),
    # Serial, form and item numbers: No.2025-1, 様式第1号, 第2025-10号, 番号2021.4.1.
    re.compile(r"(?:No|NO|№|番号)\.?[0-9][0-9./-]*|様式第?[0-9-]+号?|第[0-9]+[-./][0-9./-]+号"),
)

# What makes a mention look ahead: it opens a period (OPENS) or names a plan's date (PLANNED).
OPENS_RE = re.compile(r"(?:以降|以後|から|より)(?![前後])")
PLANNED_RE = re.compile(r"[(（]?(?:を?目[途処]|頃|ごろ|まで)")
# 予定, 改正予定, に閣議決定を予定: ahead whatever the verb.
SCHEDULED_RE = re.compile(r"[(（]?(?:に[一-龥]{1,6}を)?[一-龥]{0,4}予定")
# The past tense closing a clause: …した。 …された、 …だった。 …行った
PAST_RE = re.compile(r"[しっれいきんだ]た(?=[。、」)\n]|$|が|の|と|こと|もの|ため|ところ|後)")
# What a sentence about a coming change says: 予定, 言われています, 導入し, 削減, 開始される.
FUTURE_RE = re.compile(
    r"予定|見込|見通|言われ|目指|目[途処]|方向|方針|計画|ことと|ように|向け|開始|導入|実施|施行"
    r"|適用|移行|削減|減額|増額|延長|拡大|引き?上げ|引き?下げ|改正|変更|始ま|[さら]れる|記載"
)
# An era year directly followed by an issuer and 第N号 is a law number, not a date; so is one
# followed by a kind of law and 第N whatever OCR made of 号 (昭和22年法律第67与).
_LAW_N = "[0-9〇一二三四五六七八九十百千]+"
LAW_NUMBER_AFTER_RE = re.compile(
    rf"[一-龥]{{0,12}}?第{_LAW_N}号|[一-龥]{{0,8}}?(?:法律|政令|勅令|省令|府令|規則|条例|告示|訓令)第{_LAW_N}"
)
# Between the two ends of a range: 4月下旬〜3月下旬, 11月から2月まで.
RANGE_BETWEEN_RE = re.compile(r"(?:上旬|中旬|下旬|初旬|末|頃)?(?:〜|~|から)")
PLAN_HORIZON = 15  # years ahead of its date a document's tables may run (a plan's 平成38年度)
# What makes a fiscal year the topic its sentence's months belong to: 令和3年度は、8月及び11月に….
FY_TOPIC_RE = re.compile(r"は|中[はに]|において|には")
# A sentence about any year (当該年度, 各年度): its 前年度 and 翌年度 are relative to that year.
GENERIC_YEAR_RE = re.compile(r"当該年度|各年度|該当年度")
TOPIC_MENTIONS = 3  # mentions of one fiscal year that make it the topic of an undated text
IMPLAUSIBLE_GAP = 30  # years between the document date and the latest year in its text
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
    year: int | None  # calendar year, or fiscal year when fy
    month: int | None
    day: int | None
    fy: bool = False
    relative: bool = False
    partial: bool = False  # year to be inferred
    short_year: int | None = None  # year without era or century, to be inferred
    era: str | None = None  # the era it was written in
    order: int = 0  # the priority of the rule that found it, for ties
    until: bool = False  # followed by まで
    ahead: bool = False  # a deadline, plan or period start (see _look_ahead)
    scheduled: bool = False  # 予定: a time after the document's
    topic: bool = False  # a fiscal year its sentence is about (令和3年度は)
    fiscal: int | None = None  # the fiscal year a partial date was read in
    opens: tuple[int, int, int] | None = None  # start of the period it opens (2017年以降)
    same: str | None = None  # 同年… ("year") or 同月… ("month"): of the mention before
    weekday: int | None = None  # the weekday printed with it (月 → 0): 7月14日(月)
    tail: int = 0  # length of that weekday after the mention, skipped when reading what follows


def _num(text: str | None) -> int | None:
    if text is None:
        return None
    return year_number(text)


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


@dataclass(frozen=True)
class _Scan:
    """What the rules read: the compact text, the document date, the budget's fiscal year."""

    c: str
    doc: tuple[int, int | None, int | None] | None
    base_fy: int | None
    line_starts: frozenset[int] = frozenset()  # offsets in c that begin a line of the text

    def starts_cell(self, i: int) -> bool:
        """Does c[i] begin a table cell (a line, or after a tab or a space)?"""
        return i == 0 or i in self.line_starts or self.c[i - 1] in "\t\n "


@dataclass(frozen=True)
class Rule:
    """One way of writing a date: its pattern, its priority when two rules find the same span
    (lower wins), and how a match becomes candidates (none when the match is not a date)."""

    name: str
    pattern: re.Pattern
    order: int
    read: Callable[[re.Match, _Scan], Iterable[_Cand]]
    needs: re.Pattern | None = None  # a quick test the text must pass for the rule to run


def _read_era(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """平成28年9月16日, 令和元年, 平成29年度, 平成29・30年度 (one candidate per year)."""
    era, c = mt["era"], scan.c
    years = [mt["y"]] + (re.split(r"[・,、]", mt["more"])[1:] if mt["more"] else [])
    nums = [_num(y) for y in years]
    if any(n is None or not plausible(era, n) for n in nums):
        return
    month, day = (12, None) if mt["late"] else (_num(mt["m"]), _num(mt["d"]))
    if not mt["fy"] and month is None and LAW_NUMBER_AFTER_RE.match(c, mt.end()):
        return  # 昭和22年法律第67号
    if not mt["fy"] and month is None and c.startswith("代", mt.end()):
        return  # 昭和60年代: a decade
    if not _valid(to_western(era, nums[0]), month, day):
        return
    fy = bool(mt["fy"])
    if len(nums) == 1:
        yield _Cand(mt.start(), mt.end(), to_western(era, nums[0]), month, day, fy, era=era)
        return
    # 平成29・30年度: the first item ends at its number, the last one carries the tail.
    pos = mt.start("y")
    for i, (raw, n) in enumerate(zip(years, nums)):
        s = mt.start() if i == 0 else c.index(raw, pos)
        e = (c.index(raw, pos) + len(raw)) if i < len(years) - 1 else mt.end()
        pos = e
        yield _Cand(s, e, to_western(era, n), month, day, fy, era=era)


def _read_era_abbreviated(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """R8.4.1, 令8.4.1, 令和8.4.1, R7年度, H28年4月."""
    era = (
        ERA_LETTERS[mt["letter"]] if mt["letter"]
        else ERA_INITIALS[mt["initial"]] if mt["initial"] else mt["era"]
    )  # fmt: skip
    n = _num(mt["y"])
    if mt["sep"]:
        m, d = int(mt["m"]), int(mt["d"])
    elif mt["era"]:
        return  # 令和8年…: the full era rule's
    else:
        m, d = _num(mt["m2"]), _num(mt["d2"])
    if n is None or not plausible(era, n) or not _valid(to_western(era, n), m, d):
        return
    yield _Cand(mt.start(), mt.end(), to_western(era, n), m, d, bool(mt["fy"]), era=era)


def _read_era_abbreviated_months(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """H28.4～H29.3: the two ends, as months."""
    ends = []
    for name in ("a", "b"):
        p = _ABBR_YM_PARTS.fullmatch(mt[name])
        era = ERA_LETTERS.get(p["era"]) or ERA_INITIALS[p["era"]]
        n, m = _num(p["y"]), int(p["m"])
        if n is None or not plausible(era, n) or not _valid(to_western(era, n), m, None):
            return
        ends.append(_Cand(mt.start(name), mt.end(name), to_western(era, n), m, None, era=era))
    yield from ends


def _read_western(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """2017年2月4日, 二〇一七年, 2017年度, 2016年末."""
    y, m, d = _num(mt["y"]), _num(mt["m"]), _num(mt["d"])
    if m is None and not mt["fy"] and scan.c.startswith("代", mt.end()):
        return  # 1980年代: a decade
    if mt["late"]:
        m = 12  # 2016年末
    if y and 1868 <= y <= 2199 and _valid(y, m, d):
        yield _Cand(mt.start(), mt.end(), y, m, d, bool(mt["fy"]))


def _read_numeric(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """2017.2.4, 2017/2/4, 2017-02-04."""
    y, m, d = int(mt["y"]), int(mt["m"]), int(mt["d"])
    if _valid(y, m, d):
        yield _Cand(mt.start(), mt.end(), y, m, d)


def _read_short_year(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """14年10月, 28年度, 2年度: the era or century is inferred later (see _short_year)."""
    if mt["y"]:
        yy, fy, m, d = int(mt["y"]), mt["fy"], _num(mt["m"]), _num(mt["d"])
    else:
        yy, fy, m, d = int(mt["y1"]), mt["fy1"], _num(mt["m1"]), _num(mt["d1"])
    if yy and _valid(None, m, d):
        yield _Cand(mt.start(), mt.end(), None, m, d, bool(fy), short_year=yy)


def _read_relative(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """昨年12月27日, 本年12月, 今年度, 来年度: against the document date (or a budget's year)."""
    if scan.doc is None:
        return  # nothing to resolve against
    if mt["rel"] == "前年" and not mt["fy"]:
        return  # 前年 is relative to whatever year was just mentioned
    if COMPARISON_AFTER_RE.match(scan.c, mt.end()):
        return  # 前年度比約2億円減: a comparison with the year before, not a time
    if mt["fy"] and GENERIC_YEAR_RE.search(_sentence_of(scan.c, mt.start(), mt.end())):
        return  # 前年度末及び当該年度末における現在高: relative to each year of a table, not to the document
    offset = _REL_OFFSET[mt["rel"]]
    m, d = (12, None) if mt["late"] else (_num(mt["m"]), _num(mt["d"]))
    if mt["fy"]:
        year = (scan.base_fy or _doc_fiscal_year(scan.doc)) + offset
    else:
        year = scan.doc[0] + offset
    if _valid(year, m, d):
        yield _Cand(mt.start(), mt.end(), year, m, d, bool(mt["fy"]), relative=True)


def _read_month_day(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """9月15日, 1月, 11月2日・14日 (one per day); not a number of months (3月以上, 3月に1回)."""
    c = scan.c
    if mt["km"]:
        m, d = _num(mt["km"]), _num(mt["kd"])
        extra: list[str] = []
    else:
        m, d = _num(mt["m"]), _num(mt["d"])
        if d is None and DURATION_AFTER_RE.match(c, mt.end()):
            return  # 3月以上, 3月間, 4月期, 3月に1回
        extra = re.findall(rf"{_DN}", mt["more"] or "")
    if not _valid(None, m, d):
        return
    if not extra:
        yield _Cand(mt.start(), mt.end(), None, m, d, partial=True)
        return
    # 11月2日・14日: the first item ends at its 日, the others inherit the month.
    first_end = mt.end("d") + 1
    yield _Cand(mt.start(), first_end, None, m, d, partial=True)
    pos = first_end
    for raw in extra:
        s = c.index(raw, pos)
        pos = s + len(raw) + 1
        if _valid(None, m, _num(raw)):
            yield _Cand(s, pos, None, m, _num(raw), partial=True)


def _read_news_day(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """A news-style day: 「警視庁は11日、」; not a number of days (1日から3日程度)."""
    if not DURATION_AFTER_RE.match(scan.c, mt.end()):
        yield _Cand(mt.start(), mt.end(), None, None, int(mt["d"]), partial=True)


def _read_paired(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """令和7(2025)年4月1日, 2025(令和7)年度, 令和7年(2025年)4月1日: one mention, the western
    year as printed."""
    g = mt.groupdict()
    year = int(mt["wy"])
    month, day = (12, None) if g.get("late") else (_num(g.get("m")), _num(g.get("d")))
    if _valid(year, month, day):
        yield _Cand(mt.start(), mt.end(), year, month, day, bool(g.get("fy")), era=mt["era"])


def _read_month_range(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """令和7年4〜6月: the first month (ending at its number or 月) and the last."""
    era = mt["era"]
    year = to_western(era, _num(mt["y"])) if era else int(mt["wy"])
    m1, m2 = _num(mt["m1"]), _num(mt["m2"])
    if era and not plausible(era, _num(mt["y"]) or 0):
        return
    if not (_valid(year, m1, None) and _valid(year, m2, None)):
        return
    first_end = mt.end("m1") + (1 if scan.c.startswith("月", mt.end("m1")) else 0)
    yield _Cand(mt.start(), first_end, year, m1, None, era=era)
    yield _Cand(mt.start("m2"), mt.end(), year + (1 if m2 < m1 else 0), m2, None, era=era)


def _read_same(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """同年4月1日, 同月15日: resolved against the mention before (see extract)."""
    if mt["md"]:
        d = _num(mt["md"])
        if _valid(None, 1, d):
            yield _Cand(mt.start(), mt.end(), None, None, d, partial=True, same="month")
        return
    m, d = _num(mt["m"]), _num(mt["d"])
    if _valid(None, m, d):
        yield _Cand(mt.start(), mt.end(), None, m, d, partial=True, same="year")


def _read_era_slip(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """令和年6度 → FY2024, 令和7月4月 → 2025-04."""
    era = mt["era"]
    n = _num(mt["fy_y"] or mt["y"])
    if n is None or not plausible(era, n):
        return
    month, day = _num(mt["m"]), _num(mt["d"])
    if _valid(to_western(era, n), month, day):
        yield _Cand(mt.start(), mt.end(), to_western(era, n), month, day, bool(mt["fy_y"]), era=era)


def _days_between(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Days from month/day a forward to month/day b (across a new year if need be)."""
    year = 2001  # not a leap year; a row of days reads the same in any year
    if not (_valid(year, *a) and _valid(year, *b)):
        return -1
    return (datetime.date(year, *b) - datetime.date(year, *a)).days % 365


def _read_slash_month_day(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """12/8(水), 11/29〜12/5, a row 12/5\t12/6\t12/7 (see SLASH_MD_RE)."""
    c, start, end = scan.c, mt.start(), mt.end()
    m, d = int(mt["m"]), int(mt["d"])
    if not _valid(None, m, d):
        return
    ranged = _MD_RANGE_NEXT.match(c, end) or _MD_RANGE_PREV.search(c, max(0, start - 12), start)
    in_row = False
    if scan.starts_cell(start):  # a row of successive days: its neighbour cell a day or a week off
        nxt = _MD_NEXT_CELL.match(c, end)
        prev = _MD_PREV_CELL.search(c, max(0, start - 8), start)
        in_row = bool(nxt and 0 < _days_between((m, d), (int(nxt["m"]), int(nxt["d"]))) <= ROW_STEP)
        in_row = in_row or bool(
            prev and scan.starts_cell(prev.start())
            and 0 < _days_between((int(prev["m"]), int(prev["d"])), (m, d)) <= ROW_STEP
        )  # fmt: skip
    if mt["wd"] or ranged or in_row:
        weekday = WEEKDAYS.index(mt["wd"][1]) if mt["wd"] else None
        yield _Cand(start, end, None, m, d, partial=True, weekday=weekday)


def _read_english(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """3 September 2025, September 3, 2025, Sep. 2025."""
    word = re.sub(r"[‐‑.-]", "", mt["mon"])
    month = (
        _MONTH_NAMES.index(word.capitalize()) + 1 if word.capitalize() in _MONTH_NAMES
        else _MONTH_ABBR.get(word.capitalize())
    )  # fmt: skip
    year, day = int(mt["y"]), mt.groupdict().get("d")
    day = int(day) if day else None
    if month and _valid(year, month, day):
        yield _Cand(mt.start(), mt.end(), year, month, day)


def _read_english_fiscal(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """the fiscal years 2025, 2026, and 2027 (one per year), FY2025."""
    yield _Cand(mt.start(), mt.end("y"), int(mt["y"]), None, None, fy=True)
    for extra in re.finditer(_WY, mt["more"] or ""):
        s = mt.start("more") + extra.start()
        yield _Cand(s, s + 4, int(extra.group()), None, None, fy=True)


def _read_range_day(mt: re.Match, scan: _Scan) -> Iterator[_Cand]:
    """〜6日 after a date: a day of the same month (not 1日〜3日程度, a number of days)."""
    d = _num(mt["d"])
    if d and _valid(None, 1, d) and not DURATION_AFTER_RE.match(scan.c, mt.end()):
        yield _Cand(mt.start(), mt.end(), None, None, d, partial=True)


RULES = (
    Rule("era", ERA_RE, 0, _read_era),
    *(Rule("paired", pattern, 0, _read_paired) for pattern in PAIRED_RES),
    Rule("month_range", MONTH_RANGE_RE, 0, _read_month_range),
    Rule("era_slip", ERA_SLIP_RE, 0, _read_era_slip),
    Rule("era_abbreviated", ERA_ABBR_RE, 1, _read_era_abbreviated),
    Rule("era_abbreviated_months", ERA_ABBR_MONTHS_RE, 1, _read_era_abbreviated_months),
    Rule("western", WEST_RE, 1, _read_western),
    *(Rule("english", pattern, 1, _read_english, MONTH_WORD_RE) for pattern in ENGLISH_RES),
    Rule("english_fiscal", ENGLISH_FY_RE, 1, _read_english_fiscal, FISCAL_WORD_RE),
    Rule("numeric", NUMERIC_RE, 2, _read_numeric),
    Rule("short_year", SHORT_RE, 3, _read_short_year),
    Rule("relative", RELATIVE_RE, 4, _read_relative),
    Rule("month_day", MONTH_DAY_RE, 5, _read_month_day),
    Rule("same", SAME_RE, 5, _read_same),
    Rule("slash_month_day", SLASH_MD_RE, 5, _read_slash_month_day),
    Rule("news_day", DAY_RE, 6, _read_news_day),
    Rule("range_day", RANGE_DAY_RE, 6, _read_range_day),
)


def _candidates(c: str, doc, base_fy: int | None, line_starts=frozenset()) -> list[_Cand]:
    """Every reading of every rule, outside the spans that are never dates (NOT_DATE_RES)."""
    scan = _Scan(c, doc, base_fy, line_starts)
    blocked = Occupied()
    for pattern in NOT_DATE_RES:
        for mt in pattern.finditer(c):
            blocked.add_if_free(mt.start(), mt.end())
    out: list[_Cand] = []
    for rule in RULES:
        if rule.needs is not None and not rule.needs.search(c):
            continue
        for mt in rule.pattern.finditer(c):
            for cand in rule.read(mt, scan):
                if blocked.overlaps(cand.start, cand.end):
                    continue
                cand.order = rule.order
                if (wd := WEEKDAY_AFTER_RE.match(c, cand.end)) and cand.day is not None:
                    cand.weekday, cand.tail = WEEKDAYS.index(wd["wd"]), len(wd.group())
                cand.until = c.startswith("まで", cand.end + cand.tail)
                cand.topic = cand.fy and bool(FY_TOPIC_RE.match(c, cand.end))
                out.append(cand)
    return out


def _resolve_overlaps(cands: list[_Cand]) -> list[_Cand]:
    cands.sort(key=lambda x: (-(x.end - x.start), x.order, x.start))
    occupied = Occupied()
    taken = [x for x in cands if occupied.add_if_free(x.start, x.end)]
    taken.sort(key=lambda x: x.start)
    return taken


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind("。", 0, pos), text.rfind("\n", 0, pos)) + 1


def _sentence_of(text: str, start: int, end: int, reach: int = 80) -> str:
    """The sentence around text[start:end], at most `reach` characters each side."""
    a = max(_sentence_start(text, start), start - reach)
    return text[a : _sentence_end(text, end, reach)]


def _sentence_end(text: str, pos: int, reach: int = 300) -> int:
    limit = min(len(text), pos + reach)
    ends = [i for i in (text.find("。", pos, limit), text.find("\n", pos, limit)) if i >= 0]
    return min(ends) if ends else limit


def _look_ahead(text: str, c: str, cand: _Cand, orig_end: int) -> None:
    """Set cand.ahead (a deadline, plan or period start: not the document's own time) and
    cand.opens (the start of a period the text looks forward to: 2017年以降 → (2017, 1, 1))."""
    after = c[cand.end + cand.tail : cand.end + cand.tail + 8]
    opens = OPENS_RE.match(after)
    if SCHEDULED_RE.match(after):
        cand.ahead = cand.scheduled = True
        return
    if not (opens or PLANNED_RE.match(after) or cand.until):
        return
    sentence_end = _sentence_end(text, orig_end)
    if PAST_RE.search(text, orig_end, sentence_end):
        return  # 平成28年10月から開催した: a period that has begun
    cand.ahead = True
    if not FUTURE_RE.search(text, orig_end, sentence_end):
        return  # 平成28年1月からの交付事務につきまして、感謝申し上げます: under way
    if opens and cand.year is not None and not cand.relative and not cand.partial:
        if cand.fy:
            cand.opens = (cand.year, 4, 1)
        else:
            cand.opens = (cand.year, cand.month or 1, cand.day or 1)


def anchor_date(text: str) -> str | None:
    """The date a text without a known document date is read from: its latest full date
    (year, month and day printed) that is not a deadline, plan or period start (平成28年12月13日
    in a table of past meetings, not 平成29年7月1日から). YYYY-MM-DD, or None."""
    found = _anchor(_scan(text, compact(text), None, None))
    return f"{found[0]:04d}-{found[1]:02d}-{found[2]:02d}" if found else None


def _anchor(cands: list[_Cand]) -> tuple[int, int, int] | None:
    full = [
        (x.year, x.month, x.day)
        for x in cands
        if x.year and x.month and x.day and not (x.fy or x.relative or x.partial or x.ahead)
    ]
    return max(full) if full else None


def _scan(text: str, view, doc, base_fy: int | None) -> list[_Cand]:
    cands = _resolve_overlaps(_candidates(view.text, doc, base_fy, view.line_starts(text)))
    for cand in cands:
        _look_ahead(text, view.text, cand, view.span(cand.start, cand.end)[1])
    return cands


def _topic_year(cands: list[_Cand]) -> tuple[int, None, None] | None:
    """The year of a text that prints no full date but keeps naming one fiscal year (a policy
    speech on 令和8年度, a plan): it is written in the calendar year that fiscal year starts in
    (a 施政方針 given in February 2026 on 令和8年度), so its 2月8日, 4月中旬 and 本年5月 are that
    year's. The fiscal year named most often (at least TOPIC_MENTIONS times; the later on a tie)."""
    counts: dict[int, int] = {}
    for x in cands:
        if x.fy and x.year and not x.relative:
            counts[x.year] = counts.get(x.year, 0) + 1
    if not counts:
        return None
    year = max(counts, key=lambda y: (counts[y], y))
    return (year, None, None) if counts[year] >= TOPIC_MENTIONS else None


def _implausible(doc, cands: list[_Cand]) -> bool:
    """A document date decades after every year its text names is a misread, not a date."""
    years = [x.year for x in cands if x.year and not (x.relative or x.partial)]
    return bool(years) and doc[0] > max(years) + IMPLAUSIBLE_GAP


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    doc = _parse_doc_date(ctx.issued_on)
    base_fy = _title_fiscal_year(ctx.title)
    cands = _scan(text, view, doc, base_fy)
    if doc is not None and _implausible(doc, cands):
        doc = None  # an OCR-garbled header date (平成88年 for 平成28年)
        cands = _scan(text, view, None, base_fy)
    bound = None  # the earliest period start the text looks forward to
    if doc is None:
        doc = _anchor(cands) or _topic_year(cands)
        if doc is not None:  # relative dates can now be resolved
            cands = _scan(text, view, doc, base_fy)
        else:
            bound = min((x.opens for x in cands if x.opens), default=None)

    entities: list[Entity] = []
    dated: list[tuple[int, _Cand]] = []  # (original start, candidate) with a year
    era = None  # the era of the latest full-year mention (None: a western year)
    for cand in cands:
        start, end = view.span(cand.start, cand.end)
        if cand.short_year is not None:
            cand.year = _short_year(cand.short_year, doc, era)
            if cand.year is None:
                continue  # 2年度 with no era to count it in
        elif cand.same:
            if not _same_as_before(cand, dated):
                continue  # 同年4月 with no year mentioned before
        elif cand.partial:
            if not _infer_year(text, view.text, start, cand, dated, doc, bound, base_fy):
                if cand.month is None:
                    continue  # a bare day with nothing to anchor it
            _match_weekday(cand)
        elif not cand.relative:
            era = cand.era
        if cand.year is not None:
            dated.append((start, cand))
        value, attrs = _attrs(cand)
        attrs["relative"] = cand.relative
        entities.append(Entity("date", text[start:end], value, start, end, attrs=attrs))

    entities.extend(_dittos(text, entities))
    entities.extend(_day_columns(text, entities))
    entities.sort(key=lambda e: e.start)
    return entities


def _short_year(yy: int, doc, era: str | None) -> int | None:
    """A year printed without its era or century. After a mention in an era, that era's (a
    table's 2年度 after 令和元年度 is 令和2年度), unless that would put it after the document
    date. Else two digits: 14年 in a 2017 text is 2014, 28年 in a 2016 text is 平成28年 (2016);
    one digit: the era of the document date (None without one). A table may run up to
    PLAN_HORIZON years past the document date (a plan's 30年度…38年度)."""
    if era is not None and plausible(era, yy) and (doc is None or ERAS[era] + yy <= doc[0] + PLAN_HORIZON):
        return ERAS[era] + yy
    if yy < 10:
        if doc is None:
            return None
        doc_era, doc_year = to_era(datetime.date(doc[0], doc[1] or 1, doc[2] or 1))
        return ERAS[doc_era] + yy if yy <= doc_year + 1 else None
    if doc is None:
        return 2000 + yy if yy <= 50 else 1900 + yy
    if 2000 + yy <= doc[0] + 1:
        return 2000 + yy
    for era in ("令和", "平成", "昭和"):
        year = ERAS[era] + yy
        if yy <= ERA_LAST_YEAR[era] and year <= doc[0] + 2:
            return year
    return 1900 + yy


def _infer_year(text: str, c: str, start: int, cand: _Cand, dated, doc, bound, base_fy) -> bool:
    """Fill cand.year (and cand.month for a bare day) by the rules of the module docstring;
    False if nothing could anchor it."""
    sentence = _sentence_start(text, start)
    for pos, prev in reversed(dated):  # 1. the same sentence
        if pos < sentence:
            break
        if (found := _borrow(cand, prev)) is not None:
            ranged = RANGE_BETWEEN_RE.fullmatch(c, prev.end, cand.start)
            if ranged and cand.year is not None and _before(cand, prev):
                cand.year += 1  # 4月下旬〜3月下旬: a range runs forward
            return found
    if base_fy is not None and cand.month is not None:  # 2. the fiscal year of the title
        cand.year = base_fy + (1 if cand.month < 4 else 0)
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    if doc is not None:  # 3. the document date
        if cand.month is None:
            return _nearest_day(cand, doc)
        end_y, end_m, end_d = _doc_end(doc)
        key = (cand.month, cand.day or 1)
        if cand.until or cand.scheduled:  # a deadline, a plan: on or after the document date
            start_y, start_m, start_d = doc[0], doc[1] or 1, doc[2] or 1
            cand.year = start_y if key >= (start_m, start_d) else start_y + 1
        else:
            cand.year = end_y if key <= (end_m, end_d) else end_y - 1
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    if bound is not None and cand.month is not None:  # 4. before the period looked forward to
        cand.year = bound[0] if (cand.month, cand.day or 1) < bound[1:] else bound[0] - 1
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    for pos, prev in reversed(dated):  # 5. the nearest preceding mention not looking ahead
        if not (prev.ahead or prev.fy) and (found := _borrow(cand, prev)) is not None:
            return found
    return False


def _match_weekday(cand: _Cand) -> None:
    """A date printed without its year but with its weekday (7月14日(月)) is in the year next to
    the inferred one whose calendar has that weekday, when the inferred year's does not."""
    if cand.weekday is None or cand.year is None or cand.month is None or cand.day is None:
        return
    for year in (cand.year, cand.year + 1, cand.year - 1):
        if _valid(year, cand.month, cand.day):
            if datetime.date(year, cand.month, cand.day).weekday() == cand.weekday:
                cand.year = year
                return


def _same_as_before(cand: _Cand, dated) -> bool:
    """同年4月1日 takes the year of the latest dated mention before it; 同月15日 its year and
    month (a fiscal year has no month to lend: skipped)."""
    for _, prev in reversed(dated):
        if prev.relative and prev.fy:
            continue
        if cand.same == "month":
            if prev.fy or prev.month is None:
                return False
            cand.month = prev.month
        cand.year = prev.year
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    return False


def _before(cand: _Cand, prev: _Cand) -> bool:
    return (cand.year, cand.month, cand.day or 1) < (prev.year, prev.month or 1, prev.day or 1)


def _borrow(cand: _Cand, prev: _Cand) -> bool | None:
    """Take the year (and, for a bare day, the month) of an earlier dated mention; None when it
    has no month to lend, so the caller looks further back."""
    if prev.fy:  # 令和3年度3月 / 令和3年度は、8月及び2月に: the months of that fiscal year
        if cand.month is None or (cand.start - prev.end > 1 and not prev.topic):
            return None
        cand.fiscal = prev.year
    elif prev.fiscal is not None and cand.month is not None:  # …11月に発送し、2月にも
        cand.fiscal = prev.fiscal
    if cand.fiscal is not None:
        cand.year = cand.fiscal + (1 if cand.month < 4 else 0)
        return _valid(cand.year, cand.month, cand.day) or _unset(cand)
    if cand.month is None:
        if prev.month is None:
            return None
        cand.month = prev.month
    cand.year = prev.year
    return _valid(cand.year, cand.month, cand.day) or _unset(cand)


def _nearest_day(cand: _Cand, doc) -> bool:
    """A bare day in the document's month or the month before, whichever is closer in time to
    the document date (an earlier reading wins a tie)."""
    first = datetime.date(doc[0], doc[1] or 1, doc[2] or 1)
    last = datetime.date(*_doc_end(doc))
    y, m = last.year, last.month
    best = None
    for yy, mm in ((y, m), (y, m - 1) if m > 1 else (y - 1, 12)):
        if not _valid(yy, mm, cand.day):
            continue
        day = datetime.date(yy, mm, cand.day)
        gap = (first - day).days if day < first else max(0, (day - last).days)
        if best is None or (gap, day) < best:
            best = (gap, day)
    if best is None:
        return False
    cand.year, cand.month = best[1].year, best[1].month
    return True


def _unset(cand: _Cand) -> bool:
    cand.year = None  # 2月29日 in a non-leap year: keep it partial
    return cand.month is not None


# 〃, or an OCR reading of it alone at the start of a cell (「第3回\tヶ (コンビニ交付関係)」).
_DITTO_RE = re.compile(r"〃|(?<=\t)[ヶ々″\"](?=[ (（\t]|$)", re.M)


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
            out.append(
                Entity("date", m.group(), src.value, m.start(), m.end(), attrs=dict(src.attrs))
            )
    return out


# A column of days (convention C1 of the real gold): a header cell that names a day (利用日, 実施日,
# 日付, 日) under a month heading (令和6年4月分) makes each bare number of that column a day of that
# month. Cells naming something else that ends in 日 are not such headers.
_DAY_HEADER_RE = re.compile(r"[一-龥]{0,4}日|日付|月日")
_NOT_DAY_HEADERS = {"曜日", "休日", "祝日", "平日", "土日", "毎日", "当日", "翌日", "前日", "全日", "終日"}
_DAY_CELL_RE = re.compile(r"\s*(?P<d>3[01]|[12][0-9]|0?[1-9])\s*")
_MONTH_HEADING_LINES = 3  # how far above the header row the month heading may be


def _day_columns(text: str, entities: list[Entity]) -> list[Entity]:
    """The days of a 利用日 column under 令和6年4月分: 「利用日\t利用時間…」 then rows 「1\t9:00…」."""
    months = [e for e in entities if e.attrs.get("precision") == "month" and e.attrs.get("start")]
    if not months:
        return []
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    out: list[Entity] = []
    column, month = None, None
    for i, (start, line) in enumerate(lines):
        cells = line.split("\t")
        if column is not None:
            if len(cells) < 2:
                column = None  # the table ended
                continue
            if column < len(cells) and (m := _DAY_CELL_RE.fullmatch(cells[column])):
                cell_start = start + sum(len(c) + 1 for c in cells[:column])
                y, mo = month
                d = int(m["d"])
                if _valid(y, mo, d):
                    s, e = cell_start + m.start("d"), cell_start + m.end("d")
                    iso = f"{y:04d}-{mo:02d}-{d:02d}"
                    attrs = {"start": iso, "end": iso, "precision": "day", "relative": False}
                    out.append(Entity("date", text[s:e], iso, s, e, attrs=attrs))
            continue
        if len(cells) < 2:
            continue
        header = next(
            (k for k, c in enumerate(cells)
             if _DAY_HEADER_RE.fullmatch(c.strip()) and c.strip() not in _NOT_DAY_HEADERS),
            None,
        )  # fmt: skip
        if header is None:
            continue
        above = lines[max(0, i - _MONTH_HEADING_LINES)][0]
        heading = [e for e in months if above <= e.start < start]
        if heading:
            y, mo = (int(x) for x in heading[-1].value.split("-"))
            column, month = header, (y, mo)
    return out
