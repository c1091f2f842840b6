"""Person and organization entities from GiNZA (the real ja_ginza model), and the analysis
stage that combines them with the rule extractors."""

from __future__ import annotations

import os
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.analyze import analyze, analyze_many, merge
from pipeline.analyze import nlp as nlp_module
from pipeline.analyze.nlp import (
    CHARS_PER_PROCESS,
    MAX_PIECE_BYTES,
    SPANS_KEY,
    SUDACHI_MAX_BYTES,
    could_hold_a_name,
    get_nlp,
    iter_phrases,
    iter_pieces,
    name_window,
    nlp_entities,
    worth_analyzing,
)
from pipeline.corpus.seed import DEFAULT_SEED, split_seed
from pipeline.model import Document, Entity, Page


def normalize(markdown: str) -> str:
    """NFKC, markdown markers stripped, spaces between Japanese characters removed."""
    text = unicodedata.normalize("NFKC", markdown)
    lines = [re.sub(r"^\s*(#{1,6}|[-*])\s+", "", line).rstrip() for line in text.split("\n")]
    return re.sub(r"(?<=[^\x00-\x7f]) +(?=[^\x00-\x7f])", "", "\n".join(lines)).strip()


@pytest.fixture(scope="module")
def nlp():
    return get_nlp()  # loaded once for the module (and cached for the process)


@pytest.fixture(scope="module")
def seed() -> dict[str, str]:
    if not DEFAULT_SEED.exists():
        pytest.skip("seed text not present")
    return {slug: normalize(text) for slug, text in split_seed(DEFAULT_SEED.read_text()).items()}


def names(entities: list[Entity], kind: str) -> list[str]:
    return [e.value for e in entities if e.kind == kind]


def assert_offsets(text: str, entities: list[Entity]) -> None:
    for e in entities:
        assert text[e.start : e.end] == e.text, e


# -- cutting texts into pieces (no model) -------------------------------------------------------


def test_pieces_of_a_200000_character_line_fit_sudachi():
    sentence = "東京都中野区の情報システムで盗み見た女性宅に侵入したとして再逮捕した。"
    text = (sentence * 6000)[:200_000]  # one line, no break anywhere
    pieces = list(iter_pieces(text))
    assert len(pieces) > 10
    assert all(len(text[s:e].encode()) <= MAX_PIECE_BYTES < SUDACHI_MAX_BYTES for s, e in pieces)
    assert "".join(text[s:e] for s, e in pieces) == text
    assert all(text[s:e].endswith("。") for s, e in pieces[:-1])  # cut at sentence ends


def test_pieces_of_text_without_sentence_ends_are_cut_anyway():
    text = "あ" * 100_000 + "、" + "い" * 100_000
    pieces = list(iter_pieces(text))
    assert "".join(text[s:e] for s, e in pieces) == text
    assert max(len(text[s:e].encode()) for s, e in pieces) <= MAX_PIECE_BYTES


def test_pieces_are_lines_and_table_cells():
    text = "世田谷区\t9月15日\t不利益なし\n\n  総務省自治税務局   市町村税課  \n"
    assert [text[s:e] for s, e in iter_pieces(text)] == [
        "世田谷区", "9月15日", "不利益なし", "総務省自治税務局", "市町村税課",
    ]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("あ漢カ1 \t\n。、A")), max_size=3000), st.integers(8, 64))
def test_pieces_cover_the_text_in_order(text, max_bytes):
    pieces = list(iter_pieces(text, max_bytes=max_bytes))
    assert pieces == sorted(pieces)
    assert all(a[1] <= b[0] for a, b in zip(pieces, pieces[1:]))
    assert all(len(text[s:e].encode()) <= max_bytes for s, e in pieces)
    covered = set().union(*(range(s, e) for s, e in pieces)) if pieces else set()
    assert {i for i, ch in enumerate(text) if not ch.isspace()} <= covered


def test_phrases_are_pieces_cut_at_figures():
    cell = "1小学校給食維持運営(教育委員会事務局) 3,163,729特財:都支出金8,726、その他5402中学校・P453"
    text = f"款\t{cell}\n\n警視庁捜査1課は11日、\n配偶者4,000円子9,500円"
    assert [text[s:e] for s, e in iter_phrases(text)] == [
        "款", "小学校給食維持運営(教育委員会事務局)", "特財:都支出金", "その他", "中学校・P",
        "警視庁捜査1課は11日", "配偶者", "子",  # not 円子, a Person to GiNZA
    ]  # fmt: skip


def test_rows_of_figures_are_not_worth_the_model():
    assert not worth_analyzing("131,380,000 202,120,000")
    assert not worth_analyzing("192 193")
    assert not worth_analyzing("(款) 14 都支出金 (項) 02 都補助金 12,345 67,890 11,111 22,222")
    assert worth_analyzing("世田谷区長保坂展人様")


# -- GiNZA -------------------------------------------------------------------------------------


def test_component_is_registered_and_parser_and_heavy_tail_not_loaded(nlp):
    assert nlp.pipe_names == ["tok2vec", "ner", "archive_person_org"]
    labels = set(nlp.get_pipe("ner").labels)
    assert {"Person", "Government", "Company", "Organization_Other"} <= labels


def test_only_phrases_that_could_hold_a_kept_name_go_to_the_model(nlp):
    assert could_hold_a_name(nlp.make_doc("世田谷区長保坂展人様"))  # 保坂: 人名-姓
    assert could_hold_a_name(nlp.make_doc("詳細は総務省へ"))  # …省
    assert could_hold_a_name(nlp.make_doc("負担金(J-LIS)"))
    assert not could_hold_a_name(nlp.make_doc("証明書1枚当たりの単価"))
    assert not could_hold_a_name(nlp.make_doc("マイナンバーカードの交付は全国でたった8%"))
    assert not could_hold_a_name(nlp.make_doc("社会保障の部分的な見直し"))  # 会, 部 inside words


def window(nlp, phrase: str) -> str | None:
    span = name_window(nlp.make_doc(phrase))
    return phrase[span[0] : span[1]] if span else None


def test_the_model_reads_the_names_and_two_words_around_them(nlp):
    # The nouns before the last word of a name, and two words on either side.
    assert window(nlp, "高齢者おむつ支給(高齢福祉部) 68充当事業") == "支給(高齢福祉部)"
    assert window(nlp, "負担金(J-LIS)") == "負担金(J-LIS)"  # the - of J-LIS belongs to the name
    sentence = "太田大臣補佐官統括のもと、内閣官房・内閣府・総務省などの関係府省における関係課室長"
    assert window(nlp, sentence) == sentence  # from 太田 to 課室長 (課室 ends like 室)
    assert window(nlp, "この点について地方公共団体情報システム機構に確認したところ、") == (
        "ついて地方公共団体情報システム機構に確認"  # に|つい|て|地方公共団体|…
    )
    assert window(nlp, "証明書1枚当たりの単価") is None


def test_budget_lines_of_one_department_are_read_once():
    """The items of a budget book differ, the department after them repeats: the model reads
    「事業(保健福祉政策部)」 once and its organization is found on every line."""
    texts = [
        "1口腔保健推進事業(保健福祉政策部) 2,002充当事業:歯科保健サービスの充実・P397",
        "2母子保健推進事業(保健福祉政策部) 3,491\n3地域保健推進事業(保健福祉政策部) 17",
    ]
    assert list(nlp_module._texts_for_the_model(texts)) == ["事業(保健福祉政策部)"]
    found = nlp_entities(texts)
    assert [[(e.kind, e.value, e.start) for e in f] for f in found] == [
        [("organization", "保健福祉政策部", 10)],
        [("organization", "保健福祉政策部", 10), ("organization", "保健福祉政策部", 35)],
    ]
    for text, entities in zip(texts, found):
        assert_offsets(text, entities)


def test_junk_person_spans_are_dropped(nlp):
    doc = nlp("平 成 28 年 9 月 16 日、平 成 の 時代に")
    assert [e.label_ for e in doc.ents if e.text == "平 成"] == ["Person", "Person"]  # GiNZA's
    assert list(doc.spans[SPANS_KEY]) == []
    # マイキー (a card function), 世田谷区 (a ward) are GiNZA Persons too; not ours.
    found = nlp_entities(["この「マイキー」部分には大きな可能性がある。世田谷区は検討中。"])[0]
    assert found == []


def test_people_and_organizations_in_the_seed(seed):
    # The parts holding the names: keeps model time to ~3 seconds.
    parts = {"04-letter": 400, "06-onestop-program": 900, "08-mic-jimurenraku": 300}
    parts["10-newspaper"] = None
    texts = [seed[slug][:end] for slug, end in parts.items()]
    found = dict(zip(parts, nlp_entities(texts)))
    for text, entities in zip(texts, found.values()):
        assert_offsets(text, entities)
        assert entities == sorted(entities, key=lambda e: (e.start, e.end))

    # 保坂 展人 様: GiNZA stops after the family name; SudachiPy knows 展人 as a given name.
    assert names(found["04-letter"], "person") == ["保坂展人"]
    # Known noise: GiNZA calls the card function マイキー a Company, and 関係課室(長) is generic.
    noise = {"マイキー", "関係課室"}
    assert [v for v in names(found["06-onestop-program"], "organization") if v not in noise] == [
        "内閣官房", "内閣府", "総務省", "厚生労働省", "文部科学省", "経済産業省",
        "地方公共団体情報システム機構", "J-LIS", "全国町村会",
        "総務省自治行政局住民制度課", "総務省地域力創造グループ地域情報政策室",
    ]  # fmt: skip
    assert names(found["06-onestop-program"], "person") == ["太田"]  # 太田大臣補佐官
    # GiNZA's span is 総務省自治税務局; the unit 市町村税課 that follows is part of the name.
    assert names(found["08-mic-jimurenraku"], "organization") == [
        "各都道府県市区町村担当課", "総務省自治税務局市町村税課",
    ]  # fmt: skip
    people = names(found["10-newspaper"], "person")
    assert {"高橋健一郎", "神保圭作", "深津誠", "園田寿", "春増翔太"} <= set(people)
    assert "同区中野" not in people and "中野" not in people  # 同区中野5: an address
    assert "警視庁捜査1課" in names(found["10-newspaper"], "organization")


def test_repeated_pieces_are_analyzed_once_and_found_everywhere():
    line = "世田谷区長保坂展人様"
    texts = [f"{line}\n131,380,000\n{line}", f"前置き\n{line}"]
    found = nlp_entities(texts)
    assert [(e.value, e.start, e.end) for e in found[0]] == [("保坂展人", 5, 9), ("保坂展人", 28, 32)]
    assert [(e.value, e.start) for e in found[1]] == [("保坂展人", 9)]
    assert_offsets(texts[0], found[0])


def test_a_200000_character_text_goes_through_the_model():
    """Longer than SudachiPy accepts at once (49,149 bytes): cut, analyzed, offsets mapped back.
    The sentence repeats, so most pieces are the same text and the model sees few of them."""
    sentence = "警視庁捜査1課は11日、元臨時職員の高橋健一郎被告を再逮捕した。"
    text = "前文。\n" + sentence * (200_000 // len(sentence) + 1)
    assert len(text) > 200_000 and len(text.encode()) > 4 * SUDACHI_MAX_BYTES
    found = nlp_entities([text])[0]
    assert_offsets(text, found)
    assert names(found, "person").count("高橋健一郎") == text.count("高橋健一郎")
    assert names(found, "organization").count("警視庁捜査1課") == text.count("警視庁捜査1課")


def test_processes_follow_the_amount_to_read():
    choose = nlp_module._choose_processes
    assert choose(2, 0) == choose(2, CHARS_PER_PROCESS) == 1  # a second would not pay
    assert choose(2, 100 * CHARS_PER_PROCESS) == 2
    assert choose(1, 100 * CHARS_PER_PROCESS) == 1
    assert choose(None, 100 * CHARS_PER_PROCESS) == (os.cpu_count() or 1)


def test_two_processes_give_the_same_entities(seed, monkeypatch):
    texts = [seed["10-newspaper"], seed["04-letter"][:400]]
    alone = nlp_entities(texts, n_process=1)
    monkeypatch.setattr(nlp_module, "CHARS_PER_PROCESS", 1)  # share even this little
    monkeypatch.setattr(nlp_module, "CHUNK_CHARS", 100)
    before = os.times().children_user
    assert nlp_entities(texts, n_process=2) == alone
    assert os.times().children_user > before  # a worker did part of the work


def test_empty_inputs():
    assert nlp_entities([]) == []
    assert nlp_entities(["", "12,345\n67,890"]) == [[], []]


# -- the analysis stage --------------------------------------------------------------------------


def document(slug: str, text: str) -> Document:
    return Document(
        id=slug, source=f"{slug}.pdf", sha256="0" * 64, page_start=1, page_end=1,
        text=text, pages=[Page(number=1, text=text)],
    )  # fmt: skip


def test_analyze_fills_metadata_and_merges_entities(seed):
    text = seed["10-newspaper"]
    doc = analyze(document("10-newspaper", text))
    assert (doc.title, doc.kind, doc.issuer, doc.issued_on) == (
        "区の情報悪用女性狙う", "新聞記事", "毎日新聞", "2017-01-02",
    )  # fmt: skip
    assert_offsets(text, doc.entities)
    assert doc.entities == sorted(doc.entities, key=lambda e: (e.start, e.end, e.kind))
    kinds = {e.kind for e in doc.entities}
    assert {"person", "organization"} <= kinds
    assert "高橋健一郎" in names(doc.entities, "person")


def test_analyze_many_batches_documents(seed):
    docs = [document(s, seed[s][:600]) for s in ("05-mic-notice", "08-mic-jimurenraku")]
    analyze_many(docs)
    assert [d.kind for d in docs] == ["通知", "事務連絡"]
    assert [d.issuer for d in docs] == ["総務大臣", "総務省自治税務局市町村税課"]
    assert "総務省自治税務局市町村税課" in names(docs[1].entities, "organization")
    for d in docs:
        assert_offsets(d.text, d.entities)


def test_merge_drops_repeats_of_the_same_kind_and_span():
    a = Entity("organization", "総務省", "総務省", 0, 3)
    b = Entity("municipality", "中野区", "131148", 5, 8)
    assert merge([b, a], [a]) == [a, b]
