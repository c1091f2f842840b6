"""Issue 10: `pipeline watch DIR`, as a real subprocess watching a real folder."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from conftest import CORPUS, start_pipeline
from pipeline.collect import Settling

MEMO = CORPUS / "born-digital" / "01-memo.pdf"
SHIRYO = CORPUS / "born-digital" / "02-shiryo1.pdf"
SETTLE = 1.0


def rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=30)
    try:
        if "files" not in {r[0] for r in conn.execute("select name from sqlite_master")}:
            return []
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail("timed out")


@pytest.fixture
def watcher(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "already-there.pdf").write_bytes(MEMO.read_bytes())
    db = tmp_path / "archive.db"
    proc = start_pipeline("watch", folder, "--db", db, "--workers", "1", "--settle", SETTLE, "-q",
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield folder, db, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def test_watch_ingests_files_as_they_arrive_never_half_written(watcher):
    folder, db, proc = watcher
    files = lambda: rows(db, "select path, status, error from files order by path")  # noqa: E731
    # A file already in the folder is taken first.
    wait_for(lambda: len(files()) == 1)
    assert files() == [(str(folder / "already-there.pdf"), "added", None)]

    # A file written slowly, in pieces, in a subfolder: read once, complete.
    (folder / "sub").mkdir()
    target = folder / "sub" / "scan.pdf"
    data = SHIRYO.read_bytes()
    with open(target, "wb") as fh:
        for i in range(0, len(data), len(data) // 4 + 1):
            fh.write(data[i : i + len(data) // 4 + 1])
            fh.flush()
            time.sleep(SETTLE * 0.6)  # pauses shorter than the settle interval
    wait_for(lambda: len(files()) == 2)
    time.sleep(SETTLE * 2)
    assert files() == [(str(folder / "already-there.pdf"), "added", None),
                       (str(target), "added", None)]

    # A bad file: one line on stderr, recorded as failed, the watch goes on.
    (folder / "broken.pdf").write_bytes(data[:2000])
    (folder / "notes.txt").write_text("not a document\n")
    wait_for(lambda: len(files()) == 3)
    assert (str(folder / "broken.pdf"), "failed",
            "damaged PDF: truncated (no %EOF marker at the end)") in files()
    assert rows(db, "select count(*) from documents") == [(2,)]

    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert err.count(f"pipeline: error: {folder / 'broken.pdf'}: damaged PDF") == 1
    assert err.strip().splitlines()[-1] == "pipeline: watch stopped"


def test_settling_waits_for_size_and_time_to_stay_the_same(tmp_path):
    path = tmp_path / "f.pdf"
    path.write_bytes(b"%PDF-1.4\n")
    settling = Settling(0.3)
    settling.touch(path)
    assert settling.ready() == []  # first look: remembered
    time.sleep(0.2)
    with open(path, "ab") as fh:
        fh.write(b"more")  # still being written
    assert settling.ready() == []
    time.sleep(0.1)
    assert settling.ready() == []  # unchanged since the last look, but not yet for 0.3 s
    time.sleep(0.3)
    assert settling.ready() == [path]
    assert len(settling) == 0
    settling.touch(tmp_path / "gone.pdf")
    assert settling.ready() == [] and len(settling) == 0  # vanished: forgotten
