"""Tables printed without rules, found on a text page with no ruled table from the positions of its
words: lines of figures standing in aligned columns.
"""

from __future__ import annotations

from ..numbers import Amount, parse_number
from .pdf_page import LayoutCell, LayoutTable
from .pdf_words import Word, lines_of, union

MIN_UNRULED_ROWS = 3  # lines with figures in aligned columns that make a table


def unruled_table(words: list[Word]) -> tuple[LayoutTable | None, list[Word]]:
    """A table printed without rules, found from its words: the longest run of lines holding two or
    more figures whose words fall into at least three columns (the gaps no line's words bridge),
    with the header lines right above it that stand in those columns. Returns it and the words left over.
    """
    lines = lines_of(words, in_order=True)
    figures = [sum(isinstance(parse_number(w.text), Amount) for w in line) >= 2 for line in lines]
    best: tuple[int, int, list[tuple[float, float]]] | None = None
    start = 0
    while start < len(lines):
        if not figures[start]:
            start += 1
            continue
        end = start
        while end < len(lines) and figures[end]:
            end += 1
        columns = _columns(lines[start:end])
        if end - start >= MIN_UNRULED_ROWS and len(columns) >= 3 and (best is None or end - start > best[1] - best[0]):
            best = (start, end, columns)
        start = end
    if best is None:
        return None, words
    first, end, columns = best
    while first > 0 and len(_columns(lines[first - 1:end])) == len(columns) and \
            _fits(lines[first - 1], columns):
        first -= 1
        columns = _columns(lines[first:end])
    rows = []
    for line in lines[first:end]:
        cells: list[list[Word]] = [[] for _ in columns]
        for word in line:
            cells[next(j for j, (x0, x1) in enumerate(columns) if x0 <= word.x0 and word.x1 <= x1)].append(word)
        rows.append([LayoutCell(" ".join(w.text for w in cell), union(cell)) if cell else LayoutCell("", None)
                     for cell in cells])
    table_words = [w for line in lines[first:end] for w in line]
    table = LayoutTable(union(table_words), rows)
    used = {id(w) for w in table_words}
    return table, [w for w in words if id(w) not in used]


def _columns(lines: list[list[Word]]) -> list[tuple[float, float]]:
    """The x-ranges covered by the lines' words, overlapping ranges merged: one per column."""
    spans = sorted((w.x0, w.x1) for line in lines for w in line)
    columns: list[tuple[float, float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1]:
            columns[-1] = (columns[-1][0], max(columns[-1][1], x1))
        else:
            columns.append((x0, x1))
    return columns


def _fits(line: list[Word], columns: list[tuple[float, float]]) -> bool:
    """A header line belongs above the figures when its words stand in two or more of their columns,
    each word in one (a title above the table spans one column at most)."""
    hit = [[j for j, (x0, x1) in enumerate(columns) if w.x0 < x1 and x0 < w.x1] for w in line]
    return all(len(h) == 1 for h in hit) and len({h[0] for h in hit}) >= 2
