"""Synthetic archives for the search-at-scale benchmark (`bench/run.py --only search`).

    python -m bench.scale build big.db 100000     # generate an archive, print time and size
    python -m bench.scale build --no-link big.db 100000   # the same without linking copies
    python -m bench.scale one-more big.db         # seconds to add one document to it

Documents are made from the ten corpus documents: each picks a base document, keeps a sample of
its paragraphs (in order, some dropped, neighbours sometimes swapped), tops up with paragraphs of
other documents to a drawn length, and varies numbers, dates and municipality names, so that no
two texts are alike and the index sees a realistic vocabulary. Entities are extracted once per
paragraph variant (a small, cached pool) rather than per document, which would dominate the
build time; the pool holds VARIANTS variants of every paragraph. Everything is seeded: the same
`n_docs` always gives the same documents.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
import re
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script or imported by bench/run.py
    sys.path.insert(0, str(REPO))

from pipeline import corpus  # noqa: E402
from pipeline.analyze.entities import extract_entities  # noqa: E402
from pipeline.load.database import Archive  # noqa: E402
from pipeline.load.schema import DATA_DIR  # noqa: E402
from pipeline.model import OCR, Document, Entity, Page, document_id  # noqa: E402

SEED = 20170204
VARIANTS = 12  # variants per corpus paragraph
# Document length in characters: log-normal, clipped to [MIN_CHARS, MAX_CHARS], mean ~1,500.
MEDIAN_CHARS, SIGMA, MIN_CHARS, MAX_CHARS = 1_150, 0.6, 300, 4_000
ONE_MORE_SLUG = "08-mic-jimurenraku"
ONE_MORE_RUNS = 5

# Municipality names printed in the corpus (and the bare 世田谷 of 世田谷の会 etc.), replaced by
# other local governments' names.
_MUNICIPALITY = re.compile(
    "世田谷区|中野区|大田区|新宿区|杉並区|千代田区|中央区|葛飾区|文京区|渋谷区|北区|国立市|足立区"
    "|豊島区|江戸川区|荒川区|(世田谷)"
)
# A number, with the era or unit that says what range it lives in.
_NUMBER = re.compile(r"(平成|令和|昭和)?(\s*)(\d+)(\s*)(年度|年|月|日)?")
_ERA_YEARS = {"平成": 31, "令和": 7, "昭和": 64}
_DEPARTMENTS = ("総務部", "区民生活部", "税務課", "市民課", "情報政策課", "企画課", "教育委員会",
                "保健福祉部", "選挙管理委員会", "議会事務局")
_DOC_SIGNS = ("総", "税", "住", "情", "企", "市", "区", "教")


@dataclass(frozen=True)
class Fragment:
    text: str
    entities: tuple[Entity, ...]


@cache
def _municipalities() -> tuple[str, ...]:
    with open(DATA_DIR / "localgovjp-utf8.csv", encoding="utf-8-sig", newline="") as fh:
        # "札幌市 中央区" -> "札幌市中央区"
        return tuple(r["city"].replace(" ", "") for r in csv.DictReader(fh))


@cache
def _bases() -> tuple[tuple[corpus.DocumentInfo, tuple[str, ...]], ...]:
    """Each corpus document's info and paragraphs."""
    out = []
    for slug in corpus.SLUGS:
        paragraphs = tuple(p.strip() for p in corpus.plain_text(slug).split("\n\n") if p.strip())
        out.append((corpus.info(slug), paragraphs))
    return tuple(out)


def _stem(name: str) -> str:
    return name[:-1] if name[-1] in "市区町村" and len(name) > 2 else name


def vary(text: str, rng: random.Random) -> str:
    """`text` with its municipality names swapped for others (consistently within the text) and
    most numbers, dates included, redrawn within their plausible range."""
    swaps: dict[str, str] = {}

    def municipality(m: re.Match) -> str:
        name = m.group(0) + ("区" if m.group(1) else "")
        if name not in swaps:
            swaps[name] = rng.choice(_municipalities())
        return _stem(swaps[name]) if m.group(1) else swaps[name]

    def number(m: re.Match) -> str:
        era, sp1, digits, sp2, unit = m.groups(default="")
        if rng.random() < 0.3:
            return m.group(0)
        if era:
            new = rng.randint(1, _ERA_YEARS[era])
        elif unit.startswith("年") and len(digits) == 4:
            new = rng.randint(2008, 2024)
        elif unit == "月":
            new = rng.randint(1, 12)
        elif unit == "日":
            new = rng.randint(1, 28)
        else:  # same number of digits; a leading zero stays possible after a comma
            low = 10 ** (len(digits) - 1) if digits[0] != "0" else 0
            new = str(rng.randint(low, 10 ** len(digits) - 1)).zfill(len(digits))
        return f"{era}{sp1}{new}{sp2}{unit}"

    return _NUMBER.sub(number, _MUNICIPALITY.sub(municipality, text))


def _entities(text: str) -> tuple[Entity, ...]:
    try:
        return tuple(extract_entities(text))
    except Exception:  # the extractors are optional here; a failing rule costs only its entities
        return ()


@cache
def _fragment(base: int, index: int, variant: int) -> Fragment:
    """Variant `variant` of paragraph `index` of base document `base`, with its entities."""
    text = _bases()[base][1][index]
    if variant:
        text = vary(text, random.Random(f"{SEED}/{base}/{index}/{variant}"))
    return Fragment(text, _entities(text))


def _length(rng: random.Random) -> int:
    n = int(rng.lognormvariate(math.log(MEDIAN_CHARS), SIGMA))
    return min(max(n, MIN_CHARS), MAX_CHARS)


def _header(n: int, rng: random.Random) -> tuple[str, str, str]:
    """A unique header (municipality, document number, date) and the document's municipality and
    ISO date."""
    muni = rng.choice(_municipalities())
    year, month, day = rng.randint(2008, 2024), rng.randint(1, 12), rng.randint(1, 28)
    era = f"令和{year - 2018}年" if year >= 2019 else f"平成{year - 1988}年"
    number = f"{_stem(muni)}{rng.choice(_DOC_SIGNS)}第{n + 1}号"
    return f"{number}\n{era}{month}月{day}日\n{muni}", muni, f"{year:04d}-{month:02d}-{day:02d}"


def synthetic_document(n: int) -> Document:
    """The n-th synthetic document (deterministic)."""
    rng = random.Random(f"{SEED}/{n}")
    bases = _bases()
    base = rng.randrange(len(bases))
    info, paragraphs = bases[base]
    target = _length(rng)

    # The base's paragraphs in order, a few dropped, neighbours sometimes swapped; then paragraphs
    # of other documents until the drawn length is reached.
    picks = [(base, i) for i in range(len(paragraphs)) if rng.random() < 0.85]
    for i in range(len(picks) - 1):
        if rng.random() < 0.1:
            picks[i], picks[i + 1] = picks[i + 1], picks[i]
    size = sum(len(paragraphs[i]) for _, i in picks)
    while size < target:
        other = rng.randrange(len(bases))
        i = rng.randrange(len(bases[other][1]))
        picks.append((other, i))
        size += len(bases[other][1][i])

    header, muni, issued_on = _header(n, rng)
    parts, entities, pos = [header], list(_entities(header)), len(header)
    for b, i in picks:
        if pos >= target:
            break
        fragment = _fragment(b, i, rng.randrange(VARIANTS))
        pos += 2  # the "\n\n" before it
        parts.append(fragment.text)
        entities.extend(replace(e, start=e.start + pos, end=e.end + pos) for e in fragment.entities)
        pos += len(fragment.text)
    text = "\n\n".join(parts)

    sha = hashlib.sha256(text.encode()).hexdigest()
    issuer = info.issuer and (info.issuer if rng.random() < 0.5 else muni + rng.choice(_DEPARTMENTS))
    return Document(
        id=document_id(sha, 1, 1), source=f"synthetic-{n:06d}.pdf", sha256=sha, page_start=1,
        page_end=1, title=vary(info.title, rng), kind=info.kind, issuer=issuer,
        issued_on=issued_on, text=text,
        pages=[Page(number=1, text=text, method=OCR, confidence=90.0)], entities=entities,
    )


def synthetic_documents(n_docs: int) -> Iterator[Document]:
    for n in range(n_docs):
        yield synthetic_document(n)


def generate_archive(db: Path, n_docs: int, link_copies: bool = True) -> None:
    """Build an archive of `n_docs` synthetic documents at `db` (replacing it) with
    `Archive.rebuild`, which reads the generator a chunk at a time (memory stays flat) and writes
    the archive as `pipeline build` does; without linking copies (`related` empty) when
    `link_copies` is false, for search benchmarks that do not need them."""
    archive = Archive(db)
    try:
        archive.rebuild(synthetic_documents(n_docs), link_copies=link_copies)
    finally:
        archive.close()


def one_more_document(db: Path) -> float:
    """Median seconds, over ONE_MORE_RUNS runs, of `Archive.add` of one realistic document (the
    08 事務連絡 with its entities) into the archive at `db`, created empty if missing. Each run
    adds the document under a fresh id and removes it afterwards (untimed), so the archive is left
    as it was."""
    info = corpus.info(ONE_MORE_SLUG)
    text = corpus.plain_text(ONE_MORE_SLUG)
    entities = list(_entities(text))
    times = []
    archive = Archive(db)
    try:
        for run in range(ONE_MORE_RUNS):
            sha = hashlib.sha256(f"{ONE_MORE_SLUG}/one-more/{run}".encode()).hexdigest()
            doc = Document(
                id=document_id(sha, 1, 1), source=f"{ONE_MORE_SLUG}.pdf", sha256=sha,
                page_start=1, page_end=1, title=info.title, kind=info.kind, issuer=info.issuer,
                issued_on=info.issued_on, text=text,
                pages=[Page(number=1, text=text, method=OCR, confidence=90.0)],
                entities=entities,
            )
            t = time.perf_counter()
            archive.add([doc])
            times.append(time.perf_counter() - t)
            archive.remove([doc.id])
    finally:
        archive.close()
    return statistics.median(times)


def ingest_one_file(db: Path, work: Path) -> float:
    """Median seconds, over ONE_MORE_RUNS runs, of `pipeline.ingest.ingest` of one real file
    (the 08 事務連絡's born-digital PDF: read, normalized, analyzed, loaded, its extracted/ JSON
    written) into the archive at `db`, created empty if missing; in this process, the model
    loaded beforehand. Each run reads the file afresh (a new extracted/ folder) and its documents
    are removed afterwards (untimed), so the archive is left as it was."""
    import shutil

    from pipeline.ingest import ingest

    source = corpus.CORPUS_DIR / "born-digital" / f"{ONE_MORE_SLUG}.pdf"
    ingest([source], work / "warm.db", extracted_dir=work / "warm", workers=1)  # loads GiNZA
    times = []
    for run in range(ONE_MORE_RUNS):
        out = work / f"extracted-{run}"
        t = time.perf_counter()
        report = ingest([source], db, extracted_dir=out, workers=1, force=True)
        times.append(time.perf_counter() - t)
        with Archive(db) as archive:
            archive.remove([i for r in report.files for i in r.document_ids])
            archive.db.execute("delete from files where path = ?", [str(source.resolve())])
        shutil.rmtree(out, ignore_errors=True)
    return statistics.median(times)


def link_one_document(db: Path) -> float:
    """Median seconds of finding and verifying one document's copies (`related.index` and
    `related.link`, the part of `Archive.add` that issue 12's goal bounds), over ONE_MORE_RUNS
    runs, in a transaction rolled back each time."""
    from pipeline.load import related

    text = corpus.plain_text(ONE_MORE_SLUG)
    times = []
    archive = Archive(db)
    try:
        for run in range(ONE_MORE_RUNS):
            sha = hashlib.sha256(f"{ONE_MORE_SLUG}/link/{run}".encode()).hexdigest()
            doc_id = document_id(sha, 1, 1)
            archive.db.conn.execute("BEGIN IMMEDIATE")
            try:
                archive.db.conn.execute(
                    "insert into documents (id, sha256, text, page_start, page_end) values (?, ?, ?, 1, 1)",
                    [doc_id, sha, text])
                t = time.perf_counter()
                texts: dict = {}  # as Archive.add: the text squeezed and hashed once
                related.index(archive.db, [{"id": doc_id, "text": text}], [], texts)
                related.link(archive.db, [doc_id], texts)
                times.append(time.perf_counter() - t)
            finally:
                archive.db.conn.execute("ROLLBACK")
    finally:
        archive.close()
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="generate an archive")
    build.add_argument("db", type=Path)
    build.add_argument("n_docs", type=int)
    build.add_argument("--no-link", action="store_true", help="do not link copies (related empty)")
    more = sub.add_parser("one-more", help="time adding one document")
    more.add_argument("db", type=Path)
    sample = sub.add_parser("sample", help="print synthetic documents")
    sample.add_argument("n", type=int, nargs="+")
    args = parser.parse_args(argv)
    if args.command == "build":
        t = time.perf_counter()
        generate_archive(args.db, args.n_docs, link_copies=not args.no_link)
        print(f"{args.n_docs:,} documents{' (copies not linked)' if args.no_link else ''} in "
              f"{time.perf_counter() - t:.1f} s, {args.db.stat().st_size / 2**20:.0f} MiB")
    elif args.command == "one-more":
        print(f"add: {one_more_document(args.db) * 1000:.1f} ms, "
              f"link: {link_one_document(args.db) * 1000:.1f} ms")
    else:
        for n in args.n:
            doc = synthetic_document(n)
            print(f"--- {n} {doc.id} {doc.kind} {doc.issuer} {doc.issued_on} {len(doc.text)} chars, "
                  f"{len(doc.entities)} entities\n{doc.title}\n{doc.text}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
