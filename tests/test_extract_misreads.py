"""Tesseract's known misreadings, corrected from the text itself; the dictionary's choice
between readings of one line."""

import pytest

from pipeline._exec import tesseract
from pipeline.extract.misreads import fix_latin_j, strip_continuation_marks, strip_line_noise
from pipeline.extract.likelier import likelier
from pipeline.extract.reread import _voted
from pipeline.ja import lexicon


@pytest.mark.parametrize("line, fixed", [
    ("負担金(」-LIS)3,000,000", "負担金(J-LIS)3,000,000"),
    ("・J」-LISの提供", "・J-LISの提供"),          # the J read, and read again as 」
    ("負担金()-LIS)3,000,000", "負担金(J-LIS)3,000,000"),  # no empty brackets
    ("「(」-LIS)」", "「(J-LIS)」"),
    ("「J-LISの」-ALERT」", "「J-LISの」-ALERT」"),  # 」 closes the 「: a bracket
    ("「通知」-別紙", "「通知」-別紙"),              # not before a Latin word
])
def test_latin_j(line, fixed):
    assert fix_latin_j(line) == fixed


@pytest.mark.parametrize("line, fixed", [
    ("[5] 中間サーバーについて-", "[5] 中間サーバーについて"),
    ("記載について..", "記載について"),
    ("強化が求められ~", "強化が求められ"),
    ("期間は1~", "期間は1~"),                        # a range cut by the line's end
    ("コスト削減-", "コスト削減"),
    ("・など、社会保障と税のための制度", "など、社会保障と税のための制度"),
    ("・に対応するとともに", "に対応するとともに"),
    ("・個人番号カードの交付", "・個人番号カードの交付"),  # a bullet before a noun stays
    ("・いわゆる番号法", "・いわゆる番号法"),
    ("・コンビニ交付", "・コンビニ交付"),
])
def test_line_edge_noise(line, fixed):
    assert strip_line_noise(line) == fixed


def test_continuation_marks():
    page = ("応と、国からの遅い指示に対して現場には迅\n"
            "- 速に対応しなければならず、昨年に続き苦し\n"
            "ています。一昨年は通知カードの交付で混乱し\n"
            "\n"
            "「マイナンバーカード」はいまのところ身分\n"
            "\n"
            "-証明以外に使い道がありません。さまざまな個\n"
            "人情報が載ったカードです。\n"
            "- 次の項目は別紙のとおり\n"
            "項目\t内容\n"
            "- 手数料\t無料")
    assert strip_continuation_marks(page).splitlines() == [
        "応と、国からの遅い指示に対して現場には迅",
        "速に対応しなければならず、昨年に続き苦し",   # 迅 / 速: one word across the lines
        "ています。一昨年は通知カードの交付で混乱し",
        "",
        "「マイナンバーカード」はいまのところ身分",   # across the paragraph the speck made
        "",
        "証明以外に使い道がありません。さまざまな個",
        "人情報が載ったカードです。",
        "- 次の項目は別紙のとおり",                   # after a sentence's end: an item
        "項目\t内容",
        "- 手数料\t無料",                             # table rows are not sentences
    ]


def test_dictionary_costs():
    assert lexicon.cost("責任の所在の曖昧さ") < lexicon.cost("責任の所在の暖味さ")
    assert lexicon.cost("特別徴収義務者") < lexicon.cost("特別微収義務者")
    assert lexicon.cost("") == 0


def _reading(*texts_confs):
    out, left = [], 0
    for text, conf in texts_confs:
        out.append(tesseract.Word(text, conf, left, 0, 40 * len(text), 40, 1, 1, 1))
        left += 40 * len(text)
    return out


def test_the_dictionary_chooses_between_readings():
    """Three readings of five give 「暖味」, one 「曖昧」: the vote would keep the misreading."""
    pivot = _reading(("責任", 97), ("の", 97), ("所在", 96), ("の", 97), ("暖味", 40), ("さが", 93),
                     ("表面化", 95))
    readings = [pivot, pivot, pivot,
                _reading(("責任", 97), ("の", 97), ("所在", 96), ("の", 97), ("曖昧", 30), ("さが", 93),
                         ("表面化", 95)),
                _reading(("責任", 97), ("の", 97), ("所在", 96), ("の", 97), ("暖昧", 35), ("さが", 93),
                         ("表面化", 95))]
    assert "".join(w.text for w in _voted(pivot, readings)) == "責任の所在の曖昧さが表面化"


@pytest.mark.parametrize("chosen, variants, before, after, margin, kept", [
    ("J", ["J", "」"], "システム機構(", "-LIS)、全国市長会", 0, "J"),  # no Latin letter dropped
    ("殿", ["殿", ""], "各都道府県知事", "総務大臣", 0, "殿"),          # no kanji dropped
    ("「", ["「", ""], "導入から1年", "マイナンバー」は", 0, "「"),      # no bracket left open
    ("則", ["則", "旨"], "内の市区町村に対しても、この", "周知いただきます", 0, "則"),  # two words
    ("支", ["支", "坊"], "地方厚生(", ")局医療課長", 0, "支"),
    ("微", ["微", "徴"], "もって、特別", "収義務者において", 0, "徴"),  # a word found: 徴収
    ("綱", ["綱", "網"], "行政専用の閉域", "を通じて", 0, "綱"),     # 閉域網 is no word to it
    ("", ["", "1"], "CLE", "IA法", 0, ""),                            # no digit added
    ("暖味", ["暖味", "曖昧"], "責任の所在の", "さが表面化", 4000, "曖昧"),
    ("ば", ["ば", ""], "しかし、ほぼ", "同数が「カード", 0, ""),           # a stray kana
])
def test_likelier_guards(chosen, variants, before, after, margin, kept):
    assert likelier(chosen, variants, before, after, margin) == kept


def test_a_line_end_is_weighed_with_the_next_line():
    pivot = _reading(("マイナンバー", 97), ("関連", 96), ("の", 97), ("誕", 20))
    other = _reading(("マイナンバー", 97), ("関連", 96), ("の", 97), ("詐", 10))
    readings = [pivot, pivot, other, pivot]
    assert "".join(w.text for w in _voted(pivot, readings, "欺が多発している")) == "マイナンバー関連の詐"
    # The last line of a paragraph: nothing to weigh a cut word with, the vote stands.
    assert "".join(w.text for w in _voted(pivot, readings)) == "マイナンバー関連の誕"
