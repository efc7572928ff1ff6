"""Structured inputs (budgetlint-document/1): `budgetlint parse` round trip, hand-written `grid:` tables
located at their YAML lines, and unreadable structured files reported as READ-01 findings."""

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from validator import check
from validator.catalogue import builtin_catalogue
from validator.cli import main
from validator.errors import ReadError
from validator.readers import read_document

FIXTURES = Path(__file__).parent / "fixtures"
SEED002 = FIXTURES / "seed002.txt"


@pytest.fixture(scope="module")
def seed():
    return read_document(SEED002, builtin_catalogue())


def parse_to(target, directory, source=SEED002):
    result = CliRunner().invoke(main, ["parse", str(source), "--to", target])
    assert result.exit_code == 0, result.output
    path = directory / f"parsed.{target}"
    path.write_text(result.stdout, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    """`budgetlint parse` of the seed, once per format."""
    directory = tmp_path_factory.mktemp("parsed")
    return {target: parse_to(target, directory) for target in ("yaml", "json")}


# -- round trip ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["yaml", "json"])
def test_parse_output_reads_back_to_an_equal_document(seed, parsed, target):
    path = parsed[target]
    again = read_document(path, builtin_catalogue())
    assert again.path == str(path)
    assert dataclasses.replace(again, path=seed.path) == seed
    # spelled out, so that a failure says where the difference is
    assert again.format == "text"
    assert len(again.tables) == len(seed.tables)
    for mine, theirs in zip(again.tables, seed.tables, strict=True):
        assert mine.columns == theirs.columns, theirs.name
        assert mine.rows == theirs.rows, theirs.name
        assert (mine.kind, mine.label, mine.title, mine.source, mine.notes, mine.meta) == \
            (theirs.kind, theirs.label, theirs.title, theirs.source, theirs.notes, theirs.meta)
    assert again.text == seed.text


def test_parse_output_is_valid_yaml_and_json_with_the_format_tag(parsed):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data_yaml = yaml.load(parsed["yaml"].read_text(encoding="utf-8"), Loader=loader)
    data_json = json.loads(parsed["json"].read_text(encoding="utf-8"))
    assert data_yaml == {**data_json, "tables": data_yaml["tables"]}
    assert data_yaml["format"] == data_json["format"] == "budgetlint-document/1"
    assert [t["kind"] for t in data_json["tables"][:9]] == [f"T{i}" for i in range(1, 10)]
    # JSON object keys are strings; YAML keeps the column indexes as integers: both read back (above)
    first_row = data_json["tables"][0]["rows"][0]
    assert first_row["cells"] == {"2": {"text": "2,587.46", "source": {"line": 109, "column": 18}}}


def test_parse_output_checks_like_the_original(parsed):
    original = check([SEED002], show_rounding=True)
    again = check([parsed["json"]], show_rounding=True)

    def pairs(report):
        return sorted((f.rule, f.severity, tuple((l.source.line, l.source.column) for l in f.locations))
                      for f in report.findings)

    assert pairs(again) == pairs(original)
    assert pairs(original)  # the seed has rounding tails, so there is something to compare


def test_parse_round_trip_of_a_mutated_copy_keeps_the_finding(tmp_path):
    lines = SEED002.read_text(encoding="utf-8").splitlines(keepends=True)
    assert "\t2,643.57\t" in lines[138]
    lines[138] = lines[138].replace("\t2,643.57\t", "\t2,653.57\t")
    mutated = tmp_path / "mutated.txt"
    mutated.write_text("".join(lines), encoding="utf-8")
    report = check([parse_to("json", tmp_path, mutated)])
    assert ("T1-01", 139) in {(f.rule, f.locations[0].source.line) for f in report.findings
                              if f.severity == "error"}


# -- hand-written grid ----------------------------------------------------------------------------------

GRID = """\
format: budgetlint-document/1
tables:
  - title: 收入支出决算总表
    label: 公开01表
    grid:
      - [项目, 行次, 决算数, 项目, 行次, 决算数]
      - [一、一般公共预算财政拨款收入, 1, "2,587.46", 一、一般公共服务支出, 32, "3,088.57"]
      - [二、政府性基金预算财政拨款收入, 2, "55.70", "", "", ""]
      - [八、其他收入, 8, "0.42", "", "", ""]
      - [本年收入合计, 27, "2,644.57", 本年支出合计, 58, "3,088.57"]
"""


def _position(text, needle):
    """1-based (line, column) of the first occurrence of needle."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number, line.index(needle) + 1
    raise AssertionError(needle)


def test_grid_cells_remember_their_yaml_line_and_column(tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text(GRID, encoding="utf-8")
    document = read_document(path, builtin_catalogue())
    (t1,) = document.tables
    assert t1.kind == "T1"
    (row,) = [r for r in t1.rows if r.row_no == 27]
    (cell,) = row.cells.values()
    assert (cell.source.line, cell.source.column) == _position(GRID, '"2,644.57"')
    assert row.source.line == 10


def test_grid_findings_point_at_the_yaml_line_of_the_cell(tmp_path):
    path = tmp_path / "grid.yaml"
    path.write_text(GRID, encoding="utf-8")
    report = check([path])
    located = {(f.rule, f.locations[0].source.line, f.locations[0].source.column) for f in report.findings}
    line, column = _position(GRID, '"2,644.57"')
    assert ("T1-01", line, column) in located
    (finding,) = [f for f in report.findings if f.rule == "T1-01"]
    involved = {(l.source.line, l.value) for l in finding.locations}
    assert {(7, "2,587.46"), (8, "55.70"), (9, "0.42"), (10, "2,644.57")} <= involved


def test_unquoted_numbers_in_a_yaml_grid_keep_their_printed_decimals(tmp_path):
    """A person writes `55.70` without quotes; YAML makes it the float 55.7, but the cell as printed
    (and the precision it stands for) is 55.70."""
    text = GRID.replace('"55.70"', "55.70").replace('"3,088.57"', "3088.50").replace('"0.42"', "0.40")
    path = tmp_path / "unquoted.yaml"
    path.write_text(text, encoding="utf-8")
    (t1,) = read_document(path, builtin_catalogue()).tables
    cells = {(c.source.line, c.source.column): c for r in t1.rows for c in r.cells.values()}
    assert cells[_position(text, "55.70")].text == "55.70"
    assert cells[_position(text, "0.40")].text == "0.40"
    spending = [c for r in t1.rows if r.segment == 1 for c in r.cells.values()]
    assert [c.text for c in spending] == ["3088.50", "3088.50"]
    assert {c.precision for c in spending} == {2}


def test_json_numbers_in_a_grid_keep_their_printed_decimals(tmp_path):
    path = tmp_path / "numbers.json"
    path.write_text('{"tables": [{"title": "收入决算表", "grid": [["科目名称", "本年收入合计"], '
                    '["甲", 55.70], ["乙", 12.5], ["丙", 3]]}]}', encoding="utf-8")
    (t2,) = read_document(path, builtin_catalogue()).tables
    assert [c.text for r in t2.rows for c in r.cells.values()] == ["55.70", "12.5", "3"]
    assert {c.precision for r in t2.rows for c in r.cells.values()} == {2}


def test_grid_in_json_is_read_too(tmp_path):
    data = yaml.safe_load(GRID)
    path = tmp_path / "grid.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    report = check([path])
    assert "T1-01" in {f.rule for f in report.findings if f.severity == "error"}


# -- unreadable structured files ----------------------------------------------------------------------

BAD = {
    "broken.yaml": ("format: budgetlint-document/1\ntables:\n  - title: 收入决算表\n    grid: [[a, b]\n", "YAML"),
    "broken.json": ('{"format": "budgetlint-document/1", "tables": [}', "JSON"),
    "unknown-key.yaml": ("format: budgetlint-document/1\ntables:\n  - title: 收入决算表\n    gird: [[a]]\n",
                         "gird"),
    "wrong-type.yaml": ("format: budgetlint-document/1\ntables: 5\n", "tables"),
    "wrong-version.yaml": ("format: budgetlint-document/9\ntables: []\n", "budgetlint-document/9"),
    "top-level-list.yaml": ("- title: 收入决算表\n", "tables"),
    "grid-and-rows.yaml": ("format: budgetlint-document/1\ntables:\n  - title: 收入决算表\n    grid: [[a]]\n"
                           "    columns: []\n    rows: []\n", "grid"),
    "no-grid-no-rows.yaml": ("format: budgetlint-document/1\ntables:\n  - title: 收入决算表\n", "grid"),
    "cell-in-label-column.json": (json.dumps({"tables": [{
        "title": "收入决算表", "columns": [{"header": ["项目"], "role": "label"}],
        "rows": [{"label": "甲", "cells": {"0": {"text": "1.00"}}}]}]}, ensure_ascii=False), "收入决算表"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_unreadable_structured_file_is_a_read_error_naming_the_problem(tmp_path, name):
    text, named = BAD[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_document(path, builtin_catalogue())
    assert named in str(caught.value)


@pytest.mark.parametrize("name", sorted(BAD))
def test_unreadable_structured_file_is_a_finding_and_the_batch_goes_on(tmp_path, name):
    text, named = BAD[name]
    bad = tmp_path / name
    bad.write_text(text, encoding="utf-8")
    good = tmp_path / "grid.yaml"
    good.write_text(GRID, encoding="utf-8")
    report = check([bad, good])
    read_errors = [f for f in report.findings if f.rule == "READ-01"]
    assert [(f.file, f.severity) for f in read_errors] == [(str(bad), "error")]
    assert named in read_errors[0].message
    assert ("T1-01", str(good)) in {(f.rule, f.file) for f in report.findings}
    results = {r.path: r for r in report.files}
    assert results[str(bad)].error and results[str(bad)].format is None
    assert results[str(good)].error is None and results[str(good)].tables == ["公开01表"]


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("format: budgetlint-document/1\ntables:\n  - title: x\n    grid: [[a, b]\n", encoding="utf-8")
    with pytest.raises(ReadError) as caught:
        read_document(path, builtin_catalogue())
    assert "第" in str(caught.value) and "行" in str(caught.value)


def test_structured_file_must_be_utf8(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes(GRID.encode("gb18030"))
    report = check([path])
    assert [f.rule for f in report.findings] == ["READ-01"]
