"""Serving the archive with Datasette: in process (`Datasette.client`) and as a real server."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import shutil
import urllib.parse
from pathlib import Path

import httpx
import pytest
from PIL import Image

from pipeline.load.database import Archive
from pipeline.model import Page
from pipeline.load import schema
from pipeline.serve import app, facets
from pipeline.serve.render import mark_entities
from fixtures import app_client, free_port, ids, make_document, notice, sample_documents, start_server, stop_server

ID = ids()
ROOT = Path(__file__).resolve().parent.parent


def make_pdf(path: Path, pages: int = 2) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(600, 800))
    for n in range(1, pages + 1):
        c.drawString(100, 700, f"page {n}")
        c.showPage()
    c.save()
    return path


def scanned_document(pdf: Path):
    """A document whose source file really exists (for the source and page-image routes)."""
    doc = make_document(pdf.name, [Page(1, "一枚目 区役所"), Page(2, "二枚目 区役所")],
                        title="原本のある文書", kind="資料")
    doc.sha256 = hashlib.sha256(pdf.read_bytes()).hexdigest()
    doc.id = f"{doc.sha256[:16]}-p1-2"
    return doc


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """archive.db with the samples and one document with a real PDF in a source folder."""
    base = tmp_path_factory.mktemp("serve")
    sources = base / "sources"
    sources.mkdir()
    pdf = make_pdf(sources / "scan.pdf")
    with Archive(base / "archive.db") as archive:
        archive.add([*sample_documents(), scanned_document(pdf)])
        version = archive.version()
    return {"db": base / "archive.db", "sources": sources, "pdf": pdf, "version": version,
            "scan_id": scanned_document(pdf).id}


@pytest.fixture(scope="module")
def get(site):
    return app_client(site["db"], source_dirs=[site["sources"]])


def q(params: dict) -> str:
    return urllib.parse.urlencode(params)


def test_index_and_metadata(get, site):
    html = get("/").text
    assert "行政文書アーカイブ" in html
    assert f"<code>{site['version']}</code>" in html  # the footer cites the version
    data = get("/-/archive-version").json()
    assert data["database"] == "archive"
    assert data["version"] == site["version"]
    assert data["tokenizer"] == "ja_bigram"


def test_every_column_is_described_in_japanese_and_english(site):
    metadata = json.loads((ROOT / "datasette_metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["archive"]["tables"]
    with Archive(site["db"]) as archive:
        for name in ("documents", "pages", "entities", "doc_tables", "table_cells",
                     "municipalities", "prefectures", "archive_info"):
            meta = tables[name]
            assert meta["title"] and meta["description"] and meta["license"] and meta["source"]
            columns = archive.db[name].columns_dict
            assert set(meta["columns"]) == set(columns), name
            for column, text in meta["columns"].items():
                if column not in ("iso_code",):
                    assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), (name, column)
                    assert re.search(r"[A-Za-z]{3}", text), (name, column)


def test_documents_table_has_facets_and_links_to_document_pages(get):
    data = get("/archive/documents.json?_size=max").json()
    assert set(data["facet_results"]) >= {"kind", "issuer", "issued_year", "issued_on"}
    kinds = {f["value"]: f["count"] for f in data["facet_results"]["kind"]["results"]}
    assert kinds == {"資料": 3, "通知": 1, "質問書": 1, "会報": 1}
    html = get("/archive/documents").text
    assert f'<a class="document-link" href="/-/document/{ID["letter"]}">' in html
    row = get(f"/archive/documents/{ID['letter']}").text
    assert f'href="/-/document/{ID["letter"]}"' in row


def test_default_facets_only_when_few_enough_rows_match(get, monkeypatch):
    """At most facet_max_rows matching rows: the table's facets; more: none, unless asked for with
    ?_facet= (at 100,000 documents four facets over a broad search cost ~200 ms)."""
    monkeypatch.setattr(facets, "FACET_MAX_ROWS", 2)
    narrow = get("/archive/documents.json?" + q({"_search": "変更申請"})).json()
    assert narrow["filtered_table_rows_count"] == 1
    assert list(narrow["facet_results"]) == ["kind", "issuer", "issued_year", "has_copies",
                                             "issued_on", "municipalities", "laws"]
    assert narrow["facet_results"]["kind"]["results"][0]["value"] == "質問書"
    broad = get("/archive/documents.json?" + q({"_search": "区"})).json()
    assert broad["filtered_table_rows_count"] == 4
    assert broad["facet_results"] == {} and broad["suggested_facets"] == []
    asked = get("/archive/documents.json?" + q({"_search": "区", "_facet": "kind"})).json()
    assert list(asked["facet_results"]) == ["kind"]
    assert sum(f["count"] for f in asked["facet_results"]["kind"]["results"]) == 4
    html = get("/archive/documents").text
    assert "Facets (kind, issuer, issued_year, has_copies, issued_on, municipalities, laws) are shown when at most 5,000 rows match" in html


ALL_FACETS = [("_facet", "kind"), ("_facet", "issuer"), ("_facet", "issued_year"),
              ("_facet", "has_copies"), ("_facet_date", "issued_on"),
              ("_facet_array", "municipalities"), ("_facet_array", "laws")]


@pytest.mark.parametrize("search", [None, "区", "変更申請"])
def test_default_facets_count_as_datasettes_own(get, search):
    """The default facets count over the matching rows' keys and only the faceted column
    (facets.py); their counts are those of Datasette's own facets asked for with ?_facet=."""
    # _size=3: a URL no other test asks for (the server keeps the pages it answered).
    args = [("_size", "3")] + ([("_search", search)] if search else [])
    default = get("/archive/documents.json?" + q(args)).json()["facet_results"]
    own = get("/archive/documents.json?" + q(args + ALL_FACETS)).json()["facet_results"]
    assert list(default) == [column for _, column in ALL_FACETS]
    counts = lambda facets: {name: [(r["value"], r["count"]) for r in f["results"]]  # noqa: E731
                             for name, f in facets.items()}
    assert counts(default) == counts(own)
    if search == "区":
        assert counts(default)["municipalities"] == [("世田谷区", 2), ("北区", 1), ("足立区", 1)]


def test_array_facet_counts_documents_with_equal_arrays_apart(tmp_path):
    """Two documents mentioning the same municipalities count twice: the array facet keeps each
    matching row apart by its key, not by its (narrowed) columns."""
    setagaya = ("municipality", "世田谷区", "131121",
                {"code": "131121", "name": "世田谷区", "prefecture": "東京都"})
    docs = [make_document(f"ward-{n}.pdf", [Page(1, f"世田谷区の窓口案内 第{n}版")], [setagaya],
                          title=f"窓口案内 第{n}版", kind="資料") for n in (1, 2)]
    with Archive(tmp_path / "archive.db") as archive:
        archive.add(docs)
    ds = app.make_datasette(tmp_path / "archive.db")
    asyncio.run(ds.invoke_startup())
    data = asyncio.run(ds.client.get("/archive/documents.json?" + q({"_search": "窓口"}))).json()
    assert data["filtered_table_rows_count"] == 2
    results = data["facet_results"]["municipalities"]["results"]
    assert [(r["value"], r["count"]) for r in results] == [("世田谷区", 2)]


def test_documents_are_listed_in_archive_order(get):
    data = get("/archive/documents.json?_col=id&_size=2&" + q({"_search": "区"})).json()
    assert data["human_description_en"] == 'where search matches "区" sorted by rowid'
    assert [r[0] for r in data["rows"]] == sorted(r[0] for r in data["rows"])  # added in id order
    following = get(data["next_url"].replace("http://localhost", "")).json()
    assert len(following["rows"]) == 2 and following["rows"][0][0] > data["rows"][-1][0]


def test_tables_sorted_by_rowid_may_be_sorted_by_any_column():
    metadata = json.loads((ROOT / "datasette_metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["archive"]["tables"]
    for name in ("documents", "pages", "entities"):
        assert tables[name]["sort"] == "rowid"
        assert tables[name]["sortable_columns"] == [*schema.COLUMNS[name][0], "rowid"]


def test_html_pages_of_tables_with_foreign_keys_page_through(get):
    """entities (document_id → documents, labels expanded in HTML) listed by rowid over several
    pages: Datasette's next-page link used to fail with a 500."""
    r = get("/archive/entities?_size=2")
    assert r.status_code == 200
    assert r.text.count("<tr>") == 3 and ">Next page</a>" in r.text  # a header and 2 rows


def test_entities_facets(get):
    data = get("/archive/entities.json?_size=0").json()
    assert set(data["facet_results"]) >= {"kind", "law", "law_id", "name", "date_precision"}
    law_ids = {r["value"]: r["count"] for r in data["facet_results"]["law_id"]["results"]}
    assert law_ids == {"425AC0000000027": 1}


def test_document_page_marks_entities(get):
    doc = notice()
    r = get(f"/-/document/{doc.id}")
    assert r.status_code == 200
    html = r.text
    assert ('<mark class="entity entity-date" data-kind="date" data-value="2016-09-16" '
            'title="date: 2016-09-16" id="e-2">平 成 28 年 9 月 16 日</mark>') in html
    assert 'class="entity entity-law-ref" data-kind="law_ref" data-value="番号法第19条第7号"' in html
    # Each law reference links to the law on e-Gov.
    assert ('<a class="egov" href="https://laws.e-gov.go.jp/law/425AC0000000027" '
            'title="e-Gov 法令検索">番号法</a>') in html
    assert '<section class="page" id="page-2">' in html
    assert "日付 Dates" in html and "法令 Laws" in html and "文書番号 Document numbers" in html
    assert doc.title in html
    # No snapshot published: nothing lasting to cite yet, and the page says so.
    assert "No published snapshot holds this page yet" in html
    assert "Published in 公開版:\nnone yet 未公開" in html


def test_fact_sql_links_reproduce_the_fact_and_carry_the_version(get, site):
    html = get(f"/-/document/{ID['cost_sheet']}").text
    links = re.findall(r'<a class="cite" href="([^"]+)"', html)
    assert len(links) == 2
    url = links[0].replace("&amp;", "&")
    assert f"_version={site['version']}" in url
    path, query = url.split("?", 1)
    data = get(f"{path}.json?{query}&_shape=array").json()
    assert [(r["text"], r["amount"]) for r in data] == [("30,000,000円", 30000000)]
    assert "archive-version-mismatch" not in get(url).text


def test_a_cited_version_that_is_not_served_is_a_404_not_a_live_answer(get, site):
    r = get("/archive/documents?_version=0123456789abcdef")
    assert r.status_code == 404
    assert (f"Archive version 0123456789abcdef is not published on this server, and the live archive"
            f" is now version {site['version']}: the answer this link cited cannot be given.") in r.text
    assert "No version of this archive has been published yet." in r.text
    assert '<table class="rows-and-columns">' not in r.text  # no rows of the live archive
    r = get("/archive/documents.json?_version=0123456789abcdef")
    assert r.status_code == 404 and r.json()["published"] == []
    # The live archive's own version is answered by the live archive.
    assert get(f"/archive/documents?_version={site['version']}").status_code == 200


def test_document_page_of_unknown_id_is_404(get):
    assert get("/-/document/no-such-document").status_code == 404


def test_tables_on_the_document_page(get):
    html = get(f"/-/document/{ID['wards_table']}").text
    assert "<th>世田谷区</th><td>9月15日</td><td>普通郵便</td>" in html


def test_source_file_and_page_images(get, site):
    doc_id = site["scan_id"]
    html = get(f"/-/document/{doc_id}").text
    assert f'href="/-/source/{doc_id}"' in html
    assert f'src="/-/page-image/{doc_id}/2.png"' in html
    r = get(f"/-/source/{doc_id}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/pdf"
    assert r.content == site["pdf"].read_bytes()
    r = get(f"/-/page-image/{doc_id}/2.png?dpi=72")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(r.content)).size == (600, 800)
    assert Image.open(io.BytesIO(get(f"/-/page-image/{doc_id}/1.png").content)).size == (834, 1112)
    assert get(f"/-/page-image/{doc_id}/3.png").status_code == 404
    # Documents whose source is not here: no links, 404.
    assert "/-/source/" not in get(f"/-/document/{ID['letter']}").text
    assert get(f"/-/source/{ID['letter']}").status_code == 404


def test_a_source_file_with_other_bytes_is_not_served(site, tmp_path):
    other = tmp_path / "sources"
    other.mkdir()
    make_pdf(other / "scan.pdf", pages=3)  # same name, other content
    ds = app.make_datasette(site["db"], source_dirs=[other])

    async def fetch():
        await ds.invoke_startup()
        return await ds.client.get(f"/-/source/{site['scan_id']}")

    assert asyncio.run(fetch()).status_code == 404


def test_a_text_source_is_served_but_has_no_page_images(tmp_path):
    source = tmp_path / "memo.txt"
    source.write_text("区長へのメモ", encoding="utf-8")
    doc = make_document("memo.txt", [Page(1, "区長へのメモ")])
    doc.sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    doc.id = f"{doc.sha256[:16]}-p1-1"
    doc.source_path = "memo.txt"  # relative to the archive's folder
    with Archive(tmp_path / "archive.db") as archive:
        archive.add([doc])
    ds = app.make_datasette(tmp_path / "archive.db", source_dirs=[])

    async def fetch(path):
        return await ds.client.get(path)

    async def run():
        await ds.invoke_startup()
        return [await fetch(p) for p in (f"/-/document/{doc.id}", f"/-/source/{doc.id}",
                                          f"/-/page-image/{doc.id}/1.png")]

    page, source_response, image = asyncio.run(run())
    assert f'href="/-/source/{doc.id}"' in page.text and "page-image" not in page.text
    assert source_response.content == source.read_bytes()
    assert image.status_code == 404


CANNED = [
    ("documents_citing_law", {"law_ref": "番号法第19条"}, ["document_id", "cited_as"],
     [[ID["notice"], "番号法第19条第7号"]]),
    ("documents_citing_law", {"law_ref": "番号法第1条"}, ["document_id"], []),
    ("documents_citing_law", {"law_ref": "425AC0000000027"}, ["document_id", "cited_as"],
     [[ID["notice"], "番号法第19条第7号"]]),
    ("amounts_by_document", {"document_id": ""}, ["text", "amount"],
     [["30,000,000円", 30000000], ["約940円", 940]]),
    ("municipality_mentions_by_year", {"municipality": "世田谷"}, ["issued_year", "code", "documents"],
     [[2016, "131121", 1], [2017, "131121", 1]]),
    ("timeline", {}, ["date_start", "text"],
     [["2016-09-16", "平 成 28 年 9 月 16 日"], ["2017-01-17", "2017年1月17日"],
      ["2017-02-01", "2017年2月1日"]]),
    ("ward_answers", {"answer": "普通郵便"}, ["row", "question", "answer"],
     [["世田谷区", "(3)", "普通郵便"], ["北区", "(3)", "普通郵便"]]),
]


@pytest.mark.parametrize("name, params, columns, expected", CANNED)
def test_canned_queries(get, name, params, columns, expected):
    r = get(f"/archive/{name}.json?" + q({**params, "_shape": "array"}))
    assert r.status_code == 200, r.text
    assert [[row[c] for c in columns] for row in r.json()] == expected


def test_sql_that_writes_is_refused(get, site):
    r = get("/archive.json?" + q({"sql": "delete from documents"}))
    assert r.status_code == 400
    assert "Statement must be a SELECT" in r.text
    for path in ("/archive/documents", "/archive/timeline", "/archive"):
        assert get(path, method="POST").status_code == 405
    with Archive(site["db"]) as archive:
        assert archive.db["documents"].count == 6


def test_metadata_follows_the_database_name(site, tmp_path):
    other = tmp_path / "my-archive.db"
    shutil.copy(site["db"], other)
    metadata = app.metadata_for(other, [tmp_path])
    assert "my-archive" in metadata["databases"] and "archive" not in metadata["databases"]
    assert metadata["plugins"]["pipeline"]["source_dirs"] == [str(tmp_path.resolve())]
    ds = app.make_datasette(other)

    async def fetch():
        await ds.invoke_startup()
        return await ds.client.get("/my-archive/timeline.json?_shape=array")

    assert len(asyncio.run(fetch()).json()) == 3


def test_mark_entities_nests_and_skips_crossing_spans():
    text = "東京都世田谷区長"
    ents = [
        {"start": 0, "end": 7, "kind": "municipality", "value": "131121", "n": 1},
        {"start": 3, "end": 7, "kind": "municipality", "value": "世田谷区", "n": 2},
        {"start": 6, "end": 8, "kind": "person", "value": "区長", "n": 3},  # crosses: unmarked
        {"start": 0, "end": 3, "kind": "prefecture", "value": "<東京都>", "n": 4},
    ]
    html = str(mark_entities(text, ents))
    assert html == (
        '<mark class="entity entity-municipality" data-kind="municipality" data-value="131121" '
        'title="municipality: 131121" id="e-1">'
        '<mark class="entity entity-prefecture" data-kind="prefecture" data-value="&lt;東京都&gt;" '
        'title="prefecture: &lt;東京都&gt;" id="e-4">東京都</mark>'
        '<mark class="entity entity-municipality" data-kind="municipality" data-value="世田谷区" '
        'title="municipality: 世田谷区" id="e-2">世田谷区</mark></mark>長'
    )
    # Offsets are document offsets; a page starting at 10 holds entities 10..
    assert str(mark_entities("<区>", [{"start": 11, "end": 12, "kind": "x", "value": ""}], offset=10)) == (
        '&lt;<mark class="entity entity-x" data-kind="x" data-value="" title="x: ">区</mark>&gt;')


# --- a real server --------------------------------------------------------------------------------


def test_real_server_is_read_only_and_searchable(site):
    before = hashlib.sha256(site["db"].read_bytes()).hexdigest()
    port = free_port()
    proc = start_server(site["db"], port, [site["sources"]])
    base = f"http://127.0.0.1:{port}"
    try:
        r = httpx.get(f"{base}/archive/documents.json", params={"_search": "交付", "_shape": "array"})
        assert sorted(row["id"] for row in r.json()) == sorted([ID["notice"], ID["cost_sheet"]])
        assert httpx.get(f"{base}/-/archive-version").json()["version"] == site["version"]
        assert httpx.post(f"{base}/archive/documents", data={"id": "x"}).status_code == 405
        assert httpx.post(f"{base}/archive", data={"sql": "delete from documents"}).status_code == 405
        r = httpx.get(f"{base}/archive.json", params={"sql": "insert into archive_info values ('a', 'b')"})
        assert r.status_code == 400
        settings = httpx.get(f"{base}/-/settings.json").json()
        assert settings["sql_time_limit_ms"] == 3000 and settings["max_returned_rows"] == 1000
        databases = httpx.get(f"{base}/-/databases.json").json()
        # Read-only (mode=ro), not immutable, so an ingest beside the server is seen safely.
        assert [(d["name"], d["is_mutable"]) for d in databases] == [("archive", True)]
        assert httpx.get(f"{base}/-/source/{site['scan_id']}").content == site["pdf"].read_bytes()
        plugins = httpx.get(f"{base}/-/plugins.json").json()
        assert "pipeline" in [p["name"] for p in plugins]  # the entry point
    finally:
        stop_server(proc)
    assert hashlib.sha256(site["db"].read_bytes()).hexdigest() == before
