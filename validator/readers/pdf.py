"""Published PDFs with a text layer: ruled tables extracted with pdfplumber (the reference for cell
accuracy), page number and box kept for every cell.

Text above a table on its page gives the title, 公开NN表 label and 单位/年度 lines; a table that
starts a page with no title above it continues the previous page's table (its repeated header rows
are dropped by the shared recognition). Pages without a text layer are reported, never skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..catalogue import Catalogue
from ..errors import ReadError
from ..model import Document, Note, Source, TextLine
from ..tables import (
    GridCell,
    RawTable,
    add_meta,
    build_table,
    is_meta,
    is_note,
    is_title,
)

MAX_PAGES = 2000


def read(path: Path, catalogue: Catalogue, max_bytes: int) -> Document:
    document, raws = read_raw(path, max_bytes)
    document.tables = [build_table(raw, catalogue) for raw in raws]
    return document


def read_raw(path: Path, max_bytes: int) -> tuple[Document, list[RawTable]]:
    """The document's text and problems, and every table as found (title, grid, notes), uninterpreted."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"文件过大（{size:,} 字节，上限 {max_bytes:,} 字节）")
    document = Document(path=str(path), format="pdf")
    raws: list[RawTable] = []
    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > MAX_PAGES:
                raise ReadError(f"PDF 有 {len(pdf.pages)} 页，超过 {MAX_PAGES} 页的上限")
            for number, page in enumerate(pdf.pages, start=1):
                _read_page(page, number, raws, document)
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, PDFEncryptionError) as error:
        cause = error.__cause__ or error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(cause).lower():
            raise ReadError("PDF 已加密，无法读取") from None
        raise ReadError(f"PDF 文件损坏或无法解析：{type(cause).__name__}") from None
    return document, raws


def _box(bbox: Any) -> tuple[float, float, float, float]:
    return tuple(round(float(v), 2) for v in bbox)  # type: ignore[return-value]


def _read_page(page: Any, number: int, raws: list[RawTable], document: Document) -> None:
    if not page.chars:
        if page.images:
            document.problems.append(Note(f"第{number}页为扫描图像，无文字层，无法读取其中的表格",
                                          Source(page=number)))
        return
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    lines = page.extract_text_lines(return_chars=False)
    top = 0.0
    for index, table in enumerate(tables):
        above = [ln for ln in lines if top <= ln["top"] and ln["bottom"] <= table.bbox[1] + 1]
        raw = _start_table(above, number, raws, document, first_on_page=index == 0)
        for texts, row in zip(table.extract(), table.rows, strict=True):
            raw.grid.append([GridCell((text or "").replace("\n", ""),
                                      Source(page=number, bbox=_box(bbox) if bbox else None))
                             for text, bbox in zip(texts, row.cells, strict=True)])
        top = table.bbox[3]
    below = [ln for ln in lines if ln["top"] >= top - 1]
    _trailing_lines(below, number, raws, document, has_table=bool(tables))


def _start_table(lines: list[dict[str, Any]], number: int, raws: list[RawTable], document: Document,
                 first_on_page: bool) -> RawTable:
    # The title nearest the table: a part heading such as "XX部 2024 年度部门决算表" may stand above it.
    titles = [i for i, ln in enumerate(lines) if is_title(ln["text"]) and not is_meta(ln["text"])]
    title_at = titles[-1] if titles else None
    if title_at is None and first_on_page and raws:
        for line in lines:  # a running header or page number above a continued table
            document.text.append(TextLine(line["text"], _line_source(line, number)))
        return raws[-1]
    for line in lines[:title_at] if title_at is not None else lines:
        _leftover(line, number, raws, document)
    if title_at is None:
        raw = RawTable("（无标题表格）", Source(page=number), [])
    else:
        title = lines[title_at]
        raw = RawTable(title["text"].strip(), _line_source(title, number), [])
        for line in lines[title_at + 1:]:
            if is_meta(line["text"]):
                add_meta(raw, line["text"])
            else:
                document.text.append(TextLine(line["text"], _line_source(line, number)))
    raws.append(raw)
    return raw


def _trailing_lines(lines: list[dict[str, Any]], number: int, raws: list[RawTable], document: Document,
                    has_table: bool) -> None:
    in_notes = has_table
    for line in lines:
        if in_notes and raws and (is_note(line["text"]) or raws[-1].notes and not is_title(line["text"])):
            raws[-1].notes.append(Note(line["text"], _line_source(line, number)))
            continue
        in_notes = False
        _leftover(line, number, raws, document)


def _leftover(line: dict[str, Any], number: int, raws: list[RawTable], document: Document) -> None:
    if raws and is_note(line["text"]) and not raws[-1].notes:
        raws[-1].notes.append(Note(line["text"], _line_source(line, number)))
    else:
        document.text.append(TextLine(line["text"], _line_source(line, number)))


def _line_source(line: dict[str, Any], number: int) -> Source:
    return Source(page=number, bbox=_box((line["x0"], line["top"], line["x1"], line["bottom"])))
