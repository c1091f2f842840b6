"""Inter-annotator agreement on the real-document gold (annotators a and b).

For each slug, entities are compared per kind as multisets of values restricted to the
annotated `pages` range; documents are compared field by field (pages, title, kind, issuer,
issued_on) after NFKC and whitespace removal. Agreement = 2·|a∩b| / (|a|+|b|).

Usage: python3 tests/gold/real/agreement.py [--settled] [SLUG...]   (--settled: also count how each
disagreement was decided, comparing a and b with tests/gold/real/<slug>.json)
"""
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
KINDS = ["date", "money", "law_ref", "doc_number", "municipality", "prefecture"]
DOC_FIELDS = ["pages", "title", "kind", "issuer", "issued_on"]


def norm(v):
    if v is None:
        return None
    if isinstance(v, list):
        return tuple(v)
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))


def values(ann, kind):
    lo, hi = ann["pages"]
    return Counter(norm(e["value"]) for e in ann["entities"]
                   if e["kind"] == kind and lo <= e["page"] <= hi)


def doc_values(ann, field):
    return Counter((i, norm(d.get(field))) for i, d in enumerate(ann["documents"]))


def doc_set(ann):
    # documents compared as whole tuples by page range, for the multi-document bundles
    return Counter(tuple(norm(d.get(f)) for f in DOC_FIELDS) for d in ann["documents"])


def share(a, b):
    both = sum((a & b).values())
    total = sum(a.values()) + sum(b.values())
    return both, total


def main():
    settled_mode = "--settled" in sys.argv
    slugs = sorted(p.stem for p in (HERE / "annotators" / "a").glob("*.json"))
    only = [a for a in sys.argv[1:] if not a.startswith("--")]  # slugs named: just those
    slugs = [s for s in slugs if s in only] if only else slugs
    tot = {k: [0, 0, 0, 0] for k in KINDS + ["document"]}  # both, total, only_a, only_b
    decided = Counter()
    lines = []
    for slug in slugs:
        a = json.loads((HERE / "annotators" / "a" / f"{slug}.json").read_text())
        b = json.loads((HERE / "annotators" / "b" / f"{slug}.json").read_text())
        s = None
        if settled_mode and (HERE / f"{slug}.json").exists():
            s = json.loads((HERE / f"{slug}.json").read_text())
        if a["pages"] != b["pages"]:
            lines.append(f"{slug}: pages differ a={a['pages']} b={b['pages']}")
        for kind in KINDS:
            va, vb = values(a, kind), values(b, kind)
            both, total = share(va, vb)
            oa, ob = va - vb, vb - va
            t = tot[kind]
            t[0] += both; t[1] += total; t[2] += sum(oa.values()); t[3] += sum(ob.values())
            vs = values(s, kind) if s else None
            for v, n in oa.items():
                lines.append(f"{slug}: {kind} only-a ×{n} {v}")
                if vs is not None:
                    kept = min(n, max(0, vs[v] - vb[v]))
                    decided["a"] += kept; decided["b"] += n - kept
            for v, n in ob.items():
                lines.append(f"{slug}: {kind} only-b ×{n} {v}")
                if vs is not None:
                    kept = min(n, max(0, vs[v] - va[v]))
                    decided["b"] += kept; decided["a"] += n - kept
        # documents: one value per (field, document) pair, and per whole-document tuple
        for field in DOC_FIELDS:
            da, db = doc_values(a, field), doc_values(b, field)
            both, total = share(da, db)
            t = tot["document"]
            t[0] += both; t[1] += total
            t[2] += sum((da - db).values()); t[3] += sum((db - da).values())
        sa, sb = doc_set(a), doc_set(b)
        if sa != sb:
            ss = doc_set(s) if s else None
            for d in sa - sb:
                lines.append(f"{slug}: document only-a {d}")
            for d in sb - sa:
                lines.append(f"{slug}: document only-b {d}")
            if ss is not None:
                if ss == sa:
                    decided["a"] += 1
                elif ss == sb:
                    decided["b"] += 1
                else:
                    decided["neither"] += 1
    print("| kind | both | only-a | only-b | agreement 2·|a∩b|/(|a|+|b|) |")
    print("|---|---:|---:|---:|---:|")
    for kind, (both, total, oa, ob) in tot.items():
        agr = 2 * both / total if total else 1.0
        print(f"| {kind} | {both} | {oa} | {ob} | {agr:.3f} |")
    print()
    print(f"disagreements (value lines): {sum(1 for l in lines if 'only-' in l)}")
    if settled_mode:
        print(f"decided: towards a {decided['a']}, towards b {decided['b']}, "
              f"neither (document sets) {decided['neither']}")
    print()
    for line in lines:
        print("-", line)


if __name__ == "__main__":
    main()
