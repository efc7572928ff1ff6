"""The machine-readable reporters, end to end on the real seeds and fixture files through the CLI:
SARIF (valid against the official 2.1.0 schema, one result per JSON finding, stable fingerprints),
JUnit XML, GitHub Actions annotations, JSON Lines and CSV. Findings are compared with the JSON report
as (rule, severity, place) tuples, never by wording."""

import codecs
import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from helpers import CONSISTENT, FIXTURES, SEED002, TOTAL_LINE, WARNING_RULE, mutate, run

from validator.findings import Finding, Location, Report, Source
from validator.reporters import REPORTERS
from validator.reporters.csv_report import HEADER
from validator.reporters.csv_report import render as render_csv
from validator.reporters.github_report import annotation
from validator.ruleset import builtin_rules

SARIF_SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
# Each real input with the options that make it report something (rounding tails of the fixture
# workbook and PDF are info notes; seed 004 is clean and must give an empty report; seed 000 has one
# doubled full stop and seed 003 one bracket never closed, warnings).
INPUTS = {
    "seed000": (FIXTURES / "seed000.txt",),
    "seed001": (FIXTURES / "seed001.txt",),
    "seed002": (FIXTURES / "seed002.txt",),
    "seed003": (FIXTURES / "seed003.txt",),
    "seed004": (FIXTURES / "seed004.txt",),
    "seed002-xlsx": ("--show-rounding", FIXTURES / "seed002" / "final_accounts.xlsx"),
    "seed002-xls": ("--show-rounding", FIXTURES / "seed002" / "final_accounts.xls"),
    "seed002-pdf": ("--show-rounding", FIXTURES / "seed002" / "final_accounts.pdf"),
    "seed002-scanned-pdf": (FIXTURES / "seed002" / "scanned_two_pages.pdf",),
    "seed002-formulas-without-cache": (FIXTURES / "seed002" / "final_accounts_formulas_no_cache.xlsx",),
}
# The scanned input is read by OCR (a quarter of a minute per format): the slow layer
NAMES = [pytest.param(name, marks=pytest.mark.slow) if "scanned" in name else name for name in INPUTS]


@cache
def output(name, output_format):
    """(exit code, stdout) of `budgetlint check --format FORMAT` on a named input."""
    result = run("check", "--format", output_format, *INPUTS[name])
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return result.exit_code, result.stdout


def report_of(name):
    return json.loads(output(name, "json")[1])


def check(output_format, *args):
    result = run("check", "--format", output_format, *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return result.stdout


def first_source(finding):
    return finding["locations"][0]["source"] if finding["locations"] else {}


# -- every format on every input ----------------------------------------------------------------------

@pytest.mark.parametrize("output_format", sorted(set(REPORTERS) - {"text", "json"}))
@pytest.mark.parametrize("name", NAMES)
def test_every_format_keeps_the_exit_code_of_the_json_report(name, output_format):
    assert output(name, output_format)[0] == output(name, "json")[0]


# -- SARIF ----------------------------------------------------------------------------------------------

def sarif_run(text):
    document = json.loads(text)
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(document)
    (only,) = document["runs"]
    return only


@pytest.mark.parametrize("name", NAMES)
def test_sarif_is_valid_and_has_one_result_per_json_finding(name):
    sarif = sarif_run(output(name, "sarif")[1])
    findings = report_of(name)["findings"]
    results = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"].get("region", {}).get("startLine"),
                r["locations"][0]["physicalLocation"].get("region", {}).get("startColumn")) for r in sarif["results"]]
    assert results == [(f["rule"], LEVELS[f["severity"]], first_source(f).get("line"), first_source(f).get("column"))
                       for f in findings]
    assert [len(r["locations"]) + len(r.get("relatedLocations", [])) for r in sarif["results"]] == \
        [max(len(f["locations"]), 1) for f in findings]


@pytest.mark.parametrize("name", NAMES)
def test_sarif_describes_every_rule_that_produced_a_result(name):
    sarif = sarif_run(output(name, "sarif")[1])
    rules = sarif["tool"]["driver"]["rules"]
    assert {rule["id"] for rule in rules} == {result["ruleId"] for result in sarif["results"]}
    for result in sarif["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    specs = {rule.id: rule.spec for rule in builtin_rules()}
    for rule in rules:
        spec = specs[rule["id"]]
        assert rule["shortDescription"]["text"] == spec.title
        assert rule["fullDescription"]["text"] == spec.description
        assert spec.basis in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] == LEVELS[spec.severity]


def test_sarif_describes_rules_from_a_rule_file(tmp_path):
    rule_file = tmp_path / "warn.yaml"
    rule_file.write_text(WARNING_RULE, encoding="utf-8")
    sarif = sarif_run(check("sarif", "--rules", rule_file, "--select", "ZZTEST", SEED002))
    (rule,) = sarif["tool"]["driver"]["rules"]
    assert (rule["id"], rule["defaultConfiguration"]["level"]) == ("ZZTEST-01", "warning")
    assert "测试用规则" in rule["help"]["text"]
    assert [(r["ruleId"], r["level"]) for r in sarif["results"]] == [("ZZTEST-01", "warning")]


def test_sarif_table_cell_has_its_line_and_its_table_row_and_column(mutated):
    sarif = sarif_run(check("sarif", "--select", "T1-01", mutated))
    (result,) = sarif["results"]
    location = result["locations"][0]
    assert location["physicalLocation"]["region"]["startLine"] == TOTAL_LINE
    assert location["properties"] | {"value": None} == {
        "table": "公开01表", "table_title": "收入支出决算总表", "row": "本年收入合计", "row_no": 27,
        "column": "收入/决算数", "column_no": 1, "value": None}
    assert location["logicalLocations"][0]["name"] == "公开01表 第27行 本年收入合计 “收入/决算数”（第1栏）"
    assert {"expected", "actual", "difference", "tolerance"} <= set(result["properties"])
    assert all(related["physicalLocation"]["region"]["startLine"] < TOTAL_LINE
               for related in result["relatedLocations"])


def test_sarif_claim_in_prose_spans_the_claim():
    findings = report_of("seed001")["findings"]
    claim = next(f for f in findings if f["locations"][0].get("span"))
    start, end = claim["locations"][0]["span"]
    results = sarif_run(output("seed001", "sarif")[1])["results"]
    region = results[findings.index(claim)]["locations"][0]["physicalLocation"]["region"]
    assert region["endColumn"] - region["startColumn"] == end - start
    assert region["startColumn"] == claim["locations"][0]["source"]["column"]


def test_sarif_workbook_cell_is_a_sheet_and_cell_without_a_region():
    results = sarif_run(output("seed002-xlsx", "sarif")[1])["results"]
    first = results[0]["locations"][0]
    assert "region" not in first["physicalLocation"]
    assert first["physicalLocation"]["artifactLocation"]["uri"].endswith("fixtures/seed002/final_accounts.xlsx")
    assert (first["properties"]["sheet"], first["properties"]["cell"]) == ("公开01表", "C33")


def test_sarif_pdf_cell_has_its_page_and_box():
    results = sarif_run(output("seed002-pdf", "sarif")[1])["results"]
    properties = results[0]["locations"][0]["properties"]
    assert properties["page"] == 2
    assert len(properties["bbox"]) == 4


def test_sarif_keeps_the_summary_and_the_skipped_rules():
    sarif = sarif_run(output("seed002", "sarif")[1])
    report = report_of("seed002")
    assert sarif["properties"]["summary"] == report["summary"]
    assert sarif["properties"]["skipped"] == report["skipped"]
    assert [(Path.cwd() / unquote(a["location"]["uri"])).resolve() for a in sarif["artifacts"]] == [
        Path(f["path"]).resolve() for f in report["files"]]


def test_sarif_unreadable_file_is_a_result_on_the_file(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    sarif = sarif_run(check("sarif", broken))
    (result,) = sarif["results"]
    assert (result["ruleId"], result["level"]) == ("READ-01", "error")
    assert sarif["tool"]["driver"]["rules"][0]["id"] == "READ-01"


def test_sarif_uri_is_relative_to_the_working_directory_and_percent_encoded(tmp_path, monkeypatch):
    folder = tmp_path / "决算"
    folder.mkdir()
    shutil.copy(FIXTURES / "seed001.txt", folder / "单位 决算.txt")
    monkeypatch.chdir(tmp_path)
    results = sarif_run(check("sarif", folder / "单位 决算.txt"))["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results} == {
        "%E5%86%B3%E7%AE%97/%E5%8D%95%E4%BD%8D%20%E5%86%B3%E7%AE%97.txt"}


def fingerprints(text):
    return [r["partialFingerprints"]["budgetlintFinding/v1"] for r in sarif_run(text)["results"]]


def fingerprinted(text):
    return [(r["ruleId"], r["partialFingerprints"]["budgetlintFinding/v1"]) for r in sarif_run(text)["results"]]


@pytest.mark.parametrize("name", ["seed001", "seed002", "seed002-xlsx", "seed002-formulas-without-cache"])
def test_sarif_fingerprints_are_unique_within_a_run(name):
    found = fingerprints(output(name, "sarif")[1])
    assert len(set(found)) == len(found)


def test_sarif_fingerprints_do_not_depend_on_lines(mutated, monkeypatch):
    """The same file, once as is and once with a blank line at the top, under the same path."""
    monkeypatch.chdir(mutated.parent)
    before = check("sarif", mutated.name)
    mutated.write_text("\n" + mutated.read_text(encoding="utf-8"), encoding="utf-8")
    after = check("sarif", mutated.name)
    assert fingerprints(before) == fingerprints(after)
    assert before != after


def test_sarif_fingerprint_follows_the_cell_not_its_figures(mutated, monkeypatch):
    monkeypatch.chdir(mutated.parent)
    before = fingerprinted(check("sarif", "--select", "T1-01", mutated.name))
    mutated.write_text(mutate(mutated.read_text(encoding="utf-8"), TOTAL_LINE, "\t2,653.57\t", "\t2,663.57\t"),
                       encoding="utf-8")
    after = fingerprinted(check("sarif", "--select", "T1-01", mutated.name))
    assert before == after
    assert len(before) == 1


# -- JUnit XML ------------------------------------------------------------------------------------------

def junit(text):
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


@pytest.mark.parametrize("name", NAMES)
def test_junit_has_a_testcase_per_rule_and_a_failure_per_rule_with_errors(name):
    root = junit(output(name, "junit")[1])
    report = report_of(name)
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == report["files"][0]["path"]
    cases = suite.findall("testcase")
    assert len({case.get("name") for case in cases}) == len(cases) == int(suite.get("tests"))
    failed = {case.get("name").split()[0] for case in cases if case.find("failure") is not None}
    assert failed == {f["rule"] for f in report["findings"] if f["severity"] == "error"}
    assert int(suite.get("failures")) == int(root.get("failures")) == len(failed)
    skipped = {case.get("name").split()[0] for case in cases if case.find("skipped") is not None}
    assert skipped == {s["rule"] for s in report["skipped"]} - {f["rule"] for f in report["findings"]}
    assert int(suite.get("skipped")) == len(skipped)


def test_junit_counts_every_error_of_a_rule_in_its_failure(mutated):
    report = json.loads(check("json", mutated))
    root = junit(check("junit", mutated))
    errors = [f for f in report["findings"] if f["rule"] == "T1-01"]
    (case,) = [c for c in root.iter("testcase") if c.get("name").startswith("T1-01 ")]
    failure = case.find("failure")
    assert failure.get("type") == "error"
    assert failure.text.count("错误 T1-01") == len(errors)
    assert f"第{TOTAL_LINE}行" in failure.text


def test_junit_warnings_are_listed_without_failing_the_testcase():
    root = junit(output("seed002", "junit")[1])
    (case,) = [c for c in root.iter("testcase") if c.get("name").startswith("SE-12 ")]
    assert case.find("failure") is None
    warnings = [f for f in report_of("seed002")["findings"] if f["rule"] == "SE-12"]
    assert case.find("system-out").text.count("警告 SE-12") == len(warnings) > 0


def test_junit_has_one_testsuite_per_file_and_skips_the_rules_of_an_unreadable_one(tmp_path):
    shutil.copy(FIXTURES / "seed001.txt", tmp_path / "a.txt")
    (tmp_path / "b.xlsx").write_bytes(b"not a workbook")
    root = junit(check("junit", tmp_path))
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [str(tmp_path / "a.txt"), str(tmp_path / "b.xlsx")]
    unreadable = suites[1].findall("testcase")
    assert [c.get("name").split()[0] for c in unreadable if c.find("failure") is not None] == ["READ-01"]
    assert all(c.find("skipped") is not None for c in unreadable if not c.get("name").startswith("READ-01"))
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)


# -- GitHub Actions annotations --------------------------------------------------------------------------

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def parse_annotation(line):
    """(command, properties, message) of a workflow command, unescaped as the Actions runner does."""
    assert line.startswith("::")
    head, message = line[2:].split("::", 1)
    command, _, listed = head.partition(" ")

    def unescape(text):
        for escaped, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(escaped, char)
        return text

    properties = dict(item.split("=", 1) for item in listed.split(","))
    return command, {k: unescape(v) for k, v in properties.items()}, unescape(message)


@pytest.mark.parametrize("name", NAMES)
def test_github_has_an_annotation_per_finding(name):
    lines = output(name, "github")[1].splitlines()
    findings = report_of(name)["findings"]
    parsed = [parse_annotation(line) for line in lines]
    assert [(command, props.get("line"), props.get("col")) for command, props, _ in parsed] == [
        (COMMANDS[f["severity"]], *(str(first_source(f)[k]) if first_source(f).get(k) else None
                                    for k in ("line", "column"))) for f in findings]
    assert [props["title"].split()[0] for _, props, _ in parsed] == [f["rule"] for f in findings]
    assert all(message.startswith(f["message"]) for (_, _, message), f in zip(parsed, findings, strict=True))


def test_github_escapes_percent_newlines_and_property_separators():
    finding = Finding("T1-01", "warning", "标题: 含冒号, 和逗号", "100% 不符\r\n第二行", "a,b:c.txt",
                      (Location(value="1", source=Source(line=3, column=4)),), hint="核对")
    line = annotation(finding)
    assert "\n" not in line and "\r" not in line
    assert line.startswith("::warning file=a%2Cb%3Ac.txt,line=3,col=4,title=T1-01 标题%3A 含冒号%2C 和逗号::")
    command, properties, message = parse_annotation(line)
    assert (command, properties["file"], properties["title"]) == ("warning", "a,b:c.txt", "T1-01 标题: 含冒号, 和逗号")
    assert message.startswith("100% 不符\r\n第二行\n位置：")


def test_github_rounding_notes_are_notices():
    commands = {parse_annotation(line)[0] for line in output("seed002-xlsx", "github")[1].splitlines()}
    assert commands == {"notice"}


# -- JSON Lines --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_json_lines_are_the_json_findings_one_per_line(name):
    lines = output(name, "json-lines")[1].splitlines()
    assert [json.loads(line) for line in lines] == report_of(name)["findings"]


def test_json_lines_of_a_clean_file_are_empty():
    assert output("seed004", "json-lines")[1] == ""


# -- CSV ---------------------------------------------------------------------------------------------------

def csv_rows(text):
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.mark.parametrize("name", NAMES)
def test_csv_has_the_chinese_header_and_a_row_per_finding(name):
    text = output(name, "csv")[1]
    assert next(csv.reader(io.StringIO(text.removeprefix("\ufeff")))) == list(HEADER)
    findings = report_of(name)["findings"]
    rows = [r for r in csv_rows(text) if r["规则"]]
    # a formula shown as a cell's value ("=SUM(D8:I8)") is kept as text for Excel: see below
    assert [(r["规则"], r["文件"], r["值"].removeprefix("'")) for r in rows] == [
        (f["rule"], f["file"], f["locations"][0]["value"] or "") for f in findings]


def test_csv_lists_every_checked_file_a_clean_one_with_a_row_saying_so(tmp_path, mutated):
    clean = tmp_path / "b-clean.txt"
    shutil.copy(CONSISTENT, clean)
    unreadable = tmp_path / "c-binary.txt"
    unreadable.write_bytes(b"\x00\xff" * 10)
    rows = csv_rows(check("csv", mutated, clean, unreadable))
    assert [r["文件"] for r in rows if r["文件"] != str(mutated)] == [str(clean), str(unreadable)]
    (clean_row,) = [r for r in rows if r["文件"] == str(clean)]
    assert clean_row["说明"] == "未发现问题"
    assert {value for column, value in clean_row.items() if column not in ("文件", "说明")} == {""}
    assert [r["规则"] for r in rows if r["文件"] == str(unreadable)] == ["READ-01"]
    assert {r["规则"] for r in rows if r["文件"] == str(mutated)} >= {"T1-01", "NR-03"}


def test_csv_row_names_table_row_column_and_figures(mutated):
    (row,) = csv_rows(check("csv", "--select", "T1-01", mutated))
    assert (row["严重程度"], row["表"], row["行"], row["栏"], row["值"], row["位置"]) == (
        "错误", "公开01表 收入支出决算总表", "第27行 本年收入合计", "收入/决算数（第1栏）", "2,653.57",
        f"第{TOTAL_LINE}行第11列")
    assert (row["实际值"], row["期望值"]) == ("2,653.57", "2,643.58")
    (finding,) = json.loads(check("json", "--select", "T1-01", mutated))["findings"]
    assert len(row["涉及"].splitlines()) == len(finding["locations"]) - 1


def test_csv_workbook_finding_names_sheet_and_cell():
    rows = csv_rows(output("seed002-formulas-without-cache", "csv")[1])
    uncached = [r for r in rows if r["规则"] == "N-03"]
    assert uncached and all(r["工作表"] and r["单元格"] for r in uncached)
    # the formula a cell holds instead of a cached value must not run when the auditor opens the CSV
    assert {r["值"][:2] for r in uncached} == {"'="}


def test_csv_file_written_with_output_starts_with_the_byte_order_mark(mutated, tmp_path):
    target = tmp_path / "findings.csv"
    result = run("check", "--format", "csv", "-o", target, mutated)
    assert result.exit_code == 1
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    assert len(csv_rows(data.decode("utf-8"))) == len(json.loads(check("json", mutated))["findings"])


def test_csv_text_that_excel_would_run_as_a_formula_is_quoted_but_negative_numbers_are_not():
    finding = Finding("T1-01", "error", "标题", '=HYPERLINK("http://x","y")', "a.txt",
                      (Location(value="-10.00"),), difference="-10.00", hint="@SUM(A1)")
    (row,) = csv_rows(render_csv(Report("0", findings=[finding])))
    assert (row["说明"], row["值"], row["差额"], row["建议"]) == (
        "'=HYPERLINK(\"http://x\",\"y\")", "-10.00", "-10.00", "'@SUM(A1)")
