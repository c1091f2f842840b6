"""pipeline.extract on real PDFs whose text layers lie (../shared/real): private-use glyphs,
pages turned by /Rotate, columns, running heads, outlined glyphs, fonts without a Unicode map.

Each test reads only the pages it needs (cut out with qpdf), so that the OCR stays short.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from pipeline.extract import extract_pages
from pipeline.model import OCR, TEXT_LAYER
from pipeline.normalize import normalize_page

from conftest import SHARED

REAL = SHARED / "real"
pytestmark = pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real is not present")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def cut(tmp_path: Path, name: str, pages: str) -> Path:
    out = tmp_path / f"{Path(name).stem}-{pages}.pdf"
    subprocess.run(["qpdf", "--empty", "--pages", str(REAL / name), pages, "--", str(out)],
                   check=True)
    return out


def test_gazette_page_in_columns_with_symbol_font_figures(tmp_path):
    # 官報 政府調達公告版: a landscape page stored upright (/Rotate 270), four columns, a
    # running head up the left margin, digits, hyphens and ⑴ in a symbol font's private codes.
    pages = extract_pages(cut(tmp_path, "kanpo-chotatsu-129-2025-vertical.pdf", "4-6"))
    assert [p.method for p in pages] == [TEXT_LAYER] * 3
    assert not any(p.vertical for p in pages)
    # The head stays on the first page only; a page starts with its first body column.
    assert "月曜日 (号外政府調達第" in pages[0].text.split("\n")[0]
    assert pages[1].text.split("\n")[:2] == ["(6) 入札方法 入札金額は総価で行う。なお、",
                                             "落札決定に当たっては、入札書に記載された"]
    assert not any("号外政府調達第" in p.text for p in pages[1:])
    text = pages[1].text
    assert "〒100-8916 東京都千代田区霞が関１-\n２-２中央合同庁舎第５号館11階（８号室）" in text
    assert "電話03-5253-1111（内線\n7197）" in text
    assert "２ 競争参加資格\n(1) 予算決算及び会計令第70条の規定に該当し" in text
    assert not any(PRIVATE_USE.search(p.text) for p in pages)
    assert "〒100-8916東京都千代田区霞が関1-\n2-2中央合同庁舎" in normalize_page(pages[1]).text


def test_white_paper_summary_in_two_columns_with_bullets():
    # /Rotate 90; two boxed columns (the boxes are a frame, not a table); Wingdings bullets.
    [page] = extract_pages(REAL / "cao-keizai-zaisei-hokoku-gaiyo-2024.pdf")
    assert page.tables == []
    lines = page.text.split("\n")
    assert lines[:3] == ["第１章 マクロ経済の動向と課題",
                         "・ ＧＤＰは名目597兆円と過去最高水準に増加(Ｐ１：１図)",
                         "・ 企業収益は過去最高、設備投資意欲も旺盛（Ｐ５：１、３図）。"]
    order = ["第１章", "スポットワークアプリ", "第２章", "企業の人手不足感", "第３章",
             "家計の金融資産"]
    assert [page.text.index(s) for s in order] == sorted(page.text.index(s) for s in order)
    assert sum(line.startswith("・ ") for line in lines) == 17


def test_leaflet_wingdings_bullets_are_bullets():
    [page] = extract_pages(REAL / "cao-fdma-corona-ka-no-hinan-leaflet-2021.pdf")
    lines = page.text.split("\n")
    assert "・ 避難とは[難]を[避]けること。" in lines
    assert sum(line.startswith("・ ") for line in lines) == 5
    assert not PRIVATE_USE.search(page.text)


def test_outlined_glyphs_are_rendered_and_read(tmp_path):
    # No fonts, no text, no image: the glyphs are vector paths.
    [page] = extract_pages(cut(tmp_path, "cao-hinan-kodo-hantei-flow-2021-outlined.pdf", "1"))
    assert page.method == OCR
    text = normalize_page(page).text
    for words in ["避難行動判定フロー", "ハザードマップ", "確認しましょう", "解説は裏面をご覧下さい"]:
        assert words in text


def test_cid_font_without_tounicode_reads_its_balance_sheet(tmp_path):
    # Both CID fonts embedded without a ToUnicode map: PDFium decodes them by their own cmap.
    [page] = extract_pages(cut(tmp_path, "nankoku-tochi-kaihatsu-kosha-r3-kessan-hokokusho-2022.pdf",
                               "5"))
    assert page.method == TEXT_LAYER
    text = normalize_page(page).text.split("\n")
    for line in ["貸借対照表", "現金及び預金", "(1) 11,863,448", "(2)△85,346", "(令和4年3月31日)"]:
        assert line in text


def test_gazette_page_in_vertical_columns_with_fonts_set_at_size_one():
    [page] = extract_pages(REAL / "kanpo-honshi-4817-2008-p4-vertical.pdf")
    assert page.vertical
    lines = normalize_page(page).text.split("\n")
    assert lines[lines.index("政令第百四十九号") + 1] == "道路交通法施行令の一部を改正する政令"
    assert lines[lines.index("政令第百四十九号") + 2].startswith(
        "内閣は、道路交通法の一部を改正する法律(平成十九年法律第九十号)の一部の施行に伴い、")
    assert not any(ord(ch) < 0x20 for ch in page.text if ch not in "\t\n")


def test_gazette_masthead_from_a_font_without_a_unicode_map_is_read_from_the_image():
    # The masthead's figures come out as Windows-1252 symbols (平成™—年›月™œ日 … 第›Ÿ˜\x01号):
    # the line is read glyph by glyph, and kept as one line across the vertical page.
    [page] = extract_pages(REAL / "kanpo-honshi-4817-2008-p4-vertical.pdf")
    assert page.text.split("\n")[0].startswith("平成20 年4月25 日 金曜日 官 報 第4817 号")
    assert normalize_page(page).text.split("\n")[0].startswith("平成20年4月25日金曜日官報第4817号")


def test_gazette_masthead_figures_in_a_symbol_font_up_the_margin(tmp_path):
    # 官報 政府調達公告版 p.1: the running head up the left margin draws its figures with private
    # codes OCR misreads in context (7 as フ); read alone and by the font's order of figures.
    [page] = extract_pages(cut(tmp_path, "kanpo-chotatsu-129-2025-vertical.pdf", "1"))
    assert "令和 7 年 7 月 14 日 月曜日 (号外政府調達第 129 号) 官報" in page.text.split("\n")
    assert normalize_page(page).text.split("\n")[1] == "令和7年7月14日月曜日(号外政府調達第129号)官報入札公告"
