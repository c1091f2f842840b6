"""The archive `make serve` builds from the committed extracted/: what a researcher finds in it,
asked over HTTP of a real Datasette with the project's metadata and plugin."""

from __future__ import annotations

import asyncio
import json

import pytest
import sqlite_utils

from conftest import REPO, run_pipeline

SLUG_SOURCES = {  # the ten seed documents as the archive holds them (corpus/archive.txt)
    "01-memo.pdf", "02-shiryo1.pdf", "03-shiryo2.pdf", "04-letter.pdf", "05-mic-notice.pdf",
    "06-onestop-program.pdf", "07-union-newsletter.pdf", "08-mic-jimurenraku.pdf",
    "09-wards-answers.pdf", "10-newspaper.pdf",
}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "archive.db"
    result = run_pipeline("build", "--db", path, "--extracted-dir", REPO / "extracted")
    assert result.returncode == 0, result.stderr
    return path


@pytest.fixture(scope="module")
def get(db):
    from pipeline.serve.app import make_datasette

    ds = make_datasette(db)
    loop = asyncio.new_event_loop()
    loop.run_until_complete(ds.invoke_startup())

    def fetch(path: str, **params):
        response = loop.run_until_complete(ds.client.get(path, params=params))
        assert response.status_code == 200, (path, response.status_code)
        return response

    yield fetch
    loop.close()


def search(get, q: str) -> set[str]:
    rows = get("/archive/documents.json", _search=q, _shape="array", _col="source").json()
    return {r["source"] for r in rows}


def test_each_seed_document_once(db):
    conn = sqlite_utils.Database(db)
    sources = [r["source"] for r in conn.query("select source from documents")]
    assert sorted(sources) == sorted(SLUG_SOURCES)


def test_build_is_deterministic(db, tmp_path):
    again = tmp_path / "archive.db"
    assert run_pipeline("build", "--db", again, "--extracted-dir", REPO / "extracted").returncode == 0
    assert again.read_bytes() == db.read_bytes()


@pytest.mark.parametrize("query, expected", [
    ("区長", {"04-letter.pdf"}),
    ("総行住第185号", {"05-mic-notice.pdf"}),
    ("ｺﾝﾋﾞﾆ交付", {"01-memo.pdf", "02-shiryo1.pdf", "03-shiryo2.pdf", "04-letter.pdf",
                  "05-mic-notice.pdf", "06-onestop-program.pdf"}),
    ("平成 28 年 11 月 25 日", {"08-mic-jimurenraku.pdf"}),
    ("顔認証", {"04-letter.pdf"}),
    ("存在しない語句", set()),
])
def test_search_box(get, query, expected):
    assert search(get, query) == expected


def test_wards_that_answered_ordinary_mail(get):
    rows = get("/archive/ward_answers.json", answer="普通郵便", _shape="array").json()
    assert sorted(r["row"] for r in rows) == ["世田谷区", "中野区", "北区"]


def test_documents_citing_bangouhou_article_19(get):
    rows = get("/archive/documents_citing_law.json", law_ref="番号法第19条", _shape="array").json()
    assert {r["title"] for r in rows} == {
        "平成29年度分以降の個人住民税に係る特別徴収税額決定通知書(特別徴収義務者用)の送付に関する留意事項について(通知)"
    }
    assert {r["value"] for r in rows} == {"番号法第19条第1号"}


def test_setagaya_mentions_by_year(get):
    rows = get("/archive/municipality_mentions_by_year.json", code="131121", _shape="array").json()
    assert {(r["issued_year"], r["documents"]) for r in rows} >= {(2017, 1)}


def test_canned_queries_listed_on_the_database_page(get):
    html = get("/archive").text
    for name in ("documents_citing_law", "amounts_by_document", "municipality_mentions_by_year",
                 "timeline", "ward_answers"):
        assert f'href="/archive/{name}"' in html


def test_document_page_highlights_entities(get, db):
    conn = sqlite_utils.Database(db)
    doc_id = conn.execute("select id from documents where source = '08-mic-jimurenraku.pdf'").fetchone()[0]
    html = get(f"/-/document/{doc_id}").text
    assert 'data-value="番号法第19条第1号"' in html
    assert 'data-value="2016-11-25"' in html
    version = json.loads(get("/-/archive-version").text)["version"]
    assert f"_version={version}" in html


def test_documents_are_listed_by_date_of_issue(get):
    """`pipeline build` archives documents by issued_on; Datasette lists them in that order."""
    rows = get("/archive/documents.json", _shape="array", _col="issued_on").json()
    dates = [r["issued_on"] for r in rows]
    assert len(dates) == 10 and dates == sorted(dates, key=lambda d: (d is not None, d or ""))
    assert dates[-1] > dates[-2] > dates[-3]  # not all undated


def test_documents_faceted_by_municipality_and_law(get):
    data = get("/archive/documents.json", _facet_array="municipalities").json()
    wards = {r["value"]: r["count"] for r in data["facet_results"]["municipalities"]["results"]}
    assert wards["世田谷区"] == 2  # the letter and the wards' table
    data = get("/archive/documents.json", _facet_array="laws").json()
    laws = {r["value"]: r["count"] for r in data["facet_results"]["laws"]["results"]}
    assert laws["番号法"] >= 2
