"""pipeline.extract on files it must refuse: each kind of bad input gives one exact reason."""

from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.pdfgen import canvas

from pipeline.errors import InputError
from pipeline.extract import extract_pages, page_count
from pipeline.limits import Limits

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MEMO = CORPUS / "born-digital" / "01-memo.pdf"
LETTER = CORPUS / "born-digital" / "04-letter.pdf"
SCANNED_MEMO = CORPUS / "scanned" / "01-memo.pdf"


def refused(path: Path, **kw) -> str:
    with pytest.raises(InputError) as info:
        extract_pages(path, **kw)
    assert info.value.path == str(path)
    assert str(info.value) == f"{path}: {info.value.reason}"
    return info.value.reason


def test_empty_file(tmp_path):
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    assert refused(path) == "empty file"


def test_missing_file(tmp_path):
    assert refused(tmp_path / "nowhere.pdf") == "no such file"


def test_random_bytes_named_pdf(tmp_path):
    path = tmp_path / "notice.pdf"
    path.write_bytes(b"\x00\x01garbage that is no document" * 10)
    assert refused(path) == r"not a PDF or image (starts with b'\x00\x01garbag')"


def test_html_named_png(tmp_path):
    path = tmp_path / "page.png"
    path.write_bytes(b"<!DOCTYPE html><html></html>")
    assert refused(path) == "not a PDF or image (starts with b'<!DOCTYP')"


def test_truncated_pdf(tmp_path):
    path = tmp_path / "truncated.pdf"
    path.write_bytes(LETTER.read_bytes()[:20000])
    assert refused(path) == "damaged PDF: truncated (no %EOF marker at the end)"


def test_encrypted_pdf(tmp_path):
    path = tmp_path / "secret.pdf"
    c = canvas.Canvas(str(path), pagesize=A4,
                      encrypt=StandardEncryption("user-password", "owner-password"))
    c.drawString(100, 700, "secret")
    c.save()
    assert refused(path) == "PDF is encrypted (password required)"


def test_damaged_image(tmp_path):
    path = tmp_path / "scan.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert refused(path) == "damaged image: cannot be decoded"


def test_too_many_pages():
    assert page_count(LETTER) == 4
    assert refused(LETTER, limits=Limits(max_pages=3)) == "4 pages exceeds --max-pages 3"


def test_too_many_pixels():
    # The scanned memo is A4 at 300 dpi: 2481 x 3508 pixels.
    reason = refused(SCANNED_MEMO, limits=Limits(max_pixels=8_000_000))
    assert reason == "page 1 image is 2481×3508 pixels, over --max-pixels 8000000"


def test_image_too_many_pixels(tmp_path):
    from PIL import Image

    path = tmp_path / "big.png"
    Image.new("L", (4000, 3000), 255).save(path)
    reason = refused(path, limits=Limits(max_pixels=10_000_000))
    assert reason == "page 1 image is 4000×3000 pixels, over --max-pixels 10000000"


def test_ocr_timeout():
    reason = refused(SCANNED_MEMO, limits=Limits(page_timeout=0.3))
    assert reason == "page 1: OCR timed out after 0.3 s"


def test_page_count_is_cheap_and_checks_the_file(tmp_path):
    assert page_count(MEMO) == 1
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty file"):
        page_count(path)
