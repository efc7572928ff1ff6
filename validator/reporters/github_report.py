"""GitHub Actions workflow commands: one annotation per finding, shown on the run and in the pull request.

`::error file=F,line=L,col=C,endColumn=E,title=RULE 标题::message` — `error`, `warning`, or `notice`
for info notes. line/col come from text and YAML inputs; a workbook or PDF finding has the file only,
and the message says where (sheet!cell, page). The message also names the judged cell and the hint.
Values are escaped as the Actions runner expects: `%`, CR and LF everywhere, and also `:` and `,` in
the properties. Nothing else is printed (any other line would be echoed into the log as is). Each
file's annotations are written as soon as it is checked.
"""

from __future__ import annotations

from ..findings import Finding, Location, Report
from .parts import LinePerFinding, whole
from .paths import relative_path

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


class Writer(LinePerFinding):
    def line(self, finding: Finding) -> str:
        return annotation(finding)


def render(report: Report, verbose: bool = False) -> str:
    return whole(report, Writer, verbose)


def annotation(finding: Finding) -> str:
    first = finding.locations[0] if finding.locations else Location()
    properties = {"file": relative_path(finding.file)}
    if first.source.line is not None:
        properties["line"] = str(first.source.line)
        if first.source.column is not None:
            properties["col"] = str(first.source.column)
            if first.end_column() is not None:
                properties["endColumn"] = str(first.end_column())
    properties["title"] = f"{finding.rule} {finding.title}"
    lines = [finding.message]
    place = first.place()
    if place:
        lines.append(f"位置：{place}")
    if finding.hint:
        lines.append(f"建议：{finding.hint}")
    listed = ",".join(f"{name}={escape_property(value)}" for name, value in properties.items())
    return f"::{COMMANDS[finding.severity]} {listed}::{escape_data(chr(10).join(lines))}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")
