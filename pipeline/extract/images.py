"""Page images (PNG, JPEG, TIFF with one or more pages) as grayscale arrays for OCR."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import InputError
from ..limits import Limits

# Pixel limits are ours to enforce, with a readable message (Limits.max_pixels), before any
# decoding; Pillow's own decompression-bomb check would raise its own error first.
Image.MAX_IMAGE_PIXELS = None


def _open(path: Path) -> Image.Image:
    try:
        return Image.open(path)
    except UnidentifiedImageError:
        raise InputError(path, "damaged image: cannot be decoded") from None
    except OSError as e:
        raise InputError(path, f"damaged image: {e}") from None


def count_frames(path: Path) -> int:
    with _open(path) as im:
        return getattr(im, "n_frames", 1)


def load_frame(path: Path, index: int, limits: Limits, check_pixels) -> tuple[np.ndarray, int]:
    """Frame `index` as a grayscale uint8 array, and its resolution in dpi.

    Images without a usable resolution are taken to be `limits.dpi`.
    """
    with _open(path) as im:
        try:
            im.seek(index)
        except EOFError:
            raise InputError(path, f"damaged image: page {index + 1} is missing") from None
        check_pixels(path, index + 1, im.width, im.height, limits)
        dpi = _dpi(im) or limits.dpi
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gray = ImageOps.exif_transpose(im).convert("L")
        except (OSError, ValueError, SyntaxError) as e:
            raise InputError(path, f"damaged image: {e}") from None
    # Scans below the OCR resolution are scaled up to it (Tesseract's Japanese models want
    # ~30 px characters); far finer ones down, which costs nothing in accuracy and saves time.
    if dpi < limits.dpi * 0.9 or dpi > limits.dpi * 1.5:
        scale = limits.dpi / dpi
        w, h = round(gray.width * scale), round(gray.height * scale)
        check_pixels(path, index + 1, w, h, limits)
        gray = gray.resize((w, h), Image.LANCZOS if scale > 1 else Image.BOX)
        dpi = limits.dpi
    return np.asarray(gray), int(round(dpi))


def _dpi(im: Image.Image) -> float | None:
    dpi = im.info.get("dpi")
    if not dpi:
        return None
    try:
        value = float(dpi[0])
    except (TypeError, ValueError, IndexError):
        return None
    # 72 and 96 dpi are screen defaults written by software that knew nothing better.
    return value if 100 <= value <= 1200 else None
