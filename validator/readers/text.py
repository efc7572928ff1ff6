"""Text dumps of published disclosures: one line per table row, cells separated by tabs.

The layout is what PDF extraction leaves: titles on their own line, then 公开NN表 / 单位 / 年度 /
金额单位 lines, the grid (with header rows repeated after a page break, blank lines between), and
注/说明 notes under the table. Everything that is not a table is narrative text, kept with its line.
"""

from __future__ import annotations

import codecs
from itertools import accumulate
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


# Byte order marks, UTF-32 before UTF-16 (whose little-endian mark begins UTF-32's)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Words every disclosure uses, as GB18030 and as Big5 text writes them: bytes of one encoding read
# as the other give none of them (mojibake), which tells the two apart.
_DOMAIN_WORDS = {"gb18030": ("决算", "预算", "支出", "收入", "合计", "项目", "单位", "财政", "万元", "公开"),
                 "big5": ("決算", "預算", "支出", "收入", "合計", "項目", "單位", "財政", "萬元", "公開")}
_UNSURE_BELOW = 200  # non-ASCII characters: a shorter text without domain words is let pass as GB18030


def decode(data: bytes) -> str:
    """By its BOM (UTF-8; UTF-16/32 when it reads as a disclosure); else UTF-8; else GB18030 (a
    superset of GBK) when it reads as a disclosure. Big5 (which GB18030 would turn into mojibake) and
    text that reads as a disclosure in neither are refused with the reason."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decoded_or_none(data, encoding)
            # almost any bytes after FF FE read as UTF-16: without a disclosure's words it is no text
            if text is None or encoding != "utf-8-sig" and _domain_words(text, "gb18030") == 0:
                raise ReadError(f"文本以 {encoding.upper()} 字节顺序标记开头，但不是有效的 {encoding.upper()} 决算文本")
            return text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    readings = {encoding: _decoded_or_none(data, encoding) for encoding in _DOMAIN_WORDS}
    words = {encoding: _domain_words(text, encoding) if text is not None else -1 for encoding, text in readings.items()}
    text = readings["gb18030"]
    if text is None:
        raise ReadError("无法识别文本编码（既不是 UTF-8 也不是 GBK/GB18030）")
    if words["big5"] > words["gb18030"]:
        raise ReadError("文本是 Big5（繁体）编码，按 GB18030 读会成为乱码：请另存为 UTF-8 后再检查")
    if words["gb18030"] == 0 and sum(not char.isascii() for char in text) >= _UNSURE_BELOW:
        raise ReadError("无法确定文本编码：按 GB18030 和 Big5 读都不见“决算”“预算”“支出”等词，像是乱码；"
                        "请另存为 UTF-8 后再检查")
    return text


def _domain_words(text: str, encoding: str) -> int:
    return sum(text.count(word) for word in _DOMAIN_WORDS[encoding])


def _decoded_or_none(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


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


def _grid_parts(line: str) -> list[str] | None:
    """A grid line's parts between tabs; None for a line that is no grid line (a tab is whitespace, so a
    line of only whitespace is one whose parts are all blank)."""
    if "\t" not in line or not line.strip():
        return None
    return line.split("\t")


def _table_start(lines: list[str], i: int) -> int | None:
    """If line i is a title (…表) followed, after label/meta lines, by a grid: the grid's first line."""
    line = lines[i].strip()
    if not line or "\t" in line or not is_title(line):
        return None
    j = i + 1
    while j < len(lines) and (not lines[j].strip() or is_meta(lines[j])):
        j += 1
    return j if j < len(lines) and _grid_parts(lines[j]) else None


def _read_table(lines: list[str], title_at: int, grid_at: int) -> tuple[RawTable, int]:
    raw = RawTable(title=lines[title_at].strip(), source=Source(line=title_at + 1, column=1), grid=[])
    for j in range(title_at + 1, grid_at):
        add_meta(raw, lines[j])
    i = grid_at
    while i < len(lines):
        line = lines[i]
        parts = _grid_parts(line)
        if parts:
            raw.grid.append(_cells(parts, i + 1))
        elif line.strip():
            break
        i += 1
    while i < len(lines) and (not lines[i].strip() or is_note(lines[i])):
        if lines[i].strip():
            raw.notes.append(Note(lines[i].strip(), Source(line=i + 1, column=1)))
        i += 1
    return raw, i


def _cells(parts: list[str], line_no: int) -> list[GridCell]:
    """The cells of a grid line split at its tabs."""
    if len(parts) > MAX_COLUMNS:
        raise ReadError(f"第{line_no}行有 {len(parts)} 个单元格，超过每行 {MAX_COLUMNS} 个的上限，不像决算表格")
    # each part's column: 1, then one past the previous part and its tab (added up in C, not per part here)
    columns = accumulate(map((1).__add__, map(len, parts)), initial=1)
    return [GridCell(part, Source(line_no, column)) for part, column in zip(parts, columns)]
