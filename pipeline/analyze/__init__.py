"""Analysis stage: metadata (title, kind, issuer, date), then entities.

    docs = analyze_many(docs)   # fills each Document's metadata and entities, in place

Entities come from two sources: the rule extractors of `entities/` (dates, money, laws, document
numbers, municipalities), which are told the document's date so that 「同年4月」 and fiscal years
resolve, and GiNZA (`nlp`) for people and organizations. GiNZA is the slow part, so the texts
of all documents go through it in one batch, on two processes when there is enough to read.
Splitting a file into documents (`segment.split_documents`) happens before, on page texts.
"""

from __future__ import annotations

from pipeline.model import Document, Entity

from .budget import document_sections
from .entities import DocumentContext, extract_entities
from .metadata import describe
from .nlp import nlp_entities
from .segment import split_documents
from .synonyms import synonym_terms

__all__ = ["analyze", "analyze_many", "describe", "nlp_entities", "split_documents"]


def analyze(doc: Document) -> Document:
    """Fill one document's title, kind, issuer, issued_on and entities."""
    return analyze_many([doc], n_process=1)[0]


def analyze_many(docs: list[Document], n_process: int = 2) -> list[Document]:
    """Fill the metadata and entities of several documents, running GiNZA over all of them at
    once on up to `n_process` processes (fewer when there is too little to read to repay them)."""
    for doc in docs:
        describe_document(doc)
    names_per_doc = nlp_entities([doc.text for doc in docs], n_process=n_process)
    for doc, names in zip(docs, names_per_doc):
        doc.entities = merge(rule_entities(doc), names)
        doc.synonym_terms = synonym_terms(doc.text)
    return docs


def describe_document(doc: Document) -> Document:
    """Fill one document's title, kind, issuer and issued_on from its text, and the 款/項 of a
    budget each of its pages shows."""
    first_page = doc.pages[0].text if doc.pages else None
    meta = describe(doc.text, first_page)
    doc.title, doc.kind = meta["title"], meta["kind"]
    doc.issuer, doc.issued_on = meta["issuer"], meta["issued_on"]
    for page, sections in zip(doc.pages, document_sections(doc.pages)):
        page.budget_sections = sections
    return doc


def rule_entities(doc: Document) -> list[Entity]:
    ctx = DocumentContext(issued_on=doc.issued_on, issuer=doc.issuer, title=doc.title)
    return extract_entities(doc.text, ctx)


def merge(*groups: list[Entity]) -> list[Entity]:
    """One list sorted by position, without repeats of the same kind over the same span."""
    seen: set[tuple[str, int, int]] = set()
    merged = []
    for entity in sorted((e for g in groups for e in g), key=lambda e: (e.start, e.end, e.kind)):
        key = (entity.kind, entity.start, entity.end)
        if key not in seen:
            seen.add(key)
            merged.append(entity)
    return merged
