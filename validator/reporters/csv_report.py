"""A findings table for auditors to open in Excel or WPS: UTF-8 with a byte-order mark (so Excel does not
read it as GBK), Chinese headers, one row per finding. The first location (the judged cell) fills
表/行/栏/值/位置/页/工作表/单元格; every other cell the rule read is listed, one per line, under 涉及.
A checked file without findings has one row too, with only 文件 and 说明 (“未发现问题”), so the table
shows every file that was checked (a file that could not be read has its READ-01 row).

Figures stay as printed ("2,643.57"). A text cell that Excel would take for a formula (starting with
=, +, -, @) is prefixed with an apostrophe, as OWASP advises against CSV injection from a hostile
input; negative numbers keep their sign.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from io import StringIO

from ..findings import SEVERITY_WORDS, Finding, Location, Report

HEADER = ("文件", "规则", "严重程度", "标题", "说明", "表", "行", "栏", "值", "位置", "页", "工作表", "单元格",
          "期望值", "实际值", "差额", "容许", "涉及", "建议")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+%?")


def render(report: Report, verbose: bool = False) -> str:
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_file[finding.file].append(finding)
    for path in dict.fromkeys([result.path for result in report.files] + list(by_file)):  # input order
        for finding in by_file[path]:
            writer.writerow([_cell(value) for value in _row(finding)])
        if not by_file[path]:
            clean = {"文件": path, "说明": _nothing_found(report)}
            writer.writerow([_cell(clean.get(column)) for column in HEADER])
    return "\ufeff" + buffer.getvalue()


def _nothing_found(report: Report) -> str:
    return "未发现问题" + ("（基线中已有的问题不列出）" if report.baselined else "")


def _row(finding: Finding) -> list[str | int | None]:
    first = finding.locations[0] if finding.locations else Location()
    source = first.source
    column = (first.column or "") + (f"（第{first.column_no}栏）" if first.column_no else "")
    related = "\n".join(place for place in (location.place() for location in finding.locations[1:]) if place)
    return [finding.file, finding.rule, SEVERITY_WORDS[finding.severity], finding.title, finding.message,
            first.table_heading(), first.row_text(), column, first.value, source.describe(), source.page,
            source.sheet, source.cell, finding.expected, finding.actual, finding.difference, finding.tolerance,
            related, finding.hint]


def _cell(value: str | int | None) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text
