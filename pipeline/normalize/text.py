"""Text normalization: one form for what OCR and PDF text layers write in many.

`normalize_text` applies, in order:

1. Folding (`fold`): Unicode NFKC — full-width ASCII and digits to half-width, half-width
   katakana to full-width, ㍻ to 平成, vertical presentation forms (︵ ﹁) to their horizontal
   characters, U+3000 to a space — with these exceptions, kept as they are:
   - circled and parenthesized numbers and letters (①, ⑴, ㊤): NFKC would turn 「①-②-③」
     into 「1-2-3」 and 「25,400,000 ②」 into 「25,400,000 2」, merging an item marker into
     a number;
   - 〜 (U+301C) and … ‥: ranges and ellipses stay one character; the full-width tilde ～
     (U+FF5E, which NFKC turns into an ASCII ~) becomes 〜 too, so 「9月15日～10月1日」 and
     「9月15日〜10月1日」 are one form.
   Kanji numerals are never converted (三鷹市 must stay 三鷹市).
2. Spaces (`pipeline.ja.spacing.fix_spaces`): runs of spaces become one; a space next to a Japanese character (kanji, kana,
   Japanese punctuation and symbols) is removed, so 「平 成 28 年」 → 「平成28年」 and
   「保 発 0819 第 １ 号」 → 「保発0819第1号」, except between two Japanese words of two or
   more Japanese letters each (not punctuation), where the writer put it (「世田谷区 中野区」, a headline's
   「中野 元臨時職員再逮捕」; the OCR stage only writes a space where the page shows a gap).
   Spaces between Latin words and digit groups stay (「e-Tax」, 「122,000,000 ÷ 130,000」).
   Tabs (table cell separators) and line breaks are kept; spaces around them are dropped.
3. Lines wrapped inside a paragraph are joined (no space between Japanese characters): a
   line is joined to the next when it is about as long as the text's full lines, does not
   end a sentence (。！？：), and neither it nor the next line is a table row (tab) or the
   next line an item or heading marker (・, ●, (1), 1), ①, 【, 第3条 …). Short lines
   (headings, dates, signatures), blank lines and table rows keep their line breaks.

The result is a fixed point: normalize_text(normalize_text(x)) == normalize_text(x), and it
never changes the characters of `fold(x)` other than whitespace.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.ja.chars import is_japanese
from pipeline.ja import radicals
from pipeline.ja.spacing import fix_spaces

# Characters NFKC must not touch.
_KEEP = re.compile(
    "[\u2460-\u24ff"  # ①..⑳ ⑴ ⒈ ⓐ ...
    "\u2776-\u2793"  # ❶ ➀ ...
    "\u3251-\u325f\u3280-\u32bf"  # ㉑ ㊀ ㊤ ...
    "\u301c\u2026\u2025]"  # 〜 … ‥
)
_WAVE_DASH = "\u301c"  # 〜


def fold(text: str) -> str:
    """NFKC, except for the characters kept as printed (see the module docstring)."""
    text = text.replace("\uff5e", _WAVE_DASH)
    if text.isascii():
        return text
    text = radicals.unify(text)  # radicals standing for kanji, which NFKC keeps (ja/radicals.py)
    out, pos = [], 0
    for match in _KEEP.finditer(text):
        out.append(unicodedata.normalize("NFKC", text[pos:match.start()]))
        out.append(match.group())
        pos = match.end()
    out.append(unicodedata.normalize("NFKC", text[pos:]))
    return "".join(out)


_SENTENCE_END = set("。．.！!？?：:」』）)】〕]")
_ITEM = re.compile(
    r"(?:[・･●○◎■□◆◇▲△▼▽★☆※＊*\-－–—→〇]"
    r"|[\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u3280-\u32bf]"
    r"|[(（]\s*[0-9０-９一二三四五六七八九十a-zA-Zア-ンイロハニホヘト]{1,3}\s*[)）]"
    r"|[0-9０-９]{1,3}[)）.．、]"
    r"|[【\[〔]"
    r"|第[0-9０-９一二三四五六七八九十百]+[条章節款項号]"
    r"|記$|以上$)"
)


def _width(line: str) -> int:
    return sum(2 if is_japanese(ch) else 1 for ch in line)


def _join_wrapped(text: str) -> str:
    lines = text.split("\n")
    widths = sorted(_width(line) for line in lines if "\t" not in line and _width(line) >= 20)
    if len(widths) < 2:
        return text
    full = widths[int(0.8 * (len(widths) - 1))]  # the width of a full line
    out = [lines[0]]
    for before, line in zip(lines, lines[1:]):  # `before` as it was, before any joining
        prev = out[-1]
        if (
            line
            and prev
            and "\t" not in prev
            and "\t" not in line
            and 0.8 * full <= _width(before) <= 1.15 * full
            and prev[-1] not in _SENTENCE_END
            and not _ITEM.match(line)
        ):
            # Latin words wrapped at a line end keep their space; a number wrapped mid-digits
            # (「20」/「00回」, common in vertical columns) is one number.
            digits = prev[-1].isdigit() and line[0].isdigit()
            sep = " " if prev[-1].isascii() and prev[-1].isalnum() and line[0].isascii() and not digits else ""
            out[-1] = prev + sep + line
        else:
            out.append(line)
    return "\n".join(out)


def normalize_text(text: str) -> str:
    """Normalize raw page text (see the module docstring for the rules)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Each step can enable another: removing a space lets a combining mark compose with the
    # letter before it, and joining lines changes what a full line is. Repeat until nothing
    # changes, so that normalizing twice is the same as once.
    for _ in range(text.count("\n") + 10):  # each round that changes anything joins a line
        step = _join_wrapped(re.sub(r"\n{3,}", "\n\n", fix_spaces(fold(text))).strip("\n"))
        if step == text:
            break
        text = step
    return text
