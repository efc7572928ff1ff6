"""Peak memory of a batch run at two sizes (a script that prints numbers, not a test).

    python benchmarks/memory.py                       # 100 and 2,000 files, --format json and json-lines
    python benchmarks/memory.py --sizes 100 500 --formats json

The inputs are the text seeds of tests/fixtures (a full 单位决算 with fourteen 自评表 among them), copied
into a temporary folder with one figure changed in each copy, so that no two files are alike. For each
size and format a child process runs `budgetlint check DIR --format F -o FILE`; its peak resident set
(`getrusage(RUSAGE_CHILDREN).ru_maxrss`, the largest of the processes it waited for: the one that
writes the report, or a worker) is printed with the ratio to the smallest size. Flat memory means the
largest size stays within 1.2x of the smallest.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEEDS = sorted(FIXTURES.glob("seed00*.txt"))
_FIGURE = re.compile(r"\d+\.\d\d")


def make_corpus(root: Path, size: int) -> None:
    """`size` files: the seeds in turn, each copy with its n-th figure's last digit changed."""
    texts = [seed.read_text(encoding="utf-8") for seed in SEEDS]
    for number in range(size):
        text = texts[number % len(texts)]
        figures = list(_FIGURE.finditer(text))
        figure = figures[(number // len(texts)) % len(figures)]
        last = figure.end() - 1
        varied = text[:last] + str((int(text[last]) + 1) % 10) + text[last + 1:]
        (root / f"{number:05d}-{SEEDS[number % len(SEEDS)].name}").write_text(varied, encoding="utf-8")


def peak_rss_mib(folder: Path, output_format: str, report: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of one `budgetlint check` in a child process (a fresh one each time:
    RUSAGE_CHILDREN keeps the largest child ever waited for, so each measurement runs in its own)."""
    code = (f"import resource, subprocess, sys\n"
            f"subprocess.run([sys.executable, '-m', 'validator', 'check', {str(folder)!r}, '--format', "
            f"{output_format!r}, '-o', {str(report)!r}])\n"
            f"print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return int(done.stdout.split()[-1]) / 1024, time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 2000])
    parser.add_argument("--formats", nargs="+", default=["json", "json-lines"])
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}; inputs: {', '.join(s.name for s in SEEDS)}, one figure varied per copy")
    print(f"{'format':<12}{'files':>7}{'peak RSS MiB':>14}{'ratio':>8}{'seconds':>9}{'report MiB':>12}")
    with tempfile.TemporaryDirectory(prefix="budgetlint-memory-") as scratch:
        for output_format in args.formats:
            smallest = None
            for size in args.sizes:
                folder = Path(scratch) / f"files-{size}"
                if not folder.exists():
                    folder.mkdir()
                    make_corpus(folder, size)
                report = Path(scratch) / f"report-{size}.{output_format}"
                peak, seconds = peak_rss_mib(folder, output_format, report)
                smallest = smallest or peak
                print(f"{output_format:<12}{size:>7}{peak:>14.1f}{peak / smallest:>8.2f}{seconds:>9.0f}"
                      f"{report.stat().st_size / 2**20:>12.1f}", flush=True)


if __name__ == "__main__":
    main()
