"""Scanned pages (no text layer) read by OCR into the same page description (pdf_page) a text page
gets, so titles, continuation pages, notes and table recognition are shared unchanged.

Needs the `ocr` extra (rapidocr with its bundled PP-OCR models on onnxruntime, OpenCV); nothing is
downloaded at run time. Each page is rendered at 200 dpi in colour and straightened by the slope of
its long horizontal rules. Ruling lines are found on its luminance (pdf_ocr_rules), a red seal's
ring and star never taken for one, and handed, as edges in points, to the ruled-table finder of text
PDFs (pdf_ruled_tables), so merged cells and table grouping follow the text-PDF rules exactly.
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

import multiprocessing
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import LOW_CONFIDENCE
from .pdf_ocr_rules import (
    INK,
    SCALE,
    column_rules,
    find_rules,
    opened,
    painted,
    rule_masks,
    skew,
    turned,
)
from .pdf_page import Box, LayoutCell, LayoutLine, LayoutTable, PageLayout
from .pdf_ruled_tables import cell_grid, find_tables

if TYPE_CHECKING:
    import numpy as np

LINE_GAP_PX = round(1.0 * SCALE)  # blank pixel rows that separate two text lines inside a cell
MIN_LINE_PX = round(2.5 * SCALE)  # ink lower than this is a speck unless it is longer (a dash)
MIN_CROP_PX = round(10 * SCALE)  # the height of a text line crop at least
DASH_PX = round(3.0 * SCALE)  # a bar shorter than this is a hyphen-minus, a longer one an em dash
MIN_DASH_PX = round(1.5 * SCALE)  # a hyphen is a quarter of an em at least (6 pt print); less is a speck
PAD_PX = round(1.5 * SCALE)  # blank margin kept around a text line crop
RULE_MARGIN_PX = round(0.8 * SCALE)  # the grey fringe of a scanned rule, erased with it
CUT_PX = RULE_MARGIN_PX * 2 + 2  # a line this close to its cell's edge may run on across the rule

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
    if multiprocessing.current_process().daemon:  # a Dask worker under its nanny may start no process
        workers = 1  # (the cluster spreads the files: one page after the other is enough)
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

    degrees = skew(grey)
    grey = turned(grey, degrees)
    clean = grey.copy() if unsealed is None else turned(unsealed, degrees)
    seal = clean.astype(np.int16) - grey > SEAL_CAST
    horizontal, vertical = rule_masks(grey < INK, seal & (clean >= SEAL_PAPER))
    h_rules = find_rules(horizontal, seal, across=False)
    h_edges = [rule.edge for rule in h_rules]
    v_rules = column_rules(find_rules(vertical, seal, across=True), h_edges)
    tables = [cell_grid(cells) for cells in find_tables(h_edges, [rule.edge for rule in v_rules])]
    # Only the rules found are erased (not a glyph's stroke, nor a seal's star, that the masks hold),
    # and inside the tables only: outside, a bold title's strokes are as long as a rule.
    horizontal, vertical = painted(h_rules, grey.shape), painted(v_rules, grey.shape)
    # A text line printed across a horizontal rule is read with the rule in place (ruled).
    def dilated(mask: np.ndarray) -> np.ndarray:
        return cv2.dilate(mask, np.ones((2 * RULE_MARGIN_PX + 1,) * 2, np.uint8))

    rule_fringes, column_fringes = dilated(horizontal | vertical), dilated(vertical)
    ruled = clean.copy()
    for bbox, _ in tables:
        x0, y0, x1, y1 = _pixels(bbox)
        m = RULE_MARGIN_PX
        inside = (slice(max(y0 - m, 0), y1 + m), slice(max(x0 - m, 0), x1 + m))
        clean[inside][rule_fringes[inside] > 0] = 255
        ruled[inside][column_fringes[inside] > 0] = 255
    raw_ink = (clean < INK).astype(np.uint8) * 255
    text_ink = opened(raw_ink, (2, 2))
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
    boxes on one level joined into a line (words apart by a space, as a text page's are)."""
    import cv2
    import numpy as np

    ink = opened((grey < INK).astype(np.uint8) * 255, (2, 2))
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
