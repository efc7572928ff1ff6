"""`kind: level_words`: words a 部门 or 单位 document must not use of itself (a 单位预算 whose part titles
say 部门预算, or whose narrative says "部门预算安排购置车辆"). `headings` are searched in the table titles,
the 目录 and the part titles (validator.identity.headings), `prose` in every line of text; each maps
the document's level (validator.document_kind) to its patterns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, field_validator

from ..findings import Finding, Location
from ..identity import headings
from ..model import Source, Table
from .common import CheckKind, RuleRun, Strict, regex_error

Level = Literal["部门", "单位"]


class LevelWordsCheck(Strict):
    kind: Literal["level_words"]
    headings: dict[Level, list[str]] = Field(default_factory=dict)
    prose: dict[Level, list[str]] = Field(default_factory=dict)

    @field_validator("headings", "prose")
    @classmethod
    def _compiles(cls, words: dict[str, list[str]]) -> dict[str, list[str]]:
        for pattern in (p for patterns in words.values() for p in patterns):
            if problem := regex_error(pattern):
                raise ValueError(problem)
        return words


def evaluate(check: LevelWordsCheck, run: RuleRun) -> Iterator[Finding]:
    kind = run.document.kind or ""
    level = kind[:2]
    in_headings = [re.compile(p) for p in check.headings.get(level, [])]  # type: ignore[call-overload]
    in_prose = [re.compile(p) for p in check.prose.get(level, [])]  # type: ignore[call-overload]
    if not in_headings and not in_prose:
        run.outcome.skip("文件未写明是部门还是单位的预算、决算")
        return
    places = [(h.text, h.source, h.table, in_headings) for h in run.file.once(headings)]
    places += [(line.text, line.source, None, in_prose) for line in run.document.text]
    for text, source, table, patterns in places:
        run.outcome.evaluated += 1
        match = next((m for p in patterns if (m := p.search(text))), None)
        if match:
            yield run.finding([_place(match.group(0), source, table)], text=match.group(0), subject=kind)


def _place(value: str, source: Source, table: Table | None) -> Location:
    return Location(table=(table.label or table.kind) if table else None, table_title=table.title if table else None,
                    value=value, source=source)


KIND = CheckKind(LevelWordsCheck, evaluate)
