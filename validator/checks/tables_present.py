"""`kind: tables_present`: a complete disclosure has every table it must publish."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from ..findings import Finding, Location
from .common import CheckKind, RuleRun, Strict


class TablesPresentCheck(Strict):
    kind: Literal["tables_present"]
    tables: list[str]
    when: str  # the kind whose presence marks a complete disclosure


def evaluate(check: TablesPresentCheck, run: RuleRun) -> Iterator[Finding]:
    kinds = run.file.catalogue.kinds
    for resolver in run.file.resolvers:
        if check.when not in resolver.tables:
            sort = kinds[check.when].document or "决算"
            run.outcome.skip(f"不是完整的{sort}公开（没有{kinds[check.when].name}）")
            continue
        run.outcome.evaluated += 1
        anchor = resolver.tables[check.when]
        for kind in check.tables:
            if kind not in resolver.tables:
                name = kinds[kind].name if kind in kinds else kind
                location = Location(table=kind, table_title=name, source=anchor.source)
                yield run.finding([location], missing=name)


KIND = CheckKind(TablesPresentCheck, evaluate)
