"""Checking one file: the options of a check, the per-file outcome and the checker that gives it.

Both the API (one process) and the batch runner (worker processes) build on this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path

from .catalogue import Catalogue, merged_catalogue
from .document_identity import identify
from .engine import Engine
from .errors import ReadError, UnknownRuleIdError
from .findings import FileResult, Finding, Location, RuleInfo, Skip
from .kept_documents import KeptDocument, kept
from .model import LOW_CONFIDENCE, Document, Source
from .readers import DEFAULT_MAX_BYTES, read_document
from .ruleset import (
    Rule,
    builtin_rules,
    catalogue_files,
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

    rules: tuple[Path, ...] = ()  # extra rule files and folders (a tables.yaml among them adds to the catalogue)
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
    compare_documents: bool = False  # keep the documents whose unit and year are known, to compare them after
    timeout: float | None = None  # seconds per file (batch.check_in_time)
    tables: tuple[Path, ...] = ()  # users' table catalogues named by the configuration


@dataclass(frozen=True)
class FileOutcome:
    """What checking one file gives; a worker process sends it back whole."""

    result: FileResult
    findings: list[Finding]
    skips: list[Skip]
    document: Document | None = None  # only with keep_documents
    # Checking the same bytes again gives the same outcome: not a timeout, a crashed worker or a bug (cache.py)
    reproducible: bool = False
    kept: KeptDocument | None = None  # with compare_documents, a budget to compare: what the comparison reads


def configured_rules(options: CheckOptions) -> list[Rule]:
    """The built-in and extra rules with the options' parameters, grade bands and severities, selected.

    Raises RuleError for an invalid rule file, SettingError for a parameter or severity naming no rule,
    UnknownRuleIdError for a selected or ignored id or prefix that matches no rule.
    """
    rules = load_rules(list(options.rules), base=builtin_rules(), catalogue=configured_catalogue(options))
    if options.parameters:
        rules = with_parameters(rules, options.parameters)
    if options.grade_bands:
        rules = with_grade_bands(rules, options.grade_bands, options.grade_synonyms)
    if options.severities:
        rules = with_severities(rules, options.severities)
    _check_rule_ids(options, [*rule_names(rules), READ_RULE])
    return select(rules, list(options.select_ids or ()) or None, list(options.ignore_ids or ()) or None,
                  list(options.extend_select_ids or ()) or None)


def configured_catalogue(options: CheckOptions) -> Catalogue:
    """The built-in table catalogue with the users' added: the configuration's, then those among the rules."""
    return merged_catalogue([*options.tables, *catalogue_files(options.rules)])


def _check_rule_ids(options: CheckOptions, names: list[str]) -> None:
    """Every id or prefix the options name must match a rule (or READ-01): a typo would switch checks off."""
    named = [("select", options.select_ids), ("extend-select", options.extend_select_ids),
             ("ignore", options.ignore_ids),
             *((f'per-file-ignores."{glob}"', prefixes) for glob, prefixes in options.per_file_ignores)]
    for key, prefixes in named:
        unknown = unmatched(prefixes or (), names)
        if unknown:
            raise UnknownRuleIdError(key, unknown[0], closest(unknown[0], names))


class FileChecker:
    """Reads and checks single files with an engine built once (per process)."""

    def __init__(self, options: CheckOptions, rules: list[Rule]) -> None:
        self.options = options
        self.catalogue = configured_catalogue(options)
        self.engine = Engine(rules, self.catalogue, options.show_rounding)
        self.root = glob_root(options)

    def check(self, path: Path) -> FileOutcome:
        return self.check_copy(path, path)

    def check_copy(self, path: Path, copy: Path, ignored: list[str] | None = None) -> FileOutcome:
        """The outcome of the file at `path` read from its bytes at `copy` (a Dask worker's temporary
        file of the same name), naming `path`; `ignored`: the rule prefixes switched off for it, when
        worked out where the per-file-ignores globs hold (the client of a cluster)."""
        ignored = self.ignored_rules(path) if ignored is None else ignored
        return ignoring(self._check(path, copy, ignored), ignored)

    def _check(self, path: Path, copy: Path, ignored: list[str]) -> FileOutcome:
        try:
            document = read_document(copy, self.catalogue, self.options.max_bytes)
            document.path = str(path)
        except ReadError as error:
            return replace(unreadable(path, str(error)), reproducible=True)
        except Exception as error:  # a reader bug must not stop the batch or show a traceback
            return unreadable(path, f"读取时出现内部错误（{type(error).__name__}: {error}），请报告此问题", internal=True)
        identity = identify(document)
        result = FileResult(str(path), document.format, [t.label or t.title for t in document.tables],
                            document_kind=document.kind, document_identity=identity.to_dict() if identity else None)
        try:
            # an ignored rule does not run: its failures are no culprit's evidence either
            findings, skips = self.engine.run(document, lambda rule: _matches(rule, ignored))
        except Exception as error:  # a hostile file that trips the engine is reported, the batch goes on
            return unreadable(path, f"检查时出现内部错误（{type(error).__name__}: {error}），请报告此问题", internal=True)
        result.claims = self.engine.claim_counts
        result.ocr = _ocr_counts(document)
        budget = kept(document, identity) if identity and self.options.compare_documents and comparable(result) else None
        return FileOutcome(result, findings, skips, document if self.options.keep_documents else None,
                           reproducible=True, kept=budget)

    def ignored_rules(self, path: Path) -> list[str]:
        return ignored_rules(self.options, path, self.root)


def comparable(result: FileResult) -> bool:
    """Whether cross_documents compares the file's document with others': a budget whose unit and year are known."""
    return result.document_identity is not None and (result.document_kind or "").endswith("预算")


def ignored_rules(options: CheckOptions, path: Path, root: Path) -> list[str]:
    """The id prefixes whose findings are dropped for this file: those of per-file-ignores whose glob
    matches it, and --ignore's (the rules are not run; READ-01, which no rule gives, is dropped here)."""
    return [*(options.ignore_ids or ()), *(prefix for glob, prefixes in options.per_file_ignores
                                           if glob_matches(path, glob, root) for prefix in prefixes)]


def ignoring(outcome: FileOutcome, prefixes: list[str]) -> FileOutcome:
    """The outcome without the findings and skips of these rule id prefixes."""
    if not prefixes:
        return outcome
    return replace(outcome, findings=without_ignored(outcome.findings, prefixes),
                   skips=[s for s in outcome.skips if not _matches(s.rule, prefixes)])


def without_ignored(findings: list[Finding], prefixes: list[str]) -> list[Finding]:
    """The findings but those whose every rule is ignored (a culprit's finding reports several)."""
    return [f for f in findings if not all(_matches(rule, prefixes) for rule in f.reported_rules())]


def unreadable(path: Path, reason: str, internal: bool = False) -> FileOutcome:
    """A READ-01 finding for the file; `internal` when budgetlint itself failed on it (exit code 3)."""
    finding = Finding(READ_RULE, READ_RULE_INFO.severity, READ_RULE_INFO.title, f"无法读取 {path}：{reason}",
                      str(path), (Location(source=Source()),))
    return FileOutcome(FileResult(str(path), None, error=reason, internal_error=internal), [finding], [])


def glob_root(options: CheckOptions) -> Path:
    """The folder exclude and per-file-ignores globs are relative to."""
    return (options.root or Path.cwd()).resolve()


def glob_matches(path: Path, glob: str, root: Path) -> bool:
    """A glob matches the path relative to the root (`archive/**`, `*/2022/*.pdf`) or its name alone
    (`*.xls`, `历年`), as in ruff."""
    relative = Path(os.path.relpath(path.resolve(), root)).as_posix()
    return fnmatch(relative, glob) or fnmatch(path.name, glob)


def _matches(rule: str, prefixes: list[str]) -> bool:
    return any(rule.upper().startswith(p.upper()) for p in prefixes)


def _ocr_counts(document: Document) -> tuple[int, int] | None:
    """(table cells read by OCR, those below LOW_CONFIDENCE), or None for a document with none."""
    confidences = [c for table in document.tables for c in table.ocr_confidences()]
    if not confidences:
        return None
    return len(confidences), sum(1 for c in confidences if c < LOW_CONFIDENCE)
