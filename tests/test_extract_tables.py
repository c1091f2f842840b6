"""Which leading columns of a table label its rows (pipeline.extract.grid.header_columns)."""

from pipeline.extract.grid import header_columns

WARDS = [
    ["", "", "回答日", "(1)"],
    ["1", "世田谷区", "9月15日", "不利益なし"],
    ["2", "足立区", "9月16日", "不利益なし"],
    ["3", "北区", "9月20日", "不利益なし"],
    ["こ", "杉並区", "9月20日", "不利益なし"],  # OCR misread one row number
]


def test_a_numbered_first_column_is_not_the_row_label():
    assert header_columns(WARDS) == 2


def test_labels_in_column_zero():
    costs = [["", "2016年3月算定時", "2017年1月時点"],
             ["機器類関係費", "131,380,000", "202,120,000"],
             ["保守", "25,920,000", "40,870,000"],
             ["特別交付税", "25,400,000", "25,400,000"]]
    assert header_columns(costs) == 1


def test_numbers_in_column_zero_with_no_labels_beside_them():
    figures = [["年", "件数"], ["1", "20"], ["2", "30"], ["3", "40"]]
    assert header_columns(figures) == 1


def test_too_small_to_tell():
    assert header_columns([["", "a"], ["1", "世田谷区"]]) == 1
