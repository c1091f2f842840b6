"""PDF pages through pypdfium2: open, read the text layer with character boxes, find ruling
lines, rasterize.

pypdfium2 reads a 408-page budget book in about a second; pdfplumber needs ~35-70 ms per page
because pdfminer re-parses every page in Python. So characters, boxes and path segments come
from PDFium, and only pdfplumber's table geometry is reused (see grid.py).

PDFium is not thread-safe: every call into it from this package holds `LOCK`.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from ..errors import InputError
from . import grid
from .box import Box

LOCK = threading.RLock()
MIN_FONT_SIZE = 2.0  # points: a smaller reported size is a font scaled by the text matrix


@dataclass(slots=True)
class Char(Box):
    text: str
    generated: bool  # a space or line break PDFium inferred from the layout
    x0: float
    top: float  # top-down page coordinates, in points
    x1: float
    bottom: float
    size: float  # font size in points (0 for generated characters, or unknown)
    index: int = -1  # in PDFium's text page


def open_pdf(path: Path) -> pdfium.PdfDocument:
    with LOCK:
        try:
            return pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            code = getattr(e, "err_code", None)
            if code == raw.FPDF_ERR_PASSWORD:
                raise InputError(path, "PDF is encrypted (password required)") from None
            if code == raw.FPDF_ERR_SECURITY:
                raise InputError(path, "PDF is encrypted (unsupported security handler)") from None
            raise InputError(path, f"damaged PDF: {_damage(path)}") from None


def _damage(path: Path) -> str:
    with open(path, "rb") as f:
        f.seek(max(0, path.stat().st_size - 1024))
        tail = f.read()
    if b"%%EOF" not in tail:
        return "truncated (no %EOF marker at the end)"
    return "cross-reference table and objects cannot be read"


def load_page(pdf: pdfium.PdfDocument, index: int, path: Path) -> pdfium.PdfPage:
    with LOCK:
        try:
            return pdf[index]
        except pdfium.PdfiumError:
            raise InputError(path, f"damaged PDF: page {index + 1} cannot be read") from None


def page_size(page: pdfium.PdfPage) -> tuple[float, float]:
    with LOCK:
        return page.get_size()


def _to_view(page: pdfium.PdfPage):
    """A function from PDF user space (y up) to the page as displayed: top-down coordinates
    with the page's /Rotate applied (a landscape page stored upright and turned by /Rotate
    has its lines running down the stored page)."""
    x0, y0, x1, y1 = page.get_mediabox()
    rotation = page.get_rotation() % 360
    if rotation == 90:
        return lambda x, y: (y - y0, x - x0)
    if rotation == 180:
        return lambda x, y: (x1 - x, y - y0)
    if rotation == 270:
        return lambda x, y: (y1 - y, x1 - x)
    return lambda x, y: (x - x0, y1 - y)


class Chars(list):
    """A page's characters, and the share of them drawn invisible (text render mode 3: the
    layer an OCR program lays over a scan), from a sample."""

    invisible: float = 0.0


INVISIBLE_SAMPLE = 8  # characters whose render mode is looked up


def read_chars(page: pdfium.PdfPage) -> Chars:
    """Every character of the text layer in PDFium's reading order, with its box as the
    page is displayed."""
    with LOCK:
        textpage = page.get_textpage()
        tp = textpage.raw
        n = raw.FPDFText_CountChars(tp)
        left, right, bottom, top = (raw.c_double() for _ in range(4))
        # Pages without /Rotate (nearly all) take the short way: y flipped.
        view = _to_view(page) if page.get_rotation() % 360 else None
        top_y = page.get_mediabox()[3]
        chars = Chars()
        for i in range(n):
            code = raw.FPDFText_GetUnicode(tp, i)
            if code == 0:
                continue
            generated = bool(raw.FPDFText_IsGenerated(tp, i))
            raw.FPDFText_GetCharBox(tp, i, left, right, bottom, top)
            size = 0.0 if generated else raw.FPDFText_GetFontSize(tp, i)
            if size < MIN_FONT_SIZE:
                # A font set at size 1 and scaled by the text matrix (common in CID-keyed
                # PDFs): unknown here (`loose_sizes` finds it where it matters).
                size = 0.0
            if view is None:
                x0, y0, x1, y1 = left.value, top_y - top.value, right.value, top_y - bottom.value
            else:
                (ax, ay), (bx, by) = view(left.value, top.value), view(right.value, bottom.value)
                x0, y0, x1, y1 = min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)
            chars.append(Char(chr(code) if code < 0x110000 else "\ufffd", generated,
                              x0, y0, x1, y1, size, i))
        shown = [c.index for c in chars if not c.generated and not c.text.isspace()]
        if shown:
            step = max(1, len(shown) // INVISIBLE_SAMPLE)
            sample = shown[::step][:INVISIBLE_SAMPLE]
            hidden = sum(raw.FPDFTextObj_GetTextRenderMode(raw.FPDFText_GetTextObject(tp, i))
                         == raw.FPDF_TEXTRENDERMODE_INVISIBLE for i in sample)
            chars.invisible = hidden / len(sample)
        textpage.close()
        return chars


def loose_sizes(page: pdfium.PdfPage, chars: list[Char]) -> None:
    """Set the unknown sizes of characters from their loose boxes (the font's ascent to
    descent, across its advance): the em a vertical column is set in."""
    with LOCK:
        textpage = page.get_textpage()
        loose = raw.FS_RECTF()
        for c in chars:
            if not c.size and not c.generated and c.index >= 0:
                raw.FPDFText_GetLooseCharBox(textpage.raw, c.index, loose)
                c.size = max(loose.right - loose.left, loose.top - loose.bottom)
        textpage.close()


def image_coverage(page: pdfium.PdfPage) -> float:
    """The share of the page area covered by image objects (0..1, overlaps counted twice)."""
    with LOCK:
        w, h = page.get_size()
        area = 0.0
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_IMAGE,), max_depth=3):
            x0, y0, x1, y1 = obj.get_bounds()
            area += max(0.0, min(x1, w) - max(x0, 0)) * max(0.0, min(y1, h) - max(y0, 0))
        return area / (w * h) if w * h else 0.0


def ruling_edges(page: pdfium.PdfPage) -> list[dict]:
    """Straight horizontal and vertical segments of the page's vector paths (table rulings,
    cell borders, filled thin rectangles), in top-down coordinates."""
    with LOCK:
        view = _to_view(page)
        edges = []
        matrices = {0: (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)}
        x, y = raw.c_float(), raw.c_float()
        for obj in page.get_objects(
            filter=(raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM), max_depth=3
        ):
            m = raw.FS_MATRIX()
            raw.FPDFPageObj_GetMatrix(obj.raw, m)
            own = _compose((m.a, m.b, m.c, m.d, m.e, m.f), matrices.get(obj.level, matrices[0]))
            if obj.type == raw.FPDF_PAGEOBJ_FORM:
                matrices[obj.level + 1] = own
                continue
            start = current = None
            for i in range(raw.FPDFPath_CountSegments(obj.raw)):
                seg = raw.FPDFPath_GetPathSegment(obj.raw, i)
                raw.FPDFPathSegment_GetPoint(seg, x, y)
                point = _apply(own, x.value, y.value)
                kind = raw.FPDFPathSegment_GetType(seg)
                if kind == raw.FPDF_SEGMENT_MOVETO:
                    start = current = point
                    continue
                if kind == raw.FPDF_SEGMENT_LINETO and current is not None:
                    _add_edge(edges, view(*current), view(*point))
                current = point
                if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                    _add_edge(edges, view(*current), view(*start))
                    current = start
        return edges


def _compose(m: tuple, parent: tuple) -> tuple:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = parent
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
            e * A + f * C + E, e * B + f * D + F)


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _add_edge(edges: list, p: tuple, q: tuple) -> None:
    """A straight segment between two points in top-down page coordinates."""
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) < 0.5 and abs(x1 - x0) >= 1:
        edges.append(grid.edge(min(x0, x1), y0, max(x0, x1), y0))
    elif abs(x1 - x0) < 0.5 and abs(y1 - y0) >= 1:
        edges.append(grid.edge(x0, min(y0, y1), x0, max(y0, y1)))


def render(page: pdfium.PdfPage, dpi: int) -> np.ndarray:
    """The page as a grayscale uint8 array at `dpi`."""
    with LOCK:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = bitmap.to_pil().convert("L")
        bitmap.close()
    return np.asarray(image)
