"""The parts of a disclosure (rules/parts.yaml): which a kind of document must have, where each is in
a document, and which part a finding belongs to (the rows of a reviewer's check-sheet).

A part is found by its heading (a short line of the prose outside the 目录), by its table, or, for the
cover, by what precedes the 目录. Positions compare as (page, line, top): one document gives either
pages (PDF) or lines (text, YAML).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from . import builtin_cache
from .catalogue import Catalogue, DocumentSort
from .contents import Contents, read_contents
from .findings import Finding
from .labels import normalise
from .model import Document, Source, TextLine
from .packs import builtin_rules_dir

PARTS_FILE = "parts.yaml"
# A heading is a short line: a wrapped line of prose that happens to end in 名词解释 is longer
_HEADING_LENGTH = 40
# The tail of a heading printed on a line of its own (…2024年度部门决算情况 / 说明)
_HEADING_TAIL = 8
_PART_ORDINAL = re.compile(r"^(?:第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十]+[)）]|\d{1,2}[、.．](?!\d))")
_CLOSING = "。．.;；"
# A note after a heading: 二、部门决算单位构成（仅有一个单位的部门，本部分内容为“机构设置”）
_HEADING_NOTE = re.compile(r"[(（][^)）]*[)）]?$")
_COVER_TITLE = re.compile(r"\d{4}.*(?:预算|决算)")


class _PartSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    name: str
    headings: list[str] = Field(default_factory=list)
    table: str | None = None
    cover: bool = False
    contents: bool = False
    required: list[str] = Field(default_factory=list)
    rules: list[str] = Field(default_factory=list)


class _PartsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: dict[DocumentSort, list[_PartSpec]]


@dataclass(frozen=True)
class Part:
    id: str
    name: str
    headings: tuple[re.Pattern[str], ...] = ()
    table: str | None = None  # a table kind: the part is that table
    cover: bool = False
    contents: bool = False
    required: tuple[str, ...] = ()  # the kinds of document that must have it (部门预算 …)
    rules: tuple[str, ...] = ()  # rule id prefixes whose findings belong to it

    def required_for(self, kind: str | None) -> bool:
        """Whether a document of this kind must have it; a kind without its level (预算) takes what
        every level requires."""
        if not kind:
            return False
        if kind in ("预算", "决算"):
            return bool(self.required) and all(k.endswith(kind) for k in self.required)
        return kind in self.required

    def names_heading(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.headings)


@cache
def builtin_parts() -> dict[str, tuple[Part, ...]]:
    """The parts of each sort of document (预算, 决算), in the check-sheet's order."""
    text = builtin_rules_dir().joinpath(PARTS_FILE).read_text(encoding="utf-8")
    data = builtin_cache.parsed(f"rules/{PARTS_FILE}", text, _parsed)
    parsed = _PartsFile.model_validate(data)
    return {sort: tuple(Part(s.id, s.name, tuple(re.compile(f"(?:{h})[{_CLOSING}]?$") for h in s.headings),
                             s.table, s.cover, s.contents, tuple(s.required), tuple(s.rules)) for s in specs)
            for sort, specs in parsed.documents.items()}


def _parsed(name: str, text: str) -> Any:
    from .yamlnodes import load_rule_yaml  # PyYAML only when the cache has no parse of the file

    return load_rule_yaml(name, text, "组成部分目录")[0]


def parts_of(kind: str | None) -> tuple[Part, ...]:
    """The parts of a document of this kind (部门预算, 决算 …); none when its kind is unknown."""
    return builtin_parts().get(kind[-2:], ()) if kind else ()  # type: ignore[call-overload]


def position(source: Source) -> tuple[float, float, float]:
    """Where a place is in reading order: page, line, then its top on the page."""
    return (source.page or 0, source.line or 0, source.bbox[1] if source.bbox else 0)


@dataclass(frozen=True)
class Layout:
    """Where each part of one document starts (a part not found is absent), and its 目录."""

    parts: tuple[Part, ...]
    found: dict[str, Source]  # part id -> where it starts
    contents: Contents | None

    def missing(self, kind: str | None) -> list[Part]:
        return [p for p in self.parts if p.required_for(kind) and p.id not in self.found]

    def owner(self, finding: Finding, catalogue: Catalogue) -> Part | None:
        """The part a finding belongs to: the part it names, its rule's part, its table's part, else
        the part whose span holds its place; None for a finding with no place in any part."""
        first = finding.locations[0] if finding.locations else None
        for part in self.parts:
            if first is not None and first.value == part.name and first.table is None:
                return part
        for part in self.parts:
            if any(finding.rule.startswith(prefix) for prefix in part.rules):
                return part
        if first is None:
            return None
        kind = first.table if first.table in catalogue.kinds else catalogue.kind_of(first.table_title or "")
        for part in self.parts:
            if part.table and part.table == kind:
                return part
        return self._part_at(first.source)

    def _part_at(self, source: Source) -> Part | None:
        if source == Source():
            return None
        here = position(source)
        before = [(position(s), part_id) for part_id, s in self.found.items() if position(s) <= here]
        if not before:
            return None
        part_id = max(before)[1]
        return next(p for p in self.parts if p.id == part_id)


def layout(document: Document) -> Layout:
    parts = parts_of(document.kind)
    lines = _prose(document)
    contents = read_contents(lines, lambda text: _part_named(parts, heading_text(text)))
    found: dict[str, Source] = {}
    for part in parts:
        if part.table:
            tables = document.tables_of(part.table)
            if tables:
                found[part.id] = tables[0].source
        elif part.contents and contents:
            found[part.id] = contents.heading.source
    cover = _cover(lines, contents)
    for part in parts:
        if part.cover and cover:
            found[part.id] = cover
    skipped = contents.lines if contents else frozenset()
    for line, text in _heading_candidates(lines, skipped):
        for part in parts:
            if part.headings and part.id not in found and part.names_heading(text):
                found[part.id] = line.source
                break
    return Layout(parts, found, contents)


def _prose(document: Document) -> list[TextLine]:
    """The lines of prose in reading order, the notes under tables included: a PDF reader may take
    the heading printed under a table's last row for a note of it."""
    notes = [TextLine(n.text, n.source) for t in document.tables for n in t.notes]
    if not notes:
        return document.text
    return sorted([*document.text, *notes], key=lambda line: position(line.source))


def _part_named(parts: tuple[Part, ...], text: str) -> str | None:
    return next((p.id for p in parts if p.headings and p.names_heading(text)), None)


def heading_text(text: str) -> str:
    """A line as a heading: normalised, its ordinal (一、, 第三部分) left out."""
    return _HEADING_NOTE.sub("", _PART_ORDINAL.sub("", normalise(text)))


def _heading_candidates(lines: list[TextLine], skipped: frozenset[int]) -> list[tuple[TextLine, str]]:
    """The short lines outside the 目录, each also joined with a short next line on the same page."""
    candidates = []
    for index, line in enumerate(lines):
        if index in skipped:
            continue
        text = heading_text(line.text)
        if not text or len(text) > _HEADING_LENGTH:
            continue
        candidates.append((line, text))
        following = lines[index + 1] if index + 1 < len(lines) else None
        if following is not None and following.source.page == line.source.page and text[-1] not in _CLOSING:
            tail = normalise(following.text)
            if 0 < len(tail) <= _HEADING_TAIL:
                candidates.append((line, text + tail))
    return candidates


def _cover(lines: list[TextLine], contents: Contents | None) -> Source | None:
    """The cover: whatever precedes the 目录 (a cover drawn as outlines, or scanned, has no text but
    perhaps its page number), or a title with a year among the first lines of a document without one."""
    if contents is not None:
        if contents.first_line > 0:
            return lines[0].source
        page = contents.heading.source.page
        return Source(page=1) if page and page > 1 else None
    title = next((ln for ln in lines[:5] if _COVER_TITLE.search(normalise(ln.text))), None)
    return title.source if title else None
