"""Text dumps of published disclosures: one line per table row, cells separated by tabs.

The layout is what PDF extraction leaves: titles on their own line, then 公开NN表 / 单位 / 年度 /
金额单位 lines, the grid (with header rows repeated after a page break, blank lines between), and
注/说明 notes under the table. Everything that is not a table is narrative text, kept with its line.
"""

from __future__ import annotations

from pathlib import Path

from ..catalogue import Catalogue
from ..errors import ReadError
from ..model import Document, Note, Source, TextLine
from .table_building import add_table
from .tables import (
    GridCell,
    RawTable,
    add_meta,
    is_meta,
    is_note,
    is_title,
)

MAX_COLUMNS = 256  # a real 决算 table has a few dozen; far more means a hostile or broken file


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError("无法识别文本编码（既不是 UTF-8 也不是 GBK/GB18030）")


def read(path: Path, catalogue: Catalogue, max_bytes: int) -> Document:
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"文件过大（{size:,} 字节，上限 {max_bytes:,} 字节）")
    text = decode(path.read_bytes())
    if "\x00" in text:
        raise ReadError("不是文本文件（含 NUL 字符）")
    return parse_lines(text.splitlines(), str(path), catalogue)


def parse_lines(lines: list[str], path: str, catalogue: Catalogue) -> Document:
    document = Document(path=path, format="text")
    i = 0
    while i < len(lines):
        start = _table_start(lines, i)
        if start is None:
            if lines[i].strip():
                document.text.append(TextLine(lines[i].strip(), Source(line=i + 1, column=1)))
            i += 1
            continue
        raw, i = _read_table(lines, i, start)
        add_table(document, raw, catalogue)
    return document


def _is_grid(line: str) -> bool:
    return "\t" in line and any(part.strip() for part in line.split("\t"))


def _table_start(lines: list[str], i: int) -> int | None:
    """If line i is a title (…表) followed, after label/meta lines, by a grid: the grid's first line."""
    line = lines[i].strip()
    if not line or "\t" in line or not is_title(line):
        return None
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or is_meta(lines[j])):
        j += 1
    return j if j < len(lines) and _is_grid(lines[j]) else None


def _read_table(lines: list[str], title_at: int, grid_at: int) -> tuple[RawTable, int]:
    raw = RawTable(title=lines[title_at].strip(), source=Source(line=title_at + 1, column=1), grid=[])
    for j in range(title_at + 1, grid_at):
        add_meta(raw, lines[j])
    i = grid_at
    while i < len(lines):
        line = lines[i]
        if _is_grid(line):
            raw.grid.append(_cells(line, i + 1))
        elif line.strip():
            break
        i += 1
    while i < len(lines) and (not lines[i].strip() or is_note(lines[i])):
        if lines[i].strip():
            raw.notes.append(Note(lines[i].strip(), Source(line=i + 1, column=1)))
        i += 1
    return raw, i


def _cells(line: str, line_no: int) -> list[GridCell]:
    if line.count("\t") >= MAX_COLUMNS:
        raise ReadError(f"第{line_no}行有 {line.count(chr(9)) + 1} 个单元格，超过每行 {MAX_COLUMNS} 个的上限，不像决算表格")
    cells = []
    column = 1
    for part in line.split("\t"):
        cells.append(GridCell(part, Source(line=line_no, column=column)))
        column += len(part) + 1
    return cells
