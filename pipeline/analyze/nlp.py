"""Person and organization names from GiNZA's named-entity recognizer.

GiNZA (`ja_ginza`, its model inside the wheel, so it works offline) tags spans with the
~200 labels of Sekine's extended named-entity hierarchy. Rules elsewhere handle dates, money,
laws and document numbers; here we keep only what rules cannot do: people and organizations.

Speed is the constraint (the full pipeline runs at ~2,000-3,000 characters/s per core, its
tokenizer alone ~50 times faster), so the model only sees text where it can find something:

- texts are cut into pieces at line breaks and table-cell gaps, and long pieces at sentence
  ends, each well under SudachiPy's 49,149-byte input limit;
- pieces with (almost) no Japanese letters, such as rows of figures, are skipped;
- identical pieces (running headers, repeated table cells) go through the model once;
- pieces are tokenized first, and only those that could yield a kept name (a token SudachiPy
  knows as a personal name, or an organization-like ending) go through the model;
- the morphology components GiNZA runs after the recognizer are not loaded.

The filtering and repair of GiNZA's spans is a registered pipeline component
(`archive_person_org`) that writes `doc.spans["person_org"]`, labels "person"/"organization".
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import unicodedata
from collections.abc import Iterator

from pipeline.model import Entity

MODEL = "ja_ginza"
SPANS_KEY = "person_org"

# Components that only add morphology / bunsetsu information after `ner`: the recognizer's
# output is identical without them. The parser stays: it sets the sentence boundaries the
# recognizer respects (without it, spans change), and costs ~6% of the time.
EXCLUDE = ["morphologizer", "compound_splitter", "bunsetu_recognizer"]

SUDACHI_MAX_BYTES = 49_149  # SudachiPy: "Input is too long" above this
MAX_PIECE_BYTES = 12_000  # longer lines are cut into pieces of at most this (~4,000 characters)

# Below this many characters of text worth analyzing, a second process costs more than it saves.
PARALLEL_MIN_CHARS = 30_000

# Sekine's extended NE hierarchy: the Person class, and the Organization subtree.
PERSON_LABELS = ["Person"]
ORGANIZATION_LABELS = [
    "Organization_Other",
    "International_Organization",
    "Show_Organization",
    "Sports_Organization_Other",
    "Pro_Sports_Organization",
    "Sports_League",
    "Corporation_Other",
    "Company",
    "Company_Group",
    "Political_Organization_Other",
    "Government",
    "Political_Party",
    "Cabinet",
    "Military",
]
# Labels whose names may be bare Latin or katakana (J-LIS, NTT); for the others (GiNZA calls
# パブコメ a Government) a name must end like an organization, see ORGANIZATION_HEADS.
BRAND_LABELS = {
    "Company", "Company_Group", "International_Organization", "Political_Party",
    "Pro_Sports_Organization", "Sports_League", "Show_Organization",
}  # fmt: skip
# How Japanese organization names end. GiNZA also calls budget lines (支払基金交付金, 土木関係事務)
# organizations; requiring one of these endings drops them.
ORGANIZATION_HEADS = (
    "省", "庁", "府", "局", "部", "課", "室", "係", "班", "所", "院", "会", "団", "署", "隊", "館",
    "機構", "組合", "協会", "連合", "センター", "本部", "チーム", "グループ", "クラブ", "法人",
    "会社", "社", "銀行", "大学", "学校", "研究所", "機関", "政権", "党", "官房",
)  # fmt: skip
# A span of any other label is an organization when it ends with one of these: GiNZA calls
# 地方公共団体情報システム機構 a Doctrine_Method_Other and 全国町村会 a Position_Vocation.
ORGANIZATION_ENDINGS = (
    "省", "庁", "機構", "組合", "協会", "連合会", "委員会", "審議会", "協議会", "分会", "公社",
    "事業団", "研究所", "市長会", "町村会", "議長会", "知事会",
)  # fmt: skip
NEVER_ORGANIZATION = {"Person", "Date", "Time", "Money", "Law", "Ordinal_Number", "ID_Number"}
# Nouns that end a unit of an organization: 総務省自治税務局 + 市町村税 + 課.
UNIT_ENDINGS = ("課", "室", "局", "部", "係", "班", "グループ", "センター", "本部", "事務所", "所")
# Titles and roles GiNZA sometimes folds into a person's span: 太田大臣, 保坂展人様.
PERSON_TITLES = {
    "様", "殿", "氏", "さん", "君", "先生", "大臣", "議員", "区長", "市長", "町長", "村長", "知事",
    "被告", "容疑者", "教授", "弁護士", "委員", "会長", "理事長", "社長", "課長", "部長", "局長",
}  # fmt: skip
ERA_NAMES = {"明治", "大正", "昭和", "平成", "令和"}
# Colophon labels GiNZA folds into the name that follows them: 発行 労働組合.
LABEL_PREFIXES = ("発行", "編集", "発信", "作成", "担当", "連絡先")

_JAPANESE_LETTER = re.compile(r"[\u3041-\u309f\u30a1-\u30ff\u3400-\u9fff々〆ヶ]")
_CELL_GAP = re.compile(r"\t| {2,}|\u3000+")
_SENTENCE_END = re.compile(r"[。．！？!?]+")
_LATIN_OR_KATAKANA = re.compile(r"[A-Za-z0-9\u30a0-\u30ff\-・&.]+")
# Words that end GiNZA's false organizations in headlines and prose (職員再逮捕住居侵入容疑,
# 従前通り庁内番号); no organization's name contains them.
_NOT_IN_ORGANIZATION = re.compile(r"容疑|逮捕|番号|違反|事件")
_NAME_ENDING = re.compile(
    "|".join(sorted({*ORGANIZATION_HEADS, *ORGANIZATION_ENDINGS}, key=len, reverse=True))
    + "|[A-Za-z]{2}"
)
_NUMBERED = re.compile(r"第\s*[0-9一二三四五六七八九十百千]+\s*[号条項]|[0-9]{3,}")


def normalize_value(surface: str) -> str:
    """The canonical form of a name: NFKC, without any spaces (OCR spaces characters apart)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", surface))


# -- the registered component ------------------------------------------------------------------


def _is_name_token(token) -> bool:
    return token.tag_.startswith("名詞-固有名詞-人名")


def _is_place_token(token) -> bool:
    return "地名" in token.tag_ or (
        not _is_name_token(token) and token.text.endswith(ORGANIZATION_HEADS)
    )


def _person_span(doc, span):
    """A cleaned person span, or None. Requires a token SudachiPy knows as a personal name,
    which drops GiNZA's Person guesses such as マイキー, 通知カード or 世田谷区."""
    start, end = span.start, span.end
    while start < end and not _is_name_token(doc[start]):
        start += 1  # 同区中野 → 中野
    while end > start and doc[end - 1].text in PERSON_TITLES:
        end -= 1  # 太田大臣 → 太田
    if start >= end or any(_is_place_token(t) for t in doc[start:end]):
        return None  # 宮坂区民センター is a building
    # 保坂 + 展人: GiNZA stops after the family name when the given name is rare.
    if doc[end - 1].tag_ == "名詞-固有名詞-人名-姓" and end < len(doc):
        if doc[end].tag_ == "名詞-固有名詞-人名-名":
            end += 1
    if end < len(doc) and doc[end].text[:1].isdigit():
        return None  # 中野5 is an address (中野5丁目), not Mr. Nakano
    return doc[start:end]


def _organization_span(doc, span):
    """A cleaned organization span."""
    start, end = span.start, span.end
    # Extend over the units that follow: 総務省自治税務局 + 市町村税課, 警視庁捜査 + 1課.
    for j in range(end, min(len(doc), end + 4)):
        tag = doc[j].tag_
        if not (tag.startswith("名詞") or tag.startswith("接尾辞-名詞")):
            break
        if doc[j].text.endswith(UNIT_ENDINGS):
            end = j + 1
    while end - start > 1 and doc[start].text in LABEL_PREFIXES:
        start += 1
    # 厚生労働省保険局長 is a post; the organization is 厚生労働省保険局.
    if end - start > 1 and doc[end - 1].text == "長":
        end -= 1
    return doc[start:end]


def _is_junk(span, kind: str, label: str) -> bool:
    value = normalize_value(span.text)
    core = value.strip("-・、,.()「」『』[]【】")
    if len(core) < 2 or core in ERA_NAMES:
        return True  # single characters; OCR-spaced 「平 成」 tagged as a Person
    if not re.search(r"[^\W\d_]{2}", core):
        return True  # numbers and symbols (the letter test keeps J-LIS, drops "J-")
    if kind == "person":
        return bool(re.search(r"[0-9]", core))
    if _NUMBERED.search(core) or _NOT_IN_ORGANIZATION.search(core):
        return True  # 総理府令第23号 is a law
    if len(span) == 1 and "地名" in span[0].tag_:
        return True  # 世田谷区: the municipality extractor's, not an organization
    if _LATIN_OR_KATAKANA.fullmatch(core):
        return label not in BRAND_LABELS
    return not core.endswith(ORGANIZATION_HEADS)


class PersonOrgFilter:
    """Turns GiNZA's entities into clean person/organization spans in doc.spans[SPANS_KEY]."""

    def __init__(self, person_labels: list[str], organization_labels: list[str]):
        self.person_labels = set(person_labels)
        self.organization_labels = set(organization_labels)

    def __call__(self, doc):
        from spacy.tokens import Span

        found: dict[tuple[int, int], Span] = {}
        for ent in doc.ents:
            if ent.label_ in self.person_labels:
                kind, span = "person", _person_span(doc, ent)
            elif ent.label_ in self.organization_labels or (
                ent.label_ not in NEVER_ORGANIZATION
                and normalize_value(ent.text).endswith(ORGANIZATION_ENDINGS)
            ):
                kind, span = "organization", _organization_span(doc, ent)
            else:
                continue
            if span is None or _is_junk(span, kind, ent.label_):
                continue
            found.setdefault((span.start, span.end), Span(doc, span.start, span.end, label=kind))
        doc.spans[SPANS_KEY] = sorted(found.values(), key=lambda s: (s.start, s.end))
        return doc


def _register() -> None:
    """Register the component factory (not at import time: that would import spaCy for anyone
    importing pipeline.analyze)."""
    from spacy.language import Language

    if Language.has_factory("archive_person_org"):
        return

    @Language.factory(
        "archive_person_org",
        default_config={
            "person_labels": PERSON_LABELS,
            "organization_labels": ORGANIZATION_LABELS,
        },
    )
    def make_person_org_filter(nlp, name, person_labels, organization_labels):
        return PersonOrgFilter(person_labels, organization_labels)


@functools.lru_cache(maxsize=1)
def get_nlp():
    """The GiNZA pipeline with the person/organization component, loaded once per process."""
    import spacy

    _register()
    nlp = spacy.load(MODEL, exclude=EXCLUDE)
    nlp.add_pipe("archive_person_org", last=True)
    return nlp


# -- cutting texts into pieces -----------------------------------------------------------------


def _utf8_len(s: str) -> int:
    return len(s.encode("utf-8"))


def _split_long(text: str, start: int, end: int, max_bytes: int) -> Iterator[tuple[int, int]]:
    """Cut text[start:end] into spans of at most max_bytes of UTF-8, at the last sentence end
    that fits, else at the last comma or space, else anywhere."""
    segment = text[start:end]
    offsets = [0]  # offsets[k]: UTF-8 length of segment[:k]
    for ch in segment:
        offsets.append(offsets[-1] + len(ch.encode("utf-8")))
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(segment)]
    a = 0
    while a < len(segment):
        k = bisect.bisect_right(offsets, offsets[a] + max_bytes) - 1
        if k >= len(segment):
            yield start + a, end
            return
        i = bisect.bisect_right(sentence_ends, k) - 1
        if i >= 0 and sentence_ends[i] > a:
            cut = sentence_ends[i]
        else:
            soft = max(segment.rfind(c, a + (k - a) // 2, k) for c in "、,， ")
            cut = soft + 1 if soft > a else k
        yield start + a, start + cut
        a = cut


def iter_pieces(text: str, max_bytes: int = MAX_PIECE_BYTES) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the lines and table cells of text, stripped of surrounding
    whitespace, each at most max_bytes of UTF-8."""
    line_start = 0
    for line in text.split("\n"):
        cell_start = 0
        for gap in [*_CELL_GAP.finditer(line), None]:
            cell_end = gap.start() if gap else len(line)
            cell = line[cell_start:cell_end]
            stripped = cell.strip()
            if stripped:
                s = line_start + cell_start + (len(cell) - len(cell.lstrip()))
                e = s + len(stripped)
                if _utf8_len(stripped) <= max_bytes:
                    yield s, e
                else:
                    yield from _split_long(text, s, e, max_bytes)
            if gap:
                cell_start = gap.end()
        line_start += len(line) + 1


def worth_analyzing(piece: str) -> bool:
    """Could the recognizer find a name here? Not in rows of figures or stray symbols."""
    letters = len(_JAPANESE_LETTER.findall(piece))
    return letters >= 2 and letters >= 0.3 * len(re.sub(r"\s", "", piece))


def could_hold_a_name(doc) -> bool:
    """Could PersonOrgFilter keep anything from this tokenized piece? Its people contain a token
    SudachiPy knows as a personal name; its organizations end like one (or are Latin: J-LIS).
    (Katakana-only brand names without either, such as GiNZA's Company マイキー, are lost.)"""
    return bool(_NAME_ENDING.search(doc.text)) or any(map(_is_name_token, doc))


# -- public API --------------------------------------------------------------------------------


def _choose_processes(n_process: int | None, chars: int) -> int:
    if n_process is not None:
        return max(1, n_process)
    # Small batches run here: starting a second process would cost more than it saves.
    return 1 if chars < PARALLEL_MIN_CHARS else min(2, os.cpu_count() or 1)


def _pieces_by_text(texts: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Each distinct piece worth analyzing → where it occurs: (text index, offset)."""
    where: dict[str, list[tuple[int, int]]] = {}
    for i, text in enumerate(texts):
        for s, e in iter_pieces(text):
            piece = text[s:e]
            if worth_analyzing(piece):
                where.setdefault(piece, []).append((i, s))
    return where


def nlp_entities(texts: list[str], n_process: int | None = None) -> list[list[Entity]]:
    """Person and organization entities for each text, with offsets into that text, sorted.

    All texts go through the model together, so a batch of documents keeps both processes busy.
    n_process: processes to run GiNZA on; None: 2 when there are enough characters worth
    analyzing to repay a second process's start-up (PARALLEL_MIN_CHARS), else 1.
    """
    where = _pieces_by_text(texts)
    results: list[list[Entity]] = [[] for _ in texts]
    nlp = get_nlp()
    # Tokenizing is ~50 times faster than the rest of the pipeline: tokenize everything, and run
    # the model on the pieces where a kept name could come out.
    docs = [doc for doc in map(nlp.make_doc, where) if could_hold_a_name(doc)]
    if not docs:
        return results
    processes = _choose_processes(n_process, sum(len(doc.text) for doc in docs))
    # Enough batches for every process to get several (spaCy deals batches round-robin).
    batch_size = max(4, min(128, len(docs) // (processes * 4) or 1))
    for doc in nlp.pipe(docs, batch_size=batch_size, n_process=processes):
        for span in doc.spans[SPANS_KEY]:
            for i, offset in where[doc.text]:
                start, end = offset + span.start_char, offset + span.end_char
                results[i].append(
                    Entity(
                        kind=span.label_,
                        text=texts[i][start:end],
                        value=normalize_value(span.text),
                        start=start,
                        end=end,
                    )
                )
    for found in results:
        found.sort(key=lambda e: (e.start, e.end))
    return results

