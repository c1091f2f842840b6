"""Archive of Japanese administrative documents.

Stages, one subpackage each: extract (text layers, OCR) → normalize (text) → analyze (documents,
metadata, entities) → load (SQLite) → serve (Datasette). `pipeline.ingest` composes them.
"""

__version__ = "0.1.0"
