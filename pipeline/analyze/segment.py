"""Split a file holding several documents (a hand-out packet) into documents, by page.

A page starts a new document when its top carries the header of one (see header.py): a
document number with a date, 事務連絡, a date with an addressee, a "2017年2月 資料2" label, a
memo's byline, a newsletter's 発行 with a date, a newspaper's date stamp; or, more weakly, a
title "…について(依頼)" / "【…について】" as its first line right after a page that ended a sentence.

In a bundle, a cover letter (送付状, 鑑: a 事務連絡 or notice sending what follows) is a document
of its own: the next document starts where a page carries its own header, or where a page
reproduces a notice with its own title, date and number under an attachment label ((別添1) /
…について(令和2年3月5日保医発0305第1号)). Other pages under 別添 / 別紙 / 別記 / 様式 labels stay with
the document they belong to, whatever else their top shows (a form's 令和 年 月 日 … 殿).

Wrongly cutting a document in two is worse than missing a cut, so:
- one header element alone (a date, a title) is not enough;
- header lines repeated from the previous page's top (a letterhead or running header on every
  page, as on each page of a budget book) count for nothing;
- the weak title signal yields to consecutive printed page numbers and to 別紙/別添 labels.

Leaflets of a series printed back to back (each two-sided, OCRed) carry no header, but each ends
with the same closing lines (わからないことがありましたら…お問い合わせください, the source it cites):
a page that opens with a headline after a page ending like another page of the file starts a
document. A closing that ends more than half the pages is a running foot, not one.
"""

from __future__ import annotations

import re

from pipeline.ja.chars import letter_count
from pipeline.ja.labels import ATTACHMENT_START, NUMBERED_HANDOUT

from .header import TITLE_END, Line, LineKind, header_lines, reproduced_notice

TOP_LINES = 8  # header elements further down a page do not start a document
CLOSING_LINES = 3  # last lines of a page compared as its closing
MIN_CLOSING = 10  # characters: a shorter line (a page number, 以上) is not a closing
PROSE_SHARE = 0.7  # of a closing line's characters that are letters
HEADLINE_SHARE = 0.75  # of a headline's characters that are letters (not a (款) table head)

# Pairs of header elements that together mark a document's first page.
K = LineKind
MATERIAL_DATE = "material_date"  # a date line carrying a 資料N label (2017年2月 資料2)
STRONG = [
    {K.DOC_NUMBER, K.DATE},
    {K.OFFICE_LETTER},
    {K.DATE, K.ADDRESSEE},
    {MATERIAL_DATE},
    {K.BYLINE},
    {K.COLOPHON, K.DATE},
    {K.MASTHEAD},
]
PAGE_NUMBER = re.compile(r"^[-ー‐－(\s]*([0-9]{1,4})[-ー‐－)\s]*$")
ATTACHED = re.compile(r"^\(?(?:別添|別紙|別記|様式)")  # pages that belong to the document before
NUMBERED = re.compile(r"^([0-9]+|\([0-9]+\)|第[0-9一二三四五六七八九十]+)")


def split_documents(page_texts: list[str]) -> list[tuple[int, int]]:
    """The documents of a file as 1-based inclusive page ranges, in page order."""
    if not page_texts:
        return []
    tops = [header_lines(text, limit=TOP_LINES) for text in page_texts]
    closed = _closed_pages(page_texts)
    starts = [1]
    for i in range(1, len(page_texts)):
        if starts_document(tops[i], tops[i - 1], page_texts[i], page_texts[i - 1]) or (
                i - 1 in closed and _headline(tops[i], tops[i - 1])):
            starts.append(i + 1)
    ends = [s - 1 for s in starts[1:]] + [len(page_texts)]
    return list(zip(starts, ends))


def starts_document(top: list[Line], previous_top: list[Line], text: str, previous: str) -> bool:
    """Does this page (its classified top lines `top`) begin a new document?"""
    repeated = {line.key for line in previous_top}
    fresh = [line for line in top if line.key not in repeated]
    found = {line.kind for line in fresh if line.kind}
    if any(line.kind is K.DATE and _has_material_label(line) for line in fresh[:3]):
        found.add(MATERIAL_DATE)
    if reproduced_notice(top):
        return True  # a notice reproduced in the bundle, with its own title, date and number
    if top and ATTACHED.match(top[0].key):
        return False  # 別添 / 別紙 stay with the document they belong to
    if any(signal <= found for signal in STRONG):
        return True
    return _titled(fresh, top) and _previous_ended(previous) and not _consecutive(previous, text)


def _closing(text: str) -> set[str]:
    """The page's last lines of prose (not table rows nor figures), without spaces."""
    lines = [re.sub(r"\s+", "", line) for line in text.strip().split("\n") if "\t" not in line]
    return {line for line in lines[-CLOSING_LINES:]
            if len(line) >= MIN_CLOSING and letter_count(line) >= PROSE_SHARE * len(line)}


def _closed_pages(page_texts: list[str]) -> set[int]:
    """The pages (0-based) whose closing lines end another page of the file as well, unless
    that closing ends more than half of the pages (a running foot)."""
    ending: dict[str, set[int]] = {}
    for i, text in enumerate(page_texts):
        for line in _closing(text):
            ending.setdefault(line, set()).add(i)
    return {i for pages in ending.values() if 2 <= len(pages) <= len(page_texts) / 2
            for i in pages}


def _headline(top: list[Line], previous_top: list[Line]) -> bool:
    """The page opens with a headline: a line of Japanese text without a full stop, not a
    header element nor a line repeated from the previous page's top."""
    if not top or top[0].kind or top[0].table or top[0].key in {l.key for l in previous_top}:
        return False
    key = top[0].key
    return (len(key) >= 8 and "。" not in key and letter_count(key) >= HEADLINE_SHARE * len(key)
            and not key.startswith(("(", "（", "【", "[")) and not NUMBERED.match(key)
            and not ATTACHMENT_START.match(key) and not ATTACHED.match(key))


def _has_material_label(line: Line) -> bool:
    return bool(NUMBERED_HANDOUT.search(line.key))


def _titled(fresh: list[Line], top: list[Line]) -> bool:
    """The page opens with a document title: …について(依頼) or 【…】 on its first line."""
    if not top or not fresh or fresh[0] is not top[0] or top[0].kind:
        return False
    key = top[0].key
    if ATTACHMENT_START.match(key) or NUMBERED.match(key):
        return False
    bracketed = key.startswith("【") and key.endswith("】")
    m = TITLE_END.search(key[1:-1] if bracketed else key)
    # 【…について】, or …について with its (依頼) / (通知) / (趣旨…) suffix; not 【検討体制】.
    return bool(m and (bracketed or m.group(2)))


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().split("\n") if line.strip()]
    return re.sub(r"\s+", "", lines[-1]) if lines else ""


def _previous_ended(previous: str) -> bool:
    """The previous page ends a sentence (or with its page number, or 以上)."""
    last = _last_line(previous)
    return not last or last.endswith(("。", "以上", ")", "」")) or bool(PAGE_NUMBER.match(last))


def _consecutive(previous: str, text: str) -> bool:
    """Both pages print page numbers, and they follow each other."""
    a, b = PAGE_NUMBER.match(_last_line(previous)), PAGE_NUMBER.match(_last_line(text))
    return bool(a and b and int(b.group(1)) == int(a.group(1)) + 1)
