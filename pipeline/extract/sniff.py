"""What kind of file this is, from its first bytes (file names lie)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError

PDF = "pdf"
PNG = "png"
JPEG = "jpeg"
TIFF = "tiff"

_MAGIC = [
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
]


def kind(path: Path) -> str:
    """PDF, PNG, JPEG or TIFF; InputError for anything else."""
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as e:
        raise InputError(path, f"cannot read: {e.strerror}") from None
    if not head:
        raise InputError(path, "empty file")
    # PDF readers accept junk before the header within the first kilobyte, and so does PDFium.
    if b"%PDF-" in head:
        return PDF
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    raise InputError(path, f"not a PDF or image (starts with {head[:8]!r})")
