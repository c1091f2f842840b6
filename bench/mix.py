"""A more realistic archive for linking copies than `bench/scale.py`'s.

The scale bench cuts every document from one of the ten corpus documents (its paragraphs in
order, a few dropped, numbers varied): any two cut from the same one are edited versions of each
other (4-gram Jaccard 0.5-0.9), so in an archive of 10,000 every document has ~1,000 relatives
and linking always verifies MAX_CANDIDATES of them. An archive of notices, budget books and
minutes is not like that: most documents have no copy, some have one or two (a scan of a PDF).
Here each document draws its paragraphs from all ten at random (documents of one administration
share boilerplate, rarely most of their text), and COPY_SHARE of them are a noisy copy of an
earlier one (characters misread as OCR misreads them, other line breaks).

    python -m bench.mix build mix.db 10000     # generate, print time and size
    python -m bench.mix one-more mix.db        # add one document / link one, vs an empty archive
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench import scale  # noqa: E402
from pipeline.load.database import Archive  # noqa: E402
from pipeline.model import OCR, Document, Page, document_id  # noqa: E402

SEED = 20261203
COPY_SHARE = 0.05  # documents that are a copy of an earlier one
MISREAD = 0.01  # characters of a copy misread


def _noisy(text: str, rng: random.Random) -> str:
    """`text` as OCR might return it: a character in a hundred replaced by another of the text,
    lines joined in pairs."""
    chars = list(text)
    pool = [c for c in chars if not c.isspace()]
    for i, c in enumerate(chars):
        if not c.isspace() and rng.random() < MISREAD:
            chars[i] = rng.choice(pool)
    lines = "".join(chars).split("\n")
    return "\n".join("".join(lines[i : i + 2]) for i in range(0, len(lines), 2))


def mixed_document(n: int) -> Document:
    """The n-th document of the mix (deterministic)."""
    rng = random.Random(f"{SEED}/{n}")
    if n and rng.random() < COPY_SHARE:
        original = mixed_document(rng.randrange(n))
        text = _noisy(original.text, rng)
        entities = []
        title, kind, issuer, issued_on = original.title, original.kind, original.issuer, original.issued_on
    else:
        bases = scale._bases()
        target = scale._length(rng)
        header, muni, issued_on = scale._header(n, rng)
        parts, entities, pos = [header], list(scale._entities(header)), len(header)
        while pos < target:
            b = rng.randrange(len(bases))
            fragment = scale._fragment(b, rng.randrange(len(bases[b][1])), rng.randrange(scale.VARIANTS))
            pos += 2
            parts.append(fragment.text)
            entities.extend(replace(e, start=e.start + pos, end=e.end + pos) for e in fragment.entities)
            pos += len(fragment.text)
        text = "\n\n".join(parts)
        info = bases[rng.randrange(len(bases))][0]
        title, kind, issuer = scale.vary(info.title, rng), info.kind, info.issuer
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        id=document_id(sha, 1, 1), source=f"mixed-{n:06d}.pdf", sha256=sha, page_start=1,
        page_end=1, title=title, kind=kind, issuer=issuer, issued_on=issued_on, text=text,
        pages=[Page(number=1, text=text, method=OCR, confidence=90.0)], entities=entities,
    )


def mixed_documents(n_docs: int) -> Iterator[Document]:
    seen: set[str] = set()
    for n in range(n_docs):
        doc = mixed_document(n)
        if doc.id not in seen:  # a copy drawn without a misread is the same bytes
            seen.add(doc.id)
            yield doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.mix", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="generate an archive of the mix")
    build.add_argument("db", type=Path)
    build.add_argument("n_docs", type=int)
    more = sub.add_parser("one-more", help="time adding and linking one document, vs an empty archive")
    more.add_argument("db", type=Path)
    more.add_argument("empty", type=Path)
    args = parser.parse_args(argv)
    if args.command == "build":
        t = time.perf_counter()
        archive = Archive(args.db)
        try:
            archive.rebuild(mixed_documents(args.n_docs))
            counts = dict(archive.db.execute("select relation, count(*) from related group by relation"))
        finally:
            archive.close()
        print(f"{args.n_docs:,} documents in {time.perf_counter() - t:.1f} s, "
              f"{args.db.stat().st_size / 2**20:.0f} MiB, links {counts}")
    else:
        for db in (args.db, args.empty):
            print(f"{db}: add {scale.one_more_document(db) * 1000:.1f} ms, "
                  f"link {scale.link_one_document(db) * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
