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
