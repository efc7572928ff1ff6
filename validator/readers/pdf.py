"""Published PDFs with a text layer: the tables on each page (pdf_pdfium finds them from PDFium's
character boxes and ruling lines), page number and box kept for every cell.

Each page's own title starts a table: printed above the grid, inside its frame (a merged first row,
often run together with its 表号 and 部门/单位 lines, which become the table's label and metadata),
in a row of its own between two tables sharing a frame, or under the last table of the previous
page. A table that starts a page with no title, or under its own title and header repeated,
continues the previous page's table (its repeated header rows are dropped by the shared recognition). A line sitting on
such a grid that fits its columns is the row whose top rule fell on the previous page. Pages without a text layer (scans) are read by OCR when the
`ocr` extra is installed (pdf_ocr: the same page description, every cell with a confidence), and
otherwise kept as a problem of the document (one per page; rule D-04 reports them as one finding
with the install command), never skipped. BUDGETLINT_OCR=0 turns OCR off.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path

from ..catalogue import Catalogue
from ..errors import ReadError
from ..grouping import page_ranges
from ..labels import normalise
from ..model import Document, Note, Source, TextLine
from ..numbers import Amount, parse_number
from . import pdf_ocr, pdf_pdfium
from .pdf_page import Box, LayoutCell, LayoutLine, LayoutTable, PageLayout
from .table_building import add_table
from .tables import (
    GridCell,
    RawTable,
    add_meta,
    caption_of,
    is_meta,
    is_note,
    is_title,
)

MAX_PAGES = 2000
MAX_CAPTION_ROWS = 3
ROW_GAP = 5.0  # points between a line and the grid under it for the line to be the grid's cut-off row


def read(path: Path, catalogue: Catalogue, max_bytes: int) -> Document:
    document, raws = read_raw(path, max_bytes)
    for raw in raws:
        add_table(document, raw, catalogue)
    return document


def read_raw(path: Path, max_bytes: int, ocr: bool | None = None) -> tuple[Document, list[RawTable]]:
    """The document's text and problems, and every table as found (title, grid, notes), uninterpreted.

    `ocr` says whether scanned pages are OCR'd (default: when the extra is installed and
    BUDGETLINT_OCR is not 0)."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"文件过大（{size:,} 字节，上限 {max_bytes:,} 字节）")
    layouts = list(pdf_pdfium.read_pages(path, MAX_PAGES))
    # a garbled page is not OCR'd: its broken fonts may draw garbage too, which OCR would pass as clean
    scanned = [p.number for p in layouts if not p.has_text and p.has_images and not p.garbled]
    if scanned and (ocr if ocr is not None else os.environ.get("BUDGETLINT_OCR") != "0") and pdf_ocr.available():
        read = {p.number: p for p in _ocr_pages(path, scanned)}
        layouts = [read.get(p.number, p) for p in layouts]
    return from_layouts(path, layouts)


def from_layouts(path: Path, layouts: Iterable[PageLayout]) -> tuple[Document, list[RawTable]]:
    """The document and its tables as found, from the layouts of its pages in order."""
    document = Document(path=str(path), format="pdf")
    raws: list[RawTable] = []
    carried: list[LayoutLine] = []
    garbled = []
    for page in layouts:
        carried = _read_page(page, raws, document, carried)
        if page.garbled:
            garbled.append(page.number)
    if garbled:  # one problem for them all: rule D-04 merges several as scanned pages, which these are not
        document.problems.append(Note(f"第{page_ranges(garbled)}页的文字层是乱码（控制字符、私用区字形：字体缺少正确的"
                                      f"字符映射），无法读取其中的表格（共 {len(garbled)} 页），请提供字体嵌入正确的 PDF",
                                      Source(page=garbled[0])))
    return document, raws


def _ocr_pages(path: Path, numbers: list[int]) -> list[PageLayout]:
    """The scanned pages OCR'd in parallel, with a progress bar on a terminal."""
    if not sys.stderr.isatty():
        return list(pdf_ocr.read_pages(path, numbers))
    from rich.progress import Progress

    with Progress(transient=True, console=None) as progress:
        task = progress.add_task(f"OCR {path.name}", total=len(numbers))
        return list(pdf_ocr.read_pages(path, numbers, progress=lambda _: progress.advance(task)))


def _box(bbox: Box) -> tuple[float, float, float, float]:
    return tuple(round(v, 2) for v in bbox)  # type: ignore[return-value]


def _read_page(page: PageLayout, raws: list[RawTable], document: Document,
               carried: list[LayoutLine]) -> list[LayoutLine]:
    """Reads the page; returns the title (and its 部门/单位 lines) printed under its last table, which
    belongs to the table at the top of the next page."""
    number = page.number
    if not page.has_text:
        if page.has_images and not page.garbled:  # rule D-04 reports these pages, with the ocr extra's install command
            document.problems.append(Note(f"第{number}页为扫描图像，无文字层，无法读取其中的表格", Source(page=number)))
        elif not page.has_images and not page.garbled:
            document.empty_pages.append(number)
        return []
    top = float("-inf")  # a title may reach past the page's top edge
    for index, table in enumerate(page.tables):
        above = [ln for ln in page.lines if top <= ln.bbox[1] and ln.bbox[3] <= table.bbox[1] + 1]
        before_frame = (carried if index == 0 else []) + above
        for part, rows in enumerate(_split_at_titles(table.rows)):
            caption, rows = _caption_rows(rows, table.bbox)
            grid = [[GridCell(cell.text, _placed(cell.bbox, cell.confidence, page)) for cell in row] for row in rows]
            raw = _start_table((before_frame if part == 0 else []) + caption, page, raws, document,
                               first_on_page=index == 0 and part == 0, grid=grid)
            raw.grid.extend(grid)
        top = table.bbox[3]
    if not page.tables:
        _trailing_lines(carried + page.lines, page, raws, document, has_table=False)
        return []
    below = [ln for ln in page.lines if ln.bbox[1] >= top - 1]
    titles = [i for i, ln in enumerate(below) if is_title(ln.text) and not is_meta(ln.text)]
    next_title = below[titles[-1]:] if titles and all(is_meta(ln.text) for ln in below[titles[-1] + 1:]) else []
    _trailing_lines(below[:len(below) - len(next_title)], page, raws, document, has_table=True)
    return next_title


def _split_at_titles(rows: list[list[LayoutCell]]) -> list[list[list[LayoutCell]]]:
    """One ruled frame holding several tables (the next table's title printed in a row of its own)
    split at each such title row."""
    parts: list[list[list[LayoutCell]]] = [[]]
    titles = [_caption_of_row(row, title=True) is not None for row in rows]
    for index, row in enumerate(rows):
        filled_above = any(c.text.strip() for r in parts[-1] for c in r)
        # …but a run of titles is a list of tables (a 目录), not one
        if titles[index] and filled_above and not titles[index - 1] and index + 1 < len(rows) and not titles[index + 1]:
            parts.append([])
        parts[-1].append(row)
    return parts


def _caption_rows(rows: list[list[LayoutCell]], frame: Box) -> tuple[list[LayoutLine], list[list[LayoutCell]]]:
    """The title, 表号 and 部门/单位 lines printed inside the table's frame above its header (one
    merged cell each, or 部门 and 单位 in cells of one row), as lines; and the rows under them."""
    lines: list[LayoutLine] = []
    taken = 0
    for index, row in enumerate(rows[:MAX_CAPTION_ROWS]):
        if not any(c.text.strip() for c in row):
            continue
        parts = _caption_of_row(row, title=False)
        if parts is None:
            break
        first = next(c for c in row if c.text.strip())
        lines.extend(LayoutLine(part, first.bbox or frame) for part in parts)
        taken = index + 1
    return lines, rows[taken:]


def _caption_of_row(row: list[LayoutCell], title: bool) -> list[str] | None:
    """The caption parts of a grid row (`title`: only a row carrying a table title), else None. A title
    stands alone in its row; 部门 and 单位 may share one."""
    filled = [c.text.strip() for c in row if c.text.strip()]
    parts = caption_of(" ".join(filled)) if filled else None
    has_title = parts is not None and any(is_title(p) and not is_meta(p) for p in parts)
    if parts is None or has_title and len(filled) > 1 or title and not has_title:
        return None
    return parts


def _start_table(lines: list[LayoutLine], page: PageLayout, raws: list[RawTable], document: Document,
                 first_on_page: bool, grid: list[list[GridCell]]) -> RawTable:
    lines = [LayoutLine(part, ln.bbox, ln.confidence) for ln in lines for part in caption_of(ln.text) or [ln.text]]
    # The title nearest the table: a part heading such as "XX部 2024 年度部门决算表" may stand above it.
    titles = [i for i, ln in enumerate(lines) if is_title(ln.text) and not is_meta(ln.text)]
    title_at = titles[-1] if titles else None
    if first_on_page and raws and (title_at is None or _repeats(raws[-1], lines[title_at].text, grid)):
        cut_off = _row_above(lines[-1], grid, page) if lines and title_at is None else None
        for line in lines[:-1] if cut_off else lines:  # a running header, page number or the repeated title
            document.text.append(TextLine(line.text, _line_source(line, page)))
        if cut_off:
            raws[-1].grid.append(cut_off)
        return raws[-1]
    if title_at is None:
        for line in lines:
            _leftover(line, page, raws, document)
        raw = RawTable("（无标题表格）", Source(page=page.number), [])
    else:
        title = lines[title_at]
        raw = RawTable(title.text.strip(), _line_source(title, page), [])
        for line in lines[:title_at]:
            if is_meta(line.text):  # the 表号 printed above the title: 公开01表, 表一
                add_meta(raw, line.text)
            else:
                _leftover(line, page, raws, document)
        for line in lines[title_at + 1:]:
            if is_meta(line.text):
                add_meta(raw, line.text)
            else:
                document.text.append(TextLine(line.text, _line_source(line, page)))
    raws.append(raw)
    return raw


def _row_above(line: LayoutLine, grid: list[list[GridCell]], page: PageLayout) -> list[GridCell] | None:
    """The first row of a continued table whose top rule fell on the previous page: a line sitting on
    the grid, one word per column across its whole width, figures where the grid's first row has them."""
    boxes = [c.source.bbox for c in grid[0]] if grid else []
    words = line.text.split()
    if page.turn is not None or not boxes or None in boxes or len(words) != len(boxes):
        return None
    left, right, top = boxes[0][0], boxes[-1][2], min(b[1] for b in boxes)
    x0, y0, x1, y1 = line.bbox
    if not (0 <= top - y1 <= ROW_GAP and left <= x0 < boxes[0][2] and boxes[-1][0] < x1 <= right):
        return None
    if any(isinstance(parse_number(w), Amount) != isinstance(parse_number(c.text), Amount)
           for w, c in zip(words, grid[0], strict=True) if c.text.strip()):
        return None
    return [GridCell(word, _placed((box[0], y0, box[2], y1), line.confidence, page))
            for word, box in zip(words, boxes, strict=True)]


def _repeats(previous: RawTable, title: str, grid: list[list[GridCell]]) -> bool:
    """The previous page's table printed again under its own title and header: one table across pages."""
    same_header = bool(grid and previous.grid) and [normalise(c.text) for c in grid[0]] == [
        normalise(c.text) for c in previous.grid[0]]
    return normalise(title) == normalise(previous.title) and same_header


def _trailing_lines(lines: list[LayoutLine], page: PageLayout, raws: list[RawTable], document: Document,
                    has_table: bool) -> None:
    in_notes = has_table
    for line in lines:
        if in_notes and raws and (is_note(line.text) or raws[-1].notes and not is_title(line.text)):
            raws[-1].notes.append(Note(line.text, _line_source(line, page)))
            continue
        in_notes = False
        _leftover(line, page, raws, document)


def _leftover(line: LayoutLine, page: PageLayout, raws: list[RawTable], document: Document) -> None:
    if raws and is_note(line.text) and not raws[-1].notes:
        raws[-1].notes.append(Note(line.text, _line_source(line, page)))
    else:
        document.text.append(TextLine(line.text, _line_source(line, page)))


def _line_source(line: LayoutLine, page: PageLayout) -> Source:
    return _placed(line.bbox, line.confidence, page)


def _placed(bbox: Box | None, confidence: float | None, page: PageLayout) -> Source:
    """Where text is on the page as it is (a scan OCR straightened is turned back)."""
    return Source(page=page.number, bbox=_box(page.page_box(bbox)) if bbox else None, confidence=confidence)
