"""OCR of one page image with Tesseract: orientation, deskew, specks, vertical text, ruled tables.

One Tesseract recognition per page in the common case (two on a page with ruled tables, up to
three on a vertical page: see vertical.py for the digits set side by side in its columns), and
four more where some lines were read unsure (reread.py: each such line alone, at four sizes;
three for columns), as many again for a table's cells.
Dust specks away from the text lines are painted out of a horizontal page first
(`image.despeckle`); solid round bullets are found by their shape and read as ● (bullets.py).
Tesseract's known confusions are then corrected from the text itself (misreads.py).
Orientation detection (`--psm 0`) only runs when the text lines run down the page (vertical
writing, or a page turned sideways: the two look alike until glyphs are classified) or when a
horizontal reading comes out with a low confidence (a page upside down). Ruled tables are found
with OpenCV (grid.py), blanked out of the page, and their cells read in one more run: each cell
cropped without its rulings, all stacked in one image.
"""

from __future__ import annotations

import cv2
import numpy as np

from .._exec import tesseract
from ..model import OCR, Page, Table
from . import bullets, grid, image, layout
from .misreads import fix_digit_groups, fix_latin_j, strip_continuation_marks, strip_line_noise
from .reread import reread_lines
from .vertical import fix_columns, fix_turned

# Automatic page segmentation (psm 3) finds columns and the tiers (段) of vertical text; on
# the corpus scans it beat psm 4 and 6, which read across columns.
HORIZONTAL = {"lang": "jpn", "psm": 3}
VERTICAL = {"lang": "jpn_vert", "psm": 3}
TABLE = {"lang": "jpn", "psm": 6}
LOW_CONFIDENCE = 45.0  # below this a horizontal reading may be of an upside-down page
MIN_OSD_CONFIDENCE = 2.0  # Tesseract's own guidance: below ~2 the orientation is a guess
# Table cells, as fractions of an inch (dpi // n): the cells are stacked 1/6 inch apart with
# 1/15 inch of paper on their left, cropped 1/36 inch inside their rulings, and skipped with
# less than 1/10 inch worth of ink pixels.
CELL_GAP, CELL_PAD, RULING_INSET, MIN_CELL_INK = 6, 15, 36, 10


def ocr_page(gray: np.ndarray, number: int, *, dpi: int = 300, timeout: float = 300.0) -> Page:
    """Read a grayscale page image (text dark on light) at `dpi`."""
    deadline = tesseract.Deadline(timeout)
    mask = image.ink(gray)
    rotation, vertical = 0, False
    if image.direction(mask) == "v":
        osd = tesseract.orientation(255 - mask, dpi=dpi, deadline=deadline)
        if osd and osd.rotate in (90, 270) and osd.confidence >= MIN_OSD_CONFIDENCE:
            rotation = osd.rotate
        else:
            vertical = True
    if rotation:
        gray = image.turn(gray, rotation)
        mask = image.ink(gray)
    page = _read(gray, mask, number, vertical, dpi, deadline)
    if not vertical and (page.confidence or 0) < LOW_CONFIDENCE and page.text:
        osd = tesseract.orientation(255 - mask, dpi=dpi, deadline=deadline)
        if osd and osd.rotate == 180 and osd.confidence >= MIN_OSD_CONFIDENCE:
            rotation = (rotation + 180) % 360
            gray = image.turn(gray, 180)
            page = _read(gray, image.ink(gray), number, False, dpi, deadline)
    page.rotation = rotation
    return page


def _read(gray, mask, number, vertical, dpi, deadline) -> Page:
    # Tesseract gets the deskewed grayscale page, not our binarization: its own thresholding
    # keeps the thin strokes of complex kanji (逮, 警) that a global threshold breaks.
    angle = image.skew_angle(mask, vertical)
    if abs(angle) >= 0.1:
        gray = image.rotate(gray, angle)
        mask = image.ink(gray)
    if not vertical:  # (on the vertical scan it changed nothing for the better)
        gray = image.despeckle(gray, mask)
        mask = image.ink(gray)
    if vertical:
        words = tesseract.words(gray, dpi=dpi, deadline=deadline, **VERTICAL)
        words = fix_columns(gray, mask, words, dpi=dpi, deadline=deadline)
        words = reread_lines(gray, words, lang="jpn_vert", psm=5, vertical=True, dpi=dpi,
                             deadline=deadline)
        return Page(number, _vertical_text(words), OCR, _confidence(words), vertical=True)
    lines_mask, edges = image.ruling_lines(mask)
    grids = grid.find_grids(edges, tolerance=dpi / 30, min_length=dpi / 10)
    em = image.char_size(mask)
    dots = [b for b in bullets.find(mask, em) if not any(_inside(b, g.bbox) for g in grids)]
    if not grids:
        words = tesseract.words(gray, dpi=dpi, deadline=deadline, **HORIZONTAL)
        words = reread_lines(gray, words, lang=HORIZONTAL["lang"], dpi=dpi, deadline=deadline)
        words = bullets.put_back(words, dots, em)
        return Page(number, _text(words, [], dpi), OCR, _confidence(words))
    # Tables are read apart from the rest of the page, cell by cell: automatic segmentation
    # cuts table rows into odd blocks, and a whole table read as one block mixes the lines of
    # cells whose text sits at different heights. The cells go to Tesseract stacked in one
    # image, so one process reads them all.
    blanked = _without(gray, grids)
    page_words = tesseract.words(blanked, dpi=dpi, deadline=deadline, **HORIZONTAL)
    page_words = reread_lines(blanked, page_words, lang=HORIZONTAL["lang"], dpi=dpi,
                              deadline=deadline)
    page_words = bullets.put_back(page_words, dots, em)
    cells, cell_words = _read_cells(gray, mask, lines_mask, grids, dpi, deadline)
    tables = [Table(number, rows, header_cols=grid.header_columns(rows),
                    bbox=[round(float(v) * 72 / dpi, 1) for v in g.bbox])
              for g, rows in zip(grids, cells)]
    text = _text(page_words, list(zip(grids, cells)), dpi)
    return Page(number, text, OCR, _confidence(page_words + cell_words), tables=tables)


def _inside(b: tesseract.Word, bbox) -> bool:
    x0, top, x1, bottom = bbox
    return x0 <= b.left and b.right <= x1 and top <= b.top and b.bottom <= bottom


def _without(gray: np.ndarray, grids: list[grid.Grid]) -> np.ndarray:
    """The page with its tables blanked out (in the paper's tone)."""
    out = gray.copy()
    paper = int(np.percentile(gray[::8, ::8], 90))
    for g in grids:
        x0, top, x1, bottom = (int(round(v)) for v in g.bbox)
        out[max(0, top - 3):bottom + 4, max(0, x0 - 3):x1 + 4] = paper
    return out


def _read_cells(gray, mask, lines_mask, grids, dpi, deadline):
    """Each table's rows of cell texts, and the words read."""
    # Rulings are painted over with the paper's tone (white lines on grey paper are edges
    # too), so that they are neither read as 一 or | nor cut into the cell crops.
    paper = int(np.percentile(gray[::8, ::8], 90))
    erased = gray.copy()
    erased[cv2.dilate(lines_mask, np.ones((7, 7), np.uint8)) > 0] = paper
    ink = mask.copy()
    ink[lines_mask > 0] = 0
    inset = dpi // RULING_INSET
    crops, keys = [], []
    for k, g in enumerate(grids):
        for r, row in enumerate(g.rows):
            for c, box in enumerate(row):
                if box is None:
                    continue
                x0, top, x1, bottom = (int(round(v)) for v in box)
                # Keep clear of the rulings: their remnants make 日 read as 晶.
                inner = (slice(top + inset, bottom - inset), slice(x0 + inset, x1 - inset))
                if np.count_nonzero(ink[inner]) < dpi // MIN_CELL_INK:  # empty, or specks
                    continue
                crops.append(erased[inner])
                keys.append((k, r, c))
    rows = [[[""] * len(row) for row in g.rows] for g in grids]
    read: list[list[tesseract.Word]] = []
    if crops:
        # One image of all the cells, read once, its unsure lines read again as a page's are.
        cells = tesseract.stack(crops, gap=dpi // CELL_GAP, margin=dpi // CELL_PAD, paper=paper)
        found = tesseract.words(cells.image, dpi=dpi, deadline=deadline, **TABLE)
        found = reread_lines(cells.image, found, lang=TABLE["lang"], psm=TABLE["psm"], dpi=dpi,
                             deadline=deadline)
        read = cells.split(found)
    words = []
    for (k, r, c), cell_words in zip(keys, read):
        words += cell_words
        cell_words = [w for w in cell_words if not _noise(w)]
        if cell_words:
            rows[k][r][c] = fix_digit_groups(grid.join_lines("\n".join(_lines(cell_words))))
    return rows, words


def _confidence(words: list[tesseract.Word]) -> float | None:
    if not words:
        return None
    return round(sum(w.conf for w in words) / len(words), 1)


def _lines(words: list[tesseract.Word], vertical: bool = False) -> list[str]:
    """Tesseract's lines in its reading order."""
    lines: dict[tuple[int, int, int], list[tesseract.Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    return [_fixed(_join(ws, vertical)) for ws in lines.values()]


def _fixed(line: str) -> str:
    return strip_line_noise(fix_latin_j(line))


def _join(words: list[tesseract.Word], vertical: bool = False) -> str:
    """Words of one line, with a space only where the page shows a gap.

    Tesseract's Japanese "words" are dictionary chunks, not what the page separates
    (「コン ビニ 交付 算定」): a space between them would be noise, while a real gap, as in
    「世田谷区　中野区」 or between Latin words, is kept.
    """
    if not words:
        return ""
    em = max((w.width if vertical else w.height) for w in words)
    out = [words[0].text]
    for prev, w in zip(words, words[1:]):
        gap = (w.top - prev.bottom) if vertical else (w.left - prev.right)
        latin = prev.text[-1].isascii() and w.text[0].isascii()
        out.append(" " if gap > 0.8 * em or (latin and gap > 0.15 * em) else "")
        out.append(w.text)
    return "".join(out)


def _text(words: list[tesseract.Word], tables, dpi: int) -> str:
    """Page text: Tesseract's blocks and the tables (as tab-separated rows) in reading order."""
    words = [w for w in words if not _noise(w)]
    by_block: dict[tuple[int, int], list[tesseract.Word]] = {}
    for w in words:
        by_block.setdefault((w.block, w.par), []).append(w)
    blocks = [
        layout.Block(min(w.left for w in ws), min(w.top for w in ws), max(w.right for w in ws),
               max(w.bottom for w in ws), _lines(ws))
        for ws in by_block.values()
    ]
    for g, rows in tables:
        blocks.append(layout.Block(*g.bbox, grid.row_lines(rows)))
    em = float(np.median([w.height for w in words])) if words else dpi / 7
    ordered = layout.blocks_in_order(blocks, em)
    # A blank line between paragraphs, so that normalization never joins across them.
    text = "\n\n".join("\n".join(b.lines) for b in ordered)
    return fix_digit_groups(strip_continuation_marks(text))


def _vertical_text(words: list[tesseract.Word]) -> str:
    """A column per line, in reading order; a blank line where Tesseract's paragraph
    changes."""
    out: list[str] = []
    previous = None
    for column in layout.columns_in_order([w for w in words if not _noise(w)]):
        paragraph = (column[0].block, column[0].par)
        if out and paragraph != previous:
            out.append("")
        out.append(_fixed(_join(column, vertical=True)))
        previous = paragraph
    return fix_digit_groups(fix_turned("\n".join(out)))


def _noise(w: tesseract.Word) -> bool:
    """Specks and ruling remnants read as punctuation."""
    return w.conf < 60 and all(ch in ".,-_~|'`\"‘’“”:;()[]{}" for ch in w.text)
