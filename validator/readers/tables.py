"""Table recognition shared by every reader: a grid of cell texts becomes a Table.

Readers find where a table is (title, label, the grid of cells with their sources, the notes under
it); this module decides which rows are headers, which column is the label, the 行次, the 科目编码
or an amount, where the side-by-side halves begin (01表/04表 have two, 06表 three), drops header
rows repeated at page breaks, and gives every amount the precision of its column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..labels import normalise, normalise_code, split_ordinal
from ..model import Cell, Column, Note, Row, Source, Table
from ..numbers import BLANK, NO_CACHE, Amount, Garbled, parse_number

MAX_HEADER_ROWS = 6
MAX_ORDINAL_DIGITS = 6  # a 行次 or 栏次 number; a real table has at most a few hundred rows

# The lines around a grid, in every format: title, 表号 (公开NN表, 公开表一, 表一, 附表1), 部门/单位/年度/
# 金额单位 lines, notes. A caption printed as one run ("收支预算总表公开表一部门：X 单位：万元") is split
# into these parts first.
_NUMERAL = r"(?:\d{1,2}|[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_LABEL = re.compile(rf"^(?:(?:公开|附)?\d{{1,2}}表|(?:公开|附)?表{_NUMERAL})$")
_META_KEY = r"(?:金额单位|编制单位|编制部门|单位名称|部门名称|部门|单位)\s*[:：]"
_META = re.compile(rf"^(?:{_META_KEY}.*|\d{{4}}年度?)$")
# 注：…, or a remark printed wholly in brackets under the table: "（无政府性基金支出）"
_NOTE = re.compile(r"^(?:(?:注|说明|备注)\d*[:：]|\([^()]*\)$)")
# Where a part of a caption begins: a 公开 表号 after a title, or a 部门/单位 key; a 表号 that opens the
# caption ("表一收支预算总表") is a part of its own.
_CAPTION_PART = re.compile(rf"{_META_KEY}|公开\s*(?:{_NUMERAL}\s*表|表\s*{_NUMERAL})")
_LEADING_LABEL = re.compile(rf"^\s*(?:公开|附)?\s*(?:表\s*{_NUMERAL}|{_NUMERAL}\s*表)")
_UNIT = re.compile(r"^(亿元|万元|千元|元)")
# A title may end in a parenthesised qualifier: 财政拨款支出预算表（功能科目）; but "收入支出决算表（续）"
# over the next page of a table names no new table.
_QUALIFIER = re.compile(r"\([^()]*\)$")
_CONTINUED = re.compile(r"\((?:续|续表|续前表)\)$")
_CODE_PARTS = ("类", "款", "项")


def caption_parts(text: str) -> list[str]:
    """A caption line split where a 表号 or a 部门/单位 key begins, each part as printed."""
    leading = _LEADING_LABEL.match(text)
    starts = sorted({0, *(m.start() for m in _CAPTION_PART.finditer(text)), *([leading.end()] if leading else [])})
    return [part for a, b in zip(starts, [*starts[1:], len(text)]) if (part := text[a:b].strip())]


def caption_of(text: str) -> list[str] | None:
    """The parts of a caption line (title, 表号, 部门/单位 lines run together); None for other text."""
    parts = caption_parts(text)
    return parts if all(is_title(p) or is_meta(p) for p in parts) else None


def is_title(text: str) -> bool:
    if "表" not in text:  # no character but 表 itself normalises to one: most lines of prose are passed over
        return False
    compact = normalise(text)
    return (_QUALIFIER.sub("", compact).endswith("表") and not _LABEL.match(compact)
            and not _CONTINUED.search(compact))


def is_meta(text: str) -> bool:
    """A 表号, 部门/单位/年度 line or a run of them ("部门：X 单位：万元")."""
    return bool(normalise(text).strip("()")) and all(_is_meta_part(part) for part in caption_parts(text))


def _is_meta_part(part: str) -> bool:
    compact = normalise(part).strip("()")  # "（2023年度）" under a 自评表 title
    return bool(_LABEL.match(compact) or _META.match(compact))


def is_contents(grid: list[list[str]]) -> bool:
    """A table of contents: headed 目录/目次. It lists parts and tables by name; it is not a table."""
    first = next((text for row in grid for text in row if text.strip()), "")
    return normalise(first) in ("目录", "目次")


def is_note(text: str) -> bool:
    return bool(_NOTE.match(normalise(text)))


def formula_problem(text: str) -> str | None:
    """NO_CACHE for a cell written as its formula: a structured document's "=SUM(D8:I8)" is a
    workbook formula whose value was not stored (as `parse` writes one)."""
    return NO_CACHE if text.startswith("=") else None


@dataclass(slots=True)
class GridCell:
    text: str
    source: Source
    problem: str | None = None  # what the reader already knows is wrong (NO_CACHE)


@dataclass(slots=True)
class RawTable:
    """What a reader found: a title and the grid under it, before any interpretation."""

    title: str
    source: Source
    grid: list[list[GridCell]]
    label: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def add_meta(raw: RawTable, text: str) -> None:
    """Record the 表号, 年度, 金额单位 and 部门/单位 of a line found between the title and the grid."""
    for part in caption_parts(text):
        compact = normalise(part).strip("()")
        key, _, value = compact.partition(":")
        if _LABEL.match(compact):
            raw.label = compact
        elif re.match(r"^\d{4}年", compact):
            raw.meta["年度"] = compact
        elif key in ("金额单位", "单位") and (unit := _UNIT.match(value)):
            raw.meta["金额单位"] = unit.group(1)
        elif value:
            raw.meta["单位"] = value


def build_grid_table(raw: RawTable, kind: str | None) -> Table:
    """The Table of an ordinary grid of the catalogue's `kind` (None: a table no rule knows)."""
    grid = _drop_empty_columns(_pad(raw.grid))
    notes = list(raw.notes)
    # A note printed inside the table's last ruled row ("注：本部门无相关收支项目") is a note, not a row.
    while grid and len(filled := [c for c in grid[-1] if c.text.strip()]) == 1 and is_note(filled[0].text):
        notes.insert(0, Note(filled[0].text.strip(), filled[0].source))
        grid.pop()
    header_count, number_row = _header_block(grid)
    headers = grid[:header_count]
    header_signatures = {_signature(r) for r in headers}
    # A header repeated where the table runs onto the next page is not data, nor evidence of a column's
    # kind: its rows as printed, or its 栏次 numbers printed again without the word 栏次.
    body = [r for r in grid[header_count:] if _signature(r) not in header_signatures
            and (number_row is None or _is_number_row(r) != number_row)]
    columns = _columns(headers, number_row, body)
    rows: list[Row] = []
    in_segments = ([c for c in columns if c.segment == segment] for segment in sorted({c.segment for c in columns}))
    segments = [(in_segment, any(c.role != "amount" for c in in_segment)) for in_segment in in_segments]
    for grid_row in body:
        if _is_header_like(grid_row, columns):
            continue  # a header row printed again in the middle, in words that differ from the first
        rows.extend(_rows_of(grid_row, segments, len(rows), strict=kind is not None))
    rows = _join_split_rows(rows)
    apply_column_precision(rows)
    return Table(kind, raw.title, raw.label, columns, rows, raw.source, notes, raw.meta)


def _pad(grid: list[list[GridCell]]) -> list[list[GridCell]]:
    width = max((len(r) for r in grid), default=0)
    starts = _column_starts(grid, width)
    return [_placed_by_position(r, starts) or _padded(r, width) for r in grid]


def _padded(row: list[GridCell], width: int) -> list[GridCell]:
    """The row with blank cells on the right up to the width (a copy: no blank made for a full row)."""
    if len(row) >= width:
        return row[:]
    return row + [GridCell("", row[-1].source if row else Source())] * (width - len(row))


def _column_starts(grid: list[list[GridCell]], width: int) -> list[float] | None:
    """Where each column starts on the page, from a full row with every cell's box (PDF tables)."""
    for row in grid:
        if len(row) == width and all(c.source.bbox for c in row):
            return [c.source.bbox[0] for c in row]  # type: ignore[index]
    return None


def _placed_by_position(row: list[GridCell], starts: list[float] | None) -> list[GridCell] | None:
    """A short row (the 合计 row of a table continued on the next page, its label cell merged across
    the code columns) placed by where its cells start, so each amount lands under its header."""
    if starts is None or len(row) >= len(starts) or not row or not all(c.source.bbox for c in row):
        return None
    placed = [GridCell("", row[-1].source) for _ in starts]
    for cell in row:
        matches = [j for j, x in enumerate(starts) if abs(x - cell.source.bbox[0]) <= 2]  # type: ignore[index]
        if len(matches) != 1 or placed[matches[0]].text:
            return None
        placed[matches[0]] = cell
    return placed


def _drop_empty_columns(grid: list[list[GridCell]]) -> list[list[GridCell]]:
    if not grid:
        return grid
    keep = [j for j in range(len(grid[0])) if any(r[j].text.strip() for r in grid)]
    return _merge_inset_columns([[r[j] for j in keep] for r in grid])


def _merge_inset_columns(grid: list[list[GridCell]]) -> list[list[GridCell]]:
    """One printed column split in two by a box drawn inside some of its cells (a bold 合计 row framed
    again): its texts fall in two grid columns, never both in one row, and one column's texts lie
    within the other's cells on the page. Such a pair is one column."""
    j = 1
    while grid and j < len(grid[0]):
        if _inset(grid, j - 1, j) or _inset(grid, j, j - 1):
            grid = [[*r[:j - 1], r[j - 1] if r[j - 1].text.strip() else r[j], *r[j + 1:]] for r in grid]
        else:
            j += 1
    return grid


def _inset(grid: list[list[GridCell]], outer: int, inner: int) -> bool:
    if any(r[outer].text.strip() and r[inner].text.strip() for r in grid):
        return False
    spans = [r[outer].source.bbox for r in grid if r[outer].text.strip()]
    insets = [r[inner].source.bbox for r in grid if r[inner].text.strip()]
    if not spans or not insets or None in spans or None in insets:
        return False
    return all(any(o[0] - 1 <= i[0] and i[2] <= o[2] + 1 for o in spans) for i in insets)  # type: ignore[index]


def _signature(row: list[GridCell]) -> tuple[str, ...]:
    return tuple(normalise(c.text) for c in row)


def _is_header_like(row: list[GridCell], columns: list[Column]) -> bool:
    """Words (预算数, 合计, 金额) where the amounts go and no figure at all: a header, not data. A single
    word beside a label ("乙 | 见附注") is a data row whose amount is text."""
    filled = [c for c in (row[c.index] for c in columns if c.role == "amount") if parse_number(c.text) is not BLANK]
    labelled = any(row[c.index].text.strip() for c in columns if c.role != "amount")
    return bool(filled) and all(_is_word(c) for c in filled) and (len(filled) > 1 or not labelled)


def _is_word(cell: GridCell) -> bool:
    return cell.problem is None and parse_number(cell.text) is None and not looks_numeric(cell.text)


def _ordinal(text: str) -> int | None:
    """A 行次 or 栏次 number: decimal digits only (isdigit() also takes "²" and "①", which int() refuses)
    and few of them (int() refuses more than 4,300)."""
    return int(text) if text.isdecimal() and len(text) <= MAX_ORDINAL_DIGITS else None


def _is_number_row(row: list[GridCell]) -> list[int | None] | None:
    """The 栏次 row: the word 栏次 and/or the column numbers 1, 2, 3 … in order. Returns them per column."""
    numbers: list[int | None] = []
    has_word = False
    for cell in row:
        text = normalise(cell.text)
        if text == "栏次":
            has_word = True
            numbers.append(None)
        elif _ordinal(text) is not None:
            numbers.append(_ordinal(text))
        elif text in ("", "-"):
            numbers.append(None)
        else:
            return None
    found = [n for n in numbers if n is not None]
    ascending = found == sorted(found) and len(set(found)) == len(found)
    if found and found[0] == 1 and ascending and (has_word or len(found) >= 2):
        return numbers
    if has_word and found and ascending:
        return numbers
    return None


def _header_block(grid: list[list[GridCell]]) -> tuple[int, list[int | None] | None]:
    """How many leading rows are headers, and the 栏次 numbers if a 栏次 row closes them."""
    for i, row in enumerate(grid[:MAX_HEADER_ROWS + 1]):
        numbers = _is_number_row(row)
        if numbers is not None and i > 0:
            return i + 1, numbers
    count = 0
    for row in grid[:MAX_HEADER_ROWS]:
        # The first amount ends the header; so does a blank line (an empty template's first data row).
        if any(isinstance(parse_number(c.text), Amount) for c in row) or count and not any(c.text.strip() for c in row):
            break
        count += 1
    return count, None


def _columns(headers: list[list[GridCell]], numbers: list[int | None] | None,
             body: list[list[GridCell]]) -> list[Column]:
    texts = [[c.text.strip() for c in r] for r in headers if _is_number_row(r) is None]
    width = len(body[0]) if body else (len(headers[0]) if headers else 0)
    # A merged header spans the columns to its right whose own header starts lower down.
    for level, row in enumerate(texts):
        for j in range(1, width):
            below = any(texts[k][j] for k in range(level + 1, len(texts)))
            # …but never across the boundary of its own parent group in the row above.
            same_parent = level == 0 or texts[level - 1][j] == texts[level - 1][j - 1]
            if not row[j] and row[j - 1] and below and same_parent:
                row[j] = row[j - 1]
    columns = []
    for j in range(width):
        path: list[str] = []
        for row in texts:
            if row[j] and (not path or normalise(path[-1]) != normalise(row[j])):
                path.append(row[j])
        number = numbers[j] if numbers and j < len(numbers) else None
        role = _role(path, number, [r[j].text for r in body], numbers is not None)
        columns.append(Column(j, tuple(path), number, role))
    segment = 0
    seen_amount = False
    for column in columns:
        if column.role in ("label", "code") and seen_amount:
            segment, seen_amount = segment + 1, False
        seen_amount = seen_amount or column.role == "amount"
        column.segment = segment
    return columns


def _role(path: list[str], number: int | None, values: list[str], numbered: bool) -> str:
    leaf = normalise(path[-1]) if path else ""
    if "行次" in leaf:
        return "row_no"
    if "编码" in leaf or "代码" in leaf:
        return "code"
    # A code printed in three columns under one header (功能分类科目编码/类, 款, 项; 经济分类 类, 款)
    if leaf in _CODE_PARTS and any("编码" in normalise(p) or "代码" in normalise(p) for p in path[:-1]):
        return "code"
    if number is not None:
        return "amount"
    if numbered:
        return "label"  # where a 栏次 row exists, every amount column carries its number
    filled = [v for v in values if v.strip()]
    if not path and filled and all(normalise_code(v) for v in filled):
        return "code"  # codes printed left of their header's box (an unruled table), under no header
    if not path and not filled:
        return "label"  # a gap between columns: nothing in it is an amount
    if not filled:  # an empty table: its header alone tells ("项目/科目名称" but not "本年支出/项目支出")
        return "label" if path and normalise(path[0]).startswith("项目") or leaf.endswith(("项目", "名称")) else "amount"
    numeric = sum(1 for v in filled if isinstance(parse_number(v), Amount | Garbled))
    return "amount" if numeric * 2 >= len(filled) else "label"


def _rows_of(grid_row: list[GridCell], segments: list[tuple[list[Column], bool]], position: int,
             strict: bool) -> list[Row]:
    """The rows of a grid row: one per segment (the columns of each, side-by-side halves in order, and
    whether any of them is no amount column)."""
    rows = []
    for in_segment, labelled in segments:
        segment = in_segment[0].segment
        label_parts: list[str] = []
        code_parts: list[str] = []
        row_no = None
        cells: dict[int, Cell] = {}
        source = None
        for column in in_segment:
            grid_cell = grid_row[column.index]
            text = grid_cell.text.strip()
            if text and source is None:
                source = grid_cell.source
            if column.role == "amount":
                cells[column.index] = make_cell(text, grid_cell.source, strict, grid_cell.problem)
            elif column.role == "row_no":
                row_no = _ordinal(text)
            elif column.role == "code" and text:
                code_parts.append(text)
            elif column.role == "label" and text:
                label_parts.append(text)
        # 类, 款 and 项 printed apart ("201", "03", "01") make one code, a 款 or 项 printed as a number
        # ("2" for "02") too; anything else printed in a code column ("合计") is a label.
        code = normalise_code(_joined_code(code_parts)) if code_parts else None
        if code_parts and code is None:
            label_parts[:0] = code_parts
        label = " ".join(label_parts)
        # A blank line is padding, except in a table of amounts only (三公经费表), where it is the row.
        if labelled and not label and code is None and row_no is None and all(c.is_blank for c in cells.values()):
            continue
        ordinal, key = split_ordinal(label)
        row_source = source or grid_row[0].source
        rows.append(Row(label, key, ordinal, row_no, code, segment, 0, row_source, cells))
    joined = _join_spanning_labels(rows)
    for offset, row in enumerate(joined):
        row.position = position + offset
    return joined


def _joined_code(parts: list[str]) -> str:
    return parts[0] + "".join(p.zfill(2) if p.isdigit() else p for p in parts[1:])


def _join_split_rows(rows: list[Row]) -> list[Row]:
    """A printed row whose amount sits in a box drawn inside its cell arrives as two grid rows on the
    same line of the page: the code and label with blank amounts, and the amounts with no label."""
    joined: list[Row] = []
    for row in rows:
        previous = joined[-1] if joined else None
        if previous is not None and previous.segment == row.segment and _same_line(previous, row):
            named, figures = (previous, row) if _only_named(previous) else (row, previous)
            if _only_named(named) and _only_figures(figures):
                named.cells = figures.cells
                joined[-1] = named
                continue
        joined.append(row)
    for position, row in enumerate(joined):
        row.position = position
    return joined


def _only_named(row: Row) -> bool:
    return bool(row.label or row.code) and all(c.is_blank for c in row.cells.values())


def _only_figures(row: Row) -> bool:
    return not row.label and row.code is None and row.row_no is None and any(not c.is_blank for c in row.cells.values())


def _same_line(one: Row, other: Row) -> bool:
    a, b = one.source.bbox, other.source.bbox
    return (a is not None and b is not None and one.source.page == other.source.page
            and a[1] < b[3] and b[1] < a[3])


def _join_spanning_labels(rows: list[Row]) -> list[Row]:
    """A label merged across column groups (06表: 公用经费合计 printed over groups 2–3, its amount in
    group 3) arrives as a label with blank amounts followed by amounts with no label: one row."""
    joined: list[Row] = []
    for row in rows:
        previous = joined[-1] if joined else None
        if (previous is not None and previous.label and previous.code is None
                and all(c.is_blank for c in previous.cells.values())
                and not row.label and row.code is None and row.row_no is None
                and any(not c.is_blank for c in row.cells.values())):
            row.label, row.key, row.ordinal = previous.label, previous.key, previous.ordinal
            joined[-1] = row
        else:
            joined.append(row)
    return joined


def make_cell(text: str, source: Source, strict: bool, problem: str | None = None) -> Cell:
    parsed = Garbled(text, problem) if problem else parse_number(text)
    if parsed is None and strict and looks_numeric(text):
        parsed = Garbled(text, "数字中夹有其他字符")
    return Cell(text, parsed, source)


def looks_numeric(text: str) -> bool:
    """Digits with a stray character or two ("5O0.00", "12.3a"): an OCR or typing slip in a number.
    Words (合计, 预算数, 见说明) are never taken for a number, however they sit in an amount column."""
    compact = normalise(text).replace(" ", "")
    digits = sum(ch.isdigit() for ch in compact)
    return digits >= 2 and digits * 2 > len(compact) and not re.search(r"[\u3400-\u9fff]", compact)


def apply_column_precision(rows: list[Row]) -> None:
    precision: dict[int, int] = {}
    for row in rows:
        for index, cell in row.cells.items():
            amount = cell.parsed
            if isinstance(amount, Amount) and not amount.percent and amount.decimals > precision.get(index, 0):
                precision[index] = amount.decimals
    for row in rows:
        for index, cell in row.cells.items():
            amount = cell.parsed
            if not isinstance(amount, Amount):
                cell.precision = precision.get(index, 0)
            elif amount.percent:
                cell.precision = amount.decimals
            else:
                cell.precision = max(amount.decimals, precision.get(index, 0))
