"""The Document model every reader produces and every rule reads.

Every cell remembers where it came from (text line/column, PDF page and box, sheet!cell) from the
moment it is read; nothing downstream reconstructs a location.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .numbers import BLANK, Amount, Garbled, Parsed

# What can hide a workbook cell, as a clerk reads it in a location
HIDDEN_WORDS = {"sheet": "隐藏工作表", "row": "隐藏行", "column": "隐藏列"}
# OCR'd text read with less confidence than this is worth checking against the original
LOW_CONFIDENCE = 0.8


# Treated as immutable but not frozen: one is built for every cell of every workbook, and a frozen
# dataclass takes three times as long to construct (benchmarks/readers.py).
@dataclass(slots=True, unsafe_hash=True)
class Source:
    """Where a piece of the input came from. Text inputs fill line/column (1-based).

    A workbook cell that is read but not shown says what hides it: ("sheet", "row", "column"), each
    that applies, since a clerk must unhide every one of them to see the cell.
    """

    line: int | None = None
    column: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    sheet: str | None = None
    cell: str | None = None
    hidden: tuple[str, ...] = ()
    confidence: float | None = None  # the OCR recogniser's, for text read from a scanned page

    def describe(self) -> str:
        parts = []
        if self.sheet is not None:
            place = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
            if self.hidden:
                place += "（" + "、".join(HIDDEN_WORDS[h] for h in self.hidden) + "）"
            parts.append(place)
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行" + (f"第{self.column}列" if self.column else ""))
        if self.confidence is not None and self.confidence < LOW_CONFIDENCE:
            parts.append(f"识别置信度 {self.confidence:.2f}")
        return " ".join(parts)


@dataclass(slots=True)
class Cell:
    """One amount cell: its text as displayed, what it parsed to, and the precision it stands for."""

    text: str
    parsed: Parsed
    source: Source
    # Decimals the value stands for: the most shown anywhere in its column ("0" among "1.50" is 0.00).
    precision: int = 0

    @property
    def amount(self) -> Amount | None:
        return self.parsed if isinstance(self.parsed, Amount) else None

    @property
    def is_blank(self) -> bool:
        return self.parsed is BLANK

    @property
    def is_garbled(self) -> bool:
        return isinstance(self.parsed, Garbled)


@dataclass(slots=True)
class Column:
    index: int
    header: tuple[str, ...]  # header path, top row first: ("支出", "决算数")
    number: int | None = None  # 栏次
    role: str = "amount"  # label | row_no | code | amount
    segment: int = 0  # side-by-side halves / column groups of one table

    @property
    def name(self) -> str:
        return "/".join(self.header)


@dataclass(slots=True)
class Row:
    label: str  # as displayed, ordinal included ("一、一般公共预算财政拨款收入")
    key: str  # normalised label used for matching
    ordinal: str | None
    row_no: int | None  # 行次
    code: str | None  # 功能分类/经济分类科目编码, spaces removed
    segment: int
    position: int  # order in the table
    source: Source
    cells: dict[int, Cell] = field(default_factory=dict)  # column index -> cell
    group: str | None = None  # the block of a 自评表 the row belongs to: 资金, 资金管理, 指标, 总分

    @property
    def level(self) -> int:
        """1 for 类 (3 digits), 2 for 款 (5), 3 for 项 (7); 0 for rows without a code."""
        return {3: 1, 5: 2, 7: 3}.get(len(self.code), 0) if self.code else 0


@dataclass(slots=True)
class Note:
    text: str
    source: Source


@dataclass(slots=True)
class Table:
    kind: str | None  # T1..T9 from the catalogue, None for a table not recognised
    title: str
    label: str | None  # printed number such as 公开01表
    columns: list[Column]
    rows: list[Row]
    source: Source
    notes: list[Note] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)  # 单位 / 年度 / 金额单位 as printed
    # Rows the reader could not lay out without guessing (a 自评表 row with a cell too few)
    problems: list[Note] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.label} {self.title}" if self.label else self.title

    def has_data(self) -> bool:
        return any(c.amount is not None and c.amount.value != 0 for r in self.rows for c in r.cells.values())

    def ocr_confidences(self) -> list[float]:
        """The recogniser's confidence in each cell read by OCR from a scanned page: none for print."""
        return [c.source.confidence for r in self.rows for c in r.cells.values() if c.source.confidence is not None]


@dataclass(slots=True)
class TextLine:
    """A line of narrative text outside the tables."""

    text: str
    source: Source


@dataclass(slots=True)
class Document:
    path: str
    format: str
    tables: list[Table] = field(default_factory=list)
    text: list[TextLine] = field(default_factory=list)
    # What the reader could not read inside the file (a scanned page with no text layer)
    problems: list[Note] = field(default_factory=list)
    kind: str | None = None  # 部门预算, 单位决算, 预算 … (document_kind.classify), None when nothing tells
    empty_pages: list[int] = field(default_factory=list)  # pages with nothing on them (no text, no image)

    def tables_of(self, kind: str) -> list[Table]:
        return [t for t in self.tables if t.kind == kind]
