"""The legend sheet of an annotated workbook: what the fills mean, then every finding, cell by cell,
each cell a link to the place it names.

The sheet is marked by the workbook-level defined name LEGEND_NAME pointing at it: the name follows
the sheet when a clerk renames it in Excel or WPS, and the Excel reader skips the sheets it names,
so checking the annotated copy again reads the disclosure only. Annotating an annotated copy
replaces its legend.
"""

from __future__ import annotations

from typing import Any

from .findings import SEVERITY_ORDER, SEVERITY_WORDS, Finding, Location

LEGEND_NAME = "budgetlint_legend"
LEGEND_TITLE = "budgetlint检查结果"
HEADER = ("序号", "严重程度", "规则", "标题", "说明", "修改建议", "本格的作用", "单元格", "位置")
WIDTHS = (6, 8, 9, 30, 60, 40, 14, 18, 60)
JUDGED, COMPARED = "本格为问题所在", "本格参与核对"


def add_legend(book: Any, workbook_name: str, findings: list[Finding], fills: dict[tuple[str, bool], Any]) -> None:
    """Add the legend sheet at the end of `book` (an openpyxl workbook), replacing an earlier one.

    `fills` holds the fill of each (severity, judged) mark, so the legend shows the marks themselves.
    """
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import quote_sheetname
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.hyperlink import Hyperlink

    for title in legend_sheets(book):
        if title in book.sheetnames:
            book.remove(book[title])
    title, number = LEGEND_TITLE, 1
    while title in book.sheetnames:
        number += 1
        title = f"{LEGEND_TITLE}{number}"
    sheet = book.create_sheet(title)
    book.defined_names[LEGEND_NAME] = DefinedName(LEGEND_NAME, attr_text=f"{quote_sheetname(title)}!$A$1")

    severities = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.get, reverse=True)
    sheet.append(["budgetlint 检查结果"])
    sheet["A1"].font = Font(bold=True, size=14)
    summary = "，".join(f"{sum(f.severity == s for f in findings)} 个{SEVERITY_WORDS[s]}" for s in severities)
    sheet.append([f"{workbook_name}：共 {len(findings)} 个问题（{summary}）。标出的单元格带批注，写明涉及的全部问题；"
                  "点击下表“单元格”一栏的链接可跳到该格。"])
    sheet.append([])
    sheet.append(["图例：问题所在的单元格涂满底色，参与核对的单元格加斜纹，颜色表示严重程度；"
                  "一格既是某个问题所在、又参与另一个问题的核对时，按问题所在标出。"])
    for severity in severities:
        sheet.append([None, SEVERITY_WORDS[severity], None, None, None, None, JUDGED, COMPARED])
        sheet.cell(sheet.max_row, 7).fill = fills[severity, True]
        sheet.cell(sheet.max_row, 8).fill = fills[severity, False]
    sheet.append([])
    sheet.append(list(HEADER))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for number, finding in enumerate(findings, 1):
        first = [number, SEVERITY_WORDS[finding.severity], finding.rule, finding.title, finding.message, finding.hint or ""]
        for index, location in enumerate(finding.locations or (Location(),)):
            _append_text(sheet, (first if index == 0 else [None] * len(first)) + [None, None, location.place() or "（整个文件）"])
            source = location.source
            if source.sheet in book.sheetnames and source.cell:
                role, link = sheet.cell(sheet.max_row, 7), sheet.cell(sheet.max_row, 8)
                judged = finding.is_judged(index)
                role.value, role.fill = (JUDGED if judged else COMPARED), fills[finding.severity, judged]
                link.value = f"{source.sheet}!{source.cell}"
                # an internal link is a location in this workbook, as Excel writes it (no relationship)
                link.hyperlink = Hyperlink(ref=link.coordinate, location=f"{quote_sheetname(source.sheet)}!{source.cell}")
                link.style = "Hyperlink"
    for column, width in zip("ABCDEFGHI", WIDTHS, strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = sheet.cell(header_row + 1, 1)


def legend_sheets(book: Any) -> set[str]:
    """The titles of the legend sheets LEGEND_NAME points at in an openpyxl workbook (read-only too)."""
    name = book.defined_names.get(LEGEND_NAME)
    # openpyxl gives a quoted title as written, with an apostrophe doubled
    return {title.replace("''", "'") for title, _ in name.destinations} if name is not None else set()


def _append_text(sheet: Any, values: list[Any]) -> None:
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"  # a formula quoted in a message stays text, never a live formula
