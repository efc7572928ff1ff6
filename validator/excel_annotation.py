"""`--annotate-excel OUT.xlsx`: a copy of the checked workbook for a clerk to fix in place.

The cell a finding judges (its first location) is filled solid and the cells it was compared with
(the other locations) are striped, both in the colour of the worst severity; a cell judged by one
finding and compared by another counts as judged. Each marked cell gets a comment with its
findings, after the workbook's own comment. A legend sheet at the end (validator.excel_legend)
explains the marks and lists every finding with links to its cells.

The workbook is loaded normally (styles, number formats, formulas and merged cells kept, as far as
openpyxl keeps them: charts and images are not) and saved under the new name with every formula's
cached value (validator.xlsx_cached_values), so checking the copy gives the findings of the
original; the input is only read.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

from .errors import ReadError
from .excel_legend import COMPARED, JUDGED, add_legend
from .findings import SEVERITY_ORDER, SEVERITY_WORDS, Finding
from .xlsx_cached_values import save_with_cached_values

ANNOTATABLE = (".xlsx",)
# Excel's own 差/中性/说明 palette for the judged cell, so the marks read like conditional formatting
# a clerk knows; the compared cells get thin stripes of a stronger shade of the same colour
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
STRIPES = {"error": "FF7C80", "warning": "FFC000", "info": "9BC2E6"}
STRIPE_PATTERN = "lightUp"
AUTHOR = "budgetlint"


def annotate_workbook(workbook: Path, findings: list[Finding], target: Path) -> int:
    """Write the annotated copy of `workbook` to `target`; returns the number of cells marked.

    Raises ReadError when the workbook cannot be opened.
    """
    import openpyxl

    with warnings.catch_warnings():  # openpyxl warns about extensions it drops (data validation, slicers)
        warnings.simplefilter("ignore", UserWarning)
        try:
            book = openpyxl.load_workbook(workbook)
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ReadError(f"无法打开工作簿 {workbook}：{error}") from None
        fills = _fills()
        marked = _mark_cells(book, findings, fills)
        add_legend(book, workbook.name, findings, fills)
        save_with_cached_values(book, workbook, target)
    return marked


def _mark_cells(book: Any, findings: list[Finding], fills: dict[tuple[str, bool], Any]) -> int:
    from openpyxl.comments import Comment

    # (finding, whether the cell is the one judged or one it was compared with) on each sheet!cell
    by_cell: dict[tuple[str, str], list[tuple[Finding, bool]]] = defaultdict(list)
    for finding in findings:
        for index, location in enumerate(finding.locations):
            sheet, cell = location.source.sheet, location.source.cell
            if sheet is not None and cell and all(f is not finding for f, _ in by_cell[sheet, cell]):
                by_cell[sheet, cell].append((finding, finding.is_judged(index)))
    for (sheet_name, coordinate), on_cell in by_cell.items():
        if sheet_name not in book.sheetnames:
            continue
        sheet = book[sheet_name]
        cell = sheet[_top_left(sheet, coordinate)]
        judged = any(j for _, j in on_cell)
        worst = max((f.severity for f, j in on_cell if j == judged), key=SEVERITY_ORDER.__getitem__)
        cell.fill = fills[worst, judged]
        text = "\n\n".join(_comment_text(f, j) for f, j in on_cell)
        if cell.comment is not None and cell.comment.author != AUTHOR:  # the workbook's own note stays first
            text = f"{cell.comment.text}\n\n{text}"
        lines = sum(1 + len(part) // 30 for part in text.splitlines())
        cell.comment = Comment(text, AUTHOR, height=min(600, 20 * lines + 20), width=360)
    return len(by_cell)


def _fills() -> dict[tuple[str, bool], Any]:
    """The fill of each (severity, judged) mark."""
    from openpyxl.styles import PatternFill

    fills = {}
    for severity, colour in FILLS.items():
        fills[severity, True] = PatternFill(fill_type="solid", start_color=colour, end_color=colour)
        fills[severity, False] = PatternFill(fill_type=STRIPE_PATTERN, start_color=STRIPES[severity], end_color="FFFFFF")
    return fills


def _top_left(sheet: Any, coordinate: str) -> str:
    """A cell inside a merged range takes its fill and comment on the range's top-left cell."""
    for merged in sheet.merged_cells.ranges:
        if coordinate in merged:
            return merged.start_cell.coordinate
    return coordinate


def _comment_text(finding: Finding, judged: bool) -> str:
    rules = "、".join(finding.reported_rules())
    text = (f"{AUTHOR}：{SEVERITY_WORDS[finding.severity]} {rules} {finding.title}（{JUDGED if judged else COMPARED}）\n"
            f"{finding.message}")
    if judged and finding.culprit is not None:  # the culprit cell: what it would need to be
        text += f"\n建议改为：{finding.culprit.fix()}；{finding.culprit.cause_text()}（budgetlint 不修改原文件）"
    return text + (f"\n建议：{finding.hint}" if finding.hint else "")
