"""JUnit XML for CI test views (GitLab, Jenkins, Azure DevOps): one testsuite per file, one testcase per
rule per file (classname = the file, name = rule id and title).

- Error findings fail the testcase: one <failure type="error"> whose message counts them and whose
  text lists each with its place (JUnit tools show one failure per testcase).
- Warnings and info notes do not fail it (as with the default `--fail-on error`, the exit code stays
  the gate): they are listed in the testcase's <system-out>, where the test views show them.
- A rule that could not be applied (an absent table or row) and found nothing is <skipped> with the
  reason; the rules of a file that could not be read are skipped with READ-01's message.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from ..findings import SEVERITY_WORDS, Finding, Report, RuleInfo, Skip
from ..spool import TextSpool
from .parts import FilePart, RunEnd, RunStart, whole

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class Writer:
    """Each file's testsuite is spooled as it is checked; the totals, attributes of the root that
    comes before the suites, are written at the end."""

    def __init__(self, out: TextIO, start: RunStart, rules: list[RuleInfo] | None = None) -> None:
        self.out = out
        self.rules = rules if rules is not None else list(start.rules.values())
        self.suites, self.suite_count = TextSpool(), 0
        self.totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}

    def add(self, part: FilePart) -> None:
        result = part.result
        if result is None:  # findings of no checked file (a hand-made Report): no testsuite
            return
        findings: dict[str, list[Finding]] = defaultdict(list)
        for finding in part.findings:
            findings[finding.rule].append(finding)
        skips: dict[str, list[Skip]] = defaultdict(list)
        for skip in (*part.skips, *part.late_skips):
            skips[skip.rule].append(skip)
        suite = ET.Element("testsuite", name=result.path)
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="format", value=result.format or "")
        ET.SubElement(properties, "property", name="tables", value="、".join(result.tables))
        for rule in self.rules:
            _testcase(suite, result.path, rule, findings.get(rule.id, []), skips.get(rule.id, []), result.error)
        _count(suite)
        for total in self.totals:
            self.totals[total] += int(suite.get(total, 0))
        ET.indent(suite, level=1)
        self.suite_count += 1
        self.suites.write("\n  " + _xml_safe(ET.tostring(suite, encoding="unicode")))

    def finish(self, end: RunEnd) -> None:
        root = ET.Element("testsuites", name="budgetlint", **{k: str(v) for k, v in self.totals.items()})
        opening = ET.tostring(root, encoding="unicode")  # <testsuites … /> when no file was checked
        self.out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        if self.suite_count:
            self.out.write(opening.removesuffix(" />") + ">")
            self.suites.copy_to(self.out)
            self.out.write("\n</testsuites>")
        else:
            self.out.write(opening)
        self.out.write("\n")
        self.suites.close()


def render(report: Report, verbose: bool = False) -> str:
    return whole(report, lambda out, start: Writer(out, start, _rules(report)), verbose)


def _xml_safe(text: str) -> str:
    """Control characters (possible in a hostile input's text) are not allowed in XML 1.0, even escaped."""
    return _NOT_XML.sub("\ufffd", text)


def _rules(report: Report) -> list[RuleInfo]:
    """Every rule that ran (a Report built without rule metadata: the rules that found or skipped something)."""
    if report.rules:
        return list(report.rules.values())
    named = {f.rule: RuleInfo(f.rule, f.title, f.severity) for f in report.findings}
    for skip in report.skipped:
        named.setdefault(skip.rule, RuleInfo(skip.rule, skip.rule, "error"))
    return [named[rule_id] for rule_id in sorted(named)]


def _testcase(suite: ET.Element, path: str, rule: RuleInfo, findings: list[Finding], skips: list[Skip],
              read_error: str | None) -> None:
    case = ET.SubElement(suite, "testcase", classname=path, name=f"{rule.id} {rule.title}")
    errors = [f for f in findings if f.severity == "error"]
    others = [f for f in findings if f.severity != "error"]
    if errors:
        failure = ET.SubElement(case, "failure", type="error", message=_counted(errors, errors[0].message))
        failure.text = "\n\n".join(_describe(f) for f in errors)
    elif read_error is not None and not findings:
        ET.SubElement(case, "skipped", message=f"文件无法读取：{read_error}")
    elif skips and not findings:
        ET.SubElement(case, "skipped", message="；".join(_skip_text(s) for s in skips))
    if others:
        ET.SubElement(case, "system-out").text = "\n\n".join(_describe(f) for f in others)


def _counted(findings: list[Finding], first: str) -> str:
    return first if len(findings) == 1 else f"{len(findings)} 处错误，第一处：{first}"


def _describe(finding: Finding) -> str:
    lines = [f"{SEVERITY_WORDS[finding.severity]} {finding.rule} {finding.message}"]
    for index, location in enumerate(finding.locations):
        place = location.place()
        if place:
            lines.append(f"{finding.role(index)}：{place}")
    if finding.hint:
        lines.append(f"建议：{finding.hint}")
    return "\n".join(lines)


def _skip_text(skip: Skip) -> str:
    return skip.reason if skip.count == 1 else f"{skip.reason}（{skip.count} 处）"


def _count(element: ET.Element) -> None:
    """tests/failures/errors/skipped attributes from the testcases below `element`."""
    cases = list(element.iter("testcase"))
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    element.set("errors", "0")  # JUnit's "errors" are crashes of the test itself; budgetlint reports none
    element.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
