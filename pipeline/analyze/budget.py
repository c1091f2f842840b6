"""Which 款 and 項 the pages of a budget book show (予算書, 補正予算書, their 説明書).

A budget is divided into 款 (heads) and 項 (their sub-heads), and its pages show them in two ways:
- tables with a 款 column and a 項 column (第1表 歳入歳出予算, 繰越明許費, a 事項別明細書 whose
  款 / 項 / 目 columns nest): a 款 on a row of its own and its 項 on the rows below it, one column
  over, or both on one row; or a 款 column alone (the 総括 of a 事項別明細書);
- headings: 款6.法人事業税交付金 項1.法人事業税交付金 above each section of a 事項別明細書, or
  (款) 02地方譲与税 at the top of a page whose table then lists the 項.

`document_sections(pages)` gives each page's list of {"款": "6 法人事業税交付金", "項": "1 法人事業
税交付金"} in the order shown (no "項" for a 款 shown without one; no "款" for a 項 whose 款 is not
known). A table's 項 rows at the top of a page belong to the 款 of the page before, which is carried
over from page to page.
"""

from __future__ import annotations

import re

from pipeline.ja.spacing import no_spaces
from pipeline.model import Page

# A numbered head as printed in a cell or heading: 1.市税, 01 特別区税, 3民生費.
NUMBERED = re.compile(r"^(?P<no>[0-9]{1,3})[.．]?(?P<name>[^0-9\s.．(][^\t]*?)$")
# 款6.法人事業税交付金項1.法人事業税交付金(単位:千円): a 事項別明細書's section heading.
HEADING = re.compile(
    r"^款(?P<kan_no>[0-9]{1,3})[.．]?(?P<kan>[^\t]+?)項(?P<kou_no>[0-9]{1,3})[.．]?(?P<kou>[^\t(]+)"
)
# (款) 02地方譲与税: the 款 a page of a 事項別明細書 is about.
PAGE_HEAD = re.compile(r"^\(款\)(?P<kan_no>[0-9]{1,3})[.．]?(?P<kan>[^\t(]+)$")
HEADER_ROWS = 3  # rows a table's column labels (款 / 項 / 目) may take


def document_sections(pages: list[Page]) -> list[list[dict]]:
    """The 款/項 each page shows, the current 款 carried from one page to the next."""
    out, kan = [], None
    for page in pages:
        found, kan = _page_sections(page, kan)
        out.append(found)
    return out


def _head(cell: str) -> str | None:
    """「1.市税」, 「01 特 別 区 税」 → 「1 市税」; None for a cell that is not a numbered head."""
    m = NUMBERED.match(no_spaces(cell))
    return f"{int(m.group('no'))} {m.group('name')}" if m else None


def _page_sections(page: Page, kan: str | None) -> tuple[list[dict], str | None]:
    found: list[dict] = []

    def add(item: dict) -> None:
        if item not in found:
            found.append(item)

    def add_kan(head: str) -> None:
        # A 款 that is followed by its 項 on the page is listed with them, not alone.
        if found and found[-1] == {"款": head}:
            return
        add({"款": head})

    lines = [no_spaces(line) for line in page.text.split("\n")]
    for line in lines:
        m = HEADING.match(line)
        if m:
            kan = f"{int(m.group('kan_no'))} {m.group('kan')}"
            add({"款": kan, "項": f"{int(m.group('kou_no'))} {m.group('kou')}"})
            continue
        m = PAGE_HEAD.match(line)
        if m:
            kan = f"{int(m.group('kan_no'))} {m.group('kan')}"
    for table in page.tables:
        columns = _columns(table.rows)
        if columns is None:
            continue
        k, j = columns
        for row in table.rows:
            head = _head(row[k]) if k < len(row) else None
            sub = _head(row[j]) if j is not None and j < len(row) else None
            if head:
                kan = head
                if not sub:
                    add_kan(head)
            if sub:
                if found and found[-1] == {"款": kan}:
                    found.pop()
                add({"款": kan, "項": sub} if kan else {"項": sub})
    return found, kan


def _columns(rows: list[list[str]]) -> tuple[int, int | None] | None:
    """The indexes of a table's 款 and 項 columns, from its column labels (None for a table
    without a 款 column; a 総括 table of 款 alone has no 項 column)."""
    kan = kou = None
    for row in rows[:HEADER_ROWS]:
        for i, cell in enumerate(row):
            label = no_spaces(cell)
            if label == "款" and kan is None:
                kan = i
            elif label == "項" and kou is None:
                kou = i
    return (kan, kou) if kan is not None else None
