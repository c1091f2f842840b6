"""Sample data and helpers shared by the test modules (imported as `fixtures`; pytest puts
tests/ on the path). Fixtures proper live in conftest.py.

- Sample documents for the load, search and serve tests, modelled on the seed corpus: an
  OCR-spaced notice, a letter to the ward mayor, a cost sheet with J-LIS, a table of wards'
  answers and a newsletter (`sample_documents`, `make_document` for others).
- An archive of them (`archive_of`), and its Datasette app in this process (`app_client`).
- A real `pipeline serve` server in a subprocess (`free_port`, `start_server`, `stop_server`).
- The rows of one query on an archive file (`query`).
- What an entity extractor finds in a text, as printed and as read (`mentions`).
- A page of a corpus scan as the OCR gets it (`scanned_page`).
"""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import sys
import tempfile
import time
import socket
import sqlite3
from pathlib import Path

import httpx

from pipeline.analyze.entities import DocumentContext
from pipeline.load.database import Archive
from pipeline.model import Document, Entity, Page, Table, document_id, join_pages

ROOT = Path(__file__).resolve().parent.parent

def _sha(name: str) -> str:
    return hashlib.sha256(name.encode()).hexdigest()


def _entity(text: str, kind: str, surface: str, value: str, occurrence: int = 0, **attrs) -> Entity:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(surface, start + 1)
    return Entity(kind=kind, text=surface, value=value, start=start, end=start + len(surface),
                  attrs=attrs)


def make_document(source: str, pages: list[Page], entities=(), **meta) -> Document:
    """A Document whose text is its pages joined, with entities given as (kind, surface, value,
    attrs) found in that text."""
    sha = _sha(source)
    text, _ = join_pages(pages)
    doc = Document(id=document_id(sha, 1, len(pages)), source=source, sha256=sha, page_start=1,
                   page_end=len(pages), text=text, pages=pages, **meta)
    doc.entities = [_entity(text, kind, surface, value, **attrs) for kind, surface, value, attrs in entities]
    return doc


def notice() -> Document:
    """総務大臣通知, OCR-spaced as Tesseract's jpn model leaves it."""
    p1 = Page(1, "総行住第 185 号\n平 成 28 年 9 月 16 日\n各都道府県知事 殿\n総務大臣\n"
                 "マイナンバーカードを活用した住民サービスの向上について (依頼)",
              method="ocr", confidence=91.5)
    p2 = Page(2, "住民票の写し等のコンビニ交付をはじめとする様々なサービスを受けることが可能になります。\n"
                 "番号法第19条第7号に基づき情報提供を行う。",
              method="ocr", confidence=88.0)
    return make_document("mic-notice.pdf", [p1, p2], [
        ("doc_number", "総行住第 185 号", "総行住第185号", {}),
        ("date", "平 成 28 年 9 月 16 日", "2016-09-16",
         {"start": "2016-09-16", "end": "2016-09-16", "precision": "day"}),
        ("law_ref", "番号法第19条第7号", "番号法第19条第7号",
         {"law": "番号法", "article": "19", "item": "7", "law_id": "425AC0000000027",
          "law_title": "行政手続における特定の個人を識別するための番号の利用等に関する法律",
          "law_number": "平成二十五年法律第二十七号", "category": "法律"}),
    ], title="マイナンバーカードを活用した住民サービスの向上と地域活性化の検討について", kind="通知",
        issuer="総務大臣", issued_on="2016-09-16")


def letter() -> Document:
    """質問書 to the ward mayor: 区長 appears only here."""
    p1 = Page(1, "2017年2月1日\n世田谷区長 保坂展人 様\n"
                 "住民税の特別徴収通知書への個人番号記載について、以下のとおり質問します。")
    p2 = Page(2, "(6) 個人番号の変更申請を認めるか否かの基準があれば示されたい。")
    return make_document("letter.pdf", [p1, p2], [
        ("date", "2017年2月1日", "2017-02-01",
         {"start": "2017-02-01", "end": "2017-02-01", "precision": "day"}),
        ("municipality", "世田谷区", "131121",
         {"code": "131121", "name": "世田谷区", "prefecture": "東京都"}),
        ("person", "保坂展人", "保坂展人", {}),
    ], title="住民税の特別徴収通知書への個人番号記載についての質問書", kind="質問書",
        issuer="市民団体", issued_on="2017-02-01")


def cost_sheet() -> Document:
    """資料1: amounts and J-LIS."""
    p1 = Page(1, "コンビニ交付算定の根拠\n負担金(J-LIS) 30,000,000円\n"
                 "証明書1枚あたり 約940円")
    return make_document("shiryo1.pdf", [p1], [
        ("money", "30,000,000円", "30000000", {"amount": 30000000, "approximate": False}),
        ("money", "約940円", "940", {"amount": 940, "approximate": True}),
    ], title="コンビニ交付算定の根拠", kind="資料", issued_on="2017-02")


def wards_table() -> Document:
    """The wards' answers, as a table (column 0: ward, row 0: questions)."""
    rows = [["区", "回答日", "(3)"],
            ["世田谷区", "9月15日", "普通郵便"],
            ["足立区", "9月16日", "簡易書留"],
            ["北区", "9月20日", "普通郵便"]]
    text = "住民税の特別徴収通知書への個人番号記載について\n" + "\n".join(" ".join(r) for r in rows)
    p1 = Page(1, text, tables=[Table(page=1, rows=rows)])
    return make_document("wards.pdf", [p1], [
        ("municipality", "世田谷区", "131121",
         {"code": "131121", "name": "世田谷区", "prefecture": "東京都"}),
        ("municipality", "足立区", "131211", {"code": "131211", "name": "足立区", "prefecture": "東京都"}),
        ("municipality", "北区", "131172", {"code": "131172", "name": "北区", "prefecture": "東京都"}),
    ], title="住民税の特別徴収通知書への個人番号記載について（23区の回答）", kind="資料",
        issued_on="2016-09")


def newsletter() -> Document:
    """団結: holds 区 and 長 and 個人 and 番号, but never 区長 nor 個人番号 (phrase tests)."""
    p1 = Page(1, "団結 2017年1月17日\n北区の職員は長時間労働を続けている。\n"
                 "個人の尊厳と、番号による管理について考える。", vertical=True)
    return make_document("dankets.pdf", [p1], [
        ("date", "2017年1月17日", "2017-01-17",
         {"start": "2017-01-17", "end": "2017-01-17", "precision": "day"}),
    ], title="団結", kind="会報", issuer="区職員労働組合", issued_on="2017-01-17")


def sample_documents() -> list[Document]:
    return [notice(), letter(), cost_sheet(), wards_table(), newsletter()]


def ids() -> dict[str, str]:
    """Sample name -> document id."""
    return {f.__name__: f().id for f in (notice, letter, cost_sheet, wards_table, newsletter)}


def archive_of(path: Path, *batches: list[Document]) -> Path:
    """An archive at `path` with each batch of documents added in turn (by default one batch:
    the sample documents)."""
    with Archive(path) as archive:
        for batch in batches or (sample_documents(),):
            archive.add(batch)
    return path


def app_client(db: Path, **options):
    """`get(path, method="GET")` against the archive's Datasette app in this process, made by
    `make_datasette(db, **options)` and started once."""
    from pipeline.serve.app import make_datasette

    ds = make_datasette(db, **options)
    asyncio.run(ds.invoke_startup())

    def get(path: str, method: str = "GET"):
        return asyncio.run(ds.client.request(method, path))

    return get


# --- a real server --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, source_dirs=()) -> subprocess.Popen:
    """`pipeline.serve.app.serve()` in a subprocess; returns once it answers."""
    code = ("import sys; from pipeline.serve.app import serve; "
            "serve(sys.argv[1], port=int(sys.argv[2]), source_dirs=sys.argv[3:])")
    # Output to a file, not a pipe nobody reads: the server logs every request, and a full pipe
    # would stall it.
    log = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([sys.executable, "-c", code, str(db), str(port), *map(str, source_dirs)],
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited: {log.read()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/-/versions.json", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def query(db: Path, sql: str, params=()) -> list[sqlite3.Row]:
    """The rows of one query on the SQLite file `db` (by position or by column name), the
    connection closed again: what a reader sees after a command has run."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def mentions(extract, text: str, ctx: DocumentContext | None = None) -> list[tuple[str, str | None]]:
    """(text as printed, value) of each entity `extract` (a kind's extract function) finds."""
    return [(e.text, e.value) for e in extract(text, ctx or DocumentContext())]


def scanned_page(slug: str, number: int, dpi: int = 300):
    """Page `number` (from 1) of corpus/scanned/<slug>.pdf, rendered as `extract` renders it."""
    import pypdfium2 as pdfium

    from pipeline.extract import pdf

    doc = pdfium.PdfDocument(str(Path(__file__).resolve().parents[1] / "corpus" / "scanned" / f"{slug}.pdf"))
    try:
        return pdf.render(doc[number - 1], dpi)
    finally:
        doc.close()
