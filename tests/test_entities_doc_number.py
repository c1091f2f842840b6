"""Document numbers of notices, not law numbers, items or forms."""

from __future__ import annotations

import pytest

from pipeline.analyze.entities import DocumentContext, doc_number

from fixtures import mentions


def numbers(text: str) -> list[str]:
    return [e.value for e in doc_number.extract(text, DocumentContext())]


def test_text_is_as_printed():
    text = "総行住第 185 号"
    (e,) = doc_number.extract(text, DocumentContext())
    assert (e.text, e.start, e.end) == (text, 0, len(text))


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
        # Council items, as printed in bills, reports and lists of bills.
        ("議案第７号\n令和８年度南国市一般会計予算", ["議案第7号"]),
        ("報告第２号\n損害賠償の専決処分の報告について", ["報告第2号"]),
        ("諮問第1号 人権擁護委員の推薦について", ["諮問第1号"]),
        ("議案第1 0号令和8年度南国市介護保険特別会計予算", ["議案第10号"]),
        # A list of bills: each number follows the previous bill's title without a break.
        (
            "議案第2号令和7年度南国市土地取得事業特別会計補正予算議案第3号令和7年度南国市国民健康"
            "保険特別会計補正予算(第3号)について報告第1号令和7年度南国市一般会計補正予算の専決処分",
            ["議案第2号", "議案第3号", "報告第1号"],
        ),
        # Full-width and character-spaced digits.
        ("保 発 ０８１９ 第 １ 号", ["保発0819第1号"]),
        ("保医発０４２８第９号\n令和４年４月２８日", ["保医発0428第9号"]),
        ("保 医 発 0 4 2 8 第 9 号", ["保医発0428第9号"]),
        # A public notice's number names its issuer.
        ("(公告番号 新潟市契約公告第86号)", ["新潟市契約公告第86号"]),
        # A municipal number led by its era year, which stays; a date before it is not part of it.
        ("4教学第1234号\n令和4年4月1日", ["4教学第1234号"]),
        ("(５南総第 12 号)", ["5南総第12号"]),
        ("令和4年4月1日付け教学第12号", ["教学第12号"]),
    ],
)
def test_doc_numbers(text, expected):
    assert numbers(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Law numbers, items and forms are never document numbers.
        "(平成 25 年法律第 27 号)",
        "(昭和 29 年総理府令第 23 号) 様式 第三号様式",
        "令和元年厚生労働省告示第85号",
        "厚生労働省告示第 86 号",
        "番号法第 19 条第 1 号",
        "第3号様式(通知書)の見本",
        "第1号",
        "昭和５４年南国市条例第１８号",
        "南国市条例第18号",
        "厚生労働省告示第85号",
        "地方自治法(昭和22年法律第67号)",
        # An item of a table: 別表第三の一の二三第三号.
        "特掲診療料の施設基準等別表第三の一の二三\n第三号に掲げる",
        # A gazette's issue is not a document number.
        "平成20年4月25日金曜日官報第4817号",
        "官報号外第129号",
        # Nor a newsletter's.
        "広報第五九七号",
        "会報第12号",
    ],
)
def test_not_doc_numbers(text):
    assert numbers(text) == []


def test_a_table_of_council_items():
    # sakaiminato-gikai-giketsu-kekka: 区分 names the kind once for a run of rows.
    text = (
        "区分\t番号\t案件名\t議決年月日\t議決結果\n"
        "市長提出議案\t人事\t第63号\t教育委員会教育長の任命について\tR7.9.2\t同意(全会一致)\n"
        "第64号\t教育委員会委員の任命について\tR7.9.2\t同意(全会一致)\n"
        "予算\t第69号\t令和7年度境港市一般会計補正予算(第5号)\tR7.9.25\t原案可決(全会一致)\n"
        "委員会提出議案\t第5号\t保育士配置基準の引上げを求める意見書の提出について\n"
        "区分\t番号\t案件名\n"
        "陳情\t第7号\t裏金問題の徹底解明を求める陳情\tR7.9.25\t不採択\n"
    )
    assert mentions(doc_number.extract, text) == [
        ("第63号", "議案第63号"), ("第64号", "議案第64号"), ("第69号", "議案第69号"),
        ("第5号", "委員会提出議案第5号"), ("第7号", "陳情第7号"),
    ]  # fmt: skip
    # Without a 番号 header, or before any kind is named, a bare 第N号 is nothing.
    assert numbers("区分\t案件名\n議案\t第63号\t任命について") == []
    assert numbers("区分\t番号\t案件名\n人事\t第63号\t任命について") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A gazette notice's number after its white circle (〇 as a text layer gives it).
        ("◎調達機関番号009◎所在地番号13〇第128号1調達内容", ["第128号"]),
        ("支出負担行為担当官\n東京拘置所長 山本 英博\n◎調達機関番号013◎所在地番号13\n〇第11号\n1調達内容",
         ["第11号"]),
        # Items of a list, forms and numbers inside kanji numerals are not.
        ("○第1号議案 令和7年度一般会計補正予算", []),
        ("○第3号様式", []),
        ("一〇第5号", []),
    ],
)  # fmt: skip
def test_gazette_notice_numbers(text, expected):
    assert [e.value for e in doc_number.extract(text, DocumentContext())] == expected
