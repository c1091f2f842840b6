"""Rule-based entity extraction: one module per kind, each `extract(text, ctx) -> list[Entity]`.

Kinds and canonical values (see each module's docstring for the rules):
date (YYYY-MM-DD / YYYY-MM / YYYY / FYyyyy), money (yen as an integer string), law_ref
(番号法第19条第1号), doc_number (総行住第185号), municipality and prefecture (6-digit local
government code). person and organization come from GiNZA (pipeline.analyze.nlp), not from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from pipeline.model import Entity

from ._spans import Occupied


@dataclass
class DocumentContext:
    issued_on: str | None = None  # document date: YYYY-MM-DD, YYYY-MM or YYYY
    issuer: str | None = None
    title: str | None = None


Extractor = Callable[[str, DocumentContext], list[Entity]]

# Imported after DocumentContext: the kind modules import it from here.
from . import date, doc_number, law_ref, money, municipality  # noqa: E402

EXTRACTORS: dict[str, Extractor] = {
    "date": date.extract,
    "money": money.extract,
    "law_ref": law_ref.extract,
    "doc_number": doc_number.extract,
    "municipality": municipality.extract,
    "prefecture": municipality.extract_prefectures,
}

# When mentions of different kinds overlap, the longer one wins; on a tie, the earlier kind here.
_PRIORITY = {
    "law_ref": 0,
    "doc_number": 1,
    "date": 2,
    "money": 3,
    "municipality": 4,
    "prefecture": 5,
}


def extract_entities(text: str, ctx: DocumentContext | None = None) -> list[Entity]:
    """All rule-based entities of `text`, sorted by start, overlaps resolved."""
    ctx = ctx or DocumentContext()
    found: list[Entity] = []
    for extract in EXTRACTORS.values():
        found.extend(extract(text, ctx))
    return resolve_overlaps(found)


# Kinds kept inside a mention of another kind that names them: the municipality numbering its
# own notice (新潟市契約公告第86号 is a doc_number and a mention of 新潟市, convention M2).
_NESTED = {("doc_number", "municipality"), ("doc_number", "prefecture")}


def resolve_overlaps(entities: list[Entity]) -> list[Entity]:
    """Drop entities that overlap a longer (or, on a tie, higher-priority) one, except a place
    inside a document number (`_NESTED`)."""
    ranked = sorted(
        entities, key=lambda e: (-(e.end - e.start), _PRIORITY.get(e.kind, 99), e.start)
    )
    occupied = Occupied()
    kept: list[Entity] = []
    hosts: list[Entity] = []  # kept mentions that may hold a nested one
    for e in ranked:
        if occupied.add_if_free(e.start, e.end):
            kept.append(e)
            if any(outer == e.kind for outer, _ in _NESTED):
                hosts.append(e)
        elif any(
            (h.kind, e.kind) in _NESTED and h.start <= e.start and e.end <= h.end for h in hosts
        ):
            kept.append(e)
    kept.sort(key=lambda e: (e.start, e.end))
    return kept
