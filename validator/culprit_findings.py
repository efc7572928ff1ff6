"""The culprit search's verdicts as findings: the findings a culprit explains become one, naming the
culprit first (the one place found wrong), the value that makes everything agree and its likely
cause. When several cells explain a cluster equally, an accountant's rules of thumb decide: a cell
that would have to turn negative where its column has no negative figure is no likely culprit; of
the others, the one whose needed figure the same item shows in another table of the disclosure, or
the one whose printed figure a simple slip (rules/causes.yaml) turns into the value it needs, is the
likely culprit when no such evidence points at another, and the finding says why. Otherwise the
findings say that none can be named."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from functools import cache, partial

from .causes import Clues, likely_cause, slips
from .checks.common import Relation, location_of
from .culprits import Candidate, Cluster, clusters
from .findings import SEVERITY_ORDER, Culprit, Finding
from .interval import CellRef, Ref
from .model import Cell
from .printed_elsewhere import Disclosures, printed_elsewhere

_GONE = object()

Figures = Callable[[], dict[int, tuple[str, Decimal]]]  # a cluster's figures by cell with their places, once asked


def with_culprits(findings: list[Finding], relations: list[Relation], disclosures: Disclosures = ()) -> list[Finding]:
    """The findings with each cluster a culprit explains as one, and the others noted as ambiguous;
    `disclosures`: the document's standard tables by disclosure, where a figure may be printed twice."""
    present = {id(f) for f in findings}
    replaced: dict[int, object] = {}
    for cluster in clusters(relations):
        members = list({id(f): f for r in cluster.relations if (f := r.finding) is not None and id(f) in present}
                       .values())
        if not members:
            continue
        figures = cache(partial(_figures, cluster))  # read only for the causes that look at them
        verdict = _likely_culprit(cluster, figures, disclosures)
        if verdict is not None:
            members.sort(key=Finding.sort_key)  # the head: the one reported first, where a reader looks first
            replaced[id(members[0])] = _explained(*verdict, cluster, members, figures)
            replaced.update(dict.fromkeys((id(m) for m in members[1:]), _GONE))
        elif len(cluster.candidates) > 1 and len(cluster.relations) > 1:
            note = f"（{len(cluster.candidates)} 格均可单独解释以上不符，无法确定是哪一格）"
            replaced.update({id(m): replace(m, message=m.message + note) for m in members})
    kept = (replaced.get(id(f), f) for f in findings)
    return [f for f in kept if isinstance(f, Finding)]


def proposed_fixes(findings: list[Finding]) -> list[str]:
    """Every culprit's fix, one line each (`check --show-fixes`): file, place, printed → proposed, cause.
    budgetlint only proposes: it never changes a file."""
    return [f"{f.file}  {f.culprit.location.place()}  {f.culprit.fix()}  {f.culprit.cause_text()}"
            for f in findings if f.culprit is not None]


def _likely_culprit(cluster: Cluster, figures: Figures, disclosures: Disclosures) -> tuple[Candidate, str] | None:
    """The one candidate; of several, the one the rules of thumb single out, with why (the several
    cells' note): the one left when the others would have to turn negative, or the one whose needed
    figure is printed for the same item elsewhere, or the one a simple slip explains, when none of
    that evidence points at another."""
    if len(cluster.candidates) == 1:
        return cluster.candidates[0], ""
    plausible = [c for c in cluster.candidates if not _turns_negative(c)]
    if len(plausible) == 1:
        return plausible[0], f"其余 {len(cluster.candidates) - 1} 格须改为负数，而所在栏没有负数"
    slipped = _slipped(plausible, figures)
    doubtful = {id(c.ref.cell) for c in cluster.candidates}  # where the one mistake may be: no figure to compare
    confirmed = [(c, found) for c in plausible if (found := _confirmed_elsewhere(c, disclosures, doubtful)) is not None]
    # a slip too likely a coincidence to single out a cell (5.00 for 15.00), or in a figure the same item
    # shows as printed in another table, is no evidence against the cell confirmed
    if len(confirmed) == 1 and all(c.ref.cell is confirmed[0][0].ref.cell or _printed_alike(c, disclosures, doubtful)
                                   for c, telling in slipped if telling):
        (candidate, (place, cell)), = confirmed
        assert cell.amount is not None
        return replace(candidate, value=cell.amount.value), f"只有这一格的应有数与{place}所列 {cell.text} 相同"
    if confirmed or len(slipped) != 1:
        return None
    (candidate, telling), = slipped
    return (candidate, "只有这一格的所列数与应有数之间是一个简单的笔误") if telling else None


def _slipped(candidates: list[Candidate], figures: Figures) -> list[tuple[Candidate, bool]]:
    """The candidates a simple slip explains, each with whether its slip tells (is no likely coincidence:
    rules/causes.yaml: a digit slip needs a long enough figure). A slip that singles out a cell must
    give the figure needed to within one unit of its last decimal, not anywhere in the sum's
    tolerance: that lets several values pass, and with them coincidences (a total mistyped by 0.05
    blamed a score whose swapped digits landed 0.04 from the figure needed)."""
    found = []
    for candidate in (replace(c, slack=min(c.slack, _unit(c))) for c in candidates):
        if candidate.value is not None and (kinds := slips(clues := _clues(candidate, figures, around=False))):
            found.append((candidate, any(clues.singles_out(kind) for kind in kinds)))
    return found


def _turns_negative(candidate: Candidate) -> bool:
    """Whether the value the cell needs is negative where its column, printed figure and all, has no
    negative amount: a spending or income item is not, and no accountant would propose one. Unless it
    needs its own figure with the sign turned: a refund (-10.00) printed without its minus is the very
    slip that leaves its column without a negative."""
    ref, value, amount = candidate.ref, candidate.value, candidate.ref.cell.amount
    if value is None or value >= 0 or not isinstance(ref, CellRef):
        return False
    if amount is not None and (amount.percent or amount.value < 0 or abs(value + amount.value) <= _unit(candidate)):
        return False
    column = ref.column.index
    return not any(cell.amount is not None and cell.amount.value < 0
                   for row in ref.table.rows if (cell := row.cells.get(column)) is not None)


def _printed_alike(candidate: Candidate, disclosures: Disclosures, doubtful: set[int]) -> bool:
    """Whether another table shows the same item with the cell's printed figure."""
    return any(cell.text == candidate.ref.cell.text
               for _, cell in printed_elsewhere(candidate.ref, disclosures, doubtful))


def _confirmed_elsewhere(candidate: Candidate, disclosures: Disclosures, doubtful: set[int]) -> tuple[str, Cell] | None:
    """The place and figure of the same item in another table that reads the value the cell needs (to
    within one unit of its last decimal, every relation of the cell holding with it); not a zero,
    which says only that the item is not used there."""
    if candidate.value is None or candidate.solved is None:
        return None
    printed = candidate.ref.cell.amount
    for place, cell in printed_elsewhere(candidate.ref, disclosures, doubtful):
        value = cell.amount.value if cell.amount is not None else 0
        if value and (printed is None or value != printed.value) and abs(value - candidate.solved) <= _unit(candidate) \
                and candidate.agrees(value):
            return place, cell
    return None


def _unit(candidate: Candidate) -> Decimal:
    """One unit of the candidate cell's last decimal."""
    amount = candidate.ref.cell.amount
    return Decimal(1).scaleb(-(amount.decimals if amount is not None else candidate.ref.cell.precision))


def _explained(candidate: Candidate, why: str, cluster: Cluster, members: list[Finding], figures: Figures) -> Finding:
    culprit = _culprit(candidate, cluster, figures)
    place = culprit.location
    others = [loc for m in members for loc in m.locations if loc != place]
    count = f"以上 {len(cluster.relations)} 项关系均" if len(cluster.relations) > 1 else "该关系即"
    if culprit.proposed is None:
        verdict = f"可能是“{place.row}”一行重复列出：删去后{count}成立"
    else:
        verdict = f"可能是{place.describe()}有误：所列 {place.value}，改为 {culprit.proposed} 则{count}成立"
    if why:
        verdict += f"（{len(cluster.candidates)} 格均可单独使之成立，{why}）"
    message = "；".join(m.message for m in members) + f"。{verdict}；{culprit.cause_text()}"
    worst = max((m.severity for m in members), key=lambda s: SEVERITY_ORDER[s])  # type: ignore[index]
    culprit = replace(culprit, rules=tuple(dict.fromkeys(m.rule for m in members)))
    return replace(members[0], severity=worst, message=message, judged=1, culprit=culprit,
                   locations=(place, *dict.fromkeys(others)))


def _culprit(candidate: Candidate, cluster: Cluster, figures: Figures) -> Culprit:
    location = location_of(candidate.ref)
    if candidate.value is None:  # a row listed twice
        return Culprit(location, None, "同一项重复列出", _twice_arithmetic(candidate, cluster))
    clues = _clues(candidate, figures)
    fit = likely_cause(clues)
    # the figure the cause says was meant: within the relations' tolerance of the value solved for
    proposed = clues.text(fit.meant if fit else clues.proposed)
    if "," not in candidate.ref.cell.text:
        proposed = proposed.replace(",", "")
    amount = candidate.ref.cell.amount
    return Culprit(location, proposed + ("%" if amount is not None and amount.percent else ""),
                   fit.cause.name if fit else None, fit.arithmetic if fit else None)


def _clues(candidate: Candidate, figures: Figures, around: bool = True) -> Clues:
    """What the causes are tested on, for a cell and the value it needs; without the figures `around`
    it (its column, its neighbours), which only causes that are no slip look at."""
    assert candidate.value is not None
    amount = candidate.ref.cell.amount
    printed = amount.value if amount is not None else Decimal(0)
    decimals = amount.decimals if amount is not None else candidate.ref.cell.precision
    ref = candidate.ref
    rate = amount is not None and amount.percent or isinstance(ref, CellRef) and any(
        mark in ref.column.name for mark in ("%", "率"))
    return Clues(printed, decimals, candidate.value, candidate.solved or candidate.value,
                 **_surroundings(ref, figures, around, rate), slack=candidate.slack, agrees=candidate.agrees, rate=rate)


def _twice_arithmetic(candidate: Candidate, cluster: Cluster) -> str:
    ref = candidate.ref
    assert isinstance(ref, CellRef) and candidate.twin is not None
    counted = {id(cell.cell): cell for r in cluster.relations for cell in r.cells
               if isinstance(cell, CellRef) and cell.row is ref.row}
    figures = "、".join(f"{c.column.name} {c.cell.text}" for c in counted.values())
    where = candidate.twin.source.describe()
    return f"与“{candidate.twin.label}”一行{f'（{where}）' if where else ''}相同，其{figures} 多计了一次"


def _figures(cluster: Cluster) -> dict[int, tuple[str, Decimal]]:
    """The figures of the cluster's relations by cell, each with its place."""
    return {id(r.cell): (_short(r), r.cell.amount.value) for rel in cluster.relations for r in rel.cells
            if r.cell.amount is not None}


def _surroundings(ref: Ref, figures: Figures, around: bool, rate: bool) -> dict[str, tuple[tuple[str, Decimal], ...]]:
    """The figures that the causes look at, each with its place (Clues' fields): when `around` or for a
    `rate`, the other figures of its relations and of its row; when `around`, of its column and the
    figures above and below too. A slip in writing a figure that is no rate looks at none of them."""
    if not (around or rate):
        return {}
    items = {key: figure for key, figure in figures().items() if key != id(ref.cell)}
    operands = tuple(items.values())
    if not isinstance(ref, CellRef):
        return {"items": operands, "operands": operands}
    column, rows = ref.column.index, ref.table.rows
    same_row = [(c, (_short(CellRef(ref.table, ref.row, c, cell)), cell.amount.value)) for c in ref.table.columns
                if c.index != column and (cell := ref.row.cells.get(c.index)) is not None and cell.amount is not None]
    found = {"operands": operands, "row": tuple(figure for _, figure in same_row)}
    if not around:
        return found
    column_cells = [(row, row.cells.get(column)) for row in rows]
    for row, cell in column_cells:
        if cell is not None and cell is not ref.cell and cell.amount is not None:
            items.setdefault(id(cell), (_short(CellRef(ref.table, row, ref.column, cell)), cell.amount.value))
    at = next(i for i, row in enumerate(rows) if row is ref.row)
    neighbours = tuple((_short(CellRef(ref.table, row, ref.column, cell)), cell.amount.value)
                       for row, cell in column_cells[max(0, at - 1):at] + column_cells[at + 1:at + 2]
                       if cell is not None and cell.amount is not None)
    return found | {"items": tuple(items.values()), "neighbours": neighbours,
                    "previous_year": tuple(figure for c, figure in same_row if "上年" in c.name)}


def _short(ref: Ref) -> str:
    """行政运行“基本支出”: the row and column a clerk looks under."""
    location = location_of(ref)
    return f"{location.row or location.code or ''}“{location.column or ''}”" if location.column else location.describe()
