"""The official 2026 单位预算 workbook filled in with consistent figures (tests/budget_workbook.py): it
checks clean, the row-sum mistake reviewers found in a published 单位预算 is found at its row in both
tables that carry it, and every amount changed by ±0.10 or ±1 is found at its cell."""

import shutil
from decimal import Decimal

import pytest
from budget_workbook import filled, printed

from validator import api
from validator.catalogue import builtin_catalogue
from validator.engine import Engine
from validator.numbers import parse_number
from validator.readers import read_document
from validator.ruleset import builtin_rules

BUDGET_RULES = ("B", "BX", "BD")


@pytest.fixture(scope="module", params=["单位", "部门"])
def workbook(request, tmp_path_factory):
    """The filled 单位预算 and 部门预算 workbooks."""
    return filled(tmp_path_factory.mktemp("budget") / f"{request.param}预算.xlsx", level=request.param)


def test_the_filled_workbook_is_read_with_its_kind_and_nine_tables_and_checks_clean(workbook):
    report = api.check([workbook], select_ids=list(BUDGET_RULES))
    assert report.files[0].document_kind == workbook.stem
    document = read_document(workbook, builtin_catalogue())
    assert [t.kind for t in document.tables if t.kind] == [f"B{i}" for i in range(1, 10)]
    assert report.findings == []
    skipped = {s.rule for s in report.skipped}
    assert not skipped & {"B1-01", "B1-03", "B1-05", "B2-01", "B3-01", "B4-03", "B5-01", "B5-02", "B8-01", "B9-01",
                          "BX-01", "BX-02", "BX-03", "BX-04", "BX-06", "BX-07"}
    if workbook.stem == "单位预算":  # only the 单位 version splits the 收支总表's expenditure
        assert "B1-04" not in skipped


def test_a_total_that_repeats_the_basic_expenditure_is_found_at_its_row_in_both_tables(tmp_path):
    # 2050205 高等教育: 基本支出 200,000.25, 项目支出 50,000.50, 合计 printed as 200,000.25
    path = filled(tmp_path / "单位预算.xlsx", {("单位支出总表", "E11"): 200000.25, ("单位一般公共预算拨款表", "E11"): 200000.25})
    report = api.check([path], select_ids=["B3-01", "B5-01"])
    blamed = sorted((f.rule, f.locations[0].source.sheet, f.locations[0].source.cell, f.locations[0].code) for f in report.findings)
    assert blamed == [("B3-01", "单位支出总表", "E11", "2050205"), ("B5-01", "单位一般公共预算拨款表", "E11", "2050205")]


@pytest.mark.slow  # LibreOffice prints the workbooks
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_in_the_pdf_printed_from_the_workbook_the_mistake_is_found_at_its_row_in_both_tables(tmp_path):
    (tmp_path / "clean").mkdir()
    clean = printed(filled(tmp_path / "clean" / "单位预算.xlsx"))
    assert api.check([clean], select_ids=list(BUDGET_RULES)).findings == []
    mistaken = printed(filled(tmp_path / "单位预算.xlsx",
                              {("单位支出总表", "E11"): 200000.25, ("单位一般公共预算拨款表", "E11"): 200000.25}))
    report = api.check([mistaken], select_ids=["B3-01", "B5-01"])
    blamed = sorted((f.rule, f.locations[0].code, f.locations[0].value) for f in report.findings)
    assert blamed == [("B3-01", "2050205", "200,000.25"), ("B5-01", "2050205", "200,000.25")]


class Mutator:
    """Changes one amount cell of the document as read and runs every rule on it."""

    def __init__(self, path):
        self.document = read_document(path, builtin_catalogue())
        self.engine = Engine(builtin_rules(), builtin_catalogue())

    def cells(self):
        """Every figure of the standard tables but the 机关运行经费, which no other table restates."""
        return [(t.name, r.label, c.source.sheet, c.source.cell) for t in self.document.tables if t.kind
                for r in t.rows for i, c in r.cells.items() if c.amount is not None and c.amount.value
                and not _column(t, i).name.startswith("机关运行经费")]

    def caught(self, sheet, cell, delta: Decimal) -> bool:
        # changed in place and put back: a copy of the document would copy the BLANK marker of empty cells
        target = next(c for t in self.document.tables for r in t.rows for c in r.cells.values()
                      if (c.source.sheet, c.source.cell) == (sheet, cell))
        text, parsed = target.text, target.parsed
        target.text = f"{target.amount.value + delta:,.2f}"
        target.parsed = parse_number(target.text)
        try:
            findings, _ = self.engine.run(self.document)
        finally:
            target.text, target.parsed = text, parsed
        return any(f.severity == "error" and any((loc.source.sheet, loc.source.cell) == (sheet, cell) for loc in f.locations)
                   for f in findings)


def _column(table, index):
    return next(c for c in table.columns if c.index == index)


@pytest.fixture(scope="module")
def mutator(workbook):
    return Mutator(workbook)


def test_the_sweep_covers_every_table_with_figures(mutator):
    cells = mutator.cells()
    assert {name.split("年", 1)[1].removeprefix("预算").removeprefix("单位").removeprefix("部门") for name, *_ in cells} == {
        "财务收支预算总表", "收入预算总表", "支出预算总表", "财政拨款收支预算总表", "一般公共预算支出功能分类预算表",
        "一般公共预算基本支出部门预算经济分类预算表", "“三公”经费和机关运行经费预算表"}
    assert len(cells) > 80


def test_a_tenth_more_in_one_cell_is_found_at_that_cell(mutator):
    name, label, sheet, cell = next(c for c in mutator.cells() if c[3] == "F11" and c[2].endswith("一般公共预算拨款表"))
    assert mutator.caught(sheet, cell, Decimal("0.10"))


@pytest.mark.slow  # a mutation sweep: one full check per changed cell
@pytest.mark.parametrize("delta", [Decimal("0.10"), Decimal("-0.10"), Decimal("1"), Decimal("-1")], ids=str)
def test_every_amount_changed_is_found_at_its_cell(mutator, delta):
    missed = [c for c in mutator.cells() if not mutator.caught(c[2], c[3], delta)]
    assert missed == [], f"{len(missed)} cells not caught: {missed}"
