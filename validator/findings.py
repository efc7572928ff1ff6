"""Findings and the report: plain, immutable data that every reporter renders.

The JSON contract (numbers as strings so no precision is lost):
{"tool": {"name", "version"}, "files": [{"path", "format", "tables", "error",
 "internal_error" (true when the error is budgetlint's own: a bug to report),
 "claims" ([found, checked] numeric claims in the prose, or null),
 "ocr" ([read, doubtful] table cells OCR'd from scanned pages and those below confidence 0.8, or null),
 "document_kind" (部门预算, 单位预算, 部门决算, 单位决算, or 预算/决算 when the level is not printed; or null),
 "document_identity" ({"unit", "year", "year_from" (封面, 表格 or 文件名)} read from its cover, or null)}],
 "findings": [{"rule", "severity", "title", "message", "file", "expected", "actual", "difference",
               "tolerance", "hint", "judged" (how many of the first locations are places found wrong,
               the others being what they were compared with),
               "culprit" (only when one place explains the finding, its first location: {"cell", "location",
               "value", "proposed" (null: a row listed twice, to remove), "cause" (null: 原因不明), "arithmetic",
               "rules" (the rules whose findings it explains, this finding's first)}), "locations": [{"table", "table_title", "row", "row_no", "code", "column",
               "column_no", "value", "span" (only for a claim in prose),
               "file" (only for a place in another file than the finding's), "source": {"line", "column", "page",
               "bbox", "sheet", "cell", "hidden", "confidence" (only when set)}}]}],
 "skipped": [{"rule", "file", "reason", "count"}],
 "summary": {"files", "findings", "errors", "warnings", "infos", "skipped",
             "baselined" (only with a baseline), "not_checked" (only when interrupted),
             "internal_errors" (files budgetlint itself failed on, only when there are any),
             "ocr_cells", "ocr_doubtful" (only when scanned pages were OCR'd)},
 "compared" (only when several files were checked): [{"relation" (说明与报表, 部门与单位, 上下年), "files", "identity"}],
 "not_checked" (only when interrupted): [path of each file not checked, in input order],
 "statistics" (only when asked for): {"rules": [{"rule", "title", "errors", "warnings", "infos", "total"}],
                                      "files": [{"path", "errors", "warnings", "infos", "total"}]}}
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, fields, replace
from functools import cache
from typing import Any, Literal

from .model import Document, Source

# The severities, their order and their Chinese words: the one home every module reads them from.
Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[Severity, int] = {"info": 1, "warning": 2, "error": 3}
SEVERITY_WORDS: dict[Severity, str] = {"error": "错误", "warning": "警告", "info": "提示"}


@dataclass(frozen=True, slots=True)
class Location:
    table: str | None = None  # printed number (公开01表) or the kind (T1)
    table_title: str | None = None
    row: str | None = None  # label as printed
    row_no: int | None = None  # 行次
    code: str | None = None  # 科目编码
    column: str | None = None  # header path
    column_no: int | None = None  # 栏次
    value: str | None = None  # the text as displayed
    source: Source = field(default_factory=Source)
    span: tuple[int, int] | None = None  # [start, end) characters of a claim in its line of prose
    file: str | None = None  # another file than the finding's (documents compared with each other)

    def row_text(self) -> str:
        """第27行 201 本年收入合计: the row as a clerk finds it."""
        parts = []
        if self.row_no is not None:
            parts.append(f"第{self.row_no}行")
        if self.code:
            parts.append(self.code)
        if self.row:
            parts.append(self.row)
        return " ".join(parts)

    def table_name(self) -> str:
        """The printed number (公开01表); a table printed without one goes by its title, not our T-id."""
        if self.table and not re.fullmatch(r"[A-Z]+\d*", self.table):
            return self.table
        return self.table_title or self.table or ""

    def table_heading(self) -> str:
        """公开05表 一般公共预算财政拨款支出决算表: the number and the title, each once."""
        name = self.table_name()
        return f"{name} {self.table_title}" if self.table_title and self.table_title != name else name

    def describe(self) -> str:
        return " ".join(p for p in (self.table_name(), self.row_text(), self.column_text()) if p)

    def column_text(self) -> str:
        """“收入/决算数”（第1栏）"""
        if not self.column:
            return ""
        return f"“{self.column}”" + (f"（第{self.column_no}栏）" if self.column_no else "")

    def end_column(self) -> int | None:
        """For a claim in prose: the column just after it (1-based, as editors and SARIF count)."""
        if self.span is None or self.source.column is None:
            return None
        return self.source.column + self.span[1] - self.span[0]

    def place(self) -> str:
        """The cell, its value and where it sits in the file: 公开01表 第27行 本年收入合计 “收入/决算数”（第1栏）
        = 2,643.57  〔第139行第11列〕; empty for a whole-file finding."""
        text = self.describe()
        if self.value not in (None, ""):
            text = f"{text} = {self.value}" if text else f"“{self.value}”"
        where = " ".join(p for p in (self.file, self.source.describe()) if p)
        if not where:
            return text
        return f"{text}  〔{where}〕" if text else f"〔{where}〕"


@dataclass(frozen=True, slots=True)
class Culprit:
    """The one place whose change would make every relation of a finding hold (validator.culprits):
    a cell and the value it would need, or a row listed twice and to be removed (proposed None)."""

    location: Location
    proposed: str | None
    cause: str | None = None  # 相邻数字颠倒 …; None: 原因不明
    arithmetic: str | None = None  # the figures that support the cause
    rules: tuple[str, ...] = ()  # the rules whose findings it explains, the finding's own first

    def fix(self) -> str:
        """printed → proposed, as a clerk would correct it."""
        if self.proposed is None:
            return f"删去重复列出的“{self.location.row or ''}”一行"
        return f"{self.location.value} → {self.proposed}"

    def cause_text(self) -> str:
        return f"可能原因：{self.cause}（{self.arithmetic}）" if self.cause else "原因不明"


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: str
    title: str
    message: str
    file: str
    locations: tuple[Location, ...] = ()
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    tolerance: str | None = None
    hint: str | None = None
    judged: int = 1  # the first `judged` locations are the places found wrong; the rest were compared with them
    culprit: Culprit | None = None  # the one place that explains it, when the culprit search found one

    def reported_rules(self) -> tuple[str, ...]:
        """Its rule, and the rules of the findings it took in as evidence of its culprit."""
        return self.culprit.rules if self.culprit is not None else (self.rule,)

    def is_judged(self, index: int) -> bool:
        """Whether locations[index] is a place found wrong (位置), not one it was compared with (涉及)."""
        return index < self.judged

    def role(self, index: int) -> str:
        return "位置" if self.is_judged(index) else "涉及"

    def sort_key(self) -> tuple[Any, ...]:
        first = self.locations[0].source if self.locations else Source()
        return (self.file, first.page or 0, first.line or 0, first.sheet or "", first.column or 0, self.rule)


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """What reporters say about a rule (SARIF rule descriptors, JUnit test cases): its text, not its check."""

    id: str
    title: str
    severity: str
    basis: str = ""
    description: str = ""
    hint: str | None = None


@dataclass(frozen=True, slots=True)
class Skip:
    """A rule that could not be applied to a file, and why (an absent table or row)."""

    rule: str
    file: str
    reason: str
    count: int = 1


@dataclass(slots=True)
class FileResult:
    path: str
    format: str | None
    tables: list[str] = field(default_factory=list)
    error: str | None = None
    claims: tuple[int, int] | None = None  # claims found in the prose, and how many a rule checked
    ocr: tuple[int, int] | None = None  # table cells read by OCR from scanned pages, and how many doubtfully
    internal_error: bool = False  # reading or checking it failed by a bug of budgetlint (exit code 3)
    document_kind: str | None = None  # 部门预算, 单位决算, 预算 … as recognised (None: nothing tells)
    document_identity: dict[str, Any] | None = None  # {unit, year, year_from} from its cover (None: unclear)


@dataclass(slots=True)
class Report:
    version: str
    files: list[FileResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    # The rules that ran, by id (built-in, --rules files and READ-01), for reporters that describe them;
    # not part of to_dict(), whose findings carry their own title and hint.
    rules: dict[str, RuleInfo] = field(default_factory=dict, repr=False, compare=False)
    # The documents as read, by path, for reporters that show the tables (HTML) or annotate the input
    # (Excel); kept only when asked for (check(keep_documents=True)), never part of to_dict().
    documents: dict[str, Document] = field(default_factory=dict, repr=False, compare=False)
    baselined: int | None = None  # findings left out because the baseline lists them (None: no baseline)
    not_checked: list[str] = field(default_factory=list)  # files left when the run was stopped (Ctrl-C), in input order
    with_statistics: bool = False  # to_dict() and the text report add counts per rule and per file
    # The files compared with each other (a run of several files): {relation, files, identity} each; None
    # when the run had one file
    compared: list[dict[str, Any]] | None = None

    @property
    def interrupted(self) -> int:
        """How many files were not checked because the run was stopped."""
        return len(self.not_checked)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def internal_errors(self) -> int:
        """Files whose reading or checking failed by a bug of budgetlint."""
        return sum(1 for f in self.files if f.internal_error)

    def tally(self) -> Tally:
        tally = Tally(baselined=self.baselined, not_checked=self.not_checked)
        for result in self.files:
            tally.add_file(result)
        tally.add_findings(self.findings)
        tally.skipped = len(self.skipped)
        return tally

    def summary(self) -> dict[str, int]:
        return self.tally().summary()

    def statistics(self) -> dict[str, list[dict[str, Any]]]:
        return self.tally().statistics()

    def worst_at_least(self, threshold: str) -> bool:
        return self.tally().worst_at_least(threshold)

    def to_dict(self) -> dict[str, Any]:
        return report_layout(self.version, [asdict(f) for f in self.files], [finding_dict(f) for f in self.findings],
                             [asdict(s) for s in self.skipped], self.tally(), self.compared, self.with_statistics)


@dataclass(slots=True)
class Tally:
    """The counts of a run, gathered file by file: the summary, --statistics and the exit code need
    nothing else, so a report written as the files are checked keeps only this in memory."""

    files: int = 0
    severities: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    failed: int = 0  # files budgetlint itself failed on
    ocr: tuple[int, int, int] | None = None  # files, cells and doubtful cells read by OCR
    baselined: int | None = None
    not_checked: list[str] = field(default_factory=list)
    by_rule: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    titles: dict[str, str] = field(default_factory=dict)
    by_file: dict[str, Counter[str]] = field(default_factory=dict)

    def add_file(self, result: FileResult) -> None:
        self.files += 1
        self.failed += result.internal_error
        if result.ocr:
            files, cells, doubtful = self.ocr or (0, 0, 0)
            self.ocr = (files + 1, cells + result.ocr[0], doubtful + result.ocr[1])
        self.by_file.setdefault(result.path, Counter())

    def add_findings(self, findings: list[Finding]) -> None:
        for finding in findings:
            self.severities[finding.severity] += 1
            self.by_rule[finding.rule][finding.severity] += 1
            self.by_file.setdefault(finding.file, Counter())[finding.severity] += 1
            self.titles.setdefault(finding.rule, finding.title)

    def count(self, severity: str) -> int:
        return self.severities[severity]

    def internal_errors(self) -> int:
        return self.failed

    def summary(self) -> dict[str, int]:
        summary = {"files": self.files, "findings": self.severities.total(), "errors": self.count("error"),
                   "warnings": self.count("warning"), "infos": self.count("info"), "skipped": self.skipped}
        if self.baselined is not None:
            summary["baselined"] = self.baselined
        if self.not_checked:
            summary["not_checked"] = len(self.not_checked)
        if self.failed:
            summary["internal_errors"] = self.failed
        if self.ocr:
            summary["ocr_cells"], summary["ocr_doubtful"] = self.ocr[1:]
        return summary

    def statistics(self) -> dict[str, list[dict[str, Any]]]:
        """Findings counted per rule (most frequent first) and per file (every file, in input order)."""

        def counts(counter: Counter[str]) -> dict[str, int]:
            return {"errors": counter["error"], "warnings": counter["warning"], "infos": counter["info"],
                    "total": counter.total()}

        rules = sorted(self.by_rule.items(), key=lambda item: (-item[1].total(), item[0]))
        return {"rules": [{"rule": rule, "title": self.titles[rule], **counts(c)} for rule, c in rules],
                "files": [{"path": path, **counts(c)} for path, c in self.by_file.items()]}

    def worst_at_least(self, threshold: str) -> bool:
        """Whether any finding is at or above the threshold severity (`never` means no threshold)."""
        if threshold == "never":
            return False
        return any(SEVERITY_ORDER[s] >= SEVERITY_ORDER[threshold] for s, n in self.severities.items() if n)


def report_layout(version: str, files: Any, findings: Any, skipped: Any, tally: Tally,
                  compared: list[dict[str, Any]] | None, with_statistics: bool) -> dict[str, Any]:
    """The JSON report's keys in their order; files, findings and skipped as given (lists, or the
    spools of a report written as the files are checked)."""
    return {"tool": {"name": "budgetlint", "version": version}, "files": files, "findings": findings,
            "skipped": skipped, "summary": tally.summary()} | (
        {"compared": compared} if compared is not None else {}) | (
        {"not_checked": tally.not_checked} if tally.not_checked else {}) | (
        {"statistics": tally.statistics()} if with_statistics else {})


def finding_dict(finding: Finding) -> dict[str, Any]:
    # Field by field rather than by dataclasses.asdict, which deep-copies every value: half of the JSON
    # report's time (benchmarks/speed.py). The values are strings, numbers and tuples of them.
    data = _fields(finding)
    data["locations"] = [_fields(location) | {"source": _fields(location.source)} for location in finding.locations]
    for location in data["locations"]:
        source = location["source"]
        source["bbox"] = [str(v) for v in source["bbox"]] if source["bbox"] else None
        # Only a workbook cell that is not shown says so: ["sheet", "row", "column"], each that hides it
        hidden = source.pop("hidden")
        if hidden:
            source["hidden"] = list(hidden)
        confidence = source.pop("confidence")
        if confidence is not None:  # text read by OCR from a scanned page
            source["confidence"] = str(confidence)
        if location["file"] is None:  # only a place in another file says which
            location.pop("file")
        span = location.pop("span")
        if span:  # a claim in prose: [start, end) characters of its line
            location["span"] = list(span)
    if finding.culprit is None:  # only a finding whose culprit was found says so
        data.pop("culprit")
    else:
        data["culprit"] = {"cell": finding.culprit.location.describe(), "location": data["locations"][0],
                           "value": finding.culprit.location.value, "proposed": finding.culprit.proposed,
                           "cause": finding.culprit.cause, "arithmetic": finding.culprit.arithmetic,
                           "rules": list(finding.culprit.rules)}
    return data


def _fields(instance: Any) -> dict[str, Any]:
    """A dataclass instance's fields by name, in their order, as they are (not copied)."""
    return {name: getattr(instance, name) for name in _field_names(type(instance))}


@cache
def _field_names(dataclass_type: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(dataclass_type))


# The exit codes of a run (README "Exit codes"). The other one, 2, is a usage, configuration or rule-file
# error, which stops a run before it starts; an exception escaping a command is EXIT_INTERNAL too (cli).
EXIT_CLEAN, EXIT_FINDINGS, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 3, 130
EXIT_PIPE_CLOSED = 141  # 128 + SIGPIPE: the reader of stdout went away (cli)


def exit_code(report: Report | Tally, fail_on: str, *, interrupted: bool = False, baseline_written: bool = False) -> int:
    """The exit code of a finished run: 130 when Ctrl-C cut it short, 3 when budgetlint failed on a file
    (a bug must never pass for "findings", nor a run it spoilt for a pass), 0 after recording a baseline,
    else 1 when a finding is at or above `fail_on` and 0 when none is."""
    if interrupted:
        return EXIT_INTERRUPTED
    if report.internal_errors():
        return EXIT_INTERNAL
    if baseline_written or not report.worst_at_least(fail_on):
        return EXIT_CLEAN
    return EXIT_FINDINGS


def joined(first: Finding, second: Finding, note: str = "") -> Finding:
    """Two findings of one mistake as one: both messages, the places each found wrong first, then
    what they were compared with; the first finding's rule, severity and figures."""
    judged = tuple(dict.fromkeys((*first.locations[:first.judged], *second.locations[:second.judged])))
    compared = (*first.locations[first.judged:], *second.locations[second.judged:])
    return replace(first, message=f"{first.message}；{second.message}{note}", judged=len(judged),
                   locations=(*judged, *(place for place in dict.fromkeys(compared) if place not in judged)))
