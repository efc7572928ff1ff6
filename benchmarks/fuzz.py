"""Fuzz campaign (issue 16): thousands of generated hostile inputs through `check` and every report format.

    python benchmarks/fuzz.py --inputs 5000 --seed 1 [--jobs 2] [--timeout 30] [--formats pdf,xlsx]
    python benchmarks/fuzz.py --seed 1 --replay pdf:417 -o input.pdf     # remake one input

The inputs are spread evenly over the formats (text, structured YAML/JSON, xlsx, xls, pdf); input i of a
format is made by tests/fuzz_inputs.py from the random seed "SEED:FORMAT:i", so a failure is remade from
its number. Worker processes (--jobs) check chunks of inputs one at a time, each input under an alarm of
--timeout seconds and the worker under a 3 GB address-space limit, and render the report in every format.

Printed per format: inputs tried, refused (READ-01 findings: damaged or past a limit, as they should be),
tracebacks (an exception out of check or a reporter), internal errors (READ-01 saying 内部错误), timeouts,
crashed workers, the slowest input and the peak memory of a worker; then the first inputs of each failure.
Library warnings (xlrd prints to stdout) are discarded.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from fuzz_inputs import GENERATORS, judge  # noqa: E402

MEMORY_LIMIT = 3 << 30  # bytes of address space per worker: a blow-up is a MemoryError, not the OOM killer
CHUNK = 100


class _OutOfTime(BaseException):
    """Not an Exception: no handler inside budgetlint may swallow it."""


def make(fmt: str, seed: int, index: int) -> tuple[str, bytes]:
    rng = random.Random(f"{seed}:{fmt}:{index}")
    generators = GENERATORS[fmt]
    return generators[index % len(generators)](rng)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _raise_out_of_time(signum: int, frame: object) -> None:
    raise _OutOfTime


def run_chunk(fmt: str, seed: int, indices: list[int], timeout: float) -> dict:
    """Check the inputs in this worker; what went wrong with each, and the worker's peak memory."""
    import warnings

    warnings.simplefilter("ignore")
    signal.signal(signal.SIGALRM, _raise_out_of_time)
    found: dict = {"tried": 0, "refused": 0, "tracebacks": [], "internal": [], "timeouts": [], "slowest": (0.0, None)}
    with tempfile.TemporaryDirectory() as folder, open(os.devnull, "w") as sink:
        for index in indices:
            suffix, data = make(fmt, seed, index)
            path = Path(folder) / f"{fmt}-{index}{suffix}"
            path.write_bytes(data)
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, timeout)
            try:
                with contextlib.redirect_stdout(sink):
                    internal, refused = judge(path)
                found["internal"] += [(index, message) for message in internal]
                found["refused"] += refused
            except _OutOfTime:
                found["timeouts"].append(index)
            except Exception as error:  # noqa: BLE001 - the campaign counts what a user would see as a traceback
                found["tracebacks"].append((index, f"{type(error).__name__}: {error}"[:300]))
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            spent = time.perf_counter() - start
            found["tried"] += 1
            if spent > found["slowest"][0]:
                found["slowest"] = (spent, index)
            path.unlink()
    found["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return found


def campaign(inputs: int, seed: int, formats: list[str], jobs: int, timeout: float) -> dict[str, dict]:
    totals = {fmt: {"tried": 0, "refused": 0, "tracebacks": [], "internal": [], "timeouts": [], "crashes": [],
                    "slowest": (0.0, None), "peak_mb": 0} for fmt in formats}
    with ProcessPoolExecutor(jobs, initializer=_limit_memory, max_tasks_per_child=1) as pool:
        futures = {}
        for position, fmt in enumerate(formats):
            count = inputs // len(formats) + (position < inputs % len(formats))
            for start in range(0, count, CHUNK):
                chunk = list(range(start, min(start + CHUNK, count)))
                futures[pool.submit(run_chunk, fmt, seed, chunk, timeout)] = (fmt, chunk)
        for future in as_completed(futures):
            fmt, chunk = futures[future]
            total = totals[fmt]
            try:
                found = future.result()
            except Exception as error:  # noqa: BLE001 - a worker killed by a native crash
                total["crashes"].append((chunk[0], chunk[-1], type(error).__name__))
                continue
            for key in ("tried", "refused"):
                total[key] += found[key]
            for key in ("tracebacks", "internal", "timeouts"):
                total[key] += found[key]
            total["slowest"] = max(total["slowest"], found["slowest"], key=lambda s: s[0])
            total["peak_mb"] = max(total["peak_mb"], found["peak_mb"])
    return totals


def report(totals: dict[str, dict], seed: int, timeout: float, seconds: float) -> None:
    header = f"{'format':<11}{'inputs':>7}{'refused':>9}{'tracebacks':>12}{'internal':>10}{'timeouts':>10}" \
             f"{'crashes':>9}{'slowest s':>11}{'peak MB':>9}"
    print(header)
    print("-" * len(header))
    for fmt, t in totals.items():
        print(f"{fmt:<11}{t['tried']:>7}{t['refused']:>9}{len(t['tracebacks']):>12}{len(t['internal']):>10}"
              f"{len(t['timeouts']):>10}{len(t['crashes']):>9}{t['slowest'][0]:>11.1f}{t['peak_mb']:>9}")
    tried = sum(t["tried"] for t in totals.values())
    print(f"\n{tried} inputs, seed {seed}, timeout {timeout:g} s per input, {seconds / 60:.1f} min")
    for fmt, t in totals.items():
        for kind in ("tracebacks", "internal"):
            seen: dict[str, int] = {}
            for index, message in t[kind]:
                seen.setdefault(message[:120], index)
            for message, index in list(seen.items())[:10]:
                print(f"  {fmt}:{index} {kind}: {message}")
        if t["timeouts"]:
            print(f"  {fmt} timeouts: {', '.join(f'{fmt}:{i}' for i in t['timeouts'][:10])}")
        for first, last, kind in t["crashes"]:
            print(f"  {fmt}:{first}–{last} worker crashed ({kind})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=30.0)
    parser.add_argument("--formats", default=",".join(GENERATORS))
    parser.add_argument("--replay", help="FORMAT:INDEX: write that input (with -o) instead of running")
    parser.add_argument("-o", "--output", type=Path)
    args = parser.parse_args()
    if args.replay:
        fmt, index = args.replay.split(":")
        suffix, data = make(fmt, args.seed, int(index))
        target = args.output or Path(f"fuzz-{fmt}-{index}{suffix}")
        target.write_bytes(data)
        print(target)
        return
    formats = [f for f in args.formats.split(",") if f]
    start = time.perf_counter()
    totals = campaign(args.inputs, args.seed, formats, args.jobs, args.timeout)
    report(totals, args.seed, args.timeout, time.perf_counter() - start)
    counts = Counter()
    for t in totals.values():
        counts.update({k: len(t[k]) for k in ("tracebacks", "internal", "timeouts", "crashes")})
    sys.exit(1 if sum(counts.values()) else 0)


if __name__ == "__main__":
    main()
