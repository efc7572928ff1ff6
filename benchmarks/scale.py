"""A province in one run: throughput, memory and the cached re-run on generated documents (a script
that prints numbers, not a test).

    python benchmarks/scale.py                 # 2,000 documents (about 12 minutes on two free cores)
    python benchmarks/scale.py --n 300         # a quicker look
    python benchmarks/scale.py --no-dask       # without the Dask LocalCluster

The documents are the project's own fixtures (the five seeds as text, seed 002 as Excel and as PDF,
the official budget workbooks, three real PDFs), copied and lightly varied so that no two files have
the same bytes: in a text file one amount is changed (some of the copies then have a finding), a PDF
gets a comment after its end, a workbook a zip comment. Scanned PDFs are left out: OCR takes seconds
per page and would measure the OCR engine, not the sweep.

Every run is a `budgetlint check` process of its own, measured from outside (by a small process that
starts it and reads RUSAGE_CHILDREN): wall time, CPU seconds of the process and all its workers, and
peak RSS (the largest single process). Printed:

- peak RSS at 100 and at N files (--jobs 1, JSON report to a file) and the growth per file;
- files/s and files per CPU-second for 1 and 2 local worker processes (--jobs; the 2-worker run also
  fills a --cache) and for a Dask LocalCluster of two worker processes (its workers' CPU read from
  /proc, start-up included);
- the time of the second, cached run (nothing changed), and whether every report equals the 1-worker one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures"
# (fixture, how many of every 20 generated files are copies of it): mostly text, as a sweep of
# exported disclosures is; workbooks and text PDFs for the rest
MIX = [("seed000.txt", 3), ("seed001.txt", 3), ("seed002.txt", 3), ("seed003.txt", 3), ("seed004.txt", 3),
       ("seed002/final_accounts.xlsx", 1), ("seed002/final_accounts.pdf", 1),
       ("budgets/putuo-2026-unit-budget-template.xlsx", 1), ("real/shanghai-putuo-social-work-dept-2024.pdf", 1),
       ("real/putuo-commerce-2025-unit-budget.pdf", 1)]
AMOUNT = re.compile(r"(?<![\d.])\d{1,3}(?:,\d{3})*\.\d\d(?![\d.])")


def generate(n: int, folder: Path, seed: int = 19) -> list[Path]:
    """n varied copies of the fixtures in `folder` (one sub-folder per hundred files, as an archive is kept)."""
    chances = random.Random(seed)
    sources = [FIXTURES / name for name, weight in MIX for _ in range(weight)]
    files = []
    for i in range(n):
        source = sources[i % len(sources)]
        target = folder / f"{i // 100:03d}" / f"{i:05d}-{source.name}"
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".txt":
            target.write_text(_varied_text(source.read_text(encoding="utf-8"), chances), encoding="utf-8")
        elif source.suffix == ".pdf":
            target.write_bytes(source.read_bytes() + f"\n% copy {i}\n".encode())
        else:
            shutil.copyfile(source, target)
            with zipfile.ZipFile(target, "a") as workbook:
                workbook.comment = f"copy {i}".encode()
        files.append(target)
    return files


def _varied_text(text: str, chances: random.Random) -> str:
    """The text with one amount's last digit changed (one copy in three), else only a trailing line."""
    amounts = list(AMOUNT.finditer(text))
    if amounts and chances.random() < 1 / 3:
        found = chances.choice(amounts)
        last = str((int(found.group()[-1]) + chances.randint(1, 9)) % 10)
        text = text[:found.end() - 1] + last + text[found.end():]
    return text + f"\n（副本 {chances.randrange(10**9)}）\n"


@dataclass
class Run:
    files: int
    wall: float  # seconds
    cpu: float  # CPU seconds of the process and its workers
    peak_rss_mib: float

    @property
    def per_second(self) -> float:
        return self.files / self.wall

    @property
    def per_cpu_second(self) -> float:
        return self.files / self.cpu


# Runs the command and prints its exit code, CPU seconds and peak RSS (KiB) with its workers'. A small
# process of its own: Linux keeps a process's peak RSS across fork and exec, so a child started from
# this script would count this script's peak (the reports it has read) as its own
_MEASURE = ("import resource, subprocess, sys\n"
            "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
            "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
            "print(code, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)")


def budgetlint(files: int, *arguments: str, extra_cpu: Callable[[], float] | None = None) -> Run:
    """One `budgetlint check … --format json -o FILE` process, measured from outside; its report must
    count every file."""
    command = [sys.executable, "-m", "validator", "check", *arguments]
    start = time.perf_counter()
    measured = subprocess.run([sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True)
    wall = time.perf_counter() - start
    code, cpu, peak = measured.stdout.split()
    if int(code) not in (0, 1):
        raise SystemExit(f"budgetlint exited {code}: {' '.join(arguments)}\n{measured.stderr[-2000:]}")
    report = Path(arguments[arguments.index("-o") + 1])
    checked = json.loads(report.read_text(encoding="utf-8"))["summary"]["files"]
    if checked != files:  # a run that did not check every file measures nothing
        raise SystemExit(f"budgetlint checked {checked} of {files} files: {' '.join(arguments)}")
    return Run(files, wall, float(cpu) + (extra_cpu() if extra_cpu else 0.0), int(peak) / 1024)


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system, its waited children included) of a running process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def dask_run(folder: Path, files: int, output: Path) -> Run | str:
    """The sweep on a LocalCluster of two worker processes (one thread each); its workers' CPU counted."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return "Dask 未安装（pip install 'budgetlint[dask]'）"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        pids = list(client.run(os.getpid).values())
        before = sum(process_cpu(pid) for pid in pids)
        return budgetlint(files, str(folder), "--executor", "dask", "--scheduler", cluster.scheduler_address,
                          "--format", "json", "-o", str(output),
                          extra_cpu=lambda: sum(process_cpu(pid) for pid in pids) - before)


def show(name: str, run: Run | str) -> None:
    if isinstance(run, str):
        print(f"  {name:<34} {run}")
        return
    print(f"  {name:<34} {run.files:>5} files {run.wall:7.1f} s  {run.per_second:6.1f} files/s  "
          f"{run.per_cpu_second:6.1f} files/CPU-s  peak RSS {run.peak_rss_mib:6.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="documents generated (default 2000)")
    parser.add_argument("--small", type=int, default=100, help="the small sweep of the memory comparison")
    parser.add_argument("--no-dask", action="store_true", help="leave out the Dask LocalCluster")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="budgetlint-scale-") as temporary:
        root = Path(temporary)
        everything, small = root / "all", root / "small"
        files = generate(arguments.n, everything)
        for path in files[:arguments.small]:
            target = small / path.relative_to(everything)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
        size = sum(p.stat().st_size for p in files) / 2**20
        print(f"{arguments.n} generated documents ({size:.0f} MiB) in {everything}; CPU cores: {os.cpu_count()}")
        local = root / "local.json"
        print("memory (--jobs 1, --format json -o FILE):")
        few = budgetlint(arguments.small, str(small), "--jobs", "1", "--format", "json", "-o", str(root / "few.json"))
        show(f"{arguments.small} files", few)
        one = budgetlint(arguments.n, str(everything), "--jobs", "1", "--format", "json", "-o", str(local))
        show(f"{arguments.n} files", one)
        growth = (one.peak_rss_mib - few.peak_rss_mib) / (arguments.n - arguments.small)
        print(f"  peak RSS {one.peak_rss_mib / few.peak_rss_mib:.2f}× from {arguments.small} to {arguments.n} "
              f"files; {growth * 1024:+.1f} KiB per file")

        print(f"throughput ({arguments.n} files, --format json -o FILE):")
        show("1 local worker (jobs 1)", one)
        cache, cached = root / "cache", root / "cached.json"
        two = budgetlint(arguments.n, str(everything), "--jobs", "2", "--cache", str(cache), "--format", "json",
                         "-o", str(root / "two.json"))
        show("2 local workers (jobs 2, filling --cache)", two)
        if not arguments.no_dask:
            show("Dask LocalCluster, 2 workers", dask_run(everything, arguments.n, root / "dask.json"))

        print("cache (the same files again, nothing changed):")
        again = budgetlint(arguments.n, str(everything), "--jobs", "2", "--cache", str(cache), "--format", "json",
                           "-o", str(cached))
        show("second run (--cache)", again)
        print(f"  second run {again.wall:.1f} s, {two.wall / again.wall:.0f}× faster than the first")
        reports = [p for p in (root / "two.json", cached, root / "dask.json") if p.exists()]
        different = [p.name for p in reports if p.read_bytes() != local.read_bytes()]
        print(f"  reports equal to the 1-worker run: {', '.join(p.name for p in reports if p.name not in different)}"
              + (f"; DIFFERENT: {', '.join(different)}" if different else ""))

if __name__ == "__main__":
    main()
