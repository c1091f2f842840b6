"""Document numbers of notices and council items: 総行住第185号, 総税市第65号, 保医発0531第1号,
医政発0819第3号, 議案第7号, 報告第2号, 諮問第1号.

Value: as printed without spaces or line breaks (NFKC digits). The issuer code is the run of
2–5 kanji right before [MMDD]第N号, cut after a line break in the original, 付/通知/及び/並びに/番号 or a
date's 日/月 (「…課長通知保医発0531第1号」, 「8月19日保医発0819第10号」); a longer run is rejected,
unless it numbers a public notice (新潟市契約公告第86号: up to 10) or ends in a council item
(`COUNCIL_ITEMS`: 「…補正予算議案第3号」 in a list of bills is 議案第3号). In a table of council
items the 番号 column's 「第63号」 takes the kind its 区分 column names (`_listed_items`:
議案第63号, 陳情第7号). A gazette notice's own number follows a white circle (○第128号 →
第128号). Full-width and character-spaced digits (保医発０４２８第９号, 議案第1 0号)
read as digits. A municipality's number may lead with the era year (4教学第123号, R4): kept when it
starts the line or follows a space or 「(」.
Not document numbers: law numbers (平成25年法律第27号, 昭和29年総理府令第23号,
厚生労働省告示第85号: their run ends in 法律/令/規則/告示/条例 or follows a year),
forms (第3号様式, 様式第3号), items (第19条第1号, 第1号 alone, 別表第三の一の二三第三号), appendices
(別表第1号), a gazette's or a newsletter's issue (官報第4817号, 広報第五九七号, 会報第12号).
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.ja.spacing import compact
from pipeline.model import Entity

from . import DocumentContext

NUMBER_RE = re.compile(
    r"(?P<prefix>[一-龥々]+)(?P<date>[0-9]{3,4})?第(?P<n>[0-9]+|[〇一二三四五六七八九十百千]+)号(?!様式)"
)
_CUT = re.compile(r".*(?:付け|付|通知|及び|並びに|日|月|番号)")
_LAW_SUFFIX = re.compile(
    r"(?:法律|法|令|規則|規程|告示|訓令|条例|通達|様式|別表|別記|附則|表|条|項|章|節|官報|広報|会報)$"
)
_NOT_ISSUER = re.compile(r"[条項章節款目号様式別表附則回次年月日]")
_KANJI_NUMERALS = re.compile(r"[〇一二三四五六七八九十百千]+")
# The era year before a municipality's issuer code, at a line's start or after a space or 「(」.
_YEAR_BEFORE = re.compile(r"(?:^|(?<=[\s(（]))(?P<y>[0-9０-９]{1,2})$", re.M)
# Items put before a council, numbered per session: 議案第7号, 報告第2号, 諮問第1号. Written right
# after the previous item's title in a list (…補正予算議案第3号), so the word itself is the prefix.
COUNCIL_ITEMS = ("議案", "報告", "諮問", "請願", "陳情", "発議", "認定", "同意", "承認")
_COUNCIL_ITEM_END = re.compile(f"(?:{'|'.join(sorted(COUNCIL_ITEMS, key=len, reverse=True))})$")


# A table of council items (議決結果一覧表): a 区分 column names the kind of item (市長提出議案,
# 委員会提出議案, 陳情) once for a run of rows, a 番号 column holds 「第63号」.
_ITEM_KIND_CELL = re.compile(
    r"\s*(?P<kind>(?:市長|委員会|議員)?提出議案|議案|報告|諮問|請願|陳情|発議|認定|同意|承認)\s*"
)
_NUMBER_CELL = re.compile(r"\s*第\s*(?P<n>[0-9０-９][0-9０-９ ]*)\s*号\s*")


def _listed_items(text: str) -> list[Entity]:
    """Numbers in the 番号 column of a table of council items, qualified by the kind the 区分
    column last named: 「市長提出議案\t…\t第63号」 → 議案第63号 (the mayor's bills are plain 議案),
    「陳情\t第7号」 → 陳情第7号. Rows before any kind is named give nothing."""
    out: list[Entity] = []
    in_table, kind, pos = False, None, 0
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        cells = line.split("\t")
        if len(cells) < 2:
            in_table = in_table and bool(line.strip())
            continue
        if any(c.strip() == "番号" for c in cells):
            in_table, kind = True, None  # a header row
            continue
        if not in_table:
            continue
        offset = start
        for cell in cells:
            m = _ITEM_KIND_CELL.fullmatch(cell)
            n = _NUMBER_CELL.fullmatch(cell)
            if m:
                kind = m["kind"].removeprefix("市長提出")
            elif n and kind:
                s = offset + len(cell) - len(cell.lstrip())
                e = offset + len(cell.rstrip())
                number = unicodedata.normalize("NFKC", re.sub(r"\s", "", n["n"]))
                attrs = {"listed_as": kind}
                out.append(Entity("doc_number", text[s:e], f"{kind}第{number}号", s, e, attrs=attrs))
                break
            offset += len(cell) + 1
    return out


# A notice of a gazette (官報 政府調達公告版) opens with its number after a white circle:
# 「○第128号」 (a text layer may give 〇, the kanji zero, for the circle). Not an item of a list
# (○第1号議案, ○第3号様式: a word follows).
GAZETTE_NOTICE_RE = re.compile(
    r"(?:^|(?<=[\s0-9]))[○〇◯](?P<number>第(?P<n>[0-9]+)号)(?![一-龥々ァ-ヶー])", re.M
)


def _gazette_notices(text: str, view) -> list[Entity]:
    out = []
    for m in GAZETTE_NOTICE_RE.finditer(view.text):
        start, end = view.span(m.start("number"), m.end("number"))
        out.append(Entity("doc_number", text[start:end], f"第{int(m['n'])}号", start, end, attrs={}))
    return out


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    out = _listed_items(text) + _gazette_notices(text, view)
    for m in NUMBER_RE.finditer(c):
        prefix, p_start = m["prefix"], m.start("prefix")
        if p_start and c[p_start - 1] in "年":
            continue
        # A line break in the original separates words (「…課長\n保医発0531第1号」).
        o_s, o_e = view.span(p_start, p_start + len(prefix))
        gap = text.rfind("\n", o_s, o_e)
        if gap >= 0:
            cut = len(re.sub(r"\s", "", text[o_s : gap + 1]))
            p_start += cut
            prefix = prefix[cut:]
        item = _COUNCIL_ITEM_END.search(prefix)
        if item and not m["date"]:
            p_start += item.start()
            prefix = item.group()
        cut = _CUT.match(prefix)
        if cut and not item:
            p_start += cut.end()
            prefix = prefix[cut.end() :]
        if not (2 <= len(prefix) <= 5 or (len(prefix) <= 10 and prefix.endswith("公告"))):
            continue  # 公告 numbers carry their issuer's name: 新潟市契約公告第86号
        if _LAW_SUFFIX.search(prefix) or _NOT_ISSUER.search(prefix):
            continue
        if _KANJI_NUMERALS.fullmatch(prefix) or c[p_start - 1 : p_start] == "の":
            continue  # 別表第三の一の二三第三号: a numbered item of a table
        if "年" in c[max(0, p_start - 1) : p_start]:
            continue
        start, end = view.span(p_start, m.end())
        year = _YEAR_BEFORE.search(text, max(0, start - 4), start)
        if year and year.end("y") == start and not item:
            start = year.start("y")  # 4教学第123号: the era year leads a city's number
        value = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text[start:end]))
        out.append(Entity("doc_number", text[start:end], value, start, end, attrs={}))
    out.sort(key=lambda e: e.start)
    return out
