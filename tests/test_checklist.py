"""The reviewer's check-sheet (`--format checklist`, `checklist-html`, `checklist-json`): one row per
part the document's kind requires, 是 or 否, the findings under the part they belong to; read back
from the written workbook as a reviewer's Excel would read it. The LibreOffice rendering is slow and
skips where soffice is not installed."""

import json
import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pypdfium2
import pytest
import yaml
from helpers import run

from validator.cli import BINARY_FORMATS, FORMATS
from validator.reporters import BINARY_REPORTERS

FIXTURES = Path(__file__).parent / "fixtures"
BUDGET = FIXTURES / "real" / "putuo-commerce-2025-unit-budget.pdf"  # 普陀区商务委员会 2025 单位预算
FINAL_ACCOUNTS = FIXTURES / "real" / "shanghai-putuo-social-work-dept-2024.pdf"  # 社会工作部 2024 部门决算
BUDGET_PARTS = ["封面", "目录", "主要职能", "机构设置", "名词解释", "预算编制说明", "财务收支预算总表", "收入预算总表",
                "支出预算总表", "财政拨款收支预算总表", "一般公共预算支出功能分类预算表", "政府性基金预算支出功能分类预算表",
                "国有资本经营预算支出功能分类预算表", "一般公共预算基本支出经济分类预算表", "“三公”经费和机关运行经费预算表",
                "其他相关情况说明"]
HEADER_ROW = 9  # 序号 检查内容 是否符合要求 存在问题 页码, under the title and the six lines of the header block


def written(tmp_path, *inputs, output_format="checklist", name="检查表.xlsx"):
    target = tmp_path / name
    result = run("check", *inputs, "--format", output_format, "-o", target)
    assert result.exit_code in (0, 1), result.output
    return target


def part_rows(sheet):
    """(序号, 检查内容, 是否符合要求, 存在问题, 页码) of every part row."""
    assert [c.value for c in sheet[HEADER_ROW]] == ["序号", "检查内容", "是否符合要求", "存在问题", "页码"]
    return [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]


def header_block(sheet):
    return {sheet.cell(row, 1).value: sheet.cell(row, 3).value for row in range(2, HEADER_ROW - 1)}


@pytest.fixture
def missing_terms(tmp_path):
    """A made-up 单位预算 whose 目录 lists 名词解释 but whose body has none."""
    lines = [(1, "上海市普陀区2025年区级单位预算"), (1, "预算单位：上海市普陀区某局"), (2, "目 录"),
             (2, "一、单位主要职能"), (2, "二、单位机构设置"), (2, "三、名词解释"), (2, "四、单位预算编制说明"),
             (3, "上海市普陀区某局主要职能"), (3, "主要职能包括：负责本区有关工作。"), (4, "上海市普陀区某局机构设置"),
             (4, "本单位内设办公室、业务科。"), (5, "2025年单位预算编制说明"), (5, "2025年，本单位收入预算100.00万元。")]
    path = tmp_path / "made-up-budget.yaml"
    path.write_text(yaml.safe_dump({"format": "budgetlint-document/1", "text": [
        {"text": text, "source": {"page": page}} for page, text in lines]}, allow_unicode=True), encoding="utf-8")
    return path


def test_a_complete_real_budget_has_one_row_per_part_all_met(tmp_path):
    book = openpyxl.load_workbook(written(tmp_path, BUDGET))
    assert book.sheetnames == ["检查表", "全部问题"]
    sheet = book["检查表"]
    assert sheet["A1"].value == "预算公开情况检查表"
    block = header_block(sheet)
    assert (block["文件"], block["单位"], block["年度"], block["类别"]) == (
        str(BUDGET), "上海市普陀区商务委员会", "2025", "单位预算")
    assert block["检查时间"] and block["budgetlint 版本"]
    rows = part_rows(sheet)
    assert [r[1] for r in rows] == BUDGET_PARTS
    assert [r[0] for r in rows] == list(range(1, len(BUDGET_PARTS) + 1))
    assert {r[2] for r in rows} == {"是"} and not any(r[3] for r in rows)
    pages = {r[1]: r[4] for r in rows}  # as printed: cover p.1, 目录 p.2, 职能 p.3–4 … 三公 p.21, 其他 p.22
    assert (pages["封面"], pages["目录"], pages["主要职能"], pages["收入预算总表"], pages["其他相关情况说明"]) == (
        "1", "2", "3–4", "10–11", "22")


def test_findings_stand_under_the_part_they_belong_to_and_make_it_no(tmp_path):
    book = openpyxl.load_workbook(written(tmp_path, FINAL_ACCOUNTS))
    rows = {r[1]: r for r in part_rows(book["检查表"])}
    assert header_block(book["检查表"])["类别"] == "部门决算"
    # D-03 on the 政府性基金 table's note (p.15); C-17 and C-10 in the 情况说明 (pp.17, 18)
    assert rows["政府性基金预算财政拨款收入支出决算表"][2] == "否"
    assert "保留该表格式" in rows["政府性基金预算财政拨款收入支出决算表"][3]
    explanation = rows["决算情况说明"]
    assert explanation[2] == "否" and explanation[4] == "17–20"
    assert explanation[3].splitlines()[1] == "“一般公共预算财政拨款支出”的计划数（预算数）为 0，不能计算完成率（第18页）"
    assert [r[2] for name, r in rows.items() if name not in ("政府性基金预算财政拨款收入支出决算表", "决算情况说明")] \
        == ["是"] * (len(rows) - 2)
    findings = list(book["全部问题"].iter_rows(min_row=2, values_only=True))
    assert sorted(f[1] for f in findings) == ["C-10", "C-17", "D-03"]
    assert [c.value for c in book["全部问题"][1]] == ["文件", "规则", "严重程度", "标题", "说明", "位置", "期望值", "实际值", "差额"]


def test_a_missing_part_is_no_with_the_message(tmp_path, missing_terms):
    book = openpyxl.load_workbook(written(tmp_path, missing_terms))
    rows = {r[1]: r for r in part_rows(book["检查表"])}
    assert rows["名词解释"][2:4] == ("否", "文件中没有“名词解释”部分（目录中列有“三、名词解释”）（第2页）")
    assert [rows[p][2] for p in ("封面", "目录", "主要职能", "机构设置", "预算编制说明")] == ["是"] * 5
    assert rows["主要职能"][4] == "3" and rows["预算编制说明"][4] == "5"
    # its tables are not there either: 否, and BD-01 (which needs 财务收支预算总表 to judge) says nothing
    assert rows["收入预算总表"][2:4] == ("否", "未找到该部分")
    assert "国有资本经营预算支出功能分类预算表" not in rows  # not required, not there: no row
    assert header_block(book["检查表"])["单位"] == "上海市普陀区某局"


@pytest.mark.parametrize("cover, unit, year", [
    (["江苏省政协办公厅 2019 年度部门预算公开"], "江苏省政协办公厅", "2019"),
    (["2017 年度江苏省高级人民法院部门预算公开"], "江苏省高级人民法院", "2017"),
    (["中共上海市普陀区委", "社会工作部 2024 年度", "部门预算"], "中共上海市普陀区委社会工作部", "2024"),
    (["上海市普陀区2025年区级单位预算", "预算单位：上海市普陀区某局"], "上海市普陀区某局", "2025"),
])
def test_the_unit_and_year_are_read_from_the_cover(tmp_path, cover, unit, year):
    path = tmp_path / "cover.yaml"
    lines = [(1, text) for text in cover] + [(2, "目 录"), (2, "一、主要职能"), (3, "一、主要职能"), (3, "负责本区工作。")]
    path.write_text(yaml.safe_dump({"format": "budgetlint-document/1", "text": [
        {"text": text, "source": {"page": page}} for page, text in lines]}, allow_unicode=True), encoding="utf-8")
    block = header_block(openpyxl.load_workbook(written(tmp_path, path))["检查表"])
    assert (block["单位"], block["年度"]) == (unit, year)


def test_an_info_note_never_makes_a_part_no(tmp_path):
    plain = {r[1]: r[2:4] for r in part_rows(openpyxl.load_workbook(written(tmp_path, FINAL_ACCOUNTS))["检查表"])}
    target = tmp_path / "rounding.xlsx"
    assert run("check", FINAL_ACCOUNTS, "--show-rounding", "--format", "checklist", "-o", target).exit_code == 1
    book = openpyxl.load_workbook(target)
    notes = [f for f in book["全部问题"].iter_rows(min_row=2, values_only=True) if f[2] == "提示"]
    assert {"T6-01", "X-20"} <= {f[1] for f in notes}  # rounding tails of 公开06表 (p.13) and between tables
    assert {r[1]: r[2:4] for r in part_rows(book["检查表"])} == plain


def test_a_batch_has_a_summary_of_documents_by_part_then_a_sheet_each(tmp_path, missing_terms):
    book = openpyxl.load_workbook(written(tmp_path, BUDGET, FINAL_ACCOUNTS, missing_terms))
    assert book.sheetnames == ["汇总", "上海市普陀区商务委员会2025单位预算", "中共上海市普陀区委社会工作部2024部门决算",
                               "上海市普陀区某局2025单位预算", "全部问题"]
    summary = [list(row) for row in book["汇总"].iter_rows(values_only=True)]
    header, budget, final, made_up = summary
    assert header[:4] == ["文件", "单位", "年度", "类别"]
    assert budget[:4] == [BUDGET.name, "上海市普陀区商务委员会", "2025", "单位预算"]
    verdict = {name: (budget[i], final[i], made_up[i]) for i, name in enumerate(header) if i >= 4}
    assert verdict["名词解释"] == ("是", "是", "否")
    assert verdict["收入预算总表"] == ("是", "—", "否")
    assert verdict["决算情况说明"] == ("—", "否", "—")
    assert {r[0] for r in book["全部问题"].iter_rows(min_row=2, values_only=True)} == {
        str(FINAL_ACCOUNTS), str(missing_terms)}


def test_the_sheet_is_laid_out_to_be_printed_and_handed_on(tmp_path):
    book = openpyxl.load_workbook(written(tmp_path, FINAL_ACCOUNTS))
    for sheet, header in ((book["检查表"], HEADER_ROW), (book["全部问题"], 1)):
        assert sheet.freeze_panes == f"A{header + 1}"
        assert sheet.print_title_rows == f"${header}:${header}"
        assert (sheet.page_setup.orientation, int(sheet.page_setup.paperSize)) == ("landscape", 9)  # A4
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert all(c.font.b and c.border.left.style == "thin" for c in sheet[header])
    parts = book["检查表"]
    problems = next(r for r in parts.iter_rows(min_row=HEADER_ROW + 1) if r[1].value == "决算情况说明")[3]
    assert problems.alignment.wrap_text and problems.border.bottom.style == "thin"
    assert parts.column_dimensions["D"].width > parts.column_dimensions["B"].width > parts.column_dimensions["A"].width


def test_html_and_json_carry_the_same_rows(tmp_path, missing_terms):
    xlsx = part_rows(openpyxl.load_workbook(written(tmp_path, missing_terms))["检查表"])
    data = json.loads(written(tmp_path, missing_terms, output_format="checklist-json", name="c.json").read_text("utf-8"))
    (document,) = data["documents"]
    assert (document["unit"], document["year"], document["kind"]) == ("上海市普陀区某局", "2025", "单位预算")
    assert [(r["number"], r["part"], r["verdict"], "\n".join(r["problems"]), r["pages"]) for r in document["rows"]] == \
        [tuple(v or "" for v in row) for row in xlsx]
    assert [f["rule"] for f in document["findings"]] == ["DS-01"]
    html = written(tmp_path, missing_terms, output_format="checklist-html", name="c.html").read_text("utf-8")
    assert html.count("<tr><td class=\"number\">") == len(xlsx)
    assert "文件中没有“名词解释”部分（目录中列有“三、名词解释”）" in html and '<td class="verdict no">否</td>' in html


def test_text_from_the_input_is_escaped_in_the_html(tmp_path):
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump({"format": "budgetlint-document/1", "text": [
        {"text": "预算单位：<script>alert(1)</script>", "source": {"page": 1}},
        {"text": "2025年区级单位预算", "source": {"page": 1}}]}, allow_unicode=True), encoding="utf-8")
    html = written(tmp_path, path, output_format="checklist-html", name="c.html").read_text("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_file_formats_offered_are_the_binary_reporters():
    assert set(BINARY_FORMATS) == set(BINARY_REPORTERS) and not set(BINARY_FORMATS) & set(FORMATS)


def test_the_workbook_is_refused_on_a_terminal_and_written_to_a_pipe(tmp_path):
    primary, secondary = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "validator", "check", str(BUDGET), "--format", "checklist"],
                              stdin=secondary, stdout=secondary, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(secondary)
        os.close(primary)
    assert done.returncode == 2
    assert "-o" in done.stderr.decode("utf-8")
    piped = subprocess.run([sys.executable, "-m", "validator", "check", str(BUDGET), "--format", "checklist"],
                           capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"  # a zip: the workbook


@pytest.mark.slow
def test_libreoffice_renders_the_sheet_on_landscape_pages(tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    workbook = written(tmp_path, FINAL_ACCOUNTS)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(workbook)], check=True, capture_output=True, timeout=300)
    pdf = pypdfium2.PdfDocument(tmp_path / "检查表.pdf")
    first = pdf[0]
    width, height = first.get_size()
    assert width > height  # landscape
    text = first.get_textpage().get_text_range()
    for words in ("决算公开情况检查表", "检查内容", "是否符合要求", "决算情况说明", "不能计算完成率", "17–20"):
        assert words in text
    first.render(scale=1).to_pil().save(tmp_path / "checklist.png")  # for looking at by hand
