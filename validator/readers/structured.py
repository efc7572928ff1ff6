"""Parsed tables as YAML or JSON: the canonical form of the Document model.

Two ways to give a table (both may appear in one file):
- `grid:` the rows of cell texts as printed, header rows included; recognised exactly like a text
  dump (YAML inputs keep each cell's line and column for the findings);
- `columns:` and `rows:` as `budgetlint parse` writes them, every cell with its original source.

    format: budgetlint-document/1
    tables:
      - title: 收入支出决算总表
        label: 公开01表
        grid:
          - [项目, 行次, 决算数, 项目, 行次, 决算数]
          - [一、一般公共预算财政拨款收入, 1, "2,587.46", 一、一般公共服务支出, 32, "2,085.45"]

An amount written as a formula (`"=SUM(D8:I8)"`) is a workbook formula whose value was not stored.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, with_config
from typing_extensions import (  # pydantic needs this TypedDict before 3.12
    NotRequired,
    TypedDict,
)

from ..catalogue import Catalogue
from ..errors import ReadError
from ..labels import split_ordinal
from ..model import Column, Document, Note, Row, Source, Table, TextLine
from .selfeval import apply_self_evaluation_precision, make_self_evaluation_cell
from .table_building import build_table
from .tables import GridCell, RawTable, apply_column_precision, formula_problem, make_cell
from ..yamlnodes import load_with_nodes

FORMAT = "budgetlint-document/1"

Scalar = str | int | float | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# Rows, cells and sources are TypedDicts: validated just as strictly, without a model object per cell
# (a disclosure has thousands of cells, and building a model for each dominated reading time).
@with_config(ConfigDict(extra="forbid"))
class SourceSpec(TypedDict, total=False):
    line: int | None
    column: int | None
    page: int | None
    bbox: tuple[float, float, float, float] | None
    sheet: str | None
    cell: str | None
    hidden: tuple[Literal["sheet", "row", "column"], ...]


@with_config(ConfigDict(extra="forbid"))
class CellSpec(TypedDict):
    text: str
    source: NotRequired[SourceSpec]


@with_config(ConfigDict(extra="forbid"))
class ColumnSpec(TypedDict):
    header: list[str]
    number: NotRequired[int | None]
    role: NotRequired[str]
    segment: NotRequired[int]


@with_config(ConfigDict(extra="forbid"))
class RowSpec(TypedDict, total=False):
    label: str
    row_no: int | None
    code: str | None
    segment: int
    source: SourceSpec
    cells: dict[int, CellSpec]
    group: str | None


@with_config(ConfigDict(extra="forbid"))
class NoteSpec(TypedDict):
    text: str
    source: NotRequired[SourceSpec]


class TableSpec(_Strict):
    title: str
    label: str | None = None
    kind: str | None = None  # written by `parse`; recomputed from the title on reading
    meta: dict[str, str] = {}
    source: SourceSpec = {}
    notes: list[NoteSpec | str] = []
    grid: list[list[Scalar]] | None = None
    columns: list[ColumnSpec] | None = None
    rows: list[RowSpec] | None = None
    problems: list[NoteSpec | str] = []


class DocumentSpec(_Strict):
    format: str = FORMAT
    path: str | None = None
    source_format: str | None = None
    tables: list[TableSpec] = []
    text: list[NoteSpec | str] = []
    problems: list[NoteSpec | str] = []
    empty_pages: list[int] = []


def read(path: Path, catalogue: Catalogue, max_bytes: int) -> Document:
    size = path.stat().st_size
    if size > max_bytes:
        raise ReadError(f"文件过大（{size:,} 字节，上限 {max_bytes:,} 字节）")
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError("结构化文件必须是 UTF-8 编码") from None
    if path.suffix.lower() == ".json":
        data, lines = _load_json(text), None
    else:
        data, lines = _load_yaml(text)
    return document_from_data(data, str(path), catalogue, lines)


def _load_json(text: str) -> Any:
    try:
        # Keep numbers as written: 55.70 must stay 55.70 (two decimals shown), not become 55.7.
        data = json.loads(text, parse_float=str, object_pairs_hook=_without_duplicate_keys)
    except json.JSONDecodeError as error:
        raise ReadError(f"JSON 格式错误（第{error.lineno}行第{error.colno}列）：{error.msg}") from None
    except RecursionError:
        raise ReadError("JSON 嵌套层数过多，不像决算文件") from None
    except ValueError as error:  # an integer of more than 4,300 digits
        raise ReadError(f"JSON 中有无法读取的数：{error}") from None
    if _LONE_SURROGATE.search(text) and _has_lone_surrogate(data):
        # "\ud800" escapes decode to a character no report can be written in (UTF-8)
        raise ReadError("JSON 中含孤立的 UTF-16 代理字符（\\ud800–\\udfff 转义），不是有效文本")
    return data


_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")  # a surrogate escape; pairs (emoji) are fine, checked below


def _without_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: set[str] = set()
    for key, _ in pairs:
        if key in seen:
            raise ReadError(f"JSON 对象中键“{key}”重复出现（后一个会静默覆盖前一个）")
        seen.add(key)
    return dict(pairs)


def _has_lone_surrogate(data: Any) -> bool:
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if any("\ud800" <= char <= "\udfff" for char in item):
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _load_yaml(text: str) -> tuple[Any, yaml.Node | None]:
    try:
        data, node = load_with_nodes(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"（第{mark.line + 1}行第{mark.column + 1}列）" if mark else ""
        raise ReadError(f"YAML 格式错误{where}：{getattr(error, 'problem', error)}") from None
    return data, node


def document_from_data(data: Any, path: str, catalogue: Catalogue, node: yaml.Node | None = None) -> Document:
    if not isinstance(data, dict):
        raise ReadError("结构化文件的顶层应是映射（含 tables: 列表）")
    try:
        spec = DocumentSpec.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(k) for k in first["loc"])
        raise ReadError(f"结构化文件不符合格式（{where}）：{first['msg']}") from None
    if spec.format != FORMAT:
        raise ReadError(f"不支持的格式版本“{spec.format}”（应为 {FORMAT}）")
    document = Document(path=path, format=spec.source_format or "structured")
    grid_nodes = _grid_nodes(node)
    for index, table in enumerate(spec.tables):
        document.tables.append(_table(table, catalogue, grid_nodes.get(index)))
    document.text = [TextLine(*_note(t)) for t in spec.text]
    document.problems = [Note(*_note(p)) for p in spec.problems]
    document.empty_pages = list(spec.empty_pages)
    return document


def _grid_nodes(node: yaml.Node | None) -> dict[int, yaml.Node]:
    """The YAML node of each table's grid, for cell line numbers."""
    found: dict[int, yaml.Node] = {}
    tables = _child(node, "tables")
    if isinstance(tables, yaml.SequenceNode):
        for index, table in enumerate(tables.value):
            grid = _child(table, "grid")
            if grid is not None:
                found[index] = grid
    return found


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        return next((v for k, v in node.value if k.value == key), None)
    return None


_NOWHERE = Source()


def _source(spec: SourceSpec | None) -> Source:
    if not spec:
        return _NOWHERE
    if "bbox" in spec and spec["bbox"] is not None:
        return Source(**{**spec, "bbox": tuple(spec["bbox"])})  # type: ignore[arg-type]
    return Source(**spec)


def _note(note: NoteSpec | str) -> tuple[str, Source]:
    return (note, _NOWHERE) if isinstance(note, str) else (note["text"], _source(note.get("source")))


def _table(spec: TableSpec, catalogue: Catalogue, grid_node: yaml.Node | None) -> Table:
    notes = [Note(*_note(n)) for n in spec.notes]
    if spec.grid is not None:
        if spec.rows is not None or spec.columns is not None:
            raise ReadError(f"表“{spec.title}”同时给出了 grid 和 columns/rows，只能二选一")
        raw = RawTable(spec.title, _source(spec.source), _grid_cells(spec.grid, grid_node), spec.label,
                       dict(spec.meta), notes)
        return build_table(raw, catalogue)
    if spec.columns is None or spec.rows is None:
        raise ReadError(f"表“{spec.title}”既没有 grid，也没有 columns 和 rows")
    kind = catalogue.kind_of(spec.title)
    columns = [Column(i, tuple(c["header"]), c.get("number"), c.get("role", "amount"), c.get("segment", 0))
               for i, c in enumerate(spec.columns)]
    rows = []
    for position, r in enumerate(spec.rows):
        label = r.get("label", "")
        ordinal, key = split_ordinal(label)
        row_cells = r.get("cells", {})
        for index in row_cells:
            if not 0 <= index < len(columns) or columns[index].role != "amount":
                raise ReadError(f"表“{spec.title}”第{position + 1}行：第{index}栏不是金额栏")
        if kind == "SE":  # targets and results may be words there
            cells = {i: make_self_evaluation_cell(i, c["text"], _source(c.get("source"))) for i, c in row_cells.items()}
        else:
            cells = {i: make_cell(c["text"], _source(c.get("source")), kind is not None, formula_problem(c["text"]))
                     for i, c in row_cells.items()}
        rows.append(Row(label, key, ordinal, r.get("row_no"), r.get("code"), r.get("segment", 0), position,
                        _source(r.get("source")), cells, r.get("group")))
    (apply_self_evaluation_precision if kind == "SE" else apply_column_precision)(rows)
    return Table(kind, spec.title, spec.label, columns, rows, _source(spec.source), notes, dict(spec.meta),
                 [Note(*_note(p)) for p in spec.problems])


def _grid_cells(grid: list[list[Scalar]], node: yaml.Node | None) -> list[list[GridCell]]:
    rows = []
    for i, row in enumerate(grid):
        row_node = node.value[i] if isinstance(node, yaml.SequenceNode) else None
        cells = []
        for j, value in enumerate(row):
            cell_node = row_node.value[j] if isinstance(row_node, yaml.SequenceNode) else None
            text = "" if value is None else str(value)
            if isinstance(cell_node, yaml.ScalarNode) and value is not None:
                text = cell_node.value  # as written: an unquoted 55.70 keeps its two decimals
            mark = cell_node.start_mark if cell_node is not None else None
            cells.append(GridCell(text, Source(line=mark.line + 1, column=mark.column + 1) if mark else Source(),
                                  formula_problem(text)))
        rows.append(cells)
    return rows


def document_to_data(document: Document) -> dict[str, Any]:
    """The canonical form written by `budgetlint parse` (reads back to an equal Document)."""
    return {
        "format": FORMAT,
        "path": document.path,
        "source_format": document.format,
        "tables": [_table_data(t) for t in document.tables],
        "text": [{"text": t.text, "source": _source_data(t.source)} for t in document.text],
        "problems": [{"text": p.text, "source": _source_data(p.source)} for p in document.problems],
    } | ({"empty_pages": document.empty_pages} if document.empty_pages else {})


def _source_data(source: Source) -> dict[str, Any]:
    return {k: v for k, v in (("line", source.line), ("column", source.column), ("page", source.page),
                              ("bbox", list(source.bbox) if source.bbox else None), ("sheet", source.sheet),
                              ("cell", source.cell), ("hidden", list(source.hidden) or None)) if v is not None}


def _table_data(table: Table) -> dict[str, Any]:
    return {
        "title": table.title,
        "label": table.label,
        "kind": table.kind,
        "meta": dict(table.meta),
        "source": _source_data(table.source),
        "notes": [{"text": n.text, "source": _source_data(n.source)} for n in table.notes],
        "columns": [{"header": list(c.header), "number": c.number, "role": c.role, "segment": c.segment}
                    for c in table.columns],
        "rows": [{"label": r.label, "row_no": r.row_no, "code": r.code, "segment": r.segment,
                  "source": _source_data(r.source),
                  "cells": {i: {"text": c.text, "source": _source_data(c.source)} for i, c in r.cells.items()},
                  **({"group": r.group} if r.group is not None else {})}
                 for r in table.rows],
        **({"problems": [{"text": p.text, "source": _source_data(p.source)} for p in table.problems]}
           if table.problems else {}),
    }


def dump(document: Document, target: str) -> str:
    """`budgetlint parse` output: the canonical form as YAML or JSON."""
    data = document_to_data(document)
    if target == "json":
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
