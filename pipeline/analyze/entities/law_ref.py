"""References to laws: 番号法第19条第1号, 地方自治法第245条の4, 番号法別表第2, 郵便法.

Value: `LAW第N条[のM][第N項][第N号]` or `LAW別表第N` in arabic numerals, LAW being the law's short
name; a law named without an article is just `LAW`. attrs: `law`, `law_full_name`, `law_number`
(平成25年法律第27号), `article` ("245の4"), `paragraph`, `item`, `appendix` ("別表第二").

Names come from pipeline/data/laws.json (curated: full title, short name, other names, number)
and the e-Gov abbreviations in law_abbreviations.json (names of 4+ characters naming one law).
A full title followed by 「(平成25年法律第27号、以下「番号法」という。)」 is one mention (also when a
scan lost the closing parenthesis), and the defined name is known from there on.

Resolved from context: 同法 (the last law named), 同条 (the last article), a bare 法 before 第N条 or
別表 (the last named law that has that 別表, else the last law: 法別表第二 in a 番号制度 text is
番号法's), a bare 別表第N within 500 characters of a law name, and a bare 第N条 that starts a
line under a law's heading line (a quoted statute: 「○郵便法(昭和22年法律第165号)」 … 「第四十二条」).
Not extracted: 前項/次条-style relative references, ordinances (条例), 法律/法令/現行法; a law
that names a person's field (園田寿・甲南法科大学院教授(刑法), 専門は民法); and inside a quoted
statute's text (the paragraph under 「※番号法第9条第3項」 or 「○郵便法(…)」 and 「第四十二条」), the
references that only context resolves (別表第一, 同条, 同法, 法第N条): like 第一項 or 前項 there, they
are the quoted law's wording, not the document citing it. Laws named in full there still count.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from pipeline.ja.numerals import parse_int, to_kanji
from pipeline.ja.spacing import compact
from pipeline.model import Entity

from . import DocumentContext

_N = r"(?:[0-9]+|[〇一二三四五六七八九十百千]+)"
_ERA = r"(?:明治|大正|昭和|平成|令和)"
LAW_NUMBER_RE = re.compile(
    rf"(?P<era>{_ERA})(?P<y>元|{_N})年(?P<kind>[一-龥]{{0,10}}?)第(?P<n>{_N})号"
)
PAREN_RE = re.compile(r"[(（](?P<inner>[^()（）]{0,120})[)）]")
ALIAS_RE = re.compile(r"以下「(?P<alias>[^」]{1,30})」という")
# The same note with its closing parenthesis lost to OCR:
# 「(平成25年法律第27号、以下「番号法」という。第19条」.
OPEN_ALIAS_PAREN_RE = re.compile(r"[(（](?P<inner>[^()（）]{0,120}?以下「[^」]{1,30}」という。?)")
ARTICLE_RE = re.compile(
    rf"第(?P<art>{_N})条(?P<sub>(?:の{_N})*)(?:第?(?P<para>{_N})項)?(?:第?(?P<item>{_N})号(?!様式))?"
)
APPENDIX_RE = re.compile(rf"別表第(?P<app>{_N})")
SAME_ARTICLE_TAIL_RE = re.compile(rf"(?:第?(?P<para>{_N})項)?(?:第?(?P<item>{_N})号(?!様式))?")
# Starters that need context: 同法, 同条, a bare 法, a bare 別表, a bare 第N条.
CONTEXT_RE = re.compile(
    rf"(?P<same_law>同法)(?![人律令])|(?P<same_art>同条)(?!例)"
    rf"|(?<![一-龥ァ-ヶー])(?P<bare_law>法)(?=第{_N}条|別表第)"
    rf"|(?<![一-龥ァ-ヶー])(?P<bare_app>別表第{_N})"
    rf"|(?<![一-龥ァ-ヶー0-9])(?P<bare_art>第{_N}条)"
)
_END_CHARS = re.compile(r"[法律令則]")
# A law as a person's field: 教授(刑法), 弁護士(民法), 専門は刑法.
FIELD_TITLE = re.compile(r"(?:教授|准教授|助教|講師|弁護士|研究員)[(（]$")
FIELD_WORD = re.compile(r"(?:専門|専攻)(?:は|:)?$")


@dataclass
class Law:
    short: str
    full: str | None
    number: str | None
    appendices: list[str] = field(default_factory=list)


def _arabic_law_number(kanji: str) -> str | None:
    m = LAW_NUMBER_RE.fullmatch(kanji)
    if not m:
        return None
    y = 1 if m["y"] == "元" else parse_int(m["y"])
    n = parse_int(m["n"])
    if y is None or n is None:
        return None
    return f"{m['era']}{y}年{m['kind']}第{n}号"


@lru_cache(maxsize=1)
def law_table() -> tuple[dict[str, Law], dict[int, list[int]]]:
    """Name → Law, and for each last character the name lengths to try (longest first)."""
    data = resources.files("pipeline.data")
    names: dict[str, Law] = {}
    curated = json.loads(data.joinpath("laws.json").read_text(encoding="utf-8"))["laws"]
    by_number: dict[str, Law] = {}
    for rec in curated:
        law = Law(rec["short"], rec["full"], rec["number"], rec.get("appendices", []))
        for name in [rec["short"], rec["full"], *rec.get("aliases", [])]:
            names[name] = law
        if rec["number"]:
            by_number[rec["number"]] = law
    egov = json.loads(data.joinpath("law_abbreviations.json").read_text(encoding="utf-8"))
    seen: dict[str, set[str]] = {}
    for rec in egov:
        for abb in rec["abbs"]:
            seen.setdefault(unicodedata.normalize("NFKC", abb), set()).add(rec["num"])
    for rec in egov:
        number = _arabic_law_number(unicodedata.normalize("NFKC", rec["num"]))
        abbs = [unicodedata.normalize("NFKC", a) for a in rec["abbs"]]
        law = by_number.get(number or "") or Law(abbs[0], None, number)
        for abb in abbs:
            if len(abb) >= 4 and abb not in names and len(seen[abb]) == 1 and abb[-1] in "法令則":
                names[abb] = law
    lengths: dict[int, set[int]] = {}
    for name in names:
        lengths.setdefault(ord(name[-1]), set()).add(len(name))
    return names, {k: sorted(v, reverse=True) for k, v in lengths.items()}


def _find_names(c: str, names: dict[str, Law], lengths) -> list[tuple[int, int, Law]]:
    found = []
    for m in _END_CHARS.finditer(c):
        i = m.end()
        for n in lengths.get(ord(m.group()), ()):
            if n > i:
                continue
            name = c[i - n : i]
            law = names.get(name)
            if law is None:
                continue
            if n <= 2 and i - n > 0 and re.match(r"[一-龥ァ-ヶー]", c[i - n - 1]):
                continue  # 民法 inside a longer word
            if c.startswith("学", i):
                continue  # 刑法学者, 憲法学: a field of study
            found.append((i - n, i, law))
            break
    # Leftmost-longest: 地方税法施行規則 over the 地方税法 inside it.
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out, last_end = [], -1
    for s, e, law in found:
        if s >= last_end:
            out.append((s, e, law))
            last_end = e
    return out


def _article(m: re.Match | None) -> dict:
    if not m or not m.group(0):
        return {"article": None, "paragraph": None, "item": None}
    article = None
    if m.groupdict().get("art"):
        article = str(parse_int(m["art"]))
        for sub in re.findall(_N, m["sub"] or ""):
            article += f"の{parse_int(sub)}"
    para = parse_int(m["para"]) if m["para"] else None
    item = parse_int(m["item"]) if m["item"] else None
    return {"article": article, "paragraph": para, "item": item}


def _value(law: Law, art: dict, appendix: int | None) -> str:
    value = law.short
    if appendix is not None:
        return f"{value}別表第{appendix}"
    if art["article"]:
        a, *subs = art["article"].split("の")
        value += f"第{a}条" + "".join(f"の{s}" for s in subs)
    if art["paragraph"] is not None:
        value += f"第{art['paragraph']}項"
    if art["item"] is not None:
        value += f"第{art['item']}号"
    return value


def _tail(c: str, pos: int) -> tuple[int, dict, int | None]:
    """Article or appendix right after `pos`: (end, article fields, appendix number)."""
    m = ARTICLE_RE.match(c, pos)
    if m:
        return m.end(), _article(m), None
    m = APPENDIX_RE.match(c, pos)
    if m:
        return m.end(), _article(None), parse_int(m["app"])
    return pos, _article(None), None


def _is_heading(text: str, start: int, end: int) -> bool:
    """The law name heads its line: decoration before it, only its number and an article after
    it (「○郵便法(昭和22年法律第165号)」, 「※番号法第9条第3項」)."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    before = re.sub(r"\s", "", text[ls:start])
    after = PAREN_RE.sub("", re.sub(r"\s", "", text[end:le]))
    return bool(re.fullmatch(r"[○〇◯●■□◆◇※・\-]*", before)) and (
        not after or bool(ARTICLE_RE.fullmatch(after))
    )


def _paren(c: str, pos: int) -> re.Match | None:
    """The parenthesized note right after a law name, closed or (on a scan) not."""
    return PAREN_RE.match(c, pos) or OPEN_ALIAS_PAREN_RE.match(c, pos)


def _quoted_body_end(text: str, pos: int) -> int:
    """End of the paragraph that follows the line holding `pos` (a quoted statute's text under
    its heading; a parenthesized caption such as 「(誤配達郵便物の処理)」 does not count)."""
    i = text.find("\n", pos)
    while i >= 0:
        while i < len(text) and text[i] in " \u3000\t\n":
            i += 1
        j = text.find("\n\n", i)
        j = len(text) if j < 0 else j
        if not re.fullmatch(r"[(（][^()（）]*[)）]", text[i:j].strip()):
            return j
        i = j
    return len(text)


def extract(text: str, ctx: DocumentContext) -> list[Entity]:
    view = compact(text)
    c = view.text
    names, lengths = law_table()
    starters: list[tuple[int, int, str, object]] = [
        (s, e, "name", law) for s, e, law in _find_names(c, names, lengths)
    ]
    # Names a document defines (以下「番号法」という) are known from there on.
    local: dict[str, tuple[int, Law]] = {}
    for s, e, _, law in list(starters):
        p = _paren(c, e)
        if p:
            a = ALIAS_RE.search(p["inner"])
            if a and a["alias"] not in names:
                local[a["alias"]] = (p.end(), law)
    for alias, (after, law) in local.items():
        for m in re.finditer(re.escape(alias), c[after:]):
            starters.append((after + m.start(), after + m.end(), "name", law))
    for m in CONTEXT_RE.finditer(c):
        kind = next(k for k, v in m.groupdict().items() if v)
        starters.append((m.start(), m.end(), kind, m))
    starters.sort(key=lambda x: (x[0], -(x[1] - x[0])))

    out: list[Entity] = []
    last_law: Law | None = None
    last_law_at = -(10**9)
    last_heading = False
    last_art: tuple[Law, dict] | None = None
    recent: list[Law] = []  # laws named so far, most recent last
    quoted_until = -1  # original offset where a quoted statute's text ends
    consumed = -1
    for s, e, kind, obj in starters:
        if s < consumed:
            continue
        law: Law | None = None
        appendix = None
        art = _article(None)
        end = e
        number = None
        if kind not in ("name", "bare_art") and view.orig(s) < quoted_until:
            continue  # 別表第一 in a quoted statute's text
        if kind == "name":
            law = obj
            if (
                FIELD_TITLE.search(c, max(0, s - 4), s) and c[e : e + 1] in (")", "）")
            ) or FIELD_WORD.search(c, max(0, s - 3), s):
                continue  # 教授(刑法): the person's field
            p = _paren(c, e)
            if p and (LAW_NUMBER_RE.search(p["inner"]) or ALIAS_RE.search(p["inner"])):
                n = LAW_NUMBER_RE.search(p["inner"])
                if n:
                    number = _arabic_law_number(n.group())
                end = p.end()
            o_s = view.orig(s)
            heading = _is_heading(text, o_s, view.span(s, end)[1])
            t_end, art, appendix = _tail(c, end)
            if t_end > end:
                end = t_end
            else:
                end = end if number else e
        elif kind == "same_law":
            law = last_law
            end, art, appendix = _tail(c, e)
            end = max(end, e)
        elif kind == "same_art":
            if last_art is None:
                continue
            law, base = last_art
            m = SAME_ARTICLE_TAIL_RE.match(c, e)
            art = dict(base)
            art["paragraph"] = parse_int(m["para"]) if m["para"] else None
            art["item"] = parse_int(m["item"]) if m["item"] else None
            end = m.end() if m.group(0) else e
        elif kind == "bare_law":
            end, art, appendix = _tail(c, e)
            if appendix is not None:
                want = f"別表第{to_kanji(appendix)}"
                law = next((x for x in reversed(recent) if want in x.appendices), last_law)
            else:
                law = last_law
        elif kind == "bare_app":
            if last_law is None or s - last_law_at > 500:
                continue
            law = last_law
            end, art, appendix = _tail(c, s)
        elif kind == "bare_art":
            o_s = view.orig(s)
            ls = text.rfind("\n", 0, o_s) + 1
            if text[ls:o_s].strip(" \u3000○※・") or not last_heading or s - last_law_at > 300:
                continue
            law = last_law
            end, art, appendix = _tail(c, s)
        if law is None:
            continue
        consumed = end
        o_start, o_end = view.span(s, end)
        attrs = {
            "law": law.short,
            "law_full_name": law.full,
            "law_number": number or law.number,
            **art,
            "appendix": f"別表第{to_kanji(appendix)}" if appendix is not None else None,
        }
        out.append(
            Entity(
                "law_ref",
                text[o_start:o_end],
                _value(law, art, appendix),
                o_start,
                o_end,
                attrs=attrs,
            )
        )
        if kind == "name":
            last_heading = heading
            if heading:
                quoted_until = _quoted_body_end(text, o_end)
        elif kind == "bare_art":  # 第四十二条 郵便物の…: its paragraph is the quoted text
            para_end = text.find("\n\n", o_start)
            quoted_until = len(text) if para_end < 0 else para_end
        else:
            last_heading = False
        last_law, last_law_at = law, end
        if law in recent:
            recent.remove(law)
        recent.append(law)
        if art["article"]:
            last_art = (law, {"article": art["article"], "paragraph": None, "item": None})
    return out
