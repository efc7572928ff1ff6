"""The reference page layouts, from pdfplumber's ruled-table extraction: what the PDFium reader
(validator.readers.pdf_pdfium) must equal, page for page (test_pdf_backends.py). pdfplumber comes
with the test extra; budgetlint itself never uses it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from validator.errors import ReadError
from validator.readers.pdf_page import Box, LayoutCell, LayoutLine, LayoutTable, PageLayout


def read_pages(path: Path, max_pages: int) -> Iterator[PageLayout]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            if len(pdf.pages) > max_pages:
                raise ReadError(f"PDF 有 {len(pdf.pages)} 页，超过 {max_pages} 页的上限")
            for number, page in enumerate(pdf.pages, start=1):
                yield _page_layout(page, number)
                page.close()
    except (PdfminerException, PDFSyntaxError, PDFPasswordIncorrect, PDFEncryptionError) as error:
        cause = error.__cause__ or error
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError) or "password" in str(cause).lower():
            raise ReadError("PDF 已加密，无法读取") from None
        raise ReadError(f"PDF 文件损坏或无法解析：{type(cause).__name__}") from None


def _page_layout(page: object, number: int) -> PageLayout:
    if not page.chars:  # type: ignore[attr-defined]
        return PageLayout(number, [], [], False, bool(page.images))  # type: ignore[attr-defined]
    tables = [LayoutTable(_box(table.bbox),
                          [[LayoutCell((text or "").replace("\n", ""), _box(bbox) if bbox else None)
                            for text, bbox in zip(texts, row.cells, strict=True)]
                           for texts, row in zip(table.extract(), table.rows, strict=True)])
              for table in page.find_tables()]  # type: ignore[attr-defined]
    lines = []
    for line in page.extract_text_lines(return_chars=False):  # type: ignore[attr-defined]
        box = _box((line["x0"], line["top"], line["x1"], line["bottom"]))
        if not any(_centre_in(box, t.bbox) for t in tables):
            lines.append(LayoutLine(line["text"], box))
    return PageLayout(number, lines, tables, True, bool(page.images))  # type: ignore[attr-defined]


def _box(bbox: object) -> Box:
    x0, top, x1, bottom = (float(v) for v in bbox)  # type: ignore[attr-defined]
    return (x0, top, x1, bottom)


def _centre_in(box: Box, table: Box) -> bool:
    x, y = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return table[0] <= x < table[2] and table[1] <= y < table[3]
