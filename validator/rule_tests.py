"""A rule's own pass/fail examples run as its tests (`budgetlint test-rules`, as `semgrep --test`),
and the names a rule uses that its examples' tables do not have: almost always a typo in the rule
(本年支出合汁), which would otherwise only skip the rule on every real file without a word.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .catalogue import merged_catalogue
from .errors import RuleError
from .examples import example_documents, run_on_all
from .expectations import ambiguous, as_expected, blamed, describe
from .findings import SEVERITY_WORDS, Finding, Skip
from .model import Document, Table
from .ruleset import Example, Rule, catalogue_files, load_rules, rule_files

OUTCOMES = {"pass": "通过例", "fail": "不通过例"}
# The engine keeps why a rule was skipped only as the resolver's message. These are its messages for
# a row or column (TableResolver.rows/columns) and for a table (TableResolver.table) it did not find;
# tests/test_user_rules.py fails if they change.
_NOT_IN_TABLE = re.compile(r"^(?P<table>.+)中没有“(?P<name>.+)”(?P<what>行|栏)$")
_NO_TABLE = re.compile(r"^文件中没有(?P<name>.+)$")


@dataclass(frozen=True)
class UnknownName:
    """A rule skipped on one of its examples because a table, row or column it names is not there."""

    rule: Rule
    outcome: str  # pass | fail
    example: str
    what: str  # 表 | 行 | 栏
    name: str
    searched: str  # the table searched, or the example's tables
    nearest: str | None = None

    def message(self) -> str:
        where = f"{OUTCOMES[self.outcome]}“{self.example}”"
        if self.what == "表":
            return (f"{self.rule.id} 在{where}中被跳过：例子中没有{self.name}（例子的表格：{self.searched}），"
                    f"规则中的表名或例子表格的标题可能写错了")
        guess = f"，相近的有“{self.nearest}”" if self.nearest else ""
        return (f"{self.rule.id} 在{where}中被跳过：{self.searched}中没有“{self.name}”{self.what}，"
                f"规则中的名称可能写错了{guess}")


@dataclass(frozen=True)
class ExampleFailure:
    """An example whose outcome is not the one it is listed under: what was expected, what happened."""

    outcome: str
    example: str
    expected: str
    actual: list[str]


@dataclass(frozen=True)
class TodoExample:
    """An example marked `todo:` (a known gap) that still does not behave as listed."""

    outcome: str
    example: str
    reason: str


@dataclass(frozen=True)
class RuleExamples:
    """What running one rule's examples gave."""

    rule: Rule
    failures: list[ExampleFailure] = field(default_factory=list)
    warnings: list[UnknownName] = field(default_factory=list)
    todos: list[TodoExample] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load_each(paths: Iterable[Path]) -> tuple[list[Rule], list[RuleError]]:
    """The rules of each file (of a folder: each rule file in it), and the mistakes of those that do
    not load: every file on its own, so that one broken file does not hide the others' results. The
    tables they name are the built-in ones and those of every tables.yaml among the paths."""
    rules: list[Rule] = []
    broken: list[RuleError] = []
    paths = list(paths)
    try:
        catalogue = merged_catalogue(catalogue_files(paths))
    except RuleError as error:
        return [], [error]
    for path in paths:
        try:
            files = rule_files(path)
        except RuleError as error:
            broken.append(error)
            continue
        for file in files:
            try:
                rules += load_rules([file], catalogue=catalogue)
            except RuleError as error:
                broken.append(error)
    return rules, broken


def run_examples(rule: Rule) -> RuleExamples:
    """Every pass example must give no finding and really be evaluated; every fail example a finding
    (blaming the places its `expect:` names). A `todo:` example that does not yet is reported, not
    failed; one that now does fails, so that someone removes its `todo:`."""
    result = RuleExamples(rule)
    spec = rule.spec
    for outcome, examples in (("pass", spec.examples.passing), ("fail", spec.examples.failing)):
        for example in examples:
            documents = example_documents(rule, example)
            findings, skips = run_on_all(rule, documents)
            mistake = unclear(outcome, example, documents)
            failure = judged(rule, outcome, example, findings, skips)
            if mistake or (failure and example.todo is None):
                result.failures.append(mistake or failure)  # type: ignore[arg-type]
            elif failure:
                result.todos.append(TodoExample(outcome, example.name, example.todo))
            elif example.todo is not None:
                result.failures.append(ExampleFailure(outcome, example.name, f"仍是待办（{example.todo}）",
                                                      ["已符合期望：请删去 todo"]))
            result.warnings.extend(unknown_names(rule, outcome, example, documents, skips))
    return result


def unknown_names(rule: Rule, outcome: str, example: Example, documents: list[Document],
                  skips: Iterable[Skip]) -> list[UnknownName]:
    found = []
    tables = [table for document in documents for table in document.tables]
    kind_names = {kind.name: kind for kind in rule.catalogue.kinds.values()}
    for skip in skips:
        missing = _NOT_IN_TABLE.match(skip.reason)
        if missing:
            table = next((t for t in tables if t.name == missing["table"]), None)
            nearest = _nearest(missing["name"], _names(table, missing["what"])) if table else None
            found.append(UnknownName(rule, outcome, example.name, missing["what"], missing["name"],
                                     missing["table"], nearest))
            continue
        absent_table = _NO_TABLE.match(skip.reason)
        if absent_table and absent_table["name"] in kind_names:
            titles = "、".join(f"“{t.title}”" + ("" if t.kind else "（未识别为标准表格）") for t in tables)
            found.append(UnknownName(rule, outcome, example.name, "表", absent_table["name"], titles or "无"))
    return found


def _names(table: Table, what: str) -> list[str]:
    """What a selector could have meant: row labels and codes, or column header paths and their ends."""
    if what == "行":
        return [name for row in table.rows for name in (row.label, row.code) if name]
    return [name for column in table.columns if column.role == "amount"
            for i in range(len(column.header)) if (name := "/".join(column.header[i:]))]


def _nearest(name: str, candidates: list[str]) -> str | None:
    alternatives = name.split("|")
    for alternative in alternatives:
        close = difflib.get_close_matches(alternative, candidates, n=1, cutoff=0.6)
        if close:
            return close[0]
    return None


def unclear(outcome: str, example: Example, documents: list[Document]) -> ExampleFailure | None:
    """An expected place that could be more than one cell of the example: a mistake of its author,
    whether or not the example is a todo."""
    reasons = [reason for place in example.expect or () for document in documents
               if place.document in (None, document.path) and (reason := ambiguous(place, document))]
    return ExampleFailure(outcome, example.name, "expect 中每个位置只指例子中的一处", reasons) if reasons else None


def judged(rule: Rule, outcome: str, example: Example, findings: list[Finding],
           skips: list[Skip]) -> ExampleFailure | None:
    """Why the example is not what it is listed as, or None when it is."""
    skipped = "；".join(f"规则未运行：{s.reason}" for s in skips)
    if outcome == "pass" and findings:
        return ExampleFailure(outcome, example.name, "没有问题", [_described(f) for f in findings])
    if outcome == "pass" and skips:
        return ExampleFailure(outcome, example.name, "规则对该例核对后没有问题", [skipped])
    if outcome == "fail" and not findings:
        return ExampleFailure(outcome, example.name, _wanted(rule, example),
                              [f"没有问题（{skipped}）" if skipped else "没有问题"])
    if outcome == "fail" and (not as_expected(example.expect, findings, example.findings)
                              or example.severity and any(f.severity != example.severity for f in findings)):
        return ExampleFailure(outcome, example.name, _wanted(rule, example), [_described(f) for f in findings])
    return None


def _wanted(rule: Rule, example: Example) -> str:
    count = f"{example.findings} 个 {rule.id} 问题" if example.findings else None
    if example.severity:
        count = f"{count or rule.id + ' 问题'}（{SEVERITY_WORDS[example.severity]}）"
    if example.expect is None:
        return count or f"至少一个 {rule.id} 问题"
    return f"{count or f'{rule.id} 问题'}，指出 " + "；".join(describe(p) for p in example.expect)


def _described(finding: Finding) -> str:
    places = "；".join(location.describe() or location.place() for location in blamed([finding]))
    return f"{finding.message}（位置：{places}）" if places else finding.message


def report(results: list[RuleExamples]) -> str:
    """Per rule file, each rule as ✓ or ✗ with its failures, then the warnings; a summary line last."""
    lines: list[str] = []
    by_file: dict[str, list[RuleExamples]] = {}
    for result in results:
        by_file.setdefault(result.rule.path, []).append(result)
    for path, in_file in by_file.items():
        lines.append(path)
        for result in in_file:
            spec = result.rule.spec
            todo = f", {len(result.todos)} 待办" if result.todos else ""
            counts = f"({len(spec.examples.passing)} 通过例, {len(spec.examples.failing)} 不通过例{todo})"
            lines.append(f"  {'✓' if result.passed else '✗'} {spec.id} {counts}")
            for failure in result.failures:
                lines.append(f"      {OUTCOMES[failure.outcome]}“{failure.example}”未通过")
                lines.append(f"        期望：{failure.expected}")
                lines += [f"        实际：{line}" for line in failure.actual]
            lines += [f"      ○ 待办：{OUTCOMES[t.outcome]}“{t.example}”尚未符合期望（{t.reason}）" for t in result.todos]
            lines += [f"      ⚠ 警告：{warning.message()}" for warning in result.warnings]
    failed = [r for r in results if not r.passed]
    warnings = sum(len(r.warnings) for r in results)
    examples = sum(len(r.rule.spec.examples.passing) + len(r.rule.spec.examples.failing) for r in results)
    outcome = (f"{len(failed)} 条规则有例子未通过（{sum(len(r.failures) for r in failed)} 个例子）" if failed
               else "全部通过")
    todos = sum(len(r.todos) for r in results)
    todo = f"；{todos} 个待办例（不计为未通过）" if todos else ""
    lines.append(f"共 {len(results)} 条规则、{examples} 个例子：{outcome}{todo}；{warnings} 个警告")
    return "\n".join(lines) + "\n"
