"""Running heads and page numbers kept out of the body text (pipeline.extract.running)."""

from pipeline.extract import running
from pipeline.model import Page


def pages(heads: list[str], foots: list[str]) -> tuple[list[Page], dict[int, list[str]]]:
    out = [Page(n + 1, f"{head}\n（単位：千円）\n本文その{n + 1}。\n{foot}")
           for n, (head, foot) in enumerate(zip(heads, foots))]
    # What the text layer shows in each page's margin: the head and the page number, not the
    # unit line above the body.
    return out, {n + 1: [head, foot] for n, (head, foot) in enumerate(zip(heads, foots))}


def test_a_repeated_head_stays_on_the_first_page_only_and_page_numbers_go():
    heads = ["令和7年7月14日 月曜日 官報", "令和 年 月 14 日 月曜日 官報",
             "令和7年7月14日 月曜日 官報", "令和7年7月14日 月曜日 官報"]
    out = running.strip(*pages(heads, ["- 1 -", "- 2 -", "3", "（4）"]))
    assert [p.text for p in out] == [
        "令和7年7月14日 月曜日 官報\n（単位：千円）\n本文その1。",
        "（単位：千円）\n本文その2。", "（単位：千円）\n本文その3。", "（単位：千円）\n本文その4。"]


def test_lines_that_do_not_repeat_stay():
    heads = ["事務連絡", "別添1", "別紙様式", "参考"]
    out = running.strip(*pages(heads, ["以上", "合計 3", "記", "12月"]))
    assert [p.text.split("\n")[0] for p in out] == heads
    assert out[1].text.endswith("合計 3")


def test_a_short_document_keeps_everything():
    heads = ["官報", "官報"]
    out = running.strip(*pages(heads, ["1", "2"]))
    assert [p.text.split("\n")[0] for p in out] == heads


def test_lone_marks_in_the_margin_go_even_from_a_single_page():
    page = Page(1, "才\n〇\n〇\n発行 内閣府\n政府調達公告版\n1")
    [out] = running.strip([page], {1: ["〇", "〇", "才", "1"]})
    assert out.text == "発行 内閣府\n政府調達公告版\n1"
    vertical = Page(1, "第\n官\n報", vertical=True)  # a vertical masthead, one glyph a line
    assert running.strip([vertical], {1: ["第", "官", "報"]})[0].text == "第\n官\n報"


def test_a_head_whose_parts_come_out_in_another_order_or_with_a_bullet_is_the_same_head():
    # A vertical page's head set across: PDFium's order and the column reading differ, and a
    # symbol-font glyph before it may be read as a bullet.
    heads = ["令和7年7月14日 月曜日 (号外政府調達第129号) 官報",
             "令和7年7月14日 月曜日 (号外政府調達第129号) 官報",
             "令和7年7月14日月曜日(号外政府調達第 官報129号)",
             "・令和7年7月14日月曜日(号外政府調達第 官報129号)"]
    out = running.strip(*pages(heads, ["1", "2", "3", "4"]))
    assert [p.text.split("\n")[0] for p in out] == [heads[0]] + ["（単位：千円）"] * 3
    assert running.key("令和7年7月14日 月曜日 官報") == running.key("官報 令和 年 月 日 月曜日")
    assert running.key("事務連絡") != running.key("連絡事務 別添")


def test_rows_alike_the_margin_row_stay_in_the_body():
    """A table running over pages reaches the bottom margin on each: its last row there has
    the key of every other row (figures left out), and only that row is in the margin."""
    row = "{}\t７月１０日（金）\t30代\t男性"
    texts = ["\n".join(row.format(7000 + 10 * p + r) for r in range(10)) for p in range(4)]
    out = running.strip([Page(p + 1, t) for p, t in enumerate(texts)],
                        {p + 1: [row.format(7000 + 10 * p + 9).replace("\t", " ")] for p in range(4)})
    assert [p.text.count("男性") for p in out] == [10, 9, 9, 9]
    assert out[1].text.splitlines()[-1] == "7018\t７月１０日（金）\t30代\t男性"  # the margin row went
