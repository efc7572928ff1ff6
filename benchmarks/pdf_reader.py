"""PDF reader speed next to pdfplumber on the same file, and its memory over a long PDF (issue 3).

    python benchmarks/pdf_reader.py [--runs 5]

Per PDF: budgetlint's reader (read_document: PDFium layout, tables recognised) in s/page, pdfplumber's
find_tables + extract alone in s/page, and their ratio; medians of runs taken in turns so that a busy
machine slows both alike. Then a 300-page PDF built from the real disclosure's pages is read once in
a fresh process per length, printing peak memory after 30, 100 and 300 pages: pages are read one at
a time, so it stays flat.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from validator.catalogue import builtin_catalogue  # noqa: E402
from validator.readers import read_document  # noqa: E402

PDFS = [ROOT / "tests/fixtures/seed002/final_accounts.pdf", ROOT / "tests/fixtures/seed002/final_accounts_ttf.pdf",
        ROOT / "tests/fixtures/real/shanghai-putuo-social-work-dept-2024.pdf",
        ROOT / "tests/fixtures/real/shanghai-2024-final-accounts-template.pdf"]
LONG_SOURCE = ROOT / "tests/fixtures/real/shanghai-putuo-social-work-dept-2024.pdf"


def pdfplumber_tables(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.find_tables():
                table.extract()
            page.close()
        return len(pdf.pages)


def speed(runs: int) -> None:
    catalogue = builtin_catalogue()
    print(f"{'file':44} {'budgetlint':>12} {'pdfplumber':>12} {'faster':>7}")
    for path in PDFS:
        pages = pdfplumber_tables(path)
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(runs):
            for action, spent in ((lambda p=path: read_document(p, catalogue), ours),
                                  (lambda p=path: pdfplumber_tables(p), theirs)):
                start = time.perf_counter()
                action()
                spent.append(time.perf_counter() - start)
        mine, reference = statistics.median(ours) / pages, statistics.median(theirs) / pages
        print(f"{path.name:44} {mine:7.4f} s/pg {reference:7.4f} s/pg {reference / mine:6.1f}x  ({pages} pages)")


def long_pdf(pages: int, target: Path) -> None:
    """`pages` pages made by importing the real disclosure's pages over and over."""
    import pypdfium2 as pdfium
    source = pdfium.PdfDocument(LONG_SOURCE)
    document = pdfium.PdfDocument.new()
    while len(document) < pages:
        document.import_pages(source, list(range(min(len(source), pages - len(document)))))
    document.save(target)
    document.close()
    source.close()


def memory_of_one_read(path: Path) -> None:
    """Run in a fresh process: read the PDF once, print tracemalloc peak and ru_maxrss growth in MiB."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    document = read_document(path, builtin_catalogue(), max_bytes=1 << 30)
    _, peak = tracemalloc.get_traced_memory()
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(f"{len(document.tables):4} tables  tracemalloc peak {peak / 2**20:6.1f} MiB  "
          f"max RSS growth {grown / 1024:6.1f} MiB")


def memory() -> None:
    with tempfile.TemporaryDirectory() as folder:
        for pages in (30, 100, 300):
            path = Path(folder) / f"long-{pages}.pdf"
            long_pdf(pages, path)
            result = subprocess.run([sys.executable, __file__, "--memory-of", str(path)],
                                    capture_output=True, text=True, check=True)
            print(f"{pages:4} pages ({path.stat().st_size / 2**20:4.1f} MiB): {result.stdout.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--memory-of", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.memory_of:
        memory_of_one_read(options.memory_of)
        return
    speed(options.runs)
    memory()


if __name__ == "__main__":
    main()
