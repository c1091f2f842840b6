"""The real-gold eval: exact TP/FP/FN, metadata and boundary scores on a tiny hand-made gold."""

from __future__ import annotations

import json

from pipeline.analyze import evaluate, evaluate_real
from pipeline.model import Document, Entity, Page

GOLD = {
    "slug": "tiny",
    "file": "tiny.pdf",
    "pages": [1, 2],
    "documents": [
        {"pages": [1, 1], "title": "送付について", "kind": "通知", "issuer": "南国市長",
         "issued_on": "2026-02-27"},
        {"pages": [2, 3], "title": "令和８年度南国市一般会計予算", "kind": "予算書", "issuer": "南国市",
         "issued_on": None},
    ],
    "entities": [
        {"kind": "date", "text": "令和８年２月２７日", "value": "2026-02-27", "page": 1},
        {"kind": "money", "text": "784,458", "value": "784458000", "page": 2},
        {"kind": "money", "text": "784,458", "value": "784458000", "page": 2},
        {"kind": "law_ref", "text": "地方自治法第180条第1項", "value": "322AC0000000067第180条第1項",
         "page": 1},
        {"kind": "municipality", "text": "南国市", "value": "392049", "page": 2},
    ],
}  # fmt: skip


def entity(kind, value, page, **attrs):
    return Entity(kind, "x", value, 0, 1, page=page, attrs=attrs)


def pipeline_docs():
    cover = Document("a", "tiny.pdf", "0", 1, 1, title="送付について", kind="通知",
                     issuer="南国市長 平山耕三", issued_on="2026-02-27")  # fmt: skip
    book = Document("b", "tiny.pdf", "0", 2, 2, title="令和8年度 南国市一般会計予算書",
                    kind="その他", issuer="高知県", issued_on=None)  # fmt: skip
    tail = Document("c", "tiny.pdf", "0", 3, 3, title=None)
    cover.entities = [
        entity("date", "2026-02-27", 1),
        entity("law_ref", "地方自治法第180条第1項", 1, law="地方自治法", law_id="322AC0000000067",
               article="180", paragraph="1"),
    ]
    book.entities = [
        entity("money", "784458000", 2),
        entity("money", "784458", 2),  # the unit lost: one FP and one FN
        entity("money", None, 2),  # a vague amount: not scored
        entity("municipality", "392049", 2),
    ]
    tail.entities = [entity("municipality", "392049", 3)]  # outside the gold's pages
    return [cover, book, tail]


def test_real_scores_are_exact(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "tiny.json").write_text(json.dumps(GOLD, ensure_ascii=False), "utf-8")
    (tmp_path / "tiny.pdf").write_bytes(b"%PDF-1.4\n")
    scores = evaluate_real.evaluate_real(
        tmp_path / "gold", (tmp_path,), tmp_path / "cache", run=lambda pdf, cache: pipeline_docs()
    )
    got = {k: (s.tp, s.fp, s.fn) for k, s in scores.entities.items()}
    assert got == {
        "date": (1, 0, 0), "money": (1, 1, 1), "law_ref": (1, 0, 0), "doc_number": (0, 0, 0),
        "municipality": (1, 0, 0), "prefecture": (0, 0, 0),
    }  # fmt: skip
    assert evaluate.micro(scores.entities).f1 == 2 * (4 / 5) * (4 / 5) / (8 / 5)
    meta = {k: (t.right, t.total) for k, t in scores.metadata.items()}
    # title: equal, then NFKC + spaces + ratio 0.93; issuer: containment, then 高知県 ≠ 南国市
    assert meta == {"title": (2, 2), "kind": (1, 2), "issuer": (1, 2), "issued_on": (2, 2)}
    b = scores.boundaries
    assert (b.tp, b.fp, b.fn) == (1, 2, 1)  # 1-1 found; 2-3 split into 2-2 and 3-3
    bb = scores.bundle_boundaries
    assert (bb.tp, bb.fp, bb.fn) == (1, 2, 1)  # the file is a bundle (2 gold documents)
    table = evaluate_real.report_real(scores)
    assert "money            1    1    1   0.500   0.500   0.500" in table
    assert "issuer             1    2     0.500" in table
    assert "  in bundles       1    2     0.500" in table


def test_missing_pdf_is_skipped_and_said(tmp_path):
    (tmp_path / "tiny.json").write_text(json.dumps(GOLD), "utf-8")
    scores = evaluate_real.evaluate_real(tmp_path, (tmp_path,), tmp_path, run=None)
    assert scores.files == 0
    assert scores.skipped == ["tiny: no PDF 'tiny.pdf'"]


def test_title_and_issuer_rules():
    assert evaluate_real.title_right("令和３年度決算（最終）", "令和3年度 決算(最終)")
    assert not evaluate_real.title_right("令和3年度決算", "(単位:円)")
    assert evaluate_real.title_right(None, None)
    assert not evaluate_real.title_right("報告", None)
    assert evaluate_real.issuer_right("厚生労働省保険局医療課", "厚生労働省保険局医療課長")
    assert not evaluate_real.issuer_right("南国市長", None)


def test_law_refs_are_scored_by_law_id_and_article():
    e = Entity("law_ref", "x", "地方自治法第245条の4", 0, 1,
               attrs={"law": "地方自治法", "law_id": "322AC0000000067", "article": "245の4"})  # fmt: skip
    assert evaluate_real.entity_value(e) == "322AC0000000067第245条の4"
    unlinked = Entity("law_ref", "x", "某法第3条", 0, 1, attrs={"law": "某法"})
    assert evaluate_real.entity_value(unlinked) == "某法第3条"


def test_entity_pages_are_file_pages():
    doc = Document("d", "f.pdf", "0", 3, 4, text="ab\n\ncd",
                   pages=[Page(3, "ab"), Page(4, "cd")])  # fmt: skip
    doc.entities = [Entity("date", "a", "2020", 0, 1), Entity("date", "c", "2020", 4, 5)]
    evaluate_real.set_file_pages(doc)
    assert [e.page for e in doc.entities] == [3, 4]


def test_seed_issued_on_accuracy(tmp_path):
    (tmp_path / "x.json").write_text(json.dumps({"slug": "x", "issued_on": "2016-09-16"}), "utf-8")
    (tmp_path / "x.txt").write_text("総行住第185号\n平成28年9月16日\n各都道府県知事 殿\n総務大臣\n", "utf-8")
    (tmp_path / "y.json").write_text(json.dumps({"slug": "y", "issued_on": "2017-01-01"}), "utf-8")
    (tmp_path / "y.txt").write_text("メモ\n", "utf-8")
    assert evaluate.issued_on_accuracy(tmp_path, verbose=True).splitlines() == [
        "issued_on          1    2     0.500", "  wrong issued_on y: '2017-01-01' ≠ None",
    ]  # fmt: skip


def test_a_pdf_the_pipeline_refuses_is_skipped_and_said(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "tiny.json").write_text(json.dumps(GOLD), "utf-8")
    (tmp_path / "tiny.pdf").write_bytes(b"not a pdf")
    scores = evaluate_real.evaluate_real(tmp_path / "gold", (tmp_path,), tmp_path / "cache")
    assert scores.files == 0
    assert len(scores.skipped) == 1 and scores.skipped[0].startswith("tiny: ")


def test_the_cache_keeps_one_entry_per_file_and_code_version(tmp_path, monkeypatch):
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(b"%PDF")
    calls = []
    monkeypatch.setattr(evaluate_real, "_sha256", lambda path: "ab" * 32)
    monkeypatch.setattr(evaluate_real, "analyze_pages", lambda pages, p, sha: calls.append(1) or [])
    import pipeline.stages

    monkeypatch.setattr(pipeline.stages, "read_pages", lambda path, workers: [Page(1, "x")])
    stale = tmp_path / "c" / "docs-abababababababab-0000000000000000.json"
    stale.parent.mkdir()
    stale.write_text("[]")
    assert evaluate_real.run_pipeline(pdf, tmp_path / "c") == []
    assert evaluate_real.run_pipeline(pdf, tmp_path / "c") == []
    assert calls == [1]  # the second run reads the cache
    names = sorted(f.name.split("-")[0] for f in (tmp_path / "c").iterdir())
    assert names == ["docs", "pages"] and not stale.exists()


def test_verbose_report_says_where_each_miss_and_extra_is(tmp_path):
    (tmp_path / "gold").mkdir()
    (tmp_path / "gold" / "tiny.json").write_text(json.dumps(GOLD, ensure_ascii=False), "utf-8")
    (tmp_path / "tiny.pdf").write_bytes(b"%PDF-1.4\n")
    docs = pipeline_docs()
    docs[1].text = "784,458\n千円"
    scores = evaluate_real.evaluate_real(
        tmp_path / "gold", (tmp_path,), tmp_path / "cache", run=lambda pdf, cache: docs
    )
    lines = evaluate_real.report_real(scores, verbose=True).splitlines()
    assert (
        "  FN money tiny: '784458000'  p2 found「784,458⏎千円」 | p2 gold「784,458」 | p2 gold「784,458」"
        in lines
    )
    assert "  FP money tiny: '784458'  p2 found「784,458⏎千円」" in lines
