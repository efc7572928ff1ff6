"""Checking many files on a Dask cluster (`budgetlint check DIR --executor dask --scheduler tcp://HOST:8786`).

The per-file work of validator.batch, run by Dask distributed workers on this or other machines (each
with the same budgetlint installed). Files travel as bytes: this process reads each one, a worker
writes it to a temporary file of the same name (the year may be read from the name), checks that, and
the outcome names the original path. Two files per worker thread are in flight at most, so this
process never holds a whole folder. Each worker thread builds its checker once, not once per file.

A file whose worker dies while checking it is retried on other workers by the scheduler (up to its
`distributed.scheduler.allowed-failures`, 3 by default); when the scheduler gives up (KilledWorker),
the file is tried once more alone, so that a file merely queued beside the culprit is not blamed, and
is then reported as unreadable (READ-01). The per-file time limit is kept by a timer in the worker's
task thread (validator.thread_alarm), where no alarm signal reaches.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .batch import check_in_time
from .checking import (
    CheckOptions,
    FileChecker,
    FileOutcome,
    Progress,
    configured_rules,
    glob_root,
    ignored_rules,
    ignoring,
    unreadable,
)
from .errors import BudgetlintError, ExecutorError
from .version import __version__

if TYPE_CHECKING:
    from distributed import Client, Future

IN_FLIGHT_PER_THREAD = 2  # one being checked, one on its way: workers never wait, the client holds little
CONNECT_SECONDS = 10
LARGEST_TASK_BESIDE_FILE = 2**20  # bytes: the options and the path
WORKERS_DIED = "检查此文件时工作节点多次意外退出（文件可能损坏或含恶意内容）"


def check_on_cluster(files: list[Path], options: CheckOptions, scheduler: str, done: dict[int, FileOutcome],
                     progress: Progress | None) -> None:
    """Fill `done` (input position -> outcome) for every file, checked by the workers of the Dask
    scheduler at `scheduler`. On Ctrl-C the files in flight are cancelled and KeyboardInterrupt
    propagates, with `done` holding what finished. Raises ExecutorError when the cluster cannot
    check (nothing is checked then)."""
    client = _connect(scheduler)
    import dask  # installed with distributed, which _connect found

    # A file travels in its task once; Dask's warning about large task graphs is for data sent again and again
    largest = {"distributed.admin.large-graph-warning-threshold": options.max_bytes + LARGEST_TASK_BESIDE_FILE}
    try:
        _same_budgetlint(client)
        run = _ClusterRun(client, files, options, done, progress)
        window = IN_FLIGHT_PER_THREAD * sum(client.nthreads().values())
        with dask.config.set(largest):
            for index in run.check(range(len(files)), window):
                if run.check([index], 1):  # alone, so that a worker's death names its file
                    run.record(index, unreadable(files[index], WORKERS_DIED))
    finally:
        client.close()


class _ClusterRun:
    """One run's files sent to the cluster, a few at a time, and their outcomes recorded."""

    def __init__(self, client: Client, files: list[Path], options: CheckOptions, done: dict[int, FileOutcome],
                 progress: Progress | None) -> None:
        self.client, self.files, self.options, self.done, self.progress = client, files, options, done, progress
        self.root = glob_root(options)
        # What the workers need, valid on another machine: absolute paths (a worker's folder is not ours);
        # per-file-ignores are applied here, where the globs' paths are the user's
        self.for_workers = replace(options, rules=tuple(map(Path.absolute, options.rules)),
                                   tables=tuple(map(Path.absolute, options.tables)), root=self.root,
                                   per_file_ignores=())
        self._here: FileChecker | None = None

    def check(self, indices: range | list[int], window: int) -> list[int]:
        """Check these files with at most `window` in flight; those whose workers kept dying are returned."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        waiting = iter(indices)
        in_flight: dict[Future, int] = {}
        finished = as_completed(loop=self.client.loop)
        killed = []

        def top_up() -> None:
            for index in waiting:
                future = self.submit(index)
                if future is not None:
                    in_flight[future] = index
                    finished.add(future)
                    if len(in_flight) == window:
                        return

        try:
            top_up()
            for future in finished:
                index = in_flight.pop(future)
                try:
                    self.record(index, future.result())
                except KilledWorker:
                    killed.append(index)
                except BudgetlintError as error:  # the worker cannot build its checker: it stops the run
                    raise ExecutorError(f"工作节点无法加载规则：{error}（--rules 与配置中的规则文件、表格目录"
                                        "须在每台工作节点上的同一路径）") from None
                top_up()
        except BaseException:
            self.client.cancel(list(in_flight))
            raise
        return killed

    def submit(self, index: int) -> Future | None:
        """The file sent to a worker, or, when it cannot travel, checked here at once (None)."""
        path = self.files[index]
        try:
            data = path.read_bytes() if path.stat().st_size <= self.options.max_bytes else None
        except OSError:
            data = None
        if data is None:  # too large or unreadable: refused here without being read, in a local run's words
            self.record(index, check_in_time(self._checker_here(), path))
            return None
        ignored = ignored_rules(self.options, path, self.root)  # the globs hold here, not on a worker
        return self.client.submit(_check_copy, self.for_workers, path, data, ignored, pure=False)

    def record(self, index: int, outcome: FileOutcome) -> None:
        path = self.files[index]
        self.done[index] = ignoring(outcome, ignored_rules(self.options, path, self.root))
        if self.progress:
            self.progress(len(self.done), len(self.files), str(path))

    def _checker_here(self) -> FileChecker:
        if self._here is None:
            self._here = FileChecker(self.for_workers, configured_rules(self.for_workers))
        return self._here


def _connect(scheduler: str) -> Client:
    try:
        from distributed import Client
    except ImportError as error:
        raise ExecutorError(f"--executor dask 需要额外的依赖（缺少 {error.name}）：pip install 'budgetlint[dask]'") from None
    try:
        asyncio.run(_reachable(scheduler))
    except ValueError as error:
        raise ExecutorError(f"Dask 调度器地址 {scheduler} 无效（{error}）：应形如 tcp://主机:8786") from None
    except Exception:  # refused, timed out, or what answers is no Dask scheduler
        raise ExecutorError(f"无法连接 Dask 调度器 {scheduler}：{CONNECT_SECONDS} 秒内没有连上，或对方不是 Dask 调度器"
                            "（请确认地址、端口和调度器已启动）") from None
    client = Client(scheduler, timeout=CONNECT_SECONDS, set_as_default=False)
    try:
        client.wait_for_workers(1, timeout=CONNECT_SECONDS)
    except TimeoutError:
        client.close()
        raise ExecutorError(f"Dask 调度器 {scheduler} 上 {CONNECT_SECONDS} 秒内没有工作节点：请先启动 dask worker") from None
    return client


async def _reachable(scheduler: str) -> None:
    """A connection to the scheduler opened and closed: a Client that fails to connect is left half
    built, and its clean-up would hang and print a traceback."""
    from distributed.comm import connect

    comm = await connect(scheduler, timeout=CONNECT_SECONDS)
    await comm.close()


def _same_budgetlint(client: Client) -> None:
    """Every worker runs the budgetlint of this process (the rules, and the findings, are its)."""
    workers = client.get_versions(packages=["budgetlint"])["workers"]
    for address, versions in sorted(workers.items()):
        theirs = versions["packages"].get("budgetlint")
        if theirs != __version__:
            what = "没有安装 budgetlint" if theirs is None else f"安装的是 budgetlint {theirs}"
            raise ExecutorError(f"工作节点 {address} {what}，本机是 {__version__}：每台工作节点须安装同一版本")


_per_thread = threading.local()  # a checker keeps per-file state: one per worker thread


def _check_copy(options: CheckOptions, path: Path, data: bytes, ignored: list[str]) -> FileOutcome:
    """On a worker: the file's bytes checked in a temporary copy of the same name, the outcome naming `path`."""
    checker = getattr(_per_thread, "checker", None)
    if checker is None or checker.options != options:  # built once per thread, again for another run's options
        checker = _per_thread.checker = FileChecker(options, configured_rules(options))
    with tempfile.TemporaryDirectory(prefix="budgetlint-") as folder:
        copy = Path(folder) / path.name
        copy.write_bytes(data)
        return check_in_time(checker, path, copy, ignored)
