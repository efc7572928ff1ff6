"""What `--cache` saves on a re-run (a script that prints numbers, not a test).

    python benchmarks/cache.py                  # 200 files, --jobs 2
    python benchmarks/cache.py --files 400 --jobs 1

The folder holds the text seeds and the seed 002 workbooks of tests/fixtures, copied round until there
are --files of them, each text copy with a line of its own added (so that no two files have the same
bytes). Three runs of `validator.check(folder, cache=…)` on one cache: the first checks every file, the
second none, the third the ten files changed since. The wall time and files/s of each are printed;
the reports of the first two must be equal, and the third equal to a run without the cache.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import validator
from validator.api import check
from validator.cache import OutcomeCache
from validator.checking import CheckOptions

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
INPUTS = [*sorted(FIXTURES.glob("seed00*.txt")), *sorted((FIXTURES / "seed002").glob("final_accounts*.xls*"))]
CHANGED = 10


def make_folder(root: Path, files: int) -> list[Path]:
    made = []
    for number in range(files):
        source = INPUTS[number % len(INPUTS)]
        target = root / f"{number:04d}-{source.name}"
        content = source.read_bytes()
        target.write_bytes(content + f"\n副本 {number}\n".encode() if source.suffix == ".txt" else content)
        made.append(target)
    return made


def timed_run(folder: Path, cache_folder: Path, jobs: int) -> tuple[float, int, int, dict[str, object]]:
    options = CheckOptions()
    began = time.perf_counter()
    with OutcomeCache(cache_folder, options) as outcomes:
        report = check([folder], options, jobs=jobs, cache=outcomes)
    return time.perf_counter() - began, outcomes.hits, outcomes.checked, report.to_dict()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    print(f"budgetlint {validator.__version__}, Python {sys.version.split()[0]}; {args.files} files "
          f"({len(INPUTS)} seed inputs copied round), --jobs {args.jobs}")
    with tempfile.TemporaryDirectory(prefix="budgetlint-cache-") as scratch:
        folder, cache_folder = Path(scratch) / "inputs", Path(scratch) / "cache"
        folder.mkdir()
        made = make_folder(folder, args.files)
        check([made[0]])  # rules and catalogue loaded before timing
        print(f"\n{'run':<28}{'seconds':>9}{'files/s':>9}{'from cache':>12}{'checked':>9}")
        runs = []
        for name in ("first (empty cache)", "second (nothing changed)", f"third ({CHANGED} files changed)"):
            if runs and name.startswith("third"):
                for path in [p for p in made if p.suffix == ".txt"][:CHANGED]:
                    path.write_bytes(path.read_bytes() + "改动\n".encode())
            seconds, hits, checked, report = timed_run(folder, cache_folder, args.jobs)
            runs.append(report)
            print(f"{name:<28}{seconds:>9.2f}{args.files / seconds:>9.1f}{hits:>12}{checked:>9}")
        if runs[1] != runs[0]:
            sys.exit("the second run's report differs from the first's")
        if runs[2] != check([folder], jobs=args.jobs).to_dict():
            sys.exit("the third run's report differs from a run without the cache")
        print("  the second report equals the first, the third a run without the cache")


if __name__ == "__main__":
    main()
