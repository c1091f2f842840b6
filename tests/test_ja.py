"""pipeline.ja: the shared Japanese text rules (eras, numerals, characters, spacing, labels)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from japanera import EraDate

from pipeline.ja import chars, eras, labels, numerals, spacing


@pytest.mark.parametrize(
    "era, year, western",
    [("平成", 1, 1989), ("平成", 28, 2016), ("平成", 31, 2019), ("令和", 1, 2019), ("令和", 8, 2026),
     ("昭和", 64, 1989), ("大正", 15, 1926), ("明治", 45, 1912), ("平成", 38, 2026)],
)
def test_to_western(era, year, western):
    assert eras.to_western(era, year) == western


def test_era_bounds():
    assert eras.in_era("平成", 31) and not eras.in_era("平成", 32)
    assert not eras.in_era("令和", 0) and eras.in_era("令和", 8)


@pytest.mark.parametrize(
    "day, expected",
    [(datetime.date(2019, 4, 30), ("平成", 31)), (datetime.date(2019, 5, 1), ("令和", 1)),
     (datetime.date(1989, 1, 7), ("昭和", 64)), (datetime.date(1989, 1, 8), ("平成", 1))],
)
def test_to_era_at_changes_of_era(day, expected):
    assert eras.to_era(day) == expected


@given(st.dates(min_value=datetime.date(1873, 1, 1), max_value=datetime.date(2099, 12, 31)))
def test_era_round_trip_agrees_with_japanera(day):
    era, year = eras.to_era(day)
    assert eras.to_western(era, year) == day.year
    assert eras.in_era(era, year)
    assert EraDate.from_date(day).era.kanji == era


@pytest.mark.parametrize("text, n", [("元", 1), ("28", 28), ("二十八", 28), ("三十", 30), ("x", None)])
def test_year_number(text, n):
    assert eras.year_number(text) == n


@pytest.mark.parametrize(
    "text, value",
    [("5,000万", 50_000_000), ("16,000,000", 16_000_000), ("二〇一七", 2017), ("壱", 1),
     ("一億五千万", 150_000_000), ("5万5千", 55_000), ("3.5億", 350_000_000), ("3.5", None),
     ("第三", None), ("", None)],
)
def test_parse_int(text, value):
    assert numerals.parse_int(text) == value


@given(st.integers(min_value=0, max_value=10**16 - 1))
def test_kanji_numerals_round_trip(n):
    assert numerals.parse_int(numerals.to_kanji(n)) == n


@given(st.integers(min_value=0, max_value=10**12))
def test_arabic_with_separators(n):
    assert numerals.parse_int(f"{n:,}") == n


def test_japanese_characters():
    assert all(chars.is_japanese(c) for c in "あア漢、。「※●〒①")
    assert not any(chars.is_japanese(c) for c in "a1 ,(\u3000")
    assert chars.letter_count("第185号 について、々") == 7  # 第 号 に つ い て 々
    assert chars.is_letter("ヶ") and not chars.is_letter("。")


@pytest.mark.parametrize(
    "raw, fixed",
    [("第 185 号", "第185号"), ("平 成 28 年", "平成28年"), ("世田谷区 中野区", "世田谷区 中野区"),
     ("e-Tax  の", "e-Taxの"), ("130,000 13,000", "130,000 13,000"), ("a \tb", "a\tb")],
)
def test_fix_spaces(raw, fixed):
    assert spacing.fix_spaces(raw) == fixed


def test_compact_view_maps_offsets_back():
    text = "保発 0819\n第3号 と 130,000 13,000"
    view = spacing.compact(text)
    assert view.text == "保発0819第3号と130,000 13,000"
    start, end = view.span(0, view.text.index("と"))
    assert text[start:end] == "保発 0819\n第3号"
    assert spacing.compact("保 発 0 8 1 9").text == "保発0819"


def test_compact_view_says_where_lines_began():
    text = "検査件数\n12/5\t12/6\n1,884"
    view = spacing.compact(text)
    assert view.text == "検査件数12/5\t12/6\n1,884"  # the break between 6 and 1 is kept
    assert view.line_starts(text) == {4}  # 12/5 began a line


def test_compact_line():
    assert spacing.compact_line("事 務 連 絡") == "事務連絡"
    assert spacing.compact_line("令和 2 年\t厚生労働省   保険局") == "令和2年 厚生労働省 保険局"
    assert spacing.compact_line("Fire Department") == "Fire Department"
    assert spacing.no_spaces(" 第 1\t号\n") == "第1号"


@pytest.mark.parametrize(
    "line, label", [("資料2", True), ("2017年2月 資料2", True), ("別紙", True), ("参考資料1", True),
                    ("資料の作成", False)],
)
def test_material_label(line, label):
    assert bool(labels.MATERIAL_LABEL.search(line)) is label


def test_attachment_start():
    assert labels.ATTACHMENT_START.match("(別添1)") and labels.ATTACHMENT_START.match("参考")
    assert not labels.ATTACHMENT_START.match("資料1")
