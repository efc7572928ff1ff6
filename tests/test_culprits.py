"""Culprit cells and likely causes (validator.culprits, validator.causes): the failing relations one
cell explains are one finding naming that cell, the value that makes them all hold and, when its
arithmetic alone fits among the simplest causes, how it probably went wrong; otherwise nothing is
claimed. When several cells could each be the wrong one, the one a simple slip explains is named if
no slip explains another, and coincidences (a figure of one digit, a sign change) support nothing."""

import json
from dataclasses import replace
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
HEADER = """支出决算表

公开03表

单位：示例单位

单位：万元

项目		本年支出合计	基本支出	项目支出
功能分类科目编码	科目名称			
	栏次	1	2	3
"""
EXPENDITURE = HEADER + """	合计	1,546.51	1,370.11	176.40
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


def test_two_causes_that_tell_different_stories_give_none():
    # 30.00 for 20.00: copied from the row above, or 10.00 (a row of the table) counted twice
    clues = Clues(Decimal("30.00"), 2, Decimal("20.00"), Decimal("20.00"), items=(("差旅费“金额”", Decimal("10.00")),),
                  neighbours=(("办公费“金额”", Decimal("30.00")),))
    assert likely_cause(clues) is None


def test_a_decimal_shift_and_a_doubled_zero_are_one_story_told_together():
    # 12.30 printed 123.00: the point moved one place, or its 0 typed twice: either way ten times too big
    fit = likely_cause(Clues(Decimal("123.00"), 2, Decimal("12.30"), Decimal("12.30")))
    assert fit.cause.name == "小数点错位或多写一位数字"
    assert (fit.arithmetic, fit.meant) == ("123.00 ≈ 12.30 × 10", Decimal("12.30"))


def test_the_simplest_cause_wins_over_a_coincidence_with_a_row_elsewhere():
    # the difference 0.27 is also some other row's figure: a swap of two digits is the simpler story
    clues = Clues(Decimal("1358.74"), 2, Decimal("1358.47"), Decimal("1358.47"), items=(("某行“项目支出”", Decimal("0.27")),))
    assert likely_cause(clues).cause.name == "相邻数字颠倒"


def test_no_cause_fits_a_mistyped_digit():
    assert likely_cause(Clues(Decimal("2653.57"), 2, Decimal("2643.57"), Decimal("2643.57"))) is None


def test_a_figure_compared_with_nothing_printed_is_not_named(tmp_path):
    # its 资金来源 rows are left out: the 年初预算数 15 is not shown wrong by a sum of nothing
    (finding,) = [f for f in _findings(tmp_path, SELF_EVALUATION) if f.rule == "SE-03"]
    assert finding.culprit is None


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


# One row of 公开03表: 本年支出合计 = 基本支出 + 项目支出, and no other relation: each of its three cells
# could be the wrong one.
ROW = HEADER + """2010301	行政运行	{total}	{basic}	{project}
"""


def _row_finding(tmp_path: Path, total: str, basic: str, project: str):
    (finding,) = _findings(tmp_path, ROW.format(total=total, basic=basic, project=project))
    return finding


def test_of_three_cells_the_one_a_digit_swap_explains_is_named(tmp_path):
    # 基本支出 1,370.11 typed 1,307.11: the total would need 1,483.51 and 项目支出 239.40, no slip gives either
    finding = _row_finding(tmp_path, "1,546.51", "1,307.11", "176.40")
    culprit = finding.culprit
    assert (culprit.location.column, culprit.proposed, culprit.cause) == ("基本支出", "1,370.11", "相邻数字颠倒")
    assert "3 格均可单独使之成立，只有这一格的所列数与应有数之间是一个简单的笔误" in finding.message


def test_no_cell_is_singled_out_when_a_slip_explains_two_of_them(tmp_path):
    # 1,358.74 = 1,358.47 + 0.00: the total or 基本支出 could have its last two digits swapped
    assert _row_finding(tmp_path, "1,358.74", "1,358.47", "0.00").culprit is None


def test_a_slip_on_a_short_figure_does_not_single_out_its_cell(tmp_path):
    # 5.00 for 15.00 would be a dropped 1, but a figure with one digit fits such a slip too easily
    assert _row_finding(tmp_path, "110.60", "5.00", "95.60").culprit is None


def test_the_figure_a_slip_gives_is_proposed_when_it_is_a_rounding_tail_from_the_sum(tmp_path):
    # 11.71 typed 17.11; its parts add to 11.70, within the row's rounding tolerance of 11.71
    culprit = _row_finding(tmp_path, "17.11", "11.00", "0.70").culprit
    assert (culprit.location.column, culprit.proposed, culprit.cause) == ("本年支出合计", "11.71", "相邻数字颠倒")
    assert culprit.arithmetic == "17.11 与 11.71 相差 5.40 = 9 × 0.60"


def test_a_cause_never_turns_a_figure_negative():
    # 5.00 where -95.00 is needed: the digits fit a dropped 9, the sign does not
    assert likely_cause(Clues(Decimal("5.00"), 2, Decimal("-95.00"), Decimal("-95.00"))) is None


def test_a_figure_of_one_digit_supports_no_decimal_shift():
    # 0.03 is 2.52 / 100 only after rounding away every digit but one
    assert likely_cause(Clues(Decimal("0.03"), 2, Decimal("2.52"), Decimal("2.52"))) is None


def test_a_dropped_zero_and_a_shifted_point_are_named_together():
    # 123.00 printed 12.30: a 0 left out, or the point moved: ten times too small either way
    fit = likely_cause(Clues(Decimal("12.30"), 2, Decimal("123.00"), Decimal("123.00")))
    assert fit.cause.name == "小数点错位或漏写一位数字" and fit.meant == Decimal("123.00")


# 执行率 60.00 = 12.00 ÷ 20.00, the 年初预算数, where 全年执行数 ÷ 全年预算数 = 12.00 ÷ 16.00 = 75.00
WRONG_BASE = """项目支出绩效自评表
项目名称		示例项目
项目资金（万元）		年初预算数		全年预算数	全年执行数	分值	执行率 %	得分
		年度资金总额（万元）：		20.00	16.00	12.00	40	60.00	30
		政府性预算资金		20.00	16.00	12.00	-	75.00	-
绩效指标	一级指标	二级指标	三级指标	年度指标值	实际完成值	分值	得分	偏差度 %
	产出指标	数量指标	救济生活困难信访人数	≥3人	3人	55	55	0.00%
	满意度指标	服务对象满意度指标	单位职工满意度	≥95%	95%	5	5	0.00%
总分						100	90
"""


def test_a_rate_divided_by_the_wrong_budget_is_named_with_both_bases(tmp_path):
    (finding,) = _findings(tmp_path, WRONG_BASE)
    culprit = finding.culprit
    assert (culprit.location.column, culprit.proposed, culprit.cause) == ("执行率", "75.00", "百分比的分母用错")
    assert culprit.arithmetic == ("60.00 ≈ 12.00 ÷ 年度资金总额“年初预算数” 20.00 × 100，"
                                  "应除以年度资金总额“全年预算数” 16.00")


def test_a_decline_computed_on_the_current_year_is_a_wrong_base():
    # 80.00 down from 100.00 is 20.00%; 25.00% is the 20.00 divided by 80.00
    clues = Clues(Decimal("25.00"), 2, Decimal("20.00"), Decimal("20.00"), rate=True,
                  operands=(("本期", Decimal("80.00")), ("上年", Decimal("100.00"))))
    fit = likely_cause(clues)
    assert (fit.cause.name, fit.arithmetic) == ("百分比的分母用错", "25.00 ≈ 20.00 ÷ 本期 80.00 × 100，应除以上年 100.00")


def test_a_rate_is_not_said_to_have_left_out_an_item():
    # 60.00 for 75.00 differs by 15, as a 得分 of the row does: a percentage is no sum of items
    clues = Clues(Decimal("60.00"), 2, Decimal("75.00"), Decimal("75.00"), rate=True, items=(("得分", Decimal("15")),))
    assert likely_cause(clues) is None


def test_a_shifted_point_keeps_the_figures_digits():
    # 0.13 is 12.74 / 100 only once rounding has cut two of its digits; 12.35 is 123.46 / 10 with one cut
    assert likely_cause(Clues(Decimal("0.13"), 2, Decimal("12.74"), Decimal("12.74"))) is None
    assert likely_cause(Clues(Decimal("12.35"), 2, Decimal("123.46"), Decimal("123.46"))).cause.name == "小数点错位"


def test_a_dropped_first_digit_takes_the_zeros_after_it_along():
    # 108.32 typed without its 1 is 08.32, read 8.32
    fit = likely_cause(Clues(Decimal("8.32"), 2, Decimal("108.32"), Decimal("108.32")))
    assert (fit.cause.name, fit.arithmetic) == ("漏写一位数字", "108.32 少写一位数字成为 8.32")


def test_a_round_figure_ten_times_too_big_is_singled_out(tmp_path):
    # 基本支出 85.00 typed 850.00: only another cell worth exactly 850.00 could match a tenfold by chance
    culprit = _row_finding(tmp_path, "100.00", "850.00", "15.00").culprit
    assert (culprit.location.column, culprit.proposed, culprit.cause) == ("基本支出", "85.00", "小数点错位或多写一位数字")


def test_a_sign_that_would_make_an_amount_negative_singles_out_no_cell(tmp_path):
    # 项目支出 -15.00 would make the row add up, but no amount of the row is negative
    assert _row_finding(tmp_path, "100.00", "115.00", "15.00").culprit is None


# 表六 (财政拨款基本支出) and 表九 (一般公共预算基本支出) of a budget without 政府性基金: the same items
# with the same figures. Each 类 is in the 合计 too, so only its items can explain its own sum failing.
BASIC = """{title}

{label}

单位：示例单位

单位：万元

科目编码	科目名称	金额
	合计	1,381.23
301	工资福利支出	1,061.23
30101	基本工资	737.94
30102	津贴补贴	{allowance}
30103	奖金	59.53
302	商品和服务支出	320.00
30201	办公费	{office}
30205	水费	{water}
30211	差旅费	{travel}
"""
BASIC_FIGURES = {"allowance": "263.76", "office": "110.00", "water": "10.00", "travel": "200.00"}


def _basic(tmp_path: Path, sixth: dict[str, str], ninth: dict[str, str] | None = None):
    """The findings of 表六 with `sixth`'s figures, and of 表九 with `ninth`'s when given."""
    text = BASIC.format(title="财政拨款基本支出预算表", label="表六", **BASIC_FIGURES | sixth)
    if ninth is not None:
        text += "\n" + BASIC.format(title="一般公共预算基本支出预算表", label="表九", **BASIC_FIGURES | ninth)
    return _findings(tmp_path, text)


def test_of_several_cells_the_one_the_others_would_have_to_turn_negative_for_is_named(tmp_path):
    # 津贴补贴 263.76 typed 1,263.76: 基本工资 or 奖金 could only absorb the 1,000.00 by turning negative
    (finding,) = _basic(tmp_path, {"allowance": "1,263.76"})
    culprit = finding.culprit
    assert (culprit.location.row, culprit.proposed) == ("津贴补贴", "263.76")
    assert "3 格均可单独使之成立，其余 2 格须改为负数，而所在栏没有负数" in finding.message


def test_a_negative_figure_in_the_column_leaves_every_cell_possible(tmp_path):
    # with a negative 差旅费 (a refund) in the column, a negative 基本工资 is no longer out of the question
    (finding,) = _basic(tmp_path, {"allowance": "1,263.76", "office": "330.00", "travel": "-20.00"})
    assert finding.culprit is None


def test_the_figure_the_same_item_shows_in_another_table_singles_out_its_cell(tmp_path):
    # 水费 10.00 typed 100.00 in 表六: 办公费 20.00 or 差旅费 110.00 would make 302 add up as well, but
    # 表九 lists 水费 at the 10.00 the sum needs (10.00 is too short a figure for its 0 typed twice to tell)
    (finding,) = _basic(tmp_path, {"water": "100.00"}, {})
    culprit = finding.culprit
    assert (culprit.location.table, culprit.location.row, culprit.proposed) == ("表六", "水费", "10.00")
    assert "3 格均可单独使之成立，只有这一格的应有数与表九 一般公共预算基本支出预算表“水费”所列 10.00 相同" in finding.message


def test_no_cell_is_named_when_the_evidence_points_at_two(tmp_path):
    # 表六's 302 is 9.00 short: 办公费 101.00 is 110.00 with two digits swapped, but 表九 lists 水费 at the
    # 19.00 it would need (and 办公费 at 120.00); a slip and a figure printed elsewhere disagree
    (finding,) = _basic(tmp_path, {"office": "101.00"}, {"office": "120.00", "water": "19.00", "travel": "181.00"})
    assert finding.culprit is None


def test_two_cells_each_confirmed_elsewhere_are_not_told_apart(tmp_path):
    # 表九 lists both 办公费 110.00 and 水费 19.00: either would make 表六's 302 add up
    (finding,) = _basic(tmp_path, {"office": "101.00"}, {"office": "110.00", "water": "19.00", "travel": "191.00"})
    assert finding.culprit is None


def test_a_slip_in_a_figure_another_table_prints_alike_is_no_evidence_against_the_cell_confirmed(tmp_path):
    # 表九 lists 办公费 at 表六's 101.00 too, and 水费 at the 19.00 表六's sum needs: 水费 is the odd one
    (finding,) = _basic(tmp_path, {"office": "101.00"}, {"office": "101.00", "water": "19.00"})
    assert (finding.culprit.location.row, finding.culprit.proposed) == ("水费", "19.00")


def test_a_slip_in_a_short_figure_is_no_likelier_than_an_item_left_out():
    # 6.00 for 16.00: a 1 dropped, or the 10.00 of 水费 left out; short figures fit a slip too easily
    clues = Clues(Decimal("6.00"), 2, Decimal("16.00"), Decimal("16.00"), items=(("水费“金额”", Decimal("10.00")),))
    assert likely_cause(clues) is None
    assert likely_cause(replace(clues, items=())).cause.name == "漏写一位数字"


def test_a_figure_not_filled_in_has_no_item_left_out():
    # 0.00 where its row's 12.95 is needed: nothing was entered, no item of a sum was left out of it
    clues = Clues(Decimal("0.00"), 2, Decimal("12.95"), Decimal("12.95"), items=(("一般行政管理事务“本年支出合计”", Decimal("12.95")),))
    assert likely_cause(clues) is None


def test_a_figure_unequal_to_the_rules_own_figure_is_named():
    # 总分's 分值 typed 10 where the rule says 100 (SE-07), with nothing else it takes part in
    total = _figure("10")
    finding = Finding("SE-07", "error", "总分的分值不是 100", "总分的分值为 10，应为 100", "f.txt", (location_of(total),))
    relation = Relation("SE-07", "==", Decimal(0), lambda: (Quantity.of_cell(total), Quantity.exact(100)),
                        (total,), False, finding)
    (kept,) = with_culprits([finding], [relation])
    assert (kept.culprit.location.value, kept.culprit.proposed) == ("10", "100")


def test_a_cause_giving_the_figure_needed_outweighs_one_that_needs_the_tolerance():
    # 4,153.30 where 415.33 is needed and the sum tolerates 0.04: ten times 415.33, or 415.30 with its 3
    # typed twice; only the first gives the figure needed
    clues = Clues(Decimal("4153.30"), 2, Decimal("415.33"), Decimal("415.33"), slack=Decimal("0.04"),
                  agrees=lambda value: True)
    assert likely_cause(clues).cause.name == "小数点错位"


def test_ten_times_too_small_with_its_last_digit_rounded_away_is_one_story():
    # 1,329.71 for 13,297.11: the point moved (the last 1 rounded away) or that 1 left out
    fit = likely_cause(Clues(Decimal("1329.71"), 2, Decimal("13297.11"), Decimal("13297.11")))
    assert fit.cause.name == "小数点错位或漏写一位数字" and fit.meant == Decimal("13297.11")


def test_a_code_read_into_the_name_still_names_the_same_item(tmp_path):
    # 表九's 水费 row read as one name, 30205水费 (as a PDF's glued columns are): still 表六's 30205 水费
    text = (BASIC.format(title="财政拨款基本支出预算表", label="表六", **BASIC_FIGURES | {"water": "100.00"}) + "\n"
            + BASIC.format(title="一般公共预算基本支出预算表", label="表九", **BASIC_FIGURES).replace("30205\t水费", "\t30205水费"))
    (finding,) = [f for f in _findings(tmp_path, text) if f.rule == "BB-01"]  # 表九's 302 misses the row
    assert (finding.culprit.location.row, finding.culprit.proposed) == ("水费", "10.00")
    assert "与表九 一般公共预算基本支出预算表“30205水费”所列 10.00 相同" in finding.message


def test_a_figure_the_other_table_may_differ_in_confirms_no_cell(tmp_path):
    # 表六 (财政拨款) holds 10.00 of 政府性基金 in 办公费 and 2.00 in 水费 that 表九 (一般公共预算) does not:
    # 表六's 水费 10.00 typed 20.00 makes 办公费's needed 110.00 equal 表九's, but the tables' 合计 and 302
    # differ too, so 表九 is no copy of 表六 to hold 办公费 against
    sixth = {"office": "120.00", "water": "20.00"}
    text = (BASIC.format(title="财政拨款基本支出预算表", label="表六", **BASIC_FIGURES | sixth)
            .replace("1,381.23", "1,391.23").replace("320.00", "330.00") + "\n"
            + BASIC.format(title="一般公共预算基本支出预算表", label="表九", **BASIC_FIGURES | {"water": "8.00"})
            .replace("1,381.23", "1,379.23").replace("320.00", "318.00"))
    (finding,) = _findings(tmp_path, text)
    assert finding.culprit is None


GENERAL = """一般公共预算财政拨款支出决算表

公开05表

单位：万元

项目		本年支出		
功能分类科目编码	科目名称	小计	基本支出	项目支出
	栏次	1	2	3
"""  # 公开05表 (一般公共预算 only), for 公开03表 (HEADER: every fund)


def test_an_item_named_twice_in_the_other_table_confirms_no_cell(tmp_path):
    # 公开05表 lists two 行政运行 without their codes (of 20101 and of 20103): 2010301's 合计 150.00 for
    # 130.00 would make its 项目支出 need 50.00, which only 2010101's 行政运行 prints
    expenditure = HEADER + "2010101\t行政运行\t80.00\t30.00\t50.00\n2010301\t行政运行\t150.00\t100.00\t30.00\n"
    general = GENERAL + "\t行政运行\t80.00\t30.00\t50.00\n\t行政运行\t130.00\t100.00\t30.00\n"
    (finding,) = _findings(tmp_path, expenditure + "\n" + general)
    assert finding.culprit is None


def test_a_table_that_agrees_on_no_other_item_confirms_no_cell(tmp_path):
    # 公开03表's 行政运行 spends 20.00 of 其他资金 that 公开05表 leaves out: its 合计 150.00 typed 130.00 as
    # 公开05表 prints it would make 基本支出 need 05's 100.00, but nothing else shows 05 to be 03's copy
    expenditure = HEADER + "2010301\t行政运行\t130.00\t120.00\t30.00\n"
    (finding,) = _findings(tmp_path, expenditure + "\n" + GENERAL + "2010301\t行政运行\t130.00\t100.00\t30.00\n")
    assert finding.culprit is None


def test_a_refund_printed_without_its_minus_is_not_ruled_out_by_its_column_having_no_negative(tmp_path):
    # 水费 -10.00 (a refund) printed 10.00: 302's 205.00 = 15.00 - 10.00 + 200.00 now falls 20.00 short of
    # its items; 差旅费 180.00 would do as well, so neither is named (the slip left the column all positive)
    text = (BASIC.format(title="财政拨款基本支出预算表", label="表六", **BASIC_FIGURES | {"office": "15.00", "water": "10.00"})
            .replace("1,381.23", "1,266.23").replace("320.00", "205.00"))
    (finding,) = _findings(tmp_path, text)
    assert finding.culprit is None
    assert _findings(tmp_path, text.replace("\t10.00\n", "\t-10.00\n")) == []  # with its minus, all agree
