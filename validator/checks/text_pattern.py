"""`kind: text_pattern`: words that must not be published (template placeholders left in)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import field_validator

from ..findings import Finding, Location
from ..model import Document, Source, Table
from .common import CheckKind, RuleRun, Strict, regex_error


class TextPatternCheck(Strict):
    kind: Literal["text_pattern"]
    patterns: list[str]

    @field_validator("patterns")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            if problem := regex_error(pattern):
                raise ValueError(problem)
        return patterns


def evaluate(check: TextPatternCheck, run: RuleRun) -> Iterator[Finding]:
    patterns = [re.compile(p) for p in check.patterns]
    for text, source, table in _texts(run.document):
        run.outcome.evaluated += 1
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                where = Source(line=source.line, column=(source.column or 1) + match.start(), page=source.page,
                               bbox=source.bbox, sheet=source.sheet, cell=source.cell) if source.line else source
                location = Location(table=(table.label or table.kind) if table else None,
                                    table_title=table.title if table else None, value=match.group(0),
                                    source=where)
                yield run.finding([location], text=match.group(0))
                break


def _texts(document: Document) -> Iterator[tuple[str, Source, Table | None]]:
    """Every piece of wording of a file: narrative lines, table titles, meta, notes and row labels."""
    for line in document.text:
        yield line.text, line.source, None
    for table in document.tables:
        yield table.title, table.source, table
        for key, value in table.meta.items():
            yield f"{key}:{value}", table.source, table
        for note in table.notes:
            yield note.text, note.source, table
        for row in table.rows:
            if row.label:
                yield row.label, row.source, table


KIND = CheckKind(TextPatternCheck, evaluate)
