"""A PDF page's own text, when it is usable: what decides between the text layer and OCR."""

from __future__ import annotations

import pypdfium2 as pdfium

from .._exec import tesseract
from ..model import TEXT_LAYER, Page, Table
from . import grid, layout, pdf, private_use, running


def unusable(chars: list[pdf.Char]) -> str | None:
    """Why a text layer cannot be trusted, or None when it can.

    Garbage text layers come from fonts without a Unicode mapping (Type3 or non-embedded CJK
    fonts): PDFium then returns U+FFFD, control characters or raw glyph ids, and pdfminer-made
    layers contain "(cid:NN)". Private-use code points are what symbol fonts map their glyphs
    to: a few are read from the image, a page of them by OCR.
    """
    chars = layout.visible(chars)
    if not chars:
        return "no text"
    text = "".join(c.text for c in chars)
    bad = sum(1 for ch in text if _bad(ch)) + 5 * text.count("(cid:")
    private = sum(1 for ch in text if private_use.is_private(ch))
    # Private-use characters in a sound layer are read from the image (private_use.py);
    # a layer made mostly of them is read by OCR whole.
    if bad > MAX_GARBAGE * len(text) or private > MAX_PRIVATE * len(text):
        return "unmapped characters"
    return None


MAX_GARBAGE = 0.1  # share of unmapped characters (control codes, U+FFFD, (cid:n))
MAX_PRIVATE = 0.5  # share of private-use characters


def _bad(ch: str) -> bool:
    o = ord(ch)
    return o < 0x20 or 0x7F <= o < 0xA0 or o == 0xFFFD


def read(page: pdfium.PdfPage, number: int, chars: list[pdf.Char],
         deadline: tesseract.Deadline | None = None,
         glyphs: private_use.Glyphs | None = None,
         margins: dict[int, list[str]] | None = None) -> Page:
    """The page from its text layer: vertical text in column order, ruled tables as rows,
    private-use characters read from the page image (private_use.py; `glyphs` is what the
    document's earlier pages taught about them). `margins[number]` is set to the lines in
    the page's margin (running.py)."""
    if layout.is_vertical(chars):
        pdf.loose_sizes(page, chars)
        private_use.resolve(page, chars, deadline, glyphs)  # its columns' glyphs are not read
        _blank_control_codes(chars)
        if margins is not None:
            margins[number] = running.margin_lines(layout.text_lines(chars), *pdf.page_size(page))
        return Page(number, layout.vertical_text(chars), TEXT_LAYER, vertical=True)
    chars = layout.join_broken_lines(layout.runs_left_to_right(chars))
    private_use.resolve(page, chars, deadline, glyphs)
    _blank_control_codes(chars)
    lines = layout.text_lines(chars)
    if margins is not None:
        margins[number] = running.margin_lines(lines, *pdf.page_size(page))
    tables = []
    grids = grid.find_grids(pdf.ruling_edges(page)) if _may_have_grid(page) else []
    items = [(c.cx, c.cy, c.text) for c in chars if c.text != "\r"] if grids else []
    for g in grids:
        rows = grid.fill(g, items)
        if any(cell for row in rows for cell in row) and not _frame(rows):
            tables.append((g, rows))
    em = layout.em(chars)
    if layout.in_columns(lines, em):
        text = layout.column_text(lines, tables, em)
    else:
        text = layout.horizontal_text(chars, tables)
    return Page(
        number,
        text,
        TEXT_LAYER,
        tables=[Table(number, rows, header_cols=grid.header_columns(rows),
                      bbox=[round(v, 1) for v in g.bbox]) for g, rows in tables],
    )


def _blank_control_codes(chars: list[pdf.Char]) -> None:
    """Control codes from a font without a Unicode map that private_use could not read: spaces."""
    for c in chars:
        if len(c.text) == 1 and ord(c.text) < 0x20 and c.text not in "\t\n\r":
            c.text = " "


PARAGRAPH = 100  # characters: a cell this long holds prose, not a figure or a label


def _frame(rows: list[list[str]]) -> bool:
    """Rulings round paragraphs (boxed columns, a framed notice), not a table: most of its
    text is in cells that hold prose."""
    lengths = [len(cell) for row in rows for cell in row]
    return sum(n for n in lengths if n >= PARAGRAPH) > sum(lengths) / 2


def _may_have_grid(page: pdfium.PdfPage) -> bool:
    with pdf.LOCK:
        for _ in page.get_objects(filter=(pdf.raw.FPDF_PAGEOBJ_PATH,), max_depth=3):
            return True
    return False
