"""A user's tables.yaml (in a --rules folder, given as a file, or named by the configuration's `tables`)
adds table kinds, titles and row aliases to the built-in catalogue: rules beside it may name the new
kind, and checking, parsing, test-rules, the API and the batch workers all read tables with it. A
mistake in it stops the run naming the file and line; without one nothing changes."""

import json

import pytest
import yaml

from tests.helpers import run, run_json
from validator.api import check
from validator.catalogue import builtin_catalogue, merged_catalogue
from validator.checking import CheckOptions, configured_catalogue
from validator.ruleset import catalogue_files, rule_files

CATALOGUE = """\
tables:
  JY:
    name: 机关运行经费支出决算表
    titles: [机关运行经费支出决算表, 机关运行经费决算表]
    rows:
      合计: [机关运行经费合计]
  T5:
    rows:
      行政运行: [机关行政运行]
"""


def rule_file(rule_id, title, assertion, table, header, passing, failing):
    """A rule file of one assert rule whose examples are one table each: header and one row set."""
    def example(name, rows):
        grid = "\n".join(f"                - {json.dumps(r, ensure_ascii=False)}" for r in [header, *rows])
        return f"""\
        - name: {name}
          tables:
            - title: {table}
              grid:
{grid}"""
    return f"""\
rules:
  - id: {rule_id}
    title: {title}
    severity: warning
    basis: 本单位内控要求
    description: {title}。
    message: "{{actual}} 对 {{expected}}"
    check:
      kind: assert
      assert: '{assertion}'
    examples:
      pass:
{example("相符", passing)}
      fail:
{example("不符", failing)}
"""


JY_RULE = rule_file("MY-10", "机关运行经费合计与明细不符",
                    'JY["合计", "决算数"] == JY["办公费", "决算数"] + JY["水电费", "决算数"]', "机关运行经费支出决算表",
                    ["项目", "决算数"], [["合计", "9.00"], ["办公费", "4.00"], ["水电费", "5.00"]],
                    [["合计", "10.00"], ["办公费", "4.00"], ["水电费", "5.00"]])
T5_RULE = rule_file("MY-02", "行政运行中有项目支出", 'T5["行政运行", "项目支出"] == 0', "一般公共预算财政拨款支出决算表",
                    ["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
                    [["2010301", "行政运行", "80.00", "80.00", "0.00"]],
                    [["2010301", "行政运行", "95.00", "80.00", "15.00"]])


def document(title, grid):
    return yaml.safe_dump({"format": "budgetlint-document/1", "tables": [{"title": title, "grid": grid}]},
                          allow_unicode=True)


# 2023年机关运行经费决算表 (one of the user's titles, after a year) whose 合计 is not 办公费 + 水电费
JY_DOCUMENT = document("某局2023年机关运行经费决算表",
                       [["项目", "决算数"], ["机关运行经费合计", "10.00"], ["办公费", "4.00"], ["水电费", "5.00"]])
# 行政运行 printed as 机关行政运行, with a 项目支出 that rule MY-02 reports
T5_DOCUMENT = document("一般公共预算财政拨款支出决算表",
                       [["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
                        ["2010301", "机关行政运行", "95.00", "80.00", "15.00"]])


@pytest.fixture
def province(tmp_path):
    """A rules folder with a table catalogue and rules naming its new kind and its alias, and two documents."""
    folder = tmp_path / "本省规则"
    folder.mkdir()
    (folder / "tables.yaml").write_text(CATALOGUE, encoding="utf-8")
    (folder / "机关运行经费.yaml").write_text(JY_RULE, encoding="utf-8")
    (folder / "行政运行.yaml").write_text(T5_RULE, encoding="utf-8")
    (tmp_path / "jy.yaml").write_text(JY_DOCUMENT, encoding="utf-8")
    (tmp_path / "t5.yaml").write_text(T5_DOCUMENT, encoding="utf-8")
    return tmp_path


def findings_of(report, rule):
    return [f for f in report["findings"] if f["rule"] == rule]


def test_a_new_table_kind_in_the_rules_folder_is_read_and_checked_by_the_rules_beside_it(province):
    result, report = run_json("--rules", province / "本省规则", province / "jy.yaml")
    [finding] = findings_of(report, "MY-10")
    assert finding["message"] == "10.00 对 9.00"
    assert report["files"][0]["tables"] == ["某局2023年机关运行经费决算表"]
    assert "警告" not in result.stderr  # the rule's examples name tables the merged catalogue knows


def test_a_row_alias_of_the_user_makes_a_rule_find_the_row(province):
    rules_only = province / "rules-only"
    rules_only.mkdir()
    (rules_only / "行政运行.yaml").write_text(T5_RULE, encoding="utf-8")
    _, without = run_json("--rules", rules_only, province / "t5.yaml", "-v")
    assert findings_of(without, "MY-02") == []
    assert any(s["rule"] == "MY-02" and "机关行政运行" not in s["reason"] for s in without["skipped"])
    _, with_alias = run_json("--rules", province / "本省规则", province / "t5.yaml")
    [finding] = findings_of(with_alias, "MY-02")
    assert finding["message"] == "15.00 对 0.00"


def test_a_tables_yaml_given_as_a_file_adds_to_the_catalogue(province):
    folder = province / "本省规则"
    _, report = run_json("--rules", folder / "tables.yaml", "--rules", folder / "机关运行经费.yaml", province / "jy.yaml")
    assert len(findings_of(report, "MY-10")) == 1


def test_the_configuration_names_a_catalogue_by_its_tables_key(province, monkeypatch):
    (province / "本省表格.yaml").write_text(CATALOGUE, encoding="utf-8")
    (province / "本省规则" / "tables.yaml").unlink()
    (province / "budgetlint.toml").write_text('rules = ["本省规则"]\ntables = ["本省表格.yaml"]\n', encoding="utf-8")
    monkeypatch.chdir(province)
    _, report = run_json("jy.yaml", "t5.yaml")
    assert {f["rule"] for f in report["findings"]} >= {"MY-10", "MY-02"}
    shown = json.loads(run("config", "--format", "json").stdout)
    assert shown["settings"]["tables"] == [str(province / "本省表格.yaml")]
    assert shown["sources"]["tables"] == "budgetlint.toml"


def test_without_the_catalogue_a_rule_naming_the_new_kind_is_a_rule_file_error(province):
    folder = province / "本省规则"
    (folder / "tables.yaml").unlink()
    result = run("check", "--rules", folder, province / "jy.yaml")
    assert result.exit_code == 2
    assert "机关运行经费.yaml" in result.stderr and "JY" in result.stderr


def test_the_api_and_the_batch_workers_use_the_merged_catalogue(province):
    files = [province / "jy.yaml", province / "t5.yaml"]
    for jobs in (1, 2):
        report = check(files, rules=[province / "本省规则"], jobs=jobs)
        assert sorted(f.rule for f in report.findings if f.rule.startswith("MY")) == ["MY-02", "MY-10"], jobs


def test_parse_recognises_a_user_kind_given_with_rules(province):
    plain = yaml.safe_load(run("parse", province / "jy.yaml").stdout)
    assert plain["tables"][0]["kind"] is None
    parsed = yaml.safe_load(run("parse", province / "jy.yaml", "--rules", province / "本省规则").stdout)
    assert parsed["tables"][0]["kind"] == "JY"


def test_test_rules_runs_examples_of_a_new_kind_with_the_folder_catalogue(province):
    result = run("test-rules", province / "本省规则")
    assert result.exit_code == 0, result.output
    assert "✓ MY-10" in result.stdout and "0 个警告" in result.stdout


@pytest.mark.parametrize(("text", "line", "problem"), [
    ("tables:\n  JY:\n    name: 机关运行经费支出决算表\n    titel: [机关运行经费支出决算表]\n", 4, "titel"),
    ("tables:\n  T5:\n    rows: {行政运行: [机关行政运行]}\n  JY:\n    rows: {合计: [总计]}\n", 5, "name"),
    ("tables:\n  T5:\n    rows:\n      行政运行: 机关行政运行\n", 4, "list"),
    ("tables:\n  jy:\n    name: 机关运行经费支出决算表\n    titles: [机关运行经费支出决算表]\n", 3, "pattern"),
    ("tables:\n  JY: [\n", 3, "YAML"),
])
def test_a_bad_catalogue_stops_the_run_naming_its_file_and_line(tmp_path, text, line, problem):
    (tmp_path / "tables.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "t5.yaml").write_text(T5_DOCUMENT, encoding="utf-8")
    for command in (["check", "--rules", tmp_path], ["check", "--rules", tmp_path / "tables.yaml"],
                    ["parse", "--rules", tmp_path], ["test-rules", tmp_path]):
        result = run(*command, tmp_path / "t5.yaml") if command[0] != "test-rules" else run(*command)
        assert result.exit_code == 2, (command, result.output)
        assert f"tables.yaml:{line}: " in result.stderr and problem in result.stderr, (command, result.stderr)
        assert "Traceback" not in result.output


def test_the_catalogue_adds_and_never_removes(province):
    builtin = builtin_catalogue()
    more_for_t1 = province / "tables.yaml"
    more_for_t1.write_text("tables:\n  T1:\n    titles: [收支总表]\n    rows:\n      年末结转和结余: [年末结余]\n",
                           encoding="utf-8")
    merged = merged_catalogue([province / "本省规则" / "tables.yaml", more_for_t1])
    assert merged.kinds.keys() == {*builtin.kinds, "JY"}
    assert merged.kinds["T5"].titles == builtin.kinds["T5"].titles
    assert merged.kinds["T5"].name == builtin.kinds["T5"].name
    assert merged.kinds["T1"].titles == (*builtin.kinds["T1"].titles, "收支总表")
    assert merged.aliases("T1", "年末结转和结余") == (*builtin.aliases("T1", "年末结转和结余"), "年末结余")
    assert merged.aliases("T1", "使用非财政拨款结余") == builtin.aliases("T1", "使用非财政拨款结余")
    assert merged.aliases("T5", "行政运行") == ("行政运行", "机关行政运行")
    assert merged.kind_of("某局2023年度机关运行经费决算表") == "JY"
    assert builtin.kind_of("某局2023年度机关运行经费决算表") is None


def test_with_no_user_catalogue_the_built_in_one_is_used_as_it_is(tmp_path):
    (tmp_path / "行政运行.yaml").write_text(T5_RULE, encoding="utf-8")
    assert configured_catalogue(CheckOptions()) is builtin_catalogue()
    assert configured_catalogue(CheckOptions(rules=(tmp_path,))) is builtin_catalogue()



def test_the_data_files_beside_rules_are_no_rule_files(province):
    folder = province / "本省规则"
    (folder / "vocabulary.yaml").write_text("units: [万元]\n", encoding="utf-8")
    assert [p.name for p in rule_files(folder)] == ["机关运行经费.yaml", "行政运行.yaml"]
    assert rule_files(folder / "tables.yaml") == []
    assert catalogue_files([folder, folder / "tables.yaml", folder / "行政运行.yaml"]) == [folder / "tables.yaml"] * 2
