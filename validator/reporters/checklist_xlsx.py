"""`--format checklist`: the reviewer's check-sheet as a workbook a reviewer can hand on as it is.

One document: the sheet 检查表 (a header block, then one row per part: 序号, 检查内容, 是否符合要求,
存在问题, 页码) and the sheet 全部问题. A batch: first 汇总 (one row per document, one column per part,
是/否), then one 检查表 per document, then 全部问题 of them all. Every sheet prints on A4 landscape,
fitted to the page width, its header row repeated on each page.
"""

from __future__ import annotations

import math
import re
import unicodedata
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..checklist import Checklist, Sheet, checklist
from ..findings import SEVERITY_WORDS, Report

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9D9D9")
_FAILED = Font(color="C00000", bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTRED = Alignment(horizontal="center", vertical="top", wrap_text=True)
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)

PART_COLUMNS = (("序号", 6), ("检查内容", 30), ("是否符合要求", 10), ("存在问题", 90), ("页码", 10))
FINDING_COLUMNS = (("文件", 30), ("规则", 9), ("严重程度", 9), ("标题", 28), ("说明", 70), ("位置", 40),
                   ("期望值", 12), ("实际值", 12), ("差额", 12))
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_LENGTH = 31  # Excel's limit
_LINE_HEIGHT = 15  # points per line of 11-point text
_WIDE = 1.7


def render(report: Report, verbose: bool = False) -> bytes:
    return workbook_bytes(checklist(report))


def workbook_bytes(content: Checklist) -> bytes:
    book = Workbook()
    book.remove(book.active)
    names: set[str] = set()
    batch = len(content.sheets) > 1
    if batch:
        _summary(book.create_sheet("汇总"), content)
        names.add("汇总")
    for sheet in content.sheets:
        name = _unique_name(_sheet_name(sheet) if batch else "检查表", names)
        _part_sheet(book.create_sheet(name), sheet, content)
    _findings_sheet(book.create_sheet(_unique_name("全部问题", names)), content)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _part_sheet(ws: Worksheet, sheet: Sheet, content: Checklist) -> None:
    sort = sheet.kind[-2:] if sheet.kind.endswith(("预算", "决算")) else ""
    ws["A1"] = f"{sort}公开情况检查表"
    ws["A1"].font = _TITLE
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(PART_COLUMNS))
    block = (("文件", sheet.path), ("单位", sheet.unit), ("年度", sheet.year), ("类别", sheet.kind),
             ("检查时间", content.checked_at), ("budgetlint 版本", content.version))
    for offset, (label, value) in enumerate(block, start=2):  # label over 序号 and 检查内容, value beside
        ws.cell(offset, 1, label).font = _BOLD
        ws.merge_cells(start_row=offset, start_column=1, end_row=offset, end_column=2)
        ws.cell(offset, 3, value).alignment = _WRAP
        ws.merge_cells(start_row=offset, start_column=3, end_row=offset, end_column=len(PART_COLUMNS))
    header_row = len(block) + 3
    rows = [[r.number, r.part, r.verdict, "\n".join(r.problems), r.pages] for r in sheet.rows]
    if not sheet.readable:
        rows = [["", "文件无法读取", "否", "\n".join(f.message for f in sheet.findings), ""]]
    elif not sheet.rows:
        rows = [["", "未能判断文件类别（预算或决算），无法列出应有的各部分", "", "", ""]]
    _table(ws, header_row, PART_COLUMNS, rows)
    for row in ws.iter_rows(min_row=header_row + 1, min_col=3, max_col=3):
        for cell in row:
            cell.alignment = _CENTRED
            if cell.value == "否":
                cell.font = _FAILED
    for row in ws.iter_rows(min_row=header_row + 1):
        row[0].alignment = row[4].alignment = _CENTRED


def _findings_sheet(ws: Worksheet, content: Checklist) -> None:
    rows = []
    for sheet in content.sheets:
        for finding in sheet.findings:
            place = "\n".join(loc.place() for loc in finding.locations[:max(finding.judged, 1)])
            rows.append([sheet.path, finding.rule, SEVERITY_WORDS.get(finding.severity, finding.severity),  # type: ignore[call-overload]
                         finding.title, finding.message, place, finding.expected or "", finding.actual or "",
                         finding.difference or ""])
    _table(ws, 1, FINDING_COLUMNS, rows or [["", "", "", "", "未发现问题", "", "", "", ""]])
    ws.auto_filter.ref = f"A1:{get_column_letter(len(FINDING_COLUMNS))}{len(rows) + 1}"


def _summary(ws: Worksheet, content: Checklist) -> None:
    """Documents down, parts across: the parts' names printed upright in narrow columns, so that
    some thirty parts fit the width of the page."""
    parts = content.part_names()
    columns = (("文件", 28), ("单位", 22), ("年度", 6), ("类别", 9), *((p, 4) for p in parts))
    rows = [[s.file_name, s.unit, s.year, s.kind, *(s.verdicts().get(p, "—") for p in parts)]
            for s in content.sheets]
    _table(ws, 1, columns, rows)
    for row in ws.iter_rows(min_row=2, min_col=5):
        for cell in row:
            cell.alignment = _CENTRED
            if cell.value == "否":
                cell.font = _FAILED
    for cell in ws[1][4:]:
        cell.alignment = Alignment(text_rotation=255, horizontal="center", vertical="top")
    ws.row_dimensions[1].height = _LINE_HEIGHT * max((len(p) for p in parts), default=1)


def _table(ws: Worksheet, header_row: int, columns: tuple[tuple[str, int], ...], rows: list[list[object]]) -> None:
    """A bordered table with a bold, shaded, frozen header row that repeats on every printed page."""
    for index, (name, width) in enumerate(columns, start=1):
        cell = ws.cell(header_row, index, name)
        cell.font, cell.fill, cell.border, cell.alignment = _BOLD, _HEADER_FILL, _BORDER, _CENTRED
        ws.column_dimensions[get_column_letter(index)].width = width
    for offset, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            cell = ws.cell(header_row + offset, index, value)
            cell.border, cell.alignment = _BORDER, _WRAP
        # Set, not left to the viewer: LibreOffice keeps one line for wrapped text it did not lay out
        lines = max(_lines(str(v), width) for v, (_, width) in zip(values, columns))
        ws.row_dimensions[header_row + offset].height = _LINE_HEIGHT * lines + 3
    ws.freeze_panes = ws.cell(header_row + 1, 1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True


def _lines(text: str, width: int) -> int:
    """How many lines a text takes wrapped in a column `width` units wide (a unit is a digit's width;
    a CJK character takes about 1.7, as Excel and LibreOffice draw them)."""
    return sum(max(1, math.ceil(sum(_WIDE if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) / width))
               for line in text.split("\n"))


def _sheet_name(sheet: Sheet) -> str:
    """A document's sheet in a batch: its unit, year and kind, or its file name."""
    return f"{sheet.unit}{sheet.year}{sheet.kind}" if sheet.unit else sheet.file_name


def _unique_name(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (no []:*?/\\, at most 31 characters), not yet taken."""
    base = _SHEET_NAME.sub("_", name)[:_SHEET_NAME_LENGTH] or "检查表"
    candidate, number = base, 2
    while candidate in taken:
        suffix = f"({number})"
        candidate, number = base[:_SHEET_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(candidate)
    return candidate
