"""The faster forms of hot code give exactly what the plain forms give: the rounding comparison (which
takes the square root of the summed variances only where the five-sigma cap could bind), the bracket
depth of prose (filled run by run instead of character by character) and the unit after a number (one
pattern instead of a loop over the units), against the plain forms written out here, on many made-up
inputs."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from validator.claims.figures import _unit_after
from validator.claims.paragraphs import CLOSE, OPEN, _bracket_depths
from validator.claims.vocabulary import vocabulary
from validator.interval import SIGMAS, FigureRef, Quantity, compare
from validator.model import Cell, Source
from validator.numbers import Amount

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
