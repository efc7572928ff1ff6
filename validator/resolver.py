"""Finds the tables, rows and cells of a disclosure that compiled rule expressions name.

Standard tables are grouped into disclosures (a file may hold several); within one, a row is
found by 行次, 科目编码 or label (with the catalogue's aliases), a column by 栏次 or the end of its
header path. Whatever is not there raises Absent, so the check is skipped, never run on a zero.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .catalogue import Catalogue
from .claim_kinds import CLAIM_ROLES
from .claims.vocabulary import vocabulary
from .expression import Absent, Resolver, ScannedRowAbsent, TableAbsent
from .interval import ZERO, CellRef, FigureRef, NotComputable, Quantity
from .labels import normalise, normalise_code, split_ordinal
from .model import Cell, Column, Document, Row, Table
from .numbers import Amount
from .targets import Measure, measure

if TYPE_CHECKING:
    from .claims import Claim, Figure

# Exact constants of attainment and deviation, made once rather than for every indicator
_ONE, _HUNDRED = Quantity.exact(1), Quantity.exact(100)


@dataclass(slots=True)  # treated as immutable; not frozen, which takes several times as long to build
class RowBinding:
    """The loop variable of `for_each`: a row of a table."""

    table: Table
    row: Row


def disclosure_groups(document: Document) -> list[dict[str, Table]]:
    """Standard tables grouped into disclosures: a kind seen again starts the next one."""
    groups: list[dict[str, Table]] = [{}]
    for table in document.tables:
        if table.kind is None:
            continue
        if table.kind in groups[-1]:
            groups.append({})
        groups[-1][table.kind] = table
    return [g for g in groups if g] or [{}]


class _TableIndex:
    def __init__(self, table: Table) -> None:
        self.by_key: dict[str, list[Row]] = defaultdict(list)
        self.by_code: dict[str, list[Row]] = defaultdict(list)
        self.by_row_no: dict[int, list[Row]] = defaultdict(list)
        for row in table.rows:
            if row.key:
                self.by_key[row.key].append(row)
            if row.code:
                self.by_code[row.code].append(row)
            if row.row_no is not None:
                self.by_row_no[row.row_no].append(row)
        self.by_attribute: dict[str, dict[object, list[Row]]] = {}  # filled per attribute a `where:` names
        self.column_paths = [tuple(normalise(h) for h in c.header) for c in table.columns]
        self.table = table
        self._scanned: bool | None = None
        self.columns_by_selector: dict[object, list[Column]] = {}
        # the cells each sum reads, and why it would be short (TableResolver._summed)
        self.sums: dict[tuple[object, ...], tuple[list[CellRef], str | None]] = {}
        # (row selector, column selector) and (id of a row, column selector) -> the cell, or the Absent
        # saying there is none
        self.cells: dict[tuple[object, object], CellRef | Absent] = {}
        self.row_cells: dict[tuple[object, object], CellRef | Absent] = {}
        # code -> the coded rows below it (every longer code it prefixes), for roll-ups
        self.descendants: dict[str, list[Row]] = defaultdict(list)
        for row in table.rows:
            if row.code:
                for length in range(3, len(row.code), 2):
                    self.descendants[row.code[:length]].append(row)

    @property
    def scanned(self) -> bool:
        """Read by OCR: a row not found may have been misread. Asked only when a row is not found."""
        if self._scanned is None:
            self._scanned = bool(self.table.ocr_confidences())
        return self._scanned


class TableResolver(Resolver):
    """Finds tables, rows and cells of one disclosure for compiled expressions."""

    def __init__(self, tables: dict[str, Table], catalogue: Catalogue,
                 self_evaluations: tuple[Table, ...] = ()) -> None:
        self.tables = tables
        self.catalogue = catalogue
        self.self_evaluations = self_evaluations  # every 自评表 of the file, for claims naming a project
        self._indexes: dict[int, _TableIndex] = {}
        units = Counter(t.meta.get("金额单位") for t in tables.values()
                        if t.meta.get("金额单位") in vocabulary().money_factors)
        # Tables printed in another unit than most (a 三公 table in 万元 beside tables in 元) are compared in it
        self.money_unit = units.most_common(1)[0][0] if units else None

    def index(self, table: Table) -> _TableIndex:
        found = self._indexes.get(id(table))
        if found is None:
            found = self._indexes[id(table)] = _TableIndex(table)
        return found

    def rows_having(self, table: Table, required: tuple[tuple[str, object], ...]) -> list[Row]:
        """The rows, in table order, whose first required attribute has its value (all rows when none is
        required); the other requirements are left to the condition's own test."""
        if not required:
            return table.rows
        attribute, value = required[0]
        index = self.index(table).by_attribute
        by_value = index.get(attribute)
        if by_value is None:
            by_value = index[attribute] = defaultdict(list)
            for row in table.rows:
                by_value[getattr(row, attribute)].append(row)
        return by_value.get(value, [])

    def table(self, name: str) -> Table:
        table = self.tables.get(name)
        if table is None:
            kind = self.catalogue.kinds.get(name)
            raise TableAbsent(f"文件中没有{kind.name if kind else name}")
        return table

    def rows(self, table: Table, selector: object) -> list[Row]:
        if selector is None:
            raise Absent("该行没有科目编码")
        alternatives = selector.split("|") if isinstance(selector, str) else [selector]
        for alternative in alternatives:
            rows = self._rows_one(table, alternative)
            if rows:
                return rows
        if self.index(table).scanned:
            raise ScannedRowAbsent(f"扫描件{table.name}中没有识别出“{selector}”行")
        raise Absent(f"{table.name}中没有“{selector}”行")

    def _rows_one(self, table: Table, selector: object) -> list[Row]:
        index = self.index(table)
        if isinstance(selector, int):
            return index.by_row_no.get(selector, [])
        text = str(selector)
        code = normalise_code(text)
        if code:
            return index.by_code.get(code, [])
        if ">" in text:
            parent_sel, child_sel = text.split(">", 1)
            found = []
            for parent in self._labelled(table, parent_sel):
                after = [r for r in self._labelled(table, child_sel)
                         if r.segment == parent.segment and r.position > parent.position]
                found.extend(after[:1])
            return found
        return _first_per_segment(self._labelled(table, text))

    def _labelled(self, table: Table, selector: str) -> list[Row]:
        ordinal, key = split_ordinal(selector)
        index = self.index(table)
        for alias in self.catalogue.aliases(table.kind, key):
            rows = [r for r in index.by_key.get(alias, []) if ordinal is None or r.ordinal == ordinal]
            if rows:
                return _topmost(rows)
        return []

    def columns(self, table: Table, selector: object) -> list[Column]:
        index = self._indexes.get(id(table)) or self.index(table)
        found = index.columns_by_selector.get(selector)
        if found is None:
            found = index.columns_by_selector[selector] = self._columns(table, selector)
        if not found:
            raise Absent(f"{table.name}中没有“{selector}”栏")
        return found

    def _columns(self, table: Table, selector: object) -> list[Column]:
        alternatives = selector.split("|") if isinstance(selector, str) else [selector]
        paths = self.index(table).column_paths
        for alternative in alternatives:
            if isinstance(alternative, int):
                found = [c for c in table.columns if c.number == alternative]
            else:
                # The header path ends with the wanted parts, in either nesting order: 决算数 above
                # 因公出国（境）费 in one template, below it in another.
                wanted = sorted(normalise(p) for p in str(alternative).split("/"))
                found = [c for c, path in zip(table.columns, paths, strict=True)
                         if c.role == "amount" and sorted(path[-len(wanted):]) == wanted]
            if found:
                return found
        return []

    def cell(self, table: Table, row_selector: object, column_selector: object) -> CellRef:
        found = self.index(table).cells
        cell = found.get((row_selector, column_selector))
        if cell is not None and not isinstance(cell, Absent):  # most reads: a cell found before
            return cell
        return _found_once(found, (row_selector, column_selector), self._cell, table, row_selector, column_selector)

    def _cell(self, table: Table, row_selector: object, column_selector: object) -> CellRef:
        rows = self.rows(table, row_selector)
        columns = self.columns(table, column_selector)
        pairs = [(r, c) for r in rows for c in columns if c.index in r.cells]
        if not pairs:
            raise Absent(f"{table.name}中“{row_selector}”行没有“{column_selector}”栏")
        if len(pairs) > 1:
            raise Absent(f"{table.name}中“{row_selector}”行“{column_selector}”栏不唯一（{len(pairs)}处）")
        row, column = pairs[0]
        return CellRef(table, row, column, row.cells[column.index])

    def row_cell(self, binding: RowBinding, column_selector: object) -> CellRef:
        table = binding.table
        index = self._indexes.get(id(table)) or self.index(table)
        key = (id(binding.row), column_selector)
        cell = index.row_cells.get(key)
        if cell is not None and not isinstance(cell, Absent):  # most reads: a cell found before
            return cell
        return _found_once(index.row_cells, key, self._row_cell, binding, column_selector)

    def _row_cell(self, binding: RowBinding, column_selector: object) -> CellRef:
        table, row = binding.table, binding.row
        columns = self.columns(table, column_selector)
        if len(columns) == 1:  # most selectors name one column: no list of those in the row
            column = columns[0]
            cell = row.cells.get(column.index)
            if cell is None:
                raise Absent(f"该行没有唯一的“{column_selector}”栏")
            return CellRef(table, row, column, cell)
        present = [c for c in columns if c.index in row.cells]
        if len(present) != 1:
            raise Absent(f"该行没有唯一的“{column_selector}”栏")
        return CellRef(table, row, present[0], row.cells[present[0].index])

    def single_row_cell(self, table: Table, column_selector: object) -> CellRef:
        if len(table.rows) != 1:
            raise Absent(f"{table.name}有{len(table.rows)}个数据行，需写明行")
        return self.row_cell(RowBinding(table, table.rows[0]), column_selector)

    def sum_above(self, ref: CellRef) -> Quantity:
        def cells() -> tuple[list[CellRef], None]:
            return [CellRef(ref.table, row, ref.column, row.cells[ref.column.index]) for row in ref.table.rows
                    if row.segment == ref.row.segment and row.position < ref.row.position
                    and ref.column.index in row.cells], None

        return self._summed(ref.table, ("above", ref.row.position, ref.column.index), cells)

    def sum_below(self, ref: CellRef) -> Quantity:
        """The rows right under ref's row in its group (年度资金总额's sources), same column."""
        def cells() -> tuple[list[CellRef], None]:
            found = []
            for row in ref.table.rows[ref.row.position + 1:]:  # position is the row's index
                if row.group != ref.row.group:
                    break
                if ref.column.index in row.cells:
                    found.append(CellRef(ref.table, row, ref.column, row.cells[ref.column.index]))
            return found, None

        return self._summed(ref.table, ("below", ref.row.position, ref.column.index), cells)

    def sum_group(self, table: Table, column_selector: object, groups: str) -> Quantity:
        columns = {c.index: c for c in self.columns(table, column_selector)}

        def cells() -> tuple[list[CellRef], str | None]:
            wanted = set(groups.split("|"))
            found: list[CellRef] = []
            for row in table.rows:
                if row.group in wanted:
                    present = row.cells.keys() & columns.keys()
                    if not present:  # a row the reader could not lay out: the sum would be short
                        return found, f"{row.label}行无法确定各栏"
                    found.extend(CellRef(table, row, columns[index], row.cells[index]) for index in present)
            return found, None

        return self._summed(table, ("group", column_selector, groups), cells)

    def attainment(self, target: CellRef, result: CellRef) -> Quantity:
        goal, achieved = _measures(target, result)
        wanted, got = _measured(target, goal), _measured(result, achieved)
        if goal.direction == "<=":
            share = wanted / got if achieved.amount.value else _ONE
        else:
            share = got / wanted
        return share.at_most(_ONE)

    def deviation(self, target: CellRef, result: CellRef) -> Quantity:
        goal, achieved = _measures(target, result)
        wanted = _measured(target, goal)
        computed = (_measured(result, achieved) - wanted) / wanted * _HUNDRED
        met = {">=": achieved.amount.value >= goal.amount.value,
               "<=": achieved.amount.value <= goal.amount.value}.get(goal.direction, False)
        if not met:
            return computed
        # A met "≥/≤" target is printed as 0 by some units and as the excess by others: both hold.
        return Quantity(computed.shown, min(computed.lo, ZERO), max(computed.hi, ZERO), computed.cells,
                        computed.decimals, None)

    def figure(self, bindings: dict[str, object], role: str) -> Quantity:
        claim: Any = bindings["claim"]
        found = claim.figures.get(role)
        if found is None or isinstance(found, tuple):
            raise Absent(f"句中没有{CLAIM_ROLES.get(role, role)}")
        return _figure_quantity(claim, role, found)

    def figures(self, bindings: dict[str, object], role: str) -> list[Quantity]:
        claim: Any = bindings["claim"]
        found = claim.figures.get(role)
        if not isinstance(found, tuple):
            raise Absent(f"句中没有{CLAIM_ROLES.get(role, role)}")
        return [_figure_quantity(claim, role, f) for f in found]

    def evaluation_total(self, bindings: dict[str, object]) -> Quantity:
        """The 总分 得分 of the 自评表 whose 项目名称 the claim names."""
        claim: Any = bindings["claim"]
        subject = normalise(claim.subject)
        named = [t for t in self.self_evaluations if normalise(t.meta.get("项目名称", "")) == subject]
        if not named:  # "…工作经费（劳务费）" in the text, "…工作经费" on the sheet, or the other way round
            named = [t for t in self.self_evaluations if subject and t.meta.get("项目名称")
                     and (subject in normalise(t.meta["项目名称"]) or normalise(t.meta["项目名称"]) in subject)]
        if len(named) != 1:
            raise Absent(f"没有项目名称为“{claim.subject}”的自评表" if not named
                         else f"项目名称“{claim.subject}”对应{len(named)}张自评表")
        return Quantity.of_cell(self.cell(named[0], "总分", "得分"))

    def subject_row(self, bindings: dict[str, object], table: Table, column_selector: object) -> CellRef:
        """The cell, in the given column, of the row a sentence is about: "一般公共服务（类）支出" is
        the 类 一般公共服务支出; "A（类）B（款）C（项）" is the 项 C under the 款 B under the 类 A."""
        claim: Any = bindings["claim"]
        names = _subject_names(claim.subject)
        rows = self._labelled(table, names[-1])
        for depth, ancestor in enumerate(reversed(names[:-1]), start=1):
            if len(rows) > 1:  # the same 项 name under several 款: the named ancestors decide
                rows = [r for r in rows if r.code and any(
                    a.code == r.code[:len(r.code) - 2 * depth] for a in self._labelled(table, ancestor))]
        if len(rows) != 1:
            raise Absent(f"{table.name}中没有唯一的“{claim.subject}”行")
        return self.row_cell(RowBinding(table, rows[0]), column_selector)

    def cell_quantity(self, ref: CellRef, bindings: dict[str, object] | None = None) -> Quantity:
        """A table cell as a number in the unit it is compared in: a sentence's money unit when a claim
        is checked, else the unit most tables of the disclosure are printed in (金额单位 lines)."""
        quantity = Quantity.of_cell(ref)
        claim: Any = bindings.get("claim") if bindings else None
        if claim is None and self.money_unit is None:  # nothing to convert to (most tables, every 自评表)
            return quantity
        compared_in = (_money_unit(claim) if claim is not None else None) or self.money_unit
        factor = self._conversion(ref.table.meta.get("金额单位"), compared_in)
        return quantity if factor is None else quantity.scaled(factor)

    def subject(self, bindings: dict[str, object]) -> str:
        """What a sentence is about, as a header or label: "因公出国（境）费支出决算" → 因公出国（境）费."""
        claim: Any = bindings["claim"]
        return re.sub(r"(?:支出)?(?:决算|预算)数?$", "", claim.subject.strip())

    def total(self, table: Table, column_selector: object, level: int) -> Quantity:
        columns = {c.index: c for c in self.columns(table, column_selector)}

        def cells() -> tuple[list[CellRef], None]:
            return [CellRef(table, row, columns[index], row.cells[index]) for row in table.rows
                    if row.level == level for index in row.cells.keys() & columns.keys()], None

        return self._summed(table, ("total", column_selector, level), cells)

    def _summed(self, table: Table, key: tuple[object, ...],
                cells: Callable[[], tuple[list[CellRef], str | None]]) -> Quantity:
        """The sum of the cells `cells()` lists, then NotComputable if it gives a reason the sum would be
        short. The cells are found once per table and key, their values read anew on every call: the
        culprit search sums them again with one value changed."""
        found = self.index(table).sums.get(key)
        if found is None:
            found = self.index(table).sums[key] = cells()
        refs, problem = found
        factor = self._conversion(table.meta.get("金额单位"), self.money_unit)
        if factor is None:
            total = Quantity.sum_of_cells(refs)
        else:
            total = Quantity.exact(0)
            for ref in refs:
                total = total + Quantity.of_cell(ref).scaled(factor)
        if problem is not None:
            raise NotComputable(problem)
        return total

    @staticmethod
    def _conversion(table_unit: str | None, compared_in: str | None) -> Decimal | None:
        """The factor from a table's money unit to the unit it is compared in; None when they are one."""
        factors = vocabulary().money_factors
        if table_unit in factors and compared_in in factors and table_unit != compared_in:
            return factors[table_unit] / factors[compared_in]
        return None


def _found_once(found: dict[tuple[object, object], CellRef | Absent], key: tuple[object, object],
                find: Callable[..., CellRef], *selectors: object) -> CellRef:
    """`find(*selectors)`, worked out once per key: the rules read the same cells of every row, and the
    culprit search reads them again for every value it tries. An Absent it raised is raised anew each time."""
    cell = found.get(key)
    if cell is None:
        try:
            cell = found[key] = find(*selectors)
        except Absent as absent:
            cell = found[key] = absent
    if isinstance(cell, Absent):
        raise type(cell)(*cell.args)
    return cell


def _topmost(rows: list[Row]) -> list[Row]:
    """Rows sharing a label down one code line (229 / 22999 / 2299999 其他支出): the label names the 类."""
    coded = [r for r in rows if r.code]
    if len(rows) > 1 and len(coded) == len(rows):
        top = min(coded, key=lambda r: len(r.code or ""))
        if all((r.code or "").startswith(top.code or "") for r in rows):
            return [top]
    return rows


def _first_per_segment(rows: list[Row]) -> list[Row]:
    """An uncoded label printed twice in one column block names its first line; the later one is a
    sub-line reached as "parent>label" (04表 without 行次: 一、一般公共预算财政拨款 as income and again
    under 年初财政拨款结转和结余)."""
    if len(rows) < 2 or any(r.code for r in rows):
        return rows
    first: dict[int, Row] = {}
    for row in rows:
        first.setdefault(row.segment, row)
    return list(first.values())


def _measures(target: CellRef, result: CellRef) -> tuple[Measure, Measure]:
    """An indicator's target and result as numbers in one unit, or the row is skipped."""
    goal, achieved = _measure(target.cell.text), _measure(result.cell.text)
    if goal is None or achieved is None:
        raise NotComputable("指标值不是数值")
    if goal.unit != achieved.unit or goal.amount.value == 0:
        raise NotComputable("目标与实际的单位不同，或目标为零")
    return goal, achieved


# SE-10 and SE-11 read the same targets and results; their texts repeat from project to project.
_measure = lru_cache(maxsize=4096)(measure)


def _subject_names(subject: str) -> list[str]:
    """"A（类）B（款）C（项）" → [A, B, C]; "一般公共服务（类）支出" → [一般公共服务支出]."""
    pieces = re.split(r"[（(](?:类|款|项)[)）]", subject)
    if len(pieces) == 2 and pieces[1].strip():  # one marker inside the name
        return ["".join(pieces).strip()]
    return [p.strip() for p in pieces if p.strip()]


def _measured(ref: CellRef, found: Measure) -> Quantity:
    """A target or result cell ("≥90%", "3人") as the number it states, still located at its cell."""
    cell = Cell(ref.cell.text, found.amount, ref.cell.source, found.amount.decimals)
    return Quantity.of_cell(CellRef(ref.table, ref.row, ref.column, cell))


def _figure_quantity(claim: Claim, role: str, figure: Figure) -> Quantity:
    parsed = figure.parsed
    if not isinstance(parsed, Amount):
        raise NotComputable(f"“{figure.text}”不是可用的数字")
    ref = FigureRef(Cell(figure.text, parsed, figure.source, parsed.decimals), role, claim)
    words = vocabulary()
    if figure.unit in words.exact_counts:  # 51 个 is exactly 51: a head count is not a rounded figure
        return Quantity(parsed.value, parsed.value, parsed.value, (ref,), 0, ZERO)
    quantity = Quantity.of_cell(ref)
    base = _money_unit(claim)
    # Prose figures in 元 and 万元 are compared in one unit, so a claim may mix them.
    if figure.unit in words.money_factors and base is not None and figure.unit != base:
        quantity = quantity.scaled(words.money_factors[figure.unit] / words.money_factors[base])
    return quantity


def _money_unit(claim: Claim) -> str | None:
    """The claim's first money unit: its other money figures are converted to it."""
    for value in claim.figures.values():
        for figure in value if isinstance(value, tuple) else (value,):
            if figure.unit in vocabulary().money_factors:
                return figure.unit
    return None
