"""The archive database (pipeline.load.database.Archive) on real SQLite files."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pipeline.load import database
from pipeline.load.database import Archive, content_version
from pipeline.model import Page
from fixtures import (cost_sheet, ids, letter, make_document, notice, sample_documents,
                               wards_table)

TESTS = Path(__file__).parent
ROOT = TESTS.parent


@pytest.fixture
def archive(tmp_path):
    a = Archive(tmp_path / "archive.db")
    a.add(sample_documents())
    yield a
    a.close()


def rows(archive, sql, params=()):
    return [tuple(r) for r in archive.db.execute(sql, params).fetchall()]


def counts(archive) -> dict[str, int]:
    return {t: archive.db[t].count for t in
            ("documents", "pages", "entities", "doc_tables", "table_cells")}


def test_schema(tmp_path):
    a = Archive(tmp_path / "archive.db")
    assert a.db["documents"].columns_dict == {
        "id": str, "title": str, "kind": str, "issuer": str, "issued_on": str, "issued_year": int,
        "source": str, "source_path": str, "sha256": str, "page_start": int, "page_end": int,
        "page_count": int, "text": str, "entity_count": int, "municipalities": str, "laws": str, "has_copies": int,
    }
    assert [c.name for c in a.db["pages"].columns] == [
        "id", "document_id", "page", "source_page", "method", "confidence", "rotation",
        "vertical", "text", "start", "end"]
    assert [c.name for c in a.db["entities"].columns][:8] == [
        "id", "document_id", "page", "kind", "text", "value", "start", "end"]
    assert {"date_start", "amount", "law", "law_id", "law_title", "article", "code", "name",
            "attrs"} <= set(
        a.db["entities"].columns_dict)
    assert a.db["pages"].foreign_keys[0].other_table == "documents"
    # External-content FTS5 tables, as Datasette detects them.
    assert a.db["documents"].detect_fts() == "documents_fts"
    assert a.db["pages"].detect_fts() == "pages_fts"
    assert "tokenize='ja_bigram'" in a.db["documents_fts"].schema
    assert 'content="documents"' in a.db["documents_fts"].schema
    assert {tuple(i.columns) for i in a.db["entities"].indexes} >= {
        ("kind", "value"), ("document_id",), ("code",), ("law_id",)}
    # Reference tables.
    assert a.db["municipalities"].count == 1916
    assert a.db["municipalities"].get("131121")["name"] == "世田谷区"
    assert a.db["municipalities"].get("011011")["name"] == "札幌市 中央区"
    assert a.db["prefectures"].count == 47
    assert a.db["prefectures"].get("130001")["name"] == "東京都"
    assert a.db["prefectures"].get("010006")["name"] == "北海道"
    assert a.db.execute("pragma journal_mode").fetchone() == ("wal",)
    assert a.db.execute("pragma busy_timeout").fetchone() == (30000,)
    info = dict(rows(a, "select key, value from archive_info"))
    assert info["tokenizer"] == "ja_bigram" and info["schema_version"] == "5"
    # Large pages keep a document's row on one page; the facet columns are indexed.
    assert a.db.execute("pragma page_size").fetchone() == (16384,)
    assert {tuple(i.columns) for i in a.db["documents"].indexes} >= {
        ("sha256",), ("issued_on",), ("kind",), ("issuer",), ("issued_year",)}
    a.close()


def test_document_and_page_rows(archive):
    doc = letter()
    row = archive.db["documents"].get(doc.id)
    assert row == {
        "id": doc.id, "title": doc.title, "kind": "質問書", "issuer": "市民団体",
        "issued_on": "2017-02-01", "issued_year": 2017, "source": "letter.pdf", "source_path": None,
        "sha256": doc.sha256, "page_start": 1, "page_end": 2, "page_count": 2, "text": doc.text,
        "entity_count": 3, "municipalities": '["世田谷区"]', "laws": "[]", "has_copies": 0,
    }
    pages = list(archive.db.query(
        'select id, page, source_page, method, start, "end", text from pages'
        " where document_id = ? order by page", [doc.id]))
    assert [p["id"] for p in pages] == [f"{doc.id}/1", f"{doc.id}/2"]
    for p in pages:
        assert doc.text[p["start"] : p["end"]] == p["text"]
    assert pages[1]["start"] == len(doc.pages[0].text) + 2  # "\n\n" between pages
    assert archive.db["documents"].get(cost_sheet().id)["issued_year"] == 2017  # from "2017-02"


def test_entity_rows_have_typed_columns_and_pages(archive):
    n = notice()
    law = archive.db["entities"].get(f"{n.id}/{n.text.index('番号法')}-{n.text.index('号に基づき') + 1}/law_ref")
    assert (law["page"], law["law"], law["article"], law["item"], law["paragraph"]) == (
        2, "番号法", "19", "7", None)
    assert law["law_number"] == "平成二十五年法律第二十七号"
    assert (law["law_id"], law["law_title"]) == (
        "425AC0000000027", "行政手続における特定の個人を識別するための番号の利用等に関する法律")
    assert json.loads(law["attrs"]) == {"category": "法律"}
    date = next(archive.db.query("select * from entities where document_id = ? and kind = 'date'", [n.id]))
    assert (date["text"], date["date_start"], date["date_end"], date["date_precision"], date["page"]) == (
        "平 成 28 年 9 月 16 日", "2016-09-16", "2016-09-16", "day", 1)
    assert rows(archive, "select text, amount, approximate from entities where kind = 'money' order by amount") == [
        ("約940円", 940, 1), ("30,000,000円", 30000000, 0)]
    assert rows(archive, "select distinct code, name from entities where kind = 'municipality' order by code") == [
        ("131121", "世田谷区"), ("131172", "北区"), ("131211", "足立区")]


def test_unknown_attrs_go_to_the_attrs_column(tmp_path):
    doc = make_document("x.pdf", [Page(1, "令和元年")], [
        ("date", "令和元年", "2019", {"start": "2019-01-01", "era": "令和", "precision": "year"})])
    with Archive(tmp_path / "a.db") as a:
        a.add([doc])
        row = next(a.db.query("select date_start, date_precision, attrs from entities"))
    assert row == {"date_start": "2019-01-01", "date_precision": "year", "attrs": '{"era": "令和"}'}


def test_a_vague_amount_has_a_null_value(tmp_path):
    text = "既に数千億円が投じられ、△1,234"
    doc = make_document("v.pdf", [Page(1, text)], [
        ("money", "数千億円", None, {"amount": None, "approximate": True, "vague": True}),
        ("money", "△1,234", "-1234000", {"amount": -1234000, "approximate": False, "vague": False}),
    ])  # fmt: skip
    with Archive(tmp_path / "a.db") as a:
        a.add([doc])
        got = rows(a, "select text, value, typeof(value), amount, vague from entities order by start")
    assert got == [("数千億円", None, "null", None, 1), ("△1,234", "-1234000", "text", -1234000, 0)]


def test_table_cells_answer_which_wards_said_futsuu_yuubin(archive):
    assert rows(archive, "select row_header, col_header from table_cells where text = '普通郵便'"
                         " order by row") == [("世田谷区", "(3)"), ("北区", "(3)")]
    t = archive.db["doc_tables"].get(f"{wards_table().id}/1/t1")
    assert (t["page"], t["table_index"], t["n_rows"], t["n_cols"]) == (1, 1, 4, 3)


def test_known(archive):
    doc = letter()
    assert archive.known(doc.sha256) == [doc.id]
    assert archive.known("0" * 64) == []


def test_add_replaces_documents_and_their_index(archive):
    before = counts(archive)
    doc = letter()
    doc.pages[1].text = "(6) 差し替えた本文。"
    doc.text = doc.pages[0].text + "\n\n" + doc.pages[1].text
    archive.add([doc])
    assert counts(archive) == before
    assert [r["id"] for r in archive.search("差し替え")] == [doc.id]
    assert archive.search("変更申請") == []
    assert [r["id"] for r in archive.search("差し替え", pages=True)] == [f"{doc.id}/2"]


def test_remove(archive):
    doc = letter()
    assert archive.remove([doc.id, "no-such-id"]) == 1
    assert archive.known(doc.sha256) == []
    for table in ("pages", "entities", "doc_tables", "table_cells"):
        assert archive.db.execute(f"select count(*) from {table} where document_id = ?",
                                  [doc.id]).fetchone() == (0,)
    assert archive.search("区長") == []
    assert archive.search("区長", pages=True) == []
    assert archive.db["documents"].count == 4


def test_version_is_a_content_hash(tmp_path, archive):
    v = archive.version()
    assert len(v) == 16 and int(v, 16) >= 0
    assert v == content_version(archive.db)
    # The same content added in another order, in another file: the same version.
    with Archive(tmp_path / "other.db") as other:
        for doc in reversed(sample_documents()):
            other.add([doc])
        assert other.version() == v
    # Changing a document changes it; restoring it restores it.
    changed = letter()
    changed.entities = changed.entities[:1]
    archive.add([changed])
    assert archive.version() != v
    archive.add([letter()])
    assert archive.version() == v


def test_add_is_atomic_when_a_row_cannot_be_written(archive):
    before_counts, before_version = counts(archive), archive.version()
    new = make_document("new.pdf", [Page(1, "新しい文書の本文")])
    bad = letter()
    bad.pages[1].confidence = object()  # SQLite cannot bind it: fails after other rows went in
    with pytest.raises(Exception, match="(?i)bind|type"):
        archive.add([new, bad])
    assert counts(archive) == before_counts
    assert archive.version() == before_version
    assert archive.known(new.sha256) == []
    assert [r["id"] for r in archive.search("変更申請")] == [letter().id]
    assert archive.search("新しい文書") == []
    assert archive.db.execute("pragma integrity_check").fetchone() == ("ok",)


def test_add_is_atomic_when_it_fails_at_the_last_step(archive, monkeypatch):
    before_counts, before_version = counts(archive), archive.version()

    def fail(db, *args):
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(database, "_write_info", fail)
    new = make_document("new.pdf", [Page(1, "新しい文書の本文")])
    with pytest.raises(RuntimeError, match="disk full"):
        archive.add([new])
    assert counts(archive) == before_counts
    assert archive.search("新しい文書") == []
    monkeypatch.undo()
    assert archive.version() == before_version
    assert not archive.db.conn.in_transaction


def test_duplicate_ids_in_one_add_are_refused(tmp_path):
    with Archive(tmp_path / "a.db") as a:
        with pytest.raises(ValueError, match="given twice"):
            a.add([letter(), letter()])
        assert a.db["documents"].count == 0


WRITER = textwrap.dedent("""
    import sys
    sys.path[:0] = [{root!r}, {tests!r}]
    from pipeline.load.database import Archive
    from pipeline.model import Page
    from fixtures import make_document

    name, path = sys.argv[1], sys.argv[2]
    archive = Archive(path)
    for i in range(15):
        archive.add([make_document(f"{{name}}-{{i}}.pdf", [Page(1, f"{{name}}の文書{{i}} 区長への質問")])])
    archive.close()
""")


def test_two_processes_adding_at_once_both_land(tmp_path):
    path = tmp_path / "archive.db"
    script = WRITER.format(root=str(ROOT), tests=str(TESTS))
    procs = [subprocess.Popen([sys.executable, "-c", script, name, str(path)],
                              stderr=subprocess.PIPE, text=True) for name in ("甲", "乙")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Archive(path) as a:
        assert a.db["documents"].count == 30
        assert a.db.execute("pragma integrity_check").fetchone() == ("ok",)
        a.db.execute("insert into documents_fts (documents_fts) values ('integrity-check')")
        a.db.execute("insert into pages_fts (pages_fts) values ('integrity-check')")
        assert len(a.search("区長", limit=100)) == 30
        assert len(a.search("乙の文書", limit=100)) == 15
        assert a.db["municipalities"].count == 1916  # the schema was created once
        assert a.version() == content_version(a.db)


def _dump(path: Path) -> list:
    """Schema and every row of every table (FTS shadow tables included)."""
    db = database.open_database(path, wal=False)
    try:
        schema = rows_of(db, "select type, name, sql from sqlite_master order by name")
        tables = [name for kind, name, sql in schema
                  if kind == "table" and not sql.startswith("CREATE VIRTUAL")]
        return schema + [(t, sorted(rows_of(db, f"select * from [{t}]"), key=repr)) for t in tables]
    finally:
        db.close()


def rows_of(db, sql):
    return [tuple(r) for r in db.execute(sql).fetchall()]


def test_rebuild_is_deterministic_and_atomic(tmp_path):
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    with Archive(one) as a:
        a.add([letter()])  # replaced by the rebuild
        a.rebuild(sample_documents())
        v1 = a.version()
        assert a.db["documents"].count == 5
        assert [r["id"] for r in a.search("区長")] == [ids()["letter"]]
        assert a.db.execute("pragma journal_mode").fetchone() == ("wal",)
    with Archive(two) as b:
        b.rebuild(list(reversed(sample_documents())))
        v2 = b.version()
    assert v1 == v2
    assert not (tmp_path / "one.db.tmp").exists()
    assert _dump(one) == _dump(two)
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (one, two)]
    assert digest[0] == digest[1]  # byte for byte


def test_rebuild_keeps_the_old_archive_when_it_fails(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as a:
        a.add(sample_documents())
        before = a.version()
        bad = letter()
        bad.pages[0].confidence = object()
        with pytest.raises(Exception):
            a.rebuild([notice(), bad])
        assert a.version() == before
        assert a.db["documents"].count == 5
    assert not (tmp_path / "archive.db.tmp").exists()


def test_search_ranks_title_matches_first(archive):
    hits = archive.search("コンビニ交付")
    assert [h["id"] for h in hits] == [ids()["cost_sheet"], ids()["notice"]]
    assert "\ue000コンビニ交付\ue001" in hits[0]["snippet"]
    json.dumps(hits)  # plain values


def test_writes_update_the_version_without_rereading_the_archive(archive, monkeypatch):
    """add and remove adjust the stored sum of document digests; they never hash the archive
    again (which took 15 s at 100,000 documents)."""
    def reread(db):
        raise AssertionError("the whole archive was hashed again")

    monkeypatch.setattr(database, "content_sum", reread)
    v = archive.version()
    extra = make_document("extra.pdf", [Page(1, "追加の文書")])
    archive.add([extra])
    with_extra = archive.version()
    changed = letter()
    changed.entities = changed.entities[1:]
    archive.add([changed])
    archive.remove([extra.id])
    archive.add([letter()])
    assert archive.version() == v
    monkeypatch.undo()
    assert archive.version() == content_version(archive.db)
    archive.add([extra])
    assert archive.version() == with_extra == content_version(archive.db)


def test_the_same_documents_give_the_same_version_however_they_arrived(tmp_path, archive):
    with Archive(tmp_path / "rebuilt.db") as rebuilt:
        empty = rebuilt.version()
        rebuilt.rebuild(iter(sample_documents()))
        assert rebuilt.version() == archive.version() == content_version(rebuilt.db)
        rebuilt.remove([d.id for d in sample_documents()])
        assert rebuilt.version() == empty == content_version(rebuilt.db)
    assert len({empty, archive.version()}) == 2


def test_rebuild_streams_chunks_and_gives_the_same_bytes(tmp_path, monkeypatch):
    whole, chunked = tmp_path / "whole.db", tmp_path / "chunked.db"
    with Archive(whole) as a:
        a.rebuild(sample_documents())
    monkeypatch.setattr(database, "REBUILD_CHUNK", 2)
    with Archive(chunked) as a:
        a.rebuild(doc for doc in reversed(sample_documents()))  # a generator, read once
        assert a.db["entities"].count == sum(len(d.entities) for d in sample_documents())
        # A document given again in a later chunk: refused, the archive left as it was.
        with pytest.raises(ValueError, match=f"document {ids()['letter']} given twice"):
            a.rebuild([letter(), notice(), cost_sheet(), letter()])
        assert a.db["documents"].count == 5
    assert not list(tmp_path.glob("*.staging*")) and not list(tmp_path.glob("*.build*"))
    assert whole.read_bytes() == chunked.read_bytes()


def test_an_archive_of_schema_version_1_is_upgraded_when_opened(tmp_path):
    path = tmp_path / "old.db"
    with Archive(path) as a:
        a.add(sample_documents())
        v = a.version()
        for column in ("kind", "issuer", "issued_year"):
            a.db.execute(f"drop index idx_documents_{column}")
        a.db.execute("drop index idx_entities_kind_date_start")
        a.db.execute("create index idx_entities_date_start on entities (date_start)")
        a.db.execute("delete from archive_info where key = 'content_sum'")
        a.db.execute("drop table doc_lsh")
        a.db.execute("drop table related")
        a.db.execute("update archive_info set value = '1' where key = 'schema_version'")
        a.db.execute("update archive_info set value = 'old' where key = 'version'")
        a.db.conn.commit()
    with Archive(path) as a:
        info = dict(rows(a, "select key, value from archive_info"))
        assert info["schema_version"] == "5" and a.version() == v
        assert a.db["doc_lsh"].count > 0 and "related" in a.db.table_names()
        assert {("kind",), ("issuer",), ("issued_year",)} <= {
            tuple(i.columns) for i in a.db["documents"].indexes}
        assert ("kind", "date_start") in {tuple(i.columns) for i in a.db["entities"].indexes}


def test_an_archive_of_schema_version_2_gets_the_law_id_columns(tmp_path):
    path = tmp_path / "old.db"
    with Archive(path) as a:
        a.add(sample_documents())
        a.db.execute("drop index idx_entities_law_id")
        for column in ("law_id", "law_title"):  # added by version 3
            a.db.execute(f"alter table entities drop column {column}")
        a.db.execute("update archive_info set value = '2' where key = 'schema_version'")
        a.db.conn.commit()
    with Archive(path) as a:
        assert dict(rows(a, "select key, value from archive_info"))["schema_version"] == "5"
        assert {"law_id", "law_title"} <= set(a.db["entities"].columns_dict)
        assert ("law_id",) in {tuple(i.columns) for i in a.db["entities"].indexes}
        assert rows(a, "select count(*) from entities where law_id is not null") == [(0,)]


def test_a_rebuild_archives_documents_by_date_of_issue(tmp_path):
    """Rowid order, which Datasette lists documents and pages in: undated documents first, then by
    issued_on (a month before a day in it), each document's pages after it."""
    undated = make_document("undated.pdf", [Page(1, "日付のない文書")])
    with Archive(tmp_path / "a.db") as a:
        a.rebuild([*sample_documents(), undated])
        order = [r[0] for r in a.db.execute("select id from documents order by rowid")]
        pages = [r[0] for r in a.db.execute("select id from pages order by rowid")]
        entities = rows(a, "select document_id, start from entities order by rowid")
    expected = [undated.id, *(ids()[k] for k in ("wards_table", "notice", "newsletter", "cost_sheet", "letter"))]
    assert order == expected
    assert pages == [undated.id + "/1", ids()["wards_table"] + "/1", ids()["notice"] + "/1",
                     ids()["notice"] + "/2", ids()["newsletter"] + "/1", ids()["cost_sheet"] + "/1",
                     ids()["letter"] + "/1", ids()["letter"] + "/2"]
    # Entities in the same order of documents, in text order within one.
    assert [d for d, _ in entities] == sorted((d for d, _ in entities), key=expected.index)
    starts = [start for d, start in entities if d == ids()["notice"]]
    assert starts == sorted(starts) and len(starts) == 3
