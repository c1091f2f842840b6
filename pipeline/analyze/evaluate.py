"""Score the rule-based entity extractors against the hand-made gold (`make eval`).

    python -m pipeline.analyze.evaluate [--ctx meta|gold|none] [--gold-dir tests/gold]
                                        [--text-from archive.db] [-v]
                                        [--real-gold-dir tests/gold/real] [--pdf-dir DIR]
                                        [--cache-dir DIR]
                                        [--no-seed | --no-real]

The seed gold is scored here; the real documents' gold (`tests/gold/real/`) by
`evaluate_real` (the PDFs run through the ingest path, cached), reported after it.

For each `tests/gold/<slug>.json` ({"slug", "issued_on", "entities": [{"kind", "text", "value"}]})
the document's text is taken from the archive (`--text-from`: documents whose `source` is one of
the slug's files in corpus/documents.json), else from `tests/gold/<slug>.txt` (the real PDFs'
texts), else from `pipeline.corpus.plain_text(slug)` (the seed documents). The text is normalized
like the pipeline does (NFKC, no spaces between Japanese characters), `extract_entities` runs with
a document context, and each kind is scored on the multiset of values per document: TP/FP/FN,
precision, recall, F1, and the micro-average over the kinds.

The context decides how partial and relative dates resolve, so it is a choice (`--ctx`):
`meta` (the default) is what the pipeline passes, `pipeline.analyze.metadata.describe(text)`'s
issued_on, issuer and title (nothing if that module fails); `gold` is the gold's issued_on (the
date a reader knows); `none` is no context at all. The report is for the chosen context, followed
by the F1 per kind under all three.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from pipeline.analyze.entities import DocumentContext, extract_entities

from .scoring import EXTRA_KINDS, KINDS, Score, gold_value, micro, report  # noqa: F401 (used by evaluate_real too)

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "tests" / "gold"

# The real documents' gold writes law_ref values as e-Gov law id + article (322AC0000000067第180条).
LAW_ID = re.compile(r"[0-9]{3}(?:[A-Z]{2}|M[0-9]|R|CONSTITUTION)")


def scored_value(e, by_law_id: bool) -> str:
    """The value an entity is scored by: a law_ref's `law_key` when the gold keys laws by id."""
    return (gold_value(e) if by_law_id else e.value) or ""


def normalize(text: str) -> str:
    """The pipeline's own text normalization, so gold texts read as ingested ones do."""
    from ..normalize import normalize_text

    return normalize_text(text)


def _archive_text(db: str, slug: str) -> str | None:
    import sqlite3

    try:
        from pipeline.corpus import documents
    except ImportError:
        return None
    files = {Path(f).name for d in documents() if d.get("slug") == slug for f in _files(d)}
    if not files:
        return None
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("select source, text from documents").fetchall()
    finally:
        conn.close()
    texts = [t for s, t in rows if Path(s).name in files]
    return "\n\n".join(texts) if texts else None


def _files(record: dict) -> list[str]:
    out = []
    for v in record.values():
        if isinstance(v, str) and v.endswith(".pdf"):
            out.append(v)
        elif isinstance(v, list):
            out += [x for x in v if isinstance(x, str) and x.endswith(".pdf")]
    return out


def document_text(slug: str, gold_dir: Path, text_from: str | None = None) -> str | None:
    if text_from:
        text = _archive_text(text_from, slug)
        if text is not None:
            return text  # already normalized by the pipeline
    fixture = gold_dir / f"{slug}.txt"
    if fixture.exists():
        return normalize(fixture.read_text(encoding="utf-8"))
    try:
        from pipeline.corpus import plain_text

        return normalize(plain_text(slug))
    except (ImportError, KeyError):
        return None


CONTEXTS = ("meta", "gold", "none")


def context(mode: str, gold: dict, text: str) -> DocumentContext:
    """The DocumentContext `extract_entities` gets under `mode` (see the module docstring)."""
    if mode == "gold":
        return DocumentContext(gold.get("issued_on"), gold.get("issuer"), gold.get("title"))
    if mode == "meta":
        try:
            from pipeline.analyze.metadata import describe

            meta = describe(text)
        except Exception as exc:  # another stage's bug must not hide the extractors' score
            print(f"metadata failed on {gold['slug']}: {exc!r}", file=sys.stderr)
            return DocumentContext()
        return DocumentContext(meta.get("issued_on"), meta.get("issuer"), meta.get("title"))
    if mode == "none":
        return DocumentContext()
    raise ValueError(f"unknown context {mode!r}")


def evaluate(
    gold_dir: Path = DEFAULT_GOLD, text_from: str | None = None, ctx: str = "meta"
) -> dict[str, Score]:
    scores = {kind: Score() for kind in KINDS + EXTRA_KINDS}
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = document_text(gold["slug"], gold_dir, text_from)
        if text is None:
            print(f"skipped {gold['slug']}: no text", file=sys.stderr)
            continue
        found = extract_entities(text, context(ctx, gold, text))
        by_law_id = any(LAW_ID.match(e["value"] or "") for e in gold["entities"]
                        if e["kind"] == "law_ref")
        for kind in KINDS + EXTRA_KINDS:
            g = Counter(e["value"] or "" for e in gold["entities"] if e["kind"] == kind)
            f = Counter(scored_value(e, by_law_id) for e in found if e.kind == kind)
            scores[kind].add(g, f, gold["slug"])
    return scores


def compare(by_ctx: dict[str, dict[str, Score]]) -> str:
    """F1 per kind (columns) under each context (rows)."""
    kinds = [*KINDS, *EXTRA_KINDS]
    head = f"{'F1 by ctx':<10}" + "".join(f"{k[:12]:>13}" for k in kinds) + f"{'micro (5)':>13}"
    rows = [
        f"{mode:<10}"
        + "".join(f"{scores[k].f1:>13.3f}" for k in kinds)
        + f"{micro(scores).f1:>13.3f}"
        for mode, scores in by_ctx.items()
    ]
    return "\n".join([head, *rows])


def issued_on_accuracy(
    gold_dir: Path = DEFAULT_GOLD, text_from: str | None = None, verbose: bool = False
) -> str:
    """The seed's metadata score: its gold has only issued_on, compared with describe()'s."""
    from pipeline.analyze.metadata import describe

    right = total = 0
    wrong = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        text = document_text(gold["slug"], gold_dir, text_from)
        if text is None or "issued_on" not in gold:
            continue
        found = describe(text)["issued_on"]
        total += 1
        right += found == gold["issued_on"]
        if found != gold["issued_on"]:
            wrong.append(f"{gold['slug']}: {gold['issued_on']!r} ≠ {found!r}")
    acc = right / total if total else 1.0
    lines = [f"{'issued_on':<13}{right:>7}{total:>5}{acc:>10.3f}"]
    return "\n".join(lines + [f"  wrong issued_on {w}" for w in wrong] * verbose)


def main(argv: list[str] | None = None) -> int:
    from . import evaluate_real as real

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-dir", type=Path, default=DEFAULT_GOLD)
    parser.add_argument(
        "--real-gold-dir", type=Path, default=real.DEFAULT_REAL_GOLD,
        help="the real documents' gold (<slug>.json per PDF of ../shared/real)",
    )
    parser.add_argument(
        "--pdf-dir", type=Path, action="append",
        help="where the real gold's PDFs are (repeatable; default ../shared/real, ../shared/external)",
    )
    parser.add_argument("--cache-dir", type=Path, default=real.DEFAULT_CACHE)
    parser.add_argument("--no-real", action="store_true", help="score the seed only")
    parser.add_argument("--no-seed", action="store_true", help="score the real gold only")
    parser.add_argument("--text-from", metavar="ARCHIVE_DB", help="score the archive's texts")
    parser.add_argument(
        "--ctx", choices=CONTEXTS, default="meta",
        help="document date passed to the extractors: the pipeline's (meta), the gold's, or none",
    )  # fmt: skip
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    args = parser.parse_args(argv)
    if not args.no_seed:
        by_ctx = {args.ctx: evaluate(args.gold_dir, args.text_from, args.ctx)}
        print(f"seed gold ({args.gold_dir}), context: {args.ctx}")
        print(report(by_ctx[args.ctx], args.verbose))
        for mode in CONTEXTS:
            by_ctx.setdefault(mode, evaluate(args.gold_dir, args.text_from, mode))
        print()
        print(compare({mode: by_ctx[mode] for mode in CONTEXTS}))
        print()
        print(f"{'metadata':<13}{'right':>7}{'of':>5}{'accuracy':>10}")
        print(issued_on_accuracy(args.gold_dir, args.text_from, args.verbose))
    if not args.no_real:
        if not any(args.real_gold_dir.glob("*.json")):
            print(f"\nreal gold: no <slug>.json in {args.real_gold_dir}")
            return 0
        pdf_dirs = tuple(args.pdf_dir or real.DEFAULT_PDF_DIRS)
        scores = real.evaluate_real(args.real_gold_dir, pdf_dirs, cache_dir=args.cache_dir)
        print()
        print(real.report_real(scores, args.verbose))
    return 0


if __name__ == "__main__":
    sys.exit(main())
