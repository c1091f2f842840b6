"""Each input kind through the whole pipeline (`pipeline ingest`): born-digital, scanned, vertical,
bundle and page image, with what a researcher then finds in the archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlite_utils

from conftest import CORPUS, run_pipeline
from fixtures import query

INPUTS = {
    "born_digital": CORPUS / "born-digital" / "05-mic-notice.pdf",
    "scanned": CORPUS / "scanned" / "02-shiryo1.pdf",
    "vertical": CORPUS / "born-digital" / "10-newspaper.pdf",
    "bundle": CORPUS / "bundle" / "packet.pdf",
    "image": CORPUS / "images" / "05-mic-notice-p1.png",
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kinds")
    result = run_pipeline("ingest", "-q", "--db", root / "archive.db", *INPUTS.values())
    assert result.returncode == 0, result.stderr
    assert "5 file(s) added (8 document(s)), 0 unchanged, 0 failed" in result.stderr
    return root / "archive.db"


def docs_from(db: Path, source: str) -> list[dict]:
    return [dict(r) for r in query(
        db, "select * from documents where source = ? order by page_start", [source])]


def values(db: Path, doc_id: str, kind: str) -> list[str]:
    return [r["value"] for r in query(
        db, "select value from entities where document_id = ? and kind = ? order by start", [doc_id, kind])]


def pages(db: Path, doc_id: str) -> list[dict]:
    return [dict(r) for r in query(db, "select * from pages where document_id = ? order by page", [doc_id])]


def test_born_digital_notice(archive):
    [doc] = docs_from(archive, "05-mic-notice.pdf")
    assert doc["kind"] == "通知"
    assert doc["issuer"] == "総務大臣"
    assert doc["issued_on"] == "2016-09-16"
    assert doc["text"].startswith("総行住第185号\n総行情第68号\n平成28年9月16日\n")
    assert values(archive, doc["id"], "doc_number") == ["総行住第185号", "総行情第68号"]
    assert [p["method"] for p in pages(archive, doc["id"])] == ["text_layer"]


def test_scanned_cost_table(archive):
    [doc] = docs_from(archive, "02-shiryo1.pdf")
    [page] = pages(archive, doc["id"])
    assert page["method"] == "ocr" and page["confidence"] > 80
    assert doc["title"] == "コンビニ交付算定の根拠"
    money = values(archive, doc["id"], "money")
    for amount in ("41200000", "25920000", "34260000", "30000000", "131380000", "122000000"):
        assert amount in money


def test_vertical_clipping_reads_columns_right_to_left(archive):
    [doc] = docs_from(archive, "10-newspaper.pdf")
    assert doc["kind"] == "新聞記事"
    assert doc["title"] == "区の情報悪用女性狙う"
    assert "東京都中野区の情報システムで盗み見た1人暮らしの女性宅に侵入したとして" in doc["text"]
    assert "131148" in values(archive, doc["id"], "municipality")  # 中野区


def test_bundle_becomes_four_documents(archive):
    docs = docs_from(archive, "packet.pdf")
    assert [(d["page_start"], d["page_end"]) for d in docs] == [(1, 1), (2, 2), (3, 3), (4, 7)]
    assert [d["title"] for d in docs] == [
        "地域からマイナンバー制度に声を上げていくこと",
        "コンビニ交付算定の根拠",
        "コンビニ交付算定一覧表",
        "「共通番号制度」への対応についての質問書",
    ]
    assert len({d["id"] for d in docs}) == 4
    assert docs[3]["issued_on"] == "2017-02-01"


def test_page_image(archive):
    [doc] = docs_from(archive, "05-mic-notice-p1.png")
    [page] = pages(archive, doc["id"])
    assert page["method"] == "ocr"
    assert values(archive, doc["id"], "doc_number") == ["総行住第185号", "総行情第68号"]
    # OCR may misread this letter-spaced header date (平成88年); an impossible era year is never
    # taken for the document's date.
    assert doc["issued_on"] in ("2016-09-16", None)


def test_extracted_json_is_reviewable_and_rebuilds_the_same_archive(archive, tmp_path):
    extracted = archive.parent / "extracted"
    files = sorted(extracted.glob("*.json"))
    assert len(files) == 8
    record = json.loads(files[0].read_text(encoding="utf-8"))
    for key in ("id", "source", "sha256", "page_start", "page_end", "pages", "entities", "text"):
        assert key in record
    rebuilt = tmp_path / "rebuilt.db"
    result = run_pipeline("build", "--db", rebuilt, "--extracted-dir", extracted)
    assert result.returncode == 0, result.stderr
    a, b = sqlite_utils.Database(archive), sqlite_utils.Database(rebuilt)
    for table in ("documents", "pages", "entities"):
        assert list(a.query(f"select * from {table} order by id")) == list(
            b.query(f"select * from {table} order by id"))
