"""pipeline.extract with OCR: scans, page images, vertical text, a sideways page, a ruled table.

Real Tesseract on eight page images in all (a few seconds each).
"""

import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from pipeline._exec.tesseract import Word
from pipeline.corpus import plain_text, scan
from pipeline.corpus import vertical as corpus_vertical
from pipeline.extract import extract_pages
from pipeline.extract.layout import columns_in_order
from pipeline.extract.vertical import fix_turned
from pipeline.model import OCR
from pipeline.normalize import normalize_page

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
EXTERNAL = REPO.parent / "shared" / "external"

sys.path.insert(0, str(REPO / "bench"))
from cer import cer  # noqa: E402

pytestmark = pytest.mark.slow


def flat(page) -> str:
    return normalize_page(page).text.replace("\n", "")


def test_scanned_page_cer():
    [page] = extract_pages(CORPUS / "scanned" / "01-memo.pdf")
    assert page.method == OCR and page.rotation == 0 and not page.vertical
    assert page.confidence > 85
    assert cer(page.text, plain_text("01-memo")) <= 0.02
    lines = normalize_page(page).text.split("\n")
    assert lines[:2] == ["地域からマイナンバー制度に声を上げていくこと", "2017.2.4関口博(国立市議会議員)"]


def test_png_page_image():
    [page] = extract_pages(CORPUS / "images" / "05-mic-notice-p1.png")
    assert page.method == OCR
    assert cer(page.text, plain_text("05-mic-notice")) <= 0.02
    lines = normalize_page(page).text.split("\n")
    assert lines[:2] == ["総行住第185号", "総行情第68号"]
    assert "各都道府県知事殿" in lines


@pytest.fixture(scope="module")
def header_crops(tmp_path_factory):
    """Two strips of the notice's page image: the document number block and a paragraph."""
    image = Image.open(CORPUS / "images" / "05-mic-notice-p1.png")
    return image.crop((1400, 250, 2400, 460)), image.crop((100, 960, 2400, 1250))


def test_jpeg_image(tmp_path, header_crops):
    path = tmp_path / "scan.jpg"
    header_crops[0].save(path, dpi=(300, 300), quality=85)
    [page] = extract_pages(path)
    assert normalize_page(page).text == "総行住第185号\n総行情第68号\n平成28年9月16日"


def test_multipage_tiff(tmp_path, header_crops):
    path = tmp_path / "scan.tif"  # the name says TIFF; the bytes decide
    first, second = header_crops
    first.save(path, save_all=True, append_images=[second], dpi=(300, 300),
               compression="tiff_lzw")
    pages = extract_pages(path)
    assert [p.number for p in pages] == [1, 2]
    assert normalize_page(pages[0]).text == "総行住第185号\n総行情第68号\n平成28年9月16日"
    assert normalize_page(pages[1]).text.startswith(
        "平素よりマイナンバー制度の運用、特に平成28年1月からのマイナンバーカードの交付事務に"
        "つきまして、地方公共団体の皆様に多大なご尽力をいただき、深く感謝申し上げます。")


def test_vertical_newspaper_in_reading_order():
    [page] = extract_pages(CORPUS / "scanned" / "10-newspaper.pdf")
    assert page.vertical and page.rotation == 0
    text = flat(page)
    # Headline, then the first tier of columns right to left, then the lower tiers.
    order = [
        "区の情報悪用女性狙う",
        "東京都中野区の情報システムで盗み見た1人暮らしの女性宅に",
        "5、別の強制わいせつ罪などで起訴を区個人情報保護条例違反と住居侵入の容疑で再逮捕した。",
        "記録されているのが見つかり、同課が目的などを調べている。",
        "不正入手あと絶たず",
        "公務員が職場で個人情報不正入手する事件について経緯を調査する方針だ。",
        "個人情報の管理に詳しい",
    ]
    positions = [text.find(s) for s in order]
    assert -1 not in positions and positions == sorted(positions)
    assert cer(page.text, plain_text("10-newspaper")) <= 0.03
    # Two digits set side by side in one cell (縦中横), which jpn_vert alone reads as one
    # kanji (29 → 包) or one digit (11日 → 1日), in the masthead, the price line (7 pt) and
    # the body; and numbers set upright one digit per cell.
    for number in ["毎2017.1/2", "4,037円", "3,738円", "消費税299円", "朝刊140円", "夕刊50円",
                   "1課は11日", "被告(29)", "女性約50人分", "2014年10月", "15年11月", "20代女性",
                   "14年10月〜15年3月", "16年3月", "2015年6月", "2000回", "100件"]:
        assert number in text


def test_vertical_newspaper_with_upright_digits(tmp_path):
    # The clipping set again with full-width digits, which the renderer sets upright one per
    # cell, and scanned like the corpus: a different page for Tesseract to cut into blocks.
    source = (CORPUS / "source" / "10-newspaper.md").read_text(encoding="utf-8")
    corpus_vertical.render("10-newspaper", source.translate(_FULL_WIDTH), tmp_path / "set.pdf")
    scan.write_image_pdf(scan.scan_pages(tmp_path / "set.pdf", "10-newspaper-upright"),
                         tmp_path / "scan.pdf")
    [page] = extract_pages(tmp_path / "scan.pdf")
    assert page.vertical
    assert cer(page.text, plain_text("10-newspaper")) <= 0.03
    text = flat(page)
    # Tesseract cuts 「1課は11日、」 off its column and reads it as 「[ii、ヽ、」, and the edge
    # of the clipping as a column of kanji, found after the body: both read again.
    assert "警視庁捜査1課は11" in text
    assert text.index("警視庁捜査1課は11") < text.index("元同区臨時職員、高橋健一郎被告(29)")
    assert "被害者計5人不正入手あと絶たず公務員が職場で" in text
    for number in ["毎2017.1/2", "4,037円", "夕刊50円", "2014年10月", "2015年6月", "100件"]:
        assert number in text


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_vertical_columns_in_order():
    # Two tiers of columns right to left; Tesseract cut the third column in two and put its
    # upper piece in a block of its own, found last; a heading column sits in the lower tier.
    def line(x, top, bottom, text, block, line_no=1):
        return Word(text, 95.0, x, top, 40, bottom - top, block, 1, line_no)

    words = [
        line(600, 0, 600, "一段目の一行目", 1), line(530, 0, 600, "一段目の二行目", 1, 2),
        line(460, 260, 600, "三行目の下", 2), line(390, 0, 600, "一段目の四行目", 2, 2),
        line(600, 680, 1280, "二段目の一行目", 3), line(530, 800, 1100, "見出し", 3, 2),
        line(460, 0, 230, "三行目の上", 4),
    ]
    assert [ws[0].text for ws in columns_in_order(words)] == [
        "一段目の一行目", "一段目の二行目", "三行目の上", "三行目の下", "一段目の四行目",
        "二段目の一行目", "見出し"]


def test_vertical_turned_glyphs():
    assert fix_turned("[神保圭作、春\n増翔太】") == "【神保圭作、春\n増翔太】"
    assert fix_turned("2014年10月(15年11月、14年10月{15年") == "2014年10月〜15年11月、14年10月〜15年"
    assert fix_turned("20(30代") == "20〜30代"
    # Brackets that close are left alone.
    assert fix_turned("被告(29)と、3月(金)、第1(2)項") == "被告(29)と、3月(金)、第1(2)項"


@pytest.mark.skipif(not EXTERNAL.exists(), reason="shared/external not present")
def test_sideways_page_of_a_real_scan(tmp_path):
    # Page 3 of the real 200 dpi scan: a landscape 新旧対照表 scanned sideways.
    src = pdfium.PdfDocument(EXTERNAL / "mhlw-hoihatsu-0531-1-scanned.pdf")
    one = pdfium.PdfDocument.new()
    one.import_pages(src, [2])
    path = tmp_path / "page3.pdf"
    one.save(path)
    [page] = extract_pages(path)
    assert page.rotation == 90 and not page.vertical
    page = normalize_page(page)
    assert page.text.startswith("(参考:新旧対照表)")
    [table] = page.tables
    assert table.rows[0] == ["改正後", "現行"]
    assert "デングウイルス抗原・抗体同時測定定性は、区分番号" in table.rows[1][0]
    assert "「デング熱・チクングニア熱の診療ガイドライン」" in table.rows[1][1]


def test_ruled_table_on_a_page_turned_sideways(tmp_path):
    # The scanned ward-answers page, turned a quarter to the left: rotated back, table read.
    pdf = pdfium.PdfDocument(CORPUS / "scanned" / "09-wards-answers.pdf")
    image = pdf[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    path = tmp_path / "sideways.png"
    Image.fromarray(np.rot90(np.asarray(image))).save(path, dpi=(300, 300))
    [page] = extract_pages(path)
    assert page.rotation == 90
    page = normalize_page(page)
    [table] = page.tables
    assert len(table.rows) == 16 and len(table.rows[0]) == 7
    assert table.rows[2] == ["2", "足立区", "9月16日", "不利益なし", "記載する", "簡易書留",
                             "現行法範囲内"]
    assert table.rows[6] == ["6", "中央区", "9月23日", "記載すべき", "検討中", "検討中", "見解なし"]
    assert table.rows[15][1:] == ["葛飾区", "10月4日", "不利益なし", "記載する", "簡易書留",
                                  "判断しかねる"]
    lines = page.text.split("\n")
    # Rows as tab-separated lines, between the text above and below the table.
    assert "2\t足立区\t9月16日\t不利益なし\t記載する\t簡易書留\t現行法範囲内" in lines
    assert lines.index("2\t足立区\t9月16日\t不利益なし\t記載する\t簡易書留\t現行法範囲内") \
        < lines.index("目隠しシール等検討中")
    assert page.text.startswith("【住民税の特別徴収通知書への個人番号(マイナンバー)記載について】")
