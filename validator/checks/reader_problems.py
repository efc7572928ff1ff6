"""`kind: reader_problems`: what the reader could not read is a finding, never silently dropped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..findings import Finding, Location
from .common import CheckKind, RuleRun, Strict, table_title


class ReaderProblemsCheck(Strict):
    """Parts of a file the reader could not read: each is a finding, never skipped. `scope: document`
    for whole pages (scanned), `tables` for rows a table's reader could not place (自评表)."""

    kind: Literal["reader_problems"]
    scope: Literal["document", "tables"] = "document"


def evaluate(check: ReaderProblemsCheck, run: RuleRun) -> Iterator[Finding]:
    run.outcome.evaluated += 1
    document = run.document
    if check.scope == "document":
        problems = [(p, None) for p in document.problems]
    else:
        problems = [(p, t) for t in document.tables for p in t.problems]
    for problem, table in problems:
        location = Location(source=problem.source) if table is None else Location(
            table=table.label or table.kind, table_title=table_title(table), source=problem.source)
        yield run.finding([location], reason=problem.text)


KIND = CheckKind(ReaderProblemsCheck, evaluate)
