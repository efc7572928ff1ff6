"""The same item's figure printed in another table of the same disclosure: what an accountant holds a
doubtful figure against (表六 财政拨款基本支出 and 表九 一般公共预算基本支出 list the same items with the
same figures when the budget has no 政府性基金; 公开03表 and 公开05表 often do too). No rule says such
figures must agree, so a difference is no finding; but the figure a sum needs, printed for the same
item elsewhere, tells which of several cells the sum's mistake is in (validator.culprit_findings)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from .interval import CellRef, Ref
from .model import Cell, Column, Row, Table

Disclosures = Sequence[Sequence[Table]]  # the standard tables of each disclosure of a document


def printed_elsewhere(ref: Ref, disclosures: Disclosures, doubtful: Collection[int] = ()) -> list[tuple[str, Cell]]:
    """The cells, each with its place, that the other tables of the cell's disclosure print under the
    same item (its 科目编码 when both have one, else its name when no other row of either table bears
    it) and the one column of the same name, or else of the same last heading (公开03表's 基本支出 is
    公开05表's 本年支出/基本支出); only from a table printing the same figures as the cell's for every
    other item of the column but the `doubtful` cells (by id), and one other than 0.00 at least: one
    that differs elsewhere (财政拨款 with a 政府性基金 beside 一般公共预算, 部门 beside 单位, 全年 beside
    年初预算) or agrees nowhere else (公开03表 holds 其他资金 公开05表 does not) is no copy to hold it
    against."""
    if not isinstance(ref, CellRef) or not any(_item(ref.row)) or not ref.column.header:
        return []
    group = next((tables for tables in disclosures if any(t is ref.table for t in tables)), ())
    found = []
    for table in group:
        columns = [c for c in table.columns if c.name == ref.column.name] or [
            c for c in table.columns if c.header[-1:] == ref.column.header[-1:]]
        if table is ref.table or len(columns) != 1:  # 预算数/合计 or 决算数/合计: not told which
            continue
        pairs = _same_items(ref.table, ref.column, table, columns[0])
        compared = [(cell.amount.value, other.amount.value) for row, cell, _, other in pairs
                    if row is not ref.row and id(cell) not in doubtful and cell.amount is not None
                    and other.amount is not None]
        if all(a == b for a, b in compared) and any(a for a, _ in compared):  # a figure other than 0.00 printed alike
            found += [(f"{table.name}“{other_row.label}”", other) for row, _, other_row, other in pairs
                      if row is ref.row and other.amount is not None]
    return found


def _same_items(table: Table, column: Column, other: Table, other_column: Column) -> list[tuple[Row, Cell, Row, Cell]]:
    """The rows of the two tables that print the same item, each with its cell of the column."""
    items = [(row, *_item(row)) for row in other.rows]
    names = Counter(_item(row)[1] for row in table.rows) + Counter(name for _, _, name in items)
    pairs = []
    for row in table.rows:
        code, name = _item(row)
        for other_row, other_code, other_name in items:
            same = code == other_code if code and other_code else bool(name) and name == other_name and names[name] == 2
            if same and (cell := row.cells.get(column.index)) is not None and (
                    found := other_row.cells.get(other_column.index)) is not None:
                pairs.append((row, cell, other_row, found))
    return pairs


def _item(row: Row) -> tuple[str | None, str]:
    """The row's 科目编码 and name; a code the reader left in front of the name (2040505案件执行) counts."""
    found = _CODE.match(row.key)
    return row.code or (found.group(1) if found else None), row.key[found.end():] if found else row.key


_CODE = re.compile(r"(\d{7}|\d{5}|\d{3})(?!\d)\s*(?=\D)")  # 类 款 项: not 2018年
