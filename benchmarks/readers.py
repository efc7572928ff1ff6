"""Workbook reader speed next to the raw library on the same file (median of several runs), issue 3.

    python benchmarks/readers.py [--runs 5]

Prints ms per workbook (PDFs: benchmarks/pdf_reader.py). A workbook's raw library time is openpyxl (.xlsx) or
xlrd (.xls) doing the least that gives every cell's value and number format; budgetlint's "cells" is
its workbook reading alone (displayed texts, sheet!cell, hidden marks, formulas without values), and
"reader" adds the table recognition that every input format shares.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from validator.catalogue import builtin_catalogue
from validator.readers import read_document
from validator.readers.excel import sheet_grids

ROOT = Path(__file__).resolve().parent.parent
WORKBOOKS = [ROOT / "tests/fixtures/seed002/final_accounts.xlsx", ROOT / "tests/fixtures/seed002/final_accounts.xls"]


def medians(actions: list[Callable[[], object]], runs: int) -> list[float]:
    """Median seconds of each action, run in turns so that a busy machine slows them alike."""
    times: list[list[float]] = [[] for _ in actions]
    for _ in range(runs):
        for action, spent in zip(actions, times, strict=True):
            start = time.perf_counter()
            action()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def raw_workbook(path: Path) -> None:
    """Every cell's value and number format, the least a reader of displayed amounts needs."""
    if path.suffix == ".xls":
        import xlrd
        book = xlrd.open_workbook(str(path), formatting_info=True)
        for sheet in book.sheets():
            for r in range(sheet.nrows):
                [(value, book.format_map[book.xf_list[sheet.cell_xf_index(r, c)].format_key].format_str)
                 for c, value in enumerate(sheet.row_values(r))]
    else:
        import openpyxl
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
        for sheet in book.worksheets:
            [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()]
        book.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    catalogue = builtin_catalogue()
    print(f"{'workbook':40} {'budgetlint cells':>17} {'reader':>10} {'raw library':>12} {'ratio cells':>12} {'reader':>7}")
    for path in WORKBOOKS:
        cells, reader, raw = medians([lambda p=path: sheet_grids(p, 10**9), lambda p=path: read_document(p, catalogue),
                                      lambda p=path: raw_workbook(p)], runs)
        print(f"{path.name:40} {cells * 1000:14.1f} ms {reader * 1000:7.1f} ms {raw * 1000:9.1f} ms "
              f"{cells / raw:12.2f} {reader / raw:7.2f}")


if __name__ == "__main__":
    main()
