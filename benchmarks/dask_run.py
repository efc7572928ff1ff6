"""A Dask LocalCluster against local worker processes (a script that prints numbers, not a test).

    python benchmarks/dask_run.py                       # 34 copies of the six text seeds, 2 workers
    python benchmarks/dask_run.py --copies 100 --workers 2

For each: files/s, and files per CPU-second counting every process that works for the run (this
one, with the scheduler and the nannies of the cluster, and the worker processes; the pool's workers
of the local run). Each measures a fresh cluster or pool, so rules are compiled once per worker in
both. The two reports must be equal. `run(folder, workers)` and `local(folder, jobs)` return the
figures for benchmarks/scale.py.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psutil  # installed with distributed
from distributed import Client, LocalCluster

import validator
from validator.api import check
from validator.findings import Report

REPO = Path(__file__).resolve().parent.parent
SEEDS = sorted((REPO / "tests" / "fixtures").glob("seed*.txt"))


def run(folder: Path, workers: int) -> dict[str, float]:
    """Every file under `folder` checked on a new LocalCluster of `workers` one-thread worker processes."""
    return _on_cluster(folder, workers)[0]


def local(folder: Path, jobs: int) -> dict[str, float]:
    """Every file under `folder` checked by `jobs` local worker processes (`--jobs`)."""
    return _here(folder, jobs)[0]


def _on_cluster(folder: Path, workers: int) -> tuple[dict[str, float], Report]:
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        processes = [psutil.Process(), *map(psutil.Process, client.run(os.getpid).values())]
        return _measured(lambda: check([folder], scheduler=cluster.scheduler_address), processes)


def _here(folder: Path, jobs: int) -> tuple[dict[str, float], Report]:
    return _measured(lambda: check([folder], jobs=jobs), [psutil.Process()], children=True)


def _measured(checking, processes: list[psutil.Process], children: bool = False) -> tuple[dict[str, float], Report]:
    def cpu() -> float:
        times = [p.cpu_times() for p in processes]
        return sum(t.user + t.system + (t.children_user + t.children_system if children else 0) for t in times)

    before, began = cpu(), time.perf_counter()
    report = checking()
    seconds, cpu_seconds = time.perf_counter() - began, cpu() - before
    files = len(report.files)
    figures = {"files": files, "seconds": seconds, "cpu_seconds": cpu_seconds, "files_per_second": files / seconds,
               "files_per_cpu_second": files / cpu_seconds}
    return figures, report


def make_corpus(root: Path, copies: int) -> None:
    for copy in range(copies):
        for seed in SEEDS:
            shutil.copyfile(seed, root / f"{copy:03d}-{seed.name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=34)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    print(f"budgetlint {validator.__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores; "
          f"{len(SEEDS)} seeds x {args.copies} copies")
    with tempfile.TemporaryDirectory(prefix="budgetlint-dask-") as scratch:
        folder = Path(scratch)
        make_corpus(folder, args.copies)
        (here, local_report), (there, dask_report) = _here(folder, args.workers), _on_cluster(folder, args.workers)
    if dask_report.to_dict() != local_report.to_dict():
        sys.exit("the Dask report differs from the local one")
    rows = [(f"--jobs {args.workers}", here), (f"Dask LocalCluster, {args.workers} workers", there)]
    print(f"\n{'':<32}{'files':>6}{'s':>8}{'CPU-s':>8}{'files/s':>9}{'files/CPU-s':>13}")
    for name, figures in rows:
        print(f"{name:<32}{figures['files']:>6}{figures['seconds']:>8.1f}{figures['cpu_seconds']:>8.1f}"
              f"{figures['files_per_second']:>9.1f}{figures['files_per_cpu_second']:>13.2f}")
    print("  the two reports are equal")


if __name__ == "__main__":
    main()
