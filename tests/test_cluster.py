"""Issue 10: reading files on a real Dask LocalCluster (two worker processes) and on the local
process pool gives the same archive as reading them one by one in the ingesting process, even
when a worker is killed in the middle of a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils

from conftest import CORPUS, run_pipeline, start_pipeline

pytestmark = pytest.mark.slow

FILES = [*sorted((CORPUS / "born-digital").glob("0[1-6]-*.pdf")), CORPUS / "bundle" / "packet.pdf"]
KEYS = {"documents": "id", "pages": "id", "entities": "id", "doc_tables": "id",
        "table_cells": "table_id, row, col"}


def dump(db: Path) -> dict:
    """Everything a reader can see, rows in key order; the manifest without its timings and with
    file names instead of paths (the builds read copies in different folders)."""
    conn = sqlite_utils.Database(db)
    try:
        out = {t: conn.execute(f"select * from [{t}] order by {k}").fetchall() for t, k in KEYS.items()}
        out["archive_info"] = conn.execute(
            "select key, value from archive_info where key in ('version', 'content_sum')"
            " order by key").fetchall()
        out["files"] = sorted(
            (Path(r[0]).name, *r[1:]) for r in conn.execute(
                "select path, sha256, status, error, pages, documents, pipeline_version from files"))
        return out
    finally:
        conn.close()


def copy_inputs(folder: Path) -> list[Path]:
    folder.mkdir()
    for f in FILES:
        (folder / f.name).write_bytes(f.read_bytes())
    return sorted(folder.iterdir())


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> dict:
    """The reference: every file read in the ingesting process, one after another."""
    root = tmp_path_factory.mktemp("serial")
    inputs = copy_inputs(root / "in")
    result = run_pipeline("ingest", "-q", "--workers", "1", "--db", root / "archive.db", *inputs)
    assert result.returncode == 0, result.stderr
    return dump(root / "archive.db")


@pytest.fixture(scope="module")
def cluster():
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      env={"OMP_THREAD_LIMIT": "1"}) as local, Client(local) as client:
        yield local, client


def test_serial_reference_holds_every_file_once(serial):
    ids = [r[0] for r in serial["documents"]]
    assert len(ids) == len(set(ids)) == 10  # six files of one document, a bundle of four
    assert [(name, status) for name, _, status, *_ in serial["files"]] == sorted(
        (f.name, "added") for f in FILES)


def test_cluster_with_a_worker_killed_mid_file_builds_the_serial_archive(cluster, serial, tmp_path):
    local, client = cluster
    inputs = copy_inputs(tmp_path / "in")
    db = tmp_path / "archive.db"
    proc = start_pipeline("ingest", "-q", "--db", db, "--scheduler", local.scheduler_address, *inputs,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pids = client.run(os.getpid)
    killed = None
    deadline = time.monotonic() + 120
    while killed is None and proc.poll() is None and time.monotonic() < deadline:
        for worker, keys in client.processing().items():
            reading = [k for k in keys if str(k).startswith("read-")]
            if reading and worker in pids:
                os.kill(pids[worker], signal.SIGKILL)  # mid-file: its task is running there
                killed = (worker, reading)
                break
        time.sleep(0.05)
    out, err = proc.communicate(timeout=300)
    assert killed, "no task was seen running on a worker"
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert dump(db) == serial  # same ids, same rows, same version: nothing lost or duplicated


def test_cluster_address_from_the_environment(cluster, serial, tmp_path):
    local, client = cluster
    inputs = copy_inputs(tmp_path / "in")
    result = run_pipeline("ingest", "-q", "--db", tmp_path / "archive.db", tmp_path / "in",
                          env={"DASK_SCHEDULER_ADDRESS": local.scheduler_address})
    assert result.returncode == 0, result.stderr
    assert f"{len(inputs)} file(s) added (10 document(s))" in result.stderr
    assert dump(tmp_path / "archive.db") == serial
    # GiNZA was loaded at most once in each worker process, however many files it read.
    from pipeline.analyze.nlp import get_nlp

    loads = [info.misses for info in client.run(get_nlp.cache_info).values()]
    assert max(loads) == 1 and min(loads) >= 0


def test_local_process_pool_builds_the_serial_archive(serial, tmp_path):
    copy_inputs(tmp_path / "in")
    result = run_pipeline("ingest", "-q", "--workers", "2", "--db", tmp_path / "archive.db",
                          tmp_path / "in")
    assert result.returncode == 0, result.stderr
    assert dump(tmp_path / "archive.db") == serial


def test_ingest_killed_on_a_cluster_resumes_from_extracted_and_the_manifest(cluster, serial, tmp_path):
    """The ingesting process killed once some files are loaded: the next run loads the rest
    (reading again only what was neither loaded nor written to extracted/)."""
    local, _ = cluster
    inputs = copy_inputs(tmp_path / "in")
    db = tmp_path / "archive.db"
    proc = start_pipeline("ingest", "-q", "--db", db, "--scheduler", local.scheduler_address, *inputs,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        if db.exists() and _files_added(db) >= 2:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    proc.wait(timeout=60)
    assert 2 <= _files_added(db) < len(inputs)
    result = run_pipeline("ingest", "-q", "--db", db, "--scheduler", local.scheduler_address,
                          *inputs)
    assert result.returncode == 0, result.stderr
    resumed = dump(db)
    # The manifest says what the last run did: files loaded before the kill are now unchanged.
    statuses = {name: status for name, _, status, *_ in resumed.pop("files")}
    assert set(statuses) == {f.name for f in FILES}
    assert set(statuses.values()) <= {"added", "unchanged"}
    assert resumed == {k: v for k, v in serial.items() if k != "files"}


def _files_added(db: Path) -> int:
    conn = sqlite_utils.Database(db)
    try:
        if "files" not in conn.table_names():
            return 0
        return conn.execute("select count(*) from files where status = 'added'").fetchone()[0]
    finally:
        conn.close()


def test_unreachable_scheduler_is_one_line_and_its_own_exit_code(tmp_path):
    result = run_pipeline("ingest", "-q", "--db", tmp_path / "archive.db",
                          "--scheduler", "tcp://127.0.0.1:9", FILES[0])
    assert result.returncode == 5  # errors.ExitCode.cluster
    assert result.stderr.startswith(
        "pipeline: error: tcp://127.0.0.1:9: cannot reach the Dask scheduler")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_scheduler_lost_mid_run_is_one_line_and_the_next_run_resumes(serial, tmp_path):
    """`dask scheduler` and `dask worker` as separate programs, as on a real cluster; the
    scheduler killed while files are being read."""
    dask = Path(sys.executable).with_name("dask")
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    scheduler = subprocess.Popen([str(dask), "scheduler", "--port", str(port), "--no-dashboard"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    worker = subprocess.Popen([str(dask), "worker", address, "--nthreads", "1", "--no-dashboard"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                              start_new_session=True)
    try:
        inputs = copy_inputs(tmp_path / "in")
        db = tmp_path / "archive.db"
        proc = start_pipeline("ingest", "-q", "--db", db, "--scheduler", address, *inputs,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline and _files_added(db) < 1:
            time.sleep(0.1)
        scheduler.kill()
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 5, err
        assert err.strip().splitlines()[-1] == (
            f"pipeline: error: {address}: lost the Dask scheduler; "
            "run the same command again to resume")
        assert "Traceback" not in err
        assert 1 <= _files_added(db) < len(inputs)
    finally:
        scheduler.kill()
        os.killpg(worker.pid, signal.SIGKILL)
        scheduler.wait()
        worker.wait()
    result = run_pipeline("ingest", "-q", "--workers", "1", "--db", db, *inputs)
    assert result.returncode == 0, result.stderr
    resumed = dump(db)
    resumed.pop("files")
    assert resumed == {k: v for k, v in serial.items() if k != "files"}


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
