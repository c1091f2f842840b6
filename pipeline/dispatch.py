"""Where the reading of files runs: in this process, on a local pool of processes, or on a Dask
cluster. The ingesting process stays the archive's only writer; only the reading moves.

The work of one file is `read_file`, a pure function from the file's bytes to its documents as
JSON (extract, OCR, normalize, analyze): it may run on any machine, any number of times (a worker
killed half-way is simply run again elsewhere), and always gives the same documents, whose ids are
content hashes.

    runner = runner_for(workers=2, scheduler=None, files=2)
    try:
        for tag, job, outcome in runner.run((tag, job) for ...):   # as they complete
            ...   # outcome: a ReadResult, or the exception the work raised
    finally:
        runner.close()

GiNZA is loaded once per worker process: `analyze.nlp.get_nlp` is a lazily filled, process-wide
cache, and pool and Dask worker processes live for the whole run.
"""

from __future__ import annotations

import contextlib
import signal
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ClusterError, InputError
from .limits import DEFAULT_LIMITS, Limits


@dataclass(frozen=True)
class ReadJob:
    """One file to read. `data` travels to the worker; the rest names it."""

    sha256: str
    name: str  # file name, as documents.source
    source_path: str  # as documents.source_path
    data: bytes | None = field(repr=False)  # None when read in this process, from disk
    limits: Limits = DEFAULT_LIMITS
    threads: int = 1  # OCR pages side by side, GiNZA processes


@dataclass
class ReadResult:
    documents: list[dict] | None  # Document.to_dict() of each, or None when the file was refused
    error: str | None = None  # the one-line reason it was refused
    pages: int | None = None
    seconds: float = 0.0


def read_path(path: Path, job: ReadJob, on_page: Callable[[int], None] | None = None) -> ReadResult:
    """`read_file` on a file already on disk (no copy): what the in-process runner calls."""
    from .stages import analyze_documents, extract_documents

    started = time.perf_counter()
    try:
        docs = extract_documents(
            path, job.sha256, source=job.name, source_path=job.source_path, limits=job.limits,
            workers=job.threads, on_page=on_page,
        )
        docs = analyze_documents(docs, n_process=job.threads)
    except InputError as exc:
        return ReadResult(None, exc.reason, seconds=time.perf_counter() - started)
    return ReadResult([d.to_dict() for d in docs], pages=max(d.page_end for d in docs),
                      seconds=time.perf_counter() - started)


def read_file(job: ReadJob) -> ReadResult:
    """The work of one file, from its bytes: runs on pool and Dask workers. The bytes are written
    to a private temporary folder under the file's own name (readers sniff content, not names)."""
    with tempfile.TemporaryDirectory(prefix="pipeline-read-") as tmp:
        path = Path(tmp) / (Path(job.name).name or "input")
        path.write_bytes(job.data)
        return read_path(path, job)


# --- runners -------------------------------------------------------------------------------------


class InProcess:
    """Files one after another in this process, with per-page progress."""

    kind = "in-process"

    def __init__(self, on_page: Callable[[int], None] | None = None):
        self.on_page = on_page

    def run(self, jobs: Iterable[tuple[object, ReadJob]]) -> Iterator[tuple[object, ReadJob, object]]:
        """`jobs`: (tag, job) pairs, the tag having the file's `path`."""
        for tag, job in jobs:
            yield tag, job, read_path(tag.path, job, self.on_page)

    def close(self) -> None:
        pass


def _init_pool_worker() -> None:
    """Ctrl-C reaches the whole process group: the ingesting process handles it, a worker just
    ends (no traceback of its own). A worker also ends with the ingesting process (Linux:
    PR_SET_PDEATHSIG), instead of waiting for work forever."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)


class _Window:
    """Keep at most `size` jobs in flight (each holds its file's bytes), yielding them as they
    complete. `submit(job)` returns a future; `completed(futures)` yields them as they finish
    and accepts more while it runs (`add`)."""

    def __init__(self, size: int):
        self.size = size

    def run(self, jobs, submit, completed) -> Iterator[tuple[Path, ReadJob, object]]:
        jobs = iter(jobs)
        in_flight: dict = {}

        def top_up(stream) -> None:
            while len(in_flight) < self.size:
                item = next(jobs, None)
                if item is None:
                    return
                future = submit(item[1])
                in_flight[future] = item
                stream.add(future)

        stream = completed()
        top_up(stream)
        for future in stream:
            path, job = in_flight.pop(future)
            try:
                outcome = future.result()
            except Exception as exc:  # noqa: BLE001 — handed to the caller, which decides
                outcome = exc
            yield path, job, outcome
            top_up(stream)


class _FuturesStream:
    """concurrent.futures futures as they complete, more accepted on the way (like Dask's
    as_completed)."""

    def __init__(self):
        self._pending: set = set()

    def add(self, future) -> None:
        self._pending.add(future)

    def __iter__(self):
        from concurrent.futures import FIRST_COMPLETED, wait

        while self._pending:
            done, self._pending = wait(self._pending, return_when=FIRST_COMPLETED)
            yield from done


class LocalPool:
    """`workers` processes of this machine, each reading one file at a time.

    GiNZA is loaded here once, before the workers are forked: they share the loaded model
    (copy-on-write) instead of each loading it again (seconds of CPU each), as
    `analyze.nlp._find_in_processes` does. Where fork is unavailable, each worker loads it once."""

    kind = "process pool"

    def __init__(self, workers: int):
        import gc
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        if "fork" in multiprocessing.get_all_start_methods():
            from .analyze.nlp import get_nlp

            get_nlp()
            gc.collect()
            gc.freeze()  # the workers' collectors leave the inherited objects (and pages) alone
            context = multiprocessing.get_context("fork")
        else:
            context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(workers, mp_context=context,
                                        initializer=_init_pool_worker)

    def run(self, jobs):
        from concurrent.futures.process import BrokenProcessPool

        for path, job, outcome in _Window(2 * self.workers).run(
            jobs, lambda job: self.pool.submit(read_file, job), _FuturesStream
        ):
            if isinstance(outcome, BrokenProcessPool):
                raise ClusterError("a worker process died (out of memory?); "
                                   "run the same command again to resume")
            yield path, job, outcome

    def close(self) -> None:
        import gc

        self.pool.shutdown(wait=False, cancel_futures=True)
        gc.unfreeze()


class DaskCluster:
    """The workers of a Dask cluster (`dask scheduler` + `dask worker`s, or a LocalCluster)."""

    kind = "Dask cluster"

    def __init__(self, address: str, connect_timeout: float = 10):
        import logging

        from distributed import Client

        # The client's own logging would print tracebacks on stderr when the scheduler goes
        # away; that is said in one line (ClusterError) instead. Dask configures some of its
        # loggers' levels one by one.
        for name in ["distributed", *logging.root.manager.loggerDict]:
            if name.split(".")[0] == "distributed":
                logging.getLogger(name).setLevel(logging.CRITICAL)

        try:
            self.client = Client(address, timeout=connect_timeout, set_as_default=False)
        except (OSError, TimeoutError) as exc:
            raise ClusterError(f"{address}: cannot reach the Dask scheduler ({exc})") from None
        self.address = address

    def _window(self) -> int:
        threads = sum(self.client.nthreads().values()) or 1
        return 2 * threads

    def run(self, jobs):
        from distributed import as_completed

        def submit(job: ReadJob):
            # A unique key: the same bytes submitted by another run must not share its result's
            # lifetime. pure=False: a retry is a new computation.
            return self.client.submit(read_file, job, key=f"read-{job.sha256[:16]}-{uuid.uuid4().hex}",
                                      pure=False)

        def completed():
            return as_completed(loop=self.client.loop)

        import asyncio
        import concurrent.futures

        from distributed.comm.core import CommClosedError

        # Our futures are only ever cancelled when the client loses the scheduler.
        lost = (asyncio.CancelledError, concurrent.futures.CancelledError, CommClosedError)
        try:
            for tag, job, outcome in _Window(self._window()).run(jobs, submit, completed):
                if isinstance(outcome, lost):
                    raise outcome
                yield tag, job, outcome
        except lost:
            # What was loaded stays; the next run reads the rest.
            raise ClusterError(f"{self.address}: lost the Dask scheduler; run the same command"
                               " again to resume") from None

    def close(self) -> None:
        self.client.close()


def dask_setup(worker=None) -> None:
    """Dask preload hook: `dask worker tcp://HOST:PORT --nthreads 1 --preload pipeline.dispatch`
    loads GiNZA when the worker starts rather than with its first file."""
    from .analyze.nlp import get_nlp

    get_nlp()


def runner_for(workers: int, scheduler: str | None, files: int,
               on_page: Callable[[int], None] | None = None):
    """The runner for `files` files to read (1, or more): a Dask cluster when a scheduler address
    is given; else this process when there is one file (it gets all `workers` for its pages) or
    one worker; else a pool of `workers` processes."""
    if scheduler:
        return DaskCluster(scheduler)
    if workers <= 1 or files <= 1:
        return InProcess(on_page)
    return LocalPool(workers)


def threads_per_file(workers: int, scheduler: str | None, files: int) -> int:
    """Pages of one file read side by side: all the workers when this process reads the only
    file; one when files are read side by side (each by its own worker)."""
    if scheduler or (workers > 1 and files > 1):
        return 1
    return max(1, workers)
