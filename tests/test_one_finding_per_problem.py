"""One problem, one finding: a template full of XX placeholders, a workbook whose formulas have no
cached values and a scan read without the ocr extra each give one finding per file (or table) that
counts the places in its message and lists every one in its locations, not a wall of identical
findings; the hint fits the cause; `parse` of a scan without the extra says so and exits 1."""

import json
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest
from helpers import run

from validator import check
from validator.errors import RuleError
from validator.excel_annotation import annotate_workbook
from validator.explain import explain
from validator.grouping import page_ranges
from validator.readers import pdf_ocr
from validator.ruleset import builtin_rules, load_rule_file, load_rules

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = FIXTURES / "real" / "shanghai-2024-final-accounts-template.pdf"  # Shanghai's blank 2024 决算 template
NO_CACHE_WORKBOOK = FIXTURES / "seed002" / "final_accounts_formulas_no_cache.xlsx"
SCANNED = FIXTURES / "seed002" / "final_accounts_scanned.pdf"  # 13 image-only pages
TEXT_PDF = FIXTURES / "seed002" / "final_accounts.pdf"
SAVE_HINT = "在 Excel 或 WPS 中打开该文件并保存"


@pytest.fixture
def without_the_ocr_extra(monkeypatch):
    monkeypatch.setattr(pdf_ocr, "available", lambda: False)


# -- template placeholders (D-03) -------------------------------------------------------------------

def test_every_placeholder_of_the_template_is_one_finding_that_lists_each_place():
    report = check([TEMPLATE], select_ids=["D-03"])
    (finding,) = report.findings
    assert len(finding.locations) == 110
    assert finding.message.startswith("共 110 处模板文字：“XX”（第1页）、")
    assert finding.message.endswith("等")
    (data,) = report.to_dict()["findings"]
    assert data["judged"] == 110  # every place was found wrong; none is only compared with
    assert [loc["source"]["page"] for loc in data["locations"]] == sorted(loc.source.page for loc in finding.locations)
    assert {loc["value"] for loc in data["locations"]} >= {"XX", "保留该表格式"}


def test_the_sarif_result_of_the_template_carries_every_place():
    result = run("check", "--format", "sarif", "--select", "D-03", TEMPLATE)
    (sarif_result,) = json.loads(result.stdout)["runs"][0]["results"]
    assert sarif_result["ruleId"] == "D-03" and len(sarif_result["locations"]) == 110
    assert "relatedLocations" not in sarif_result  # each place is one found wrong, none a compared one
    assert sarif_result["message"]["text"].startswith("共 110 处模板文字")


def test_the_text_report_folds_the_places_and_does_not_call_them_cells():
    result = run("check", "--select", "D-03", TEMPLATE)
    assert result.stdout.count("D-03") == 1
    assert "…另 106 处（--verbose 显示全部）" in result.stdout


def test_a_single_placeholder_keeps_the_rules_own_message(tmp_path):
    disclosure = tmp_path / "one.txt"
    disclosure.write_text("XX局2023年度部门决算\n", encoding="utf-8")
    (finding,) = check([disclosure], select_ids=["D-03"]).findings
    assert finding.message == "文中残留模板文字“XX局”" and len(finding.locations) == 1


# -- formulas without cached values (N-03) ----------------------------------------------------------

def _uncached_workbook(path, formulas):
    """公开03表 whose 本年支出合计 cells are formulas: openpyxl saves them without cached values."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "公开03表"
    sheet.append(["支出决算表"])
    sheet.append(["项目", "", "本年支出合计", "基本支出", "项目支出"])
    sheet.append(["科目编码", "科目名称", "", "", ""])
    sheet.append(["", "栏次", 1, 2, 3])
    for n in range(formulas):
        row = sheet.max_row + 1
        sheet.append([f"20103{n + 1:02d}", f"事务{n + 1}", f"=D{row}+E{row}", 10.5, 1.25])
        for column in "DE":
            sheet[f"{column}{row}"].number_format = "#,##0.00"
    book.save(path)
    return path


def test_a_table_of_uncached_formulas_is_one_finding_with_every_cell_and_the_save_hint(tmp_path):
    workbook = _uncached_workbook(tmp_path / "uncached.xlsx", 7)
    report = check([workbook])
    (finding,) = [f for f in report.findings if f.rule.startswith("N-")]
    assert finding.rule == "N-03"
    assert [loc.source.cell for loc in finding.locations] == [f"C{row}" for row in range(5, 12)]
    assert finding.message.startswith("支出决算表中有 7 个公式单元格没有保存计算结果：“=D5+E5”（公开03表!C5）、")
    assert SAVE_HINT in finding.hint and "千分位" not in finding.hint
    assert len(report.to_dict()["findings"][0]["locations"]) == 7


def test_every_uncached_formula_is_marked_as_found_wrong_in_the_annotated_copy(tmp_path):
    workbook = _uncached_workbook(tmp_path / "uncached.xlsx", 7)
    report = check([workbook], select_ids=["N-03"])
    annotate_workbook(workbook, report.findings, tmp_path / "annotated.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "annotated.xlsx")["公开03表"]
    fills = {sheet[f"C{row}"].fill.fill_type for row in range(5, 12)}
    assert fills == {"solid"}  # the judged cell's fill; a compared cell is striped (lightUp)
    assert all("本格为问题所在" in sheet[f"C{row}"].comment.text for row in range(5, 12))


def test_the_43_uncached_formulas_of_seed_002_are_one_finding_per_table_and_no_n01():
    report = check([NO_CACHE_WORKBOOK])
    assert [(f.rule, f.locations[0].table, len(f.locations)) for f in report.findings] == [
        ("N-03", "公开02表", 20), ("N-03", "公开03表", 19), ("N-03", "公开09表", 4)]


def test_n01_keeps_its_own_cause_and_hint():
    report = check([FIXTURES / "seed000.txt"], select_ids=["N-01"])
    (rule,) = [r for r in report.rules.values() if r.id == "N-01"]
    assert "千分位" in rule.hint and "公式" not in rule.hint


def test_every_cell_of_a_grouped_example_is_marked_as_found_wrong():
    (rule,) = [r for r in builtin_rules() if r.id == "N-03"]
    (row,) = [line for line in explain(rule).splitlines() if "本年收入合计" in line and "=SUM" in line]
    assert row.count("▲") == 2 and "△" not in row


def test_a_formula_written_in_a_structured_document_is_a_formula_without_its_value(tmp_path):
    document = tmp_path / "formula.yaml"
    document.write_text(
        "tables:\n"
        "  - title: 收入支出决算总表\n"
        "    grid:\n"
        "      - [项目, 行次, 决算数]\n"
        "      - [一、一般公共预算财政拨款收入, 1, \"2,587.46\"]\n"
        "      - [本年收入合计, 27, \"=SUM(C2:C2)\"]\n", encoding="utf-8")
    (finding,) = check([document], select_ids=["N"]).findings
    assert finding.rule == "N-03" and finding.locations[0].value == "=SUM(C2:C2)"


# -- scanned pages without the ocr extra (D-04) -----------------------------------------------------

def test_a_scan_without_the_extra_is_one_finding_naming_every_page_and_the_install_command(without_the_ocr_extra):
    (finding,) = check([SCANNED]).findings
    assert finding.rule == "D-04"
    assert finding.message == "第1–13页为扫描图像，无文字层，无法读取其中的表格（共 13 页）"
    assert [loc.source.page for loc in finding.locations] == list(range(1, 14))
    assert pdf_ocr.INSTALL_HINT in finding.hint


def test_the_pages_with_text_are_still_read_beside_the_scanned_ones(tmp_path, without_the_ocr_extra):
    text_pages, mixed = tmp_path / "text.pdf", tmp_path / "mixed.pdf"
    for target, scanned in ((text_pages, False), (mixed, True)):
        pdf = pdfium.PdfDocument.new()
        pdf.import_pages(pdfium.PdfDocument(TEXT_PDF), [0, 1])
        if scanned:
            pdf.import_pages(pdfium.PdfDocument(FIXTURES / "seed002" / "scanned_two_pages.pdf"))
        pdf.save(target)
    alone, beside = check([text_pages]), check([mixed])
    assert beside.files[0].tables == alone.files[0].tables != []
    (unread,) = [f for f in beside.findings if f.rule == "D-04"]
    assert unread.message.startswith("第3、4页为扫描图像") and [loc.source.page for loc in unread.locations] == [3, 4]


def test_parse_of_a_scan_without_the_extra_says_so_on_stderr_and_exits_1(without_the_ocr_extra):
    result = run("parse", SCANNED)
    assert result.exit_code == 1
    assert "第1–13页为扫描图像" in result.stderr and pdf_ocr.INSTALL_HINT in result.stderr
    assert result.stdout.startswith("format: budgetlint-document/1")


def test_parse_of_a_text_pdf_exits_0_with_nothing_on_stderr():
    result = run("parse", TEXT_PDF)
    assert (result.exit_code, result.stderr) == (0, "")


# -- the rule key ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("pages", "text"), [
    ([1, 2, 3, 4], "1–4"), ([1, 2], "1、2"), ([2, 5, 7, 8, 9], "2、5、7–9"), ([3, 3, None], "3"), ([], "")])
def test_pages_are_named_as_runs(pages, text):
    assert page_ranges(pages) == text


def test_a_group_message_with_an_unknown_placeholder_is_a_rule_file_error():
    rule = """rules:
  - id: MY-01
    title: 模板文字
    severity: warning
    basis: 本单位要求
    description: 不得残留模板文字。
    message: "文中残留“{text}”"
    check: {kind: text_pattern, patterns: ["XX"]}
    group: {by: file, message: "共 {count} 处：{texts}"}
    examples:
      pass: [{name: 无, text: [本单位]}]
      fail: [{name: 有, text: [XX局]}]
"""
    with pytest.raises(RuleError, match="texts"):
        load_rule_file("my.yaml", rule)


# -- one wrong figure shared by two sums in prose (C-01) --------------------------------------------

def test_a_figure_wrong_in_a_sum_and_in_the_sum_around_it_is_one_finding(tmp_path):
    # 80 should be 90: the inner sum (50 + 40) and the outer one (80 + 20 = 110) both fail because of it
    text = tmp_path / "nested.txt"
    text.write_text("情况说明\n项目总面积约为110平方米，其中地上面积为80平方米（其中办公面积50平方米，"
                    "设备面积40平方米），地下面积为20平方米。\n", encoding="utf-8")
    (finding,) = check([text], select_ids=["C-01"]).findings
    assert "“地上面积”为 80" in finding.message and "“项目总面积”为 110" in finding.message
    assert "共用“80平方米”" in finding.message
    figures = [place.value for place in finding.locations if len(place.value) < 8]
    assert figures == ["110平方米", "80平方米", "20平方米", "50平方米", "40平方米"]


def test_two_wrong_sums_without_a_shared_figure_stay_two_findings(tmp_path):
    text = tmp_path / "apart.txt"
    text.write_text("情况说明\n项目总面积为110平方米，其中地上面积80平方米，地下面积20平方米。\n"
                    "办公面积为60平方米，其中东楼30平方米，西楼20平方米。\n", encoding="utf-8")
    assert len(check([text], select_ids=["C-01"]).findings) == 2


def test_rounding_tails_shown_on_request_are_no_mistake_and_are_not_joined(tmp_path):
    # 110.01 ≈ 80.00 + 30.00 and 80.00 ≈ 50.01 + 29.98: two tails sharing 80.00, neither an error
    text = tmp_path / "tails.txt"
    text.write_text("情况说明\n项目总额为110.01万元，其中甲项80.00 万元（其中办公50.01万元，设备29.98万元），"
                    "乙项30.00万元。\n", encoding="utf-8")
    tails = check([text], select_ids=["C-01"], show_rounding=True).findings
    assert [f.severity for f in tails] == ["info", "info"]
    assert not any("同一处错误" in f.message for f in tails)


# -- a 自评表 row listed twice breaks 分值 and 得分 alike: SE-09 folded into SE-08 (same_mistake_as) ------

def _self_evaluation_findings(example_of: str, name: str):
    from validator.engine import Engine
    from validator.examples import example_document

    rules = {rule.id: rule for rule in builtin_rules()}
    (example,) = [e for e in rules[example_of].spec.examples.failing if e.name == name]
    document = example_document(rules[example_of], example)
    return Engine([rules["SE-08"], rules["SE-09"]], rules["SE-08"].catalogue).run(document)[0]


def test_a_table_failing_both_sums_is_one_finding_naming_the_row_listed_twice():
    # 满意度指标 listed twice: 分值 add up to 105 and 得分 to 105, against 100 and 100
    (finding,) = _self_evaluation_findings("SE-08", "满意度指标重复列出，分值合计 105")
    assert finding.rule == "SE-08" and finding.culprit.rules == ("SE-08", "SE-09")
    assert "各项分值之和为 105" in finding.message and "各项得分之和为 105" in finding.message
    # the culprit (validator.culprits) is the place found wrong; both totals are its evidence
    assert [(place.row, place.column) for place in finding.locations[:finding.judged]] == \
        [("满意度指标/服务对象满意度指标/单位职工满意度", "分值")]
    assert {("总分", "分值"), ("总分", "得分")} <= {(place.row, place.column) for place in finding.locations}


def test_a_table_failing_only_its_scores_keeps_its_own_finding():
    (finding,) = _self_evaluation_findings("SE-09", "总分按 99.89 填报")  # its 分值 add up to 100
    assert finding.rule == "SE-09"


def test_same_mistake_as_must_name_a_rule(tmp_path):
    text = (Path(__file__).parent.parent / "rules" / "self_evaluation.yaml").read_text(encoding="utf-8")
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("same_mistake_as: SE-08", "same_mistake_as: SE-88"), encoding="utf-8")
    with pytest.raises(RuleError, match="same_mistake_as 指的规则 SE-88 不存在"):
        load_rules([path])


def test_a_merged_message_quotes_the_text_without_the_spaces_a_pdf_puts_around_figures(tmp_path):
    text = tmp_path / "说明.txt"
    text.write_text("2024 年度收入支出总计 307.82 万元，与 2023 年度相比增加 307.82 万元，增长100.00%。\n"
                    "机关运行经费支出 12.00 万元，比上年增加 12.00 万元，增长100%。\n", encoding="utf-8")
    (finding,) = check([text], select_ids=["C-17"]).findings
    assert "“2024年度收入支出总计307.82万元，与2023年度相比增加307.82万元，增长100.00%”" in finding.message
