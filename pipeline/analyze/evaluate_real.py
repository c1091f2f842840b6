"""Score the pipeline on the real documents' gold (`tests/gold/real/<slug>.json`, format in
`tests/gold/real/GUIDELINES.md`): entities per kind and document metadata.

Each gold file names a PDF (`file`, looked up in `../shared/real/` then `../shared/external/`).
The PDF goes through the pipeline's own ingest path — extract (OCR included) → normalize →
split → metadata → rule entities — minus GiNZA, whose people and organizations are not scored
(merging them never changes a rule entity). Results are cached in `build/eval-cache/`: the
normalized pages keyed by the file's sha256 and the version of the code that reads pages
(`extract/`, `normalize/`, `_exec/`, …), the analysed documents keyed by the sha256 and the version
of all the pipeline's code, so a second `make eval` reads JSON only and a change to an extractor
re-runs analysis without re-running OCR.

Entities are scored per kind on the multiset of values of each file, counting only mentions on
the gold's `pages`; law_ref values compare as the e-Gov law id followed by the article
(`law_key`). Mentions without a value (vague amounts) are not scored. Metadata is scored per gold
document against the pipeline document that starts on its first page (else the one that holds
it): title right when equal after NFKC and whitespace removal or a difflib ratio ≥ 0.9; issuer
right when equal or one contains the other after that normalization; issued_on and kind exact.
Boundaries: the gold page ranges found exactly among the pipeline's documents (precision over the
pipeline's documents, recall over the gold's).
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
import hashlib
import json
import re
import sys
import unicodedata
from functools import lru_cache
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import InputError
from pipeline.analyze.scoring import EXTRA_KINDS, KINDS, gold_value
from pipeline.model import Document, Entity, Page, join_pages

REPO = Path(__file__).resolve().parents[2]
DEFAULT_REAL_GOLD = REPO / "tests" / "gold" / "real"
DEFAULT_PDF_DIRS = (REPO.parent / "shared" / "real", REPO.parent / "shared" / "external")
DEFAULT_CACHE = REPO / "build" / "eval-cache"
SCORED_KINDS = KINDS + EXTRA_KINDS
METADATA_FIELDS = ("title", "kind", "issuer", "issued_on")
TITLE_RATIO = 0.9

# The code that turns a file into normalized pages; everything else is analysis.
_PAGE_CODE = ("extract", "normalize", "_exec", "ja", "ingest.py", "limits.py", "model.py", "errors.py")


# --- running the pipeline, cached ------------------------------------------------------------


@lru_cache(maxsize=4)
def code_version(parts: tuple[str, ...] | None = None) -> str:
    """A hash of the pipeline's source (the given parts of `pipeline/`, else all of it)."""
    root = REPO / "pipeline"
    paths = [root / p for p in parts] if parts else [root]
    h = hashlib.sha256()
    for base in paths:
        files = [base] if base.is_file() else sorted(base.rglob("*"))
        for f in files:
            if f.is_file() and f.suffix in {".py", ".json", ".csv", ".c"}:
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _sha256(path: Path) -> str:
    from pipeline.ingest import sha256_file

    return sha256_file(path)


def run_pipeline(pdf: Path, cache_dir: Path = DEFAULT_CACHE, workers: int = 2) -> list[Document]:
    """The documents ingest makes of `pdf` (metadata and rule entities filled, entity pages
    set as file pages), from the cache when the file and the code are unchanged."""
    sha = _sha256(pdf)
    cache_dir.mkdir(parents=True, exist_ok=True)
    docs_file = cache_dir / f"docs-{sha[:16]}-{code_version()}.json"
    if docs_file.exists():
        return [Document.from_dict(d) for d in json.loads(docs_file.read_text("utf-8"))]
    pages_file = cache_dir / f"pages-{sha[:16]}-{code_version(_PAGE_CODE)}.json"
    if pages_file.exists():
        pages = [_page(p) for p in json.loads(pages_file.read_text("utf-8"))]
    else:
        from dataclasses import asdict

        from pipeline.stages import read_pages

        pages = read_pages(pdf, workers=workers)
        _write(pages_file, [asdict(p) for p in pages])
    docs = analyze_pages(pages, pdf, sha)
    _write(docs_file, [d.to_dict() for d in docs])
    return docs


def _write(path: Path, data) -> None:
    """Write JSON whole or not at all (an interrupted run leaves no half-written cache entry),
    and drop the same file's entries from older code versions."""
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    tmp.replace(path)
    kind_and_sha = path.name.rsplit("-", 1)[0]  # docs-<sha16>
    for old in path.parent.glob(f"{kind_and_sha}-*.json"):
        if old != path:
            old.unlink(missing_ok=True)


def _page(data: dict) -> Page:
    from pipeline.model import Table

    data = dict(data)
    data["tables"] = [Table(**t) for t in data.get("tables", [])]
    return Page(**data)


def analyze_pages(pages: list[Page], pdf: Path, sha: str) -> list[Document]:
    """Split, describe and extract rule entities as `pipeline ingest` does (no GiNZA)."""
    from pipeline.analyze import describe_document, rule_entities
    from pipeline.stages import source_path_for, split_into_documents

    docs = split_into_documents(pages, sha, pdf.name, source_path_for(pdf, pdf.parent))
    for doc in docs:
        describe_document(doc)
        doc.entities = rule_entities(doc)
        set_file_pages(doc)
    return docs


def set_file_pages(doc: Document) -> None:
    """Each entity's `page`: the page of the source file it starts on."""
    _, spans = join_pages(doc.pages)
    starts = [s for s, _ in spans]
    for e in doc.entities:
        e.page = doc.page_start + max(0, bisect_right(starts, e.start) - 1)


# --- entity values as the gold writes them ----------------------------------------------------


def entity_value(entity: Entity) -> str | None:
    """The value the gold writes (`scoring.gold_value`); None for a mention without one."""
    return gold_value(entity) or None


# --- scoring ----------------------------------------------------------------------------------


@dataclass
class Tally:
    right: int = 0
    total: int = 0
    wrong: list[str] = field(default_factory=list)

    def add(self, ok: bool, note: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.wrong.append(note)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def _norm(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


def title_right(gold: str | None, found: str | None) -> bool:
    g, f = _norm(gold), _norm(found)
    if not g or not f:
        return g == f
    return g == f or difflib.SequenceMatcher(None, g, f).ratio() >= TITLE_RATIO


def issuer_right(gold: str | None, found: str | None) -> bool:
    g, f = _norm(gold), _norm(found)
    if not g or not f:
        return g == f
    return g in f or f in g


FIELD_RIGHT = {
    "title": title_right,
    "issuer": issuer_right,
    "kind": lambda g, f: g == f,
    "issued_on": lambda g, f: g == f,
}


@dataclass
class RealScores:
    entities: dict  # kind -> scoring.Score
    metadata: dict[str, Tally]
    boundaries: object  # scoring.Score over page ranges
    bundle_boundaries: object  # the same over files the gold splits into several documents
    files: int = 0
    documents: int = 0
    skipped: list[str] = field(default_factory=list)


def _pipeline_doc(docs: list[Document], start: int) -> Document | None:
    for d in docs:
        if d.page_start == start:
            return d
    return next((d for d in docs if d.page_start <= start <= d.page_end), None)


def score_file(gold: dict, docs: list[Document], scores: RealScores) -> None:
    """Add one gold file's comparison with the pipeline's documents to `scores`."""
    slug = gold["slug"]
    first, last = gold["pages"]
    found: dict[str, Counter] = {k: Counter() for k in SCORED_KINDS}
    printed: dict[tuple[str, str], list[str]] = {}  # (kind, value) -> "p3 gold「…」 / found「…」"
    for doc in docs:
        for e in doc.entities:
            value = entity_value(e)
            if e.kind in found and value and first <= (e.page or 0) <= last:
                found[e.kind][value] += 1
                context = doc.text[max(0, e.start - 12) : e.end + 12].replace("\n", "⏎")
                printed.setdefault((e.kind, value), []).append(f"p{e.page} found「{context}」")
    for kind in SCORED_KINDS:
        g = Counter()
        for e in gold["entities"]:
            if e["kind"] == kind and e.get("value") and first <= e.get("page", first) <= last:
                g[e["value"]] += 1
                where = f"p{e.get('page', '?')} gold「{e['text']}」"
                printed.setdefault((kind, e["value"]), []).append(where)
        detail = lambda v, missed, kind=kind: " | ".join(printed.get((kind, v), []))  # noqa: E731
        scores.entities[kind].add(g, found[kind], slug, detail)
    for gd in gold["documents"]:
        pd = _pipeline_doc(docs, gd["pages"][0])
        for name in METADATA_FIELDS:
            got = getattr(pd, name) if pd else None
            ok = FIELD_RIGHT[name](gd.get(name), got)
            scores.metadata[name].add(ok, f"{slug} p{gd['pages'][0]}: {gd.get(name)!r} ≠ {got!r}")
    gold_ranges = Counter(f"{gd['pages'][0]}-{gd['pages'][1]}" for gd in gold["documents"])
    found_ranges = Counter(f"{d.page_start}-{d.page_end}" for d in docs)
    scores.boundaries.add(gold_ranges, found_ranges, slug)
    if len(gold["documents"]) > 1:
        scores.bundle_boundaries.add(gold_ranges, found_ranges, slug)
    scores.files += 1
    scores.documents += len(gold["documents"])


def find_pdf(name: str, pdf_dirs: tuple[Path, ...]) -> Path | None:
    return next((d / name for d in pdf_dirs if (d / name).is_file()), None)


def evaluate_real(
    gold_dir: Path = DEFAULT_REAL_GOLD,
    pdf_dirs: tuple[Path, ...] = DEFAULT_PDF_DIRS,
    cache_dir: Path = DEFAULT_CACHE,
    run=run_pipeline,
) -> RealScores:
    """Score every `<slug>.json` of `gold_dir` (`run(pdf, cache_dir)` gives the documents)."""
    from .scoring import Score

    scores = RealScores(
        {k: Score() for k in SCORED_KINDS}, {f: Tally() for f in METADATA_FIELDS}, Score(), Score()
    )
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        pdf = find_pdf(gold.get("file") or f"{gold['slug']}.pdf", pdf_dirs)
        if pdf is None:
            scores.skipped.append(f"{gold['slug']}: no PDF {gold.get('file')!r}")
            continue
        print(f"eval: {pdf.name}", file=sys.stderr, flush=True)
        try:
            docs = run(pdf, cache_dir)
        except InputError as exc:
            scores.skipped.append(f"{gold['slug']}: {exc.reason}")
            continue
        score_file(gold, docs, scores)
    return scores


def report_real(scores: RealScores, verbose: bool = False) -> str:
    from .scoring import report

    lines = [f"real gold: {scores.files} files, {scores.documents} documents"]
    lines.append(report(scores.entities, verbose))
    lines.append("")
    lines.append(f"{'metadata':<13}{'right':>7}{'of':>5}{'accuracy':>10}")
    for name, t in scores.metadata.items():
        lines.append(f"{name:<13}{t.right:>7}{t.total:>5}{t.accuracy:>10.3f}")
    for name, b in (("boundaries", scores.boundaries), ("  in bundles", scores.bundle_boundaries)):
        lines.append(
            f"{name:<13}{b.tp:>7}{b.tp + b.fn:>5}{b.recall:>10.3f}"
            f"   (documents' page ranges found; precision {b.precision:.3f} of {b.tp + b.fp})"
        )
    b = scores.boundaries
    if verbose:
        for name, t in scores.metadata.items():
            lines += [f"  wrong {name} {w}" for w in t.wrong]
        lines += [f"  missed range {m}" for m in b.misses]
        lines += [f"  extra range {x}" for x in b.extras]
    lines += [f"  skipped {s}" for s in scores.skipped]
    return "\n".join(lines)
