"""--annotate-excel writes a workbook a clerk can use and budgetlint can check again.

The judged cell and the cells it was compared with are filled differently; a legend sheet lists
every finding with links to its cells; every formula keeps its cached value, so the annotated copy,
checked again, gives exactly the findings of the original.

The workbook is seed 002's (saved by LibreOffice, formulas with their cached values) with, edited in
its XML: 公开01表 本年收入合计 C33 changed from 2,643.57 to 2,653.57 and 公开09表 公务接待费 E8 from
22.37 to 23.37 under a formula that still holds 22.37 (the deliberate mistakes),
公开02表 and 公开09表 renamed to names with a space and an apostrophe, two of 公开02表's formulas
made one shared formula and one an array formula, and a row of formulas whose cached values are a
text, a boolean, an error and a shared string.
"""

import json
import zipfile
from xml.etree import ElementTree
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from validator.cli import main
from validator.excel_annotation import FILLS, STRIPE_PATTERN, STRIPES, annotate_workbook
from validator.findings import Finding, Location
from validator.model import Source
from validator.readers.excel import display
from validator.excel_legend import COMPARED, JUDGED, LEGEND_NAME, LEGEND_TITLE

SEED = Path(__file__).parent / "fixtures" / "seed002" / "final_accounts.xlsx"
INCOME = "公开02表 收入决算表"  # a space and Chinese characters
THREE_PUBLIC = "公开09表 '三公'经费"  # an apostrophe, doubled inside a quoted reference
ROW_40 = ('<row r="40"><c r="A40" t="str"><f>"注："&amp;"本表由公式汇总"</f><v>注：本表由公式汇总</v></c>'
          '<c r="B40" t="b"><f>1=1</f><v>1</v></c><c r="C40" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
          '<c r="D40" t="s"><f>A38</f><v>52</v></c></row>')
EDITS = {
    "xl/workbook.xml": [
        ('name="公开02表"', f'name="{INCOME}"'),
        (">公开02表!$4:$6<", f">'{INCOME}'!$4:$6<"),
        ('name="公开09表"', f'name="{THREE_PUBLIC}"'),
        (">公开09表!$4:$7<", ">'" + THREE_PUBLIC.replace("'", "''") + "'!$4:$7<"),
    ],
    "xl/worksheets/sheet1.xml": [
        ("<v>2643.57</v>", "<v>2653.57</v>"),
        ('<dimension ref="A1:F38"/>', '<dimension ref="A1:F40"/>'),
        ("</sheetData>", ROW_40 + "</sheetData>"),
    ],
    "xl/worksheets/sheet9.xml": [
        ('<c r="E8" s="8" t="n"><v>22.37</v></c>', '<c r="E8" s="8" t="n"><v>23.37</v></c>'),
    ],
    "xl/worksheets/sheet2.xml": [
        ("<f aca=\"false\">SUM(D8:I8)</f>", '<f t="shared" ref="C8:C9" si="0">SUM(D8:I8)</f>'),
        ("<f aca=\"false\">SUM(D9:I9)</f>", '<f t="shared" si="0"/>'),
        ("<f aca=\"false\">SUM(D10:I10)</f>", '<f t="array" ref="C10">SUM(D10:I10)</f>'),
    ],
}
# Formula cells of the copy and the cached value each must keep
FORMULAS = {
    (INCOME, "C8"): ("=SUM(D8:I8)", 2085.45),  # the shared formula's first cell
    (INCOME, "C9"): ("=SUM(D9:I9)", 2085.45),  # a cell that only pointed at it
    (INCOME, "C27"): ("=SUM(D27:I27)", 0.42),
    (THREE_PUBLIC, "A8"): ("=B8+C8+F8", 36.76),
    ("公开01表", "A40"): ('="注："&"本表由公式汇总"', "注：本表由公式汇总"),
    ("公开01表", "B40"): ("=1=1", True),
    ("公开01表", "C40"): ("=1/0", "#DIV/0!"),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    """(the workbook, its annotated copy, the JSON report of each)."""
    folder = tmp_path_factory.mktemp("annotated")
    workbook, copy = folder / "final_accounts.xlsx", folder / "out" / "标注 副本.xlsx"
    copy.parent.mkdir()
    with zipfile.ZipFile(SEED) as seed, zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED) as edited:
        for info in seed.infolist():
            data = seed.read(info)
            for old, new in EDITS.get(info.filename, []):
                assert data.count(old.encode()) == 1, (info.filename, old)
                data = data.replace(old.encode(), new.encode())
            edited.writestr(info, data)
    result = CliRunner().invoke(main, ["check", "--format", "json", "--annotate-excel", str(copy), str(workbook)])
    assert result.exit_code == 1, result.output
    again = CliRunner().invoke(main, ["check", "--format", "json", str(copy)])
    assert again.exit_code == 1, again.output
    return workbook, copy, json.loads(result.stdout), json.loads(again.stdout)


def findings(report):
    """Everything of each finding but the file it came from."""
    return [{key: value for key, value in f.items() if key != "file"} for f in report["findings"]]


def test_the_original_has_the_deliberate_mistake_on_renamed_sheets(checked):
    _, _, report, _ = checked
    rules = {f["rule"] for f in report["findings"]}
    assert "T1-01" in rules
    # the X-01 sum it also breaks is evidence of the one cell that explains both (validator.culprits);
    # 公开09表's 购置费 could make its 小计 hold only by turning negative: E8 is the one (validator.culprit_findings)
    culprits = {f["culprit"]["location"]["source"]["cell"]: f["culprit"] for f in report["findings"] if "culprit" in f}
    assert {cell: (c["value"], c["proposed"]) for cell, c in culprits.items()} == {
        "C33": ("2,653.57", "2,643.57"), "E8": ("23.37", "22.37")}
    places = {(loc["source"]["sheet"], loc["source"]["cell"]) for f in report["findings"] for loc in f["locations"]}
    assert {("公开01表", "C33"), (THREE_PUBLIC, "C8")} <= places
    assert any(sheet == INCOME for sheet, _ in places), "a finding must point into the sheet with a space"
    assert report["summary"]["files"] == 1 and not report["files"][0]["error"]


def test_checking_the_annotated_copy_gives_exactly_the_original_findings(checked):
    _, _, original, again = checked
    assert findings(again) == findings(original)
    assert again["files"][0]["tables"] == original["files"][0]["tables"]  # the legend is no table


def test_formulas_keep_their_formula_and_their_cached_value(checked):
    workbook, copy, _, _ = checked
    formulas, values = openpyxl.load_workbook(copy), openpyxl.load_workbook(copy, data_only=True)
    for (sheet, cell), (formula, value) in FORMULAS.items():
        assert formulas[sheet][cell].value == formula, (sheet, cell)
        assert values[sheet][cell].value == value, (sheet, cell)
    assert isinstance(formulas[INCOME]["C10"].value, openpyxl.worksheet.formula.ArrayFormula)
    assert values[INCOME]["C10"].value == 1358.74
    # a cached shared string becomes the text itself
    original = openpyxl.load_workbook(workbook, data_only=True)
    assert values["公开01表"]["D40"].value == original["公开01表"]["D40"].value == original["公开01表"]["A38"].value
    # every formula of the original, and only those, has a cached value in the copy
    cached = sum(1 for sheet in values.worksheets for row in sheet.iter_rows() for cell in row
                 if formulas[sheet.title][cell.coordinate].data_type == "f" and cell.value is not None)
    assert cached == sum(1 for sheet in formulas.worksheets for row in sheet.iter_rows() for cell in row
                         if cell.data_type == "f") == 43 + 4


def test_rewritten_sheets_keep_their_namespaces_and_links_to_comments(checked):
    """公开01表 holds formulas (so its XML was rewritten) and comments, which Excel shows only through
    the sheet's legacyDrawing r:id: the relationship namespace must survive the rewrite."""
    _, copy, _, _ = checked
    main_ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    relationships = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(copy) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
        rels = ElementTree.fromstring(archive.read("xl/worksheets/_rels/sheet1.xml.rels"))
    assert xml.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    sheet = ElementTree.fromstring(xml)
    assert sheet.find(f"{main_ns}sheetData/{main_ns}row/{main_ns}c[@r='A40']/{main_ns}v").text == "注：本表由公式汇总"
    drawing = sheet.find(f"{main_ns}legacyDrawing").get(relationships)
    assert drawing in {rel.get("Id") for rel in rels if rel.get("Target", "").endswith(".vml")}


def fill_kind(cell):
    """("judged" | "compared", severity) of a cell budgetlint marked, None for any other."""
    fill = cell.fill
    colour = str(fill.fgColor.rgb)[-6:]
    if fill.fill_type == "solid" and colour in FILLS.values():
        return "judged", next(s for s, c in FILLS.items() if c == colour)
    if fill.fill_type == STRIPE_PATTERN and colour in STRIPES.values():
        return "compared", next(s for s, c in STRIPES.items() if c == colour)
    return None


def test_judged_and_compared_cells_have_different_fills(checked):
    _, copy, report, _ = checked
    judged, compared = {}, {}
    for finding in report["findings"]:
        for index, location in enumerate(finding["locations"]):
            place = location["source"]["sheet"], location["source"]["cell"]
            (compared if index else judged).setdefault(place, []).append(finding["severity"])
    assert judged and set(compared) - set(judged)
    book = openpyxl.load_workbook(copy)
    legend = book.defined_names[LEGEND_NAME]
    marked = {(sheet.title, cell.coordinate): fill_kind(cell) for sheet in book.worksheets
              if sheet.title != next(legend.destinations)[0] for row in sheet.iter_rows() for cell in row
              if fill_kind(cell)}
    worst = ["info", "warning", "error"].index
    expected = {place: ("judged", max(severities, key=worst)) for place, severities in judged.items()}
    for place, severities in compared.items():
        expected.setdefault(place, ("compared", max(severities, key=worst)))  # judged elsewhere: judged
    assert marked == expected
    assert fill_kind(book["公开01表"]["C33"]) == ("judged", "error")


def legend_rows(copy):
    book = openpyxl.load_workbook(copy)
    (title, anchor), = book.defined_names[LEGEND_NAME].destinations
    assert title == book.sheetnames[-1] == LEGEND_TITLE and anchor == "$A$1"
    sheet = book[title]
    header = next(r for r in sheet.iter_rows(values_only=True) if r[0] == "序号")
    start = next(c.row for c in sheet["A"] if c.value == "序号") + 1
    return book, header, list(sheet.iter_rows(min_row=start))


def test_the_legend_lists_every_finding_with_links_to_its_cells(checked):
    _, copy, report, _ = checked
    book, header, rows = legend_rows(copy)
    column = {name: header.index(name) for name in header}
    listed, current = [], None
    for row in rows:
        if row[column["序号"]].value is not None:
            current = {"rule": row[column["规则"]].value, "message": row[column["说明"]].value, "cells": []}
            listed.append(current)
        link = row[column["单元格"]]
        if link.hyperlink is not None:
            current["cells"].append((row[column["本格的作用"]].value, link.hyperlink.location, link.value))
            assert link.hyperlink.target is None, "an internal link, not a relationship"
    assert len(listed) == len(report["findings"])
    for finding, entry in zip(report["findings"], listed, strict=True):
        assert (entry["rule"], entry["message"]) == (finding["rule"], finding["message"])
        cells = [(loc["source"]["sheet"], loc["source"]["cell"]) for loc in finding["locations"]]
        quoted = ["'" + sheet.replace("'", "''") + f"'!{cell}" for sheet, cell in cells]
        assert entry["cells"] == [(JUDGED if i == 0 else COMPARED, q, f"{sheet}!{cell}")
                                  for i, (q, (sheet, cell)) in enumerate(zip(quoted, cells, strict=True))]
    assert any("''三公''" in location for entry in listed for _, location, _ in entry["cells"])
    # each link lands on the cell whose value the finding shows
    values = openpyxl.load_workbook(copy, data_only=True)
    shown = 0
    for finding in report["findings"]:
        for location in finding["locations"]:
            cell = values[location["source"]["sheet"]][location["source"]["cell"]]
            if cell.value is not None:
                assert display(cell.value, cell.number_format) == location["value"], location
                shown += 1
    assert shown > 10


def check_json(*args):
    result = CliRunner().invoke(main, ["check", "--format", "json", *map(str, args)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_annotating_an_annotated_copy_replaces_its_legend(checked, tmp_path):
    _, copy, original, _ = checked
    second = tmp_path / "second.xlsx"
    report = check_json("--annotate-excel", second, copy)
    assert findings(report) == findings(original)
    book = openpyxl.load_workbook(second)
    assert book.sheetnames == openpyxl.load_workbook(copy).sheetnames
    assert [title for title, _ in book.defined_names[LEGEND_NAME].destinations] == [LEGEND_TITLE]
    assert findings(check_json(second)) == findings(original)


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_a_sheet_of_the_workbook_named_like_the_legend_is_kept_and_read(tmp_path):
    workbook, copy = tmp_path / "final_accounts.xlsx", tmp_path / "annotated.xlsx"
    book = openpyxl.load_workbook(SEED, data_only=True)
    book["公开01表"]["C33"].value = 2653.57
    book.create_sheet(LEGEND_TITLE)["A1"] = "本年收入合计 2,643.57 万元，其中财政拨款收入 2,587.46 万元。"
    book.save(workbook)
    original = check_json("--annotate-excel", copy, workbook)
    annotated = openpyxl.load_workbook(copy)
    assert annotated.sheetnames[-2:] == [LEGEND_TITLE, LEGEND_TITLE + "2"]
    assert [title for title, _ in annotated.defined_names[LEGEND_NAME].destinations] == [LEGEND_TITLE + "2"]
    assert annotated[LEGEND_TITLE]["A1"].value.startswith("本年收入合计")
    assert findings(check_json(copy)) == findings(original)


def test_formulas_without_cached_values_stay_without(tmp_path):
    workbook = Path(__file__).parent / "fixtures" / "seed002" / "final_accounts_formulas_no_cache.xlsx"
    copy = tmp_path / "annotated.xlsx"
    original = check_json("--annotate-excel", copy, workbook)
    assert any(loc["value"].startswith("=SUM(") for f in original["findings"] for loc in f["locations"])
    assert findings(check_json(copy)) == findings(original)


def test_findings_without_a_cell_are_listed_and_text_like_a_formula_stays_text(tmp_path):
    copy = tmp_path / "annotated.xlsx"
    formula_like = Finding("R-01", "error", "公式", "=1+1 不是金额", str(SEED),
                           (Location(value="=1+1", source=Source(sheet="公开01表", cell="C7")),), hint="=SUM(C7:C9)")
    whole_file = Finding("R-02", "warning", "缺表", "没有找到公开09表", str(SEED))
    annotate_workbook(SEED, [formula_like, whole_file], copy)
    _, header, rows = legend_rows(copy)
    texts = {cell.value: cell.data_type for row in rows for cell in row
             if isinstance(cell.value, str) and cell.value.startswith("=")}
    assert texts == {"=1+1 不是金额": "s", "=SUM(C7:C9)": "s"}
    listed = {row[header.index("规则")].value: row for row in rows}
    assert listed.keys() == {"R-01", "R-02"}
    assert listed["R-02"][header.index("位置")].value == "（整个文件）"
    assert all(cell.hyperlink is None for cell in listed["R-02"])
    assert listed["R-01"][header.index("单元格")].hyperlink.location == "'公开01表'!C7"
