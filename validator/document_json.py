"""A Document as JSON and back, exactly (every cell's text, parsed value and source), for the budgets a run
compares with each other: kept on disk until the end of the run (validator.kept_documents) and in the
cache (validator.cache), where JSON is the rule.

Not `budgetlint parse`'s canonical form (readers/structured.py): that one is written to be read and
edited, and what reads it back classifies the cells and tables again; this one restores what was
read, field by field, each object as a list of its fields in order. The path is left out: the file's
name is kept beside it, and a cached file may be found again under another one.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .model import Cell, Column, Document, Note, Row, Source, Table, TextLine
from .numbers import BLANK, Amount, Garbled, Parsed

_NOWHERE = Source()
_SOURCE_FIELDS = 8  # Source's fields; an unset tail is left out


def dumps(document: Document) -> str:
    return json.dumps([document.format, document.kind, [_table(t) for t in document.tables],
                       [_note(line) for line in document.text], [_note(p) for p in document.problems],
                       document.empty_pages], ensure_ascii=False, separators=(",", ":"))


def loads(text: str, path: str) -> Document:
    format_, kind, tables, lines, problems, empty_pages = json.loads(text)
    return Document(path, format_, [_to_table(t) for t in tables], [TextLine(*_to_note(n)) for n in lines],
                    [Note(*_to_note(p)) for p in problems], kind, empty_pages)


def _source(source: Source) -> list[Any] | None:
    if source == _NOWHERE:
        return None
    fields = [source.line, source.column, source.page, source.bbox, source.sheet, source.cell, source.hidden,
              source.confidence]
    while fields[-1] in (None, ()):
        fields.pop()
    return fields


def _to_source(fields: list[Any] | None) -> Source:
    if fields is None:
        return Source()
    fields += [None] * (_SOURCE_FIELDS - len(fields))
    bbox, hidden = fields[3], fields[6]
    return Source(*fields[:3], tuple(bbox) if bbox is not None else None, *fields[4:6], tuple(hidden or ()), fields[7])


def _parsed(parsed: Parsed) -> Any:
    """None, "blank", ["a", value, decimals, percent] or ["g", text, reason]."""
    if isinstance(parsed, Amount):
        return ["a", str(parsed.value), parsed.decimals, parsed.percent]
    if isinstance(parsed, Garbled):
        return ["g", parsed.text, parsed.reason]
    return None if parsed is None else "blank"


def _to_parsed(data: Any) -> Parsed:
    if data is None:
        return None
    if data == "blank":
        return BLANK
    if data[0] == "a":
        return Amount(Decimal(data[1]), data[2], data[3])
    return Garbled(data[1], data[2])


def _note(note: Note | TextLine) -> list[Any]:
    return [note.text, _source(note.source)]


def _to_note(data: list[Any]) -> tuple[str, Source]:
    return data[0], _to_source(data[1])


def _table(table: Table) -> list[Any]:
    columns = [[c.index, c.header, c.number, c.role, c.segment] for c in table.columns]
    rows = [[r.label, r.key, r.ordinal, r.row_no, r.code, r.segment, r.position, _source(r.source),
             [[index, c.text, _parsed(c.parsed), _source(c.source), c.precision] for index, c in r.cells.items()],
             r.group] for r in table.rows]
    return [table.kind, table.title, table.label, columns, rows, _source(table.source),
            [_note(n) for n in table.notes], table.meta, [_note(p) for p in table.problems]]


def _to_table(data: list[Any]) -> Table:
    kind, title, label, columns, rows, source, notes, meta, problems = data
    return Table(kind, title, label, [Column(i, tuple(header), *rest) for i, header, *rest in columns],
                 [_to_row(r) for r in rows], _to_source(source), [Note(*_to_note(n)) for n in notes], meta,
                 [Note(*_to_note(p)) for p in problems])


def _to_row(data: list[Any]) -> Row:
    label, key, ordinal, row_no, code, segment, position, source, cells, group = data
    return Row(label, key, ordinal, row_no, code, segment, position, _to_source(source),
               {index: Cell(text, _to_parsed(parsed), _to_source(where), precision)
                for index, text, parsed, where, precision in cells}, group)
