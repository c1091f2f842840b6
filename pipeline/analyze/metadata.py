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
Council papers open with 議案第7号 / 報告第2号, a title, and end their first page with the date
submitted and the signer (令和7年12月5日提出 南国市長 平山耕三); a 告示 has its number
(○厚生労働省告示第八十五号) under the title and the date and minister after the text; minutes put
the meeting's date after 日時; a gazette page heads with 官報 (号外) 第N号 and its date; a cover
page a title, a date and the issuing body; a table page its title wherever the layout put it.
Only the header block (and these signatures) is read for the date: dates in the body (meeting
tables, history) are not the document's date. A field that is not printed is None rather than
guessed. An issuer is checked against known organization names (`organizations`): an OCR
misreading is corrected when that is unambiguous, and a signer's personal name is cut off.

Input is the normalized document text (NFKC, spaces between Japanese characters removed), but
the rules also accept raw text-layer or OCR lines. The header's lines are classified in
header.py; here each layout (`_LAYOUTS`, tried in order, then the notice/letter/cover reading of
`describe`) turns them into the four fields.
"""

from __future__ import annotations

import difflib
import re

from pipeline.ja.chars import letter_count
from pipeline.ja.eras import ERA, to_western, year_number
from pipeline.ja.labels import MATERIAL_HEADING, MATERIAL_LABEL
from pipeline.ja.spacing import compact_line, no_spaces

from .header import (
    BILL, BYLINE_NAME, COLOPHON, DATE, DATE_TAIL, DOC_NUMBER, MASTHEAD, NEWSPAPERS, PAGE_NUMBER,
    RULE, TITLE_END, WEEKDAY, Line, LineKind, header_lines, parse_date, reproduced_notice,
)
from .organizations import ORGANIZATION_END, correct, known_prefix, named_after, signer

__all__ = ["KINDS", "LineKind", "describe", "header_lines", "parse_date"]

# The kinds of tests/gold/real/GUIDELINES.md, and those of the seed documents.
KINDS = (
    "通知", "事務連絡", "告示", "官報", "報道発表資料", "議案", "報告", "議事録", "予算書", "決算書",
    "条例", "入札公告", "広報", "計画", "様式", "一覧表", "資料",
    "質問書", "会報", "新聞記事", "メモ", "行動計画", "その他",
)  # fmt: skip
TITLE_SEARCH = 3  # lines from the top a titled line (…について) is looked for in
# A gazette's running head: 官報 号外第129号, 官報 第4817号, 平成20年4月25日 金曜日 官報.
_GAZETTE_ISSUE = r"[(（]?(?P<edition>特別号外|号外|本紙)?(?P<procurement>政府調達(?:公告版)?)?第?(?P<no>[0-9]+)号"
GAZETTE = re.compile(rf"官報{_GAZETTE_ISSUE}")
_GAZETTE_HEAD_REST = 6  # what else a gazette's head line holds: brackets, a page number, or the
# heading below it that normalization joined on (入札公告)
# The running head as a vertical page's columns may come out: 第4817号 官報, 号外第129号 … 官報.
GAZETTE_REVERSED = re.compile(rf"{_GAZETTE_ISSUE}[)）]?.{{0,24}}官報")
# Minutes: …議事録, …会議録, …議事要旨.
MINUTES = re.compile(r"(議事録|会議録|議事要旨|議事概要)$")
SUBMITTER = re.compile(r"^(?:提出)?者[:：]?")  # the label before a signer: 提出者 ○○市長
AS_OF = re.compile(r"(?:時点|現在)")  # 令和7年4月1日時点: the date data are as of
MEETING_DATE = re.compile(r"(?:開催)?日時[:：]?")
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
BRANCH = re.compile(r"\((?P<name>[^()]{2,12}(分会|支部|支会|協議会))\)")
ANNOUNCED_BY = re.compile(r"\((?P<name>[^()]{2,10}?)(?<!が)発表\)")  # (東京都発表), not (…が発表)
# A title ending followed by more on the same line, as when normalization joined a title and
# the first line of the text (損害賠償の専決処分の報告について地方自治法(…)).
TITLE_END_INLINE = re.compile(r"(?:について|に関して|に係る件|の件)(?:\([^()]{1,20}\))?(?![、,のはをもでとがに])")
# The nouns that end the titles of kinds of documents, and those kinds (first match wins).
TITLE_KINDS = [
    (re.compile(r"(議事録|会議録|議事要旨|議事概要)$"), "議事録"),
    (re.compile(r"(入札説明書|入札公告|入札公示)$"), "入札公告"),
    (re.compile(r"(一覧表?|見通し)$"), "一覧表"),
    (re.compile(r"予算書?$"), "予算書"),
    (re.compile(r"決算(?:報告)?書$"), "決算書"),  # 事業及び決算報告書
    (re.compile(r"条例$"), "条例"),
    (re.compile(r"(計画|戦略|方針|ビジョン|プラン)$"), "計画"),
    (re.compile(r"(内訳書|申請書|請求書|届出書|届|様式|記載例)$"), "様式"),
    (re.compile(r"^広報"), "広報"),
    (re.compile(r"(手引き?|要領|概要|要旨|資料|お願い|決算|調書)$"), "資料"),
    (re.compile(r"(ましょう|しよう|ください|下さい)$"), "資料"),  # an appeal: a leaflet's banner
]
# An appeal ending a banner with more on its line: …をとりましょう知っておくべき5つのポイント.
APPEAL = re.compile(r"(?:ましょう|しよう|ください|下さい)[!！]?(?=[^!！。、」』)）\s][^。]{3,}$)")
# Words that name a hand-out in its header (a series label, a running head): 資料 (GUIDELINES K2).
MATERIAL_WORDS = re.compile(r"ディスカッション・?ペーパー|ワーキング・?ペーパー|リーフレット|パンフレット|チラシ")
# A policy statement read to a council opens by saying so (所信の一端…を申し上げ) or closes so
# (施政の方針につきまして、申し上げました): a 施政方針 filed without a title is 資料 (K2).
POLICY_SPEECH = re.compile(r"所信の一端|所信を(?:申し上げ|表明)|(?:施政|市政|町政|村政|区政|県政|都政|府政)の?方針(?:につきまして|について)?[、,]?申し上げ")
_SPEECH_READ = 1000  # characters at either end of a text a policy statement says so in
# Title-like lines anywhere on a page whose top is a table: they end with one of these.
TITLE_NOUN = re.compile(
    r"(一覧表?|調書|見通し|戦略|計画|報告書|説明書|手引き?|議事録|会議録|予算書?|決算(?:書)?|要綱|要領"
    r"|方針|内訳書|申請書|記載例|白書|概要|要旨)(?:\([^()]{1,10}\))?$"
)
TRAILING_NOTE = re.compile(r"(?:\([^()]{1,10}\)|【[^】]{0,10}】)$")  # (最終), 【議案】
PLACEHOLDER_BRACKET = re.compile(rf"【(?:{ERA})?\s*年度?】$")  # 【令和 年度】 of a form
DATE_WORDS = re.compile(rf"(?:{ERA})(?:元|[0-9]+)?(?:年度?)?|(?:元|[0-9]+)年度?|[0-9]+[月日]")  # 平成38
# A section heading: 1.事業概要, (2), 第1章, 1病床使用率等 (its space removed by normalization).
SECTION = re.compile(r"^(?:[0-9]+[.)]|\([0-9]+\)|第[0-9]+[章節]|[0-9](?=[一-龥])(?![0-9年月日度回号条項]))")
UNIT_CAPTION = re.compile(r"^\(?単位")
UNIT_TAIL = re.compile(r"\(単位[:：][^()]{1,10}\)$")  # 令和3年度3月補正予算(単位:円): a table's caption
NOTE = re.compile(r"^(※|注|\(注\)|賛成:)")
QUESTIONNAIRE = re.compile(r"(質問書|質問状)$")
BUDGET = re.compile(
    r"(?P<fy>(?:令和|平成)(?:元|[0-9]{1,2})年度)(?:\([0-9]{4}年度\))?"
    r"(?P<issuer>[一-龥ヶ]{1,8}?[都道府県市区町村])(?P<account>[一-龥]{0,12}会計)?予算"
)
# A cover whose lines (a vertical cover's columns) put the body first: 世田谷区予算 / 令和8年度.
COVER = re.compile(
    r"(?P<issuer>[一-龥ヶ]{1,8}?[都道府県市区町村])予算書?"
    r"(?P<fy>(?:令和|平成)(?:元|[0-9]{1,2})年度)"
)
COVER_NOTE_LINES = 1  # lines above a budget book's cover title (a recycled-paper note)
PARENTHESIZED_YEAR = re.compile(r"\([0-9]{4}年度\)")  # 令和8年度(2026年度)
ACTION_PLAN = re.compile(r"アクションプログラム|行動計画|実行計画|工程表")
NEWSLETTER_TITLE = re.compile(r"(会報|ニュース|だより|通信)$")
# A title line that goes on on the next line: it ends with a particle or a comma
# (台風・豪雨時に備えてハザードマップと一緒に / 「避難行動判定フロー」を確認しましょう).
CONTINUED = re.compile(r"[にのをとでへやがはも、]$")
# A table's total row label the text layer put right after a title drawn last, which
# normalization then joined to it (…に関する調書 / 総 合 計).
TOTAL_LABEL = re.compile(r"(?:総合計|合計|総計|小計)$")
# A supplementary budget named after its council session: 令和3年度3月補正予算.
SESSION_BUDGET = re.compile(rf"(?P<era>{ERA})(?P<year>元|[0-9]{{1,2}})年度(?P<month>[0-9]{{1,2}})月補正")


def _title_like(s: str) -> bool:
    """A line that can be part of a wrapped title: Japanese text, no full stop."""
    return len(s) >= 4 and letter_count(s) >= 0.6 * len(s) and not s.endswith("。")


def _strip_brackets(s: str) -> str:
    return s[1:-1] if s.startswith("【") and s.endswith("】") else s


def _find_title(lines: list[Line], start: int, search: int, inline: bool = False) -> str | None:
    """A title ending (について(依頼), 質問書 ...) on a line at or after start (within `search`
    lines), joined with the wrapped lines before it; else None. `inline`: also a title ending
    followed by more on its line (see TITLE_END_INLINE), cut there."""
    for j in range(start, min(len(lines), start + search)):
        if lines[j].kind:
            continue
        first = j
        if inline and not TITLE_END.search(lines[j].key) and TITLE_END_INLINE.search(lines[j].key):
            return _cut_title(lines[j].key)
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


def _meta(title, kind, issuer, issued_on) -> dict:
    return {"title": title, "kind": kind, "issuer": issuer, "issued_on": issued_on}


def describe(text: str, first_page_text: str | None = None) -> dict:
    """{title, kind, issuer, issued_on} of a document; fields not printed are None.

    The header is read from first_page_text when given (else from the start of text)."""
    page = first_page_text if first_page_text is not None else text
    lines = [l for l in header_lines(page) if l.kind is not LineKind.PAGE_NUMBER]
    kinds = {line.kind for line in lines}
    if kinds & {LineKind.MASTHEAD, LineKind.IMPRINT}:
        return _clipping(lines)
    header = "".join(line.key for line in lines)
    for layout in _LAYOUTS:
        found = layout(lines, page, text)
        if found is not None:
            return found

    dated = next((line for line in lines if line.kind in (LineKind.DATE, LineKind.BYLINE)), None)
    issued_on = parse_date(dated.key)[0] if dated else None
    addressee = next((i for i, line in enumerate(lines) if line.kind is LineKind.ADDRESSEE), None)
    caption = None
    if addressee is not None:
        title, issuer = _letter_head(lines, addressee)
    else:
        title, issuer, after = _title(lines), _author(lines), None
        notice = {LineKind.DOC_NUMBER, LineKind.OFFICE_LETTER} & kinds
        if issuer is None and dated is not None and not notice:
            issuer, after = _cover_issuer(lines, lines.index(dated))
        if after is not None and (title is None or not TITLE_END.search(title)):
            title = _find_title(lines, after, 3, inline=True) or title
        if title is None or _not_a_title(title) or (lines and lines[0].table):
            # A page that opens with a table. A chapter heading (第1章…) names a part, a unit
            # caption (…(単位:円)) a table, not the document: no title rather than those.
            key = no_spaces(title) if title is not None else ""
            part = bool(SECTION.match(key) or UNIT_TAIL.search(key))
            caption = title if part else None  # still says what kind of paper it is (…予算)
            title = _page_title(page) or (None if part else title)
        labelled = bool(lines) and lines[0].kind is LineKind.MATERIAL_LABEL
        if (title is None or _not_a_title(title)) and labelled:
            title = lines[0].text  # 別紙 over numbered sections: the label is all it is called

    doc_number = next(
        (DOC_NUMBER.match(l.key) for l in lines if l.kind is LineKind.DOC_NUMBER), None
    )
    if doc_number:
        canonical = DOC_NUMBER_ISSUERS.get(doc_number.group("prefix"))
        if canonical and (issuer is None or _similar(issuer, canonical)):
            issuer = canonical
    if issuer is None and title and addressee is None:
        issuer = named_after(title)  # 令和7年度 音威子府村 公共工事等発注見通し
    if issuer is None and addressee is None:
        issuer = _cover_foot(page)  # 令和3年度 / 事業及び決算報告書 / … / 南国市土地開発公社
    if issuer is None:
        # 都内感染者数(東京都発表): a press release names its source (not always on page 1).
        announced = ANNOUNCED_BY.search(no_spaces(text[:20000])[:5000])
        issuer = announced.group("name") if announced else None

    if LineKind.OFFICE_LETTER in kinds:
        kind = "事務連絡"
    elif title and QUESTIONNAIRE.search(title):
        kind = "質問書"
    elif doc_number or (addressee is not None and title and title.endswith(")")):
        kind = "通知"
    elif LineKind.COLOPHON in kinds or (title and NEWSLETTER_TITLE.search(title)):
        kind = "会報"
    elif LineKind.PRESS in kinds or (addressee is not None and lines[addressee].key.startswith("報道")):
        kind = "報道発表資料"
    elif _material(lines):
        kind = "資料"
    elif caption and (by_title := _kind_of_title(caption)):
        kind = by_title  # 令和3年度3月補正予算(単位:円) over a table: a page of the budget
    elif title and (by_title := _kind_of_title(title)):
        kind = by_title
    elif _policy_speech(text):
        kind = "資料"
    elif ACTION_PLAN.search(header + no_spaces(text[:3000])):
        kind = "行動計画"
    elif LineKind.BYLINE in kinds:
        kind = "メモ"
    elif _mostly_table(page):
        kind = "一覧表"
    else:
        kind = "その他"
    if issued_on is None and kind == "予算書":
        issued_on = _session_month(no_spaces(caption or title or ""))
    if issued_on is None and title and kind == "一覧表":
        # 令和7年9月定例会 議決結果一覧表: a list of a session is dated by it; else by the one
        # date its data are as of (R8.4.1 on a line of its own, 令和7年4月1日時点).
        found = parse_date(no_spaces(title))
        issued_on = found[0] if found else _as_of(page)
    return _meta(title, kind, issuer, issued_on)


def _session_month(s: str) -> str | None:
    """The month of the session a supplementary budget is for (令和3年度3月補正 → 2022-03: the
    months before April belong to the fiscal year's second calendar year)."""
    m = SESSION_BUDGET.search(s)
    if not m:
        return None
    fy = to_western(m.group("era"), year_number(m.group("year")))
    month = int(m.group("month"))
    if not 1 <= month <= 12:
        return None
    return f"{fy if month >= 4 else fy + 1:04d}-{month:02d}"


def _as_of(page: str) -> str | None:
    """The one date a table page's data are as of: a full date alone on its line, or followed
    by 時点 / 現在; None when there is none or more than one."""
    from .entities import DocumentContext
    from .entities import date as dates

    found = set()
    for raw in page.split("\n"):
        key = no_spaces(raw)
        if not key or len(key) > 200:
            continue
        for entity in dates.extract(key, DocumentContext()):
            whole = entity.start == 0 and entity.end == len(key)
            as_of = AS_OF.match(key, entity.end)
            if entity.attrs.get("precision") == "day" and (whole or as_of):
                found.add(entity.value)
    return found.pop() if len(found) == 1 else None


def _kind_of_title(title: str) -> str | None:
    key = TRAILING_NOTE.sub("", no_spaces(title))  # 令和3年度決算(最終), …一覧表【議案】
    return next((kind for pattern, kind in TITLE_KINDS if pattern.search(key)), None)


def _mostly_table(page: str) -> bool:
    """A page whose lines are mostly table rows (cells separated by tabs)."""
    rows = [line for line in page.split("\n") if line.strip()]
    return len(rows) >= 8 and sum("\t" in row for row in rows) >= 0.5 * len(rows)


def _not_a_title(s: str) -> bool:
    """A top line that is a table row, a unit caption or a note, not a title."""
    key = no_spaces(s)
    words = letter_count(DATE_WORDS.sub("", key))
    return (
        bool(UNIT_CAPTION.match(key) or UNIT_TAIL.search(key) or NOTE.match(key) or SECTION.match(key))
        or words < 2
        or len(s.split()) >= 4
    )


def _page_title(page: str) -> str | None:
    """The title of a page whose top is a table or notes: the first line anywhere on it that
    stands alone (no tab, no sentence) and ends like a title (…一覧表, …見通し, …決算(最終))."""
    for raw in page.split("\n"):
        if "\t" in raw or "。" in raw:
            continue
        text = compact_line(raw)
        key = PLACEHOLDER_BRACKET.sub("", no_spaces(text))
        total = TOTAL_LABEL.search(key)
        if total and TITLE_NOUN.search(key[: total.start()]):
            key = key[: total.start()]
            text = key
        if 4 <= len(key) <= 60 and TITLE_NOUN.search(TRAILING_NOTE.sub("", key)) and not (
            NOTE.match(key) or SECTION.match(key) or UNIT_TAIL.search(key)
        ):
            return PLACEHOLDER_BRACKET.sub("", text).strip()
    return None


def _cut_title(s: str) -> str:
    """A title without what normalization joined after it on its line: the text after its
    ending (…の報告について地方自治法…) or from a date on (…する条例令和7年12月5日提出…)."""
    found = parse_date(s)
    if found and found[1].start() > 0:
        s = s[: found[1].start()]
    m = TITLE_END_INLINE.search(s)
    return s[: m.end()] if m else s


def _page_keys(page: str) -> list[str]:
    """The page's non-empty lines without whitespace."""
    return [k for k in (no_spaces(compact_line(raw)) for raw in page.split("\n")) if k]


_SIGNATURE_READ = 6000  # characters of a document to look for a signature in
_NOISE_LINE = 2  # lines this short between a date and its signer are OCR specks


def _signature(page: str) -> tuple[str | None, str | None]:
    """(date, issuer) of a signature: a date (令和7年12月5日提出, or a date alone on its line)
    followed by a known organization or post (南国市長 平山耕三 → 南国市長); (None, None)."""
    keys = _page_keys(page)
    for i, key in enumerate(keys):
        for m in DATE.finditer(key):
            found = parse_date(key[m.start() : m.end()])
            if not found:
                continue
            rest = key[m.end() :]
            submitted = rest.startswith("提出")
            if submitted:
                rest = rest[2:]
            elif m.start() > 0 or not DATE_TAIL.match(rest):
                continue
            after = rest or next((k for k in keys[i + 1 : i + 3] if len(k) > _NOISE_LINE), "")
            after = SUBMITTER.sub("", after)  # 提出者 ○○市長
            who = signer(after[:40]) if after else None
            if who is not None or submitted:
                return found[0], who
    return None, None


def _reproduced(lines: list[Line], page: str, text: str) -> dict | None:
    found = reproduced_notice(lines)
    if found is None:
        return None
    issued_on = parse_date(found.group("date"))
    return _meta(found.group("title"), "通知", None, issued_on[0] if issued_on else None)


def _gazette(lines: list[Line], page: str, text: str) -> dict | None:
    """A 官報 issue: 官報 本紙第4817号 / 官報 号外第129号 / 官報 政府調達公告版 第129号, from a
    head on top or, where a vertical page's reading order put it, a running head (官報, the issue
    and its date on one line) anywhere on the page."""
    heads = [(line.key, True) for line in lines[:3]] + [(key, False) for key in _page_keys(page)]
    for key, on_top in heads:
        m = GAZETTE.search(key) or GAZETTE_REVERSED.search(key)
        if not m or not (on_top or parse_date(key)):
            continue
        rest = key[: m.start()] + key[m.end() :]
        dated = parse_date(rest)
        if dated:
            rest = rest[: dated[1].start()] + rest[dated[1].end() :]
        if len(WEEKDAY.sub("", rest)) > _GAZETTE_HEAD_REST:
            continue  # 官報第4817号に掲載された政令について: a mention, not the head
        edition = m.group("edition") or "本紙"
        if m.group("procurement"):
            title = f"官報 政府調達公告版 第{m.group('no')}号"
        else:
            title = f"官報 {edition}第{m.group('no')}号"
        found = parse_date(key) or next(
            (parse_date(l.key) for l in lines[:3] if parse_date(l.key)), None
        )
        colophon = next((COLOPHON.match(l.key) for l in lines if l.kind is LineKind.COLOPHON), None)
        issuer = known_prefix(colophon.group("name")) if colophon else None  # 発行 内閣府
        return _meta(title, "官報", issuer, found[0] if found else None)
    return None


def _council_paper(lines: list[Line], page: str, text: str) -> dict | None:
    """議案第7号 / 報告第2号 on top, the title after it (or on its line), the date submitted and
    the signer at the end of the page. A bill for a budget is a 予算書; 報告第4号議案説明資料 is
    material explaining the item."""
    if not lines or lines[0].kind is not LineKind.BILL:
        return None
    m = BILL.match(lines[0].key)
    rest = m.group("rest")
    explains = bool(rest) and rest.endswith("資料")
    if rest and not explains:
        title = _cut_title(lines[0].key[m.start("rest") :])
    else:
        following = next((l.key for l in lines[1:] if not l.kind), None)
        if following is None:  # the title line ran on into the text: the header stopped there
            following = next(iter(_page_keys(page)[1:]), None)
        title = _cut_title(following) if following else None
    issued_on, issuer = _signature(page)
    if issued_on is None:  # signed on a later page
        issued_on, issuer = _signature(text[:_SIGNATURE_READ])
    if explains:
        kind = "資料"
    elif title and _kind_of_title(title) == "予算書":
        kind = "予算書"
    else:
        kind = "報告" if m.group("item") == "報告" else "議案"
    return _meta(title, kind, issuer, issued_on)


def _budget(lines: list[Line], page: str, text: str) -> dict | None:
    """A budget book: 令和8年度 南国市予算書 on its cover (the title, with the local government
    as issuer); when the book holds the bill (議案第7号 令和8年度南国市一般会計予算 … 提出 南国市長),
    the bill's title, date submitted and signer."""
    for first in range(COVER_NOTE_LINES + 1):  # a note may stand above: 古紙パルプ配合率70%再生紙を使用
        top = "".join(line.key for line in lines[first : first + 4])
        budget = BUDGET.match(top) or COVER.match(top)  # the fiscal year opens the cover, or follows
        if budget and ("予算書" in top or "会計" in top):
            break
    else:
        return None
    fy, issuer = budget.group("fy"), budget.group("issuer")
    if budget.groupdict().get("account"):  # a page of the book: 令和8年度南国市一般会計予算 as printed
        title = PARENTHESIZED_YEAR.sub("", budget.group(0))
    else:  # the cover: 令和8年度 南国市予算書
        title = f"{fy}{issuer}予算書"
    issued_on = None
    for m in _BILL_HEADING.finditer(text[:_BUDGET_READ]):
        if m.group("fy") == fy.replace(" ", ""):
            title = m.group("title")
            issued_on, who = _signature(text[m.end() : m.end() + 3000])
            issuer = who or issuer
            break
    return _meta(title, "予算書", issuer, issued_on)


# In a budget book: the bill's heading, 議案第7号 / 令和8年度南国市一般会計予算, each on its line.
_BILL_HEADING = re.compile(
    r"^議案第\s*[0-9 ]+号\s*\n\s*(?P<title>(?P<fy>(?:令和|平成)(?:元|[0-9]{1,2})年度)[^\n]{1,30}予算)\s*$",
    re.M,
)
_BUDGET_READ = 60_000  # characters of a budget book to look for its bill in


def _minutes(lines: list[Line], page: str, text: str) -> dict | None:
    """Minutes: 第4回デジタル社会推進会議 議事録 (its title perhaps over three short lines), the
    meeting's date after 日時, the body that keeps them on the line after the title."""
    j = next((i for i, l in enumerate(lines[:6]) if not l.kind and MINUTES.search(l.key)), None)
    if j is None:
        return None
    first = j
    while first > 0 and not lines[first - 1].kind and len(lines[first - 1].key) <= 20:
        first -= 1
    title = " ".join(l.text for l in lines[first : j + 1])
    key = no_spaces(page)
    at = MEETING_DATE.search(key)
    if at is None:  # a cover page (第25回 / …会議 / 議事録 / the secretariat): the 議事次第 follows
        key = no_spaces(text[:_SIGNATURE_READ])
        at = MEETING_DATE.search(key)
    found = parse_date(key[at.end() : at.end() + 30]) if at else None
    issuer = signer(lines[j + 1].key) if j + 1 < len(lines) and not lines[j + 1].kind else None
    return _meta(title, "議事録", issuer, found[0] if found else None)


def _public_notice(lines: list[Line], page: str, text: str) -> dict | None:
    """A 告示: its title, its number (○厚生労働省告示第八十五号), and after the text the date and
    the minister who signs it."""
    at = next((i for i, l in enumerate(lines[:4]) if l.kind is LineKind.NOTICE_NUMBER), None)
    if at is None:
        return None
    title = next((l.text for l in lines[:at] if not l.kind), None)
    issued_on, issuer = _signature(page)
    return _meta(title, "告示", issuer, issued_on)


COVER_LINES = 8  # a cover page holds no more lines than this, and no sentence
_COVER_FOOT = 40  # characters of a cover's last line an issuing body is looked for in


def _cover_foot(page: str) -> str | None:
    """The body a cover page names at its foot: its last line, or the end of it the text
    layer ran on from the line above (第49事業年度南国市土地開発公社), when that is a known
    organization or local government followed by a unit or body (…公社, …課)."""
    keys = [k for k in (no_spaces(compact_line(raw)) for raw in RULE.sub("\n", page).split("\n")) if k]
    keys = [k for k in keys if not PAGE_NUMBER.match(k)]
    if not 2 <= len(keys) <= COVER_LINES or any("。" in k for k in keys):
        return None
    last = keys[-1][-_COVER_FOOT:]
    for at in range(len(last) - 1):
        rest = last[at:]
        if ORGANIZATION_END.search(rest) and (who := signer(rest)) == rest:
            return who
    return None


def _cover_issuer(lines: list[Line], dated: int) -> tuple[str | None, int | None]:
    """The issuing body under a cover's date: one or two lines naming units (子ども家庭総合支援
    センター / 支援課・援助課・保護課), joined; and the index of the line after them."""
    names: list[str] = []
    i = dated + 1
    while i < len(lines) and len(names) < 2 and not lines[i].kind:
        key = lines[i].key
        if len(key) > 30 or not ORGANIZATION_END.search(key) or TITLE_END.search(key):
            break
        names.append(key)
        i += 1
    if not names:
        return None, None
    return correct("".join(names)), i


def _letter_head(lines: list[Line], addressee: int) -> tuple[str | None, str | None]:
    """(title, issuer) of a notice or letter: the issuer follows the addressee (or stands just
    before 公印省略), and the title follows the issuer. Addressee blocks run over several lines
    (地方厚生(支)局医療課 / 都道府県民生主管部(局) / … 御中 / 後期高齢者医療主管課(部)): the
    issuers are the lines after the addressee that name a known organization (厚生労働省保険局
    医療課長 / (公印省略) / 厚生労働省保険局歯科医療管理官), joined by 「・」."""
    issuers: list[int] = []
    for i in range(addressee + 1, len(lines)):
        line = lines[i]
        if line.kind is LineKind.SEAL:
            continue
        if line.kind or TITLE_END.search(line.key):
            break
        if signer(line.key) is not None:
            issuers.append(i)
    if issuers:
        names = [signer(lines[i].key) for i in issuers]
        return _find_title(lines, issuers[-1] + 1, 6), "・".join(names)
    seal = next((i for i, line in enumerate(lines) if line.kind is LineKind.SEAL), None)
    if seal is not None and seal > 0 and not lines[seal - 1].kind:
        at = seal - 1
    else:
        at = next((i for i in range(addressee + 1, len(lines)) if not lines[i].kind), None)
    if at is None or TITLE_END.search(lines[at].key):
        return _find_title(lines, addressee + 1, 6), None
    return _find_title(lines, at + 1, 6), correct(lines[at].text)


def _title(lines: list[Line]) -> str | None:
    """The title of a document without an addressee: a titled line near the top, else its
    first line."""
    title = _find_title(lines, 0, TITLE_SEARCH)
    if title is None and len(lines) > 2 and not lines[0].kind and lines[1].kind is LineKind.DATE:
        # A series label and its date above the title (政府CIO補佐官等ディスカッションペーパー /
        # 2021年5月 / 政府情報システムに係る / IT資産管理の必要性について); the issuing body
        # may stand between (委員会資料 / 令和7年8月21日 / …センター / the title).
        title = _find_title(lines, _cover_issuer(lines, 1)[1] or 2, TITLE_SEARCH)
    if title is None and {LineKind.DOC_NUMBER, LineKind.OFFICE_LETTER} & {l.kind for l in lines}:
        # A notice whose 殿 OCR misread: its title is further down the header block.
        title = _find_title(lines, 0, len(lines))
    return title if title is not None else _first_title_line(lines)


def _author(lines: list[Line]) -> str | None:
    """A memo's byline (2017.2.4 関口博(国立市議会議員)) or a newsletter's 発行 line."""
    for line in lines:
        if line.kind is LineKind.BYLINE:
            return _person_with_role(line.key[parse_date(line.key)[1].end() :])
        if line.kind is LineKind.COLOPHON and line.key.startswith("発行"):
            # 発行 労働組合 under 予算人員要求(企総区民分会): the union and its branch.
            issuer = COLOPHON.match(line.key).group("name")
            branch = next(filter(None, (BRANCH.search(l.key) for l in lines)), None)
            return f"{issuer} ({branch.group('name')})" if branch else issuer
    return None


def _policy_speech(text: str) -> bool:
    """A policy statement that says so where it opens or closes (see POLICY_SPEECH)."""
    ends = text[:_SPEECH_READ] + "\n" + text[-_SPEECH_READ:]
    return bool(POLICY_SPEECH.search(no_spaces(ends)))


def _material(lines: list[Line]) -> bool:
    """Hand-made material: a 資料N / 別紙 label, a committee's 委員会資料 heading, a
    【bracketed】 title on top, or a header that calls it a discussion paper or a leaflet."""
    return (
        any(l.kind is LineKind.MATERIAL_LABEL for l in lines)
        or any(not l.kind and MATERIAL_WORDS.search(l.key) for l in lines[:TITLE_SEARCH])
        or any(l.kind is LineKind.DATE and MATERIAL_LABEL.search(l.key) for l in lines)
        or bool(lines and not lines[0].kind and MATERIAL_HEADING.search(lines[0].key))
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
    stamps = (LineKind.MASTHEAD, LineKind.IMPRINT)
    after = max(i for i, l in enumerate(lines) if l.kind in stamps) + 1
    headline = next((l.text for l in lines[after:] if not l.kind and len(l.key) <= 40), None)
    return _meta(headline, "新聞記事", issuer, issued_on)


def _cut_appeal(s: str) -> str:
    """A leaflet's banner, an appeal (…をとりましょう), without the heading the text layer ran on
    after it on its line (…とりましょう知っておくべき5つのポイント)."""
    m = APPEAL.search(s)
    return s[: m.end()] if m else s


def _first_title_line(lines: list[Line]) -> str | None:
    """The first of the top three lines that is not a header element (with a date and a 資料N
    label cut off: コンビニ交付算定一覧表 2017年2月 資料2)."""
    for at, line in enumerate(lines[:3]):
        if line.kind is LineKind.DATE:
            m = parse_date(line.key)[1]
            if m.start() > 1:
                return line.key[: m.start()]
            continue
        if line.kind is None and line.table:
            continue  # a table's header row
        if line.kind is None and "。" not in line.key and len(line.key) <= 60:
            after = lines[at + 1] if at + 1 < len(lines) else None
            if (DATE_WORDS.fullmatch(line.key) and after is not None and not after.kind
                    and not after.table and _title_like(after.key) and len(after.key) <= 40):
                return f"{line.text} {after.text}"  # a cover: 令和3年度 / 事業及び決算報告書
            if (CONTINUED.search(line.key) and after is not None and not after.kind
                    and not after.table and "。" not in after.key and _title_like(after.key)
                    and len(line.key + after.key) <= 60):
                return line.text + after.text
            return _cut_appeal(_strip_brackets(line.text))
        if line.kind is None:
            return None
    return None


# A municipal newsletter's colophon (on its last page as often as on its first): its name
# (広報 おといねっぷ), the issue (令和6年6月号 第597号) and the body that publishes it
# (◇発行・編集 北海道音威子府村役場).
PERIODICAL_NAME = re.compile(r"^[◇◆■□●・]?(?P<name>広報[^0-9()（）]{1,12}?)$")
PERIODICAL_ISSUE = re.compile(
    rf"^(?P<month>(?:{ERA})(?:元|[0-9]{{1,2}})年[0-9]{{1,2}}月)号(?:[(（][^()（）]{{1,10}}[)）])?第?(?P<no>[0-9]+)号$"
)
_COLOPHON_LINES = 6  # lines either side of the issue line a colophon's name and publisher stand in
PUBLISHER = re.compile(r"^[◇◆■□●・]?(?:発行・編集|編集・発行|発行)(?:者|元)?[:：]?(?P<name>.{2,30})$")


def _periodical(lines: list[Line], page: str, text: str) -> dict | None:
    """A newsletter issue (広報…) known by its colophon: the name near the issue line
    (令和6年6月号 第597号), titled as a gazette issue is (広報おといねっぷ 第597号), dated
    by the month of the issue, issued by the body after 発行."""
    if "月号" not in text:
        return None  # the issue line's mark: a quick test before reading every line
    keys = _page_keys(text)
    for i, key in enumerate(keys):
        issue = PERIODICAL_ISSUE.match(key)
        if issue is None:
            continue
        near = keys[max(0, i - _COLOPHON_LINES) : i + _COLOPHON_LINES]
        name = next(filter(None, (PERIODICAL_NAME.match(k) for k in near)), None)
        if name is None:
            continue
        found = parse_date(issue.group("month"))
        publisher = next(filter(None, (PUBLISHER.match(k) for k in near)), None)
        issuer = correct(publisher.group("name")) if publisher else None
        title = f"{name.group('name')} 第{issue.group('no')}号"
        return _meta(title, "広報", issuer, found[0] if found else None)
    return None


# Layouts recognized by a line of their own, each (lines, page, text) -> metadata or None.
_LAYOUTS = (_reproduced, _gazette, _council_paper, _budget, _minutes, _public_notice, _periodical)
