"""Splitting a multi-document file into documents by page, and not splitting single documents."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipeline.analyze.segment import split_documents
from pipeline.corpus.seed import DEFAULT_SEED, split_seed

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO.parent / "shared" / "external"
BUNDLE = REPO / "corpus" / "bundle"


def normalize(markdown: str) -> str:
    """NFKC, markdown markers stripped, spaces between Japanese characters removed."""
    text = unicodedata.normalize("NFKC", markdown)
    lines = [re.sub(r"^\s*(#{1,6}|[-*])\s+", "", line).rstrip() for line in text.split("\n")]
    return re.sub(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", "", "\n".join(lines)).strip()


def paginate(text: str, chars: int) -> list[str]:
    """Cut a text into pages of about `chars` characters at line breaks."""
    pages: list[list[str]] = [[]]
    size = 0
    for line in text.split("\n"):
        if size > chars:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line)
    return ["\n".join(page) for page in pages]


def pdf_pages(path: Path) -> list[str]:
    if not path.exists() or not shutil.which("pdftotext"):
        pytest.skip(f"{path.name} or pdftotext not present")
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [normalize(page) for page in out.split("\f")[:-1]]


@pytest.fixture(scope="module")
def seed() -> dict[str, str]:
    if not DEFAULT_SEED.exists():
        pytest.skip("seed text not present")
    return {slug: normalize(text) for slug, text in split_seed(DEFAULT_SEED.read_text()).items()}


def test_packet_is_split_into_its_four_documents():
    pages = pdf_pages(BUNDLE / "packet.pdf")
    truth = json.loads((BUNDLE / "packet.json").read_text())
    expected = [(d["page_start"], d["page_end"]) for d in truth["documents"]]
    assert expected == [(1, 1), (2, 2), (3, 3), (4, 7)]  # memo, 資料1, 資料2, 4-page letter
    assert split_documents(pages) == expected


@pytest.mark.parametrize("chars", [200, 700, 1500, 5000])
def test_all_ten_seed_documents_back_to_back(seed, chars):
    """Whatever the page size, every document starts a page range and none is cut."""
    pages, expected = [], []
    for text in seed.values():
        doc_pages = paginate(text, chars)
        expected.append((len(pages) + 1, len(pages) + len(doc_pages)))
        pages += doc_pages
    assert split_documents(pages) == expected


MULTI_PAGE = ["04-letter", "06-onestop-program", "07-union-newsletter", "08-mic-jimurenraku"]


@pytest.mark.parametrize("slug", MULTI_PAGE)
@pytest.mark.parametrize("chars", [150, 400, 1000])
def test_one_multi_page_document_is_not_split(seed, slug, chars):
    pages = paginate(seed[slug], chars)
    assert len(pages) > 2
    assert split_documents(pages) == [(1, len(pages))]


def test_budget_book_with_a_header_on_every_page_is_one_document():
    pages = pdf_pages(EXTERNAL / "setagaya-r8-budget.pdf")
    assert len(pages) == 408
    assert split_documents(pages) == [(1, 408)]


@pytest.mark.parametrize(
    "name, pages", [("mhlw-hohatsu-0819-1.pdf", 2), ("tokyo-covid-2020071001.pdf", 5)]
)
def test_real_notices_are_one_document(name, pages):
    assert split_documents(pdf_pages(EXTERNAL / name)) == [(1, pages)]


def test_repeated_letterhead_does_not_split():
    # Every page of one notice carries the same number, date and addressee at its top.
    head = "総行住第185号\n平成28年9月16日\n各都道府県知事殿\n総務大臣\n"
    pages = [head + "本文の一ページ目です。" * 5, head + "本文の続きです。" * 5, head + "以上"]
    assert split_documents(pages) == [(1, 3)]
    # …but a different notice's letterhead does.
    other = "総行情第68号\n平成28年9月20日\n各都道府県知事殿\n総務大臣\n別の通知です。"
    assert split_documents(pages + [other]) == [(1, 3), (4, 4)]


def test_weak_title_yields_to_consecutive_page_numbers():
    title = "ワンストップ・カードプロジェクトについて(趣旨・開催実績等)"
    pages = ["前の文書の本文です。\n3", title + "\n本文です。\n4"]
    assert split_documents(pages) == [(1, 2)]
    assert split_documents(["前の文書の本文です。", title + "\n本文です。"]) == [(1, 1), (2, 2)]
    # A page that ends mid-sentence continues on the next one.
    assert split_documents(["前の文書の本文で", title + "\n本文です。"]) == [(1, 2)]


def test_edge_cases():
    assert split_documents([]) == []
    assert split_documents([""]) == [(1, 1)]
    assert split_documents(["", "", ""]) == [(1, 3)]


REAL = REPO.parent / "shared" / "real"

COVER_LETTER = """事務連絡
令和2年4月16日
地方厚生(支)局医療課 御中
厚生労働省保険局医療課
令和2年度診療報酬改定関連通知の一部訂正について
下記の通知について、それぞれ別添1及び別添2のとおり訂正しますので、その取扱いについて周知徹底を図られますよう、お願いいたします。"""
REPRODUCED_1 = """(別添1)
診療報酬の算定方法の一部改正に伴う実施上の留意事項について
(令和2年3月5日保医発0305第1号)
別添1
医科診療報酬点数表に関する事項
第1章 基本診療料"""
CONTINUED = """(1)〜(5)(略)
(6)入室患者全員に栄養スクリーニングを実施すること。"""
INNER_ANNEX = """別添2
入院基本料等の施設基準等
第5 入院基本料の届出に関する事項"""
FORM = """様式49
令和2年4月1日
○○厚生局長 殿
届出書添付書類"""
REPRODUCED_2 = """(別添2)
基本診療料の施設基準等及びその届出に関する手続きの取扱いについて(令和2年3月5日保医発0305第2号)
第4 経過措置等"""


def test_cover_letter_is_its_own_document_and_annexes_stay():
    pages = [COVER_LETTER, REPRODUCED_1, CONTINUED, INNER_ANNEX, FORM, REPRODUCED_2, CONTINUED]
    assert split_documents(pages) == [(1, 1), (2, 5), (6, 7)]


def test_a_quoted_notice_under_a_reference_label_does_not_split():
    page = "(参考:新旧対照表)\n◎「診療報酬の算定方法の一部改正に伴う実施上の留意事項について」(令和4年3月4日付け保医発0304第1号)"
    assert split_documents([COVER_LETTER, page]) == [(1, 2)]


def test_real_bundle_split_into_cover_letter_and_reproduced_notices():
    pages = pdf_pages(REAL / "mhlw-jimurenraku-tsuchi-ichibu-teisei-2020-bundle.pdf")
    assert split_documents(pages) == [(1, 1), (2, 8), (9, 15), (16, 23), (24, 24), (25, 25)]



def test_a_budget_book_holding_several_bills_is_one_document():
    # A budget book prints 議案第7号, 議案第8号 … at the top of each account's budget: one book.
    bill_7 = "議案第7号\n令和8年度南国市一般会計予算\n令和8年度南国市の一般会計の予算は、次に定めるところによる。"
    bill_7_more = "第2条 債務負担行為は、「第2表 債務負担行為」による。\n令和8年2月27日提出\n南国市長 平山耕三"
    bill_8 = "議案第8号\n令和8年度南国市土地取得事業特別会計予算\n本文。"
    assert split_documents([bill_7, bill_7_more, bill_8]) == [(1, 3)]


def test_leaflets_of_a_series_that_end_alike_are_split():
    # Two two-sided leaflets, OCRed: no header, but each back page ends with the same lines.
    closing = ("わからないことがありましたらお住まいの市区町村にお問い合わせください。\n"
               "(参考)内閣府防災ホームページ「避難情報に関するガイドラインの改定(令和3年度)」\n")
    pages = [
        "台風・豪雨時に備えてハザードマップと一緒に\n避難行動判定フロー」を確認しましょう\n平時に自宅の災害リスクを確認しましょう。",
        "避難行動判定フローの参考情報\n必ず確認してください。\n" + closing + "http://www.bousai.go.jp/oukyu/hinanjou",
        "台風・豪雨時に|避難情報のポイント」を\n確認し避難しましょう\n警戒レベルを確認してください。",
        "避難情報のポイント解説\n住所を登録しておけば通知されます。\n" + closing + "http://Wwww.Dbousai.gO.jD/OuKyu",
    ]
    assert split_documents(pages) == [(1, 2), (3, 4)]
    # A closing line on more than half of the pages is a running foot; a page opening with a
    # table's head or a numbered heading is no headline.
    foot = "お問い合わせは南国市財政課までお願いいたします。"
    body = ["令和8年度の予算の概要について説明します\n本文。\n" + foot,
            "歳出予算の主な事業について説明します\n本文。\n" + foot,
            "(款)12使用料及手数料 (項)01使用料 (単位:千円)\n本文。\n" + foot]
    assert split_documents(body) == [(1, 3)]
    assert split_documents(body[:1] + ["本文の続きです。"] + body[2:] + ["(款)13国庫支出金\n本文。"]) == [(1, 4)]
