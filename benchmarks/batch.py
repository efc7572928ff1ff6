"""How a batch scales with worker processes (a script that prints numbers, not a test).

    python benchmarks/batch.py                  # 40 copies of the inputs, --jobs 1 and 2
    python benchmarks/batch.py --copies 80 --jobs 1 2 4

The inputs are the text seeds and the seed 002 workbooks and PDFs under tests/fixtures (the real
ones too), each copied --copies times over into a temporary folder, so the mix has the readers'
real costs. Each --jobs value runs `validator.check(folder, jobs=N)` --repeat times (about 5 minutes
in all on 2 cores); the median files/s is printed with the speed-up over one job and the share of
the ideal (N x one job). The reports must be equal for every N.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import validator
from validator.api import check, expand

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
INPUTS = [*sorted(FIXTURES.glob("seed00*.txt")), *sorted((FIXTURES / "seed002").glob("final_accounts*.*")),
          *sorted((FIXTURES / "real").glob("*.pdf"))]


def make_corpus(root: Path, copies: int) -> int:
    for copy in range(copies):
        for source in INPUTS:
            shutil.copyfile(source, root / f"{copy:03d}-{source.name}")
    return sum(1 for _ in expand([root]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"budgetlint {validator.__version__}, Python {sys.version.split()[0]}, {cores} cores available; "
          f"{len(INPUTS)} inputs x {args.copies} copies")
    with tempfile.TemporaryDirectory(prefix="budgetlint-batch-") as scratch:
        files = make_corpus(Path(scratch), args.copies)
        check([Path(scratch) / f"000-{INPUTS[0].name}"])  # rules and catalogue loaded before timing
        print(f"\n{'jobs':>5}{'files':>7}{'median s':>10}{'files/s':>9}{'speed-up':>10}{'of ideal':>10}")
        baseline_rate, reference = None, None
        for jobs in args.jobs:
            seconds = []
            for _ in range(args.repeat):
                began = time.perf_counter()
                report = check([scratch], jobs=jobs)
                seconds.append(time.perf_counter() - began)
            if reference is None:
                reference = report.to_dict()
            elif report.to_dict() != reference:
                sys.exit(f"the report with --jobs {jobs} differs from the one with --jobs {args.jobs[0]}")
            rate = files / statistics.median(seconds)
            baseline_rate = baseline_rate or rate
            speed_up = rate / baseline_rate
            print(f"{jobs:>5}{files:>7}{statistics.median(seconds):>10.2f}{rate:>9.1f}{speed_up:>9.2f}x"
                  f"{speed_up / jobs * args.jobs[0]:>9.0%}")
        print("  the reports are equal for every --jobs value")


if __name__ == "__main__":
    main()
