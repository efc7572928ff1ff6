"""Hostile text, YAML, JSON, rule files, configuration and options (issue 16): never a traceback or an
internal error, never a hang, never a silent loss. The reproducers are in fixtures/fuzz/; the big ones
are made here. Time budgets are alarms (the old code ran for minutes, so it fails them at once) and,
for a check, its own --timeout a little shorter: its per-file alarm replaces the test's."""

import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, interrupt_at, run, within

from validator.claims.paragraphs import clean
from validator.claims.vocabulary import vocabulary

FUZZ = FIXTURES / "fuzz"
T9 = FUZZ / "T9_doc.txt"
PARAGRAPH = "本年收入合计100万元，其中财政拨款60万元、其他收入40万元；"


def check_json(*args):
    result = run("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return json.loads(result.stdout)


def read_errors(report):
    return [f["message"] for f in report["findings"] if f["rule"] == "READ-01"]


def assert_no_internal_error(report):
    assert not any(f.get("internal_error") for f in report["files"]), report["files"]


def t9_with_cell(tmp_path, text):
    """The 公开09表 fixture with its 公务用车运行维护费 决算数 (20.00) replaced."""
    path = tmp_path / "t9.txt"
    path.write_text(T9.read_text(encoding="utf-8").replace("0.00\t20.00\t5.00\n", f"0.00\t{text}\t5.00\n"),
                    encoding="utf-8")
    return path


# --- numbers -----------------------------------------------------------------------------------------

def test_a_figure_with_28_decimals_is_a_malformed_number_not_an_internal_error():
    report = check_json(FUZZ / "R01_decimal_invalidoperation.txt")
    assert_no_internal_error(report)
    (finding,) = [f for f in report["findings"] if f["rule"] == "N-01"]
    assert "28 位小数" in finding["message"]


def test_a_million_digit_figure_is_a_malformed_number_not_an_internal_error(tmp_path):
    report = check_json(t9_with_cell(tmp_path, "1" * 1_000_000))
    assert_no_internal_error(report)
    (finding,) = [f for f in report["findings"] if f["rule"] == "N-01"]
    assert "1,000,000 位数字" in finding["message"]


def test_figures_up_to_20_digits_and_20_decimals_are_still_numbers(tmp_path):
    report = check_json(t9_with_cell(tmp_path, "20.00000000000000000000"))
    assert not [f for f in report["findings"] if f["rule"] in ("N-01", "READ-01")]


@pytest.mark.parametrize("row_no", ["1" * 4301, "²", "①"])
@pytest.mark.parametrize("command", ["check", "parse"])
def test_a_row_number_of_4301_digits_or_a_superscript_is_no_row_number(tmp_path, command, row_no):
    path = tmp_path / "t1.txt"
    path.write_text(f"收入支出决算总表\n公开01表\n项目\t行次\t决算数\n栏次\t\t1\n本年收入合计\t{row_no}\t10.00\n", encoding="utf-8")
    result = run(command, path)
    assert result.exit_code in (0, 1), result.output
    assert "内部错误" not in result.output


def test_the_superscript_row_number_reproducer_is_read():
    assert_no_internal_error(check_json(FUZZ / "R03_rowno_superscript.txt"))


# --- quadratic reading of prose ---------------------------------------------------------------------

def test_a_run_of_80000_spaces_in_a_label_is_stripped_in_well_under_a_second():
    with within(1):
        assert clean("本年收入" + " " * 80_000 + "合计为") == "本年收入" + " " * 80_000 + "合计"


def test_trailing_links_are_stripped_as_the_regex_of_the_links_would():
    links = vocabulary().words.names.links
    regex = re.compile(rf"(?:{'|'.join(map(re.escape, links))}|：|:|\s)+$")
    alphabet = [*links, "：", ":", " ", "\u3000", "合", "计", "到", "入"]
    generator = random.Random(16)
    for _ in range(20_000):
        label = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 8)))
        assert vocabulary().without_trailing_links(label) == regex.sub("", label), label


def test_the_80000_space_reproducer_is_checked_in_seconds(tmp_path):
    path = tmp_path / "spaces.txt"
    path.write_text("本年收入" + " " * 80_000 + "合计100万元，其中财政拨款60万元、其他收入40万元。\n", encoding="utf-8")
    with within(10):  # an alarm for the old code, which had no timeout for a single file
        report = check_json(path, "--timeout", "8")
    assert not read_errors(report)


def test_a_paragraph_of_100000_characters_is_checked_in_seconds(tmp_path):
    path = tmp_path / "paragraph.txt"
    path.write_text(PARAGRAPH * (100_000 // len(PARAGRAPH)) + "\n", encoding="utf-8")
    with within(15):  # about 2 s; 24 s before, growing with the square of the length
        report = check_json(path, "--timeout", "12")
    assert not read_errors(report)


def test_a_single_file_run_has_the_per_file_timeout(tmp_path):
    path = tmp_path / "paragraph.txt"
    path.write_text(PARAGRAPH * (200_000 // len(PARAGRAPH)) + "\n", encoding="utf-8")  # about 2 s to check
    # a process of its own, as a user runs it: the alarm is the command's, not shared with the test's
    result = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json", "--timeout", "0.2", path],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert any("检查超过 0.2 秒" in message for message in read_errors(json.loads(result.stdout)))


# --- JSON and YAML ------------------------------------------------------------------------------------

@pytest.mark.parametrize("output_format", ["json", "html", "sarif"])
def test_a_lone_surrogate_in_one_json_input_leaves_the_batch_report_whole(tmp_path, output_format):
    for name in ("R05_json_lone_surrogate.json", "T9_doc.txt"):
        (tmp_path / name).write_bytes((FUZZ / name).read_bytes())
    result = run("check", tmp_path, "--format", output_format, "-o", tmp_path / "report.out")
    assert result.exit_code == 1, result.output
    report = (tmp_path / "report.out").read_text(encoding="utf-8")
    assert "代理字符" in report and "T9_doc.txt" in report


def test_a_json_object_with_a_key_twice_is_refused(tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"format": "budgetlint-document/1", "tables": [], "tables": []}', encoding="utf-8")
    assert any("键“tables”重复出现" in message for message in read_errors(check_json(path)))


@pytest.mark.parametrize("text", ['{"a": ' + "1" * 5000 + "}", "[" * 100_000 + "]" * 100_000])
def test_json_with_a_huge_integer_or_deep_nesting_is_unreadable_not_an_internal_error(tmp_path, text):
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    report = check_json(path)
    assert read_errors(report)
    assert_no_internal_error(report)


def _laughs(levels, width):
    """Nested aliases: `width` ** `levels` cells from a few hundred bytes ("billion laughs")."""
    lines = ["format: budgetlint-document/1", "anchors:", '  - &l0 ["1.00"]']
    lines += [f"  - &l{n} [{', '.join([f'*l{n - 1}'] * width)}]" for n in range(1, levels + 1)]
    lines += ["tables:", "  - title: 支出决算表", f"    grid: *l{levels}"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [
    _laughs(9, 10),  # 10^9 cells (R06: 3.75 GB before)
    "format: budgetlint-document/1\ntext: [&s \"" + PARAGRAPH * 100 + "\"" + ", *s" * 20_000 + "]\n",  # R07
])
def test_yaml_aliases_beyond_the_budget_are_refused_at_once(tmp_path, text):
    path = tmp_path / "aliases.yaml"
    path.write_text(text, encoding="utf-8")
    with within(5):
        report = check_json(path, "--timeout", "4")
    assert any("别名" in message and "上限" in message for message in read_errors(report))


def test_a_few_aliases_are_still_read(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("format: budgetlint-document/1\ntext: [&s 收入合计100万元。, *s, *s]\n", encoding="utf-8")
    assert not read_errors(check_json(path))


def test_a_recursive_alias_is_refused(tmp_path):
    path = tmp_path / "recursive.yaml"
    path.write_text("format: budgetlint-document/1\ntext: &s [*s]\n", encoding="utf-8")
    assert any("递归别名" in message for message in read_errors(check_json(path)))


def test_a_duplicate_tables_key_is_an_error_not_a_replacement():
    messages = read_errors(check_json(FUZZ / "R08_yaml_duplicate_tables_key.yaml"))
    assert any("键“tables”重复出现" in message and "第30行" in message for message in messages)


# --- rule files -------------------------------------------------------------------------------------

def _rule_file(tmp_path, assertion=None, message=None):
    """The 公开09表 budget-total rule (fixtures/fuzz/R20_rule.yaml) with its assertion or message replaced."""
    text = (FUZZ / "R20_rule.yaml").read_text(encoding="utf-8")
    if assertion:
        text = re.sub(r"(?m)^    assert: .*$", lambda _: f"    assert: {assertion}", text, count=1)
    if message:
        text = re.sub(r"(?m)^  message: .*$", lambda _: f"  message: '{message}'", text, count=1)
    path = tmp_path / "rule.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("change, line, problem", [
    ({"assertion": 'T9["预算数/合计"] == 9e999'}, 11, "数值常量超出范围"),
    ({"assertion": "T9[1] == total(T9, 1, None)"}, 11, "函数用法不对：total(T9, 1, None)"),
    ({"message": "{actual:>999999999}"}, 7, "不能带格式说明"),
])
@pytest.mark.parametrize("command", ["check", "rules"])
def test_a_bad_rule_file_is_a_usage_error_naming_file_and_line(tmp_path, command, change, line, problem):
    rules = _rule_file(tmp_path, **change)
    result = run(*(("check", T9) if command == "check" else ("rules",)), "--rules", rules)
    assert result.exit_code == 2, result.output
    assert f"rule.yaml:{line}: " in result.output and problem in result.output, result.output


def test_the_rule_file_the_bad_ones_are_made_from_is_good(tmp_path):
    assert run("rules", "--rules", _rule_file(tmp_path)).exit_code == 0


@pytest.mark.parametrize("assertion", [
    'T9["预算数/合计"] == ' + "-" * 250 + "1",
    'T9["预算数/合计"] == ' + " + ".join(["1"] * 3000),
    'T9["预算数/合计"] == ' + " + ".join(["1"] * 500),
    'T9["预算数/合计"] == ' + "1" * 5000,
])
def test_a_rule_expression_too_deep_or_too_long_is_a_usage_error(tmp_path, assertion):
    result = run("rules", "--rules", _rule_file(tmp_path, assertion))
    assert result.exit_code == 2, result.output
    assert "rule.yaml:11:" in result.output


def test_a_rule_expression_of_150_terms_still_checks(tmp_path):
    rules = _rule_file(tmp_path, 'T9["预算数/合计"] == ' + " + ".join(['T9["预算数/公务接待费"]'] * 150))
    report = check_json(T9, "--rules", rules)
    assert_no_internal_error(report)


# --- configuration and options ----------------------------------------------------------------------

@pytest.mark.parametrize("name, content, problem", [
    ("budgetlint.toml", "x = " + "[" * 5000 + "]" * 5000 + "\n", "嵌套过深"),
    ("budgetlint.toml", "timeout = inf\n", "timeout"),
    ("budgetlint.toml", "timeout = 1e-9\n", "timeout"),
    ("budgetlint.toml", "select = ['T']\n".encode("utf-16"), "不是 UTF-8 编码"),
    ("pyproject.toml", "tool = 1\n", "tool: 应是表"),
    ("pyproject.toml", 'tool = "budgetlint"\n', "tool: 应是表"),
])
def test_a_bad_configuration_is_a_usage_error_naming_the_file(tmp_path, monkeypatch, name, content, problem):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    for args in (("check", T9), ("check", T9, "--config", path)):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert name in result.output and problem in result.output, result.output


@pytest.mark.parametrize("timeout", ["inf", "1e300", "1e-9", "nan", "0"])
@pytest.mark.parametrize("files", [1, 2])
def test_a_nonsense_timeout_is_a_usage_error(timeout, files):
    result = run("check", *[T9, FUZZ / "R01_decimal_invalidoperation.txt"][:files], "--timeout", timeout)
    assert result.exit_code == 2, result.output
    assert "--timeout" in result.output


def test_xlrd_warnings_never_reach_stdout():
    result = subprocess.run([sys.executable, "-m", "validator", "check", FUZZ / "R22_xls_truncated_stdout_pollution.xls",
                             "--format", "json"], capture_output=True, text=True, check=False)
    assert result.returncode in (0, 1), result.stderr
    json.loads(result.stdout)


# --- encodings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-32-be", "utf-8-sig", "gb18030"])
def test_a_text_with_a_bom_or_in_gb18030_is_read_as_in_utf8(tmp_path, encoding):
    text = T9.read_text(encoding="utf-8")
    data = text.encode(encoding)
    if encoding.endswith("-be"):  # Python writes no BOM for an explicit byte order
        data = {"utf-16-be": b"\xfe\xff", "utf-32-be": b"\x00\x00\xfe\xff"}[encoding] + data
    path = tmp_path / "t9.txt"
    path.write_bytes(data)
    expected = check_json(T9)
    got = check_json(path)
    assert [f["message"] for f in got["findings"]] == [f["message"] for f in expected["findings"]]


def test_a_big5_disclosure_is_refused_not_passed_as_mojibake(tmp_path):
    path = tmp_path / "big5.txt"
    text = "收入支出決算總表\n單位：萬元\n" + T9.read_text(encoding="utf-8") + "本年收入合計100萬元，支出合計90萬元。\n" * 40
    path.write_bytes(text.encode("big5", errors="replace"))
    assert any("Big5" in message for message in read_errors(check_json(path)))


def test_text_that_reads_as_no_disclosure_in_any_encoding_is_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes(random.Random(16).randrange(0x81, 0xfe) for _ in range(2000)))
    report = check_json(path)
    assert read_errors(report)
    assert_no_internal_error(report)


def test_noise_after_a_utf16_bom_is_refused(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(b"\xff\xfe" + bytes(random.Random(16).randrange(0x20, 0xd7) for _ in range(400)))
    assert any("UTF-16" in message for message in read_errors(check_json(path)))


def test_ctrl_c_names_the_files_not_checked(tmp_path, monkeypatch):
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(T9.read_bytes())
    interrupt_at(monkeypatch, lambda path: path.name == "b.txt")
    result = run("check", "--jobs", "1", tmp_path)
    assert result.exit_code == 130
    assert f"已中断，2 个文件未检查：{tmp_path / 'b.txt'}、{tmp_path / 'c.txt'}" in result.stdout
    assert f"（{tmp_path / 'b.txt'}、{tmp_path / 'c.txt'}）" in result.stderr
