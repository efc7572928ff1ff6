"""The 目录 of a disclosure: its lines, its entries with the page numbers they print, and the page
numbers printed on the pages themselves (“- 3 -”, “第3页”), which say what a 目录 page number means."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .labels import normalise
from .model import TextLine

_HEADINGS = ("目录", "目次")
# An entry is a short line; a line of prose is longer or ends a sentence
_ENTRY_LENGTH = 60
_SENTENCE_END = "。；，："
# 一、部门主要职能……3   五、部门预算表  12: a page number after dot leaders or a gap
_NUMBERED = re.compile(r"^(.*?\S)\s*(?:[.…·．_⋯]{2,}|\s)\s*(\d{1,3})$")
_PAGE_NUMBER = re.compile(r"^[-—–－]?\s*(?:第\s*)?(\d{1,3})\s*页?\s*[-—–－]?$")


@dataclass(frozen=True)
class Entry:
    line: TextLine
    text: str  # the entry without its leaders and page number
    page: int | None  # the page number it prints, if any


@dataclass(frozen=True)
class Contents:
    heading: TextLine
    first_line: int  # the index of its heading among the document's lines
    lines: frozenset[int]  # the indices of its lines, heading included
    entries: tuple[Entry, ...]


def read_contents(lines: list[TextLine], part_named: Callable[[str], str | None]) -> Contents | None:
    """The document's 目录; `part_named` tells which part a line is the heading of (None: of none)."""
    start = next((i for i, ln in enumerate(lines) if normalise(ln.text) in _HEADINGS), None)
    if start is None:
        return None
    taken = _contents_lines(lines, start, part_named)
    entries = []
    for index in taken:
        text = lines[index].text.strip()
        if _PAGE_NUMBER.match(text):  # the 目录 page's own number
            continue
        match = _NUMBERED.match(text)
        entries.append(Entry(lines[index], match.group(1) if match else text, int(match.group(2)) if match else None))
    return Contents(lines[start], start, frozenset([start, *taken]), tuple(entries))


def _contents_lines(lines: list[TextLine], start: int, part_named: Callable[[str], str | None]) -> list[int]:
    """The 目录's entries: on a PDF, the rest of its page and each following page of entries only;
    elsewhere, the entry-like lines that follow. Either ends where a part it lists begins (a heading
    of a part already listed: the body)."""
    def named(index: int) -> str | None:
        return part_named(_NUMBERED.sub(r"\1", lines[index].text.strip()))

    page = lines[start].source.page
    if page is not None:
        pages: dict[int, list[int]] = {}
        for index in range(start + 1, len(lines)):
            pages.setdefault(lines[index].source.page or 0, []).append(index)
        taken = list(pages.pop(page, []))
        for number in sorted(p for p in pages if p > page):
            listed = {named(i) for i in taken} - {None}
            if number != page + 1 or not all(_entry_like(lines[i].text) and named(i) not in listed
                                             for i in pages[number]):
                break
            taken += pages[number]
            page = number
        return taken
    taken: list[int] = []
    listed: set[str | None] = set()
    for index in range(start + 1, len(lines)):
        part = named(index)
        if not _entry_like(lines[index].text) or (part is not None and part in listed):
            break
        listed.add(part)
        taken.append(index)
    return taken


def _entry_like(text: str) -> bool:
    text = normalise(text)
    return 0 < len(text) <= _ENTRY_LENGTH and text[-1] not in _SENTENCE_END


def printed_page_numbers(lines: list[TextLine]) -> dict[int, int]:
    """The number printed on each page that has one alone on a line (its footer): printed -> page.
    Empty unless the numbers rise with the pages, each printed once."""
    printed: dict[int, int] = {}
    for line in lines:
        match = _PAGE_NUMBER.match(line.text.strip())
        if match and line.source.page is not None:
            number = int(match.group(1))
            if number in printed and printed[number] != line.source.page:
                return {}
            printed[number] = line.source.page
    ordered = sorted(printed.items())
    if any(b[1] <= a[1] for a, b in zip(ordered, ordered[1:])):
        return {}
    return printed
