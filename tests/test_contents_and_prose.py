"""A table of contents (目录) lists parts and tables by name: it is text, not a table, whether a PDF
prints it in a ruled grid or a workbook gives it a sheet. A cell of prose outside any table is text
too, even when its last sentence ends in 表."""

from validator.model import Source, TextLine
from validator.readers.excel import split_sheet
from validator.readers.pdf_page import LayoutCell, LayoutLine, LayoutTable
from validator.readers.pdf_grid_text import contents_as_text, titles_out_of_grids
from validator.readers.tables import GridCell, RawTable


def _sheet(*rows):
    return [[GridCell(text, Source(sheet="s", cell=f"{chr(65 + j)}{i + 1}")) for j, text in enumerate(row)]
            for i, row in enumerate(rows)]


def test_a_contents_sheet_is_text_not_tables():
    grid = _sheet(["目  录"], [""], ["一、部门主要职能"], ["五、部门预算表"], ["1. 2026年部门收支预算总表", "5"])
    items = list(split_sheet("目录", grid))
    assert all(isinstance(i, TextLine) for i in items)
    assert [i.text for i in items] == ["目  录", "一、部门主要职能", "五、部门预算表", "1. 2026年部门收支预算总表 5"]


def test_a_cell_of_prose_ending_in_a_table_name_is_text_not_a_title():
    prose = "一、项目概述\n（说明项目的总体情况）\n二、绩效目标\n详见单位的项目绩效目标表"
    items = list(split_sheet("说明", _sheet(["XX项目经费情况说明"], [prose])))
    assert [type(i) for i in items] == [TextLine, TextLine] and items[1].text == prose


def test_a_sheet_titled_as_a_table_is_still_a_table():
    items = list(split_sheet("表", _sheet(["收入预算总表"], ["项目", "金额"], ["合计", "1.00"])))
    assert [type(i) for i in items] == [RawTable]


def _grid(top, *texts):
    rows = [[LayoutCell(text, (50, top + 20 * i, 500, top + 20 * (i + 1)))] for i, text in enumerate(texts)]
    return LayoutTable((50, top, 500, top + 20 * len(texts)), rows)


def test_a_contents_page_in_a_ruled_grid_becomes_lines_of_text():
    heading = LayoutLine("部门预算", (50, 10, 200, 30))
    contents = _grid(40, "目 录", "", "一、部门主要职能", "1. 2025年部门收入预算总表")
    table = _grid(200, "项目", "合计 1.00")
    tables, lines = contents_as_text([contents, table], [heading])
    assert tables == [table]
    assert [ln.text for ln in lines] == ["部门预算", "目 录", "一、部门主要职能", "1. 2025年部门收入预算总表"]


def _row(top, *texts):
    return [LayoutCell(text, (50 + 100 * j, top, 150 + 100 * j, top + 20)) for j, text in enumerate(texts)]


def test_a_title_printed_in_the_first_rows_of_the_grid_becomes_the_line_above_it():
    rows = [_row(100, "", ""), _row(120, "2025年财政拨款收支预算总表", ""), _row(140, "编制单位：某局", "单位：元"),
            _row(160, "项目", "预算数"), _row(180, "合计", "1.00")]
    (table,), lines = titles_out_of_grids([LayoutTable((50, 100, 250, 200), rows)], [])
    assert [ln.text for ln in lines] == ["2025年财政拨款收支预算总表", "编制单位：某局", "单位：元"]
    assert table.rows == rows[3:] and table.bbox == (50, 160, 250, 200)


def test_a_grid_without_a_title_in_it_is_left_as_it_is():
    rows = [_row(100, "编制单位：某局", "单位：元"), _row(120, "项目", "预算数"), _row(140, "合计", "1.00")]
    grid = LayoutTable((50, 100, 250, 160), rows)
    assert titles_out_of_grids([grid], []) == ([grid], [])
