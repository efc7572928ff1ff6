"""A real-world-like scan of a text PDF: each page printed to an image at 150 dpi, turned by a small
angle, a red seal (a ring and a star) over its first table, grey noise, saved as JPEG and put back
together as an image-only PDF. Then the share of its amounts that OCR reads exactly, against the
text PDF's own cells.

    python benchmarks/scan.py [PDF] [--out scanned.pdf] [--seed N] [--opaque-seal]
"""

from __future__ import annotations

import argparse
import io
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from validator.numbers import Amount, parse_number  # noqa: E402
from validator.readers.pdf import read_raw  # noqa: E402
from validator.readers.tables import GridCell  # noqa: E402

PUTUO = ROOT / "tests" / "fixtures" / "real" / "shanghai-putuo-social-work-dept-2024.pdf"
DPI = 150


def make_scan(source: Path, target: Path, seed: int = 2, opaque_seal: bool = False) -> list[float]:
    """Writes the scan; gives the angle each page was turned by, in degrees counter-clockwise.

    The seal's ink is translucent as stamped ink is: print under it stays black (multiplied). With
    `opaque_seal` it is painted over the page at 60-67 % opacity instead, which greys the print under
    it to a red as light as 147/255: harsher than any stamp, a stress test."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageChops, ImageDraw

    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    document = pdfium.PdfDocument(source)
    pages, angles = [], []
    for index in range(len(document)):
        page = document[index]
        image = page.render(scale=DPI / 72).to_pil().convert("RGB")
        tables = [t for t in _first_tables(page)]
        page.close()
        if tables:  # the stamp over the table's upper right part, as a seal is put
            x0, top, x1, bottom = (v * DPI / 72 for v in tables[0])
            cx, cy, r = x1 - (x1 - x0) * 0.25, top + min(bottom - top, 300) * 0.5, 0.9 * DPI
            seal = image if opaque_seal else Image.new("RGB", image.size, "white")
            draw = ImageDraw.Draw(seal, "RGBA")
            draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(220, 30, 30, 170), width=6)
            draw.regular_polygon((cx, cy, r * 0.3), 5, fill=(220, 30, 30, 150))
            if not opaque_seal:
                image = ImageChops.multiply(image, seal)
        angles.append(rng.uniform(-1.2, 1.2))
        image = image.rotate(angles[-1], resample=Image.BICUBIC, expand=False, fillcolor="white")
        pixels = np.asarray(image).astype(np.int16) + noise.normal(0, 12, (image.height, image.width, 1)).astype(np.int16)
        image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))
        jpeg = io.BytesIO()
        image.save(jpeg, "JPEG", quality=60)
        pages.append(Image.open(jpeg))
    pages[0].save(target, "PDF", save_all=True, append_images=pages[1:], resolution=DPI)
    return angles


def _first_tables(page: object) -> list[tuple[float, float, float, float]]:
    from validator.readers import pdf_pdfium

    layout = pdf_pdfium.page_layout(page, 1, frozenset())
    return [t.bbox for t in layout.tables]


def amounts(path: Path, ocr: bool) -> list[GridCell]:
    """Every amount cell, in reading order."""
    _, raws = read_raw(path, 10**9, ocr=ocr)
    return [c for raw in raws for row in raw.grid for c in row
            if "." in c.text and isinstance(parse_number(c.text), Amount)]


def matched(text_pdf: Path, scanned: Path) -> list[tuple[GridCell, GridCell]]:
    """The amounts the scan reads exactly, each with the text PDF's cell: matched in reading order."""
    import difflib

    truth, read = amounts(text_pdf, ocr=False), amounts(scanned, ocr=True)
    matcher = difflib.SequenceMatcher(a=[c.text for c in truth], b=[c.text for c in read], autojunk=False)
    return [(truth[block.a + i], read[block.b + i]) for block in matcher.get_matching_blocks()
            for i in range(block.size)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("pdf", nargs="?", type=Path, default=PUTUO)
    parser.add_argument("--out", type=Path, default=Path("/tmp/budgetlint-scan.pdf"))
    parser.add_argument("--seed", type=int, default=2, help="the turn of each page and the noise")
    parser.add_argument("--opaque-seal", action="store_true", help="the seal painted over the print (stress test)")
    args = parser.parse_args()
    make_scan(args.pdf, args.out, args.seed, args.opaque_seal)
    exact, total = len(matched(args.pdf, args.out)), len(amounts(args.pdf, ocr=False))
    print(f"{args.out} ({args.out.stat().st_size / 1e6:.1f} MB): {exact}/{total} amounts exact ({exact / total:.1%})")


if __name__ == "__main__":
    main()
