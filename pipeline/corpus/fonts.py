"""The embedded Japanese fonts (IPAex, TrueType outlines: reportlab subsets and embeds them)."""

from __future__ import annotations

from functools import cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

GOTHIC = "IPAexGothic"
MINCHO = "IPAexMincho"
FILES = {
    GOTHIC: "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    MINCHO: "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
}


@cache
def register() -> None:
    for name, path in FILES.items():
        pdfmetrics.registerFont(TTFont(name, path))


def width(text: str, font: str, size: float) -> float:
    register()
    return pdfmetrics.stringWidth(text, font, size)
