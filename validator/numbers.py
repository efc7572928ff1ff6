"""Numbers as they appear in published tables: "2,587.46", "０.４２", "(12.00)", "99.98%", "—".

A cell's text is classified once, when it is read:
- an Amount (value, displayed decimals, whether it was a percentage);
- BLANK: empty or a dash, which these tables use for zero;
- a Garbled number ("5,00.00", "1.2.3"): it looks like a number but is malformed, and is
  reported rather than guessed;
- anything else is text (None).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

DASHES = frozenset({"-", "—", "－", "–", "―", "─", "——", "--", "/", "无"})

# Well-formed: optional sign, either grouped thousands (1,234,567) or plain digits, optional decimals.
_WELL_FORMED = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?$")
# Looks numeric at all: digits with separators, optional sign/percent. Used to tell garbled from text.
_NUMERIC_SHAPE = re.compile(r"^[+-]?[\d,.]*\d[\d,.]*%?$")
# Far beyond any budget figure (10^20 元), and within Decimal's 28 digits once a check adds tolerances:
# longer numbers are hostile or broken input, reported rather than computed with.
MAX_INTEGER_DIGITS = 20
MAX_DECIMALS = 20


@dataclass(frozen=True, slots=True)
class Amount:
    """A number as displayed: its exact value, how many decimals were shown, and whether it had a %."""

    value: Decimal
    decimals: int
    percent: bool = False

    def display(self) -> str:
        text = f"{self.value:,.{self.decimals}f}"
        return text + "%" if self.percent else text


@dataclass(frozen=True, slots=True)
class Garbled:
    """Text shaped like a number that cannot be read as one without guessing."""

    text: str
    reason: str


class _Blank:
    __slots__ = ()

    def __repr__(self) -> str:
        return "BLANK"


BLANK = _Blank()

# The problem of a formula cell whose value was never stored: its text is the formula (=SUM(D8:I8)).
NO_CACHE = "公式无缓存值"

Parsed = Amount | Garbled | _Blank | None


def normalise_text(text: str) -> str:
    """NFKC (full-width digits, brackets and spaces become ASCII) and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


@lru_cache(maxsize=65536)  # pure, and the same texts ("0.00", "") fill most cells
def parse_number(text: str) -> Parsed:
    """Classify one cell's text. Never raises; never turns a malformed number into a value."""
    raw = normalise_text(text)
    if not raw or raw in DASHES or set(raw) <= {"…", "."}:  # "………" marks omitted lines in templates
        return BLANK
    # NFKC leaves the typographic minus (U+2212) alone; it is a minus sign all the same.
    compact = raw.replace(" ", "").replace("\u2212", "-")
    negative = False
    if len(compact) > 2 and compact[0] == "(" and compact[-1] == ")":
        negative, compact = True, compact[1:-1]
    percent = compact.endswith("%")
    if percent:
        compact = compact[:-1]
    if not _NUMERIC_SHAPE.match(compact + ("%" if percent else "")):
        return None
    match = _WELL_FORMED.match(compact)
    if match is None:
        return Garbled(raw, _garbled_reason(compact))
    frac = match.group("frac") or ""
    digits = match.group("int").replace(",", "")
    too_long = _too_long(digits, frac)
    if too_long:
        return Garbled(raw, too_long)
    value = Decimal(f"{digits}.{frac}" if frac else digits)
    if match.group("sign") == "-":
        value = -value
    if negative:
        if match.group("sign"):
            return Garbled(raw, "括号负数内又带正负号")
        value = -value
    return Amount(value, len(frac), percent)


def _too_long(digits: str, frac: str) -> str | None:
    if len(digits.lstrip("0")) > MAX_INTEGER_DIGITS:
        return f"整数部分有 {len(digits):,} 位数字，超过 {MAX_INTEGER_DIGITS} 位的上限"
    if len(frac) > MAX_DECIMALS:
        return f"有 {len(frac):,} 位小数，超过 {MAX_DECIMALS} 位的上限"
    return None


def _garbled_reason(compact: str) -> str:
    if compact.count(".") > 1:
        return "含多个小数点"
    if "," in compact:
        return "千分位分隔符位置错误"
    return "数字格式无法识别"
