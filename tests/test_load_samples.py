"""The sample documents of tests/fixtures.py themselves."""

from __future__ import annotations

from fixtures import _sha, ids, sample_documents
from pipeline.model import document_id


def test_sample_entities_are_slices_of_the_text():
    for doc in sample_documents():
        for e in doc.entities:
            assert doc.text[e.start : e.end] == e.text


def test_sample_ids_are_distinct_and_stable():
    assert len(set(ids().values())) == 5
    assert ids()["letter"] == document_id(_sha("letter.pdf"), 1, 2)
