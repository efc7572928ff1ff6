"""Formula cells keep their cached values in a workbook that openpyxl has loaded and saved again.

openpyxl writes every formula as `<f>` with an empty `<v/>`: Excel recalculates on opening, but a
program that reads values without calculating (budgetlint among them) then sees formulas without
values. After the save, each formula cell's `<v>` and type (`t`) are copied from the original
sheet's XML by cell reference. That covers shared formulas (their cells carry their own values;
openpyxl writes each out as a plain formula) and array formulas (the value of the first cell sits
on the cell with the `<f>`; openpyxl keeps the others as plain values).

The sheets are rewritten by a streaming SAX filter in namespace mode, so every prefix and namespace
declaration is written back as it was read; only the `t` of formula cells and the text of their
`<v>` change.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree
from xml.sax import handler, make_parser
from xml.sax.saxutils import XMLGenerator
from xml.sax.xmlreader import AttributesNSImpl

from .errors import ReadError

# Cell reference -> (t, the text of <v>) of every formula cell with a cached value on one sheet
CachedValues = dict[str, tuple[str | None, str]]
TYPE = (None, "t")  # the cell's type attribute, in the SAX namespace mode's (uri, name) form
REFERENCE = (None, "r")


def save_with_cached_values(book: Any, original: Path, target: Path) -> None:
    """Save the openpyxl workbook `book`, loaded from `original`, to `target` with its cached values.

    Raises ReadError when the original's formula cells cannot be read.
    """
    from openpyxl.xml.constants import SHEET_MAIN_NS

    saved = io.BytesIO()
    book.save(saved)
    try:
        values = _original_values(original)
    except (ElementTree.ParseError, IndexError, ValueError) as error:  # a sheet's XML or a cell broken
        raise ReadError(f"无法读取工作簿 {original} 中公式的缓存值：{error}") from None
    # the part each sheet was just saved to (openpyxl numbers the sheets as it saves them)
    parts = {sheet.path.lstrip("/"): values[sheet.title] for sheet in book.worksheets if values.get(sheet.title)}
    result = io.BytesIO()
    with zipfile.ZipFile(saved) as source, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename in parts:
                data = _fill_values(data, parts[info.filename], SHEET_MAIN_NS)
            copy.writestr(info, data)
    target.write_bytes(result.getvalue())


def _original_values(original: Path) -> dict[str, CachedValues]:
    import openpyxl

    book = openpyxl.load_workbook(original, read_only=True)
    try:
        with zipfile.ZipFile(original) as archive:
            # read-only openpyxl keeps each sheet's part name (as validator.readers.excel reads it) and
            # its shared strings (for the rare writer that stores a formula's text result as one)
            return {sheet.title: _cached_values(archive.open(sheet._worksheet_path), sheet._shared_strings)
                    for sheet in book.worksheets}
    finally:
        book.close()


def _cached_values(xml: IO[bytes], shared_strings: list[str]) -> CachedValues:
    """The cached value of every formula cell of one sheet (an empty <v/> is kept as it is)."""
    values: CachedValues = {}
    for _, element in ElementTree.iterparse(xml):
        if not element.tag.endswith("}c"):
            continue
        namespace = element.tag[:-1]  # transitional or strict SpreadsheetML
        formula, value, reference = element.find(namespace + "f"), element.find(namespace + "v"), element.get("r")
        if formula is not None and value is not None and reference:
            kind, text = element.get("t"), value.text or ""
            if kind == "s":  # the copy has no shared-string table of the original's: the text itself
                kind, text = "str", str(shared_strings[int(text)])
            values[reference] = (kind, text)
        element.clear()
    return values


def _fill_values(xml: bytes, values: CachedValues, namespace: str) -> bytes:
    out = io.BytesIO()
    parser = make_parser()
    parser.setFeature(handler.feature_namespaces, True)
    parser.setFeature(handler.feature_external_ges, False)
    parser.setContentHandler(_CachedValueFiller(out, values, namespace))
    parser.parse(io.BytesIO(xml))
    return out.getvalue()


class _CachedValueFiller(XMLGenerator):
    """Copies a sheet's XML, giving each formula cell found in `values` its cached value and type.

    A cell's start tag is held back until its first child shows whether it holds a formula (`<f>`
    comes first in a cell), since the type sits on the start tag.
    """

    def __init__(self, out: IO[bytes], values: CachedValues, namespace: str) -> None:
        super().__init__(out, encoding="utf-8", short_empty_elements=True)
        self._values = values
        self._cell, self._formula, self._value = (namespace, "c"), (namespace, "f"), (namespace, "v")
        self._held: tuple[Any, Any, Any] | None = None
        self._cached: str | None = None  # the cached text of the formula cell being copied
        self._replacing = False  # inside that cell's <v>: what openpyxl wrote there is dropped

    def startElementNS(self, name: Any, qname: Any, attrs: Any) -> None:
        if self._held is not None:
            self._release(formula=name == self._formula)
        if name == self._cell:
            self._held = (name, qname, attrs)
            return
        super().startElementNS(name, qname, attrs)
        if name == self._value and self._cached is not None:
            super().characters(self._cached)
            self._replacing = True

    def endElementNS(self, name: Any, qname: Any) -> None:
        if self._held is not None:
            self._release(formula=False)
        if name == self._value:
            self._replacing = False
        elif name == self._cell:
            self._cached = None
        super().endElementNS(name, qname)

    def characters(self, content: str) -> None:
        if self._held is not None:
            self._release(formula=False)
        if not self._replacing:
            super().characters(content)

    def _release(self, formula: bool) -> None:
        name, qname, attrs = self._held
        self._held = None
        cached = self._values.get(attrs.get(REFERENCE)) if formula else None
        if cached is not None:
            kind, self._cached = cached
            changed = {key: value for key, value in attrs.items() if key != TYPE}
            if kind not in (None, "n"):  # a number is the default type
                changed[TYPE] = kind
            attrs = AttributesNSImpl(changed, {})
        super().startElementNS(name, qname, attrs)
