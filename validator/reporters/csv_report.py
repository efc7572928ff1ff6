"""A findings table for auditors to open in Excel or WPS: UTF-8 with a byte-order mark (so Excel does not
read it as GBK), Chinese headers, one row per finding. The first location (the judged cell) fills
表/行/栏/值/位置/页/工作表/单元格; every other cell the rule read is listed, one per line, under 涉及.
A checked file without findings has one row too, with only 文件 and 说明 (“未发现问题”, and that a
baseline's findings are left out when one is used), so the table shows every file that was checked (a
file that could not be read has its READ-01 row). Each file's rows are written as soon as it is checked.

Figures stay as printed ("2,643.57"). A text cell that Excel would take for a formula (starting with
=, +, -, @) is prefixed with an apostrophe, as OWASP advises against CSV injection from a hostile
input; negative numbers keep their sign.
"""

from __future__ import annotations

import csv
import re
from io import StringIO
from typing import TextIO

from ..findings import SEVERITY_WORDS, Finding, Location, Report
from .parts import FilePart, RunEnd, RunStart, whole

HEADER = ("文件", "规则", "严重程度", "标题", "说明", "表", "行", "栏", "值", "位置", "页", "工作表", "单元格",
          "期望值", "实际值", "差额", "容许", "涉及", "建议")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?[\d,]*\.?\d+%?")


class Writer:
    def __init__(self, out: TextIO, start: RunStart) -> None:
        self.out = out
        self.clean = "未发现问题" + ("（基线中已有的问题不列出）" if start.baseline else "")
        self._rows([HEADER], bom=True)

    def add(self, part: FilePart) -> None:
        rows = [[_cell(value) for value in _row(finding)] for finding in part.findings]
        if not rows and part.result is not None:
            clean = {"文件": part.result.path, "说明": self.clean}
            rows = [[_cell(clean.get(column)) for column in HEADER]]
        self._rows(rows)

    def finish(self, end: RunEnd) -> None:
        pass

    def _rows(self, rows: list[list[str]] | list[tuple[str, ...]], bom: bool = False) -> None:
        """One write per file: a run stopped by Ctrl-C leaves whole rows."""
        buffer = StringIO()
        csv.writer(buffer).writerows(rows)
        self.out.write(("\ufeff" if bom else "") + buffer.getvalue())


def render(report: Report, verbose: bool = False) -> str:
    return whole(report, Writer, verbose)


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
