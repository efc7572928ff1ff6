"""Ruled tables: the cells the ruling lines of a page draw, laid out as a grid, and filled with the
characters of a text layer. The OCR reader hands the rules it finds in a scan to the same
find_tables and cell_grid, so merged cells and table grouping follow one set of rules.

Tables are found the way pdfplumber documents it (its output is the reference: the tests read every
fixture and real PDF with both and compare them cell for cell): horizontal and vertical edges within
3 pt of one line snapped to their mean position and joined where they overlap or nearly touch; their
crossings; the smallest rectangle closed by edges at each crossing is a cell; cells sharing corners
form a table. A character belongs to the cell holding its centre.
"""

from __future__ import annotations

from bisect import bisect_left

from ..errors import ReadError
from .pdf_page import Box, Edge, LayoutCell, LayoutTable
from .pdf_words import Char, cell_text, clusters

SNAP = 3.0  # edges this close along their cross axis are one line
JOIN = 3.0  # collinear edges with gaps this small are one edge
CROSS = 3.0  # an edge ending this close to another still crosses it
MIN_EDGE = 3.0
# Bounds for hostile pages, far above real ones (the densest real page: 291 lines one way, 1,090
# crossings); every crossing may start a cell, and the cells of a page are compared with each other.
MAX_LINES = 2_000  # ruling lines one way, after joining
MAX_CROSSINGS = 20_000

Point = tuple[float, float]


def find_tables(horizontal: list[Edge], vertical: list[Edge]) -> list[list[Box]]:
    """The cells of each ruled table on a page, tables top to bottom."""
    horizontal = _merge([e for e in horizontal if e[2] - e[1] >= 1])
    vertical = _merge([e for e in vertical if e[2] - e[1] >= 1])
    if max(len(horizontal), len(vertical)) > MAX_LINES:
        raise ReadError(f"表格线过多（横线 {len(horizontal):,} 条、竖线 {len(vertical):,} 条，每个方向上限 {MAX_LINES:,} 条）")
    crossings = _crossings(horizontal, vertical)
    return _group_cells(_cells(crossings))


def _merge(edges: list[Edge]) -> list[Edge]:
    """Snap edges to the mean position of their cluster, join overlapping ones, drop the short."""
    cluster_of = clusters([e[0] for e in edges], SNAP)
    members: dict[int, list[Edge]] = {}
    for edge in edges:
        members.setdefault(cluster_of[edge[0]], []).append(edge)
    lines: dict[float, list[Edge]] = {}
    for group in members.values():
        mean = sum(e[0] for e in group) / len(group)
        lines.setdefault(mean, []).extend(group)
    merged: list[Edge] = []
    for position, group in sorted(lines.items()):
        group.sort(key=lambda e: e[1])
        start, end = group[0][1], group[0][2]
        for _, begin, finish in group[1:]:
            if begin <= end + JOIN:
                end = max(end, finish)
            else:
                merged.append((position, start, end))
                start, end = begin, finish
        merged.append((position, start, end))
    return [e for e in merged if e[2] - e[1] >= MIN_EDGE]


def _crossings(horizontal: list[Edge], vertical: list[Edge]) -> dict[Point, tuple[set[int], set[int]]]:
    """Every point where a vertical edge meets a horizontal one: the vertical and horizontal edges there."""
    crossings: dict[Point, tuple[set[int], set[int]]] = {}
    levels = [e[0] for e in horizontal]  # sorted by _merge
    for v_index, (x, top, bottom) in enumerate(vertical):
        for h_index in range(bisect_left(levels, top - CROSS), len(horizontal)):
            y, x0, x1 = horizontal[h_index]
            if y > bottom + CROSS:
                break
            if x0 - CROSS <= x <= x1 + CROSS:
                v_edges, h_edges = crossings.setdefault((x, y), (set(), set()))
                if len(crossings) > MAX_CROSSINGS:
                    raise ReadError(f"表格线的交点超过 {MAX_CROSSINGS:,} 个的上限")
                v_edges.add(v_index)
                h_edges.add(h_index)
    return crossings


def _cells(crossings: dict[Point, tuple[set[int], set[int]]]) -> list[Box]:
    """From each crossing, the smallest rectangle whose four sides run along edges."""
    below: dict[float, list[float]] = {}
    right: dict[float, list[float]] = {}
    for x, y in sorted(crossings):
        below.setdefault(x, []).append(y)
        right.setdefault(y, []).append(x)

    def same_vertical(a: Point, b: Point) -> bool:
        return not crossings[a][0].isdisjoint(crossings[b][0])

    def same_horizontal(a: Point, b: Point) -> bool:
        return not crossings[a][1].isdisjoint(crossings[b][1])

    cells = []
    for x, y in sorted(crossings):
        ys, xs = below[x], right[y]
        cell = None
        for y2 in ys[bisect_left(ys, y) + 1:]:
            if not same_vertical((x, y), (x, y2)):
                continue
            for x2 in xs[bisect_left(xs, x) + 1:]:
                if not same_horizontal((x, y), (x2, y)):
                    continue
                corner = (x2, y2)
                if corner in crossings and same_vertical(corner, (x2, y)) and same_horizontal(corner, (x, y2)):
                    cell = (x, y, x2, y2)
                    break
            if cell:
                break
        if cell:
            cells.append(cell)
    return cells


def _group_cells(cells: list[Box]) -> list[list[Box]]:
    """Cells that share corners, directly or through others, form one table; a lone cell is no table."""
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Point, int] = {}
    for index, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            if corner in owner:
                parent[root(index)] = root(owner[corner])
            else:
                owner[corner] = index
    tables: dict[int, list[Box]] = {}
    for index, cell in enumerate(cells):
        tables.setdefault(root(index), []).append(cell)
    found = [t for t in tables.values() if len(t) > 1]
    return sorted(found, key=lambda t: min((c[1], c[0]) for c in t))


def cell_grid(cells: list[Box]) -> tuple[Box, list[list[Box | None]]]:
    """A table's box and grid: a row per distinct cell top, a column per distinct left edge, None
    where a merged cell covers the position."""
    lefts = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, Box]] = {}
    for cell in cells:
        by_top.setdefault(cell[1], {})[cell[0]] = cell
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return bbox, [[by_top[top].get(left) for left in lefts] for top in sorted(by_top)]


def centre_in(char: Char, box: Box) -> bool:
    x = (char.x0 + char.x1) / 2
    y = (char.top + char.bottom) / 2
    return box[0] <= x < box[2] and box[1] <= y < box[3]


def filled(cells: list[Box], chars: list[Char]) -> LayoutTable:
    """The table's grid with the text of the characters in each cell."""
    table_box, grid = cell_grid(cells)
    # (middle, content order, char): pdfplumber reads a cell's characters in content order
    inside = sorted(((c.top + c.bottom) / 2, i, c) for i, c in enumerate(chars) if centre_in(c, table_box))
    middles = [m for m, _, _ in inside]
    bands: dict[tuple[float, float], tuple[list[float], list[tuple[float, int, Char]]]] = {}
    rows = []
    for grid_row in grid:
        row = []
        for cell in grid_row:
            if cell is None:
                row.append(LayoutCell("", None))
                continue
            band = bands.get((cell[1], cell[3]))
            if band is None:  # the characters between a top and a bottom, by their centres across
                across = sorted(((c.x0 + c.x1) / 2, i, c) for _, i, c in
                                inside[bisect_left(middles, cell[1]):bisect_left(middles, cell[3])])
                band = bands[(cell[1], cell[3])] = ([x for x, _, _ in across], across)
            centres, across = band
            mine = sorted(across[bisect_left(centres, cell[0]):bisect_left(centres, cell[2])], key=lambda t: t[1])
            row.append(LayoutCell(cell_text([c for _, _, c in mine]), cell))
        rows.append(row)
    return LayoutTable(table_box, rows)
