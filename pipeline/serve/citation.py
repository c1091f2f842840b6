"""Citations of a page of a published snapshot, in Japanese and English.

    cite(title, subject, snapshot.version, snapshot.published_at, url)
    → {"ja": "行政文書アーカイブ「…」（版 8f48…、2026年12月3日公開）https://…",
       "en": "Japanese administrative documents archive, “…”, version 8f48… (published 2026-12-03), https://…"}

The archive's title comes from the metadata's `title`, written "日本語 English": the part before
the first Latin letter is the Japanese title, the rest the English one.
"""

from __future__ import annotations

import re
from typing import Any

_LATIN = re.compile(r"[A-Za-z]")
SUBJECT_MAX = 200  # characters of a long SQL query kept in the citation text


def split_title(title: str) -> tuple[str, str]:
    """("行政文書アーカイブ", "Japanese administrative documents archive") from the bilingual title."""
    m = _LATIN.search(title)
    if not m or not title[: m.start()].strip():
        return title.strip(), title.strip()
    return title[: m.start()].strip(), title[m.start():].strip()


def _short(subject: str) -> str:
    subject = " ".join(subject.split())
    return subject if len(subject) <= SUBJECT_MAX else subject[: SUBJECT_MAX - 1] + "…"


def cite(title: str, subject: str, version: str, published_at: str, url: str) -> dict[str, Any]:
    ja_title, en_title = split_title(title)
    date = published_at[:10]
    year, month, day = (int(x) for x in date.split("-"))
    subject = _short(subject)
    return {
        "version": version,
        "date": date,
        "url": url,
        "subject": subject,
        "ja": f"{ja_title}「{subject}」（版 {version}、{year}年{month}月{day}日公開）{url}",
        "en": f"{en_title}, “{subject}”, version {version} (published {date}), {url}",
    }
