"""Load stage: the SQLite archive (`database.Archive`), its schema, and the `ja_bigram` Japanese
full-text tokenizer (`fts`). See docs/schema.md."""

from .database import Archive

__all__ = ["Archive"]
