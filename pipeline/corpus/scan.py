"""Scanned PDFs: born-digital pages rasterized and degraded like an office scanner's output.

Each page is rendered at 300 dpi in grayscale, then skewed by 0.3–1.5°, softened, given an
uneven paper tone, faint noise and dust specks, and stored as a JPEG (quality 70) in an
image-only PDF (no text layer). The random generator is seeded from the document slug and page
number, so a re-run gives the same bytes.
"""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

DPI = 300
JPEG_QUALITY = 70


def rasterize(pdf_path: Path, dpi: int = DPI) -> list[Image.Image]:
    """The PDF's pages as grayscale images."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


def seed_for(name: str, page: int) -> int:
    return zlib.crc32(f"{name}:{page}".encode())


def degrade(image: Image.Image, seed: int) -> Image.Image:
    """A clean page image → what a flatbed scan of the printed page looks like."""
    rng = np.random.default_rng(seed)
    page = np.asarray(image, dtype=np.float32) / 255.0
    h, w = page.shape

    # Toner is not quite black, and the printer/scanner optics soften edges.
    page = 0.12 + 0.88 * page
    page = cv2.GaussianBlur(page, (0, 0), sigmaX=rng.uniform(0.6, 0.9))

    # The sheet lies slightly askew and off-centre on the glass.
    angle = rng.uniform(0.3, 1.5) * rng.choice([-1, 1])
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    matrix[:, 2] += rng.uniform(-12, 12, size=2)
    page = cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=1.0)

    # Uneven paper tone and lighting: a smooth random field, darker towards one edge.
    coarse = rng.normal(0.0, 1.0, size=(5, 4)).astype(np.float32)
    field = cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)
    edge = np.linspace(0, 1, w, dtype=np.float32)[None, :] ** 3
    if rng.random() < 0.5:
        edge = edge[:, ::-1]
    paper = 0.94 + 0.015 * field - 0.05 * edge
    page = page * paper

    # Dust and toner specks, a few of them larger.
    for _ in range(int(rng.integers(40, 120))):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        radius = int(rng.choice([1, 1, 1, 2, 2, 3]))
        cv2.circle(page, (x, y), radius, float(rng.uniform(0.2, 0.6)), -1)

    # Faint sensor noise: stronger noise mostly turns into JPEG bytes, not realism.
    noise = rng.normal(0.0, 0.012, size=(h // 2, w // 2)).astype(np.float32)
    page = page + cv2.resize(noise, (w, h), interpolation=cv2.INTER_LINEAR)

    return Image.fromarray(np.clip(page * 255.0 + 0.5, 0, 255).astype(np.uint8), mode="L")


def jpeg_bytes(image: Image.Image, quality: int = JPEG_QUALITY) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, dpi=(DPI, DPI), optimize=True)
    return buffer.getvalue()


def write_image_pdf(jpegs: list[bytes], out: Path, dpi: int = DPI) -> None:
    """An image-only PDF, one JPEG per page embedded as is (no re-encoding, no fonts, no text).

    Written by hand because it is tiny: reportlab would ASCII85-encode the JPEGs (+25 %) and add
    a font resource, and Pillow would re-encode them.
    """
    objects: list[bytes] = []  # object n+1 is objects[n]
    kids = []
    for data in jpegs:
        with Image.open(io.BytesIO(data)) as image:
            width_px, height_px = image.size
        width, height = width_px * 72 / dpi, height_px * 72 / dpi
        image_ref, content_ref, page_ref = len(objects) + 1, len(objects) + 2, len(objects) + 3
        objects.append(
            b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n%s\nendstream"
            % (width_px, height_px, len(data), data))
        content = b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (width, height)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        objects.append(
            b"<< /Type /Page /Parent PAGES /MediaBox [0 0 %.4f %.4f] "
            b"/Resources << /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
            % (width, height, image_ref, content_ref))
        kids.append(page_ref)
    pages_ref, catalog_ref = len(objects) + 1, len(objects) + 2
    objects = [obj.replace(b"/Parent PAGES", b"/Parent %d 0 R" % pages_ref) for obj in objects]
    objects.append(b"<< /Type /Pages /Kids [%s] /Count %d >>"
                   % (b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
    objects.append(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_ref)

    pdf = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, obj in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (n, obj)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog_ref, xref)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(bytes(pdf))


def scan_pages(pdf_path: Path, name: str) -> list[bytes]:
    """The scanned pages of a born-digital PDF, as JPEG bytes."""
    return [
        jpeg_bytes(degrade(image, seed_for(name, n)))
        for n, image in enumerate(rasterize(pdf_path), start=1)
    ]
