"""Reader speed next to the raw library on the same file (median of several runs), for issue 3.

    python benchmarks/readers.py [--runs 5]

Prints ms per workbook (budgetlint's reader vs openpyxl/xlrd loading alone) and s per PDF page
(budgetlint's reader vs pdfplumber's own table extraction alone).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from validator.catalogue import builtin_catalogue
from validator.readers import read_document

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = [ROOT / "tests/fixtures/seed002/final_accounts.xlsx", ROOT / "tests/fixtures/seed002/final_accounts.xls"]
PDFS = [ROOT / "tests/fixtures/seed002/final_accounts.pdf", ROOT / "tests/fixtures/seed002/final_accounts_ttf.pdf",
        ROOT / "tests/fixtures/real/shanghai-putuo-social-work-dept-2024.pdf",
        ROOT / "tests/fixtures/real/shanghai-2024-final-accounts-template.pdf"]


def median_seconds(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def raw_workbook(path: Path) -> None:
    if path.suffix == ".xls":
        import xlrd
        book = xlrd.open_workbook(str(path), formatting_info=True)
        for sheet in book.sheets():
            [sheet.row_values(r) for r in range(sheet.nrows)]
    else:
        import openpyxl
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        for sheet in book.worksheets:
            [[c.value for c in row] for row in sheet.iter_rows()]
        book.close()


def raw_pdf(path: Path) -> int:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
        return len(pdf.pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    catalogue = builtin_catalogue()
    print(f"{'file':48} {'budgetlint':>12} {'raw library':>12} {'ratio':>6}")
    for path in WORKBOOKS:
        ours = median_seconds(lambda p=path: read_document(p, catalogue), runs)
        raw = median_seconds(lambda p=path: raw_workbook(p), runs)
        print(f"{path.name:48} {ours * 1000:9.1f} ms {raw * 1000:9.1f} ms {ours / raw:6.2f}")
    for path in PDFS:
        pages = raw_pdf(path)
        ours = median_seconds(lambda p=path: read_document(p, catalogue), runs)
        raw = median_seconds(lambda p=path: raw_pdf(p), runs)
        print(f"{path.name:48} {ours / pages:7.3f} s/pg {raw / pages:7.3f} s/pg {ours / raw:6.2f}  ({pages} pages)")


if __name__ == "__main__":
    main()
