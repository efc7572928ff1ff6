"""The expression language beyond sums: ratios with interval division, percentages, comparisons."""

import textwrap

from validator import check

T9_GRID = """\
format: budgetlint-document/1
tables:
  - title: 财政拨款“三公”经费支出决算表
    grid:
      - [预算数, "", "", "", "", "", 决算数, "", "", "", "", ""]
      - [合计, 因公出国（境）费, 公务用车购置及运行维护费, "", "", 公务接待费, 合计, 因公出国（境）费, 公务用车购置及运行维护费, "", "", 公务接待费]
      - ["", "", 小计, 公务用车购置费, 公务用车运行维护费, "", "", "", 小计, 公务用车购置费, 公务用车运行维护费, ""]
      - [{budget}, "0.00", "{budget}", "0.00", "{budget}", "0.00", {spent}, "0.00", "{spent}", "0.00", "{spent}", "0.00"]
"""

RATIO_RULE = """\
rules:
  - id: MY-01
    title: 三公经费执行率超过上限
    severity: warning
    basis: 本单位内控要求
    description: 三公经费决算数不得超过预算数的 {limit}%。
    message: "执行率 {{actual}}% 超过 {{expected}}%"
    check:
      kind: assert
      assert: 'T9["决算数/合计"] / T9["预算数/合计"] * 100 <= {limit}'
    examples:
      pass: [{{name: p}}]
      fail: [{{name: f}}]
"""


def _run(tmp_path, budget, spent, limit):
    document = tmp_path / "t9.yaml"
    document.write_text(T9_GRID.format(budget=budget, spent=spent), encoding="utf-8")
    rules = tmp_path / "ratio.yaml"
    rules.write_text(textwrap.dedent(RATIO_RULE.format(limit=limit)), encoding="utf-8")
    return check([document], rules=[rules], select_ids=["MY"])


def test_a_ratio_inside_its_rounding_interval_passes(tmp_path):
    # 30.00 / 29.70 = 101.01%; with both figures ±0.005 the ratio can be as low as 100.98%.
    assert _run(tmp_path, "29.70", "30.00", "100.99").findings == []


def test_a_ratio_beyond_its_rounding_interval_is_reported_with_both_cells(tmp_path):
    report = _run(tmp_path, "29.70", "30.00", "100.9")
    (finding,) = report.findings
    assert finding.rule == "MY-01"
    assert [loc.column for loc in finding.locations] == ["决算数/合计", "预算数/合计"]


def test_a_zero_budget_skips_the_ratio_rather_than_dividing_by_zero(tmp_path):
    report = _run(tmp_path, "0.00", "30.00", "100")
    assert report.findings == []
    assert [s.rule for s in report.skipped] == ["MY-01"]
    assert "除数为零" in report.skipped[0].reason
