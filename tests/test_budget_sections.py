"""The 款/項 budget pages show (pipeline.analyze.budget), on real budget books: the 第1表 歳入歳出
予算 (款 and 項 columns), the 事項別明細書 (款…項… headings, or (款) over nested 款/項/目 columns),
繰越明許費 (款 and 項 on one row) and a 総括 of 款 alone.

Each test reads only the pages it needs (cut out with qpdf); all have text layers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from pipeline.analyze.budget import document_sections
from pipeline.extract import extract_pages
from pipeline.model import Page
from pipeline.normalize import normalize_page

from conftest import SHARED

REAL, EXTERNAL = SHARED / "real", SHARED / "external"


def sections(tmp_path: Path, path: Path, pages: str) -> list[list[dict]]:
    if not path.is_file():
        pytest.skip(f"{path} is not present")
    out = tmp_path / f"{path.stem}-{pages}.pdf"
    subprocess.run(["qpdf", "--empty", "--pages", str(path), pages, "--", str(out)], check=True)
    return document_sections([normalize_page(p) for p in extract_pages(out)])


def kk(kan: str | None, kou: str | None = None) -> dict:
    return {k: v for k, v in (("款", kan), ("項", kou)) if v is not None}


def test_first_table_of_a_budget_carries_its_kan_over_the_page(tmp_path):
    # 南国市 令和8年度 予算書, 第1表: the last 款 of p.13 (10 教育費) goes on over p.14.
    got = sections(tmp_path, REAL / "nankoku-r8-ippan-kaikei-yosansho-2026.pdf", "13-14")
    assert got[0][-2:] == [kk("9 消防費", "1 消防費"), kk("10 教育費")]
    assert got[1][:2] == [kk("10 教育費", "1 教育総務費"), kk("10 教育費", "2 小学校費")]
    assert got[1][-3:] == [kk("11 災害復旧費", "2 公共土木施設災害復旧費"), kk("12 公債費", "1 公債費"),
                           kk("13 予備費", "1 予備費")]
    # A page of 項 rows whose 款 is on a page not read is listed without it.
    first = sections(tmp_path, REAL / "nankoku-r8-ippan-kaikei-yosansho-2026.pdf", "11")[0]
    assert first[:3] == [kk(None, "1 基金繰入金"), kk(None, "2 介護保険特別会計繰入金"),
                         kk("20 繰越金", "1 繰越金")]


def test_detailed_statement_headings(tmp_path):
    # 事項別明細書: 款6.法人事業税交付金 項1.法人事業税交付金 over each section.
    got = sections(tmp_path, REAL / "nankoku-r8-ippan-kaikei-yosansho-2026.pdf", "25-26")
    assert got == [
        [kk("6 法人事業税交付金", "1 法人事業税交付金"), kk("7 地方消費税交付金", "1 地方消費税交付金"),
         kk("8 ゴルフ場利用税交付金", "1 ゴルフ場利用税交付金"),
         kk("9 環境性能割交付金", "1 環境性能割交付金"), kk("10 地方特例交付金", "1 地方特例交付金")],
        [kk("11 地方交付税", "1 地方交付税"), kk("12 交通安全対策特別交付金", "1 交通安全対策特別交付金"),
         kk("13 分担金及び負担金", "1 分担金"), kk("13 分担金及び負担金", "2 負担金")],
    ]


def test_supplementary_budget_tables_and_headings(tmp_path):
    # 補正予算: 繰越明許費 with 款 and 項 on one row; the 総括 of 款 alone; a 明細書 page.
    got = sections(tmp_path, REAL / "nankoku-r7-ippan-kaikei-hosei-yosan-2025.pdf", "7,11,14")
    assert got[0] == [kk("3 民生費", "2 児童福祉費"), kk("8 土木費", "2 道路橋梁費"),
                      kk("10 教育費", "2 小学校費"), kk("10 教育費", "3 中学校費"),
                      kk("11 災害復旧費", "2 公共土木施設災害復旧費"), kk("9 消防費", "1 消防費")]
    assert got[1] == [kk("15 国庫支出金"), kk("16 県支出金"), kk("18 寄付金"), kk("19 繰入金"),
                      kk("21 諸収入"), kk("22 市債")]
    assert got[2] == [kk("15 国庫支出金", "2 国庫補助金"), kk("15 国庫支出金", "3 国庫委託金")]


def test_nested_kan_kou_columns_under_a_page_head(tmp_path):
    # 世田谷区 令和8年度 予算書: (款) 02地方譲与税 over a table whose 款, 項, 目 columns nest.
    got = sections(tmp_path, EXTERNAL / "setagaya-r8-budget.pdf", "41-43")
    assert got == [[kk("1 特別区税", "7 入湯税")], [kk("2 地方譲与税", "2 自動車重量譲与税")],
                   [kk("2 地方譲与税", "4 地方揮発油譲与税")]]


def test_pages_of_other_documents_show_none():
    pages = [Page(1, "第3条第1項の規定により、次のとおり定める。\n款\t項\n"),
             Page(2, "地方自治法第214条の規定による。")]
    assert document_sections(pages) == [[], []]
