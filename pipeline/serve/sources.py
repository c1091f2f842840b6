"""Source files behind the archive: find a document's file and render its pages as images.

A file is served only if its sha256 equals the one the archive recorded for the document, so
whatever directories are configured, the server never hands out anything but the archived
sources themselves.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

MAX_IMAGE_SIDE = 2400  # pixels, for a rendered page
DEFAULT_DPI = 100

_hash_cache: dict[tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()
# PDFium is not thread-safe; Datasette calls us from several threads.
_pdfium_lock = threading.Lock()

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}


def renderable(path: Path | None) -> bool:
    """Whether page images can be made from this source file (a PDF or an image)."""
    return path is not None and path.suffix.lower() in CONTENT_TYPES


def sha256_of(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        if key in _hash_cache:
            return _hash_cache[key]
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    with _hash_lock:
        _hash_cache[key] = digest.hexdigest()
    return _hash_cache[key]


def candidates(document: Mapping[str, Any], db_dir: Path, source_dirs: Iterable[Path]) -> list[Path]:
    """Where the document's source file may be: its recorded `source_path` (relative to the
    database's folder), then its file name in each source directory."""
    found: list[Path] = []
    source_path = document.get("source_path")
    if source_path:
        p = Path(source_path)
        found.append(p if p.is_absolute() else db_dir / p)
    name = document.get("source")
    for d in [*source_dirs, db_dir]:
        if source_path and not Path(source_path).is_absolute():
            found.append(d / source_path)
        if name:
            found.append(d / Path(name).name)
    return found


def find_source(document: Mapping[str, Any], db_dir: Path, source_dirs: Iterable[Path]) -> Path | None:
    for path in candidates(document, db_dir, source_dirs):
        try:
            if path.is_file() and sha256_of(path) == document["sha256"]:
                return path
        except OSError:
            continue
    return None


def render_page_png(path: Path, page_number: int, dpi: int = DEFAULT_DPI) -> bytes:
    """Page `page_number` (1-based, in the source file) as PNG bytes: rendered with PDFium for a
    PDF, the (n-th frame of the) image otherwise."""
    from PIL import Image

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        with _pdfium_lock:
            pdf = pdfium.PdfDocument(str(path))
            try:
                if not 1 <= page_number <= len(pdf):
                    raise IndexError(page_number)
                page = pdf[page_number - 1]
                width, height = page.get_size()
                scale = min(dpi / 72, MAX_IMAGE_SIDE / max(width, height))
                image = page.render(scale=scale).to_pil()
                page.close()
            finally:
                pdf.close()
    else:
        with Image.open(path) as img:
            frames = getattr(img, "n_frames", 1)
            if not 1 <= page_number <= frames:
                raise IndexError(page_number)
            img.seek(page_number - 1)
            image = img.convert("RGB")
            image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()
