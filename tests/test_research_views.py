"""Research views over HTTP and in headless Chromium: the timeline (/-/timeline), a document's
copies with the compare view, the amounts chart on the document page, the hits-by-year chart on the
search page. Every bar is a link to the rows behind it; every chart has its SQL."""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pytest

from pipeline.model import Page
from fixtures import app_client, archive_of, ids, make_document, notice, sample_documents

ID = ids()
ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")


def stamped_copy():
    """The notice again as a ward's copy: other bytes (another file), the same pages, a stamp."""
    original = notice()
    pages = [Page(p.number, ("受付 平成28年9月20日 世田谷区\n" if p.number == 1 else "") + p.text)
             for p in original.pages]
    return make_document("notice-ward-copy.pdf", pages, title=original.title, kind=original.kind,
                         issuer=original.issuer, issued_on=original.issued_on)


@pytest.fixture(scope="module")
def archive_path(tmp_path_factory):
    return archive_of(tmp_path_factory.mktemp("research") / "archive.db", sample_documents(),
                      [stamped_copy()])


@pytest.fixture(scope="module")
def get(archive_path):
    return app_client(archive_path)


def bars(html: str) -> list[tuple[str, str, str]]:
    """(href, label, value) of every bar of the page's charts."""
    return re.findall(r'<a href="([^"]+)"><rect class="bar[^"]*" [^>]*data-label="([^"]*)" data-value="([^"]*)"', html)


def test_the_copy_is_linked_same_and_compared(get):
    copy = stamped_copy()
    html = get(f"/-/document/{ID['notice']}").text
    assert "Copies and versions" in html and "同一 same text" in html
    compare = f"/-/compare/{ID['notice']}/{copy.id}"
    assert compare in html
    page = get(compare)
    assert page.status_code == 200
    assert "1 line(s) differ" in page.text
    assert '<tr class="diff-insert"><td></td><td>受付 平成28年9月20日 世田谷区</td></tr>' in page.text


def test_has_copies_facet(get):
    data = get("/archive/documents.json?_facet=has_copies").json()
    counts = {r["value"]: r["count"] for r in data["facet_results"]["has_copies"]["results"]}
    assert counts == {0: 4, 1: 2}


def test_timeline_bars_link_to_their_rows(get):
    html = get("/-/timeline").text
    doc_bars = [b for b in bars(html) if "/archive/documents?" in b[0]]
    labels = [b[1] for b in doc_bars]
    assert labels[0] == "2016-09" and labels[-1] == "2017-02" and len(labels) == 6  # gaps kept
    by_label = {b[1]: b for b in doc_bars}
    assert by_label["2016-09"][2] == "3"  # the notice, its copy, the wards' table
    href = by_label["2016-09"][0].replace("&amp;", "&")
    rows = get(href.replace("/archive/documents?", "/archive/documents.json?") + "&_shape=array").json()
    assert sorted(r["issued_on"] for r in rows) == ["2016-09", "2016-09-16", "2016-09-16"]
    # Each chart's SQL reproduces it.
    sql = re.findall(r'<p class="cite-sql"><a href="([^"]+)">SQL</a>', html)
    assert len(sql) == 3
    data = get(sql[0].replace("&amp;", "&").replace("/archive?", "/archive.json?") + "&_shape=array").json()
    assert {r["month"]: r["documents"] for r in data}["2016-09"] == 3


def test_timeline_json_and_municipality(get):
    data = get("/-/timeline?_format=json&municipality=131121").json()
    assert data["municipality"] == "131121"
    assert data["municipality_by_year"] == [[2016, 1], [2017, 1]]  # the wards table, the letter
    # The dates the texts mention, by month, empty months kept.
    assert data["events_by_month"] == [["2016-09", 1], ["2016-10", 0], ["2016-11", 0],
                                       ["2016-12", 0], ["2017-01", 1], ["2017-02", 1]]
    assert get("/-/timeline?municipality=999999").status_code == 404


def test_document_amounts_chart(get):
    html = get(f"/-/document/{ID['cost_sheet']}").text
    amounts = [b for b in bars(html) if "sql=" in b[0]]
    assert [(b[1], b[2]) for b in amounts] == [("30,000,000円", "30000000"), ("約940円", "940")]


def test_search_page_hits_by_year(get):
    html = get("/-/search?q=" + urllib.parse.quote("交付")).text
    years = {b[1]: b[2] for b in bars(html)}
    assert years == {"2016": "2", "2017": "1"}


def test_timeline_in_the_browser(archive_path):
    """A person opens the timeline, sees the bars drawn and clicks one: the documents of that month."""
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: scripts/install-system-deps.sh installs it")
    from playwright.sync_api import sync_playwright

    from fixtures import free_port, start_server, stop_server

    port = free_port()
    proc = start_server(archive_path, port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/-/timeline")
            drawn = page.locator("svg.chart-documents rect.bar")
            assert drawn.count() == 6
            box = drawn.first.bounding_box()
            assert box["height"] > 10 and box["width"] > 10  # really drawn, not zero-sized
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "browser-timeline.png"), full_page=True)
            drawn.first.click()
            page.wait_for_url("**/archive/documents?issued_on__startswith=2016-09")
            assert page.locator("a.document-link").count() == 3
            browser.close()
    finally:
        stop_server(proc)


def test_search_with_synonyms_is_a_switch(tmp_path):
    """マイナンバー finds 個人番号 only with the switch on, and the page says what else it searched."""
    from pipeline.analyze.synonyms import synonym_terms

    texts = {"a": "マイナンバーカードの交付について", "b": "個人番号の利用について", "c": "自治体の窓口"}
    docs = []
    for name, text in texts.items():
        doc = make_document(f"{name}.pdf", [Page(1, text)], title=name)
        doc.synonym_terms = synonym_terms(text)
        docs.append(doc)
    assert [21197, "個人番号"] in docs[1].synonym_terms
    get = app_client(archive_of(tmp_path / "archive.db", docs))
    q = urllib.parse.quote("マイナンバー")
    plain = get(f"/-/search?q={q}&_format=json").json()
    assert [d["title"] for d in plain["documents"]] == ["a"] and plain["also_searched"] == []
    expanded = get(f"/-/search?q={q}&synonyms=1&_format=json").json()
    assert sorted(d["title"] for d in expanded["documents"]) == ["a", "b"]
    assert expanded["also_searched"] == ["個人番号"]
    html = get(f"/-/search?q={q}&synonyms=1").text
    assert "Also searched 類義語:" in html and "個人番号</a>" in html
    assert 'name="synonyms" value="1" checked' in html
