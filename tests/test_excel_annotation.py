"""--annotate-excel: a copy of the workbook with exactly the cells of the findings filled and
commented, formatting kept, the input untouched; usage errors for anything but one .xlsx input.
(The two kinds of marks, the legend sheet and the cached values: test_annotated_workbook.py.)"""

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from validator.cli import main
from validator.excel_annotation import AUTHOR
from validator.excel_legend import LEGEND_TITLE, legend_sheets

WORKBOOK = Path(__file__).parent / "fixtures" / "seed002" / "final_accounts.xlsx"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def mutated(tmp_path):
    """Seed 002's workbook with 公开01表 本年收入合计 (C33) changed from 2,643.57 to 2,653.57.

    Saved from cached values: openpyxl writes formulas without them, which would add N-03 findings.
    """
    book = openpyxl.load_workbook(WORKBOOK, data_only=True)
    assert book["公开01表"]["C33"].value == 2643.57
    book["公开01表"]["C33"].value = 2653.57
    path = tmp_path / "final_accounts.xlsx"
    book.save(path)
    return path


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marked_cells(path):
    """(sheet, cell) -> comment text of every cell of the disclosure budgetlint filled or commented."""
    book = openpyxl.load_workbook(path)
    legends = legend_sheets(book)
    marked = {}
    for sheet in book:
        if sheet.title in legends:
            continue
        for row in sheet.iter_rows():
            for cell in row:
                ours = cell.comment is not None and cell.comment.author == AUTHOR
                assert ours == (cell.fill.fill_type is not None), (sheet.title, cell.coordinate)
                if ours:
                    marked[sheet.title, cell.coordinate] = cell.comment.text
    return marked


def test_annotated_copy_marks_exactly_the_located_cells(tmp_path, mutated):
    before = digest(mutated)
    target = tmp_path / "annotated.xlsx"
    result = run("check", "--format", "json", "--annotate-excel", target, mutated)
    assert result.exit_code == 1, result.output
    assert digest(mutated) == before, "the input workbook must not change"
    report = json.loads(result.stdout)
    expected = {}
    for finding in report["findings"]:
        for location in finding["locations"]:
            place = (location["source"]["sheet"], location["source"]["cell"])
            for rule in finding.get("culprit", {}).get("rules", [finding["rule"]]):
                expected.setdefault(place, set()).add((rule, finding["severity"]))
    assert ("公开01表", "C33") in expected
    assert {rule for rule, _ in expected["公开01表", "C33"]} >= {"T1-01", "X-01"}

    marked = marked_cells(target)
    assert set(marked) == set(expected)
    for place, comment in marked.items():
        for rule, _ in expected[place]:
            assert rule in comment, (place, rule)
    assert "2,653.57" in marked["公开01表", "C33"]  # the message with its figures
    # the culprit cell's comment carries the value that makes T1-01, T1-03 and X-01 hold
    assert "建议改为：2,653.57 → 2,643.57" in marked["公开01表", "C33"]


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_annotated_copy_keeps_the_workbook(tmp_path, mutated):
    target = tmp_path / "annotated.xlsx"
    run("check", "--annotate-excel", target, mutated)
    original, annotated = openpyxl.load_workbook(mutated), openpyxl.load_workbook(target)
    assert annotated.sheetnames == original.sheetnames + [LEGEND_TITLE]
    for name in original.sheetnames:
        before, after = original[name], annotated[name]
        assert {str(r) for r in after.merged_cells.ranges} == {str(r) for r in before.merged_cells.ranges}
        for row_before, row_after in zip(before.iter_rows(), after.iter_rows(), strict=True):
            for cell_before, cell_after in zip(row_before, row_after, strict=True):
                assert cell_after.value == cell_before.value
                assert cell_after.number_format == cell_before.number_format
                assert repr(cell_after.font) == repr(cell_before.font)  # style proxies compare by identity
                assert repr(cell_after.border) == repr(cell_before.border)


def test_consistent_workbook_gives_an_unmarked_copy(tmp_path):
    source = tmp_path / "final_accounts.xlsx"
    shutil.copy(WORKBOOK, source)
    target = tmp_path / "annotated.xlsx"
    result = run("check", "--annotate-excel", target, source)
    assert result.exit_code == 0, result.output
    assert target.exists() and marked_cells(target) == {}


@pytest.mark.parametrize("inputs, output, named", [
    (["final_accounts.xlsx", "other.xlsx"], "out.xlsx", "恰好一个"),
    (["notes.txt"], "out.xlsx", "恰好一个"),
    (["."], "out.xlsx", "恰好一个"),
    (["final_accounts.xlsx"], "out.xls", ".xlsx 结尾"),
    (["final_accounts.xlsx"], "final_accounts.xlsx", "输入文件本身"),
])
def test_usage_errors(tmp_path, monkeypatch, inputs, output, named):
    monkeypatch.chdir(tmp_path)
    shutil.copy(WORKBOOK, "final_accounts.xlsx")
    shutil.copy(WORKBOOK, "other.xlsx")
    Path("notes.txt").write_text("说明\n", encoding="utf-8")
    before = digest(Path("final_accounts.xlsx"))
    result = run("check", "--annotate-excel", output, *inputs)
    assert result.exit_code == 2
    assert named in result.output
    assert digest(Path("final_accounts.xlsx")) == before
    assert not Path("out.xlsx").exists()
