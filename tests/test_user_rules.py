"""Rules a user writes: `budgetlint test-rules` runs a rule file's pass/fail examples as semgrep --test
does, a name the examples' tables lack is a warning (there and when `check --rules` loads the file),
and `budgetlint rules PREFIX` / `--format json` list a family for people and machines."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from validator.cli import main
from validator.rule_tests import run_examples
from validator.ruleset import builtin_rules

# Seed 002 up to its 自评表: a disclosure with nothing to report
CONSISTENT = Path(__file__).parent / "fixtures" / "seed002-without-self-evaluations.txt"

T9_HEADER = """\
                - [预算数, "", 决算数, ""]
                - [合计, 公务接待费, 合计, 公务接待费]"""
RULE_FILE = f"""\
rules:
  - id: MY-01
    title: 公务接待费超过预算
    severity: warning
    basis: 本单位内控要求
    description: 三公经费表中公务接待费决算数不应超过预算数。
    message: "公务接待费决算 {{actual}}，预算 {{expected}}，超出 {{difference}}"
    check:
      kind: assert
      assert: 'T9["决算数/公务接待费"] <= T9["预算数/公务接待费"]'
    examples:
      pass:
        - name: 未超预算
          tables:
            - title: 财政拨款“三公”经费支出决算表
              grid:
{T9_HEADER}
                - ["8.00", "8.00", "7.50", "7.50"]
        - name: 恰好用完预算
          tables:
            - title: 财政拨款“三公”经费支出决算表
              grid:
{T9_HEADER}
                - ["8.00", "8.00", "8.00", "8.00"]
      fail:
        - name: 超预算
          tables:
            - title: 财政拨款“三公”经费支出决算表
              grid:
{T9_HEADER}
                - ["8.00", "8.00", "9.50", "9.50"]
"""
T5_HEADER = """\
            - title: 一般公共预算财政拨款支出决算表
              grid:
                - [科目编码, 科目名称, 小计, 基本支出, 项目支出]"""
ROW_RULE_FILE = f"""\
rules:
  - id: MY-02
    title: 行政运行中有项目支出
    severity: warning
    basis: 本单位内控要求
    description: 行政运行科目只列基本支出。
    message: "行政运行的项目支出为 {{actual}}"
    check:
      kind: assert
      assert: 'T5["行政运行", "项目支出"] == 0'
    examples:
      pass:
        - name: 行政运行全为基本支出
          tables:
{T5_HEADER}
                - ["2010301", 行政运行, "80.00", "80.00", "0.00"]
      fail:
        - name: 行政运行列了项目支出
          tables:
{T5_HEADER}
                - ["2010301", 行政运行, "95.00", "80.00", "15.00"]
"""


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def write(tmp_path, text, name="my-rules.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# -- test-rules -------------------------------------------------------------------------------------

def test_a_good_rule_file_passes(tmp_path):
    result = run("test-rules", write(tmp_path, RULE_FILE))
    assert result.exit_code == 0, result.output
    assert "✓ MY-01 (2 通过例, 1 不通过例)" in result.stdout
    assert "⚠" not in result.stdout
    assert result.stdout.splitlines()[-1] == "共 1 条规则、3 个例子：全部通过；0 个警告"


@pytest.mark.parametrize("printed, changed, expected", [
    ('["8.00", "8.00", "9.50", "9.50"]', '["10.00", "10.00", "9.50", "9.50"]',
     ["不通过例“超预算”未通过", "期望：至少一个 MY-01 问题", "实际：没有问题"]),
    ('["8.00", "8.00", "8.00", "8.00"]', '["8.00", "8.00", "8.20", "8.20"]',
     ["通过例“恰好用完预算”未通过", "期望：没有问题",
      "实际：公务接待费决算 8.20，预算 8.00，超出 0.20（位置：财政拨款“三公”经费支出决算表 “决算数/公务接待费”）"]),
], ids=["fail-example-passes", "pass-example-fails"])
def test_an_example_not_as_expected_is_named_with_what_was_expected_and_what_happened(tmp_path, printed, changed,
                                                                                      expected):
    result = run("test-rules", write(tmp_path, RULE_FILE.replace(printed, changed)))
    assert result.exit_code == 1, result.output
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "✗ MY-01 (2 通过例, 1 不通过例)" in lines
    assert lines[lines.index(expected[0]):][:len(expected)] == expected
    assert sum(line.endswith("未通过") for line in lines) == 1  # the other examples are as expected
    assert lines[-1] == "共 1 条规则、3 个例子：1 条规则有例子未通过（1 个例子）；0 个警告"


@pytest.mark.parametrize("text, what, name, nearest", [
    (RULE_FILE.replace('T9["决算数/公务接待费"]', 'T9["决算数/公务接侍费"]'), "栏", "决算数/公务接侍费", "决算数/公务接待费"),
    (ROW_RULE_FILE.replace('T5["行政运行"', 'T5["行政运形"'), "行", "行政运形", "行政运行"),
], ids=["column", "row"])
def test_a_misspelt_name_is_a_warning_naming_it_and_the_example(tmp_path, text, what, name, nearest):
    result = run("test-rules", write(tmp_path, text))
    assert result.exit_code == 1, result.output  # and the examples fail: the rule never ran
    warnings = [line for line in result.stdout.splitlines() if "⚠ 警告" in line]
    fail_example = "超预算" if what == "栏" else "行政运行列了项目支出"
    assert any(f"不通过例“{fail_example}”" in w for w in warnings), warnings
    for warning in warnings:
        assert f"没有“{name}”{what}" in warning and f"相近的有“{nearest}”" in warning


def test_a_table_the_examples_lack_is_a_warning_listing_their_tables(tmp_path):
    text = RULE_FILE.replace("title: 财政拨款“三公”经费支出决算表", "title: 财政拨款“三公”经费支出决算")
    result = run("test-rules", write(tmp_path, text))
    assert result.exit_code == 1
    assert "例子中没有财政拨款“三公”经费支出决算表（例子的表格：“财政拨款“三公”经费支出决算”（未识别为标准表格））" \
        in result.stdout


def test_a_broken_rule_file_exits_2_naming_file_and_line_and_the_others_are_still_tested(tmp_path):
    write(tmp_path, "rules:\n  - id: MY-09\n   title: [\n", name="broken.yaml")
    write(tmp_path, RULE_FILE)
    result = run("test-rules", tmp_path)
    assert result.exit_code == 2
    assert f"{tmp_path / 'broken.yaml'}:3: YAML 语法错误" in result.stderr
    assert "✓ MY-01" in result.stdout


def test_an_invalid_rule_names_the_key(tmp_path):
    result = run("test-rules", write(tmp_path, RULE_FILE.replace("severity: warning", "severity: grave")))
    assert result.exit_code == 2
    assert "my-rules.yaml:4: rules.0.severity" in result.stderr


def test_without_a_path_the_builtin_rules_are_tested():
    result = run("test-rules")
    assert result.exit_code == 0, result.output
    assert f"共 {len(builtin_rules())} 条规则" in result.stdout
    assert "✓ T6-02 (" in result.stdout


def test_builtin_rules_name_nothing_their_examples_lack():
    warnings = [w.message() for rule in builtin_rules() for w in run_examples(rule).warnings]
    assert warnings == []


# -- check --rules ----------------------------------------------------------------------------------

def test_check_warns_about_a_misspelt_name_and_still_runs(tmp_path):
    path = write(tmp_path, RULE_FILE.replace('T9["决算数/公务接待费"]', 'T9["决算数/公务接侍费"]'))
    result = run("check", "--rules", path, "--format", "json", CONSISTENT)
    assert result.exit_code == 0, result.output  # a warning does not change the exit code
    assert f"警告：{path}:2: MY-01 在通过例“未超预算”中被跳过" in result.stderr
    assert "没有“决算数/公务接侍费”栏" in result.stderr
    assert json.loads(result.stdout)["summary"]["files"] == 1


def test_check_with_a_good_user_rule_file_says_nothing_on_stderr(tmp_path):
    result = run("check", "--rules", write(tmp_path, RULE_FILE), CONSISTENT)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


# -- rules PREFIX, --format json --------------------------------------------------------------------

def listed_ids(result):
    return [line.split()[0] for line in result.stdout.splitlines()[:-1]]


@pytest.mark.parametrize("prefix", ["T6", "t6", "T6-"])
def test_rules_with_a_prefix_lists_exactly_that_family(prefix):
    result = run("rules", prefix)
    assert result.exit_code == 0, result.output
    assert listed_ids(result) == sorted(r.id for r in builtin_rules() if r.id.startswith("T6-"))


def test_an_exact_id_is_explained_not_listed():
    result = run("rules", "T6-02")
    assert result.exit_code == 0
    assert result.stdout.startswith("T6-02  ") and "这条规则的意思" in result.stdout


@pytest.mark.parametrize("wanted, suggested", [("T5-O2", "T5-02"), ("SF", "SE")])
def test_an_unknown_prefix_exits_2_with_a_suggestion(wanted, suggested):
    result = run("rules", wanted)
    assert result.exit_code == 2
    assert f"没有编号或前缀为 {wanted} 的规则，是否想找 {suggested}？" in result.stderr


JSON_KEYS = ["id", "aliases", "title", "severity", "basis", "description", "message", "hint", "kind",
             "examples", "file", "line", "document"]


def test_rules_as_json_has_every_rule_with_stable_keys():
    result = run("rules", "--format", "json")
    assert result.exit_code == 0
    rules = json.loads(result.stdout)
    assert sorted(r["id"] for r in rules) == sorted(r.id for r in builtin_rules())
    assert all(list(r) == JSON_KEYS for r in rules)
    t9 = next(r for r in rules if r["id"] == "T9-01")
    assert t9["kind"] == "assert" and t9["severity"] == "error"
    assert t9["examples"] == {"pass": 2, "fail": 1}
    assert t9["file"] == "rules/t9_three_public.yaml" and isinstance(t9["line"], int)


def test_rules_as_json_with_a_prefix_and_with_user_rules(tmp_path):
    family = json.loads(run("rules", "T6", "--format", "json").stdout)
    assert [r["id"] for r in family] == ["T6-01", "T6-02", "T6-03"]
    mine = json.loads(run("rules", "MY", "--rules", write(tmp_path, RULE_FILE), "--format", "json").stdout)
    assert [(r["id"], r["severity"], r["hint"], r["examples"]) for r in mine] == \
        [("MY-01", "warning", None, {"pass": 2, "fail": 1})]
