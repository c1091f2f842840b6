"""The ja_bigram FTS5 tokenizer (pipeline/load/fts_ja.c), through real SQLite."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sqlite_utils.db import sqlite3

from pipeline.load import fts


@pytest.fixture
def table():
    """An FTS5 table over some texts, rowid = position in TEXTS + 1."""
    conn = fts.connect()
    conn.execute("create virtual table t using fts5(x, tokenize='ja_bigram')")
    conn.executemany("insert into t (x) values (?)", [[t] for t in TEXTS])
    yield conn
    conn.close()


TEXTS = [
    "世田谷区長あてに質問書を提出",  # 1
    "平 成 28 年 9 月 16 日　総務大臣",  # 2: OCR spacing, ideographic space
    "コンビニ交付サービス",  # 3
    "負担金(J-LIS) 30,000,000円",  # 4
    "区",  # 5: a one-character text
    "長い区間",  # 6: 区 and 長, but not 区長
    "ｶﾞｲﾄﾞﾌﾞｯｸ ﾊﾟｽﾎﾟｰﾄ",  # 7: half-width katakana with voiced marks
    "受付期間 9月15日〜10月1日",  # 8: wave dash U+301C
    "ＭＡＩＮＡＰＯＲＴＡＬ",  # 9: full-width Latin
]


def match(conn, query: str) -> list[int]:
    return [r[0] for r in conn.execute(
        "select rowid from t where t match ? order by rowid", [query])]


def test_tokens_are_overlapping_bigrams_with_colocated_unigrams():
    assert fts.tokens("世田谷区長") == [
        (0, "世田"), (0, "世"), (1, "田谷"), (1, "田"), (2, "=谷区"), (2, "谷区"), (2, "谷"),
        (3, "=区長"), (3, "区長"), (3, "区"), (4, "長"),
    ]  # 区 has a variant (區): its bigrams are also kept as written, "=谷区"


def test_whitespace_is_skipped_so_ocr_spacing_does_not_matter():
    assert fts.tokens("平 成 28 年") == fts.tokens("平成28年")
    assert fts.tokens("平\u3000成\n28\t年") == fts.tokens("平成28年")


@pytest.mark.parametrize("variant, canonical", [
    ("ｺﾝﾋﾞﾆ", "コンビニ"),
    ("ﾊﾟｽﾎﾟｰﾄ", "パスポート"),
    ("ｳﾞｧ", "ヴァ"),
    ("Ｊ－ＬＩＳ", "j-lis"),
    ("J-LIS", "j-lis"),
    ("９月１５日～１０月", "9月15日〜10月"),
    ("9月15日~10月", "9月15日〜10月"),
    ("か\u3099き", "がき"),  # combining voiced mark
    ("ｱｲｳ｡｢ｴ｣", "アイウ。「エ」"),
])
def test_folding(variant, canonical):
    assert [t for _, t in fts.tokens(variant)] == [t for _, t in fts.tokens(canonical)]


@pytest.mark.parametrize("query, rowids", [
    ('"区長"', [1]),
    ('"交付"', [3]),
    ('"世田谷区長"', [1]),
    ('"ｺﾝﾋﾞﾆ"', [3]),
    ('"平成28年9月16日"', [2]),
    ('"平成 28年 9月16日"', [2]),
    ('"総務大臣"', [2]),
    ('"J-LIS"', [4]),
    ('"ｊ－ｌｉｓ"', [4]),
    ('"30,000,000円"', [4]),
    ('"ガイドブック"', [7]),
    ('"パスポート"', [7]),
    ('"maina"', [9]),
    ('"15日～10月"', [8]),
    ('"区"', [1, 5, 6]),  # one character: the colocated unigrams
    ('"長"', [1, 6]),
    ('"存在しない語"', []),
    ('"長区"', []),
    ('"区" "間"', [6]),  # two phrases, ANDed
    ('"区長間"', []),
])
def test_match(table, query, rowids):
    assert match(table, query) == rowids


def test_highlight_offsets_cover_exactly_the_match(table):
    def hl(query):
        return table.execute(
            "select highlight(t, 0, '[', ']') from t where t match ? order by rowid", [query]
        ).fetchall()

    assert hl('"区長"') == [("世田谷[区長]あてに質問書を提出",)]
    assert hl('"平成28年9月16日"') == [("[平 成 28 年 9 月 16 日]\u3000総務大臣",)]
    assert hl('"ｺﾝﾋﾞﾆ交付"') == [("[コンビニ交付]サービス",)]
    assert hl('"ガイド"') == [("[ｶﾞｲﾄﾞ]ﾌﾞｯｸ ﾊﾟｽﾎﾟｰﾄ",)]  # byte offsets in the stored text


def test_snippet(table):
    row = table.execute(
        "select snippet(t, 0, '[', ']', '…', 4) from t where t match '\"質問\"'").fetchone()
    assert row == ("…に[質問]書を…",)  # 4 tokens: に質 質問 問書 書を


def test_prefix_query(table):
    assert match(table, '"コンビ" *') == [3]


def test_invalid_utf8_does_not_crash(table):
    table.execute("insert into t (x) values (cast(x'e4b896ff80e794b0' as text))")
    assert match(table, '"世"') == [1, 10]


def test_without_the_extension_the_table_is_unreadable(tmp_path):
    path = tmp_path / "t.db"
    conn = fts.connect(path)
    conn.execute("create virtual table t using fts5(x, tokenize='ja_bigram')")
    conn.execute("insert into t (x) values ('区長')")
    conn.commit()
    conn.close()
    plain = sqlite3.connect(str(path))
    with pytest.raises(sqlite3.OperationalError, match="no such tokenizer: ja_bigram"):
        plain.execute("select * from t where t match '\"区長\"'").fetchall()
    plain.close()


def test_build_compiles_a_loadable_extension(tmp_path):
    target = fts.build(tmp_path / "fts_ja.so")
    conn = sqlite3.connect(":memory:")
    conn.enable_load_extension(True)
    conn.load_extension(str(target))
    conn.execute("create virtual table t using fts5(x, tokenize='ja_bigram')")
    conn.execute("insert into t (x) values ('交付')")
    assert conn.execute("select count(*) from t where t match '\"交付\"'").fetchone() == (1,)
    conn.close()


def test_extension_path_is_built_and_fresh():
    path = fts.extension_path()
    assert path.exists()
    assert path.stat().st_mtime >= fts.SOURCE.stat().st_mtime


def test_stdlib_like_connection_is_refused():
    class NoExtensions:
        pass

    with pytest.raises(RuntimeError, match="pysqlite3"):
        fts.load_extension(NoExtensions())


# Characters that fold to themselves, and spaces: a match must be exactly a substring match of
# the texts with whitespace removed.
ALPHABET = "区長世田谷交付ab1 \u3000\n"


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(ALPHABET, max_size=12), min_size=1, max_size=6),
       query=st.text(ALPHABET, min_size=1, max_size=4))
def test_a_match_is_exactly_a_substring_match(texts, query):
    def squeeze(s):
        return "".join(s.split())

    assume(squeeze(query))
    conn = fts.connect()
    try:
        conn.execute("create virtual table t using fts5(x, tokenize='ja_bigram')")
        conn.executemany("insert into t (x) values (?)", [[t] for t in texts])
        phrase = '"' + query.replace('"', '""') + '"'
        expected = [i for i, t in enumerate(texts, start=1) if squeeze(query) in squeeze(t)]
        assert match(conn, phrase) == expected
    finally:
        conn.close()
