"""Resource limits for one input file, with defaults a researcher rarely needs to raise.

The CLI exposes each as a flag (`--max-pages`, `--max-pixels`, `--page-timeout`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    max_pages: int = 2000  # pages per input file
    max_pixels: int = 60_000_000  # pixels per page image (a 300 dpi A3 page is ~17.4 M)
    page_timeout: float = 300.0  # seconds of OCR per page
    dpi: int = 300  # rasterization resolution for OCR


DEFAULT_LIMITS = Limits()
