"""Rounding-aware arithmetic (the XBRL Calculations 1.1 approach).

A figure displayed with d decimals stands for the interval [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ]. Sums add the
intervals, a negative weight flips one, products and quotients take the extreme corners. A relation
holds when the intervals of its two sides overlap (plus any extra tolerance the rule allows), so a
rounding tail (尾差) is never an error.

Long sums: the worst case (every figure off by half a unit in the same direction) grows with the
number of figures, while real rounding errors cancel. So the allowance is also capped at five
standard deviations of the summed rounding errors (each uniform on ±½·10⁻ᵈ). For up to 8 figures
the cap is above the worst case and changes nothing; for 28 figures it is 0.076 instead of 0.14, so
a 0.10 mistake in a 27-item list is still found, while a consistent table fails by chance less than
once in a million checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

SIGMAS = Decimal(5)

from .model import Cell, Column, Row, Table
from .numbers import BLANK, Amount

ZERO = Decimal(0)


# The references and comparisons below are treated as immutable but not frozen: the rules make one for
# every cell they read and every comparison, and a frozen dataclass takes several times as long to build.
@dataclass(slots=True)
class CellRef:
    """A cell together with the table, row and column it was found under."""

    table: Table
    row: Row
    column: Column
    cell: Cell


@dataclass(slots=True)
class FigureRef:
    """A figure stated in prose (a claim's total, part or rate), as a cell with its line and column."""

    cell: Cell
    role: str  # the figure's role in its claim: total, parts, rate …
    claim: object  # the claims.Claim it belongs to


Ref = CellRef | FigureRef


class NotComputable(Exception):
    """A value cannot be formed (division by an interval containing zero, a garbled cell)."""


@cache
def _rounding(decimals: int) -> tuple[Decimal, Decimal]:
    """(half a unit of the last decimal, the variance of a rounding error uniform on ± that), per precision."""
    half = Decimal(5).scaleb(-(decimals + 1))
    return half, half * half / 3


class Quantity:
    """A value as shown (`shown`), the interval it stands for, and the cells it was computed from.

    Treated as immutable but a plain slotted class, not a frozen dataclass: the rules build one for
    every cell they read and every sum they form, and a frozen dataclass takes several times as long
    to construct (benchmarks/speed.py)."""

    __slots__ = ("shown", "lo", "hi", "cells", "decimals", "variance")

    def __init__(self, shown: Decimal, lo: Decimal, hi: Decimal, cells: tuple[Ref, ...] = (), decimals: int = 0,
                 variance: Decimal | None = ZERO) -> None:
        self.shown, self.lo, self.hi = shown, lo, hi
        self.cells = cells
        self.decimals = decimals  # most decimals among the inputs, for display
        # Variance of the summed rounding errors; None once a product or quotient makes it meaningless.
        self.variance = variance

    def __repr__(self) -> str:
        return f"Quantity({self.shown} in [{self.lo}, {self.hi}], {self.decimals} decimals)"

    @classmethod
    def exact(cls, value: Decimal | int | float | str) -> Quantity:
        number = Decimal(str(value))
        return cls(number, number, number, (), max(0, -number.as_tuple().exponent))  # type: ignore[operator]

    @classmethod
    def of_cell(cls, ref: Ref) -> Quantity:
        cell = ref.cell
        parsed = cell.parsed
        if isinstance(parsed, Amount):
            value = parsed.value
            half, variance = _rounding(cell.precision)
            return cls(value, value - half, value + half, (ref,), cell.precision, variance)
        if parsed is BLANK:  # a blank or dash states nothing was spent: exactly zero, not a rounded figure
            return cls(ZERO, ZERO, ZERO, (ref,), cell.precision, ZERO)
        raise NotComputable(f"单元格“{cell.text}”不是可用的数字")

    @classmethod
    def sum_of_cells(cls, refs: Sequence[Ref]) -> Quantity:
        """`exact(0) + of_cell(ref) + …` in the order given, to the last digit, without a Quantity per
        cell: the 自评表's sums read a whole column, and the culprit search reads them again for every
        value it tries."""
        shown = lo = hi = variance = ZERO
        decimals = 0
        for ref in refs:
            cell = ref.cell
            parsed, precision = cell.parsed, cell.precision
            if isinstance(parsed, Amount):
                value = parsed.value
                half, spread = _rounding(precision)
                shown, lo, hi, variance = shown + value, lo + (value - half), hi + (value + half), variance + spread
            elif parsed is BLANK:
                shown, lo, hi, variance = shown + ZERO, lo + ZERO, hi + ZERO, variance + ZERO
            else:
                raise NotComputable(f"单元格“{cell.text}”不是可用的数字")
            if precision > decimals:
                decimals = precision
        return cls(shown, lo, hi, tuple(refs), decimals, variance)

    def __add__(self, other: Quantity) -> Quantity:
        variance = None if self.variance is None or other.variance is None else self.variance + other.variance
        return Quantity(self.shown + other.shown, self.lo + other.lo, self.hi + other.hi,
                        self.cells + other.cells, max(self.decimals, other.decimals), variance)

    def __neg__(self) -> Quantity:
        return Quantity(-self.shown, -self.hi, -self.lo, self.cells, self.decimals, self.variance)

    def __sub__(self, other: Quantity) -> Quantity:
        return self + (-other)

    def at_most(self, ceiling: Quantity) -> Quantity:
        """min(self, ceiling) for an exact ceiling (a score capped at its 分值, a rate at 100%)."""
        top = ceiling.shown
        return Quantity(min(self.shown, top), min(self.lo, top), min(self.hi, top), self.cells,
                        self.decimals, self.variance if self.hi <= top else None)

    def scaled(self, factor: Decimal) -> Quantity:
        """The same figure in another unit (元 → 万元): exact scaling keeps its interval."""
        variance = None if self.variance is None else self.variance * factor * factor
        return Quantity(self.shown * factor, self.lo * factor, self.hi * factor, self.cells, self.decimals, variance)

    def __mul__(self, other: Quantity) -> Quantity:
        corners = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Quantity(self.shown * other.shown, min(corners), max(corners),
                        self.cells + other.cells, max(self.decimals, other.decimals), None)

    def __truediv__(self, other: Quantity) -> Quantity:
        if other.lo <= 0 <= other.hi:
            raise NotComputable("除数为零或可能为零")
        corners = [a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Quantity(self.shown / other.shown, min(corners), max(corners),
                        self.cells + other.cells, max(self.decimals, other.decimals), None)


EXACT_ZERO = Quantity.exact(0)  # what an absent figure counts as, and where a sum starts: one, not one per use


@dataclass(slots=True)
class Comparison:
    """The outcome of comparing two quantities with a rule's extra tolerance."""

    holds: bool
    difference: Decimal  # left − right as shown
    tolerance: Decimal  # how far apart the shown values may be (in the difference's direction)
    by_rounding: bool  # the shown values break the relation; only the rounding allowance saves it


# How each operator judges the difference with its allowance up and down, and as shown (no allowance).
# "!=" asks whether a figure is printed as zero (a base of 0.00): rounding cannot rescue it.
_HOLDS: dict[str, Callable[[Decimal, Decimal, Decimal], bool]] = {
    "==": lambda d, up, down: -down <= d <= up, "<=": lambda d, up, down: d <= up,
    ">=": lambda d, up, down: d >= -down, "<": lambda d, up, down: d < up,
    ">": lambda d, up, down: d > -down, "!=": lambda d, up, down: d != 0}
_SHOWN_HOLDS: dict[str, Callable[[Decimal], bool]] = {
    "==": lambda d: d == 0, "<=": lambda d: d <= 0, ">=": lambda d: d >= 0,
    "<": lambda d: d < 0, ">": lambda d: d > 0, "!=": lambda d: d != 0}
# Below this many variances a squared half-width is under 4.9 standard deviations: the cap of five cannot
# bind, whatever the rounding of 28 digits, and its square root is not taken.
_CAP_CANNOT_BIND = Decimal(24)


def compare(left: Quantity, op: str, right: Quantity, extra: Decimal) -> Comparison:
    difference = left.shown - right.shown
    # How far left may exceed right (up) or fall short of it (down): the intervals' half-widths…
    up = (left.shown - left.lo) + (right.hi - right.shown)
    down = (left.hi - left.shown) + (right.shown - right.lo)
    # …capped for long sums by five standard deviations of the summed rounding errors.
    if left.variance is not None and right.variance is not None:
        variance = left.variance + right.variance
        near = _CAP_CANNOT_BIND * variance
        if up * up >= near or down * down >= near:
            cap = SIGMAS * variance.sqrt()
            up, down = min(up, cap), min(down, cap)
    up, down = up + extra, down + extra
    holds = _HOLDS[op](difference, up, down)
    return Comparison(holds, difference, up if difference >= 0 else down, holds and not _SHOWN_HOLDS[op](difference))
