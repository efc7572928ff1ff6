"""The Python API: `check(paths)` returns the same report the CLI prints as JSON; `stream` hands each
file's part to writers as the files are checked (the CLI's reports of a batch)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .batch import check_in_parallel, check_in_time
from .baseline import Baseline
from .checking import (
    READ_RULE,
    READ_RULE_INFO,
    CheckOptions,
    FileChecker,
    FileOutcome,
    Progress,
    configured_rules,
    glob_matches,
    glob_root,
)
from .findings import Report, RuleInfo, Tally
from .readers import looks_like_a_disclosure
from .reporters.parts import FilePart, RunEnd, Writer
from .ruleset import Rule
from .streaming import Run
from .version import __version__

if TYPE_CHECKING:
    from .cache import OutcomeCache


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a check: carries the counts of the files done so far (and, from `check`, their report)."""

    def __init__(self, tally: Tally, report: Report | None = None) -> None:
        super().__init__()
        self.tally, self.report = tally, report


def expand(paths: Iterable[Path | str], options: CheckOptions | None = None) -> Iterator[Path]:
    """Files as given, and every disclosure-like file under a folder (recursively, sorted, hidden ones left out).

    A file found in a folder is left out when it, or a folder between it and the one given, matches an
    `exclude` glob; a file named explicitly (or a folder above it in the root) only with `force_exclude`
    (as ruff: a pre-commit hook names every staged file, and the configuration's exclusions hold for them)."""
    options = options or CheckOptions()
    root = glob_root(options)
    for path in map(Path, paths):
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                below = found.relative_to(path).parts
                if (found.is_file() and looks_like_a_disclosure(found) and not any(p.startswith(".") for p in below)
                        and not _excluded(found, path, options.exclude, root)):
                    yield found
        elif not (options.force_exclude and _excluded(path, root, options.exclude, root)):
            yield path


def active_rules(extra: Iterable[Path | str] = (), select_ids: Iterable[str] | None = None,
                 ignore_ids: Iterable[str] | None = None) -> list[Rule]:
    return configured_rules(CheckOptions(tuple(map(Path, extra)), _ids(select_ids), _ids(ignore_ids)))


def check(paths: Iterable[Path | str], options: CheckOptions | None = None, *, jobs: int = 1,
          progress: Progress | None = None, cache: OutcomeCache | None = None, scheduler: str | None = None,
          **settings: Any) -> Report:
    """Read every input, run the rules, and return the report (findings sorted by file and place).

    `settings` are CheckOptions fields (`select_ids=["T"]`, `show_rounding=True` …), over `options`.
    With jobs > 1 the files are checked in that many worker processes, with a scheduler's address
    (tcp://HOST:8786) by the workers of that Dask cluster; the report is the same, in input order.
    With a `cache` (opened with the same options) only the files it keeps no outcome for are checked,
    each outcome stored as it arrives. Raises RuleError for an invalid rule file, ExecutorError for a
    cluster that cannot check, Interrupted (with the partial report) on Ctrl-C; an unreadable input is
    an error finding, not an exception.
    """
    options = replace(options or CheckOptions(), **_as_tuples(settings))
    collectors: list[_Collector] = []

    def collector(rules: dict[str, RuleInfo]) -> list[Writer]:
        collectors.append(_Collector(Report(version=__version__, rules=rules), options.keep_documents))
        return list(collectors)

    try:
        stream(paths, options, collector, jobs=jobs, progress=progress, spool=False, cache=cache,
               scheduler=scheduler)
    except Interrupted as stop:
        raise Interrupted(stop.tally, collectors[0].report) from None
    return collectors[0].report


def stream(paths: Iterable[Path | str], options: CheckOptions, writers: Callable[[dict[str, RuleInfo]], list[Writer]],
           *, jobs: int = 1, progress: Progress | None = None, baseline: Baseline | None = None,
           spool: bool = True, cache: OutcomeCache | None = None, scheduler: str | None = None) -> Tally:
    """Check the inputs and hand each file's part to the writers (made from the rules that run) as soon
    as the files before it are done; returns the counts. No file's outcome is kept, except those that
    wait, in a spool (or, with spool=False, in memory), for documents compared with each other (those
    documents wait on disk either way: validator.kept_documents).
    Raises Interrupted on Ctrl-C, after finishing the writers with the files done."""
    rules = configured_rules(options)  # here too with workers: a bad rule file stops the run before it starts
    files = list(expand(paths, options))
    options = replace(options, compare_documents=len(files) > 1)
    run = Run(files, options, rules, writers(rule_infos(rules)), baseline, spool)
    try:
        left, outcomes = cache.filled(files, run.done, options) if cache else (files, run.done)
        if scheduler and left:
            from .dask_executor import check_on_cluster  # asyncio and the cluster's client only when asked for

            check_on_cluster(left, options, scheduler, outcomes, progress)
        elif jobs > 1 and len(left) > 1:
            check_in_parallel(left, options, jobs, outcomes, progress)
        elif left:  # every file from the cache: no engine to build
            _check_here(left, FileChecker(options, rules), outcomes, progress)
    except KeyboardInterrupt:
        raise Interrupted(run.finish(interrupted=True)) from None
    return run.finish()


def _check_here(files: list[Path], checker: FileChecker, done: MutableMapping[int, FileOutcome],
                progress: Progress | None) -> None:
    """One file after the other in this process, one document alive at a time."""
    for index, path in enumerate(files):
        done[index] = check_in_time(checker, path)
        if progress:
            progress(len(done), len(files), str(path))


def merged_report(outcomes: dict[int, FileOutcome], rules: list[Rule], keep_documents: bool) -> Report:
    """One report of the files' outcomes (input position -> outcome), in input order."""
    collector = _Collector(Report(version=__version__, rules=rule_infos(rules)), keep_documents)
    for _, outcome in sorted(outcomes.items()):
        collector.add(FilePart(outcome.result, outcome.findings, outcome.skips, document=outcome.document))
    return collector.report


class _Collector:
    """A Writer that keeps it all: the Report of the Python API."""

    def __init__(self, report: Report, keep_documents: bool) -> None:
        self.report, self.keep_documents = report, keep_documents

    def add(self, part: FilePart) -> None:
        if part.result is not None:
            self.report.files.append(part.result)
        self.report.findings.extend(part.findings)
        self.report.skipped.extend(part.skips)
        if self.keep_documents and part.document is not None and part.result is not None:
            self.report.documents[part.result.path] = part.document

    def finish(self, end: RunEnd) -> None:
        self.report.skipped.extend(end.skips)
        self.report.compared = end.compared
        self.report.not_checked = end.tally.not_checked


def rule_infos(rules: list[Rule]) -> dict[str, RuleInfo]:
    """What reporters say about each rule that runs, by id (READ-01 too)."""
    return {READ_RULE: READ_RULE_INFO, **{r.id: _rule_info(r) for r in rules}}


def _rule_info(rule: Rule) -> RuleInfo:
    spec = rule.spec
    return RuleInfo(spec.id, spec.title, spec.severity, spec.basis, spec.description, spec.hint)


def _excluded(path: Path, top: Path, globs: tuple[str, ...], root: Path) -> bool:
    """Whether the file, or a folder between it and `top` (`exclude = ["历年"]`), matches one of the globs."""
    path, top = Path(os.path.abspath(path)), Path(os.path.abspath(top))
    if not path.is_relative_to(top):
        top = path.parent
    candidates = (path, *path.parents[:len(path.relative_to(top).parts) - 1])
    return any(glob_matches(c, glob, root) for c in candidates for glob in globs)


def _ids(values: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _as_tuples(settings: dict[str, Any]) -> dict[str, Any]:
    """Lists given for id and path settings, kept as tuples (the options are immutable)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}
