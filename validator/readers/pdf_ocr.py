"""Scanned pages (no text layer) read by OCR into the same page description pdf_layout gives a text
page, so titles, continuation pages, notes and table recognition are shared unchanged.

Needs the `ocr` extra (rapidocr with its bundled PP-OCR models on onnxruntime, OpenCV); nothing is
downloaded at run time. Each page is rendered at 200 dpi, with a red seal faded out (red pixels take
their red channel, where the seal is as light as the paper), and straightened by the slope of its long
horizontal rules; the ruling lines are found by morphology (horizontal and vertical openings) and
handed, as edges in points, to pdf_layout.find_tables, so merged cells and table grouping follow the
text-PDF rules exactly. Every cell is then recognised on its own crop with the rules erased, one crop
per text line inside it (an amount touching a neighbour's text is never fused with it); text outside
the tables is detected and recognised band by band. Boxes are in points on the straightened page;
every cell and line carries the recogniser's confidence (the lowest of its text lines).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
PAD_PX = round(1.5 * SCALE)  # blank margin kept around a text line crop
RULE_MARGIN_PX = round(0.8 * SCALE)  # the grey fringe of a scanned rule, erased with it
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
    # a seal's own ink over paper is not ink for the rules; a rule printed under the seal stays dark
    ink = ((grey < INK) & ~(seal & (clean >= SEAL_PAPER))).astype(np.uint8) * 255
    horizontal = _opened(ink, (round(MIN_RULE_PT * SCALE), 1))
    vertical = _opened(ink, (1, round(MIN_COLUMN_RULE_PT * SCALE)))
    h_edges = _edges(horizontal, seal, across=False)
    v_edges = _column_rules(_edges(vertical, seal, across=True), h_edges)
    tables = [_cell_grid(cells) for cells in find_tables(h_edges, v_edges)]
    # Rules are erased inside the tables only: outside, a bold title's strokes are as long as a rule.
    rules = cv2.dilate(horizontal | vertical, np.ones((2 * RULE_MARGIN_PX + 1,) * 2, np.uint8))
    for bbox, _ in tables:
        x0, y0, x1, y1 = _pixels(bbox)
        m = RULE_MARGIN_PX
        inside = (slice(max(y0 - m, 0), y1 + m), slice(max(x0 - m, 0), x1 + m))
        clean[inside][rules[inside] > 0] = 255
    text_ink = _opened((clean < INK).astype(np.uint8) * 255, (2, 2))
    engine = _engine()

    crops: list[np.ndarray] = []
    texts: dict[tuple[int, int, int], list[tuple[str, float | None]]] = {}
    owners: list[tuple[int, int, int]] = []  # (table, row, column) of each crop
    for t, (_, grid) in enumerate(tables):
        for r, row in enumerate(grid):
            for c, box in enumerate(row):
                if box is not None:
                    for line in _text_lines(text_ink, clean, box):
                        if isinstance(line, str):
                            texts.setdefault((t, r, c), []).append((line, None))
                        else:
                            crops.append(line)
                            owners.append((t, r, c))
    if crops:
        for owner, (text, score) in zip(owners, _recognise(engine, crops), strict=True):
            texts.setdefault(owner, []).append((text, round(score, 3)))
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
        layout_tables.append(LayoutTable(bbox, rows))

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
    return cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _edges(mask: np.ndarray, seal: np.ndarray, across: bool) -> list[Edge]:
    """Each connected run of a rule mask as an edge in points: (position, start, end); a run mostly
    of a seal's ink (its ring is straight enough at its top, bottom and sides) is not a rule."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    sealed = np.bincount(labels[seal], minlength=count)
    edges = []
    for index in range(1, count):
        x, y, width, height, area = stats[index]
        if sealed[index] * 2 > area:
            continue
        if across:
            edges.append(((x + width / 2) / SCALE, y / SCALE, (y + height) / SCALE))
        else:
            edges.append(((y + height / 2) / SCALE, x / SCALE, (x + width) / SCALE))
    return edges


def _column_rules(vertical: list[Edge], horizontal: list[Edge]) -> list[Edge]:
    """The vertical runs that reach a horizontal rule at both ends: glyph strokes never do."""
    reach = 3.0

    def meets(x: float, y: float) -> bool:
        return any(abs(hy - y) <= reach and x0 - reach <= x <= x1 + reach for hy, x0, x1 in horizontal)

    return [e for e in vertical if meets(e[0], e[1]) and meets(e[0], e[2])]


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
    return tuple(round(v, 2) for v in box)  # type: ignore[return-value]


def _text_lines(ink: np.ndarray, grey: np.ndarray, box: Box) -> list[np.ndarray | str]:
    """The grey crops of the text lines inside a cell, top to bottom, each trimmed to its ink; a dash
    alone is given as its text."""
    import numpy as np

    x0, y0, x1, y1 = _pixels(box)
    cell = ink[y0 + 1:y1 - 1, x0 + 1:x1 - 1]
    rows = np.flatnonzero(cell.any(axis=1))
    lines: list[np.ndarray | str] = []
    for top, bottom in _runs(rows, LINE_GAP_PX):
        cols = np.flatnonzero(cell[top:bottom + 1].any(axis=0))
        left, right = cols[0], cols[-1]
        height, width = bottom - top + 1, right - left + 1
        if height < MIN_LINE_PX:
            if width > height and cell.shape[0] / 4 <= top and bottom <= cell.shape[0] * 3 / 4:
                # a bar in the middle of its cell: a dash, too small to recognise (3 px in a 6 pt 自评表)
                lines.append("-" if width < DASH_PX else "—")
            continue  # otherwise a speck
        # at least a line's height around it, so that a dash is recognised at its size
        pad = max(PAD_PX, (MIN_CROP_PX - height) // 2)
        lines.append(grey[max(y0 + 1 + top - pad, y0 + 1):min(y0 + 2 + bottom + pad, y1 - 1),
                          max(x0 + 1 + left - PAD_PX, x0 + 1):min(x0 + 2 + right + PAD_PX, x1 - 1)])
    return lines


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
DETECT_SIDE_PX = 1280  # text outside tables is found on the page scaled down to this (PaddleOCR uses 960)


def _recognise(engine: Any, crops: list[np.ndarray]) -> list[tuple[str, float]]:
    """Each text-line crop's text and confidence. Crops of similar width share a batch padded only to
    its widest: rapidocr pads every crop to 320 px, which for a short amount is most of the work."""
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
