"""pipeline.normalize: one test per rule, and properties over arbitrary text."""

import unicodedata
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.model import Page, Table
from pipeline.normalize import fold, normalize_page, normalize_text


@pytest.mark.parametrize(
    "raw, expected",
    [
        # OCR and letter-spaced text layers space Japanese characters apart.
        ("平 成 28 年 9 月 16 日", "平成28年9月16日"),
        ("保 発 0819 第 １ 号", "保発0819第1号"),
        ("事 務 連 絡", "事務連絡"),
        ("総行住第 185 号", "総行住第185号"),
        ("「 普通郵便 」 にて", "「普通郵便」にて"),
        ("によって、 行政上", "によって、行政上"),
        # Spaces between Latin words and digit groups stay; Japanese next to Latin joins.
        ("e-Tax や住民票", "e-Taxや住民票"),
        ("負担金 (J-LIS)", "負担金(J-LIS)"),
        ("(Tel.3706-7204)", "(Tel.3706-7204)"),
        ("122,000,000 ÷ 130,000 = 約940円", "122,000,000 ÷ 130,000 =約940円"),
        ("the  quick   fox", "the quick fox"),
        # A space the writer put between Japanese words is kept.
        ("世田谷区 中野区", "世田谷区 中野区"),
        ("中野 元臨時職員再逮捕 住居侵入容疑", "中野 元臨時職員再逮捕 住居侵入容疑"),
        # Full-width ASCII and digits fold to half-width, half-width katakana to full-width.
        ("ＡＢＣ１２３", "ABC123"),
        ("ｶﾞｲﾄﾞﾗｲﾝ", "ガイドライン"),
        ("㍻28年", "平成28年"),
        ("\u3000全角スペース\u3000", "全角スペース"),
        # Vertical presentation forms (from vertical text layers) fold to the usual ones.
        ("\ufe41括弧\ufe42", "「括弧」"),
        # Ranges keep one wave dash; circled numbers and ellipses stay as printed.
        ("9月15日～10月1日", "9月15日〜10月1日"),
        ("9月15日〜10月1日", "9月15日〜10月1日"),
        ("①-②-③", "①-②-③"),
        ("…(市民にとって)", "…(市民にとって)"),
        # Kanji numerals are never converted.
        ("三鷹市、八王子市、四日市市、一般会計、第四十二条", "三鷹市、八王子市、四日市市、一般会計、第四十二条"),
        # Tabs separate table cells: kept, spaces around them dropped.
        ("合計 \t 131,380,000 \t ①", "合計\t131,380,000\t①"),
        ("", ""),
    ],
)
def test_rules(raw, expected):
    assert normalize_text(raw) == expected


FULL = "特別徴収税額通知書の送付に際しての留意事項について、下記のとおり通知しますので、適"


def test_joins_lines_wrapped_inside_a_paragraph():
    text = "\n".join([
        FULL,
        "切に対応いただきますようお願いいたします。",
        "貴都道府県におかれては、各市区町村に対して、この旨を周知するとともに、適切な取組",
        "へ向けた助言等をお願いします。",
    ])
    assert normalize_text(text) == (
        "特別徴収税額通知書の送付に際しての留意事項について、下記のとおり通知しますので、"
        "適切に対応いただきますようお願いいたします。\n"
        "貴都道府県におかれては、各市区町村に対して、この旨を周知するとともに、"
        "適切な取組へ向けた助言等をお願いします。"
    )


def test_keeps_headings_items_rows_and_short_lines():
    lines = [
        "記",
        "1 市町村が特別徴収義務者に提供する個人番号の取扱いについて",
        FULL,
        "・確定申告時にマイナンバーをかかなければいけないと思っている事業者が多数。",
        FULL,
        "(1) 送付について",
        FULL,
        "①誤配達の旨を表示した上で",
        "機器類関係費\t131,380,000\t202,120,000",
        "特別交付税\t25,400,000\t25,400,000",
        "",
        "平成28年11月25日",
    ]
    # Every line stays a line as it was, but for the space after an item's number.
    expected = lines.copy()
    expected[1] = "1市町村が特別徴収義務者に提供する個人番号の取扱いについて"
    expected[5] = "(1)送付について"
    assert normalize_text("\n".join(lines)).split("\n") == expected


def test_latin_words_wrapped_get_a_space():
    line = "The quick brown fox jumps over the lazy dog again and"
    text = "\n".join([line, line, "again."])
    assert normalize_text(text) == f"{line} {line} again."


def test_a_number_wrapped_mid_digits_stays_one_number():
    line = "知人女性の住所や生年月日を閲覧した事件で区の情報システムは20"
    text = "\n".join([line, line, "00回以上使われた。"])
    assert normalize_text(text) == line + line + "00回以上使われた。"


def test_blank_line_runs_collapse_to_one():
    assert normalize_text("第1項\n\n\n\n第2項\n") == "第1項\n\n第2項"


def test_normalize_page_folds_text_and_cells():
    page = Page(1, "保 発 0819 第 １ 号", tables=[Table(1, [["負担金 (J-LIS)", "３０，０００"]])])
    out = normalize_page(page)
    assert out.text == "保発0819第1号"
    assert out.tables[0].rows == [["負担金(J-LIS)", "30,000"]]
    assert page.text == "保 発 0819 第 １ 号"  # a copy: the input is left alone


# Text drawn from what extraction produces: Japanese, ASCII, full-width and half-width forms,
# the kept characters, spaces of several kinds, tabs and line breaks.
_alphabet = st.sampled_from(
    list("平成年月日保発第号東京都世田谷区のをにはがてしたるアイウエオカガーンｶﾞｯ")
    + list("0123456789０１２３abcXYZＡＢ.,-()（）「」、。・※●①②⑴㍻〜～…")
    + [" ", " ", "\u3000", "\t", "\n", "\n", "\r", "\ufe41", "\u00a8", "\ufb01"]
)
japanese_text = st.text(_alphabet, max_size=200)


def _non_space(text: str) -> Counter:
    # Decomposed, since removing a space can let a combining mark compose with a letter.
    return Counter(ch for ch in unicodedata.normalize("NFD", text) if not ch.isspace())


@settings(max_examples=300, deadline=None)
@given(japanese_text)
def test_idempotent(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@settings(max_examples=300, deadline=None)
@given(japanese_text)
def test_changes_only_whitespace_after_folding(text):
    assert _non_space(normalize_text(text)) == _non_space(fold(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=100))
def test_never_crashes_and_is_idempotent_on_any_text(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    assert _non_space(once) == _non_space(fold(text))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(_alphabet, min_size=30, max_size=60), min_size=2, max_size=12))
def test_idempotent_on_many_lines(lines):
    text = "\n".join(lines)
    once = normalize_text(text)
    assert normalize_text(once) == once
