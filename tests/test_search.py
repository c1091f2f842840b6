"""Japanese full-text search: exact hits through the archive's ranked search, through
Datasette's own `?_search=` on /archive/documents and /archive/pages, and on the /-/search page."""

from __future__ import annotations

import urllib.parse

import pytest

from pipeline.load.database import Archive
from pipeline.load.search import fts_query
from fixtures import app_client, archive_of, ids

ID = ids()


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return archive_of(tmp_path_factory.mktemp("search") / "archive.db")


@pytest.fixture(scope="module")
def archive(archive_path):
    a = Archive(archive_path)
    yield a
    a.close()


@pytest.fixture(scope="module")
def get(archive_path):
    return app_client(archive_path)


# query -> the documents that contain it, and only those
CASES = [
    ("区長", {"letter"}),  # 2 characters, inside 世田谷区長
    ("交付", {"notice", "cost_sheet"}),
    ("世田谷区長", {"letter"}),
    ("世田谷区", {"letter", "wards_table"}),
    ("ｺﾝﾋﾞﾆ", {"notice", "cost_sheet"}),  # half-width query, full-width text
    ("コンビニ交付", {"notice", "cost_sheet"}),
    ("平成28年9月16日", {"notice"}),  # text stored as 「平 成 28 年 9 月 16 日」
    ("平 成 28 年", {"notice"}),  # several terms, each must occur
    ("J-LIS", {"cost_sheet"}),
    ("ｊ－ｌｉｓ", {"cost_sheet"}),
    ("普通郵便", {"wards_table"}),
    ("番号法第19条", {"notice"}),
    ("存在しない語", set()),  # found nowhere
    ("個人番号", {"letter", "wards_table"}),  # the newsletter has 個人 and 番号 apart only
    ("区", {"letter", "wards_table", "newsletter"}),  # one character
    ("世田谷 普通郵便", {"wards_table"}),  # two terms: both, anywhere
    ("世田谷普通郵便", set()),  # one term: a phrase, not split
    ('"区 長"', {"letter"}),  # a quoted phrase; spaces inside do not matter
]


def expected(names):
    return sorted(ID[n] for n in names)


@pytest.mark.parametrize("q, names", CASES)
def test_archive_search(archive, q, names):
    assert sorted(h["id"] for h in archive.search(q)) == expected(names)


@pytest.mark.parametrize("q, names", CASES)
def test_datasette_table_search(get, q, names):
    r = get("/archive/documents.json?" + urllib.parse.urlencode(
        {"_search": q, "_shape": "array", "_col": "title", "_size": "max"}))
    assert r.status_code == 200, r.text
    assert sorted(row["id"] for row in r.json()) == expected(names)


def test_datasette_page_search(get):
    r = get("/archive/pages.json?" + urllib.parse.urlencode(
        {"_search": "番号法", "_shape": "array", "_col": "page"}))
    assert [(row["id"], row["page"]) for row in r.json()] == [(f"{ID['notice']}/2", 2)]


def test_datasette_search_box_is_offered(get):
    html = get("/archive/documents").text
    assert 'name="_search"' in html


def test_search_page_ranks_and_highlights(get):
    r = get("/-/search?q=" + urllib.parse.quote("ｺﾝﾋﾞﾆ交付"))
    assert r.status_code == 200
    html = r.text
    # Title match first (bm25 with the title weighted), both documents listed.
    first, second = html.index(f"/-/document/{ID['cost_sheet']}"), html.index(f"/-/document/{ID['notice']}")
    assert first < second
    assert '<mark class="hit">コンビニ交付</mark>' in html
    assert f"/-/document/{ID['notice']}#page-2" in html  # the page-level hit


def test_search_page_json(get):
    r = get("/-/search?_format=json&q=" + urllib.parse.quote("区長"))
    data = r.json()
    assert [d["id"] for d in data["documents"]] == [ID["letter"]]
    assert [p["id"] for p in data["pages"]] == [f"{ID['letter']}/1"]
    assert data["documents"][0]["snippet"].count("\ue000区長\ue001") == 1
    assert data["version"] and data["error"] is None


def test_search_page_with_no_hits(get):
    html = get("/-/search?q=" + urllib.parse.quote("存在しない語")).text
    assert "No document contains" in html


@pytest.mark.parametrize("q, fts", [
    ("区長", '"区長"'),
    ("世田谷 区長", '"世田谷" "区長"'),
    ('"世田谷 区長"', '"世田谷 区長"'),
    ('a"b', '"a" "b"'),
    ("OR NOT", '"OR" "NOT"'),  # operators are taken literally
    ("   ", ""),
])
def test_fts_query_quotes_like_datasette(q, fts):
    from datasette.utils import escape_fts

    assert fts_query(q) == fts == escape_fts(q)
