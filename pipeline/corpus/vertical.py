"""The newspaper clipping set vertically (縦書き), the way a Japanese newspaper prints it.

Characters run top to bottom in columns, columns right to left, and the body flows through
horizontal tiers (段) left of the headline block, then across the full width. Brackets, the long
vowel mark and 〜 are drawn rotated 90° (what a font's vertical forms do); 、 and 。 move to the
upper right of their cell; small kana shift up and right; two-digit numbers are set side by side
in one cell (縦中横) and other Latin characters upright. Each character is drawn as itself, so
the text layer holds the original characters in reading order.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from . import fonts
from .documents import BY_SLUG
from .markup import Block, parse

ROTATED = set("ー—―‐-~〜～…‥()（）「」『』【】〔〕［］[]｛｝{}＜＞<>《》〈〉=＝")
CORNER = set("、。，．")  # drawn in the upper right of the cell
SMALL = set("ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮ")
NO_COLUMN_START = set("、。，．」）】』")  # hangs below the column instead (ぶら下げ)
ASCENT = 0.88  # IPAex em box: 0.88 above the baseline, 0.12 below


@dataclass
class Region:
    """A rectangle filled with columns from its right edge leftwards."""

    right: float
    left: float
    top: float
    bottom: float


@dataclass
class Glyph:
    text: str
    form: str  # "upright", "rotated", "corner", "small", "tcy" (縦中横), "space"
    advance: float  # in em


def glyphs(text: str) -> list[Glyph]:
    out: list[Glyph] = []
    n = 0
    while n < len(text):
        char = text[n]
        if char.isascii() and char.isdigit():
            end = n
            while end < len(text) and text[end].isascii() and text[end].isdigit():
                end += 1
            if end - n == 2:
                out.append(Glyph(text[n:end], "tcy", 1.0))
                n = end
                continue
        if char == " ":
            out.append(Glyph(char, "space", 0.5))
        elif char in ROTATED:
            half = char.isascii()
            out.append(Glyph(char, "rotated", 0.5 if half else 1.0))
        elif char in CORNER:
            out.append(Glyph(char, "corner", 1.0))
        elif char in SMALL:
            out.append(Glyph(char, "small", 1.0))
        elif char in ".,":
            out.append(Glyph(char, "upright", 0.5))
        else:
            out.append(Glyph(char, "upright", 1.0))
        n += 1
    return out


class Columns:
    """Sets text in vertical columns across a sequence of regions."""

    def __init__(self, canvas: Canvas, regions: list[Region]):
        self.canvas, self.regions = canvas, regions
        self.region = 0
        self.edge = regions[0].right  # right edge of the next column
        self.leftmost = self.edge

    def column(self, pitch: float) -> tuple[float, Region]:
        """Claim the next column of width `pitch`; return its centre x and region."""
        while True:
            region = self.regions[self.region]
            if self.edge - pitch >= region.left - 0.01:
                center = self.edge - pitch / 2
                self.edge -= pitch
                self.leftmost = min(self.leftmost, self.edge)
                return center, region
            if self.region + 1 >= len(self.regions):
                raise ValueError("vertical text does not fit on the page")
            self.region += 1
            self.edge = self.regions[self.region].right

    def skip(self, width: float) -> None:
        self.edge -= width

    def text(self, text: str, size: float, font: str = fonts.MINCHO, bold: bool = False,
             indent: int = 0, pitch: float | None = None, center: bool = False) -> None:
        pitch = pitch or size * 1.5
        items = glyphs(text)
        while items:
            x, region = self.column(pitch)
            height = region.top - region.bottom
            room = height / size - (indent if indent else 0)
            taken, used = 0, 0.0
            while taken < len(items) and used + items[taken].advance <= room + 1e-6:
                used += items[taken].advance
                taken += 1
            # Closing punctuation never starts a column: let it hang below this one.
            if taken < len(items) and items[taken].text in NO_COLUMN_START:
                used += items[taken].advance
                taken += 1
            top = region.top - indent * size
            if center:
                top = region.top - (height - used * size) / 2
            self.draw_column(items[:taken], x, top, size, font, bold)
            items = items[taken:]
            indent = 0

    def draw_column(self, items: list[Glyph], x: float, top: float, size: float, font: str,
                    bold: bool) -> None:
        c = self.canvas
        c.saveState()
        if bold:
            c.setLineWidth(size * 0.04)
            c._code.append("2 Tr")
        c.setFont(font, size)
        y = top
        for g in items:
            cell = g.advance * size
            baseline = y - ASCENT * size  # for a full-em cell
            if g.form == "upright" or g.form == "small":
                width = fonts.width(g.text, font, size)
                dx, dy = (0.1 * size, 0.1 * size) if g.form == "small" else (0.0, 0.0)
                if g.advance < 1:
                    baseline = y - cell + 0.12 * size  # a half cell: sit on its bottom
                c.drawString(x - width / 2 + dx, baseline + dy, g.text)
            elif g.form == "corner":
                c.drawString(x - size / 2 + 0.55 * size, baseline + 0.6 * size, g.text)
            elif g.form == "tcy":
                c.saveState()
                width = fonts.width(g.text, font, size)
                scale = min(1.0, 0.95 * size / width)
                c.translate(x, baseline)
                c.scale(scale, 1)
                c.drawString(-width / 2, 0, g.text)
                c.restoreState()
            elif g.form == "rotated":
                width = fonts.width(g.text, font, size)
                c.saveState()
                c.translate(x, y - cell / 2)
                c.rotate(-90)
                # the glyph's em box, centred on the cell: x across its advance, y around 0.38 em
                c.drawString(-width / 2, -(ASCENT - 0.5) * size, g.text)
                c.restoreState()
            y -= cell
        c.restoreState()


def set_clipping(canvas: Canvas, blocks: list[Block], left: float, right: float,
                 top: float) -> float:
    """Set the clipping's text from `top` down; return the bottom of the lowest used tier."""
    label, price, headline, subhead, *body = blocks
    if headline.kind != "heading" or subhead.kind != "heading":
        raise ValueError("the clipping source should start with label, price, headline, sub")
    size, chars_per_column, gap = 10.5, 14, 16.0
    tier_h = size * chars_per_column
    tier_tops = [top - n * (tier_h + gap) for n in range(8)]
    head_bottom = tier_tops[1] - tier_h

    # The clipping's label, the paper's price line, the headline and the sub-headline: a block
    # at the top right spanning two tiers.
    heads = Columns(canvas, [Region(right, left, top, head_bottom)])
    heads.text(label.text, 9, fonts.GOTHIC, pitch=16)
    heads.text(price.text, 7, fonts.GOTHIC, pitch=11)
    heads.skip(12)
    heads.text(headline.text, 30, fonts.GOTHIC, bold=True, pitch=42)
    heads.text(subhead.text, 16, fonts.GOTHIC, bold=True, pitch=26, center=True)
    heads.skip(12)

    regions = [
        Region(heads.edge if n < 2 else right, left, tier_top, tier_top - tier_h)
        for n, tier_top in enumerate(tier_tops)
    ]
    columns = Columns(canvas, regions)
    for block in body:
        if block.kind == "heading":
            columns.skip(size * 0.5)
            columns.text(block.text, size * 1.2, fonts.GOTHIC, bold=True, pitch=size * 2.2,
                         center=True)
            columns.skip(size * 0.5)
        else:
            columns.text(block.text, size, fonts.MINCHO, indent=1, pitch=size * 1.55)
    return regions[max(columns.region, 1)].bottom


def render(slug: str, source: str, out: Path) -> int:
    """Set the clipping on one A4 page; return the page count (1)."""
    fonts.register()
    blocks = parse(source)
    page_w, page_h = A4
    left, right, top = 48.0, page_w - 48.0, page_h - 60.0
    # First pass on a scratch canvas, to learn how far down the text reaches.
    bottom = set_clipping(Canvas(io.BytesIO(), pagesize=A4), blocks, left, right, top)

    out.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(out), pagesize=A4, invariant=1)
    canvas.setTitle(BY_SLUG[slug].title)
    canvas.setAuthor(BY_SLUG[slug].issuer or "")
    canvas.setCreator("pipeline.corpus")
    # Newsprint: a greyish cut-out pasted on the page.
    canvas.setFillGray(0.95)
    canvas.setStrokeGray(0.6)
    canvas.setLineWidth(0.5)
    canvas.rect(left - 12, bottom - 12, right - left + 24, top - bottom + 24, fill=1, stroke=1)
    canvas.setFillGray(0)
    set_clipping(canvas, blocks, left, right, top)
    canvas.showPage()
    canvas.save()
    return 1
