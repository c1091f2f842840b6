"""Title, kind, issuer and date of a document, read from the conventions of its first lines.

Japanese administrative papers announce themselves in a fixed order at the top of the first page:

    総行住第185号                      document number(s)        ┐
    平成28年9月16日                    date                      │ notices (通知) and
    各都道府県知事 殿                  addressee (殿 / 御中 / 様)  │ office letters (事務連絡)
    総務大臣                          issuer                    │
    (公印省略)                         seal omitted               ┘
    …の検討について(依頼)               title, often wrapped over two lines

Letters put a date, an addressee 様 and the sender before the title; hand-made materials a title
and "2017年2月 資料1"; memos a title and a byline "2017.2.4 関口博(国立市議会議員)"; newsletters a
masthead with 発行; newspaper clippings a date stamp "毎 2017. 1/2" (毎日新聞) and a headline.
Only the header block is read for the date: dates in the body (meeting tables, history) are not
the document's date. A field that is not printed is None rather than guessed.

Input is the normalized document text (NFKC, spaces between Japanese characters removed), but
the rules also accept raw text-layer or OCR lines, which are compacted here.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass

from pipeline.ja.chars import letter_count
from pipeline.ja.eras import ERA, ERA_LAST_YEAR, ERAS, KANJI_NUMBER, year_number
from pipeline.ja.labels import MATERIAL_LABEL
from pipeline.ja.spacing import compact_line, no_spaces

KINDS = ("通知", "事務連絡", "質問書", "会報", "新聞記事", "資料", "メモ", "行動計画", "予算書", "その他")

HEADER_MAX_LINES = 16  # the header block is never longer than this

_N = rf"(?:[0-9]{{1,2}}|[{KANJI_NUMBER}]{{1,3}})"
DATE = re.compile(
    rf"(?:(?P<era>{ERA})(?P<era_year>元|{_N})|(?P<year>(?:19|20)[0-9]{{2}}))"
    rf"年(?P<month>{_N})月(?:(?P<day>{_N})日)?"
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

# Official document numbers: 総行住第185号, 保発0819第1号. Not 議案第1号 (an agenda item).
DOC_NUMBER = re.compile(r"^(?!議案)(?P<prefix>[一-龥]{1,6})[0-9]{0,4}第[0-9]+号$")
# Who issues notices under a document-number prefix, for issuer lines OCR garbled.
DOC_NUMBER_ISSUERS = {
    "保発": "厚生労働省保険局長",
    "保医発": "厚生労働省保険局医療課長",
    "保保発": "厚生労働省保険局保険課長",
    "保国発": "厚生労働省保険局国民健康保険課長",
    "保高発": "厚生労働省保険局高齢者医療課長",
    "老発": "厚生労働省老健局長",
    "総税市": "総務省自治税務局市町村税課長",
}
# What may follow a document's date on its line: 2017年1月17日(火), 令和2年7月10日19時30分時点.
# Not 2016年3月算定時 (a date the text is about).
DATE_TAIL = re.compile(
    r"(\([月火水木金土日]\)|[0-9]{1,2}時([0-9]{1,2}分)?)?(現在|時点|付け?|発行|作成)?$"
)
ADDRESSEE = re.compile(r"(殿|御中|様)\W*$")
SEAL_OMITTED = re.compile(r"^\(?公?印省略")
OFFICE_LETTER = re.compile(r"^事務連絡$")
CONTACT = re.compile(r"^(\(連絡先\)|連絡先|TEL|Tel|電話|〒|住所|E-?mail)")
COLOPHON = re.compile(r"^(発行|編集|発信)[:：]?(?P<name>.+)$")
BRANCH = re.compile(r"\((?P<name>[^()]{2,12}(分会|支部|支会|協議会))\)")
ANNOUNCED_BY = re.compile(r"\((?P<name>[^()]{2,10}?)発表\)")
TITLE_END = re.compile(
    r"(について|に関して|に係る件|の件)(\([^()]{1,20}\))?$|(質問書|質問状|要望書|申入書|申入れ|意見書|お知らせ)$"
)
QUESTIONNAIRE = re.compile(r"(質問書|質問状)$")
BUDGET = re.compile(
    r"(?P<fy>(?:令和|平成)(?:元|[0-9]{1,2})年度)(?:\([0-9]{4}年度\))?"
    r"(?P<issuer>[一-龥ヶ]{1,8}?[都道府県市区町村])(?:[一-龥]{0,12}会計)?予算"
)
ACTION_PLAN = re.compile(r"アクションプログラム|行動計画|実行計画|工程表")
NEWSLETTER_TITLE = re.compile(r"(会報|ニュース|だより|通信)$")
BYLINE_NAME = re.compile(r"^(?P<name>[一-龥ぁ-んァ-ヶー]{2,10})\((?P<role>[^()]{2,30})\)$")


@dataclass
class Line:
    """A header line. kind: doc_number, date, byline, addressee, seal, office_letter, contact,
    material_label, colophon, masthead, imprint; None for any other line."""

    text: str  # compact form, see pipeline.ja.spacing.compact_line
    key: str  # without any whitespace, for matching: OCR and text layers space letters apart
    kind: str | None = None


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
                y = ERAS[m.group("era")] + era_year
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
    for raw in text.split("\n"):
        s = compact_line(raw)
        if not s:
            continue
        if lines and "。" in s and len(s) > 30:
            break
        key = no_spaces(s)
        lines.append(Line(s, key, _classify(key)))
        if len(lines) >= limit:
            break
    return lines


def _classify(s: str) -> str | None:
    if MASTHEAD.match(s):
        return "masthead"
    if NEWSPAPER_IMPRINT.search(s):
        return "imprint"
    if DOC_NUMBER.match(s):
        return "doc_number"
    if OFFICE_LETTER.match(s):
        return "office_letter"
    if SEAL_OMITTED.match(s):
        return "seal"
    if CONTACT.match(s):
        return "contact"
    if COLOPHON.match(s):
        return "colophon"
    found = parse_date(s)
    if found and len(s) <= 40:
        m = found[1]
        rest = s[m.end() :]
        if m.start() <= 1 and BYLINE_NAME.match(rest):
            return "byline"
        if (m.start() <= 1 and DATE_TAIL.match(rest)) or MATERIAL_LABEL.fullmatch(rest):
            return "date"
    if ADDRESSEE.search(s) and len(s) <= 40:
        return "addressee"
    if MATERIAL_LABEL.fullmatch(s):
        return "material_label"
    return None


def _title_like(s: str) -> bool:
    """A line that can be part of a wrapped title: Japanese text, no full stop."""
    return len(s) >= 4 and letter_count(s) >= 0.6 * len(s) and not s.endswith("。")


def _strip_brackets(s: str) -> str:
    return s[1:-1] if s.startswith("【") and s.endswith("】") else s


def _find_title(lines: list[Line], start: int, search: int) -> str | None:
    """A title ending (について(依頼), 質問書 ...) on a line at or after start (within `search`
    lines), joined with the wrapped lines before it; else None."""
    for j in range(start, min(len(lines), start + search)):
        if lines[j].kind:
            continue
        first = j
        if not TITLE_END.search(_strip_brackets(lines[j].key)):
            # A title wrapped mid-word: …の検討につ / いて (依頼)
            joined = lines[j - 1].key + lines[j].key if j > start else ""
            if not (j > start and not lines[j - 1].kind and TITLE_END.search(joined)):
                continue
            first = j - 1
        while first - 1 >= start and first > j - 2 and not lines[first - 1].kind:
            if not _title_like(lines[first - 1].key):
                break
            first -= 1
        return _strip_brackets("".join(line.text for line in lines[first : j + 1]))
    return None


def _person_with_role(s: str) -> str:
    """関口博(国立市議会議員) → 関口博 (国立市議会議員)."""
    m = BYLINE_NAME.match(s)
    return f"{m.group('name')} ({m.group('role')})" if m else s


def _similar(a: str, b: str) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.7


def describe(text: str, first_page_text: str | None = None) -> dict:
    """{title, kind, issuer, issued_on} of a document; fields not printed are None.

    The header is read from first_page_text when given (else from the start of text)."""
    lines = header_lines(first_page_text if first_page_text is not None else text)
    kinds = {line.kind for line in lines}
    if kinds & {"masthead", "imprint"}:
        return _clipping(lines)
    header = "".join(line.key for line in lines)
    budget = BUDGET.search(header)
    if budget and ("予算書" in header or "会計" in header):
        fy, issuer = budget.group("fy"), budget.group("issuer")
        return {"title": f"{fy}{issuer}予算書", "kind": "予算書", "issuer": issuer, "issued_on": None}

    dated = next((line for line in lines if line.kind in ("date", "byline")), None)
    issued_on = parse_date(dated.key)[0] if dated else None
    addressee = next((i for i, line in enumerate(lines) if line.kind == "addressee"), None)
    if addressee is not None:
        title, issuer = _letter_head(lines, addressee)
    else:
        title, issuer = _title(lines), _author(lines)

    doc_number = next((DOC_NUMBER.match(l.key) for l in lines if l.kind == "doc_number"), None)
    if doc_number:
        canonical = DOC_NUMBER_ISSUERS.get(doc_number.group("prefix"))
        if canonical and (issuer is None or _similar(issuer, canonical)):
            issuer = canonical
    if issuer is None:
        # 都内感染者数(東京都発表): a press release names its source (not always on page 1).
        announced = ANNOUNCED_BY.search(no_spaces(text[:20000])[:5000])
        issuer = announced.group("name") if announced else None

    if "office_letter" in kinds:
        kind = "事務連絡"
    elif title and QUESTIONNAIRE.search(title):
        kind = "質問書"
    elif doc_number or (addressee is not None and title and title.endswith(")")):
        kind = "通知"
    elif "colophon" in kinds or (title and NEWSLETTER_TITLE.search(title)):
        kind = "会報"
    elif ACTION_PLAN.search(header + no_spaces(text[:3000])):
        kind = "行動計画"
    elif "byline" in kinds:
        kind = "メモ"
    elif _material(lines):
        kind = "資料"
    else:
        kind = "その他"
    return {"title": title, "kind": kind, "issuer": issuer, "issued_on": issued_on}


def _letter_head(lines: list[Line], addressee: int) -> tuple[str | None, str | None]:
    """(title, issuer) of a notice or letter: the issuer follows the addressee (or stands just
    before 公印省略), and the title follows the issuer."""
    seal = next((i for i, line in enumerate(lines) if line.kind == "seal"), None)
    if seal is not None and seal > 0 and not lines[seal - 1].kind:
        at = seal - 1
    else:
        at = next((i for i in range(addressee + 1, len(lines)) if not lines[i].kind), None)
    if at is None or TITLE_END.search(lines[at].key):
        return _find_title(lines, addressee + 1, 6), None
    return _find_title(lines, at + 1, 6), lines[at].text


def _title(lines: list[Line]) -> str | None:
    """The title of a document without an addressee: a titled line near the top, else its
    first line."""
    title = _find_title(lines, 0, 3)
    if title is None and {"doc_number", "office_letter"} & {line.kind for line in lines}:
        # A notice whose 殿 OCR misread: its title is further down the header block.
        title = _find_title(lines, 0, len(lines))
    return title if title is not None else _first_title_line(lines)


def _author(lines: list[Line]) -> str | None:
    """A memo's byline (2017.2.4 関口博(国立市議会議員)) or a newsletter's 発行 line."""
    for line in lines:
        if line.kind == "byline":
            return _person_with_role(line.key[parse_date(line.key)[1].end() :])
        if line.kind == "colophon" and line.key.startswith("発行"):
            # 発行 労働組合 under 予算人員要求(企総区民分会): the union and its branch.
            issuer = COLOPHON.match(line.key).group("name")
            branch = next(filter(None, (BRANCH.search(l.key) for l in lines)), None)
            return f"{issuer} ({branch.group('name')})" if branch else issuer
    return None


def _material(lines: list[Line]) -> bool:
    """Hand-made material: a 資料N / 別紙 label, or a 【bracketed】 title on top."""
    return (
        any(l.kind == "material_label" for l in lines)
        or any(l.kind == "date" and MATERIAL_LABEL.search(l.key) for l in lines)
        or bool(lines and lines[0].key.startswith("【") and lines[0].key.endswith("】"))
    )


def _clipping(lines: list[Line]) -> dict:
    """A newspaper clipping: the paper and date from the stamp (毎 2017. 1/2), the headline
    after the stamp and the price imprint. A stamp OCR mangled (毎 207『T.1/2) still names
    the paper by its initial; its date is then unknown."""
    issuer = issued_on = None
    for line in lines[:2]:
        m = MASTHEAD.match(line.key)
        if m:
            y, mo, d = int(m.group("year")), int(m.group("month")), int(m.group("day"))
            issued_on = f"{y:04d}-{mo:02d}-{d:02d}"
        initial = next((p for p in NEWSPAPERS if re.match(rf"{p}[^一-龥]", line.key)), None)
        if initial:
            issuer = NEWSPAPERS[initial]
            break
    after = max(i for i, l in enumerate(lines) if l.kind in ("masthead", "imprint")) + 1
    headline = next((l.text for l in lines[after:] if not l.kind and len(l.key) <= 40), None)
    return {"title": headline, "kind": "新聞記事", "issuer": issuer, "issued_on": issued_on}


def _first_title_line(lines: list[Line]) -> str | None:
    """The first of the top three lines that is not a header element (with a date and a 資料N
    label cut off: コンビニ交付算定一覧表 2017年2月 資料2)."""
    for line in lines[:3]:
        if line.kind == "date":
            m = parse_date(line.key)[1]
            if m.start() > 1:
                return line.key[: m.start()]
            continue
        if line.kind is None and "。" not in line.key and len(line.key) <= 60:
            return _strip_brackets(line.text)
        if line.kind is None:
            return None
    return None
