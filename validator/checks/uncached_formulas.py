"""`kind: uncached_formulas`: workbook formulas whose value was never stored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..findings import Finding
from ..model import Cell
from ..numbers import NO_CACHE, Garbled
from .common import CheckKind, RuleRun, Strict


class UncachedFormulasCheck(Strict):
    """Formula cells whose value was never stored (a workbook written by a program, never opened in
    Excel): the reader gives their formula, never a zero."""

    kind: Literal["uncached_formulas"]


def evaluate(check: UncachedFormulasCheck, run: RuleRun) -> Iterator[Finding]:
    yield from run.cells_where(_uncached)


def _uncached(cell: Cell) -> bool:
    return isinstance(cell.parsed, Garbled) and cell.parsed.reason == NO_CACHE


KIND = CheckKind(UncachedFormulasCheck, evaluate)
