"""Copies of one document (pipeline/load/related.py), linked through the real archive: a test set
of the corpus's born-digital texts, their noisy scans (OCR output), copies with other page
breaks, partial copies and edited versions. Precision and recall of `same` are measured over all
pairs, and every expected relation is checked exactly."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.corpus import plain_text
from pipeline.load import related
from pipeline.load.database import Archive
from pipeline.model import Page
from pipeline.normalize import normalize_text
from fixtures import make_document

REPO = Path(__file__).resolve().parent.parent
SLUGS = ["01-memo", "02-shiryo1", "03-shiryo2", "04-letter", "05-mic-notice",
         "06-onestop-program", "07-union-newsletter", "08-mic-jimurenraku", "09-wards-answers",
         "10-newspaper"]


def scanned_pages(slug: str) -> list[str]:
    """The OCR'd scan of a corpus document: from extracted/ when the archive holds the scan, else
    the OCR output kept in tests/data/related/."""
    kept = REPO / "tests" / "data" / "related" / f"{slug}.scanned.json"
    if kept.exists():
        return json.loads(kept.read_text(encoding="utf-8"))
    (path,) = (REPO / "extracted").glob(f"{slug}.*.json")
    return [p["text"] for p in json.loads(path.read_text(encoding="utf-8"))["pages"]]


def born_pages(slug: str) -> list[str]:
    """The born-digital rendering's pages, read from its text layer as ingest reads it."""
    from pipeline.extract import extract_pages

    return [normalize_text(p.text) for p in extract_pages(REPO / "corpus" / "born-digital" / f"{slug}.pdf")]


def repaged(text: str) -> list[str]:
    """The same text with other page and line breaks: lines joined in pairs, cut in three pages."""
    lines = text.splitlines()
    joined = ["".join(lines[i : i + 2]) for i in range(0, len(lines), 2)]
    third = max(1, len(joined) // 3)
    return ["\n".join(joined[i : i + third]) for i in range(0, len(joined), third)]


def revised(text: str, insert: str, old: str, new: str) -> str:
    assert old in text
    lines = text.splitlines()
    lines.insert(len(lines) // 2, insert)
    return "\n".join(lines).replace(old, new, 1)


OPTIONAL: dict[frozenset, str] = {}


def build_set() -> tuple[dict[str, list[str]], dict[frozenset, str]]:
    """Texts (as pages) by name, and the expected relation of every linked pair."""
    texts: dict[str, list[str]] = {}
    expected: dict[frozenset, str] = {}
    for slug in SLUGS:
        born = normalize_text(plain_text(slug))
        texts[f"{slug}/born"] = born_pages(slug)
        texts[f"{slug}/scan"] = scanned_pages(slug)
        names = [f"{slug}/born", f"{slug}/scan"]
        if slug in ("04-letter", "06-onestop-program", "08-mic-jimurenraku"):
            texts[f"{slug}/repaged"] = repaged(born)
            names.append(f"{slug}/repaged")
        for a, b in itertools.combinations(names, 2):
            expected[frozenset((a, b))] = "same"
    # Partial copies: one page of the letter and of the action programme, alone. Candidates come
    # from page signatures, so the copies paged like the part are required to contain it; the
    # re-paged copy (its pages cut elsewhere) may or may not be found (OPTIONAL).
    for slug, page in (("04-letter", 1), ("06-onestop-program", 2)):
        part = f"{slug}/page{page + 1}"
        texts[part] = [texts[f"{slug}/scan"][page]]
        for whole in (f"{slug}/born", f"{slug}/scan"):
            expected[frozenset((whole, part))] = "contains"
        if f"{slug}/repaged" in texts:
            OPTIONAL[frozenset((f"{slug}/repaged", part))] = "contains"
    # Edited versions: a paragraph added and an amount or a date changed.
    born05 = "\n\n".join(texts["05-mic-notice/born"])
    texts["05-mic-notice/revised"] = [revised(
        born05, "なお、本通知の内容については、平成29年1月以降の運用において改めて周知する予定である。",
        "平成28年", "平成29年")]
    born08 = "\n\n".join(texts["08-mic-jimurenraku/born"])
    texts["08-mic-jimurenraku/revised"] = [revised(
        born08, "(訂正)別紙の様式第2号について記載例に誤りがあったため差し替える。", "留意事項", "注意事項")]
    for slug in ("05-mic-notice", "08-mic-jimurenraku"):
        for other in [n for n in texts if n.startswith(slug + "/") and not n.endswith("revised")]:
            expected[frozenset((f"{slug}/revised", other))] = "revision"
    return texts, expected


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """The test set ingested one document at a time, as ingest adds files."""
    texts, expected = build_set()
    docs = {name: make_document(name, [Page(i + 1, t) for i, t in enumerate(pages)], title=name)
            for name, pages in texts.items()}
    path = tmp_path_factory.mktemp("related") / "archive.db"
    with Archive(path) as archive:
        for doc in docs.values():
            archive.add([doc])
        names = {d.id: n for n, d in docs.items()}
        rows = archive.db.execute("select document_id, related_id, relation, similarity from related").fetchall()
        flags = dict(archive.db.execute("select id, has_copies from documents").fetchall())
    found = {}
    for a, b, relation, similarity in rows:
        found[(names[a], names[b])] = (relation, similarity)
    return texts, expected, found, {names[i]: f for i, f in flags.items()}, docs, path


def pairs(found: dict, relation: str) -> set[frozenset]:
    return {frozenset(k) for k, (r, _) in found.items() if r == relation}


def test_same_precision_and_recall(linked):
    _, expected, found, *_ = linked
    gold = {p for p, r in expected.items() if r == "same"}
    got = pairs(found, "same")
    tp = len(gold & got)
    precision, recall = tp / len(got), tp / len(gold)
    print(f"same: {len(gold)} gold pairs, {len(got)} found, P={precision:.3f} R={recall:.3f}")
    assert precision >= 0.95 and recall >= 0.95
    # Every born-digital rendering and its noisy scan.
    for slug in SLUGS:
        assert frozenset((f"{slug}/born", f"{slug}/scan")) in got, slug


def test_different_documents_are_never_linked(linked):
    _, expected, found, *_ = linked
    slug = lambda name: name.split("/")[0]  # noqa: E731
    assert not [k for k in found if slug(k[0]) != slug(k[1])]


def test_every_expected_relation(linked):
    _, expected, found, *_ = linked
    for pair, relation in expected.items():
        a, b = sorted(pair)
        got = found.get((a, b)) or found.get((b, a))
        assert got is not None, (a, b, relation)
        if relation == "contains":
            whole, part = (a, b) if "/page" in b else (b, a)
            assert found[(whole, part)][0] == "contains" and found[(part, whole)][0] == "contained_in"
        else:
            assert got[0] == relation, (a, b)
    for pair, relation in OPTIONAL.items():
        a, b = sorted(pair)
        got = found.get((a, b)) or found.get((b, a))
        assert got is None or got[0] in ("contains", "contained_in")
    optional = sum(1 for p in OPTIONAL if tuple(sorted(p)) in found)
    assert len(found) == 2 * (len(expected) + optional)  # nothing else, each link stored both ways


def test_similarity_is_readable(linked):
    _, _, found, *_ = linked
    relation, similarity = found[("01-memo/born", "01-memo/scan")]
    assert relation == "same" and 0.95 <= similarity <= 1.0
    relation, similarity = found[("04-letter/born", "04-letter/page2")]
    assert relation == "contains" and similarity >= 0.8


def test_has_copies_flag(linked):
    texts, _, _, flags, *_ = linked
    assert all(flags[name] == 1 for name in texts)


def test_removing_a_copy_unlinks_it(linked, tmp_path):
    texts, _, _, _, docs, path = linked
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copy(path, copy)
    with Archive(copy) as archive:
        archive.remove([docs["01-memo/scan"].id])
        assert archive.db.execute("select count(*) from related where document_id = ? or related_id = ?",
                                  [docs["01-memo/born"].id] * 2).fetchone() == (0,)
        assert archive.db["documents"].get(docs["01-memo/born"].id)["has_copies"] == 0


def test_rebuild_links_the_same_pairs(linked, tmp_path):
    texts, _, found, _, docs, _ = linked
    with Archive(tmp_path / "rebuilt.db") as archive:
        archive.rebuild(list(docs.values()))
        names = {d.id: n for n, d in docs.items()}
        rebuilt = {(names[a], names[b]): (r, s) for a, b, r, s in archive.db.execute(
            "select document_id, related_id, relation, similarity from related")}
    assert rebuilt == found


def test_side_by_side_diff_shows_what_a_revision_changed():
    rows = related.diff_lines("第1条\n旧い文\n第3条", "第1条\n新しい文\n第3条\n追加")
    assert rows == [("equal", "第1条", "第1条"), ("replace", "旧い文", "新しい文"),
                    ("equal", "第3条", "第3条"), ("insert", "", "追加")]


def test_a_bucket_shared_by_too_many_documents_is_boilerplate(tmp_path, monkeypatch):
    """Two copies are linked; when MAX_BUCKET more documents share every bucket (a blank form
    filed a thousand times), the buckets are passed over instead of joined."""
    text = "平成28年9月16日\n各都道府県知事殿\n総務大臣\nマイナンバーカードを活用した住民サービスの向上について(依頼)\n" * 3

    def copies(n, path):
        with Archive(path) as archive:
            for i in range(n):
                archive.add([make_document(f"copy{i}.pdf", [Page(1, text)], title=f"copy{i}")])
            return archive.db.execute("select count(*) from related").fetchone()[0]

    monkeypatch.setattr(related, "MAX_BUCKET", 3)
    assert copies(2, tmp_path / "two.db") == 2  # one link, stored both ways
    assert copies(5, tmp_path / "five.db") == 2 * 3  # linked while buckets held ≤ 3, then not


def test_a_rebuild_passes_over_boilerplate_buckets_too(tmp_path, monkeypatch):
    """A rebuild finds candidates in memory (`related.link_all`), with the same rules as an add:
    five copies of one text are all linked to each other (ten pairs), unless their buckets hold
    more than MAX_BUCKET entries."""
    text = "平成28年9月16日\n各都道府県知事殿\n総務大臣\nマイナンバーカードを活用した住民サービスの向上について(依頼)\n" * 3
    docs = [make_document(f"copy{i}.pdf", [Page(1, text)], title=f"copy{i}") for i in range(5)]

    def links(path):
        with Archive(path) as archive:
            archive.rebuild(docs)
            return archive.db.execute(
                "select count(*), count(distinct document_id), min(relation), max(relation) from related").fetchone()

    assert links(tmp_path / "all.db") == (20, 5, "same", "same")
    monkeypatch.setattr(related, "MAX_BUCKET", 4)
    assert links(tmp_path / "boilerplate.db") == (0, 0, None, None)


@pytest.mark.parametrize("text", [
    "ｶﾞｲﾄﾞﾗｲﾝ\n① 第１条　（目的）",  # half-width kana whose voicing mark composes; ①, full width
    "平成28年\n\u3099が\nABC",  # a voicing mark opening a line
    "〜…‥ ㈱ ㍻\n\n  Ⅻ\tｱ",
])
def test_squeeze_is_nfkc_without_whitespace(text):
    """Only the lines not already NFKC are normalized; the result is the whole text's NFKC."""
    import re
    import unicodedata

    assert related.squeeze(text) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# Characters whose NFKC depends on what is around them: marks that compose with the character
# before (voicing marks, accents, Hangul jamo), half-width kana, characters NFKC maps to others.
_HARD = "かカ漢aA1 \n\t①②（）。、\u3000\u3099\u309a\uff9e\u0301\u0316\u0f73ｶﾞﾊﾟ가\u1100\u1161\u11a8Å㍻ﬁＡ〜"


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=_HARD, max_size=16) | st.text(max_size=8))
def test_squeeze_is_nfkc_of_any_text(text):
    import re
    import unicodedata

    assert related.squeeze(text) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def test_the_stable_blocks_are_nfkc_stable():
    """squeeze skips the characters of these blocks: each must be its own NFKC and a starter."""
    import unicodedata

    for first, last in related.STABLE_BLOCKS:
        for code in range(first, last + 1):
            c = chr(code)
            assert related.nfkc_stable(c), hex(code)
            assert unicodedata.normalize("NFKC", "x" + c) == "x" + c


def test_no_starter_is_the_second_of_a_composition():
    """squeeze normalizes a run alone when it opens on a starter: no character of this Python's
    Unicode may compose with a starter before it (the second of a canonical pair)."""
    import unicodedata

    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code))
        if decomposition and not decomposition.startswith("<") and len(decomposition.split()) == 2:
            second = chr(int(decomposition.split()[1], 16))
            assert not related._starter(second), (hex(code), hex(ord(second)))


def test_gram_hashes_are_exact_on_a_document():
    """The sets compared are those of the grams themselves: as many distinct 4- and COVER-gram
    hashes as distinct 4- and 8-character sequences."""
    s = related.squeeze(plain_text("08-mic-jimurenraku"))
    text = related.Text(s)
    assert len(text.grams) == len({s[i : i + 4] for i in range(len(s) - 3)})
    long_grams, long_at = text._long_grams()
    eights = [s[i : i + 8] for i in range(len(s) - 7)]
    assert len(long_grams) == len(set(eights)) and len(long_at) == len(eights)
    # the same 8 characters, the same hash; others, another
    first_at = {}
    for i, gram in enumerate(eights):
        assert long_at[i] == long_at[first_at.setdefault(gram, i)]


def test_shared_grams_counted_by_merging():
    import numpy as np

    rng = np.random.default_rng(5)
    pool = rng.integers(0, 2**64, size=3000, dtype=np.uint64)
    a = np.unique(rng.choice(pool, 1200))
    b = np.unique(rng.choice(pool, 1500))
    in_a, in_b = related._in_each_other(a, b)
    assert in_a.tolist() == related._isin(a, b).tolist()
    assert in_b.tolist() == related._isin(b, a).tolist()
    text_a, text_b = related.Text(""), related.Text("")
    text_a.grams, text_b.grams = a, b
    assert text_a.common(text_b) == len(set(a.tolist()) & set(b.tolist()))


def test_an_archive_of_schema_version_4_is_linked_again(linked, tmp_path):
    """Version 4 stored (band, bucket) pairs hashed another way: opening such an archive indexes
    and links every document again, and full-text updates fire on the indexed columns only."""
    _, _, found, _, docs, path = linked
    import shutil

    copy = tmp_path / "v4.db"
    shutil.copy(path, copy)
    with Archive(copy) as archive:
        db = archive.db
        db.execute("drop table doc_lsh")
        db.execute("create table doc_lsh (document_id text, page integer, band integer, bucket integer)")
        db.execute("insert into doc_lsh values ('x', 0, 0, 0)")
        db.execute("delete from related")
        db.execute("update documents set has_copies = 0")
        db.execute("update archive_info set value = '4' where key = 'schema_version'")
        db.conn.commit()
    with Archive(copy) as archive:
        names = {d.id: n for n, d in docs.items()}
        relinked = {(names[a], names[b]): (r, s) for a, b, r, s in archive.db.execute(
            "select document_id, related_id, relation, similarity from related")}
        assert relinked == found
        assert archive.db.execute("select count(*) from doc_lsh where document_id = 'x'").fetchone() == (0,)
        assert archive.db.execute("select min(has_copies) from documents").fetchone() == (1,)
        trigger = archive.db.execute("select sql from sqlite_master where name = 'documents_au'").fetchone()[0]
        assert 'AFTER UPDATE OF "title", "text" ON "documents"' in trigger
        # An edited text is still found by search, under its new words only.
        doc_id = docs["01-memo/born"].id
        archive.db.execute("update documents set text = '差替後の本文です' where id = ?", [doc_id])
        assert [r["id"] for r in archive.search("差替後")] == [doc_id]
