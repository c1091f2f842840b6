"""Fixtures made from the rendered documents: the hand-out bundle and single page images."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from . import render, scan
from .documents import BY_SLUG

# A councillor's hand-out: the memo with its two cost sheets and the citizens' letter.
PACKET = ("01-memo", "02-shiryo1", "03-shiryo2", "04-letter")

# corpus/images/: name -> (document, page, how the page was captured)
IMAGES = {
    "05-mic-notice-p1.png": ("05-mic-notice", 1, "png"),
    "08-mic-jimurenraku-p1.jpg": ("08-mic-jimurenraku", 1, "jpeg"),
    "02-shiryo1-p1.tif": ("02-shiryo1", 1, "tiff"),
    "09-wards-answers-sideways.jpg": ("09-wards-answers", 1, "sideways"),
}


def bundle(out: Path, sources: dict[str, str], pages: dict[str, int],
           scans: dict[str, list[bytes]]) -> dict:
    """corpus/bundle/: the packet as one born-digital PDF, its scan, and the page ranges."""
    folder = out / "bundle"
    total = render.build_pdf(
        folder / "packet.pdf", [render.story(slug, sources[slug]) for slug in PACKET],
        render.page_size(PACKET[0]), title="配布資料",
    )
    scan.write_image_pdf([jpeg for slug in PACKET for jpeg in scans[slug]],
                         folder / "packet-scanned.pdf")
    documents, start = [], 1
    for slug in PACKET:
        end = start + pages[slug] - 1
        documents.append({"slug": slug, "title": BY_SLUG[slug].title,
                          "page_start": start, "page_end": end})
        start = end + 1
    if total != start - 1:
        raise RuntimeError(f"packet has {total} pages, its documents {start - 1}")
    truth = {"files": ["corpus/bundle/packet.pdf", "corpus/bundle/packet-scanned.pdf"],
             "pages": total, "documents": documents}
    (folder / "packet.json").write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n",
                                        encoding="utf-8")
    return truth


def page_images(out: Path, scans: dict[str, list[bytes]]) -> None:
    """corpus/images/: single scanned pages as PNG, JPEG, bilevel TIFF, and one sideways."""
    folder = out / "images"
    folder.mkdir(parents=True, exist_ok=True)
    for name, (slug, page, how) in IMAGES.items():
        path = folder / name
        if how == "jpeg":
            path.write_bytes(scans[slug][page - 1])
            continue
        if how == "sideways":
            # The landscape page laid on the glass the portrait way: text runs bottom to top,
            # so the image needs turning 90° clockwise to read.
            clean = scan.rasterize(out / "born-digital" / f"{slug}.pdf")[page - 1]
            turned = clean.transpose(Image.Transpose.ROTATE_90)
            path.write_bytes(scan.jpeg_bytes(scan.degrade(turned, scan.seed_for(name, page))))
            continue
        image = Image.open(io.BytesIO(scans[slug][page - 1]))
        if how == "png":
            image.save(path, "PNG", optimize=True, dpi=(scan.DPI, scan.DPI))
        elif how == "tiff":
            # A document scanner's black-and-white mode: 1 bit per pixel, CCITT G4.
            bilevel = image.point(lambda v: 255 if v > 150 else 0).convert("1")
            bilevel.save(path, "TIFF", compression="group4", dpi=(scan.DPI, scan.DPI))
