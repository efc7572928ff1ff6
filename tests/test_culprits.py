"""Culprit cells and likely causes (validator.culprits, validator.causes): the failing relations one
cell explains are one finding naming that cell, the value that makes them all hold and, when its
arithmetic alone fits among the simplest causes, how it probably went wrong; otherwise nothing is
claimed."""

import json
from decimal import Decimal
from pathlib import Path

from helpers import run

from validator import check
from validator.causes import Clues, likely_cause
from validator.checks.common import Relation, location_of
from validator.culprit_findings import with_culprits
from validator.findings import Finding
from validator.interval import FigureRef, Quantity
from validator.model import Cell, Source
from validator.numbers import Amount

# 公开03表 with 行政运行's 本年支出合计 typed 1,358.74 for 1,358.47: it breaks its row (基本 + 项目)
# and the 款 roll-up of its column above it.
EXPENDITURE = """支出决算表

公开03表

单位：示例单位

单位：万元

项目		本年支出合计	基本支出	项目支出
功能分类科目编码	科目名称			
	栏次	1	2	3
	合计	1,546.51	1,370.11	176.40
201	一般公共服务支出	1,546.51	1,370.11	176.40
20103	政府办公厅（室）及相关机构事务	1,546.51	1,370.11	176.40
2010301	行政运行	{total}	1,358.47	0.00
2010302	一般行政管理事务	12.95	0.00	12.95
2010350	事业运行	175.09	11.64	163.45
"""


def _findings(tmp_path: Path, text: str, name: str = "disclosure.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [f for f in check([path]).findings if f.severity == "error"]


def test_the_transposed_subtotal_is_one_finding_naming_its_cell_and_the_swapped_digits(tmp_path):
    (finding,) = _findings(tmp_path, EXPENDITURE.format(total="1,358.74"))
    culprit = finding.culprit
    assert (culprit.location.code, culprit.location.column) == ("2010301", "本年支出合计")
    assert (culprit.location.value, culprit.proposed, culprit.cause) == ("1,358.74", "1,358.47", "相邻数字颠倒")
    assert culprit.arithmetic == "1,358.74 与 1,358.47 相差 0.27 = 9 × 0.03"
    assert set(culprit.rules) == {"T3-01", "T3-02"}  # the row and the 款 roll-up: one finding
    assert finding.judged == 1 and finding.locations[0] == culprit.location
    assert "可能原因：相邻数字颠倒（1,358.74 与 1,358.47 相差 0.27 = 9 × 0.03）" in finding.message


def test_a_consistent_table_has_no_culprit(tmp_path):
    assert _findings(tmp_path, EXPENDITURE.format(total="1,358.47")) == []


def test_a_dropped_digit_is_named_with_its_arithmetic(tmp_path):
    (finding,) = _findings(tmp_path, EXPENDITURE.format(total="135.47"))
    assert (finding.culprit.proposed, finding.culprit.cause) == ("1358.47", "漏写一位数字")  # written as printed


def test_two_causes_that_fit_equally_give_none():
    # 1.00 for 10.00: the decimal point moved, or the second 0 left out: nothing tells which
    clues = Clues(Decimal("1.00"), 2, Decimal("10.00"), Decimal("10.00"))
    assert likely_cause(clues) is None


def test_the_simplest_cause_wins_over_a_coincidence_with_a_row_elsewhere():
    # the difference 0.27 is also some other row's figure: a swap of two digits is the simpler story
    clues = Clues(Decimal("1358.74"), 2, Decimal("1358.47"), Decimal("1358.47"), items=(("某行“项目支出”", Decimal("0.27")),))
    cause, _ = likely_cause(clues)
    assert cause.name == "相邻数字颠倒"


def test_no_cause_fits_a_mistyped_digit():
    assert likely_cause(Clues(Decimal("2653.57"), 2, Decimal("2643.57"), Decimal("2643.57"))) is None


# 公开09表-like sum of three cells, each in no other relation: any of them could be the wrong one.
AMBIGUOUS = """支出决算表

公开03表

单位：示例单位

单位：万元

项目		本年支出合计	基本支出	项目支出
功能分类科目编码	科目名称			
	栏次	1	2	3
2010301	行政运行	1,358.74	1,358.47	0.00
"""


def test_a_figure_compared_with_nothing_printed_is_not_named(tmp_path):
    # its 资金来源 rows are left out: the 年初预算数 15 is not shown wrong by a sum of nothing
    (finding,) = [f for f in _findings(tmp_path, SELF_EVALUATION) if f.rule == "SE-03"]
    assert finding.culprit is None


def test_an_ambiguous_culprit_is_not_named(tmp_path):
    (finding,) = _findings(tmp_path, AMBIGUOUS)
    assert finding.culprit is None and "可能是" not in finding.message


def test_two_cells_that_each_explain_two_failures_are_both_said_to_be_possible(tmp_path):
    # 行政运行's 本年支出合计 and 基本支出 both typed wrong by the same 0.27: its row holds, both columns'
    # roll-ups fail, and no single cell makes both hold
    text = EXPENDITURE.format(total="1,358.74").replace("1,358.47	0.00", "1,358.74	0.00")
    findings = _findings(tmp_path, text)
    assert findings and all(f.culprit is None for f in findings)


SELF_EVALUATION = """项目支出绩效自评表
项目名称		示例项目
项目资金（万元）		年初预算数		全年预算数	全年执行数	分值	执行率 %	得分
		年度资金总额（万元）：		15	6.08	6.08	10	100	10
绩效指标	一级指标	二级指标	三级指标	年度指标值	实际完成值	分值	得分	偏差度 %
	产出指标	数量指标	救济生活困难信访人数	≥3人	3人	85	85	0.00%
	满意度指标	服务对象满意度指标	单位职工满意度	≥95%	95%	5	5	0.00%
	满意度指标	服务对象满意度指标	单位职工满意度	≥95%	95%	5	5	0.00%
总分						100	100
"""


def test_the_self_evaluation_with_an_indicator_listed_twice_is_one_finding_naming_it(tmp_path):
    (finding,) = [f for f in _findings(tmp_path, SELF_EVALUATION) if f.rule.startswith("SE-0") and f.rule >= "SE-08"]
    culprit = finding.culprit
    assert set(culprit.rules) == {"SE-08", "SE-09"}
    assert culprit.proposed is None and culprit.cause == "同一项重复列出"
    assert "单位职工满意度" in culprit.location.row
    assert "一行重复列出：删去后以上 2 项关系均成立" in finding.message


def test_show_fixes_lists_each_proposed_fix_and_changes_no_file(tmp_path):
    path = tmp_path / "disclosure.txt"
    path.write_text(EXPENDITURE.format(total="1,358.74"), encoding="utf-8")
    before = path.read_bytes()
    result = run("check", "--show-fixes", path)
    assert result.exit_code == 1
    assert "建议修改（1 处，budgetlint 不修改任何文件）" in result.stdout
    assert "1,358.74 → 1,358.47  可能原因：相邻数字颠倒" in result.stdout
    assert path.read_bytes() == before


def test_the_sarif_result_carries_the_fix_as_a_replacement_of_the_cells_text(tmp_path):
    path = tmp_path / "disclosure.txt"
    path.write_text(EXPENDITURE.format(total="1,358.74"), encoding="utf-8")
    (result,) = json.loads(run("check", "--format", "sarif", path).stdout)["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    (replacement,) = change["replacements"]
    line = EXPENDITURE.format(total="1,358.74").splitlines()[replacement["deletedRegion"]["startLine"] - 1]
    start, end = replacement["deletedRegion"]["startColumn"], replacement["deletedRegion"]["endColumn"]
    assert line[start - 1:end - 1] == "1,358.74" and replacement["insertedContent"]["text"] == "1,358.47"
    assert result["properties"]["culprit"]["cause"] == "相邻数字颠倒"


def test_the_json_finding_names_its_culprit(tmp_path):
    path = tmp_path / "disclosure.txt"
    path.write_text(EXPENDITURE.format(total="1,358.74"), encoding="utf-8")
    (finding,) = json.loads(run("check", "--format", "json", path).stdout)["findings"]
    culprit = finding["culprit"]
    assert (culprit["value"], culprit["proposed"], culprit["cause"]) == ("1,358.74", "1,358.47", "相邻数字颠倒")
    assert culprit["location"] == finding["locations"][0]


def _figure(value: str) -> FigureRef:
    return FigureRef(Cell(value, Amount(Decimal(value), 0), Source(line=1)), "part", None)


def test_two_cells_that_each_explain_both_failures_are_said_to_be_undecidable():
    # A = X + Y and B = X + Y, with A and B both 4 and X + Y = 1 + 2: raising X or Y by one fixes both
    x, y, a, b = (_figure(v) for v in ("1", "2", "4", "4"))
    relations, findings = [], []
    for total in (a, b):
        def sides(total=total):
            return Quantity.of_cell(total), Quantity.of_cell(x) + Quantity.of_cell(y)
        finding = Finding("T-01", "error", "合计不符", "合计不符", "f.txt", (location_of(total),))
        relations.append(Relation("T-01", "==", Decimal(0), sides, (total, x, y), False, finding))
        findings.append(finding)
    kept = with_culprits(findings, relations)
    assert len(kept) == 2 and all(f.culprit is None for f in kept)
    assert all("2 格均可单独解释以上不符，无法确定是哪一格" in f.message for f in kept)


def test_the_html_report_marks_the_culprit_as_the_place_and_shows_the_proposed_value(tmp_path):
    path = tmp_path / "disclosure.txt"
    path.write_text(EXPENDITURE.format(total="1,358.74"), encoding="utf-8")
    html = run("check", "--format", "html", path).stdout
    assert "建议改为" in html and "1,358.74 → 1,358.47" in html
    assert html.count("位置：") == 1  # the culprit; the cells of both relations are its evidence (涉及)
