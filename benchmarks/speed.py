"""Speed per core on seed 002 (a full 单位决算 with fourteen 自评表): a script that prints numbers, not a test.

    python benchmarks/speed.py                  # files per CPU-second, one-file start-up, phases
    python benchmarks/speed.py --n 40 --profile # also the 25 functions with the most own CPU time

Prints, all in CPU seconds (user + system of this process or of the child), so that a loaded machine
changes the figures little:

- files per CPU-second end to end: `validator.check` of N copies of seed 002 in one process (jobs=1,
  after one warm-up file), the JSON report rendered; the fastest of 3 rounds (others share the machine);
- a one-file `budgetlint check seed002.txt --format json` from process start (best of 3), start-up included;
- where one file's time goes: reading, the rules by family (the id before its number: T1, X, SE, C …),
  reading the claims in prose, the JSON report.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import validator.claims as claims_package
import validator.engine as engine_module
from validator.api import active_rules, check
from validator.catalogue import builtin_catalogue
from validator.engine import Engine
from validator.readers import read_document
from validator.reporters.json_report import render

SEED = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "seed002.txt"


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def end_to_end(folder: Path) -> tuple[float, int]:
    """(CPU seconds, findings) of checking every file of the folder and rendering the JSON report."""
    start = cpu()
    report = check([folder])
    render(report)
    return cpu() - start, len(report.findings)


def copies(n: int, root: Path) -> Path:
    folder = root / f"n{n}"
    folder.mkdir()
    for i in range(n):
        shutil.copyfile(SEED, folder / f"seed002-{i:03d}.txt")
    return folder


def one_file_from_start() -> float:
    """CPU seconds of a whole `budgetlint check` process on seed 002, start-up included (best of 3).
    With the modules' bytecode written, as an installed budgetlint has it: under PYTHONDONTWRITEBYTECODE
    a source tree would compile its eighty modules again in every process."""
    command = [sys.executable, "-m", "validator", "check", str(SEED), "--format", "json", "-o", os.devnull]
    environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    best = float("inf")
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=False, stdout=subprocess.DEVNULL, env=environment)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return best


def family(rule_id: str) -> str:
    return rule_id.split("-")[0]


def phases(repeat: int) -> dict[str, float]:
    """CPU seconds per file of each phase, averaged over `repeat` runs on seed 002. The claims are read
    inside the first rule that asks for them: their time is taken out of that rule's family."""
    catalogue = builtin_catalogue()
    engine = Engine(active_rules(), catalogue)
    seconds: dict[str, float] = defaultdict(float)
    evaluate, extract = engine_module.evaluate, claims_package.extract_claims

    def timed_evaluate(spec, run):
        start, claims_before = cpu(), seconds["claims"]
        found = list(evaluate(spec, run))
        seconds["rules " + family(run.rule.id)] += cpu() - start - (seconds["claims"] - claims_before)
        return found

    def timed_extract(text):
        start = cpu()
        found = extract(text)
        seconds["claims"] += cpu() - start
        return found

    engine_module.evaluate, claims_package.extract_claims = timed_evaluate, timed_extract
    try:
        for _ in range(repeat):
            start = cpu()
            document = read_document(SEED, catalogue)
            seconds["read"] += cpu() - start
            start = cpu()
            engine.run(document)
            seconds["engine total"] += cpu() - start
    finally:
        engine_module.evaluate, claims_package.extract_claims = evaluate, extract
    report = check([SEED])
    for _ in range(repeat):
        start = cpu()
        render(report)
        seconds["JSON report"] += cpu() - start
    in_rules = sum(v for k, v in seconds.items() if k.startswith("rules ")) + seconds["claims"]
    seconds["engine (grouping, sorting)"] = seconds.pop("engine total") - in_rules
    return {name: value / repeat for name, value in seconds.items()}


def print_phases(per_phase: dict[str, float]) -> None:
    total = sum(per_phase.values())
    print(f"one file, by phase (CPU ms; total {total * 1000:.0f} ms):")
    for name, value in sorted(per_phase.items(), key=lambda item: -item[1]):
        print(f"  {name:<28} {value * 1000:7.1f} ms  {value / total:5.1%}")


def profile(folder: Path, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    render(check([folder]))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20, help="copies of seed 002 checked end to end (default 20)")
    parser.add_argument("--rounds", type=int, default=3, help="end-to-end runs, the fastest counted (default 3)")
    parser.add_argument("--repeat", type=int, default=5, help="runs averaged for the phases (default 5)")
    parser.add_argument("--profile", action="store_true", help="print the cProfile of the end-to-end run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        warm_up, folder = copies(1, Path(temp)), copies(args.n, Path(temp))
        end_to_end(warm_up)  # rules loaded and modules imported once, as in a batch's worker
        spent, findings = min(end_to_end(folder) for _ in range(args.rounds))
        print(f"end to end: {args.n} copies of seed 002 in {spent:.2f} CPU-s ({findings} findings): "
              f"{args.n / spent:.1f} files per CPU-second, {spent / args.n * 1000:.0f} ms per file")
        print(f"one-file `budgetlint check` from process start: {one_file_from_start():.2f} CPU-s")
        print_phases(phases(args.repeat))
        if args.profile:
            profile(folder, 25)
    print(f"(wall clock now {time.strftime('%H:%M:%S')}; CPU figures are user + system time)")


if __name__ == "__main__":
    main()
