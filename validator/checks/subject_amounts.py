"""`kind: subject_amounts`: a budget's 编制说明 restates each subject's appropriation
(“社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）”155.42万元, or with "-" between the
names) and it must be the amount of that 项 in the 功能分类 tables named (一般公共预算, and with 政府性基金
and 国有资本经营 the 财政拨款 total).

The 项 is found by its three names (class, 款, 项; widths, spaces, 与/和 and a trailing 支出 aside) under
the codes of each table; a name printed twice in a table, or not found, is not judged. The table's
金额单位 (元, 万元) is converted; the prose figure stands for the interval its last digit rounds.
The item's text may restate its amount ("2024年预算安排738.66万元"): each statement is judged, and one
finding names every one that differs (a heading that agrees with the table and a restatement copied
from the item above is the restatement's mistake). A figure that is the table's cut off instead of
rounded (877,080 元 printed 87.70 万元) is reported with the milder `truncated` severity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Literal

from ..claims.figures import at_column
from ..claims.paragraphs import Paragraph, joined
from ..findings import Finding, Location, Severity
from ..interval import CellRef
from ..model import Cell, Table
from ..numbers import Amount, parse_number
from ..subjects import same_name_key
from .common import CheckKind, RuleRun, Strict, location_of

_STATED = re.compile(r"[“\"](?P<chain>[^”\"]{4,90})[”\"]\s*(?:科目)?\s*(?:预算)?(?:为|安排)?\s*"
                     r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)")
_RESTATED = re.compile(r"预算安排\s*(?:为\s*)?(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)")
_SPLIT = re.compile(r"[（(][类款项][）)]|-")
_UNITS = {"元": Decimal(1), "万元": Decimal(10000)}

Key = tuple[str, str, str]


class SubjectAmountsCheck(Strict):
    kind: Literal["subject_amounts"]
    tables: list[str]  # the 功能分类 tables whose 项 the prose restates; the first alone, or all summed
    column: str = "合计"  # the end of the header of the amount compared
    truncated: Severity = "info"


def evaluate(check: SubjectAmountsCheck, run: RuleRun) -> Iterator[Finding]:
    rows = [_items(table, check.column) for kind in check.tables for table in run.document.tables
            if table.kind == kind]
    if not rows:
        run.outcome.skip("文件中没有功能分类预算表")
        return
    for paragraph in joined(run.document.text):
        stated = list(_STATED.finditer(paragraph.text))
        for index, match in enumerate(stated):
            names = [n for n in _SPLIT.split(match.group("chain")) if n.strip()]
            if len(names) != 3:
                continue
            key = tuple(same_name_key(n) for n in names)
            found = [items[key] for items in rows if key in items]
            end = stated[index + 1].start() if index + 1 < len(stated) else len(paragraph.text)
            statements = [match, *_RESTATED.finditer(paragraph.text, match.end(), end)]
            if not found or not all(isinstance(parse_number(m.group("amount")), Amount) for m in statements):
                continue
            run.outcome.evaluated += 1
            yield from _judge(check, run, paragraph, match.group("chain"), statements, found)


def _items(table: Table, column: str) -> dict[Key, tuple[Table, CellRef]]:
    """(class, 款, 项) names -> the 项's amount cell; a name printed twice is left out."""
    index = next((c.index for c in table.columns if c.role == "amount" and c.name.endswith(column)), None)
    if index is None:
        return {}
    names: dict[str, str] = {}
    items: dict[Key, tuple[Table, CellRef]] = {}
    twice: set[Key] = set()
    for row in table.rows:
        if not row.code:
            continue
        names[row.code] = row.label
        cell = row.cells.get(index)
        if len(row.code) == 7 and cell is not None and cell.amount is not None and \
                row.code[:3] in names and row.code[:5] in names:
            key = tuple(same_name_key(names[c]) for c in (row.code[:3], row.code[:5], row.code))
            twice |= {key} if key in items else set()
            items[key] = (table, CellRef(table, row, table.columns[index], cell))
    return {k: v for k, v in items.items() if k not in twice}


def _judge(check: SubjectAmountsCheck, run: RuleRun, paragraph: Paragraph, chain: str,
           statements: list[re.Match[str]], found: list[tuple[Table, CellRef]]) -> Iterator[Finding]:
    # the first table's amount alone (一般公共预算), or all of them (财政拨款)
    candidates = [found[:1], found] if len(found) > 1 else [found]
    in_yuan = [sum((_in(table, ref.cell) for table, ref in refs), Decimal(0)) for refs in candidates]
    wrong = []
    for statement in statements:
        stated, unit = parse_number(statement.group("amount")), _UNITS[statement.group("unit")]
        step = Decimal(1).scaleb(-stated.decimals)  # type: ignore[union-attr]
        if not any(abs(total / unit - stated.value) <= step / 2 for total in in_yuan):  # type: ignore[union-attr]
            wrong.append((statement, stated, in_yuan[0] / unit, step))
    if not wrong:
        return
    statement, stated, total, step = wrong[0]
    figures = [Location(value=f"{m.group('amount')}{m.group('unit')}", source=at_column(*paragraph.locate(m.start("amount"))))
               for m, *_ in wrong]
    finding = run.finding([*figures, *[location_of(ref) for _, ref in candidates[0]]], text=chain,
                          actual=f"{stated.value:,.{stated.decimals}f}",
                          expected=f"{total.quantize(step, rounding=ROUND_HALF_UP):,}")
    finding = replace(finding, judged=len(figures))
    if all(t.quantize(s, rounding=ROUND_DOWN) == a.value for _, a, t, s in wrong):
        note = f"（截尾而未四舍五入：应为 {total.quantize(step, rounding=ROUND_HALF_UP):,}）"
        finding = replace(finding, severity=check.truncated, message=finding.message + note)
    yield finding


def _in(table: Table, cell: Cell) -> Decimal:
    """The cell's amount in 元."""
    unit = _UNITS.get(table.meta.get("金额单位", "元"), Decimal(1))
    return cell.amount.value * unit  # type: ignore[union-attr]


KIND = CheckKind(SubjectAmountsCheck, evaluate)
