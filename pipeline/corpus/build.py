"""Build corpus/: sources, born-digital and scanned PDFs, the bundle, page images, metadata."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path

from . import render, scan, vertical
from .documents import BY_SLUG, INFOS
from .seed import SLUGS, split_seed

Log = Callable[[str], None]


def sources(out: Path, seed: Path | None) -> dict[str, str]:
    """Split the seed into out/source/ when the seed is at hand, else read the committed files."""
    source_dir = out / "source"
    if seed is not None and seed.exists():
        texts = split_seed(seed.read_text(encoding="utf-8"))
        source_dir.mkdir(parents=True, exist_ok=True)
        for slug, text in texts.items():
            (source_dir / f"{slug}.md").write_text(text, encoding="utf-8")
        return texts
    return {slug: (source_dir / f"{slug}.md").read_text(encoding="utf-8") for slug in SLUGS}


def born_digital(slug: str, source: str, out: Path) -> int:
    """Render one document; return its page count."""
    path = out / "born-digital" / f"{slug}.pdf"
    if BY_SLUG[slug].vertical:
        return vertical.render(slug, source, path)
    return render.render(slug, source, path)


def scanned(slug: str, out: Path) -> list[bytes]:
    jpegs = scan.scan_pages(out / "born-digital" / f"{slug}.pdf", slug)
    scan.write_image_pdf(jpegs, out / "scanned" / f"{slug}.pdf")
    return jpegs


def write_documents_json(out: Path, pages: dict[str, int]) -> None:
    records = []
    for info in INFOS:
        record = asdict(info)
        for layout_only in ("landscape", "vertical"):
            record.pop(layout_only)
        record["pages"] = pages[info.slug]
        records.append({key: record[key] for key in (
            "slug", "title", "kind", "issuer", "date_printed", "issued_on", "pages",
            "archive_input")})
    (out / "documents.json").write_text(
        json.dumps(records, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def write_archive_list(out: Path) -> None:
    (out / "archive.txt").write_text("".join(f"{i.archive_input}\n" for i in INFOS),
                                     encoding="utf-8")


def build(out: Path, seed: Path | None = None, only: Iterable[str] | None = None,
          log: Log = lambda msg: None) -> dict[str, int]:
    """Rebuild the corpus under `out`; with `only`, just those documents' PDFs."""
    texts = sources(out, seed)
    slugs = list(only) if only else list(SLUGS)
    pages: dict[str, int] = {}
    scans: dict[str, list[bytes]] = {}
    for slug in slugs:
        pages[slug] = born_digital(slug, texts[slug], out)
        scans[slug] = scanned(slug, out)
        log(f"{slug}: {pages[slug]} pages")
    if only:
        return pages
    write_documents_json(out, pages)
    write_archive_list(out)
    from . import fixtures  # the bundle and page images reuse the scans made above

    fixtures.bundle(out, texts, pages, scans)
    fixtures.page_images(out, scans)
    log("bundle and page images written")
    return pages
