"""Documents checked together: each file's identity (unit and year from its cover), the pairs that
are compared (部门 and 单位 of one year, one unit's consecutive years, a narrative and its tables
published as two files), what is found between them (naming both files), and what is never compared."""

from pathlib import Path

import yaml

from validator import api
from validator.document_identity import identify, matching_name
from validator.model import Document, Source, Table, TextLine
from validator.reporters import text_report

B1_GRID = [["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"],
           ["一、财政拨款收入", "{total}", "一、一般公共服务支出", "{total}"],
           ["收入总计", "{total}", "支出总计", "{total}"]]
B4_GRID = [["财政拨款收入", "", "财政拨款支出", "", "", "", ""],
           ["项目", "预算数", "项目", "合计", "一般公共预算", "政府性基金预算", "国有资本经营预算"],
           ["一、本年收入", "{total}", "一、一般公共服务支出", "{total}", "{total}", "", ""],
           ["收入总计", "{total}", "支出总计", "{total}", "{total}", "", ""]]
B9_GRID = [["合计", "“三公”经费", "", "", "", "", "会议费", "培训费"],
           ["", "小计", "因公出国（境）费", "公务用车购置及运行维护费", "", "公务接待费", "", ""],
           ["", "", "", "公务用车购置费", "公务用车运行维护费", "", "", ""],
           ["2,542.60", "833.60", "222.50", "0", "183.60", "427.50", "1,305.25", "403.75"]]


def _grid(grid, total):
    return [[cell.format(total=total) for cell in row] for row in grid]


def _write(path: Path, text, tables) -> Path:
    path.write_text(yaml.safe_dump({"format": "budgetlint-document/1", "text": text, "tables": tables},
                                   allow_unicode=True), encoding="utf-8")
    return path


def _budget(path: Path, level: str, year: int, unit: str, total: str, extra_text=()) -> Path:
    cover = [f"上海市普陀区{year}年区级{level}预算", f"{'预算主管部门' if level == '部门' else '预算单位'}：{unit}"]
    tables = [{"title": f"{year}年{level}财务收支预算总表", "meta": {"金额单位": "元"}, "grid": _grid(B1_GRID, total)},
              {"title": f"{year}年{level}财政拨款收支预算总表", "meta": {"金额单位": "元"}, "grid": _grid(B4_GRID, total)}]
    return _write(path, [*cover, *extra_text], tables)


def _between(report):
    return [f for f in report.findings if f.rule.startswith("XD") or any(loc.file for loc in f.locations)]


def test_the_unit_and_department_budgets_of_one_unit_and_year_are_paired_and_compared(tmp_path):
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00", ["本部门预算包括甲局本部以及下属1家预算单位的综合收支计划。"])
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "800.00")
    report = api.check([department, unit])
    assert report.compared == [{"relation": "部门与单位", "files": [str(department), str(unit)],
                                "identity": "上海市普陀区甲局 2025年"}]
    assert [f.document_identity for f in report.files] == [{"unit": "上海市普陀区甲局", "year": 2025, "year_from": "封面"}] * 2
    assert _between(report) == []
    assert f"对照：{department} 与 {unit}（上海市普陀区甲局 2025年，部门预算与单位预算）" in text_report.render(report)


def test_a_unit_budget_above_its_department_budget_is_reported_naming_both_files(tmp_path):
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00")
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "1,200.00")
    findings = _between(api.check([department, unit]))
    assert {f.rule for f in findings} == {"XD-01"}
    first = next(f for f in findings if "收入总计" in f.message)
    assert first.file == str(unit)
    assert str(unit) in first.message and str(department) in first.message
    assert "1,200.00" in first.message and "1,000.00" in first.message
    assert [(loc.file, loc.row, loc.value) for loc in first.locations] == [
        (str(unit), "收入总计", "1,200.00"), (str(department), "收入总计", "1,000.00")]


def test_a_department_of_one_unit_must_equal_it(tmp_path):
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00", ["本部门预算包括甲局本部以及下属0家预算单位的综合收支计划。"])
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "800.00")
    findings = _between(api.check([department, unit]))
    assert findings and all("应相等" in f.message for f in findings)


def test_a_year_on_year_statement_is_checked_against_the_year_before(tmp_path):
    earlier = _budget(tmp_path / "2024.yaml", "部门", 2024, "上海市普陀区甲局", "9,000,000.00")
    statement = "2025年，上海市普陀区甲局收入预算1107.62万元，其中：财政拨款收入1107.62万元，比2024年预算增加107.62万元。"
    later = _write(tmp_path / "2025.yaml", ["上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区甲局", statement], [])
    report = api.check([earlier, later])
    assert report.compared[0]["relation"] == "上下年"
    [finding] = _between(report)
    assert finding.rule == "XD-11" and finding.file == str(later)
    assert "1,000.00" in finding.message.replace("1000.00", "1,000.00") and "900.00" in finding.message
    assert finding.locations[0].file == str(later) and finding.locations[-1].file == str(earlier)
    assert finding.locations[-1].value == "9,000,000.00"

    consistent = _budget(tmp_path / "2024.yaml", "部门", 2024, "上海市普陀区甲局", "10,000,000.00")
    assert _between(api.check([consistent, later])) == []


def test_a_year_before_s_budget_stated_as_the_base_is_checked_against_it(tmp_path):
    earlier = _budget(tmp_path / "2024.yaml", "部门", 2024, "上海市普陀区甲局", "9,000,000.00")
    statement = "2024年财政拨款收入预算数为1000.00万元，2025年财政拨款收入预算数为1107.62万元，比2024年财政拨款收入预算数增加10.76%。"
    later = _write(tmp_path / "2025.yaml", ["上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区甲局", statement], [])
    [finding] = _between(api.check([earlier, later]))
    assert finding.rule == "XD-11" and "1,000.00" in finding.message and "900.00" in finding.message


def test_a_comparison_with_the_year_before_s_execution_is_not_compared_with_its_budget(tmp_path):
    earlier = _budget(tmp_path / "2024.yaml", "部门", 2024, "上海市普陀区甲局", "9,000,000.00")
    statement = "财政拨款收入1107.62万元，比2024年预算执行数增加107.62万元。"
    later = _write(tmp_path / "2025.yaml", ["上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区甲局", statement], [])
    report = api.check([earlier, later])
    assert _between(report) == []
    assert [s.reason for s in report.skipped if s.rule == "XD-11"] == [f"{later}中没有与上年预算比较的表述"]


def test_a_narrative_and_its_tables_in_two_files_are_checked_as_one_disclosure(tmp_path):
    narrative = _write(tmp_path / "说明.yaml", ["江苏省甲厅2018年度部门预算公开", "目录",
                                               "因公出国（境）费支出222.5万元，占“三公”经费的8.75%。" + "说明。" * 200], [])
    tables = _write(tmp_path / "报表.yaml", [], [
        {"title": "2018年“三公”经费、会议费、培训费支出预算表", "meta": {"单位": "江苏省甲厅", "金额单位": "万元"},
         "grid": B9_GRID}])
    report = api.check([narrative, tables])
    assert report.compared == [{"relation": "说明与报表", "files": [str(narrative), str(tables)],
                                "identity": "江苏省甲厅 2018年"}]
    [finding] = _between(report)
    assert finding.rule == "NB-01" and finding.file == str(narrative)
    assert {loc.file for loc in finding.locations} == {str(narrative), str(tables)}
    assert not [f for f in api.check([narrative]).findings if f.rule == "NB-01"]  # alone it has no table to check


def test_a_document_without_unit_or_year_is_compared_with_none_and_the_report_says_so(tmp_path):
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00")
    nameless = _write(tmp_path / "单位.yaml", ["2025年区级单位预算"],
                      [{"title": "2025年单位财务收支预算总表", "grid": _grid(B1_GRID, "1,200.00")}])
    report = api.check([department, nameless])
    assert report.compared == [] and _between(report) == []
    assert report.files[1].document_identity is None
    assert f"未能从封面识别单位和年度，未与其他文件对照：{nameless}" in text_report.render(report)


def test_an_unreadable_file_does_not_stop_the_others_being_compared(tmp_path):
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00")
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "1,200.00")
    report = api.check([department, broken, unit])
    assert [f.rule for f in report.findings if f.file == str(broken)] == ["READ-01"]
    assert [c["relation"] for c in report.compared] == ["部门与单位"]
    assert {f.rule for f in _between(report)} == {"XD-01"}


def test_files_checked_in_worker_processes_are_compared_alike(tmp_path):
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00")
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "1,200.00")
    alone, parallel = api.check([department, unit]), api.check([department, unit], jobs=2)
    assert parallel.to_dict() == alone.to_dict() and alone.compared


def test_a_bug_met_comparing_two_files_keeps_the_report_and_counts_as_an_internal_error(tmp_path, monkeypatch):
    import validator.cross_documents

    def broken(*args):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(validator.cross_documents, "evaluate", broken)
    department = _budget(tmp_path / "部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00")
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "1,200.00")
    report = api.check([department, unit])
    assert report.internal_errors() == 1 and report.files[1].internal_error
    assert any("对照时出现内部错误（ZeroDivisionError: boom）" in s.reason for s in report.skipped)


def test_one_file_alone_compares_nothing_and_says_nothing_about_it(tmp_path):
    unit = _budget(tmp_path / "单位.yaml", "单位", 2025, "上海市普陀区甲局", "800.00")
    report = api.check([unit])
    assert report.compared is None and "compared" not in report.to_dict()


def _document(*lines, tables=()):
    return Document("x.pdf", "pdf", list(tables), [TextLine(line, Source(page=1)) for line in lines])


def test_identity_is_read_from_the_cover_title_or_its_labelled_lines():
    assert identify(_document("普陀区万里街道办事处2024年部门预算", "目 录")).unit == "普陀区万里街道办事处"
    jiangsu = identify(_document("江苏省人民代表大会常务委员会办公厅2017年部门预算"))
    assert (jiangsu.unit, jiangsu.year) == ("江苏省人民代表大会常务委员会办公厅", 2017)
    assert matching_name(jiangsu.unit) == matching_name("江苏省人大常委会办公厅")
    assert matching_name("中国共产党江苏省委员会办公厅") == matching_name("江苏省委办公厅")
    broken = identify(_document("2018 年度江苏省高级", "人民法院预算公开"))
    assert (broken.unit, broken.year) == ("江苏省高级人民法院", 2018)
    labelled = identify(_document("上海市普陀区2025年区级部门预算", "预算主管部门：上海市普陀区商务委员会"))
    assert (labelled.unit, labelled.year) == ("上海市普陀区商务委员会", 2025)


def test_identity_is_not_guessed():
    assert identify(_document("上海市普陀区2025年区级部门预算")) is None  # a region, not a unit
    assert identify(_document("上海市普陀区XX局2026年部门预算")) is None  # a template's placeholder
    table = Table("B1", "收支预算总表", None, [], [], Source(page=2), meta={"单位": "江苏省乙厅"})
    assert identify(_document("江苏省甲厅2018年度部门预算", tables=[table])) is None  # cover and tables disagree


def test_a_rule_comparing_documents_is_explained_with_each_example_document_and_its_finding():
    from validator.explain import explain
    from validator.ruleset import builtin_rules

    (rule,) = [r for r in builtin_rules() if r.id == "XD-11"]
    text = explain(rule)
    assert "〔2024年部门预算.yaml〕" in text and "〔2025年部门预算.yaml〕" in text
    assert "→ 2025年部门预算.yaml 写“财政拨款收入”，按增减额推得上年预算为 1,000.00，2024年部门预算.yaml 中为 900.00" in text
