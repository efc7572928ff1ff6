"""`kind: text_pattern`: words that must not be published (template placeholders left in)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import accumulate
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
    wording = run.file.once(_Wording)
    run.outcome.evaluated += len(wording.places)
    first_match: dict[int, re.Match[str]] = {}  # text index -> the match of the first pattern found in it
    for pattern in (re.compile(p) for p in check.patterns):
        for i in wording.may_match(required_characters(pattern)):
            if i not in first_match and (match := pattern.search(wording.places[i][0])):
                first_match[i] = match
    for i in sorted(first_match):
        match, (_, source, table) = first_match[i], wording.places[i]
        where = Source(line=source.line, column=(source.column or 1) + match.start(), page=source.page,
                       bbox=source.bbox, sheet=source.sheet, cell=source.cell) if source.line else source
        location = Location(table=(table.label or table.kind) if table else None,
                            table_title=table.title if table else None, value=match.group(0), source=where)
        yield run.finding([location], text=match.group(0))


_MOST_CHARACTERS = 8  # a longer set costs a count of each character over the whole wording


class _Wording:
    """Every piece of wording of a file, and all of it in one string, so that the texts holding a
    character are found by searching that string once (a set of each text's characters would cost more
    than the patterns it spares), once for all the rules that read them."""

    def __init__(self, document: Document) -> None:
        self.places = list(_wording(document))
        self.joined = "\n".join(text for text, _, _ in self.places)
        self.starts = list(accumulate((len(text) + 1 for text, _, _ in self.places[:-1]), initial=0))

    def may_match(self, required: tuple[frozenset[str], ...]) -> Iterable[int]:
        """The indexes, in order, of the texts holding a character of every required set (and perhaps a
        few more: a set found in most texts is not looked for, a separator may be taken for the text before)."""
        candidates: set[int] | None = None
        for characters in required:
            holding = self._holding(characters)
            if holding is not None:
                candidates = holding if candidates is None else candidates & holding
        return range(len(self.places)) if candidates is None else sorted(candidates)

    def _holding(self, characters: frozenset[str]) -> set[int] | None:
        """The indexes of the texts holding one of the characters; None when they are too many to count
        (a range such as [0-9]) or too common to pay."""
        joined, starts = self.joined, self.starts
        if len(characters) > _MOST_CHARACTERS or sum(map(joined.count, characters)) > len(starts):
            return None
        found = set()
        for character in characters:
            at = joined.find(character)
            while at != -1:
                found.add(bisect_right(starts, at) - 1)
                at = joined.find(character, at + 1)
        return found


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
