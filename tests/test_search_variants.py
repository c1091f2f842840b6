"""Search across spelling variants (異体字): ja_bigram folds the reviewed table
pipeline/data/variants.tsv at index and query time; `=` asks for the spelling as written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.load import fts

# Each family of issue 12, every spelling. Any spelling finds every other.
FAMILIES = [
    ["髙橋", "高橋"],
    ["渡邊", "渡邉", "渡辺"],
    ["山﨑", "山崎"],
    ["齋藤", "斎藤"],
    ["國分寺", "国分寺"],
    ["櫻井", "桜井"],
    ["廣田", "広田"],
    ["濱田", "浜田"],
    ["澤田", "沢田"],
    ["霞が関", "霞ヶ関", "霞ケ関"],
]
DISTINCT = [("崎玉", "埼玉"), ("斉藤", "斎藤"), ("藤井", "籐井")]


@pytest.fixture(scope="module")
def conn():
    c = fts.connect()
    c.execute("create virtual table t using fts5(x, tokenize='ja_bigram')")
    texts = [s for family in FAMILIES for s in family] + [s for pair in DISTINCT for s in pair]
    c.executemany("insert into t (x) values (?)", [[f"文書 {s} 様"] for s in texts])
    yield c
    c.close()


def hits(conn, query: str) -> set[str]:
    rows = conn.execute("select x from t where t match ?", ['"' + query + '"'])
    return {r[0].split()[1] for r in rows}


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: "/".join(f))
def test_every_spelling_finds_every_other(conn, family):
    for spelling in family:
        assert hits(conn, spelling) == set(family), spelling


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: "/".join(f))
def test_exact_query_finds_only_its_spelling(conn, family):
    for spelling in family:
        assert hits(conn, "=" + spelling) == {spelling}


@pytest.mark.parametrize("a, b", DISTINCT)
def test_distinct_characters_never_merge(conn, a, b):
    assert a in hits(conn, a) and b not in hits(conn, a)
    assert b in hits(conn, b) and a not in hits(conn, b)


def test_highlight_marks_the_text_as_written(conn):
    rows = conn.execute("select highlight(t, 0, '[', ']') from t where t match '\"高橋\"' order by rowid")
    assert [r[0] for r in rows] == ["文書 [髙橋] 様", "文書 [高橋] 様"]


def test_the_table_is_reviewed_pairs():
    table = fts.read_variants()
    assert table["髙"] == "高" and table["邉"] == "辺" and table["﨑"] == "崎"
    assert "埼" not in table and "埼" not in table.values()  # 崎 and 埼 are different places
    assert not set(table) & set(table.values())


def test_a_bad_table_is_refused(tmp_path):
    bad = tmp_path / "variants.tsv"
    bad.write_text("髙\t高\n高\t髙\n", encoding="utf-8")
    with pytest.raises(ValueError, match="a standard form is itself listed as a variant"):
        fts.read_variants(bad)


@settings(max_examples=150, deadline=None)
@given(text=st.text("髙高邊辺崎﨑埼が霞関ケヶ田 ", min_size=1, max_size=10))
def test_folding_is_the_same_at_index_and_query_time(text):
    """A text always finds itself, whatever variants it holds."""
    squeezed = "".join(text.split())
    if len(squeezed) < 1:
        return
    c = fts.connect()
    try:
        c.execute("create virtual table t using fts5(x, tokenize='ja_bigram')")
        c.execute("insert into t (x) values (?)", [text])
        assert c.execute("select count(*) from t where t match ?", ['"' + squeezed + '"']).fetchone()[0] == 1
    finally:
        c.close()


def test_datasette_search_box_finds_every_spelling(tmp_path):
    """Through Datasette's own `?_search=` on /archive/documents, as the search box sends it."""
    import asyncio

    from pipeline.load.database import Archive
    from pipeline.model import Page
    from pipeline.serve.app import make_datasette
    from fixtures import make_document

    docs = {name: make_document(f"{name}.pdf", [Page(1, f"{name}議員の質問\n担当 {name}")], title=name)
            for name in ("髙橋", "高橋", "渡邉", "斉藤")}
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.add(list(docs.values()))
    ds = make_datasette(path)
    asyncio.run(ds.invoke_startup())

    def search(q):
        r = asyncio.run(ds.client.get(f"/archive/documents.json?_shape=array&_search={q}"))
        assert r.status_code == 200
        return {row["title"] for row in r.json()}

    assert search("高橋") == {"髙橋", "高橋"}
    assert search("髙橋") == {"髙橋", "高橋"}
    assert search("=髙橋") == {"髙橋"}
    assert search("渡辺") == {"渡邉"}
    assert search("斎藤") == set()


def test_an_archive_indexed_under_another_folding_is_reindexed(tmp_path):
    from pipeline.load.database import Archive
    from pipeline.model import Page
    from fixtures import make_document

    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        archive.add([make_document("a.pdf", [Page(1, "髙橋議員の質問")], title="a")])
        # As an archive indexed before the variant table existed: 髙橋 indexed as written only.
        archive.db.execute("update archive_info set value = 'old' where key = 'tokenizer_folding'")
        archive.db.execute("delete from documents_fts")
        archive.db.conn.commit()
        assert archive.search("高橋") == []
    with Archive(path) as archive:
        assert [d["title"] for d in archive.search("高橋")] == ["a"]
