"""`kind: heading_words`: words a heading must not use in a document of a level (a 单位预算 whose part
titles say 部门预算). The headings are the table titles, the 目录 and the part titles
(validator.identity.headings); the document's level is validator.document_kind's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import field_validator

from ..findings import Finding, Location
from ..identity import headings
from .common import CheckKind, RuleRun, Strict, regex_error


class HeadingWordsCheck(Strict):
    kind: Literal["heading_words"]
    # level (部门 or 单位) -> patterns a heading of a document of that level must not match
    words: dict[Literal["部门", "单位"], list[str]]

    @field_validator("words")
    @classmethod
    def _compiles(cls, words: dict[str, list[str]]) -> dict[str, list[str]]:
        for pattern in (p for patterns in words.values() for p in patterns):
            if problem := regex_error(pattern):
                raise ValueError(problem)
        return words


def evaluate(check: HeadingWordsCheck, run: RuleRun) -> Iterator[Finding]:
    kind = run.document.kind or ""
    patterns = [re.compile(p) for p in check.words.get(kind[:2], [])]  # type: ignore[call-overload]
    if not patterns:
        run.outcome.skip("文件未写明是部门还是单位的预算、决算")
        return
    for heading in headings(run.document):
        run.outcome.evaluated += 1
        match = next((m for p in patterns if (m := p.search(heading.text))), None)
        if match:
            table = heading.table
            location = Location(table=(table.label or table.kind) if table else None,
                                table_title=table.title if table else None, value=match.group(0),
                                source=heading.source)
            yield run.finding([location], text=match.group(0), subject=kind)


KIND = CheckKind(HeadingWordsCheck, evaluate)
