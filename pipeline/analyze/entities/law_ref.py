"""References to laws: 番号法第19条第1号, 地方自治法第245条の4, 番号法別表第2, 郵便法.

Any law or regulation of e-Gov's list (law_table.py: 法律, 政令, 勅令, 府省令, 規則, 憲法) is found
by its title, an e-Gov abbreviation, an older name listed as one (薬事法), or a curated short name;
a law number alone (平成19年法律第90号) is looked up in the list too. A short name (up to 4
characters, not a title) does not match at the end of a longer word (負担法 in 国庫負担法), except
after 旧/新/改正/現行 (旧薬事法 is 薬事法).

Value: `LAW[附則]第N条[のM][第N項][第N号]`, `LAW附則第N項` or `LAW別表第N` in arabic numerals, LAW
being the law's short name (the curated one, else its title); a law named without an article is
just `LAW`.
`law_key(entity)` is the same with the e-Gov law id in place of the name
(`322AC0000000067第180条第1項`), the value of the real documents' gold. attrs: `law`, `law_id`,
`law_title`, `law_number` (as printed when printed, else e-Gov's: 平成25年法律第27号), `category`,
`article` ("245の4"), `paragraph`, `item`, `appendix` ("別表第二"), and `supplementary` (true)
for an article of the 附則.

A name followed by 「(平成25年法律第27号、以下「番号法」という。)」 is one mention (also when a scan
lost the closing parenthesis); the law number identifies the law when the name alone does not, and
the defined name (番号法, 法, 施行令) is known from there on (until defined again for something that
is not a law, such as a city's 規則). A name that heads an amending act's
title (道路交通法の一部を改正する法律) or sits inside a 条例's title is not a reference to it.

Sequences and ranges: 第5条及び第6条, 第5条、第6条及び第8条, 第3条から第5条まで (one entity per
end), 第1項及び第2項, 第4号 after 第1項本文及び, even after a parenthesized note
(第51条第9項(同条第22項…において準用する場合を含む。)、第51条の3第1項).

Resolved from context: 同法 (the last 法 named; 同法施行令 its 施行令), 同令 / 同規則 (the law just
cited, if it is one), 同条 / 同項 / 同号 (the last article cited, unless an article of the
document's own was mentioned since), a bare 法 before 第N条, 附則 or 別表 (a defined 「法」, else the
last named law that has that 別表, else the law the last named 施行令 carries out, else the last
law, else — before any law is named, as on a gazette page that goes on from the previous one — the
first 法律 the document names: 法別表第二 in a 番号制度 text is 番号法's), a bare 別表第N
within 500 characters of a law name, a bare 施行令 / 施行規則 before 第N条 (the last one cited, else
the last law's), and a bare 第N条 that starts a line under a law's heading line
(a quoted statute: 「○郵便法(昭和22年法律第165号)」 … 「第四十二条」).
Not extracted: 前項/次条-style relative references, ordinances (条例) and local 規則, 告示,
treaties, 法律/法令/現行法; a law that names a person's field (園田寿・甲南法科大学院教授(刑法),
専門は民法), a juridical person (医療法人, 社会福祉法人), a field of study (刑法学); and inside a
quoted statute's text (the paragraph under 「※番号法第9条第3項」 or 「○郵便法(…)」 and 「第四十二条」),
the references that only context resolves (別表第一, 同条, 同法, 法第N条): like 第一項 or 前項 there,
they are the quoted law's wording, not the document citing it. Laws named in full there still count.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field, replace

from pipeline.ja.numerals import parse_int, to_kanji
from pipeline.ja.spacing import Compact, compact
from pipeline.model import Entity

from . import DocumentContext
from .law_table import ERAS, LAW_NUMBER_RE, NUM, Law, LawTable, canonical_number, int_of, law_table

_N = NUM  # a number as printed: 第1 80条 (OCR), 第百八十条
_KANJI_OR_KANA = re.compile(r"[一-龥々ァ-ヶー]")
PAREN_RE = re.compile(r"[(（](?P<inner>[^()（）]{0,120})[)）]")
# A law number note OCR garbled (昭和22年法律第67与): still the name's note.
LAW_NUMBER_NOTE = re.compile(rf"(?:{ERAS})(?:元|{NUM})年")
ALIAS_RE = re.compile(r"以下(?:単に)?「(?P<alias>[^」]{1,30})」という")
# The same note with its closing parenthesis lost to OCR:
# 「(平成25年法律第27号、以下「番号法」という。第19条」.
OPEN_ALIAS_PAREN_RE = re.compile(r"[(（](?P<inner>[^()（）]{0,120}?以下「[^」]{1,30}」という。?)")
_ITEM = rf"(?:第?(?P<item>{_N})号(?!様式))"
ARTICLE_RE = re.compile(rf"第(?P<art>{_N})条(?P<sub>(?:の{_N})*)(?:第?(?P<para>{_N})項)?{_ITEM}?")
PARAGRAPH_RE = re.compile(rf"第(?P<para>{_N})項{_ITEM}?")
# 附則第3条, 附則第2項: the supplementary provisions' articles or paragraphs.
SUPPLEMENTARY_RES = (re.compile("附則" + ARTICLE_RE.pattern), re.compile("附則" + PARAGRAPH_RE.pattern))
ITEM_RE = re.compile(rf"第(?P<item>{_N})号(?!様式)")
APPENDIX_RE = re.compile(rf"別表第(?P<app>{_N})")
SAME_TAIL_RE = re.compile(rf"(?:第?(?P<para>{_N})項)?{_ITEM}?")
# Every mention of an article, cited or the document's own: 同条 means the last one.
ARTICLE_MENTION_RE = re.compile(rf"(?<!同)第{_N}条|前条|次条")
# Between two items of a list: 第5条及び第6条, 第4条第1項及び第4項, 第3条から第5条まで; after the
# first item, words that qualify it (第2項ただし書, 第1項本文) may come first.
QUALIFIER_RE = re.compile(r"(?:ただし書|本文|前段|後段|各号列記以外の部分|各号|柱書き?)?")
SEPARATOR_RE = re.compile(r"(?:及び|並びに|又は|若しくは|から|乃至|ないし|[、,・〜~])")
# A law as a person's field: 教授(刑法), 弁護士(民法), 専門は刑法.
FIELD_TITLE = re.compile(r"(?:教授|准教授|助教|講師|弁護士|研究員)[(（]$")
FIELD_WORD = re.compile(r"(?:専門|専攻)(?:は|:)?$")
# Before a short name: still the law (旧薬事法, 改正番号法, 現行憲法).
AMENDED_PREFIX = re.compile(r"(?:旧|新|改正|現行)$")
# After a name: not the law itself (医療法人, 刑法学, 消防法令 (laws of a field), 道路交通法の一部を
# 改正する法律, and a 施行細則 or 施行令 the list does not have: a prefecture's 生活保護法施行細則, a
# repealed order).
NOT_THE_LAW_AFTER = re.compile(
    r"人|学|律|令(?!和)|(?:等)?の一部を改正する(?:法律|政令|省令|府令|規則|命令)"
    r"|施行(?:令|規則|細則|条例|規程|法)"
)
# A name inside the title of an act that is not a law: a 条例 (児童福祉法に基づく…の基準を定める
# 条例), or one whose number says 告示, 訓令 or a city's 規則 (生活保護法による保護の基準(昭和38年
# 厚生省告示第158号)).
ACT_TITLE_RE = re.compile(
    rf"(?P<run>[^。「」『』()（）\n\t]{{0,60}}?)"
    rf"(?:条例|[(（](?:{ERAS})[^()（）]{{0,16}}(?:告示|訓令|条例|規則)第)"
)
CITING_WORDS = re.compile(r"規定|により|に基づき|に基き|で定め|の定め|第|は、|が")


@dataclass
class Part:
    """The article part of a reference: 第245条の4第1項第2号, or 別表第2."""

    article: str | None = None  # "245の4"
    paragraph: int | None = None
    item: int | None = None
    appendix: int | None = None
    supplementary: bool = False  # of the 附則

    @classmethod
    def of(cls, m: re.Match | None) -> Part:
        if m is None or not m.group(0):
            return cls()
        g = m.groupdict()
        article = None
        if g.get("art"):
            article = str(int_of(g["art"]))
            for sub in re.findall(_N, g["sub"] or ""):
                article += f"の{int_of(sub)}"
        return cls(
            article,
            int_of(g["para"]) if g.get("para") else None,
            int_of(g["item"]) if g.get("item") else None,
            int_of(g["app"]) if g.get("app") else None,
            m.group(0).startswith("附則"),
        )

    def __str__(self) -> str:
        if self.appendix is not None:
            return f"別表第{self.appendix}"
        out = "附則" if self.supplementary else ""
        if self.article:
            a, *subs = self.article.split("の")
            out += f"第{a}条" + "".join(f"の{s}" for s in subs)
        if self.paragraph is not None:
            out += f"第{self.paragraph}項"
        if self.item is not None:
            out += f"第{self.item}号"
        return out

    def attrs(self) -> dict:
        out = {
            "article": self.article, "paragraph": self.paragraph, "item": self.item,
            "appendix": f"別表第{to_kanji(self.appendix)}" if self.appendix is not None else None,
        }  # fmt: skip
        if self.supplementary:
            out["supplementary"] = True
        return out


def tail(c: str, pos: int) -> tuple[int, Part, int]:
    """The article or appendix right after `pos`: (end, part, where it starts)."""
    for pattern in (ARTICLE_RE, *SUPPLEMENTARY_RES, APPENDIX_RE):
        m = pattern.match(c, pos)
        if m:
            return m.end(), Part.of(m), pos
    return pos, Part(), -1


@dataclass
class Ref:
    """A reference found: compact span, the law, its article part."""

    start: int
    end: int
    law: Law
    part: Part = field(default_factory=Part)
    number: str | None = None  # the law number printed with it, canonical
    part_at: int = -1  # where the article part starts (for 同条), -1 when none
    heading: bool = False  # the name heads its line (a quoted statute follows)
    defines: str | None = None  # the short name its note defines (以下「法」という)


@dataclass
class Hit:
    """Where a rule may start a reference; `data` is what the rule found there."""

    start: int
    end: int
    rule: Rule
    data: object = None


class Reading:
    """What the reader knows at a point of the document: the laws and articles cited so far."""

    def __init__(self, text: str, view: Compact, table: LawTable):
        self.text, self.view, self.c, self.table = text, view, view.text, table
        self.aliases: dict[str, Law] = {}  # 以下「法」という
        self.last_law: Law | None = None
        self.last_law_at = -(10**9)
        self.last_heading = False
        self.recent: list[Law] = []  # laws cited so far, most recent last
        self.last_ref: Ref | None = None  # the last reference with an article
        self.quoted = (-1, -1)  # original offsets of a quoted statute's text
        self.lists: dict[int, Ref] = {}  # where the next item of a list may start -> its last item
        self.mentions = [m.start() for m in ARTICLE_MENTION_RE.finditer(self.c)]
        self.named: list[Hit] = []  # the names found in the whole text (Named.hits)

    def first_law(self) -> Law | None:
        """The 法律 the document names first, or the one the 施行令 it names first carries out:
        what a bare 法 means before any law is named (a gazette page that goes on from the
        previous one)."""
        for hit in self.named:
            if NOT_THE_LAW_AFTER.match(self.c, hit.end):
                continue
            law = self.table.lookup(hit.data)
            if law is not None:
                return law if law.category == "法律" else self.table.parent(law)
        return None

    def in_quote(self, s: int) -> bool:
        o = self.view.orig(s)
        return self.quoted[0] <= o < self.quoted[1]

    def article_since(self, a: int, b: int) -> bool:
        """Was an article mentioned in [a, b)?"""
        i = bisect_left(self.mentions, a)
        return i < len(self.mentions) and self.mentions[i] < b

    def cited(self, ref: Ref) -> None:
        law = ref.law
        self.last_law, self.last_law_at = law, ref.end
        if law in self.recent:
            self.recent.remove(law)
        self.recent.append(law)
        if ref.part.article:
            self.last_ref = ref
        if ref.part.article or ref.part.appendix is not None or ref.part.supplementary:
            self.lists.update(dict.fromkeys(_list_continues(self.c, ref.end), ref))


def _list_continues(c: str, end: int) -> list[int]:
    """Where the next item of a list may start after an item ending at `end`: past a qualifier
    (本文) and a separator, or past a parenthesized note and a separator."""
    out = []
    pos = QUALIFIER_RE.match(c, end).end()
    sep = SEPARATOR_RE.match(c, pos)
    if sep:
        out.append(sep.end())
    close = _paren_end(c, pos)
    if close:
        sep = SEPARATOR_RE.match(c, close)
        if sep:
            out.append(sep.end())
    return out


def _paren_end(c: str, pos: int, limit: int = 300) -> int | None:
    """End of the balanced parenthesized note starting at `pos`, if one does."""
    if pos >= len(c) or c[pos] not in "(（":
        return None
    depth = 0
    for i in range(pos, min(len(c), pos + limit)):
        if c[i] in "(（":
            depth += 1
        elif c[i] in ")）":
            depth -= 1
            if depth == 0:
                return i + 1
    return None


class Rule:
    """One way a reference starts. `hits` finds the candidates in the compact text, `resolve`
    decides what each refers to given what was read before it (None: not a reference).
    `in_quotes`: whether it applies inside a quoted statute's text."""

    in_quotes = False
    pattern: re.Pattern | None = None

    def hits(self, r: Reading) -> list[Hit]:
        return [Hit(m.start(), m.end(), self, m) for m in self.pattern.finditer(r.c)]

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        raise NotImplementedError

    def after(self, ref: Ref, r: Reading) -> None:
        """Update the reading once a reference of this rule is kept."""
        r.last_heading = False


class Named(Rule):
    """A law by name: 地方自治法(昭和22年法律第67号)第180条第1項, 予決令第71条, 薬事法."""

    in_quotes = True

    def hits(self, r: Reading) -> list[Hit]:
        found = sorted(r.table.find(r.c), key=lambda x: (x[0], x[0] - x[1]))
        out, last_end = [], -1
        for s, e, name in found:  # leftmost-longest: 地方税法施行規則 over its 地方税法
            if s >= last_end and self._stands_alone(r.c, s, name, r.table.titles):
                out.append(Hit(s, e, self, name))
                last_end = e
        r.named = out
        return out

    @staticmethod
    def _stands_alone(c: str, s: int, name: str, titles) -> bool:
        """Not the tail of a longer word: 民法 in 市民法, an abbreviation such as 負担法 in
        国庫負担法 or 運輸規則 in 自動車運輸規則 (a title such as 郵便法 is distinctive enough);
        旧薬事法, 改正番号法 are still 薬事法, 番号法."""
        short = len(name) <= 2 or len(name) <= 4 and name not in titles
        if not (short and s and _KANJI_OR_KANA.match(c[s - 1])):
            return True
        return bool(AMENDED_PREFIX.search(c, max(0, s - 2), s))

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        c, s, e = r.c, hit.start, hit.end
        if NOT_THE_LAW_AFTER.match(c, e):
            return None
        if (FIELD_TITLE.search(c, max(0, s - 4), s) and c[e : e + 1] in ")）") or (
            FIELD_WORD.search(c, max(0, s - 3), s)
        ):
            return None  # 教授(刑法): the person's field
        note_end, number, alias = _note(c, e)
        law = r.table.lookup(hit.data, number)
        if number and law and law.number != number:
            law = r.table.by_number.get(number) or law  # the number identifies the law
        if law is None:
            return None
        end, part, part_at = tail(c, note_end)
        if part_at < 0:
            if note_end == e and self._in_act_title(c, e):
                return None
            end = note_end if number else e
        o_start, o_name_end = r.view.span(s, note_end)
        heading = _is_heading(r.text, o_start, o_name_end)
        return Ref(s, end, law, part, number, part_at, heading, alias)

    @staticmethod
    def _in_act_title(c: str, e: int) -> bool:
        m = ACT_TITLE_RE.match(c, e)
        return bool(m) and not CITING_WORDS.search(m["run"])

    def after(self, ref: Ref, r: Reading) -> None:
        if ref.defines and ref.defines not in r.table.names:
            r.aliases[ref.defines] = ref.law  # 以下「番号法」という: a name known anyway
        r.last_heading = ref.heading
        if ref.heading:
            o_end = r.view.span(ref.start, ref.end)[1]
            nl = r.text.find("\n", o_end)
            r.quoted = (len(r.text) if nl < 0 else nl, _quoted_body_end(r.text, o_end))


class Defined(Rule):
    """A name the document defined after a law's name (以下「施行令」という → 施行令第167条の10の2)."""

    in_quotes = True

    def hits(self, r: Reading) -> list[Hit]:
        # Every occurrence, after its definition, of a name defined somewhere; `resolve` keeps
        # those a law's note defined (the reading knows which by then).
        out = []
        defined: dict[str, int] = {}  # each name, from its first definition on
        for m in ALIAS_RE.finditer(r.c):
            if m["alias"] not in r.table.names:  # 以下「番号法」という: a name known anyway
                defined.setdefault(m["alias"], m.end())
        for alias, after in defined.items():
            i = r.c.find(alias, after)
            while i >= 0:
                out.append(Hit(i, i + len(alias), self, alias))
                i = r.c.find(alias, i + len(alias))
        return out

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        c, s, e, alias = r.c, hit.start, hit.end, hit.data
        law = r.aliases.get(alias)
        if law is None:
            return None
        if len(alias) <= 2 and s and _KANJI_OR_KANA.match(c[s - 1]) and c[s - 1] != "旧":
            return None  # 方法, 憲法: part of another word
        if len(alias) <= 2 and not (ARTICLE_RE.match(c, e) or APPENDIX_RE.match(c, e)):
            return None  # 法 alone is a word; 法第5条 is the law
        if NOT_THE_LAW_AFTER.match(c, e):
            return None
        end, part, part_at = tail(c, e)
        return Ref(s, max(end, e), law, part, None, part_at)


class Redefined(Rule):
    """以下「規則」という after something that is not a law (新潟市契約規則): from there on the name
    is not a law's, whatever it named before. (A law's own note is read with the law's name.)"""

    in_quotes = True
    pattern = ALIAS_RE

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        r.aliases.pop(hit.data["alias"], None)
        return None


class Numbered(Rule):
    """A law cited by its number alone: 平成19年法律第90号."""

    pattern = LAW_NUMBER_RE

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        number = canonical_number(hit.data.group())
        law = r.table.by_number.get(number or "")
        if law is None:
            return None
        end = hit.end
        close = end + 1 if r.c[end : end + 1] in (")", "）") else end
        t_end, part, part_at = tail(r.c, close)
        if part_at >= 0:
            end = t_end
        return Ref(hit.start, end, law, part, number, part_at)


class SameLaw(Rule):
    """同法 (the last 法 cited, even after its 施行令), 同法第2条, 同法施行令第3条, 同令, 同規則."""

    pattern = re.compile(
        r"同(?:法(?P<companion>施行令|施行規則)?(?![人律令])|(?P<kind>令(?!和)|規則))"
    )

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        m = hit.data
        if m["kind"]:  # 同令: the law just cited, if it is one (a city's 規則 is not in the table)
            law = r.last_law if r.last_law and r.last_law.title.endswith(m["kind"]) else None
        else:
            law = next((x for x in reversed(r.recent) if x.title.endswith(("法", "法律"))), None)
            law = law or r.last_law
            if law and m["companion"]:
                law = r.table.companion(law, m["companion"])
        if law is None:
            return None
        end, part, part_at = tail(r.c, hit.end)
        return Ref(hit.start, max(end, hit.end), law, part, None, part_at)


class Same(Rule):
    """同条, 同項, 同号: the last article cited, unless one of the document's own was mentioned
    after it (then 同条 is that one, not a law's)."""

    pattern = re.compile(r"同(?P<what>条|項|号)(?!例)")

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        base = r.last_ref
        if base is None or r.article_since(base.part_at + 1, hit.start):
            return None
        what = hit.data["what"]
        if what == "項" and base.part.paragraph is None or what == "号" and base.part.item is None:
            return None
        m = SAME_TAIL_RE.match(r.c, hit.end)
        more = Part.of(m)
        if what == "条":
            part = replace(base.part, paragraph=more.paragraph, item=more.item)
        elif what == "項":
            part = replace(base.part, item=more.item)
        else:
            part = base.part
        end = m.end() if m.group(0) else hit.end
        return Ref(hit.start, end, base.law, part, None, hit.start)


class BareLaw(Rule):
    """法第5条, 法別表第二: the law the document calls 法."""

    # Not the end of a word (方法), but it may follow an item or article number whose space was
    # lost: 「五 法第二十五条」, 「第十七条の二 法第五十一条」.
    pattern = re.compile(rf"(?:(?<![一-龥ァ-ヶー])|(?<=[〇一二三四五六七八九十条]))法(?=第{_N}条|別表第|附則第)")

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        end, part, part_at = tail(r.c, hit.end)
        law = r.aliases.get("法")
        if law is None and part.appendix is not None:
            want = f"別表第{to_kanji(part.appendix)}"
            law = next((x for x in reversed(r.recent) if want in x.appendices), None)
        if law is None and r.last_law is not None:
            law = r.table.parent(r.last_law) or r.last_law
        if law is None:
            law = r.first_law()
        if law is None:
            return None
        return Ref(hit.start, end, law, part, None, part_at)


class BareOrder(Rule):
    """施行令第167条, 施行規則第3条 with no name defined for them: the last 施行令 cited, else the
    施行令 of the last law cited."""

    pattern = re.compile(rf"(?<![一-龥ァ-ヶー])(?P<word>施行令|施行規則)(?=第{_N}条|別表第|附則第)")

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        word = hit.data["word"]
        law = next((x for x in reversed(r.recent) if x.title.endswith(word)), None)
        if law is None and r.last_law is not None:
            law = r.table.companion(r.table.parent(r.last_law) or r.last_law, word)
        if law is None:
            return None
        end, part, part_at = tail(r.c, hit.end)
        return Ref(hit.start, end, law, part, None, part_at)


class BareAppendix(Rule):
    """別表第一 within 500 characters of a law's name: that law's."""

    pattern = re.compile(rf"(?<![一-龥ァ-ヶー])別表第{_N}")

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        if r.last_law is None or hit.start - r.last_law_at > 500:
            return None
        end, part, part_at = tail(r.c, hit.start)
        return Ref(hit.start, end, r.last_law, part, None, part_at)


class ListItem(Rule):
    """The next item of a list or range: 第6条 in 第5条及び第6条, 第2項 in 第1項及び第2項, 第4号 in
    第1項本文及び第4号, 第5条 in 第3条から第5条まで."""

    pattern = re.compile(rf"(?:第{_N}[条項号]|別表第{_N})")

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        prev = r.lists.get(hit.start)
        if prev is None:
            return None
        c, s, base = r.c, hit.start, prev.part
        if m := ARTICLE_RE.match(c, s):  # 附則第15条及び第16条: both of the 附則
            part = replace(Part.of(m), supplementary=base.supplementary)
        elif m := APPENDIX_RE.match(c, s):
            part = Part.of(m)
        elif (base.article or base.supplementary) and (m := PARAGRAPH_RE.match(c, s)):
            more = Part.of(m)
            part = replace(base, paragraph=more.paragraph, item=more.item)
        elif base.article and (m := ITEM_RE.match(c, s)):
            part = replace(base, item=int_of(m["item"]))
        else:
            return None
        return Ref(s, m.end(), prev.law, part, None, s)


class HeadedArticle(Rule):
    """第四十二条 starting a line under a law's heading line (a quoted statute)."""

    in_quotes = True
    pattern = re.compile(rf"(?<![一-龥ァ-ヶー0-9])第{_N}条")

    def resolve(self, hit: Hit, r: Reading) -> Ref | None:
        o_s = r.view.orig(hit.start)
        ls = r.text.rfind("\n", 0, o_s) + 1
        if r.text[ls:o_s].strip(" \u3000○※・") or not r.last_heading:
            return None
        if hit.start - r.last_law_at > 300:
            return None
        end, part, part_at = tail(r.c, hit.start)
        return Ref(hit.start, end, r.last_law, part, None, part_at)

    def after(self, ref: Ref, r: Reading) -> None:
        # 第四十二条 郵便物の…: its paragraph is the quoted text.
        o_start = r.view.orig(ref.start)
        para_end = r.text.find("\n\n", o_start)
        r.quoted = (o_start, len(r.text) if para_end < 0 else para_end)


# In order of precedence where two start at the same place.
RULES: tuple[Rule, ...] = (
    Named(), Defined(), Redefined(), Numbered(), SameLaw(), Same(), BareLaw(), BareOrder(),
    ListItem(), BareAppendix(), HeadedArticle(),
)  # fmt: skip
_PRECEDENCE = {rule: i for i, rule in enumerate(RULES)}


def _note(c: str, pos: int) -> tuple[int, str | None, str | None]:
    """The parenthesized note right after a law's name, closed or (on a scan) not, when it gives
    the law number or defines a short name: (where it ends, the canonical number, the name it
    defines); `pos` and two Nones when there is none."""
    # 「建設工事に係る資材の再資源化等に関する法律」(平成12年法律第104号): the quoted name's note.
    at = pos + 1 if c.startswith("」", pos) else pos
    p = PAREN_RE.match(c, at) or OPEN_ALIAS_PAREN_RE.match(c, at)
    if not p:
        return pos, None, None
    inner = p["inner"]
    n = LAW_NUMBER_RE.search(inner)
    a = ALIAS_RE.search(inner)
    if not (n or a or LAW_NUMBER_NOTE.match(inner)):
        return pos, None, None  # (技術的な助言): a caption, not the law's note
    return p.end(), canonical_number(n.group()) if n else None, a["alias"] if a else None


def _is_heading(text: str, start: int, end: int) -> bool:
    """The law name heads its line: decoration before it, only its number and an article after
    it (「○郵便法(昭和22年法律第165号)」, 「※番号法第9条第3項」), all on one line (not a column
    of one character per line)."""
    if "\n" in text[start:end]:
        return False
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    le = len(text) if le < 0 else le
    before = re.sub(r"\s", "", text[ls:start])
    after = PAREN_RE.sub("", re.sub(r"\s", "", text[end:le]))
    return bool(re.fullmatch(r"[○〇◯●■□◆◇※・\-]*", before)) and (
        not after or bool(ARTICLE_RE.fullmatch(after))
    )


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
    reading = Reading(text, view, law_table())
    hits = [hit for rule in RULES for hit in rule.hits(reading)]
    hits.sort(key=lambda h: (h.start, h.start - h.end, _PRECEDENCE[h.rule]))
    out: list[Entity] = []
    consumed = -1
    for hit in hits:
        if hit.start < consumed:
            continue
        if not hit.rule.in_quotes and reading.in_quote(hit.start):
            continue  # 別表第一 in a quoted statute's text
        ref = hit.rule.resolve(hit, reading)
        if ref is None:
            continue
        consumed = ref.end
        out.append(_entity(text, view, ref))
        hit.rule.after(ref, reading)
        reading.cited(ref)
    return out


def _entity(text: str, view: Compact, ref: Ref) -> Entity:
    o_start, o_end = view.span(ref.start, ref.end)
    law = ref.law
    attrs = {
        "law": law.short,
        "law_id": law.law_id,
        "law_title": law.title,
        "law_number": ref.number or law.number,
        "category": law.category,
        **ref.part.attrs(),
    }
    return Entity("law_ref", text[o_start:o_end], f"{law.short}{ref.part}", o_start, o_end,
                  attrs=attrs)


def article_part(attrs: dict) -> str:
    """第180条第1項 / 別表第2 / "" from a law_ref's attrs."""
    appendix = attrs.get("appendix")
    return str(
        Part(
            attrs.get("article"),
            attrs.get("paragraph"),
            attrs.get("item"),
            parse_int(appendix.removeprefix("別表第")) if appendix else None,
            bool(attrs.get("supplementary")),
        )
    )


def law_key(entity: Entity) -> str:
    """The law's e-Gov id and the article part: 322AC0000000067第180条第1項 (the law id alone when
    no article is cited), whatever name the text used."""
    return f"{entity.attrs['law_id']}{article_part(entity.attrs)}"
