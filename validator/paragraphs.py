"""The prose as paragraphs: a PDF's text layer breaks a paragraph into lines (and across pages), so a
check that judges a whole paragraph joins them again and maps each character back to its line.

A paragraph ends where a line ends a sentence (。！？); a heading without one is joined with the
text after it, which only ever hides a problem, never invents one. A line holding tabs is a table row
printed as text, no paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .model import Document, Source, TextLine

_SENTENCE_END = re.compile(r"[。！？!?][”’）)」』]*\s*$")


@dataclass(frozen=True)
class Paragraph:
    text: str
    lines: tuple[TextLine, ...]
    starts: tuple[int, ...]  # offset in `text` where each line begins

    def source_at(self, offset: int) -> Source:
        """Where the character at `offset` was printed (its line's column where lines have columns)."""
        index = max(i for i, start in enumerate(self.starts) if start <= offset)
        source = self.lines[index].source
        if not source.line:
            return source
        return Source(line=source.line, column=(source.column or 1) + offset - self.starts[index],
                      page=source.page, bbox=source.bbox, sheet=source.sheet, cell=source.cell)


def paragraphs(document: Document) -> Iterator[Paragraph]:
    lines: list[TextLine] = []
    for line in document.text:
        if "\t" in line.text:
            yield from _paragraph(lines)
            lines = []
            continue
        lines.append(line)
        if _SENTENCE_END.search(line.text):
            yield from _paragraph(lines)
            lines = []
    yield from _paragraph(lines)


def _paragraph(lines: list[TextLine]) -> Iterator[Paragraph]:
    if not lines:
        return
    starts, text = [], ""
    for line in lines:
        starts.append(len(text))
        text += line.text
    yield Paragraph(text, tuple(lines), tuple(starts))
