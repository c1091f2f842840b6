"""Solid round bullets (●) found by their shape, and put back in their lines."""

import numpy as np
import pytest
from fixtures import scanned_page
from PIL import Image, ImageDraw, ImageFont

from pipeline.corpus.fonts import FILES, GOTHIC
from pipeline.extract import bullets, image
from pipeline.extract.ocr import ocr_page


def _page(lines: list[str], size: int = 40) -> np.ndarray:
    font = ImageFont.truetype(FILES[GOTHIC], size)
    page = Image.new("L", (1400, 120 + len(lines) * 2 * size), 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((100, 60 + i * 2 * size), line, font=font, fill=0)
    return np.asarray(page)


def test_found_by_shape():
    gray = _page(["●機器類関係費", "■国庫支出金 〇印 ◎ 回覧", "●"], size=40)
    mask = image.ink(gray)
    found = bullets.find(mask, image.char_size(mask))
    # The two ● only: not the square, the rings, nor a bold kanji's blobs.
    assert [(b.top // 80, b.left // 10) for b in found] == [(0, 10), (2, 10)]
    assert all(30 <= b.width <= 40 and abs(b.width - b.height) <= 3 for b in found)


def test_put_back_before_the_text_of_their_line():
    from pipeline._exec.tesseract import Word

    words = [Word("機器", 90, 150, 60, 80, 40, 1, 1, 1), Word("費", 90, 230, 60, 40, 40, 1, 1, 1),
             Word("合計", 90, 150, 140, 80, 40, 1, 1, 2)]
    dots = [Word("●", 99, 102, 64, 34, 34, 0, 0, 0), Word("●", 99, 1000, 140, 34, 34, 0, 0, 0)]  # the 2nd: alone
    out = bullets.put_back(words, dots, em=40)
    assert [(w.text, w.line) for w in out] == [("●", 1), ("機器", 1), ("費", 1), ("合計", 2)]


@pytest.mark.slow
def test_bullets_of_a_scanned_page():
    """02-shiryo1: Tesseract read its five ● as 「信」, 「人@」, 「念」 or nothing."""
    gray = scanned_page("02-shiryo1", 1)
    lines = ocr_page(gray, 1).text.splitlines()
    assert [line for line in lines if line.startswith("●")] == [
        "●機器類関係費", "●特別交付税(国からの補助金) 3年間事業費の半額5000万円上限",
        "●コンビニ事業者への負担金", "●コンビニ交付事業費合計", "●証明書1枚当たりの単価(10年平均)"]


def test_what_was_read_from_a_bullet_is_replaced():
    from pipeline._exec.tesseract import Word

    words = [Word("人", 81, 272, 1367, 16, 61, 4, 1, 1), Word("@", 87, 287, 1379, 27, 38, 4, 1, 1),
             Word("特", 72, 322, 1377, 57, 42, 4, 1, 1)]
    out = bullets.put_back(words, [Word("●", 99, 276, 1379, 38, 38, 0, 0, 0)], em=53)
    assert [w.text for w in out] == ["●", "特"]
