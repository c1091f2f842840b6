"""Compose the stages: extract → normalize → analyze → load, one input file at a time.

This is the Python API behind `pipeline ingest` and `pipeline build`; the CLI only parses
arguments and prints. Heavy modules (pdfplumber, spaCy, Tesseract wrappers) are imported inside the
functions that need them so that re-ingesting an unchanged corpus stays well under a second.

Crash safety: for each file, the extracted documents are written to `extracted/` (atomically,
file by file) before they are loaded into the archive in one transaction. A run killed at any point
leaves the archive as it was; the next run finds the JSON already written and only loads it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import ArchiveError, InputError
from .limits import DEFAULT_LIMITS, Limits
from .model import Document
from .stages import (analyze_documents, extract_documents, read_pages,  # noqa: F401 (API)
                     source_path_for, split_into_documents)

DEFAULT_DB = "archive.db"
EXTRACTED_DIRNAME = "extracted"


@dataclass
class FileResult:
    path: str
    status: str  # "added", "unchanged", "failed"
    document_ids: list[str] = field(default_factory=list)
    reason: str | None = None
    pages: int | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    skipped: int = 0  # files in folders that are neither PDFs nor images

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "failed"]

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def default_extracted_dir(db_path: Path) -> Path:
    """`extracted/` beside the archive: the reviewable record `pipeline build` rebuilds from."""
    return Path(db_path).resolve().parent / EXTRACTED_DIRNAME


# --- extracted/ -------------------------------------------------------------------------------


def extracted_name(doc: Document) -> str:
    return f"{Path(doc.source).stem}.{doc.id}.json"


def write_extracted(doc: Document, directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / extracted_name(doc)
    tmp = target.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(
        json.dumps(doc.to_dict(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    os.replace(tmp, target)
    return target


def read_extracted(directory: Path, sha256: str | None = None) -> list[Document]:
    """Documents stored in `directory`, all of them or those of one source file, in id order."""
    if not directory.is_dir():
        return []
    pattern = f"*.{sha256[:16]}-p*.json" if sha256 else "*.json"
    docs = [
        Document.from_dict(json.loads(p.read_text(encoding="utf-8")))
        for p in sorted(directory.glob(pattern))
    ]
    if sha256:
        docs = [d for d in docs if d.sha256 == sha256]
    return sorted(docs, key=lambda d: d.id)


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path = DEFAULT_DB,
    *,
    extracted_dir: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    force: bool = False,
    workers: int = 2,
    scheduler: str | None = None,
    progress: Callable[[int], None] | None = None,
    on_pages: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Add files, and the PDFs and page images in folders (recursively), to the archive.
    Unchanged files (same bytes already in the archive) are skipped unless `force`. A bad file is
    reported in the result and recorded in the manifest (table `files`); the others still land.

    The files are read `workers` at a time on a local pool of processes, or on the Dask cluster
    whose scheduler is at `scheduler` (`tcp://host:port`); this process loads each file's
    documents as they come, in one transaction per file.

    `on_files(n)` is called with the number of files, `on_pages(n)` with page counts as files are
    planned, `progress(n)` as pages are done, `on_result` once per file.
    """
    from .collect import expand

    db_path = Path(db_path)
    out_dir = Path(extracted_dir) if extracted_dir else default_extracted_dir(db_path)
    inputs = expand(paths)
    report = IngestReport(skipped=inputs.skipped)
    if on_files:
        on_files(len(inputs.files))
    archive = open_archive(db_path)
    try:
        for result in _ingest_files(
            inputs.files, archive, out_dir, db_path.resolve().parent,
            limits=limits, force=force, workers=workers, scheduler=scheduler, progress=progress,
            on_pages=on_pages,
        ):
            report.files.append(result)
            if on_result:
                on_result(result)
    finally:
        archive.close()
    return report


def failed_paths(db_path: str | Path = DEFAULT_DB) -> list[str]:
    """Every file the manifest records as failed, at its recorded path (for `--retry-failed`)."""
    archive = open_archive(Path(db_path))
    try:
        return [row["path"] for row in archive.files("failed")]
    finally:
        archive.close()


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _file_row(path: Path, sha256: str | None, status: str, *, error: str | None = None,
              pages: int | None = None, documents: int | None = None,
              seconds: float | None = None, read: bool = False) -> dict:
    return {
        "path": str(path.resolve()), "sha256": sha256, "status": status, "error": error,
        "pages": pages, "documents": documents,
        "seconds": round(seconds, 3) if seconds is not None else None,
        "pipeline_version": __version__ if read else None, "last_seen": _now(),
    }


@dataclass
class _Plan:
    path: Path
    sha256: str
    known: list[str]  # ids of its documents already in the archive (re-read with --force)


def _ingest_files(
    paths: list[Path],
    archive,
    out_dir: Path,
    archive_dir: Path,
    *,
    limits: Limits,
    force: bool,
    workers: int,
    scheduler: str | None,
    progress: Callable[[int], None] | None,
    on_pages: Callable[[int], None] | None,
) -> Iterator[FileResult]:
    """Plan each file (unchanged, refused, already extracted, or to read) as the runner asks for
    work, read those to read on the runner, and load each as it completes. Planning is lazy: a
    folder of thousands of files starts reading after its first files are hashed, not all."""
    from . import dispatch

    done: list[FileResult] = []  # results found while planning, yielded as the run goes
    manifest = _Manifest(archive)
    extracted = _ExtractedIndex(out_dir)
    copies: dict[str, list[Path]] = {}  # sha256 -> further paths holding the same bytes
    failures: dict[str, str] = {}  # sha256 -> reason, for its copies

    def refuse(path: Path, sha: str | None, reason: str, **row) -> None:
        manifest.add(_file_row(path, sha, "failed", error=reason, **row))
        done.append(FileResult(str(path), "failed", reason=reason))

    def plans() -> Iterator[_Plan]:
        for path in paths:
            try:
                if not path.exists():
                    raise InputError(path, "no such file")
                if path.is_dir():
                    raise InputError(path, "is a directory")
                sha = sha256_file(path)
            except InputError as exc:
                refuse(path, None, exc.reason)
                continue
            except OSError as exc:
                refuse(path, None, f"cannot read: {exc.strerror}")
                continue
            if sha in copies:
                copies[sha].append(path)
                continue
            copies[sha] = []
            known = archive.known(sha)
            if known and not force:
                manifest.add(_file_row(path, sha, "unchanged", documents=len(known),
                                       pages=archive.pages_of(sha)))
                done.append(FileResult(str(path), "unchanged", known))
                continue
            plan = _Plan(path, sha, known)
            docs = [] if force else extracted.documents(sha)
            if docs:  # read by a run that was stopped before loading it
                done.append(_load(archive, manifest, plan, docs, pages=None, seconds=None))
                continue
            yield plan

    try:
        pending = plans()
        # The first two files to read decide where reading runs: the only one gets this
        # process and all the workers for its pages; more go to the pool or the cluster.
        head = list(itertools.islice(pending, 2))
        yield from _drain(done)
        if head:
            runner = dispatch.runner_for(workers, scheduler, len(head), on_page=progress)
            threads = dispatch.threads_per_file(workers, scheduler, len(head))
            in_process = isinstance(runner, dispatch.InProcess)

            def jobs():
                for plan in itertools.chain(head, pending):
                    if on_pages:
                        from .extract import page_count

                        try:
                            on_pages(page_count(plan.path))
                        except InputError:
                            pass  # said when it is read
                    # This process reads its files from disk; workers get the bytes.
                    data = None if in_process else plan.path.read_bytes()
                    yield plan, dispatch.ReadJob(
                        plan.sha256, plan.path.name, source_path_for(plan.path, archive_dir),
                        data, limits, threads,
                    )

            try:
                for plan, job, outcome in runner.run(jobs()):
                    yield from _drain(done)
                    if isinstance(outcome, BaseException):
                        reason = _worker_failure(outcome)
                        if reason is None:
                            raise outcome
                        outcome = dispatch.ReadResult(None, reason)
                    if progress and not in_process:
                        progress(outcome.pages or 0)
                    if outcome.documents is None:
                        failures[plan.sha256] = outcome.error
                        refuse(plan.path, plan.sha256, outcome.error, seconds=outcome.seconds,
                               read=True)
                    else:
                        docs = [Document.from_dict(d) for d in outcome.documents]
                        _write_extracted(docs, plan, extracted, out_dir)
                        done.append(_load(archive, manifest, plan, docs, pages=outcome.pages,
                                          seconds=outcome.seconds))
                    yield from _drain(done)
            finally:
                runner.close()
        yield from _drain(done)
        # Further copies of the same bytes: unchanged once the first is in, or refused with it.
        for sha, others in copies.items():
            known = archive.known(sha) if others else []
            for path in others:
                if known:
                    manifest.add(_file_row(path, sha, "unchanged", documents=len(known),
                                           pages=archive.pages_of(sha)))
                    done.append(FileResult(str(path), "unchanged", known))
                elif sha in failures:
                    refuse(path, sha, failures[sha])
        yield from _drain(done)
    finally:
        manifest.flush()


def _drain(results: list[FileResult]) -> Iterator[FileResult]:
    while results:
        yield results.pop(0)


class _Manifest:
    """Manifest rows of files whose documents did not change (unchanged, refused): written with
    the next file loaded (in its transaction), or by themselves every FLUSH_EVERY rows and at the
    end, so that neither a run of unchanged files nor a long run costs a transaction per file."""

    FLUSH_EVERY = 500

    def __init__(self, archive):
        self.archive, self.rows = archive, []

    def add(self, row: dict) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.FLUSH_EVERY:
            self.flush()

    def take(self) -> list[dict]:
        rows, self.rows = self.rows, []
        return rows

    def flush(self) -> None:
        self.archive.record_files(self.take())


def _worker_failure(exc: BaseException) -> str | None:
    """The one-line reason for a file whose worker died on it (Dask gave up after its retries),
    or None for an exception that is not about the file (a bug, a missing program)."""
    if type(exc).__name__ == "KilledWorker":
        return "the worker reading it died repeatedly (out of memory?)"
    return None


def _write_extracted(docs: list[Document], plan: _Plan, extracted: "_ExtractedIndex",
                     out_dir: Path) -> None:
    stale = extracted.documents(plan.sha256)
    for doc in docs:
        write_extracted(doc, out_dir)
    for old in stale:  # a changed splitter may have changed the page ranges
        if old.id not in {d.id for d in docs}:
            (out_dir / extracted_name(old)).unlink(missing_ok=True)


def _load(archive, manifest: _Manifest, plan: _Plan, docs: list[Document], *,
          pages: int | None, seconds: float | None) -> FileResult:
    """One file's documents into the archive, with its manifest row (and those waiting), in one
    transaction."""
    pages = pages or max(d.page_end for d in docs)
    row = _file_row(plan.path, plan.sha256, "added", pages=pages, documents=len(docs),
                    seconds=seconds, read=seconds is not None)
    waiting = manifest.take()
    try:
        archive.add(docs, remove=plan.known, files=[*waiting, row])
    except BaseException:
        manifest.rows[:0] = waiting  # not written: still to write
        raise
    return FileResult(str(plan.path), "added", [d.id for d in docs], pages=pages)


class _ExtractedIndex:
    """extracted/ listed once: the JSON files of each source file, by the first 16 hex digits of
    its sha256 (the start of its documents' ids)."""

    def __init__(self, directory: Path):
        self.directory = directory
        self._by_prefix: dict[str, list[Path]] = {}
        if directory.is_dir():
            for p in sorted(directory.glob("*.json")):
                prefix = p.name.rsplit(".", 2)[-2].split("-p", 1)[0] if p.name.count(".") >= 2 else ""
                self._by_prefix.setdefault(prefix, []).append(p)

    def documents(self, sha256: str) -> list[Document]:
        docs = []
        for p in self._by_prefix.get(sha256[:16], []):
            if p.exists():
                doc = Document.from_dict(json.loads(p.read_text(encoding="utf-8")))
                if doc.sha256 == sha256:
                    docs.append(doc)
        return sorted(docs, key=lambda d: d.id)


def open_archive(db_path: Path):
    """The archive at `db_path`, created (with its folder) when missing."""
    from sqlite_utils.utils import sqlite3

    from .load.database import Archive

    if db_path.is_file() and db_path.stat().st_size:
        with open(db_path, "rb") as fh:
            if fh.read(16) != b"SQLite format 3\x00":
                raise ArchiveError(f"{db_path}: not an SQLite database")
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
        return Archive(db_path)
    except (OSError, sqlite3.Error) as exc:
        raise ArchiveError(f"{db_path}: cannot open the archive ({exc})") from None


def build(db_path: str | Path, extracted_dir: str | Path) -> int:
    """Rebuild the archive from `extracted/` alone, deterministically; returns the document count.

    The same files always give the same rows (ids come from content hashes, rows are written in id
    order); the new database replaces the old one atomically.
    """
    docs = read_extracted(Path(extracted_dir))
    archive = open_archive(Path(db_path))
    try:
        archive.rebuild(docs)
    finally:
        archive.close()
    return len(docs)


# --- reprocessing ------------------------------------------------------------------------------


@dataclass
class ReprocessReport:
    documents: int  # in the archive after
    changed: int  # documents whose extracted record changed (metadata, entities, text, pages)
    added: int  # new documents (a bundle split differently)
    removed: int
    version_before: str
    version_after: str
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), with --ocr
    not_extracted: int = 0  # documents in the archive without their JSON in extracted/


def reprocess(db_path: str | Path = DEFAULT_DB, *, extracted_dir: str | Path | None = None,
              ocr: bool = False, workers: int = 2, scheduler: str | None = None,
              quiet: bool = True) -> ReprocessReport:
    """Run analysis again (splitting into documents, metadata, entities) over the stored,
    normalized page text of every document in `extracted/`, and load the documents that changed,
    one transaction per source file. With `ocr`, read every source file again instead (the
    manifest's paths, else the documents' source paths). The archive's version changes only if
    some document's text or entities did."""
    db_path = Path(db_path)
    out_dir = Path(extracted_dir) if extracted_dir else default_extracted_dir(db_path)
    before = {d.id: d.to_dict() for d in read_extracted(out_dir)}
    archive = open_archive(db_path)
    try:
        version_before = archive.version()
        failed: list[tuple[str, str]] = []
        if ocr:
            paths = _source_paths(archive, db_path.resolve().parent)
            archive.close()
            report = ingest(paths, db_path, extracted_dir=out_dir, force=True, workers=workers,
                            scheduler=scheduler)
            failed = [(r.path, r.reason) for r in report.failed]
            archive = open_archive(db_path)
        else:
            _reanalyze(archive, out_dir, workers, quiet)
        after = {d.id: d.to_dict() for d in read_extracted(out_dir)}
        ids = {r[0] for r in archive.db.execute("select id from documents")}
        return ReprocessReport(
            documents=len(ids),
            not_extracted=len(ids - after.keys()),
            changed=sum(1 for i in after.keys() & before.keys() if after[i] != before[i]),
            added=len(after.keys() - before.keys()),
            removed=len(before.keys() - after.keys()),
            version_before=version_before,
            version_after=archive.version(),
            failed=failed,
        )
    finally:
        archive.close()


def _source_paths(archive, archive_dir: Path) -> list[str]:
    """Where the archive's source files are: the manifest's paths, and the documents' source
    paths for files the manifest does not know (an archive built from extracted/)."""
    paths = {row["sha256"]: row["path"] for row in archive.files() if row["status"] != "failed"}
    for sha, source_path in archive.db.execute(
            "select sha256, min(source_path) from documents group by sha256 order by sha256"):
        if sha not in paths and source_path:
            paths[sha] = str((archive_dir / source_path).resolve())
    return sorted(paths.values())


def _reanalyze(archive, out_dir: Path, workers: int, quiet: bool) -> None:
    from tqdm import tqdm

    in_archive = {r[0] for r in archive.db.execute("select id from documents")}
    by_file: dict[str, list[Document]] = {}
    for doc in read_extracted(out_dir):
        if doc.id in in_archive:
            by_file.setdefault(doc.sha256, []).append(doc)
    for sha, docs in tqdm(sorted(by_file.items()), unit="file", desc="reprocess", disable=quiet,
                          file=sys.stderr):
        docs.sort(key=lambda d: d.page_start)
        old = {d.id: d.to_dict() for d in docs}
        pages = [p for d in docs for p in d.pages]
        if [p.number for p in pages] == list(range(1, len(pages) + 1)):  # every page: split again
            new = split_into_documents(pages, sha, docs[0].source, docs[0].source_path)
        else:
            new = docs
        new = analyze_documents(new, n_process=workers)
        changed = [d for d in new if old.get(d.id) != d.to_dict()]
        gone = sorted(old.keys() - {d.id for d in new})
        if not changed and not gone:
            continue
        for doc in changed:
            write_extracted(doc, out_dir)
        for doc_id in gone:
            (out_dir / extracted_name(next(d for d in docs if d.id == doc_id))).unlink(missing_ok=True)
        archive.add(changed, remove=gone)
