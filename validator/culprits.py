"""Culprit search: the one place that explains the failing relations of a document.

Failing relations that share a cell form a cluster. A cell found in every relation of a cluster is a
candidate when one value, put in its place, makes all of them hold and breaks none of the relations
that hold (every relation is evaluated again with the value substituted, rounding intervals and all).
A row listed twice is a candidate when taking it out does the same. Exactly one candidate: it is the
culprit, and the cluster's findings become one (validator.culprit_findings). Several: the findings
stay as they are and say that no single cell can be named.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .checks.common import Relation
from .expression import Absent
from .interval import CellRef, NotComputable, Quantity, Ref, compare
from .model import BLANK, Cell, Row
from .numbers import Amount

# Newton steps for a relation not linear in the cell (a rate's base); a sum needs one.
_STEPS = 4


@dataclass(frozen=True, slots=True)
class Candidate:
    """A cell and the value that makes its cluster hold (`solved` before rounding to the cell's
    decimals), or a row listed twice (value None), with the rows it copies."""

    ref: Ref
    value: Decimal | None
    solved: Decimal | None = None
    twin: Row | None = None
    slack: Decimal = Decimal(0)  # how far from `solved` the cell may be with its cluster's equality holding
    relations: tuple[Relation, ...] = ()  # every relation the cell is in

    def agrees(self, value: Decimal) -> bool:
        """Whether every relation of the cell holds with it reading `value` (a rounding tail away from
        `solved`: 11.71 where the parts add to 11.70 within their tolerance)."""
        with _substituted([(self.ref.cell, value)]):
            return all(r.holds_now() for r in self.relations)


@dataclass(frozen=True, slots=True)
class Cluster:
    relations: tuple[Relation, ...]
    candidates: tuple[Candidate, ...]


def clusters(relations: list[Relation]) -> list[Cluster]:
    """The clusters of failing relations, at least one an equality, each with its candidates (one: the culprit)."""
    failing = [r for r in relations if not r.holds and r.finding is not None]
    if not failing:
        return []
    # the relations of every cell a failing relation has (a candidate's, a twin row's): no others are asked
    by_cell: dict[int, list[Relation]] = {id(ref.cell): [] for r in failing for ref in r.cells}
    by_cell.update({id(cell): [] for r in failing for ref in r.cells if isinstance(ref, CellRef)
                    for cell in ref.row.cells.values()})
    for relation in relations:
        for ref in relation.cells:
            if (listed := by_cell.get(id(ref.cell))) is not None:
                listed.append(relation)
    found = []
    for group in _connected(failing):
        if all(r.op != "==" for r in group):  # only bounds (≤) broken: no value to put back
            continue
        # a row listed twice is the likelier story than any one of its figures
        candidates = list(_twin_rows(group, by_cell)) or list(_cell_candidates(group, by_cell))
        found.append(Cluster(tuple(group), tuple(candidates)))
    return _joined_by_twins(found)


def _connected(failing: list[Relation]) -> list[list[Relation]]:
    """The failing relations in groups that share cells (transitively), in the order found."""
    parent = list(range(len(failing)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_with: dict[int, int] = {}
    for i, relation in enumerate(failing):
        for ref in relation.cells:
            j = first_with.setdefault(id(ref.cell), i)
            parent[root(i)] = root(j)
    groups: dict[int, list[Relation]] = {}
    for i, relation in enumerate(failing):
        groups.setdefault(root(i), []).append(relation)
    return list(groups.values())


def _cell_candidates(group: list[Relation], by_cell: dict[int, list[Relation]]) -> Iterator[Candidate]:
    shared = set.intersection(*({id(ref.cell) for ref in r.cells} for r in group))
    refs = {id(ref.cell): ref for ref in group[0].cells if id(ref.cell) in shared}
    equality = next(r for r in group if r.op == "==")
    try:
        printed = equality.sides()
    except (ArithmeticError, Absent, NotComputable):
        return
    if len(group) == 1 and len({id(ref.cell) for ref in equality.cells}) < 2 \
            and not any(side.shown and not side.cells for side in printed):
        # a figure compared with nothing printed (its sources left out: a sum of none) is no evidence
        # against it; one compared with the rule's own figure (总分 100) is
        return
    allowance = compare(printed[0], equality.op, printed[1], equality.tolerance).tolerance
    linear = _linear(printed)
    for ref in refs.values():
        if ref.cell.amount is None and not ref.cell.is_blank:
            continue
        found = _solve(ref.cell, equality, printed)
        if found is None:
            continue
        solved, slope = found
        unit = Decimal(1).scaleb(-_decimals(ref.cell))
        value = solved.quantize(unit, rounding=ROUND_HALF_UP)
        if ref.cell.amount is not None and value == ref.cell.amount.value:
            continue
        relations = tuple(by_cell[id(ref.cell)])
        # a sum solved exactly holds with the value rounded to the cell's decimals: not evaluated again
        exact = linear and abs(slope) * unit / 2 <= allowance
        with _substituted([(ref.cell, value)]):
            if all(r.holds_now() for r in relations if not (exact and r is equality)):
                yield Candidate(ref, value, solved, slack=allowance / abs(slope), relations=relations)


def _decimals(cell: Cell) -> int:
    return cell.amount.decimals if cell.amount is not None else cell.precision


def _difference(sides: tuple[Quantity, Quantity]) -> Decimal:
    left, right = sides
    return left.shown - right.shown


def _linear(sides: tuple[Quantity, Quantity]) -> bool:
    """Whether both sides are sums (no product, quotient or cap): their variance is kept only then."""
    return sides[0].variance is not None and sides[1].variance is not None


def _solve(cell: Cell, relation: Relation, printed: tuple[Quantity, Quantity]) -> tuple[Decimal, Decimal] | None:
    """The value of the cell that makes the relation's two sides equal as shown, with the slope of
    their difference in it (Newton's method on the difference from its printed `sides`; one step is
    exact for a sum), or None when the cell does not move it."""
    value = cell.amount.value if cell.amount is not None else Decimal(0)
    sides = printed
    try:
        difference = _difference(sides)
        if difference == 0:
            return None  # the relation fails by its bounds alone: nothing to solve
        for _ in range(_STEPS):
            with _substituted([(cell, value + 1)]):
                moved = relation.sides()
            slope = _difference(moved) - difference
            if slope == 0:
                return None
            value -= difference / slope
            if _linear(sides) and _linear(moved):
                return value, slope
            with _substituted([(cell, value)]):
                sides = relation.sides()
            difference = _difference(sides)
            if difference == 0:
                return value, slope
    except (ArithmeticError, Absent, NotComputable):  # no value found the relation can be formed with
        return None
    return (value, slope) if abs(difference) < Decimal(1).scaleb(-_decimals(cell) - 1) else None


@contextmanager
def _substituted(values: list[tuple[Cell, Decimal | None]]) -> Iterator[None]:
    """The cells read as the values given (None: blank) while inside; their own values after."""
    saved = [(cell, cell.parsed) for cell, _ in values]
    try:
        for cell, value in values:
            percent = cell.amount.percent if cell.amount is not None else False
            cell.parsed = BLANK if value is None else Amount(value, _decimals(cell), percent)
        yield
    finally:
        for cell, parsed in saved:
            cell.parsed = parsed


def _twin_rows(group: list[Relation], by_cell: dict[int, list[Relation]]) -> Iterator[Candidate]:
    """Rows of the group's cells that repeat an earlier row of their table word for word and figure
    for figure, whose removal makes the group hold and breaks nothing."""
    seen: set[int] = set()
    for ref in (ref for r in group for ref in r.cells):
        if not isinstance(ref, CellRef) or id(ref.row) in seen:
            continue
        seen.add(id(ref.row))
        item = _item(ref.row)  # a twin's key ends with it: most rows are passed over by that test alone
        twin = next((row for row in ref.table.rows if row.position < ref.row.position and row.key.endswith(item)
                     and _alike(row, ref.row)), None)
        if twin is None:
            continue
        cells = list(ref.row.cells.values())
        # the row's own relations (its 得分 within its 分值) go with it
        affected = {id(r): r for cell in cells for r in by_cell[id(cell)]
                    if not all(isinstance(other, CellRef) and other.row is ref.row for other in r.cells)}
        with _substituted([(cell, None) for cell in cells]):
            if all(r.holds_now() for r in (*group, *affected.values())):
                yield Candidate(ref, None, twin=twin)


def _alike(row: Row, other: Row) -> bool:
    """The same item (its own name, whatever headings it was listed under) with the same figures."""
    return _item(row) == _item(other) and row.cells.keys() == other.cells.keys() and all(
        cell.text == other.cells[i].text for i, cell in row.cells.items())


def _item(row: Row) -> str:
    return row.key.rsplit("/", 1)[-1]


def _joined_by_twins(found: list[Cluster]) -> list[Cluster]:
    """Clusters whose culprit is the same row listed twice (its 分值 and its 得分) as one."""
    kept: list[Cluster] = []
    for cluster in found:
        row = _twin_row(cluster)
        same = next((i for i, k in enumerate(kept) if row is not None and _twin_row(k) is row), None)
        if same is None:
            kept.append(cluster)
        else:
            kept[same] = Cluster(kept[same].relations + cluster.relations, kept[same].candidates)
    return kept


def _twin_row(cluster: Cluster) -> Row | None:
    if len(cluster.candidates) == 1 and cluster.candidates[0].value is None:
        ref = cluster.candidates[0].ref
        return ref.row if isinstance(ref, CellRef) else None
    return None

