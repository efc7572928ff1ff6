"""`kind: unit_name`: the unit named in the table headings (编制部门/部门/单位 lines) and in the part
titles ("第二部分 XX 2017 年度部门预算表", "第一部分 XX概况") is the unit on the cover.

A name cut short or run into the next word by the text layer (江苏省高级人民法, …法院元) is the same name;
so is a full name beside its abbreviation (中国共产党江苏省委员会办公厅, 江苏省委办公厅: every character of
the shorter in order in the longer) and a name with more before it (中共江苏省委办公厅). Reported: a name
missing the beginning of the cover's (省委办公厅 for 江苏省委办公厅), 与 written for 和 (or the reverse),
and, in a 单位 document only, another unit (a 部门 document names its subordinate units).
No cover name read, nothing judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..findings import Finding, Location

from ..identity import UNIT_END, compact, cover_unit, heading_unit, headings
from .common import CheckKind, RuleRun, Strict

_PARTY = ("中共", "中国共产党")  # a name with or without the party's name is one unit
_SHORTEST = 4  # characters: a shorter name is no unit's name


class UnitNameCheck(Strict):
    kind: Literal["unit_name"]


def evaluate(check: UnitNameCheck, run: RuleRun) -> Iterator[Finding]:
    document = run.document
    found = cover_unit(document)
    if found is None:
        run.outcome.skip("封面上没有读出单位名称")
        return
    name, _ = found
    level = (document.kind or "")[:2]
    for other, place in _named_units(run):
        run.outcome.evaluated += 1
        reason = difference(name, other, level)
        if reason:
            yield run.finding([place], text=other, subject=name, reason=reason)


def _named_units(run: RuleRun) -> Iterator[tuple[str, Location]]:
    for table in run.document.tables:
        unit = table.meta.get("单位")
        if unit:
            yield compact(unit), Location(table=table.label or table.kind, table_title=table.title, value=unit,
                                          source=table.source)
    for heading in run.file.once(headings):
        named = heading_unit(heading.text) if heading.table is None and not heading.on_cover else None
        if named:
            yield named[0], Location(value=heading.text, source=heading.source)


def difference(cover_name: str, other: str, level: str) -> str | None:
    """What is wrong with `other` as the name of the unit on the cover, or None."""
    if len(other) < _SHORTEST or not UNIT_END.search(other):
        return None  # no unit's name (a 金额单位 read as 单位)
    if cover_name.startswith(other) or other.startswith(cover_name):
        return None  # the same name, cut short or run into the next word
    if cover_name.replace("与", "和") == other.replace("与", "和"):
        return "把“和”写成了“与”" if "与" in other else "把“与”写成了“和”"
    if cover_name.endswith(other) and cover_name[:-len(other)] not in _PARTY:
        return f"少了开头的“{cover_name[:-len(other)]}”"
    if other.endswith(cover_name) or _abbreviates(cover_name, other) or _abbreviates(other, cover_name):
        return None
    return "是另一个单位的名称" if level == "单位" else None


def _abbreviates(short: str, full: str) -> bool:
    rest = iter(full)
    return all(char in rest for char in short)


KIND = CheckKind(UnitNameCheck, evaluate)
