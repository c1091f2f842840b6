"""Law references: names, articles, law numbers, 同条/同法/法別表 resolved from context."""

from __future__ import annotations

import pytest

from pipeline.analyze.entities import DocumentContext, law_ref


def refs(text: str) -> list[str]:
    return [e.value for e in law_ref.extract(text, DocumentContext())]


def test_full_title_with_number_and_defined_name():
    text = (
        "行政手続における特定の個人を識別するための番号の利用等に関する法律 (平成 25 年法律第 27 号、"
        "以下「番号法」という。) 第 19 条第 1 号の規定に基づき"
    )
    (e,) = law_ref.extract(text, DocumentContext())
    assert e.value == "番号法第19条第1号"
    assert e.text == text[: text.index("の規定")]
    assert e.attrs == {
        "law": "番号法",
        "law_id": "425AC0000000027",
        "law_title": "行政手続における特定の個人を識別するための番号の利用等に関する法律",
        "law_number": "平成25年法律第27号",
        "category": "法律",
        "article": "19", "paragraph": None, "item": 1, "appendix": None,
    }  # fmt: skip


def test_article_with_branch_number_after_the_law_number():
    text = "地方自治法 (昭和 22 年法律第 67 号) 第 245 条の 4 (技術的な助言)"
    (e,) = law_ref.extract(text, DocumentContext())
    assert (e.value, e.attrs["article"], e.attrs["law_number"]) == (
        "地方自治法第245条の4", "245の4", "昭和22年法律第67号",
    )  # fmt: skip


def test_law_named_without_article():
    text = "郵便法（昭和 22 年法律第 165 号）の規定に基づき。2015年9月に番号法が改正され"
    got = law_ref.extract(text, DocumentContext())
    assert [(e.value, e.attrs["law_number"], e.attrs["article"]) for e in got] == [
        ("郵便法", "昭和22年法律第165号", None), ("番号法", "平成25年法律第27号", None),
    ]  # fmt: skip


def test_bare_law_appendix_goes_to_the_law_that_has_it():
    # 番号法 has 別表第二; 地方税法, named last, has none.
    text = "番号法が改正され…地方税法第22条で守秘義務がある。法別表第二の事務で本人同意を要するか。"
    assert refs(text) == ["番号法", "地方税法第22条", "番号法別表第2"]
    e = law_ref.extract(text, DocumentContext())[-1]
    assert e.attrs["appendix"] == "別表第二"


# Each case: the text, the references found in it (their values, in order).
@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(
        "番号法第 12 条に基づき…。また、同条に基づき…。番号法第 27 条第 1 項による。同条第2項",
        ["番号法第12条", "番号法第12条", "番号法第27条第1項", "番号法第27条第2項"],
        id="paragraphs_items_and_same_article"),
    pytest.param("地方税法施行規則 (昭和 29 年総理府令第 23 号) 様式 第三号様式", ["地方税法施行規則"],
                 id="longest_name_wins"),
    pytest.param(
        "○郵便法（昭和 22 年法律第 165 号）\n\n（誤配達郵便物の処理）\n\n第四十二条 郵便物の誤配達を受けた者は",
        ["郵便法", "郵便法第42条"],
        id="quoted_statute_article_under_its_heading"),
    pytest.param("第2条 地方自治法第214条の規定により\n第3条 地方債の起債の目的", ["地方自治法第214条"],
                 id="bare_article_without_heading_is_not_resolved"),
    pytest.param("番号法の改正で、別表第一の上欄に掲げる事務が増えた", ["番号法", "番号法別表第1"],
                 id="bare_appendix_near_a_law"),
    # The quoted 第9条第3項's own 別表第一 is the law's wording, like its 第一項 and 前項.
    pytest.param(
        "※番号法第9条第3項\n\n(前略)法令又は条例の規定により、別表第一の上欄に掲げる行政機関"
        "による第一項又は前項に規定する事務\n\n2 特別徴収義務者について\n\n別表第二の事務",
        ["番号法第9条第3項", "番号法別表第2"],
        id="quoted_statute_text_is_not_cited"),
    pytest.param(
        "○郵便法（昭和 22 年法律第 165 号）\n\n（誤配達郵便物の処理）\n\n"
        "第四十二条 郵便物の誤配達を受けた者は同条の規定により\n\n"
        "郵便法第四十二条に規定する、同条の取扱い",
        ["郵便法", "郵便法第42条", "郵便法第42条", "郵便法第42条"],
        id="quoted_statute_under_an_article_heading"),
    pytest.param("園田寿・甲南法科大学院教授(刑法)は指摘。専門は民法。刑法(明治40年法律第45号)", ["刑法"],
                 id="a_law_as_a_persons_field_is_not_a_reference"),
    pytest.param("刑法学者の教授は、刑法第175条に触れると述べた", ["刑法第175条"],
                 id="a_law_as_a_field_of_study_is_not_a_reference"),
    pytest.param("感染症法第6条に基づく。現行法では法律で定める。", ["感染症法第6条"],
                 id="egov_abbreviation_and_unknown_words"),
    pytest.param(
        "行政手続における特定の個人を識別するための番号の利用等に関する法律 (平成 25 年法律第 27 号、"
        ". 以下「番\n号法」という。第 19 条第 1 号の規定に基づき。番号法第 12 条",
        ["番号法第19条第1号", "番号法第12条"],
        id="defined_name_when_ocr_lost_the_closing_parenthesis"),
])  # fmt: skip
def test_references(text, expected):
    assert refs(text) == expected
