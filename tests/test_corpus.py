"""The committed corpus/ and the code that renders it (pipeline.corpus)."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import NamedTuple

import pdfplumber
import pypdfium2 as pdfium
import pytest
from PIL import Image

from pipeline.corpus.seed import DEFAULT_SEED
from pipeline.corpus import CORPUS_DIR, SLUGS, documents, plain_text, source_text, tables
from pipeline.corpus.build import born_digital, scanned
from pipeline.corpus.markup import parse

class Expected(NamedTuple):
    title: str
    issued_on: str
    pages: int


DOCUMENTS = {
    "01-memo": Expected("地域からマイナンバー制度に声を上げていくこと", "2017-02-04", 1),
    "02-shiryo1": Expected("コンビニ交付算定の根拠", "2017-02", 1),
    "03-shiryo2": Expected("コンビニ交付算定一覧表", "2017-02", 1),
    "04-letter": Expected("「共通番号制度」への対応についての質問書", "2017-02-01", 4),
    "05-mic-notice": Expected(
        "マイナンバーカードを活用した住民サービスの向上と地域活性化の検討について (依頼)",
        "2016-09-16", 1,
    ),
    "06-onestop-program": Expected(
        "ワンストップ・カードプロジェクトについて(趣旨・開催実績等)", "2016-12", 4),
    "07-union-newsletter": Expected("団結", "2017-01-17", 2),
    "08-mic-jimurenraku": Expected(
        "平成 29 年度分以降の個人住民税に係る特別徴収税額決定通知書(特別徴収義務者用) "
        "の送付に関する留意事項について (通知)",
        "2016-11-25", 3,
    ),
    "09-wards-answers": Expected(
        "住民税の特別徴収通知書への個人番号(マイナンバー)記載について", "2016-10", 1),
    "10-newspaper": Expected("区の情報悪用女性狙う", "2017-01-12", 1),
}


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


def pdf_text(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in pdf]
    finally:
        pdf.close()


def test_ten_documents_with_exact_metadata():
    docs = documents()
    assert [d["slug"] for d in docs] == list(SLUGS) == list(DOCUMENTS)
    assert {d["slug"]: (d["title"], d["issued_on"], d["pages"]) for d in docs} == DOCUMENTS
    by_slug = {d["slug"]: d for d in docs}
    assert by_slug["05-mic-notice"]["issuer"] == "総務大臣"
    assert by_slug["05-mic-notice"]["date_printed"] == "平成 28 年 9 月 16 日"
    assert by_slug["08-mic-jimurenraku"]["kind"] == "事務連絡"
    assert by_slug["08-mic-jimurenraku"]["issuer"] == "総務省自治税務局市町村税課"
    assert by_slug["10-newspaper"]["issuer"] == "毎日新聞"
    assert {d["kind"] for d in docs} == {
        "通知", "事務連絡", "質問書", "会報", "新聞記事", "資料", "メモ", "行動計画"}


def test_sources_are_the_seed_split_verbatim():
    whole = "".join(source_text(slug) for slug in SLUGS)
    assert source_text("05-mic-notice").startswith("総行住第 185 号  \n総行情第 68 号  \n")
    assert source_text("01-memo").endswith("市報で知らせるわけがないので、議員会報で知らせる。\n")
    assert whole.count("\n") == 550  # seed lines 3..561 less the 9 blank lines between documents
    assert squash(whole) == squash(DEFAULT_SEED.read_text(encoding="utf-8"))


def test_plain_text_drops_markdown_syntax():
    memo = plain_text("01-memo")
    assert memo.startswith("地域からマイナンバー制度に声を上げていくこと\n\n2017.2.4 関口 博（国立市議会議員）\n\n")
    assert "\n・国は、自治体にカードを使う施策を促しているのに、議会で追及する\n証明書コンビニ交付" in memo
    assert memo.endswith("事業者が多数。\n市報で知らせるわけがないので、議員会報で知らせる。")
    notice = plain_text("05-mic-notice")
    assert notice.startswith("総行住第 185 号\n総行情第 68 号\n平成 28 年 9 月 16 日\n\n各都道府県知事 殿")
    assert plain_text("06-onestop-program").endswith("標準化・共同化に向けた取組を推進する。\n\n4")
    assert plain_text("10-newspaper").startswith("毎 2017. 1/2\n\n【新聞定価")
    for slug in SLUGS:
        text = plain_text(slug)
        assert not re.search(r"^(#|- )|  |\t\t|\n\n\n|[ \t]$", text, re.M), slug


def test_tables_as_grids():
    wards = tables("09-wards-answers")[0]
    assert wards[0] == ["", "", "回答日", "(1)", "(2)", "(3)", "(4)"]
    assert wards[1] == ["1", "世田谷区", "9月15日", "不利益なし", "記載する", "普通郵便", "違反とは考えていない"]
    assert len(wards) == 16
    shiryo2 = tables("03-shiryo2")[0]
    assert shiryo2[9] == ["証明書1枚当たりの単価", "938", "1,482", ""]
    assert "\n1\t世田谷区\t9月15日\t不利益なし\t" in plain_text("09-wards-answers")
    assert [b.kind for b in parse("a\tb\n\tc\t\n")] == ["table"]


@pytest.mark.parametrize("slug", SLUGS)
def test_born_digital_text_layer_is_the_plain_text(slug):
    path = CORPUS_DIR / "born-digital" / f"{slug}.pdf"
    pages = pdf_text(path)
    assert len(pages) == DOCUMENTS[slug].pages
    data = path.read_bytes()
    assert b"/FontFile2" in data  # the TrueType font is embedded
    if slug == "10-newspaper":  # vertical: text extractors reorder some upright Latin letters
        assert sorted(squash("".join(pages))) == sorted(squash(plain_text(slug)))
    else:
        assert squash("".join(pages)) == squash(plain_text(slug))


@pytest.mark.parametrize("slug", SLUGS)
def test_scans_are_image_only(slug):
    path = CORPUS_DIR / "scanned" / f"{slug}.pdf"
    pages = pdf_text(path)
    assert len(pages) == DOCUMENTS[slug].pages
    assert all(text == "" for text in pages)
    data = path.read_bytes()
    assert b"/Font" not in data
    assert data.count(b"/DCTDecode") == DOCUMENTS[slug].pages
    assert data.count(b"/DeviceGray") == DOCUMENTS[slug].pages


def test_newspaper_is_set_vertically():
    with pdfplumber.open(CORPUS_DIR / "born-digital" / "10-newspaper.pdf") as pdf:
        chars = pdf.pages[0].chars
    text = "".join(c["text"] for c in chars)
    start = text.index("区の情報悪用女性狙う")
    headline = chars[start:start + 10]
    assert len({round(c["x0"]) for c in headline}) == 1  # one column
    tops = [c["top"] for c in headline]
    assert tops == sorted(tops) and tops[-1] - tops[0] > 250  # top to bottom, large type
    body = chars[text.index("東京都中野区"):]
    # columns run right to left: the body's first column is right of its last one
    assert body[0]["x0"] > body[-1]["x0"] + 300


def test_bundle_ground_truth():
    truth = json.loads((CORPUS_DIR / "bundle" / "packet.json").read_text(encoding="utf-8"))
    assert [(d["slug"], d["page_start"], d["page_end"]) for d in truth["documents"]] == [
        ("01-memo", 1, 1), ("02-shiryo1", 2, 2), ("03-shiryo2", 3, 3), ("04-letter", 4, 7)]
    born, scan = (CORPUS_DIR / "bundle" / "packet.pdf"), (CORPUS_DIR / "bundle" / "packet-scanned.pdf")
    pages = pdf_text(born)
    assert len(pages) == truth["pages"] == 7 == len(pdf_text(scan))
    assert squash(pages[3]).startswith("2017年2月1日世田谷区長保坂展人様")
    assert squash("".join(pages)) == squash("".join(
        plain_text(slug) for slug in ("01-memo", "02-shiryo1", "03-shiryo2", "04-letter")))


def test_page_images():
    folder = CORPUS_DIR / "images"
    expected = {
        "05-mic-notice-p1.png": ("PNG", "L", (2481, 3508)),
        "08-mic-jimurenraku-p1.jpg": ("JPEG", "L", (2481, 3508)),
        "02-shiryo1-p1.tif": ("TIFF", "1", (2481, 3508)),
        "09-wards-answers-sideways.jpg": ("JPEG", "L", (2481, 3508)),  # landscape page turned
    }
    assert sorted(p.name for p in folder.iterdir()) == sorted(expected)
    for name, (fmt, mode, size) in expected.items():
        with Image.open(folder / name) as image:
            assert (image.format, image.mode, image.size) == (fmt, mode, size), name
            assert round(image.info["dpi"][0]) == 300


def test_archive_list():
    lines = (CORPUS_DIR / "archive.txt").read_text(encoding="utf-8").splitlines()
    assert lines == [d["archive_input"] for d in documents()]
    assert [Path(line).stem for line in lines] == list(SLUGS)
    assert all((CORPUS_DIR.parent / line).is_file() for line in lines)
    assert lines[0] == "corpus/born-digital/01-memo.pdf"
    assert lines[9] == "corpus/scanned/10-newspaper.pdf"


def test_rendering_is_deterministic(tmp_path):
    for run in ("a", "b"):
        out = tmp_path / run
        for slug in ("01-memo", "10-newspaper"):
            born_digital(slug, source_text(slug), out)
        scanned("01-memo", out)
    for rel in ("born-digital/01-memo.pdf", "born-digital/10-newspaper.pdf", "scanned/01-memo.pdf"):
        a, b = (tmp_path / "a" / rel).read_bytes(), (tmp_path / "b" / rel).read_bytes()
        assert a == b, rel
    # and the committed files are what the code renders now
    assert (tmp_path / "a" / "born-digital/01-memo.pdf").read_bytes() == (
        CORPUS_DIR / "born-digital" / "01-memo.pdf").read_bytes()


def test_scan_degradation_skews_the_page():
    import numpy as np

    from pipeline.corpus import scan

    page = Image.new("L", (600, 800), 255)
    page.paste(0, (100, 395, 500, 405))  # a horizontal rule through the centre
    for seed in range(5):
        degraded = np.asarray(scan.degrade(page, seed=seed))
        cols = np.arange(150, 451, 10)
        # the rule's centre row in each column (dust specks elsewhere do not count)
        rows = [np.median(np.nonzero(degraded[360:440, c] < 100)[0]) for c in cols]
        slope = abs(np.polyfit(cols, rows, 1)[0])
        assert 0.005 < slope < 0.027, seed  # tan(0.3°) .. tan(1.5°)
    assert np.array_equal(np.asarray(scan.degrade(page, seed=1)), np.asarray(scan.degrade(page, seed=1)))
    with Image.open(io.BytesIO(scan.jpeg_bytes(scan.degrade(page, seed=1)))) as im:
        assert im.format == "JPEG" and im.mode == "L"
