"""OCR of scanned pages: seconds per page on 1 and 2 cores (one onnxruntime thread per worker
process, models loaded once per process and counted), and the installed size of the `ocr` extra.

    python benchmarks/ocr.py [SCANNED_PDF]
"""

from __future__ import annotations

import sys
import time
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from validator.readers import pdf_ocr  # noqa: E402

SCANNED = ROOT.parent / "shared" / "fixtures" / "seed002" / "final_accounts_scanned.pdf"
# The extra and what it pulls in beyond budgetlint's own dependencies
EXTRA = ["rapidocr", "onnxruntime", "opencv-python-headless", "numpy", "omegaconf", "antlr4-python3-runtime",
         "shapely", "pyclipper", "colorlog", "tqdm", "six", "requests", "urllib3", "idna", "certifi",
         "charset-normalizer", "flatbuffers", "protobuf", "coloredlogs", "humanfriendly", "sympy", "mpmath"]


def installed_size(names: list[str]) -> tuple[int, list[str]]:
    """Bytes of the installed files of every listed distribution that is installed, and their names."""
    total, found = 0, []
    for name in names:
        try:
            files = metadata.distribution(name).files or []
        except metadata.PackageNotFoundError:
            continue
        found.append(name)
        total += sum(f.locate().stat().st_size for f in files if f.locate().is_file())
    return total, found


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SCANNED
    import pypdfium2 as pdfium

    count = len(pdfium.PdfDocument(path))
    for workers in (1, 2):
        start = time.perf_counter()
        list(pdf_ocr.read_pages(path, list(range(1, count + 1)), workers=workers))
        elapsed = time.perf_counter() - start
        print(f"{workers} core{'s' if workers > 1 else ''}: {elapsed:.1f} s for {count} pages, "
              f"{elapsed / count:.2f} s/page")
    size, found = installed_size(EXTRA)
    print(f"installed size of the ocr extra: {size / 1e6:.0f} MB ({', '.join(found)})")


if __name__ == "__main__":
    main()
