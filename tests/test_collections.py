"""Issue 10: folders, the manifest (table `files`), `pipeline status`, `--retry-failed`,
`pipeline reprocess`; issue 13.3: errors and exit codes. Through the real command line."""

from __future__ import annotations

import json
import os
import pickle
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CORPUS, REPO, run_pipeline, start_pipeline
from fixtures import query
from pipeline.errors import ArchiveError, ExitCode, InputError, PipelineError

MEMO = CORPUS / "born-digital" / "01-memo.pdf"
SHIRYO = CORPUS / "born-digital" / "02-shiryo1.pdf"
PAGE_IMAGE = CORPUS / "images" / "02-shiryo1-p1.tif"


def manifest(db: Path) -> list[dict]:
    return [dict(r) for r in query(db, "select * from files order by path")]


def version(db: Path) -> str:
    return query(db, "select value from archive_info where key = 'version'")[0][0]


@pytest.fixture(scope="module")
def collection(tmp_path_factory) -> dict:
    """A folder of inputs named nothing like what they are, and an archive made from it."""
    root = tmp_path_factory.mktemp("collection")
    inbox = root / "inbox"
    (inbox / "sub" / "deeper").mkdir(parents=True)
    (inbox / "memo.pdf").write_bytes(MEMO.read_bytes())
    (inbox / "sub" / "scan0001.dat").write_bytes(SHIRYO.read_bytes())  # a PDF by its bytes
    (inbox / "sub" / "deeper" / "page").write_bytes(PAGE_IMAGE.read_bytes())  # a TIFF
    (inbox / "sub" / "copy-of-memo.pdf").write_bytes(MEMO.read_bytes())
    (inbox / "notes.txt").write_text("議事メモ\n", encoding="utf-8")  # not a document: skipped
    (inbox / ".partial.pdf").write_bytes(MEMO.read_bytes()[:1000])  # hidden: skipped
    bad = root / "broken.pdf"
    bad.write_bytes(SHIRYO.read_bytes()[:2000])
    db = root / "archive.db"
    result = run_pipeline("ingest", "-q", "--db", db, inbox, bad)
    return {"root": root, "inbox": inbox, "bad": bad, "db": db, "result": result}


def test_folder_is_read_recursively_by_content(collection):
    result = collection["result"]
    assert result.returncode == 1  # the broken file
    assert ("3 file(s) added (3 document(s)), 1 unchanged, 1 failed, 1 other file(s) skipped → "
            f"{collection['db']}") in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_file_is_one_line_on_stderr(collection):
    errors = [line for line in collection["result"].stderr.splitlines()
              if line.startswith("pipeline: error:")]
    assert errors == [f"pipeline: error: {collection['bad']}: damaged PDF: truncated "
                      "(no %EOF marker at the end)"]


def test_manifest_has_one_row_per_input_file(collection):
    inbox, bad = collection["inbox"], collection["bad"]
    rows = {Path(r["path"]): r for r in manifest(collection["db"])}
    assert {p: r["status"] for p, r in rows.items()} == {
        inbox / "memo.pdf": "added",
        inbox / "sub" / "scan0001.dat": "added",
        inbox / "sub" / "deeper" / "page": "added",
        inbox / "sub" / "copy-of-memo.pdf": "unchanged",  # the same bytes as memo.pdf
        bad: "failed",
    }
    memo = rows[inbox / "memo.pdf"]
    assert memo["sha256"] == "83496b4fbde0c152acea77d63d312a472ef0c2c89121acef3f72de057259fcbd"
    assert (memo["pages"], memo["documents"], memo["error"]) == (1, 1, None)
    assert memo["pipeline_version"] == "0.1.0" and memo["seconds"] > 0
    assert memo["first_seen"] == memo["last_seen"]
    assert memo["first_seen"].endswith("Z") and len(memo["first_seen"]) == 20
    assert rows[inbox / "sub" / "deeper" / "page"]["pages"] == 1
    failed = rows[bad]
    assert failed["error"] == "damaged PDF: truncated (no %EOF marker at the end)"
    assert (failed["pages"], failed["documents"]) == (None, None)


def test_status_prints_counts_and_failed_files(collection):
    result = run_pipeline("status", "--db", collection["db"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{collection['db']}: 5 file(s): 3 added, 1 unchanged, 1 failed",
        f"failed: {collection['bad']}: damaged PDF: truncated (no %EOF marker at the end)",
    ]


def test_manifest_never_changes_the_archive_version(collection, tmp_path):
    """Recording files is not content: the version is the one of the documents alone."""
    from pipeline.load.database import content_version, open_database

    db = open_database(collection["db"], wal=False)
    try:
        assert version(collection["db"]) == content_version(db)
    finally:
        db.close()


def test_reingest_marks_unchanged_and_keeps_the_first_reading(collection, tmp_path):
    db = tmp_path / "archive.db"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "memo.pdf").write_bytes(MEMO.read_bytes())
    assert run_pipeline("ingest", "-q", "--db", db, folder).returncode == 0
    first = manifest(db)[0]
    time.sleep(1.1)
    again = run_pipeline("ingest", "-q", "--db", db, folder)
    assert again.returncode == 0
    assert "0 file(s) added (0 document(s)), 1 unchanged, 0 failed" in again.stderr
    row = manifest(db)[0]
    assert row["status"] == "unchanged"
    assert row["first_seen"] == first["first_seen"] and row["last_seen"] > first["last_seen"]
    assert (row["pages"], row["seconds"], row["pipeline_version"]) == (
        first["pages"], first["seconds"], first["pipeline_version"])


def test_retry_failed_reads_each_failed_file_again_at_its_path(tmp_path):
    db = tmp_path / "archive.db"
    bad = tmp_path / "incoming.pdf"
    bad.write_bytes(SHIRYO.read_bytes()[:2000])  # a download cut short
    assert run_pipeline("ingest", "-q", "--db", db, bad, MEMO).returncode == 1
    still = run_pipeline("ingest", "-q", "--db", db, "--retry-failed")
    assert still.returncode == 1
    assert "0 file(s) added (0 document(s)), 0 unchanged, 1 failed" in still.stderr
    bad.write_bytes(SHIRYO.read_bytes())  # the download completed
    fixed = run_pipeline("ingest", "-q", "--db", db, "--retry-failed")
    assert fixed.returncode == 0, fixed.stderr
    assert "1 file(s) added (1 document(s)), 0 unchanged, 0 failed" in fixed.stderr
    rows = {Path(r["path"]).name: (r["status"], r["error"]) for r in manifest(db)}
    assert rows == {"incoming.pdf": ("added", None), "01-memo.pdf": ("added", None)}
    status = run_pipeline("status", "--db", db)
    assert status.stdout.splitlines() == [f"{db}: 2 file(s): 2 added, 0 unchanged, 0 failed"]


def test_ingest_without_paths_is_a_usage_error(tmp_path):
    result = run_pipeline("ingest", "--db", tmp_path / "archive.db")
    assert result.returncode == ExitCode.usage == 2
    assert "give files or folders to ingest (or --retry-failed)" in result.stderr


def test_status_of_a_missing_archive(tmp_path):
    result = run_pipeline("status", "--db", tmp_path / "nope.db")
    assert result.returncode == ExitCode.archive == 3
    assert result.stderr == f"pipeline: error: {tmp_path / 'nope.db'}: no such archive\n"


def test_manifest_survives_a_rebuild_and_an_older_archive_gains_it(collection, tmp_path):
    db = tmp_path / "archive.db"
    db.write_bytes(collection["db"].read_bytes())
    before = manifest(db)
    result = run_pipeline("build", "--db", db, "--extracted-dir", collection["root"] / "extracted")
    assert result.returncode == 0, result.stderr
    assert manifest(db) == before
    conn = sqlite3.connect(db)
    conn.execute("drop table files")  # as archives made before the manifest
    conn.commit()
    conn.close()
    assert run_pipeline("ingest", "-q", "--db", db, MEMO).returncode == 0
    assert [(Path(r["path"]).name, r["status"]) for r in manifest(db)] == [("01-memo.pdf", "unchanged")]


# --- reprocess ----------------------------------------------------------------------------------


def test_reprocess_without_rule_changes_changes_nothing(collection, tmp_path):
    db = tmp_path / "archive.db"
    extracted = tmp_path / "extracted"
    assert run_pipeline("ingest", "-q", "--db", db, MEMO, SHIRYO).returncode == 0
    before = version(db)
    result = run_pipeline("reprocess", "-q", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"0 of 2 document(s) changed (0 new, 0 gone); archive version {before} → {before}")
    assert version(db) == before
    assert len(list(extracted.glob("*.json"))) == 2


def test_reprocess_brings_documents_analyzed_by_older_rules_up_to_date(tmp_path):
    """An archive whose documents were analyzed by older rules (here: no entities, another
    title) gets them analyzed again from the stored text, without OCR."""
    db = tmp_path / "archive.db"
    extracted = tmp_path / "extracted"
    assert run_pipeline("ingest", "-q", "--db", db, MEMO, SHIRYO).returncode == 0
    current = version(db)
    [memo_json] = extracted.glob("01-memo.*.json")
    fresh = memo_json.read_text(encoding="utf-8")
    old = json.loads(fresh)
    old["entities"], old["title"] = [], "古い表題"
    memo_json.write_text(json.dumps(old, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert run_pipeline("build", "--db", db, "--extracted-dir", extracted).returncode == 0
    stale = version(db)
    assert stale != current
    result = run_pipeline("reprocess", "-q", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"1 of 2 document(s) changed (0 new, 0 gone); archive version {stale} → {current}")
    assert memo_json.read_text(encoding="utf-8") == fresh
    again = run_pipeline("reprocess", "-q", "--db", db)
    assert again.stderr.splitlines()[-1] == (
        f"0 of 2 document(s) changed (0 new, 0 gone); archive version {current} → {current}")


def test_reprocess_with_ocr_reads_the_files_again(tmp_path):
    db = tmp_path / "archive.db"
    assert run_pipeline("ingest", "-q", "--db", db, MEMO).returncode == 0
    before = version(db)
    first = manifest(db)[0]
    result = run_pipeline("reprocess", "--ocr", "-q", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"0 of 1 document(s) changed (0 new, 0 gone); archive version {before} → {before}")
    row = manifest(db)[0]
    assert row["status"] == "added" and row["last_seen"] >= first["last_seen"]


# --- Datasette ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_files_table_is_served_and_faceted_by_status(collection):
    port = free_port()
    proc = start_pipeline("serve", "--db", collection["db"], "--port", port, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/archive/files.json?_shape=objects"
        for _ in range(100):
            try:
                data = json.loads(urllib.request.urlopen(url, timeout=5).read())
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("pipeline serve did not answer")
        statuses = {f["value"]: f["count"] for f in data["facet_results"]["status"]["results"]}
        assert statuses == {"added": 3, "unchanged": 1, "failed": 1}
        html = urllib.request.urlopen(url.replace(".json?_shape=objects", ""), timeout=5).read().decode()
        assert "入力ファイル Input files" in html
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_files_table_is_described_in_japanese_and_english():
    from pipeline.load import schema

    metadata = json.loads((REPO / "datasette_metadata.json").read_text(encoding="utf-8"))
    meta = metadata["databases"]["archive"]["tables"]["files"]
    assert set(meta["columns"]) == set(schema.FILES)
    assert "status" in meta["facets"]
    for text in meta["columns"].values():
        assert any("\u3040" <= c <= "\u9fff" for c in text) and any(c.isascii() and c.isalpha() for c in text)


# --- errors -------------------------------------------------------------------------------------


def test_exit_codes_table():
    assert {e.name: int(e) for e in ExitCode} == {
        "ok": 0, "input_file": 1, "usage": 2, "archive": 3, "missing_dependency": 4, "cluster": 5,
        "interrupted": 130,
    }
    assert InputError("a.pdf", "empty file").exit_code == 1
    assert ArchiveError("x").exit_code == 3
    assert issubclass(InputError, PipelineError) and issubclass(ArchiveError, PipelineError)


def test_errors_cross_process_boundaries_intact():
    """Raised in a worker process, they are pickled back to the ingesting process."""
    err = pickle.loads(pickle.dumps(InputError("/tmp/a.pdf", "PDF is encrypted (password required)")))
    assert (type(err), err.path, err.reason, str(err)) == (
        InputError, "/tmp/a.pdf", "PDF is encrypted (password required)",
        "/tmp/a.pdf: PDF is encrypted (password required)")
    assert str(pickle.loads(pickle.dumps(ArchiveError("db: read-only")))) == "db: read-only"


def test_missing_tesseract_is_reported_once_up_front(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    os.symlink(sys.executable, bin_dir / "python")  # a PATH without tesseract
    scans = [CORPUS / "scanned" / "02-shiryo1.pdf", CORPUS / "scanned" / "03-shiryo2.pdf"]
    result = run_pipeline("ingest", "-q", "--workers", "1", "--db", tmp_path / "archive.db",
                          *scans, env={"PATH": str(bin_dir)})
    assert result.returncode == ExitCode.missing_dependency
    errors = [line for line in result.stderr.splitlines() if line.startswith("pipeline: error:")]
    assert len(errors) == 1 and "tesseract" in errors[0].lower()


def test_ctrl_c_during_ingest_exits_130_without_traceback(tmp_path):
    """Ctrl-C reaches the whole process group (the ingesting process and its pool workers)."""
    scans = [CORPUS / "scanned" / "04-letter.pdf", CORPUS / "scanned" / "07-union-newsletter.pdf"]
    db = tmp_path / "archive.db"
    proc = start_pipeline("ingest", "-q", "--workers", "2", "--db", db, *scans, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, start_new_session=True)
    time.sleep(4)  # reading: OCR of the first pages
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "pipeline: interrupted"
    assert "Traceback" not in err
