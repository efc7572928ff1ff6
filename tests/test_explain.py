"""`budgetlint rules ID` for a clerk: meaning, fix, basis, and examples whose failing cells are marked."""

import unicodedata

import pytest

from validator.explain import CHECKED_AGAINST, JUDGED, explain
from validator.ruleset import builtin_rules

RULES = {rule.id: rule for rule in builtin_rules()}


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_explains_itself(rule_id):
    rule = RULES[rule_id]
    text = explain(rule)
    sections = ["这条规则的意思", "依据", "通过的例子", "不通过的例子"] + (["发现问题时怎么改"] if rule.spec.hint else [])
    for section in sections:
        assert f"\n{section}" in text, section
    assert rule.spec.description in text and rule.spec.basis in text
    failing = text[text.index("\n不通过的例子"):]
    assert failing.count("→") >= len(rule.spec.examples.failing)  # each failing example shows its finding


def test_a_rule_with_graded_severity_says_which_differences_are_milder():
    assert "印出的数只因截尾（未四舍五入）或末位相差 1 而不符时，报为警告并说明。" in explain(RULES["C-08"])
    assert "截尾" not in explain(RULES["C-01"])


@pytest.mark.parametrize("rule_id, judged, checked", [
    ("T1-01", "2,644.57", ["2,587.46", "55.70", "0.42"]),  # 本年收入合计 against the incomes above it
    ("SE-09", "99.89", ["85", "3.89"]),  # 总分 against the scores
])
def test_failing_example_marks_the_cells_of_the_finding(rule_id, judged, checked):
    text = explain(RULES[rule_id])
    passing, failing = text.split("\n不通过的例子")
    assert JUDGED not in passing and CHECKED_AGAINST not in passing
    assert f"{judged}{JUDGED}" in failing
    for value in checked:
        assert f"{value}{CHECKED_AGAINST}" in failing
    assert failing.count(JUDGED) == 2  # the cell, and the legend


@pytest.mark.parametrize("part", [0, 1], ids=["passing", "failing"])
def test_example_tables_are_aligned(part):
    text = explain(RULES["T1-01"]).split("\n不通过的例子")[part]
    rows = [line for line in text.splitlines() if line.lstrip().startswith("| ")]
    assert len(rows) == 5
    positions = {tuple(i for i, ch in enumerate(_columns(row)) if ch == "|") for row in rows}
    assert len(positions) == 1, "every row's separators at the same display columns"


def _columns(line):
    """The line with each wide (CJK) character counted as two columns."""
    return "".join(ch * 2 if unicodedata.east_asian_width(ch) in "WF" else ch for ch in line)
