"""Tesseract, run as a subprocess (as OCRmyPDF does): one call per image.

Images go in on stdin as uncompressed PGM (encoding PNG costs more than the pipe), results come
back on stdout. `OMP_THREAD_LIMIT=1` because Tesseract's OpenMP threads make one page 5x slower
on a small machine; parallelism comes from running pages side by side instead.

    require(("jpn", "jpn_vert"))            # once, before the first page: OcrUnavailable if not
    deadline = Deadline(300)                 # a page's time budget, shared by all its runs
    words(image, lang="jpn", psm=3, deadline=deadline)
    read_stacked(crops, lang="jpn", psm=6, gap=50, deadline=deadline)  # many pieces, one run
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import subprocess
import time
from bisect import bisect_right
from dataclasses import dataclass

from pipeline.errors import DependencyError

import numpy as np

PROGRAM = "tesseract"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


class OcrUnavailable(DependencyError):
    """Tesseract or one of its language packs is not installed: no page can be OCRed (exit 4,
    reported once for the run)."""


class TesseractError(Exception):
    """Tesseract failed or is missing."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail  # its stderr


class TesseractTimeout(TesseractError):
    def __init__(self, seconds: float):
        super().__init__(f"tesseract timed out after {seconds:g} s")
        self.seconds = seconds


@dataclass
class Deadline:
    """A page's OCR time budget, shared by all the Tesseract runs for that page."""

    seconds: float
    start: float = 0.0

    def __post_init__(self) -> None:
        self.start = time.monotonic()

    def left(self) -> float:
        """Seconds left; TesseractTimeout once none are."""
        left = self.seconds - (time.monotonic() - self.start)
        if left <= 0:
            raise TesseractTimeout(self.seconds)
        return left


@dataclass
class Word:
    text: str
    conf: float  # 0..100
    left: int
    top: int
    width: int
    height: int
    block: int
    par: int
    line: int

    @property
    def right(self) -> int:
        return self.left + self.width

    @property
    def bottom(self) -> int:
        return self.top + self.height


@dataclass
class Orientation:
    rotate: int  # degrees to rotate the image clockwise to make it upright: 0, 90, 180, 270
    confidence: float
    script: str


# The Debian package of each language (the Makefile installs them).
PACKAGES = {"jpn_vert": "tesseract-ocr-jpn-vert"}  # the others are tesseract-ocr-LANG


@functools.cache
def languages() -> frozenset[str]:
    """The installed language packs; OcrUnavailable when Tesseract itself cannot run."""
    try:
        out = _call(["--list-langs"], None, (30.0, 30.0))
    except TesseractError as e:
        raise OcrUnavailable(f"Tesseract cannot run ({e}): install tesseract-ocr") from None
    return frozenset(line.strip() for line in out.splitlines()[1:] if line.strip())


def require(langs=("jpn", "jpn_vert", "osd")) -> None:
    """Raise OcrUnavailable, with the package to install, unless every language is there."""
    missing = [lang for lang in langs if lang not in languages()]
    if missing:
        raise OcrUnavailable(
            f"Tesseract language pack {', '.join(missing)} missing: install "
            + " ".join(PACKAGES.get(lang, f"tesseract-ocr-{lang}") for lang in missing))


def pgm(image: np.ndarray) -> bytes:
    """A grayscale uint8 image as binary PGM bytes, which Leptonica reads from stdin."""
    h, w = image.shape
    return b"P5\n%d %d\n255\n" % (w, h) + np.ascontiguousarray(image, dtype=np.uint8).tobytes()


def words(
    image: np.ndarray,
    *,
    lang: str = "jpn",
    psm: int = 6,
    dpi: int = 300,
    deadline: Deadline | None = None,
    config: dict[str, str] | None = None,
) -> list[Word]:
    """OCR an image; the recognized words with their boxes and confidences, in reading order."""
    args = ["-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    for key, value in (config or {}).items():
        args += ["-c", f"{key}={value}"]
    return parse_tsv(_call(["stdin", "stdout", *args, "tsv"], pgm(image), _left(deadline)))


@dataclass
class Stack:
    """Image pieces stacked into one image (`stack`), to be read in one Tesseract run."""

    image: np.ndarray
    starts: list[int]  # where each piece starts along the stacking axis
    sizes: list[int]
    gap: int
    margin: int
    across: bool

    def split(self, found: list[Word]) -> list[list[Word]]:
        """The words of each piece, in the piece's own coordinates: a word belongs to the piece
        its centre falls in, or to the nearest one within half a gap."""
        order = sorted(range(len(self.starts)), key=lambda k: self.starts[k])
        bounds = [self.starts[k] - self.gap / 2 for k in order]
        out: list[list[Word]] = [[] for _ in self.starts]
        for w in found:
            center = w.left + w.width / 2 if self.across else w.top + w.height / 2
            n = bisect_right(bounds, center) - 1
            if n < 0:
                continue
            k = order[n]
            if center >= self.starts[k] + self.sizes[k] + self.gap / 2:
                continue
            dx, dy = (self.starts[k], self.margin) if self.across else (self.margin, self.starts[k])
            out[k].append(Word(w.text, w.conf, w.left - dx, w.top - dy, w.width, w.height,
                               w.block, w.par, w.line))
        return out


def stack(crops: list[np.ndarray], *, gap: int, margin: int | None = None,
          across: bool = False, paper: int = 255) -> Stack:
    """The pieces stacked top to bottom `gap` pixels apart (or, `across`, side by side right
    to left, for vertical text) with `margin` (default `gap`) of paper round them."""
    margin = gap if margin is None else margin
    axis = 1 if across else 0
    sizes = [c.shape[axis] for c in crops]
    starts, at = [], gap
    for size in sizes:
        starts.append(at)
        at += size + gap
    depth = max(c.shape[1 - axis] for c in crops) + 2 * margin
    shape = (depth, at) if across else (at, depth)
    image = np.full(shape, paper, np.uint8)
    if across:  # the first piece rightmost, as vertical columns are read
        starts = [at - s - size for s, size in zip(starts, sizes)]
    for crop, s in zip(crops, starts):
        h, w = crop.shape
        if across:
            image[margin:margin + h, s:s + w] = crop
        else:
            image[s:s + h, margin:margin + w] = crop
    return Stack(image, starts, sizes, gap, margin, across)


def read_stacked(
    crops: list[np.ndarray],
    *,
    gap: int,
    margin: int | None = None,
    across: bool = False,
    paper: int = 255,
    lang: str = "jpn",
    psm: int = 6,
    dpi: int = 300,
    deadline: Deadline | None = None,
    config: dict[str, str] | None = None,
) -> list[list[Word]]:
    """Many image pieces read in one Tesseract run (a process per piece would cost more than
    the reading): the words of each piece, in the piece's own coordinates (see `stack`)."""
    if not crops:
        return []
    pieces = stack(crops, gap=gap, margin=margin, across=across, paper=paper)
    return pieces.split(words(pieces.image, lang=lang, psm=psm, dpi=dpi, deadline=deadline,
                              config=config))


def orientation(image: np.ndarray, *, dpi: int = 300,
                deadline: Deadline | None = None) -> Orientation | None:
    """Orientation and script detection (`--psm 0`); None when Tesseract finds too little text."""
    try:
        out = _call(["stdin", "stdout", "--psm", "0", "--dpi", str(dpi)], pgm(image),
                    _left(deadline))
    except TesseractError as e:
        if "Too few characters" in e.detail:
            return None
        raise
    fields = dict(re.findall(r"^([A-Za-z ]+):\s*(\S+)\s*$", out, re.M))
    if "Rotate" not in fields:
        return None
    return Orientation(
        rotate=int(fields["Rotate"]) % 360,
        confidence=float(fields.get("Orientation confidence", 0)),
        script=fields.get("Script", ""),
    )


def parse_tsv(tsv: str) -> list[Word]:
    out = []
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        text = (row.get("text") or "").strip()
        if row.get("level") != "5" or not text:
            continue
        out.append(
            Word(
                text=text,
                conf=max(0.0, float(row["conf"])),
                left=int(row["left"]),
                top=int(row["top"]),
                width=int(row["width"]),
                height=int(row["height"]),
                block=int(row["block_num"]),
                par=int(row["par_num"]),
                line=int(row["line_num"]),
            )
        )
    return out


DEFAULT_TIMEOUT = 300.0  # seconds, for a run without a page deadline


def _left(deadline: Deadline | None) -> tuple[float, float]:
    """(seconds for this run, the budget to report when it runs out)."""
    if deadline is None:
        return DEFAULT_TIMEOUT, DEFAULT_TIMEOUT
    return deadline.left(), deadline.seconds


def _call(args: list[str], stdin: bytes | None, timeout: tuple[float, float]) -> str:
    seconds, budget = timeout
    try:
        proc = subprocess.run(
            [PROGRAM, *args], input=stdin, capture_output=True, env=ENV, timeout=seconds
        )
    except subprocess.TimeoutExpired:
        raise TesseractTimeout(budget) from None
    except OSError as e:
        raise TesseractError(f"cannot run {PROGRAM}: {e.strerror}") from None
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        last = err.splitlines()[-1] if err else f"{PROGRAM} exited with {proc.returncode}"
        raise TesseractError(last, err)
    return out
