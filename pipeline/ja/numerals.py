"""Japanese numerals: arabic (16,000,000 / 3.5), kanji (四十二 / 一億五千万 / 二〇一七) and mixed
(5,000万 / 3.5億 / 5万5千). The one numeral parser of the project: dates, amounts, law articles
and document metadata all read their numbers here.

Why not kanjize (`kanji2number`, measured with kanjize 1.5): it raises on thousands separators
(5,000万, 16,000,000: every budget table prints them), it reads 3.5 as 3 (a decimal without a big
unit loses its fraction silently), and it raises ValueError where a rule that matched a numeral
wants None to mean "not a number". `parse_decimal` reads all of those, the kanji forms kanjize
reads (二十八, 一億五千万, 二〇一七, 壱) and mixed ones (5万5千, 3.5億), so dates, amounts, law
articles and document headers share one behaviour.

Never rewrite numerals across a whole text (三鷹市 would become 3鷹市).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

KANJI_DIGITS = {
    "〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
    "六": 6, "七": 7, "八": 8, "九": 9, "壱": 1, "弐": 2, "参": 3,
}  # fmt: skip
SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10**4, "億": 10**8, "兆": 10**12}

# Character classes for regexes that find numerals.
KANJI_DIGIT_CHARS = "〇零一二三四五六七八九壱弐参"
KANJI_NUMERAL_CHARS = KANJI_DIGIT_CHARS + "十拾百千"


def _small(chunk: str) -> Decimal | None:
    """Value of a chunk below 10,000: '5,000', '3.5', '五千', '二十七', '二〇一七', '5千'."""
    if not chunk:
        return None
    total = Decimal(0)
    cur: Decimal | None = None
    i = 0
    while i < len(chunk):
        ch = chunk[i]
        if ch.isdigit() and ch.isascii():
            j = i
            while j < len(chunk) and (
                chunk[j].isdigit() and chunk[j].isascii() or chunk[j] in ",."
            ):
                j += 1
            text = chunk[i:j].replace(",", "")
            try:
                cur = Decimal(text)
            except InvalidOperation:
                return None
            i = j
            continue
        if ch in KANJI_DIGITS:
            d = KANJI_DIGITS[ch]
            # Positional kanji digits (二〇一七) continue the current number.
            cur = d if cur is None else cur * 10 + d
        elif ch in SMALL_UNITS:
            total += (cur if cur is not None else 1) * SMALL_UNITS[ch]
            cur = None
        else:
            return None
        i += 1
    if cur is not None:
        total += cur
    return total


def parse_decimal(text: str) -> Decimal | None:
    """Parse a numeral into a Decimal, or None if it is not one."""
    text = text.strip()
    if not text:
        return None
    total = Decimal(0)
    rest = text
    seen_big = False
    # Split on the big units from the largest down: 1兆2千億3,000万500.
    for unit in ("兆", "億", "万"):
        if unit in rest:
            head, _, rest = rest.partition(unit)
            value = _small(head) if head else Decimal(1)
            if value is None:
                return None
            total += value * BIG_UNITS[unit]
            seen_big = True
    if rest:
        value = _small(rest)
        if value is None:
            return None
        total += value
    elif not seen_big:
        return None
    return total


def parse_int(text: str) -> int | None:
    """Parse a numeral that must denote an integer ('3.5億' yes, '3.5' no)."""
    value = parse_decimal(text)
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


_DIGITS = "〇一二三四五六七八九"


def _render_small(n: int) -> str:
    out = []
    for unit, char in ((1000, "千"), (100, "百"), (10, "十")):
        q, n = divmod(n, unit)
        if q:
            out.append(("" if q == 1 else _DIGITS[q]) + char)
    if n:
        out.append(_DIGITS[n])
    return "".join(out)


def to_kanji(n: int) -> str:
    """Render a non-negative integer as kanji numerals: 42 → 四十二, 150000000 → 一億五千万."""
    if n == 0:
        return "〇"
    out = []
    for unit, char in ((10**12, "兆"), (10**8, "億"), (10**4, "万")):
        q, n = divmod(n, unit)
        if q:
            out.append(_render_small(q) + char)
    if n:
        out.append(_render_small(n))
    return "".join(out)
