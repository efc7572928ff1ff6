"""Workbooks as clerks hold them: every cell of seed 002's workbook read exactly as displayed, from
.xlsx and .xls; every formula without a cached value located at its cell; findings at sheet!cell; cells in
hidden rows, columns and sheets read and checked, their locations saying what hides them."""

import dataclasses
import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from validator import check
from validator.catalogue import builtin_catalogue
from validator.model import Source
from validator.readers import read_document
from validator.readers.excel import _sheet_marks, display, sheet_grids, split_sheet
from validator.readers.structured import dump
from validator.readers.tables import RawTable

FIXTURES = Path(__file__).parent / "fixtures" / "seed002"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("workbook", ["final_accounts.xlsx", "final_accounts.xls"])
def test_every_cell_of_every_sheet_is_read_as_displayed(workbook):
    sheets = dict(sheet_grids(FIXTURES / workbook, 10**8))
    mismatches = []
    for sheet, expected in EXPECTED["tables"].items():
        (table,) = [t for t in split_sheet(sheet, sheets[sheet]) if isinstance(t, RawTable)]
        assert table.title == expected["title"]
        read = [[cell.text for cell in row] for row in table.grid]
        wanted = expected.get("header", []) + expected["rows"]
        assert len(read) == len(wanted), sheet
        for r, (got_row, want_row) in enumerate(zip(read, wanted, strict=True)):
            for c, (got, want) in enumerate(zip(got_row, want_row, strict=True)):
                if got != want:
                    mismatches.append((sheet, r, c, got, want))
    assert mismatches == []


@pytest.mark.parametrize("workbook", ["final_accounts.xlsx", "final_accounts.xls"])
def test_the_consistent_workbook_has_no_findings_and_all_nine_tables(workbook):
    report = check([FIXTURES / workbook])
    assert [f.rule for f in report.findings] == []
    assert report.files[0].tables[:9] == [f"公开0{i}表" for i in range(1, 10)]


def test_every_formula_without_a_cached_value_is_located_at_its_cell():
    report = check([FIXTURES / "final_accounts_formulas_no_cache.xlsx"])
    located = sorted((loc.source.sheet, loc.source.cell) for f in report.findings for loc in f.locations)
    assert {f.rule for f in report.findings} == {"N-03"}
    assert located == sorted((sheet, cell) for sheet, cell, _, _ in EXPECTED["formulas"])


def test_a_changed_amount_is_reported_at_its_sheet_and_cell(tmp_path):
    # data_only: keep the cached values, so that saving does not leave formulas without them
    workbook = openpyxl.load_workbook(FIXTURES / "final_accounts.xlsx", data_only=True)
    sheet = workbook["公开03表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "2010308")
    sheet.cell(row, 5).value = 121.96  # 项目支出 of 信访事务: 121.86 → 121.96
    changed = tmp_path / "changed.xlsx"
    workbook.save(changed)
    report = check([changed])
    assert report.findings
    assert all(any(loc.source.sheet == "公开03表" and loc.source.cell == f"E{row}" for loc in f.locations)
               for f in report.findings if f.rule.startswith("T3"))
    assert {rule for f in report.findings for rule in f.reported_rules()} >= {"T3-01", "T3-02"}


def test_a_corrupt_workbook_is_an_unreadable_file_and_the_batch_goes_on(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a zip archive")
    report = check([broken, FIXTURES / "final_accounts.xls"])
    assert [(f.rule, f.file) for f in report.findings] == [("READ-01", str(broken))]
    assert "xlsx" in report.files[0].error


def test_a_workbook_that_unpacks_far_beyond_the_limit_is_refused(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * 5_000_000)
    report = check([bomb], max_bytes=100_000)
    assert report.findings[0].rule == "READ-01"
    assert "压缩炸弹" in report.findings[0].message


@pytest.mark.parametrize(("value", "number_format", "shown"), [
    (2587.46, "#,##0.00", "2,587.46"),
    (0, "#,##0.00", "0.00"),
    (55.7, "#,##0.00", "55.70"),
    (1, "General", "1"),
    (6.08, "General", "6.08"),
    (100, "0\\%", "100%"),
    (0.9998, "0.00%", "99.98%"),
    (-12.5, "#,##0.00;(#,##0.00)", "-12.50"),
    ("2,587.46", "@", "2,587.46"),
    (None, "#,##0.00", ""),
])
def test_a_number_is_shown_as_its_format_displays_it(value, number_format, shown):
    assert display(value, number_format) == shown


def test_the_displayed_decimals_come_from_the_format_not_the_float():
    report = check([FIXTURES / "final_accounts.xlsx"], show_rounding=True, select_ids=["T1-01"])
    (tail,) = report.findings
    assert tail.severity == "info" and tail.locations[0].value == "2,643.57"
    assert Decimal(tail.difference) == Decimal("-0.01")


# -- hidden rows, columns and sheets --------------------------------------------------------------------

def _hidden_xlsx(directory):
    book = openpyxl.Workbook()
    shown = book.active
    shown.title = "部分隐藏"
    for row in [["项目", "金额", "备注"], ["甲", 1, "x"], ["乙", 2, "y"]]:
        shown.append(row)
    shown.row_dimensions[3].hidden = True
    shown.column_dimensions["C"].hidden = True
    hidden = book.create_sheet("整表隐藏")
    hidden.append(["项目", "金额"])
    hidden.sheet_state = "hidden"
    path = directory / "hidden.xlsx"
    book.save(path)
    return path


# The same workbook as .xls, written once with xlwt (row(2).hidden, col(2).hidden, visibility = 1):
# openpyxl writes no .xls, and xlwt is not worth a test dependency.
HIDDEN_XLS = Path(__file__).parent / "fixtures" / "hidden_rows_columns_sheets.xls"


@pytest.mark.parametrize("suffix", [".xlsx", ".xls"])
def test_cells_in_hidden_rows_columns_and_sheets_are_read_and_say_what_hides_them(tmp_path, suffix):
    path = _hidden_xlsx(tmp_path) if suffix == ".xlsx" else HIDDEN_XLS
    grids = dict(sheet_grids(path, 10**8))
    assert {c.source.cell: c.source.hidden for row in grids["部分隐藏"] for c in row} == {
        "A1": (), "B1": (), "C1": ("column",),
        "A2": (), "B2": (), "C2": ("column",),
        "A3": ("row",), "B3": ("row",), "C3": ("row", "column"),
    }
    assert [c.text for c in grids["部分隐藏"][2]] == ["乙", "2", "y"]  # read all the same
    assert [(c.text, c.source.hidden) for c in grids["整表隐藏"][0]] == [("项目", ("sheet",)), ("金额", ("sheet",))]
    assert grids["部分隐藏"][2][2].source.describe() == "部分隐藏!C3（隐藏行、隐藏列）"
    assert grids["整表隐藏"][0][1].source.describe() == "整表隐藏!B1（隐藏工作表）"
    assert Source(sheet="公开03表", cell="D12").describe() == "公开03表!D12"


def _hide(sheet, what, row):
    if what == "row":
        sheet.row_dimensions[row].hidden = True
    elif what == "column":
        sheet.column_dimensions["C"].hidden = True  # the fixture's C:E share one <col> element
    else:
        sheet.sheet_state = "hidden"


@pytest.mark.parametrize("what", ["row", "column", "sheet"])
def test_a_wrong_amount_out_of_sight_is_still_reported_and_its_location_says_so(tmp_path, what):
    workbook = openpyxl.load_workbook(FIXTURES / "final_accounts.xlsx", data_only=True)
    sheet = workbook["公开03表"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "2010308")
    sheet.cell(row, 5).value = 121.96  # 项目支出 of 信访事务: 121.86 → 121.96
    _hide(sheet, what, row)
    changed = tmp_path / f"hidden-{what}.xlsx"
    workbook.save(changed)
    report = check([changed])
    located = [loc for f in report.findings if f.rule.startswith("T3") for loc in f.locations
               if loc.source.sheet == "公开03表" and loc.source.cell == f"E{row}"]
    assert located and all(loc.source.hidden == (what,) for loc in located)
    word = {"row": "隐藏行", "column": "隐藏列", "sheet": "隐藏工作表"}[what]
    assert f"〔公开03表!E{row}（{word}）〕" in located[0].place()
    json_sources = [loc["source"] for f in report.to_dict()["findings"] for loc in f["locations"]]
    assert {"sheet": "公开03表", "cell": f"E{row}", "hidden": [what]} in [
        {k: v for k, v in s.items() if v is not None} for s in json_sources]
    # the key is there only for the cells out of sight
    assert all(("hidden" in s) == _out_of_sight(what, row, s["sheet"], s["cell"]) for s in json_sources)


def _out_of_sight(what, hidden_row, sheet, cell):
    column, row = re.fullmatch(r"([A-Z]+)(\d+)", cell).groups()
    return sheet == "公开03表" and {"row": int(row) == hidden_row, "column": column in ("C", "D", "E"),
                                     "sheet": True}[what]


def test_parsed_hidden_cells_read_back_to_an_equal_document(tmp_path):
    workbook = openpyxl.load_workbook(FIXTURES / "final_accounts.xlsx", data_only=True)
    workbook["公开03表"].row_dimensions[8].hidden = True
    workbook["公开05表"].sheet_state = "hidden"
    hidden = tmp_path / "hidden.xlsx"
    workbook.save(hidden)
    catalogue = builtin_catalogue()
    document = read_document(hidden, catalogue)
    assert any(c.source.hidden for t in document.tables for r in t.rows for c in r.cells.values())
    for target in ("yaml", "json"):
        parsed = tmp_path / f"parsed.{target}"
        parsed.write_text(dump(document, target), encoding="utf-8")
        assert dataclasses.replace(read_document(parsed, catalogue), path=document.path) == document


def test_the_sheet_xml_pass_finds_hidden_rows_columns_and_formulas_without_values():
    """Any namespace prefix, rows without r, "true"/"1" flags, columns hidden to the sheet's end
    (capped), shared formulas moved to their cell."""
    xml = (b'<x:worksheet xmlns:x="ns"><x:cols><x:col min="2" max="3" hidden="1"/>'
           b'<x:col min="4" max="4" hidden="false"/><x:col min="255" max="16384" hidden="1"/></x:cols><x:sheetData>'
           b'<x:row r="1"><x:c r="A1"><x:f>SUM(B1:C1)</x:f><x:v>3</x:v></x:c><x:c r="B1" s="1"/>'
           b'<x:c r="C1"><x:f t="shared" ref="C1:C3" si="0">IF(A1&gt;0,A1,B1)</x:f></x:c></x:row>'
           b'<x:row r="2" hidden="1"><x:c r="C2"><x:f t="shared" si="0"/></x:c>'
           b'<x:c r="D2"><x:f>A2</x:f><x:v></x:v></x:c></x:row>'
           b'<x:row hidden="true"><x:c r="C3"><x:f t="shared" si="0"/><x:v>5</x:v></x:c></x:row>'
           b'</x:sheetData></x:worksheet>')
    assert _sheet_marks(xml, "公开03表") == ({1, 2}, {1, 2, 254, 255}, {"C1": "=IF(A1>0,A1,B1)", "C2": "=IF(A2>0,A2,B2)", "D2": "=A2"})
