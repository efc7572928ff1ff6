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
        for parent in coded:
            longer = descendants.get(parent.code or "", [])
            if longer:
                step = min(len(r.code) for r in longer)
                children = [r for r in longer if len(r.code) == step]
                yield from _sum_check(run, table, parent, children, wanted)
        if check.total:
            try:
                total_rows = resolver.rows(table, check.total)
            except Absent as absent:
                run.outcome.skip(str(absent))
                continue
            # With no coded rows at all the total must be zero (an empty table's 合计).
            top = min((len(r.code or "") for r in coded), default=0)
            for total_row in total_rows:
                yield from _sum_check(run, table, total_row, [r for r in coded if len(r.code) == top], wanted)


def _sum_check(run: RuleRun, table: Table, parent: Row, children: list[Row], wanted: set[int]) -> Iterator[Finding]:
    by_name = {c.index: c for c in table.columns}
    for index in sorted(parent.cells.keys() & wanted):
        name = by_name[index].name
        parent_ref = CellRef(table, parent, by_name[index], parent.cells[index])
        child_refs = [CellRef(table, child, by_name[i], child.cells[i])
                      for child in children for i in child.cells if by_name[i].name == name]
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
