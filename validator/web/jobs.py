"""Running the queued checks: one worker process beside the web server, the database as the queue.

The worker takes the oldest queued checks (marking each running in the same statement that tests it
is still queued, so no check is taken twice), runs the batch runner over their files (its worker
processes, per-file size and time limits; an unreadable file is a READ-01 finding and the others go
on), marks each file done as it finishes, and writes the reports, findings and counts when all are
done. A check is the unit of recovery: one found running when the service starts was cut off by a
restart and is queued again whole (its findings are only written when it finishes, so none are doubled).
"""

from __future__ import annotations

import multiprocessing
import signal
import sys
import traceback
from datetime import datetime, timezone
from multiprocessing.connection import Connection

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from ..api import merged_report
from ..batch import check_in_parallel
from ..checking import CheckOptions, FileOutcome, configured_rules
from ..findings import Report
from . import models
from .database import connect, sessions
from .results import annotate, finding_rows, relabel, write_reports
from .settings import ServiceSettings

POLL_SECONDS = 0.5  # how soon the worker sees a new check


def requeue_interrupted(make_session: sessionmaker[Session]) -> int:
    """Queue again the checks a stopped service left running; returns how many."""
    with make_session.begin() as session:
        running = session.scalars(select(models.Check.id).where(models.Check.state == models.RUNNING)).all()
        session.execute(update(models.Check).where(models.Check.id.in_(running)).values(state=models.QUEUED))
        session.execute(update(models.Document).where(models.Document.check_id.in_(running))
                        .values(state=models.QUEUED, kind=None, error=None))
    return len(running)


def work_off(settings: ServiceSettings, make_session: sessionmaker[Session]) -> int:
    """Run queued checks until none is left; returns how many ran."""
    count = 0
    while check_ids := _claim(make_session, settings.max_files):
        try:
            _run(check_ids, settings, make_session)
        except Exception:  # a bug of budgetlint: the checks say so, the next ones run
            for check_id in check_ids:
                _fail(check_id, make_session, traceback.format_exc(limit=3))
        count += len(check_ids)
    return count


def _claim(make_session: sessionmaker[Session], max_files: int) -> list[str]:
    """The oldest queued checks, as many as have `max_files` files together (one at least), marked running.

    Taken together, many small checks keep every worker process of one batch busy instead of each
    starting a pool of its own."""
    taken: list[str] = []
    files = 0
    with make_session.begin() as session:
        queued = session.execute(
            select(models.Check.id, func.count(models.Document.id)).join(models.Document)
            .where(models.Check.state == models.QUEUED).group_by(models.Check.id, models.Check.created)
            .order_by(models.Check.created).limit(max_files))
        for check_id, count in queued:
            if taken and files + count > max_files:
                break
            claimed = session.execute(update(models.Check).where(models.Check.id == check_id,
                                                                 models.Check.state == models.QUEUED)
                                      .values(state=models.RUNNING))
            if claimed.rowcount == 1:
                taken.append(check_id)
                files += count
    return taken


def _run(check_ids: list[str], settings: ServiceSettings, make_session: sessionmaker[Session]) -> None:
    """Check the files of the checks in one batch, then write each check's reports and findings."""
    with make_session.begin() as session:
        documents = session.scalars(select(models.Document).where(models.Document.check_id.in_(check_ids))
                                    .order_by(models.Document.check_id, models.Document.position)).all()
        for document in documents:
            document.state = models.RUNNING
    paths = [settings.checks_folder / d.check_id / d.stored_file for d in documents]
    by_path = {str(path): document for path, document in zip(paths, documents, strict=True)}

    def progress(done: int, total: int, path: str) -> None:
        with make_session.begin() as session:
            session.execute(update(models.Document).where(models.Document.id == by_path[path].id)
                            .values(state=models.DONE))

    options = CheckOptions(max_bytes=settings.max_file_bytes, timeout=settings.timeout, keep_documents=True)
    rules = configured_rules(options)
    outcomes: dict[int, FileOutcome] = {}
    check_in_parallel(paths, options, settings.jobs, outcomes, progress)
    for check_id in check_ids:
        own = {i: outcome for i, outcome in outcomes.items() if documents[i].check_id == check_id}
        report = merged_report(own, rules, options.keep_documents)
        relabel(report, {str(paths[i]): documents[i].file_name for i in own})
        folder = settings.checks_folder / check_id
        write_reports(report, folder)
        for i in own:
            annotate(report, documents[i], folder)
        _finish(check_id, report, make_session)


def _finish(check_id: str, report: Report, make_session: sessionmaker[Session]) -> None:
    with make_session.begin() as session:
        check = session.get_one(models.Check, check_id)
        by_name = {d.file_name: d for d in check.documents}
        # a worker orphaned by a killed service may finish a check that the restarted one ran again: replace, not add
        session.execute(delete(models.Finding).where(models.Finding.document_id.in_([d.id for d in check.documents])))
        for result in report.files:
            document = by_name[result.path]
            document.kind, document.error, document.state = result.document_kind, result.error, models.DONE
        session.add_all(finding_rows(report, by_name))
        check.errors, check.warnings, check.infos = report.count("error"), report.count("warning"), report.count("info")
        check.state, check.finished = models.DONE, datetime.now(timezone.utc)


def _fail(check_id: str, make_session: sessionmaker[Session], reason: str) -> None:
    with make_session.begin() as session:
        check = session.get(models.Check, check_id)
        if check is None:  # deleted while it ran
            return
        check.state, check.failure, check.finished = models.FAILED, reason, datetime.now(timezone.utc)


class Worker:
    """The worker process of a running service, started and stopped with it.

    It is told to stop over a pipe (not a multiprocessing Event, whose set() hangs when the process
    waiting on it was killed), and stops by itself when the service dies: its end of the pipe then
    reads end-of-file."""

    def __init__(self, settings: ServiceSettings) -> None:
        context = multiprocessing.get_context("spawn")  # not fork: the web server has threads
        self._orders, theirs = context.Pipe()
        # not a daemon: the batch runner starts worker processes of its own
        self._process = context.Process(target=_work, args=(settings, theirs), name="budgetlint-worker")
        self._theirs = theirs

    def start(self) -> None:
        self._process.start()
        self._theirs.close()

    def stop(self, wait: float = 5.0) -> None:
        """Ask the worker to stop; a check still running after `wait` seconds is cut off (and requeued
        when the service starts again)."""
        try:
            self._orders.send("stop")
        except OSError:
            pass  # it is gone already
        self._process.join(wait)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._orders.close()


def _work(settings: ServiceSettings, orders: Connection) -> None:
    # Ctrl-C reaches the whole process group: the service decides, and tells this process over the pipe
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    make_session = sessions(connect(settings.database))
    while True:
        try:
            work_off(settings, make_session)
        except Exception as error:  # the database away for a moment: say so and try again, do not stop working
            print(f"budgetlint 工作进程：无法读取检查队列（{type(error).__name__}: {error}），稍后重试", file=sys.stderr)
        if orders.poll(POLL_SECONDS):  # told to stop, or the service is gone
            return
