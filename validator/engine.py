"""The engine walks the document; rules only declare what must hold.

Iteration (per table instance, per row), cell lookup, interval arithmetic and location bookkeeping
happen here once, for all rules. A rule whose table or row is absent is skipped (and the skip is
reported), never evaluated against a fabricated zero.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from .catalogue import Catalogue
from .expression import Absent, Resolver, ScannedRowAbsent, TableAbsent
from .findings import Finding, Location, Skip
from .grouping import merged
from .interval import (
    ZERO,
    CellRef,
    Comparison,
    FigureRef,
    NotComputable,
    Quantity,
    Ref,
    compare,
)
from .labels import normalise, normalise_code, split_ordinal
from .model import LOW_CONFIDENCE, Cell, Column, Document, Row, Source, Table
from .numbers import NO_CACHE, Amount, Garbled
from .ruleset import (
    CLAIM_KINDS,
    CLAIM_ROLES,
    AssertCheck,
    ClaimCheck,
    EmptyTableNoteCheck,
    GarbledCheck,
    GradeCheck,
    ReaderProblemsCheck,
    RollupCheck,
    Rule,
    TablesPresentCheck,
    TextPatternCheck,
    UncachedFormulasCheck,
)
from .targets import Measure, measure

if TYPE_CHECKING:
    from .claims import Claim, Figure

# Money units of prose figures, in 万元 (the tables' unit), so a claim may mix 元 and 万元.
MONEY_UNITS = {"元": Decimal("0.0001"), "万元": Decimal(1), "亿元": Decimal(10000)}
COUNT_UNITS = frozenset("人 人次 名 个 项 次 家 户 所 辆 台 套 件 份 场 批 组 间 处 座 条 篇 期 宗 起 团组".split())


@dataclass(frozen=True, slots=True)
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
        self.column_paths = [tuple(normalise(h) for h in c.header) for c in table.columns]
        self.columns_by_selector: dict[object, list[Column]] = {}
        # code -> the coded rows below it (every longer code it prefixes), for roll-ups
        self.descendants: dict[str, list[Row]] = defaultdict(list)
        for row in table.rows:
            if row.code:
                for length in range(3, len(row.code), 2):
                    self.descendants[row.code[:length]].append(row)


class TableResolver(Resolver):
    """Finds tables, rows and cells of one disclosure for compiled expressions."""

    def __init__(self, tables: dict[str, Table], catalogue: Catalogue,
                 self_evaluations: tuple[Table, ...] = ()) -> None:
        self.tables = tables
        self.catalogue = catalogue
        self.self_evaluations = self_evaluations  # every 自评表 of the file, for claims naming a project
        self._indexes: dict[int, _TableIndex] = {}

    def index(self, table: Table) -> _TableIndex:
        found = self._indexes.get(id(table))
        if found is None:
            found = self._indexes[id(table)] = _TableIndex(table)
        return found

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
        if table.ocr_confidences():
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
        index = self.index(table)
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
        columns = [c for c in self.columns(binding.table, column_selector) if c.index in binding.row.cells]
        if len(columns) != 1:
            raise Absent(f"该行没有唯一的“{column_selector}”栏")
        return CellRef(binding.table, binding.row, columns[0], binding.row.cells[columns[0].index])

    def single_row_cell(self, table: Table, column_selector: object) -> CellRef:
        if len(table.rows) != 1:
            raise Absent(f"{table.name}有{len(table.rows)}个数据行，需写明行")
        return self.row_cell(RowBinding(table, table.rows[0]), column_selector)

    def sum_above(self, ref: CellRef) -> Quantity:
        total = Quantity.exact(0)
        for row in ref.table.rows:
            if row.segment == ref.row.segment and row.position < ref.row.position and ref.column.index in row.cells:
                total = total + Quantity.of_cell(CellRef(ref.table, row, ref.column, row.cells[ref.column.index]))
        return total

    def sum_below(self, ref: CellRef) -> Quantity:
        """The rows right under ref's row in its group (年度资金总额's sources), same column."""
        total = Quantity.exact(0)
        for row in ref.table.rows[ref.row.position + 1:]:  # position is the row's index
            if row.group != ref.row.group:
                break
            if ref.column.index in row.cells:
                total = total + Quantity.of_cell(CellRef(ref.table, row, ref.column, row.cells[ref.column.index]))
        return total

    def sum_group(self, table: Table, column_selector: object, groups: str) -> Quantity:
        wanted = set(groups.split("|"))
        columns = {c.index: c for c in self.columns(table, column_selector)}
        total = Quantity.exact(0)
        for row in table.rows:
            if row.group in wanted:
                present = row.cells.keys() & columns.keys()
                if not present:  # a row the reader could not lay out: the sum would be short
                    raise NotComputable(f"{row.label}行无法确定各栏")
                for index in present:
                    total = total + Quantity.of_cell(CellRef(table, row, columns[index], row.cells[index]))
        return total

    def attainment(self, target: CellRef, result: CellRef) -> Quantity:
        goal, achieved = _measures(target, result)
        wanted, got = _measured(target, goal), _measured(result, achieved)
        if goal.direction == "<=":
            share = wanted / got if achieved.amount.value else Quantity.exact(1)
        else:
            share = got / wanted
        return share.at_most(Quantity.exact(1))

    def deviation(self, target: CellRef, result: CellRef) -> Quantity:
        goal, achieved = _measures(target, result)
        wanted = _measured(target, goal)
        computed = (_measured(result, achieved) - wanted) / wanted * Quantity.exact(100)
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

    def subject(self, bindings: dict[str, object]) -> str:
        """What a sentence is about, as a header or label: "因公出国（境）费支出决算" → 因公出国（境）费."""
        claim: Any = bindings["claim"]
        return re.sub(r"(?:支出)?(?:决算|预算)数?$", "", claim.subject.strip())

    def total(self, table: Table, column_selector: object, level: int) -> Quantity:
        columns = {c.index: c for c in self.columns(table, column_selector)}
        total = Quantity.exact(0)
        for row in table.rows:
            if row.level == level:
                for index in row.cells.keys() & columns.keys():
                    total = total + Quantity.of_cell(CellRef(table, row, columns[index], row.cells[index]))
        return total


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
    goal, achieved = measure(target.cell.text), measure(result.cell.text)
    if goal is None or achieved is None:
        raise NotComputable("指标值不是数值")
    if goal.unit != achieved.unit or goal.amount.value == 0:
        raise NotComputable("目标与实际的单位不同，或目标为零")
    return goal, achieved


def _doubtful_reading(finding: Finding, refs: list[Ref], difference: Decimal, tolerance: Decimal) -> Finding:
    """An error that one OCR slip would explain is a warning asking for the original to be checked;
    a larger one stays an error. The slips: one misread digit of a cell read with low confidence, or
    the decimal point of a cell shown without the decimals its column has (202.24 read as 20224)."""
    if finding.severity != "error":
        return finding
    slips = [(r.cell, slip) for r in refs if (slip := _ocr_slip(abs(difference), r.cell, tolerance))]
    if not slips:
        return finding
    notes = "；".join(f"{cell.source.describe()}“{cell.text}”{slip}" for cell, slip in slips)
    return replace(finding, severity="warning", message=f"{finding.message}（{notes}，请核对原件）")


def _ocr_slip(difference: Decimal, cell: Cell, tolerance: Decimal) -> str | None:
    """How misreading the OCR'd cell could account for the difference, or None."""
    amount, confidence = cell.amount, cell.source.confidence
    if confidence is None or amount is None:
        return None
    if confidence < LOW_CONFIDENCE:
        places = range(-amount.decimals, max(1, len(str(int(abs(amount.value))))) + 1)
        if any(abs(difference - digit * Decimal(10) ** place) <= tolerance
               for place in places for digit in range(1, 10)):
            return "，可能是识别错误"
    lost = cell.precision - amount.decimals
    if amount.value and lost > 0 and \
            abs(difference - abs(amount.value - amount.value.scaleb(-lost))) <= tolerance:
        return f"，本栏金额为 {cell.precision} 位小数，疑为漏识小数点"
    return None


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
    if figure.unit in COUNT_UNITS:  # 51 个 is exactly 51: a head count is not a rounded figure
        return Quantity(parsed.value, parsed.value, parsed.value, (ref,), 0, ZERO)
    quantity = Quantity.of_cell(ref)
    base = _money_unit(claim)
    if figure.unit in MONEY_UNITS and base is not None and figure.unit != base:
        quantity = quantity.scaled(MONEY_UNITS[figure.unit] / MONEY_UNITS[base])
    return quantity


def _money_unit(claim: Claim) -> str | None:
    """The claim's first money unit: its other money figures are converted to it."""
    for value in claim.figures.values():
        for figure in value if isinstance(value, tuple) else (value,):
            if figure.unit in MONEY_UNITS:
                return figure.unit
    return None


def table_title(table: Table) -> str:
    """A table's title; a 自评表 (one per project, all titled alike) with its 项目名称."""
    project = table.meta.get("项目名称")
    return f"{table.title}（{project}）" if project else table.title


def location_of(ref: Ref) -> Location:
    if isinstance(ref, FigureRef):
        return Location(value=ref.cell.text, source=ref.cell.source)
    table, row, column = ref.table, ref.row, ref.column
    return Location(table=table.label or table.kind, table_title=table_title(table), row=row.label or None,
                    row_no=row.row_no, code=row.code, column=column.name or None, column_no=column.number,
                    value=ref.cell.text, source=ref.cell.source)


def _format(value: Decimal, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _plain(value: Decimal, decimals: int) -> str:
    """A tolerance shown to two more places than the figures."""
    places = Decimal(1).scaleb(-(decimals + 2))
    return f"{value.quantize(places, rounding=ROUND_HALF_UP).normalize():f}"


class _Outcome:
    """Counts evaluated and skipped instances of one rule on one file."""

    def __init__(self) -> None:
        self.evaluated = 0
        self.skipped = 0
        self.reason: str | None = None

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reason = self.reason or reason


class Engine:
    def __init__(self, rules: list[Rule], catalogue: Catalogue, show_rounding: bool = False) -> None:
        self.rules = rules
        self.catalogue = catalogue
        self.show_rounding = show_rounding
        self.claim_counts = (0, 0)  # of the last document run: claims found, claims a rule checked
        self._checked_claims: set[int] = set()

    def run(self, document: Document) -> tuple[list[Finding], list[Skip]]:
        findings: list[Finding] = []
        skips: list[Skip] = []
        groups = disclosure_groups(document)
        self_evaluations = tuple(document.tables_of("SE"))
        resolvers = [TableResolver(g, self.catalogue, self_evaluations) for g in groups]
        claims: list[Claim] | None = None
        self._checked_claims = set()
        for rule in self.rules:
            outcome = _Outcome()
            if isinstance(rule.spec.check, ClaimCheck | GradeCheck) and claims is None:
                from .claims import extract_claims
                claims = extract_claims(document.text)
            found = list(self._apply(rule, document, resolvers, outcome, claims or []))
            findings.extend(merged(rule.spec.group, found) if rule.spec.group else found)
            if outcome.evaluated == 0 and outcome.reason:
                skips.append(Skip(rule.id, document.path, outcome.reason, outcome.skipped))
        findings.sort(key=Finding.sort_key)
        self.claim_counts = (len(claims or []), len(self._checked_claims))
        return findings, skips

    def _apply(self, rule: Rule, document: Document, resolvers: list[TableResolver],
               outcome: _Outcome, claims: list[Claim]) -> Iterator[Finding]:
        check = rule.spec.check
        if isinstance(check, AssertCheck):
            for resolver in resolvers:
                yield from self._assert(rule, document, resolver, outcome)
        elif isinstance(check, RollupCheck):
            for resolver in resolvers:
                yield from self._rollup(rule, check, document, resolver, outcome)
        elif isinstance(check, GarbledCheck):
            if check.scope == "tables":
                yield from self._cells_where(_misprinted, rule, document, outcome)
            else:
                yield from self._garbled_prose(rule, document, outcome)
        elif isinstance(check, UncachedFormulasCheck):
            yield from self._cells_where(_uncached, rule, document, outcome)
        elif isinstance(check, ReaderProblemsCheck):
            yield from self._reader_problems(rule, check, document, outcome)
        elif isinstance(check, ClaimCheck):
            yield from self._claims(rule, check, document, resolvers[0], claims, outcome)
        elif isinstance(check, GradeCheck):
            yield from self._grades(rule, check, document, claims, outcome)
        elif isinstance(check, TablesPresentCheck):
            for resolver in resolvers:
                yield from self._tables_present(rule, check, document, resolver, outcome)
        elif isinstance(check, EmptyTableNoteCheck):
            yield from self._empty_table_note(rule, check, document, outcome)
        elif isinstance(check, TextPatternCheck):
            yield from self._text_pattern(rule, check, document, outcome)

    # -- assert ---------------------------------------------------------------------------------
    def _assert(self, rule: Rule, document: Document, resolver: TableResolver,
                outcome: _Outcome) -> Iterator[Finding]:
        if rule.loop is None:
            yield from self._evaluate(rule, document, resolver, {}, outcome)
            return
        variable, kind = rule.loop
        try:
            table = resolver.table(kind)
        except Absent as absent:
            outcome.skip(str(absent))
            return
        for row in table.rows:
            bindings = {variable: RowBinding(table, row)}
            if rule.condition is not None and not rule.condition((resolver, bindings)):
                continue
            yield from self._evaluate(rule, document, resolver, bindings, outcome)

    def _evaluate(self, rule: Rule, document: Document, resolver: TableResolver, bindings: dict[str, object],
                  outcome: _Outcome, context: dict[str, str] | None = None) -> Iterator[Finding]:
        assertion = rule.assertion
        assert assertion is not None
        env = (resolver, bindings)
        try:
            left, right = assertion.left(env), assertion.right(env)
            result = compare(left, assertion.op, right, rule.spec.tolerance)
        except (Absent, NotComputable) as problem:
            outcome.skip(str(problem))
            return
        outcome.evaluated += 1
        refs = list({id(r.cell): r for r in left.cells + right.cells}.values())
        yield from self._judge(rule, document, left, right, result, refs, context or {})

    def _judge(self, rule: Rule, document: Document, left: Quantity, right: Quantity, result: Comparison,
               refs: list[Ref], context: dict[str, str] | None = None) -> Iterator[Finding]:
        """A finding when the comparison fails; with --show-rounding, an info note for a tolerated tail."""
        if result.holds and not (self.show_rounding and result.by_rounding):
            return
        decimals = max(left.decimals, right.decimals)
        figures = {"actual": _format(left.shown, decimals), "expected": _format(right.shown, decimals),
                   "difference": _format(result.difference, decimals), "tolerance": _plain(result.tolerance, decimals)}
        locations = [location_of(r) for r in refs]
        if result.holds:
            message = f"尾差 {figures['difference']}，在容许范围 {figures['tolerance']} 内，不是错误"
            yield Finding(rule.id, "info", rule.spec.title, message, document.path, tuple(locations), **figures)
        else:
            finding = self._finding(rule, document, locations, **figures, **(context or {}))
            yield _doubtful_reading(finding, refs, result.difference, result.tolerance)

    def _finding(self, rule: Rule, document: Document, locations: list[Location], **figures: str | None) -> Finding:
        judged = locations[0] if locations else Location()
        values = {"table": judged.table_name(),
                  "row": judged.row_text(), "column": judged.column or "",
                  "code": judged.code or "", "actual": "", "expected": "", "difference": "", "tolerance": "",
                  "text": judged.value or "", "reason": "", "missing": "", "subject": "", "grade": ""}
        values.update({k: v for k, v in figures.items() if v is not None})
        message = rule.spec.message.format_map(values)
        numbers = {k: figures.get(k) for k in ("expected", "actual", "difference", "tolerance")}
        return Finding(rule.id, rule.spec.severity, rule.spec.title, message, document.path, tuple(locations),
                       hint=rule.spec.hint, **numbers)

    # -- rollup ---------------------------------------------------------------------------------
    def _rollup(self, rule: Rule, check: RollupCheck, document: Document, resolver: TableResolver,
                outcome: _Outcome) -> Iterator[Finding]:
        try:
            table = resolver.table(check.table)
            if check.columns:
                wanted = {c.index for sel in check.columns for c in resolver.columns(table, sel)}
            else:
                wanted = {c.index for c in table.columns if c.role == "amount"}
        except Absent as absent:
            outcome.skip(str(absent))
            return
        coded = [r for r in table.rows if r.code]
        if not coded and not check.total:
            outcome.skip(f"{table.name}没有科目编码行")
            return
        descendants = resolver.index(table).descendants
        for parent in coded:
            longer = descendants.get(parent.code or "", [])
            if longer:
                step = min(len(r.code) for r in longer)
                children = [r for r in longer if len(r.code) == step]
                yield from self._sum_check(rule, document, table, parent, children, wanted, outcome)
        if check.total:
            try:
                total_rows = resolver.rows(table, check.total)
            except Absent as absent:
                outcome.skip(str(absent))
                return
            # With no coded rows at all the total must be zero (an empty table's 合计).
            top = min((len(r.code or "") for r in coded), default=0)
            for total_row in total_rows:
                yield from self._sum_check(rule, document, table, total_row,
                                           [r for r in coded if len(r.code) == top], wanted, outcome)

    def _sum_check(self, rule: Rule, document: Document, table: Table, parent: Row, children: list[Row],
                   wanted: set[int], outcome: _Outcome) -> Iterator[Finding]:
        by_name = {c.index: c for c in table.columns}
        for index in sorted(parent.cells.keys() & wanted):
            name = by_name[index].name
            parent_ref = CellRef(table, parent, by_name[index], parent.cells[index])
            child_refs = [CellRef(table, child, by_name[i], child.cells[i])
                          for child in children for i in child.cells if by_name[i].name == name]
            if not child_refs and children:
                continue
            try:
                left = Quantity.of_cell(parent_ref)
                right = Quantity.exact(0)
                for ref in child_refs:
                    right = right + Quantity.of_cell(ref)
            except NotComputable as problem:
                outcome.skip(str(problem))
                continue
            outcome.evaluated += 1
            result = compare(left, "==", right, rule.spec.tolerance)
            yield from self._judge(rule, document, left, right, result, [parent_ref, *child_refs])

    # -- claims in prose ------------------------------------------------------------------------
    def _claims(self, rule: Rule, check: ClaimCheck, document: Document, resolver: TableResolver,
                claims: list[Claim], outcome: _Outcome) -> Iterator[Finding]:
        for claim in claims:
            if (claim.kind != check.claim or any(claim.words.get(k) not in v for k, v in check.when.items())
                    or any(role in claim.figures for role in check.without)
                    or check.subject and not (re.search(check.subject, claim.subject)
                                              or re.search(check.subject, normalise(claim.subject)))):
                continue
            context = {"subject": claim.subject, "text": claim.text}
            evaluated = outcome.evaluated
            for finding in self._evaluate(rule, document, resolver, {"claim": claim}, outcome, context):
                yield _with_span(finding, claim)
            if outcome.evaluated > evaluated:
                self._checked_claims.add(id(claim))
        if outcome.evaluated == 0 and not outcome.reason:
            outcome.skip(f"文中没有可核对的{CLAIM_KINDS[check.claim]}表述")

    def _grades(self, rule: Rule, check: GradeCheck, document: Document, claims: list[Claim],
                outcome: _Outcome) -> Iterator[Finding]:
        names = {b.grade for b in check.bands}
        for claim in claims:
            score, stated = claim.figures.get("score"), claim.words.get("grade")
            if claim.kind != "grade" or score is None or isinstance(score, tuple) or not isinstance(score.parsed, Amount):
                continue
            grade = check.synonyms.get(stated or "", stated)
            if grade not in names:
                outcome.skip(f"等级“{stated}”不在等级表中")
                continue
            outcome.evaluated += 1
            self._checked_claims.add(id(claim))
            due = next((b.grade for b in check.bands if score.parsed.value >= b.minimum), check.bands[-1].grade)
            if due != grade:
                location = Location(value=claim.text, source=claim.source)
                finding = self._finding(rule, document, [location], actual=stated, expected=due, grade=due,
                                        subject=claim.subject, text=claim.text)
                yield _with_span(finding, claim)
        if outcome.evaluated == 0 and not outcome.reason:
            outcome.skip("文中没有得分与等级并列的表述")

    # -- document-level kinds -------------------------------------------------------------------
    def _reader_problems(self, rule: Rule, check: ReaderProblemsCheck, document: Document,
                         outcome: _Outcome) -> Iterator[Finding]:
        outcome.evaluated += 1
        if check.scope == "document":
            problems = [(p, None) for p in document.problems]
        else:
            problems = [(p, t) for t in document.tables for p in t.problems]
        for problem, table in problems:
            location = Location(source=problem.source) if table is None else Location(
                table=table.label or table.kind, table_title=table_title(table), source=problem.source)
            yield self._finding(rule, document, [location], reason=problem.text)

    def _cells_where(self, wrong: Callable[[Cell], bool], rule: Rule, document: Document,
                     outcome: _Outcome) -> Iterator[Finding]:
        for table in document.tables:
            for row in table.rows:
                for index, cell in row.cells.items():
                    outcome.evaluated += 1
                    if wrong(cell):
                        ref = CellRef(table, row, table.columns[index], cell)
                        yield self._finding(rule, document, [location_of(ref)], reason=cell.parsed.reason)  # type: ignore[union-attr]
        if outcome.evaluated == 0:
            outcome.skip("文件中没有表格")

    def _garbled_prose(self, rule: Rule, document: Document, outcome: _Outcome) -> Iterator[Finding]:
        from .claims import figures_in

        for line in document.text:
            for figure in figures_in(line):
                outcome.evaluated += 1
                if isinstance(figure.parsed, Garbled):
                    location = Location(value=figure.text, source=figure.source)
                    yield self._finding(rule, document, [location], reason=figure.parsed.reason, text=figure.text)
        if outcome.evaluated == 0:
            outcome.skip("文中没有数字")

    def _tables_present(self, rule: Rule, check: TablesPresentCheck, document: Document,
                        resolver: TableResolver, outcome: _Outcome) -> Iterator[Finding]:
        if check.when not in resolver.tables:
            outcome.skip(f"不是完整的决算公开（没有{self.catalogue.kinds[check.when].name}）")
            return
        outcome.evaluated += 1
        anchor = resolver.tables[check.when]
        for kind in check.tables:
            if kind not in resolver.tables:
                name = self.catalogue.kinds[kind].name if kind in self.catalogue.kinds else kind
                location = Location(table=kind, table_title=name, source=anchor.source)
                yield self._finding(rule, document, [location], missing=name)

    def _empty_table_note(self, rule: Rule, check: EmptyTableNoteCheck, document: Document,
                          outcome: _Outcome) -> Iterator[Finding]:
        pattern = re.compile(check.note)
        for table in document.tables:
            if table.kind in check.tables:
                outcome.evaluated += 1
                if not table.has_data() and not any(pattern.search(n.text) for n in table.notes):
                    location = Location(table=table.label or table.kind, table_title=table.title,
                                        source=table.source)
                    yield self._finding(rule, document, [location])
        if outcome.evaluated == 0:
            outcome.skip("文件中没有相关表格")

    def _text_pattern(self, rule: Rule, check: TextPatternCheck, document: Document,
                      outcome: _Outcome) -> Iterator[Finding]:
        patterns = [re.compile(p) for p in check.patterns]
        for text, source, table in _texts(document):
            outcome.evaluated += 1
            for pattern in patterns:
                match = pattern.search(text)
                if match:
                    where = Source(line=source.line, column=(source.column or 1) + match.start(), page=source.page,
                                   bbox=source.bbox, sheet=source.sheet, cell=source.cell) if source.line else source
                    location = Location(table=(table.label or table.kind) if table else None,
                                        table_title=table.title if table else None, value=match.group(0),
                                        source=where)
                    yield self._finding(rule, document, [location], text=match.group(0))
                    break


def _misprinted(cell: Cell) -> bool:
    """A malformed number ("5,00.00") or text in an amount cell; a formula without its value is not."""
    return isinstance(cell.parsed, Garbled) and cell.parsed.reason != NO_CACHE


def _uncached(cell: Cell) -> bool:
    return isinstance(cell.parsed, Garbled) and cell.parsed.reason == NO_CACHE


def _with_span(finding: Finding, claim: Claim) -> Finding:
    claim_location = Location(value=claim.text, source=claim.source, span=claim.span)
    return replace(finding, locations=(claim_location, *finding.locations))


def _texts(document: Document) -> Iterator[tuple[str, Source, Table | None]]:
    for line in document.text:
        yield line.text, line.source, None
    for table in document.tables:
        yield table.title, table.source, table
        for key, value in table.meta.items():
            yield f"{key}:{value}", table.source, table
        for note in table.notes:
            yield note.text, note.source, table
        for row in table.rows:
            if row.label:
                yield row.label, row.source, table

