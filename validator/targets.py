"""Indicator targets and results of a 项目支出绩效自评表 as numbers: "≥90%", "≤5天", "100%", "3人".

A target is a direction and a measure; a result is a measure. Words ("及时", "明显提高") are not
measures, so the pro-rata checks skip them rather than guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .labels import normalise
from .numbers import Amount, parse_number

_MEASURE = re.compile(r"^(?P<op>>=|<=|≥|≤|>|<|=)?(?P<number>[-+]?[\d,]*\.?\d+)(?P<unit>%|[^\d\s%]{1,3})?$")
_DIRECTIONS = {">=": ">=", "≥": ">=", ">": ">=", "=": "=", "<=": "<=", "≤": "<=", "<": "<="}


@dataclass(frozen=True, slots=True)
class Measure:
    direction: str  # ">=" (more is better), "<=" (less is better) or "=" (the value itself)
    amount: Amount
    unit: str


def measure(text: str) -> Measure | None:
    """The measure a cell states, or None for words and anything not a single number with a unit."""
    match = _MEASURE.match(normalise(text))
    if not match:
        return None
    unit = match.group("unit") or ""
    parsed = parse_number(match.group("number") + ("%" if unit == "%" else ""))
    if not isinstance(parsed, Amount):
        return None
    return Measure(_DIRECTIONS[match.group("op") or "="], parsed, unit)
