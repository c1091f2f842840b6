"""Document numbers of notices: 総行住第185号, 総税市第65号, 保医発0531第1号, 医政発0819第3号.

Value: as printed without spaces or line breaks (NFKC digits). The issuer code is the run of
2–5 kanji right before [MMDD]第N号, cut after a line break in the original, 付/通知/及び/並びに or a
date's 日/月 (「…課長通知保医発0531第1号」, 「8月19日保医発0819第10号」); a longer run is rejected.
Not document numbers: law numbers (平成25年法律第27号, 昭和29年総理府令第23号,
厚生労働省告示第85号: their run ends in 法律/令/規則/告示/条例 or follows a year),
forms (第3号様式, 様式第3号), items (第19条第1号, 第1号 alone), appendices (別表第1号).
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
_CUT = re.compile(r".*(?:付け|付|通知|及び|並びに|日|月)")
_LAW_SUFFIX = re.compile(
    r"(?:法律|法|令|規則|規程|告示|訓令|条例|通達|様式|別表|別記|附則|表|条|項|章|節)$"
)
_NOT_ISSUER = re.compile(r"[条項章節款目号様式別表附則回次年月日]")


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    out = []
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
        cut = _CUT.match(prefix)
        if cut:
            p_start += cut.end()
            prefix = prefix[cut.end() :]
        if not 2 <= len(prefix) <= 5:
            continue
        if _LAW_SUFFIX.search(prefix) or _NOT_ISSUER.search(prefix):
            continue
        if "年" in c[max(0, p_start - 1) : p_start]:
            continue
        start, end = view.span(p_start, m.end())
        value = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text[start:end]))
        out.append(Entity("doc_number", text[start:end], value, start, end, attrs={}))
    return out
