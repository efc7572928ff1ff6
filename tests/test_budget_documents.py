"""Budget disclosures (预算): what kind of document a file is, how its tables are read, and the budget
rules on small made-up documents (issue 15)."""

from pathlib import Path

import yaml

from validator import api
from validator.catalogue import builtin_catalogue
from validator.document_kind import classify
from validator.model import Document, Source, Table, TextLine
from validator.readers import read_document
from validator.readers.tables import GridCell, RawTable, build_grid_table

# The function-class table as Shanghai prints it: the code in three columns 类/款/项
FUNCTION_HEADER = [
    ["项目", "", "", "", "一般公共预算支出", "", ""],
    ["功能分类科目编码", "", "", "功能分类科目名称", "合计", "基本支出", "项目支出"],
    ["类", "款", "项", "", "", "", ""],
]


def _write(tmp_path: Path, tables: list[dict], text: list[str] = (), name: str = "budget.yaml") -> Path:
    path = tmp_path / name
    document = {"format": "budgetlint-document/1", "tables": tables, "text": list(text)}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def _table(kind: str | None, title: str) -> Table:
    return Table(kind, title, None, [], [], Source())


def _document(titles_and_kinds=(), text=()) -> Document:
    return Document("x", "text", [_table(k, t) for t, k in titles_and_kinds],
                    [TextLine(line, Source(line=i + 1)) for i, line in enumerate(text)])


# -- document kind ----------------------------------------------------------------------------------

def test_a_shanghai_unit_budget_is_told_by_its_cover():
    document = _document([("2025年预算单位财务收支预算总表", "B1")],
                         ["上海市普陀区2025年区级单位预算", "预算单位：上海市普陀区人民政府办公室"])
    assert classify(document, builtin_catalogue()) == "单位预算"


def test_a_department_budget_whose_contents_mention_its_units_is_a_department_budget():
    document = _document([("收支预算总表", "B1")], ["目 录", "二、部门机构设置及预算单位构成情况", "2019 年度部门预算"])
    assert classify(document, builtin_catalogue()) == "部门预算"


def test_without_a_cover_the_titles_tell_the_level():
    assert classify(_document([("2025年预算单位收入预算总表", "B2")]), builtin_catalogue()) == "单位预算"
    assert classify(_document([("2025年部门收入预算总表", "B2")]), builtin_catalogue()) == "部门预算"
    assert classify(_document([("收入预算总表", "B2")]), builtin_catalogue()) == "预算"


def test_final_accounts_are_told_by_their_tables_though_their_prose_speaks_of_budgets():
    document = _document([("收入支出决算总表", "T1")], ["2024 年度部门决算", "年初预算为 100 万元，部门预算执行率 98%"])
    assert classify(document, builtin_catalogue()) == "部门决算"


def test_a_report_that_only_mentions_budgets_in_its_body_is_neither():
    document = _document([], ["2022 年度住建局部门整体评价", "项目概况", "本年部门预算安排 100 万元"])
    assert classify(document, builtin_catalogue()) is None


def test_a_final_accounts_title_inside_a_budget_is_no_standard_table_of_it(tmp_path):
    path = _write(tmp_path, [
        {"title": "2025年部门收入预算总表", "grid": [["项目", "合计"], ["合计", "1.00"]]},
        {"title": "2025年部门支出预算总表", "grid": [["项目", "合计"], ["合计", "1.00"]]},
        {"title": "收入决算表", "grid": [["项目", "本年收入合计"], ["合计", "1.00"]]},
    ])
    document = read_document(path, builtin_catalogue())
    assert document.kind == "部门预算"
    assert [t.kind for t in document.tables] == ["B2", "B3", None]


def test_the_report_says_which_kind_it_found(tmp_path):
    path = _write(tmp_path, [{"title": "2025年部门收入预算总表", "grid": [["项目", "合计"], ["合计", "1.00"]]}])
    report = api.check([path])
    assert report.to_dict()["files"][0]["document_kind"] == "部门预算"


def test_final_accounts_rules_do_not_apply_to_a_budget_nor_budget_rules_to_final_accounts(tmp_path):
    budget = _write(tmp_path, [{"title": "2025年部门收入预算总表", "grid": [["项目", "合计"], ["合计", "1.00"]]}])
    final = _write(tmp_path, [{"title": "收入决算表", "grid": [["项目", "本年收入合计"], ["合计", "1.00"]]}], name="final.yaml")
    report = api.check([budget, final])
    skipped = {(Path(s.file).name, s.rule[:1]) for s in report.skipped}
    assert ("budget.yaml", "T") not in skipped and ("budget.yaml", "B") in skipped
    assert ("final.yaml", "B") not in skipped and ("final.yaml", "T") in skipped


# -- reading budget tables ---------------------------------------------------------------------------

def _read_one(tmp_path, title, grid, notes=()):
    path = _write(tmp_path, [{"title": title, "grid": grid, **({"notes": list(notes)} if notes else {})}])
    (table,) = read_document(path, builtin_catalogue()).tables
    return table


def test_a_code_printed_in_three_columns_is_one_code(tmp_path):
    table = _read_one(tmp_path, "2025年部门一般公共预算支出功能分类预算表", [
        *FUNCTION_HEADER,
        ["201", "", "", "一般公共服务支出", "10.00", "4.00", "6.00"],
        ["201", "03", "", "政府办公厅（室）及相关机构事务", "10.00", "4.00", "6.00"],
        ["201", "03", "01", "行政运行", "10.00", "4.00", "6.00"],
        ["合计", "", "", "", "10.00", "4.00", "6.00"],
    ])
    assert [(r.code, r.label) for r in table.rows] == [
        ("201", "一般公共服务支出"), ("20103", "政府办公厅（室）及相关机构事务"), ("2010301", "行政运行"), (None, "合计")]
    assert [c.role for c in table.columns] == ["code", "code", "code", "label", "amount", "amount", "amount"]


def test_a_two_digit_part_printed_as_a_number_keeps_its_leading_zero(tmp_path):
    table = _read_one(tmp_path, "2024年部门一般公共预算基本支出部门预算经济分类预算表", [
        ["项目", "", "", "一般公共预算基本支出", "", ""],
        ["部门预算经济分类科目编码", "", "经济分类科目名称", "合计", "人员经费", "公用经费"],
        ["类", "款", "", "", "", ""],
        ["301", "", "工资福利支出", "16,623,810", "16,623,810", "0"],
        ["301", "2", "津贴补贴", "16,623,810", "16,623,810", "0"],
    ])
    assert [r.code for r in table.rows] == ["301", "30102"]


def test_codes_under_no_header_are_codes_and_a_gap_column_is_not_an_amount(tmp_path):
    table = _read_one(tmp_path, "一般公共预算支出预算表", [
        ["", "功能科目代码", "功能科目名称", "金额"],
        ["", "", "合计", "28,849.38"],
        ["204", "", "公共安全支出", "28,849.38"],
    ])
    assert [(r.code, r.label) for r in table.rows] == [(None, "合计"), ("204", "公共安全支出")]
    assert [c.role for c in table.columns if c.role == "amount"] == ["amount"]


def test_a_note_printed_in_the_last_row_of_a_table_is_its_note(tmp_path):
    table = _read_one(tmp_path, "财政拨款政府性基金支出预算表", [
        ["功能科目代码", "功能科目名称", "金额"],
        ["", "合计", ""],
        ["注：本部门无相关收支项目", "", ""],
    ])
    assert [n.text for n in table.notes] == ["注：本部门无相关收支项目"]
    assert all("注" not in r.label for r in table.rows)


def _cell(text, x0, x1, y0, y1, page=12):
    return GridCell(text, Source(page=page, bbox=(x0, y0, x1, y1)))


def test_a_box_drawn_inside_a_total_rows_cells_splits_neither_its_column_nor_its_row():
    # 公开07表 of a Jiangsu budget: the 合计 and 类 rows are framed again inside their cells, so their
    # amounts fall in a grid column and a grid row of their own
    blank = GridCell("", Source(page=12))
    raw = RawTable("一般公共预算支出预算表（功能科目）", Source(page=12), [
        [_cell("功能科目编码", 62, 204, 140, 170), _cell("功能科目名称", 204, 388, 140, 170), _cell("金额", 388, 537, 140, 170), blank],
        [blank, _cell("合计", 68, 383, 177, 190), blank, _cell("37,188.34", 394, 532, 177, 190)],
        [_cell("204", 62, 204, 198, 227), _cell("公共安全支出", 204, 388, 198, 227), blank, blank],
        [blank, blank, blank, _cell("37,188.34", 394, 532, 206, 219)],
        [_cell("20405", 62, 204, 227, 245), _cell("法院", 204, 388, 227, 245), _cell("37,188.34", 388, 537, 227, 245), blank],
    ])
    table = build_grid_table(raw, "B5")
    assert [c.role for c in table.columns] == ["code", "label", "amount"]
    assert [(r.code, r.label, [c.text for c in r.cells.values()]) for r in table.rows] == [
        (None, "合计", ["37,188.34"]), ("204", "公共安全支出", ["37,188.34"]), ("20405", "法院", ["37,188.34"])]


# -- the budget rules on a whole made-up document ---------------------------------------------------

def test_a_row_whose_total_repeats_its_basic_expenditure_is_found_in_both_tables_that_carry_it(tmp_path):
    # The mistake reviewers found in a published 单位预算: 合计 = 基本支出 while a 项目支出 is printed beside
    # it, in the 支出预算总表 and again in the 一般公共预算支出功能分类预算表
    rows = [["201", "03", "01", "行政运行", "11,919,501.84", "11,919,501.84", "110,000.00"]]
    header = [[*FUNCTION_HEADER[0][:4], "支出预算", "", ""], *FUNCTION_HEADER[1:]]
    path = _write(tmp_path, [
        {"title": "2025年预算单位支出预算总表", "grid": [*header, *rows]},
        {"title": "2025年预算单位一般公共预算支出功能分类预算表", "grid": [*FUNCTION_HEADER, *rows]},
    ])
    report = api.check([path], select_ids=["B3-01", "B5-01"])
    places = [(f.rule, f.locations[0].table_title, f.locations[0].code, f.locations[0].column) for f in report.findings]
    assert places == [("B3-01", "2025年预算单位支出预算总表", "2010301", "支出预算/合计"),
                      ("B5-01", "2025年预算单位一般公共预算支出功能分类预算表", "2010301", "一般公共预算支出/合计")]


# -- the rule list ------------------------------------------------------------------------------------

def test_the_rule_list_groups_rules_by_the_kind_of_document_they_check():
    from validator.explain import listing
    from validator.ruleset import builtin_rules

    lines = listing(builtin_rules()).splitlines()
    final, budget, common = (lines.index(h) for h in ("决算公开（部门决算、单位决算）", "预算公开（部门预算、单位预算）", "各类公开通用"))
    assert final < budget < common

    def group_of(rule_id):
        at = next(i for i, line in enumerate(lines) if line.startswith(rule_id + " "))
        return max(h for h in (final, budget, common) if h < at)

    assert {group_of(r) for r in ("T1-01", "X-20", "D-01", "NR-06", "SE-08")} == {final}
    assert {group_of(r) for r in ("B1-01", "B5-01", "BX-07", "BD-01")} == {budget}
    assert {group_of(r) for r in ("D-03", "C-01", "N-01")} == {common}


def test_a_short_total_row_continued_on_the_next_page_is_placed_by_where_its_cells_start():
    # 支出预算总表 of a Shanghai budget: its 合计 row alone on the next page, the label merged across the
    # three code columns and the name column, so the row has four cells for seven columns
    raw = RawTable("2024年部门支出预算总表", Source(page=19), [
        [_cell("功能分类科目编码", 55, 168, 60, 80, 19), GridCell("", Source(page=19)), GridCell("", Source(page=19)),
         _cell("功能分类科目名称", 168, 433, 60, 80, 19), _cell("合计", 433, 553, 60, 80, 19),
         _cell("基本支出", 553, 666, 60, 80, 19), _cell("项目支出", 666, 786, 60, 80, 19)],
        [_cell("221", 55, 92, 464, 489, 19), _cell("03", 92, 130, 464, 489, 19), _cell("99", 130, 168, 464, 489, 19),
         _cell("其他城乡社区住宅支出", 168, 433, 464, 489, 19), _cell("2,177,200", 433, 553, 464, 489, 19),
         _cell("0", 553, 666, 464, 489, 19), _cell("2,177,200", 666, 786, 464, 489, 19)],
        [_cell("合计", 55, 433, 71, 95, 20), _cell("2,177,200", 433, 553, 71, 95, 20),
         _cell("0", 553, 666, 71, 95, 20), _cell("2,177,200", 666, 786, 71, 95, 20)],
    ])
    total = build_grid_table(raw, "B3").rows[-1]
    assert total.label == "合计"
    assert [c.text for c in total.cells.values()] == ["2,177,200", "0", "2,177,200"]
