"""Second readings of the text lines Tesseract was unsure of.

Tesseract's LSTM reads a line as a whole, and on a noisy scan it sometimes loses its way in one:
a run of characters dropped (「金融機関等の窓口でトラブルが発生し、」 read as 「金融機関等の」), a
kanji read as a simpler one (義 as 二, 旨 as 則). Its word confidences say where: such lines
carry a word far below the others. Read alone, from a crop of the page, and at smaller scales
(a blurred 300 dpi glyph shrunk is often read right where the full-size one is not), the same
line usually comes out right in at least one reading, and that reading is the one Tesseract is
surest of (`_surer`), provided it is the same text mended (`_alike`): measured on the corpus
scans, this cut the errors in such lines by ~40%. Where the readings still disagree on a
word the surest reading is unsure of, they vote (`_voted`): a character dropped or misread at
one scale is read right at others (a corpus scan: 「平成3年度」 in the surest reading,
「平成31年度」 in most). A vote counts shapes, not words: where the readings offer text the
dictionary finds much likelier in its line (`likelier.py`, `ja.lexicon`), that text wins even
against most readings (「曖昧」 over 「暖味」): 9 fewer errors on the ten corpus scans
(horizontal lines only: on the vertical clipping it made more).

Each scale is one Tesseract run for all the unsure lines of a page (`read_stacked`).
"""

from __future__ import annotations

import difflib

import cv2
import numpy as np

from .._exec import tesseract
from .._exec.tesseract import Word
from .likelier import likelier

UNSURE = 70.0  # a line with a word read below this confidence is read again
SCALES = (1.0, 0.85, 0.75, 0.6)  # the line crop, as is and shrunk
# Columns (jpn_vert) at fewer scales: more lost digits that the others keep (「100件」 in a
# newspaper's column), and they share their mistakes.
VERTICAL_SCALES = (1.0, 0.75, 0.6)
PAD = 0.2  # ems of page kept round a line's words: its glyphs' edges, not the next line's
GAP = 0.5  # ems of paper between stacked lines
# A line read unsure throughout whose second readings are other text, the same at MIN_AGREE
# scales (one fewer for three characters or more) with every word at SURE_GLYPH or above, is
# that text (`_agreed`).
MIN_AGREE, SURE_GLYPH = 3, 80.0
GLYPH_PART = 2  # characters of a line that may be part of a glyph cut in two (`_joined`)
TOUCH = 0.1  # ems apart that two lines' words still touch (`_overlap`)
ALIKE = 0.6  # how alike (difflib's ratio) a second reading must be to the first
LIKELIER_SURE = 4000  # how much likelier (Sudachi cost) a variant must be to replace a sure piece
# Ems: the narrowest a character is, half-width (1, a digit) and full-width (kana, kanji).
MIN_HALF, MIN_FULL = 0.4, 0.8


Line = tuple[int, int, int]  # Tesseract's (block, paragraph, line)


def reread_lines(gray: np.ndarray, words: list[Word], *, lang: str = "jpn", psm: int = 6,
                 vertical: bool = False, dpi: int = 300,
                 deadline: tesseract.Deadline | None = None) -> list[Word]:
    """`words` as read from `gray`, each unsure line replaced by its best reading (in page
    coordinates, with the line's block, paragraph and line numbers), in the same order.
    `vertical`: the lines are columns (read with `lang` jpn_vert and `psm` 5)."""
    lines: dict[Line, list[Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.par, w.line), []).append(w)
    unsure = [key for key, ws in lines.items() if min(w.conf for w in ws) < UNSURE]
    if not unsure:
        return words
    if not vertical:
        unsure = _joined(lines, unsure)
    boxes = [_box(lines[key], gray.shape, vertical) for key in unsure]
    em = float(np.median([w.width if vertical else w.height for w in words]))
    paper = int(np.percentile(gray[::8, ::8], 90))
    best = {key: lines[key] for key in unsure}
    readings: dict[Line, list[list[Word]]] = {key: [lines[key]] for key in unsure}
    strangers: dict[Line, list[list[Word]]] = {}  # readings unlike the first one
    for scale in VERTICAL_SCALES if vertical else SCALES:
        crops = [_scaled(gray[top:bottom, x0:x1], scale) for x0, top, x1, bottom in boxes]
        read = tesseract.read_stacked(crops, gap=max(4, round(GAP * em * scale)), paper=paper,
                                      across=vertical, lang=lang, psm=psm,
                                      dpi=round(dpi * scale),
                                      deadline=deadline)
        for key, (x0, top, _, _), found in zip(unsure, boxes, read):
            placed = _widened([_placed(w, key, scale, x0, top) for w in found], vertical)
            if not _alike(found, lines[key]):
                strangers.setdefault(key, []).append(placed)
                continue
            readings[key].append(placed)
            if _surer(found, best[key]):
                best[key] = placed
    for key, found in strangers.items():
        agreed = _agreed(lines[key], found)
        # (not a fragment lying on another line: its crop reads that line's glyphs, surely)
        if agreed and len(readings[key]) == 1 and not any(
                other != key and _overlap(ws, lines[key]) for other, ws in lines.items()):
            best[key] = agreed
    if vertical:  # jpn_vert's readings share their mistakes: a vote made them more
        return [w for key, ws in lines.items() for w in best.get(key, ws)]
    keys = list(lines)
    following = {key: "".join(w.text for w in lines[after])
                 for key, after in zip(keys, keys[1:]) if after[:2] == key[:2]}
    for key in unsure:
        best[key] = _widened(_voted(best[key], readings[key], following.get(key, "")), vertical)
    out: list[Word] = []
    for key, ws in lines.items():
        out += best.get(key, ws)
    return out


def _joined(lines: dict[Line, list[Word]], unsure: list[Line]) -> list[Line]:
    """`unsure`, where two of those lines, of different paragraphs and of at most GLYPH_PART
    characters each, lie on top of each other, as one: Tesseract's layout analysis sometimes
    cuts a lone glyph in two (a centred 「記」 read as 「山」 and 「ロ」, two blocks whose boxes
    touch), and only the whole glyph reads right. The later line's words move into the earlier
    one (in `lines`, in place), ordered left to right."""
    kept: list[Line] = []
    for key in unsure:
        into = next((k for k in kept if k[:2] != key[:2] and _glyphs(lines[k]) <= GLYPH_PART
                     and _glyphs(lines[key]) <= GLYPH_PART and _overlap(lines[k], lines[key])),
                    None)
        if into is None:
            kept.append(key)
            continue
        lines[into] = sorted(lines[into] + lines.pop(key), key=lambda w: w.left)
    return kept


def _glyphs(line: list[Word]) -> int:
    return sum(len(w.text) for w in line)


def _overlap(a: list[Word], b: list[Word]) -> bool:
    """Whether two lines' extents overlap or touch along the line (Tesseract's boxes are
    tight: words of two lines do not touch) and overlap by half the smaller one across it."""
    ax0, ax1 = min(w.left for w in a), max(w.right for w in a)
    bx0, bx1 = min(w.left for w in b), max(w.right for w in b)
    # Across the line, the words' median extent: one word's box made tall by a speck or a
    # neighbour's stroke would reach into the next line.
    at, ab = float(np.median([w.top for w in a])), float(np.median([w.bottom for w in a]))
    bt, bb = float(np.median([w.top for w in b])), float(np.median([w.bottom for w in b]))
    along = min(ax1, bx1) - max(ax0, bx0)
    across = min(ab, bb) - max(at, bt)
    return along > -TOUCH * min(ab - at, bb - bt) and across > 0.5 * min(ab - at, bb - bt)


def _box(line: list[Word], shape: tuple[int, ...], vertical: bool) -> tuple[int, int, int, int]:
    """The line's crop: its words' extent, across the line from their median top to median
    bottom (a speck or a neighbour's stroke can make one word's box much taller), padded."""
    em = float(np.median([w.width if vertical else w.height for w in line]))
    pad = PAD * em
    if vertical:
        x0 = float(np.median([w.left for w in line])) - pad
        x1 = float(np.median([w.right for w in line])) + pad
        top = min(w.top for w in line) - pad
        bottom = max(w.bottom for w in line) + pad
    else:
        top = float(np.median([w.top for w in line])) - pad
        bottom = float(np.median([w.bottom for w in line])) + pad
        x0 = min(w.left for w in line) - pad
        x1 = max(w.right for w in line) + pad
    h, w = shape[:2]
    return max(0, round(x0)), max(0, round(top)), min(w, round(x1)), min(h, round(bottom))


def _scaled(crop: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return crop
    return cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def _placed(w: Word, key: Line, scale: float, x0: int, top: int) -> Word:
    return Word(w.text, w.conf, x0 + round(w.left / scale), top + round(w.top / scale),
                round(w.width / scale), round(w.height / scale), *key)


def _widened(words: list[Word], vertical: bool) -> list[Word]:
    """The words with boxes at least as long as their characters: in a second reading a
    word's box may cover only its last glyph (「少な」 21 pixels wide at 40 pixels an em), and
    the gap it leaves before it would be taken for a space on the page."""
    if not words:
        return words
    em = float(np.median([w.width if vertical else w.height for w in words]))
    out: list[Word] = []
    for w in words:
        need = round(em * sum(MIN_HALF if ch.isascii() else MIN_FULL for ch in w.text))
        start = out[-1].bottom if vertical and out else out[-1].right if out else None
        if vertical and w.height < need:
            top = w.bottom - need if start is None else max(start, w.bottom - need)
            w = Word(w.text, w.conf, w.left, top, w.width, w.bottom - top, w.block, w.par, w.line)
        elif not vertical and w.width < need:
            left = w.right - need if start is None else max(start, w.right - need)
            w = Word(w.text, w.conf, left, w.top, w.right - left, w.height, w.block, w.par, w.line)
        out.append(w)
    return out


def _alike(words: list[Word], first: list[Word]) -> bool:
    """Whether a second reading is the first one mended, not other text: where a line is a
    diagram, a seal or an icon, both readings are noise and the surer one is no better (on
    a real scan a flowchart's boxes became 「151 121」, read as amounts)."""
    a, b = "".join(w.text for w in words), "".join(w.text for w in first)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= ALIKE


def _agreed(first: list[Word], strangers: list[list[Word]]) -> list[Word] | None:
    """The reading of a line the first reading was unsure of throughout, where the second
    readings are unlike the first but the same, and sure, at several scales: noise reads
    differently at each size, text the same (a clean 「ととなります。」 first read as 「がり示す」,
    a centred 「記」 cut in two and read as 「山」 and 「ロ」)."""
    if max(w.conf for w in first) >= UNSURE:
        return None
    texts = ["".join(w.text for w in ws) for ws in strangers
             if ws and min(w.conf for w in ws) >= SURE_GLYPH]
    for ws in strangers:
        text = "".join(w.text for w in ws)
        if text and texts.count(text) >= (MIN_AGREE if len(text) <= 2 else MIN_AGREE - 1):
            return ws
    return None


def _surer(words: list[Word], than: list[Word]) -> bool:
    """A higher mean confidence, and no word less sure than the other reading's least sure:
    a line's mean hides one digit read wrong with little confidence (「平成38年」 at 52 in a
    reading surer on average than the first's 「平成28年」 at 59)."""
    return bool(words) and _mean(words) > _mean(than) and \
        min(w.conf for w in words) >= min(w.conf for w in than)


def _mean(words: list[Word]) -> float:
    return sum(w.conf for w in words) / len(words)


def _voted(pivot: list[Word], readings: list[list[Word]], following: str = "") -> list[Word]:
    """The surest reading `pivot`, mended where the readings disagree by a vote (as ROVER
    combines recognizers): the readings are aligned on the characters all of them share, and
    between two such anchors the text most readings give wins, the surer one on a tie (the
    confidence of the least sure word it touches), where the pivot is unsure of its own."""
    if len(readings) < 3 or not "".join(w.text for w in pivot):
        return pivot
    text = "".join(w.text for w in pivot)
    owner = [k for k, w in enumerate(pivot) for _ in w.text]  # word of each pivot character
    sure_of = [pivot[k].conf for k in owner]
    others = []
    for words in readings:
        other = "".join(w.text for w in words)
        conf = [w.conf for w in words for _ in w.text]
        at = {}
        for a, b, size in difflib.SequenceMatcher(None, text, other, autojunk=False) \
                .get_matching_blocks():
            for d in range(size):
                at[a + d] = b + d
        others.append((other, conf, at))
    anchors = [-1] + [i for i in range(len(text)) if all(i in at for _, _, at in others)]
    anchors.append(len(text))
    pieces: list[list[str]] = [[] for _ in pivot]
    span = list(range(len(pivot)))  # the last pivot word each output word covers
    for a, b in zip(anchors, anchors[1:]):
        if a >= 0:
            pieces[owner[a]].append(text[a])
        votes: dict[str, list[float]] = {}
        for other, conf, at in others:
            start = at[a] + 1 if a >= 0 else 0
            end = at[b] if b < len(text) else len(other)
            near = conf[max(0, start - 1):min(len(conf), end + 1)] or [0.0]
            votes.setdefault(other[start:end], []).append(min(near))
        # Where the pivot is sure of its text, a mistake the readings share (a speck read
        # as 「人」 at every scale) outvotes it: only its unsure parts are put to the vote.
        sure = sure_of[a + 1:b] or [sure_of[i] for i in (a, b) if 0 <= i < len(text)]
        is_sure = min(sure, default=0.0) >= UNSURE
        chosen = text[a + 1:b] if is_sure else \
            max(votes, key=lambda seg: (len(votes[seg]), max(votes[seg])))
        if len(votes) > 1 and (b < len(text) or following):
            chosen = likelier(chosen, list(votes), text[:a + 1], text[b:] + following,
                               LIKELIER_SURE if is_sure else 0)
        if chosen == text[a + 1:b]:
            for i in range(a + 1, b):
                pieces[owner[i]].append(text[i])
        elif b > a + 1:  # the pivot's words under the segment become one, the chosen text
            pieces[owner[a + 1]].append(chosen)
            span[owner[a + 1]] = max(span[owner[a + 1]], owner[b - 1])
        elif a >= 0:
            pieces[owner[a]].append(chosen)
        else:
            pieces[owner[0]].insert(0, chosen)
    out = []
    for k, (w, p) in enumerate(zip(pivot, pieces)):
        if "".join(p):
            out.append(_spanning(w, pivot[span[k]], "".join(p)))
    return out


def _spanning(w: Word, last: Word, text: str) -> Word:
    left, top = min(w.left, last.left), min(w.top, last.top)
    right, bottom = max(w.right, last.right), max(w.bottom, last.bottom)
    return Word(text, w.conf, left, top, right - left, bottom - top, w.block, w.par, w.line)

