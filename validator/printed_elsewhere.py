"""The same item's figure printed in another table of the same disclosure: what an accountant holds a
doubtful figure against (表六 财政拨款基本支出 and 表九 一般公共预算基本支出 list the same items with the
same figures when the budget has no 政府性基金; 公开03表 and 公开05表 often do too). No rule says such
figures must agree, so a difference is no finding; but the figure a sum needs, printed for the same
item elsewhere, tells which of several cells the sum's mistake is in (validator.culprit_findings)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .interval import CellRef, Ref
from .model import Cell, Row, Table

Disclosures = Sequence[Sequence[Table]]  # the standard tables of each disclosure of a document


def printed_elsewhere(ref: Ref, disclosures: Disclosures) -> list[tuple[str, Cell]]:
    """The cells, each with its place, that the other tables of the cell's disclosure print under the
    same item (its 科目编码 when both have one, else its name) and the one column of the same name, or
    else of the same last heading (公开03表's 基本支出 is 公开05表's 本年支出/基本支出)."""
    if not isinstance(ref, CellRef) or not any(item := _item(ref.row)) or not ref.column.header:
        return []
    group = next((tables for tables in disclosures if any(t is ref.table for t in tables)), ())
    found = []
    for table in group:
        columns = [c for c in table.columns if c.name == ref.column.name] or [
            c for c in table.columns if c.header[-1:] == ref.column.header[-1:]]
        if table is ref.table or len(columns) != 1:  # 预算数/合计 or 决算数/合计: not told which
            continue
        column, = columns
        for row in table.rows:
            code, name = _item(row)
            same = code == item[0] if code and item[0] else name == item[1] and bool(name)
            if same and (cell := row.cells.get(column.index)) is not None and cell.amount is not None:
                found.append((f"{table.name}“{row.label}”", cell))
    return found


def _item(row: Row) -> tuple[str | None, str]:
    """The row's 科目编码 and name; a code the reader left in front of the name (2040505案件执行) counts."""
    found = _CODE.match(row.key)
    return row.code or (found.group(1) if found else None), row.key[found.end():] if found else row.key


_CODE = re.compile(r"(\d{7}|\d{5}|\d{3})(?!\d)\s*(?=\D)")  # 类 款 项: not 2018年
