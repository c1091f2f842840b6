"""One file through the stages, as a pure function of the file: extract (text layers, OCR) →
normalize → split into documents → analyze (metadata, entities). `pipeline.ingest` runs it here or
hands it to a process pool or Dask worker (`pipeline.dispatch`), then loads the results.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import InputError
from .limits import DEFAULT_LIMITS, Limits
from .model import Document, Page, document_id, join_pages


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
    archive_dir: Path | None = None,
    source: str | None = None,
    source_path: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    workers: int = 2,
    on_page: Callable[[int], None] | None = None,
) -> list[Document]:
    """Text per page, normalized, split into the documents the file holds (metadata and entities
    are filled by `analyze`). `source` and `source_path` name the file when `path` is a copy of
    it (a worker's temporary file); by default they come from `path` and `archive_dir`."""
    pages = read_pages(path, limits=limits, workers=workers, on_page=on_page)
    if source_path is None:
        source_path = source_path_for(path, archive_dir or Path.cwd())
    return split_into_documents(pages, sha256, source or path.name, source_path)


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


def split_into_documents(pages: list[Page], sha256: str, source: str,
                         source_path: str | None) -> list[Document]:
    """A file's normalized pages as the documents it holds (a bundle holds several)."""
    from .analyze.segment import split_documents

    ranges = split_documents([p.text for p in pages]) if len(pages) > 1 else [(1, 1)]
    docs = []
    for start, end in ranges:
        doc_pages: list[Page] = pages[start - 1 : end]
        text, _ = join_pages(doc_pages)
        docs.append(
            Document(
                id=document_id(sha256, start, end),
                source=source,
                sha256=sha256,
                page_start=start,
                page_end=end,
                text=text,
                pages=doc_pages,
                source_path=source_path,
            )
        )
    return docs


def analyze_documents(docs: list[Document], n_process: int = 2) -> list[Document]:
    from .analyze import analyze_many

    return analyze_many(docs, n_process=n_process)
