"""`kind: empty_table_note`: a table published empty says why (本单位无…, 故本表为空); with
`with_data: true`, the opposite: a table with figures must not say it is empty."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from ..findings import Finding, Location
from .common import CheckKind, RuleRun, Strict


class EmptyTableNoteCheck(Strict):
    kind: Literal["empty_table_note"]
    tables: list[str]
    note: str  # regex a 说明 must match
    with_data: bool = False  # report a table that has figures and a note matching `note`


def evaluate(check: EmptyTableNoteCheck, run: RuleRun) -> Iterator[Finding]:
    pattern = re.compile(check.note)
    for table in run.document.tables:
        if table.kind in check.tables:
            run.outcome.evaluated += 1
            noted = any(pattern.search(n.text) for n in table.notes)
            if (table.has_data() and noted) if check.with_data else (not table.has_data() and not noted):
                location = Location(table=table.label or table.kind, table_title=table.title, source=table.source)
                yield run.finding([location])
    if run.outcome.evaluated == 0:
        run.outcome.skip("文件中没有相关表格")


KIND = CheckKind(EmptyTableNoteCheck, evaluate)
