"""Workbooks as clerks hold them: .xlsx/.xlsm (openpyxl) and .xls (xlrd), every sheet scanned.

A cell's text is what Excel displays: the number format decides the decimals shown (`#,##0.00` →
"2,587.46"), not the stored float. A formula whose cached value is missing (a file written by a
program and never opened in Excel) is not read as zero: its cell is reported. A cell in a hidden
row, column or sheet is read like any other, and its Source says what hides it. Titles, labels,
headers and notes are then recognised exactly as in the text reader (validator.tables). The legend
sheet `--annotate-excel` adds (validator.excel_legend) is budgetlint's, not the disclosure's: it is
not read.
"""

from __future__ import annotations

import contextlib
import functools
import html
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..catalogue import Catalogue
from ..errors import ReadError
from ..excel_legend import legend_sheets
from ..model import Document, Note, Source, TextLine
from ..numbers import NO_CACHE
from .table_building import add_table
from .tables import (
    GridCell,
    RawTable,
    add_meta,
    is_contents,
    is_meta,
    is_note,
    is_title,
)

MAX_ROWS = 100_000
MAX_COLUMNS = 256
# Counted as read, never as declared (a sheet's <dimension> may be stale or false): the cells of a
# workbook's grids (empty ones inside a row's reach included), the XML tags of its sheets (each costs
# openpyxl's parser time, and those it does not know stay in memory) and the tags of one row (parsed
# at once). A real disclosure workbook has some ten thousand cells and a few hundred tags in a row.
MAX_CELLS = 200_000
MAX_TAGS = 1_000_000
MAX_ROW_TAGS = 16 * MAX_COLUMNS
UNPACKED_LIMIT = 4  # an xlsx may unpack to at most this many times its own size limit

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
                add_table(document, item, catalogue)
            else:
                document.text.append(item)
    return document


def sheet_grids(path: Path, max_bytes: int) -> list[tuple[str, list[list[GridCell]]]]:
    """Every sheet as a grid of displayed cell texts, each with its sheet!cell."""
    return _xls_sheets(path) if path.suffix.lower() == ".xls" else _xlsx_sheets(path, max_bytes)


def split_sheet(name: str, grid: list[list[GridCell]]) -> Iterator[RawTable | TextLine]:
    """Tables on one sheet: a title row, label/meta rows, the grid, then 注/说明 rows. A contents
    sheet (目录) is text, and so is a cell of prose outside a table, whatever its last word."""
    if is_contents([[c.text for c in row] for row in grid]):
        for row in grid:
            if any(c.text.strip() for c in row):
                yield TextLine(" ".join(c.text.strip() for c in row if c.text.strip()), row[0].source)
        return
    table: RawTable | None = None
    in_notes = False
    for row in grid:
        filled = [c for c in row if c.text.strip()]
        if not filled:
            continue
        first = filled[0]
        if len(filled) == 1 and is_title(first.text) and not is_note(first.text) and not _is_prose(first.text):
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


def _is_prose(text: str) -> bool:
    """Several lines of text in one cell: a narrative (项目经费情况说明), never a table's title."""
    return sum(1 for line in text.splitlines() if line.strip()) > 2


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
    style = _number_style(number_format or "General")
    if style is None:
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    decimals, thousands, scaled, percent = style
    number = value * 100 if scaled else value
    text = f"{number:,.{decimals}f}" if thousands else f"{number:.{decimals}f}"
    return text + "%" if percent else text


@functools.lru_cache(maxsize=1024)  # bounded: a hostile file may hold many formats
def _number_style(number_format: str) -> tuple[int, bool, bool, bool] | None:
    """How a format shows numbers: decimals, thousands separator, ×100, a % sign; None for General.

    A workbook uses a handful of formats over thousands of cells, so each is worked out once.
    """
    fmt = number_format.split(";")[0]
    if fmt == "General" or fmt == "@":
        return None
    bare = _QUOTED.sub("", fmt)
    match = _DECIMALS.search(bare)
    scaled = "%" in bare  # an unescaped % multiplies by 100; "0\%" only prints a % sign
    percent = scaled or "\\%" in fmt or '"%"' in fmt
    return len(match.group(1)) if match else 0, "," in bare, scaled, percent


@functools.lru_cache(maxsize=MAX_COLUMNS)
def _column_letters(column: int) -> str:
    letters = ""
    column += 1
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _check_size(rows: int, columns: int, sheet: str) -> None:
    if rows > MAX_ROWS or columns > MAX_COLUMNS:
        raise ReadError(f"工作表“{sheet}”有 {rows} 行 {columns} 列，超过上限（{MAX_ROWS} 行、{MAX_COLUMNS} 列）")


def _xlsx_sheets(path: Path, max_bytes: int) -> list[tuple[str, list[list[GridCell]]]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, EOFError):  # ValueError: a part name flagged UTF-8 that is not
        raise ReadError("不是有效的 xlsx 工作簿（文件损坏，或已加密）") from None
    with archive:
        # zipfile never unpacks a part past its recorded size, so these sizes bound what is read
        unpacked, limit = sum(info.file_size for info in archive.infolist()), max_bytes * UNPACKED_LIMIT
        if unpacked > limit:
            raise ReadError(f"工作簿解压后有 {unpacked:,} 字节（上限 {limit:,} 字节），疑似压缩炸弹，拒绝读取")
        reader = _open_book(path)
        book = reader.wb
        try:
            legends = legend_sheets(book)
            budget = _Budget()
            return [(sheet.title, _xlsx_grid(sheet, archive, budget)) for sheet in book.worksheets
                    if sheet.title not in legends]
        finally:
            book.close()
            reader.archive.close()  # openpyxl before 3.1.3 does not always hand its archive to the workbook


def _open_book(path: Path) -> Any:
    """The reader of the workbook (read-only), once every sheet it lists is known to have a part of its own."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        reader = ExcelReader(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, zipfile.BadZipFile) as error:
        raise ReadError(f"无法打开工作簿：{error}") from None
    try:
        with _damaged("工作簿"):
            reader.read()
        _check_sheet_parts(reader)
    except BaseException:
        reader.archive.close()
        raise
    return reader


def _relation(relationships: Any, relation_id: str) -> Any:
    """The relationship with this id, or None: openpyxl gives a dict by id, a RelationshipList indexed by id
    (3.1.2) or a list of them (3.1.3 on)."""
    if isinstance(relationships, list):
        return next((r for r in relationships if r.Id == relation_id), None)
    try:
        return relationships[relation_id]
    except KeyError:
        return None


def _check_sheet_parts(reader: Any) -> None:
    """openpyxl passes over a listed sheet whose part is missing or lies outside the package (its
    tables would vanish without a word), and reads a part once for every sheet that names it."""
    owners: dict[str, str] = {}
    for sheet in reader.parser.sheets:
        relation = _relation(reader.parser.rels, sheet.id) if sheet.id else None
        if relation is not None and "chartsheet" in relation.Type:
            continue  # a chart, no cells
        if relation is None or relation.target not in reader.valid_files:
            target = f"“{relation.Target}”" if relation is not None else ""
            raise ReadError(f"工作表“{sheet.name}”的内容{target}不在文件中（文件已损坏或被改动），其中的表格无法读取")
        if relation.target in owners:
            raise ReadError(f"工作表“{sheet.name}”与“{owners[relation.target]}”指向同一内容“{relation.Target}”"
                            "（文件已损坏或被改动），拒绝读取")
        owners[relation.target] = sheet.name


@contextlib.contextmanager
def _damaged(where: str, also: tuple[type[Exception], ...] = ()) -> Iterator[None]:
    """What a damaged part makes openpyxl, xlrd (`also`: its own errors) or zipfile raise, said as a damaged
    file (READ-01)."""
    try:
        yield
    # zipfile: an unknown compression, an encrypted part; LookupError also: an XML part declaring an
    # encoding that does not exist
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, SyntaxError, LookupError,
            ValueError, TypeError, *also) as error:
        raise ReadError(f"{where}的数据已损坏，无法读取（{type(error).__name__}: {error}）") from None


class _Budget:
    """What is left of a workbook's MAX_CELLS and MAX_TAGS as its sheets are read."""

    def __init__(self) -> None:
        self.cells = MAX_CELLS
        self.tags = MAX_TAGS

    def take_tags(self, count: int, sheet: str) -> None:
        self.tags -= count
        if self.tags < 0:
            raise ReadError(f"工作簿的工作表内容超过 {MAX_TAGS:,} 个 XML 标记的上限（读到工作表“{sheet}”时），"
                            "不像决算表格，拒绝读取")

    def take_cells(self, count: int, sheet: str) -> None:
        self.cells -= count
        if self.cells < 0:
            raise ReadError(f"工作簿的单元格超过 {MAX_CELLS:,} 个的上限（读到工作表“{sheet}”时），不像决算表格，拒绝读取")


def _xlsx_grid(sheet: Any, archive: zipfile.ZipFile, budget: _Budget) -> list[list[GridCell]]:
    title = f"工作表“{sheet.title}”"
    _check_size(sheet.max_row or 0, sheet.max_column or 0, sheet.title)
    with _damaged(title):
        # read-only openpyxl keeps the sheet's part name privately; it has done so since 2.4
        xml = archive.read(sheet._worksheet_path)
    budget.take_tags(xml.count(b"<"), sheet.title)
    hidden_rows, hidden_columns, uncached = _sheet_marks(xml, sheet.title)
    del xml
    places = _Places(sheet.title, sheet.sheet_state != "visible", hidden_rows, hidden_columns)
    sheet.reset_dimensions()  # a stale <dimension> would cut the sheet short: its cells say how far it goes
    grid: list[list[GridCell]] = []
    width = 0
    rows = sheet.iter_rows()
    try:
        with _damaged(title):
            for r, row in enumerate(rows):
                _check_size(r + 1, len(row), sheet.title)
                budget.take_cells((r + 1) * max(width, len(row)) - r * width, sheet.title)  # the grid's growth
                width = max(width, len(row))
                grid.append([_grid_cell(cell.value, cell.number_format, source, uncached)
                             for cell, source in zip(row, places.row(r, len(row)), strict=True)])
    finally:
        rows.close()  # a sheet refused half-read: its part's file is closed now, not whenever the GC finds it
    for r, cells in enumerate(grid):  # every row as wide as the widest, as the sheet shows them
        cells += [_grid_cell(None, None, source, uncached) for source in places.row(r, width)[len(cells):]]
    return grid


def _grid_cell(value: Any, number_format: str | None, source: Source, uncached: dict[str, str]) -> GridCell:
    if value is not None:
        return GridCell(display(value, number_format), source)
    if source.cell in uncached:
        return GridCell(uncached[source.cell], source, NO_CACHE)
    return GridCell("", source)


_TAG = rb"<(?:\w+:)?"  # any namespace prefix
_END = rb"</(?:\w+:)?"
_ROW = re.compile(_TAG + rb"row\b([^>]*)>")
_COLUMNS = re.compile(_TAG + rb"col\b([^>]*)>")
# A cell with a formula and no value (an empty <v/> is none). Formula text never holds a raw "<".
_UNCACHED = re.compile(_TAG + rb"c\b(?P<cell>[^>]*)>\s*" + _TAG + rb"f\b(?P<kind>[^>]*?)(?:/>|>(?P<formula>[^<]*)"
                       + _END + rb"f>)\s*(?:" + _TAG + rb"v\s*/>|" + _TAG + rb"v>\s*" + _END + rb"v>)?\s*" + _END + rb"c>")
# The cell that holds the text of a shared formula; the other cells of its range only point at it (si)
_SHARED = re.compile(_TAG + rb"c\b(?P<cell>[^>]*)>\s*" + _TAG + rb"f\b(?P<kind>[^>]*)>(?P<formula>[^<]+)" + _END + rb"f>")
_ATTRIBUTE = re.compile(rb"""([\w:]+)\s*=\s*["']([^"']*)["']""")
_TRUE = {b"1", b"true"}


def _sheet_marks(xml: bytes, sheet: str) -> tuple[set[int], set[int], dict[str, str]]:
    """Hidden rows and columns (0-based) and the formula of each cell without a cached value.

    Regular expressions over the sheet's XML: read-only openpyxl shows neither row nor column
    dimensions, a second openpyxl load for the formulas doubled the reading time, and a full XML
    parse costs as much again. Spreadsheet programs write sheet XML without comments or CDATA, and
    these elements' attributes hold only numbers, names and flags, so the patterns are exact.
    """
    hidden_rows = set()
    row = 0
    starts = []
    for match in _ROW.finditer(xml):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        row = _number(attributes[b"r"], sheet, "行号") if b"r" in attributes else row + 1  # r may be left out
        _check_size(row, 0, sheet)
        if attributes.get(b"hidden") in _TRUE:
            hidden_rows.add(row - 1)
        starts.append(match.start())
    _check_row_tags(xml, starts, sheet)
    hidden_columns = set()
    for match in _COLUMNS.finditer(xml):
        attributes = dict(_ATTRIBUTE.findall(match.group(1)))
        if attributes.get(b"hidden") in _TRUE:
            first, last = (_number(attributes.get(key, b""), sheet, "隐藏列的范围") for key in (b"min", b"max"))
            # Excel hides "all columns to the right" as max="16384"; a grid never goes past MAX_COLUMNS
            hidden_columns.update(range(first - 1, min(last, MAX_COLUMNS)))
    uncached = {}
    shared: dict[bytes, Any] | None = None
    for match in _UNCACHED.finditer(xml):
        cell = dict(_ATTRIBUTE.findall(match["cell"])).get(b"r", b"").decode()
        if not cell:  # a cell written without its name cannot be located; no spreadsheet program does this
            continue
        formula = match["formula"]
        group = dict(_ATTRIBUTE.findall(match["kind"])).get(b"si")
        if not formula and group is not None:
            shared = _shared_formulas(xml) if shared is None else shared
            uncached[cell] = shared[group].translate_formula(cell) if group in shared else "="
        else:
            uncached[cell] = "=" + html.unescape((formula or b"").decode(errors="replace"))  # shown, never parsed
    return hidden_rows, hidden_columns, uncached


def _number(text: bytes, sheet: str, what: str) -> int:
    """A row or column number written in the sheet's XML; anything else is a damaged file."""
    if not text.isdigit() or len(text) > 7:
        raise ReadError(f"工作表“{sheet}”的{what}“{text[:20].decode('latin-1')}”不是有效的数字，文件已损坏")
    return int(text)


def _check_row_tags(xml: bytes, starts: list[int], sheet: str) -> None:
    """openpyxl parses a row's cells all at once: a row of millions of cells must not reach it."""
    ends = [*starts[1:], xml.find(b"sheetData>", starts[-1]) if starts else 0]
    for number, (start, end) in enumerate(zip(starts, ends, strict=True), 1):
        if xml.count(b"<", start, end if end >= 0 else len(xml)) > MAX_ROW_TAGS:
            raise ReadError(f"工作表“{sheet}”的第 {number} 个行元素有超过 {MAX_ROW_TAGS:,} 个 XML 标记，"
                            "不像决算表格，拒绝读取")


def _shared_formulas(xml: bytes) -> dict[bytes, Any]:
    """Each shared formula (by si), ready to be moved to the cells that share it, as Excel does."""
    from openpyxl.formula.translate import Translator

    formulas = {}
    for match in _SHARED.finditer(xml):
        group = dict(_ATTRIBUTE.findall(match["kind"])).get(b"si")
        cell = dict(_ATTRIBUTE.findall(match["cell"])).get(b"r")
        if group is not None and cell is not None:
            formulas[group] = Translator("=" + html.unescape(match["formula"].decode()), cell.decode())
    return formulas


class _Places:
    """The Source of every cell on one sheet: sheet!cell, and what hides the cell (Source.hidden)."""

    def __init__(self, sheet: str, sheet_hidden: bool, hidden_rows: set[int], hidden_columns: set[int]) -> None:
        self.sheet = sheet
        self.letters: list[str] = []
        self.sheet_mark: tuple[str, ...] = ("sheet",) if sheet_hidden else ()
        self.hidden_rows = hidden_rows
        self.hidden_columns = hidden_columns

    def row(self, row: int, width: int) -> list[Source]:
        number = str(row + 1)
        marks = self.sheet_mark + (("row",) if row in self.hidden_rows else ())
        while len(self.letters) < width:
            self.letters.append(_column_letters(len(self.letters)))
        return [Source(sheet=self.sheet, cell=self.letters[c] + number,
                       hidden=marks + ("column",) if c in self.hidden_columns else marks) for c in range(width)]


def _xls_sheets(path: Path) -> list[tuple[str, list[list[GridCell]]]]:
    import xlrd
    from xlrd.compdoc import CompDocError
    from xlrd.formula import FormulaError

    # a damaged file trips xlrd's parsing anywhere, into its asserts and endless recursion
    damaged = (xlrd.XLRDError, CompDocError, FormulaError, struct.error, AssertionError, RecursionError,
               OverflowError)
    try:
        # ragged rows: xlrd would pad every row to the sheet's width itself, and a damaged merged-cell
        # record can make that width tens of thousands (gigabytes before _check_size could see it);
        # its warnings go to a buffer, not to stdout where a JSON or SARIF report may be going
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True, ragged_rows=True,
                                  logfile=io.StringIO())
    except (OSError, ValueError, IndexError, *damaged) as error:
        raise ReadError(f"不是有效的 xls 工作簿：{error}") from None
    sheets = []
    try:
        with _damaged("xls 工作簿", damaged):
            # Only numbers need a format: looked up once per cell style, not once per cell
            number_formats = [book.format_map[xf.format_key].format_str for xf in book.xf_list]
            budget = _Budget()
            for index in range(book.nsheets):
                sheet = book.sheet_by_index(index)
                _check_size(sheet.nrows, sheet.ncols, sheet.name)
                budget.take_cells(sheet.nrows * sheet.ncols, sheet.name)  # xlrd counts the cells it read
                places = _Places(sheet.name, sheet.visibility != 0,
                                 {r for r, info in sheet.rowinfo_map.items() if info.hidden},
                                 {c for c, info in sheet.colinfo_map.items() if info.hidden})
                grid = []
                for r in range(sheet.nrows):
                    cells = []
                    kinds, values = sheet.row_types(r), sheet.row_values(r)  # up to the row's last cell
                    for c, source in enumerate(places.row(r, sheet.ncols)):
                        kind, value = (kinds[c], values[c]) if c < len(kinds) else (xlrd.XL_CELL_EMPTY, "")
                        if kind == xlrd.XL_CELL_NUMBER:
                            cells.append(GridCell(display(value, number_formats[sheet.cell_xf_index(r, c)]), source))
                        else:  # dates, booleans and errors never stand for amounts
                            cells.append(GridCell(value if kind == xlrd.XL_CELL_TEXT else "", source))
                    grid.append(cells)
                sheets.append((sheet.name, grid))
                book.unload_sheet(index)
    finally:
        book.release_resources()
    return sheets
