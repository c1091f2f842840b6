"""The header block of a document's first page, line by line: what each line is (`LineKind`:
a document number, a date, an addressee, 事務連絡, 議案第7号, a page number …), read from the
conventions Japanese administrative papers follow (see metadata.py for how a document's title,
kind, issuer and date are then read from them, and segment.py for where documents start).

Lines are compacted first (`pipeline.ja.spacing.compact_line`): OCR and text layers space letters
apart, and the rules accept raw lines as well as normalized text.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import Enum

from pipeline.ja.eras import (
    DAY, ERA, ERA_LAST_YEAR, ERA_YEAR, KANJI_NUMBER, MONTH, to_western, year_number,
)
from pipeline.ja.labels import MATERIAL_LABEL
from pipeline.ja.spacing import compact_line, no_spaces

HEADER_MAX_LINES = 16  # the header block is never longer than this
DATE = re.compile(
    rf"(?:(?P<era>{ERA})(?P<era_year>{ERA_YEAR})|(?P<year>(?:19|20)[0-9]{{2}}))"
    rf"年(?P<month>{MONTH})月(?:(?P<day>{DAY})日)?"
    r"|(?P<dyear>(?:19|20)[0-9]{2})[./](?P<dmonth>[0-9]{1,2})[./](?P<dday>[0-9]{1,2})(?![0-9])"
)
# Newspaper date stamps on clippings: 毎 2017. 1/2 (the paper's initial, then the date).
NEWSPAPERS = {
    "毎": "毎日新聞", "朝": "朝日新聞", "読": "読売新聞", "日経": "日本経済新聞",
    "産経": "産経新聞", "東京": "東京新聞", "赤旗": "しんぶん赤旗",
}  # fmt: skip
MASTHEAD = re.compile(
    rf"^(?P<paper>{'|'.join(sorted(NEWSPAPERS, key=len, reverse=True))})"
    r"(?P<year>(?:19|20)[0-9]{2})[./](?P<month>[0-9]{1,2})[./](?P<day>[0-9]{1,2})$"
)
NEWSPAPER_IMPRINT = re.compile(r"新聞定価|朝刊|夕刊|郵便物認可")
# Items a council is given: 議案第7号, 報告第2号 (alone, or with the title after it).
COUNCIL_ITEMS = ("議案", "報告", "諮問", "承認", "同意", "請願", "陳情", "発議", "認定")
BILL = re.compile(rf"^(?P<item>{'|'.join(COUNCIL_ITEMS)})第[0-9]+号[:：]?(?P<rest>.*)$")
# Official document numbers: 総行住第185号, 保発0819第1号. Not 議案第1号 (an agenda item).
DOC_NUMBER = re.compile(
    rf"^(?!{'|'.join(COUNCIL_ITEMS)})(?P<prefix>[一-龥]{{1,6}})[0-9]{{0,4}}第[0-9]+号$"
)
# A 告示's number under its title: ○厚生労働省告示第八十五号.
NOTICE_NUMBER = re.compile(rf"^[○◯]?(?P<issuer>[一-龥]{{2,20}}?)告示第[0-9{KANJI_NUMBER}百千]+号$")
# A notice reproduced in a bundle: (別添1) / its title (its date and number), as a 事務連絡 sends
# corrected excerpts of earlier notices.
ATTACHMENT_LABEL = re.compile(r"^\(?(?:別添|別紙)[0-9]*\)?$")
CITED_NOTICE = re.compile(
    rf"^(?P<title>.+?(?:について|の件))\((?P<date>(?:{ERA})(?:元|[0-9]{{1,2}})年[0-9]{{1,2}}月[0-9]{{1,2}}日)"
    r"付?け?(?P<number>[一-龥]{1,6}[0-9]{0,4}第[0-9]+号)\)$"
)
_CITED_LINES = 4  # lines a reproduced notice's title and citation may take
# A page number alone on a line: 1, - 1 -, (2).
PAGE_NUMBER = re.compile(r"^[-ー‐－―(]*[0-9]{1,3}[-ー‐－―)]*$")
# A press release's label: 報道発表資料, 記者発表資料, プレスリリース.
PRESS_LABEL = re.compile(r"^[【(]?(?:報道発表資料?|記者発表資料?|報道資料|報道機関各位|プレスリリース|PressRelease)[】)]?$")
# What may follow a document's date on its line: 2017年1月17日(火), 令和2年7月10日19時30分時点.
# Not 2016年3月算定時 (a date the text is about).
DATE_TAIL = re.compile(
    r"(\([月火水木金土日]\)|[0-9]{1,2}時([0-9]{1,2}分)?)?(現在|時点|付け?|発行|作成|提出)?$"
)
ADDRESSEE = re.compile(r"(殿|御中|様|各位)\W*$")
SEAL_OMITTED = re.compile(r"^\(?公?印省略")
OFFICE_LETTER = re.compile(r"^(?:写し?)?事務連絡$")  # 写: the stamp on a copy
CONTACT = re.compile(r"^(\(連絡先\)|連絡先|TEL|Tel|電話|〒|住所|E-?mail)")
COLOPHON = re.compile(r"^(発行|編集|発信)[:：]?(?P<name>.+)$")
TITLE_END = re.compile(
    r"(について|に関して|に係る件|の件)(\([^()]{1,20}\))?$"
    r"|(質問書|質問状|要望書|申入書|申入れ|意見書|お知らせ|送付状|送付書|送付票)$"
)
WEEKDAY = re.compile(r"[月火水木金土日]曜日?")  # 令和7年7月14日月曜日(号外…): not a byline's name
# A rule drawn with characters (※※※※※ above and below a cover's title): it separates lines
# even where the text layer or normalization ran them together.
RULE = re.compile(r"([※＊*＝=◆◇■□★☆─━＿_])\1{4,}")
BYLINE_NAME = re.compile(r"^(?P<name>[一-龥ぁ-んァ-ヶー]{2,10})\((?P<role>[^()]{2,30})\)$")


class LineKind(Enum):
    """What a header line is (see `_classify`)."""

    MASTHEAD = "masthead"  # a clipping's date stamp: 毎 2017. 1/2
    IMPRINT = "imprint"  # a newspaper's price and edition: 朝刊
    DOC_NUMBER = "doc_number"  # 総行住第185号
    BILL = "bill"  # 議案第7号, 報告第2号 (maybe with its title)
    NOTICE_NUMBER = "notice_number"  # ○厚生労働省告示第八十五号
    OFFICE_LETTER = "office_letter"  # 事務連絡
    SEAL = "seal"  # (公印省略)
    CONTACT = "contact"  # 連絡先, TEL, 〒
    COLOPHON = "colophon"  # 発行 労働組合
    PAGE_NUMBER = "page_number"  # - 1 -
    BYLINE = "byline"  # 2017.2.4 関口博(国立市議会議員)
    DATE = "date"  # 平成28年9月16日, 令和7年12月5日提出, 2017年2月 資料1
    ADDRESSEE = "addressee"  # 各都道府県知事 殿
    MATERIAL_LABEL = "material_label"  # 資料2, 別紙
    PRESS = "press"  # 報道発表資料, 記者発表, プレスリリース


@dataclass
class Line:
    """A header line: its text, its matching key and its kind (None for any other line)."""

    text: str  # compact form, see pipeline.ja.spacing.compact_line
    key: str  # without any whitespace, for matching: OCR and text layers space letters apart
    kind: LineKind | None = None
    table: bool = False  # a table row (cells separated by tabs)


def parse_date(text: str) -> tuple[str, re.Match] | None:
    """The first valid date in text as YYYY-MM-DD or YYYY-MM, and its match."""
    for m in DATE.finditer(text):
        if m.group("dyear"):
            y, mo, d = int(m.group("dyear")), int(m.group("dmonth")), int(m.group("dday"))
        else:
            if m.group("era"):
                era_year = year_number(m.group("era_year"))
                if era_year > ERA_LAST_YEAR[m.group("era")]:  # OCR: 平成88年 is 平成28年 misread
                    continue
                y = to_western(m.group("era"), era_year)
            else:
                y = int(m.group("year"))
            mo = year_number(m.group("month"))
            d = year_number(m.group("day")) if m.group("day") else None
        try:
            datetime.date(y, mo, d or 1)
        except ValueError:
            continue
        return (f"{y:04d}-{mo:02d}-{d:02d}" if d else f"{y:04d}-{mo:02d}"), m
    return None


def header_lines(text: str, limit: int = HEADER_MAX_LINES) -> list[Line]:
    """The classified lines of the header block: the non-empty lines before the first line of
    running prose (a long line with a full stop), at most `limit`."""
    lines: list[Line] = []
    for raw in RULE.sub("\n", text).split("\n"):
        s = compact_line(raw)
        if not s:
            continue
        if lines and "。" in s and len(s) > 30:
            break
        key = no_spaces(s)
        lines.append(Line(s, key, _classify(key), table="\t" in raw))
        if len(lines) >= limit:
            break
    return lines


def _classify(s: str) -> LineKind | None:
    for kind, pattern in _PATTERN_KINDS:
        if pattern(s):
            return kind
    found = parse_date(s)
    if found and len(s) <= 40:
        m = found[1]
        rest = s[m.end() :]
        if m.start() <= 1 and BYLINE_NAME.match(rest) and not WEEKDAY.match(rest):
            return LineKind.BYLINE
        if (m.start() <= 1 and DATE_TAIL.match(rest)) or MATERIAL_LABEL.fullmatch(rest):
            return LineKind.DATE
    if ADDRESSEE.search(s) and len(s) <= 40:
        return LineKind.ADDRESSEE
    if MATERIAL_LABEL.fullmatch(s):
        return LineKind.MATERIAL_LABEL
    return None


# Kinds a whole line's pattern decides, tried in order before dates and addressees.
_PATTERN_KINDS = [
    (LineKind.MASTHEAD, MASTHEAD.match),
    (LineKind.IMPRINT, NEWSPAPER_IMPRINT.search),
    (LineKind.DOC_NUMBER, DOC_NUMBER.match),
    (LineKind.BILL, BILL.match),
    (LineKind.NOTICE_NUMBER, NOTICE_NUMBER.match),
    (LineKind.OFFICE_LETTER, OFFICE_LETTER.match),
    (LineKind.SEAL, SEAL_OMITTED.match),
    (LineKind.CONTACT, CONTACT.match),
    (LineKind.COLOPHON, COLOPHON.match),
    (LineKind.PAGE_NUMBER, PAGE_NUMBER.match),
    (LineKind.PRESS, PRESS_LABEL.match),
]


def reproduced_notice(lines: list[Line]) -> re.Match | None:
    """The title, date and number of a notice a bundle reproduces under an attachment label:
    (別添2) / 基本診療料の施設基準等…の取扱いについて(令和2年3月5日保医発0305第2号)."""
    if len(lines) < 2 or not ATTACHMENT_LABEL.match(lines[0].key):
        return None
    key = ""
    for line in lines[1:_CITED_LINES + 1]:  # the title may wrap over a few lines
        key += line.key
        found = CITED_NOTICE.match(key)
        if found:
            return found
    return None
