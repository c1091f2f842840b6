"""The records that flow between the stages: extract → normalize → analyze → load.

They are plain dataclasses so that `extracted/*.json` is a faithful, reviewable dump of them
(`to_dict` / `from_dict`), and `pipeline build` can rebuild the archive from those files alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

# Page extraction methods, as stored in pages.method.
TEXT_LAYER = "text_layer"
OCR = "ocr"


@dataclass
class Table:
    """A table found on a page: a grid of cell texts, row 0 / column 0 being headers when
    `header_rows` / `header_cols` say so."""

    page: int  # page number within the source file, 1-based
    rows: list[list[str]]
    header_rows: int = 1
    header_cols: int = 1
    bbox: list[float] | None = None  # x0, top, x1, bottom in PDF points, when known


@dataclass
class Page:
    number: int  # page number within the source file, 1-based
    text: str  # normalized text (raw text while inside the extract stage)
    method: str = TEXT_LAYER  # TEXT_LAYER or OCR
    confidence: float | None = None  # mean OCR word confidence 0..100; None for text layers
    rotation: int = 0  # degrees clockwise applied before OCR
    vertical: bool = False  # read as vertical (縦書き) text
    tables: list[Table] = field(default_factory=list)
    # The 款/項 of a budget the page shows, [{"款": "1 市税", "項": "1 市民税"}] (analyze.budget).
    budget_sections: list[dict] = field(default_factory=list)


@dataclass
class Entity:
    kind: str  # date, money, law_ref, doc_number, municipality, prefecture, person, organization
    text: str  # as printed (a slice of documents.text)
    value: str | None  # canonical value, see docs/schema.md (None: a vague amount, 数千億円)
    start: int  # character offsets into documents.text
    end: int
    page: int | None = None  # page number within the document, 1-based; set by the loader
    attrs: dict[str, Any] = field(default_factory=dict)  # typed, kind-specific fields


@dataclass
class Document:
    id: str
    source: str  # file name of the source file
    sha256: str  # of the source file
    page_start: int  # page range within the source file, 1-based, inclusive
    page_end: int
    title: str | None = None
    kind: str | None = None  # 通知, 事務連絡, 質問書, 会報, 新聞記事, 資料, メモ, ...
    issuer: str | None = None
    issued_on: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    text: str = ""  # full normalized text: the page texts joined by PAGE_SEPARATOR
    pages: list[Page] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    # Where the source file lives, relative to the archive's folder when it is inside it, so the
    # document page can link to the PDF and render page images.
    source_path: str | None = None
    # [Sudachi synonym group, word] of the nouns that have one (analyze.synonyms).
    synonym_terms: list = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return self.page_end - self.page_start + 1

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["page_count"] = self.page_count
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        data = dict(data)
        data.pop("page_count", None)
        pages = []
        for p in data.pop("pages", []):
            p = dict(p)
            p["tables"] = [Table(**t) for t in p.get("tables", [])]
            pages.append(Page(**p))
        entities = [Entity(**e) for e in data.pop("entities", [])]
        return cls(**data, pages=pages, entities=entities)


PAGE_SEPARATOR = "\n\n"


def document_id(sha256: str, page_start: int, page_end: int) -> str:
    """Stable id: the same bytes and page range always give the same id."""
    return f"{sha256[:16]}-p{page_start}-{page_end}"


def join_pages(pages: list[Page]) -> tuple[str, list[tuple[int, int]]]:
    """The document text and each page's (start, end) offsets in it."""
    spans, parts, pos = [], [], 0
    for i, page in enumerate(pages):
        if i:
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        parts.append(page.text)
        spans.append((pos, pos + len(page.text)))
        pos += len(page.text)
    return "".join(parts), spans
