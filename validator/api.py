"""The Python API: `check(paths)` returns the same report the CLI prints as JSON."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from .batch import check_in_parallel, check_in_time
from .checking import (
    READ_RULE,
    READ_RULE_INFO,
    CheckOptions,
    FileChecker,
    FileOutcome,
    Progress,
    configured_catalogue,
    configured_rules,
    glob_matches,
    glob_root,
    ignored_rules,
    without_ignored,
)
from .cross_documents import CrossDocumentChecker
from .dask_executor import check_on_cluster
from .findings import Finding, Report, RuleInfo
from .readers import looks_like_a_disclosure
from .ruleset import Rule
from .version import __version__


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a check: carries the report of the files done so far."""

    def __init__(self, report: Report) -> None:
        super().__init__()
        self.report = report


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
          progress: Progress | None = None, scheduler: str | None = None, **settings: Any) -> Report:
    """Read every input, run the rules, and return the report (findings sorted by file and place).

    `settings` are CheckOptions fields (`select_ids=["T"]`, `show_rounding=True` …), over `options`.
    With jobs > 1 the files are checked in that many worker processes, with a scheduler's address
    (tcp://HOST:8786) by the workers of that Dask cluster; the report is the same, in input order.
    Raises RuleError for an invalid rule file, ExecutorError for a cluster that cannot check,
    Interrupted (with the partial report) on Ctrl-C; an unreadable input is an error finding, not an exception.
    """
    options = replace(options or CheckOptions(), **_as_tuples(settings))
    rules = configured_rules(options)  # here too with workers: a bad rule file stops the run before it starts
    files = list(expand(paths, options))
    options = replace(options, compare_documents=len(files) > 1)
    done: dict[int, FileOutcome] = {}  # by input position: the report keeps the input order
    try:
        if scheduler:
            check_on_cluster(files, options, scheduler, done, progress)
        elif jobs > 1 and len(files) > 1:
            check_in_parallel(files, options, jobs, done, progress)
        else:
            _check_here(files, FileChecker(options, rules), done, progress)
    except KeyboardInterrupt:
        report = merged_report(done, rules, options.keep_documents)
        report.not_checked = [str(path) for index, path in enumerate(files) if index not in done]
        raise Interrupted(report) from None
    report = merged_report(done, rules, options.keep_documents)
    if options.compare_documents:
        _compare_documents(report, [outcome for _, outcome in sorted(done.items())], rules, options)
    return report


def _check_here(files: list[Path], checker: FileChecker, done: dict[int, FileOutcome],
                progress: Progress | None) -> None:
    """One file after the other in this process, one document alive at a time."""
    for index, path in enumerate(files):
        done[index] = check_in_time(checker, path)
        if progress:
            progress(len(done), len(files), str(path))


def merged_report(outcomes: dict[int, FileOutcome], rules: list[Rule], keep_documents: bool) -> Report:
    """One report of the files' outcomes (input position -> outcome), in input order."""
    report = Report(version=__version__, rules={READ_RULE: READ_RULE_INFO, **{r.id: _rule_info(r) for r in rules}})
    for _, outcome in sorted(outcomes.items()):
        report.files.append(outcome.result)
        report.findings.extend(outcome.findings)
        report.skipped.extend(outcome.skips)
        if keep_documents and outcome.document is not None:
            report.documents[outcome.result.path] = outcome.document
    return report


def _compare_documents(report: Report, outcomes: list[FileOutcome], rules: list[Rule], options: CheckOptions) -> None:
    """The documents of the run compared with each other; what is found between two files follows the
    findings of the file it is reported in."""
    documents = [outcome.document for outcome in outcomes if outcome.document is not None]
    checker = CrossDocumentChecker(rules, configured_catalogue(options), options.show_rounding)
    compared, findings, skips = checker.check(documents)
    report.compared = [pair.to_dict() for pair in compared]
    report.skipped += skips
    for result in report.files:
        result.internal_error = result.internal_error or result.path in checker.failed
    root = glob_root(options)
    own: dict[str, list[Finding]] = {}
    for finding in report.findings:
        own.setdefault(finding.file, []).append(finding)
    between: dict[str, list[Finding]] = {}
    for finding in findings:
        between.setdefault(finding.file, []).append(finding)
    ordered = []
    for result in report.files:
        ignored = ignored_rules(options, Path(result.path), root)
        ordered += [*own.get(result.path, []), *without_ignored(between.get(result.path, []), ignored)]
    report.findings = ordered


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
