"""Workbooks as clerks hold them: every cell of seed 002's workbook read exactly as displayed, from
.xlsx and .xls; formulas without cached values reported cell by cell; findings at sheet!cell."""

import json
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from validator import check
from validator.readers.excel import NO_CACHE, display, sheet_grids, split_sheet
from validator.tables import RawTable

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


def test_each_formula_without_a_cached_value_is_one_finding_at_its_cell():
    report = check([FIXTURES / "final_accounts_formulas_no_cache.xlsx"])
    located = sorted((f.locations[0].source.sheet, f.locations[0].source.cell) for f in report.findings)
    assert {f.rule for f in report.findings} == {"N-01"}
    assert all(NO_CACHE in f.message for f in report.findings)
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
    assert {f.rule for f in report.findings} >= {"T3-01", "T3-02"}


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
