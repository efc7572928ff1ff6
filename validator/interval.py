"""Rounding-aware arithmetic (the XBRL Calculations 1.1 approach).

A figure displayed with d decimals stands for the interval [v − ½·10⁻ᵈ, v + ½·10⁻ᵈ] (a printed
zero stands for an exact zero). Sums add the
intervals, a negative weight flips one, products and quotients take the extreme corners. A relation
holds when the intervals of its two sides overlap (plus any extra tolerance the rule allows), so a
rounding tail (尾差) is never an error and anything beyond it always is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import Cell, Column, Row, Table

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class CellRef:
    """A cell together with the table, row and column it was found under."""

    table: Table
    row: Row
    column: Column
    cell: Cell


class NotComputable(Exception):
    """A value cannot be formed (division by an interval containing zero, a garbled cell)."""


def half_unit(decimals: int) -> Decimal:
    return Decimal(5).scaleb(-(decimals + 1))


@dataclass(frozen=True, slots=True)
class Quantity:
    """A value as shown (`shown`), the interval it stands for, and the cells it was computed from."""

    shown: Decimal
    lo: Decimal
    hi: Decimal
    cells: tuple[CellRef, ...] = ()
    decimals: int = 0  # most decimals among the inputs, for display

    @classmethod
    def exact(cls, value: Decimal | int | float | str) -> Quantity:
        number = Decimal(str(value))
        return cls(number, number, number, (), max(0, -number.as_tuple().exponent))  # type: ignore[operator]

    @classmethod
    def of_cell(cls, ref: CellRef) -> Quantity:
        cell = ref.cell
        amount = cell.amount
        if amount is None and not cell.is_blank:
            raise NotComputable(f"单元格“{cell.text}”不是可用的数字")
        value = amount.value if amount is not None else ZERO
        # A printed zero (or blank, or dash) means there is no such amount: the templates print 0.00 on
        # every empty line. Only non-zero figures carry a rounding interval; otherwise a long list of
        # zero lines would widen a total's tolerance until real 0.10 mistakes hid inside it.
        half = half_unit(cell.precision) if value else ZERO
        return cls(value, value - half, value + half, (ref,), cell.precision)

    def __add__(self, other: Quantity) -> Quantity:
        return Quantity(self.shown + other.shown, self.lo + other.lo, self.hi + other.hi,
                        self.cells + other.cells, max(self.decimals, other.decimals))

    def __neg__(self) -> Quantity:
        return Quantity(-self.shown, -self.hi, -self.lo, self.cells, self.decimals)

    def __sub__(self, other: Quantity) -> Quantity:
        return self + (-other)

    def __mul__(self, other: Quantity) -> Quantity:
        corners = [a * b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Quantity(self.shown * other.shown, min(corners), max(corners),
                        self.cells + other.cells, max(self.decimals, other.decimals))

    def __truediv__(self, other: Quantity) -> Quantity:
        if other.lo <= 0 <= other.hi:
            raise NotComputable("除数为零或可能为零")
        corners = [a / b for a in (self.lo, self.hi) for b in (other.lo, other.hi)]
        return Quantity(self.shown / other.shown, min(corners), max(corners),
                        self.cells + other.cells, max(self.decimals, other.decimals))

    @property
    def radius(self) -> Decimal:
        return (self.hi - self.lo) / 2


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of comparing two quantities with a rule's extra tolerance."""

    holds: bool
    difference: Decimal  # left − right as shown
    tolerance: Decimal  # how far apart the shown values may be before it is a finding
    by_rounding: bool  # the shown values break the relation; only the rounding intervals save it


def compare(left: Quantity, op: str, right: Quantity, extra: Decimal) -> Comparison:
    difference = left.shown - right.shown
    # Distance the shown values may drift apart: half-widths of both intervals plus the extra allowance.
    tolerance = (left.shown - left.lo) + (right.hi - right.shown) if difference >= 0 else \
        (left.hi - left.shown) + (right.shown - right.lo)
    tolerance += extra
    if op == "==":
        holds = left.lo <= right.hi + extra and right.lo <= left.hi + extra
    elif op == "<=":
        holds = left.lo <= right.hi + extra
    elif op == ">=":
        holds = left.hi + extra >= right.lo
    elif op == "<":
        holds = left.lo < right.hi + extra
    elif op == ">":
        holds = left.hi + extra > right.lo
    else:
        raise ValueError(op)
    shown_holds = {"==": difference == 0, "<=": difference <= 0, ">=": difference >= 0,
                   "<": difference < 0, ">": difference > 0}[op]
    return Comparison(holds, difference, tolerance, holds and not shown_holds)
