"""The Python API: `check(paths)` returns the same report the CLI prints as JSON."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from . import __version__
from .catalogue import builtin_catalogue
from .engine import Engine
from .errors import ReadError, UnknownRuleIdError
from .findings import FileResult, Finding, Location, Report, RuleInfo, Skip
from .model import LOW_CONFIDENCE, Document, Source
from .readers import DEFAULT_MAX_BYTES, looks_like_a_disclosure, read_document
from .ruleset import (
    Rule,
    builtin_rules,
    closest,
    load_rules,
    rule_names,
    select,
    unmatched,
    with_grade_bands,
    with_parameters,
    with_severities,
)

READ_RULE = "READ-01"
READ_RULE_INFO = RuleInfo(READ_RULE, "文件无法读取", "error", "输入文件须可读（文本、Excel、PDF、YAML/JSON）",
                          "文件无法打开或解析（损坏、加密、格式不支持、超过大小上限），其中的表格没有检查。",
                          "提供可读的文件，或把表格导出为 Excel/PDF 后再检查。")

# Called after each file is checked: (files done, files in all, the file just done)
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class CheckOptions:
    """Everything a check needs besides its inputs. Plain, picklable data: each worker process of a
    batch builds its engine from it once."""

    rules: tuple[Path, ...] = ()  # extra rule files and folders
    select_ids: tuple[str, ...] | None = None  # rule id prefixes (None: every rule)
    extend_select_ids: tuple[str, ...] | None = None  # added to the selection
    ignore_ids: tuple[str, ...] | None = None
    severities: Mapping[str, str] = field(default_factory=dict)  # rule id or prefix -> severity
    grade_bands: tuple[tuple[str, Decimal], ...] = ()  # (grade, minimum), for every score-to-grade check
    grade_synonyms: Mapping[str, str] = field(default_factory=dict)
    parameters: Mapping[str, Decimal] = field(default_factory=dict)  # rule parameters by name
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, rule prefixes)
    exclude: tuple[str, ...] = ()  # globs of files a folder search leaves out
    force_exclude: bool = False  # leave them out when named explicitly too
    root: Path | None = None  # exclude and per-file-ignores globs are relative to it (the config's folder; default: cwd)
    max_bytes: int = DEFAULT_MAX_BYTES
    show_rounding: bool = False
    keep_documents: bool = False
    timeout: float | None = None  # seconds per file, enforced in worker processes only


@dataclass(frozen=True)
class FileOutcome:
    """What checking one file gives; a worker process sends it back whole."""

    result: FileResult
    findings: list[Finding]
    skips: list[Skip]
    document: Document | None = None  # only with keep_documents


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
    root = _root(options)
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


def configured_rules(options: CheckOptions) -> list[Rule]:
    """The built-in and extra rules with the options' parameters, grade bands and severities, selected.

    Raises RuleError for an invalid rule file, SettingError for a parameter or severity naming no rule,
    UnknownRuleIdError for a selected or ignored id or prefix that matches no rule.
    """
    rules = load_rules(list(options.rules), base=builtin_rules())
    if options.parameters:
        rules = with_parameters(rules, options.parameters)
    if options.grade_bands:
        rules = with_grade_bands(rules, options.grade_bands, options.grade_synonyms)
    if options.severities:
        rules = with_severities(rules, options.severities)
    _check_rule_ids(options, [*rule_names(rules), READ_RULE])
    return select(rules, list(options.select_ids or ()) or None, list(options.ignore_ids or ()) or None,
                  list(options.extend_select_ids or ()) or None)


def _check_rule_ids(options: CheckOptions, names: list[str]) -> None:
    """Every id or prefix the options name must match a rule (or READ-01): a typo would switch checks off."""
    named = [("select", options.select_ids), ("extend-select", options.extend_select_ids),
             ("ignore", options.ignore_ids),
             *((f'per-file-ignores."{glob}"', prefixes) for glob, prefixes in options.per_file_ignores)]
    for key, prefixes in named:
        unknown = unmatched(prefixes or (), names)
        if unknown:
            raise UnknownRuleIdError(key, unknown[0], closest(unknown[0], names))


def check(paths: Iterable[Path | str], options: CheckOptions | None = None, *, jobs: int = 1,
          progress: Progress | None = None, **settings: Any) -> Report:
    """Read every input, run the rules, and return the report (findings sorted by file and place).

    `settings` are CheckOptions fields (`select_ids=["T"]`, `show_rounding=True` …), over `options`.
    With jobs > 1 the files are checked in that many worker processes; the report is the same, in
    input order. Raises RuleError for an invalid rule file, Interrupted (with the partial report) on
    Ctrl-C; an unreadable input is an error finding, not an exception.
    """
    options = replace(options or CheckOptions(), **_as_tuples(settings))
    rules = configured_rules(options)  # here too with workers: a bad rule file stops the run before it starts
    files = list(expand(paths, options))
    done: dict[int, FileOutcome] = {}  # by input position: the report keeps the input order
    try:
        if jobs > 1 and len(files) > 1:
            from .batch import check_in_parallel

            check_in_parallel(files, options, jobs, done, progress)
        else:
            _check_here(files, FileChecker(options, rules), done, progress)
    except KeyboardInterrupt:
        report = _merged(done, rules)
        report.interrupted = len(files) - len(done)
        raise Interrupted(report) from None
    return _merged(done, rules)


def _check_here(files: list[Path], checker: FileChecker, done: dict[int, FileOutcome],
                progress: Progress | None) -> None:
    """One file after the other in this process, one document alive at a time."""
    for index, path in enumerate(files):
        done[index] = checker.check(path)
        if progress:
            progress(len(done), len(files), str(path))


def _merged(outcomes: dict[int, FileOutcome], rules: list[Rule]) -> Report:
    report = Report(version=__version__, rules={READ_RULE: READ_RULE_INFO, **{r.id: _rule_info(r) for r in rules}})
    for _, outcome in sorted(outcomes.items()):
        report.files.append(outcome.result)
        report.findings.extend(outcome.findings)
        report.skipped.extend(outcome.skips)
        if outcome.document is not None:
            report.documents[outcome.result.path] = outcome.document
    return report


class FileChecker:
    """Reads and checks single files with an engine built once (per process)."""

    def __init__(self, options: CheckOptions, rules: list[Rule]) -> None:
        self.options = options
        self.engine = Engine(rules, builtin_catalogue(), options.show_rounding)
        self.root = _root(options)

    def check(self, path: Path) -> FileOutcome:
        outcome = self._check(path)
        ignored = self.ignored_rules(path)
        if not ignored:
            return outcome
        return replace(outcome, findings=[f for f in outcome.findings if not _matches(f.rule, ignored)],
                       skips=[s for s in outcome.skips if not _matches(s.rule, ignored)])

    def _check(self, path: Path) -> FileOutcome:
        try:
            document = read_document(path, builtin_catalogue(), self.options.max_bytes)
        except ReadError as error:
            return unreadable(path, str(error))
        except Exception as error:  # a reader bug must not stop the batch or show a traceback
            return unreadable(path, f"读取时出现内部错误（{type(error).__name__}: {error}），请报告此问题", internal=True)
        result = FileResult(str(path), document.format, [t.label or t.title for t in document.tables])
        try:
            findings, skips = self.engine.run(document)
        except Exception as error:  # a hostile file that trips the engine is reported, the batch goes on
            return unreadable(path, f"检查时出现内部错误（{type(error).__name__}: {error}），请报告此问题", internal=True)
        result.claims = self.engine.claim_counts
        result.ocr = _ocr_counts(document)
        return FileOutcome(result, findings, skips, document if self.options.keep_documents else None)

    def ignored_rules(self, path: Path) -> list[str]:
        """The id prefixes whose findings are dropped for this file: those of per-file-ignores whose glob
        matches it, and --ignore's (the rules are not run; READ-01, which no rule gives, is dropped here)."""
        return [*(self.options.ignore_ids or ()), *(prefix for glob, prefixes in self.options.per_file_ignores
                                                    if _glob_matches(path, glob, self.root) for prefix in prefixes)]


def _rule_info(rule: Rule) -> RuleInfo:
    spec = rule.spec
    return RuleInfo(spec.id, spec.title, spec.severity, spec.basis, spec.description, spec.hint)


def unreadable(path: Path, reason: str, internal: bool = False) -> FileOutcome:
    """A READ-01 finding for the file; `internal` when budgetlint itself failed on it (exit code 3)."""
    finding = Finding(READ_RULE, READ_RULE_INFO.severity, READ_RULE_INFO.title, f"无法读取 {path}：{reason}",
                      str(path), (Location(source=Source()),))
    return FileOutcome(FileResult(str(path), None, error=reason, internal_error=internal), [finding], [])


def _root(options: CheckOptions) -> Path:
    return (options.root or Path.cwd()).resolve()


def _excluded(path: Path, top: Path, globs: tuple[str, ...], root: Path) -> bool:
    """Whether the file, or a folder between it and `top` (`exclude = ["历年"]`), matches one of the globs."""
    path, top = Path(os.path.abspath(path)), Path(os.path.abspath(top))
    if not path.is_relative_to(top):
        top = path.parent
    candidates = (path, *path.parents[:len(path.relative_to(top).parts) - 1])
    return any(_glob_matches(c, glob, root) for c in candidates for glob in globs)


def _glob_matches(path: Path, glob: str, root: Path) -> bool:
    """A glob matches the path relative to the root (`archive/**`, `*/2022/*.pdf`) or its name alone
    (`*.xls`, `历年`), as in ruff."""
    relative = Path(os.path.relpath(path.resolve(), root)).as_posix()
    return fnmatch(relative, glob) or fnmatch(path.name, glob)


def _matches(rule: str, prefixes: list[str]) -> bool:
    return any(rule.upper().startswith(p.upper()) for p in prefixes)


def _ids(values: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if values is None else tuple(values)


def _as_tuples(settings: dict[str, Any]) -> dict[str, Any]:
    """Lists given for id and path settings, kept as tuples (the options are immutable)."""
    return {k: tuple(v) if isinstance(v, list) else v for k, v in settings.items()}


def _ocr_counts(document: Document) -> tuple[int, int] | None:
    """(table cells read by OCR, those below LOW_CONFIDENCE), or None for a document with none."""
    confidences = [c for table in document.tables for c in table.ocr_confidences()]
    if not confidences:
        return None
    return len(confidences), sum(1 for c in confidences if c < LOW_CONFIDENCE)
