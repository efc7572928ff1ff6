"""`kind: rollup`: 功能分类/经济分类 roll-ups, each code the sum of its next-level codes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..expression import Absent
from ..findings import Finding
from ..interval import CellRef, NotComputable, Quantity, compare
from ..model import Row, Table
from .common import CheckKind, RuleRun, Strict


class RollupCheck(Strict):
    """功能分类/经济分类 roll-up: each code = Σ its next-level codes; the total row = Σ top-level codes."""

    kind: Literal["rollup"]
    table: str
    columns: list[str | int] | None = None
    total: str | None = None


def evaluate(check: RollupCheck, run: RuleRun) -> Iterator[Finding]:
    for resolver in run.file.resolvers:
        try:
            table = resolver.table(check.table)
            if check.columns:
                wanted = {c.index for sel in check.columns for c in resolver.columns(table, sel)}
            else:
                wanted = {c.index for c in table.columns if c.role == "amount"}
        except Absent as absent:
            run.outcome.skip(str(absent))
            continue
        coded = [r for r in table.rows if r.code]
        if not coded and not check.total:
            run.outcome.skip(f"{table.name}没有科目编码行")
            continue
        descendants = resolver.index(table).descendants
        columns = _Columns(table)
        for parent in coded:
            longer = descendants.get(parent.code or "", [])
            if longer:
                step = min(len(r.code) for r in longer)
                children = [r for r in longer if len(r.code) == step]
                yield from _sum_check(run, columns, parent, children, wanted)
        if check.total:
            try:
                total_rows = resolver.rows(table, check.total)
            except Absent as absent:
                run.outcome.skip(str(absent))
                continue
            # With no coded rows at all the total must be zero (an empty table's 合计).
            top = min((len(r.code or "") for r in coded), default=0)
            for total_row in total_rows:
                yield from _sum_check(run, columns, total_row, [r for r in coded if len(r.code) == top], wanted)


class _Columns:
    """A table's columns by index with their names, worked out once for all its rows' sums."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.by_index = {c.index: c for c in table.columns}
        self.names = {c.index: c.name for c in table.columns}


def _sum_check(run: RuleRun, columns: _Columns, parent: Row, children: list[Row], wanted: set[int]
               ) -> Iterator[Finding]:
    table, by_index, names = columns.table, columns.by_index, columns.names
    for index in sorted(parent.cells.keys() & wanted):
        name = names[index]
        parent_ref = CellRef(table, parent, by_index[index], parent.cells[index])
        child_refs = [CellRef(table, child, by_index[i], child.cells[i])
                      for child in children for i in child.cells if names[i] == name]
        if not child_refs and children:
            continue
        def sides(parent_ref: CellRef = parent_ref, child_refs: list[CellRef] = child_refs) -> tuple[Quantity, Quantity]:
            right = Quantity.sum_of_cells(child_refs)  # before the parent: a garbled child is said first
            return Quantity.of_cell(parent_ref), right

        try:
            left, right = sides()
        except NotComputable as problem:
            run.outcome.skip(str(problem))
            continue
        run.outcome.evaluated += 1
        result = compare(left, "==", right, run.rule.tolerance)
        relation = run.relation("==", sides, left, right, result)
        yield from run.judge(left, right, result, [parent_ref, *child_refs], relation=relation)


KIND = CheckKind(RollupCheck, evaluate)
