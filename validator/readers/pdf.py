"""Published PDFs with a text layer: the tables on each page (pdf_pdfium finds them from PDFium's
character boxes and ruling lines), page number and box kept for every cell.

Text above a table on its page gives the title, 公开NN表 label and 单位/年度 lines; a table that
starts a page with no title above it continues the previous page's table (its repeated header rows
are dropped by the shared recognition). Pages without a text layer (scans) are read by OCR when the
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
from ..model import Document, Note, Source, TextLine
from . import pdf_ocr, pdf_pdfium
from .pdf_page import Box, LayoutLine, PageLayout
from .table_building import add_table
from .tables import (
    GridCell,
    RawTable,
    add_meta,
    is_meta,
    is_note,
    is_title,
)

MAX_PAGES = 2000


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
    scanned = [p.number for p in layouts if not p.has_text and p.has_images]
    if scanned and (ocr if ocr is not None else os.environ.get("BUDGETLINT_OCR") != "0") and pdf_ocr.available():
        read = {p.number: p for p in _ocr_pages(path, scanned)}
        layouts = [read.get(p.number, p) for p in layouts]
    return from_layouts(path, layouts)


def from_layouts(path: Path, layouts: Iterable[PageLayout]) -> tuple[Document, list[RawTable]]:
    """The document and its tables as found, from the layouts of its pages in order."""
    document = Document(path=str(path), format="pdf")
    raws: list[RawTable] = []
    for page in layouts:
        _read_page(page, raws, document)
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


def _read_page(page: PageLayout, raws: list[RawTable], document: Document) -> None:
    number = page.number
    if not page.has_text:
        if page.has_images:  # rule D-04 reports these pages, with the ocr extra's install command
            document.problems.append(Note(f"第{number}页为扫描图像，无文字层，无法读取其中的表格", Source(page=number)))
        return
    lines = page.lines
    top = 0.0
    for index, table in enumerate(page.tables):
        above = [ln for ln in lines if top <= ln.bbox[1] and ln.bbox[3] <= table.bbox[1] + 1]
        raw = _start_table(above, page, raws, document, first_on_page=index == 0)
        for row in table.rows:
            raw.grid.append([GridCell(cell.text, _placed(cell.bbox, cell.confidence, page)) for cell in row])
        top = table.bbox[3]
    below = [ln for ln in lines if ln.bbox[1] >= top - 1]
    _trailing_lines(below, page, raws, document, has_table=bool(page.tables))


def _start_table(lines: list[LayoutLine], page: PageLayout, raws: list[RawTable], document: Document,
                 first_on_page: bool) -> RawTable:
    # The title nearest the table: a part heading such as "XX部 2024 年度部门决算表" may stand above it.
    titles = [i for i, ln in enumerate(lines) if is_title(ln.text) and not is_meta(ln.text)]
    title_at = titles[-1] if titles else None
    if title_at is None and first_on_page and raws:
        for line in lines:  # a running header or page number above a continued table
            document.text.append(TextLine(line.text, _line_source(line, page)))
        return raws[-1]
    for line in lines[:title_at] if title_at is not None else lines:
        _leftover(line, page, raws, document)
    if title_at is None:
        raw = RawTable("（无标题表格）", Source(page=page.number), [])
    else:
        title = lines[title_at]
        raw = RawTable(title.text.strip(), _line_source(title, page), [])
        for line in lines[title_at + 1:]:
            if is_meta(line.text):
                add_meta(raw, line.text)
            else:
                document.text.append(TextLine(line.text, _line_source(line, page)))
    raws.append(raw)
    return raw


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
