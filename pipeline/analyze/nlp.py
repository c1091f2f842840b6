"""Person and organization names from GiNZA's named-entity recognizer.

GiNZA (`ja_ginza`, its model inside the wheel, so it works offline) tags spans with the
~200 labels of Sekine's extended named-entity hierarchy. Rules elsewhere handle dates, money,
laws and document numbers; here we keep only what rules cannot do: people and organizations.

Speed is the constraint (the recognizer reads ~2,000-3,000 characters/s per core, the tokenizer
~50 times more), so the model only reads the parts of a text where it can find something:

- texts are cut into phrases: lines and table cells (long lines at sentence ends, well under
  SudachiPy's 49,149-byte input limit), and those at figures (amounts, page numbers), so that a
  budget book's cell 「1小学校給食維持運営(教育委員会事務局) 3,163,729特財:…」 gives its items;
- phrases with (almost) no Japanese letters, such as rows of figures, are skipped;
- phrases are tokenized, and of those that could yield a kept name (a token SudachiPy knows as a
  personal name, a word ending like an organization, a Latin name) the model reads the words
  from just before the first such name to just after the last: the recognizer decides from a
  few words around each (on the seed documents it finds the same names);
- identical texts (running headers, 「…事業(高齢福祉部)」 on every budget line) are read once;
- the parser and the morphology components GiNZA runs after the recognizer are not loaded;
- with enough text, this process and forked workers share the work.

The filtering and repair of GiNZA's spans is a registered pipeline component
(`archive_person_org`) that writes `doc.spans["person_org"]`, labels "person"/"organization".
"""

from __future__ import annotations

import bisect
import ctypes
import functools
import gc
import multiprocessing
import os
import re
import signal
import unicodedata
from collections.abc import Iterator

from pipeline.ja.chars import letter_count
from pipeline.model import Entity

MODEL = "ja_ginza"
SPANS_KEY = "person_org"

# The components after `ner` only add morphology / bunsetsu information. The parser sets the
# sentence boundaries the recognizer respects; on the short texts it is given here that changes
# almost nothing (the seed documents: the same names; a 408-page budget book: 5 of ~1,300
# fewer), and the parser costs ~6% of the time.
EXCLUDE = ["parser", "morphologizer", "compound_splitter", "bunsetu_recognizer"]

SUDACHI_MAX_BYTES = 49_149  # SudachiPy: "Input is too long" above this
MAX_PIECE_BYTES = 12_000  # longer lines are cut into pieces of at most this (~4,000 characters)

# Words of context the model reads on either side of the names it may find: with one, it
# reads 「(高齢福祉部)」 as a Position_Vocation; with two, 「支給(高齢福祉部)」, an Organization.
CONTEXT_TOKENS = 2
# Characters the model must read per process (~1.5 s of work): forking a worker takes ~0.1 s,
# and its share of memory.
CHARS_PER_PROCESS = 4_000
CHUNK_CHARS = 2_000  # the work is shared out between processes in chunks of about this size
BATCH_SIZE = 32  # texts per nlp.pipe batch

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

_CELL_GAP = re.compile(r"\t| {2,}|\u3000+")
_SENTENCE_END = re.compile(r"[。．！？!?]+")
_LATIN_OR_KATAKANA = re.compile(r"[A-Za-z0-9\u30a0-\u30ff\-・&.]+")
# Words that end GiNZA's false organizations in headlines and prose (職員再逮捕住居侵入容疑,
# 従前通り庁内番号); no organization's name contains them.
_NOT_IN_ORGANIZATION = re.compile(r"容疑|逮捕|番号|違反|事件")
_NAME_ENDINGS = tuple(sorted({*ORGANIZATION_HEADS, *ORGANIZATION_ENDINGS}))
_TWO_LATIN = re.compile(r"[A-Za-z]{2}")
# Figures: 3+ digits, maybe grouped, with their unit (3,163,729; P405; 4,000円). A phrase ends
# at one (「配偶者4,000円子9,500円」: 配偶者, 子).
_FIGURE = re.compile(r"[0-9][0-9,.]*[0-9]{2}(?:[千万億]?円|%)?")
# A phrase without the digits, spaces and separators around it.
_PHRASE_CORE = re.compile(r"[^\s0-9・、,.:;](?:.*[^\s0-9・、,.:;])?")
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


# -- cutting texts into pieces and phrases ------------------------------------------------------


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


def iter_phrases(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) offsets of the phrases of text: its pieces, cut at figures (amounts, page
    numbers: 3 or more digits), without the digits, spaces and separators around them."""
    for start, end in iter_pieces(text):
        a = start
        for figure in [*_FIGURE.finditer(text, start, end), None]:
            b, next_a = figure.span() if figure else (end, end)
            core = _PHRASE_CORE.search(text, a, b)
            if core:
                yield core.span()
            a = next_a


def worth_analyzing(piece: str) -> bool:
    """Could the recognizer find a name here? Not in rows of figures or stray symbols."""
    letters = letter_count(piece)
    return letters >= 2 and letters >= 0.3 * len(re.sub(r"\s", "", piece))


def _marks_a_name(token) -> bool:
    """A token a kept name holds: a personal name, or the last word of an organization."""
    text = token.text
    return _is_name_token(token) or text.endswith(_NAME_ENDINGS) or bool(_TWO_LATIN.search(text))


def _in_name(token) -> bool:
    """Nouns and affixes, and the ・ of 内閣官房・内閣府 or the - of J-LIS."""
    return token.tag_.startswith(("名詞", "接頭辞", "接尾辞", "補助記号-一般"))


def name_window(doc) -> tuple[int, int] | None:
    """(start, end) character offsets of the part of a tokenized phrase the model must read to
    find its names, None if it has none to find.

    A kept person has a token SudachiPy knows as a personal name; a kept organization ends with
    a token ending like one (省, 委員会, センター, …) or is Latin (J-LIS). The model reads from
    CONTEXT_TOKENS words before the nouns leading up to the first such token to CONTEXT_TOKENS
    words after the last. (Katakana-only brand names, such as GiNZA's Company マイキー, are lost.)
    """
    hits = [i for i, token in enumerate(doc) if _marks_a_name(token)]
    if not hits:
        return None
    first = hits[0]
    while first > 0 and _in_name(doc[first - 1]):
        first -= 1
    start = doc[max(0, first - CONTEXT_TOKENS)].idx
    last = doc[min(len(doc), hits[-1] + 1 + CONTEXT_TOKENS) - 1]
    core = _PHRASE_CORE.search(doc.text, start, last.idx + len(last.text))
    return core.span() if core else None


def could_hold_a_name(doc) -> bool:
    """Could PersonOrgFilter keep anything from this tokenized phrase? (See name_window.)"""
    return name_window(doc) is not None


def _texts_for_the_model(texts: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Each distinct text the model must read → where it occurs: (text index, offset)."""
    phrases: dict[str, list[tuple[int, int]]] = {}
    for i, text in enumerate(texts):
        for s, e in iter_phrases(text):
            if worth_analyzing(text[s:e]):
                phrases.setdefault(text[s:e], []).append((i, s))
    make_doc = get_nlp().make_doc
    where: dict[str, list[tuple[int, int]]] = {}
    for phrase, places in phrases.items():
        window = name_window(make_doc(phrase))
        if window:
            a, b = window
            where.setdefault(phrase[a:b], []).extend((i, offset + a) for i, offset in places)
    return where


# -- running the model ---------------------------------------------------------------------------


Found = list[tuple[int, int, str]]  # (start_char, end_char, label) of a text's kept spans


def _find(texts: list[str]) -> list[Found]:
    """Run the pipeline over texts: the kept spans of each, as plain tuples (what a worker sends
    back is small, unlike a Doc)."""
    return [
        [(span.start_char, span.end_char, span.label_) for span in doc.spans[SPANS_KEY]]
        for doc in get_nlp().pipe(texts, batch_size=BATCH_SIZE)
    ]


def _choose_processes(n_process: int | None, chars: int) -> int:
    """At most n_process (None: one per CPU); one per CHARS_PER_PROCESS characters to read."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1  # the workers share the loaded model by forking
    limit = (os.cpu_count() or 1) if n_process is None else max(1, n_process)
    return max(1, min(limit, chars // CHARS_PER_PROCESS))


def _chunks(texts: list[str], processes: int) -> list[list[str]]:
    """Consecutive runs of texts of about CHUNK_CHARS characters, at least 4 per process."""
    size = min(CHUNK_CHARS, sum(map(len, texts)) // (4 * processes) + 1)
    chunks, current, filled = [], [], 0
    for text in texts:
        current.append(text)
        filled += len(text)
        if filled >= size:
            chunks.append(current)
            current, filled = [], 0
    return chunks + [current] if current else chunks


def _release_free_heap() -> None:
    """Hand the C heap's free pages back to the system. Reading a PDF leaves hundreds of MB
    freed but resident (glibc keeps them); a forked worker would map them too, and count them
    in its RSS."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _init_worker(parent: int) -> None:
    """A worker ends with its parent: at once on Ctrl-C (the parent handles the interrupt), and
    when the parent is killed (Linux: PR_SET_PDEATHSIG), instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # killed before prctl
        os._exit(1)


def _find_in_processes(texts: list[str], processes: int) -> list[Found]:
    """_find on `processes` processes: this one and processes - 1 forked workers.

    Forked workers share the loaded model with this process (copy-on-write) and start in
    milliseconds; spaCy's `n_process` starts as many workers as asked for, while this process
    only passes Docs to them and back. The work is cut into chunks that the workers take from
    the front and this process from the back (a chunk no worker has started can be cancelled),
    so it is shared out even when another program holds one of the CPUs.
    """
    from concurrent.futures import ProcessPoolExecutor

    get_nlp()  # loaded before forking, so that no worker loads it again
    chunks = _chunks(texts, processes)
    _release_free_heap()
    gc.collect()
    gc.freeze()  # the workers' collector leaves the objects inherited from here alone
    try:
        fork = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(
            processes - 1, fork, initializer=_init_worker, initargs=(os.getpid(),)
        )
        futures = [pool.submit(_find, chunk) for chunk in chunks]  # forks the workers
    finally:
        gc.unfreeze()
    found: list[list[Found] | None] = [None] * len(chunks)
    try:
        for k in reversed(range(len(chunks))):
            if futures[k].cancel():
                found[k] = _find(chunks[k])
        for k, future in enumerate(futures):
            if found[k] is None:
                found[k] = future.result()
    finally:
        pool.shutdown(cancel_futures=True)  # on Ctrl-C, the workers stop after their chunk
    return [spans for chunk in found for spans in chunk]


# -- public API --------------------------------------------------------------------------------


def nlp_entities(texts: list[str], n_process: int | None = None) -> list[list[Entity]]:
    """Person and organization entities for each text, with offsets into that text, sorted.

    All texts go through the model together, so a batch of documents keeps both processes busy.
    n_process: at most this many processes run GiNZA (None: one per CPU), one per
    CHARS_PER_PROCESS characters the model must read.
    """
    results: list[list[Entity]] = [[] for _ in texts]
    where = _texts_for_the_model(texts)
    todo = list(where)
    processes = _choose_processes(n_process, sum(map(len, todo)))
    found = _find(todo) if processes == 1 else _find_in_processes(todo, processes)
    for text, spans in zip(todo, found):
        for span_start, span_end, label in spans:
            for i, offset in where[text]:
                start, end = offset + span_start, offset + span_end
                surface = texts[i][start:end]
                results[i].append(
                    Entity(
                        kind=label, text=surface, value=normalize_value(surface),
                        start=start, end=end,
                    )  # fmt: skip
                )
    for found_in_text in results:
        found_in_text.sort(key=lambda e: (e.start, e.end))
    return results
