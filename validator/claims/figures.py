"""Figures: a number with its unit, as written, and where it stands.

A figure is a number with its unit: "912.87万元", "35.81%", "91 人次", "2600亩". Units are kept as
written (万元, 元 and 亿元 stay distinct; "21.78 万" has the unit 万); the units and their families are
in rules/vocabulary.yaml. Not figures: dates and document numbers (2023年, 6 月, 30 日, 〔2020〕10号,
第13次, 2010-2018年度, 2.6.17 or 2022.12.31 with two dots), list ordinals (1. 1、 （1）), ranges
(110-400mm, 0-6岁), numbers glued to Latin letters (PM2.5, UPS1, 1F), and unit-less integers of
seven digits or more (telephone numbers, codes). Malformed numbers ("5,00.00万元") are figures whose
`parsed` is `Garbled`.

Locations: `Figure.source` is the line's source with `column` at the first character; `span` is
[start, end) in that line's text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..model import Source, TextLine
from ..numbers import Parsed, parse_number
from .vocabulary import vocabulary

DIGITS = "0-9０-９"
_LATIN = re.compile(r"[A-Za-z]+")
_NUMBER = re.compile(rf"(?<![{DIGITS}.．,])[{DIGITS}]+(?:[.．,][{DIGITS}]+)*")
_RANGE = "-—–~～"
_ORDINAL_BEFORE = "。；;：:>）)"
LONG_CODE_DIGITS = 7  # a unit-less integer this long is a telephone number or a code, not an amount


@dataclass(frozen=True, slots=True)
class Figure:
    text: str  # as written: "912.87万元", "35.81%", "3人"
    parsed: Parsed  # the number alone, through numbers.parse_number: Amount, or Garbled for "5,00.00"
    unit: str  # "万元" "元" "亿元" "%" "人" "人次" "项" "个" "分" … ("" if none)
    source: Source  # column = 1-based column of the first character
    span: tuple[int, int]  # [start, end) in the line's text


def family_of(unit: str) -> str:
    """"money", "people" or "percent" for the units that compare with others; else the unit itself."""
    return vocabulary().unit_family.get(unit, unit)


def past_spaces(text: str, i: int) -> int:
    """The first offset at or after i that is not an ASCII space (slicing and lstrip() would copy the
    rest of a paragraph for every figure: quadratic)."""
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _before_spaces(text: str, i: int) -> int:
    """The offset just after the last character before i that is not an ASCII space."""
    while i > 0 and text[i - 1] == " ":
        i -= 1
    return i


def _unit_after(text: str, end: int) -> tuple[str, int] | None:
    """The unit written after a number ending at `end` (spaces allowed): (unit, end of unit).

    ("", end) when none; None when the number is glued to Latin letters that are not a unit (1F, 5G).
    """
    i = past_spaces(text, end)
    latin = _LATIN.match(text, i)
    if latin:
        if i == end and latin.group() in vocabulary().words.units.latin:
            return latin.group(), latin.end()
        return None if i == end else ("", end)
    unit = _any_unit(vocabulary().units).match(text, i)
    return (unit.group(), unit.end()) if unit else ("", end)


@cache
def _any_unit(units: tuple[str, ...]) -> re.Pattern[str]:
    """The units as one pattern, tried in their order (longest first), as a loop over them would;
    one match instead of a test per unit after every number."""
    return re.compile("|".join(map(re.escape, units)) if units else "(?!)")


def _is_figure(text: str, start: int, end: int, unit: str) -> bool:
    """False for the numbers prose is full of that are not quantities: dates, codes, ordinals, ranges."""
    number = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    next_at = past_spaces(text, end)
    next_char = text[next_at:next_at + 1]
    if number.count(".") + number.count("．") > 1:
        return False  # 2022.12.31, 6.16.17 (groups 6, 16, 17)
    if before and (before.isascii() and before.isalpha() or before in "〔[【"):
        return False  # PM2.5, O3; 〔2020〕
    if text.endswith("第", 0, _before_spaces(text, start)):
        return False
    if next_char and next_char in vocabulary().words.not_figures_before:
        return False
    if before and before in _RANGE and start >= 2 and text[start - 2].isdigit():
        return False
    if after and after in _RANGE and end + 1 < len(text) and text[end + 1].isdigit():
        return False
    if not unit and after and after in ".．":
        return False  # "1." ordinal (decimals are already part of the number)
    if not unit and after == "、" and (start == 0 or before in _ORDINAL_BEFORE or before.isspace()):
        return False  # "1、" at the start of a clause
    if before and after and before in "（(" and after in "）)":
        return False  # "（1）"
    if unit != "" or "." in number or "．" in number:
        return True
    digits = re.sub(r"\D", "", number)
    return len(digits) < LONG_CODE_DIGITS and not (len(digits) > 1 and digits.startswith("0"))


def has_number(text: str) -> bool:
    """Whether the text has a number in it: without one, it has no figure."""
    return _NUMBER.search(text) is not None


def scan(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end of figure text, unit) of every figure in `text`."""
    for match in _NUMBER.finditer(text):
        found = _unit_after(text, match.end())
        if found is None:
            continue
        unit, end = found
        if _is_figure(text, match.start(), match.end(), unit):
            yield match.start(), (end if unit else match.end()), unit


def make_figure(text: str, start: int, end: int, unit: str, line: TextLine, at: int) -> Figure:
    """The figure text[start:end] with its unit, found at offset `at` of `line`."""
    number_end = start + len(_NUMBER.match(text, start).group())
    percent = family_of(unit) == "percent"
    number = text[start:number_end] + ("%" if percent else "")
    return Figure(text=text[start:end], parsed=parse_number(number), unit="%" if percent else unit,
                  source=at_column(line, at), span=(at, at + end - start))


def at_column(line: TextLine, offset: int) -> Source:
    """The line's source moved to the column `offset` characters in (built field by field: a figure of
    the prose and every mention of a subject has one, and `dataclasses.replace` takes ten times as long)."""
    source = line.source
    return Source(source.line, (source.column or 1) + offset, source.page, source.bbox, source.sheet, source.cell,
                  source.hidden, source.confidence)


def figures_in(line: TextLine) -> list[Figure]:
    """Every figure (number with its unit) in one line, as written; malformed ones parse as Garbled."""
    return [make_figure(line.text, start, end, unit, line, start) for start, end, unit in scan(line.text)]
