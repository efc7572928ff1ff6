"""`--annotate-excel OUT.xlsx`: a copy of the checked workbook with every cell of a finding filled
(by the worst severity on it) and a comment holding the findings, for a clerk to fix in place.

The workbook is loaded normally (styles, number formats, formulas and merged cells kept, as far as
openpyxl keeps them: charts and images are not) and saved under the new name; the input is only read.
A finding's cells are the sheet!cell sources of its locations, so the comment sits on exactly the
cells the text report names.
"""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

from .errors import ReadError
from .findings import SEVERITY_ORDER, Finding

ANNOTATABLE = (".xlsx",)
# Excel's own 差/中性/说明 palette, so the marks read like conditional formatting a clerk knows
FILLS = {"error": "FFC7CE", "warning": "FFEB9C", "info": "DDEBF7"}
SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}
AUTHOR = "budgetlint"


def annotate_workbook(workbook: Path, findings: list[Finding], target: Path) -> int:
    """Write the annotated copy of `workbook` to `target`; returns the number of cells marked.

    Raises ReadError when the workbook cannot be opened.
    """
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    # (finding, whether the cell is the one judged or one it was compared with) on each sheet!cell
    by_cell: dict[tuple[str, str], list[tuple[Finding, bool]]] = defaultdict(list)
    for finding in findings:
        for index, location in enumerate(finding.locations):
            sheet, cell = location.source.sheet, location.source.cell
            if sheet is not None and cell and all(f is not finding for f, _ in by_cell[sheet, cell]):
                by_cell[sheet, cell].append((finding, index == 0))
    try:
        with warnings.catch_warnings():  # openpyxl warns about extensions it drops (data validation, slicers)
            warnings.simplefilter("ignore", UserWarning)
            book = openpyxl.load_workbook(workbook)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ReadError(f"无法打开工作簿 {workbook}：{error}") from None
    for (sheet_name, coordinate), on_cell in by_cell.items():
        if sheet_name not in book.sheetnames:
            continue
        sheet = book[sheet_name]
        cell = sheet[_top_left(sheet, coordinate)]
        worst = max((f.severity for f, _ in on_cell), key=SEVERITY_ORDER.__getitem__)
        cell.fill = PatternFill(fill_type="solid", start_color=FILLS[worst], end_color=FILLS[worst])
        text = "\n\n".join(_comment_text(f, judged) for f, judged in on_cell)
        if cell.comment is not None and cell.comment.author != AUTHOR:  # the workbook's own note stays first
            text = f"{cell.comment.text}\n\n{text}"
        lines = sum(1 + len(part) // 30 for part in text.splitlines())
        cell.comment = Comment(text, AUTHOR, height=min(600, 20 * lines + 20), width=360)
    book.save(target)
    return len(by_cell)


def _top_left(sheet: Any, coordinate: str) -> str:
    """A cell inside a merged range takes its fill and comment on the range's top-left cell."""
    for merged in sheet.merged_cells.ranges:
        if coordinate in merged:
            return merged.start_cell.coordinate
    return coordinate


def _comment_text(finding: Finding, judged: bool) -> str:
    role = "本格为问题所在" if judged else "本格参与核对"
    text = (f"{AUTHOR}：{SEVERITY_WORDS[finding.severity]} {finding.rule} {finding.title}（{role}）\n"
            f"{finding.message}")
    return text + (f"\n建议：{finding.hint}" if finding.hint else "")
