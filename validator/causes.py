"""Likely causes of one wrong figure, once the value it should have is known (validator.culprits).

Each cause of rules/causes.yaml is tested here by its arithmetic: the figure the cause says was meant
(the printed one with two digits swapped back, a left-out item added …) must be the value that makes
every relation hold, within the rounding of the printed figure, or within the relations' own
tolerance when they all still hold with it. A cause is named only when it is the one cause that fits among the simplest that fit
(the catalogue's rank); two that fit equally give none (原因不明): budgetlint never guesses. Two that
say the same about the figure (12.30 printed 123.00: the decimal point moved, or a 0 doubled; either
way ten times too big) are named together.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cache

from .builtin_cache import yaml_data
from .packs import builtin_rules_dir

CAUSES_FILE = "causes.yaml"


@dataclass(frozen=True, slots=True)
class Clues:
    """What the causes are tested on: the printed figure and the value that would make every relation
    hold, as printed (`proposed`) and before rounding (`solved`), how far from it the figure may be
    (`slack`, checked by `agrees`: every relation holds with it), and the figures around it, each
    with the place a clerk finds it under."""

    printed: Decimal
    decimals: int
    proposed: Decimal
    solved: Decimal
    items: tuple[tuple[str, Decimal], ...] = ()  # the other figures of its relations and of its column
    neighbours: tuple[tuple[str, Decimal], ...] = ()  # the same column one row above and below
    previous_year: tuple[tuple[str, Decimal], ...] = ()  # the same row's 上年 columns
    operands: tuple[tuple[str, Decimal], ...] = ()  # the other figures of its relations
    row: tuple[tuple[str, Decimal], ...] = ()  # the other figures of its row
    slack: Decimal = Decimal(0)
    agrees: Callable[[Decimal], bool] | None = field(default=None, compare=False)
    rate: bool = False  # a percentage (printed with %, or under a column of rates) computed from its operands

    @property
    def half(self) -> Decimal:
        """Half a unit of the printed figure's last decimal."""
        return Decimal(5).scaleb(-(self.decimals + 1))

    def text(self, value: Decimal) -> str:
        return f"{value:,.{self.decimals}f}"

    def same(self, value: Decimal, other: Decimal) -> bool:
        """Equal within half a unit of the printed figure's last decimal."""
        return abs(value - other) <= self.half

    def meant(self, value: Decimal) -> bool:
        """Whether `value` could be the figure meant: the one that makes every relation hold."""
        if abs(value - self.solved) <= self.half:
            return True
        return abs(value - self.solved) <= self.slack and self.agrees is not None and self.agrees(value)

    def digits(self, value: Decimal) -> str:
        return f"{abs(value):.{self.decimals}f}".replace(".", "")

    def telling(self, value: Decimal) -> bool:
        """Whether the figure, as printed, has two digits or more after its leading zeros: a single
        digit (0.03, 5) matches too much by chance to support a cause."""
        return len(self.digits(value).lstrip("0")) >= 2

    def singles_out(self, slip: str) -> bool:
        """Whether a slip of this kind (causes.yaml) in the printed figure is no likely coincidence: the
        figure has three digits after its leading zeros, for a digit slip before its trailing ones too
        (unless a computed percentage), as 5.00 for 15.00 or 0.13 for 1.30 fit by chance too easily."""
        digits = self.digits(self.printed).lstrip("0")
        return len(digits.rstrip("0") if slip == "digits" and not self.rate else digits) >= 3


@dataclass(frozen=True, slots=True)
class Cause:
    id: str
    name: str
    rank: int
    explanation: str
    slip: str  # figure, digits or none: how a slip in writing the figure tells apart the cells (causes.yaml)


@dataclass(frozen=True, slots=True)
class Fit:
    """A cause whose arithmetic holds: the figure it says was meant, and the arithmetic."""

    cause: Cause
    arithmetic: str
    meant: Decimal


@cache
def catalogue() -> tuple[Cause, ...]:
    entries = yaml_data(f"rules/{CAUSES_FILE}", builtin_rules_dir().joinpath(CAUSES_FILE).read_text(encoding="utf-8"))
    return tuple(Cause(**entry) for entry in entries)


def fitting_causes(clues: Clues) -> list[Fit]:
    """Every cause whose arithmetic holds, in the catalogue's order."""
    return [Fit(cause, *found) for cause in catalogue() if cause.id in _TESTS
            and (found := _TESTS[cause.id](clues)) is not None]


def slips(clues: Clues) -> list[str]:
    """How the slips in writing the figure that explain it are made (`figure`, `digits`): none, none fits."""
    return [cause.slip for cause in catalogue() if cause.slip != "none" and cause.id in _TESTS
            and _TESTS[cause.id](clues) is not None]


def likely_cause(clues: Clues) -> Fit | None:
    """The one simplest cause that fits; None when none fits or two that tell different stories fit
    equally."""
    fitting = _weak_slips_demoted(clues, fitting_causes(clues))
    if not fitting:
        return None
    simplest = min(fit.cause.rank for fit in fitting)
    best = [fit for fit in fitting if fit.cause.rank == simplest]
    # one that gives the figure needed to within the rounding of the printed one outweighs one that
    # needs the relations' tolerance (4,153.30: 415.33 × 10, not 415.30 with its 3 typed twice)
    best = [fit for fit in best if clues.same(fit.meant, clues.solved)] or best
    if len(best) == 1:
        return best[0]
    meant = best[0].meant
    # ten times too small with its last digit rounded away (1,329.71 for 13,297.11) is that story too
    if all(fit.meant == meant for fit in best) and meant and any(clues.same(clues.printed, meant * f) for f in _TENS):
        # each is a slip that makes the figure 10 (100) times too big or too small: one story
        causes = [fit.cause for fit in best]
        joined = Cause("+".join(c.id for c in causes), "或".join(c.name for c in causes), simplest,
                       "".join(c.explanation for c in causes), "none")
        return Fit(joined, best[0].arithmetic, meant)
    return None


def _weak_slips_demoted(clues: Clues, fitting: list[Fit]) -> list[Fit]:
    """The causes that fit, a digit slip in a figure too short to single out a cell (6.00 for 16.00,
    110.00 for 10.00) ranked no simpler than a cause that is no slip and fits as well (10.00 left out,
    100.00 counted twice, the figure of the row above): either is as likely, so neither is named."""
    others = [fit.cause.rank for fit in fitting if fit.cause.slip == "none"]
    if not others or clues.singles_out("digits"):
        return fitting
    return [replace(fit, cause=replace(fit.cause, rank=max(fit.cause.rank, min(others))))
            if fit.cause.slip == "digits" else fit for fit in fitting]


Found = tuple[str, Decimal] | None  # a cause's arithmetic and the figure it says was meant


def _nearest_meant(c: Clues, written: Callable[[str], bool]) -> Decimal | None:
    """The figure nearest the value solved for, of the printed one's sign and decimals, whose digits
    the slip would have turned into the printed ones (`written`) and with which every relation holds."""
    unit = Decimal(1).scaleb(-c.decimals)
    reach = max(c.slack, c.half)
    centre = c.solved.quantize(unit, rounding=ROUND_HALF_UP)
    steps = min(int(reach / unit) + 1, _WIDEST)
    for step in sorted(range(-steps, steps + 1), key=abs):
        value = centre + step * unit
        if abs(value - c.solved) <= reach and value and (value < 0) == (c.printed < 0) \
                and written(c.digits(value)) and c.meant(value):
            return value
    return None


def _swapped(printed: str, meant: str) -> bool:
    """Whether two adjacent digits of `meant`, swapped, give `printed`."""
    differing = [i for i, (a, b) in enumerate(zip(printed, meant)) if a != b]
    return len(printed) == len(meant) and len(differing) == 2 and differing[1] == differing[0] + 1 \
        and printed[differing[0]] == meant[differing[1]] and printed[differing[1]] == meant[differing[0]]


def _swapped_digits(c: Clues) -> Found:
    printed = c.digits(c.printed)
    meant = _nearest_meant(c, lambda digits: _swapped(printed, digits))
    if meant is None or not c.telling(min(c.printed, meant, key=abs)):  # 0.50 for 0.05: ten times, as likely
        return None
    difference = abs(c.printed - meant)
    return f"{c.text(c.printed)} 与 {c.text(meant)} 相差 {c.text(difference)} = 9 × {c.text(difference / 9)}", meant


def _one_digit_more(longer: str, shorter: str, doubled: bool) -> bool:
    """Whether `longer` is `shorter` with one digit put in (a copy of its neighbour when `doubled`); the
    zeros a dropped first digit leaves in front vanish (108.32 typed 08.32 reads 8.32)."""
    if len(longer) <= len(shorter):
        return False
    return any((longer[:i] + longer[i + 1:]).lstrip("0") == shorter
               and (not doubled or longer[i] in longer[max(0, i - 1):i] + longer[i + 1:i + 2])
               for i in range(len(longer)))


def _dropped_digit(c: Clues) -> Found:
    printed = c.digits(c.printed).lstrip("0")
    if not c.telling(c.printed):
        return None
    meant = _nearest_meant(c, lambda digits: _one_digit_more(digits.lstrip("0"), printed, doubled=False))
    return None if meant is None else (f"{c.text(meant)} 少写一位数字成为 {c.text(c.printed)}", meant)


def _doubled_digit(c: Clues) -> Found:
    printed = c.digits(c.printed).lstrip("0")
    meant = _nearest_meant(c, lambda digits: len(digits.lstrip("0")) >= 2
                           and _one_digit_more(printed, digits.lstrip("0"), doubled=True))
    return None if meant is None else (f"{c.text(meant)} 多写一位数字成为 {c.text(c.printed)}", meant)


def _scaled(factors: tuple[Decimal, ...], words: Callable[[Decimal], str]) -> Callable[[Clues], Found]:
    def test(c: Clues) -> Found:
        if c.proposed == 0 or c.printed == 0:
            return None
        # rounding may have cut the shifted figure's last digit (12.345 shown 12.35), if three are left
        rounded = len(c.digits(c.printed).lstrip("0")) >= 3
        for factor in factors:
            shifted = c.proposed * factor
            # the figure meant: the one solved for when the shift gives the printed one, else printed ÷ factor
            meant = c.proposed if c.printed == shifted or rounded and c.same(c.printed, shifted) else c.printed / factor
            if c.telling(min(c.printed, meant, key=abs)) and (meant == c.proposed or c.meant(meant)):
                return f"{c.text(c.printed)} ≈ {c.text(meant)} × {words(factor)}", meant
        return None
    return test


def _factor_words(factor: Decimal) -> str:
    return f"{factor:f}" if factor >= 1 else f"1/{1 / factor:f}"


def _sign_flip(c: Clues) -> Found:
    if c.printed == 0 or not c.meant(-c.printed):
        return None
    return f"{c.text(c.printed)} = −({c.text(-c.printed)})", -c.printed


def _one_item(more: bool) -> Callable[[Clues], Found]:
    def test(c: Clues) -> Found:
        if c.rate:  # a percentage is not a sum of items
            return None
        for place, value in c.items:
            difference = abs(value) if more else -abs(value)
            meant = c.printed - difference
            # of the same sign, neither zero: an item left out of nothing is a figure not filled in
            if c.telling(value) and meant * c.printed > 0 and c.meant(meant):
                return (f"{c.text(c.printed)} − {c.text(meant)} = {c.text(difference)}，"
                        f"与{place} {c.text(value)} 相同"), meant
        return None
    return test


def _copied(clues_of: Callable[[Clues], tuple[tuple[str, Decimal], ...]]) -> Callable[[Clues], Found]:
    def test(c: Clues) -> Found:
        for place, value in clues_of(c):
            if value == c.printed and c.printed != c.proposed and c.telling(value) and c.printed * c.proposed >= 0:
                return f"所列 {c.text(c.printed)} 与{place}相同，应为 {c.text(c.proposed)}", c.proposed
        return None
    return test


def _wrong_base(c: Clues) -> Found:
    """A rate whose numerator is right but divided by the wrong figure (the current year's for the
    previous year's, 年初预算数 for 全年预算数): printed × that figure = meant × the right base. The
    right base is one of its operands, and meant × base is its numerator: another operand, or an
    operand's difference from the base (a growth rate)."""
    if not c.rate or c.proposed <= 0 or c.printed <= 0:
        return None
    for place, base in c.operands:
        numerator = c.solved * base / 100
        if not c.telling(base) or not any(c.same(numerator, value) or c.same(numerator, abs(value - base))
                                          for _, value in c.operands if value != base):
            continue
        for other_place, other in dict.fromkeys(c.row + c.operands):
            if other > 0 and other != base and c.telling(other) \
                    and abs(c.printed * other - numerator * 100) <= c.half * other:
                return (f"{c.text(c.printed)} ≈ {c.text(numerator)} ÷ {other_place} {c.text(other)} × 100，"
                        f"应除以{place} {c.text(base)}"), c.proposed
    return None


def _truncated(c: Clues) -> Found:
    unit = Decimal(1).scaleb(-c.decimals)
    rounded = c.solved.quantize(unit, rounding=ROUND_HALF_UP)
    if rounded == c.printed or c.solved.quantize(unit, rounding=ROUND_DOWN) != c.printed:
        return None
    return f"应有数 {c.solved:f} 截尾为 {c.text(c.printed)}，四舍五入应为 {c.text(rounded)}", rounded


_WIDEST = 50  # units of the last decimal either side of the value solved for, at most

_TENS = (Decimal(10), Decimal(100), Decimal("0.1"), Decimal("0.01"))

_TESTS: dict[str, Callable[[Clues], Found]] = {
    "swapped_digits": _swapped_digits, "dropped_digit": _dropped_digit, "doubled_digit": _doubled_digit,
    "decimal_shift": _scaled(_TENS, _factor_words),
    "sign_flip": _sign_flip,
    "unit_mixup": _scaled((Decimal(10000), Decimal("0.0001")), _factor_words),
    "counted_twice": _one_item(more=True), "left_out": _one_item(more=False),
    "copied_neighbour": _copied(lambda c: c.neighbours), "copied_previous_year": _copied(lambda c: c.previous_year),
    "wrong_base": _wrong_base, "truncated": _truncated,
}
