"""Bar charts as inline SVG, drawn on the server: nothing to download, nothing from a CDN, and
every bar is a link to the rows behind it (an <a> around each <rect>), so a chart works in any
browser, with scripts off, and prints.

    chart = bar_chart([Bar("2017-01", 3, "/archive/documents?issued_on__startswith=2017-01")],
                      title="Documents by month")
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 760
HEIGHT = 220
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 12, 12, 44
MAX_LABELS = 12  # x-axis labels shown; the others are in each bar's tooltip


@dataclass
class Bar:
    label: str
    value: float
    href: str | None = None
    title: str | None = None  # tooltip; defaults to "label: value"


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def bar_chart(bars: list[Bar], title: str, unit: str = "", css_class: str = "") -> Markup:
    """An SVG bar chart of `bars` in the given order; negative values hang below the zero line."""
    if not bars:
        return Markup(f'<p class="chart-empty">{escape(title)}: no data.</p>')
    top = max(0.0, max(b.value for b in bars))
    bottom = min(0.0, min(b.value for b in bars))
    span = (top - bottom) or 1.0
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    step = plot_w / len(bars)
    bar_w = max(1.0, step * 0.8)
    y = lambda v: MARGIN_TOP + (top - v) / span * plot_h  # noqa: E731
    every = max(1, -(-len(bars) // MAX_LABELS))
    parts = [
        f'<svg class="chart {escape(css_class)}" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{MARGIN_LEFT}" x2="{WIDTH - MARGIN_RIGHT}" y1="{y(0):.1f}" '
        f'y2="{y(0):.1f}" stroke="#555"/>',
        f'<text class="tick" x="{MARGIN_LEFT - 4}" y="{y(top) + 4:.1f}" text-anchor="end" '
        f'font-size="10">{escape(_fmt(top))}{escape(unit)}</text>',
    ]
    if bottom < 0:
        parts.append(f'<text class="tick" x="{MARGIN_LEFT - 4}" y="{y(bottom):.1f}" text-anchor="end" '
                     f'font-size="10">{escape(_fmt(bottom))}{escape(unit)}</text>')
    for i, b in enumerate(bars):
        x = MARGIN_LEFT + i * step + (step - bar_w) / 2
        y0, y1 = sorted((y(0), y(b.value)))
        tip = b.title or f"{b.label}: {_fmt(b.value)}{unit}"
        rect = (f'<rect class="bar{" negative" if b.value < 0 else ""}" x="{x:.1f}" y="{y0:.1f}" '
                f'width="{bar_w:.1f}" height="{max(y1 - y0, 0.5):.1f}" '
                f'data-label="{escape(b.label)}" data-value="{escape(str(b.value))}">'
                f"<title>{escape(tip)}</title></rect>")
        parts.append(f'<a href="{escape(b.href)}">{rect}</a>' if b.href else rect)
        if i % every == 0:
            parts.append(f'<text class="label" x="{x + bar_w / 2:.1f}" y="{HEIGHT - MARGIN_BOTTOM + 14}" '
                         f'text-anchor="middle" font-size="10">{escape(b.label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
