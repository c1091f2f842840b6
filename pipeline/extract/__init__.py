"""Text per page, from PDFs (text layer, or OCR when there is none worth reading) and page images.

    pages = extract_pages(Path("notice.pdf"))   # one pipeline.model.Page per page, raw text

The kind of file is told by its first bytes, never by its name. Whatever is wrong with a file
(empty, truncated, encrypted, too many pages or pixels, OCR too slow) is raised as
`pipeline.errors.InputError` with a short reason, not as a library traceback. A machine without
Tesseract or its Japanese language packs raises `tesseract.OcrUnavailable` once, before the
first page to OCR.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .._exec import tesseract
from ..errors import InputError
from ..limits import DEFAULT_LIMITS, Limits
from ..model import Page
from . import images, pdf, private_use, running, sniff, textlayer
from .ocr import ocr_page

__all__ = ["extract_pages", "page_count"]


def page_count(path: Path) -> int:
    """Number of pages, cheaply (for progress bars); raises InputError like extract_pages."""
    path = Path(path)
    kind = sniff.kind(path)
    if kind == sniff.PDF:
        doc = pdf.open_pdf(path)
        with pdf.LOCK:
            try:
                return len(doc)
            finally:
                doc.close()
    return images.count_frames(path)


def extract_pages(
    path: Path, *, limits: Limits = DEFAULT_LIMITS, workers: int = 2,
    on_page: Callable[[int], None] | None = None,
) -> list[Page]:
    """One Page per page of a PDF or image file, with raw (not yet normalized) text.

    Pages with a usable text layer are read directly; the others are rasterized at
    `limits.dpi` and OCRed, `workers` pages at a time (Tesseract runs in its own processes, so
    threads are enough to keep them side by side). `on_page(1)` is called as each page is done
    (for progress bars).
    """
    path = Path(path)
    done = on_page or (lambda n: None)
    kind = sniff.kind(path)
    if kind == sniff.PDF:
        return _extract_pdf(path, limits, workers, done)
    return _extract_images(path, limits, workers, done)


def _extract_pdf(path: Path, limits: Limits, workers: int, done: Callable[[int], None]) -> list[Page]:
    doc = pdf.open_pdf(path)
    try:
        with pdf.LOCK:
            n = len(doc)
        _check_pages(path, n, limits)
        pages: list[Page | None] = []
        to_ocr: list[int] = []
        glyphs = private_use.Glyphs()
        margins: dict[int, list[str]] = {}
        for index in range(n):
            page = pdf.load_page(doc, index, path)
            chars = pdf.read_chars(page)
            if textlayer.unusable(chars) is None and not _mostly_image(page, chars):
                pages.append(textlayer.read(page, index + 1, chars,
                                            tesseract.Deadline(limits.page_timeout), glyphs,
                                            margins))
                done(1)
            else:
                pages.append(None)
                to_ocr.append(index)
            with pdf.LOCK:
                page.close()

        if to_ocr:
            tesseract.require()

        def job(index: int) -> Page:
            page = pdf.load_page(doc, index, path)
            w, h = pdf.page_size(page)
            _check_pixels(path, index + 1, round(w * limits.dpi / 72), round(h * limits.dpi / 72),
                          limits)
            gray = pdf.render(page, limits.dpi)
            with pdf.LOCK:
                page.close()
            result = _ocr(path, gray, index + 1, limits.dpi, limits)
            done(1)
            return result

        for index, page in zip(to_ocr, _map(job, to_ocr, workers)):
            pages[index] = page
        return running.strip(pages, margins)  # type: ignore[arg-type]
    finally:
        with pdf.LOCK:
            doc.close()


def _mostly_image(page, chars: pdf.Chars) -> bool:
    """A scan with a few words of real text on it (a stamp, a header added later), or with an
    invisible layer another program's OCR laid over it (read again: ours reads Japanese
    scans better, and the layer's quality is unknown): OCR it."""
    visible = sum(1 for c in chars if not c.generated and not c.text.isspace())
    return ((visible < 50 or chars.invisible >= INVISIBLE_LAYER)
            and pdf.image_coverage(page) > 0.5)


INVISIBLE_LAYER = 0.9  # share of a page's text drawn invisible that makes it an OCR layer


def _extract_images(path: Path, limits: Limits, workers: int, done: Callable[[int], None]) -> list[Page]:
    n = images.count_frames(path)
    _check_pages(path, n, limits)
    tesseract.require()

    def job(index: int) -> Page:
        gray, dpi = images.load_frame(path, index, limits, _check_pixels)
        result = _ocr(path, gray, index + 1, dpi, limits)
        done(1)
        return result

    return list(_map(job, list(range(n)), workers))


def _ocr(path: Path, gray, number: int, dpi: int, limits: Limits) -> Page:
    try:
        return ocr_page(gray, number, dpi=dpi, timeout=limits.page_timeout)
    except tesseract.TesseractTimeout:
        raise InputError(path, f"page {number}: OCR timed out after {limits.page_timeout:g} s"
                         ) from None
    except tesseract.TesseractError as e:
        raise InputError(path, f"page {number}: OCR failed: {e}") from None


def _map(job, items: list[int], workers: int):
    if workers <= 1 or len(items) <= 1:
        return map(job, items)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
    try:
        return list(pool.map(job, items))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _check_pages(path: Path, n: int, limits: Limits) -> None:
    if n > limits.max_pages:
        raise InputError(path, f"{n:,} pages exceeds --max-pages {limits.max_pages}")
    if n == 0:
        raise InputError(path, "no pages")


def _check_pixels(path: Path, number: int, width: int, height: int, limits: Limits) -> None:
    if width * height > limits.max_pixels:
        raise InputError(path, f"page {number} image is {width}×{height} pixels, over "
                               f"--max-pixels {limits.max_pixels}")
