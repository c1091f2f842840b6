"""`make bench`: performance figures, each beside a baseline measured in the same run.

Absolute times drift on shared machines; the ratios are what the goals (issue 5) are about:
  1. born-digital: ingest of the 408-page Setagaya budget book vs `pdftotext` on it (≤ 30×)
  2. scanned: OCR wall time of our extraction vs bare `tesseract` (jpn, 300 dpi, two at a time) (≤ 1.2×)
  3. search at scale: `?_search=` p95 over HTTP on a 100,000-document archive (≤ 100 ms),
     archive size and build time, ingesting one file into it vs into an empty archive (≤ 1.5×),
     and the load step of that alone (`Archive.add`)
  4. peak RSS (whole process tree) while ingesting the budget book (≤ 2 GiB)
  5. re-ingest of the whole unchanged corpus (≤ 0.5 s), beside `python -c pass`
  6. serving under load (issue 11, `bench/load.py`): 32 clients for 30 s mixing searches, faceted
     lists, document pages and SQL on the live archive and its latest snapshot while an ingest
     writes: 0 failed requests, p95 ≤ 300 ms
  7. publishing the search bench's archive vs copying its file with fsync (≤ 2×), in `search`
  8. scale-out (issue 10): the corpus read through a local 2-worker Dask cluster vs the local
     process pool with 2 workers (≤ 1.1×); pages/s with 1 and 2 workers, born-digital and scanned
  9. the single writer: documents/s loaded (one transaction per file, extracted/ JSON included)
 10. research views (issue 12), in `search`: variant-spelling search p95, /-/timeline p95 (≤ 1 s),
     linking one document to its copies (≤ 50 ms)

Usage: python bench/run.py [--only born_digital,scanned,search,reingest,load,scale_out,writer]
                           [--docs 100000] [--no-link] [--db ARCHIVE]
(`--only link_mix`: linking on a realistic mix of 10,000 documents, beside the search bench's
archive whose documents are all edited versions of ten; not run by `make bench`.)
(`--only search --docs 1000000` is the million-document search run: hours here, not run by
`make bench`.)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = REPO.parent / "shared"
BUDGET = SHARED / "external" / "setagaya-r8-budget.pdf"
PIPELINE = [sys.executable, "-m", "pipeline"]
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}

rows: list[tuple[str, str, str, str, str]] = []


def record(goal: str, measured: str, baseline: str, ratio: str, target: str) -> None:
    rows.append((goal, measured, baseline, ratio, target))
    print(f"  {goal}: {measured} | baseline {baseline} | {ratio} (target {target})", flush=True)


def timed(cmd: list[str], **kw) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=ENV, cwd=REPO, **kw)
    return time.perf_counter() - t


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class TreeRSS:
    """Samples the summed RSS of a process and its descendants from /proc."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            for p in process_tree(self.pid):
                try:
                    for line in open(f"/proc/{p}/status"):
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.1)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def bench_born_digital(tmp: Path) -> None:
    print("born-digital: setagaya-r8-budget.pdf (408 pages)", flush=True)
    base = min(timed(["pdftotext", str(BUDGET), "/dev/null"]) for _ in range(3))
    db = tmp / "budget.db"
    t = time.perf_counter()
    proc = subprocess.Popen(
        [*PIPELINE, "ingest", "-q", "--db", str(db), "--extracted-dir", str(tmp / "ex-budget"),
         str(BUDGET)], env=ENV, cwd=REPO,
    )
    rss = TreeRSS(proc.pid)
    proc.wait()
    elapsed = time.perf_counter() - t
    peak = rss.stop()
    if proc.returncode:
        raise SystemExit("ingest of the budget book failed")
    record("408-page ingest vs pdftotext", f"{elapsed:.1f} s ({408 / elapsed:.1f} pages/s)",
           f"{base:.2f} s", f"{elapsed / base:.1f}×", "≤ 30×")
    record("peak RSS, budget book ingest (process tree)", f"{peak / 2**30:.2f} GiB", "-", "-",
           "≤ 2 GiB")


def bench_scanned(tmp: Path) -> None:
    """OCR of the multi-page scans: our extraction (rasterize, orientation, clean-up, tables,
    two pages at a time) against bare `pdftoppm -r 300` + `tesseract -l jpn --psm 6`, two at a time."""
    scans = [REPO / "corpus" / "scanned" / f"{slug}.pdf"
             for slug in ("04-letter", "06-onestop-program", "08-mic-jimurenraku")]
    print(f"scanned: {', '.join(p.name for p in scans)}", flush=True)
    pngs = tmp / "pngs"
    pngs.mkdir()
    t = time.perf_counter()
    for i, pdf in enumerate(scans):
        subprocess.run(["pdftoppm", "-r", "300", "-gray", "-png", str(pdf), str(pngs / f"d{i}")],
                       check=True)
    files = sorted(pngs.glob("*.png"))
    subprocess.run(
        "printf '%s\\n' " + " ".join(map(str, files))
        + " | xargs -P2 -I{} tesseract {} - -l jpn --psm 6 > /dev/null 2>&1",
        shell=True, check=True, env=ENV,
    )
    base = time.perf_counter() - t
    code = ("import sys; from pathlib import Path; from pipeline.extract import extract_pages; "
            "[extract_pages(Path(p), workers=2) for p in sys.argv[1:]]")
    ours = timed([sys.executable, "-c", code, *map(str, scans)])
    record(f"OCR {len(files)} scanned pages vs bare tesseract (both 2 at a time)", f"{ours:.1f} s",
           f"{base:.1f} s", f"{ours / base:.2f}×", "≤ 1.2×")
    whole = timed([*PIPELINE, "ingest", "-q", "--db", str(tmp / "scan.db"),
                   "--extracted-dir", str(tmp / "ex-scan"), *map(str, scans)])
    record("  the same files, whole ingest (OCR + NLP + load)", f"{whole:.1f} s", f"{base:.1f} s",
           f"{whole / base:.2f}×", "report")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Searches timed at scale, as ?_search= on the documents table: (label, queries). Variant
# spellings are asked in the form the corpus does not print (the tokenizer folds them).
SEARCHES = (
    ("2-char", ("区長", "交付", "通知")),
    ("5-char", ("世田谷区長", "個人番号カ", "特別徴収税")),
    ("variant spellings", ("髙橋", "斎藤", "山﨑", "横濱", "霞ヶ関")),
)


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the process `pid` and its descendants (the server's workers)."""
    total = 0.0
    for p in process_tree(pid):
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def bench_search(tmp: Path, n_docs: int, link_copies: bool = True, db: Path | None = None) -> None:
    """`db`: an archive already built by `python -m bench.scale build` (not rebuilt; the publish
    and add-one rows below leave it as it was)."""
    from bench.scale import generate_archive, ingest_one_file, link_one_document, one_more_document

    linked = "" if link_copies else ", copies not linked"
    if db is None:
        print(f"search at scale: generating {n_docs:,} documents{linked}", flush=True)
        db = tmp / "big.db"
        t = time.perf_counter()
        generate_archive(db, n_docs, link_copies=link_copies)
        build_s = time.perf_counter() - t
        record(f"build {n_docs:,}-document archive{linked}",
               f"{build_s:.0f} s, {db.stat().st_size / 2**20:.0f} MiB", "-", "-", "report")
    else:
        import sqlite3

        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            n_docs = conn.execute("select count(*) from documents").fetchone()[0]
            if not conn.execute("select count(*) from related").fetchone()[0]:
                linked = ", copies not linked"
        print(f"search at scale: {db} ({n_docs:,} documents{linked})", flush=True)

    port = free_port()
    # Without the page cache: every request below asks the same page again, and the search is
    # what is measured.
    server = subprocess.Popen([*PIPELINE, "serve", "--db", str(db), "--port", str(port),
                               "--page-cache-mb", "0"], cwd=REPO,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        table_url = f"http://127.0.0.1:{port}/{db.stem}/documents"
        for _ in range(100):
            try:
                urllib.request.urlopen(table_url + ".json?_size=1", timeout=5).read()
                break
            except OSError:
                time.sleep(0.3)

        cpu_spent: dict[str, float] = {}  # url -> server CPU seconds per request

        def p95(url: str, n: int = 40) -> float:
            urllib.request.urlopen(url, timeout=60).read()  # warm: the first answer reads the disk
            times, cpu = [], server_cpu(server.pid)
            for _ in range(n):
                t = time.perf_counter()
                urllib.request.urlopen(url, timeout=60).read()
                times.append(time.perf_counter() - t)
            cpu_spent[url] = (server_cpu(server.pid) - cpu) / n
            return statistics.quantiles(times, n=20)[18]

        def page(fmt: str, q: str | None = None) -> str:
            args = {"_size": "20", **({"_search": q} if q else {})}
            return f"{table_url}{fmt}?{urllib.parse.urlencode(args)}"

        def hits(q: str) -> int:
            with urllib.request.urlopen(page(".json", q) + "&_nofacet=1", timeout=60) as r:
                return json.load(r)["filtered_table_rows_count"]

        print(f"  load average before: {load_average()}", flush=True)
        plain = {fmt: p95(page(fmt)) for fmt in (".json", "")}
        per_query = []
        for label, queries in SEARCHES:
            worst = {".json": 0.0, "": 0.0}
            for q in queries:
                times = {fmt: p95(page(fmt, q)) for fmt in (".json", "")}
                per_query.append((q, hits(q), times))
                for fmt in worst:
                    worst[fmt] = max(worst[fmt], times[fmt])
            for fmt, name in ((".json", "JSON"), ("", "HTML")):
                record(f"?_search= {label} p95 at {n_docs:,} docs{linked}, {name} ({' '.join(queries)})",
                       f"{worst[fmt] * 1000:.0f} ms",
                       f"{plain[fmt] * 1000:.0f} ms (unfiltered page, {name})",
                       f"{worst[fmt] / plain[fmt]:.1f}×", "≤ 100 ms")
        timeline_url = f"http://127.0.0.1:{port}/-/timeline"
        timeline = p95(timeline_url, n=10)
        record(f"/-/timeline p95 at {n_docs:,} docs{linked} (server CPU per request)",
               f"{timeline * 1000:.0f} ms ({cpu_spent[timeline_url] * 1000:.0f} ms)",
               f"{plain[''] * 1000:.0f} ms (unfiltered page, HTML)",
               f"{timeline / plain[''] :.1f}×", "≤ 1 s")
        record("  load average during the search rows (1/5/15 min)", load_average(), "-", "-", "report")
        # Server CPU per request does not grow with the machine's load as wall times do.
        cpu = lambda fmt, q=None: f"{cpu_spent[page(fmt, q)] * 1000:.0f} ms"  # noqa: E731
        print("\n| query | hits | p95 JSON | p95 HTML | server CPU per request, JSON / HTML |"
              "\n|---|---|---|---|---|")
        print(f"| unfiltered page (baseline) | {n_docs:,} | {plain['.json'] * 1000:.0f} ms | "
              f"{plain[''] * 1000:.0f} ms | {cpu('.json')} / {cpu('')} |")
        for q, n, times in per_query:
            print(f"| {q} | {n:,} | {times['.json'] * 1000:.0f} ms | {times[''] * 1000:.0f} ms | "
                  f"{cpu('.json', q)} / {cpu('', q)} |")
        print(flush=True)
        for q, n, times in per_query:  # the same, in bench/last.json
            rows.append((f"  ?_search={q} ({n:,} hits), p95 JSON / HTML (server CPU per request)",
                         f"{times['.json'] * 1000:.0f} / {times[''] * 1000:.0f} ms "
                         f"({cpu('.json', q)} / {cpu('', q)})",
                         f"{plain['.json'] * 1000:.0f} / {plain[''] * 1000:.0f} ms (unfiltered page)",
                         f"{times['.json'] / plain['.json']:.1f}× / {times[''] / plain['']:.1f}×", "report"))
    finally:
        server.terminate()
        server.wait()

    bench_publish(db, n_docs)
    small = tmp / "small.db"
    into_big = one_more_document(db)
    into_small = one_more_document(small)
    record(f"add one document (load step, Archive.add): {n_docs:,}-document archive{linked} vs empty",
           f"{into_big * 1000:.0f} ms", f"{into_small * 1000:.0f} ms", f"{into_big / into_small:.2f}×",
           "≤ 1.5×")
    work = tmp / "ingest-one"
    work.mkdir(exist_ok=True)
    whole_big, whole_small = ingest_one_file(db, work), ingest_one_file(tmp / "small-ingest.db", work)
    record(f"ingest one file (read, analyze, load; in process): {n_docs:,}-document archive{linked} vs empty",
           f"{whole_big * 1000:.0f} ms", f"{whole_small * 1000:.0f} ms",
           f"{whole_big / whole_small:.2f}×", "≤ 1.5×")
    if linked:  # no near-duplicate index to search: linking would measure nothing
        return
    link_big, link_small = link_one_document(db), link_one_document(small)
    record(f"link one document to its copies at {n_docs:,} docs", f"{link_big * 1000:.1f} ms",
           f"{link_small * 1000:.1f} ms (empty archive)", f"{link_big / link_small:.1f}×", "≤ 50 ms")


def bench_link_mix(tmp: Path, n_docs: int = 10_000) -> None:
    """Adding and linking one document on a realistic mix (`bench/mix.py`: most documents without
    a copy, 5% a noisy copy of another) rather than the search bench's archive, whose documents
    are all edited versions of ten: there linking always verifies ten true relatives."""
    from bench.mix import mixed_documents
    from bench.scale import link_one_document, one_more_document
    from pipeline.load.database import Archive

    db = tmp / "mix.db"
    t = time.perf_counter()
    with Archive(db) as archive:
        archive.rebuild(mixed_documents(n_docs))
    record(f"build {n_docs:,}-document realistic mix (copies linked)", f"{time.perf_counter() - t:.0f} s",
           "-", "-", "report")
    small = tmp / "mix-small.db"
    into_big, into_small = one_more_document(db), one_more_document(small)
    record(f"add one document: {n_docs:,}-document realistic mix vs empty", f"{into_big * 1000:.0f} ms",
           f"{into_small * 1000:.0f} ms", f"{into_big / into_small:.2f}×", "≤ 1.5×")
    link_big, link_small = link_one_document(db), link_one_document(small)
    record(f"link one document to its copies, {n_docs:,}-document realistic mix", f"{link_big * 1000:.1f} ms",
           f"{link_small * 1000:.1f} ms (empty archive)", f"{link_big / link_small:.1f}×", "≤ 50 ms")


# Seconds of idle before each timed publish step and its baseline. On a VM with free page reporting
# (virtio-balloon), memory freed more than ~2 s ago goes back to the host, and writing a file into
# it costs a host fault per page: measured here 5 s per GB, against 0.2 s per GB for memory freed
# just before. A step that follows a deleted copy thus runs ~5x faster than one that needs fresh
# memory (the second publish does: the first snapshot stays in the page cache), whatever the step
# does. Waiting before both (after 5 s, 3 GB freed were all returned) puts every timed step in the
# same state; without page reporting the wait changes nothing.
SETTLE_SECONDS = 10


def copy_and_fsync(db: Path) -> float:
    """Seconds to copy `db` beside itself and fsync the copy (deleted after)."""
    import shutil

    copy = db.with_name(f".{db.stem}-bench-copy.db")
    t = time.perf_counter()
    shutil.copyfile(db, copy)
    with open(copy, "rb") as fh:
        os.fsync(fh.fileno())
    seconds = time.perf_counter() - t
    copy.unlink()
    return seconds


def bench_publish(db: Path, n_docs: int) -> None:
    """`pipeline publish` of the archive (its first snapshot, then one after adding a document)
    against copying its file and fsyncing the copy, as publish does. Each step's baseline is
    measured just before it, in the same state (the same snapshots on disk and in the page cache),
    and every timed step starts after SETTLE_SECONDS of idle (see there)."""
    from bench.scale import synthetic_document
    from pipeline.load.database import Archive
    from pipeline.load.snapshots import list_snapshots

    def step(times: list[float], bases: list[float]) -> None:
        time.sleep(SETTLE_SECONDS)
        bases.append(copy_and_fsync(db))
        time.sleep(SETTLE_SECONDS)
        times.append(timed([*PIPELINE, "publish", "--db", str(db)], stderr=subprocess.DEVNULL))

    firsts, seconds, first_bases, second_bases, added = [], [], [], [], []
    for run in range(2):  # the best of two: other jobs on the machine make single times noisy
        step(firsts, first_bases)
        with Archive(db) as archive:
            added.append(synthetic_document(n_docs + run))  # a new document
            archive.add([added[-1]])
        step(seconds, second_bases)
        for snapshot in list_snapshots(db):
            snapshot.path.unlink()
    with Archive(db) as archive:  # as it was (an archive given with --db is used again)
        archive.remove([d.id for d in added])
    for label, times, bases in (
            (f"publish {n_docs:,}-document archive (first snapshot) vs copy + fsync", firsts, first_bases),
            ("  publish again after adding a document", seconds, second_bases)):
        t, base = min(times), min(bases)
        record(label, f"{t:.1f} s", f"{base:.1f} s", f"{t / base:.2f}×", "≤ 2×")


def bench_load(tmp: Path) -> None:
    from bench.load import report, run

    print("load: 32 clients × 30 s with an ingest running (corpus archive)", flush=True)
    r = run(0, 32, 30, tmp)
    print("  " + report(r, 32, 30), flush=True)
    record("serving under load: 32 clients × 30 s, ingest running: failed requests", f"{r['failed']}",
           f"{r['requests']:,} requests", "-", "0")
    record("  p95 latency (p50)", f"{r['p95'] * 1000:.0f} ms ({r['p50'] * 1000:.0f} ms)", "-", "-",
           "≤ 300 ms")


def bench_reingest(tmp: Path) -> None:
    inputs = (REPO / "corpus" / "archive.txt").read_text().split()
    db = tmp / "corpus.db"
    subprocess.run([*PIPELINE, "build", "--db", str(db)], check=True, cwd=REPO, env=ENV,
                   stderr=subprocess.DEVNULL)
    base = min(timed([sys.executable, "-c", "pass"]) for _ in range(5))
    t = min(timed([*PIPELINE, "ingest", "-q", "--db", str(db), *inputs], stderr=subprocess.DEVNULL)
            for _ in range(5))
    record("re-ingest unchanged corpus (10 files, whole command)", f"{t * 1000:.0f} ms",
           f"{base * 1000:.0f} ms (python -c pass)", f"{t / base:.1f}×", "≤ 0.5 s")


def pdf_pages(files: list[Path]) -> int:
    import pypdfium2

    total = 0
    for f in files:
        doc = pypdfium2.PdfDocument(str(f))
        total += len(doc)
        doc.close()
    return total


def cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cpu_of_workers(client) -> float:
    """CPU seconds used so far by a Dask cluster's worker processes and their children (tesseract)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        for usage in client.run(resource.getrusage, who).values():
            total += usage.ru_utime + usage.ru_stime
    return total


def ingest_run(files: list[Path], tmp: Path, tag: str, *options: str, client=None) -> tuple[float, float]:
    """Wall time and CPU time (the ingesting process, its workers, Tesseract; and the Dask
    workers when `client` is given) of a whole `pipeline ingest` of `files` into a new archive."""
    cpu = cpu_of_children() + (cpu_of_workers(client) if client else 0.0)
    wall = timed([*PIPELINE, "ingest", "-q", "--db", str(tmp / f"{tag}.db"),
                  "--extracted-dir", str(tmp / f"ex-{tag}"), *options, *map(str, files)],
                 stderr=subprocess.DEVNULL)
    cpu = cpu_of_children() + (cpu_of_workers(client) if client else 0.0) - cpu
    return wall, cpu


def bench_scale_out(tmp: Path) -> None:
    """Each set of the corpus read on 1 and 2 local workers and on a 2-worker Dask LocalCluster
    (started, GiNZA loaded in its workers, before the clock: a cluster outlives one command).

    Wall times on a machine shared with other jobs drift with its load; CPU seconds (of every
    process doing the work) do not, and are what a cluster of dedicated cores would spend."""
    import dask
    from distributed import Client, LocalCluster

    # Worker settings docs/scale.md recommends for this workload: no statistical profiler (it
    # samples the worker's threads every 10 ms) and glibc's own malloc thresholds (the nanny's
    # MALLOC_TRIM_THRESHOLD_ makes every freed page image go back to the system, to be faulted in
    # again for the next one).
    dask.config.set({"distributed.worker.profile.enabled": False,
                     "distributed.nanny.pre-spawn-environ": {"OMP_NUM_THREADS": 1}})
    sets = {name: sorted((REPO / "corpus" / name).glob("*.pdf")) for name in ("born-digital", "scanned")}
    totals = {"pool": [0.0, 0.0], "dask": [0.0, 0.0]}
    for name, files in sets.items():
        pages = pdf_pages(files)
        print(f"scale-out: {name}, {len(files)} files, {pages} pages", flush=True)
        one, one_cpu = ingest_run(files, tmp, f"{name}-w1", "--workers", "1")
        two, two_cpu = ingest_run(files, tmp, f"{name}-w2", "--workers", "2")
        # Workers started as README says (`--preload pipeline.dispatch`): GiNZA is loaded when
        # a worker starts, before the clock; the pool loads it once per command, in the run.
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                          dashboard_address=None, env={"OMP_THREAD_LIMIT": "1"},
                          preload=["pipeline.dispatch"]) as cluster, \
                Client(cluster) as client:
            dask, dask_cpu = ingest_run(files, tmp, f"{name}-dask", "--scheduler",
                                        cluster.scheduler_address, client=client)
        for key, wall, cpu in (("pool", two, two_cpu), ("dask", dask, dask_cpu)):
            totals[key][0] += wall
            totals[key][1] += cpu
        record(f"{name}: pages/s, 1 worker → 2 workers (pool), wall",
               f"{pages / one:.2f} → {pages / two:.2f} pages/s", f"{one:.1f} s → {two:.1f} s",
               f"{one / two:.2f}× faster", "report")
        record(f"{name}: CPU seconds per page, 1 worker / 2 workers (pool) / Dask",
               f"{one_cpu / pages:.2f} / {two_cpu / pages:.2f} / {dask_cpu / pages:.2f} s",
               f"{one_cpu:.0f} / {two_cpu:.0f} / {dask_cpu:.0f} s CPU", "-", "report")
        record(f"{name}: 2-worker Dask cluster vs 2-worker pool, wall", f"{dask:.1f} s "
               f"({pages / dask:.2f} pages/s)", f"{two:.1f} s", f"{dask / two:.2f}×", "≤ 1.1×")
    (pool_wall, pool_cpu), (dask_wall, dask_cpu) = totals["pool"], totals["dask"]
    record("corpus (both sets): 2-worker Dask cluster vs 2-worker pool, wall", f"{dask_wall:.1f} s",
           f"{pool_wall:.1f} s", f"{dask_wall / pool_wall:.2f}×", "≤ 1.1×")
    record("corpus (both sets): 2-worker Dask cluster vs 2-worker pool, CPU", f"{dask_cpu:.1f} s",
           f"{pool_cpu:.1f} s", f"{dask_cpu / pool_cpu:.2f}×", "≤ 1.1×")


def bench_writer(tmp: Path, n_docs: int = 2000) -> None:
    """What the ingesting process absorbs: documents loaded per second, each as its own file (JSON
    from a worker parsed, written to extracted/, loaded with its manifest row in one
    transaction), into an empty archive."""
    from bench.scale import synthetic_documents
    from pipeline.ingest import write_extracted
    from pipeline.load.database import Archive
    from pipeline.model import Document

    print(f"writer: {n_docs:,} documents, one transaction each", flush=True)
    payloads = [json.dumps(d.to_dict(), ensure_ascii=False) for d in synthetic_documents(n_docs)]
    archive = Archive(tmp / "writer.db")
    try:
        t, cpu = time.perf_counter(), time.process_time()
        for payload in payloads:
            doc = Document.from_dict(json.loads(payload))
            write_extracted(doc, tmp / "ex-writer")
            archive.add([doc], files=[{"path": f"/in/{doc.id}.pdf", "sha256": doc.sha256,
                                      "status": "added", "pages": 1, "documents": 1,
                                      "last_seen": "2026-01-01T00:00:00Z"}])
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    finally:
        archive.close()
    record("single writer: documents loaded per second (empty archive), wall / per CPU second",
           f"{n_docs / elapsed:.0f} / {n_docs / cpu:.0f} documents/s",
           f"{elapsed:.1f} s, {cpu:.1f} s CPU for {n_docs:,}", "-", "report")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="reingest,load,born_digital,scanned,search,scale_out,writer")
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--no-link", action="store_true",
                        help="search: build the archive without linking copies (faster; said in each row)")
    parser.add_argument("--db", type=Path,
                        help="search: time this archive (from `python -m bench.scale build`) instead of building one")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    with tempfile.TemporaryDirectory(prefix="bench-") as d:
        tmp = Path(d)
        for name in args.only.split(","):
            if name == "search":
                bench_search(tmp, args.docs, link_copies=not args.no_link, db=args.db)
            else:
                globals()[f"bench_{name}"](tmp)
    print("\n| goal | measured | baseline (same run) | ratio | target |\n|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    (REPO / "bench" / "last.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
