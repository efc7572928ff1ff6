"""Checking many files in worker processes (`budgetlint check DIR --jobs N`).

Each worker builds its engine once (rules loaded and compiled per process, not per file), then reads
and checks one file per task and sends back its FileOutcome. The caller merges outcomes by input
position, so the report does not depend on which worker finished first.

A file that kills its worker (a crash in a native library, the memory limit) breaks the whole pool:
every file still in flight is then retried alone in a fresh one-worker pool, and the one that breaks
that too is reported as unreadable (READ-01); the run goes on. A file that takes longer than the
time limit is stopped inside its worker by an alarm and reported the same way (check_in_time, which
validator.dask_executor's workers use too).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator, MutableMapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from .checking import CheckOptions, FileChecker, FileOutcome, Progress, configured_rules, unreadable
from .thread_alarm import thread_alarm

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

_checker: FileChecker | None = None  # one per worker process, built by _start_worker


def check_in_parallel(files: list[Path], options: CheckOptions, jobs: int, done: MutableMapping[int, FileOutcome],
                      progress: Progress | None) -> None:
    """Fill `done` (input position -> outcome) for every file. On Ctrl-C the workers are ended at once
    and KeyboardInterrupt propagates, with `done` holding what finished."""
    suspects = _run_pool(list(enumerate(files)), options, min(jobs, len(files)), done, progress, len(files))
    for index, path in suspects:  # alone, so that a broken pool names its file
        if _run_pool([(index, path)], options, 1, done, progress, len(files)):
            done[index] = unreadable(path, "检查此文件时工作进程意外退出（文件可能损坏或含恶意内容）")
            if progress:
                progress(len(done), len(files), str(path))


def _run_pool(tasks: list[tuple[int, Path]], options: CheckOptions, workers: int, done: MutableMapping[int, FileOutcome],
              progress: Progress | None, total: int) -> list[tuple[int, Path]]:
    """Run the tasks in one pool; the tasks whose worker died (the pool broke) are returned."""
    # Imported here: a check of one file (or with --jobs 1) needs no process pool, whose import is a
    # twentieth of its start-up.
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    pool = ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(options,))
    broken = []
    try:
        pending: dict[Future[FileOutcome], tuple[int, Path]] = {
            pool.submit(_check_one, path): (index, path) for index, path in tasks}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index, path = pending.pop(future)
                try:
                    done[index] = future.result()
                except BrokenProcessPool:
                    broken.append((index, path))
                    continue
                if progress:
                    progress(len(done), total, str(path))
    except BaseException:
        _end_now(pool)
        raise
    pool.shutdown()
    return sorted(broken)


def _end_now(pool: ProcessPoolExecutor) -> None:
    """Ctrl-C: end the workers instead of waiting for their current file, which may take minutes
    (up to --timeout) and would hold up the exit; that file is counted as not checked."""
    workers = list(pool._processes.values())  # no public handle before Python 3.14 (terminate_workers)
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.terminate()


def _start_worker(options: CheckOptions) -> None:
    global _checker
    # Ctrl-C reaches the whole process group: only the parent decides what to do about it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _checker = FileChecker(options, configured_rules(options))


def _check_one(path: Path) -> FileOutcome:
    assert _checker is not None, "worker started without _start_worker"
    return check_in_time(_checker, path)


def check_in_time(checker: FileChecker, path: Path, copy: Path | None = None,
                  ignored: list[str] | None = None) -> FileOutcome:
    """Check one file (its bytes at `copy` when given, with the rules `ignored` for it when given:
    FileChecker.check_copy), stopped after the options' timeout: by an alarm
    in a main thread (a worker process's, or a run without workers: a single file gets the same limit
    as a batch), by a timer in any other (a Dask worker's task)."""
    timeout = checker.options.timeout
    if not timeout:
        limit: AbstractContextManager[None] = nullcontext()
    elif threading.current_thread() is threading.main_thread():
        limit = _alarm(timeout)
    else:
        limit = thread_alarm(timeout, _OutOfTime)
    try:
        with limit:
            return checker.check(path) if copy is None else checker.check_copy(path, copy, ignored)
    except _OutOfTime:
        return unreadable(path, f"检查超过 {timeout:g} 秒，已停止（文件可能过大或含恶意内容）")


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class _OutOfTime(BaseException):
    """The time limit of one file; not an Exception, so that no reader or engine handler swallows it."""


def _out_of_time(signum: int, frame: FrameType | None) -> None:
    raise _OutOfTime
