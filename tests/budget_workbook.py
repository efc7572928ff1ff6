"""The official 2026 单位预算 and 部门预算 workbooks (Shanghai, 普陀区; tests/fixtures/budgets) filled in with
consistent figures, as a clerk would: for the budget rules' tests on a whole disclosure and their
mutation sweeps. The two differ in their sheet names (单位… / 部门…) and in the 收支总表, whose 部门
version prints one 预算数 column on the expenditure side.

Every figure is in 元 with two decimals (the 三公 table in 万元); all income is 一般公共预算 money, so the
支出总表 and the 功能分类 table carry the same rows.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

FIXTURES = Path(__file__).parent / "fixtures" / "budgets"
TEMPLATES = {"单位": FIXTURES / "putuo-2026-unit-budget-template.xlsx", "部门": FIXTURES / "putuo-2026-dept-budget-template.xlsx"}
MONEY = "#,##0.00"

# 功能分类 rows: (类, 款, 项, 名称, 合计, 基本支出, 项目支出)
FUNCTION_ROWS = [
    ("205", "", "", "教育支出", 300000.35, 200000.25, 100000.10),
    ("205", "02", "", "普通教育", 300000.35, 200000.25, 100000.10),
    ("205", "02", "05", "高等教育", 250000.75, 200000.25, 50000.50),
    ("205", "02", "99", "其他普通教育支出", 49999.60, None, 49999.60),
    ("208", "", "", "社会保障和就业支出", 80000.40, 80000.40, None),
    ("208", "05", "", "行政事业单位养老支出", 80000.40, 80000.40, None),
    ("208", "05", "05", "机关事业单位基本养老保险缴费支出", 80000.40, 80000.40, None),
]
FUNCTION_TOTAL = (380000.75, 280000.65, 100000.10)
# 经济分类 rows: (类, 款, 名称, 合计, 人员经费, 公用经费)
ECONOMIC_ROWS = [
    ("301", "", "工资福利支出", 230000.60, 230000.60, None),
    ("301", "01", "基本工资", 230000.60, 230000.60, None),
    ("302", "", "商品和服务支出", 50000.05, None, 50000.05),
    ("302", "01", "办公费", 50000.05, None, 50000.05),
]
EMPTY_NOTE = "注：本单位2026年无{}财政拨款安排的预算，故本表为空表。"


def filled(path: Path, overrides: dict[tuple[str, str], float] | None = None, level: str = "单位") -> Path:
    """Writes the filled 单位 (or 部门) workbook to `path`; `overrides` changes single cells:
    {(sheet, "E11"): value}."""
    workbook = openpyxl.load_workbook(TEMPLATES[level])
    sheets = {name.strip().removeprefix(level): workbook[name] for name in workbook.sheetnames}
    (_summary if level == "单位" else _department_summary)(sheets["收支总表"])
    _coded(sheets["收入总表"], 9, 20, [(*r[:4], r[4], r[4], None, None, None) for r in FUNCTION_ROWS],
           (FUNCTION_TOTAL[0], FUNCTION_TOTAL[0], None, None, None))
    _coded(sheets["支出总表"], 9, 20, FUNCTION_ROWS, FUNCTION_TOTAL)
    _fiscal_summary(sheets["财政拨款收支总表"])
    _coded(sheets["一般公共预算拨款表"], 9, 21, FUNCTION_ROWS, FUNCTION_TOTAL)
    for name, fund in (("政府性基金拨款表", "政府性基金预算"), ("国有资本经营预算拨款表", "国有资本经营预算")):
        _coded(sheets[name], 9, 21, [], (None, None, None))
        sheets[name]["A22"] = EMPTY_NOTE.format(fund).replace("单位", level, 1)
    _economic(sheets["一般公共预算拨款基本支出明细表"])
    _money(sheets["“三公”经费和机关运行费预算表"], 7, [12.50, 2.00, 3.50, 7.00, None, 7.00, 20.00], first_column=1)
    for (sheet, cell), value in (overrides or {}).items():
        workbook[sheet][cell] = value
    workbook.save(path)
    return path


def _money(sheet, row: int, values, first_column: int) -> None:
    for offset, value in enumerate(values):
        cell = sheet.cell(row=row, column=first_column + offset)
        cell.value, cell.number_format = value, MONEY


def _coded(sheet, first: int, total_row: int, rows, total) -> None:
    for row in range(first, total_row):
        for column in range(1, sheet.max_column + 1):
            sheet.cell(row=row, column=column).value = None  # cell(value=None) would leave the old value
    width = len(rows[0]) if rows else 0
    codes = 3 if width in (7, 9) and sheet.cell(row=8, column=3).value == "项" else 2
    for offset, values in enumerate(rows):
        for column, code in enumerate(values[:codes], start=1):
            sheet.cell(row=first + offset, column=column).value = code or None
        sheet.cell(row=first + offset, column=codes + 1, value=values[codes])
        _money(sheet, first + offset, values[codes + 1:], first_column=codes + 2)
    _money(sheet, total_row, total, first_column=codes + 2 if rows else sheet.max_column - len(total) + 1)


def _economic(sheet) -> None:
    _coded(sheet, 9, 21, ECONOMIC_ROWS, (280000.65, 230000.60, 50000.05))


def _summary(sheet) -> None:
    income = {10: 380000.75, 11: 380000.75, 21: 380000.75}  # 财政拨款收入, 一般公共预算, 收入总计
    for row, value in income.items():
        _money(sheet, row, [value], first_column=2)
    sheet["C10"], sheet["C11"] = "一、教育支出", "二、社会保障和就业支出"
    sheet["C12"] = sheet["C13"] = None
    _money(sheet, 10, [300000.35, 150000.20, 50000.05, 100000.10], first_column=4)
    _money(sheet, 11, [80000.40, 80000.40, None, None], first_column=4)
    _money(sheet, 21, [380000.75, 230000.60, 50000.05, 100000.10], first_column=4)


def _department_summary(sheet) -> None:
    for row, value in {8: 380000.75, 9: 380000.75, 21: 380000.75}.items():  # 财政拨款收入, 一般公共预算, 收入总计
        _money(sheet, row, [value], first_column=2)
    sheet["C8"], sheet["C9"], sheet["C10"] = "一、教育支出", "二、社会保障和就业支出", None
    for row, value in {8: 300000.35, 9: 80000.40, 21: 380000.75}.items():
        _money(sheet, row, [value], first_column=4)


def _fiscal_summary(sheet) -> None:
    _money(sheet, 8, [380000.75], first_column=2)
    _money(sheet, 21, [380000.75], first_column=2)
    sheet["C8"], sheet["C9"], sheet["C10"] = "一、教育支出", "二、社会保障和就业支出", None
    _money(sheet, 8, [300000.35, 300000.35, None, None], first_column=4)
    _money(sheet, 9, [80000.40, 80000.40, None, None], first_column=4)
    _money(sheet, 21, [380000.75, 380000.75, None, None], first_column=4)


def printed(workbook: Path) -> Path:
    """The workbook printed to PDF by LibreOffice as a clerk prints it: every sheet landscape and fitted to
    the page's width (the template's own setup cuts the wide tables in two). Needs `soffice`."""
    import subprocess

    from openpyxl.worksheet.properties import PageSetupProperties

    book = openpyxl.load_workbook(workbook)
    for sheet in book.worksheets:
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.page_setup.orientation = "landscape"
    book.save(workbook)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(workbook.parent), str(workbook)],
                   check=True, capture_output=True, timeout=300)
    return workbook.with_suffix(".pdf")
