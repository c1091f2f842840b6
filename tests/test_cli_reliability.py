"""Issue 6 through the real command line: bad input, batches, kills mid-ingest, concurrent ingests."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CORPUS, run_pipeline, start_pipeline
from fixtures import query

GOOD = CORPUS / "born-digital" / "01-memo.pdf"
GOOD2 = CORPUS / "born-digital" / "02-shiryo1.pdf"
SCANNED = CORPUS / "scanned" / "05-mic-notice.pdf"


def archive_digest(db: Path) -> str:
    """A digest of everything a reader can see in the archive (not the file's bytes: WAL
    checkpoints may rewrite pages without changing content)."""
    import sqlite_utils

    if not db.exists():
        return "absent"
    h = hashlib.sha256()
    conn = sqlite_utils.Database(db)
    for table in ("documents", "pages", "entities"):
        if table in conn.table_names():
            for row in conn.execute(f"select * from [{table}] order by id").fetchall():
                h.update(repr(row).encode())
    conn.close()
    return h.hexdigest()


def integrity(db: Path) -> str:
    return query(db, "pragma integrity_check")[0][0]


def document_ids(db: Path) -> list[str]:
    return [r[0] for r in query(db, "select id from documents order by id")]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """An archive holding one good document, built once and copied per test."""
    root = tmp_path_factory.mktemp("seeded")
    result = run_pipeline("ingest", "-q", "--db", root / "archive.db", GOOD)
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture
def archive(seeded, tmp_path) -> Path:
    for f in seeded.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
        else:
            shutil.copytree(f, tmp_path / f.name)
    return tmp_path / "archive.db"


def make_bad_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each bad input and the exact reason the pipeline must give."""
    rng = random.Random(6)
    empty = folder / "empty.pdf"
    empty.write_bytes(b"")
    truncated = folder / "truncated.pdf"
    truncated.write_bytes(GOOD.read_bytes()[: GOOD.stat().st_size // 3])
    rand = folder / "random.pdf"
    rand.write_bytes(bytes(rng.getrandbits(8) for _ in range(4096)))
    encrypted = folder / "encrypted.pdf"
    subprocess.run(["qpdf", "--encrypt", "user-pw", "owner-pw", "256", "--", str(GOOD), str(encrypted)],
                   check=True)
    blank = folder / "blank.png"
    from PIL import Image

    Image.new("L", (1240, 1754), 255).save(blank)
    text = folder / "notes.txt"
    text.write_text("これはPDFではありません。\n", encoding="utf-8")
    return {
        "empty": (empty, "empty file"),
        "truncated": (truncated, "damaged PDF"),
        "random": (rand, "not a PDF or image"),
        "encrypted": (encrypted, "PDF is encrypted (password required)"),
        "text": (text, "not a PDF or image"),
        "blank": (blank, "no text found (blank pages, or an image without text)"),
    }


@pytest.mark.parametrize("kind", ["empty", "truncated", "random", "encrypted", "text", "blank"])
def test_bad_file_one_line_nonzero_exit_archive_unchanged(kind, archive, tmp_path):
    path, reason = make_bad_files(tmp_path)[kind]
    before = archive_digest(archive)
    result = run_pipeline("ingest", "-q", "--db", archive, path)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("pipeline: error:")]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"pipeline: error: {path}: {reason}")
    assert "Traceback" not in result.stderr
    assert archive_digest(archive) == before
    assert integrity(archive) == "ok"


def test_missing_file_is_reported(archive, tmp_path):
    result = run_pipeline("ingest", "-q", "--db", archive, tmp_path / "nope.pdf")
    assert result.returncode == 1
    assert f"pipeline: error: {tmp_path / 'nope.pdf'}: no such file" in result.stderr


def test_archive_that_is_not_a_database(tmp_path):
    not_db = tmp_path / "archive.db"
    not_db.write_bytes(GOOD.read_bytes())
    result = run_pipeline("ingest", "-q", "--db", not_db, GOOD2)
    assert result.returncode == 3  # errors.ExitCode.archive
    assert result.stderr.splitlines()[0] == f"pipeline: error: {not_db}: not an SQLite database"
    assert not_db.read_bytes() == GOOD.read_bytes()


def test_batch_keeps_the_good_file_and_lists_the_bad(tmp_path):
    bad, reason = make_bad_files(tmp_path)["random"]
    db = tmp_path / "archive.db"
    result = run_pipeline("ingest", "-q", "--db", db, bad, GOOD2)
    assert result.returncode == 1
    assert "1 file(s) added" in result.stderr and "1 failed" in result.stderr
    assert f"  failed: {bad}: {reason}" in result.stderr
    assert len(document_ids(db)) == 1


def test_reingest_unchanged_changes_nothing(archive):
    before = archive_digest(archive)
    result = run_pipeline("ingest", "-q", "--db", archive, GOOD)
    assert result.returncode == 0, result.stderr
    assert "0 file(s) added (0 document(s)), 1 unchanged, 0 failed" in result.stderr
    assert archive_digest(archive) == before


def _start_ingest(db: Path, *files: Path) -> subprocess.Popen:
    return start_pipeline("ingest", "-q", "--db", db, *files, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


@pytest.mark.slow
def test_sigkill_during_ocr_leaves_archive_unchanged_and_next_run_completes(archive):
    before = archive_digest(archive)
    proc = _start_ingest(archive, SCANNED)
    time.sleep(4)  # well inside the OCR of the first page
    assert proc.poll() is None, "ingest finished before it could be killed"
    _kill_group(proc)
    assert archive_digest(archive) == before
    assert integrity(archive) == "ok"
    result = run_pipeline("ingest", "-q", "--db", archive, SCANNED)
    assert result.returncode == 0, result.stderr
    ids = document_ids(archive)
    assert len(ids) == len(set(ids)) == 2


def test_sigkill_at_any_moment_is_all_or_nothing(archive):
    """Kill a born-digital ingest at increasing delays: each time the new document is either
    wholly present (with its pages) or absent, and a final run adds it exactly once."""
    before = archive_digest(archive)
    for delay in (0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0):
        proc = _start_ingest(archive, GOOD2)
        time.sleep(delay)
        _kill_group(proc)
        assert integrity(archive) == "ok"
        n_docs = query(archive, "select count(*) from documents")[0][0]
        orphans = query(
            archive, "select count(*) from pages where document_id not in (select id from documents)"
        )[0][0]
        assert orphans == 0
        if n_docs == 1:
            assert archive_digest(archive) == before
        else:
            assert n_docs == 2
    result = run_pipeline("ingest", "-q", "--db", archive, GOOD2)
    assert result.returncode == 0, result.stderr
    assert len(document_ids(archive)) == 2


def test_two_ingests_at_once_both_land(tmp_path):
    db = tmp_path / "archive.db"
    a = _start_ingest(db, GOOD)
    b = _start_ingest(db, GOOD2)
    out_a, out_b = a.communicate(timeout=600), b.communicate(timeout=600)
    assert a.returncode == 0, out_a[1]
    assert b.returncode == 0, out_b[1]
    assert len(document_ids(db)) == 2
    assert integrity(db) == "ok"


def test_serve_keeps_answering_during_ingest(archive):
    import socket

    import httpx

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = start_pipeline("serve", "--db", archive, "--port", port, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/archive/documents.json?_shape=array&_search=マイナンバー"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        ingest = _start_ingest(archive, GOOD2)
        statuses = []
        while ingest.poll() is None:
            statuses.append(httpx.get(url, timeout=10).status_code)
            time.sleep(0.05)
        assert ingest.returncode == 0, ingest.stderr.read()
        assert statuses and set(statuses) == {200}
        # The server reads the archive live (read-only, not immutable): the new document shows.
        ids = [row["id"] for row in httpx.get(url.replace("&_search=マイナンバー", ""), timeout=10).json()]
        assert sorted(ids) == document_ids(archive)
        assert len(ids) == 2
    finally:
        server.terminate()
        server.wait(timeout=10)
