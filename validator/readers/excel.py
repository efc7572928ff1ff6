"""Workbooks as clerks hold them: .xlsx/.xlsm (openpyxl) and .xls (xlrd), every sheet scanned.

A cell's text is what Excel displays: the number format decides the decimals shown (`#,##0.00` →
"2,587.46"), not the stored float. A formula whose cached value is missing (a file written by a
program and never opened in Excel) is not read as zero: its cell is reported. Titles, labels,
headers and notes are then recognised exactly as in the text reader (validator.tables).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue
from ..errors import ReadError
from ..model import Document, Note, Source, TextLine
from ..tables import (
    GridCell,
    RawTable,
    add_meta,
    build_table,
    is_meta,
    is_note,
    is_title,
)

MAX_ROWS = 100_000
MAX_COLUMNS = 256
UNPACKED_LIMIT = 20  # an xlsx may unpack to at most this many times its own size limit
NO_CACHE = "公式无缓存值：请在 Excel/WPS 中打开并保存后再检查"

_DECIMALS = re.compile(r"\.([0#?]+)")
_QUOTED = re.compile(r'"[^"]*"|\\.')


def read(path: Path, catalogue: Catalogue, max_bytes: int) -> Document:
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"文件过大（{size:,} 字节，上限 {max_bytes:,} 字节）")
    document = Document(path=str(path), format="excel")
    sheets = sheet_grids(path, max_bytes)
    for name, grid in sheets:
        for item in split_sheet(name, grid):
            if isinstance(item, RawTable):
                document.tables.append(build_table(item, catalogue))
            else:
                document.text.append(item)
    return document


def sheet_grids(path: Path, max_bytes: int) -> list[tuple[str, list[list[GridCell]]]]:
    """Every sheet as a grid of displayed cell texts, each with its sheet!cell."""
    return _xls_sheets(path) if path.suffix.lower() == ".xls" else _xlsx_sheets(path, max_bytes)


def split_sheet(name: str, grid: list[list[GridCell]]) -> Iterator[RawTable | TextLine]:
    """Tables on one sheet: a title row, label/meta rows, the grid, then 注/说明 rows."""
    table: RawTable | None = None
    in_notes = False
    for row in grid:
        filled = [c for c in row if c.text.strip()]
        if not filled:
            continue
        first = filled[0]
        if len(filled) == 1 and is_title(first.text) and not is_note(first.text):
            if table is not None:
                yield table
            table, in_notes = RawTable(first.text.strip(), first.source, []), False
        elif table is not None and not table.grid and all(is_meta(c.text) for c in filled):
            for cell in filled:
                add_meta(table, cell.text)
        elif table is not None and (in_notes or is_note(first.text)):
            in_notes = True
            table.notes.append(Note(" ".join(c.text.strip() for c in filled), first.source))
        elif table is not None:
            table.grid.append(row)
        elif len(filled) == 1:
            yield TextLine(first.text.strip(), first.source)
        else:  # a grid with no title above it: the sheet's name stands for the title
            table = RawTable(name, Source(sheet=name), [row])
    if table is not None:
        yield table


def display(value: Any, number_format: str | None) -> str:
    """The text Excel shows for a value under its number format."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    if not isinstance(value, int | float):
        return str(value)
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General" or fmt == "@":
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    bare = _QUOTED.sub("", fmt)
    match = _DECIMALS.search(bare)
    decimals = len(match.group(1)) if match else 0
    scaled = "%" in bare  # an unescaped % multiplies by 100; "0\%" only prints a % sign
    literal_percent = not scaled and ("\\%" in fmt or '"%"' in fmt)
    number = value * 100 if scaled else value
    text = f"{number:,.{decimals}f}" if "," in bare else f"{number:.{decimals}f}"
    return text + "%" if scaled or literal_percent else text


def _cell_name(row: int, column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f"{letters}{row + 1}"


def _check_size(rows: int, columns: int, sheet: str) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise ReadError(f"工作表“{sheet}”有 {rows} 行 {columns} 列，超过上限（{MAX_ROWS} 行、{MAX_COLUMNS} 列）")


def _xlsx_sheets(path: Path, max_bytes: int) -> list[tuple[str, list[list[GridCell]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ReadError("不是有效的 xlsx 工作簿（文件损坏，或已加密）") from None
    if unpacked > max_bytes * UNPACKED_LIMIT:
        raise ReadError(f"工作簿解压后有 {unpacked:,} 字节，疑似压缩炸弹，拒绝读取")
    try:
        values = openpyxl.load_workbook(path, data_only=True, read_only=True)
        formulas = openpyxl.load_workbook(path, data_only=False, read_only=True)
    except (InvalidFileException, KeyError, OSError, ValueError, zipfile.BadZipFile) as error:
        raise ReadError(f"无法打开工作簿：{error}") from None
    sheets = []
    try:
        for sheet in values.worksheets:
            _check_size(sheet.max_row or 0, sheet.max_column or 0, sheet.title)
            formula_rows = formulas[sheet.title].iter_rows()
            grid = []
            for r, (row, formula_row) in enumerate(zip(sheet.iter_rows(), formula_rows, strict=False)):
                cells = []
                for c, cell in enumerate(row):
                    value = getattr(cell, "value", None)
                    source = Source(sheet=sheet.title, cell=_cell_name(r, c))
                    formula = formula_row[c] if c < len(formula_row) else None
                    if value is None and getattr(formula, "data_type", None) == "f":
                        cells.append(GridCell(str(formula.value), source, NO_CACHE))
                    else:
                        cells.append(GridCell(display(value, getattr(cell, "number_format", None)), source))
                grid.append(cells)
            sheets.append((sheet.title, grid))
    finally:
        values.close()
        formulas.close()
    return sheets


def _xls_sheets(path: Path) -> list[tuple[str, list[list[GridCell]]]]:
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError) as error:
        raise ReadError(f"不是有效的 xls 工作簿：{error}") from None
    sheets = []
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            _check_size(sheet.nrows, sheet.ncols, sheet.name)
            grid = []
            for r in range(sheet.nrows):
                cells = []
                for c in range(sheet.ncols):
                    cell = sheet.cell(r, c)
                    fmt = book.format_map[book.xf_list[cell.xf_index].format_key].format_str
                    value = cell.value if cell.ctype in (xlrd.XL_CELL_NUMBER, xlrd.XL_CELL_TEXT) else None
                    cells.append(GridCell(display(value, fmt), Source(sheet=sheet.name, cell=_cell_name(r, c))))
                grid.append(cells)
            sheets.append((sheet.name, grid))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets
