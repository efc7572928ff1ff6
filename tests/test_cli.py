"""The command line: exit codes, rule-file errors, selection, the JSON contract, `rules`, folders,
unreadable inputs and --show-rounding. Findings are compared as (rule id, location) pairs."""

import importlib.metadata
import json
import re
import shutil
from decimal import Decimal

import jsonschema
import pytest
from helpers import CONSISTENT, REPORT_SCHEMA, SEED002, TOTAL_LINE, WARNING_RULE, pairs, rule_text, rules_of, run, run_json

import validator
from validator.cli import FORMATS
from validator.reporters import REPORTERS
from validator.ruleset import builtin_rules


# -- exit codes -------------------------------------------------------------------------------------

def test_consistent_file_exits_0():
    result = run("check", CONSISTENT)
    assert result.exit_code == 0, result.output


def test_error_finding_exits_1(mutated):
    result = run("check", mutated)
    assert result.exit_code == 1, result.output
    assert "T1-01" in result.stdout
    assert f"第{TOTAL_LINE}行" in result.stdout


def test_fail_on_never_exits_0(mutated):
    assert run("check", "--fail-on", "never", mutated).exit_code == 0


def test_fail_on_error_is_the_default(mutated):
    assert run("check", "--fail-on", "error", mutated).exit_code == 1


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("error", 0), ("warning", 1), ("info", 1), ("never", 0)])
def test_fail_on_with_a_warning(tmp_path, fail_on, code):
    rule_file = tmp_path / "warn.yaml"
    rule_file.write_text(WARNING_RULE, encoding="utf-8")
    options = ["--fail-on", fail_on] if fail_on else []
    result = run("check", "--rules", rule_file, "--select", "ZZTEST", "--format", "json", *options, SEED002)
    assert result.exit_code == code, result.output
    report = json.loads(result.stdout)
    assert pairs(report) == {("ZZTEST-01", TOTAL_LINE)}
    assert report["findings"][0]["severity"] == "warning"


@pytest.mark.parametrize(("fail_on", "code"), [(None, 0), ("warning", 0), ("info", 1)])
def test_fail_on_with_only_rounding_notes(fail_on, code):
    options = ["--fail-on", fail_on] if fail_on else []
    result = run("check", "--show-rounding", "--select", "T1", *options, SEED002)
    assert result.exit_code == code, result.output


def test_missing_path_is_a_usage_error(tmp_path):
    missing = tmp_path / "no-such-file.txt"
    result = run("check", missing)
    assert result.exit_code == 2
    assert "no-such-file.txt" in result.stderr


@pytest.mark.parametrize("args", [
    ["check"],
    ["check", "--format", "xml", str(SEED002)],
    ["check", "--fail-on", "sometimes", str(SEED002)],
    ["check", "--no-such-option", str(SEED002)],
    ["check", "--rules", "/no/such/rules.yaml", str(SEED002)],
    ["check", "--max-bytes", "0", str(SEED002)],
    ["frobnicate"],
])
def test_usage_errors_exit_2(args):
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stderr.strip()


def test_formats_offered_are_the_reporters():
    assert set(FORMATS) == set(REPORTERS)


# -- invalid rule files -----------------------------------------------------------------------------

def line_of(text, needle):
    (number,) = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    return number


def assert_rule_file_error(tmp_path, text, expected_line, *named, command="check"):
    path = tmp_path / "bad-rules.yaml"
    path.write_text(text, encoding="utf-8")
    args = ["check", "--rules", path, SEED002] if command == "check" else ["rules", "--rules", path]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert f"{path}:{expected_line}:" in result.stderr, result.stderr
    for word in named:
        assert word in result.stderr, result.stderr
    assert result.stdout == ""


def test_valid_rule_file_is_accepted(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text(rule_text(), encoding="utf-8")
    result = run("check", "--rules", path, "--select", "ZZTEST", "--format", "json", SEED002)
    assert result.exit_code == 1, result.output
    assert pairs(json.loads(result.stdout)) == {("ZZTEST-01", TOTAL_LINE)}


@pytest.mark.parametrize("command", ["check", "rules"])
def test_rule_file_with_an_unknown_key(tmp_path, command):
    text = rule_text(explanation="    explanation: 多余的键")
    assert_rule_file_error(tmp_path, text, line_of(text, "explanation"), "explanation", command=command)


def test_rule_file_with_a_misspelt_key_names_it(tmp_path):
    text = rule_text(severity="    severty: error")
    assert_rule_file_error(tmp_path, text, line_of(text, "severty"), "severty")


def test_rule_file_with_an_unknown_key_inside_an_assert_check(tmp_path):
    check = ("    check:\n      kind: assert\n      assert: 'row[\"本年收入合计\"] == 0'\n"
             "      foreach: row in T2")
    text = rule_text(check=check)
    assert_rule_file_error(tmp_path, text, line_of(text, "foreach"), "foreach")


def test_rule_file_with_an_unknown_key_inside_a_rollup_check(tmp_path):
    text = rule_text(check="    check:\n      kind: rollup\n      table: T2\n      totl: 合计")
    assert_rule_file_error(tmp_path, text, line_of(text, "totl"), "totl")


@pytest.mark.parametrize("expression", [
    'T1["本年收入合计", "决算数"] == __import__("os")',
    'T1["本年收入合计", "决算数"] ==',
    'T99["本年收入合计", "决算数"] == 0',
    'T1["本年收入合计", "决算数"] + 1',
])
def test_rule_file_with_a_bad_expression(tmp_path, expression):
    text = rule_text(check=f"    check:\n      kind: assert\n      assert: '{expression}'")
    assert_rule_file_error(tmp_path, text, line_of(text, "assert:"))


def test_rule_file_with_an_unknown_placeholder(tmp_path):
    text = rule_text(message='    message: "相差 {diference}"')
    assert_rule_file_error(tmp_path, text, line_of(text, "message:"), "diference")


def test_rule_file_with_a_bad_for_each(tmp_path):
    check = "    check:\n      kind: assert\n      assert: 'row[\"合计\"] == 0'\n      for_each: row in T99"
    text = rule_text(check=check)
    path = tmp_path / "bad-rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("check", "--rules", path, SEED002)
    assert result.exit_code == 2
    # the loop is checked together with the assertion: any line of the check block names the place
    match = re.search(rf"{re.escape(str(path))}:(\d+):", result.stderr)
    assert match, result.stderr
    assert line_of(text, "check:") <= int(match.group(1)) <= line_of(text, "for_each")
    assert "T99" in result.stderr


def test_rule_file_with_a_bad_regex(tmp_path):
    text = rule_text(check="    check:\n      kind: text_pattern\n      patterns: ['([未闭合']")
    assert_rule_file_error(tmp_path, text, line_of(text, "patterns"))


def test_rule_file_with_a_duplicate_id(tmp_path):
    one = rule_text()
    text = one + one.removeprefix("rules:\n")
    second = [i for i, line in enumerate(text.splitlines(), start=1) if "id: ZZTEST-01" in line][1]
    assert_rule_file_error(tmp_path, text, second, "ZZTEST-01")


def test_rule_file_reusing_a_builtin_id(tmp_path):
    text = rule_text(id="    id: T1-01")
    assert_rule_file_error(tmp_path, text, line_of(text, "id: T1-01"), "T1-01")


def test_rule_file_with_a_yaml_syntax_error(tmp_path):
    text = rule_text(title="    title: [未闭合")
    path = tmp_path / "bad-rules.yaml"
    path.write_text(text, encoding="utf-8")
    result = run("check", "--rules", path, SEED002)
    assert result.exit_code == 2
    assert re.search(rf"{re.escape(str(path))}:\d+:", result.stderr), result.stderr


def test_rule_file_with_an_invalid_id(tmp_path):
    text = rule_text(id="    id: t1_99")
    assert_rule_file_error(tmp_path, text, line_of(text, "id: t1_99"))


# -- selection --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("options", "present", "absent", "prefix"), [
    ([], {"T1-01", "T1-03"}, set(), ""),
    (["--select", "T1-01"], {"T1-01"}, {"T1-03"}, "T1-01"),
    (["--select", "t1-01"], {"T1-01"}, {"T1-03"}, "T1-01"),
    (["--select", "T1"], {"T1-01", "T1-03"}, set(), "T1"),
    (["--select", "T1-01,T1-03"], {"T1-01", "T1-03"}, set(), "T1-0"),
    (["--select", "T1-01，T1-03"], {"T1-01", "T1-03"}, set(), "T1-0"),
    (["--ignore", "T1-03"], {"T1-01"}, {"T1-03"}, ""),
    (["--ignore", "T1"], set(), {"T1-01", "T1-03"}, ""),
    (["--select", "T1", "--ignore", "T1-01"], {"T1-03"}, {"T1-01"}, "T1"),
])
def test_select_and_ignore(mutated, options, present, absent, prefix):
    _, report = run_json(*options, mutated)
    found = rules_of(report)
    assert present <= found
    assert not absent & found
    assert all(rule.startswith(prefix) for rule in found)


def test_ignore_by_prefix_drops_the_whole_family(mutated):
    _, everything = run_json(mutated)
    _, report = run_json("--ignore", "T1", mutated)
    assert not any(rule.startswith("T1") for rule in rules_of(report))
    assert rules_of(report) == {rule for rule in rules_of(everything) if not rule.startswith("T1")}


def test_select_exact_id_gives_exactly_that_rule(mutated):
    _, report = run_json("--select", "T1-01", mutated)
    assert pairs(report) == {("T1-01", TOTAL_LINE)}


# -- the JSON contract ------------------------------------------------------------------------------

def test_json_report_follows_the_contract(mutated, tmp_path):
    unreadable = tmp_path / "binary.txt"
    unreadable.write_bytes(b"\xff\xfe\x80\xff")
    result, report = run_json("--show-rounding", mutated, unreadable)
    jsonschema.validate(report, REPORT_SCHEMA)
    assert report["tool"]["version"] == validator.__version__
    assert {f["path"] for f in report["files"]} == {str(mutated), str(unreadable)}
    (t1_01,) = [f for f in report["findings"] if f["rule"] == "T1-01" and f["severity"] == "error"]
    assert t1_01["file"] == str(mutated)
    assert (t1_01["actual"], t1_01["expected"], t1_01["difference"]) == ("2,653.57", "2,643.58", "9.99")
    # the tolerance is a plain decimal, and a finding means the difference is beyond it
    assert re.fullmatch(r"\d+(\.\d+)?", t1_01["tolerance"])
    assert Decimal(t1_01["tolerance"]) < Decimal(t1_01["difference"])
    first = t1_01["locations"][0]
    assert first == {
        "table": "公开01表", "table_title": "收入支出决算总表", "row": "本年收入合计", "row_no": 27, "code": None,
        "column": "收入/决算数", "column_no": 1, "value": "2,653.57",
        "source": {"line": TOTAL_LINE, "column": len("本年收入合计\t27\t") + 1, "page": None, "bbox": None,
                   "sheet": None, "cell": None},
    }
    # the total, the 26 rows above it (行次 1–26) and the cells of the T1-03 and X-01 relations it also breaks
    assert len(t1_01["locations"]) == 27 + 4 and set(t1_01["culprit"]["rules"]) == {"T1-01", "T1-03", "X-01"}
    summary = report["summary"]
    assert summary["files"] == 2
    assert summary["findings"] == len(report["findings"])
    for key, severity in (("errors", "error"), ("warnings", "warning"), ("infos", "info")):
        assert summary[key] == sum(1 for f in report["findings"] if f["severity"] == severity)
    assert result.exit_code == 1


def test_json_numbers_are_strings_not_floats(mutated):
    result, _ = run_json(mutated)
    assert '"actual": "2,653.57"' in result.stdout
    assert not re.search(r'"(expected|actual|difference|tolerance)": -?\d', result.stdout)


def test_output_file(mutated, tmp_path):
    target = tmp_path / "report.json"
    result = run("check", "--format", "json", "-o", target, mutated)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert ("T1-01", TOTAL_LINE) in pairs(json.loads(target.read_text(encoding="utf-8")))


# -- rules, version ---------------------------------------------------------------------------------

def test_rules_lists_every_rule_id():
    result = run("rules")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()[:-1]
    listed = [line.split()[0] for line in lines if re.match(r"^[A-Z]+\d*-\d", line)]
    assert sorted(listed) == sorted(r.id for r in builtin_rules())
    assert lines[0] == "决算公开（部门决算、单位决算）", "grouped by the kind of document, 决算 first"
    assert listed[0] == "T1-01", "table rules come first, in table order"


def test_rules_lists_extra_rule_files(tmp_path):
    path = tmp_path / "extra.yaml"
    path.write_text(rule_text(), encoding="utf-8")
    result = run("rules", "--rules", path)
    assert result.exit_code == 0
    assert "ZZTEST-01" in [line.split()[0] for line in result.stdout.splitlines()[:-1]]


@pytest.mark.parametrize("rule_id", ["T1-01", "t1-01"])
def test_rules_explains_one_rule(rule_id):
    result = run("rules", rule_id)
    assert result.exit_code == 0, result.output
    text = result.stdout
    (rule,) = [r for r in builtin_rules() if r.id == "T1-01"]
    assert text.startswith("T1-01")
    assert "依据" in text and rule.spec.basis in text
    assert "通过的例子" in text and "不通过的例子" in text
    assert text.index("通过的例子") < text.index("不通过的例子")
    for example in (*rule.spec.examples.passing, *rule.spec.examples.failing):
        assert example.name in text
    failing_part = text[text.index("不通过的例子"):]
    assert "→" in failing_part  # the failing example is run and its finding shown
    assert "→" not in text[:text.index("不通过的例子")]


def test_rules_with_an_unknown_id_exits_2():
    result = run("rules", "NOPE-99")
    assert result.exit_code == 2
    assert "NOPE-99" in result.stderr


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    result = run(flag)
    assert result.exit_code == 0
    assert validator.__version__ in result.stdout
    assert validator.__version__ == importlib.metadata.version("budgetlint")


# -- folders and unreadable inputs ------------------------------------------------------------------

def test_folder_is_searched_recursively(tmp_path, mutated):
    root = tmp_path / "inputs"
    nested = root / "a" / "b"
    nested.mkdir(parents=True)
    shutil.copy(CONSISTENT, root / "good.txt")
    shutil.copy(mutated, nested / "bad.txt")
    (root / ".hidden").mkdir()
    shutil.copy(mutated, root / ".hidden" / "ignored.txt")
    (root / "notes.md").write_text("# not an input\n", encoding="utf-8")
    result, report = run_json(root)
    assert result.exit_code == 1
    assert sorted(f["path"] for f in report["files"]) == sorted([str(root / "good.txt"), str(nested / "bad.txt")])
    assert {f["file"] for f in report["findings"] if f["severity"] == "error"} == {str(nested / "bad.txt")}
    assert ("T1-01", TOTAL_LINE) in pairs(report)


def _files_and_rules(report):
    return {(f["file"], f["rule"]) for f in report["findings"] if f["severity"] == "error"}


@pytest.mark.parametrize(("name", "content"), [
    ("binary.txt", b"\xff\xfe\x80\xff\x00garbage"),
    ("report.docx", b"PK\x03\x04 not really a docx"),
    ("nul.txt", "收入决算表\n\x00\x00\n".encode()),
])
def test_unreadable_file_is_a_read_finding_and_others_are_checked(tmp_path, mutated, name, content):
    bad = tmp_path / name
    bad.write_bytes(content)
    result, report = run_json(bad, mutated, SEED002)
    assert result.exit_code == 1
    errors = _files_and_rules(report)
    assert (str(bad), "READ-01") in errors
    assert (str(mutated), "T1-01") in errors
    # the seed's only errors are its real 自评表 sums (pinned in test_seed_findings)
    assert not any(file == str(SEED002) and not rule.startswith("SE-") for file, rule in errors)
    (read,) = [f for f in report["findings"] if f["rule"] == "READ-01"]
    assert str(bad) in read["message"]
    results = {f["path"]: f for f in report["files"]}
    assert results[str(bad)]["error"] and results[str(bad)]["format"] is None
    assert results[str(SEED002)]["tables"][:9] == [f"公开{i:02d}表" for i in range(1, 10)]


def test_unreadable_file_alone_exits_1(tmp_path):
    bad = tmp_path / "binary.txt"
    bad.write_bytes(b"\xff\xfe\x80\xff")
    result, report = run_json(bad)
    assert result.exit_code == 1
    assert [(f["rule"], f["severity"], f["file"]) for f in report["findings"]] == [("READ-01", "error", str(bad))]


def test_max_bytes_makes_a_large_file_a_read_finding(tmp_path):
    result, report = run_json("--max-bytes", "1000", SEED002)
    assert result.exit_code == 1
    assert [(f["rule"], f["file"]) for f in report["findings"]] == [("READ-01", str(SEED002))]


# -- rounding tails ---------------------------------------------------------------------------------

def test_show_rounding_lists_the_seed_tails_as_info():
    result, report = run_json("--show-rounding", "--ignore", "SE", SEED002)
    assert result.exit_code == 0
    assert {f["severity"] for f in report["findings"]} == {"info"}
    tails = {(f["rule"], f["locations"][0]["row"], f["locations"][0]["value"], f["locations"][0]["source"]["line"])
             for f in report["findings"]}
    assert ("T1-01", "本年收入合计", "2,643.57", TOTAL_LINE) in tails


def test_without_show_rounding_there_are_no_tails():
    _, report = run_json(SEED002)
    assert [f for f in report["findings"] if f["severity"] == "info"] == []


def test_show_rounding_does_not_hide_errors(mutated):
    result, report = run_json("--show-rounding", mutated)
    assert result.exit_code == 1
    assert ("T1-01", TOTAL_LINE) in {(f["rule"], f["locations"][0]["source"]["line"])
                                     for f in report["findings"] if f["severity"] == "error"}


def test_a_folder_with_pdfs_reports_them_as_unreadable_instead_of_skipping_them(tmp_path):
    (tmp_path / "published.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "notes.md").write_text("not a disclosure", encoding="utf-8")
    result, report = run_json(tmp_path)
    assert [f["path"] for f in report["files"]] == [str(tmp_path / "published.pdf")]
    assert [f["rule"] for f in report["findings"]] == ["READ-01"]
    assert result.exit_code == 1
