"""What a reporter is given, piece by piece: the run's start, each file's part in input order, the
run's end. A batch run hands the parts over as the files are checked (validator.streaming), so that no
report is held whole; `whole` hands over a Report's parts, so that `render(report)` writes the same
bytes with the same code.

A reporter's Writer has `__init__(out, start)`, `add(part)` and `finish(end)`, and writes to `out`
(anything with `write(str)`) as early as its format allows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from io import StringIO
from typing import Any, Protocol, TextIO

from ..findings import FileResult, Finding, Report, RuleInfo, Skip, Tally
from ..model import Document


@dataclass(frozen=True)
class RunStart:
    version: str
    rules: dict[str, RuleInfo]  # the rules that ran, by id (READ-01 too)
    verbose: bool = False
    with_statistics: bool = False
    baseline: bool = False  # findings a baseline lists are left out


@dataclass(frozen=True)
class FilePart:
    """One checked file: its result (None for findings a hand-made Report lists under no checked file),
    its findings (those found between it and another file last) and the rules skipped on it."""

    result: FileResult | None
    findings: list[Finding]
    skips: list[Skip] = field(default_factory=list)
    # rules skipped when comparing it with other files: in `RunEnd.skips` (reported after every file),
    # and here too for formats that list a file's skips with it (JUnit)
    late_skips: list[Skip] = field(default_factory=list)
    document: Document | None = None  # as read, when the run keeps the documents (for the Report of the API)


@dataclass(frozen=True)
class RunEnd:
    tally: Tally  # the counts of every part given (not_checked and baselined included)
    compared: list[dict[str, Any]] | None = None  # files compared with each other (a run of several files)
    skips: list[Skip] = field(default_factory=list)  # rules skipped when comparing files, after the files' own


class Writer(Protocol):
    def add(self, part: FilePart) -> None: ...

    def finish(self, end: RunEnd) -> None: ...


def whole(report: Report, make: Callable[[TextIO, RunStart], Writer], verbose: bool = False) -> str:
    """The report written by a Writer from its parts, as text."""
    out = StringIO()
    writer = make(out, start_of(report, verbose))
    parts, late = parts_of(report)
    for part in parts:
        writer.add(part)
    writer.finish(RunEnd(report.tally(), report.compared, late))
    return out.getvalue()


def start_of(report: Report, verbose: bool = False) -> RunStart:
    return RunStart(report.version, report.rules, verbose, report.with_statistics, report.baselined is not None)


def parts_of(report: Report) -> tuple[list[FilePart], list[Skip]]:
    """The report's files with their findings and skips (those that follow each file's in the report's
    order), then the skips left after the last file's; findings of no checked file come last, by file."""
    findings, skips = _Cursor(report.findings), _Cursor(report.skipped)
    parts = [FilePart(result, findings.take(result.path), skips.take(result.path)) for result in report.files]
    rest = skips.rest()
    parts = [FilePart(p.result, p.findings, p.skips, [s for s in rest if s.file == p.result.path])
             if p.result else p for p in parts]
    by_file: dict[str, list[Finding]] = {}
    for finding in findings.rest():
        by_file.setdefault(finding.file, []).append(finding)
    return parts + [FilePart(None, listed) for listed in by_file.values()], rest


class _Cursor:
    """Items with a `file`, taken in runs of one file from the front."""

    def __init__(self, items: list[Any]) -> None:
        self.items, self.at = items, 0

    def take(self, file: str) -> list[Any]:
        start = self.at
        while self.at < len(self.items) and self.items[self.at].file == file:
            self.at += 1
        return self.items[start:self.at]

    def rest(self) -> list[Any]:
        return self.items[self.at:]


class LinePerFinding:
    """A Writer of formats that are one line per finding and nothing else (JSON Lines, GitHub commands)."""

    def __init__(self, out: TextIO, start: RunStart) -> None:
        self.out = out

    def line(self, finding: Finding) -> str:
        raise NotImplementedError

    def add(self, part: FilePart) -> None:
        if part.findings:  # one write per file: a run stopped by Ctrl-C leaves whole lines
            self.out.write("".join(self.line(finding) + "\n" for finding in part.findings))

    def finish(self, end: RunEnd) -> None:
        pass
