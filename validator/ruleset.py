"""Rule files: their schema, loading (with file and line for every mistake) and selection.

A rule file is YAML with a top-level `rules:` list. Every rule has an id, a Chinese title, a
severity, its basis, a message template, an optional hint, a `check` (one of the kinds below), an
optional `group` (its findings merged into one per table or file) and pass/fail `examples` that the
test suite runs. Unknown keys are errors, never silently ignored.
"""

from __future__ import annotations

import difflib
import re
import string
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from .catalogue import CATALOGUE_FILE, Catalogue, builtin_catalogue, merged_catalogue
from .errors import RuleError, SettingError
from .expression import Assertion, ExpressionError, compile_assertion, compile_condition
from .packs import builtin_rules_dir
from .yamlnodes import first_problem, line_of, load_rule_yaml

SEVERITIES = ("error", "warning", "info")
PLACEHOLDERS = frozenset({"actual", "expected", "difference", "tolerance", "table", "row", "column", "code",
                          "text", "reason", "missing", "subject", "grade"})
# The figure roles a claim rule may name (see validator.claims for which claim kind has which).
CLAIM_ROLES = {"total": "合计数", "parts": "分项", "numerator": "分子", "denominator": "分母", "rate": "百分比",
               "base": "基期数", "current": "本期数", "change": "增减额", "part": "部分数", "whole": "总数",
               "score": "得分", "minuend": "预算数", "subtrahend": "支出数", "difference": "结余数"}
CLAIM_KINDS = {"parts": "合计与分项", "formula": "比率公式", "ratio": "完成率或执行率", "change": "增减变动",
               "share": "占比", "grade": "得分与等级", "score": "自评得分", "balance": "预算、支出与结余"}
# What a grouped finding's message may name (see Grouping).
GROUP_PLACEHOLDERS = frozenset({"count", "places", "pages", "table"})
# Files beside the rules that hold data, not rules: the table catalogue and the claims' vocabulary.
DATA_FILES = (CATALOGUE_FILE, "vocabulary.yaml")
_FOR_EACH = re.compile(r"^\s*(?P<var>[A-Za-z_]\w*)\s+in\s+(?P<table>[A-Za-z_]\w*)\s*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class ExampleTable(_Strict):
    title: str
    label: str | None = None
    meta: dict[str, str] = {}
    grid: list[list[str | int | float | None]]
    notes: list[str] = []


class Example(_Strict):
    name: str
    tables: list[ExampleTable] = []
    text: list[str] = []
    problems: list[str] = []  # what a reader reported as unreadable (a scanned page)


class Examples(_Strict):
    passing: list[Example] = Field(alias="pass", min_length=1)
    failing: list[Example] = Field(alias="fail", min_length=1)


class AssertCheck(_Strict):
    """A comparison that must hold, optionally for each row of a table (`for_each: row in T2`).

    `parameters` name the figures a province may set differently (`full_marks: 100`); the assertion
    uses them by name, and a configuration's [parameters] overrides them (see with_parameters)."""

    kind: Literal["assert"]
    assertion: str = Field(alias="assert")
    for_each: str | None = None
    where: str | None = None
    parameters: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Decimal] = {}
    _compiled: tuple[Assertion, tuple[str, str] | None, Any] = PrivateAttr()

    @model_validator(mode="after")
    def _expressions_compile(self) -> AssertCheck:
        self._compiled = compile_assert_check(self)
        return self


class RollupCheck(_Strict):
    """功能分类/经济分类 roll-up: each code = Σ its next-level codes; the total row = Σ top-level codes."""

    kind: Literal["rollup"]
    table: str
    columns: list[str | int] | None = None
    total: str | None = None


class GarbledCheck(_Strict):
    """Malformed numbers ("5,00.00"): in the amount cells of tables, or in the figures of the prose."""

    kind: Literal["garbled_numbers"]
    scope: Literal["tables", "text"] = "tables"


class ReaderProblemsCheck(_Strict):
    """Parts of a file the reader could not read: each is a finding, never skipped. `scope: document`
    for whole pages (scanned), `tables` for rows a table's reader could not place (自评表)."""

    kind: Literal["reader_problems"]
    scope: Literal["document", "tables"] = "document"


class ClaimCheck(_Strict):
    """A relation among the figures of one sentence (validator.claims), for every claim of a kind:
    `claim: parts` with `assert: total == sum(parts)`. `when` keeps claims whose words match
    (`direction: [下降, 减少]`); `without` drops claims that state one of those roles."""

    kind: Literal["claim"]
    claim: str
    assertion: str = Field(alias="assert")
    when: dict[str, list[str]] = {}
    without: list[str] = []  # roles whose presence makes another rule the one that checks the claim
    subject: str | None = None  # regex the claim's subject (normalised) must match: 收、支总计, （项）…

    @field_validator("claim")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in CLAIM_KINDS:
            raise ValueError(f"未知的表述类型 {kind}（可用：{'、'.join(CLAIM_KINDS)}）")
        return kind

    @field_validator("subject")
    @classmethod
    def _subject_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"正则表达式无效：{pattern}（{error}）") from None
        return pattern
    _compiled: Assertion = PrivateAttr()

    @model_validator(mode="after")
    def _expression_compiles(self) -> ClaimCheck:
        try:
            self._compiled = compile_assertion(self.assertion, table_names(), set(), frozenset(CLAIM_ROLES))
        except ExpressionError as error:
            raise ValueError(str(error)) from None
        return self


class GradeBand(_Strict):
    grade: str
    minimum: Decimal = Field(alias="min")  # the band starts here (inclusive)


class GradeCheck(_Strict):
    """A stated score and its stated grade must agree with the band table (highest band first)."""

    kind: Literal["grade"]
    bands: list[GradeBand] = Field(min_length=1)
    synonyms: dict[str, str] = {}  # a grade word as printed → the band's name (优秀 → 优)

    @field_validator("bands")
    @classmethod
    def _descending(cls, bands: list[GradeBand]) -> list[GradeBand]:
        if [b.minimum for b in bands] != sorted((b.minimum for b in bands), reverse=True):
            raise ValueError("等级区间须按下限从高到低排列")
        return bands


class UncachedFormulasCheck(_Strict):
    """Formula cells whose value was never stored (a workbook written by a program, never opened in
    Excel): the reader gives their formula, never a zero."""

    kind: Literal["uncached_formulas"]


class TablesPresentCheck(_Strict):
    kind: Literal["tables_present"]
    tables: list[str]
    when: str  # the kind whose presence marks a complete disclosure


class EmptyTableNoteCheck(_Strict):
    kind: Literal["empty_table_note"]
    tables: list[str]
    note: str  # regex a 说明 must match


class TextPatternCheck(_Strict):
    kind: Literal["text_pattern"]
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"正则表达式无效：{pattern}（{error}）") from None
        return patterns


Check = Annotated[AssertCheck | RollupCheck | GarbledCheck | ReaderProblemsCheck | TablesPresentCheck | EmptyTableNoteCheck
                  | TextPatternCheck | UncachedFormulasCheck | ClaimCheck | GradeCheck, Field(discriminator="kind")]


class Grouping(_Strict):
    """One problem, one finding: the rule's findings in one table (`by: table`) or one file (`by: file`)
    become a single finding whose locations are every place, the first place first. `message` is
    its text when there are several: `{count}` places, `{places}` (the first few, each as its value
    and where it is), `{pages}` (the pages they are on: 1–13), `{table}`."""

    by: Literal["table", "file"]
    message: str

    @field_validator("message")
    @classmethod
    def _known_placeholders(cls, message: str) -> str:
        return _checked_placeholders(message, GROUP_PLACEHOLDERS)


def _checked_placeholders(message: str, known: frozenset[str]) -> str:
    names = {name for _, name, _, _ in string.Formatter().parse(message) if name}
    unknown = names - known
    if unknown:
        raise ValueError(f"消息模板含未知占位符 {sorted(unknown)}（可用：{sorted(known)}）")
    return message


class RuleSpec(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
    title: str
    severity: Literal["error", "warning", "info"]
    basis: str
    description: str
    message: str
    hint: str | None = None
    tolerance: Decimal = Decimal(0)
    aliases: list[str] = []
    check: Check
    group: Grouping | None = None
    examples: Examples

    @field_validator("message")
    @classmethod
    def _known_placeholders(cls, message: str) -> str:
        return _checked_placeholders(message, PLACEHOLDERS)


class RuleFileSpec(_Strict):
    rules: list[RuleSpec]


@dataclass(frozen=True)
class Rule:
    """A loaded rule: its spec, where it was defined, and its compiled check."""

    spec: RuleSpec
    path: str
    line: int | None
    assertion: Assertion | None = None
    loop: tuple[str, str] | None = None  # (variable, table kind)
    condition: Any = None
    catalogue: Catalogue = field(default_factory=builtin_catalogue, compare=False, repr=False)  # its tables

    @property
    def id(self) -> str:
        return self.spec.id


# The catalogue whose kinds a rule being validated may name: pydantic's validators take no argument of
# ours, so load_rule_file (and a recompiling with_parameters) sets it while they run.
_catalogue_in_use: ContextVar[Catalogue | None] = ContextVar("catalogue_in_use", default=None)


def table_names() -> set[str]:
    return set((_catalogue_in_use.get() or builtin_catalogue()).kinds)


@contextmanager
def _naming_tables_of(catalogue: Catalogue) -> Iterator[None]:
    token = _catalogue_in_use.set(catalogue)
    try:
        yield
    finally:
        _catalogue_in_use.reset(token)


def compile_assert_check(check: AssertCheck) -> tuple[Assertion, tuple[str, str] | None, Any]:
    loop = None
    if check.for_each is not None:
        match = _FOR_EACH.match(check.for_each)
        if not match or match.group("table") not in table_names():
            raise ValueError(f"for_each 应写成“row in 表”，表为 {sorted(table_names())} 之一：{check.for_each}")
        loop = (match.group("var"), match.group("table"))
    loop_names = {loop[0]} if loop else set()
    try:
        assertion = compile_assertion(check.assertion, table_names(), loop_names, parameters=check.parameters)
        condition = compile_condition(check.where, loop_names) if check.where else None
    except ExpressionError as error:
        raise ValueError(str(error)) from None
    return assertion, loop, condition


def load_rule_file(path: Path | str, text: str | None = None, catalogue: Catalogue | None = None) -> list[Rule]:
    """The rules of one file, whose tables are those of `catalogue` (the built-in one by default)."""
    name = str(path)
    catalogue = catalogue or builtin_catalogue()
    try:
        source = Path(path).read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(name, None, f"无法读取规则文件：{error}") from None
    data, node = load_rule_yaml(name, source, "规则文件")
    try:
        with _naming_tables_of(catalogue):
            parsed = RuleFileSpec.model_validate(data)
    except ValidationError as error:
        raise RuleError(name, *first_problem(error, node)) from None
    rules = []
    for index, spec in enumerate(parsed.rules):
        line = line_of(node, ("rules", index))
        if isinstance(spec.check, AssertCheck):
            rules.append(Rule(spec, name, line, *spec.check._compiled, catalogue=catalogue))
        elif isinstance(spec.check, ClaimCheck):
            rules.append(Rule(spec, name, line, spec.check._compiled, catalogue=catalogue))
        else:
            rules.append(Rule(spec, name, line, catalogue=catalogue))
    return rules


def load_rules(paths: list[Path], base: Sequence[Rule] = (), catalogue: Catalogue | None = None) -> list[Rule]:
    """`base` plus the rules of files and folders (every *.yaml/*.yml inside, sorted); ids must be unique.
    Their tables are those of `catalogue`, by default the built-in one with the paths' tables.yaml added."""
    catalogue = catalogue or merged_catalogue(catalogue_files(paths))
    rules: list[Rule] = list(base)
    for path in paths:
        for file in rule_files(path):
            rules.extend(load_rule_file(file, catalogue=catalogue))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(rule.path, rule.line, f"规则编号 {rule.id} 重复（已在 {seen[rule.id].path} 定义）")
        seen[rule.id] = rule
    return rules


def rule_files(path: Path) -> list[Path]:
    """A rule file as given, or every *.yaml/*.yml under a folder (sorted); data files (the table
    catalogue, the vocabulary) are no rule files."""
    if not path.is_dir():
        return [] if path.name in DATA_FILES else [path]
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.name not in DATA_FILES)
    if not files and not catalogue_files([path]):
        raise RuleError(str(path), None, "文件夹中没有规则文件（*.yaml）")
    return files


def catalogue_files(paths: Sequence[Path]) -> list[Path]:
    """The users' table catalogues among rule paths: a tables.yaml given, or under a folder given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(path.rglob(CATALOGUE_FILE))
        elif path.name == CATALOGUE_FILE:
            found.append(path)
    return found


@cache
def builtin_rules() -> tuple[Rule, ...]:
    root = builtin_rules_dir()
    rules: list[Rule] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml") and entry.name not in DATA_FILES:
            rules.extend(load_rule_file(f"rules/{entry.name}", entry.read_text(encoding="utf-8")))
    return tuple(rules)


def select(rules: list[Rule], select_ids: list[str] | None, ignore_ids: list[str] | None,
           extend_ids: list[str] | None = None) -> list[Rule]:
    """ruff-style, by id (or alias) prefix: --select keeps the rules it names (every rule without it),
    --extend-select adds its rules to those, --ignore drops rules from the result."""

    def matches(rule: Rule, prefixes: list[str] | None) -> bool:
        return _starts_any((rule.id, *rule.spec.aliases), prefixes or ())

    chosen = [r for r in rules if not select_ids or matches(r, select_ids) or matches(r, extend_ids)]
    return [r for r in chosen if not matches(r, ignore_ids)]


def rule_names(rules: Sequence[Rule]) -> list[str]:
    """Every id and alias a rule prefix can match."""
    return [name for rule in rules for name in (rule.id, *rule.spec.aliases)]


def unmatched(prefixes: Sequence[str], names: Sequence[str]) -> list[str]:
    """The prefixes that start none of the names (case-insensitive): typos, never silently nothing."""
    return [p for p in prefixes if not _starts_any(names, [p])]


def closest(prefix: str, names: Sequence[str]) -> str | None:
    """The id or family (the part before the first "-") most like a mistyped prefix: T5-O2 -> T5-02, SF -> SE."""
    candidates = sorted({n.upper() for n in names} | {n.upper().split("-")[0] for n in names})
    found = difflib.get_close_matches(prefix.upper(), candidates, n=1, cutoff=0.5)
    return found[0] if found else None


def _starts_any(names: Sequence[str], prefixes: Sequence[str]) -> bool:
    return any(n.upper().startswith(p.upper()) for n in names for p in prefixes)


def with_severities(rules: list[Rule], severities: Mapping[str, str]) -> list[Rule]:
    """Severity overrides by rule id or id prefix; the longest matching prefix wins."""
    ids = [r.id for r in rules]
    unknown = unmatched(list(severities), ids)
    if unknown:
        guess = closest(unknown[0], ids)
        raise SettingError(f"severity.{unknown[0]}", "没有以此开头的规则编号" + (f"，是否想写 {guess}？" if guess else ""))

    def severity_of(rule: Rule) -> str:
        matching = [p for p in severities if rule.id.upper().startswith(p.upper())]
        return severities[max(matching, key=len)] if matching else rule.spec.severity

    return [_with_spec(r, severity=severity_of(r)) for r in rules]


def with_grade_bands(rules: list[Rule], bands: Sequence[tuple[str, Decimal]], synonyms: Mapping[str, str]) -> list[Rule]:
    """Another band table (优/良/合格/不合格 …) for every score-to-grade check; a grade word keeps its
    synonym only if it names one of the new bands."""
    grades = {grade for grade, _ in bands}
    changed = []
    for rule in rules:
        check = rule.spec.check
        if isinstance(check, GradeCheck):
            words = {**{k: v for k, v in check.synonyms.items() if v in grades}, **synonyms}
            check = GradeCheck.model_validate({"kind": "grade", "synonyms": words,
                                              "bands": [{"grade": g, "min": m} for g, m in bands]})
            rule = _with_spec(rule, check=check)
        changed.append(rule)
    return changed


def declared_parameters(rules: Sequence[Rule]) -> dict[str, dict[str, Decimal]]:
    """Parameter name -> {rule id: its value} over the rules that declare it."""
    found: dict[str, dict[str, Decimal]] = {}
    for rule in rules:
        if isinstance(rule.spec.check, AssertCheck):
            for name, value in rule.spec.check.parameters.items():
                found.setdefault(name, {})[rule.id] = value
    return found


def with_parameters(rules: list[Rule], values: Mapping[str, Decimal]) -> list[Rule]:
    """Every rule declaring one of these parameters, recompiled with the given value."""
    unknown = sorted(values.keys() - declared_parameters(rules).keys())
    if unknown:
        known = "、".join(sorted(declared_parameters(rules))) or "无"
        raise SettingError(f"parameters.{unknown[0]}", f"没有规则声明这个参数（已声明：{known}）")
    changed = []
    for rule in rules:
        check = rule.spec.check
        if isinstance(check, AssertCheck) and check.parameters.keys() & values.keys():
            parameters = {k: values.get(k, v) for k, v in check.parameters.items()}
            with _naming_tables_of(rule.catalogue):
                check = AssertCheck.model_validate({**check.model_dump(by_alias=True), "parameters": parameters})
            rule = replace(_with_spec(rule, check=check), assertion=check._compiled[0])
        changed.append(rule)
    return changed


def _with_spec(rule: Rule, **changes: Any) -> Rule:
    return replace(rule, spec=rule.spec.model_copy(update=changes))
