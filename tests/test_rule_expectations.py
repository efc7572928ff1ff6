"""A failing rule example names where its findings must point (`expect:`), and a known gap is recorded
as `todo:`: `budgetlint test-rules` compares each finding's judged places (not the cells they were
compared with) with the places named, one for one, and says plainly what was expected and blamed."""

import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from validator.cli import main

# 行政运行 rows must have no 项目支出: 2010301 breaks it in the 项目支出 column
RULE = """\
rules:
  - id: MY-02
    title: 行政运行科目列有项目支出
    severity: warning
    basis: 本单位内控要求
    description: 行政运行科目只列基本支出。
    message: "{{row}}的项目支出为 {{actual}}，应为 0"
    check:
      kind: assert
      for_each: row in T5
      where: 'row.label == "行政运行"'
      assert: 'row["项目支出"] == 0'
    examples:
      pass:
        - name: 全部为基本支出
          tables:
            - title: 一般公共预算财政拨款支出决算表
              grid:
                - [科目编码, 科目名称, 小计, 基本支出, 项目支出]
                - ["2010301", 行政运行, "80.00", "80.00", "0.00"]
{passing}
      fail:
        - name: 两个行政运行列了项目支出
          tables:
            - title: 一般公共预算财政拨款支出决算表
              grid:
                - [科目编码, 科目名称, 小计, 基本支出, 项目支出]
                - ["2010301", 行政运行, "95.00", "80.00", "15.00"]
                - ["2080501", 行政运行, "30.00", "20.00", "10.00"]
{failing}
"""


def run_rule_file(tmp_path, passing="", failing=""):
    path = tmp_path / "rule.yaml"
    path.write_text(RULE.format(passing=textwrap.indent(passing, " " * 8), failing=textwrap.indent(failing, " " * 10)),
                    encoding="utf-8")
    return CliRunner().invoke(main, ["test-rules", str(path)])


BOTH_ROWS = """\
expect:
  - {row: "2010301", column: 项目支出}
  - {row: "2080501", column: 项目支出}
"""


@pytest.mark.parametrize("expect", [
    BOTH_ROWS,
    "findings: 2\n" + BOTH_ROWS,
    "severity: warning\n" + BOTH_ROWS,
    # the same places as a clerk reads them: the 栏次-free header end, the label is ambiguous so codes
    "expect:\n  - {table: 一般公共预算财政拨款支出决算表, row: 2010301, column: 项目支出}\n"
    "  - {row: \"2080501\", column: 项目支出}\n",
])
def test_findings_blaming_exactly_the_expected_places_pass(tmp_path, expect):
    result = run_rule_file(tmp_path, failing=expect)
    assert result.exit_code == 0, result.output
    assert "✓ MY-02" in result.output


@pytest.mark.parametrize(("expect", "wanted"), [
    # a wrong column
    ("expect:\n  - {row: \"2010301\", column: 基本支出}\n  - {row: \"2080501\", column: 项目支出}\n",
     "期望：MY-02 问题，指出 行“2010301” 栏“基本支出”；行“2080501” 栏“项目支出”"),
    # one place short: a finding blaming a place not expected fails too
    ("expect:\n  - {row: \"2010301\", column: 项目支出}\n",
     "期望：MY-02 问题，指出 行“2010301” 栏“项目支出”"),
    # the cell the finding was compared with (小计) is not a place it blames
    (BOTH_ROWS + "  - {row: \"2010301\", column: 小计}\n", "栏“小计”"),
    ("findings: 1\n" + BOTH_ROWS, "期望：1 个 MY-02 问题，指出"),
    # the rule's findings are warnings, not the errors the example states
    ("severity: error\n" + BOTH_ROWS, "期望：MY-02 问题（错误），指出"),
])
def test_findings_blaming_other_places_fail_saying_what_was_expected_and_blamed(tmp_path, expect, wanted):
    result = run_rule_file(tmp_path, failing=expect)
    assert result.exit_code == 1, result.output
    assert "不通过例“两个行政运行列了项目支出”未通过" in result.output
    assert wanted in result.output
    # what was blamed: each finding with its judged place
    assert "实际：2010301 行政运行的项目支出为 15.00，应为 0（位置：一般公共预算财政拨款支出决算表 2010301 行政运行 “项目支出”）" \
        in result.output


def test_a_todo_example_not_yet_as_listed_is_reported_and_does_not_fail(tmp_path):
    result = run_rule_file(tmp_path, failing="todo: 第二行还没有找到\n"
                                          "expect:\n  - {row: \"2010301\", column: 项目支出}\n")
    assert result.exit_code == 0, result.output
    assert "✓ MY-02 (1 通过例, 1 不通过例, 1 待办)" in result.output
    assert "○ 待办：不通过例“两个行政运行列了项目支出”尚未符合期望（第二行还没有找到）" in result.output
    assert result.output.splitlines()[-1].endswith("全部通过；1 个待办例（不计为未通过）；0 个警告")


def test_a_todo_example_that_now_behaves_as_listed_fails_so_its_todo_is_removed(tmp_path):
    result = run_rule_file(tmp_path, failing="todo: 以为找不到第二行\n" + BOTH_ROWS)
    assert result.exit_code == 1, result.output
    assert "期望：仍是待办（以为找不到第二行）" in result.output
    assert "实际：已符合期望：请删去 todo" in result.output


def test_a_todo_pass_example_records_a_known_false_positive(tmp_path):
    known = """\
- name: 行政运行列了项目支出（误报）
  todo: 尚不能区分
  tables:
    - title: 一般公共预算财政拨款支出决算表
      grid:
        - [科目编码, 科目名称, 小计, 基本支出, 项目支出]
        - ["2010301", 行政运行, "95.00", "80.00", "15.00"]
"""
    result = run_rule_file(tmp_path, passing=known, failing=BOTH_ROWS)
    assert result.exit_code == 0, result.output
    assert "○ 待办：通过例“行政运行列了项目支出（误报）”尚未符合期望（尚不能区分）" in result.output


@pytest.mark.parametrize(("passing", "failing", "wanted"), [
    ("", "expect:\n  - {}\n", "至少要写出 table、row、column、text、page 中的一项"),
    ("- name: 有期望的通过例\n  expect: [{row: 行政运行}]\n  tables: []\n", BOTH_ROWS, "不能写 expect"),
    ("", "expect:\n  - {line: 3}\n", "line"),
])
def test_a_malformed_expectation_is_a_rule_file_error(tmp_path, passing, failing, wanted):
    result = run_rule_file(tmp_path, passing=passing, failing=failing)
    assert result.exit_code == 2, result.output
    assert wanted in result.stderr


def test_with_several_tables_each_expected_cell_names_its_table(tmp_path):
    second_table = """\
  - title: 收入支出决算总表
    grid:
      - [项目, 行次, 决算数]
      - [本年收入合计, 27, "125.00"]
"""
    failing = BOTH_ROWS.replace("expect:", second_table + "expect:")
    result = run_rule_file(tmp_path, failing=failing)
    assert result.exit_code == 2, result.output
    assert "例子有多个表格，expect 中每个单元格都要用 table 写明是哪个表" in result.stderr


def test_the_readme_mismatch_sample_is_what_test_rules_prints(tmp_path):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    sample = re.search(r"```text\n( +不通过例“行政运行列了项目支出”未通过\n.*?)```", readme, re.DOTALL)
    block = next(m.group(1) for m in re.finditer(r"^```yaml\n(.*?)^```$", readme, re.MULTILINE | re.DOTALL)
                 if "id: MY-02" in m.group(1))
    wrong = block.replace("- {row: 行政运行, column: 项目支出}", "- {row: 行政运行, column: 基本支出}")
    assert wrong != block
    (tmp_path / "rules.yaml").write_text(wrong, encoding="utf-8")
    result = CliRunner().invoke(main, ["test-rules", str(tmp_path / "rules.yaml")])
    assert result.exit_code == 1
    assert sample.group(1) in result.stdout


@pytest.mark.parametrize("todo", ["", "todo: 尚未识别\n"])
def test_a_place_that_could_be_more_than_one_cell_fails_even_in_a_todo(tmp_path, todo):
    # both rows are labelled 行政运行: the label alone does not say which 项目支出 cell
    result = run_rule_file(tmp_path, failing=todo + "expect:\n  - {row: 行政运行, column: 项目支出}\n"
                                                     "  - {row: \"2080501\", column: 项目支出}\n")
    assert result.exit_code == 1, result.output
    assert "期望：expect 中每个位置只指例子中的一处" in result.output
    assert ("行“行政运行” 栏“项目支出”在一般公共预算财政拨款支出决算表中有 2 个单元格，请用行次、科目编码或栏次写明是哪一个"
            in result.output)


def test_rules_explains_a_todo_example_as_a_known_gap(tmp_path):
    run_rule_file(tmp_path, failing="todo: 第二行还没有找到\nexpect:\n  - {row: \"2010301\", column: 项目支出}\n")
    result = CliRunner().invoke(main, ["rules", "MY-02", "--rules", str(tmp_path / "rule.yaml")])
    assert result.exit_code == 0, result.output
    assert "【两个行政运行列了项目支出】（待办：第二行还没有找到）" in result.output
