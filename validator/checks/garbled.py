"""`kind: garbled_numbers`: malformed numbers ("5,00.00") in the tables or in the prose."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..findings import Finding, Location
from ..model import Cell
from ..numbers import NO_CACHE, Garbled
from .common import CheckKind, RuleRun, Strict


class GarbledCheck(Strict):
    """Malformed numbers ("5,00.00"): in the amount cells of tables, or in the figures of the prose."""

    kind: Literal["garbled_numbers"]
    scope: Literal["tables", "text"] = "tables"


def evaluate(check: GarbledCheck, run: RuleRun) -> Iterator[Finding]:
    if check.scope == "tables":
        yield from run.cells_where(_misprinted)
    else:
        yield from _garbled_prose(run)


def _misprinted(cell: Cell) -> bool:
    """A malformed number ("5,00.00", "5O0.00") in an amount cell; words and a formula without its value are not."""
    return isinstance(cell.parsed, Garbled) and cell.parsed.reason != NO_CACHE


def _garbled_prose(run: RuleRun) -> Iterator[Finding]:
    from ..claims import figures_in

    for line in run.document.text:
        for figure in figures_in(line):
            run.outcome.evaluated += 1
            if isinstance(figure.parsed, Garbled):
                location = Location(value=figure.text, source=figure.source)
                yield run.finding([location], reason=figure.parsed.reason, text=figure.text)
    if run.outcome.evaluated == 0:
        run.outcome.skip("文中没有数字")


KIND = CheckKind(GarbledCheck, evaluate)
