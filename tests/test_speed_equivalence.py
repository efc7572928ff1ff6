"""The faster forms of hot code give exactly what the plain forms give: the rounding comparison (which
takes the square root of the summed variances only where the five-sigma cap could bind), the bracket
depth of prose (filled run by run instead of character by character) and the unit after a number (one
pattern instead of a loop over the units), against the plain forms written out here, on many made-up
inputs; a `where:` equality lets a loop visit only the rows an index gives, the rows it keeps; and a
sum of cells formed in one pass equals the cells' quantities added one by one, digit for digit, while
the cells it reads are found once and their values read anew each time (the culprit search changes them);
and the marks left unpaired in a paragraph, found from mark to mark, are those a walk over every character finds."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.catalogue import builtin_catalogue
from validator.checks.paired_marks import _LIST_NUMBER, FAMILIES, _unpaired
from validator.claims.figures import _unit_after
from validator.claims.paragraphs import CLOSE, OPEN, _bracket_depths
from validator.claims.vocabulary import vocabulary
from validator.expression import Absent, ScannedRowAbsent, compile_condition
from validator.interval import SIGMAS, FigureRef, NotComputable, Quantity, compare
from validator.model import Cell, Column, Row, Source, Table
from validator.numbers import BLANK, Amount, Garbled
from validator.resolver import RowBinding, TableResolver

OPERATORS = ("==", "<=", ">=", "<", ">", "!=")


def plain_compare(left, op, right, extra):
    """compare() as first written: the cap always computed, every operator judged."""
    difference = left.shown - right.shown
    up = (left.shown - left.lo) + (right.hi - right.shown)
    down = (left.hi - left.shown) + (right.shown - right.lo)
    if left.variance is not None and right.variance is not None:
        cap = SIGMAS * (left.variance + right.variance).sqrt()
        up, down = min(up, cap), min(down, cap)
    up, down = up + extra, down + extra
    holds = {"==": -down <= difference <= up, "<=": difference <= up, ">=": difference >= -down,
             "<": difference < up, ">": difference > -down, "!=": difference != 0}[op]
    shown_holds = {"==": difference == 0, "<=": difference <= 0, ">=": difference >= 0,
                   "<": difference < 0, ">": difference > 0, "!=": difference != 0}[op]
    return holds, difference, up if difference >= 0 else down, holds and not shown_holds


def figure(value, decimals):
    """A printed figure with that many decimals, standing for its rounding interval."""
    return Quantity.of_cell(FigureRef(Cell(str(value), Amount(value, decimals), Source(), decimals), "total", None))


figures = st.tuples(st.integers(-10**9, 10**9), st.integers(0, 4)).map(
    lambda pair: figure(Decimal(pair[0]).scaleb(-pair[1]), pair[1]))


def summed(parts):
    total = Quantity.exact(0)
    for part in parts:
        total = total + part
    return total


@given(st.lists(figures, min_size=1, max_size=40), st.lists(figures, min_size=1, max_size=3),
       st.sampled_from(OPERATORS), st.sampled_from([Decimal(0), Decimal("0.01"), Decimal("1E-7")]))
def test_compare_equals_the_plain_comparison_on_sums_long_and_short(parts, others, op, extra):
    left, right = summed(others), summed(parts)
    result = compare(left, op, right, extra)
    assert (result.holds, result.difference, result.tolerance, result.by_rounding) == plain_compare(left, op, right, extra)


@given(st.lists(figures, min_size=28, max_size=28), st.integers(-20, 20))
def test_a_mistake_near_the_cap_of_a_27_item_sum_is_judged_as_before(parts, nudge):
    total = summed(parts[1:])
    printed = figure(total.shown + Decimal(nudge).scaleb(-3), 3)
    holds, _, tolerance, _ = plain_compare(printed, "==", total, Decimal(0))
    result = compare(printed, "==", total, Decimal(0))
    assert (result.holds, result.tolerance) == (holds, tolerance)


def plain_depths(text, ends):
    depth, level = [], 0
    for i, char in enumerate(text):
        if i in ends:
            level = 0
        if char in CLOSE:
            level = max(0, level - 1)
        depth.append(level)
        if char in OPEN:
            level += 1
    return depth


@given(st.text(alphabet="ab（）()。、", max_size=40), st.sets(st.integers(0, 42), max_size=5))
def test_bracket_depths_equal_the_character_by_character_count(text, ends):
    assert _bracket_depths(text, ends) == plain_depths(text, ends)


def plain_unit_after(text, i, end, units):
    """The unit loop as first written: the first unit (longest first) the text goes on with."""
    for unit in units:
        if text.startswith(unit, i):
            return unit, i + len(unit)
    return "", end


@given(st.sampled_from(["", " ", "  "]), st.text(alphabet="万元亿千人个次百分点%％年度项余", max_size=6))
def test_the_unit_after_a_number_is_the_one_the_loop_over_the_units_finds(spaces, tail):
    text = "共计12" + spaces + tail
    assert _unit_after(text, 4) == plain_unit_after(text, 4 + len(spaces), 4, vocabulary().units)


def test_a_where_equality_names_the_rows_an_index_can_give():
    assert compile_condition('row.group == "指标" and row.level != 3', {"row"}).required == (("group", "指标"),)
    assert compile_condition('"年度资金总额" == row.label', {"row"}).required == (("key", "年度资金总额"),)
    assert compile_condition('row.group == "资金" or row.group == "指标"', {"row"}).required == ()
    assert compile_condition('not row.group == "资金"', {"row"}).required == ()


@given(st.lists(st.sampled_from(["资金", "指标", "总分", None]), max_size=12))
def test_the_indexed_rows_are_those_the_condition_keeps_in_table_order(groups):
    rows = [Row(f"行{i}", f"行{i}", None, None, None, 0, i, Source(), group=group) for i, group in enumerate(groups)]
    table = Table("SE", "项目支出绩效自评表", None, [], rows, Source())
    condition = compile_condition('row.group == "指标"', {"row"})
    resolver = TableResolver({"SE": table}, builtin_catalogue())
    kept = [r for r in resolver.rows_having(table, condition.required)
            if condition.test((resolver, {"row": RowBinding(table, r)}))]
    assert kept == [r for r in rows if condition.test((resolver, {"row": RowBinding(table, r)}))]
    assert resolver.rows_having(table, condition.required) == kept  # no other row is visited


def digits(quantity):
    """Every figure of a quantity as text, so that 1.50 and 1.5 (or 0 and -0) differ."""
    return tuple(str(v) for v in (quantity.shown, quantity.lo, quantity.hi, quantity.variance)) + (
        quantity.decimals, tuple(id(ref) for ref in quantity.cells))


cells = st.one_of(st.just(BLANK), st.tuples(st.integers(-10**9, 10**9), st.integers(0, 4)).map(
    lambda pair: Amount(Decimal(pair[0]).scaleb(-pair[1]), pair[1])))


@given(st.lists(st.tuples(cells, st.integers(0, 5)), max_size=30))
def test_a_sum_of_cells_equals_the_cells_added_one_by_one_digit_for_digit(parsed):
    refs = [FigureRef(Cell("x", value, Source(), precision), "parts", None) for value, precision in parsed]
    assert digits(Quantity.sum_of_cells(refs)) == digits(summed(Quantity.of_cell(r) for r in refs))


def self_evaluation(scores):
    """A 自评表 whose 指标 rows have these 得分 (None: a row laid out without its 得分 cell)."""
    columns = [Column(0, ("指标",), role="label"), Column(1, ("得分",))]
    rows = [Row(f"指标{i}", f"指标{i}", None, None, None, 0, i, Source(), group="指标",
                cells={} if text is None else {1: Cell(text, parse(text), Source(), 2)})
            for i, text in enumerate(scores)]
    return Table("SE", "项目支出绩效自评表", None, columns, rows, Source())


def parse(text):
    return Garbled(text, "?") if text == "x" else Amount(Decimal(text), 2)


def test_a_group_sum_reads_its_cells_values_anew_each_time():
    table = self_evaluation(["10.00", "20.50"])
    resolver = TableResolver({"SE": table}, builtin_catalogue())
    assert resolver.sum_group(table, "得分", "指标").shown == Decimal("30.50")
    table.rows[1].cells[1].parsed = Amount(Decimal("25.00"), 2)  # as the culprit search puts a value in
    assert resolver.sum_group(table, "得分", "指标").shown == Decimal("35.00")
    table.rows[1].cells[1].parsed = BLANK
    assert resolver.sum_group(table, "得分", "指标").shown == Decimal("10.00")


def test_a_group_sum_gives_the_first_problem_in_row_order():
    for scores, problem in ((["x", None], "不是可用的数字"), ([None, "x"], "无法确定各栏")):
        resolver = TableResolver({"SE": self_evaluation(scores)}, builtin_catalogue())
        for _ in range(2):  # found once, said every time
            with pytest.raises(NotComputable, match=problem):
                resolver.sum_group(resolver.tables["SE"], "得分", "指标")


def test_a_cell_is_found_once_and_an_absent_one_is_said_every_time_as_what_it_is(monkeypatch):
    table = self_evaluation(["10.00"])
    table.rows[0].cells[1].source = Source(confidence=0.95)  # read by OCR: a missing row may be misread
    resolver = TableResolver({"SE": table}, builtin_catalogue())
    looked_up = []
    rows = resolver.rows
    monkeypatch.setattr(resolver, "rows", lambda *selectors: looked_up.append(selectors) or rows(*selectors))
    assert resolver.cell(table, "指标0", "得分") is resolver.cell(table, "指标0", "得分")
    assert len(looked_up) == 1
    for _ in range(2):
        with pytest.raises(ScannedRowAbsent, match="指标9"):
            resolver.cell(table, "指标9", "得分")
    binding = RowBinding(table, table.rows[0])
    assert resolver.row_cell(binding, "得分") is resolver.row_cell(binding, "得分")
    for _ in range(2):
        with pytest.raises(Absent, match="执行率"):
            resolver.row_cell(binding, "执行率")


def plain_unpaired(text, families):
    """paired_marks._unpaired as first written: every character looked at, for every family."""
    skipped = {m.end() - 1 for m in _LIST_NUMBER.finditer(text)}
    left = []
    for name, (openings, closings) in families.items():
        open_at = []
        for offset, char in enumerate(text):
            if char in openings:
                open_at.append(offset)
            elif char in closings and offset not in skipped:
                if open_at:
                    open_at.pop()
                else:
                    left.append((offset, name, False))
        left += [(offset, name, True) for offset in open_at]
    return sorted(left)


@given(st.text(alphabet="“”‘’（）()《》【】[]1a。，字", max_size=40))
def test_the_marks_left_unpaired_are_those_the_walk_over_every_character_finds(text):
    assert _unpaired(text, FAMILIES) == plain_unpaired(text, FAMILIES)
