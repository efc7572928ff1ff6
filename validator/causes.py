"""Likely causes of one wrong figure, once the value it should have is known (validator.culprits).

Each cause of rules/causes.yaml is tested here by its arithmetic, exactly within the rounding of the
printed figure. A cause is named only when it is the one cause that fits among the simplest that fit
(the catalogue's rank); two that fit equally give none (原因不明): budgetlint never guesses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache

import yaml

from .packs import builtin_rules_dir

CAUSES_FILE = "causes.yaml"


@dataclass(frozen=True, slots=True)
class Clues:
    """What the causes are tested on: the printed figure and the value that would make every relation
    hold, as printed (`proposed`) and before rounding (`solved`), and the figures around it, each with
    the place a clerk finds it under."""

    printed: Decimal
    decimals: int
    proposed: Decimal
    solved: Decimal
    items: tuple[tuple[str, Decimal], ...] = ()  # the other figures of its relations and of its column
    neighbours: tuple[tuple[str, Decimal], ...] = ()  # the same column one row above and below
    previous_year: tuple[tuple[str, Decimal], ...] = ()  # the same row's 上年 columns

    def text(self, value: Decimal) -> str:
        return f"{value:,.{self.decimals}f}"

    def same(self, value: Decimal, other: Decimal) -> bool:
        """Equal within half a unit of the printed figure's last decimal."""
        return abs(value - other) <= Decimal(5).scaleb(-(self.decimals + 1))

    def digits(self, value: Decimal) -> str:
        return f"{abs(value):.{self.decimals}f}".replace(".", "")


@dataclass(frozen=True, slots=True)
class Cause:
    id: str
    name: str
    rank: int
    explanation: str


@cache
def catalogue() -> tuple[Cause, ...]:
    entries = yaml.safe_load(builtin_rules_dir().joinpath(CAUSES_FILE).read_text(encoding="utf-8"))
    return tuple(Cause(**entry) for entry in entries)


def likely_cause(clues: Clues) -> tuple[Cause, str] | None:
    """The one simplest cause that fits, with its arithmetic; None when none fits or two fit equally."""
    fitting = [(cause, arithmetic) for cause in catalogue() if cause.id in _TESTS
               and (arithmetic := _TESTS[cause.id](clues)) is not None]
    if not fitting:
        return None
    simplest = min(cause.rank for cause, _ in fitting)
    best = [(cause, arithmetic) for cause, arithmetic in fitting if cause.rank == simplest]
    return best[0] if len(best) == 1 else None


def _swapped_digits(c: Clues) -> str | None:
    printed, proposed = c.digits(c.printed), c.digits(c.proposed)
    if len(printed) != len(proposed) or (c.printed < 0) != (c.proposed < 0):
        return None
    differing = [i for i, (a, b) in enumerate(zip(printed, proposed, strict=True)) if a != b]
    if len(differing) != 2 or differing[1] != differing[0] + 1:
        return None
    i = differing[0]
    if printed[i] != proposed[i + 1] or printed[i + 1] != proposed[i]:
        return None
    difference = abs(c.printed - c.proposed)
    return f"{c.text(c.printed)} 与 {c.text(c.proposed)} 相差 {c.text(difference)} = 9 × {c.text(difference / 9)}"


def _one_digit_more(longer: str, shorter: str, doubled: bool) -> bool:
    """Whether `longer` is `shorter` with one digit put in (a copy of its neighbour when `doubled`)."""
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[:i] + longer[i + 1:] == shorter and (not doubled or longer[i] in longer[max(0, i - 1):i]
                                                           + longer[i + 1:i + 2]) for i in range(len(longer)))


def _dropped_digit(c: Clues) -> str | None:
    if c.proposed == 0 or not _one_digit_more(c.digits(c.proposed).lstrip("0"), c.digits(c.printed).lstrip("0"), False):
        return None
    return f"{c.text(c.proposed)} 少写一位数字成为 {c.text(c.printed)}"


def _doubled_digit(c: Clues) -> str | None:
    if c.printed == 0 or not _one_digit_more(c.digits(c.printed).lstrip("0"), c.digits(c.proposed).lstrip("0"), True):
        return None
    return f"{c.text(c.proposed)} 多写一位数字成为 {c.text(c.printed)}"


def _scaled(factors: tuple[Decimal, ...], words: Callable[[Decimal], str]) -> Callable[[Clues], str | None]:
    def test(c: Clues) -> str | None:
        if c.proposed == 0 or c.printed == 0:
            return None
        for factor in factors:
            if c.same(c.printed, c.proposed * factor):
                return f"{c.text(c.printed)} ≈ {c.text(c.proposed)} × {words(factor)}"
        return None
    return test


def _factor_words(factor: Decimal) -> str:
    return f"{factor:f}" if factor >= 1 else f"1/{1 / factor:f}"


def _sign_flip(c: Clues) -> str | None:
    if c.proposed == 0 or c.printed != -c.proposed:
        return None
    return f"{c.text(c.printed)} = −({c.text(c.proposed)})"


def _one_item(more: bool) -> Callable[[Clues], str | None]:
    def test(c: Clues) -> str | None:
        difference = c.printed - c.proposed
        if (difference > 0) != more or difference == 0:
            return None
        for place, value in c.items:
            if value and c.same(abs(difference), abs(value)):
                return (f"{c.text(c.printed)} − {c.text(c.proposed)} = {c.text(difference)}，"
                        f"与{place} {c.text(value)} 相同")
        return None
    return test


def _copied(clues_of: Callable[[Clues], tuple[tuple[str, Decimal], ...]]) -> Callable[[Clues], str | None]:
    def test(c: Clues) -> str | None:
        for place, value in clues_of(c):
            if value == c.printed and c.printed != c.proposed:
                return f"所列 {c.text(c.printed)} 与{place}相同，应为 {c.text(c.proposed)}"
        return None
    return test


def _truncated(c: Clues) -> str | None:
    unit = Decimal(1).scaleb(-c.decimals)
    rounded = c.solved.quantize(unit, rounding=ROUND_HALF_UP)
    if rounded == c.printed or c.solved.quantize(unit, rounding=ROUND_DOWN) != c.printed:
        return None
    return f"应有数 {c.solved:f} 截尾为 {c.text(c.printed)}，四舍五入应为 {c.text(rounded)}"


_TESTS: dict[str, Callable[[Clues], str | None]] = {
    "swapped_digits": _swapped_digits, "dropped_digit": _dropped_digit, "doubled_digit": _doubled_digit,
    "decimal_shift": _scaled((Decimal(10), Decimal(100), Decimal("0.1"), Decimal("0.01")), _factor_words),
    "sign_flip": _sign_flip,
    "unit_mixup": _scaled((Decimal(10000), Decimal("0.0001")), _factor_words),
    "counted_twice": _one_item(more=True), "left_out": _one_item(more=False),
    "copied_neighbour": _copied(lambda c: c.neighbours), "copied_previous_year": _copied(lambda c: c.previous_year),
    "truncated": _truncated,
}
