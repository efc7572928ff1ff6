"""SARIF 2.1.0 for code-scanning services (GitHub code scanning, Azure DevOps, SonarQube, VS Code's viewer).

One run. `tool.driver.rules` describes every rule that produced a result (title, description, basis
and hint from the rule file). A result's locations are the places found wrong (one cell, or every
place of a finding that groups many, such as 110 template placeholders): the file, the line and
column where the input has lines (text, YAML), and the table, row, column, page, sheet and cell in
the location's `properties` and `logicalLocations`; the cells they were compared with are its
`relatedLocations`. Columns count Unicode characters (`columnKind: unicodeCodePoints`).

`partialFingerprints["budgetlintFinding/v1"]` identifies a finding by what it is about — rule, file,
table, row (行次, 科目编码, label), column (header, 栏次) — never by line or cell address, so an edit
elsewhere in the file (a line inserted above, a row added to another table) keeps it. A finding
outside any table (prose, a scanned page) is identified by its text and page. Findings alike in all
of that are numbered in document order (`…:1`, `…:2`).

A finding whose culprit was found (validator.culprits) carries it in its properties (`culprit`), and,
for an input with lines and columns (text, YAML), a `fixes` entry replacing the cell's text with the
proposed value; a PDF or workbook cell has no text region a SARIF fix could replace.

The summary and the skipped rules (as in the JSON report) are in `run.properties`, and with
`--statistics` the counts per rule and per file. Every cell is always listed: `verbose` changes
nothing here.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from ..findings import Finding, Location, Report, RuleInfo
from ..spool import PickleSpool
from . import json_text
from .json_text import JsonSpool, LazyItems
from .parts import FilePart, RunEnd, RunStart, whole
from .paths import relative_path

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/budgetlint/"
FINGERPRINT = "budgetlintFinding/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Location fields that say which cell a finding is about, as opposed to where that cell sits in the file
_CELL_FIELDS = ("table", "table_title", "row", "row_no", "code", "column", "column_no")


class Writer:
    """The artifacts and skipped rules are spooled as the files are checked, the findings too (each
    result names its rule's place in `tool.driver.rules`, which lists the rules that produced one:
    known at the end)."""

    def __init__(self, out: TextIO, start: RunStart) -> None:
        self.out, self.start = out, start
        self.artifacts, self.skipped = JsonSpool(), JsonSpool()
        self.results = PickleSpool()  # (finding, artifact index, fingerprint)
        self.rules: dict[str, RuleInfo] = {}  # by id, each rule that produced a result

    def add(self, part: FilePart) -> None:
        result = part.result
        if result is not None:
            self.artifacts.add(_artifact(result.path, {"format": result.format, "tables": result.tables,
                                                       "error": result.error}))
        for finding, fingerprint in zip(part.findings, finding_fingerprints(part.findings), strict=True):
            self.rules.setdefault(finding.rule, self.start.rules.get(finding.rule) or _rule_info(finding))
            index = self.artifacts.count - 1 if result is not None and finding.file == result.path else None
            self.results.append((finding, index, fingerprint))
        for skip in part.skips:
            self.skipped.add(asdict(skip))

    def finish(self, end: RunEnd) -> None:
        for skip in end.skips:
            self.skipped.add(asdict(skip))
        rule_ids = sorted(self.rules)
        rule_index = {rule_id: index for index, rule_id in enumerate(rule_ids)}
        results = LazyItems(self.results.count, lambda: (_result(finding, rule_index[finding.rule], index, fingerprint)
                                                         for finding, index, fingerprint in self.results))
        run = {
            "tool": {"driver": {
                "name": "budgetlint",
                "version": self.start.version,
                "semanticVersion": self.start.version,
                "informationUri": INFORMATION_URI,
                "rules": [_descriptor(self.rules[rule_id]) for rule_id in rule_ids],
            }},
            "invocations": [{"executionSuccessful": True}],
            "artifacts": self.artifacts,
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"summary": end.tally.summary(), "skipped": self.skipped}
                          | ({"statistics": end.tally.statistics()} if self.start.with_statistics else {}),
        }
        json_text.write(self.out, {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]})
        self.out.write("\n")
        for spool in (self.artifacts, self.skipped, self.results):
            spool.close()


def render(report: Report, verbose: bool = False) -> str:
    return whole(report, Writer, verbose)


def finding_fingerprints(findings: list[Finding]) -> list[str]:
    """A stable identity per finding (see the module docstring), in the order of `findings`."""
    seen: Counter[str] = Counter()
    fingerprints = []
    for finding in findings:
        digest = hashlib.sha256(json.dumps(_identity(finding), ensure_ascii=False).encode()).hexdigest()[:32]
        seen[digest] += 1
        fingerprints.append(f"{digest}:{seen[digest]}")
    return fingerprints


def _identity(finding: Finding) -> list[Any]:
    first = finding.locations[0] if finding.locations else Location()
    cell = [getattr(first, name) for name in _CELL_FIELDS]
    if not any(v is not None for v in cell):  # prose or a whole page: what it says, and on which page
        cell = [first.value, first.source.page]
    return [finding.rule, relative_path(finding.file), *cell]


def _rule_info(finding: Finding) -> RuleInfo:
    """A rule of a Report built without rule metadata, as its first finding names it."""
    return RuleInfo(finding.rule, finding.title, finding.severity, hint=finding.hint)


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    help_lines = [f"依据：{rule.basis}"] if rule.basis else []
    if rule.hint:
        help_lines.append(f"如何修正：{rule.hint}")
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.title,  # the rules have no separate identifier-like name; the title states the defect
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description or rule.title},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }
    if help_lines:
        descriptor["help"] = {"text": "\n".join(help_lines)}
    return descriptor


def _artifact(path: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"location": {"uri": artifact_uri(path)}, "properties": properties}


def artifact_uri(path: str) -> str:
    """A relative URI reference below the working directory (what code scanning resolves against the
    checkout), otherwise a file: URI; percent-encoded, since file names are often Chinese."""
    relative = relative_path(path)
    if Path(relative).is_absolute():
        return Path(relative).as_uri()
    return quote(relative, safe="/")


def _result(finding: Finding, rule_index: int, artifact_index: int | None, fingerprint: str) -> dict[str, Any]:
    locations = finding.locations or (Location(),)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.file, location, artifact_index)
                      for location in locations[:max(finding.judged, 1)]],
        "partialFingerprints": {FINGERPRINT: fingerprint},
    }
    compared = locations[max(finding.judged, 1):]
    if compared:
        result["relatedLocations"] = [_location(finding.file, location, artifact_index, id_=index)
                                      for index, location in enumerate(compared, start=1)]
    figures = {name: getattr(finding, name) for name in ("expected", "actual", "difference", "tolerance")}
    properties = {name: value for name, value in figures.items() if value is not None}
    if finding.hint:
        properties["hint"] = finding.hint
    if finding.culprit is not None:
        properties["culprit"] = _culprit_properties(finding)
        fix = _fix(finding, result["locations"][0]["physicalLocation"]["artifactLocation"])
        if fix is not None:
            result["fixes"] = [fix]
    if properties:
        result["properties"] = properties
    return result


def _culprit_properties(finding: Finding) -> dict[str, Any]:
    culprit = finding.culprit
    assert culprit is not None
    return {"cell": culprit.location.describe(), "value": culprit.location.value, "proposed": culprit.proposed,
            "cause": culprit.cause, "arithmetic": culprit.arithmetic, "rules": list(culprit.rules)}


def _fix(finding: Finding, artifact: dict[str, Any]) -> dict[str, Any] | None:
    """The culprit's proposed value as a SARIF fix: a replacement of its text, which only an input with
    lines and columns (text, YAML) has. A PDF or workbook cell has no text region to replace: its
    proposal is in the result's properties (culprit) only."""
    culprit = finding.culprit
    assert culprit is not None
    source, value = culprit.location.source, culprit.location.value
    if culprit.proposed is None or source.line is None or source.column is None or not value:
        return None
    region = {"startLine": source.line, "startColumn": source.column, "endColumn": source.column + len(value)}
    return {"description": {"text": f"{culprit.fix()}（{culprit.cause_text()}）"},
            "artifactChanges": [{"artifactLocation": artifact,
                                 "replacements": [{"deletedRegion": region,
                                                   "insertedContent": {"text": culprit.proposed}}]}]}


def _location(file: str, location: Location, artifact_index: int | None, id_: int | None = None) -> dict[str, Any]:
    # A place in another file (documents compared with each other) names that file
    artifact: dict[str, Any] = {"uri": artifact_uri(location.file or file)}
    if artifact_index is not None and location.file is None:
        artifact["index"] = artifact_index
    physical: dict[str, Any] = {"artifactLocation": artifact}
    source = location.source
    if source.line is not None:
        region: dict[str, int] = {"startLine": source.line}
        if source.column is not None:
            region["startColumn"] = source.column
            end_column = location.end_column()
            if end_column is not None:  # a claim in prose
                region["endColumn"] = end_column
        physical["region"] = region
    result: dict[str, Any] = {"physicalLocation": physical}
    if id_ is not None:
        result["id"] = id_
    name = location.describe()
    if name:
        result["logicalLocations"] = [{"name": name, "kind": "element"}]
    place = location.place()
    if place:
        result["message"] = {"text": place}
    properties = _location_properties(location)
    if properties:
        result["properties"] = properties
    return result


def _location_properties(location: Location) -> dict[str, Any]:
    source = location.source
    fields: dict[str, Any] = {name: getattr(location, name) for name in (*_CELL_FIELDS, "value")}
    fields.update(page=source.page, bbox=[str(v) for v in source.bbox] if source.bbox else None,
                  sheet=source.sheet, cell=source.cell, hidden=list(source.hidden) or None)
    return {name: value for name, value in fields.items() if value is not None}
