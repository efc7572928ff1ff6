"""Meta-tests over the whole built-in registry (as sqlfluff and ruff test their rule docs)."""

import re
import string
from pathlib import Path

import pytest

from validator.errors import RuleError
from validator.ruleset import DATA_FILES, PLACEHOLDERS, builtin_rules, load_rule_file, load_rules

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
FAMILY_FILES = {"X": "cross_", "D": "document", "N": "document", "C": "claims", "G": "grades", "SE": "self_evaluation", "NR": "narrative",
                "BX": "cross_budget", "BD": "budget_document", "NB": "budget_narrative", "XD": "cross_documents"}


def test_the_registry_is_not_empty_and_ids_are_unique():
    ids = [r.id for r in builtin_rules()]
    assert len(ids) >= 30
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("rule", builtin_rules(), ids=lambda r: r.id)
def test_every_rule_is_documented_and_its_file_agrees_with_its_id(rule):
    spec = rule.spec
    assert re.search(r"[\u4e00-\u9fff]", spec.title), "the title is in Chinese"
    assert spec.basis and spec.description and spec.message
    assert spec.examples.passing and spec.examples.failing
    family = spec.id.split("-")[0]
    expected_prefix = FAMILY_FILES.get(family, family.lower() + "_")
    assert Path(rule.path).name.startswith(expected_prefix), f"{spec.id} lives in {rule.path}"
    names = {n for _, n, _, _ in string.Formatter().parse(spec.message) if n}
    assert names <= PLACEHOLDERS


def test_the_wheel_ships_every_rule_file():
    shipped = {Path(r.path).name for r in builtin_rules()}
    on_disk = {p.name for p in RULES_DIR.glob("*.yaml") if p.name not in DATA_FILES}
    assert shipped == on_disk


def _rule_yaml(**overrides):
    rule = {
        "id": "U-01", "title": "测试规则", "severity": "error", "basis": "测试", "description": "测试",
        "message": "实际 {actual}", "check": {"kind": "assert", "assert": 'T9["决算数/合计"] >= 0'},
        "examples": {"pass": [{"name": "p"}], "fail": [{"name": "f"}]},
    }
    rule.update(overrides)
    import yaml
    return yaml.safe_dump({"rules": [rule]}, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize(("overrides", "problem", "line"), [
    ({"severty": "error"}, "Extra inputs", 16),  # an unknown key is appended last
    ({"message": "{nonsense}"}, "未知占位符", 7),
    ({"check": {"kind": "assert", "assert": "T9[决算数 >= 0"}}, "语法错误", 10),
    ({"check": {"kind": "assert", "assert": "__import__('os') == 1"}}, "只支持函数", 10),
    ({"check": {"kind": "assert", "assert": "T99['x', 1] == 1"}}, "未知名称", 10),
    ({"severity": "fatal"}, "severity", 4),
])
def test_a_bad_rule_file_names_the_file_the_line_and_the_problem(tmp_path, overrides, problem, line):
    path = tmp_path / "bad.yaml"
    path.write_text(_rule_yaml(**overrides), encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_rule_file(path)
    assert error.value.path == str(path)
    assert problem in error.value.problem
    assert error.value.line == line


def test_yaml_syntax_errors_carry_their_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("rules:\n  - id: U-01\n    title: [unclosed\n", encoding="utf-8")
    with pytest.raises(RuleError) as error:
        load_rule_file(path)
    assert error.value.line is not None and error.value.line >= 3


def test_a_user_rule_may_not_reuse_a_builtin_id(tmp_path):
    path = tmp_path / "dup.yaml"
    path.write_text(_rule_yaml(id="T1-01"), encoding="utf-8")
    with pytest.raises(RuleError, match="重复"):
        load_rules([path], base=builtin_rules())
