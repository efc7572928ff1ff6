"""项目支出绩效自评表 (kind SE): one project's score sheet, read into fixed columns.

The sheet is a form, not a grid of uniform rows: 项目名称/主管部门/实施单位, the fund block (年度资金总额 and
its sources with 年初预算数 … 得分), the 资金管理 block (分值/得分 per aspect), the 年度总体目标 text, the
indicator block (一级/二级/三级指标 with target, result, 分值, 得分, 偏差度) and 总分. Extraction from PDF
shifts cells left or right and merged cells appear once, so every row is read by what its cells
look like, in order, never by their position: a fund row is a label and six figures, an indicator
row ends in 分值, 得分, 偏差度 (and a reason in words) preceded by its target and result. A row that
does not fit its pattern without guessing keeps what can be placed and is recorded in
Table.problems with its place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat

from ..labels import normalise, split_ordinal
from ..model import Cell, Column, Note, Row, Source, Table
from ..numbers import BLANK, Amount, parse_number
from .tables import GridCell, RawTable, apply_column_precision, make_cell

COLUMNS = ("项目", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分", "年度指标值", "实际完成值", "偏差度")
LABEL, BUDGET_AT_START, BUDGET, SPENT, WEIGHT, RATE, SCORE, TARGET, RESULT, DEVIATION = range(len(COLUMNS))
FUND_SLOTS = (BUDGET_AT_START, BUDGET, SPENT, WEIGHT, RATE, SCORE)
# Targets and results are often words or bounds ("及时", "≥90%", "3人"): text, not a malformed number
WORDED = frozenset({TARGET, RESULT})

META_KEYS = ("项目名称", "主管部门", "实施单位")
FIRST_LEVEL = frozenset({"成本指标", "产出指标", "效益指标", "满意度指标"})
# The 一级指标 each 二级指标 belongs to (财预〔2020〕10号, with the 成本指标 block some provinces add)
SECOND_LEVEL = {
    "数量指标": "产出指标", "质量指标": "产出指标", "时效指标": "产出指标",
    "经济成本指标": "成本指标", "社会成本指标": "成本指标", "生态环境成本指标": "成本指标",
    "经济效益指标": "效益指标", "社会效益指标": "效益指标", "生态效益指标": "效益指标",
    "可持续影响指标": "效益指标", "服务对象满意度指标": "满意度指标",
}
SCORE_DECIMALS = 2
UNPLACEABLE = "无法确定该行各栏："
_UNIT_SUFFIX = re.compile(r"[（(]万元[)）][:：]?$|[:：]$")
MAX_MISPLACED = 2  # cells too many or too few in a fund row that placement still tries to lay out
UNCLEAR_LEVEL = "无法确定该行的二级指标："


def build_self_evaluation(raw: RawTable) -> Table:
    reader = _SheetReader()
    for grid_row in raw.grid:
        cells = [c for c in grid_row if c.text.strip()]
        if cells:
            reader.read(cells)
    reader.flush()
    rows = reader.rows
    for position, row in enumerate(rows):
        row.position = position
    apply_self_evaluation_precision(rows)
    columns = [Column(i, (name,), None, "label" if i == LABEL else "amount") for i, name in enumerate(COLUMNS)]
    return Table("SE", raw.title, raw.label, columns, rows, raw.source, raw.notes, {**raw.meta, **reader.meta},
                 reader.problems)


def apply_self_evaluation_precision(rows: list[Row]) -> None:
    """Amounts as in every table; scores are kept to hundredths, so a printed 10 is 10.00, not 10 ± 0.5."""
    apply_column_precision(rows)
    for row in rows:
        for column in (WEIGHT, SCORE):
            if column in row.cells:
                row.cells[column].precision = max(row.cells[column].precision, SCORE_DECIMALS)


def make_self_evaluation_cell(column: int, text: str, source: Source, problem: str | None = None) -> Cell:
    """A cell of an SE column: figures as in every table, targets and results as text when they are words."""
    if column in WORDED and problem is None:
        return Cell(text, parse_number(text), source)
    return make_cell(text, source, True, problem)


def _key(cell: GridCell) -> str:
    return normalise(cell.text)


def _is_figure(cell: GridCell) -> bool:
    """A number, a dash, or a formula cell standing for a number."""
    return cell.problem is not None or parse_number(cell.text) is not None


def _is_plain_number(cell: GridCell) -> bool:
    parsed = parse_number(cell.text)
    return cell.problem is not None or isinstance(parsed, Amount) and not parsed.percent


def _is_amount(cell: GridCell) -> bool:
    return cell.problem is not None or isinstance(parse_number(cell.text), Amount)


def _describe(cells: Sequence[GridCell]) -> str:
    return " ".join(c.text.strip() for c in cells)


@dataclass
class _Indicator:
    """An indicator row as printed: its level words, its other label texts, and its figures if any."""

    cells: list[GridCell]
    first: list[str]  # 一级指标 words printed on the row
    second: list[str]  # 二级指标 words printed on the row
    names: list[GridCell]  # the rest of the label: the 三级指标 (more than one is an extraction fault)
    figures: dict[int, GridCell] | None  # column -> cell; None when the row has no 分值/得分


class _SheetReader:
    def __init__(self) -> None:
        self.meta: dict[str, str] = {}
        self.rows: list[Row] = []
        self.problems: list[Note] = []
        self.section: str | None = None
        self.fund_header: list[int] = []
        self.first: str | None = None  # 一级/二级指标 carried down, as merged cells print them once
        self.second: str | None = None
        self.fragment: _Indicator | None = None  # a 三级指标 alone, perhaps the start of the next row's

    def read(self, cells: list[GridCell]) -> None:
        keys = [normalise(c.text) for c in cells]
        # every row is asked these: mapped in C rather than by a generator per row
        if any(map(META_KEYS.__contains__, keys)):
            self._read_meta(cells, keys)
        elif any(map(str.startswith, keys, repeat(("年初预算数", "全年预算数", "全年执行数")))):
            self._enter("资金")
            self.fund_header = [slot for slot, word in zip(FUND_SLOTS, COLUMNS[1:7], strict=True)
                                if any(k.startswith(word) for k in keys)]
        elif keys[0].startswith("资金管理"):
            self._enter("资金管理")
        elif keys[0].startswith("年度总体目标"):
            self._enter("目标")
        elif "三级指标" in keys or "一级指标" in keys:
            self._enter("指标")
            # a 一级指标 merged over a page break may be printed in the header row ("成本指标 一级指标 …")
            self.first = next((k for k in keys if k in FIRST_LEVEL), None)
            self.second = None
        elif keys[0] == "总分":
            self._enter("总分")
            self._read_score_pair("总分", cells)
        elif self.section == "资金":
            self._read_fund(cells)
        elif self.section == "资金管理":
            self._read_score_pair("资金管理", cells)
        elif self.section == "指标":
            self._read_indicator(cells[1:] if keys[0] == "绩效指标" else cells)

    def flush(self) -> None:
        if self.fragment is not None:
            self._add_indicator(self.fragment, None)
            self.fragment = None

    def _enter(self, section: str) -> None:
        self.flush()
        self.section = section

    def _read_meta(self, cells: list[GridCell], keys: list[str]) -> None:
        for i, key in enumerate(keys):
            if key in META_KEYS:
                value = next((c.text.strip() for c, k in zip(cells[i + 1:], keys[i + 1:], strict=True)
                              if k not in META_KEYS), None)
                if value:
                    self.meta[key] = value

    def _add(self, label: str, group: str, source: Source, figures: dict[int, GridCell]) -> None:
        label = _UNIT_SUFFIX.sub("", label)  # "年度资金总额（万元）：" names the row 年度资金总额
        ordinal, key = split_ordinal(label)
        cells = {column: make_self_evaluation_cell(column, c.text.strip(), c.source, c.problem)
                 for column, c in sorted(figures.items())}
        self.rows.append(Row(label, key, ordinal, None, None, 0, 0, source, cells, group))

    def _problem(self, message: str, cells: Sequence[GridCell]) -> None:
        self.problems.append(Note(message + _describe(cells), cells[0].source))

    # -- 资金 ---------------------------------------------------------------------------------

    def _read_fund(self, cells: list[GridCell]) -> None:
        split = next((i for i, c in enumerate(cells) if _is_figure(c)), len(cells))
        label = "".join(c.text.strip() for c in cells[:split])
        values = [c for c in cells[split:] if _is_figure(c)]
        if not values:
            return  # a heading such as 其中
        if not label:
            self._problem(UNPLACEABLE, cells)  # figures whose label the extraction put elsewhere
            return
        total = "总额" in normalise(label) or "合计" in normalise(label)
        slots = self.fund_header if len(values) == len(self.fund_header) else list(FUND_SLOTS)
        placed, certain = _place(values, slots, _fund_fits(total))
        if not certain:
            self._problem(UNPLACEABLE, cells)
        self._add(label, "资金", cells[0].source, placed)

    # -- 资金管理 and 总分: a label, then 分值 and 得分 ---------------------------------------------

    def _read_score_pair(self, group: str, cells: list[GridCell]) -> None:
        label = cells[0].text.strip()
        numbers = [c for c in cells[1:] if _is_amount(c)]
        if len(numbers) == 2:
            self._add(label, group, cells[0].source, {WEIGHT: numbers[0], SCORE: numbers[1]})
        else:
            self._problem(UNPLACEABLE, cells)
            self._add(label, group, cells[0].source, {})

    # -- 指标 ---------------------------------------------------------------------------------

    def _read_indicator(self, cells: list[GridCell]) -> None:
        anchor = _score_anchor(cells)
        before = cells if anchor is None else cells[:anchor - 2]
        first, second, names = [], [], []
        for cell in before:
            key = _key(cell)
            if key in FIRST_LEVEL and not first and not second and not names:
                first.append(key)
            elif key in SECOND_LEVEL or key in FIRST_LEVEL and not names:
                second.append(key)  # 成本指标 after a 一级指标 is the central form's 二级指标
            else:
                names.append(cell)
        figures = None
        if anchor is not None:
            figures = {TARGET: cells[anchor - 2], RESULT: cells[anchor - 1], WEIGHT: cells[anchor],
                       SCORE: cells[anchor + 1]}
            if anchor + 2 < len(cells) and _is_amount(cells[anchor + 2]):
                figures[DEVIATION] = cells[anchor + 2]
        row = _Indicator(cells, first, second, names, figures)
        if self.fragment is not None:
            fragment, self.fragment = self.fragment, None
            if figures is not None and not first and len(names) == 1:
                # a long 三级指标 wrapped above its row: "生活困难信访人生活质" / "量改善率 ≥90% …"
                self._add_indicator(row, fragment)
                return
            self._add_indicator(fragment, None)
        if figures is None and len(names) == 1 and not _is_figure(names[0]):
            self._levels(row)
            self.fragment = row
        elif figures is None and not names:
            self._levels(row)  # an empty placeholder (经济成本指标 with nothing else)
        else:
            self._add_indicator(row, None)

    def _levels(self, row: _Indicator) -> tuple[str | None, str | None]:
        """The row's 一级 and 二级指标: printed on it, or carried down from the rows above."""
        second = self.second
        if row.second:
            second = row.second[0] if len(set(row.second)) == 1 else None
        first = row.first[0] if row.first else self.first
        implied = {SECOND_LEVEL.get(s) for s in row.second} - {None}
        if not row.first and len(implied) == 1 and first not in implied:
            first = implied.pop()  # a new 二级指标 under another 一级 whose merged cell was lost
        if second is not None and SECOND_LEVEL.get(second, first) != first:
            second = None  # carried from another 一级指标
        self.first, self.second = first, second
        return first, second

    def _add_indicator(self, row: _Indicator, fragment: _Indicator | None) -> None:
        first, second = self._levels(row)
        printed = fragment.cells + row.cells if fragment else row.cells
        if len(set(row.second)) > 1:
            self._problem(UNCLEAR_LEVEL, printed)
        names = row.names
        figures = dict(row.figures or {})
        if len(names) > 1 or row.figures is not None and not names:
            # a cell too many (or too few) between the label and 分值: target and result unknown
            figures.pop(TARGET, None)
            figures.pop(RESULT, None)
            self._problem(UNPLACEABLE, printed)
            names = names[:1]
        elif row.figures is None and any(_is_figure(c) for c in row.cells):
            self._problem(UNPLACEABLE, printed)
        third = "".join(c.text.strip() for c in (fragment.names if fragment else []) + names)
        label = "/".join((first or "", second or "", third))
        self._add(label, "指标", printed[0].source, figures)


def _score_anchor(cells: list[GridCell]) -> int | None:
    """Where 分值 stands: the last two plain numbers (分值, 得分), then 偏差度 if printed, then only words.

    Target and result precede them, so there must be room for both and a label.
    """
    for at in range(len(cells) - 2, 1, -1):
        if not (_is_plain_number(cells[at]) and _is_plain_number(cells[at + 1])):
            continue
        rest = cells[at + 2:]
        if rest and _is_amount(rest[0]):
            rest = rest[1:]
        if not any(_is_figure(c) for c in rest):
            return at
    return None


def _fund_fits(total: bool) -> Callable[[GridCell, int], bool]:
    """年度资金总额 has a figure in every column; a source row prints "-" for 分值 and 得分."""
    def fits(cell: GridCell, slot: int) -> bool:
        if cell.problem is not None:
            return True
        parsed = parse_number(cell.text)
        if slot in (WEIGHT, SCORE) and not total:
            return parsed is BLANK
        return isinstance(parsed, Amount) or parsed is BLANK
    return fits


def _place(values: list[GridCell], slots: Sequence[int],
           fits: Callable[[GridCell, int], bool]) -> tuple[dict[int, GridCell], bool]:
    """Lay values into slots in order. With as many values as slots and every value fitting, that is
    the placement. Otherwise every order-keeping placement that fits is tried, and only the slots
    that all of them fill with the same cell are kept; the second result says whether that was all."""
    if abs(len(values) - len(slots)) > MAX_MISPLACED:
        return {}, False
    size = min(len(values), len(slots))
    layouts = []
    for chosen_values in combinations(range(len(values)), size):
        for chosen_slots in combinations(range(len(slots)), size):
            pairs = [(slots[s], v) for v, s in zip(chosen_values, chosen_slots, strict=True)]
            if all(fits(values[v], slot) for slot, v in pairs):
                layouts.append(dict(pairs))
    if not layouts:
        return {}, False
    agreed = {slot: values[v] for slot, v in layouts[0].items() if all(layout.get(slot) == v for layout in layouts)}
    return agreed, len(layouts) == 1 and len(values) == len(slots)
