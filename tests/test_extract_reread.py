"""Noisy scans: specks painted out before Tesseract, unsure lines read again.

Real Tesseract on a strip of a corpus scan (04-letter page 2): three lines of text, with a
dust speck just under the middle one, where Tesseract's first reading drops 「金融機関等の窓口で
トラブルが発生し、」.
"""


import cv2
import numpy as np
import pytest
from fixtures import scanned_page

from pipeline._exec import tesseract
from pipeline.extract import image
from pipeline.extract.ocr import _lines, ocr_page
from pipeline.extract.reread import reread_lines
from pipeline.normalize import normalize_page

pytestmark = pytest.mark.slow

LINES = [
    "・利用開始しても申請書類に個人番号を記入しない、できない区民も少なくない。個人番号記入",
    "をめぐる行政機関や勤務先・取引先、金融機関等の窓口でトラブルが発生し、その結果就労でき",
    "なくなるなどの不利益が発生している",
]


@pytest.fixture(scope="module")
def strip() -> np.ndarray:
    return scanned_page("04-letter", 2)[1076:1280]


def test_specks_are_dust_not_punctuation(strip):
    found = image.specks(image.ink(strip))
    n, _, stats, _ = cv2.connectedComponentsWithStats(found.astype(np.uint8))
    assert [tuple(int(v) for v in s[:4]) for s in stats[1:]] == [(2194, 13, 4, 4), (1691, 173, 4, 4)]
    # The bullet first in a line and the ・ in 「勤務先・取引先」 are as small, but on a line.
    assert not found[21:28, 344:351].any() and not found[99:106, 868:875].any()
    cleaned = image.despeckle(strip, image.ink(strip))
    assert cleaned[175, 1693] > 200 and np.array_equal(cleaned[:, :1600], strip[:, :1600])


def test_an_unsure_line_is_read_again(strip):
    gray = image.rotate(strip, image.skew_angle(image.ink(strip)))  # specks left in
    first = tesseract.words(gray, lang="jpn", psm=3)
    assert _lines(first) == [LINES[0], "をめぐる行政機関や勤務先・取引先、人その結果就労でき", LINES[2]]
    assert sorted((w.text, w.conf < 70) for w in first if w.conf < 70) == [("人", True), ("記入", True)]
    again = reread_lines(gray, first)
    assert _lines(again) == LINES  # no gap made up in the first line either
    # The second reading is in page coordinates, on the first reading's line.
    [kin] = [w for w in again if w.text == "金"]
    assert (kin.block, kin.par, kin.line) == (1, 1, 2) and 1070 < kin.left < 1095 and 80 < kin.top < 100
    # Lines read surely are kept as they were.
    assert [w for w in again if w.line == 3] == [w for w in first if w.line == 3]


def test_scanned_strip_reads_whole():
    gray = scanned_page("04-letter", 2)[1076:1280]
    assert normalize_page(ocr_page(gray, 1)).text == "".join(LINES)


def _reading(*texts_confs, line=1):
    """Words of one line, each a glyph wide at 40 pixels an em, one after another."""
    out, left = [], 0
    for text, conf in texts_confs:
        out.append(tesseract.Word(text, conf, left, 0, 40 * len(text), 40, 1, 1, line))
        left += 40 * len(text)
    return out


def test_readings_vote_per_segment():
    from pipeline.extract.reread import _voted
    pivot = _reading(("平成", 90), ("38", 60), ("年度", 90), ("予算", 95))
    readings = [
        _reading(("平成", 80), ("28", 55), ("年", 90), ("予算", 90)),  # drops 度
        pivot,
        _reading(("平成", 85), ("28", 70), ("年度", 90), ("予算", 90)),
    ]
    # 28 twice against 38 once, 度 twice against nothing once; the pivot's boxes are kept.
    voted = _voted(pivot, readings)
    assert [(w.text, w.left, w.right) for w in voted] == [
        ("平成", 0, 80), ("28", 80, 160), ("年度", 160, 240), ("予算", 240, 320)]
    # Two readings are no vote: the surest one stands.
    assert _voted(pivot, readings[1:]) == pivot


def test_readings_vote_on_a_real_page():
    """06-onestop-program page 2: the surest reading of one line drops the 1 of 「平成31年度」,
    which most of the other readings have. 末 is read as 示 three times and as 未 twice, and
    stays 示: no reading has the 末, and one kanji for another that makes no word either is
    the dictionary's taste, not a word found."""
    gray = scanned_page("06-onestop-program", 2)
    lines = ocr_page(gray, 2).text.splitlines()
    assert "を促進。平成31年度示における実施団体の人口の合計が1億人を超えることを目指す。" in lines


def test_table_cells_are_read_again():
    """09-wards-answers: the cells, stacked in one image, read once; a speck beside 「検討中」
    made a 「。」 in the first reading of its cell, not in the second readings."""
    gray = scanned_page("09-wards-answers", 1)
    rows = [row for table in ocr_page(gray, 1).tables for row in table.rows]
    assert ["5", "江戸川区", "9月23日", "不利益なし", "記載する※", "検討中", "判断する立場でない"] in rows


def test_stacked_pieces_split_back():
    pieces = [np.full((30, 50), 255, np.uint8), np.full((20, 80), 255, np.uint8)]
    stacked = tesseract.stack(pieces, gap=10, margin=5)
    assert stacked.image.shape == (10 + 30 + 10 + 20 + 10, 80 + 2 * 5)
    found = [tesseract.Word("一", 90, 5 + 3, 10 + 4, 20, 20, 1, 1, 1),
             tesseract.Word("二", 90, 5 + 7, 50 + 2, 20, 15, 2, 1, 1)]
    assert [[(w.text, w.left, w.top) for w in ws] for ws in stacked.split(found)] == [
        [("一", 3, 4)], [("二", 7, 2)]]


def test_a_glyph_cut_in_two_is_read_whole():
    """08-mic-jimurenraku page 1: the centred 「記」 of the notice came out of the layout
    analysis as two blocks, 「山」 and 「ロ」, whose boxes touch."""
    gray = scanned_page("08-mic-jimurenraku", 1)
    lines = [line for line in ocr_page(gray, 1).text.splitlines() if line.strip()]
    at = lines.index("記")
    assert lines[at - 1] == "ものです。" and lines[at + 1].startswith("1市町村が特別徴収義務者に")
    assert "山" not in lines and "ロ" not in lines


def test_joined_lines_and_agreed():
    from pipeline.extract.reread import _agreed, _joined

    ro = tesseract.Word("ロ", 0.0, 1247, 1657, 32, 40, 3, 1, 1)
    yama = tesseract.Word("山", 29.0, 1214, 1656, 33, 41, 4, 1, 1)
    apart = tesseract.Word("項", 95.0, 1400, 1656, 40, 40, 5, 1, 1)
    lines = {(3, 1, 1): [ro], (4, 1, 1): [yama], (5, 1, 1): [apart]}
    assert _joined(lines, [(3, 1, 1), (4, 1, 1), (5, 1, 1)]) == [(3, 1, 1), (5, 1, 1)]
    assert lines == {(3, 1, 1): [yama, ro], (5, 1, 1): [apart]}
    ki = [tesseract.Word("記", 92.0, 1227, 1656, 42, 41, 3, 1, 1)]
    assert _agreed([yama, ro], [ki, ki, ki, []]) == ki
    assert _agreed([yama, ro], [ki, ki, []]) is None          # two scales: no agreement on a glyph
    line = [tesseract.Word(t, 93.0, 280 + 40 * i, 1030, 40, 40, 2, 2, 3) for i, t in enumerate("ととなります。")]
    first = [tesseract.Word("がり", 30.0, 277, 1033, 161, 39, 2, 2, 3), tesseract.Word("示す", 34.0, 459, 1032, 97, 42, 2, 2, 3)]
    assert _agreed(first, [[], line, [], line]) == line       # seven characters twice
    assert _agreed([apart], [ki, ki, ki]) is None              # a sure first reading stays
