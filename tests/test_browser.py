"""A person's path through the archive in headless Chromium, against a real `datasette`
server: search a 2-character term in Datasette's own search box, open a result, see the
document page with its entities marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures import archive_of, ids
from fixtures import free_port, start_server, stop_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ID = ids()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    db = archive_of(tmp_path_factory.mktemp("browser") / "archive.db")
    port = free_port()
    proc = start_server(db, port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


@pytest.fixture(scope="module")
def page():
    if not CHROMIUM.exists():
        pytest.skip("no /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        yield page
        browser.close()


def test_search_open_and_see_entities(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/archive/documents")
    page.fill('input[name="_search"]', "区長")
    page.press('input[name="_search"]', "Enter")
    page.wait_for_url("**_search=*")
    links = page.locator("a.document-link")
    assert links.count() == 1  # only the letter to the ward mayor
    assert links.first.inner_text() == "住民税の特別徴収通知書への個人番号記載についての質問書"
    page.screenshot(path=str(ARTIFACTS / "browser-search.png"), full_page=True)

    links.first.click()
    page.wait_for_url(f"**/-/document/{ID['letter']}")
    date = page.locator("mark.entity-date").first
    assert date.inner_text() == "2017年2月1日"
    assert date.get_attribute("data-value") == "2017-02-01"
    assert page.locator("mark.entity-municipality").first.inner_text() == "世田谷区"
    assert page.locator("mark.entity").count() == 3
    # The mark is visibly highlighted (its kind's background colour from archive.css).
    colour = date.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour == "rgb(255, 231, 163)"
    # The facts table links to the mark in the text.
    page.click('.facts-municipality a[href="#e-2"]')
    assert page.evaluate("location.hash") == "#e-2"
    page.screenshot(path=str(ARTIFACTS / "browser-document.png"), full_page=True)
    assert (ARTIFACTS / "browser-document.png").stat().st_size > 10_000


def test_search_page_in_the_browser(server, page):
    page.goto(f"{server}/-/search")
    page.fill('input[name="q"]', "ｺﾝﾋﾞﾆ")
    page.press('input[name="q"]', "Enter")
    page.wait_for_url("**q=*")
    titles = page.locator(".documents-results .result-title").all_inner_texts()
    assert titles == ["コンビニ交付算定の根拠",
                      "マイナンバーカードを活用した住民サービスの向上と地域活性化の検討について"]
    assert page.locator(".documents-results mark.hit").first.inner_text() == "コンビニ"
    page.screenshot(path=str(ARTIFACTS / "browser-archive-search.png"), full_page=True)
