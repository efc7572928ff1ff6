"""Peak memory and time of `budgetlint check` on each fuzzing reproducer (issue 16), one process each.

    python benchmarks/reproducers.py DIR [--timeout 60]

DIR holds the reproducers (files, or folders of rule files / configuration named R20_*, R21_*). Each
input file is checked in its own `budgetlint check --format json` process; rule files are given with
--rules to a check of a small disclosure, configuration files with --config. Printed per input: exit
code, wall seconds, peak resident memory (MiB, from the kernel's accounting of the child), whether
stderr held a traceback and whether the report holds an internal error; then the ceiling over all.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

DISCLOSURE = "2024年部门决算\n本年收入合计100.00万元，其中财政拨款收入60.00万元、其他收入40.00万元。\n"


def commands(directory: Path, disclosure: Path) -> list[tuple[str, list[str], Path]]:
    """(name, budgetlint arguments, working directory) for every reproducer in the directory."""
    runs = []
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or path.name.lower() == "readme.md":
            continue
        files = sorted(p for p in path.iterdir()) if path.is_dir() else [path]
        for file in files:
            name = f"{path.name}/{file.name}" if path.is_dir() else path.name
            if path.name.startswith("R20"):
                runs.append((name, ["--rules", str(file), str(disclosure)], directory))
            elif path.name.startswith("R21") and file.suffix == ".toml":
                runs.append((name, ["--config", str(file), str(disclosure)], directory))
            elif path.name.startswith("R21"):  # a folder holding pyproject.toml: found by discovery
                runs.append((name, [str(disclosure)], file if file.is_dir() else file.parent))
            else:
                runs.append((name, [str(file)], directory))
    return runs


def measure(arguments: list[str], cwd: Path, timeout: float) -> tuple[int | str, float, float, bool, bool]:
    """Exit code, wall seconds, the child's own peak RSS in MiB (os.wait4), a traceback on stderr, an
    internal error (a READ-01 saying 内部错误) in the report."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen([sys.executable, "-m", "validator", "check", "--format", "json", *arguments],
                                   cwd=cwd, stdout=stdout, stderr=stderr)
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        stdout.seek(0)
        traceback, internal = b"Traceback" in stderr.read(), "内部错误".encode() in stdout.read()
    code: int | str = "timeout" if process.returncode == -signal.SIGKILL else process.returncode
    return code, time.monotonic() - started, usage.ru_maxrss / 1024, traceback, internal


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--timeout", type=float, default=60.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        disclosure = Path(scratch) / "说明.txt"
        disclosure.write_text(DISCLOSURE, encoding="utf-8")
        print(f"{'reproducer':58} {'exit':>7} {'s':>6} {'MiB':>7}  traceback  internal error")
        ceiling, slowest = 0.0, 0.0
        for name, arguments, cwd in commands(options.directory.resolve(), disclosure):
            code, seconds, peak, traceback, internal = measure(arguments, cwd, options.timeout)
            ceiling, slowest = max(ceiling, peak), max(slowest, seconds)
            print(f"{name:58} {code!s:>7} {seconds:6.1f} {peak:7.0f}  {'YES' if traceback else 'no':9}  "
                  f"{'YES' if internal else 'no'}")
        print(f"ceiling: {ceiling:.0f} MiB peak resident memory, slowest {slowest:.1f} s")


if __name__ == "__main__":
    main()
