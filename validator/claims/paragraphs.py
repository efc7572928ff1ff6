"""Paragraphs, sentences and the words naming each figure.

A line that does not end a sentence (。！？) and is long (a wrapped line of a PDF extraction) or ends
with ，、：；（ is joined with the next line, so "决算收入为 82919.95 万元，其中：一般公共" + "预算财政拨款
收入 32639.75 万元" is one sentence. Short lines ("概况", "题") are headings and are never joined. A
line holding tabs is a table row: each cell is read on its own. HTML tags (<p>) and 。！？ end
sentences; ，；、 do not. A figure continued on the next line(s) keeps counting as if the lines were
one (its `end` may pass the end of its first line).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from ..model import TextLine
from .figures import Figure, family_of, has_number, make_figure, scan
from .vocabulary import vocabulary

SENTENCE_END = "。！？!?"
WRAPPED_LINE = 20  # characters: a line at least this long that stops mid-sentence was wrapped
JOINED_GAP = 2  # lines apart (one blank line between) that may still be one paragraph
_CONTINUES = "，、：；（(“,:;"
CLAUSE_END = "，,；;。！？!?：:、\t<>"
OPEN, CLOSE = "（(", "）)"
_BRACKET = re.compile(f"[{re.escape(OPEN + CLOSE)}]")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)[^，,。；;]*$")
_ORDINAL = re.compile(r"(?:^|(?<=[^0-9A-Za-z.．]))\d{1,2}\s*[.．、]\s*(?![0-9])")


@dataclass(slots=True)
class Token:
    """A figure found in a paragraph, with its place and the words naming it."""

    figure: Figure
    start: int  # paragraph offsets of the figure's text
    end: int
    label: str  # the words before it, back to the clause boundary
    label_start: int
    depth: int  # bracket depth inside its sentence
    floor: int  # where its words may begin at the earliest: the previous figure's end or the sentence start

    @property
    def unit(self) -> str:
        return self.figure.unit

    @property
    def family(self) -> str:
        return family_of(self.unit)

    @property
    def is_amount(self) -> bool:
        """A quantity with a unit that is not a percentage: what totals, parts and bases are."""
        return bool(self.unit) and self.family != "percent"

    @property
    def is_percent(self) -> bool:
        return self.family == "percent"


@dataclass(slots=True)
class Paragraph:
    """A paragraph read into sentences and figures. Places are found by bisection, not by scanning:
    a hostile paragraph of 200,000 characters holds thousands of sentences and figures."""

    text: str
    pieces: list[tuple[int, TextLine, int]]  # (paragraph offset, line, offset in the line)
    tokens: list[Token] = field(default_factory=list)  # in text order
    depth: list[int] = field(default_factory=list)  # bracket depth at each character
    sentences: list[tuple[int, int]] = field(default_factory=list)
    in_figure: set[int] = field(default_factory=set)  # offsets inside a figure ("1,328.95": not a clause comma)
    token_starts: list[int] = field(default_factory=list)  # tokens[i].start
    sentence_starts: list[int] = field(default_factory=list)  # sentences[i][0]

    def locate(self, offset: int) -> tuple[TextLine, int]:
        index = bisect_right(self.pieces, offset, key=lambda piece: piece[0]) - 1
        if index < 0:
            raise ValueError(offset)
        start, line, at = self.pieces[index]
        return line, at + offset - start

    def sentence_of(self, offset: int) -> int:
        """The sentence holding `offset`; the last one for an offset between sentences (at a 。)."""
        index = bisect_right(self.sentence_starts, offset) - 1
        if index >= 0 and offset < self.sentences[index][1]:
            return index
        return len(self.sentences) - 1

    def tokens_in(self, start: int, end: int) -> list[Token]:
        return self.tokens[bisect_left(self.token_starts, start):bisect_left(self.token_starts, end)]

    def tokens_back(self, start: int, end: int) -> Iterator[Token]:
        """The tokens in [start, end), last first, as they are asked for."""
        for index in range(bisect_left(self.token_starts, end) - 1, bisect_left(self.token_starts, start) - 1, -1):
            yield self.tokens[index]

    def tokens_from(self, start: int, end: int) -> Iterator[Token]:
        """The tokens in [start, end), first first, as they are asked for."""
        for index in range(bisect_left(self.token_starts, start), bisect_left(self.token_starts, end)):
            yield self.tokens[index]


def _continues(previous: TextLine, line: TextLine) -> bool:
    text = previous.text.rstrip()
    if not text or text[-1] in SENTENCE_END or _HEADING.match(text):
        return False
    if previous.source.line is not None and line.source.line is not None:
        if not 0 < line.source.line - previous.source.line <= JOINED_GAP:
            return False
    return len(text) >= WRAPPED_LINE or text[-1] in _CONTINUES


def paragraphs_with_figures(lines: Iterable[TextLine]) -> Iterator[Paragraph]:
    """The lines joined into paragraphs, those with a figure read into sentences and figures (most
    paragraphs of a disclosure have no digit: they are not read further)."""
    for paragraph in joined(lines):
        if has_number(paragraph.text):
            prepared = _prepare(paragraph)
            if prepared.tokens:
                yield prepared


def joined(lines: Iterable[TextLine]) -> Iterator[Paragraph]:
    """The lines joined into paragraphs, not yet read into sentences and figures (a table row's cells
    each a paragraph of its own)."""
    current: Paragraph | None = None
    previous: TextLine | None = None
    for line in lines:
        if "\t" in line.text:
            if current:
                yield current
            current, previous = None, None
            at = 0
            for cell in line.text.split("\t"):
                if cell.strip():
                    yield Paragraph(cell, [(0, line, at)])
                at += len(cell) + 1
            continue
        if current and previous and _continues(previous, line):
            current.pieces.append((len(current.text), line, 0))
            current.text += line.text
        else:
            if current:
                yield current
            current = Paragraph(line.text, [(0, line, 0)])
        previous = line
    if current:
        yield current


def _prepare(paragraph: Paragraph) -> Paragraph:
    text = paragraph.text
    start = 0
    for match in re.finditer(rf"[{SENTENCE_END}]|<[^>]*>", text):
        if match.start() > start:
            paragraph.sentences.append((start, match.start()))
        start = match.end()
    if start < len(text):
        paragraph.sentences.append((start, len(text)))
    if not paragraph.sentences:
        paragraph.sentences.append((0, len(text)))
    paragraph.sentence_starts = [start for start, _ in paragraph.sentences]
    depth = paragraph.depth = _bracket_depths(text, {end for _, end in paragraph.sentences})
    previous_end = 0
    for start, end, unit in scan(text):
        line, at = paragraph.locate(start)
        figure = make_figure(text, start, end, unit, line, at)
        floor = max(previous_end, paragraph.sentences[paragraph.sentence_of(start)][0])
        label_start = label_start_of(text, start, floor)
        paragraph.tokens.append(Token(figure, start, end, text[label_start:start].strip(), label_start, depth[start],
                                      floor))
        paragraph.token_starts.append(start)
        paragraph.in_figure.update(range(start, end))
        previous_end = end
    return paragraph


def _bracket_depths(text: str, sentence_ends: set[int]) -> list[int]:
    """How deep inside brackets each character is (a bracket counts inside, a sentence end closes all).
    Only brackets and sentence ends change it: the runs between them are filled whole."""
    depth: list[int] = []
    level = done = 0
    for i in sorted(sentence_ends.union(m.start() for m in _BRACKET.finditer(text))):
        if i >= len(text):
            continue
        depth.extend([level] * (i - done))
        if i in sentence_ends:
            level = 0
        if text[i] in CLOSE:
            level = max(0, level - 1)
        depth.append(level)
        if text[i] in OPEN:
            level += 1
        done = i + 1
    depth.extend([level] * (len(text) - done))
    return depth


def label_start_of(text: str, start: int, floor: int, boundaries: str = CLAUSE_END) -> int:
    """Where the words naming the thing at `start` begin: back to a clause boundary outside brackets.
    Walks back over the brackets and boundaries only (found in the words reversed), not every character."""
    depth = 0
    for mark in _marks(boundaries).finditer(text[floor:start][::-1]):
        at, char = start - 1 - mark.start(), mark.group()
        if char in CLOSE:
            depth += 1
        elif char in OPEN:
            if depth == 0:
                return at + 1
            depth -= 1
        elif depth == 0 and char in boundaries:
            return at + 1
    return min(floor, start)


@cache
def _marks(boundaries: str) -> re.Pattern[str]:
    """Any bracket or boundary: what label_start_of looks at."""
    return re.compile(f"[{re.escape(OPEN + CLOSE + boundaries)}]")


def ordinal_end(text: str, start: int, end: int) -> int | None:
    """Where the last list ordinal ("1." "2、") in text[start:end] ends, if there is one."""
    ordinals = list(_ORDINAL.finditer(text, start, end))
    return ordinals[-1].end() if ordinals else None


def clean(label: str) -> str:
    """The naming words of a label: without list ordinals, leading dates and trailing 为/是/共计."""
    ordinal = ordinal_end(label, 0, len(label))
    label = (label if ordinal is None else label[ordinal:]).strip()
    words = vocabulary()
    while (stripped := words.leading.sub("", label)) != label:
        label = stripped
    return words.without_trailing_links(label).strip()
