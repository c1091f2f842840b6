"""pipeline.extract on born-digital PDFs: text layers, tables, vertical text (no OCR here)."""

import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pipeline.corpus import plain_text
from pipeline.extract import extract_pages
from pipeline.model import OCR, TEXT_LAYER
from pipeline.normalize import normalize_page

REPO = Path(__file__).resolve().parents[1]
BORN_DIGITAL = REPO / "corpus" / "born-digital"
EXTERNAL = REPO.parent / "shared" / "external"

sys.path.insert(0, str(REPO / "bench"))
from cer import cer  # noqa: E402


def test_notice_page_text():
    [page] = extract_pages(BORN_DIGITAL / "05-mic-notice.pdf")
    assert page.method == TEXT_LAYER
    assert page.confidence is None and page.rotation == 0 and not page.vertical
    assert page.text.split("\n")[:6] == [
        "総行住第 185 号",
        "総行情第 68 号",
        "平成 28 年 9 月 16 日",
        "各都道府県知事 殿",
        "総務大臣",
        "(公印省略)",
    ]
    assert normalize_page(page).text.split("\n")[:3] == [
        "総行住第185号", "総行情第68号", "平成28年9月16日"]


@pytest.mark.parametrize("slug", ["04-letter", "06-onestop-program", "09-wards-answers"])
def test_born_digital_reads_exactly(slug):
    pages = extract_pages(BORN_DIGITAL / f"{slug}.pdf")
    assert {p.method for p in pages} == {TEXT_LAYER}
    assert cer("\n".join(p.text for p in pages), plain_text(slug)) == 0.0


def test_ruled_table_becomes_rows_and_tab_separated_lines():
    [page] = extract_pages(BORN_DIGITAL / "03-shiryo2.pdf")
    [table] = page.tables
    assert table.page == 1
    assert table.rows[:3] == [
        ["", "2016年3月算定時", "2017年1月時点 (実際)", ""],
        ["機器類関係費", "131,380,000", "202,120,000", ""],
        ["・初期費用・更新時費用", "41,200,000", "69,200,000", "(更新時初期費用と同額)"],
    ]
    assert table.rows[-1] == ["マイナンバーカード発行率 (現在 %)", "9", "", ""]
    lines = page.text.split("\n")
    assert lines[0] == "コンビニ交付算定一覧表 2017年2月 資料2"
    assert lines[1] == "2016年3月算定時\t2017年1月時点 (実際)"
    assert lines[2] == "機器類関係費\t131,380,000\t202,120,000"
    assert lines[18].startswith("年間2000万円程の事業経費が")  # the text below the table


def test_vertical_text_layer_in_column_order():
    [page] = extract_pages(BORN_DIGITAL / "10-newspaper.pdf")
    assert page.vertical and page.method == TEXT_LAYER
    lines = page.text.split("\n")
    assert lines[:5] == [
        "毎 2017.1/2",
        "【新聞定価 1 ヲ月 4,037円(本体価格3,738円+消費税299円)】1部売り(消費税込み)朝刊",
        "140円 夕刊50円(第3種郵便物認可)",
        "区の情報悪用女性狙う",
        "中野 元臨時職員再逮捕 住居侵入容疑",
    ]
    text = normalize_page(page).text
    assert text.startswith(
        "毎2017.1/2\n"
        "【新聞定価1ヲ月4,037円(本体価格3,738円+消費税299円)】1部売り(消費税込み)朝刊")
    # The first sentence of the article, from six columns (縦中横 「11」「29」 included).
    assert "東京都中野区の情報システムで盗み見た1人暮らしの女性宅に侵入したとして、警視庁捜査" \
        "1課は11日、元同区臨時職員、高橋健一郎被告(29)と同区中野5、別の強制わいせつ罪など" \
        "で起訴を区個人情報保護条例違反と住居侵入の容疑で再逮捕した。" in text.replace("\n", "")
    # Tiers (段) are read top to bottom: the first tier's last words before the second's.
    flat = text.replace("\n", "")
    assert flat.index("性のペランダに侵入したとして") < flat.index("不正入手あと絶たず") \
        < flat.index("個人情報の管理に詳しい")


external = pytest.mark.skipif(not EXTERNAL.exists(), reason="shared/external not present")


@external
def test_letter_spaced_text_layer():
    pages = extract_pages(EXTERNAL / "mhlw-hohatsu-0819-1.pdf")
    assert [p.method for p in pages] == [TEXT_LAYER, TEXT_LAYER]
    # PDFium infers a space between every letter-spaced character; digits are rejoined.
    assert pages[0].text.split("\n")[:2] == ["保 発 0819 第 １ 号", "令 和 元 年 ８ 月 19 日"]
    assert normalize_page(pages[0]).text.split("\n")[:2] == ["保発0819第1号", "令和元年8月19日"]
    table = normalize_page(pages[1]).tables[0]
    assert table.rows[0] == ["No.", "告示の名称", "告示日", "法令番号"]
    assert table.rows[2] == [
        "2", "訪問看護療養費に係る指定訪問看護の費用の額の算定方法の一部を改正する件",
        "8月19日", "厚生労働省告示第86号"]


def test_image_only_pdf_pages_are_ocred(tmp_path):
    # A page whose text layer is empty is rendered and read by OCR (a blank one here).
    from reportlab.lib.pagesizes import A6
    from reportlab.pdfgen import canvas

    path = tmp_path / "blank.pdf"
    c = canvas.Canvas(str(path), pagesize=A6)
    c.showPage()
    c.save()
    [page] = extract_pages(path)
    assert page.method == OCR and page.text == ""


def test_an_earlier_ocr_layer_over_a_scan_is_read_again(tmp_path):
    # A scanned page with an invisible text layer laid over it by another OCR program (text
    # render mode 3), here a poor one: the page is OCRed again, not taken from that layer.
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    scan = pdfium.PdfDocument(str(REPO / "corpus" / "scanned" / "01-memo.pdf"))
    image = scan[0].render(scale=200 / 72, grayscale=True).to_pil()
    width, height = scan[0].get_size()
    path = tmp_path / "ocr-layer.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(width, height))
    pdf.drawImage(ImageReader(image), 0, 0, width, height)
    layer = pdf.beginText(72, height - 72)
    layer.setTextRenderMode(3)
    for _ in range(30):
        layer.textLine("Iorem ipsvm d0lor 5it amet, c0nsectetur")
    pdf.drawText(layer)
    pdf.save()
    [page] = extract_pages(path)
    assert page.method == OCR
    assert cer(page.text, plain_text("01-memo")) <= 0.03
