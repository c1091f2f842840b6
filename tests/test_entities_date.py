"""Dates: 和暦, fiscal years, partial/relative dates resolved against the document date."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from japanera import EraDate

from pipeline.analyze.entities import DocumentContext
from pipeline.analyze.entities import date as date_kind
from pipeline.ja.numerals import to_kanji

from fixtures import mentions


def dates(text: str, issued_on: str | None = None) -> list[str]:
    return [e.value for e in date_kind.extract(text, DocumentContext(issued_on))]


@pytest.mark.parametrize(
    ("text", "issued_on", "expected"),
    [
        # Full dates and fiscal years, 和暦 and western.
        ("平成 28 年 9 月 16 日", None, ["2016-09-16"]),
        ("平成二十八年九月十六日付け", None, ["2016-09-16"]),
        ("令和元年8月19日", None, ["2019-08-19"]),
        ("平成31年4月30日と令和元年5月1日", None, ["2019-04-30", "2019-05-01"]),
        ("昭和64年1月7日", None, ["1989-01-07"]),
        ("明治四十五年", None, ["1912"]),
        ("平成29年度サービス開始", None, ["FY2017"]),
        ("2017年度", None, ["FY2017"]),
        ("令和 8 年度(2026年度)", None, ["FY2026", "FY2026"]),
        ("平成29・30年度のシステム改修", None, ["FY2017", "FY2018"]),
        ("平成29年度から平成31年度までの3年間", None, ["FY2017", "FY2019"]),
        ("2017.2.4 関口", None, ["2017-02-04"]),
        ("毎 2017. 1/2", None, ["2017-01-02"]),
        ("H28.9.16", None, ["2016-09-16"]),
        ("2017年1月17日(火)", None, ["2017-01-17"]),
        ("2017年以降の住民税", None, ["2017"]),
        # A law number is not a date, durations and ordinals neither.
        ("地方自治法(昭和 22 年法律第 67 号)", None, []),
        ("地方税法施行規則(昭和29年総理府令第23号)", None, []),
        ("令和元年厚生労働省告示第85号", None, []),
        ("12桁の番号を3年間、10年間、1カ月、第1回、10年平均", None, []),
        # Abbreviated era dates in tables, forms and gazettes (full-width digits arrive NFKC'd).
        ("(R8.4.1)", None, ["2026-04-01"]),
        ("H28.4.1\tH29.3.31", None, ["2016-04-01", "2017-03-31"]),
        ("令8.4.1現在", None, ["2026-04-01"]),
        ("令和8.4.1", None, ["2026-04-01"]),
        ("R7年度", None, ["FY2025"]),
        ("H28年4月", None, ["2016-04"]),
        ("令和7年4月1日現在", None, ["2025-04-01"]),
        # Not an era date: a letter inside a code, a kanji initial ending a word.
        ("ABR8.4.1", None, []),
        ("公平28.4.1", None, []),
        # An era year past the era's end is counted on; far past it is an OCR misreading.
        ("計画期間 平成29年度〜平成38年度", None, ["FY2017", "FY2026"]),
        ("平成88年9月16日", None, []),
        # Placeholders of forms.
        ("令和 年 月 日", None, []),
        ("令和　年　月　日", None, []),
        ("○年○月○日", None, []),
        ("〇〇年〇〇月〇〇日", None, []),
        ("令和7年 月 日", None, []),
        ("提出日 令和7年4月1日 受付日 令和 年 月 日", None, ["2025-04-01"]),
        # Form, serial and telephone numbers.
        ("No.2025-10-1", None, []),
        ("様式第1号", None, []),
        ("TEL 03-2021-1234", None, []),
        # Durations.
        ("症状が3月以上持続する患者", "2022-04-28", []),
        ("それぞれ3月に1回を限度として", "2022-04-28", []),
        ("結果が出るまでは1日から3日程度要する", "2021-12-08", []),
        # A law number, 号 misread by OCR.
        ("地方自治法(昭和22年法律第6 7与)", None, []),
        # A table header of successive days, a weekday, a range: month/day without a year.
        ("検査件数\n12/5\t12/6\t12/7\n1,884\t8,352\t5,709", "2021-12-08",
         ["2021-12-05", "2021-12-06", "2021-12-07"]),
        ("12/8(水)判明分", "2021-12-08", ["2021-12-08"]),
        ("集計期間 11/29〜12/5", "2021-12-08", ["2021-11-29", "2021-12-05"]),
        # Fractions, ratios and page numbers are not dates.
        ("補助率 1/2", "2021-12-08", []),
        ("1/2\n2/2", "2021-12-08", []),
        ("補助率\t1/2\t2/3\t3/4", "2021-12-08", []),
        # Convention E1 of the real gold: western dates written in English are dates.
        ("Time-limit for Tender : 17 : 00 3 September, 2025", None, ["2025-09-03"]),
        ("Delivery period : 27 February 2026", None, ["2026-02-27"]),
        ("Time limit : 17 : 00, 3 Septem‐ber 2025", None, ["2025-09-03"]),  # hyphenated at a line end
        ("Due Date : March 31, 2026.", None, ["2026-03-31"]),
        ("By 17 : 00 4th August 2025.", None, ["2025-08-04"]),
        ("Date of award : 4, August, 2025", None, ["2025-08-04"]),
        ("Delivery period : March, 2026", None, ["2026-03"]),
        ("in the fiscal years 2025, 2026, and 2027.", None, ["FY2025", "FY2026", "FY2027"]),
        ("for the fiscal years of 2025, 2026, 2027.", None, ["FY2025", "FY2026", "FY2027"]),
        ("in fiscal year 2025/2026/2027", None, ["FY2025", "FY2026", "FY2027"]),
        ("Plan for Achieving FY2025 NDC Targets", None, ["FY2025"]),
        # Not dates: a month word without a year, a verb.
        ("The Contractor may 3 times submit; see March.", None, []),
        # An era year with its western year in brackets is one mention.
        ("令和7(2025)年4月1日から", None, ["2025-04-01"]),
        ("2025(令和7)年度予算", None, ["FY2025"]),
        ("令和7年(2025年)4月1日", None, ["2025-04-01"]),
        ("2025年（令和7年）4月", None, ["2025-04"]),
        # A range of months under one year: both ends.
        ("令和7年4〜6月の実績", None, ["2025-04", "2025-06"]),
        ("2025年10月～12月", None, ["2025-10", "2025-12"]),
        ("令和7年11月〜2月", None, ["2025-11", "2026-02"]),
        ("令和7年4月から6月30日まで", None, ["2025-04", "2025-06-30"]),  # the day stays with its month
        # 同年 / 同月: the year (and month) of the mention before.
        ("令和6年3月に公布され、同年4月1日から施行", None, ["2024-03", "2024-04-01"]),
        ("令和6年3月1日に受け付け、同月15日に決定", None, ["2024-03-01", "2024-03-15"]),
        ("同月に、当該保険医療機関において", None, []),
        ("同年4月1日", None, []),  # nothing before to take the year from
        # Slips of the pen that cannot be read otherwise.
        ("(単位:件/令和年6度速報値)", None, ["FY2024"]),
        ("令和7月4月に施行した条例", None, ["2025-04"]),
        # The end of a range that repeats only the day is a day of the same month.
        ("令和7年4月1日(火)〜6日(日)", None, ["2025-04-01", "2025-04-06"]),
        ("令和7年4月1日から6日まで", None, ["2025-04-01", "2025-04-06"]),
        ("結果が出るまでは1日から3日程度要する", None, []),  # a number of days
        ("令和7年4月1日～3日間", None, ["2025-04-01"]),
        # A range of abbreviated era months in a table; an era year followed by 代 is a decade.
        ("計画期間\tH28.4～H29.3", None, ["2016-04", "2017-03"]),
        ("R7.4〜R8.3", None, ["2025-04", "2026-03"]),
        ("令7.4～令8.3", None, ["2025-04", "2026-03"]),
        ("R7.4", None, []),  # alone: a version or a section number
        ("昭和60年代の建設", None, []),  # a decade
        ("平成10年代後半", None, []),
    ],
)  # fmt: skip
def test_dates(text, issued_on, expected):
    assert dates(text, issued_on) == expected


def test_two_digit_years_in_a_newspaper():
    text = "再逮捕容疑は2014年10月〜15年11月、14年10月〜15年3月に雇用。16年3月に再雇用"
    assert dates(text, "2017-01-12") == ["2014-10", "2015-11", "2014-10", "2015-03", "2016-03"]


def test_two_digit_year_of_the_current_era():
    assert dates("28年10月に実施", "2016-12-01") == ["2016-10"]


def test_relative_dates():
    text = (
        "昨年12月27日時点。昨年度は残業。一昨年は混乱。今年度の補正予算、来年度予算。本年12月を目途"
    )
    got = date_kind.extract(text, DocumentContext("2017-01-17"))
    assert [e.value for e in got] == ["2016-12-27", "FY2015", "2015", "FY2016", "FY2017", "2017-12"]
    assert all(e.attrs["relative"] for e in got)


def test_relative_dates_need_a_document_date():
    assert dates("昨年12月27日と今年度") == []


def test_partial_dates_not_after_the_document_date():
    # The wards answered in Sept/Oct 2016; the table mentions 2017 but is dated 2016-10.
    text = (
        "(2)2017年以降の住民税の通知。\n1\t世田谷区\t9月15日\t不利益なし\n12\t新宿区\t10月3日\tなし"
    )
    assert dates(text, "2016-10") == ["2017", "2016-09-15", "2016-10-03"]


def test_partial_date_takes_the_year_of_its_sentence():
    assert dates("2015年3月23日の答申と6月16日の説明", "2017-02-01") == ["2015-03-23", "2015-06-16"]


def test_deadline_is_after_the_document_date():
    assert dates("以下の質問をいたしますので、2月28日までに回答を", "2017-02-01") == ["2017-02-28"]


def test_partial_without_document_date_uses_the_last_year_in_the_text():
    assert dates("平成28年10月上旬。\n説明会(11月2日・14日)") == [
        "2016-10",
        "2016-11-02",
        "2016-11-14",
    ]


def test_unresolvable_partial_date():
    got = date_kind.extract("9月15日に回答", DocumentContext())
    assert [(e.value, e.attrs["start"]) for e in got] == [("--09-15", None)]


def test_news_day():
    assert dates("警視庁捜査1課は11日、元職員を再逮捕した", "2017-01-12") == ["2017-01-11"]


def test_ditto_repeats_the_date_above():
    text = "第2回\t平成28年10月6日(子育て)\n第3回\t〃(コンビニ交付関係)\n第4回\t平成28年10月20日"
    assert mentions(date_kind.extract, text) == [
        ("平成28年10月6日", "2016-10-06"), ("〃", "2016-10-06"), ("平成28年10月20日", "2016-10-20"),
    ]  # fmt: skip


def test_attrs():
    (fy,) = date_kind.extract("平成29年度", DocumentContext())
    assert fy.attrs == {
        "start": "2017-04-01", "end": "2018-03-31", "precision": "fiscal_year", "relative": False,
    }  # fmt: skip
    (month,) = date_kind.extract("2017年2月", DocumentContext())
    assert (month.attrs["start"], month.attrs["end"], month.attrs["precision"]) == (
        "2017-02-01", "2017-02-28", "month",
    )  # fmt: skip


def test_spaces_and_line_breaks_inside_a_mention():
    text = "平 成 28 年\n11 月 25 日"
    (e,) = date_kind.extract(text, DocumentContext())
    assert (e.value, e.text) == ("2016-11-25", text)


@settings(max_examples=300, deadline=None)
@given(
    st.dates(min_value=datetime.date(1873, 1, 1), max_value=datetime.date(2099, 12, 31)),
    st.sampled_from(["arabic", "kanji"]),
)
def test_era_round_trip(day, numerals):
    era_date = EraDate.from_date(day)
    era = era_date.era
    year = day.year - era.since.year + 1

    def num(n: int) -> str:
        return str(n) if numerals == "arabic" else to_kanji(n)

    written = f"{era.kanji}{'元' if year == 1 else num(year)}年{num(day.month)}月{num(day.day)}日"
    assert dates(written) == [day.isoformat()]


def test_budget_title_sets_this_fiscal_year():
    ctx = DocumentContext("2026-02-18", "世田谷区", "令和8年度世田谷区一般会計予算")
    got = date_kind.extract("本年度予算計上額、前年度予算額", ctx)
    assert [e.value for e in got] == ["FY2026", "FY2025"]
    assert [e.value for e in date_kind.extract("本年度", DocumentContext("2026-02-18"))] == [
        "FY2025"
    ]


def test_full_width_text_without_nfkc():
    assert mentions(date_kind.extract, "平成２８年９月１６日") == [("平成２８年９月１６日", "2016-09-16")]


def test_news_day_without_document_date_takes_the_last_month():
    assert dates("2017年は11日、平成28年3月。それは12日、") == ["2017", "2016-03", "2016-03-12"]


# Without a document date (metadata found none), the text supplies one.


def test_no_document_date_anchors_on_the_latest_full_date():
    text = (
        "本年12月を目途に取りまとめる。\n第1回\t平成28年10月3日\n第9回\t平成28年12月13日\n"
        "平成29年7月1日から導入する。\n説明会(11月14日)"
    )
    assert date_kind.anchor_date(text) == "2016-12-13"  # not the plan's 平成29年7月1日
    assert dates(text) == ["2016-12", "2016-10-03", "2016-12-13", "2017-07-01", "2016-11-14"]


def test_a_period_start_in_the_past_tense_can_anchor():
    assert date_kind.anchor_date("平成28年10月1日から開催した。") == "2016-10-01"
    assert date_kind.anchor_date("平成28年10月1日から開催する。") is None
    assert date_kind.anchor_date("平成30年3月31日まで延長する予定") is None


def test_without_document_date_partial_dates_precede_the_period_looked_forward_to():
    # The wards answered before 2017: 「2017年以降の住民税」 is what the question asks about.
    text = (
        "(2)2017年以降の住民税の通知に個人番号が記載されていると言われています。\n"
        "1\t世田谷区\t9月15日\t記載する\n12\t新宿区\t10月3日\t記載する"
    )
    assert dates(text) == ["2017", "2016-09-15", "2016-10-03"]
    # The same rule for a month and a fiscal year: the text precedes their start.
    assert dates("平成29年7月から導入する。\n説明会\t3月1日\n研修\t9月15日") == [
        "2017-07", "2017-03-01", "2016-09-15",
    ]  # fmt: skip
    assert dates("平成29年度から実施。\n5月10日") == ["FY2017", "2016-05-10"]
    # The earliest start bounds the text.
    text = "2019年以降に拡大する。2017年以降の通知に記載される。\n9月15日"
    assert dates(text) == ["2019", "2017", "2016-09-15"]


def test_a_forward_year_still_anchors_its_own_sentence():
    assert dates("2017年以降は6月から通知する。") == ["2017", "2017-06"]


def test_a_document_date_beats_the_period_looked_forward_to():
    text = "2017年以降の住民税の通知。\n9月15日"
    assert dates(text, "2017-10") == ["2017", "2017-09-15"]


def test_a_past_period_start_is_not_looking_ahead():
    assert dates("2015年から始まった。\n9月15日に回答") == ["2015", "2015-09-15"]


def test_a_deadline_does_not_anchor_other_sentences():
    assert dates("平成30年3月まで延長する。\n5月1日") == ["2018-03", "--05-01"]


def test_news_day_is_the_reading_closest_to_the_paper_date():
    # A clipping stamped 2017.1/2 reporting 「11日」: 9 days after, not 22 days before.
    assert dates("警視庁捜査1課は11日、元職員を再逮捕した", "2017-01-02") == ["2017-01-11"]
    assert dates("警視庁は28日、", "2017-01-12") == ["2016-12-28"]  # 15 days before, 16 after
    assert dates("警視庁は5日、", "2017-01-12") == ["2017-01-05"]
    assert dates("警視庁は31日、", "2017-03-02") == ["2017-03-31"]  # February has no 31st
    assert dates("毎 2017. 1/2\n警視庁捜査1課は11日、元職員を再逮捕") == ["2017-01-02", "2017-01-11"]


def test_end_of_a_year_is_december():
    assert dates("昨年暮れから苦情", "2017-01-17") == ["2016-12"]
    assert dates("2016年末、平成28年暮れ、今年末") == ["2016-12", "2016-12"]
    assert dates("平成31年度末における", "2016-12") == ["FY2019"]


def test_a_scheduled_date_does_not_anchor():
    text = "令和8年2月18日提出\n組織名は令和8年4月1日改正予定の組織案で表示した。\n3月31日まで"
    assert date_kind.anchor_date(text) == "2026-02-18"
    assert dates(text) == ["2026-02-18", "2026-04-01", "2026-03-31"]


def test_ocr_readings_of_day_and_ditto_in_a_scan():
    assert dates("3\t北 区\t9 月 20 晶\t不利益なし", "2016-10") == ["2016-09-20"]
    text = "第2回\t平成 28 年 10 月 6 日 (子育て)\n第3回\tヶ (コンビニ交付関係)\nヶ月"
    assert mentions(date_kind.extract, text) == [
        ("平成 28 年 10 月 6 日", "2016-10-06"), ("ヶ", "2016-10-06"),
    ]  # fmt: skip


def test_a_misread_document_date_is_ignored():
    # OCR read the header 平成28年9月16日 as 平成88年 (2076): the text's own years decide.
    text = "経費が8月24日に閣議決定された平成28年度第2次補正予算。平成29年7月から本格運用を開始"
    assert dates(text, "2076-09-16") == ["2016-08-24", "FY2016", "2017-07"]
    assert dates(text, "2016-09-16") == ["2016-08-24", "FY2016", "2017-07"]


def test_a_period_under_way_does_not_bound_the_document():
    text = (
        "特に平成28 年1 月からのカードの交付事務につきまして、感謝申し上げます。"
        "経費が8月24 日に閣議決定された。平成29 年7 月から本格運用が開始されるマイナポータル"
    )
    assert dates(text) == ["2016-01", "2016-08-24", "2017-07"]


def test_era_less_years_take_the_era_of_the_table():
    text = "区分\t令和元年度末残高\t2年度増減見込み\t3年度末現在高"
    assert dates(text) == ["FY2019", "FY2020", "FY2021"]


def test_one_digit_year_without_era_uses_the_document_date():
    assert dates("3年度末現在高", "2022-03-01") == ["FY2021"]
    assert dates("3年度末現在高") == []


def test_month_right_after_a_fiscal_year_is_in_that_fiscal_year():
    assert dates("令和3年度3月補正予算") == ["FY2021", "2022-03"]
    assert dates("令和3年度10月補正予算") == ["FY2021", "2021-10"]


def test_months_of_a_fiscal_year_plan_follow_its_title():
    text = "工事名\t期間\n改修工事\t4月下旬〜3月下旬\n令和7年4月1日時点における発注見通し"
    ctx = DocumentContext("2025-04-01", title="令和7年度 音威子府村 公共工事等発注見通し")
    assert [e.value for e in date_kind.extract(text, ctx)] == ["2025-04", "2026-03", "2025-04-01"]


def test_a_scheduled_date_is_after_the_document_date():
    text = "6月9日に閣議決定を予定しております。"
    assert dates(text, "2023-06-06") == ["2023-06-09"]
    assert dates("6月9日に閣議決定した。", "2023-06-06") == ["2022-06-09"]


def test_rules_table_names_each_way_of_writing_a_date():
    assert [rule.name for rule in date_kind.RULES] == [
        "era", "paired", "paired", "paired", "paired", "month_range", "era_slip",
        "era_abbreviated", "era_abbreviated_months", "western", "english", "english", "english", "english_fiscal",
        "numeric", "short_year", "relative", "month_day", "same", "slash_month_day", "news_day",
        "range_day",
    ]


def test_a_decade_is_not_a_year():
    assert dates("デフレ以前(1980年代から1990年代半ば)") == []


def test_a_plan_table_runs_years_ahead_in_its_era():
    text = "平成29年度に策定\n年度区分\t本年度\t30年度\t33年度\t38年度"
    assert dates(text, "2018-03") == ["FY2017", "FY2017", "FY2018", "FY2021", "FY2026"]


def test_months_of_a_fiscal_year_the_sentence_is_about():
    text = "令和3年度は、8月及び11月に催告書を発送し、2月にも発送を予定しています。"
    assert dates(text) == ["FY2021", "2021-08", "2021-11", "2022-02"]


def test_full_width_digits_before_and_after_normalization():
    from pipeline.normalize import normalize_text

    assert dates(normalize_text("令和７年４月１日現在")) == ["2025-04-01"]
    assert dates("令和７年４月１日現在") == ["2025-04-01"]  # the compact view folds them too
    assert dates(normalize_text("Ｒ８．４．１")) == ["2026-04-01"]


def test_english_dates_keep_their_span():
    (e,) = date_kind.extract("Tender : 17 : 00 3 Sep‐tember, 2025\n", DocumentContext())
    assert (e.text, e.value) == ("3 Sep‐tember, 2025", "2025-09-03")
    assert mentions(date_kind.extract, "the fiscal years 2025, 2026, and 2027.") == [
        ("fiscal years 2025", "FY2025"), ("2026", "FY2026"), ("2027", "FY2027"),
    ]  # fmt: skip


def test_a_stray_ocr_period_before_a_month():
    text = "令和3年度は、.8月及び1 1月に催告書を発送"
    assert dates(text, "2022-02-04") == ["FY2021", "2021-08", "2021-11"]
    assert dates("1.8月の実績", "2022-02-04") == []  # a decimal, not a month


def test_relative_fiscal_years_of_any_year_are_not_dates():
    # The statutory titles and headers of a budget book speak of each year's 前年度.
    text = (
        "地方債の前々年度末における現在高ならびに前年度末及び当該年度末における現在高の見込みに関する調書\n"
        "\n前年度予算額との比較"
    )
    ctx = DocumentContext("2026-02-27", title="令和8年度南国市一般会計予算")
    assert [e.value for e in date_kind.extract(text, ctx)] == ["FY2025"]


def test_a_column_of_days_under_a_month_heading():
    # Convention C1: the 利用日 column of a form filled in for 令和6年4月分.
    text = (
        "令和6年4月分\n利用日\t利用時間\t実支払額\n日中利用(7時〜22時)\t夜間利用(22時〜翌7時)\n"
        "1\t9:00\t〜\t10:00\t1時間00分\t2,500\n29\t7:00\t〜\t8:00\t1時間00分\t2,500\n"
        "9時間10分\t合計\t¥ 69,625\n\n15\t件"
    )
    assert mentions(date_kind.extract, text) == [
        ("令和6年4月", "2024-04"), ("1", "2024-04-01"), ("29", "2024-04-29"),
    ]  # fmt: skip
    # Without a month heading, or under a header that is not a day, numbers stay numbers.
    assert dates("利用日\t利用時間\n1\t9:00") == []
    assert dates("令和6年4月分\n曜日\t件数\n1\t9") == ["2024-04"]


def test_the_weekday_tells_the_year_of_a_date_without_one():
    # A tender schedule issued in October 2025: its dates are in the months after.
    text = "入札参加申請受付期限\t11月14日(金) 17時\nプレゼンテーション\t1月6日(火)〜7日(水)\n"
    assert dates(text, "2025-10") == ["2025-11-14", "2026-01-06", "2026-01-07"]
    # Without a weekday the month-day stays before the document date.
    assert dates("受付期限\t11月14日 17時", "2025-10") == ["2024-11-14"]
    # ７月１４日（月）から…（木）まで: the weekday does not hide まで and から.
    assert dates("７月１４日（月）から８月２８日（木）まで", "2025-06-01") == ["2025-07-14", "2025-08-28"]


def test_an_undated_text_is_read_in_the_year_of_the_fiscal_year_it_keeps_naming():
    # A policy speech prints no date; it opens the session before 令和8年度 (FY2026) and keeps
    # naming that year, so its months and 本年 are 2026's (not a year a から elsewhere implies).
    speech = (
        "令和8年度に向けた市政運営について申し上げます。\n"
        "2月8日に衆議院議員総選挙が執行されました。\n"
        "本年8月末まで使用できるチケットを、4月中旬以降に順次送付する予定です。\n"
        "令和4年度から取り組んでいる栽培は、令和8年度から拡大する見込みです。\n"
        "令和8年度の税収につきましては、前年度比1億円の増を見込んでおります。\n"
    )
    assert dates(speech) == [
        "FY2026", "2026-02-08", "2026-08", "2026-04", "FY2022", "FY2026", "FY2026",
    ]


def test_two_mentions_of_a_fiscal_year_do_not_date_a_text():
    # Below TOPIC_MENTIONS the old reading stands: nothing to resolve 本年 against.
    assert dates("令和8年度の予算。令和8年度の事業。本年5月に実施。") == ["FY2026", "FY2026"]


@pytest.mark.parametrize("text", ["前年度比約2億円減", "前年比3%増", "前年同期比で増加", "昨年度対比"])
def test_a_comparison_with_the_year_before_is_not_a_date(text):
    assert dates(text, "2026-02-01") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [("no.597\njun.\n2024", ["2024-06"]), ("sep. 2025", ["2025-09"]), ("jun 2024", []), ("see may 2024", [])],
)
def test_a_folio_month_in_lower_case_with_its_dot(text, expected):
    assert dates(text) == expected


def test_next_years_month_with_no_between_is_one_mention():
    assert dates("中学生が来年の2月号広報誌紙面を作成する", "2024-06") == ["2025-02"]
    assert dates("来年の予算", "2024-06") == ["2025"]
