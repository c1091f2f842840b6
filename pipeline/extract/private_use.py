"""Private-Use-Area characters in a text layer that is otherwise sound: read from the page image.

Government typesetting (官報, some ministry PDFs) draws digits, hyphens, parenthesized numbers
(⑴) and bullets with glyphs mapped to Private-Use-Area code points, which mean nothing outside
that font: 「〒100\\ue61c8916」, 「令和 \\ue891 年」. Dropping them would merge neighbouring
numbers (「100」「8916」 → 「1008916」); keeping them leaves noise in the text.

So each run of such characters is rendered with a few characters of its line on both sides and
OCRed (all the runs of a page stacked in one Tesseract run; a line set sideways up the margin is
turned first), the OCR text aligned with the layer's, and the run replaced by what OCR read in
its place, when that is plausible for the glyph of a symbol font: figures (one per glyph),
punctuation, symbols, an enclosed or parenthesized number, a single kanji (外字). A code read
alike twice in a document is known from then on (`Glyphs`) and not read again. What OCR cannot
settle becomes a bullet 「・」 first in a line (Wingdings ● and ■) and a space elsewhere, so that
two numbers never run together. A page whose layer is mostly private-use characters is not read
here: textlayer.unusable sends it to OCR whole.

A font without a Unicode map may instead leave its single-byte codes read as Windows-1252, and
control codes: a 官報 masthead 「平成20年4月25日 … 第4817号」 comes out as 「平成™—年›月™œ日 … 第›Ÿ˜\x01号」.
Such characters are legitimate in Latin text, so they are suspect only in a line where they are
many (`LYING_SHARE`); there they are read like private-use runs, and kept as they are when OCR
cannot settle them. Display figures in a masthead defeat Tesseract's Japanese model in context
(「7」 read as 「フ」, 「20」 as 「つのO」): a run still unread between counters (年, 月, 号 …) is read
glyph by glyph as a figure, and a symbol font lays its figures out in order, so once two codes
read as figures agree on the code of 0, the document's other codes of that font follow from it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium

from .._exec import tesseract
from . import layout, pdf

DPI = 300
PAD = 0.25  # ems of page round a window's crop
CONTEXT = 3  # characters read on each side of a run: enough to place it, little to OCR
STACK_GAP = 40  # pixels between the stacked windows
MAX_PER_GLYPH = 3  # characters OCR may read for one private-use glyph (⑴ → 「(1)」)
BULLET = "・"
_DASHES = set("一ー－—―‐-−")
_HOLE = "\x00"  # stands for a private-use character in the text layer's line; OCR never reads it
_PRIVATE = re.compile("[\ue000-\uf8ff\U000f0000-\U0010ffff]")
# Windows-1252's symbols and Latin-1's letters, as an unmapped single-byte font's codes read;
# not those a Japanese table uses for themselves (°, ×, ±, §, ¥).
_MOJIBAKE = frozenset(
    bytes(range(0x80, 0xA0)).decode("cp1252", "ignore") + bytes(range(0xA1, 0x100)).decode("latin-1")
) - set("°±×÷§¥¶·")
_SUSPECT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + re.escape("".join(sorted(_MOJIBAKE))) + "]")
LYING_SHARE = 0.25  # share of a line's characters that, suspect, make the whole line suspect
_COUNTERS = set("年月日号第頁条項")  # what stands next to a figure in a masthead
DIGIT_PAD = 0.3  # of a glyph's larger side, paper round it when it is read alone
_DIGITS = {"tessedit_char_whitelist": "0123456789"}


def is_private(ch: str) -> bool:
    o = ord(ch)
    return 0xE000 <= o <= 0xF8FF or o >= 0xF0000


class Glyphs:
    """What the private-use codes of one document stand for, as OCR read them alone: a code
    read the same way twice, and never otherwise, need not be read again."""

    def __init__(self) -> None:
        self._readings: dict[str, set[str]] = {}
        self._counts: dict[str, int] = {}
        self._figures: dict[int, set[int]] = {}  # a code's number (_code), the figures read for it

    def add(self, code: str, text: str) -> None:
        self._readings.setdefault(code, set()).add(text)
        self._counts[code] = self._counts.get(code, 0) + 1

    def known(self, code: str) -> str | None:
        texts = self._readings.get(code, ())
        return next(iter(texts)) if len(texts) == 1 and self._counts[code] >= 2 else None

    def add_figure(self, code: str, figure: int) -> None:
        self._figures.setdefault(_code(code), set()).add(figure)

    def figure(self, code: str) -> str | None:
        """The figure a code stands for: as read when read alone and alike, else by its place
        after the font's 0 (two codes read as figures that agree on where 0 is)."""
        n = _code(code)
        read = self._figures.get(n, set())
        if len(read) == 1:
            return str(next(iter(read)))
        zeros: dict[int, set[int]] = {}
        for other, figures in self._figures.items():
            if len(figures) == 1:
                zeros.setdefault(other - next(iter(figures)), set()).add(other)
        agreed = [zero for zero, codes in zeros.items() if len(codes) >= 2]
        if len(agreed) == 1 and 0 <= n - agreed[0] <= 9:
            return str(n - agreed[0])
        return None

    def run(self, run: list[pdf.Char]) -> str | None:
        """A run's text from its codes, when every one is known."""
        texts = [self.known(c.text) for c in run]
        return None if None in texts else "".join(texts)  # type: ignore[arg-type]


@dataclass
class _Window:
    """The piece of a line OCR reads: private-use runs with a few characters round them."""

    line: layout.TextLine
    start: int
    end: int

    @property
    def chars(self) -> list[pdf.Char]:
        return self.line.chars[self.start:self.end]


def resolve(page: pdfium.PdfPage, chars: list[pdf.Char], deadline: tesseract.Deadline | None,
            glyphs: Glyphs | None = None, *, read: bool = True) -> None:
    """Replace, in place, the text of the private-use characters of the page (`read`: from
    OCR of their lines, which must then run across the page or up it; else bullets and spaces
    only). `glyphs` carries what earlier pages of the document taught."""
    text = "".join(c.text for c in chars)
    if not _PRIVATE.search(text) and not _SUSPECT.search(text):
        return
    glyphs = glyphs if glyphs is not None else Glyphs()
    lines = [line for line in layout.text_lines(chars) if _runs(line.chars)]
    # Lines that run across the page, or up it (a running head set sideways in the margin,
    # turned back for OCR); not a vertical column, whose glyphs stand upright.
    windows = [w for line in lines if read and _direction(line)
               for w in _windows(line, glyphs)]
    found: dict[int, str] = {}
    for window, reading in zip(windows, _read(page, windows, deadline)):
        holes = {id(c) for _, run in _runs(window.line.chars) for c in run}
        for start, (text, size) in (_align(window.chars, reading, holes) if reading else {}).items():
            found[id(window.chars[start])] = text
            if size == 1 and is_private(window.chars[start].text):
                glyphs.add(window.chars[start].text, text)
    unread = [(line, start, run) for line in lines if read and _direction(line)
              for start, run in _runs(line.chars)
              if found.get(id(run[0])) is None and glyphs.run(run) is None
              and _between_counters(line.chars, start, len(run))]
    found.update(_read_figures(page, unread, glyphs, deadline))
    for line in lines:
        for start, run in _runs(line.chars):
            text = found.get(id(run[0]))
            if text is None:
                text = glyphs.run(run)
            if text is None and not any(is_private(c.text) for c in run):
                continue  # a suspect line's character OCR could not settle: kept as it is
            # A bullet stands first in its line, apart from what follows; OCR makes ●, ■, ◆
            # into @, o, *: only a numbered marker (⑴, 1.) is taken from it there.
            first = not layout.visible(line.chars[:start])
            after = line.chars[start + len(run):start + len(run) + 1]
            rest = layout.visible(line.chars[start + len(run):])
            bullet = first and bool(rest) and after[0].text.isspace()
            if bullet and (text is None or not any(ch.isdigit() for ch in text)):
                text = BULLET
            elif text is None:
                text = " "
            run[0].text = text
            for c in run[1:]:
                c.text = ""


def _windows(line: layout.TextLine, glyphs: Glyphs) -> list[_Window]:
    """The runs of the line that are not known yet, each with CONTEXT characters on both
    sides (overlapping windows merged)."""
    out: list[_Window] = []
    shown = [k for k, c in enumerate(line.chars) if not c.generated and c.text.strip()]
    for start, run in _runs(line.chars):
        if glyphs.run(run) is not None:
            continue
        before = [k for k in shown if k < start][-CONTEXT:]
        after = [k for k in shown if k >= start + len(run)][:CONTEXT]
        lo, hi = (before or [start])[0], (after or [start + len(run) - 1])[-1] + 1
        if out and lo <= out[-1].end:
            out[-1].end = max(out[-1].end, hi)
        else:
            out.append(_Window(line, lo, hi))
    return out


def _direction(line: layout.TextLine) -> str | None:
    """"across" for a line read left to right, "up" for one set sideways, read bottom to top,
    None otherwise (a vertical column, a single glyph)."""
    shown = layout.visible(line.chars)
    if len(shown) < 2:
        return None
    if line.x1 - line.x0 > line.bottom - line.top:
        return "across"
    return "up" if shown[-1].cy < shown[0].cy else None


def _suspect(ch: str) -> bool:
    """A character an unmapped single-byte font leaves: a Windows-1252 symbol or control code."""
    return bool(_SUSPECT.fullmatch(ch))


def _lying(chars: list[pdf.Char]) -> bool:
    """A line whose suspect characters are too many to be Latin text: at least two, and
    LYING_SHARE of its characters."""
    shown = [c.text for c in chars if not c.generated and c.text and not c.text.isspace()
             or len(c.text) == 1 and _suspect(c.text)]
    suspect = sum(1 for t in shown if len(t) == 1 and _suspect(t))
    return suspect >= 2 and suspect >= LYING_SHARE * len(shown)


def _code(ch: str) -> int:
    """A glyph's code as its font numbers it: the code point, or the byte Windows-1252 made
    the character of."""
    try:
        return ch.encode("cp1252")[0] if not is_private(ch) else ord(ch)
    except (UnicodeEncodeError, IndexError):
        return ord(ch)


def _runs(chars: list[pdf.Char]) -> list[tuple[int, list[pdf.Char]]]:
    """Runs of consecutive private-use characters (and, in a lying line, suspect ones):
    (index of the first, the characters)."""
    runs: list[tuple[int, list[pdf.Char]]] = []
    lying = _lying(chars)
    for k, c in enumerate(chars):
        if len(c.text) == 1 and (is_private(c.text) or lying and _suspect(c.text)):
            if runs and runs[-1][0] + len(runs[-1][1]) == k:
                runs[-1][1].append(c)
            else:
                runs.append((k, [c]))
    return runs


def _between_counters(chars: list[pdf.Char], start: int, size: int) -> bool:
    """A run that stands where figures do: next to a counter (年, 号 …) or a figure, or alone
    on its line (a page number)."""
    shown = [k for k, c in enumerate(chars) if not c.generated and c.text.strip()
             and not start <= k < start + size]
    before = [chars[k].text for k in shown if k < start][-1:]
    after = [chars[k].text for k in shown if k >= start + size][:1]
    if not before and not after:
        return True
    return any(t[-1:] in _COUNTERS or t[-1:].isdigit() for t in before) or any(
        t[:1] in _COUNTERS or t[:1].isdigit() for t in after)


def _read_figures(page, runs: list[tuple[layout.TextLine, int, list[pdf.Char]]],
                  glyphs: Glyphs, deadline) -> dict[int, str]:
    """Runs read glyph by glyph as figures (see the module's docstring): the text of each run
    all of whose glyphs are figures, by the id of its first character."""
    todo = [(line, c) for line, _, run in runs for c in run if glyphs.figure(c.text) is None]
    if todo and "eng" in _languages():
        image = pdf.render(page, DPI)
        scale = DPI / 72
        crops = []
        for line, c in todo:
            pad = DIGIT_PAD * max(c.x1 - c.x0, c.bottom - c.top)
            crop = image[max(0, int((c.top - pad) * scale)):int((c.bottom + pad) * scale) + 1,
                         max(0, int((c.x0 - pad) * scale)):int((c.x1 + pad) * scale) + 1]
            if not crop.size:
                crop = np.full((2, 2), 255, np.uint8)
            elif _direction(line) == "up":
                crop = np.ascontiguousarray(np.rot90(crop, k=-1))
            crops.append(crop)
        try:
            read = tesseract.read_stacked(crops, gap=STACK_GAP, lang="eng", psm=6, dpi=DPI,
                                          deadline=deadline, config=_DIGITS)
        except tesseract.TesseractError:
            read = []
        for (_, c), words in zip(todo, read):
            text = "".join(w.text for w in words)
            if len(text) == 1 and text.isdigit():
                glyphs.add_figure(c.text, int(text))
    out = {}
    for _, _, run in runs:
        figures = [glyphs.figure(c.text) for c in run]
        if None not in figures:
            out[id(run[0])] = "".join(figures)  # type: ignore[arg-type]
    return out


def _read(page, windows: list[_Window], deadline) -> list[str]:
    """OCR of each window's image ('' where it cannot be had: Tesseract missing or failing)."""
    if not windows:
        return []
    if "jpn" not in _languages():
        return [""] * len(windows)
    image = pdf.render(page, DPI)
    scale = DPI / 72
    crops = []
    for window in windows:
        shown = layout.visible(window.chars)
        em = max(c.bottom - c.top for c in shown)
        x0 = max(0, int((min(c.x0 for c in shown) - PAD * em) * scale))
        top = max(0, int((min(c.top for c in shown) - PAD * em) * scale))
        x1 = int((max(c.x1 for c in shown) + PAD * em) * scale) + 1
        bottom = int((max(c.bottom for c in shown) + PAD * em) * scale) + 1
        crop = image[top:bottom, x0:x1]
        if not crop.size:
            crop = np.full((2, 2), 255, np.uint8)
        elif _direction(window.line) == "up":
            crop = np.ascontiguousarray(np.rot90(crop, k=-1))  # a quarter turn clockwise
        crops.append(crop)
    try:
        read = tesseract.read_stacked(crops, gap=STACK_GAP, lang="jpn", psm=6, dpi=DPI,
                                      deadline=deadline)
    except tesseract.TesseractError:
        return [""] * len(windows)
    return ["".join(w.text for w in ws) for ws in read]


def _languages() -> frozenset[str]:
    try:
        return tesseract.languages()
    except tesseract.OcrUnavailable:
        return frozenset()


def _align(chars: list[pdf.Char], reading: str,
           holes: set[int] | None = None) -> dict[int, tuple[str, int]]:
    """What OCR read in place of each run of private-use characters (or of the characters whose
    ids are `holes`), and the run's length (by the index of its first character), where the
    text on both sides of the run agrees."""
    known, where = [], []  # the layer's line, folded, and each character's index in `chars`
    for k, c in enumerate(chars):
        if id(c) in (holes or ()) and c.text:
            known.append(_HOLE)
            where.append(k)
            continue
        if not c.text or c.text.isspace():
            continue
        if len(c.text) == 1 and is_private(c.text):
            known.append(_HOLE)
            where.append(k)
            continue
        for ch in _fold(c.text):
            known.append(ch)
            where.append(k)
    ocr = _fold(reading)
    matcher = difflib.SequenceMatcher(None, "".join(known), ocr, autojunk=False)
    found = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal" or i1 == i2 or not all(ch == _HOLE for ch in known[i1:i2]):
            continue
        text = ocr[j1:j2]
        if text in _DASHES:  # a hyphen in 〒100-8916 or 03-5253-1111, never the kanji 一
            text = "-"
        # Holes of several runs in one gap are told apart only when the gap is one run.
        run = [where[i] for i in range(i1, i2)]
        if run != list(range(run[0], run[0] + len(run))) or not _plausible(text, len(run)):
            continue
        found[run[0]] = text, len(run)
    return found


def _fold(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def _plausible(text: str, glyphs: int) -> bool:
    """What a symbol font's private glyphs can be: figures, punctuation, symbols, enclosed
    numbers, Latin letters in parentheses (⒜), or one kanji for one glyph (外字)."""
    if not text or len(text) > MAX_PER_GLYPH * glyphs:
        return False
    if text.isdigit() and len(text) != glyphs:  # one digit a glyph: 「12」 for three is a misreading
        return False
    if glyphs == 1 and len(text) == 1 and unicodedata.category(text)[0] == "L" and ord(text) >= 0x3400:
        return True
    bracketed = text[0] in "(（" and text[-1] in ")）"
    for ch in text:
        kind = unicodedata.category(ch)[0]
        if kind in "NPS" or kind == "L" and ch.isascii() and bracketed:
            continue
        return False
    return True
