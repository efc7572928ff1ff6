"""Ruled grids on a PDF page that are not (all) table: a 目录 printed in a grid is text, and a title
printed in a grid's first rows is the table's title. Apart from the PDFium reader so that both can
be tested on made-up page layouts."""

from __future__ import annotations

from .pdf_page import LayoutCell, LayoutLine, LayoutTable
from .tables import is_contents, is_meta, is_title


def titles_out_of_grids(tables: list[LayoutTable],
                        lines: list[LayoutLine]) -> tuple[list[LayoutTable], list[LayoutLine]]:
    """A title printed inside the ruled grid, in its first rows (with the 编制单位/单位 rows under it,
    as an export from Excel draws them), is the table's title: those rows become the lines above it,
    where the reader looks for a title, so that a new title on a page starts a new table."""
    kept, lifted = [], []
    for table in tables:
        lead = _title_rows(table.rows)
        if not lead:
            kept.append(table)
            continue
        rest = table.rows[lead:]
        lifted += [LayoutLine(c.text.strip(), c.bbox) for row in table.rows[:lead] for c in row
                   if c.text.strip() and c.bbox is not None]
        tops = [c.bbox[1] for row in rest for c in row if c.bbox is not None]
        if tops:
            kept.append(LayoutTable((table.bbox[0], min(tops), table.bbox[2], table.bbox[3]), rest))
    if not lifted:
        return tables, lines
    return kept, sorted(lines + lifted, key=lambda ln: (ln.bbox[1], ln.bbox[0]))


def _title_rows(rows: list[list[LayoutCell]]) -> int:
    """How many leading rows are blank, a title (one cell) or meta lines, when a title is among them."""
    count, titled = 0, False
    for row in rows:
        texts = [c.text for c in row if c.text.strip()]
        if len(texts) == 1 and is_title(texts[0]) and not is_meta(texts[0]) and not titled:
            titled = True
        elif texts and not all(is_meta(t) for t in texts):
            break
        count += 1
    return count if titled else 0


def contents_as_text(tables: list[LayoutTable], lines: list[LayoutLine]) -> tuple[list[LayoutTable], list[LayoutLine]]:
    """A 目录 printed in a ruled grid is a list of names, not a table: its rows become lines of text."""
    contents = [t for t in tables if is_contents([[c.text for c in row] for row in t.rows])]
    if not contents:
        return tables, lines
    rows = [line for t in contents for line in _row_lines(t)]
    return [t for t in tables if t not in contents], sorted(lines + rows, key=lambda ln: ln.bbox[1])


def _row_lines(table: LayoutTable) -> list[LayoutLine]:
    lines = []
    for row in table.rows:
        cells = [c for c in row if c.text.strip() and c.bbox is not None]
        if cells:
            box = (min(c.bbox[0] for c in cells), min(c.bbox[1] for c in cells),
                   max(c.bbox[2] for c in cells), max(c.bbox[3] for c in cells))
            lines.append(LayoutLine(" ".join(c.text.strip() for c in cells), box))
    return lines
