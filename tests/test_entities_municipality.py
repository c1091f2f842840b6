"""Municipalities and prefectures by local government code, with context for shared names."""

from __future__ import annotations

import pytest

from pipeline.analyze.entities import DocumentContext, municipality


def codes(text: str, issuer: str | None = None) -> list[str]:
    return [e.value for e in municipality.extract(text, DocumentContext(issuer=issuer))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("世田谷区長 保坂 展人 様", ["131121"]),
        ("関口 博（国立市議会議員）", ["132152"]),
        ("東京都中野区の情報システム", ["131148"]),
        ("国立感染症研究所が作成した", []),
        ("区民の意見、市区町村に対して、企総区民分会", []),
        ("同区中野5、中野 元臨時職員", []),
        ("東村山市", ["132136"]),
        ("沖縄県東村", ["473031"]),
        ("札幌市中央区", ["011011"]),
        ("神奈川県三浦市南下浦町", ["142107"]),
    ],
)
def test_names(text, expected):
    assert codes(text) == expected


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
