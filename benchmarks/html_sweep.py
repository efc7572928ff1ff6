"""The HTML report of a sweep: its size and the time to render it (a script that prints numbers, not a test).

    python benchmarks/html_sweep.py              # 40 copies of the inputs of benchmarks/batch.py
    python benchmarks/html_sweep.py --copies 8

The inputs (the scanned PDF left out: OCR costs the check, not the page) are checked once with their
documents kept, as `--format html` does; the report of the sweep repeats their results under a name
per copy (the page depends only on the report). It is rendered --repeat times: the median wall and
CPU seconds, the size of the page and the tables it shows against those read are printed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import replace

from batch import INPUTS

import validator
from validator.api import check
from validator.findings import Report
from validator.reporters.html_report import render


def sweep_of(report: Report, copies: int) -> Report:
    """The report of `copies` copies of each file checked, each copy under its own name."""
    sweep = Report(report.version, rules=report.rules)
    for copy in range(copies):
        for result in report.files:
            path = f"{copy:03d}-{result.path}"
            sweep.files.append(replace(result, path=path))
            sweep.findings += [replace(f, file=path) for f in report.findings if f.file == result.path]
            if result.path in report.documents:
                sweep.documents[path] = report.documents[result.path]
    return sweep


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    inputs = [path for path in INPUTS if "scanned" not in path.name]
    report = sweep_of(check(inputs, keep_documents=True), args.copies)
    walls, cpus = [], []
    for _ in range(args.repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        html = render(report)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    read = sum(len(report.documents[result.path].tables) for result in report.files if result.path in report.documents)
    shown = html.count('<details class="table"')
    print(f"budgetlint {validator.__version__}: {len(report.files)} files ({len(inputs)} inputs x {args.copies} "
          f"copies), {len(report.findings)} findings")
    print(f"render: median {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU; "
          f"page {len(html.encode('utf-8')) / 2**20:.1f} MiB; tables shown {shown} of {read} read")


if __name__ == "__main__":
    main()
