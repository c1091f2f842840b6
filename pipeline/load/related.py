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
several pages, gets a MinHash signature (datasketch) over its character 4-grams, NFKC-folded and
with whitespace removed (so OCR spacing and page breaks do not matter). The signature's LSH bands
go to `doc_lsh` (indexed by band and bucket), and a new document's candidates are the documents
sharing a bucket with it: an index lookup per band. Page signatures let a one-page notice find the
bundle page that reproduces it. Candidates are then verified on their exact 4-gram sets.
"""

from __future__ import annotations

import difflib
import hashlib
from functools import lru_cache
import re
import unicodedata
from collections import Counter
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

SAME_MIN = 0.6  # Jaccard of the 4-gram sets: OCR'd copies measured 0.82-1.0, different documents ≤ 0.22
REVISION_MIN = 0.4  # a heavily edited version, of a similar length
CONTAINS_MIN = 0.8  # share of the smaller document's 4-grams inside the larger
CONTAINS_MAX_RATIO = 0.7  # the smaller is at most this share of the larger's length
REWRITE_MIN = 25  # characters in a row of one text not in the other: an edit. OCR: at most 19 measured
# (a line fragment Tesseract dropped from the letter); the test set's edits leave 33 and 43.

_UNCOVERED = re.compile(b"\x00+")

LSH_TABLE = "doc_lsh"
RELATED_TABLE = "related"

LSH = {"document_id": str, "page": int, "band": int, "bucket": int}
RELATED = {"document_id": str, "related_id": str, "relation": str, "similarity": float}


def create(db: Database) -> None:
    db.create_table(LSH_TABLE, LSH, if_not_exists=True)
    db[LSH_TABLE].create_index(["band", "bucket"], if_not_exists=True)
    db[LSH_TABLE].create_index(["document_id"], if_not_exists=True)
    db.create_table(RELATED_TABLE, RELATED, pk=("document_id", "related_id"), if_not_exists=True)
    db[RELATED_TABLE].create_index(["related_id"], if_not_exists=True)
    db[RELATED_TABLE].create_index(["relation"], if_not_exists=True)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def shingles(text: str) -> set[str]:
    s = squeeze(text)
    return {s[i : i + SHINGLE] for i in range(len(s) - SHINGLE + 1)}


# One permutation set for every process, so signatures computed anywhere compare.
_SEED = 1


def signature(grams: set[str]) -> np.ndarray:
    # Imported here: datasketch imports scipy (1.4 s), which a re-ingest that adds nothing or a
    # server never needs.
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=_SEED)
    m.update_batch([g.encode("utf-8") for g in grams])
    return m.hashvalues


def buckets(sig: np.ndarray) -> list[tuple[int, int]]:
    """(band, bucket) pairs of a signature: each band's ROWS values hashed to a signed 64-bit int."""
    out = []
    for band in range(BANDS):
        chunk = sig[band * ROWS : (band + 1) * ROWS].astype("<u8").tobytes()
        bucket = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "little", signed=True)
        out.append((band, bucket))
    return out


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


class Text:
    """A document's text as the comparison sees it: squeezed (NFKC, no whitespace), its set of
    4-grams (similarity) and of COVER-grams (what is found in the other text, and where not)."""

    def __init__(self, text: str):
        self.squeezed = s = squeeze(text)
        self.grams = {s[i : i + SHINGLE] for i in range(len(s) - SHINGLE + 1)}
        self.long_list = [s[i : i + COVER] for i in range(len(s) - COVER + 1)]
        self.long_grams = set(self.long_list)

    def found_in(self, other: "Text") -> tuple[float, int]:
        """The share of this text's characters covered by a COVER-gram the other text also has,
        and the longest run of characters not covered. A misread character leaves itself alone
        uncovered (the grams on either side of it still match); an added or rewritten sentence
        leaves all of it, since its 8-grams occur nowhere in the other text, where 4-grams of
        common words (について, 平成29年) would."""
        n = len(self.squeezed)
        if n < COVER:
            return 0.0, n
        import numpy as np

        found = np.fromiter((g in other.long_grams for g in self.long_list), dtype=np.uint8,
                            count=len(self.long_list))
        # A character is covered when one of the COVER grams holding it is found.
        covered = (np.convolve(found, np.ones(COVER, dtype=np.uint8)) > 0).astype(np.uint8).tobytes()
        longest = max((len(m) for m in _UNCOVERED.findall(covered)), default=0)
        return covered.count(1) / n, longest


def compare_texts(a_id: str, a: Text, b_id: str, b: Text) -> Link | None:
    if len(a.grams) < MIN_SHINGLES or len(b.grams) < MIN_SHINGLES:
        return None
    common = len(a.grams & b.grams)
    jaccard = common / len(a.grams | b.grams)
    (small_id, small), (large_id, large) = sorted([(a_id, a), (b_id, b)],
                                                  key=lambda x: (len(x[1].grams), x[0]))
    if (common / len(small.grams) >= CONTAINS_MIN
            and len(small.grams) <= CONTAINS_MAX_RATIO * len(large.grams)):
        coverage, _ = small.found_in(large)
        return Link(large_id, small_id, "contains", round(coverage, 3))
    if jaccard < REVISION_MIN or (jaccard < SAME_MIN and len(small.grams) < 0.5 * len(large.grams)):
        return None
    cover_a, gap_a = a.found_in(b)
    cover_b, gap_b = b.found_in(a)
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


def _signatures(doc: dict, pages: list[dict]) -> list[tuple[int, np.ndarray]]:
    """(page, signature) to index for a document: page 0 is the whole text; pages of a document
    of several pages too."""
    out = []
    grams = shingles(doc["text"])
    if len(grams) >= MIN_SHINGLES:
        out.append((0, signature(grams)))
    if len(pages) > 1:
        for page in pages:
            g = shingles(page["text"])
            if len(g) >= MIN_SHINGLES:
                out.append((page["page"], signature(g)))
    return out


def index(db: Database, documents: list[dict], pages: list[dict]) -> None:
    """Write the LSH bands of `documents` (rows as the documents table holds them)."""
    by_doc: dict[str, list[dict]] = {}
    for p in pages:
        by_doc.setdefault(p["document_id"], []).append(p)
    rows = []
    for doc in documents:
        for page, sig in _signatures(doc, by_doc.get(doc["id"], [])):
            rows.extend((doc["id"], page, band, bucket) for band, bucket in buckets(sig))
    db.conn.executemany(f"insert into [{LSH_TABLE}] (document_id, page, band, bucket) values (?, ?, ?, ?)", rows)


def candidates(db: Database, document_id: str) -> list[str]:
    """Documents sharing an LSH bucket with `document_id`, whole text or page against whole text or
    page (a page reproduced in a bundle matches that page): most shared bands first. A bucket
    holding more than MAX_BUCKET entries is boilerplate (a blank form, a standard cover page
    shared by thousands of documents) and is passed over: joining through it made linking
    quadratic in the archive's size."""
    rows = db.execute(
        f"""with mine as (
          select band, bucket from [{LSH_TABLE}] m where m.document_id = :id
            and (select count(*) from (select 1 from [{LSH_TABLE}] o
                 where o.band = m.band and o.bucket = m.bucket limit :cap + 1)) <= :cap
        )
        select other.document_id, count(*) as shared
        from mine join [{LSH_TABLE}] other on other.band = mine.band and other.bucket = mine.bucket
        where other.document_id != :id
        group by other.document_id having shared >= :min_shared
        order by shared desc, other.document_id limit :limit""",
        {"id": document_id, "cap": MAX_BUCKET, "min_shared": MIN_SHARED_BANDS,
         "limit": MAX_CANDIDATES},
    ).fetchall()
    return [r[0] for r in rows]


def link(db: Database, ids: list[str]) -> int:
    """Find and store the relatives of the documents `ids` (already indexed). Returns the number
    of links written. The caller holds the write transaction."""
    @lru_cache(maxsize=4096)  # a rebuild links every document: memory stays bounded
    def text(doc_id: str) -> Text:
        row = db.execute("select text from documents where id = ?", [doc_id]).fetchone()
        return Text(row[0] if row else "")

    done: set[tuple[str, str]] = set()
    rows = []
    for doc_id in ids:
        for other in candidates(db, doc_id):
            pair = tuple(sorted((doc_id, other)))
            if pair in done:
                continue
            done.add(pair)
            found = compare_texts(doc_id, text(doc_id), other, text(other))
            if found:
                rows.extend(found.rows())
    if rows:
        db.conn.executemany(
            f"insert or replace into [{RELATED_TABLE}] (document_id, related_id, relation, similarity)"
            " values (:document_id, :related_id, :relation, :similarity)", rows)
        linked = sorted({r["document_id"] for r in rows})
        for i in range(0, len(linked), 500):
            chunk = linked[i : i + 500]
            db.execute(f"update documents set has_copies = 1 where id in ({', '.join('?' * len(chunk))})", chunk)
    return len(rows) // 2


def _mark_copies(db: Database, ids: list[str]) -> None:
    """documents.has_copies (the "has copies" facet) for `ids`, from the links they have now."""
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" * len(chunk))
        db.execute(f"update documents set has_copies = exists (select 1 from [{RELATED_TABLE}] r"
                   f" where r.document_id = documents.id) where id in ({marks})", chunk)


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
    _mark_copies(db, sorted(neighbours - set(ids)))


def relation_counts(db: Database) -> Counter:
    return Counter(dict(db.execute(f"select relation, count(*) from [{RELATED_TABLE}] group by relation").fetchall()))
