"""Money: written amounts, bare amounts in yen tables, counts that are not money."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.analyze.entities import DocumentContext, money
from pipeline.ja.numerals import parse_int, to_kanji


def values(text: str) -> list[str]:
    return [e.value for e in money.extract(text, DocumentContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("事業費16,000,000円", ["16000000"]),
        ("一億五千万円の予算", ["150000000"]),
        ("3.5億円", ["350000000"]),
        ("特別交付税措置の上限額を5,000万円から6,000万円に引き上げ", ["50000000", "60000000"]),
        ("総額は 431,353,010 千円と定める", ["431353010000"]),
        ("1兆2千億円", ["1200000000000"]),
        ("5億3,000万円", ["530000000"]),
        ("4,037円(本体価格3,738円+消費税299円)", ["4037", "3738", "299"]),
        # Counts and units are not money.
        ("130,000枚、約170万世帯、1143万件、5万5千枚", []),
        ("(単位:千円)", []),
        ("関東一円で", []),
        ("交付円滑化", []),
    ],
)
def test_written_amounts(text, expected):
    assert values(text) == expected


def test_qualifiers():
    got = money.extract("約940円、150億円以上、5000万円上限、2000万円程", DocumentContext())
    assert [(e.value, e.attrs["approximate"], e.attrs["bound"]) for e in got] == [
        ("940", True, None), ("15000000000", False, "min"), ("50000000", False, "max"),
        ("20000000", True, None),
    ]  # fmt: skip


def test_vague_amount_is_flagged_not_invented():
    (e,) = money.extract("既に数千億円が投じられた", DocumentContext())
    assert (e.text, e.value, e.attrs["amount"], e.attrs["vague"]) == ("数千億円", "", None, True)


SHIRYO = (
    "年間証明書発行数 165,000枚\n\n"
    "初期費用・更新時費用\t41,200,000\t(更新時1000万円含む)\n"
    "保守\t25,920,000\n"
    "合計\t131,380,000\t1\n\n"
    "コンビニ発行数 130,000枚 13,000(1年間)\n\n"
    "130,000枚 × @123 = 約16,000,000 3\n\n"
    "122,000,000 ÷ 130,000 = 約940円\n"
    "証明書1枚当たりの単価\t938\t1,482\n"
    "全人口\t75,000\n"
)


def test_bare_amounts_in_a_yen_cost_sheet():
    assert values(SHIRYO) == [
        "41200000", "10000000", "25920000", "131380000", "123", "16000000", "122000000", "940",
        "938", "1482",
    ]  # fmt: skip


def test_bare_numbers_without_yen_are_not_money():
    assert values("保守\t25,920,000\n合計\t131,380,000") == []


def test_thousand_yen_table():
    text = "(単位:千円)\n01 特別区税 159,472,836\n 07 入湯税 9,404\n4\n"
    assert values(text) == ["159472836000", "9404000"]


def test_phone_numbers_are_not_money():
    assert values("電話:03-5253-5669 の件、費用1,000円") == ["1000"]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_kanji_numerals_agree_with_integers(n):
    assert parse_int(to_kanji(n)) == n
    assert parse_int(f"{n:,}") == n


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=2, max_value=10**15))  # 「…一円」 after kanji is 関東一円-style
def test_written_kanji_amount(n):
    (e,) = money.extract(f"金{to_kanji(n)}円也", DocumentContext())
    assert e.attrs["amount"] == n and e.value == str(n)


# Head counts in a thousand-yen table (the budget book's 給与費明細書) are not money.
SALARY_TABLE = (
    "(単位:千円)\n"
    "区分\t職員数 (人)\n"
    "報酬\t給料\t期末手当\n"
    "本年度\t長等\t5\t0\t53,108\n"
    "その他\t653\t343,173\t8,272\n"
    "計\t708\t943,308\t61,380\n"
    "区分\t扶養手当\t地域手当\n"
    "本年度\t277,105\t4,457,120 (68,556)\n"
    "一般職 (人)\t再任用短時間勤務職員(人)\n"
    "議会職員費\t26\t111\n"
    "合計\t5,483\t123\n"
    "区分\t合計\t一般行政職\n"
    "本年度\t職員数 (A) (人)\t5,483\t5,013\n"
    "平均給料月額\t302,875\n"
    "地域手当の状況\t支給率 20.0 支給対象職員数 (人) 5,391 (167)\n"
)


def test_head_counts_in_a_yen_table_are_not_money():
    assert values(SALARY_TABLE) == [
        "53108000", "343173000", "8272000", "943308000", "61380000", "277105000",
        "4457120000", "68556000", "302875000",
    ]  # fmt: skip


def test_page_numbers_are_not_money():
    assert values("(単位:千円)\n款\t金額\n01 議会費\t770,553\n\n483\n\n02 総務費\t51,179\n") == [
        "770553000", "51179000",
    ]  # fmt: skip


def test_ocr_separators_in_a_scanned_cost_sheet():
    text = (
        "約940円\n特別交付税\t25.400,000\t25,400,000.\n"
        "合計\t121,980,.000\t192,720,000\n"
        "= 約 122,.000,000\nコンビニ発行数 130.000 枚\n人口 100 万以上"
    )
    assert values(text) == [
        "940", "25400000", "25400000", "121980000", "192720000", "122000000",
    ]  # fmt: skip


def test_table_of_contents_page_numbers_are_not_money():
    text = "(単位:千円)\n第 13 款国庫支出金··········· 122\n第 14 款予備費・・・・・ 1,620\n予備費\t620"
    assert values(text) == ["620000"]


def test_a_unit_declared_later_in_the_same_block_wins():
    # A text layer put this page's (単位:千円) after half of its table; the page before was in 百万円.
    text = "(単位:百万円)\n合計\t441,353\n\n14 都支出金\t45,227,366\t16.3\n(単位:千円)\n15 財産収入\t2,986,634"
    assert values(text) == ["441353000000", "45227366000", "2986634000"]
