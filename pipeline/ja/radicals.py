"""Characters that look like ordinary kanji but are other code points, which NFKC leaves alone.

Word processors and Excel-made PDFs write some kanji with the glyph of a radical: 「⻑」
(U+2ED1, CJK Radicals Supplement) for 長, 「⻝」 for 食. NFKC folds the Kangxi Radicals block
(⽉ → 月) but not the Radicals Supplement (U+2E80–U+2EFF). A name written with them would never
match its ordinary spelling, in search or against reference data.

Not here: the twelve CJK compatibility ideographs Unicode counts as unified (﨑 U+FA11 in 山﨑) are
the spelling a person or place uses, kept in the text as written; search folds them with the other
異体字 (pipeline/data/variants.tsv).

The table is Unicode's own: EquivalentUnifiedIdeograph.txt (UCD) for U+2E81–U+2EF3 (U+2E80
has no equivalent).
`unify` is applied before NFKC (normalize/text.py `fold`).
"""

from __future__ import annotations

# Radical and the kanji it stands for, pairs separated by spaces.
_EQUIVALENTS = (
    # CJK Radicals Supplement, from EquivalentUnifiedIdeograph.txt
    "⺁厂 ⺂乛 ⺃乚 ⺄乙 ⺅亻 ⺆冂 ⺇𠘨 ⺈刀 ⺉刂 ⺊卜 ⺋㔾 ⺌小 ⺍小 ⺎兀 ⺏尣 ⺐尢 ⺑𡯂 ⺒巳 ⺓幺 ⺔彑 "
    "⺕𫜹 ⺖忄 ⺗心 ⺘扌 ⺙攵 ⺛旡 ⺜日 ⺝月 ⺞歺 ⺟母 ⺠民 ⺡氵 ⺢氺 ⺣灬 ⺤爫 ⺥爫 ⺦丬 ⺧牛 ⺨犭 ⺩王 "
    "⺪𤴔 ⺫目 ⺬示 ⺭礻 ⺮𥫗 ⺯糹 ⺰纟 ⺱罓 ⺲罒 ⺳㓁 ⺴冗 ⺵𦉫 ⺶羊 ⺷𦍌 ⺸𦍋 ⺹耂 ⺺肀 ⺻聿 ⺼肉 ⺽𦥑 "
    "⺾艹 ⺿艹 ⻀艹 ⻁虎 ⻂衤 ⻃覀 ⻄西 ⻅见 ⻆角 ⻇𧢲 ⻈讠 ⻉贝 ⻊𧾷 ⻋车 ⻌辶 ⻍辶 ⻎辶 ⻏邑 ⻐钅 ⻑長 "
    "⻒镸 ⻓长 ⻔门 ⻕𨸏 ⻖阝 ⻗雨 ⻘青 ⻙韦 ⻚页 ⻛风 ⻜飞 ⻝食 ⻞𩙿 ⻟飠 ⻠饣 ⻡𩠐 ⻢马 ⻣骨 ⻤鬼 ⻥鱼 "
    "⻦鸟 ⻧卤 ⻨麦 ⻩黄 ⻪黾 ⻫斉 ⻬齐 ⻭歯 ⻮齿 ⻯竜 ⻰龙 ⻱龜 ⻲亀 ⻳龟"
)

TABLE: dict[int, str] = {}
for _pair in _EQUIVALENTS.split():
    _source, _target = _pair  # one code point each (str iterates by code point)
    TABLE[ord(_source)] = _target


def unify(text: str) -> str:
    """The text with radicals written as the ordinary kanji they stand for."""
    return text.translate(TABLE)
