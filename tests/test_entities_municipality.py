"""Municipalities and prefectures by local government code, with context for shared names."""

from __future__ import annotations

import pytest

from pipeline.analyze.entities import DocumentContext, municipality

from fixtures import mentions


def codes(text: str, issuer: str | None = None) -> list[str]:
    return [e.value for e in municipality.extract(text, DocumentContext(issuer=issuer))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("世田谷区長 保坂 展人 様", ["131121"]),
        ("関口 博（国立市議会議員）", ["132152"]),
        ("東京都中野区の情報システム", ["131148"]),
        ("沖縄県東村", ["473031"]),
        ("札幌市中央区", ["011011"]),
        ("神奈川県三浦市南下浦町", ["142107"]),
        # Another body's name holds the place's name: not a mention; the village after it is.
        ("北海道開発局・北海道・北海道警察・音威子府村", ["014702"]),
        # The municipality's own organs, and what it runs, are mentions.
        ("南国市長 平山耕三", ["392049"]),
        ("南国市議会", ["392049"]),
        ("南国市立図書館設置条例", ["392049"]),
        ("境港市役所", ["312045"]),
        ("南国市立病院、南国市教育委員会", ["392049", "392049"]),
        # Addresses count, hospitals after them do not change that; a town's name inside a
        # city's address is a district of the city.
        ("茨城県立中央病院\t309-1793\t茨城県笠間市鯉淵6528", ["082163"]),
        (
            "福島県福島市栄町1-1、滋賀県大津市瀬田大江町、香川県高松市朝日町",
            ["072010", "252018", "372013"],
        ),
        ("茨城県猿島郡境町2190、音威子府村", ["085464", "014702"]),
        ("音威子府村字咲来 音威子府村字上音威子府", ["014702", "014702"]),
        # The longest name wins; a name going on into a longer one is not this one.
        ("東村山市", ["132136"]),
        ("小平\t日野\t東村山\t国分寺", ["132110", "132128", "132136", "132144"]),
        # saitama-chuo-ku-hoikuen: the ward written with its city, then alone in the table.
        (
            "さいたま市中央区 認可保育園利用可能人数\n中央区\t1501\t上落合\n中央区\t1550\t与野",
            ["111058", "111058", "111058"],
        ),
    ],
)
def test_codes(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "国立感染症研究所が作成した",
        "区民の意見、市区町村に対して、企総区民分会",
        "同区中野5、中野 元臨時職員",
        # Another body's name holds the place's name: not a mention.
        "日立市医師会",
        "南国市社会福祉協議会",
        "つくば市民病院",
        # A caucus of the council is not the municipality.
        "自由未来\t境港市議会公明党議員団\t無所属",
    ],
)
def test_not_municipalities(text):
    assert codes(text) == []


def test_shared_ward_names_follow_the_context():
    table = "1\t世田谷区\t9月15日\n3\t北区\t9月20日\n6\t中央区\t9月23日"
    assert codes(table) == ["131121", "131172", "131024"]
    assert codes("北区と中央区") == []  # no context: not guessed
    assert codes("北区役所", issuer="札幌市") == ["011029"]
    assert codes("東京23区のうち中央区") == ["131024"]


def test_attrs():
    (e,) = municipality.extract("中野区", DocumentContext())
    assert e.attrs == {"code": "131148", "prefecture": "東京都", "name": "中野区"}


def test_prefectures():
    got = municipality.extract_prefectures(
        "東京都内23区、北海道、各都道府県知事、京都府", DocumentContext()
    )
    assert [(e.value, e.attrs["name"]) for e in got] == [
        ("130001", "東京都"), ("010006", "北海道"), ("260002", "京都府"),
    ]  # fmt: skip


def test_prefecture_inside_another_body():
    assert mentions(municipality.extract_prefectures, "北海道開発局・北海道・北海道警察") == [
        ("北海道", "010006"), ("北海道", "010006"),
    ]  # fmt: skip


def test_a_body_named_with_its_post_is_still_that_body():
    # A gazette signature: the compact text runs the post into the official's name.
    text = "支出負担行為担当官\n北海道財務局総務部長 遠藤晃\n東京都千代田区霞が関"
    assert mentions(municipality.extract_prefectures, text) == [("東京都", "130001")]
    assert codes("水戸赤十字病院事務局長") == []
    # The municipality's own offices, and a word that merely contains 駅, stay mentions.
    assert codes("南国市役所総務課長、南国市駅前広場整備事業") == ["392049", "392049"]


def test_a_list_of_places_without_suffix():
    # tokyo-covid-betsushi: 区市町村別患者数, names without 区/市/町/村, one Tokyo list.
    text = (
        "【参考】区市町村別患者数(都内発生分)\n"
        "千代田\t中央\t港\t新宿\n1850 (1850)\t5670 (5669)\t9999 (9989)\t18480 (18469)\n"
        "八王子\t府中\t瑞穂\t大島\t三宅\n"
    )
    assert mentions(municipality.extract, text) == [
        ("千代田", "131016"), ("中央", "131024"), ("港", "131032"), ("新宿", "131041"),
        ("八王子", "132012"), ("府中", "132063"), ("瑞穂", "133035"), ("大島", "133612"),
        ("三宅", "133817"),
    ]  # fmt: skip
    assert codes("中央\t港\n府中") == []  # fewer than 3 in a row: not a list
