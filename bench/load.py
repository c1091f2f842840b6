"""Serving under load while an ingest writes (issue 11): `--clients` concurrent clients for
`--seconds`, each sending requests one after another (no pause), mixing full-text searches
(`?_search=`), faceted lists, document pages and SQL (ad hoc and canned), half on the live
archive and half on its latest published snapshot (what citations point at), while
`pipeline ingest --force` re-ingests born-digital corpus files into the live archive in a loop and
`pipeline publish` publishes a new snapshot half-way. Goals: 0 failed requests, p95 ≤ 300 ms.

    python bench/load.py [--clients 32] [--seconds 30] [--docs N] [--live-only]
                         [--serve-args "--workers 1 --page-cache-mb 0"]
                         [--server-pythonpath OLD_CHECKOUT]   # before/after comparisons
    LOAD_DEBUG=1 python bench/load.py                        # live vs snapshot, over time

The archive is the corpus archive `make serve` serves (`pipeline build` from extracted/), or with
`--docs N` a synthetic one (`bench/scale.py`). Clients and the server run on 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PIPELINE = [sys.executable, "-m", "pipeline"]
INGEST_FILES = [REPO / "corpus" / "born-digital" / "01-memo.pdf",
                REPO / "corpus" / "born-digital" / "06-onestop-program.pdf"]
SEARCHES = ["区長", "交付", "通知", "世田谷区長", "個人番号カ", "特別徴収税"]
SEED = 11


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request_mix(db: Path, snapshot: str, rng: random.Random) -> dict[str, list[str]]:
    """Request paths by kind, for the live archive and the snapshot, from the archive's rows."""
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    ids = [r[0] for r in conn.execute("select id from documents order by id limit 200")]
    kinds = [r[0] for r in conn.execute("select distinct kind from documents where kind is not null")]
    years = [r[0] for r in conn.execute("select distinct issued_year from documents where issued_year is not null")]
    laws = [r[0] for r in conn.execute("select distinct law from entities where law is not null limit 20")]
    conn.close()
    q = urllib.parse.quote
    mix: dict[str, list[str]] = defaultdict(list)
    for name in ("archive", snapshot) if snapshot else ("archive",):
        on = "" if name == "archive" else f"?db={name}"
        for term in SEARCHES:
            mix["search"].append(f"/{name}/documents?_search={q(term)}")
            mix["search"].append(f"/{name}/documents.json?_size=20&_search={q(term)}")
        mix["facets"].append(f"/{name}/documents")
        mix["facets"].extend(f"/{name}/documents?kind={q(k)}" for k in kinds)
        mix["facets"].extend(f"/{name}/documents.json?issued_year={y}" for y in years)
        mix["facets"].extend(f"/{name}/entities?kind=law_ref&law={q(law)}" for law in laws)
        mix["document"].extend(f"/-/document/{q(i)}{on}" for i in rng.sample(ids, min(50, len(ids))))
        mix["sql"].append(f"/{name}.json?sql=" + q("select kind, count(*) as n from documents group by kind"))
        mix["sql"].append(f"/{name}?sql=" + q("select id, title, issued_on from documents where issued_year = :y order by id limit 20")
                          + f"&y={rng.choice(years)}")
        mix["sql"].extend(f"/{name}/documents_citing_law?law_ref={q(law)}" for law in laws[:5])
        mix["sql"].append(f"/{name}/ward_answers?answer={q('普通郵便')}")
    return mix


def client(port: int, mix: dict[str, list[str]], deadline: float, seed: int, out: list) -> None:
    rng = random.Random(seed)
    kinds = sorted(mix)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        path = rng.choice(mix[kind])
        t = time.perf_counter()
        try:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = f"{type(exc).__name__}"
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        out.append((kind, status, time.perf_counter() - t, path, time.monotonic()))
    conn.close()


def writer(db: Path, tmp: Path, stop: threading.Event, log: dict, publish: bool = True) -> None:
    """Re-ingest corpus files (each a real extraction and one write transaction) until stopped;
    publish once after the first ingest."""
    n = 0
    while not stop.is_set():
        pdf = INGEST_FILES[n % len(INGEST_FILES)]
        r = subprocess.run([*PIPELINE, "ingest", "-q", "--force", "--db", str(db), "--extracted-dir",
                            str(tmp / "extracted"), str(pdf)], cwd=REPO, capture_output=True, text=True)
        log.setdefault("ingests", []).append(r.returncode)
        if n == 0 and publish:
            r = subprocess.run([*PIPELINE, "publish", "--db", str(db)], cwd=REPO, capture_output=True,
                               text=True)
            log["published"] = r.stdout.strip().splitlines()[-1] if r.returncode == 0 else r.stderr
        n += 1


def p(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def run(n_docs: int, clients: int, seconds: float, tmp: Path, db: Path | None = None,
        live_only: bool = False, server_env: dict | None = None, server_args: tuple = ()) -> dict:
    from bench.scale import generate_archive
    from pipeline.load.snapshots import publish

    if db is None:
        db = tmp / "archive.db"
        if n_docs:
            print(f"load: generating {n_docs:,} documents", flush=True)
            generate_archive(db, n_docs)
        else:  # the corpus archive, as `make serve` builds it
            subprocess.run([*PIPELINE, "build", "--db", str(db), "--extracted-dir",
                            str(REPO / "extracted")], cwd=REPO, check=True, capture_output=True)
    snapshot = None if live_only else publish(db)[0]
    mix = request_mix(db, snapshot.name if snapshot else None, random.Random(SEED))
    port = free_port()
    server_dir = (server_env or {}).get("PYTHONPATH") or REPO  # `python -m` imports from its cwd
    server = subprocess.Popen([*PIPELINE, "serve", "--db", str(db), "--port", str(port), *server_args],
                              cwd=server_dir,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, **(server_env or {})})
    try:
        for _ in range(200):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/-/versions.json")  # Datasette's, or the plugin's
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        # Warm up: every path once (caches, page cache), untimed.
        warm: list = []
        client(port, {"all": [u for paths in mix.values() for u in paths]}, time.monotonic() + 5, 0, warm)
        stop, log = threading.Event(), {}
        ingest = threading.Thread(target=writer, args=(db, tmp, stop, log, not live_only), daemon=True)
        ingest.start()
        time.sleep(2)  # the ingest is extracting: its process is running when the clients start
        results: list = []
        deadline = time.monotonic() + seconds
        threads = [threading.Thread(target=client, args=(port, mix, deadline, SEED + i, results))
                   for i in range(clients)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - t0
        stop.set()
        ingest.join()
    finally:
        server.terminate()
        server.wait()
    failed = [r for r in results if r[1] != 200]
    times = [r[2] for r in results]
    by_kind = {k: [r[2] for r in results if r[0] == k] for k in sorted(mix)}
    if os.environ.get("LOAD_DEBUG"):  # where the slow requests are: live or snapshot, when
        on_snapshot = [r[2] for r in results if snapshot and snapshot.name in r[3]]
        on_live = [r[2] for r in results if not (snapshot and snapshot.name in r[3])]
        for label, values in (("live", on_live), ("snapshot", on_snapshot)):
            if values:
                print(f"  {label}: p95 {p(values, 95) * 1000:.0f} ms over {len(values)} requests")
        start = min(r[4] for r in results)
        for w in range(0, int(seconds), 2):
            window = [r[2] for r in results if w <= r[4] - start < w + 2]
            if len(window) > 1:
                print(f"  t={w:2d}s: {len(window):5d} requests, p95 {p(window, 95) * 1000:.0f} ms")
        for r in sorted(results, key=lambda r: -r[2])[:8]:
            print(f"  slow: {r[2] * 1000:.0f} ms {r[3][:90]}")
    return {
        "requests": len(results), "failed": len(failed), "failures": failed[:5],
        "rps": len(results) / elapsed, "p50": p(times, 50), "p95": p(times, 95), "p99": p(times, 99),
        "p95_by_kind": {k: p(v, 95) for k, v in by_kind.items() if v},
        "ingests": log.get("ingests", []), "published": log.get("published"),
    }


def report(r: dict, clients: int, seconds: float) -> str:
    kinds = ", ".join(f"{k} {v * 1000:.0f}" for k, v in r["p95_by_kind"].items())
    return (f"{clients} clients × {seconds:.0f} s: {r['requests']:,} requests ({r['rps']:.0f}/s), "
            f"{r['failed']} failed, p50 {r['p50'] * 1000:.0f} ms, p95 {r['p95'] * 1000:.0f} ms, "
            f"p99 {r['p99'] * 1000:.0f} ms; p95 by kind (ms): {kinds}; "
            f"{len(r['ingests'])} ingests during the run (exit codes {sorted(set(r['ingests']))}), "
            f"published {r['published']}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=0,
                        help="a synthetic archive of this many documents [default: the corpus archive]")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--db", type=Path, help="a copy of this archive instead of a generated one")
    parser.add_argument("--live-only", action="store_true",
                        help="no snapshot: every request on the live archive")
    parser.add_argument("--server-pythonpath", help="run the server from another checkout (before/after)")
    parser.add_argument("--serve-args", default="", help="more arguments for `pipeline serve`")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as d:
        db = None
        if args.db:
            import shutil

            db = Path(d) / "archive.db"
            shutil.copy(args.db, db)
        env = {"PYTHONPATH": args.server_pythonpath} if args.server_pythonpath else None
        r = run(args.docs, args.clients, args.seconds, Path(d), db, args.live_only, env,
                tuple(args.serve_args.split()))
    print(report(r, args.clients, args.seconds))
    for f in r["failures"]:
        print("  failed:", f)


if __name__ == "__main__":
    main()
