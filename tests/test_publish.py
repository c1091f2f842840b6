"""`pipeline publish`: immutable snapshots, their records, and serving them (in process and over
HTTP, the way `pipeline serve` runs)."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import urllib.parse
from pathlib import Path

import httpx
import pytest

from conftest import CORPUS, run_pipeline
from pipeline.load import snapshots
from pipeline.load.database import Archive
from pipeline.model import Page
from pipeline.serve import app
from fixtures import app_client, ids, make_document, notice, sample_documents
from fixtures import free_port, start_server, stop_server

ID = ids()


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def fixed_clock(*stamps: str):
    stamps = list(stamps)
    return lambda: stamps.pop(0)


def test_publish_freezes_the_archive_and_records_it(tmp_path):
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())
        version = archive.version()
    r = run_pipeline("publish", "--db", db)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-1] == version
    assert r.stderr == (f"published archive-{version}.db: 5 document(s), 5 added, 0 changed,"
                        " 0 removed\n")
    assert files(tmp_path) == sorted(["archive.db", "archive.db-shm", "archive.db-wal",
                                      f"archive-{version}.db"])
    snap = snapshots.read_snapshot(tmp_path / f"archive-{version}.db")
    assert (snap.version, snap.previous, snap.documents, snap.added, snap.changed, snap.removed) == (
        version, None, 5, 5, 0, 0)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", snap.published_at)
    conn = snapshots.connect_immutable(snap.path)
    # A whole database of its own, in rollback-journal mode (one file: nothing to replay), with
    # the archive's rows and version.
    assert conn.execute("pragma integrity_check").fetchone() == ("ok",)
    assert conn.execute("pragma journal_mode").fetchone() == ("delete",)
    assert conn.execute("select value from archive_info where key = 'version'").fetchone() == (version,)
    assert sorted(r[0] for r in conn.execute("select id from documents")) == sorted(ID.values())
    assert sorted(conn.execute("select document_id, change from snapshot_changes")) == sorted(
        (i, "added") for i in ID.values())
    conn.close()

    # Unchanged archive: the same version, no new file.
    before = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.name != "archive.db-shm"}
    r = run_pipeline("publish", "--db", db)
    assert r.returncode == 0 and r.stdout == f"{version}\n"
    assert r.stderr == f"unchanged: archive-{version}.db is already published\n"
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir() if p.name != "archive.db-shm"} == before


def test_changes_since_the_previous_snapshot(tmp_path, monkeypatch):
    compared = []
    digests = snapshots._digests
    monkeypatch.setattr(snapshots, "_digests", lambda conn, schema, ids: (
        compared.append((schema, sorted(ids))), digests(conn, schema, ids))[1])
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())
    first, created = snapshots.publish(db, now=fixed_clock("2026-01-01T00:00:00Z"))
    assert created
    changed = notice()
    changed.entities = changed.entities[:2]  # re-extracted: one entity fewer, same id
    new = make_document("new.pdf", [Page(1, "新しい資料 区役所")], title="新しい資料")
    with Archive(db) as archive:
        archive.add([changed, new])
        archive.remove([ID["letter"]])
        archive.add([sample_documents()[2]])  # re-added unchanged: not a change
    second, created = snapshots.publish(db, now=fixed_clock("2026-02-01T00:00:00Z"))
    assert created and second.previous == first.version
    assert (second.documents, second.added, second.changed, second.removed) == (5, 1, 1, 1)
    conn = snapshots.connect_immutable(second.path)
    assert sorted(conn.execute("select document_id, change from snapshot_changes")) == sorted([
        (new.id, "added"), (ID["notice"], "changed"), (ID["letter"], "removed")])
    conn.close()
    # Only the documents written since the first snapshot (the change log) were compared.
    assert compared == [(schema, sorted([ID["notice"], ID["cost_sheet"]])) for schema in ("main", "previous")]
    assert [s.version for s in snapshots.list_snapshots(db)] == [first.version, second.version]
    # The first snapshot still holds what it held.
    conn = snapshots.connect_immutable(first.path)
    assert conn.execute("select count(*) from entities where document_id = ?", [ID["notice"]]).fetchone() == (3,)
    conn.close()


def test_an_archive_rebuilt_since_is_compared_whole(tmp_path):
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())
    first, _ = snapshots.publish(db)
    changed = notice()
    changed.entities = changed.entities[:1]
    with Archive(db) as archive:  # a new file, as `pipeline build` writes: no change log
        archive.rebuild([changed, *sample_documents()[1:]])
        assert archive.db.execute("select count(*) from sqlite_master where name = 'snapshot_log'").fetchone() == (0,)
    second, _ = snapshots.publish(db)
    assert (second.previous, second.added, second.changed, second.removed) == (first.version, 0, 1, 0)
    assert second.log_id != first.log_id


def test_a_failed_publish_leaves_no_file(tmp_path, monkeypatch):
    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(snapshots, "_record", fail)
    with pytest.raises(OSError, match="disk full"):
        snapshots.publish(db)
    assert files(tmp_path) == ["archive.db", "archive.db-shm", "archive.db-wal"]
    assert snapshots.list_snapshots(db) == []


def test_publish_errors_are_one_line(tmp_path):
    r = run_pipeline("publish", "--db", tmp_path / "missing.db")
    assert (r.returncode, r.stdout, r.stderr) == (3, "", f"pipeline: error: {tmp_path / 'missing.db'}: no such archive\n")  # archive error
    (tmp_path / "plain.db").write_bytes(b"")
    sqlite3.connect(tmp_path / "plain.db").execute("create table t (x)").connection.close()
    r = run_pipeline("publish", "--db", tmp_path / "plain.db")
    assert (r.returncode, r.stderr) == (3, f"pipeline: error: {tmp_path / 'plain.db'}: not an archive (no archive_info version)\n")


# --- serving snapshots ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """An archive with two published snapshots (the letter added in the second) and a live change
    since (the newsletter removed)."""
    base = tmp_path_factory.mktemp("published")
    db = base / "archive.db"
    docs = sample_documents()
    with Archive(db) as archive:
        archive.add([d for d in docs if d.id != ID["letter"]])
    first, _ = snapshots.publish(db, now=fixed_clock("2026-01-15T09:00:00Z"))
    with Archive(db) as archive:
        archive.add([d for d in docs if d.id == ID["letter"]])
    second, _ = snapshots.publish(db, now=fixed_clock("2026-02-20T09:00:00Z"))
    with Archive(db) as archive:
        archive.remove([ID["newsletter"]])
        live = archive.version()
    return {"db": db, "first": first, "second": second, "live": live}


@pytest.fixture(scope="module")
def get(published):
    return app_client(published["db"], source_dirs=[])


def test_snapshots_are_served_immutable_beside_the_live_archive(get, published):
    first, second = published["first"], published["second"]
    databases = {d["name"]: d["is_mutable"] for d in get("/-/databases.json").json()}
    assert databases == {"archive": True, first.name: False, second.name: False}
    r = get(f"/{second.name}/documents.json?_shape=array&_col=id")
    assert r.status_code == 200
    assert r.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert sorted(row["id"] for row in r.json()) == sorted(ID.values())
    assert "query_ms" not in get(f"/{second.name}.json?sql=select+1").text
    # The live archive's pages keep Datasette's short cache time; canned queries work on snapshots.
    assert get("/archive/documents.json").headers["cache-control"] == "max-age=5"
    assert [r["date_start"] for r in get(f"/{first.name}/timeline.json?_shape=array").json()] == [
        "2016-09-16", "2017-01-17"]  # the letter's 2017-02-01 came in the second snapshot
    assert len(get(f"/{second.name}/timeline.json?_shape=array").json()) == 3


def test_version_links_redirect_to_the_snapshot(get, published):
    first = published["first"]
    r = get(f"/archive/entities?kind=date&_version={first.version}")
    assert r.status_code == 302
    assert r.headers["location"] == f"/{first.name}/entities?kind=date"
    r = get(f"/archive.json?sql=select+1&_version={first.version}")
    assert r.headers["location"] == f"/{first.name}.json?sql=select+1"
    r = get(f"/-/document/{ID['notice']}?_version={first.version}")
    assert r.headers["location"] == f"/-/document/{ID['notice']}?db={first.name}"
    r = get(f"/{published['second'].name}/documents?_version={first.version}")
    assert r.headers["location"] == f"/{first.name}/documents"
    r = get("/archive/documents?_version=0123456789abcdef")
    assert r.status_code == 404
    assert f'<a href="/{first.name}"><code>{first.version}</code></a> (2026-01-15T09:00:00Z, 4 documents)' in r.text


def test_versions_page_lists_snapshots_with_their_changes(get, published):
    first, second = published["first"], published["second"]
    data = get("/-/versions.json").json()
    assert data["live"] == {"database": "archive", "version": published["live"], "published": False}
    assert [(s["version"], s["published_at"], s["documents"], s["added"], s["changed"], s["removed"])
            for s in data["snapshots"]] == [
        (second.version, "2026-02-20T09:00:00Z", 5, 1, 0, 0),
        (first.version, "2026-01-15T09:00:00Z", 4, 4, 0, 0)]
    assert "sqlite" in data["software"]  # Datasette's own /-/versions.json content, kept
    html = get("/-/versions").text
    assert f'<a class="version-link" href="/{second.name}"><code>{second.version}</code></a>' in html
    assert f'<a href="/{second.name}/snapshot_changes?change=added">1</a>' in html
    changes = get(f"/{second.name}/snapshot_changes.json?_shape=array&change=added").json()
    assert changes == [{"document_id": ID["letter"], "change": "added"}]


def test_document_page_cites_the_latest_snapshot_holding_it(get, published):
    first, second = published["first"], published["second"]
    html = get(f"/-/document/{ID['notice']}").text
    assert (f'Published in 公開版:\n<a class="snapshot-link" href="/-/document/{ID["notice"]}?db={second.name}">'
            f'<code>{second.version}</code></a> (2026-02-20), <a class="snapshot-link" '
            f'href="/-/document/{ID["notice"]}?db={first.name}"><code>{first.version}</code></a> (2026-01-15)') in html
    title = notice().title
    url = f"http://localhost/-/document/{ID['notice']}?db={second.name}"
    assert (f"行政文書アーカイブ「{title} ({ID['notice']})」（版 {second.version}、2026年2月20日公開）{url}") in html
    assert (f"Japanese administrative documents archive, “{title} ({ID['notice']})”, version "
            f"{second.version} (published 2026-02-20), {url}") in html
    assert "archive-stale" in html  # the live archive has changed since
    # Every fact's SQL link is on the snapshot, and gives the fact there.
    links = [u.replace("&amp;", "&") for u in re.findall(r'<a class="cite" href="([^"]+)"', html)]
    assert len(links) == 3 and all(u.startswith(f"/{second.name}?sql=") for u in links)
    path, query = links[0].split("?", 1)
    rows = get(f"{path}.json?{query}&_shape=array").json()
    assert [(r["kind"], r["value"]) for r in rows] == [("date", "2016-09-16")]


def test_a_snapshots_document_page_shows_that_snapshot(get, published):
    first = published["first"]
    assert get(f"/-/document/{ID['letter']}?db={first.name}").status_code == 404  # added later
    html = get(f"/-/document/{ID['newsletter']}?db={first.name}").text  # removed from live since
    assert get(f"/-/document/{ID['newsletter']}").status_code == 404
    assert f"（版 {first.version}、2026年1月15日公開）http://localhost/-/document/{ID['newsletter']}?db={first.name}" in html
    assert "archive-stale" not in html


def test_every_page_has_a_citation_of_the_latest_snapshot(get, published):
    second = published["second"]
    html = get("/archive/documents?kind=%E9%80%9A%E7%9F%A5").text  # kind=通知
    url = f"http://localhost/{second.name}/documents?kind=%E9%80%9A%E7%9F%A5"
    assert f'<a class="cite-url" href="{url}">' in html
    assert f"行政文書アーカイブ「documents (kind=通知)」（版 {second.version}、2026年2月20日公開）{url}" in html
    html = get("/archive/documents_citing_law?law_ref=%E7%95%AA%E5%8F%B7%E6%B3%95").text
    assert f"「documents_citing_law (law_ref=番号法)」（版 {second.version}" in html
    html = get(f"/{second.name}?sql=select+count(*)+from+documents").text
    assert f"“select count(*) from documents”, version {second.version} (published 2026-02-20)" in html
    assert "archive-stale" not in html  # a snapshot's page cites itself
    html = get("/-/search?q=%E5%8C%BA%E9%95%B7").text  # q=区長
    assert f"行政文書アーカイブ「全文検索 search: 区長」（版 {second.version}" in html
    assert f'http://localhost/-/search?q=%E5%8C%BA%E9%95%B7&amp;db={second.name}' in html


# --- the goal: a cited query keeps its answer -----------------------------------------------------


def test_a_cited_query_gives_the_same_bytes_after_later_ingests_and_publishes(tmp_path):
    """Over HTTP, as `pipeline serve` runs: publish, fetch a cited query's JSON, ingest another
    corpus file and publish again while the server runs; the cited URL answers the same bytes,
    and the new snapshot is served without a restart."""
    db = tmp_path / "archive.db"
    ex = tmp_path / "extracted"
    ingest = lambda pdf: run_pipeline("ingest", "-q", "--db", db, "--extracted-dir", ex, pdf)  # noqa: E731
    assert ingest(CORPUS / "born-digital" / "01-memo.pdf").returncode == 0
    first = run_pipeline("publish", "--db", db).stdout.splitlines()[-1]
    port = free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        sql = "select id, title, (select count(*) from documents) as n from documents order by id"
        live_url = f"{base}/archive.json?" + urllib.parse.urlencode({"sql": sql, "_version": first})
        r = httpx.get(live_url)
        assert r.status_code == 302
        cited = base + r.headers["location"]
        assert cited == f"{base}/archive-{first}.json?" + urllib.parse.urlencode({"sql": sql})
        before = httpx.get(cited).content
        assert httpx.get(cited).headers["cache-control"] == "public, max-age=31536000, immutable"

        assert ingest(CORPUS / "born-digital" / "06-onestop-program.pdf").returncode == 0
        second = run_pipeline("publish", "--db", db).stdout.splitlines()[-1]
        assert second != first
        assert httpx.get(cited).content == before
        assert httpx.get(live_url, follow_redirects=True).content == before
        assert b'"n"' in before and re.search(rb"\]\], \"truncated\"", before)
        # Picked up while serving: the second snapshot answers, with one document more.
        r = httpx.get(f"{base}/archive-{second}.json", params={"sql": sql, "_shape": "array"})
        assert r.status_code == 200 and r.json()[0]["n"] == 2
        assert [s["version"] for s in httpx.get(f"{base}/-/versions.json").json()["snapshots"]] == [second, first]
    finally:
        stop_server(proc)


def test_snapshot_pages_are_kept_in_memory_until_the_snapshots_change(tmp_path):
    from pipeline.serve import snapshots as served

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())
    first, _ = snapshots.publish(db, now=fixed_clock("2026-03-01T00:00:00Z"))
    ds = app.make_datasette(db, source_dirs=[])

    async def run():
        await ds.invoke_startup()
        registry = served.registry(ds)
        page = f"/-/document/{ID['notice']}?db={first.name}"
        a = await ds.client.get(f"/{first.name}/documents.json?_shape=array")
        b = await ds.client.get(f"/{first.name}/documents.json?_shape=array")
        assert a.content == b.content and a.headers == b.headers
        assert (registry.cache.hits, registry.cache.misses) == (1, 1)
        before = (await ds.client.get(page)).text
        with Archive(db) as archive:
            archive.add([make_document("later.pdf", [Page(1, "後の資料")])])
        second, _ = snapshots.publish(db, now=fixed_clock("2026-03-02T00:00:00Z"))
        registry.refresh(force=True)
        after = (await ds.client.get(page)).text
        return before, after, second

    before, after, second = asyncio.run(run())
    assert second.version not in before
    assert f'<code>{second.version}</code></a> (2026-03-02), <a class="snapshot-link"' in after


def test_live_pages_are_kept_until_a_write_commits(tmp_path):
    from pipeline.serve import snapshots as served

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())
    ds = app.make_datasette(db, source_dirs=[])
    url = "/archive/documents.json?_shape=array&_col=id"

    async def run():
        await ds.invoke_startup()
        registry = served.registry(ds)
        a = (await ds.client.get(url)).json()
        b = (await ds.client.get(url)).json()
        assert (registry.cache.hits, registry.cache.misses) == (1, 1)
        with Archive(db) as archive:  # another process's write, as an ingest's
            archive.add([make_document("later.pdf", [Page(1, "後の資料")])])
        c = (await ds.client.get(url)).json()
        return a, b, c

    a, b, c = asyncio.run(run())
    assert a == b and len(a) == 5 and len(c) == 6


def test_reads_are_never_blocked_by_a_writer(tmp_path):
    """Over HTTP: while another process holds a write transaction open, and while documents are
    added one after another, every read answers at once and sees the last commit."""
    import threading
    import time

    db = tmp_path / "archive.db"
    with Archive(db) as archive:
        archive.add(sample_documents())
    snapshots.publish(db)
    port = free_port()
    proc = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    urls = ["/archive/documents.json?_shape=array&_col=id", "/archive/documents?_search=%E5%8C%BA",
            f"/-/document/{ID['notice']}", "/archive.json?sql=select+count(*)+from+entities"]
    failures, slowest = [], [0.0]

    def read_for(seconds: float) -> None:
        deadline = time.monotonic() + seconds
        with httpx.Client(base_url=base, timeout=10) as client:
            while time.monotonic() < deadline:
                for url in urls:
                    t = time.monotonic()
                    r = client.get(url)
                    slowest[0] = max(slowest[0], time.monotonic() - t)
                    if r.status_code != 200:
                        failures.append((url, r.status_code))

    try:
        readers = [threading.Thread(target=read_for, args=(6,)) for _ in range(4)]
        for t in readers:
            t.start()
        writer = sqlite3.connect(db, isolation_level=None)
        writer.execute("begin immediate")  # the write lock, held for 2 s
        writer.execute("insert into archive_info (key, value) values ('held', 'x')")
        time.sleep(2)
        writer.execute("rollback")
        writer.close()
        for n in range(10):  # commits while reading
            with Archive(db) as archive:
                archive.add([make_document(f"added-{n}.pdf", [Page(1, f"追加の資料 {n}")])])
        for t in readers:
            t.join()
        assert failures == []
        assert slowest[0] < 2.0  # never waited for the writer
        ids = httpx.get(base + urls[0]).json()
        assert len(ids) == 15  # the live archive shows the last commit
    finally:
        stop_server(proc)
