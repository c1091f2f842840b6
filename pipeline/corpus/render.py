"""Born-digital PDFs: each document typeset with reportlab from its parsed blocks.

Layout choices follow the kind of document: official notices in Mincho with right-aligned
document numbers, dates and issuers and a centred title; memos, tables and slides in Gothic;
the action program as landscape slides, one per level-2 heading. Only characters of the source
are drawn (no bullets, page numbers or rules made of characters), so `plain_text` is exactly
what is visible. `invariant=1` pins the dates and file id: the bytes depend only on the input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    FrameBreak,
    KeepInFrame,
    NextPageTemplate,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    PageTemplate,
    Table,
    TableStyle,
)

from . import fonts
from .documents import BY_SLUG
from .markup import Block, grid, parse

MARGIN = 20 * mm
COLUMN_GAP = 8 * mm
NUMERIC = re.compile(r"^[\d,.%\s]+$")
ALIGNMENTS = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


@dataclass(frozen=True)
class Look:
    """How one document is typeset."""

    font: str = fonts.MINCHO
    size: float = 10.5
    indent: bool = False  # indent the first line of body paragraphs by one character
    # paragraph (first line prefix) -> "right", "center", "title" (centred, large, bold)
    place: Mapping[str, str] = field(default_factory=dict)
    header_tables: frozenset[int] = frozenset()  # tables (0-based) whose first row is a header
    # (table, row) -> empty cells to insert at the start, where the OCR lost a header cell
    pad_rows: Mapping[tuple[int, int], int] = field(default_factory=dict)
    slides: bool = False  # a page per level-2 heading; a lone number is the printed page number
    one_page: bool = False  # shrink to fit a single page
    # A newsletter's masthead: the opening level-1 heading at this size, with the paragraphs up
    # to the next heading set beside it, across the page above the columns.
    masthead: float = 0
    columns: int = 1

    def table_pads(self, table: int) -> dict[int, int]:
        return {row: n for (t, row), n in self.pad_rows.items() if t == table}


LOOKS: dict[str, Look] = {
    "01-memo": Look(font=fonts.GOTHIC, place={"2017.2.4": "right"}),
    "02-shiryo1": Look(font=fonts.GOTHIC, size=11, place={"2017年2月 資料1": "right"}),
    "03-shiryo2": Look(
        font=fonts.GOTHIC, size=10, place={"コンビニ交付算定一覧表": "title"},
        header_tables=frozenset({0}),
    ),
    "04-letter": Look(
        indent=True,
        place={"2017年2月1日": "right", "共通番号制度を考える世田谷の会": "right"},
    ),
    "05-mic-notice": Look(
        size=11, indent=True,
        place={
            "総行住第": "right", "総務大臣": "right",
            "マイナンバーカードを活用した住民サービスの向上と": "title",
        },
    ),
    "06-onestop-program": Look(
        font=fonts.GOTHIC, size=11, slides=True, header_tables=frozenset({1, 2}),
    ),
    "07-union-newsletter": Look(
        font=fonts.GOTHIC, indent=True, masthead=44, columns=2,
        place={"導入から1年": "center", "参考資料として転載": "right",
               "マイナンバーカードの様式について": "center"},
    ),
    "08-mic-jimurenraku": Look(
        size=11, indent=True,
        place={
            "平成 28 年 11 月 25 日": "right", "総務省自治税務局市町村税課": "right",
            "平成 29 年度分以降の個人住民税に係る特別徴収税額決定通知書": "title", "記": "center",
            "連絡先": "right", "前川、齋藤": "right", "電話：": "right",
        },
    ),
    "09-wards-answers": Look(
        font=fonts.GOTHIC, size=11.5, header_tables=frozenset({0}), pad_rows={(0, 0): 1},
        one_page=True, place={"目隠しシール等検討中": "right"},
    ),
}


class BoldParagraph(Paragraph):
    """IPAex has no bold face: fake it by stroking the glyph outlines too (text render mode 2)."""

    def draw(self):
        self.canv.saveState()
        self.canv.setLineWidth(self.style.fontSize * 0.035)
        self.canv._code.append("2 Tr")
        super().draw()
        self.canv.restoreState()


class PageNumber(Flowable):
    """A number printed at the foot of the page (part of the source text, not generated)."""

    def __init__(self, text: str, font: str, size: float):
        super().__init__()
        self.text, self.font, self.size = text, font, size

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def drawOn(self, canvas, x, y, _sW=0):
        width, _ = canvas._pagesize
        canvas.setFont(self.font, self.size)
        canvas.drawCentredString(width / 2, 10 * mm, self.text)


def markup(lines: list[str]) -> str:
    return "<br/>".join(escape(line) for line in lines)


class Typesetter:
    def __init__(self, slug: str, look: Look, page_size):
        fonts.register()
        self.slug, self.look = slug, look
        self.page_width = page_size[0] - 2 * MARGIN
        self.width = (self.page_width - COLUMN_GAP * (look.columns - 1)) / look.columns
        self.height = page_size[1] - 2 * MARGIN
        self.head: Flowable | None = None  # the masthead, when the look has one
        size = look.size
        self.body = ParagraphStyle(
            "body", fontName=look.font, fontSize=size, leading=size * 1.6, wordWrap="CJK",
        )
        self.heading_sizes = {1: size * 1.6, 2: size * 1.35, 3: size * 1.2, 4: size * 1.1}
        self.tables_seen = 0

    def style(self, name: str, parent: ParagraphStyle | None = None, **kw) -> ParagraphStyle:
        return ParagraphStyle(name, parent=parent or self.body, **kw)

    def placement(self, block: Block) -> str:
        for prefix, where in self.look.place.items():
            if block.lines and block.lines[0].startswith(prefix):
                return where
        return "left"

    def heading(self, block: Block, first: bool) -> Flowable:
        size = self.heading_sizes.get(block.level, self.look.size)
        align = TA_LEFT
        if block.level == 1 or (first and not self.look.slides):
            align = TA_CENTER  # a document's title
        style = self.style(
            f"h{block.level}", fontName=fonts.GOTHIC, fontSize=size, leading=size * 1.45,
            alignment=align, spaceBefore=size * 0.4, spaceAfter=size * 0.3,
        )
        return BoldParagraph(markup(block.lines), style)

    def paragraph(self, block: Block, space_before: float) -> Flowable:
        where = self.placement(block)
        size = self.look.size
        if where == "title":
            style = self.style(
                "title", fontSize=size * 1.25, leading=size * 1.9, alignment=TA_CENTER,
                spaceBefore=size, spaceAfter=size * 0.6,
            )
            return BoldParagraph(markup(block.lines), style)
        indent = 0.0
        if block.kind == "item":
            style = self.style("item", leftIndent=size, spaceBefore=space_before)
        else:
            if self.look.indent and where == "left" and len(block.lines[0]) > 30:
                indent = size
            style = self.style(
                "para", alignment=ALIGNMENTS[where], firstLineIndent=indent,
                spaceBefore=space_before,
            )
        return Paragraph(markup(block.lines), style)

    def table(self, block: Block, space_before: float) -> Flowable:
        number = self.tables_seen
        self.tables_seen += 1
        rows = grid(block.rows, self.look.table_pads(number))
        size = self.look.size * 0.92
        header = number in self.look.header_tables
        cell = self.style("cell", fontSize=size, leading=size * 1.35)
        numeric = self.style("num", parent=cell, alignment=TA_RIGHT)
        head = self.style("head", parent=cell, fontName=fonts.GOTHIC, alignment=TA_CENTER)
        data = [
            [
                Paragraph(escape(text), head if header and r == 0 else
                          numeric if NUMERIC.match(text) else cell)
                for text in row
            ]
            for r, row in enumerate(rows)
        ]
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.6, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if header:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.88, 0.88, 0.88)))
        # An empty first-column cell continues the row group above it (a row span).
        start = 1 if header else 0
        r = start
        while r < len(rows):
            end = r
            while end + 1 < len(rows) and not rows[end + 1][0] and rows[r][0]:
                end += 1
            if end > r:
                commands.append(("SPAN", (0, r), (0, end)))
            r = end + 1
        table = Table(data, colWidths=self.column_widths(rows, size), style=TableStyle(commands),
                      hAlign="LEFT", spaceBefore=space_before + 2, spaceAfter=4)
        return table

    def column_widths(self, rows: list[list[str]], size: float) -> list[float]:
        """Natural widths when they fit. Otherwise columns narrower than a fair share keep
        their natural width and the others share the rest by the geometric mean of their
        longest line and their total text, so that long-text columns get room without
        starving a column of short labels; no column gets more than its natural width."""
        pad = 8 + size * 0.5
        lengths = [[fonts.width(row[c], self.look.font, size) for row in rows]
                   for c in range(len(rows[0]))]
        natural = [max(max(ls), size * 2) + pad for ls in lengths]
        if sum(natural) <= self.width:
            return natural
        weight = [(n * sum(ls)) ** 0.5 for n, ls in zip(natural, lengths)]
        widths: dict[int, float] = {}
        remaining, open_ = self.width, list(range(len(natural)))
        while open_:
            share = remaining / len(open_)
            fixed = [c for c in open_ if natural[c] <= share]
            if not fixed:
                total = sum(weight[c] for c in open_)
                fixed = [c for c in open_ if remaining * weight[c] / total >= natural[c]]
                if not fixed:
                    for c in open_:
                        widths[c] = remaining * weight[c] / total
                    break
            for c in fixed:
                widths[c] = natural[c]
                remaining -= natural[c]
                open_.remove(c)
        return [widths[c] for c in range(len(natural))]

    def masthead(self, blocks: list[Block]) -> int:
        """Set self.head from the opening blocks; return how many blocks it used."""
        end = 1
        while end < len(blocks) and blocks[end].kind == "para":
            end += 1
        size = self.look.masthead
        title = BoldParagraph(markup(blocks[0].lines), self.style(
            "masthead", fontName=fonts.GOTHIC, fontSize=size, leading=size * 1.2))
        side = self.style("side", alignment=TA_RIGHT, spaceAfter=self.look.size * 0.4)
        info = [Paragraph(markup(block.lines), side) for block in blocks[1:end]]
        self.head = Table(
            [[title, info]], colWidths=[self.page_width * 0.5, self.page_width * 0.5],
            style=TableStyle([
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEABOVE", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 0), (-1, 0), 3, colors.black),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]),
        )
        return end

    def flowables(self, blocks: list[Block]) -> list[Flowable]:
        """The document's body; its masthead, if any, goes to self.head."""
        story: list[Flowable] = []
        slide: list[Flowable] = []
        if self.look.masthead and blocks and blocks[0].kind == "heading":
            blocks = blocks[self.masthead(blocks):]
        for n, block in enumerate(blocks):
            new_group = n > 0 and block.group != blocks[n - 1].group
            space = self.look.size * 0.6 if new_group else 0
            if self.look.slides and block.kind == "heading" and block.level == 2 and slide:
                story += [self.fit(slide), PageBreak()]
                slide = []
            if self.look.slides and block.kind == "para" and block.text.isdigit():
                story += [self.fit(slide), PageNumber(block.text, self.look.font, self.look.size)]
                if n + 1 < len(blocks):
                    story.append(PageBreak())
                slide = []
                continue
            if block.kind == "heading":
                if n and not (self.look.slides or self.look.one_page):
                    # no heading alone at the foot of a column or page
                    slide.append(CondPageBreak(self.look.size * 6))
                slide.append(self.heading(block, first=n == 0))
            elif block.kind == "table":
                slide.append(self.table(block, space))
            else:
                slide.append(self.paragraph(block, space))
        if self.look.one_page:
            return [self.fit(slide)]
        return story + slide

    def fit(self, flowables: list[Flowable]) -> Flowable:
        return KeepInFrame(self.width, self.height, flowables, mode="shrink", hAlign="LEFT")


def page_size(slug: str) -> tuple[float, float]:
    return landscape(A4) if BY_SLUG[slug].landscape else A4


def story(slug: str, source: str) -> list[Flowable]:
    """The flowables of one single-column document, typeset in its look."""
    setter = Typesetter(slug, LOOKS[slug], page_size(slug))
    body = setter.flowables(parse(source))
    if setter.look.columns != 1:
        raise ValueError(f"{slug} is set in columns: render it on its own")
    return ([setter.head] if setter.head else []) + body


def build_columns(out: Path, slug: str, source: str, title: str, author: str = "") -> int:
    """A newsletter page: the masthead across the top, the text in columns below it, read
    column by column; later pages are all columns."""
    size = page_size(slug)
    setter = Typesetter(slug, LOOKS[slug], size)
    body = setter.flowables(parse(source))
    head_height = setter.head.wrap(setter.page_width, setter.height)[1] + 6 * mm

    def columns(height: float, prefix: str) -> list[Frame]:
        return [
            Frame(MARGIN + n * (setter.width + COLUMN_GAP), MARGIN, setter.width, height,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id=f"{prefix}{n}")
            for n in range(setter.look.columns)
        ]

    head = Frame(MARGIN, size[1] - MARGIN - head_height, setter.page_width, head_height,
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="head")
    doc = BaseDocTemplate(
        str(out), pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, invariant=1, title=title, author=author, creator="pipeline.corpus",
        pageTemplates=[
            PageTemplate("first", [head] + columns(setter.height - head_height, "first")),
            PageTemplate("later", columns(setter.height, "later")),
        ],
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.build([setter.head, FrameBreak(), NextPageTemplate("later"), *body])
    return doc.page


def build_pdf(out: Path, stories: list[list[Flowable]], size: tuple[float, float], title: str,
              author: str = "") -> int:
    """Typeset stories one after another, each starting on a new page; return the page count."""
    flowables: list[Flowable] = []
    for n, part in enumerate(stories):
        if n:
            flowables.append(PageBreak())
        flowables += part or [Spacer(1, 1)]
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = SimpleDocTemplate(
        str(out), pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN, bottomMargin=MARGIN, invariant=1,
        title=title, author=author, creator="pipeline.corpus",
    )
    doc.build(flowables)
    return doc.page


def render(slug: str, source: str, out: Path) -> int:
    """Typeset one document's source into a PDF at `out`; return its page count."""
    info = BY_SLUG[slug]
    if LOOKS[slug].columns > 1:
        return build_columns(out, slug, source, info.title, info.issuer or "")
    return build_pdf(out, [story(slug, source)], page_size(slug), info.title, info.issuer or "")
