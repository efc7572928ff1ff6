"""A run's outcomes handed to its reports in input order as the files are checked, and dropped.

The executors (batch.check_in_parallel, the API's one-process loop) fill `done[index] = outcome`;
`done` is an OutcomeStream, which passes each outcome on as soon as those before it are in (a small
reorder buffer holds only the outcomes finished ahead of their turn) and keeps none. A Run turns the
outcomes into report parts: the baseline applied file by file, the counts tallied, the writers fed.

What needs the whole run: documents compared with each other (budgets whose cover names their unit and
year; validator.cross_documents). What the comparison reads of them waits in a temporary file
(validator.kept_documents), and from the first of them on the outcomes wait in a spool too, because
what is found between two files follows the findings of the file it is reported in. A run without such
documents, nearly every sweep of 决算, is written as it goes.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import Any

from .baseline import Baseline
from .checking import CheckOptions, FileOutcome, configured_catalogue, glob_root, ignored_rules, without_ignored
from .cross_documents import CrossDocumentChecker
from .findings import Finding, Skip, Tally
from .kept_documents import KeptDocuments
from .reporters.parts import FilePart, RunEnd, Writer
from .ruleset import Rule
from .spool import PickleSpool


class OutcomeStream:
    """The `done` of an executor: index -> outcome in, outcomes out in input order, none kept."""

    def __init__(self, deliver: Callable[[FileOutcome], None]) -> None:
        self._deliver = deliver
        self._ahead: dict[int, FileOutcome] = {}  # finished before an earlier file
        self._next = 0  # the index whose outcome is delivered next
        self._flushed: set[int] = set()  # delivered ahead of their turn when the run was stopped

    def __setitem__(self, index: int, outcome: FileOutcome) -> None:
        if index in self:
            raise ValueError(f"file {index} was checked twice")
        self._ahead[index] = outcome
        while self._next in self._ahead:
            outcome = self._ahead.pop(self._next)
            with _interrupt_after():  # a file's part is written whole or not at all
                self._deliver(outcome)
            self._next += 1

    def __contains__(self, index: object) -> bool:
        return isinstance(index, int) and (0 <= index < self._next or index in self._ahead or index in self._flushed)

    def __len__(self) -> int:
        return self._next + len(self._ahead) + len(self._flushed)

    def held(self) -> int:
        """Outcomes waiting for an earlier file."""
        return len(self._ahead)

    def flush(self) -> None:
        """A stopped run: the outcomes that finished ahead of a file never checked, in input order."""
        for index in sorted(self._ahead):
            with _interrupt_after():
                self._deliver(self._ahead.pop(index))
                self._flushed.add(index)


class Run:
    """One check's outcomes made into report parts for the writers, in input order."""

    def __init__(self, files: list[Path], options: CheckOptions, rules: list[Rule], writers: list[Writer],
                 baseline: Baseline | None = None, spool: bool = True) -> None:
        self.files, self.options, self.rules, self.writers, self.baseline = files, options, rules, writers, baseline
        self.tally = Tally()
        self.budgets = KeptDocuments()  # to compare with each other at the end
        # the outcomes from the first document to compare on, in a spool (or a list, where a Report holds them anyway)
        self.waiting: PickleSpool | list[FileOutcome] | None = None
        self.spool = spool
        self.done = OutcomeStream(self._arrived)

    def _arrived(self, outcome: FileOutcome) -> None:
        if self.options.compare_documents and outcome.kept is not None:
            self.budgets.append(outcome.kept)
            if self.waiting is None:
                self.waiting = PickleSpool() if self.spool else []
        if self.waiting is None:
            self._emit(outcome)
        else:
            self.waiting.append(replace(outcome, kept=None))

    def _emit(self, outcome: FileOutcome, between: list[Finding] | None = None,
              late_skips: list[Skip] | None = None) -> None:
        findings = [*outcome.findings, *(between or ())]
        if self.baseline is not None:
            findings = self.baseline.new(findings)
        self.tally.add_file(outcome.result)
        self.tally.add_findings(findings)
        self.tally.skipped += len(outcome.skips)
        part = FilePart(outcome.result, findings, outcome.skips, late_skips or [], outcome.document)
        for writer in self.writers:
            writer.add(part)

    def finish(self, interrupted: bool = False) -> Tally:
        """The files compared (not after Ctrl-C), the waiting outcomes passed on, the writers finished."""
        if interrupted:
            self.done.flush()
        checked = len(self.done)
        compared, between, skips, failed = None, {}, [], set()
        if self.options.compare_documents and not interrupted:
            compared, between, skips, failed = self._compare()
        for outcome in self.waiting or ():
            path = outcome.result.path
            if path in failed:
                outcome = replace(outcome, result=replace(outcome.result, internal_error=True))
            ignored = ignored_rules(self.options, Path(path), glob_root(self.options))
            self._emit(outcome, without_ignored(between.get(path, []), ignored), [s for s in skips if s.file == path])
        if self.waiting is not None and not isinstance(self.waiting, list):
            self.waiting.close()
        self.budgets.close()
        self.tally.skipped += len(skips)
        self.tally.baselined = self.baseline.left_out if self.baseline is not None else None
        self.tally.not_checked = [str(path) for index, path in enumerate(self.files) if index not in self.done]
        assert checked == self.tally.files, "every outcome was passed on"
        for writer in self.writers:
            writer.finish(RunEnd(self.tally, compared, skips))
        return self.tally

    def _compare(self) -> tuple[list[dict[str, Any]], dict[str, list[Finding]], list[Skip], set[str]]:
        """The documents of the run compared with each other: what was compared, the findings between
        two files by the file they are reported in, the rules skipped, the files whose comparison failed."""
        checker = CrossDocumentChecker(self.rules, configured_catalogue(self.options), self.options.show_rounding)
        compared, findings, skips = checker.check_kept(self.budgets.sketches, self.budgets.load)
        between: dict[str, list[Finding]] = {}
        for finding in findings:
            between.setdefault(finding.file, []).append(finding)
        return [pair.to_dict() for pair in compared], between, skips, set(checker.failed)


@contextmanager
def _interrupt_after() -> Iterator[None]:
    """Ctrl-C while a file's part is being written takes effect once it is written."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return
    pressed: list[int] = []

    def remember(signum: int, frame: FrameType | None) -> None:
        pressed.append(signum)

    previous = signal.signal(signal.SIGINT, remember)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        raise KeyboardInterrupt
