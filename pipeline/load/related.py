"""Copies of one document: the ministry's PDF, a ward's stamped scan, a page of a council hand-out.

Ingest keeps every copy and links them in `related` (document_id, related_id, relation,
similarity):

- `same`: the same text, read twice (a scan and a PDF of one notice, a re-upload with other
  bytes). OCR noise changes a character here and there; no passage differs.
- `revision`: an edited version (一部改正, a corrected reissue): most of the text in common, but at
  least one passage of `REWRITE_MIN` characters or more added, removed or rewritten.
- `contains` / `contained_in`: one document holds the other (a bundle that reproduces a notice).

`similarity` is what a reader can check: the share of the text found in the other document (each
character covered by a 4-character sequence the other text also has; 0.98 = 98% of the text in
common), averaged over the two for same/revision, of the smaller one for contains.

Finding candidates costs no pass over all pairs: every document, and every page of a document of
several pages, gets a MinHash signature over its character 4-grams, NFKC-folded and with
whitespace removed (so OCR spacing and page breaks do not matter). The signature's LSH bands go to
`doc_lsh` (one key per band, indexed), and a new document's candidates are the documents sharing a
key with it: one index lookup per band. Page signatures let a one-page notice find the bundle page
that reproduces it. At most MAX_CANDIDATES candidates are then verified on their exact 4-gram sets.

Everything a comparison needs is computed with numpy from the text's code points (4- and 8-grams
hashed to 64 bits, so a verification costs a fraction of a millisecond and never builds Python
sets of strings); a rebuild finds every document's candidates in memory, from the LSH keys sorted
once, instead of one query per document.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from typing import TYPE_CHECKING

from sqlite_utils import Database

if TYPE_CHECKING:  # numpy is imported where it is used: opening an archive needs none of it
    import numpy as np

SHINGLE = 4  # characters per shingle: 3 merges unrelated texts more, 5 loses more to OCR errors
COVER = 8  # characters per gram when looking for passages of one text missing from the other
NUM_PERM = 128
BANDS, ROWS = 32, 4  # P(candidate) = 1-(1-J^4)^32: J 0.3 -> 0.23, 0.5 -> 0.87, 0.8 -> 1.0
MIN_SHINGLES = 30  # shorter texts (a cover sheet, a blank page) would match anything like them
# P(a band matches) = J^4: of 32 bands, expected 4 shared at J 0.6, 14.5 at 0.82 (the least
# similar OCR'd copy measured), 32 for a page reproduced whole. Fewer shared bands are documents
# that merely quote each other's paragraphs: verifying them all cost minutes on the scale bench.
MIN_SHARED_BANDS = 4
MAX_BUCKET = 200  # entries of one LSH bucket beyond which it is boilerplate, not evidence of a copy
MAX_CANDIDATES = 10  # verified exactly per document, those sharing the most bands first
TEXT_CACHE = 512  # documents' comparison data kept while linking a batch (~40 KB each)
FLUSH_ROWS = 20_000  # links written at a time by a rebuild: memory stays flat

SAME_MIN = 0.6  # Jaccard of the 4-gram sets: OCR'd copies measured 0.82-1.0, different documents ≤ 0.22
REVISION_MIN = 0.4  # a heavily edited version, of a similar length
CONTAINS_MIN = 0.8  # share of the smaller document's 4-grams inside the larger
CONTAINS_MAX_RATIO = 0.7  # the smaller is at most this share of the larger's length
REWRITE_MIN = 25  # characters in a row of one text not in the other: an edit. OCR: at most 19 measured
# (a line fragment Tesseract dropped from the letter); the test set's edits leave 33 and 43.

LSH_TABLE = "doc_lsh"
RELATED_TABLE = "related"

# key: the band's number and its ROWS signature values hashed together (signed 64-bit).
LSH = {"key": int, "document_id": str, "page": int}
RELATED = {"document_id": str, "related_id": str, "relation": str, "similarity": float}


def create(db: Database) -> None:
    db.create_table(LSH_TABLE, LSH, if_not_exists=True)
    # Covering: a lookup by key reads the documents from the index alone.
    db[LSH_TABLE].create_index(["key", "document_id"], if_not_exists=True)
    db[LSH_TABLE].create_index(["document_id"], if_not_exists=True)
    db.create_table(RELATED_TABLE, RELATED, pk=("document_id", "related_id"), if_not_exists=True)
    db[RELATED_TABLE].create_index(["related_id"], if_not_exists=True)
    db[RELATED_TABLE].create_index(["relation"], if_not_exists=True)


def current(db: Database) -> bool:
    """Whether the archive's LSH table is this version's (keys hashed as `keys` hashes them)."""
    return LSH_TABLE in db.table_names() and "key" in db[LSH_TABLE].columns_dict


def reset(db: Database) -> None:
    """Drop the LSH table of an older version and every link, to be indexed and linked again."""
    db.execute(f"drop table if exists [{LSH_TABLE}]")
    if RELATED_TABLE in db.table_names():
        db.execute(f"delete from [{RELATED_TABLE}]")
    create(db)


# Characters that are NFKC-stable (NFKC leaves them as they are, and no character before them
# composes with them: starters that are not the second of a canonical pair), in the blocks
# Japanese administrative text is mostly made of: ASCII, kana, CJK punctuation and ideographs.
# tests/test_related.py checks each against unicodedata.
STABLE_BLOCKS = ((0x09, 0x0A), (0x0D, 0x0D), (0x20, 0x7E), (0x3001, 0x3029), (0x3030, 0x3035),
                 (0x3037, 0x3037), (0x303B, 0x3098), (0x309D, 0x309E), (0x30A0, 0x30FE), (0x4E00, 0x9FFF))
_OUTSIDE_STABLE_BLOCKS = re.compile(
    "[^" + "".join(re.escape(chr(a)) + "-" + re.escape(chr(b)) for a, b in STABLE_BLOCKS) + "]+")
_stable_chars: dict[str, bool] = {}
_normalized_runs: dict[str, str] = {}  # a run of characters outside the blocks -> its NFKC
RUN_CACHE = 4096  # runs kept (cleared when full): ①, （, ）... recur in every text


def _starter(c: str) -> bool:
    """Whether no character before `c` can compose with it: combining class 0 and not a mark
    (every second character of a canonical composition is a mark or a Hangul jamo)."""
    return not unicodedata.combining(c) and unicodedata.category(c)[0] != "M" and not "\u1100" <= c <= "\u11ff"


def nfkc_stable(c: str) -> bool:
    """Whether NFKC leaves the character `c` as it is, whatever is around it: a starter that is
    its own NFKC."""
    stable = _stable_chars.get(c)
    if stable is None:
        stable = _stable_chars[c] = _starter(c) and unicodedata.is_normalized("NFKC", c)
    return stable


def squeeze(text: str) -> str:
    """`text` NFKC-normalized, without whitespace. NFKC of a text not already normalized costs
    ~0.1 ms per 1,000 characters (CPython decomposes and recomposes all of it), and most of a
    text usually is (an archive's texts are, but for the ① and （） they keep as printed): only
    the runs of characters outside the stable blocks are looked at, each normalized alone when
    its first character decomposes to a starter (nothing before it then interacts with it; the
    result is remembered), else with the character before it. A stable character interacts with
    nothing before it, so the result is the whole text's NFKC, 3x faster than normalizing the
    lines that are not NFKC on the scale bench's texts."""
    if not unicodedata.is_normalized("NFKC", text):
        parts, done = [], 0
        for found in _OUTSIDE_STABLE_BLOCKS.finditer(text):
            run = found.group()
            normalized = _normalized_runs.get(run)
            if normalized is None:
                start, end = found.span()
                if not _starter(unicodedata.normalize("NFKD", run[0])[0]):  # a mark first
                    start = max(start - 1, 0)  # the character before is stable
                    parts += [text[done:start], unicodedata.normalize("NFKC", text[start:end])]
                    done = end
                    continue
                normalized = run if all(map(nfkc_stable, run)) else unicodedata.normalize("NFKC", run)
                if len(_normalized_runs) >= RUN_CACHE:
                    _normalized_runs.clear()
                _normalized_runs[run] = normalized
            if normalized != run:
                start, end = found.span()
                parts += [text[done:start], normalized]
                done = end
        parts.append(text[done:])
        text = "".join(parts)
    return "".join(text.split())  # str.split and re's \s both split on str.isspace characters


# --- hashing (numpy, 64-bit arithmetic wrapping around) --------------------------------------

_M1, _M2, _GOLDEN = 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x9E3779B97F4A7C15
_SEED = 20170204  # one permutation set for every process, so signatures computed anywhere compare


def _mix(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: every input bit moves every output bit."""
    import numpy as np

    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(_M1)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(_M2)
    return h ^ (h >> np.uint64(33))


def _codes(squeezed: str) -> np.ndarray:
    import numpy as np

    return np.frombuffer(squeezed.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _chain(codes: np.ndarray, k: int) -> np.ndarray:
    """Each k-character gram of `codes` folded into 64 bits, in text order, before `_mix`."""
    import numpy as np

    n = len(codes) - k + 1
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    h = np.full(n, k, dtype=np.uint64)
    for j in range(k):
        h = (h ^ codes[j : j + n]) * np.uint64(_GOLDEN)
    return h


def gram_hashes(codes: np.ndarray, k: int) -> np.ndarray:
    """The 64-bit hash of each k-character gram of `codes`, in text order. Two different grams of
    a pair of texts share a hash with probability ~n²/2^64: the sets compared are exact."""
    return _mix(_chain(codes, k))


assert COVER == 2 * SHINGLE  # a COVER-gram is two 4-grams side by side
_PAIR = 0xD6E8FEB86659FD93  # odd


def cover_hashes(chain: np.ndarray) -> np.ndarray:
    """The 64-bit hash of each COVER-gram, in text order, from the folded 4-grams (`_chain(codes,
    SHINGLE)`) of the 4-grams it is made of: 3x faster than folding 8 characters. These hashes
    are compared within one process only (never stored), so how they are made is free."""
    import numpy as np

    n = len(chain) - SHINGLE
    if n <= 0:
        return np.empty(0, dtype=np.uint64)
    return _mix((chain[:n] * np.uint64(_PAIR)) ^ chain[SHINGLE:])


def _permutations() -> tuple[np.ndarray, np.ndarray]:
    import numpy as np

    global _PERMS
    if _PERMS is None:
        rng = np.random.default_rng(_SEED)
        a = rng.integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | np.uint64(1)  # odd: a bijection
        b = rng.integers(0, 2**63, size=NUM_PERM, dtype=np.uint64)
        _PERMS = a, b
    return _PERMS


_PERMS = None


def signature(hashes: np.ndarray) -> np.ndarray:
    """MinHash of a set of gram hashes: for each of NUM_PERM permutations h -> a*h + b (mod 2^64,
    a odd), the upper 32 bits of the smallest value (multiply-shift hashing). In place, 2,048
    hashes at a time: 0.4 ms for 3,000 grams, datasketch's MinHash 2.7 ms. The same in 32 bits
    was twice as fast but estimated Jaccard 0.013 low with 20% more spread (measured on the
    scale bench's texts); this matches the binomial spread."""
    import numpy as np

    a, b = _permutations()
    low = np.full(NUM_PERM, np.iinfo(np.uint64).max, dtype=np.uint64)
    scratch = np.empty((NUM_PERM, min(len(hashes), 2048)), dtype=np.uint64)
    for i in range(0, len(hashes), 2048):  # 2 MiB of scratch at most
        chunk = hashes[i : i + 2048]
        out = scratch[:, : len(chunk)]
        np.multiply(a[:, None], chunk, out=out)
        np.add(out, b[:, None], out=out)
        np.minimum(low, out.min(axis=1), out=low)
    return (low >> np.uint64(32)).astype(np.uint32)


def keys(sig: np.ndarray) -> np.ndarray:
    """The signature's BANDS LSH keys: each band's number and ROWS values hashed, as signed 64-bit
    integers (SQLite's)."""
    import numpy as np

    rows = sig.astype(np.uint64).reshape(BANDS, ROWS)
    h = np.arange(BANDS, dtype=np.uint64)
    for r in range(ROWS):
        h = (h ^ rows[:, r]) * np.uint64(_GOLDEN)
    return _mix(h).view(np.int64)


@dataclass
class Link:
    document_id: str
    related_id: str
    relation: str
    similarity: float

    def rows(self) -> list[dict]:
        inverse = {"contains": "contained_in"}.get(self.relation, self.relation)
        return [
            {"document_id": self.document_id, "related_id": self.related_id,
             "relation": self.relation, "similarity": self.similarity},
            {"document_id": self.related_id, "related_id": self.document_id,
             "relation": inverse, "similarity": self.similarity},
        ]


def compare(a_id: str, a_text: str, b_id: str, b_text: str) -> Link | None:
    """The relation between two documents, or None when they are not copies of one another."""
    return compare_texts(a_id, Text(a_text), b_id, Text(b_text))


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts (a mask)."""
    import numpy as np

    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique took 0.7 ms for 3,000 hashes, this 0.05)."""
    import numpy as np

    values = np.sort(values)
    return values[_firsts(values)]


def _in_each_other(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`_isin(a, b)` and `_isin(b, a)` for two sets (sorted, distinct) at once: a stable sort of
    the two merges them (timsort finds the two runs), and a value in both ends up beside its
    copy. 3x faster than the two binary searches."""
    import numpy as np

    both = np.concatenate((a, b))
    order = np.argsort(both, kind="stable")
    pair = both[order[1:]] == both[order[:-1]]
    paired = np.zeros(len(both), dtype=bool)
    paired[:-1] = pair
    paired[1:] |= pair
    found = np.empty(len(both), dtype=bool)
    found[order] = paired
    return found[: len(a)], found[len(a) :]


def _isin(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """values[i] in sorted_set, for each i of sorted `values`: a binary search each, vectorized
    (4x faster when the values searched are sorted too)."""
    import numpy as np

    if not len(sorted_set):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_set, values)
    np.minimum(at, len(sorted_set) - 1, out=at)
    return sorted_set[at] == values


class Text:
    """A document's text as the comparison sees it, squeezed (NFKC, no whitespace): its set of
    4-grams (similarity) and its COVER-grams (what is found in the other text, and where not), as
    sorted arrays of 64-bit hashes; `long_at[i]` is the COVER-gram starting at character i, an
    index into `long_grams`. The COVER-grams are computed when first needed: most candidates
    of a realistic archive are rejected on their 4-grams."""

    def __init__(self, text: str):
        s = squeeze(text)
        self.length = len(s)
        self._chain = _chain(_codes(s), SHINGLE)
        self.grams = _distinct(_mix(self._chain))
        self._long: tuple[np.ndarray, np.ndarray] | None = None

    def _long_grams(self) -> tuple[np.ndarray, np.ndarray]:
        if self._long is None:
            import numpy as np

            long_list = cover_hashes(self._chain)
            order = np.argsort(long_list)  # quicksort: 4x faster than a stable sort here
            ordered = long_list[order]
            first = _firsts(ordered)
            long_at = np.empty(len(order), dtype=np.int32)
            long_at[order] = np.cumsum(first) - 1
            self._long = ordered[first], long_at
            self._chain = None  # no longer needed
        return self._long

    def common(self, other: "Text") -> int:
        """Number of 4-grams the two texts share: in the two sets merged (a stable sort of two
        sorted runs is a merge), each shared one sits beside its copy."""
        import numpy as np

        both = np.concatenate((self.grams, other.grams))
        both.sort(kind="stable")
        return int(np.count_nonzero(both[1:] == both[:-1]))

    def found_in(self, other: "Text") -> tuple[float, int]:
        """The share of this text's characters covered by a COVER-gram the other text also has,
        and the longest run of characters not covered. A misread character leaves itself alone
        uncovered (the grams on either side of it still match); an added or rewritten sentence
        leaves all of it, since its 8-grams occur nowhere in the other text, where 4-grams of
        common words (について, 平成29年) would."""
        if self.length < COVER:
            return 0.0, self.length
        return self._coverage(_isin(self._long_grams()[0], other._long_grams()[0]))

    def _coverage(self, found_grams: np.ndarray) -> tuple[float, int]:
        """`found_in`, given which of this text's distinct COVER-grams the other text has."""
        n = self.length
        if n < COVER:
            return 0.0, n
        import numpy as np

        found = np.flatnonzero(found_grams[self._long_grams()[1]])
        if not len(found):
            return 0.0, n
        # The grams found starting at p and q > p cover p..q+COVER-1: the characters between
        # them are uncovered when q - p > COVER; so are those before the first and after the last.
        gaps = found[1:] - found[:-1] - COVER
        np.maximum(gaps, 0, out=gaps)
        lead, trail = int(found[0]), n - int(found[-1]) - COVER
        uncovered = lead + trail + int(gaps.sum())
        return (n - uncovered) / n, max(lead, trail, int(gaps.max(initial=0)))


def compare_texts(a_id: str, a: Text, b_id: str, b: Text) -> Link | None:
    if len(a.grams) < MIN_SHINGLES or len(b.grams) < MIN_SHINGLES:
        return None
    common = a.common(b)
    jaccard = common / (len(a.grams) + len(b.grams) - common)
    (small_id, small), (large_id, large) = sorted([(a_id, a), (b_id, b)],
                                                  key=lambda x: (len(x[1].grams), x[0]))
    if (common / len(small.grams) >= CONTAINS_MIN
            and len(small.grams) <= CONTAINS_MAX_RATIO * len(large.grams)):
        coverage, _ = small.found_in(large)
        return Link(large_id, small_id, "contains", round(coverage, 3))
    if jaccard < REVISION_MIN or (jaccard < SAME_MIN and len(small.grams) < 0.5 * len(large.grams)):
        return None
    found_a, found_b = _in_each_other(a._long_grams()[0], b._long_grams()[0])
    cover_a, gap_a = a._coverage(found_a)
    cover_b, gap_b = b._coverage(found_b)
    relation = "same" if jaccard >= SAME_MIN and max(gap_a, gap_b) < REWRITE_MIN else "revision"
    first, second = sorted([a_id, b_id])
    return Link(first, second, relation, round((cover_a + cover_b) / 2, 3))


def diff_lines(a_text: str, b_text: str) -> list[tuple[str, str, str]]:
    """Side-by-side difference of two texts, line by line: (tag, left, right) with tag one of
    equal, replace, delete, insert (difflib's opcodes over lines)."""
    left, right = a_text.splitlines(), b_text.splitlines()
    rows = []
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        span = max(i2 - i1, j2 - j1)
        for k in range(span):
            l = left[i1 + k] if i1 + k < i2 else ""
            r = right[j1 + k] if j1 + k < j2 else ""
            rows.append((tag, l, r))
    return rows


def _grams(text: str) -> np.ndarray:
    """The sorted 4-gram hashes of a text, as `Text.grams`."""
    return _distinct(gram_hashes(_codes(squeeze(text)), SHINGLE))


def _signatures(whole: Text, pages: list[dict]) -> Iterator[tuple[int, np.ndarray]]:
    """(page, signature) to index for a document (`whole`: its text): page 0 is the whole text;
    pages of a document of several pages too."""
    if len(whole.grams) >= MIN_SHINGLES:
        yield 0, signature(whole.grams)
    if len(pages) > 1:
        for page in pages:
            g = _grams(page["text"])
            if len(g) >= MIN_SHINGLES:
                yield page["page"], signature(g)


def index(db: Database, documents: list[dict], pages: list[dict],
          texts: dict[str, Text] | None = None) -> None:
    """Write the LSH keys of `documents` (rows as the documents table holds them). `texts`, when
    given, receives each document's `Text`, for `link` to verify them without reading them
    again."""
    by_doc: dict[str, list[dict]] = {}
    for p in pages:
        by_doc.setdefault(p["document_id"], []).append(p)
    rows = []
    for doc in documents:
        whole = Text(doc["text"])
        if texts is not None:
            texts[doc["id"]] = whole
        for page, sig in _signatures(whole, by_doc.get(doc["id"], [])):
            rows.extend((int(key), doc["id"], page) for key in keys(sig))
    db.conn.executemany(f"insert into [{LSH_TABLE}] (key, document_id, page) values (?, ?, ?)", rows)


def _ranked(shared: Counter) -> list[str]:
    """The candidates among documents sharing `shared[id]` LSH keys: MIN_SHARED_BANDS or more,
    most shared first, at most MAX_CANDIDATES."""
    ranked = sorted((-n, other) for other, n in shared.items() if n >= MIN_SHARED_BANDS)
    return [other for _, other in ranked[:MAX_CANDIDATES]]


def candidates(db: Database, document_id: str) -> list[str]:
    """Documents sharing an LSH key with `document_id`, whole text or page against whole text or
    page (a page reproduced in a bundle matches that page): most shared keys first. A bucket
    holding more than MAX_BUCKET entries is boilerplate (a blank form, a standard cover page
    shared by thousands of documents) and is passed over: joining through it made linking
    quadratic in the archive's size."""
    mine = [r[0] for r in db.execute(f"select key from [{LSH_TABLE}] where document_id = ?", [document_id])]
    if not mine:
        return []
    # A key of mine held twice (two pages alike) counts each of the other's entries twice.
    rows = db.execute(
        f"""with mine(key) as (select value from json_each(:keys)),
        small as (select key from mine where (select count(*) from (select 1 from [{LSH_TABLE}] o
                  where o.key = mine.key limit :cap + 1)) <= :cap)
        select other.document_id, count(*) as shared
        from small join [{LSH_TABLE}] other on other.key = small.key
        where other.document_id != :id
        group by other.document_id having shared >= :min_shared
        order by shared desc, other.document_id limit :limit""",
        {"keys": json.dumps(mine), "cap": MAX_BUCKET, "id": document_id,
         "min_shared": MIN_SHARED_BANDS, "limit": MAX_CANDIDATES})
    return [r[0] for r in rows]


class _Verifier:
    """Compares pairs of documents, each pair once, keeping the comparison data of the last
    TEXT_CACHE documents, and writes the links found, FLUSH_ROWS at a time."""

    def __init__(self, db: Database):
        self.db = db
        self.texts: OrderedDict[str, Text] = OrderedDict()
        self.rows: list[dict] = []
        self.written = 0

    def text(self, doc_id: str) -> Text:
        found = self.texts.get(doc_id)
        if found is not None:
            self.texts.move_to_end(doc_id)
            return found
        row = self.db.execute("select text from documents where id = ?", [doc_id]).fetchone()
        found = self.texts[doc_id] = Text(row[0] if row else "")
        if len(self.texts) > TEXT_CACHE:
            self.texts.popitem(last=False)
        return found

    def verify(self, a: str, b: str) -> None:
        found = compare_texts(a, self.text(a), b, self.text(b))
        if found:
            self.rows.extend(found.rows())
            if len(self.rows) >= FLUSH_ROWS:
                self.flush()

    def flush(self) -> None:
        rows, self.rows = self.rows, []
        if not rows:
            return
        rows.sort(key=lambda r: (r["document_id"], r["related_id"]))  # index pages in order
        self.db.conn.executemany(
            f"insert or replace into [{RELATED_TABLE}] (document_id, related_id, relation, similarity)"
            " values (:document_id, :related_id, :relation, :similarity)", rows)
        linked = sorted({r["document_id"] for r in rows})
        for i in range(0, len(linked), 500):
            chunk = linked[i : i + 500]
            # Only rows that change: fewer pages written.
            self.db.execute(f"update documents set has_copies = 1 where id in ({', '.join('?' * len(chunk))})"
                            " and has_copies is not 1", chunk)
        self.written += len(rows) // 2


def link(db: Database, ids: list[str], texts: dict[str, Text] | None = None) -> int:
    """Find and store the relatives of the documents `ids` (already indexed; `texts`: the `Text`
    of those `index` gave). Returns the number of links written. The caller holds the write
    transaction."""
    verifier = _Verifier(db)
    verifier.texts.update(texts or {})
    done: set[tuple[str, str]] = set()
    for doc_id in ids:
        for other in candidates(db, doc_id):
            pair = (doc_id, other) if doc_id < other else (other, doc_id)
            if pair not in done:
                done.add(pair)
                verifier.verify(doc_id, other)
    verifier.flush()
    return verifier.written


def link_all(db: Database) -> int:
    """`link` for every document of the archive (all indexed), as a rebuild needs it: the LSH
    keys are read once and sorted, and each document's candidates found in memory (a binary
    search per key) instead of by a query per key. Returns the number of links written."""
    import numpy as np

    if not db.execute(f"select 1 from [{LSH_TABLE}] limit 1").fetchone():
        return 0
    ids: list[str] = []
    number: dict[str, int] = {}
    key_chunks, doc_chunks = [], []
    cursor = db.execute(f"select key, document_id from [{LSH_TABLE}]")
    while rows := cursor.fetchmany(65_536):  # into arrays a chunk at a time: 3.2 M rows at 100,000
        key_chunks.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        numbers = []
        for _, doc_id in rows:
            n = number.get(doc_id)
            if n is None:
                n = number[doc_id] = len(ids)
                ids.append(doc_id)
            numbers.append(n)
        doc_chunks.append(np.array(numbers, dtype=np.int32))
    all_keys, all_docs = np.concatenate(key_chunks), np.concatenate(doc_chunks)
    del key_chunks, doc_chunks, number, rows
    # Each document's entries together, documents in the order first indexed.
    order = np.argsort(all_docs, kind="stable")
    all_keys, all_docs = all_keys[order], all_docs[order]
    starts = np.flatnonzero(_firsts(all_docs))
    ends = np.append(starts[1:], len(all_docs))
    order = np.argsort(all_keys, kind="stable")
    sorted_keys, sorted_docs = all_keys[order], all_docs[order]
    del order

    # Each pair is verified once: from the side of the document found first whose candidates
    # hold the other (top[n] keeps document n's, by number).
    top = np.full((len(ids), MAX_CANDIDATES), -1, dtype=np.int32)
    verifier = _Verifier(db)
    for start, end in zip(starts.tolist(), ends.tolist()):
        me = int(all_docs[start])
        mine = all_keys[start:end]
        lo = np.searchsorted(sorted_keys, mine, "left")
        hi = np.searchsorted(sorted_keys, mine, "right")
        keep = (hi - lo) <= MAX_BUCKET
        if not keep.any():
            continue
        others = np.concatenate([sorted_docs[l:h] for l, h in zip(lo[keep].tolist(), hi[keep].tolist())])
        others = others[others != me]
        if not len(others):
            continue
        others.sort()
        first = np.flatnonzero(_firsts(others))
        numbers, counts = others[first], np.diff(first, append=len(others))
        enough = counts >= MIN_SHARED_BANDS
        if not enough.any():
            continue
        numbers, counts = numbers[enough].tolist(), counts[enough].tolist()
        chosen = _ranked(Counter({ids[n]: c for n, c in zip(numbers, counts)}))
        by_id = {ids[n]: n for n in numbers}
        for k, other in enumerate(chosen):
            n = by_id[other]
            top[me, k] = n
            if n < me and (top[n] == me).any():
                continue  # verified from the other's side
            verifier.verify(ids[me], other)
    verifier.flush()
    return verifier.written


def _unmark_copies(db: Database, ids: list[str]) -> None:
    """documents.has_copies (the "has copies" facet) cleared for those of `ids` left without
    links; the others are not updated (an update re-indexes a document's text)."""
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        db.execute(f"update documents set has_copies = 0 where id in ({marks}) and has_copies is not 0"
                   f" and not exists (select 1 from [{RELATED_TABLE}] r where r.document_id = documents.id)",
                   chunk)


def forget(db: Database, ids: list[str]) -> None:
    """Remove the bands and links of documents being replaced or removed; their former relatives
    may no longer have copies."""
    neighbours: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        neighbours.update(r[0] for r in db.execute(
            f"select related_id from [{RELATED_TABLE}] where document_id in ({marks})", chunk))
        db.execute(f"delete from [{LSH_TABLE}] where document_id in ({marks})", chunk)
        db.execute(f"delete from [{RELATED_TABLE}] where document_id in ({marks})"
                   f" or related_id in ({marks})", chunk + chunk)
    _unmark_copies(db, sorted(neighbours - set(ids)))


def relation_counts(db: Database) -> Counter:
    return Counter(dict(db.execute(f"select relation, count(*) from [{RELATED_TABLE}] group by relation").fetchall()))
