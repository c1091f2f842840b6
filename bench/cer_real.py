"""OCR character error rate on real born-digital pages, against their own text layer.

bench/cer.py measures OCR on the seed corpus's synthetic scans, the pages OCR was tuned on. Here
the pages are real layouts (notices, 議事録, 条例, a gazette, a newsletter, tables) from
../shared/real and ../shared/external that have a text layer the pipeline reads exactly:
  - REFERENCE: the pipeline's text-layer reading of the page (`extract_pages`; a page that was
    not read from its text layer, or whose text has private-use, replacement or (cid:n)
    characters, is left out and said so);
  - HYPOTHESIS: `ocr_page` on the page rasterized at 300 dpi in grayscale (as `extract/pdf.render`
    does), clean, or degraded like the corpus's scans (`corpus/scan.degrade` and its JPEG).
CER = edit distance / reference length after NFKC and removing all whitespace (bench/cer.py).

What the number measures: recognition AND reading order. On running text the text layer's order
is the reading order, so the CER is mostly recognition; on tables and vertical or multi-column
pages the two orders may differ, so those pages are reported as groups of their own.

Usage:
    python bench/cer_real.py                       # clean renderings, all pages
    python bench/cer_real.py --degraded --pages 5  # degraded renderings, the first 5 pages
    python bench/cer_real.py --both --save /tmp/after.json
    python bench/cer_real.py --compare /tmp/before.json /tmp/after.json   # where B is worse
To measure another checkout of the pipeline: PYTHONPATH=/path/to/tree python bench/cer_real.py
(the pipeline imported is printed first).
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
# Appended, not prepended: a PYTHONPATH naming another tree's pipeline comes first.
sys.path.append(str(REPO))

import pipeline  # noqa: E402  (before bench/cer.py, which puts REPO first on sys.path)
from cer import edit_distance, squash  # noqa: E402

DPI = 300
UNRELIABLE = "\ufffd"  # PDFium's replacement character: a glyph with no Unicode


@dataclass(frozen=True)
class Sample:
    file: str  # under ../shared
    page: int  # 1-based
    group: str  # prose, table, vertical: how comparable the text layer's order is
    what: str


# Different producers and layouts; pages read from the text layer (checked at run time).
SAMPLES = [
    Sample("real/digital-shakai-suishin-kaigi-4-gijiroku-2023.pdf", 3, "prose", "議事録 (Word)"),
    Sample("real/caa-shohisha-kyoiku-suishin-kaigi-25-gijiroku-2019.pdf", 3, "prose",
           "議事録 (Word→Acrobat)"),
    Sample("real/mhlw-hoihatsu-0428-9-kensaryo-2022.pdf", 1, "prose", "通知, MFP driver"),
    Sample("real/mhlw-jimurenraku-tsuchi-ichibu-teisei-2020-bundle.pdf", 1, "prose",
           "事務連絡, character-spaced"),
    # Old and new text side by side: the text layer reads each row across both columns.
    Sample("real/mhlw-kokuji-85-shinryo-hoshu-kaisei-2019.pdf", 3, "table",
           "告示, JUST PDF, two columns compared"),
    Sample("external/mhlw-hohatsu-0819-1.pdf", 1, "prose", "通知, spaced, full-width digits"),
    Sample("real/cio-hosakan-discussion-paper-2021-05.pdf", 3, "prose", "discussion paper"),
    Sample("real/cao-keizai-zaisei-hokoku-gaiyo-2024.pdf", 1, "prose", "白書 summary, 2 columns"),
    Sample("real/cao-fdma-corona-ka-no-hinan-leaflet-2021.pdf", 1, "prose", "leaflet (PowerPoint)"),
    Sample("real/nankoku-hokoku-2-songai-baisho-senketsu-2026.pdf", 1, "prose", "報告 (一太郎)"),
    Sample("real/nankoku-gikai-446-gian-ichiran-2026.pdf", 1, "table",
           "議案一覧, a list in two columns without rulings"),
    Sample("real/nankoku-shisei-hoshin-2026.pdf", 2, "prose", "施政方針 speech"),
    Sample("real/nankoku-toshokan-setchi-jorei-zenbu-kaisei-2025.pdf", 2, "prose", "条例"),
    Sample("real/nankoku-kijun-jorei-kaisei-jido-fukushi-ho-2025.pdf", 1, "prose",
           "改正条例 (を…に改める)"),
    Sample("real/niigata-kaigo-system-nyusatsu-setsumeisho-2025.pdf", 3, "prose", "入札説明書"),
    Sample("real/otoineppu-koho-2024-06-vertical.pdf", 3, "prose", "newsletter (InDesign)"),
    Sample("real/itabashi-gikai-bunkyo-jido-iinkai-shiryo-2025.pdf", 1, "table",
           "committee paper with tables"),
    Sample("real/tokyo-covid-betsushi-2021-12-08.pdf", 2, "table", "報道発表 別紙, Excel table"),
    Sample("external/tokyo-covid-2020071001.pdf", 3, "table", "press-release annex, table"),
    Sample("real/nankoku-r7-ippan-kaikei-hosei-yosan-2025.pdf", 2, "table", "補正予算 table"),
    Sample("real/kanpo-honshi-4817-2008-p4-vertical.pdf", 1, "vertical", "官報 本紙, 縦書き"),
]


def unreliable(text: str, cells: list[str] = ()) -> str | None:
    """Why a text layer's reading cannot serve as the reference, or None. `cells`: the text of
    the page's table cells, which its text must hold (what OCR reads of a table, it puts in the
    text)."""
    pua = sum(1 for ch in text if 0xE000 <= ord(ch) <= 0xF8FF or ord(ch) >= 0xF0000)
    if pua:
        return f"{pua} private-use characters"
    if UNRELIABLE in text or "(cid:" in text:
        return "glyphs without Unicode"
    if len(squash(text)) < 100:
        return "under 100 characters"
    missing = Counter(squash("".join(cells))) - Counter(squash(text))
    if sum(missing.values()) > 0.1 * len(squash(text)):
        return f"{sum(missing.values())} characters of its table cells missing from its text"
    return None


def reference(sample: Sample) -> tuple[str | None, str]:
    """The page's text-layer reading, or None and the reason it cannot be used."""
    from pipeline.extract import extract_pages
    from pipeline.model import TEXT_LAYER

    pages = extract_pages(SHARED / sample.file)
    page = pages[sample.page - 1]
    if page.method != TEXT_LAYER:
        return None, f"read by {page.method}, not from its text layer"
    why = unreliable(page.text, [cell for t in page.tables for row in t.rows for cell in row])
    return (None, why) if why else (page.text, "")


def rendering(sample: Sample, degraded: bool) -> np.ndarray:
    """The page as a grayscale array at DPI; degraded: through the corpus's scan simulation
    (skew, blur, paper tone, specks, noise) and its JPEG, as an OCR input would arrive."""
    from pipeline.corpus import scan
    from pipeline.extract import pdf

    path = SHARED / sample.file
    doc = pdf.open_pdf(path)
    try:
        gray = pdf.render(pdf.load_page(doc, sample.page - 1, path), DPI)
    finally:
        with pdf.LOCK:
            doc.close()
    if not degraded:
        return gray
    name = Path(sample.file).stem
    scanned = scan.degrade(Image.fromarray(gray), scan.seed_for(name, sample.page))
    with Image.open(io.BytesIO(scan.jpeg_bytes(scanned))) as jpeg:
        return np.asarray(jpeg.convert("L"))


def measure(sample: Sample, ref: str, degraded: bool) -> dict:
    from pipeline.extract.ocr import ocr_page

    gray = rendering(sample, degraded)
    t = time.perf_counter()
    page = ocr_page(gray, sample.page, dpi=DPI)
    seconds = time.perf_counter() - t
    hyp = page.text
    r, h = squash(ref), squash(hyp)
    return {"file": sample.file, "page": sample.page, "group": sample.group,
            "rendering": "degraded" if degraded else "clean", "errors": edit_distance(h, r),
            "length": len(r), "seconds": round(seconds, 1),
            "read_as": "vertical" if page.vertical else f"turned {page.rotation}" if page.rotation
            else "horizontal", "reference": ref, "hypothesis": hyp}


def run(samples: list[Sample], renderings: list[bool], workers: int) -> list[dict]:
    refs: dict[Sample, str] = {}
    for s in samples:
        text, why = reference(s)
        if text is None:
            print(f"  left out: {s.file} p{s.page}: {why}", flush=True)
        else:
            refs[s] = text
    results = []
    for degraded in renderings:
        label = "degraded" if degraded else "clean"
        print(f"{label}:", flush=True)
        t = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            jobs = [(s, pool.submit(measure, s, refs[s], degraded)) for s in refs]
            for s, job in jobs:
                r = job.result()
                results.append(r)
                print(f"  {Path(s.file).stem[:44]:44} p{s.page:<3} {s.group:8} "
                      f"CER {r['errors'] / r['length']:6.2%} ({r['errors']}/{r['length']}) "
                      f"{r['seconds']:5.1f} s  {r['read_as']}", flush=True)
        mine = [r for r in results if r["rendering"] == label]
        for group in ("prose", "table", "vertical", "all"):
            rows = [r for r in mine if group in ("all", r["group"])]
            if rows:
                err, n = sum(r["errors"] for r in rows), sum(r["length"] for r in rows)
                median = float(np.median([r["errors"] / r["length"] for r in rows]))
                print(f"  {'overall ' + group:49} {'':8} CER {err / n:6.2%} ({err}/{n}) "
                      f"{len(rows)} p, median page {median:.2%}", flush=True)
        print(f"  wall time {time.perf_counter() - t:.0f} s", flush=True)
    return results


def differences(ref: str, hyp: str, context: int = 6) -> list[str]:
    """The places where `hyp` departs from `ref` (squashed), as 「ref」→「hyp」 in context."""
    r, h = squash(ref), squash(hyp)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, r, h, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(f"…{r[max(0, i1 - context):i1]}[{r[i1:i2]}→{h[j1:j2]}]{r[i2:i2 + context]}…")
    return out


def compare(before: Path, after: Path) -> int:
    """Per page, the errors in `before` and `after` (files written by --save), and for each
    page that got worse, the differences that `after` has and `before` has not."""
    a = {(r["file"], r["page"], r["rendering"]): r for r in json.loads(before.read_text())}
    b = {(r["file"], r["page"], r["rendering"]): r for r in json.loads(after.read_text())}
    groups = {(s.file, s.page): s.group for s in SAMPLES}  # the list's grouping, if changed
    for r in list(a.values()) + list(b.values()):
        r["group"] = groups.get((r["file"], r["page"]), r["group"])
    print(f"{'page':52} {'rendering':9} {'before':>14} {'after':>14}")
    worse = []
    for key in sorted(a.keys() & b.keys(), key=lambda k: (k[2], k[0], k[1])):
        x, y = a[key], b[key]
        print(f"  {Path(key[0]).stem[:44]:44} p{key[1]:<3} {key[2]:9} "
              f"{x['errors'] / x['length']:6.2%} ({x['errors']:3}) "
              f"{y['errors'] / y['length']:6.2%} ({y['errors']:3})")
        if y["errors"] > x["errors"]:
            worse.append(key)
    for rendering in ("clean", "degraded"):
        for group in ("prose", "table", "vertical", "all"):
            keys = [k for k in a.keys() & b.keys()
                    if k[2] == rendering and group in ("all", b[k]["group"])]
            if keys:
                n = sum(a[k]["length"] for k in keys)
                ea, eb = sum(a[k]["errors"] for k in keys), sum(b[k]["errors"] for k in keys)
                print(f"  {'overall ' + group:49} {rendering:9} {ea / n:6.2%} ({ea:4}) "
                      f"{eb / n:6.2%} ({eb:4})  of {n}")
    for key in worse:
        old = set(differences(a[key]["reference"], a[key]["hypothesis"]))
        new = [d for d in differences(b[key]["reference"], b[key]["hypothesis"]) if d not in old]
        gone = [d for d in differences(a[key]["reference"], a[key]["hypothesis"])
                if d not in set(differences(b[key]["reference"], b[key]["hypothesis"]))]
        print(f"\n{key[0]} p{key[1]} {key[2]}: {a[key]['errors']} -> {b[key]['errors']} errors")
        for d in new:
            print(f"  + {d}")
        for d in gone:
            print(f"  - {d}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--degraded", action="store_true", help="degraded renderings only")
    parser.add_argument("--both", action="store_true", help="clean and degraded renderings")
    parser.add_argument("--pages", type=int, help="only the first N pages of the list")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--save", type=Path, help="write references and OCR texts as JSON here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"),
                        help="compare two --save files instead of measuring")
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    print(f"pipeline: {Path(pipeline.__file__).parent}", flush=True)
    renderings = [False, True] if args.both else [args.degraded]
    results = run(SAMPLES[:args.pages], renderings, args.workers)
    if args.save:
        args.save.write_text(json.dumps(results, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
