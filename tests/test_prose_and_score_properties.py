"""Properties of the prose and 自评表 rules on generated documents, and the narrative of seed 002 mutated
figure by figure.

A sentence whose figures are computed in 元 and only then rounded to 万元 (as a clerk's spreadsheet
does), and a 自评表 whose 总分 is the sum of its scores, are consistent: no rule may call them wrong.
Moving one figure beyond its rounding allowance must be reported at that figure.
"""

from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from validator.catalogue import builtin_catalogue
from validator.engine import Engine
from validator.readers.structured import document_from_data
from validator.readers.text import parse_lines
from validator.ruleset import builtin_rules

FIXTURES = Path(__file__).parent / "fixtures"
CENT = Decimal("0.01")
PROSE_AND_SCORES = [r for r in builtin_rules() if r.id.startswith(("C-", "SE-", "G-", "N-02"))]
ITEM_NAMES = ["工程建设费用", "工程建设其他费用", "预备费", "设备购置费", "监理费", "咨询费"]


def wan(yuan: int) -> str:
    return f"{(Decimal(yuan) / 10000).quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def findings_in_text(lines):
    document = parse_lines(lines, "generated.txt", builtin_catalogue())
    findings, _ = Engine(PROSE_AND_SCORES, builtin_catalogue()).run(document)
    return [f for f in findings if f.severity != "info"]


parts_in_yuan = st.lists(st.integers(min_value=1, max_value=5_000_000_000), min_size=2, max_size=6)


@settings(max_examples=60, deadline=None)
@given(parts_in_yuan)
def test_a_total_and_its_parts_rounded_separately_is_never_an_error(parts):
    listed = "，".join(f"{ITEM_NAMES[i]}{wan(p)}万元" for i, p in enumerate(parts))
    sentence = f"项目总投资估算{wan(sum(parts))}万元（其中：{listed}）。"
    assert findings_in_text([sentence]) == []


@settings(max_examples=60, deadline=None)
@given(parts_in_yuan, st.data())
def test_a_part_moved_beyond_the_rounding_allowance_is_reported_at_that_part(parts, data):
    moved = data.draw(st.integers(min_value=0, max_value=len(parts) - 1))
    shown = [wan(p) for p in parts]
    shown[moved] = f"{Decimal(shown[moved].replace(',', '')) + Decimal('0.10'):,.2f}"
    listed = "，".join(f"{ITEM_NAMES[i]}{s}万元" for i, s in enumerate(shown))
    sentence = f"项目总投资估算{wan(sum(parts))}万元（其中：{listed}）。"
    (finding,) = findings_in_text([sentence])
    assert finding.rule == "C-01"
    assert f"{shown[moved]}万元" in [loc.value for loc in finding.locations]


def self_evaluation(weights, scores, total_score):
    fund_weight = 100 - sum(weights)
    rows = [["项目名称", "", "生成的项目"],
            ["项目资金（万元）", "", "年初预算数", "", "全年预算数", "全年执行数", "分值", "执行率 %", "得分"],
            ["", "", "年度资金总额（万元）：", "", "100", "100", "100", str(fund_weight), "100", str(fund_weight)],
            ["", "", "政府性预算资金", "", "100", "100", "100", "-", "100", "-"],
            ["绩效指标", "", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差度 %"]]
    for i, (weight, score) in enumerate(zip(weights, scores, strict=True)):
        rows.append(["", "", "产出指标", "数量指标", f"指标{i + 1}", "及时", "及时", str(weight), f"{score:.2f}", ""])
    rows.append(["总分", "", "", "", "", "", "100", f"{total_score:.2f}"])
    return {"tables": [{"title": "项目支出绩效自评表", "grid": rows}]}


sheets = st.lists(st.integers(min_value=1, max_value=30), min_size=1, max_size=8).filter(
    lambda w: sum(w) < 100).flatmap(lambda weights: st.tuples(
        st.just(weights), st.tuples(*[st.integers(min_value=0, max_value=w * 100) for w in weights])))


def findings_in_sheet(data):
    document = document_from_data(data, "generated.yaml", builtin_catalogue())
    findings, _ = Engine(PROSE_AND_SCORES, builtin_catalogue()).run(document)
    return [f for f in findings if f.severity != "info"]


@settings(max_examples=60, deadline=None)
@given(sheets)
def test_a_sheet_whose_total_is_the_sum_of_its_scores_passes(sheet):
    weights, hundredths = sheet
    scores = [Decimal(h) / 100 for h in hundredths]
    total = 100 - sum(weights) + sum(scores)
    assert findings_in_sheet(self_evaluation(weights, scores, total)) == []


@settings(max_examples=60, deadline=None)
@given(sheets, st.sampled_from([Decimal("0.05"), Decimal("-0.05"), Decimal("1")]))
# 14.76's swapped digits, 14.67, fall within the sum's tolerance of the 14.71 needed: no slip singles it out
@example(sheet=([1, 15, 1, 1, 1, 1], (0, 1476, 0, 0, 0, 0)), offset=Decimal("-0.05"))
def test_a_total_off_by_more_than_rounding_is_reported_at_the_total(sheet, offset):
    weights, hundredths = sheet
    scores = [Decimal(h) / 100 for h in hundredths]
    total = 100 - sum(weights) + sum(scores) + offset
    findings = findings_in_sheet(self_evaluation(weights, scores, total))
    assert [f.rule for f in findings] == ["SE-09"]
    assert findings[0].locations[0].row == "总分"


# -- the narrative of seed 002, one figure at a time ---------------------------------------------------

SEED002 = (FIXTURES / "seed002.txt").read_text(encoding="utf-8").splitlines()

NARRATIVE_MUTATIONS = [
    # (line, printed, changed to, rules that must report it at that line)
    (410, "均为3,088.57万元", "均为3,098.57万元", {"NR-01", "C-08"}),
    (414, "财政拨款收入2,643.16万元", "财政拨款收入2,634.16万元", {"C-01", "C-04"}),
    (418, "项目支出1,052.73万元", "项目支出1,025.73万元", {"C-01", "C-04", "NR-05"}),
    (422, "均为3,088.16万元", "均为3,088.61万元", {"NR-02"}),  # 64.34% still holds: 5,571.73 / 8,660.34
    (432, "社会保障和就业（类）支出393.69万元", "社会保障和就业（类）支出339.69万元", {"C-01", "C-04", "NR-07"}),
    (440, "支出决算为12.95万元", "支出决算为12.59万元", {"C-03", "NR-08"}),
    (456, "人员经费1,833.69万元", "人员经费1,838.69万元", {"C-01"}),
    (472, "支出决算为36.76万元", "支出决算为36.67万元", {"C-03", "NR-10"}),
    (496, "增长1.78%", "增长1.87%", {"C-07"}),
    (514, "自评得分98.75分", "自评得分98.57分", {"C-12"}),
]


@pytest.mark.parametrize(("line", "printed", "changed", "rules"), NARRATIVE_MUTATIONS,
                         ids=[f"line{m[0]}" for m in NARRATIVE_MUTATIONS])
def test_a_changed_figure_in_the_narrative_is_reported_at_its_line(line, printed, changed, rules):
    lines = list(SEED002)
    assert printed in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(printed, changed, 1)
    document = parse_lines(lines, "seed002.txt", builtin_catalogue())
    narrative_rules = [r for r in builtin_rules() if r.id.startswith(("C-", "NR-"))]
    findings, _ = Engine(narrative_rules, builtin_catalogue()).run(document)
    assert {f.rule for f in findings if f.severity == "error" and f.locations[0].source.line == line} == rules
    assert all(f.locations[0].source.line == line for f in findings if f.severity == "error")
