"""pipeline._exec.tesseract against the real Tesseract: languages, reading, stacking, deadline."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from pipeline._exec import tesseract

GOTHIC = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"


def line_image(text: str, size: int = 50) -> np.ndarray:
    """One line of text, dark on white, about 12 pt at 300 dpi."""
    font = ImageFont.truetype(GOTHIC, size)
    width = int(font.getlength(text)) + 2 * size
    image = Image.new("L", (width, 2 * size), 255)
    ImageDraw.Draw(image).text((size, size // 2), text, font=font, fill=0)
    return np.asarray(image)


def test_languages_installed():
    assert {"jpn", "jpn_vert", "osd"} <= tesseract.languages()
    tesseract.require()  # nothing raised


def test_missing_language_pack_is_one_clear_error():
    with pytest.raises(tesseract.OcrUnavailable) as e:
        tesseract.require(("jpn", "kor"))
    assert str(e.value) == "Tesseract language pack kor missing: install tesseract-ocr-kor"


def test_missing_program_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(tesseract, "PROGRAM", "tesseract-not-installed")
    tesseract.languages.cache_clear()
    try:
        with pytest.raises(tesseract.OcrUnavailable) as e:
            tesseract.require()
        assert str(e.value) == ("Tesseract cannot run (cannot run tesseract-not-installed: No such "
                                "file or directory): install tesseract-ocr")
    finally:
        tesseract.languages.cache_clear()


def test_a_line_of_japanese_read_back_exactly():
    words = tesseract.words(line_image("令和6年4月1日から施行する。"), lang="jpn", psm=7)
    assert "".join(w.text for w in words) == "令和6年4月1日から施行する。"
    assert all(w.conf > 80 for w in words)


def test_stacked_pieces_come_back_apart_in_their_own_coordinates():
    texts = ["総務省自治行政局", "第185号", "南国市土地開発公社"]
    crops = [line_image(t) for t in texts]
    for across in (False, True):
        read = tesseract.read_stacked(crops, gap=60, across=across, lang="jpn", psm=6)
        assert ["".join(w.text for w in ws) for ws in read] == texts
        for crop, ws in zip(crops, read):
            h, w = crop.shape
            # The text is drawn from x = 50, y = 25 in each crop.
            assert min(x.left for x in ws) in range(45, 60)
            assert max(x.right for x in ws) <= w and max(x.bottom for x in ws) <= h


def test_stacking_nothing_runs_nothing():
    assert tesseract.read_stacked([], gap=60) == []


def test_deadline_raises_once_spent():
    deadline = tesseract.Deadline(0.0)
    with pytest.raises(tesseract.TesseractTimeout) as e:
        deadline.left()
    assert str(e.value) == "tesseract timed out after 0 s"


def test_deadline_stops_a_run_and_reports_the_page_budget():
    page = np.tile(line_image("令和6年4月1日から施行する。"), (30, 3))
    with pytest.raises(tesseract.TesseractTimeout) as e:
        tesseract.words(page, lang="jpn", psm=6, deadline=tesseract.Deadline(0.3))
    assert e.value.seconds == 0.3
    assert str(e.value) == "tesseract timed out after 0.3 s"


def test_missing_vertical_pack_names_its_debian_package(monkeypatch):
    monkeypatch.setattr(tesseract, "languages", lambda: frozenset({"eng", "jpn", "osd"}))
    with pytest.raises(tesseract.OcrUnavailable) as e:
        tesseract.require()
    assert str(e.value) == ("Tesseract language pack jpn_vert missing: install "
                            "tesseract-ocr-jpn-vert")


def test_extraction_reports_a_missing_tesseract_once_before_any_page(monkeypatch):
    from conftest import CORPUS

    from pipeline.extract import extract_pages

    monkeypatch.setattr(tesseract, "PROGRAM", "tesseract-not-installed")
    tesseract.languages.cache_clear()
    try:
        with pytest.raises(tesseract.OcrUnavailable):
            extract_pages(CORPUS / "scanned" / "04-letter.pdf")
        # A text layer needs no OCR.
        [page] = extract_pages(CORPUS / "born-digital" / "05-mic-notice.pdf")
        assert page.text.startswith("総行住第 185 号")
    finally:
        tesseract.languages.cache_clear()
