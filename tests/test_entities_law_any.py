"""Law references to any law of e-Gov's list (pipeline/data/laws.csv), keyed by e-Gov law id:
names, abbreviations, older names, law numbers, lists and ranges, 同法/同条/同項/同号, defined
names. Snippets are written like the real documents (../shared/real/)."""

from __future__ import annotations

import pytest

from pipeline.analyze.entities import DocumentContext, extract_entities, law_ref
from pipeline.analyze.entities.law_ref import law_key
from pipeline.analyze.entities.law_table import canonical_number, law_table
from pipeline.normalize import normalize_text


def found(text: str) -> list[tuple[str, str]]:
    """(text as printed, law_key) of each law_ref in the normalized `text`."""
    text = normalize_text(text)
    return [(e.text, law_key(e)) for e in law_ref.extract(text, DocumentContext())]


def keys(text: str) -> list[str]:
    return [k for _, k in found(text)]


def test_the_table_holds_every_law_in_force():
    table = law_table()
    assert len(table.laws) == 8950
    assert table.by_id["322AC0000000067"].number == "昭和22年法律第67号"
    assert table.lookup("予決令").law_id == "322IO0000000165"
    assert canonical_number("平成十四年十二月十三日法律第百五十四号") == "平成14年法律第154号"
    assert canonical_number("令和元年政令第十号") == "令和1年政令第10号"
    assert canonical_number("平成20年厚生労働省告示第59号") == "平成20年厚生労働省告示第59号"
    assert canonical_number("第59号") is None


def test_full_width_law_number_and_article_and_same_article():
    text = "地方自治法（昭和２２年法律第６７号）第１８０条第１項の規定に基づき…同条第２項の規定により報告"
    assert found(text) == [
        ("地方自治法(昭和22年法律第67号)第180条第1項", "322AC0000000067第180条第1項"),
        ("同条第2項", "322AC0000000067第180条第2項"),
    ]
    e = law_ref.extract(normalize_text(text), DocumentContext())[0]
    assert e.value == "地方自治法第180条第1項"
    assert e.attrs == {
        "law": "地方自治法", "law_id": "322AC0000000067", "law_title": "地方自治法",
        "law_number": "昭和22年法律第67号", "category": "法律",
        "article": "180", "paragraph": 1, "item": None, "appendix": None,
    }  # fmt: skip


def test_an_imperial_ordinance_by_its_title():
    (e,) = law_ref.extract("予算決算及び会計令第71条の規定に該当しない者", DocumentContext())
    assert (e.text, e.value, law_key(e)) == (
        "予算決算及び会計令第71条", "予算決算及び会計令第71条", "322IO0000000165第71条")
    assert (e.attrs["category"], e.attrs["law_number"]) == ("勅令", "昭和22年勅令第165号")


def test_kanji_numerals_same_law_and_a_second_law():
    text = (
        "健康保険法（大正十一年法律第七十号）第七十六条第二項（同法第百四十九条において準用する場"
        "合を含む。）及び高齢者の医療の確保に関する法律（昭和五十七年法律第八十号）第七十一条第一項"
        "の規定に基づき"
    )
    assert keys(text) == [
        "211AC0000000070第76条第2項", "211AC0000000070第149条", "357AC0000000080第71条第1項"]
    values = [e.value for e in law_ref.extract(normalize_text(text), DocumentContext())]
    assert values == ["健康保険法第76条第2項", "健康保険法第149条", "高齢者医療確保法第71条第1項"]


def test_cabinet_order_with_branch_numbers():
    assert found("地方自治法施行令第167条の5の2の規定により") == [
        ("地方自治法施行令第167条の5の2", "322CO0000000016第167条の5の2")]


def test_an_older_name_keeps_its_text_but_links_to_the_renamed_law():
    got = law_ref.extract("薬事法に基づく承認。旧薬事法第14条", DocumentContext())
    assert [(e.text, e.value, law_key(e)) for e in got] == [
        ("薬事法", "薬機法", "335AC0000000145"),
        ("薬事法第14条", "薬機法第14条", "335AC0000000145第14条"),
    ]
    assert got[0].attrs["law_title"] == (
        "医薬品、医療機器等の品質、有効性及び安全性の確保等に関する法律")


def test_a_law_e_gov_lists_under_its_number_by_name_and_abbreviation():
    text = "私的独占の禁止及び公正取引の確保に関する法律（昭和22年法律第54号）等。独占禁止法第3条"
    assert keys(text) == ["322AC0000000054", "322AC0000000054第3条"]


def test_two_laws_of_one_title_the_number_picks_else_the_newest():
    assert keys("日本学術会議法（昭和23年法律第121号）第1条") == ["323AC0000000121第1条"]
    assert keys("日本学術会議法第1条") == ["507AC0000000070第1条"]


def test_a_law_cited_by_its_number_alone():
    assert found("昭和二十二年法律第六十七号の規定による") == [
        ("昭和二十二年法律第六十七号", "322AC0000000067")]
    # Numbers that are not of a law in the list: 告示, a city's 規則, a treaty.
    assert keys("平成二十年厚生労働省告示第五十九号、昭和59年新潟市規則第24号、平成7年条約第23号") == []


def test_the_law_number_identifies_the_law_and_its_date_is_dropped():
    text = "会社更生法（平成14年12月13日法律第154号）に基づく更生手続（同法に基づく"
    assert found(text) == [
        ("会社更生法(平成14年12月13日法律第154号)", "414AC0000000154"),
        ("同法", "414AC0000000154"),
    ]


def test_same_law_after_two_laws_and_same_law_enforcement_order():
    text = "民事再生法（平成11年法律第225号）に基づく（同法に基づく…）。地方自治法第2条、同法施行令第3条"
    assert keys(text) == [
        "411AC0000000225", "411AC0000000225", "322AC0000000067第2条", "322CO0000000016第3条"]


def test_same_order_is_the_order_just_cited():
    text = "地方自治法施行令第167条の規定による。同令第167条の2。南国市契約規則第3条、同規則第4条"
    assert keys(text) == ["322CO0000000016第167条", "322CO0000000016第167条の2"]


def test_a_short_name_after_a_prefix_of_amendment_and_inside_a_longer_name():
    assert keys("改正番号法第19条、旧薬事法") == ["425AC0000000027第19条", "335AC0000000145"]
    # 運輸規則 is an e-Gov abbreviation, but 自動車運輸規則 is another rule's name.
    assert keys("自動車運輸規則第3条") == []
    assert keys("運輸規則第3条") == ["331M50000800044第3条"]


def test_defined_short_names():
    text = (
        "図書館法（昭和２５年法律第１１８号。以下「法」という。）第７条の２の規定により…"
        "法第３条に規定する。その方法第3条ではない。地方自治法施行令（昭和22年政令第16号。以下「施行令」"
        "という。）\n(5) 入札方法 施行令第167条の10の2に定める"
    )
    assert keys(text) == [
        "325AC0000000118第7条の2", "325AC0000000118第3条", "322CO0000000016",
        "322CO0000000016第167条の10の2",
    ]


def test_a_bare_enforcement_order_is_the_last_laws():
    text = "地方自治法第234条第1項の規定による。\n施行令第167条の2第1項第2号に該当。施行規則第12条の4"
    assert keys(text) == [
        "322AC0000000067第234条第1項", "322CO0000000016第167条の2第1項第2号",
        "322M40000008029第12条の4"]


def test_a_short_name_defined_again_for_a_local_regulation_is_no_longer_the_laws():
    text = (
        "人事院規則（以下「規則」という。）…会計法（昭和22年法律第35号。以下「規則」という。）規則第1条。"
        "新潟市契約規則（昭和59年新潟市規則第24号。以下「規則」という。）…規則第10条第2号"
    )
    assert keys(text) == ["322AC0000000035", "322AC0000000035第1条"]


def test_a_name_defined_for_a_local_regulation_is_not_a_law():
    text = "新潟市契約規則（昭和59年新潟市規則第24号。以下「規則」という。）…規則第10条第2号により免除する。"
    assert keys(text) == []


@pytest.mark.parametrize("text, expected", [
    ("地方自治法第5条及び第6条", [("地方自治法第5条", "322AC0000000067第5条"),
                                   ("第6条", "322AC0000000067第6条")]),
    ("地方自治法第5条、第6条及び第8条の規定", [
        ("地方自治法第5条", "322AC0000000067第5条"), ("第6条", "322AC0000000067第6条"),
        ("第8条", "322AC0000000067第8条")]),
    ("地方自治法第3条から第5条までの規定", [("地方自治法第3条", "322AC0000000067第3条"),
                                          ("第5条", "322AC0000000067第5条")]),
    ("地方自治法第2条の2第1項第3号及び同項第2号", [
        ("地方自治法第2条の2第1項第3号", "322AC0000000067第2条の2第1項第3号"),
        ("同項第2号", "322AC0000000067第2条の2第1項第2号")]),
    ("地方自治法第100条第14項及び第16項", [
        ("地方自治法第100条第14項", "322AC0000000067第100条第14項"),
        ("第16項", "322AC0000000067第100条第16項")]),
    ("番号法第19条第7号又は第8号", [("番号法第19条第7号", "425AC0000000027第19条第7号"),
                                     ("第8号", "425AC0000000027第19条第8号")]),
    ("番号法第9条第3項、同号", [("番号法第9条第3項", "425AC0000000027第9条第3項")]),
])  # fmt: skip
def test_sequences_and_ranges(text, expected):
    assert found(text) == expected


def test_a_long_list_with_qualifiers_and_a_parenthesized_note():
    text = (
        "道路交通法（昭和三十五年法律第百五号）第五十一条第九項（同条第二十二項、同法第七十二条の二第三項"
        "及び第七十五条の八第二項において準用する場合を含む。）、第五十一条の三第一項、第七十一条の三第二項"
        "ただし書、第百条の二第一項本文及び第四号、第百二条の二並びに第百二十五条第一項及び第三項の規定に基づき"
    )
    assert keys(text) == [f"335AC0000000105{a}" for a in [
        "第51条第9項", "第51条第22項", "第72条の2第3項", "第75条の8第2項", "第51条の3第1項",
        "第71条の3第2項", "第100条の2第1項", "第100条の2第1項第4号", "第102条の2",
        "第125条第1項", "第125条第3項"]]  # fmt: skip


def test_supplementary_provisions():
    text = "地方税法附則第15条及び第16条、同条第2項。地方自治法の一部改正。法附則第3項"
    got = law_ref.extract(text, DocumentContext())
    assert [(e.text, e.value, law_key(e)) for e in got] == [
        ("地方税法附則第15条", "地方税法附則第15条", "325AC0000000226附則第15条"),
        ("第16条", "地方税法附則第16条", "325AC0000000226附則第16条"),
        ("同条第2項", "地方税法附則第16条第2項", "325AC0000000226附則第16条第2項"),
        ("地方自治法", "地方自治法", "322AC0000000067"),
        ("法附則第3項", "地方自治法附則第3項", "322AC0000000067附則第3項"),
    ]
    assert got[0].attrs["supplementary"] is True and "supplementary" not in got[3].attrs


def test_a_name_in_a_sentence_before_the_word_ordinance_is_still_cited():
    assert keys("児童福祉法に基づく事業を行う者は、条例で定める基準を遵守") == ["322AC0000000164"]


def test_same_article_after_an_article_of_the_documents_own_is_not_the_laws():
    text = "地方自治法第5条の規定による。第3条に定める手続は同条第2項による。"
    assert keys(text) == ["322AC0000000067第5条"]


def test_a_bare_law_before_any_law_is_named_is_the_law_named_first():
    # A gazette page that goes on from the previous one: 「法」 is the law the 施行令 carries out.
    text = (
        "一 法第五十一条第五項の規定による車両の移動の決定\n"
        "政令第百四十九号\n道路交通法施行令の一部を改正する政令\n"
        "内閣は、道路交通法（昭和三十五年法律第百五号）第四条第一項の規定に基づき、この政令を制定する。"
    )
    assert keys(text) == ["335AC0000000105第51条第5項", "335AC0000000105第4条第1項"]


def test_bare_law_after_an_enforcement_order_is_the_law_it_carries_out():
    text = "道路交通法施行令（昭和三十五年政令第二百七十号）の一部を改正する。第十七条の二 法第五十一条の三第一項の政令"
    assert keys(text) == ["335CO0000000270", "335AC0000000105第51条の3第1項"]


@pytest.mark.parametrize("text", [
    "医療法人社団及び社会福祉法人が運営する",  # juridical persons, not 医療法 / 社会福祉法
    "道路交通法の一部を改正する法律（平成十九年法律第九十号）の一部の施行に伴い",  # an amending act
    "南国市児童福祉法施行条例の一部を改正する",  # inside a 条例's title
    "刑法学者が指摘した",  # a field of study
    "消防法令に適合しない",  # the laws of a field
    "市民法の考え方",  # 民法 inside a longer word
    "高知県生活保護法施行細則第3条",  # a prefecture's rule under the law, not the law
    "生活保護法による保護の基準（昭和38年厚生省告示第158号）",  # inside a 告示's title
])  # fmt: skip
def test_not_references(text):
    assert keys(text) == []


def test_ocr_spacing_inside_numbers_and_a_garbled_law_number():
    text = "地方自治法(昭和2 2年法律第6 7与)第1 80条第1項の規定に基づき"
    assert keys(text) == ["322AC0000000067第180条第1項"]


def test_law_key_is_the_law_id_alone_without_an_article():
    (e,) = law_ref.extract("介護保険法の改正", DocumentContext())
    assert (law_key(e), e.value) == ("409AC0000000123", "介護保険法")


def test_extract_entities_keeps_the_law_number_inside_the_reference():
    text = normalize_text("地方自治法（昭和２２年法律第６７号）第１８０条第１項")
    got = [(e.kind, e.text) for e in extract_entities(text, DocumentContext())]
    assert got == [("law_ref", "地方自治法(昭和22年法律第67号)第180条第1項")]


def test_eval_scores_law_ids_when_the_gold_keys_laws_by_id(tmp_path):
    import json

    from pipeline.analyze import evaluate

    (tmp_path / "report.txt").write_text(
        "地方自治法（昭和２２年法律第６７号）第１８０条第１項の規定に基づき…同条第２項の規定により報告",
        encoding="utf-8")
    gold = {"slug": "report", "issued_on": None, "entities": [
        {"kind": "law_ref", "text": "地方自治法（昭和２２年法律第６７号）第１８０条第１項",
         "value": "322AC0000000067第180条第1項"},
        {"kind": "law_ref", "text": "同条第２項", "value": "322AC0000000067第180条第3項"},
    ]}  # fmt: skip
    (tmp_path / "report.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    score = evaluate.evaluate(tmp_path, ctx="none")["law_ref"]
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert score.extras == ["report: '322AC0000000067第180条第2項'"]
