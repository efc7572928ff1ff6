"""The claim extractor, specified by the sentences of the real documents (seeds 000–004).

Each test quotes real sentences and the structured claim they must give. The extractor finds and
structures; it never judges, so an arithmetically wrong sentence still gives its claim (the rules
report it). What it must not do is read a claim into a sentence that does not state one.
"""

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from validator.catalogue import builtin_catalogue
from validator.claims import KINDS, extract_claims, figures_in
from validator.model import Source, TextLine
from validator.numbers import Amount, Garbled
from validator.readers import read_document

FIXTURES = Path(__file__).parent / "fixtures"


def lines(text: str, first_line: int = 1) -> list[TextLine]:
    """Narrative lines as the text reader keeps them: non-blank, stripped, with their line numbers."""
    return [TextLine(line.strip(), Source(line=first_line + i, column=1))
            for i, line in enumerate(text.splitlines()) if line.strip()]


def shape(claim):
    """A claim as (kind, subject, figures as written, words): what the specification compares."""
    figures = {role: tuple(f.text for f in value) if isinstance(value, tuple) else value.text
               for role, value in claim.figures.items()}
    return claim.kind, claim.subject, figures, claim.words


def claims_in(text: str) -> list[tuple]:
    return [shape(claim) for claim in extract_claims(lines(text))]


def seed_lines(name: str) -> list[TextLine]:
    path = FIXTURES / f"seed{name}.txt"
    if name == "001":
        # Seed 001 is one table (评价项目明细表); its cells are prose. Each row is given as a line,
        # and the extractor reads every tab-separated cell on its own.
        return lines(path.read_text(encoding="utf-8"))
    return read_document(path, builtin_catalogue()).text


@pytest.fixture(scope="module")
def seeds():
    return {name: extract_claims(seed_lines(name)) for name in ("000", "001", "002", "003", "004")}


# --- parts -------------------------------------------------------------------------------------


def test_parts_in_brackets_after_the_total():
    # seed 003, line 8
    assert claims_in("项目总投资估算912.87万元（其中：工程建设费用805.49万元，工程建设其他费用63.91万元，"
                     "预备费43.47万元），资金来源区财政。") == [
        ("parts", "项目总投资估算", {"total": "912.87万元", "parts": ("805.49万元", "63.91万元", "43.47万元")}, {})]


def test_counts_in_brackets_after_a_stated_total():
    # seed 004, line 187: 人次 and 人 are one family
    assert claims_in("严格双向规范，推动责任落实，共依法打击 91 人次（刑事拘留 3 人、行政拘留 42 人、批评教育 46 人），"
                     "信访秩序进一步规范。") == [
        ("parts", "共依法打击", {"total": "91 人次", "parts": ("3 人", "42 人", "46 人")}, {})]


def test_parts_in_nested_brackets():
    # seed 003, line 39: the outer list skips the bracketed breakdowns, each of which is a claim of its own
    assert claims_in("3.总支出1,294.61万元，其中：基本支出364.90万元（其中：局本级250.61万元，二级单位114.29万元），"
                     "项目支出929.71万元（其中：局本级929.71万元，二级单位0万元）。") == [
        ("parts", "总支出", {"total": "1,294.61万元", "parts": ("364.90万元", "929.71万元")}, {}),
        ("parts", "基本支出", {"total": "364.90万元", "parts": ("250.61万元", "114.29万元")}, {}),
        ("parts", "项目支出", {"total": "929.71万元", "parts": ("929.71万元", "0万元")}, {})]


def test_a_change_against_last_year_is_not_a_part_of_the_total():
    # a real 部门预算 (普陀区财政局 2025): the 107.62 is how the budget changed, not a third part
    text = "支出预算3,121.42万元，其中：财政拨款支出预算3,121.42万元，比2024年预算增加107.62万元。"
    assert [c for c in claims_in(text) if c[0] == "parts"] == []
    # the same, with the period explained in brackets, and a template's 增加（减少）
    text = "收入预算16497.86万元，其中：财政拨款收入16497.86万元，比2022年（上一年度，下同）预算增加1421.25万元。"
    assert [c for c in claims_in(text) if c[0] == "parts"] == []
    text = "公务用车购置及运行费预算支出183.6万元。其中：（1）公务用车购置预算支出0万元，比上年预算增加（减少）0万元。"
    assert [c for c in claims_in(text) if c[0] == "parts"] == []


def test_a_closing_total_restates_the_total_and_is_not_one_more_part():
    # a real 部门预算 (普陀区商务委 2025): the parts add up; 合计 repeats the total
    text = "2025年度项目总预算1170.00万，其中支持企业规模化发展1100.00万，支持企业创新化发展70.00万，合计1170.00万。"
    (claim,) = [c for c in claims_in(text) if c[0] == "parts"]
    assert claim[:3] == ("parts", "项目总预算", {"total": "1170.00万", "parts": ("1100.00万", "70.00万")})


def test_parts_after_qizhong_across_wrapped_lines():
    # seed 000, lines 16-22: the sentence is wrapped over four lines, with blank lines between
    text = ("业单位 9 个。截至 2022 年底，部门在职在编人员 376 人，资产总额为\n\n"
            "164556.29 万元，2022 年度决算收入为 82919.95 万元，其中：一般公共\n\n"
            "预算财政拨款收入 32639.75 万元，政府性基金预算财政拨款 50180.16\n\n"
            "万元，其他收入 74.34 万元，年初结转结余 25.69 万元。")
    (claim,) = extract_claims(lines(text, first_line=16))
    assert shape(claim) == ("parts", "决算收入", {
        "total": "82919.95 万元", "parts": ("32639.75 万元", "50180.16万元", "74.34 万元", "25.69 万元")}, {})
    assert (claim.source.line, claim.source.column) == (18, 14)
    (total_line, _), (last_part, *_) = (claim.figures["total"].source.line, 0), claim.figures["parts"][::-1]
    assert total_line == 18 and last_part.source.line == 22


def test_parts_separated_by_semicolons_run_to_the_end_of_the_sentence():
    # seed 001, line 15
    assert claims_in("区住建局承揽的区重点工程累计未付工程款74,923.54万元，其中，2010-2018年度申报债券置换工程未付款"
                     "26,698.7万元；2010-2018年度其它重点工程未付款7,587.91万元；2019-2021年度完工及在建工程未付款"
                     "40,036.93万元；污水处理厂运行费用未付款600.00万元。")[0][2] == {
        "total": "74,923.54万元", "parts": ("26,698.7万元", "7,587.91万元", "40,036.93万元", "600.00万元")}


def test_parts_separated_by_commas_end_at_the_semicolon():
    # seed 001, line 14: 去世职工 19人 after the ； is not one of the 79
    assert claims_in("厂内未退休职工79人，其中接管后已办退休1人、失联11人、监狱服刑人员1人，未退休职工补偿66人；"
                     "去世职工丧葬补助发放离世职工19人。") == [
        ("parts", "厂内未退休职工", {"total": "79人", "parts": ("1人", "11人", "1人", "66人")}, {})]


def test_parts_list_ends_at_a_clause_without_a_figure_of_its_unit():
    # seed 001, line 54: 10个乡镇 is not a school; 7个乡镇 inside a part is not a 场 (line 35)
    assert claims_in("2022年营养餐覆盖长治市上党区42所中小学，包括28所小学，9所中学，4所九年一贯制学校，1所特殊教育学校，"
                     "涉及10个乡镇。")[0][2] == {"total": "42所", "parts": ("28所", "9所", "4所", "1所")}
    assert claims_in("长治市上党区文化和旅游局2022年完成送戏下乡310场，其中7个乡镇戏曲演出230场，16个村综艺演出80场。"
                     )[0][2] == {"total": "310场", "parts": ("230场", "80场")}


def test_parts_with_their_shares():
    # seed 002, line 418: a parts claim and one share claim per part, whose whole is the total
    assert claims_in("2023年度支出合计3,088.57万元，其中：基本支出2,035.84万元，占65.92%；项目支出1,052.73万元，占34.08%。") == [
        ("parts", "支出合计", {"total": "3,088.57万元", "parts": ("2,035.84万元", "1,052.73万元")}, {}),
        ("share", "基本支出", {"part": "2,035.84万元", "rate": "65.92%", "whole": "3,088.57万元"}, {}),
        ("share_sum", "支出合计", {"shares": ("65.92%", "34.08%")}, {}),
        ("share", "项目支出", {"part": "1,052.73万元", "rate": "34.08%", "whole": "3,088.57万元"}, {})]


def test_qizhong_opening_a_sentence_takes_the_total_of_the_sentence_before():
    # seed 002, lines 456-458
    claims = claims_in("2023年度一般公共预算财政拨款基本支出2,035.84万元。其中：人员经费1,833.69万元，主要包括：基本工资、"
                       "津贴补贴、\n奖金、生活补助；公用经费202.15万元，主要包括：办公费、印刷费。")
    assert claims == [("parts", "一般公共预算财政拨款基本支出",
                       {"total": "2,035.84万元", "parts": ("1,833.69万元", "202.15万元")}, {})]


def test_parts_followed_by_their_total():
    # seed 003, line 73
    assert claims_in("2022年使用中央资金32.29万元，省资金14.56万元，市资金30.992万元，区配套资金32.758万元，"
                     "共计支付资金110.6万元。") == [
        ("parts", "支付资金", {"total": "110.6万元",
                               "parts": ("32.29万元", "14.56万元", "30.992万元", "32.758万元")}, {})]


def test_malformed_numbers_stay_in_their_claim_as_garbled():
    # seed 001, line 13
    (claim,) = extract_claims(lines(
        "长治市上党区黎都水务建设管理有限公司2022年支付工程设计费1.92万元，评估费29.06万元，电费、管道检测费、"
        "设备使用费、抢修费14.46万元，临时占地补偿款26.83万元，建设工程款5,00.00万元，施工监理服务费0.6万元，"
        "工程设计费7.80万元，工程可研编制费1.98万元，总计5,83.20万元。"))
    assert claim.kind == "parts" and len(claim.figures["parts"]) == 8
    assert claim.figures["total"].parsed == Garbled("5,83.20", "千分位分隔符位置错误")
    assert claim.figures["parts"][4].parsed == Garbled("5,00.00", "千分位分隔符位置错误")


# --- formulas and ratios -----------------------------------------------------------------------


def test_formula():
    # seed 001, line 8
    assert claims_in("（二）预算执行率低。项目预算执行率=项目累计支出（280.00万元）/项目累计到位资金（782.00万元）"
                     "*100%=35.81%，预算执行率较低。") == [
        ("formula", "项目预算执行率", {"numerator": "280.00万元", "denominator": "782.00万元", "rate": "35.81%"}, {})]
    assert claims_in("执行率=845.24/980=86.25%。")[0][2] == {
        "numerator": "845.24", "denominator": "980", "rate": "86.25%"}


def test_ratio_with_its_figures_in_brackets():
    assert claims_in("预算执行率86.25%（845.24/980）。") == [
        ("ratio", "预算执行率", {"numerator": "845.24", "denominator": "980", "rate": "86.25%"}, {})]


def test_execution_rate_with_spending_and_funds_in_the_sentence():
    # seed 000, lines 647-651
    assert claims_in("截至 2022 年底，该项目实际到位金额 980 万元，实际支出金额 845.24 万元，预算\n\n执行率为 86.25%。") == [
        ("ratio", "预算执行率", {"numerator": "845.24 万元", "denominator": "980 万元", "rate": "86.25%"}, {})]
    # seed 004, line 177: the parts of the spending and of the budget are neither numerator nor denominator,
    # and 预算调整 0 万元 is an adjustment, not a budget
    claims = claims_in("2023 年群众工作服务中心年初结转结余 0 万元，年初预算安排 397.80 万元(包括基本支出 77.80 万元,"
                       "项目支出 320 万元), 预算调整 0 万元，2023 年部门财政拨款支出数 216.19 万元，其中：基本支出 50.34 万元，"
                       "项目支出 165.85 万元，预算执行率为 54.35%。")
    assert ("ratio", "预算执行率", {"numerator": "216.19 万元", "denominator": "397.80 万元", "rate": "54.35%"}, {}) in claims


def test_completion_of_the_budget_names_the_item():
    # seed 002, lines 436-438: the item is named in the sentence before
    assert claims_in("2023年度一般公共预算财政拨款支出年初预算为2,532.20万元，支出决算为2,587.46万元，完成年初预算的102.18%。其中：\n"
                     "1. 一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）。年初预算为1341.80万元，"
                     "支出决算为1,358.74万元，完成年初预算的101.26%。") == [
        ("ratio", "一般公共预算财政拨款支出",
         {"numerator": "2,587.46万元", "denominator": "2,532.20万元", "rate": "102.18%"}, {}),
        ("ratio", "一般公共服务支出（类）政府办公厅（室）及相关机构事务（款）行政运行（项）",
         {"numerator": "1,358.74万元", "denominator": "1341.80万元", "rate": "101.26%"}, {})]


def test_completion_of_a_budget_stated_with_its_figure():
    # issue 14: the spending, the budget and the rate all in the sentence, the budget just before 的
    for verb in ("为", "完成", "占"):
        assert claims_in(f"2023年度支出决算95.00万元，{verb}年初预算100.00万元的95.00%。") == [
            ("ratio", "支出决算", {"numerator": "95.00万元", "denominator": "100.00万元", "rate": "95.00%"}, {})]


def test_completion_of_a_budget_not_stated_in_the_sentence_has_no_denominator():
    # the budget is left to a table (公开09表's 预算数): only a rule naming that table can check it
    assert claims_in("因公出国（境）费支出决算6.39万元，完成预算的100.00%。") == [
        ("ratio", "因公出国（境）费", {"numerator": "6.39万元", "rate": "100.00%"}, {})]
    # each clause its own spending figure
    assert [c[2] for c in claims_in("因公出国（境）费支出决算6.39万元，完成预算的100.00%；"
                                    "公务接待费支出决算8.00万元，完成预算的100.00%。")] == [
        {"numerator": "6.39万元", "rate": "100.00%"}, {"numerator": "8.00万元", "rate": "100.00%"}]


def test_completion_of_a_budget_abstains_without_one_spending_figure_or_the_budget_figure():
    # two amounts in the clause and none of them a budget: which is completed is not said
    assert claims_in("本年支出95万元，收入100万元，完成年初预算的95%。") == []
    # two spending figures before the budget: which one is completed is not said
    assert [c for c in claims_in("基本支出40.00万元，项目支出55.00万元，为年初预算100.00万元的95.00%。")
            if c[0] == "ratio"] == []
    # the figure before 的 is no budget
    assert [c for c in claims_in("本年支出95.00万元，为上年支出100.00万元的95.00%。") if c[0] == "ratio"] == []


def test_completion_rate_of_counts_finds_the_whole_by_what_it_counts():
    # seed 000, lines 448-454: 7个部门 is not the whole, 18 个项目 is
    assert claims_in("2022 年济源营商环境资金 2839.63 万元，主要用于支持市场监督管\n\n理局、公共资源交易中心等 7个部门共 18 个"
                     "项目，包括平台建设（系统\n\n升级）、设备采购、政府购买服务及其他等四大类。截至 2023 年 6 月\n\n"
                     "30 日已完成项目 14 个，完成率 77.78%。")[-1] == (
        "ratio", "完成率", {"numerator": "14 个", "denominator": "18 个", "rate": "77.78%"}, {})
    # seed 001, line 13: planned and done in different sentences, matched by unit and noun
    claims = claims_in("计划改造内容为：新建及改造供水泵站18座，布设输水管66.99km，完成村内管网改造村庄42个。截止评价时点，"
                       "新建及改造泵站7座，改造完成率38.89%。实际布设输水管：铺设5.5公里直径600mm的球磨铁管及PE管道，"
                       "铺设直径110-400mm的不同规格的PE输配水管40余公里，改造完成率67.92%。村内管网改造工程实际已完成村庄13个，"
                       "改造完成率30.95%。")
    assert [c[2] for c in claims] == [{"numerator": "7座", "denominator": "18座", "rate": "38.89%"},
                                      {"numerator": "13个", "denominator": "42个", "rate": "30.95%"}]


# --- change, share, balance --------------------------------------------------------------------


def test_change_against_a_stated_base():
    # seed 000, lines 136-140; 增加23.76 万元 has no comparison and is no claim
    assert claims_in("3.公用经费控制力度不够。2022 年部门公用经费决算数为 116.28\n\n万元，较2021年 93.61万元增长24.22%，"
                     "主要为机关运行经费增加23.76\n\n万元。") == [
        ("change", "部门公用经费决算数", {"base": "93.61万元", "current": "116.28万元", "rate": "24.22%"},
         {"direction": "增长", "against": "2021年"})]


def test_change_against_last_year_with_the_current_amount_in_the_sentence_before():
    # seed 002, line 410
    assert claims_in("2023年度收、支总计均为3,088.57万元。与上年度相比，收、支总计各减少5,571.48万元，下降64.34%，"
                     "主要原因是：项目经费减少。") == [
        ("change", "收、支总计", {"current": "3,088.57万元", "change": "5,571.48万元", "rate": "64.34%"},
         {"direction": "减少", "against": "上年度"})]


def test_two_changes_of_one_amount():
    # seed 002, line 496
    assert claims_in("2023年度机关运行经费支出202.15万元，比年初预算增加5.05万元，增长2.56%；与2022年度增加3.53万元，"
                     "增长1.78%，主要原因是：人员调整，经费增加。") == [
        ("change", "机关运行经费支出", {"current": "202.15万元", "change": "5.05万元", "rate": "2.56%"},
         {"direction": "增加", "against": "年初预算"}),
        ("change", "机关运行经费支出", {"current": "202.15万元", "change": "3.53万元", "rate": "1.78%"},
         {"direction": "增加", "against": "2022年度"})]


# --- comparison: a direction stated between two printed amounts, with no change figure ---------


def comparisons_in(text: str) -> list[tuple]:
    return [claim for claim in claims_in(text) if claim[0] == "comparison"]


def test_a_level_comparison_of_two_named_periods():
    assert comparisons_in("本年支出120万元，上年支出100万元，与上年持平。") == [
        ("comparison", "本年支出", {"current": "120万元", "base": "100万元"}, {"direction": "持平", "trend": "level"})]


def test_a_comparison_with_the_base_after_the_comparison_word():
    assert comparisons_in("本年95万元，较上年100万元有所增加。") == [
        ("comparison", "本年", {"current": "95万元", "base": "100万元"}, {"direction": "增加", "trend": "rises"})]


def test_a_comparison_with_the_base_in_brackets_and_a_reason_after_it():
    # the reason's own 增加 (人员增加) has no comparison word of its own and is no claim
    assert comparisons_in("本年支出95万元，比上年（100万元）增长，主要原因是人员增加。") == [
        ("comparison", "本年支出", {"current": "95万元", "base": "100万元"}, {"direction": "增长", "trend": "rises"})]


@pytest.mark.parametrize("text", [
    pytest.param("本年支出120万元，上年支出100万元，与上年基本持平。", id="hedged level: 基本持平"),
    pytest.param("本年支出120万元，上年支出100万元，与上年大致相同。", id="hedged level: 大致相同"),
    pytest.param("本年支出95万元，较上年有所增加。", id="no base printed"),
    pytest.param("上年支出100万元。本年支出95万元，较上年有所增加。", id="base in the sentence before"),
    pytest.param("基本支出95万元，较项目支出100万元有所增加。", id="two subjects, base after the comparison"),
    pytest.param("基本支出120万元，项目支出100万元，与上年持平。", id="two subjects, neither named 上年"),
    pytest.param("本年支出95万元，较上年100元有所增加。", id="mixed units"),
    pytest.param("本年支出95万元，较上年100万元增加5万元。", id="a change figure: read as a change"),
    pytest.param("超过7天与15天的监控数量减少。", id="a bare 与 joining two figures is 'and'"),
])
def test_no_comparison_is_read_without_both_figures_of_one_subject(text):
    assert comparisons_in(text) == []


def test_change_against_a_base_named_earlier_in_the_sentence():
    # issue 14 (普陀区万里街道 2023 部门预算 p.6): the base is stated before the current amount, named as the
    # comparison names it but for 预算/当年 and the year
    assert claims_in("2022年当年预算执行数为11.67万元，2023年预算安排45.41万元，比2022年预算执行数增加314.82%。") == [
        ("change", "预算安排", {"base": "11.67万元", "current": "45.41万元", "rate": "314.82%"},
         {"direction": "增加", "against": "2022年预算执行数"})]
    assert claims_in("上年预算执行数为120.00万元，本年预算安排108.00万元，比上年执行数减少12.00万元，下降10.00%。") == [
        ("change", "本年预算安排", {"base": "120.00万元", "current": "108.00万元", "change": "12.00万元", "rate": "10.00%"},
         {"direction": "减少", "against": "上年执行数"})]


@pytest.mark.parametrize("sentence", [
    "2021年预算执行数为120.00万元，2023年预算安排132.00万元，比2022年预算执行数增加10.00%。",  # another year
    "上年决算数为120.00万元，本年预算安排132.00万元，比上年执行数增加10.00%。",  # another figure
    "上年预算执行数为120.00万元，上年执行数为110.00万元，本年预算安排132.00万元，比上年执行数增加10.00%。",  # two
    "本年预算安排132.00万元，上年预算执行数为120.00万元，比上年执行数增加10.00%。",  # the base after the current
])
def test_change_abstains_from_a_named_base_that_is_not_the_one_earlier_amount_of_that_name(sentence):
    assert all("base" not in c[2] for c in claims_in(sentence))


def test_shares_with_a_named_whole():
    # seed 002, line 428: the whole is named but not stated here
    assert claims_in("2023年度一般公共预算财政拨款支出2,587.46万元，占本年支出合计的83.78%。")[0] == (
        "share", "一般公共预算财政拨款支出", {"part": "2,587.46万元", "rate": "83.78%"}, {"whole": "本年支出合计"})
    # seed 002, line 500: each whole is stated in the paragraph
    claims = claims_in("2023年度政府采购支出总额27.72万元，其中：政府采购货物支出27.72万元、政府采购工程支出0.00万元、"
                       "政府采购服务支出0.00万元。授予中小企业合同金额27.72万元，占政府采购支出总额的100.00%，其中："
                       "授予小微企业合同金额27.72万元，占授予中小企业合同金额的100.00%。")
    assert [c[0] for c in claims] == ["parts", "share", "share"]
    assert claims[1][1:] == ("授予中小企业合同金额", {"part": "27.72万元", "rate": "100.00%", "whole": "27.72万元"},
                             {"whole": "政府采购支出总额"})
    assert claims[2][1] == "授予小微企业合同金额"


def test_share_of_a_count_without_its_whole():
    # seed 000, lines 132-134
    assert claims_in("模糊，不能准确部门工作的绩效情况。2022 年应急管理局绩效目标表共\n\n定性评价三级指标 11 项，占比达到了 31%。") == [
        ("share", "应急管理局绩效目标表共定性评价三级指标", {"part": "11 项", "rate": "31%"}, {})]



# --- share sums: every part of one total with its share --------------------------------------

def test_a_share_sum_when_every_part_states_its_share_of_the_total():
    claims = claims_in("2023年度支出合计3,088.57万元，其中：基本支出2,035.84万元，占65.92%；项目支出1,052.73万元，占34.08%。")
    assert ("share_sum", "支出合计", {"shares": ("65.92%", "34.08%")}, {}) in claims


def test_no_share_sum_when_a_part_states_no_share():
    claims = claims_in("支出合计100.00万元，其中：基本支出60.00万元，占60.00%；项目支出40.00万元。")
    assert "share_sum" not in [c[0] for c in claims]


def test_no_share_sum_when_the_list_may_be_incomplete():
    for text in ("2024年度财政拨款支出307.82万元，主要用于以下方面：一般公共服务支出（类）264.87万元，占86.05%；"
                 "社会保障和就业支出（类）10.82万元，占3.52%。",
                 "支出合计100.00万元，其中：基本支出60.00万元，占60.00%；项目支出30.00万元，占30.00%等。"):
        assert "share_sum" not in [c[0] for c in claims_in(text)], text


def test_no_share_sum_when_a_part_is_a_share_of_another_whole():
    claims = claims_in("支出合计100.00万元，其中：基本支出60.00万元，占60.00%；项目支出40.00万元，占本年预算的50.00%。")
    assert "share_sum" not in [c[0] for c in claims]


def test_no_share_sum_when_a_part_is_itself_a_total():
    # the closing 合计 restates the total; 总额 inside the list makes it no breakdown
    claims = claims_in("支出100.00万元，其中：基本支出总额60.00万元，占60.00%；项目支出40.00万元，占40.00%。")
    assert "share_sum" not in [c[0] for c in claims]


def test_no_share_sum_for_a_single_share_or_shares_without_a_list():
    assert "share_sum" not in [c[0] for c in claims_in("基本支出60.00万元，占60.00%；项目支出40.00万元，占40.00%。")]

def test_balance():
    # seed 003, line 43 (the balance and the breakdown of the balance)
    assert claims_in("本年年初预算批复1,101.72万元，预算调整数1,470.93万元，总支出1,294.61万元，年末预算结余176.32万元"
                     "（其中：局本级148.63万元，二级单位27.69万元）。") == [
        ("balance", "年末预算结余",
         {"minuend": "1,470.93万元", "subtrahend": "1,294.61万元", "difference": "176.32万元"}, {}),
        ("parts", "年末预算结余", {"total": "176.32万元", "parts": ("148.63万元", "27.69万元")}, {})]
    # seed 001, line 49
    assert claims_in("本年被装购置费共计35万元，已支出11.67万元，结余23.33万元。") == [
        ("balance", "本年被装购置费", {"minuend": "35万元", "subtrahend": "11.67万元", "difference": "23.33万元"}, {})]


# --- grades and scores -------------------------------------------------------------------------


@pytest.mark.parametrize("sentence, subject, score, grade", [
    ("绩效评价得分 80.06 分，绩效等级为“良”。", "绩效评价得分", "80.06 分", "良"),  # seed 000
    ("设总分100分，本项目综合得分92分，评价结果为优。", "本项目综合得分", "92分", "优"),  # seed 003
    ("对本项目进行独立、客观、公正地评价，西工区应急管理局应急救援指挥中心建设经费项目绩效评价得分为97.12分，评价等级为  优 。",
     "西工区应急管理局应急救援指挥中心建设经费项目绩效评价得分", "97.12分", "优"),  # seed 003
    ("综上所述，项目总体评分为93.47分，评价小组通过综合认定的评价等级为“优”。", "项目总体评分", "93.47分", "优"),  # seed 003
    ("长治市上党区2022年中央灾后恢复重建财力补助资金项目第三方绩效评价得分87.67分，评级为“良”。",
     "长治市上党区2022年中央灾后恢复重建财力补助资金项目第三方绩效评价得分", "87.67分", "良"),  # seed 001
    ("长治市上党区2022年水利发展资金项目第三方绩效评价得分89.51分。评级为“良”。具体评分结果见下表。",
     "长治市上党区2022年水利发展资金项目第三方绩效评价得分", "89.51分", "良"),  # seed 001: 。 before the grade
])
def test_grade(sentence, subject, score, grade):
    assert claims_in(sentence) == [("grade", subject, {"score": score}, {"grade": grade})]


def test_band_definitions_are_not_grades():
    # seed 001, line 56: only the stated score; 90（含）-100分为优 defines a band
    assert claims_in("长治市上党区2022年新建高中（配套资金）项目第三方绩效评价综合得15.00分，评价结论为“差”[根据《项目支出"
                     "绩效评价管理办法》（财预〔2020〕10号），总分设置为100分，等级划分为四档：90（含）-100分为优、"
                     "80（含）-90分为良、60（含）-80分为中、60分以下为差。") == [
        ("grade", "长治市上党区2022年新建高中（配套资金）项目第三方绩效评价综合得", {"score": "15.00分"},
         {"grade": "差"})]


def test_scores_of_the_self_evaluated_projects():
    # seed 002, lines 514-516
    claims = extract_claims(lines(
        "2023年，我单位对一般公共预算项目支出开展了全面绩效自评，其中：一般性项目5个，专项资金11个，自评覆盖率达到100%。"
        "包括1.信访协调联络中心工作经费（劳务费）自评得分98.75分，此项目工作主要用于见习生生活补贴。2.政务公开、政务服务和"
        "大数据工作经费自评得分99.25分，此项目主要用于大数据局日常工作经费支出，加快推进放管服改革、数字政府建设等重要\n"
        "任务。8. 综合救助专项-特殊疑难信访问题专项资金（豫财行2022-108号2022年解决特殊疑难信访问题省级补助资金）"
        "（2022年结转）自评得分98.95分，此项目主要用于最大限度增加和谐因素。", first_line=514))
    assert [shape(c) for c in claims] == [
        ("score", "信访协调联络中心工作经费（劳务费）", {"score": "98.75分"}, {}),
        ("score", "政务公开、政务服务和大数据工作经费", {"score": "99.25分"}, {}),
        ("score", "综合救助专项-特殊疑难信访问题专项资金（豫财行2022-108号2022年解决特殊疑难信访问题省级补助资金）"
                  "（2022年结转）", {"score": "98.95分"}, {})]
    assert [(c.source.line, c.source.column) for c in claims] == [(514, 66), (514, 113), (515, 7)]


# --- what is not a claim -----------------------------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "2.总收入1,294.61万元，其中：一般公共预算收入1,294.61万元。",  # a single 其中 part is a subset
    "授予小微企业合同金额27.72万元，其中：授予小微企业合同金额27.72万元。",
    "项目预算安排5476.53 万元（含 2021 年省级奖励资金 21.78 万）。",  # one part in brackets
    "（三）预算执行率低，长治市上党区城乡供水一体化和农村规模化、标准化工程项目预算执行率23.33%。",  # no base
    "92%的专任教师教科研工作完成情况在工作考核中的权重仅占 25%。",  # a share without its part
    "截至评价期结束，产业园厂房出租率为 53%、办公楼出租率为 10%、仓库出租率 38%，均未达到 70%的预期目标。",
    "2022 年学院生师比为 17.98，较 2021 年增长了 2.59；2022 年研究生学位专任教师比例为 44.50%，较\n"
    "2021 年下降了 22.01%；双师素质专任教师比例为 32.43%，较 2021 年下降了 0.97%。",  # points or per cent?
    "2022年排查车辆3000余辆，查处超载151辆，车辆超限超载率下降了1.04个百分点。",  # no base
    "“三品一标”及“圳品”奖补4家主体，其中绿色食品认证产品4个、圳品认证1个、供深基地1个。",  # 家 is not 个
    "收到专项资金2,990.00万元，截至2022年底，已制定实施方案，但未开始实施，所以导致资金结余990.00万元。",  # no spending
    "按照《中央部门预算绩效目标管理办法》（财预〔2015〕88号）要求，2023 年 6 月 30 日前完成第1项，联系电话13812345678。",
    "该项目计划 2021年12月25日开工，2022年1月23日该工程完工，工期30天。",
])
def test_no_claim(sentence):
    assert claims_in(sentence) == []


def test_numbers_that_are_not_figures():
    text = ("根据《关于做好 2022年工作的通知》（豫卫基层〔2022〕9 号）第13次会议，2010-2018年度，0-6岁，PM2.5 和 O3，"
            "1F 标准化钢结构厂房，截至2022.12.31，张岭社区6.16.17组，电话0391-6632145、13812345678。1.管理效率（1）工资")
    assert [f.text for f in figures_in(TextLine(text, Source(line=1, column=1)))] == []


def test_figures_in_a_line():
    line = TextLine("建设工程款5,00.00万元，施工监理服务费0.6万元，完成率７７．７８％，支出１２０ 人次", Source(line=13, column=5))
    figures = figures_in(line)
    assert [(f.text, f.unit) for f in figures] == [
        ("5,00.00万元", "万元"), ("0.6万元", "万元"), ("７７．７８％", "%"), ("１２０ 人次", "人次")]
    assert figures[0].parsed == Garbled("5,00.00", "千分位分隔符位置错误")
    assert figures[2].parsed == Amount(Decimal("77.78"), 2, percent=True)
    assert [(f.source.line, f.source.column, f.span) for f in figures[:2]] == [(13, 10, (5, 14)), (13, 27, (22, 27))]


def test_table_cells_are_read_one_by_one_with_their_columns():
    row = TextLine("1\t上党区农业农村局\t得分87.67分\t评级为“良”", Source(line=8, column=1))
    assert extract_claims([row]) == []  # the grade is in another cell
    (claim,) = extract_claims([TextLine("2\t项目完成\t综合得分88.68分，评价等级属于“良”。", Source(line=9, column=1))])
    assert (claim.source.column, claim.figures["score"].source.column) == (8, 12)


# --- the seeds ---------------------------------------------------------------------------------

# 002: three of its ratios state the 决算 only, their 预算数 being in 公开09表 (NR-13)
EXPECTED_COUNTS = {
    "000": {"grade": 8, "parts": 2, "ratio": 2, "change": 1, "share": 1},
    "001": {"grade": 9, "parts": 10, "ratio": 3, "formula": 1, "balance": 1},
    "002": {"ratio": 17, "score": 14, "share": 13, "parts": 5, "change": 5, "share_sum": 2},
    "003": {"grade": 6, "parts": 10, "balance": 1},
    "004": {"grade": 6, "parts": 3, "ratio": 1},
}


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_claims_per_seed(seeds, name):
    assert dict(Counter(c.kind for c in seeds[name])) == EXPECTED_COUNTS[name]
    assert all(c.kind in KINDS and c.subject for c in seeds[name])


@pytest.mark.parametrize("name", sorted(EXPECTED_COUNTS))
def test_every_claim_points_at_its_text(seeds, name):
    by_line = {line.source.line: line.text for line in seed_lines(name)}
    for claim in seeds[name]:
        first_line = by_line[claim.source.line]
        start, end = claim.span
        assert claim.source.column == start + 1
        assert claim.text.startswith(first_line[start:end][:len(claim.text)])
        for value in claim.figures.values():
            for figure in value if isinstance(value, tuple) else (value,):
                text = by_line[figure.source.line]
                assert text[figure.span[0]:figure.span[1]] == figure.text[:len(text) - figure.span[0]]


def test_seed_grades_as_stated(seeds):
    stated = [(c.source.line, c.figures["score"].text.replace(" ", ""), c.words["grade"])
              for name in ("000", "003", "004") for c in seeds[name] if c.kind == "grade"]
    assert stated == [
        (36, "80.06分", "良"), (122, "80.19分", "良"), (202, "82.18分", "良"), (292, "80.24分", "良"),
        (376, "82.36分", "良"), (468, "78.52分", "中"), (550, "75.02分", "中"), (635, "78.92分", "中"),
        (9, "90.97分", "优"), (20, "91.61分", "优"), (45, "93.47分", "优"), (57, "97.12分", "优"), (77, "92分", "优"),
        (94, "90.46分", "优"),
        (13, "81.45分", "良"), (43, "87.5分", "良"), (69, "92.5分", "优"), (103, "84.58分", "良"), (137, "93.37分", "优"),
        (181, "84.58分", "良")]


def test_seed001_parts_that_do_not_add_up_are_still_claims(seeds):
    # line 47: 51个申报主体 listed as 39 + 6 + 4 = 49; the rules report it, the extractor only reads it
    (claim,) = [c for c in seeds["001"] if c.kind == "parts" and c.figures["total"].text == "51个"]
    assert [f.parsed.value for f in claim.figures["parts"]] == [39, 6, 4]
    assert (claim.source.line, claim.subject) == (47, "第一产业高质量发展实际补助")


# --- property: generated breakdowns ------------------------------------------------------------

NAMES = ["工程建设费用", "工程建设其他费用", "预备费", "设备购置费", "局本级", "二级单位", "中央资金", "省级资金"]
amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("99999999.99"), places=2)


@given(total=amounts, parts=st.lists(amounts, min_size=2, max_size=6), thousands=st.booleans(),
       intro=st.sampled_from(["其中：", "其中", "包括", "含", "分别为"]), unit=st.sampled_from(["万元", "元", "亿元"]))
def test_generated_breakdowns_round_trip(total, parts, thousands, intro, unit):
    def written(value):
        return f"{value:,.2f}" if thousands else f"{value:.2f}"

    listed = "，".join(f"{NAMES[i]}{written(p)}{unit}" for i, p in enumerate(parts))
    (claim,) = extract_claims([TextLine(f"项目总投资{written(total)}{unit}（{intro}{listed}）。", Source(line=3, column=1))])
    assert claim.kind == "parts" and claim.subject == "项目总投资"
    assert claim.figures["total"].parsed == Amount(total, 2)
    assert [(f.parsed, f.unit) for f in claim.figures["parts"]] == [(Amount(p, 2), unit) for p in parts]


def test_every_claim_kind_has_a_name_rule_files_can_use():
    from validator.claims import KINDS
    from validator.claim_kinds import CLAIM_KINDS

    assert set(CLAIM_KINDS) == set(KINDS)


# --- what a change is about --------------------------------------------------------------------


def test_a_change_is_about_the_item_its_paragraph_names_not_about_its_money_words():
    # "2023年预算安排" says only which money: the item is the heading that states the same amount
    (claim,) = claims_in("3. “一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）”45.41万元，主要用于群众团体事务。"
                         "2022年当年预算执行数为11.67万元，2023年预算安排45.41万元，比2022年预算执行数增加314.82%。")
    assert claim[1] == "一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）"
    # the sentence restates another amount than its heading: still the heading's item
    (claim,) = claims_in("16. “住房保障支出（类）住房改革支出（款）住房公积金（项）”350.35万元，主要用于住房公积金。"
                         "2023年当年预算执行数为348.52万元，2024年预算安排352.67万元，比2023年预算执行数增加0.53%。")
    assert claim[1] == "住房保障支出（类）住房改革支出（款）住房公积金（项）"


def test_a_change_opening_its_sentence_is_about_the_amount_before_unless_it_names_its_own():
    (claim,) = claims_in("3．住房保障（类）支出3894.09万元，主要用于住房公积金。与上年相比增加878.93万元，增长30%。")
    assert claim[1] == "住房保障（类）支出"
    (claim,) = claims_in("2023年度收、支总计均为3,088.57万元。与上年度相比，收、支总计各减少5,571.48万元，下降64.34%。")
    assert claim[1] == "收、支总计"


def test_a_rule_requiring_a_role_leaves_claims_without_it_to_others(tmp_path):
    # C-17 requires a rate: "增加1326.81万元" on 1326.81 with no percentage states nothing wrong
    from validator.api import check

    without_rate = tmp_path / "a.txt"
    without_rate.write_text("养老保险缴费支出1326.81万元，与上年相比增加1326.81万元。\n", encoding="utf-8")
    with_rate = tmp_path / "b.txt"
    with_rate.write_text("养老保险缴费支出1326.81万元，与上年相比增加1326.81万元，增长100%。\n", encoding="utf-8")
    report = check([without_rate, with_rate], select_ids=["C-17"])
    assert [(Path(f.file).name, f.rule) for f in report.findings] == [("b.txt", "C-17")]


def test_a_completion_rate_is_of_the_budget_its_words_name():
    # "完成年初预算的" is of the 年初预算 even when a 全年预算 is stated too (普陀区社会工作部 2024 决算 p.18)
    (claim,) = [c for c in claims_in("一般公共预算财政拨款支出年初预算为0万元，全年预算为321.02万元，支出决算为307.82万元，"
                                     "完成年初预算的95.89%。") if c[0] == "ratio"]
    assert claim[2] == {"numerator": "307.82万元", "denominator": "0万元", "rate": "95.89%"}
    (claim,) = [c for c in claims_in("年初预算为300.00万元，全年预算为321.02万元，支出决算为307.82万元，"
                                     "完成全年预算数的95.89%。") if c[0] == "ratio"]
    assert claim[2]["denominator"] == "321.02万元"
