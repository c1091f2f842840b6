"""Document numbers of notices, not law numbers, items or forms."""

from __future__ import annotations

import pytest

from pipeline.analyze.entities import DocumentContext, doc_number


def numbers(text: str) -> list[str]:
    return [e.value for e in doc_number.extract(text, DocumentContext())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "総行住第 185 号\n総行情第 68 号\n平成 28 年 9 月 16 日",
            ["総行住第185号", "総行情第68号"],
        ),
        (
            "平成28年7月15日付け総務省自治税務局市町村税課長通知「…」（総税市第 65 号）",
            ["総税市第65号"],
        ),
        ("保 発 0 8 1 9 第 1 号", ["保発0819第1号"]),
        ("保医発0531第1号", ["保医発0531第1号"]),
        ("(平成28年 3 月 4 日付け保医発0304第 3 号)", ["保医発0304第3号"]),
        ("8月 19 日 保医発 0819 第 10 号", ["保医発0819第10号"]),
        # Split across a line in a table cell.
        ("医政発 0819 第3号、保発 0819\n第3号", ["医政発0819第3号", "保発0819第3号"]),
        # Law numbers, items and forms are not document numbers.
        ("(平成 25 年法律第 27 号)", []),
        ("(昭和 29 年総理府令第 23 号) 様式 第三号様式", []),
        ("令和元年厚生労働省告示第85号", []),
        ("厚生労働省告示第 86 号", []),
        ("番号法第 19 条第 1 号", []),
        ("第3号様式(通知書)の見本", []),
        ("第1号", []),
    ],
)
def test_doc_numbers(text, expected):
    assert numbers(text) == expected


def test_text_is_as_printed():
    text = "総行住第 185 号"
    (e,) = doc_number.extract(text, DocumentContext())
    assert (e.text, e.start, e.end) == (text, 0, len(text))


def test_full_width_number_is_normalized():
    assert numbers("保 発 ０８１９ 第 １ 号") == ["保発0819第1号"]
