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
import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ArchiveError, InputError
from .limits import DEFAULT_LIMITS, Limits
from .model import Document, Page, document_id, join_pages

DEFAULT_DB = "archive.db"
EXTRACTED_DIRNAME = "extracted"


@dataclass
class FileResult:
    path: str
    status: str  # "added", "unchanged", "failed"
    document_ids: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)

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


# --- one file through the stages ---------------------------------------------------------------


def source_path_for(path: Path, archive_dir: Path) -> str:
    path = path.resolve()
    try:
        return path.relative_to(archive_dir.resolve()).as_posix()
    except ValueError:
        return str(path)


def extract_documents(
    path: Path,
    sha256: str,
    *,
    archive_dir: Path,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 2,
    on_page: Callable[[int], None] | None = None,
) -> list[Document]:
    """Text per page, normalized, split into the documents the file holds (metadata and entities
    are filled by `analyze`)."""
    pages = read_pages(path, limits=limits, workers=workers, on_page=on_page)
    return split_pages(pages, path, sha256, archive_dir=archive_dir)


def read_pages(
    path: Path,
    *,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 2,
    on_page: Callable[[int], None] | None = None,
) -> list[Page]:
    """The file's pages, extracted (OCR included) and normalized."""
    from .extract import extract_pages
    from .normalize import normalize_page

    pages = [
        normalize_page(p)
        for p in extract_pages(path, limits=limits, workers=workers, on_page=on_page)
    ]
    if not any(p.text.strip() for p in pages):
        raise InputError(path, "no text found (blank pages, or an image without text)")
    return pages


def split_pages(pages: list[Page], path: Path, sha256: str, *, archive_dir: Path) -> list[Document]:
    """A file's normalized pages split into the documents it holds."""
    from .analyze.segment import split_documents

    ranges = split_documents([p.text for p in pages]) if len(pages) > 1 else [(1, 1)]
    docs = []
    for start, end in ranges:
        doc_pages: list[Page] = pages[start - 1 : end]
        text, _ = join_pages(doc_pages)
        docs.append(
            Document(
                id=document_id(sha256, start, end),
                source=path.name,
                sha256=sha256,
                page_start=start,
                page_end=end,
                text=text,
                pages=doc_pages,
                source_path=source_path_for(path, archive_dir),
            )
        )
    return docs


def ingest(
    paths: Iterable[str | Path],
    db_path: str | Path = DEFAULT_DB,
    *,
    extracted_dir: str | Path | None = None,
    limits: Limits = DEFAULT_LIMITS,
    force: bool = False,
    workers: int = 2,
    progress: Callable[[int], None] | None = None,
    on_pages: Callable[[int], None] | None = None,
    on_result: Callable[[FileResult], None] | None = None,
) -> IngestReport:
    """Add files to the archive. Unchanged files (same bytes already in the archive) are skipped
    unless `force`. A bad file is reported in the result and the others still land.

    `on_pages(n)` is called with a file's page count before it is extracted, `progress(n)` as its
    pages are done, `on_result` once per file.
    """
    db_path = Path(db_path)
    out_dir = Path(extracted_dir) if extracted_dir else default_extracted_dir(db_path)
    report = IngestReport()
    archive = open_archive(db_path)
    try:
        for result in _ingest_files(
            [Path(p) for p in paths], archive, out_dir, db_path.resolve().parent,
            limits=limits, force=force, workers=workers, progress=progress, on_pages=on_pages,
        ):
            report.files.append(result)
            if on_result:
                on_result(result)
    finally:
        archive.close()
    return report


def _ingest_files(
    paths: list[Path],
    archive,
    out_dir: Path,
    archive_dir: Path,
    *,
    limits: Limits,
    force: bool,
    workers: int,
    progress: Callable[[int], None] | None,
    on_pages: Callable[[int], None] | None,
) -> Iterator[FileResult]:
    for path in paths:
        try:
            if not path.exists():
                raise InputError(path, "no such file")
            if path.is_dir():
                raise InputError(path, "is a directory")
            sha = sha256_file(path)
            known = archive.known(sha)
            if known and not force:
                yield FileResult(str(path), "unchanged", known)
                continue
            docs = [] if force else read_extracted(out_dir, sha)
            if not docs:
                if on_pages:
                    from .extract import page_count

                    on_pages(page_count(path))
                docs = extract_documents(
                    path, sha, archive_dir=archive_dir, limits=limits, workers=workers,
                    on_page=progress,
                )
                docs = analyze_documents(docs)
                stale = read_extracted(out_dir, sha)
                for doc in docs:
                    write_extracted(doc, out_dir)
                for old in stale:  # a changed splitter may have changed the page ranges
                    if old.id not in {d.id for d in docs}:
                        (out_dir / extracted_name(old)).unlink(missing_ok=True)
            archive.add(docs)
            if known:
                gone = sorted(set(known) - {d.id for d in docs})
                if gone:
                    archive.remove(gone)
            yield FileResult(str(path), "added", [d.id for d in docs])
        except InputError as exc:
            yield FileResult(str(path), "failed", reason=exc.reason)


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


def analyze_documents(docs: list[Document]) -> list[Document]:
    from .analyze import analyze_many

    return analyze_many(docs)


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
