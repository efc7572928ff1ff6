"""Scanned pages (no text layer) read by OCR into the same page description pdf_layout gives a text
page, so titles, continuation pages, notes and table recognition are shared unchanged.

Needs the `ocr` extra (rapidocr with its bundled PP-OCR models on onnxruntime, OpenCV); nothing is
downloaded at run time. Each page is rendered at 200 dpi in colour and straightened by the slope of
its long horizontal rules. Ruling lines are found on its luminance by morphology (horizontal and
vertical openings), a red seal's ring and star never taken for one, and handed, as edges in points,
to pdf_layout.find_tables, so merged cells and table grouping follow the text-PDF rules exactly.
Text is read on the page with the seal faded out (red pixels take their red channel, where the seal
is as light as the paper). Every cell is recognised on its own crop with the rules found erased
(only those: never a glyph's stroke or a seal's star that a rule mask holds), one crop
per text line inside it (an amount touching a neighbour's text is never fused with it); a line
printed across a horizontal rule is joined again and read with the rule in place. Text outside the
tables is detected and recognised band by band. Boxes are found in points on the straightened page
and PageLayout.turn gives them back on the page as scanned; every cell and line carries the
recogniser's confidence (the lowest of its text lines).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import LOW_CONFIDENCE
from .pdf_layout import Box, Edge, LayoutCell, LayoutLine, LayoutTable, PageLayout, find_tables

if TYPE_CHECKING:
    import numpy as np

DPI = 200
SCALE = DPI / 72  # pixels per point
INK = 170  # grey levels below this are ink
MIN_RULE_PT = 14.0  # a horizontal run of ink this long is a rule, not a glyph stroke
MIN_COLUMN_RULE_PT = 11.0  # a vertical one: longer than the tallest glyph in a table cell
LINE_GAP_PX = round(1.0 * SCALE)  # blank pixel rows that separate two text lines inside a cell
MIN_LINE_PX = round(2.5 * SCALE)  # ink lower than this is a speck unless it is longer (a dash)
MIN_CROP_PX = round(10 * SCALE)  # the height of a text line crop at least
DASH_PX = round(3.0 * SCALE)  # a bar shorter than this is a hyphen-minus, a longer one an em dash
MIN_DASH_PX = round(1.5 * SCALE)  # a hyphen is a quarter of an em at least (6 pt print); less is a speck
PAD_PX = round(1.5 * SCALE)  # blank margin kept around a text line crop
RULE_MARGIN_PX = round(0.8 * SCALE)  # the grey fringe of a scanned rule, erased with it
CUT_PX = RULE_MARGIN_PX * 2 + 2  # a line this close to its cell's edge may run on across the rule
SKEW_MIN_DEGREES = 0.05  # below this the page is not rotated

INSTALL_HINT = "pip install 'budgetlint[ocr]'"


def available() -> bool:
    """Whether the ocr extra is installed (rapidocr, onnxruntime and OpenCV importable)."""
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        import rapidocr  # noqa: F401
    except ImportError:
        return False
    return True


def read_pages(path: Path, numbers: Sequence[int], workers: int | None = None,
               progress: Callable[[int], None] | None = None) -> Iterator[PageLayout]:
    """The layouts of the given pages (1-based), in order; pages are spread over `workers` processes
    (default: one per core). `progress` is called with each page number as it is done."""
    workers = min(workers or os.cpu_count() or 1, len(numbers))
    if workers <= 1:
        for number in numbers:
            layout = read_page(path, number)
            if progress:
                progress(number)
            yield layout
        return
    with ProcessPoolExecutor(workers) as pool:
        for layout in pool.map(read_page, [path] * len(numbers), numbers):
            if progress:
                progress(layout.number)
            yield layout


def read_page(path: Path, number: int) -> PageLayout:
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    try:
        page = document[number - 1]
        try:
            bitmap = page.render(scale=SCALE)
            image = bitmap.to_numpy()
        finally:
            page.close()
    finally:
        document.close()
    if image.ndim == 2:
        return layout_of(image, number)
    colour = cv2.COLOR_BGR2GRAY if bitmap.mode.startswith("B") else cv2.COLOR_RGB2GRAY
    grey = cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), colour)
    return layout_of(grey, number, _without_seal(grey, image[:, :, bitmap.mode.index("R")]))


SEAL_CAST = 30  # a pixel whose red channel is this much lighter than its luminance is a red seal's ink
SEAL_PAPER = 200  # a seal's pixel this light in the red channel has paper under it, not print
RULE_THICK_PX = round(2.5 * SCALE)  # a rule mask's run thicker than this has a seal's stroke beside it
STRAIGHT_SHARE = 0.8  # the lines of such a run at least this share of its longest are the rule
SEAL_BRIDGE_PX = round(4 * SCALE)  # a rule goes on through a seal's ring or letters this wide


def _without_seal(grey: np.ndarray, red: np.ndarray) -> np.ndarray:
    """The grey page with a red seal faded out: a red pixel takes its red channel, in which the seal
    is as light as the paper and print under it stays dark."""
    import numpy as np

    return np.where(red.astype(np.int16) - grey > SEAL_CAST, red, grey)


def layout_of(grey: np.ndarray, number: int, unsealed: np.ndarray | None = None) -> PageLayout:
    """The page description of one scanned page, from its grey image at SCALE pixels per point and,
    for a colour page, the same with its red seal faded out (`unsealed`): rules are found on the
    first (a rule under a seal is dark there; the parts of a seal's ring are not rules), text is
    read on the second."""
    import cv2
    import numpy as np

    degrees = _skew(grey)
    grey = _turned(grey, degrees)
    clean = grey.copy() if unsealed is None else _turned(unsealed, degrees)
    seal = clean.astype(np.int16) - grey > SEAL_CAST
    horizontal, vertical = _rule_masks(grey < INK, seal & (clean >= SEAL_PAPER))
    h_rules = _rules(horizontal, seal, across=False)
    h_edges = [rule.edge for rule in h_rules]
    v_rules = _column_rules(_rules(vertical, seal, across=True), h_edges)
    tables = [_cell_grid(cells) for cells in find_tables(h_edges, [rule.edge for rule in v_rules])]
    # Only the rules found are erased (not a glyph's stroke, nor a seal's star, that the masks hold),
    # and inside the tables only: outside, a bold title's strokes are as long as a rule.
    horizontal, vertical = _painted(h_rules, grey.shape), _painted(v_rules, grey.shape)
    # A text line printed across a horizontal rule is read with the rule in place (ruled).
    def dilated(mask: np.ndarray) -> np.ndarray:
        return cv2.dilate(mask, np.ones((2 * RULE_MARGIN_PX + 1,) * 2, np.uint8))

    rules, column_rules = dilated(horizontal | vertical), dilated(vertical)
    ruled = clean.copy()
    for bbox, _ in tables:
        x0, y0, x1, y1 = _pixels(bbox)
        m = RULE_MARGIN_PX
        inside = (slice(max(y0 - m, 0), y1 + m), slice(max(x0 - m, 0), x1 + m))
        clean[inside][rules[inside] > 0] = 255
        ruled[inside][column_rules[inside] > 0] = 255
    raw_ink = (clean < INK).astype(np.uint8) * 255
    text_ink = _opened(raw_ink, (2, 2))
    engine = _engine()

    crops: list[np.ndarray] = []
    sealed: set[int] = set()  # the crops whose ink is mostly a seal's or at its edge (JPEG smears its red)
    near_seal = dilated(seal.astype(np.uint8)) > 0
    items: dict[tuple[int, int, int], list[str | int]] = {}  # a cell's dashes and crop numbers, in order
    for t, (_, grid) in enumerate(tables):
        for (r, c), lines in _table_lines(text_ink, raw_ink, near_seal, grid).items():
            for item in _line_items(lines, grid[r][c], clean, ruled):
                if isinstance(item, str):
                    items.setdefault((t, r, c), []).append(item)
                else:
                    items.setdefault((t, r, c), []).append(len(crops))
                    crops.append(item[0])
                    if item[1]:
                        sealed.add(len(crops) - 1)
    read = _recognise(engine, crops) if crops else []
    # a seal's stroke left in an empty cell is read as one character ("1", "\\") with little confidence
    texts = {owner: [(item, None) if isinstance(item, str) else (read[item][0], round(read[item][1], 3))
                     for item in found if isinstance(item, str) or item not in sealed
                     or read[item][1] >= LOW_CONFIDENCE or len(read[item][0]) > 1] for owner, found in items.items()}
    layout_tables = []
    for t, (bbox, grid) in enumerate(tables):
        rows = []
        for r, row in enumerate(grid):
            cells = []
            for c, box in enumerate(row):
                found = texts.get((t, r, c), [])
                cells.append(LayoutCell(_as_printed("".join(text for text, _ in found)), _rounded(box),
                                        min((s for _, s in found if s is not None), default=None))
                             if box else LayoutCell("", None))
            rows.append(cells)
        layout_tables.append(LayoutTable(_rounded(bbox), rows))

    for bbox, _ in tables:
        x0, y0, x1, y1 = _pixels(bbox)
        m = RULE_MARGIN_PX
        clean[max(y0 - m, 0):y1 + m, max(x0 - m, 0):x1 + m] = 255
    lines = _text_outside(engine, clean)
    height, width = grey.shape
    turn = (degrees, width / 2 / SCALE, height / 2 / SCALE) if degrees else None
    return PageLayout(number, lines, layout_tables, True, True, turn)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_FULL_WIDTH = str.maketrans({"(": "（", ")": "）"})


def _as_printed(text: str) -> str:
    """The recogniser reads the full-width brackets of Chinese text as ASCII ones; an amount keeps
    its ASCII brackets ("(12.00)" is a negative)."""
    text = text.strip()
    return text.translate(_FULL_WIDTH) if _CJK.search(text) else text


def _opened(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.morphologyEx(image, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))


def _rule_masks(dark: np.ndarray, seal_only: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and vertical rules among the dark pixels: runs at least MIN_RULE_PT and
    MIN_COLUMN_RULE_PT long. A seal's own ink (`seal_only`: no print under it) is not a rule, but a
    rule it crosses goes on through it where the rule is dark on both sides."""
    import cv2
    import numpy as np

    ink = (dark & ~seal_only).astype(np.uint8) * 255
    masks = []
    for across, length in (((SEAL_BRIDGE_PX, 1), (round(MIN_RULE_PT * SCALE), 1)),
                           ((1, SEAL_BRIDGE_PX), (1, round(MIN_COLUMN_RULE_PT * SCALE)))):
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        masks.append(_opened(np.where(seal_only, closed, ink), length))
    return masks[0], masks[1]


def _skew(grey: np.ndarray) -> float:
    """The page's turn in degrees: the median slope of its long horizontal rules (0 below
    SKEW_MIN_DEGREES)."""
    import cv2
    import numpy as np

    ink = (grey < INK).astype(np.uint8) * 255
    rules = _opened(ink, (round(MIN_RULE_PT * SCALE), 1))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules)
    slopes = []
    for index in range(1, count):
        x, y, width, height, _ = stats[index]
        if width < grey.shape[1] / 4:
            continue
        ys, xs = np.nonzero(labels[y:y + height, x:x + width] == index)
        slopes.append(np.polyfit(xs, ys, 1)[0])
    if not slopes:
        return 0.0
    degrees = math.degrees(math.atan(float(np.median(slopes))))
    return degrees if abs(degrees) >= SKEW_MIN_DEGREES else 0.0


def _turned(image: np.ndarray, degrees: float) -> np.ndarray:
    """The image turned by `degrees` about its centre (straightened, for the page's own skew)."""
    import cv2

    if not degrees:
        return image
    height, width = image.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


@dataclass(frozen=True, eq=False)
class _Rule:
    edge: Edge  # in points: (position, start, end) of its own ink
    window: tuple[slice, slice]  # its pixels' bounding rows and columns
    pixels: np.ndarray  # which pixels of the window are the rule's
    under_seal: tuple[float, float]  # (start, end) of the run unbroken on through a seal's ink
    sealed: bool  # the run takes in a seal's ink


def _rules(mask: np.ndarray, seal: np.ndarray, across: bool) -> list[_Rule]:
    """The connected runs of a rule mask that are rules. A run mostly of a seal's ink (its ring is
    straight enough at its top, bottom and sides; its star is a solid block) is not, and a rule ends
    where its own ink does, not where a seal's stroke crossing it ends. A run thicker than a rule is
    a rule joined by a seal's stroke beside it: the rule is its straight part, the lines of pixels
    along it as long as its longest."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    rules = []
    for index in range(1, count):
        x, y, width, height, _ = stats[index]
        window = (slice(y, y + height), slice(x, x + width))
        part = labels[window] == index
        if not across:
            part = part.T  # lines of pixels along the rule are columns of `part` from here on
        first, last = 0, part.shape[1] - 1
        if part.shape[1] > RULE_THICK_PX:
            lengths = part.sum(axis=0)
            straight = np.flatnonzero(lengths >= STRAIGHT_SHARE * lengths.max())
            first, last = straight[0], straight[-1]
            part = part[:, first:last + 1]
        own = part & ~(seal[window] if across else seal[window].T)[:, first:last + 1]
        if own.sum() * 2 <= part.sum():
            continue
        along = np.flatnonzero(own.any(axis=1))
        start, end, middle = along[0], along[-1] + 1, (first + last + 1) / 2
        gaps = np.flatnonzero(~part.any(axis=1))  # the run goes on from its own ink until a gap
        unbroken = (gaps[gaps < start].max(initial=-1) + 1, gaps[gaps > start].min(initial=len(part)) - 1)
        pixels = np.zeros_like(part, shape=(part.shape[0], width if across else height))
        pixels[:, first:last + 1] = part
        offset = y if across else x
        edge = ((x if across else y) + middle) / SCALE, (offset + start) / SCALE, (offset + end) / SCALE
        under_seal = (offset + unbroken[0]) / SCALE, (offset + unbroken[1] + 1) / SCALE
        rules.append(_Rule(edge, window, pixels if across else pixels.T, under_seal, bool((part & ~own).any())))
    return rules


def _painted(rules: list[_Rule], shape: tuple[int, ...]) -> np.ndarray:
    import numpy as np

    mask = np.zeros(shape, np.uint8)
    for rule in rules:
        mask[rule.window][rule.pixels] = 255
    return mask


def _column_rules(vertical: list[_Rule], horizontal: list[Edge]) -> list[_Rule]:
    """The vertical runs that reach a horizontal rule at both ends: glyph strokes never do. A rule
    hidden under a seal's star at one end reaches the nearest horizontal rule its run goes on to
    through the seal's ink, and ends there; its own ink must then be longer than a glyph (a glyph's
    stroke runs on through a seal's ring too). A run taking in a seal's ink that spans one row only
    is a column rule if another one lines up with it: a glyph's stroke joined to the ring's does not."""
    reach = 3.0
    found = []
    for rule in vertical:
        x, start, end = rule.edge
        crossing = sorted(hy for hy, x0, x1 in horizontal if x0 - reach <= x <= x1 + reach)
        low, high = rule.under_seal if end - start >= MIN_COLUMN_RULE_PT else (start, end)
        above = [hy for hy in crossing if low - reach <= hy <= start + reach]
        below = [hy for hy in crossing if end - reach <= hy <= high + reach]
        if above and below:
            top = start if abs(above[-1] - start) <= reach else above[-1]
            bottom = end if abs(below[0] - end) <= reach else below[0]
            found.append(replace(rule, edge=(x, top, bottom)))

    def alone(rule: _Rule) -> bool:
        x, top, bottom = rule.edge
        one_row = not any(top + reach < hy < bottom - reach and x0 - reach <= x <= x1 + reach
                          for hy, x0, x1 in horizontal)
        return one_row and not any(other is not rule and abs(other.edge[0] - x) <= reach for other in found)

    return [rule for rule in found if not (rule.sealed and alone(rule))]


def _cell_grid(cells: list[Box]) -> tuple[Box, list[list[Box | None]]]:
    """A table's box and grid as pdf_layout lays one out: a row per distinct cell top, a column per
    distinct left edge, None where a merged cell covers the position."""
    lefts = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, Box]] = {}
    for cell in cells:
        by_top.setdefault(cell[1], {})[cell[0]] = cell
    bbox = (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))
    return bbox, [[by_top[top].get(left) for left in lefts] for top in sorted(by_top)]


def _pixels(box: Box) -> tuple[int, int, int, int]:
    return tuple(round(v * SCALE) for v in box)  # type: ignore[return-value]


def _rounded(box: Box) -> Box:
    """The box in plain floats (OpenCV's figures are numpy's) to the hundredth of a point."""
    return tuple(round(float(v), 2) for v in box)  # type: ignore[return-value]


@dataclass(slots=True)
class _Line:
    """A text line inside a table, in pixels of the straightened page."""

    top: int
    bottom: int
    left: int
    right: int
    ruled: bool = False  # printed across a horizontal rule: read with the rule in place
    sealed: bool = False  # most of its ink is a seal's

    @property
    def height(self) -> int:
        return self.bottom - self.top + 1


def _table_lines(ink: np.ndarray, raw_ink: np.ndarray, seal: np.ndarray,
                 grid: list[list[Box | None]]) -> dict[tuple[int, int], list[_Line]]:
    """The text lines of each cell of a table, top to bottom: found on the ink without specks, as
    wide as the ink with them (a thin 一 is mostly lost to the opening). A line cut in two by a
    horizontal rule (a name printed across it) is joined again and given to one cell: the one taking
    part in more such lines (the middle of a block of lines overflowing its row), else the one
    holding more of it."""
    import numpy as np

    boxes = {(r, c): box for r, row in enumerate(grid) for c, box in enumerate(row) if box is not None}
    lines = {at: _lines_in(ink, raw_ink, seal, box) for at, box in boxes.items()}
    full = [ln.height for found in lines.values() for ln in found if ln.height >= MIN_LINE_PX]
    short = 0.8 * (float(np.median(full)) if full else MIN_CROP_PX)
    pairs = []
    for above, upper in boxes.items():
        ux0, _, ux1, ubottom = _pixels(upper)
        cut_low = [ln for ln in lines[above] if ubottom - 2 - ln.bottom <= CUT_PX and ln.height < short]
        for below, lower in boxes.items() if cut_low else ():
            lx0, ltop, lx1, _ = _pixels(lower)
            if abs(ltop - ubottom) > 1 or min(ux1, lx1) <= max(ux0, lx0):
                continue
            for high in cut_low:
                for low in lines[below]:
                    if low.top - (ltop + 1) <= CUT_PX and low.height < short and \
                            min(high.right, low.right) > max(high.left, low.left):
                        pairs.append((above, high, below, low))
    share = {}
    for above, _, below, _ in pairs:
        share[above], share[below] = share.get(above, 0) + 1, share.get(below, 0) + 1
    for above, high, below, low in pairs:
        if high not in lines[above] or low not in lines[below]:
            continue  # a piece already joined
        lines[above].remove(high)
        lines[below].remove(low)
        owner = max((above, below), key=lambda at: (share[at], (high if at == above else low).height))
        lines[owner].append(_Line(high.top, low.bottom, min(high.left, low.left), max(high.right, low.right),
                                  ruled=True, sealed=high.sealed and low.sealed))
        lines[owner].sort(key=lambda ln: ln.top)
    return lines


def _lines_in(ink: np.ndarray, raw_ink: np.ndarray, seal: np.ndarray, box: Box) -> list[_Line]:
    import numpy as np

    x0, y0, x1, y1 = _pixels(box)
    inside = (slice(y0 + 1, y1 - 1), slice(x0 + 1, x1 - 1))
    cell, raw, sealed = ink[inside] > 0, raw_ink[inside] > 0, seal[inside]
    found = []
    for top, bottom in _runs(np.flatnonzero(cell.any(axis=1)), LINE_GAP_PX):
        cols = np.flatnonzero(cell[top:bottom + 1].any(axis=0))
        left, right = cols[0], cols[-1]
        for first, last in _runs(np.flatnonzero(raw[top:bottom + 1].any(axis=0)), LINE_GAP_PX):
            if first <= right and last >= left:
                left, right = min(left, first), max(right, last)
        line = cell[top:bottom + 1]
        found.append(_Line(y0 + 1 + top, y0 + 1 + bottom, x0 + 1 + left, x0 + 1 + right,
                           sealed=(line & sealed[top:bottom + 1]).sum() * 2 > line.sum()))
    return found


def _line_items(lines: list[_Line], box: Box | None, clean: np.ndarray,
                ruled: np.ndarray) -> list[tuple[np.ndarray, bool] | str]:
    """The grey crops of a cell's text lines, each trimmed to its ink and with whether its ink is
    mostly a seal's; a dash alone is given as its text, a speck is left out."""
    assert box is not None
    x0, y0, x1, y1 = _pixels(box)
    items: list[tuple[np.ndarray, bool] | str] = []
    for line in lines:
        height, width = line.height, line.right - line.left + 1
        if height < MIN_LINE_PX and not line.ruled:
            inner = y1 - y0 - 2
            middle = inner / 4 <= line.top - y0 - 1 and line.bottom - y0 - 1 <= inner * 3 / 4
            if width > height and width >= MIN_DASH_PX and middle:
                # a bar in the middle of its cell: a dash, too small to recognise (3 px in a 6 pt 自评表)
                items.append("-" if width < DASH_PX else "—")
            continue  # otherwise a speck
        # at least a line's height around it, so that a dash is recognised at its size
        pad = max(PAD_PX, (MIN_CROP_PX - height) // 2)
        top, bottom = (line.top - PAD_PX, line.bottom + PAD_PX + 1) if line.ruled else \
            (max(line.top - pad, y0 + 1), min(line.bottom + pad + 1, y1 - 1))
        crop = (ruled if line.ruled else clean)[max(top, 0):bottom, max(line.left - PAD_PX, x0 + 1):
                                                  min(line.right + PAD_PX + 1, x1 - 1)]
        items.append((crop, line.sealed))
    return items


def _runs(indices: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Sorted indices grouped into (first, last) runs; a hole of `gap` or fewer indices is bridged."""
    runs: list[tuple[int, int]] = []
    for index in indices.tolist():
        if runs and index - runs[-1][1] <= gap + 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs


def _text_outside(engine: Any, grey: np.ndarray) -> list[LayoutLine]:
    """The text outside the tables: each band of rows holding ink detected and recognised on its own,
    boxes on one level joined into a line (words apart by a space, as pdf_layout joins them)."""
    import cv2
    import numpy as np

    ink = _opened((grey < INK).astype(np.uint8) * 255, (2, 2))
    rows = np.flatnonzero(ink.any(axis=1))
    boxes: list[tuple[str, float, Box]] = []
    for top, bottom in _runs(rows, round(6 * SCALE)):
        if bottom - top + 1 < MIN_LINE_PX:
            continue
        top, bottom = max(top - PAD_PX * 2, 0), min(bottom + PAD_PX * 2 + 1, grey.shape[0])
        result = engine(cv2.cvtColor(grey[top:bottom], cv2.COLOR_GRAY2BGR))
        if result.txts is None:
            continue
        for points, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
            xs, ys = points[:, 0], points[:, 1] + top
            boxes.append((_as_printed(text), round(float(score), 3),
                          (xs.min() / SCALE, ys.min() / SCALE, xs.max() / SCALE, ys.max() / SCALE)))
    lines: list[list[tuple[str, float, Box]]] = []
    for box in sorted(boxes, key=lambda b: (b[2][1] + b[2][3]) / 2):
        middle = (box[2][1] + box[2][3]) / 2
        if lines and lines[-1][-1][2][1] < middle < lines[-1][-1][2][3] and \
                all(b[2][1] < middle < b[2][3] for b in lines[-1]):
            lines[-1].append(box)
        else:
            lines.append([box])
    layout = []
    for line in lines:
        line.sort(key=lambda b: b[2][0])
        bbox = (min(b[2][0] for b in line), min(b[2][1] for b in line),
                max(b[2][2] for b in line), max(b[2][3] for b in line))
        layout.append(LayoutLine(" ".join(b[0] for b in line), _rounded(bbox), min(b[1] for b in line)))
    return layout


REC_BATCH = 16
SECOND_LOOK = 0.95  # a reading less sure than this is read again from two variants of its crop
DETECT_SIDE_PX = 1280  # text outside tables is found on the page scaled down to this (PaddleOCR uses 960)


def _recognise(engine: Any, crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each text-line crop's text and confidence. A reading less sure than SECOND_LOOK is read again
    from the crop with a wider margin and from it enlarged by half, and the surest of the three kept
    (tiny print: 绩效指标 in 6 pt is read 绩双指标 at 0.87 once, 绩效指标 at 0.93 with a margin)."""
    import cv2

    results = _recognised(engine, crops)
    doubtful = [i for i, (_, score) in enumerate(results) if score < SECOND_LOOK]
    if doubtful:
        margin = PAD_PX
        variants = [cv2.copyMakeBorder(crops[i], margin, margin, margin, margin, cv2.BORDER_REPLICATE)
                    for i in doubtful]
        variants += [cv2.resize(crops[i], None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC) for i in doubtful]
        again = _recognised(engine, variants)
        for k, index in enumerate(doubtful):
            results[index] = max(results[index], again[k], again[k + len(doubtful)], key=lambda r: r[1])
    return results


def _recognised(engine: Any, crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Crops of similar width share a batch padded only to its widest: rapidocr pads every crop to
    320 px, which for a short amount is most of the work."""
    import cv2
    import numpy as np

    recogniser = engine._load_rec_model()  # rapidocr's own batching pads too much (see above)
    order = sorted(range(len(crops)), key=lambda i: crops[i].shape[1] / crops[i].shape[0])
    results: list[tuple[str, float]] = [("", 0.0)] * len(crops)
    for start in range(0, len(order), REC_BATCH):
        batch = order[start:start + REC_BATCH]
        ratios = [crops[i].shape[1] / crops[i].shape[0] for i in batch]
        widest = max(max(ratios), 1.0)
        images = np.stack([recogniser.resize_norm_img(cv2.cvtColor(crops[i], cv2.COLOR_GRAY2BGR), widest)
                           for i in batch]).astype(np.float32)
        lines, _ = recogniser.postprocess_op(recogniser.session(images), False, wh_ratio_list=ratios,
                                             max_wh_ratio=widest)
        for index, (text, score) in zip(batch, lines, strict=True):
            results[index] = (text.strip(), float(score))
    return results


_engines: dict[int, Any] = {}


def _engine() -> Any:
    """This process's recogniser: one onnxruntime thread, since pages run in parallel processes."""
    engine = _engines.get(os.getpid())
    if engine is None:
        from rapidocr import RapidOCR

        threads = {f"EngineConfig.onnxruntime.{k}": 1 for k in ("intra_op_num_threads", "inter_op_num_threads")}
        engine = _engines[os.getpid()] = RapidOCR(params={
            "Global.log_level": "error", "Global.use_cls": False, "Global.max_side_len": 4000,
            "Det.limit_type": "max", "Det.limit_side_len": DETECT_SIDE_PX,
            "Global.use_vertical_padding": False, **threads})
    return engine
