"""The pure parts of pipeline.extract: text-layer checks, grids, reading order, OCR clean-up."""

from dataclasses import dataclass

from pipeline.extract import grid, layout, private_use, textlayer
from pipeline.extract.misreads import fix_digit_groups
from pipeline.extract.pdf import Char


def chars(text: str, x: float = 0, y: float = 0, size: float = 10) -> list[Char]:
    """A horizontal line of characters, one em apart."""
    return [Char(ch, False, x + i * size, y, x + (i + 1) * size, y + size, size)
            for i, ch in enumerate(text)]


def column(text: str, x: float, y: float = 0, size: float = 10) -> list[Char]:
    """A vertical column of characters, top to bottom."""
    return [Char(ch, False, x, y + i * size, x + size, y + (i + 1) * size, size)
            for i, ch in enumerate(text)]


def test_usable_and_unusable_text_layers():
    assert textlayer.unusable(chars("令和元年度診療報酬改定について")) is None
    assert textlayer.unusable([]) == "no text"
    assert textlayer.unusable(chars("   ")) == "no text"
    assert textlayer.unusable(chars("\ue000\ue001\ue002診療")) == "unmapped characters"
    assert textlayer.unusable(chars("(cid:12)(cid:34)(cid:56)")) == "unmapped characters"
    assert textlayer.unusable(chars("\ufffd\ufffd報酬")) == "unmapped characters"


def test_vertical_columns_right_to_left_and_tiers_top_to_bottom():
    upper = column("東京都中野区", 100) + column("の情報", 80)
    lower = column("不正入手", 100, 80) + column("あと絶たず", 80, 80)
    page = upper + lower
    assert layout.is_vertical(page * 4)
    assert layout.vertical_text(page) == "東京都中野区\nの情報\n不正入手\nあと絶たず"


def test_vertical_two_digits_side_by_side_stay_in_their_column():
    col = column("被告(", 100)
    col += [Char("2", False, 101, 31, 105, 39, 10), Char("9", False, 105, 31, 109, 39, 10)]
    col += column(")と", 100, 40)
    assert layout.vertical_text(col + column("同区中野", 80)) == "被告(29)と\n同区中野"


def test_horizontal_text_is_not_vertical():
    assert not layout.is_vertical(chars("平成28年9月16日各都道府県知事殿") * 3)


def test_letter_spaced_digits_rejoin_but_table_numbers_do_not():
    spaced = chars("保") + [Char(" ", True, 10, 0, 10, 0, 0)] + chars("0", 14)
    spaced += [Char(" ", True, 24, 0, 24, 0, 0)] + chars("8", 28)
    assert layout.horizontal_text(spaced, []) == "保 08"
    far = chars("3") + [Char(" ", True, 10, 0, 10, 0, 0)] + chars("28", 40)
    assert layout.horizontal_text(far, []) == "3 28"


def _box(x0, top, x1, bottom):
    return grid.edge(x0, top, x1, bottom)


def test_grid_from_rulings_and_cell_texts():
    # Three horizontal and four vertical ruling lines: 2 rows of 3 cells.
    edges = [_box(0, y, 300, y) for y in (0, 50, 100)]
    edges += [_box(x, 0, x, 100) for x in (0, 100, 200, 300)]
    [g] = grid.find_grids(edges)
    assert g.bbox == (0, 0, 300, 100)
    assert len(g.rows) == 2 and len(g.rows[0]) == 3
    rows = grid.fill(g, [(50, 25, "回答日"), (150, 25, "9月15日"), (250, 25, "不利益"),
                         (260, 30, "なし"), (150, 75, "9月16日"), (500, 500, "outside")])
    assert rows == [["回答日", "9月15日", "不利益なし"], ["", "9月16日", ""]]
    assert grid.row_lines(rows) == ["回答日\t9月15日\t不利益なし", "9月16日"]
    assert grid.find_grids(edges[:3]) == []  # lines without crossings are no table


def test_cell_lines_join_without_spaces_between_japanese():
    assert grid.join_lines("厚生労働大臣が定\nめる病院\n") == "厚生労働大臣が定める病院"
    assert grid.join_lines("Type\nThree") == "Type Three"


@dataclass
class B:
    x0: float
    top: float
    x1: float
    bottom: float
    name: str


def test_blocks_in_reading_order():
    em = 10
    title = B(300, 0, 700, 30, "title")
    date = B(800, 40, 1000, 60, "date, flush right")
    left = B(0, 100, 480, 600, "left column")
    right_1 = B(520, 100, 1000, 300, "right column, top")
    right_2 = B(520, 320, 1000, 600, "right column, bottom")
    footer = B(0, 700, 1000, 720, "footer")
    blocks = [footer, right_2, date, left, right_1, title]
    assert [b.name for b in layout.blocks_in_order(blocks, em)] == [
        "title", "date, flush right", "left column", "right column, top",
        "right column, bottom", "footer"]


def test_fix_digit_groups():
    assert fix_digit_groups("165.000枚 122,.000,000 25.400,000") == "165,000枚 122,000,000 25,400,000"
    assert fix_digit_groups("0.125 3.5億 2017.1.17 Tel.3706-7204") == \
        "0.125 3.5億 2017.1.17 Tel.3706-7204"


def test_a_few_private_use_characters_are_no_reason_to_ocr_a_page():
    assert textlayer.unusable(chars("\uf06c ＧＤＰは名目597兆円と過去最高水準に増加")) is None
    assert textlayer.unusable(chars("\ue891\ue891\ue88b\ue88e日")) == "unmapped characters"


def line_break(x: float, y: float) -> list[Char]:
    return [Char("\r", True, x, y, x, y, 0), Char("\n", True, x, y, x, y, 0)]


def test_private_use_characters_never_merge_numbers_and_bullets_stay_bullets():
    # Not read from the image (read=False): what cannot be read is a space between figures,
    # a bullet first in its line; the line without a PUA character is left alone.
    page = chars("〒100\ue61c8916") + line_break(90, 5) + chars("\uf06c 避難とは", 0, 12)
    page += line_break(60, 17) + chars("令和7年", 0, 24)
    private_use.resolve(None, page, None, read=False)
    assert layout.horizontal_text(page, []) == "〒100 8916\n・ 避難とは\n令和7年"


def test_private_use_runs_take_what_ocr_read_in_their_place():
    line = chars("電話03\ue61c5253\ue61c1111") + [Char("\ue7b2", False, 200, 0, 210, 10, 10)]
    found = private_use._align(line, "電話03-5253-11110")
    assert found == {4: ("-", 1), 9: ("-", 1), 14: ("0", 1)}
    assert private_use._align(chars("第\ue88b\ue88c\ue893号"), "第1の9号") == {}  # の is no digit
    assert private_use._align(chars("第\ue88b\ue88c\ue893号"), "第12号") == {}  # 2 digits for 3
    assert private_use._align(chars("第\ue88b\ue88c\ue893号"), "第129号") == {1: ("129", 3)}
    assert private_use._align(chars("\ue7b2 入札"), "(1)入札") == {0: ("(1)", 1)}


def test_a_false_line_break_before_a_symbol_glyph_inside_a_line_is_dropped():
    # PDFium breaks the line before a hyphen whose box is its thin ink, mid-height.
    page = chars("100") + line_break(30, 10) + [Char("\ue61c", False, 31, 4, 38, 5, 10)]
    page += chars("8916", 39) + line_break(79, 10) + chars("東京", 0, 20)
    assert layout.horizontal_text(layout.join_broken_lines(page), []) == "100\ue61c8916\n東京"


def test_prose_in_two_columns_reads_column_by_column():
    # PDFium gives the column bodies first and their headings last.
    left = [chars(f"左の段の本文、その{n}行目です。", 0, 20 + 12 * n) for n in range(6)]
    right = [chars(f"右の段の本文、その{n}行目です。", 200, 20 + 12 * n) for n in range(6)]
    page = []
    for line in left + right + [chars("第１章 左", 0, 0), chars("第２章 右", 200, 0)]:
        page += line + line_break(line[-1].x1, line[-1].top)
    lines = layout.text_lines(page)
    assert layout.in_columns(lines, 10)
    text = layout.column_text(lines, [], 10).split("\n")
    assert text[0] == "第１章 左" and text[1] == "左の段の本文、その0行目です。"
    assert text[7] == "第２章 右" and text[-1] == "右の段の本文、その5行目です。"
    # One column of prose, or a table of labels and figures, is not a page in columns.
    assert not layout.in_columns(layout.text_lines(sum((left[n] + line_break(0, 0)
                                                       for n in range(6)), [])), 10)


def test_rulings_round_paragraphs_are_a_frame_not_a_table():
    assert textlayer._frame([["第１章 マクロ経済の動向と課題", "第２章"],
                             ["ＧＤＰは名目597兆円と過去最高水準に増加" * 5, "企業の人手不足感" * 20]])
    assert not textlayer._frame([["区分", "金額"], ["歳入", "1,192,893"], ["歳出", "1,192,893"]])


def test_letter_spaced_amount_keeps_its_thousands_separators():
    line = []
    for k, ch in enumerate("1,192,893千円"):
        if k:
            line.append(Char(" ", True, 10 * k - 3, 0, 10 * k - 3, 0, 0))
        line.append(Char(ch, False, 10 * k, 0, 10 * k + 5, 10, 10))
    assert layout.horizontal_text(line, []) == "1,192,893 千 円"
    # A list typed with a space after the comma stays a list.
    assert layout.horizontal_text(chars("57, 76"), []) == "57, 76"


def test_runs_drawn_right_to_left_are_read_left_to_right():
    # A layout program drew the line's runs right to left: PDFium gives 「氏名」 (at x 60),
    # then 「、」 (x 50), then 「ご本人の希望により」 (x 0..80).
    line = chars("氏名", 60) + chars("、", 50) + chars("ご本人", 20) + chars("けた方", -10)
    page = line + line_break(80, 0) + chars("東京", 0, 20)
    assert layout.horizontal_text(layout.runs_left_to_right(page), []) == "けた方ご本人、氏名\n東京"
    # Lines in order, and a line over two rows (a superscript), keep PDFium's order.
    assert layout.runs_left_to_right(chars("令和元年")) == chars("令和元年")
    two_rows = chars("注", 20, 0) + chars("1", 0, 8)
    assert layout.runs_left_to_right(two_rows) == two_rows
