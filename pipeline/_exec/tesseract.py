"""Tesseract, run as a subprocess (as OCRmyPDF does): one call per image, nothing else.

Images go in on stdin as uncompressed PGM (encoding PNG costs more than the pipe), results come
back on stdout. `OMP_THREAD_LIMIT=1` because Tesseract's OpenMP threads make one page 5x slower
on a small machine; parallelism comes from running pages side by side instead.
"""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from dataclasses import dataclass

import numpy as np

PROGRAM = "tesseract"
ENV = {**os.environ, "OMP_THREAD_LIMIT": "1"}


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


def version() -> str:
    out = _call(["--version"], None, timeout=30)
    return out.splitlines()[0].split()[-1]


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
    timeout: float = 300.0,
    config: dict[str, str] | None = None,
) -> list[Word]:
    """OCR an image; the recognized words with their boxes and confidences, in reading order."""
    args = ["-l", lang, "--psm", str(psm), "--dpi", str(dpi)]
    for key, value in (config or {}).items():
        args += ["-c", f"{key}={value}"]
    return parse_tsv(_call(["stdin", "stdout", *args, "tsv"], pgm(image), timeout))


def orientation(image: np.ndarray, *, dpi: int = 300, timeout: float = 60.0) -> Orientation | None:
    """Orientation and script detection (`--psm 0`); None when Tesseract finds too little text."""
    try:
        out = _call(["stdin", "stdout", "--psm", "0", "--dpi", str(dpi)], pgm(image), timeout)
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


def _call(args: list[str], stdin: bytes | None, timeout: float) -> str:
    try:
        proc = subprocess.run(
            [PROGRAM, *args], input=stdin, capture_output=True, env=ENV, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        raise TesseractTimeout(timeout) from None
    except OSError as e:
        raise TesseractError(f"cannot run {PROGRAM}: {e.strerror}") from None
    out = proc.stdout.decode("utf-8", "replace")
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        last = err.splitlines()[-1] if err else f"{PROGRAM} exited with {proc.returncode}"
        raise TesseractError(last, err)
    return out
