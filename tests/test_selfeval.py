"""项目支出绩效自评表 (kind SE): every sheet of seed 002 read into fixed columns, whatever the extraction
did to its cells; rows that cannot be laid out without guessing are reported with their line; the
workbook and PDF copies of the disclosure give the same rows as expected.json."""

import dataclasses
import json
from decimal import Decimal

import pytest
from helpers import FIXTURES, SEED002, expected_rows, texts
from click.testing import CliRunner

from validator.catalogue import builtin_catalogue
from validator.cli import main
from validator.readers import read_document
from validator.readers.selfeval import COLUMNS

LINES = SEED002.read_text(encoding="utf-8").splitlines()
COLUMN = {name: index for index, name in enumerate(COLUMNS)}


@pytest.fixture(scope="module")
def sheets():
    return read_document(SEED002, builtin_catalogue()).tables_of("SE")


def by_name(sheets, project):
    (sheet,) = [s for s in sheets if s.meta["项目名称"] == project]
    return sheet


def at(line, text, occurrence=1):
    """(line, column) of the cell printed as `text` on a line of the seed (its n-th such cell)."""
    column, found = 1, 0
    for part in LINES[line - 1].split("\t"):
        found += part.strip() == text
        if found == occurrence:
            return line, column
        column += len(part) + 1
    raise AssertionError(f"no cell {text!r} on line {line}")


def where(cell):
    return cell.source.line, cell.source.column


def scores(sheet):
    """Σ分值, Σ得分 over the fund total, 资金管理 and indicator rows, and the printed 总分 (分值, 得分)."""
    counted = [r for r in sheet.rows if r.group in ("资金管理", "指标") or r.group == "资金" and r.key.startswith("年度资金总额")]
    weight = sum(r.cells[COLUMN["分值"]].amount.value for r in counted if COLUMN["分值"] in r.cells)
    score = sum(r.cells[COLUMN["得分"]].amount.value for r in counted if COLUMN["得分"] in r.cells)
    (total,) = [r for r in sheet.rows if r.group == "总分"]
    return weight, score, (total.cells[COLUMN["分值"]].text, total.cells[COLUMN["得分"]].text)


# -- the fourteen sheets ---------------------------------------------------------------------------

PROJECTS = [
    # 项目名称, title line, Σ分值, Σ得分, 总分 as printed
    ("综合救助专项-生活困难信访人临时救济金", 584, "100", "98.89", ("100", "98.89")),
    ("综合救助专项-特殊疑难信访问题专项资金（豫财行2022-108号2022年解决特殊疑难信访问题省级补助资金）（2022年结转）",
     613, "100", "98.95", ("100", "98.95")),
    # 单位职工满意度 is listed twice (under 生态效益指标 and 满意度指标): 5 points too many
    ("政府机关工作经费", 642, "105", "103.68", ("100", "99.21")),
    # the two 社会效益 sentences share one row and one 5, where sheet 5 gives each their own
    ("济源市智慧城市数据中枢平台", 685, "95", "93.95", ("100", "98.95")),
    ("新型智慧城市建设项目专家评审论证费", 721, "100", "98.95", ("100", "98.95")),
    ("政务公开、政务服务和大数据工作经费", 758, "100", "99.25", ("100", "99.25")),
    ("信访工作经费（含驻郑及驻京信访经费）", 791, "100", "98.77", ("100", "98.77")),
    ("综合救助专项-特殊疑难信访问题专项资金", 833, "100", "98.68", ("100", "98.68")),
    ("“豫事办”济源分厅建设项目", 863, "100", "99.21", ("100", "99.21")),
    ("AK替代工程监理服务费（豫财预2022-83号2022年河南省农业转移人口市民化奖励资金）（2022年结转）",
     903, "95", "93.95", ("100", "98.95")),
    ("信访信息系统维护经费", 950, "100", "98.06", ("100", "98.06")),
    ("驻村帮扶工作经费", 981, "100", "99.05", ("100", "99.05")),
    ("政务公开第三方咨询服务费", 1017, "100", "98.68", ("100", "98.68")),
    # its 年度资金总额 row cannot be laid out (see below), so its 10 points are not counted
    ("信访协调联络中心工作经费", 1052, "90", "88.75", ("100", "98.75")),
]


def test_all_fourteen_sheets_are_self_evaluations_with_their_project(sheets):
    assert [(s.meta["项目名称"], s.source.line) for s in sheets] == [p[:2] for p in PROJECTS]
    assert {s.title for s in sheets} == {"项目单位自评表"}
    assert {(s.meta["主管部门"], s.meta["实施单位"]) for s in sheets} == {("济源产城融合示范区管理委员会办公室",) * 2}


def test_fixed_columns(sheets):
    for sheet in sheets:
        assert [(c.index, c.name, c.role) for c in sheet.columns] == \
            [(i, name, "label" if i == 0 else "amount") for i, name in enumerate(COLUMNS)]


@pytest.mark.parametrize(("project", "line", "weight", "score", "total"), PROJECTS, ids=[p[0][:12] for p in PROJECTS])
def test_weights_and_scores_of_each_sheet(sheets, project, line, weight, score, total):
    assert scores(by_name(sheets, project)) == (Decimal(weight), Decimal(score), total)


def test_every_sheet_has_its_fund_management_indicator_and_total_blocks_in_order(sheets):
    order = ["资金", "资金管理", "指标", "总分"]
    for sheet in sheets:
        groups = [r.group for r in sheet.rows]
        assert sorted(groups, key=order.index) == groups, sheet.meta["项目名称"]
        assert [r.label for r in sheet.rows if r.group == "资金"] == \
            ["年度资金总额", "政府性预算资金", "财政专户管理资金", "单位资金"]
        assert [r.label for r in sheet.rows if r.group == "资金管理"] == \
            ["安排科学性", "拨付合规性", "使用规范性", "预算绩效管理情况"]
        assert [r.label for r in sheet.rows if r.group == "总分"] == ["总分"]


def test_fund_rows_of_the_first_sheet(sheets):
    sheet = sheets[0]
    fund = [(r.label, texts(r), r.source.line) for r in sheet.rows if r.group == "资金"]
    assert fund[:3] == [
        ("年度资金总额", {"年初预算数": "15", "全年预算数": "6.08", "全年执行数": "6.08", "分值": "10",
                           "执行率": "100", "得分": "10"}, 589),
        ("政府性预算资金", {"年初预算数": "15", "全年预算数": "6.08", "全年执行数": "6.08", "分值": "-",
                     "执行率": "100", "得分": "-"}, 590),
        ("财政专户管理资金", {"年初预算数": "0", "全年预算数": "0", "全年执行数": "0", "分值": "-",
                      "执行率": "0", "得分": "-"}, 591),
    ]
    total = sheet.rows[0]
    assert total.key == "年度资金总额"  # printed "年度资金总额（万元）：", named without its unit
    assert where(total.cells[COLUMN["全年执行数"]]) == at(589, "6.08", occurrence=2)
    assert total.cells[COLUMN["全年预算数"]].precision == 2  # "15" among "6.08": 15.00
    assert sheet.rows[1].cells[COLUMN["分值"]].is_blank


def test_indicator_rows_of_the_first_sheet(sheets):
    indicators = [(r.label, texts(r)) for r in sheets[0].rows if r.group == "指标"]
    assert indicators == [
        ("产出指标/数量指标/救济生活困难信访人数",
         {"年度指标值": "≥3人", "实际完成值": "3人", "分值": "10", "得分": "10", "偏差度": "0.00%"}),
        ("产出指标/质量指标/救济对象条件符合率",
         {"年度指标值": "100%", "实际完成值": "100%", "分值": "10", "得分": "10", "偏差度": "0.00%"}),
        ("产出指标/时效指标/救济金发放及时性",
         {"年度指标值": "及时", "实际完成值": "100%", "分值": "20", "得分": "20", "偏差度": "0.00%"}),
        ("效益指标/社会效益指标/生活困难信访人生活质量改善率",
         {"年度指标值": "≥90%", "实际完成值": "90%", "分值": "25", "得分": "25", "偏差度": "0.00%"}),
        ("满意度指标/服务对象满意度指标/信访群众满意度",
         {"年度指标值": "≥90%", "实际完成值": "70%", "分值": "5", "得分": "3.89", "偏差度": "-22.22%"}),
    ]


def test_targets_and_results_in_words_are_text_not_garbled_numbers(sheets):
    rows = {r.label: r for r in sheets[0].rows}
    quantity = rows["产出指标/数量指标/救济生活困难信访人数"]
    assert [quantity.cells[COLUMN[c]].parsed for c in ("年度指标值", "实际完成值")] == [None, None]  # ≥3人, 3人
    timely = rows["产出指标/时效指标/救济金发放及时性"]
    assert timely.cells[COLUMN["年度指标值"]].parsed is None  # 及时
    assert timely.cells[COLUMN["实际完成值"]].amount.value == 100
    assert not any(c.is_garbled for s in sheets for r in s.rows for c in r.cells.values())


def test_empty_indicator_placeholders_are_skipped(sheets):
    labels = [r.label for s in sheets for r in s.rows]
    assert not any(label.endswith(("指标/", "指标")) for label in labels if "/" in label)


def test_the_sheet_that_lists_a_satisfaction_indicator_twice(sheets):
    sheet = by_name(sheets, "政府机关工作经费")
    twice = [(r.label, texts(r)["分值"], texts(r)["得分"], r.source.line) for r in sheet.rows if r.label.endswith("单位职工满意度")]
    assert twice == [("效益指标/生态效益指标/单位职工满意度", "5", "4.47", 681),
                     ("满意度指标/服务对象满意度指标/单位职工满意度", "5", "4.47", 682)]


# -- shifted cells, merged cells and page breaks ---------------------------------------------------

def test_a_target_shifted_right_past_an_empty_cell_is_still_the_target(sheets):
    # 675: "\t常务会议召开及时性\t及时\t\t100%\t3\t3\t0.00%\t" (an empty cell between target and result)
    row = next(r for r in by_name(sheets, "政府机关工作经费").rows if r.label.endswith("常务会议召开及时性"))
    assert row.label == "产出指标/时效指标/常务会议召开及时性"  # 一级/二级 carried down from line 672
    assert where(row.cells[COLUMN["年度指标值"]]) == at(675, "及时")
    assert where(row.cells[COLUMN["实际完成值"]]) == at(675, "100%")
    assert texts(row)["分值"] == "3"


def test_a_label_shifted_into_the_first_column_keeps_its_block(sheets):
    # 679: "群众对政府工作满意度\t\t\t≥95%\t90%\t5\t4.74\t-5.26%\t…" printed where the 一级指标 stands
    row = next(r for r in by_name(sheets, "政府机关工作经费").rows if r.source.line == 679)
    assert row.label == "效益指标/社会效益指标/群众对政府工作满意度"
    assert texts(row) == {"年度指标值": "≥95%", "实际完成值": "90%", "分值": "5", "得分": "4.74", "偏差度": "-5.26%"}


def test_a_fund_row_shifted_left_is_placed_by_its_figures(sheets):
    # 799: "单位资金\t\t0\t0\t0\t-\t0\t-\t\t" starts one column left of the rows above it
    row = next(r for r in by_name(sheets, "信访工作经费（含驻郑及驻京信访经费）").rows if r.label == "单位资金")
    assert row.source.line == 799
    assert texts(row) == {"年初预算数": "0", "全年预算数": "0", "全年执行数": "0", "分值": "-", "执行率": "0", "得分": "-"}


def test_a_fund_header_missing_a_column_does_not_shift_the_figures(sheets):
    # 1021 prints 年初预算数, 全年执行数, 分值, 执行率, 得分 (全年预算数 lost); the rows still have six figures
    total = by_name(sheets, "政务公开第三方咨询服务费").rows[0]
    assert texts(total) == {"年初预算数": "35", "全年预算数": "34.05", "全年执行数": "34.05", "分值": "10",
                            "执行率": "100", "得分": "10"}


def test_a_target_and_result_with_empty_cells_between_them(sheets):
    # 890: "\t\t工程技术资料归档率\t100%\t\t\t100%\t3\t3\t0.00%\t\t"
    row = next(r for r in by_name(sheets, "“豫事办”济源分厅建设项目").rows if r.source.line == 890)
    assert row.label == "产出指标/质量指标/工程技术资料归档率"
    assert where(row.cells[COLUMN["实际完成值"]]) == at(890, "100%", occurrence=2)


def test_a_misprinted_first_level_and_a_page_break_keep_the_indicator_in_its_block(sheets):
    sheet = by_name(sheets, "AK替代工程监理服务费（豫财预2022-83号2022年河南省农业转移人口市民化奖励资金）（2022年结转）")
    rows = {r.source.line: r.label for r in sheet.rows}
    # 923: "数量指标\t\t数量指标\t\t安装调试杀毒软件…": the 一级 cell reads 数量指标; 数量指标 is an 产出指标
    assert rows[923] == "产出指标/数量指标/安装调试杀毒软件"
    # 932, after the page break: "绩效指标\t产出指标\t安装调试涉密专用计算机（便携式）…"
    assert rows[932] == "产出指标/数量指标/安装调试涉密专用计算机（便携式）"


def test_an_indicator_without_figures_is_kept_without_cells(sheets):
    row = next(r for r in by_name(sheets, "政务公开、政务服务和大数据工作经费").rows if r.source.line == 776)
    assert (row.label, row.cells) == ("成本指标/社会成本指标/项目质量可控性", {})


# -- rows that cannot be laid out ------------------------------------------------------------------

UNPLACEABLE = [
    # (line, what the row holds): one figure too few among 0 0 - 0 -
    (592, "单位资金 0 0 - 0 -"),
    (621, "单位资金 0 0 - 0 -"),
    (650, "单位资金 0 0 - 0 -"),
    (871, "单位资金 0 0 - 0 -"),
    # one cell too many between the label and 分值: 可控 100% 100% for target and result
    (881, "社会成本指标 项目质量可控性 可控 100% 100% 5 5 0.00%"),
    (911, "单位资金 0 0 - 0 -"),
    # 14.36 printed three times: seven figures for six columns
    (1057, "年度资金总额（万元）： 15 14.36 14.36 14.36 10 100 10"),
]


def test_every_row_that_cannot_be_laid_out_is_reported_with_its_line(sheets):
    problems = [(p.source.line, p.text) for s in sheets for p in s.problems]
    assert [(line, "无法确定该行各栏：" + text) for line, text in UNPLACEABLE] == \
        [p for p in problems if p[1].startswith("无法确定该行各栏")]
    assert [p for p in problems if not p[1].startswith("无法确定该行各栏")] == [
        (1069, "无法确定该行的二级指标：经济成本指标 社会成本指标 单位发放委托管理人员生活补贴标准 "
               "1450 元/人/月 1450 元/人/月 10 10 0.00%")]


def test_an_unplaceable_fund_row_keeps_its_label_and_only_the_cells_every_reading_agrees_on(sheets):
    row = next(r for r in sheets[0].rows if r.label == "单位资金")
    # 0 0 - 0 -: whichever amount is missing, the last three are 分值 -, 执行率 0, 得分 -; "-" may also be
    # a blank 全年执行数, so only 执行率 and 得分 are certain
    assert texts(row) == {"执行率": "0", "得分": "-"}
    assert where(row.cells[COLUMN["执行率"]]) == at(592, "0", occurrence=3)
    total = by_name(sheets, "信访协调联络中心工作经费").rows[0]
    assert (total.label, total.cells) == ("年度资金总额", {})


def test_an_unplaceable_indicator_keeps_its_scores_but_not_its_target_and_result(sheets):
    row = next(r for r in by_name(sheets, "“豫事办”济源分厅建设项目").rows if r.source.line == 881)
    assert row.label == "成本指标/社会成本指标/项目质量可控性"
    assert texts(row) == {"分值": "5", "得分": "5", "偏差度": "0.00%"}


def test_an_unclear_second_level_is_left_out_of_the_label(sheets):
    row = next(r for r in by_name(sheets, "信访协调联络中心工作经费").rows if r.source.line == 1069)
    assert row.label == "成本指标//单位发放委托管理人员生活补贴标准"
    assert texts(row)["分值"] == "10"


# -- the same disclosure as workbook and PDF -------------------------------------------------------

EXPECTED = json.loads((FIXTURES / "seed002" / "expected.json").read_text(encoding="utf-8"))["tables"]
FORMATS = ["final_accounts.xlsx", "final_accounts.xls", "final_accounts.pdf", "final_accounts_ttf.pdf"]


@pytest.mark.parametrize("name", FORMATS)
def test_workbook_and_pdf_sheets_give_the_rows_of_expected_json(name):
    sheets = read_document(FIXTURES / "seed002" / name, builtin_catalogue()).tables_of("SE")
    assert len(sheets) == 2
    for sheet, key in zip(sheets, ("自评表1", "自评表2"), strict=True):
        assert sheet.title == EXPECTED[key]["title"]
        assert sheet.meta["项目名称"] == EXPECTED[key]["rows"][0][2]
        assert [(r.group, r.label, texts(r)) for r in sheet.rows] == expected_rows(EXPECTED[key]["rows"])
        assert sheet.problems == []


@pytest.mark.parametrize("name", ["final_accounts.xlsx", "final_accounts.xls"])
def test_workbook_cells_point_at_their_sheet_and_cell(name):
    first = read_document(FIXTURES / "seed002" / name, builtin_catalogue()).tables_of("SE")[0]
    rows = {r.label: r for r in first.rows}
    budget = rows["年度资金总额"].cells[COLUMN["年初预算数"]].source
    assert (budget.sheet, budget.cell) == ("自评表1", "E6")
    score = rows["满意度指标/服务对象满意度指标/信访群众满意度"].cells[COLUMN["得分"]].source
    assert (score.sheet, score.cell) == ("自评表1", "H27")


@pytest.mark.parametrize("name", ["final_accounts.pdf", "final_accounts_ttf.pdf"])
def test_pdf_cells_know_their_page_and_a_wrapped_indicator_name_is_joined(name):
    sheets = read_document(FIXTURES / "seed002" / name, builtin_catalogue()).tables_of("SE")
    assert [s.source.page for s in sheets] == [12, 13]
    assert all(c.source.page == s.source.page and c.source.bbox for s in sheets for r in s.rows for c in r.cells.values())
    # the name overflows its row: "生活困难信访人生活质" is extracted with the 经济效益指标 row above
    (row,) = [r for r in sheets[0].rows if r.label.endswith("改善率")]
    assert row.label == "效益指标/社会效益指标/生活困难信访人生活质量改善率"
    assert texts(row)["分值"] == "25"


# -- parse output ----------------------------------------------------------------------------------

def test_parse_output_keeps_self_evaluations_whole(tmp_path):
    document = read_document(SEED002, builtin_catalogue())
    result = CliRunner().invoke(main, ["parse", str(SEED002), "--to", "yaml"])
    assert result.exit_code == 0, result.output
    parsed = tmp_path / "parsed.yaml"
    parsed.write_text(result.stdout, encoding="utf-8")
    again = read_document(parsed, builtin_catalogue())
    assert dataclasses.replace(again, path=document.path) == document
    sheets = again.tables_of("SE")
    assert [len(s.problems) for s in sheets] == [len(s.problems) for s in document.tables_of("SE")]
    assert {r.group for s in sheets for r in s.rows} == {"资金", "资金管理", "指标", "总分"}
    assert sheets[0].rows[8].cells[COLUMN["年度指标值"]].parsed is None  # ≥3人 read back as text
