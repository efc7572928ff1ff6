"""Rule files: their schema, loading (with file and line for every mistake) and selection.

A rule file is YAML with a top-level `rules:` list. Every rule has an id, a Chinese title, a
severity, its basis, a message template, an optional hint, a `check` (one of the kinds in validator.checks), an
optional `group` (its findings merged into one per table or file) and pass/fail `examples` that the
test suite runs. Unknown keys are errors, never silently ignored.
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from pydantic import Field, ValidationError, field_validator, model_validator

from . import builtin_cache
from .catalogue import (
    BUILTIN_CATALOGUE_FILES,
    CATALOGUE_FILE,
    Catalogue,
    DocumentSort,
    builtin_catalogue,
    merged_catalogue,
)
from .causes import CAUSES_FILE
from .checks.assertion import AssertCheck
from .checks.between_documents import BetweenDocumentsCheck
from .checks.common import PLACEHOLDERS, Minor
from .checks.common import Strict as _Strict
from .checks.grade import GradeCheck
from .checks.registry import CHECK_KINDS, PAIR_KINDS
from .errors import RuleError, SettingError
from .findings import Severity
from .packs import builtin_rules_dir
from .parts import PARTS_FILE

# What a grouped finding's message may name (see Grouping).
GROUP_PLACEHOLDERS = frozenset({"count", "places", "pages", "table"})
# Files beside the rules that hold data, not rules: the table catalogue, the claims' vocabulary, the
# parts of a disclosure, the subject names and the likely causes of a wrong figure.
DATA_FILES = (*BUILTIN_CATALOGUE_FILES, "vocabulary.yaml", PARTS_FILE, "subjects.yaml", CAUSES_FILE)


class ExampleTable(_Strict):
    title: str
    label: str | None = None
    meta: dict[str, str] = Field(default_factory=dict)
    grid: list[list[str | int | float | None]]
    notes: list[str] = Field(default_factory=list)
    page: int | None = None  # the page its title is on


class ExampleProblem(_Strict):
    """A line of text, or what a reader reported as unreadable, with the page it is on."""

    text: str
    page: int | None = None


class ExpectedPlace(_Strict):
    """A place a failing example's findings must blame, as written off the example: the table (title or
    printed number), the row (label as printed, 科目编码, or 行次 as an integer), the column (header,
    its end, or 栏次 as an integer), a snippet of the blamed text, or the page. A row or column left
    out means the blamed place has none (a whole-table or prose finding)."""

    table: str | None = None
    row: str | int | None = None
    column: str | int | None = None
    text: str | None = None
    page: int | None = None
    document: str | None = None  # of an example of several documents: the name of the one it is in

    @model_validator(mode="after")
    def _names_something(self) -> ExpectedPlace:
        if (self.table, self.row, self.column, self.text, self.page) == (None,) * 5:
            raise ValueError("期望的位置至少要写出 table、row、column、text、page 中的一项")
        return self


class ExampleDocument(_Strict):
    """One of the documents of an example for a rule that compares documents: its file name (which the
    cover lines need not repeat), its tables and its text."""

    name: str
    tables: list[ExampleTable] = Field(default_factory=list)
    text: list[str] = Field(default_factory=list)


class Example(_Strict):
    name: str
    tables: list[ExampleTable] = Field(default_factory=list)
    text: list[str | ExampleProblem] = Field(default_factory=list)
    # instead of tables and text: documents checked together
    documents: list[ExampleDocument] = Field(default_factory=list)
    # what a reader reported as unreadable (a scanned page)
    problems: list[str | ExampleProblem] = Field(default_factory=list)
    empty_pages: list[int] = Field(default_factory=list)  # pages with nothing printed on them
    # A failing example: every place its findings must blame (their judged places, no more, no fewer),
    # and optionally how many findings.
    expect: list[ExpectedPlace] | None = Field(default=None, min_length=1)
    findings: int | None = Field(default=None, ge=1)
    severity: Severity | None = None  # a failing example's findings' severity (a `minor:` one: warning)
    # A known gap: why the example does not behave as listed yet. It runs, and is reported, but does
    # not fail the tests until it does behave as listed (then the todo must go).
    todo: str | None = None

    @model_validator(mode="after")
    def _places_name_their_table(self) -> Example:
        if len(self.tables) > 1 and any(p.table is None and (p.row, p.column) != (None, None)
                                        for p in self.expect or ()):
            raise ValueError("例子有多个表格，expect 中每个单元格都要用 table 写明是哪个表")
        return self


class Examples(_Strict):
    passing: list[Example] = Field(alias="pass", min_length=1)
    failing: list[Example] = Field(alias="fail", min_length=1)

    @model_validator(mode="after")
    def _only_failing_examples_expect(self) -> Examples:
        for example in self.passing:
            if (example.expect, example.findings, example.severity) != (None, None, None):
                raise ValueError(f"通过例“{example.name}”不应有问题，不能写 expect、findings 或 severity")
        return self


# Each check kind's schema comes from its module in validator.checks; `kind:` picks one. The one
# comparing documents is evaluated on pairs of documents (validator.cross_documents), not per file.
Check = Annotated[Union[(*(kind.schema for kind in CHECK_KINDS.values()), *PAIR_KINDS.values())],  # noqa: UP007
                  Field(discriminator="kind")]


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
    fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(message) if name]
    styled = next((name for name, spec, conversion in fields if spec or conversion), None)
    if styled:  # the values are written already; a spec such as >999999999 would only pad (to gigabytes)
        raise ValueError(f"消息模板的占位符 {styled} 不能带格式说明或转换（:… 或 !…）")
    names = {name for name, _, _ in fields}
    unknown = names - known
    if unknown:
        raise ValueError(f"消息模板含未知占位符 {sorted(unknown)}（可用：{sorted(known)}）")
    return message


class RuleSpec(_Strict):
    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
    title: str
    severity: Severity
    basis: str
    description: str
    message: str
    hint: str | None = None
    tolerance: Decimal = Decimal(0)
    minor: Minor | None = None  # a difference the printed figure's last digit explains: milder severity
    aliases: list[str] = Field(default_factory=list)
    document: DocumentSort | None = None  # the kind of document it checks, where its file says none
    check: Check
    group: Grouping | None = None
    # a rule whose finding on the same table already reports this rule's failure there (one mistake)
    same_mistake_as: str | None = None
    examples: Examples

    @field_validator("message")
    @classmethod
    def _known_placeholders(cls, message: str) -> str:
        return _checked_placeholders(message, PLACEHOLDERS)


class RuleFileSpec(_Strict):
    document: DocumentSort | None = None  # its rules check only this kind of document (None: any)
    rules: list[RuleSpec]


@dataclass(frozen=True)
class Rule:
    """A loaded rule: its spec, where it was defined, and its compiled check."""

    spec: RuleSpec
    path: str
    line: int | None
    catalogue: Catalogue = field(default_factory=builtin_catalogue, compare=False, repr=False)  # its tables
    document: DocumentSort | None = None  # 决算 or 预算: the kind of document it checks (None: any)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def between_documents(self) -> bool:
        """Whether it compares documents of a run with each other (not run on one file)."""
        return isinstance(self.spec.check, BetweenDocumentsCheck)

    def applies_to(self, document_kind: str | None) -> bool:
        """Whether it checks a document of this kind (部门预算 …). A document of unknown kind has no budget
        table (they would tell its kind), so the budget rules would only be skipped on it: it gets the others."""
        return self.document is None or (document_kind or "决算").endswith(self.document)


def _validation_context(catalogue: Catalogue) -> dict[str, object]:
    """What the check schemas validate against: the table kinds a rule may name."""
    return {"table_names": set(catalogue.kinds)}


def load_rule_file(path: Path | str, text: str | None = None, catalogue: Catalogue | None = None) -> list[Rule]:
    """The rules of one file, whose tables are those of `catalogue` (the built-in one by default)."""
    name = str(path)
    catalogue = catalogue or builtin_catalogue()
    try:
        source = Path(path).read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as error:
        raise RuleError(name, None, f"无法读取规则文件：{error}") from None
    # PyYAML is imported only where a file is parsed (a twentieth of a one-file check's start-up)
    from .yamlnodes import first_problem, line_of, load_rule_yaml

    data, node = load_rule_yaml(name, source, "规则文件")
    try:
        parsed = RuleFileSpec.model_validate(data, context=_validation_context(catalogue))
    except ValidationError as error:
        raise RuleError(name, *first_problem(error, node)) from None
    return _rules_of(parsed, name, [line_of(node, ("rules", index)) for index in range(len(parsed.rules))], catalogue)


def _rules_of(parsed: RuleFileSpec, name: str, lines: list[int | None], catalogue: Catalogue) -> list[Rule]:
    return [Rule(spec, name, line, catalogue, spec.document or parsed.document)
            for spec, line in zip(parsed.rules, lines, strict=True)]


def _builtin_rule_file(name: str, text: str) -> list[Rule]:
    """A built-in rule file from its parse kept between runs (builtin_cache): its data and each rule's line."""
    data, lines = builtin_cache.parsed(name, text, _data_and_rule_lines)
    try:
        parsed = RuleFileSpec.model_validate(data, context=_validation_context(builtin_catalogue()))
    except ValidationError:  # not with a released rule file; said with its line as for any other
        return load_rule_file(name, text)
    return _rules_of(parsed, name, lines, builtin_catalogue())


def _data_and_rule_lines(name: str, text: str) -> tuple[Any, list[int | None]]:
    from .yamlnodes import line_of, load_rule_yaml

    data, node = load_rule_yaml(name, text, "规则文件")
    rules = data.get("rules") if isinstance(data, dict) else None
    return data, [line_of(node, ("rules", index)) for index in range(len(rules) if isinstance(rules, list) else 0)]


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
    for rule in rules:
        if rule.spec.same_mistake_as and rule.spec.same_mistake_as not in seen:
            raise RuleError(rule.path, rule.line, f"same_mistake_as 指的规则 {rule.spec.same_mistake_as} 不存在")
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
            rules.extend(_builtin_rule_file(f"rules/{entry.name}", entry.read_text(encoding="utf-8")))
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
    import difflib  # only for a mistyped prefix

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
            check = AssertCheck.model_validate({**check.model_dump(by_alias=True), "parameters": parameters},
                                               context=_validation_context(rule.catalogue))
            rule = _with_spec(rule, check=check)
        changed.append(rule)
    return changed


def _with_spec(rule: Rule, **changes: Any) -> Rule:
    return replace(rule, spec=rule.spec.model_copy(update=changes))
