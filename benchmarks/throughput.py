"""Throughput and memory figures for budgetlint (a script that prints numbers, not a test).

    python benchmarks/throughput.py                 # N = 50, 200, 800
    python benchmarks/throughput.py --n 100 --repeat 5 --profile

It generates N synthetic disclosures from one real one (公开01–09表 plus narrative and
self-evaluation tables), each with 0–2 amounts nudged so that findings occur, writes them as text
dumps and as structured JSON (what `budgetlint parse --to json` writes), and measures on one core:

- disclosures/s and amount cells/s for the text reader alone, the structured reader alone, the
  engine alone, and `validator.check` end to end on each folder;
- memory per N, each N in a fresh process: peak RSS growth, tracemalloc peak, what the returned
  report keeps, and how many parsed documents are alive at once (check() must stream: it holds
  findings, not documents);
- `budgetlint --version` start-up time.

Targets (issue): >= 100 disclosures/s per core end to end on structured input; memory flat in N.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import validator
import validator.api as api
import validator.checking as checking
from validator.api import active_rules, check
from validator.catalogue import builtin_catalogue
from validator.engine import Engine
from validator.findings import Report
from validator.model import Document
from validator.readers import read_document
from validator.readers.structured import dump
from validator.readers.text import parse_lines

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEED_COPY = HERE / "data" / "seed002.txt"
SEED_CANDIDATES = (REPO / "tests" / "fixtures" / "seed002.txt", SEED_COPY)
SHARED_SEED = Path("/work/shared/seeds/002_ce383b8ac3ab7b4a.txt")

TARGET_DOCS_PER_S = 100
TARGET_VERSION_S = 0.3


# -- input ----------------------------------------------------------------------------------------

def seed_path() -> Path:
    """The real disclosure to vary; copied into benchmarks/data once so the repo stands alone."""
    for candidate in SEED_CANDIDATES:
        if candidate.is_file():
            return candidate
    if not SHARED_SEED.is_file():
        sys.exit(f"no seed disclosure: put one at {SEED_COPY}")
    SEED_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(SHARED_SEED, SEED_COPY)
    return SEED_COPY


def count_cells(document: Document) -> int:
    """Amount cells: every cell the reader put in an amount column (blanks included)."""
    return sum(len(row.cells) for table in document.tables for row in table.rows)


def standard_cells(document: Document) -> int:
    return sum(len(row.cells) for table in document.tables if table.kind for row in table.rows)


@dataclass(frozen=True)
class Spot:
    """A non-zero amount in the seed text, by line and column, that a variant may nudge."""

    line: int
    column: int
    text: str
    value: Decimal
    decimals: int


def perturbable_spots(lines: list[str]) -> tuple[list[Spot], list[Spot]]:
    """Non-zero amounts of the standard tables: (those of 公开01表 T1, all of them).

    The built-in rules check T1 most, so the first nudge of a variant goes there to make findings
    likely; the others land anywhere in the standard tables.
    """
    document = parse_lines(lines, "seed", builtin_catalogue())
    t1, everywhere = [], []
    for table in document.tables:
        if table.kind is None:
            continue
        for row in table.rows:
            for cell in row.cells.values():
                amount = cell.amount
                if amount is None or amount.percent or amount.value == 0 or cell.source.line is None:
                    continue
                spot = Spot(cell.source.line, cell.source.column or 1, cell.text, amount.value, amount.decimals)
                everywhere.append(spot)
                if table.kind == "T1":
                    t1.append(spot)
    return t1, everywhere


def nudge(lines: list[str], spot: Spot, rng: random.Random) -> None:
    """Replace one amount in place by a nearby value, beyond any rounding tolerance."""
    delta = Decimal(rng.randint(100, 5000)) / 100 * rng.choice((1, -1))
    value = abs(spot.value + delta)
    new = f"{value:,.{spot.decimals}f}"
    line = lines[spot.line - 1]
    start = spot.column - 1
    assert line[start:start + len(spot.text)] == spot.text, (spot, line)
    lines[spot.line - 1] = line[:start] + new + line[start + len(spot.text):]


@dataclass
class Corpus:
    text_dir: Path
    json_dir: Path
    n: int
    cells: int  # amount cells over the N disclosures
    nudged: int  # documents with at least one nudged amount


@dataclass
class Generated:
    """The largest corpus, file by file; smaller ones are its first n files."""

    root: Path
    names: list[str]
    cells: list[int]
    nudged: list[bool]


def generate(seed: Path, n: int, root: Path, rng: random.Random) -> Generated:
    """N text dumps (doc i gets i % 3 nudged amounts) and their structured JSON forms."""
    lines = seed.read_text(encoding="utf-8").splitlines()
    t1_spots, all_spots = perturbable_spots(lines)
    (root / "all" / "text").mkdir(parents=True)
    (root / "all" / "json").mkdir(parents=True)
    catalogue = builtin_catalogue()
    generated = Generated(root, [], [], [])
    for i in range(n):
        variant = list(lines)
        picks = i % 3
        spots = ([rng.choice(t1_spots)] if picks and t1_spots else []) + rng.sample(all_spots, max(0, picks - 1))
        # distinct lines only: a second nudge on the same line would shift the first one's column
        for spot in {s.line: s for s in spots}.values():
            nudge(variant, spot, rng)
        name = f"doc{i:04d}"
        text_path = root / "all" / "text" / f"{name}.txt"
        text_path.write_text("\n".join(variant) + "\n", encoding="utf-8")
        document = read_document(text_path, catalogue)
        (root / "all" / "json" / f"{name}.json").write_text(dump(document, "json"), encoding="utf-8")
        generated.names.append(name)
        generated.cells.append(count_cells(document))
        generated.nudged.append(bool(spots))
    return generated


def subset(generated: Generated, n: int) -> Corpus:
    """A folder per N (check() takes folders), hard-linked to the first n generated files."""
    text_dir, json_dir = generated.root / f"n{n}" / "text", generated.root / f"n{n}" / "json"
    for folder, suffix in ((text_dir, "txt"), (json_dir, "json")):
        folder.mkdir(parents=True)
        for name in generated.names[:n]:
            os.link(generated.root / "all" / folder.name / f"{name}.{suffix}", folder / f"{name}.{suffix}")
    return Corpus(text_dir, json_dir, n, sum(generated.cells[:n]), sum(generated.nudged[:n]))


# -- timing ---------------------------------------------------------------------------------------

STAGES = ("text reader", "structured reader", "engine", "end to end, text", "end to end, structured")


@dataclass
class Timings:
    seconds: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STAGES})
    findings: dict[str, int] = field(default_factory=dict)

    def median(self, stage: str) -> float:
        return statistics.median(self.seconds[stage])

    def best(self, stage: str) -> float:
        return min(self.seconds[stage])


def time_text_reader(corpus: Corpus) -> float:
    catalogue = builtin_catalogue()
    start = time.perf_counter()
    for path in sorted(corpus.text_dir.iterdir()):
        read_document(path, catalogue)
    return time.perf_counter() - start


def time_structured_reader_and_engine(corpus: Corpus, engine: Engine) -> tuple[float, float]:
    """One pass over the JSON files, reader and engine timed separately (no document is kept)."""
    catalogue = builtin_catalogue()
    reading = running = 0.0
    for path in sorted(corpus.json_dir.iterdir()):
        start = time.perf_counter()
        document = read_document(path, catalogue)
        middle = time.perf_counter()
        engine.run(document)
        reading += middle - start
        running += time.perf_counter() - middle
    return reading, running


def time_check(folder: Path) -> tuple[float, int]:
    """The public API end to end: rule loading, expansion of the folder, reading, engine."""
    start = time.perf_counter()
    report = check([folder])
    return time.perf_counter() - start, len(report.findings)


def measure(corpus: Corpus, repeat: int, budget_s: float) -> Timings:
    """Up to `repeat` rounds, stopping early once a round would exceed the time budget."""
    timings = Timings()
    engine = Engine(active_rules(), builtin_catalogue())
    began = time.perf_counter()
    for _ in range(repeat):
        round_began = time.perf_counter()
        timings.seconds["text reader"].append(time_text_reader(corpus))
        reading, running = time_structured_reader_and_engine(corpus, engine)
        timings.seconds["structured reader"].append(reading)
        timings.seconds["engine"].append(running)
        for stage, folder in (("end to end, text", corpus.text_dir), ("end to end, structured", corpus.json_dir)):
            seconds, findings = time_check(folder)
            timings.seconds[stage].append(seconds)
            timings.findings[stage] = findings
        spent, last = time.perf_counter() - began, time.perf_counter() - round_began
        if spent + last > budget_s:
            break
    return timings


def time_version(runs: int) -> tuple[float, float, float]:
    """Median and min wall time of `budgetlint --version`, and of a bare interpreter for scale."""
    exe = shutil.which("budgetlint") or str(Path(sys.executable).with_name("budgetlint"))

    def wall_times(command: list[str]) -> list[float]:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        return times

    version = wall_times([exe, "--version"])
    bare = wall_times([sys.executable, "-c", "pass"])
    return statistics.median(version), min(version), statistics.median(bare)


# -- memory (each N in its own process, so the peaks are that N's alone) --------------------------

def _status_kib(field_name: str) -> int | None:
    """A VmRSS/VmHWM figure of this process (Linux). Not ru_maxrss: a child started by exec inherits
    its parent's high-water mark there, so it would show the benchmark's own peak, not the child's."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_peak_bytes() -> int:
    kib = _status_kib("VmHWM")
    return (kib if kib is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def reset_rss_peak() -> int:
    """Set the peak back to the current RSS (Linux clear_refs 5); returns the current RSS in bytes."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass
    return (_status_kib("VmRSS") or 0) * 1024


def live_documents() -> int:
    return sum(1 for o in gc.get_objects() if type(o) is Document)


def report_breakdown(report: Report) -> dict[str, int]:
    """Bytes the report keeps, by part: drop each list in turn and see how much tracemalloc frees."""
    sizes = {}
    for part in ("findings", "skipped", "files"):
        before = tracemalloc.get_traced_memory()[0]
        setattr(report, part, [])
        gc.collect()
        sizes[part] = before - tracemalloc.get_traced_memory()[0]
    return sizes


def memory_child(folder: Path) -> dict[str, object]:
    """Run in a fresh interpreter: the figures for one folder, as a JSON line on stdout."""
    active_rules()  # load rules and catalogue first so the baseline includes them
    builtin_catalogue()
    gc.collect()
    baseline = reset_rss_peak()
    report = check([folder])
    rss_peak = rss_peak_bytes()
    findings, skips = len(report.findings), len(report.skipped)
    del report
    gc.collect()

    # tracemalloc: peak during the run, what the returned report keeps, and of what
    tracemalloc.start()
    report = check([folder])
    gc.collect()
    retained, peak = tracemalloc.get_traced_memory()
    parts = report_breakdown(report)
    tracemalloc.stop()
    del report
    gc.collect()

    # Documents alive while check() runs, sampled just before each read (the previous one is still
    # bound to check()'s loop variable then, so 1 is the streaming ideal), and after it returns
    files = sum(1 for _ in api.expand([folder]))
    every = max(1, files // 40)  # each sample walks the gc heap: cap their number
    alive, seen = [0], [0]
    real_read = checking.read_document

    def counting_read(*args, **kwargs):
        if seen[0] % every == 0:
            alive[0] = max(alive[0], live_documents())
        seen[0] += 1
        return real_read(*args, **kwargs)

    checking.read_document = counting_read
    try:
        report = check([folder])  # noqa: F841 - kept alive: documents must not outlive check() even so
    finally:
        checking.read_document = real_read
    gc.collect()
    return {"files": files, "findings": findings, "skips": skips, "rss_base": baseline, "rss_peak": rss_peak,
            "peak": peak, "retained": retained, "parts": parts, "alive_during": alive[0],
            "alive_after": live_documents()}


def measure_memory(folder: Path) -> dict[str, object]:
    command = [sys.executable, str(Path(__file__).resolve()), "--memory-child", str(folder)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- profile --------------------------------------------------------------------------------------

def profile_check(folder: Path, top: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    check([folder])
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return "\n".join(line for line in out.getvalue().splitlines() if line.strip())


# -- report ---------------------------------------------------------------------------------------

def mib(n: float) -> str:
    return f"{n / 2**20:7.1f}"


def print_throughput(rows: list[tuple[Corpus, Timings]]) -> None:
    print(f"\n{'stage':<24}{'N':>6}{'docs/s':>9}{'best':>8}{'cells/s':>11}{'ms/doc':>8}{'reps':>6}{'findings':>10}")
    for stage in STAGES:
        for corpus, timings in rows:
            seconds = timings.median(stage)
            findings = timings.findings.get(stage)
            print(f"{stage:<24}{corpus.n:>6}{corpus.n / seconds:>9.1f}{corpus.n / timings.best(stage):>8.1f}"
                  f"{corpus.cells / seconds:>11,.0f}{1000 * seconds / corpus.n:>8.1f}{len(timings.seconds[stage]):>6}"
                  f"{'' if findings is None else findings:>10}")
    print("  docs/s, cells/s, ms/doc: median of the reps; best: the fastest rep (less sensitive to a noisy host)")


def print_memory(rows: list[tuple[int, dict]]) -> None:
    print("\nmemory, end to end on structured input, each N in a fresh process (MiB unless noted)")
    print(f"{'N':>6}{'findings':>10}{'skips':>7}{'rss':>8}{'rss +':>8}{'tm peak':>9}{'report':>8}{'transient':>10}"
          f"{'report B/file: findings':>25}{'skips':>7}{'files':>7}{'docs alive':>12}")
    for n, m in rows:
        parts = {k: v / m["files"] for k, v in m["parts"].items()}
        print(f"{n:>6}{m['findings']:>10}{m['skips']:>7}{mib(m['rss_peak']):>8}{mib(m['rss_peak'] - m['rss_base']):>8}"
              f"{mib(m['peak']):>9}{mib(m['retained']):>8}{mib(m['peak'] - m['retained']):>10}"
              f"{parts['findings']:>25,.0f}{parts['skipped']:>7,.0f}{parts['files']:>7,.0f}"
              f"{m['alive_during']:>6} / {m['alive_after']}")
    print("  rss = peak RSS (VmHWM) of the process; rss + = its growth during check() over the loaded baseline;\n"
          "  tm peak = tracemalloc peak; report = what the returned report keeps; transient = tm peak - report;\n"
          "  docs alive = most Documents alive just before a read / after check() returns")


def verdicts(rows: list[tuple[Corpus, Timings]], memory: list[tuple[int, dict]],
             version: tuple[float, float, float]) -> list[str]:
    lines = []
    worst = min(c.n / t.median("end to end, structured") for c, t in rows)
    lines.append(f"end to end, structured: {worst:.1f} docs/s at worst (target >= {TARGET_DOCS_PER_S}): "
                 f"{'OK' if worst >= TARGET_DOCS_PER_S else 'MISSED'}")
    if len(memory) > 1:
        transient = [m["peak"] - m["retained"] for _, m in memory]
        flat = max(transient) <= 1.25 * min(transient) + 2**20
        streams = all(m["alive_during"] <= 1 and m["alive_after"] == 0 for _, m in memory)
        per_file = max(m["retained"] / m["files"] for _, m in memory)
        lines.append(f"memory: transient {mib(min(transient)).strip()}-{mib(max(transient)).strip()} MiB over "
                     f"N={memory[0][0]}..{memory[-1][0]} ({'flat' if flat else 'GROWS'}); streaming (<=1 document "
                     f"alive): {'yes' if streams else 'NO'}; the report keeps <= {per_file / 1024:.1f} KiB per file")
    same = all(t.findings["end to end, text"] == t.findings["end to end, structured"] for _, t in rows)
    lines.append(f"findings: text and structured inputs give the same count at every N: {'yes' if same else 'NO'}")
    median, fastest, bare = version
    lines.append(f"budgetlint --version: median {median:.3f} s, min {fastest:.3f} s (bare python {bare:.3f} s; "
                 f"target < {TARGET_VERSION_S} s): {'OK' if median < TARGET_VERSION_S else 'MISSED'}")
    return lines


# -- main -----------------------------------------------------------------------------------------

def pin_to_one_core() -> str:
    """Single-core figures: the linter is single-threaded, pinning keeps the scheduler honest."""
    if not hasattr(os, "sched_setaffinity"):
        return "unpinned"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})  # inherited by the memory children
    return f"core {core}"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[50, 200, 800], help="corpus sizes (default 50 200 800)")
    parser.add_argument("--repeat", type=int, default=3, help="timing rounds per N; the median is shown")
    parser.add_argument("--budget", type=float, default=90.0,
                        help="seconds of timing per N before further rounds are dropped (large N gets fewer)")
    parser.add_argument("--seed", type=int, default=2, help="random seed for the nudged amounts")
    parser.add_argument("--version-runs", type=int, default=10)
    parser.add_argument("--no-memory", action="store_true", help="skip the per-N memory processes")
    parser.add_argument("--profile", action="store_true", help="cProfile end to end on structured input, smallest N")
    parser.add_argument("--top", type=int, default=15, help="functions shown by --profile")
    parser.add_argument("--keep", type=Path, help="write the corpora here instead of a temp dir")
    parser.add_argument("--memory-child", type=Path, help=argparse.SUPPRESS)  # internal: one memory run
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    if args.memory_child:
        print(json.dumps(memory_child(args.memory_child)))
        return
    where = pin_to_one_core()
    seed = seed_path()
    seed_doc = read_document(seed, builtin_catalogue())
    print(f"budgetlint {validator.__version__}, Python {sys.version.split()[0]}, {where}; "
          f"seed {seed.relative_to(REPO) if seed.is_relative_to(REPO) else seed}: {len(seed_doc.tables)} tables, "
          f"{count_cells(seed_doc):,} amount cells ({standard_cells(seed_doc):,} in 公开01-09表), "
          f"{len(active_rules())} rules")
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="budgetlint-bench-") as scratch:
        root = args.keep or Path(scratch)
        began = time.perf_counter()
        generated = generate(seed, max(args.n), root, rng)
        print(f"  generated {max(args.n)} disclosures (text + JSON) in {time.perf_counter() - began:.1f} s; "
              f"{sum(generated.nudged)} with nudged amounts", flush=True)
        rows, memory = [], []
        for n in sorted(set(args.n)):
            corpus = subset(generated, n)
            rows.append((corpus, measure(corpus, args.repeat, args.budget)))
            if not args.no_memory:
                memory.append((n, measure_memory(corpus.json_dir)))
            print(f"  N={n} measured", flush=True)
        version = time_version(args.version_runs)
        print_throughput(rows)
        if memory:
            print_memory(memory)
        print()
        for line in verdicts(rows, memory, version):
            print(line)
        if args.profile:
            print(f"\ncProfile, check() on {rows[0][0].n} structured files:")
            print(profile_check(rows[0][0].json_dir, args.top))


if __name__ == "__main__":
    main()
