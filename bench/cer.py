"""Character error rate of page extraction against the corpus reference text.

CER = edit distance / reference length, after NFKC and removing all whitespace on both sides
(line wrapping and the spaces OCR puts between Japanese characters are not errors here).

Usage:
    python bench/cer.py                    # born-digital and scanned renderings, all documents
    python bench/cer.py --kind scanned 09-wards-answers 10-newspaper
    python bench/cer.py --pdf-dir /tmp/renders --kind scanned   # other renderings, same names
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def squash(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy pass per character of `a`.

    Within a row the insertion chain D[j] = min(D[j-1] + 1, T[j]) is solved at once as
    D[j] = j + min over k <= j of (T[k] - k), a cumulative minimum.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1)
    row = idx.copy()
    for i, ch in enumerate(a, start=1):
        cost = (codes_b != ord(ch)).astype(np.int64)
        t = np.empty_like(row)
        t[0] = i
        t[1:] = np.minimum(row[1:] + 1, row[:-1] + cost)
        row = np.minimum.accumulate(t - idx) + idx
    return int(row[-1])


def cer(hypothesis: str, reference: str) -> float:
    ref, hyp = squash(reference), squash(hypothesis)
    return edit_distance(hyp, ref) / max(1, len(ref))


def main(argv: list[str] | None = None) -> int:
    from pipeline.corpus import CORPUS_DIR, SLUGS, plain_text
    from pipeline.extract import extract_pages

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("slugs", nargs="*", default=list(SLUGS))
    parser.add_argument("--kind", choices=["born-digital", "scanned", "both"], default="both")
    parser.add_argument("--pdf-dir", type=Path, help="directory with <slug>.pdf (default corpus/<kind>)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--show", action="store_true", help="print the extracted text")
    args = parser.parse_args(argv)
    kinds = ["born-digital", "scanned"] if args.kind == "both" else [args.kind]
    for kind in kinds:
        folder = args.pdf_dir or CORPUS_DIR / kind
        total_err = total_len = 0.0
        print(f"{kind}:")
        for slug in args.slugs:
            path = folder / f"{slug}.pdf"
            if not path.exists():
                continue
            t = time.perf_counter()
            pages = extract_pages(path, workers=args.workers)
            seconds = time.perf_counter() - t
            text = "\n".join(p.text for p in pages)
            ref = squash(plain_text(slug))
            err = edit_distance(squash(text), ref)
            total_err += err
            total_len += len(ref)
            methods = ",".join(sorted({p.method for p in pages}))
            print(f"  {slug:22} CER {err / len(ref):6.2%}  ({err}/{len(ref)})  "
                  f"{len(pages)} p {methods} {seconds:5.1f} s", flush=True)
            if args.show:
                print(text)
        if total_len:
            print(f"  {'overall':22} CER {total_err / total_len:6.2%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
