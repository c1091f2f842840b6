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
    assert (e.text, e.value, e.attrs["amount"], e.attrs["vague"]) == ("数千億円", None, None, True)


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
    # 5 is under 職員数 (人); the 0 beside it is 報酬, a yen column: 0 yen is money.
    assert values(SALARY_TABLE) == [
        "0", "53108000", "343173000", "8272000", "943308000", "61380000", "277105000",
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


# Real layouts: tables arrive as tab-separated lines (one line per row, empty cells dropped).

# nankoku-r3-kessan-gaiyo-2022: a settlement summary under 単位:円, zeros and signs in yen cells.
KESSAN = (
    "(単位:円)\n"
    "会計名\t歳入額\tうち一般会計繰入金\t歳出額\t形式収支\t翌年度繰越財源\t実質収支\n"
    "住新特会\t33,567,899\t10,332,837\t23,235,062\t0\t23,235,062\n"
    "繰入予算額\t取崩額\t対前年増減額\n"
    "財政調整基金\t463,835,000\t300,000,000\t+ 100,000,000\n"
    "減債基金\t0\t0\t±0\n"
    "0\t0\t0\t0\n"
    "内、当初予算計上額10,000,000円を除いた460,109,203円が補正予算の財源となる。"
)


def test_zeros_and_signs_in_a_yen_table():
    assert values(KESSAN) == [
        "33567899", "10332837", "23235062", "0", "23235062",
        "463835000", "300000000", "100000000", "0", "0", "0", "0", "0", "0", "0",
        "10000000", "460109203",
    ]  # fmt: skip


# nankoku-r7-ippan-kaikei-hosei-yosan-2025: 千円 with △ for decreases and 2-digit figures.
HOSEI = (
    "(歳出) (単位:千円)\n"
    "款\t項\t補正前の額\t補正額\t計\n"
    "1.議会費\t207,192\t△1,257\t205,935\n"
    "10.教育費\t2,332,908\t112,651\t2,445,559\t14,855\t96,400\t76\t1,320\n"
    "― 5 ―一般会計\n"
)


def test_negative_and_small_figures_under_thousand_yen():
    got = money.extract(HOSEI, DocumentContext())
    assert [(e.text, e.value) for e in got] == [
        ("207,192", "207192000"), ("△1,257", "-1257000"), ("205,935", "205935000"),
        ("2,332,908", "2332908000"), ("112,651", "112651000"), ("2,445,559", "2445559000"),
        ("14,855", "14855000"), ("96,400", "96400000"), ("76", "76000"), ("1,320", "1320000"),
    ]  # fmt: skip
    assert got[1].attrs["amount"] == -1257000


def test_full_width_and_spaced_digits():
    # 「７８４，４５８」 after NFKC, and a text layer that spaces every character.
    assert values("(単位:千円)\n款\t金額\n1.市税\t784,458\n") == ["784458000"]
    assert values("歳入歳出それぞれ1 , 192 , 893千円を追加し") == ["1192893000"]
    assert values("1時間当たり1 , 6 0 0円(消費税を含む。)") == ["1600"]


def test_an_amount_table_header_makes_its_cells_yen():
    # suginami-babysitter: no unit declared, but the column is 実支払額 and totals carry ¥.
    text = (
        "利用日\t利用時間\t実支払額\n"
        "1\t9:00\t〜\t10:00\t1時間00分\t〜\t2,500\n"
        "15\t13:00\t〜\t13:20\t0時間20分\t〜\t1,000\n"
        "9時間10分\t合計\t12時間45分\t¥ 69,625\n"
        "15時間2,500円22時間3,500円"
    )
    assert values(text) == ["2500", "1000", "69625", "2500", "3500"]


def test_other_units_are_never_yen():
    # A yen table's count and rate columns, a declared non-yen unit, points.
    assert values(
        "(単位:千円)\n区分\t件数\t金額\n本年度\t12\t3,400\n前年度\t128\t2,900\n"
    ) == ["3400000", "2900000"]
    assert values("(単位:人)\n区分\t合計\n職員\t1,250\n\n合計 5,000円") == ["5000"]
    assert values("1,000円\n技術\t評価項目\t配点\n1.1企業実績\t1.1.1従業員数\t150\n配点合計\t4,000") == [
        "1000"
    ]
    assert values("費用1,000円。検査料\t1,240点\t人数\t30人\t割合\t12.5%") == ["1000"]


def test_balance_sheet_item_lines():
    # nankoku-tochi-kaihatsu-kosha: (n) item lines and totals on lines of their own, 単位:円.
    text = "(単位:円)\n1.流動資産\n(1) 11,863,448\n(2) 0\n(2)△85,346\n0\n54,472,448\n12\n"
    assert values(text) == ["11863448", "0", "-85346", "0", "54472448"]


def test_phone_numbers_postal_codes_and_addresses_are_not_money():
    text = (
        "予定価格210,000,000円\n〒1 0 0 8 9 7 4東京都千代田区霞が関2\n電話0 3 3 5 8 1 0 1 4 1内線2 2 9 8\n"
        "理事\t秋田 節夫\t会計管理者\t781-8003\t高知市北新田町19番地13の208"
    )
    assert values(text) == ["210000000"]


def test_approximate_amounts_keep_their_qualifier():
    got = money.extract("前年度比約5兆3,756億円増の約102兆4,400億円", DocumentContext())
    assert [(e.value, e.attrs["approximate"]) for e in got] == [
        ("5375600000000", True), ("102440000000000", True),
    ]  # fmt: skip


def test_rules_are_tables_of_small_classes():
    assert [type(r).__name__ for r in money.WRITTEN_RULES] == ["YenAmount", "VagueAmount", "YenSign"]
    scope = money.UnitScope("(単位:千円)\n合計\t1\n\n(単位:人)\n計\t2")
    assert (scope.unit_at(8), scope.unit_at(25)) == (1000, 0)


def test_numbers_years_and_hundred_million_units():
    # The 番号 column of a debt-burden table (setagaya-r8-budget) holds row numbers, not yen.
    text = "(単位:千円)\n番号\t事項\t期間\t金額\n100\t砧小学校改築に係る実施設計\t令和9年度\t248,500\n"
    assert values(text) == ["248500000"]
    # A header row of years over a yen table.
    assert values("(単位:千円)\n区分\t2024\t2025\t2026\n収入\t1,200\t1,300\t1,400") == [
        "1200000", "1300000", "1400000",
    ]  # fmt: skip
    assert values("(単位:億円)\n歳出\t1,234") == ["123400000000"]


def test_a_minus_sign_starting_a_yen_cell():
    text = "(単位:千円)\n区分\t本年度\t前年度\t比較\n歳出\t1,200\t1,500\t-300\n計\t1,200\t1,500\t−300"
    assert values(text) == ["1200000", "1500000", "-300000", "1200000", "1500000", "-300000"]
    assert values("費用1,000円\n電話 03-1234-5678") == ["1000"]


def test_a_row_label_with_its_unit_is_not_a_column_header():
    # nankoku-r8 給与費明細書: 平均年齢(歳) labels a row of ages between rows of yen.
    text = (
        "ア職員1人当たりの給与(単位:円)\n区分\t行政職\t消防職\n"
        "平均給与月額(円)\t323,998\t272,029\n平均年齢(歳)\t42歳9月\t41歳0月\n"
        "令和7年1月1日\t平均給料月額(円)\t308,177\t264,039\n"
    )
    assert values(text) == ["323998", "272029", "308177", "264039"]


def test_a_sub_header_narrower_than_its_rows_does_not_shift_onto_them():
    # setagaya-r8-budget: 「予算額 構成比 増減率」 heads the last columns of a 9-column row.
    text = (
        "(単位:千円)\n前年度\t差引増△減額\n予算額\t構成比\t増減率\n"
        "1,145\t763\t382\t0\t0\t783,842\t%0.2\t%1.9\t△13,289\n"
    )
    assert values(text) == ["1145000", "763000", "382000", "0", "0", "783842000", "-13289000"]
