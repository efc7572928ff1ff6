"""One document, one identity, one name per subject, one value per amount, and text a reviewer would
not send back: the document-consistency checks of issue 17 on small made-up disclosures."""

import json

import pytest

from validator import api
from validator.identity import cover_unit, document_year
from validator.model import Document, Source, TextLine
from validator.subjects import subjects


def _findings(tmp_path, rule, *lines):
    path = tmp_path / "说明.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = api.check([path], select_ids=[rule])
    return [f for f in report.findings if f.rule.startswith(rule)]


def _document(*lines):
    return Document("d.txt", "text", text=[TextLine(t, Source(line=i + 1)) for i, t in enumerate(lines)])


# Text hygiene: D-08 unpaired marks, D-09 a rate without %

def test_a_quotation_mark_left_open_in_its_paragraph_is_reported_with_its_place(tmp_path):
    [finding] = _findings(tmp_path, "D-08", "为打造“书香城市，满足市民的阅读需求。", "简称“三公”经费。")
    assert finding.severity == "warning"
    assert finding.locations[0].value.startswith("“书香城市") and finding.locations[0].source.line == 1


def test_a_bracket_continued_over_a_page_number_and_a_list_number_are_no_finding(tmp_path):
    assert _findings(tmp_path, "D-08", "九、机关运行经费：指行政单位（含参照公务员法管理的事", "- 16 -",
                     "业单位）使用一般公共预算安排的基本支出。", "1）保障机关运行；2）开展专项工作。",
                     "建设标准化厂房（局部为 3F）20 栋。") == []


def test_a_closing_bracket_never_opened_is_reported(tmp_path):
    [finding] = _findings(tmp_path, "D-08", "主要用于行政单位包括实行公务员管理的事业单位）开支的离退休经费。",
                          "因公出国（境）费0万元。")
    assert "前面没有对应的前括号" in finding.message


def test_a_quotation_running_over_whole_paragraphs_is_one_pair(tmp_path):
    assert _findings(tmp_path, "D-08", "通知指出：“各单位要厉行节约。", "严控一般性支出。", "压减会议费。”",
                     "因公出国（境）费0万元。") == []


def test_marks_a_text_layer_never_prints_both_halves_of_are_not_judged(tmp_path):
    assert _findings(tmp_path, "D-08", "简称“三公“经费。") == []


def test_a_rate_printed_without_percent_after_an_amount_change_is_reported(tmp_path):
    [finding] = _findings(tmp_path, "D-09", "比上年增加138.33万元，增长6.60。主要原因是人员增加。",
                          "生师比为17.98，较2021年增长了2.59；")
    assert "增长6.60" in finding.message


# Subjects: SUB-01 one code two names, SUB-02 a retired name

def test_the_same_code_named_two_ways_blames_the_name_the_classification_does_not_give(tmp_path):
    [finding] = _findings(tmp_path, "SUB-01", "2025年度部门预算",
                          "卫生健康支出（210类）行政事业单位医疗（11款）行政单位医疗（01项）20.00万元。",
                          "卫生健康支出（210类）行政事业单位医疗（11款）事业单位医疗（01项）5.00万元。")
    assert finding.locations[0].value == "事业单位医疗（01项）" and "2101101" in finding.message
    assert "行政单位医疗" in finding.message


def test_a_name_the_text_layer_cut_short_is_the_name_it_begins(tmp_path):
    assert _findings(tmp_path, "SUB-01", "2025年度部门预算", "行政事业单位医疗（21011款）行政单位医（2101101项）",
                     "行政事业单位医疗（21011款）行政单位医疗（2101101项）20.00万元。") == []


def test_a_retired_class_name_in_a_later_year_names_the_current_one(tmp_path):
    [finding] = _findings(tmp_path, "SUB-02", "上海市普陀区社会福利院2024年单位预算",
                          "5.“医疗卫生与计划生育支出（类）行政事业单位医疗（款）事业单位医疗（项）”50.37万元。")
    assert "卫生健康支出" in finding.message and "2019年" in finding.message


def test_a_name_in_force_in_the_documents_year_or_still_carried_by_another_code_is_no_finding(tmp_path):
    assert _findings(tmp_path, "SUB-02", "2018年度部门预算", "医疗卫生与计划生育（类）支出50.00万元。") == []
    assert _findings(tmp_path, "SUB-02", "2023年度部门预算", "住房保障支出（类）住房改革支出（款）住房公积金（项）") == []


def test_a_code_the_catalogue_does_not_hold_is_never_a_finding(tmp_path):
    assert _findings(tmp_path, "SUB-", "2025年度部门预算", "某某支出（299类）甲（01款）。", "另一支出（299类）。") == []


def test_the_catalogue_retires_names_before_the_year_of_the_reform():
    catalogue = subjects()
    assert catalogue.current["2080505"] == "机关事业单位基本养老保险缴费支出"
    assert catalogue.retired_in("行政事业单位离退休", 2020, "20805").current == "行政事业单位养老支出"
    assert catalogue.retired_in("行政事业单位离退休", 2019, "20805") is None
    assert catalogue.retired_in("住房公积金", 2023) is None  # 30113's name, though 30311 no longer
    assert catalogue.retired_in("住房公积金", 2023, "30311").current == "代缴社会保险费"


# Identity: DI-01 the unit, DI-02 the year, DI-03 部门 or 单位, DI-04 one amount

def test_the_cover_names_the_unit_and_the_year():
    document = _document("中共上海市普陀区委", "社会工作部 2024 年度", "部门决算", "目 录")
    assert cover_unit(document)[0] == "中共上海市普陀区委社会工作部" and document_year(document) == 2024
    assert cover_unit(_document("上海市普陀区2025年区级部门预算", "目 录")) is None  # a district is no unit


def test_a_part_title_missing_the_beginning_of_the_units_name_is_reported(tmp_path):
    [finding] = _findings(tmp_path, "DI-01", "江苏省委办公厅 2017 年度部门预算", "目 录",
                          "第二部分 省委办公厅 2017 年度部门预算表")
    assert "少了开头的“江苏”" in finding.message


def test_a_heading_whose_unit_line_holds_no_unit_name_is_no_finding():
    from validator.checks.unit_name import difference

    assert difference("上海市普陀区商务委员会", "万元", "单位") is None
    assert difference("上海市普陀区商务委员会", "上海市普陀区财政局", "单位") == "是另一个单位的名称"


def test_a_full_name_beside_its_abbreviation_and_another_unit_in_a_department_document_are_no_finding(tmp_path):
    assert _findings(tmp_path, "DI-01", "江苏省委办公厅 2017 年度部门预算", "目 录",
                     "第二部分 中国共产党江苏省委员会办公厅 2017 年度部门预算表",
                     "第三部分 江苏省委机要局 2017 年度部门预算情况说明") == []


def test_a_budget_comparing_with_a_year_other_than_the_last_is_reported(tmp_path):
    [finding] = _findings(tmp_path, "DI-02", "上海市普陀区2026年区级部门预算",
                          "财政拨款收入950.12万元，比2024年预算增加0.46万元。", "与2025年预算相比持平。")
    assert "2026年预算应与2025年比较" in finding.message


def test_a_sentence_about_another_years_figures_may_compare_with_that_year(tmp_path):
    assert _findings(tmp_path, "DI-02", "上海市普陀区2026年区级部门预算",
                     "2024年“三公”经费决算数比2024年预算减少1.20万元。") == []


def test_a_unit_budget_whose_contents_say_department_is_reported(tmp_path):
    [finding] = _findings(tmp_path, "DI-03", "上海市普陀区2025年区级单位预算", "目 录", "四、部门预算编制说明",
                          "8．2025年预算单位一般公共预算基本支出部门预算经济分类预算表")
    assert finding.locations[0].value == "部门预算" and finding.locations[0].source.line == 3


def test_a_unit_budgets_narrative_saying_department_budget_arranges_is_reported_but_not_its_reform(tmp_path):
    [finding] = _findings(tmp_path, "DI-03", "上海市2025年市级单位预算", "预算单位：上海市财政局",
                          "深化部门预算改革，加强预算支出标准体系建设。", "2025年部门预算安排购置车辆0辆。")
    assert finding.locations[0].value == "部门预算安排" and finding.locations[0].source.line == 4


@pytest.mark.parametrize(("text", "reported"), [
    ("主要用于机房运维，安排信息化运维项目经费102万元。", True),
    ("2024年信息化运维项目经费102万元。", False),  # last year's amount
    ("信息化运维项目中的软件部分102万元。", False),  # words between: another quantity
])
def test_an_items_heading_amount_and_its_restatement_agree(tmp_path, text, reported):
    found = _findings(tmp_path, "DI-04", "2025年度部门预算", "（一）信息化运维项目 120万元", text)
    assert bool(found) == reported


def _budget(tmp_path, sentence, amount_in_yuan, fund=None):
    """A budget whose 编制说明 restates 2080506 and whose 功能分类 tables (in 元) print it."""
    def table(title, amount):
        return {"title": title, "meta": {"金额单位": "元"}, "grid": [
            ["功能分类科目编码", "功能分类科目名称", "合计", "基本支出", "项目支出"],
            ["208", "社会保障和就业支出", amount, amount, ""],
            ["20805", "行政事业单位养老支出", amount, amount, ""],
            ["2080506", "机关事业单位职业年金缴费支出", amount, amount, ""]]}
    tables = [table("2025年部门一般公共预算支出功能分类预算表", amount_in_yuan)]
    if fund:
        tables.append(table("2025年部门政府性基金预算支出功能分类预算表", fund))
    path = tmp_path / "预算.json"
    path.write_text(json.dumps({"format": "budgetlint-document/1", "tables": tables,
                                "text": ["上海市普陀区2025年区级部门预算", sentence]}, ensure_ascii=False), encoding="utf-8")
    return api.check([path], select_ids=["DI-05"]).findings


STATED = "7.“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位职业年金缴费支出（项）”{}万元，主要用于缴纳职业年金。"


def test_a_subjects_amount_in_the_budget_narrative_differs_from_its_function_table(tmp_path):
    [finding] = _budget(tmp_path, STATED.format("887.36"), "873,617.00")
    assert finding.severity == "error" and finding.locations[0].value == "887.36万元"
    assert "为 87.36 万元" in finding.message and finding.locations[1].code == "2080506"


def test_an_items_restated_appropriation_is_judged_with_its_heading(tmp_path):
    text = STATED.format("87.36") + "2024年预算执行数为80.00万元，2025年预算安排88.36万元，比2024年预算执行数增加10.45%。"
    [finding] = _budget(tmp_path, text, "873,617.00")
    assert [loc.value for loc in finding.locations[:finding.judged]] == ["88.36万元"]


def test_the_narrative_may_give_the_general_budget_alone_or_all_appropriations(tmp_path):
    assert _budget(tmp_path, STATED.format("87.36"), "873,617.00") == []
    assert _budget(tmp_path, STATED.format("97.36"), "873,617.00", fund="100,000.00") == []


def test_a_figure_cut_off_instead_of_rounded_is_only_a_note(tmp_path):
    [finding] = _budget(tmp_path, STATED.format("87.70"), "877,080.00")
    assert finding.severity == "info" and "应为 87.71" in finding.message
