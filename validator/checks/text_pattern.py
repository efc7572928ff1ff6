"""`kind: text_pattern`: words that must not be published (template placeholders left in)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import field_validator

from ..findings import Finding, Location
from ..model import Document, Source, Table
from .common import CheckKind, RuleRun, Strict, regex_error
from .required_characters import required_characters


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
    wording = run.file.once(_wording_of)
    run.outcome.evaluated += len(wording)
    first_match: dict[int, re.Match[str]] = {}  # text index -> the match of the first pattern found in it
    for pattern in (re.compile(p) for p in check.patterns):
        for i in _may_match(wording, required_characters(pattern)):
            if i not in first_match and (match := pattern.search(wording[i][0])):
                first_match[i] = match
    for i in sorted(first_match):
        match, (_, _, source, table) = first_match[i], wording[i]
        where = Source(line=source.line, column=(source.column or 1) + match.start(), page=source.page,
                       bbox=source.bbox, sheet=source.sheet, cell=source.cell) if source.line else source
        location = Location(table=(table.label or table.kind) if table else None,
                            table_title=table.title if table else None, value=match.group(0), source=where)
        yield run.finding([location], text=match.group(0))


Wording = list[tuple[str, frozenset[str], Source, Table | None]]


def _wording_of(document: Document) -> Wording:
    """Every piece of wording of a file with the characters in it (which tell the patterns that cannot
    match it), once for all the rules that read them."""
    return [(text, frozenset(text), source, table) for text, source, table in _wording(document)]


def _may_match(wording: Wording, required: tuple[frozenset[str], ...]) -> list[int]:
    """The indexes of the texts holding a character of every required set (a list comprehension per set,
    not a test per text and pattern)."""
    indexes = list(range(len(wording)))
    for characters in required:
        indexes = [i for i in indexes if not wording[i][1].isdisjoint(characters)]
    return indexes


def _wording(document: Document) -> Iterator[tuple[str, Source, Table | None]]:
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
