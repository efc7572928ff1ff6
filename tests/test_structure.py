"""The structure rules (DS-01..04) and the parts they read (validator.parts, validator.contents), on
small made-up documents: what makes a file a whole disclosure, where its 目录 ends, a heading the PDF
reader took for a table's note, and when 目录 page numbers are not judged. The rules' own examples
are in rules/ds_structure.yaml."""

import pypdfium2
import yaml
from pdf_builder import one_page_pdf, text_lines

from validator import check
from validator.catalogue import builtin_catalogue
from validator.document_kind import keep_own_tables
from validator.engine import Engine
from validator.model import Document, Note, Source, Table, TextLine
from validator.parts import layout
from validator.readers.pdf import read
from validator.ruleset import builtin_rules

COVER = [(1, "上海市普陀区2025年区级单位预算")]
CONTENTS = [(2, "目 录"), (2, "一、单位主要职能"), (2, "二、单位机构设置"), (2, "三、名词解释"), (2, "四、单位预算编制说明")]
BODY = [(3, "上海市普陀区某局主要职能"), (3, "主要职能包括：负责本区有关工作。"), (3, "上海市普陀区某局机构设置"),
        (4, "名词解释"), (4, "（一）财政拨款收入：是本年度从本级财政部门取得的财政拨款。"), (5, "2025年单位预算编制说明"),
        (5, "2025年，本单位收入预算100.00万元。")]


def document(lines, tables=()):
    made = Document("made-up.pdf", "pdf", list(tables), [TextLine(text, Source(page=page)) for page, text in lines])
    keep_own_tables(made, builtin_catalogue())
    return made


def findings(made, prefix="DS"):
    rules = [r for r in builtin_rules() if r.id.startswith(prefix)]
    found, skipped = Engine(rules, builtin_catalogue()).run(made)
    return [(f.rule, f.message) for f in found], skipped


def test_a_whole_disclosure_has_its_parts_found_by_heading():
    found = layout(document(COVER + CONTENTS + BODY))
    assert {k: v.page for k, v in found.found.items()} == {
        "cover": 1, "contents": 2, "functions": 3, "organisation": 3, "terms": 4, "explanation": 5}
    assert findings(document(COVER + CONTENTS + BODY))[0] == []


def test_tables_published_apart_from_the_narrative_are_not_judged_for_missing_parts():
    # a 目录 of tables only, and no narrative part: not a whole disclosure, nothing reported
    lines = [(1, "目 录"), (1, "一、收支预算总表"), (1, "二、收入预算总表")]
    found, skipped = findings(document(lines))
    assert found == [] and {s.rule for s in skipped} >= {"DS-01", "DS-02", "DS-03"}


def test_an_excerpt_without_a_contents_is_not_judged():
    lines = [(1, "一、主要职能"), (1, "负责本区有关工作。"), (1, "二、名词解释"), (1, "财政拨款收入：本级财政拨款。")]
    assert findings(document(lines))[0] == []


def test_the_contents_ends_where_the_body_repeats_a_part_it_lists():
    # page 3 holds headings only (short lines, no full stop), yet it is the body: it repeats 主要职能
    lines = COVER + CONTENTS + [(3, "上海市普陀区某局主要职能"), (3, "上海市普陀区某局机构设置"), (4, "名词解释"),
                                (5, "2025年单位预算编制说明")]
    found = layout(document(lines))
    assert found.found["functions"].page == 3 and len(found.contents.entries) == 4


def test_a_contents_continued_on_the_next_page_is_one_contents():
    lines = COVER + CONTENTS[:3] + [(3, "三、名词解释"), (3, "四、单位预算编制说明")] + [
        (4, "上海市普陀区某局主要职能"), (4, "负责本区有关工作。"), (4, "上海市普陀区某局机构设置"), (5, "名词解释"),
        (6, "2025年单位预算编制说明")]
    found = layout(document(lines))
    assert len(found.contents.entries) == 4 and found.found["terms"].page == 5


def test_a_heading_the_reader_took_for_a_note_under_a_table_is_found():
    table = Table("B1", "财务收支预算总表", None, [], [], Source(page=6),
                  notes=[Note("注：本表反映部门收支预算。", Source(page=6)),
                         Note("第三部分 2019 年度部门预算情况说明", Source(page=6))])
    lines = COVER + CONTENTS + BODY[:5]
    assert layout(document(lines, [table])).found["explanation"] == Source(page=6)


def test_a_note_after_a_heading_does_not_hide_it():
    lines = COVER + CONTENTS + [(3, "一、主要职能"), (3, "二、部门决算单位构成（仅有一个单位的部门，本部分内容"),
                                (3, "为“机构设置”）"), (4, "名词解释")]
    assert layout(document(lines)).found["organisation"].page == 3


def test_jiangsu_headings_name_the_parts():
    lines = [(1, "江苏省政协办公厅 2017 年度部门预算"), (1, "目 录"), (1, "第一部分 部门概况"), (1, "一、主要职能"),
             (1, "二、部门机构设置及预算单位构成情况"), (1, "第三部分 2017 年度部门预算情况说明"), (1, "第四部分 名词解释"),
             (2, "第一部分 部门概况"), (2, "一、主要职能"), (2, "省政协是我省最广泛的爱国统一战线组织。"),
             (3, "二、部门机构设置及预算单位构成情况"), (9, "第三部分 江苏省高级人民法院 2018 年度预算安排情况"),
             (9, "说明"), (9, "一、收支预算总体情况说明"), (12, "十二、政府采购支出预算情况说明"), (14, "第四部分 名词解释")]
    found = layout(document(lines))
    assert {k: v.page for k, v in found.found.items()} == {
        "cover": 1, "contents": 1, "functions": 2, "organisation": 3, "explanation": 9, "terms": 14}


def test_project_expenses_may_be_explained_project_by_project():
    lines = [(1, "上海市普陀区2025年区级部门预算"), (2, "目 录"), (2, "一、部门主要职能"), (2, "二、部门机构设置"),
             (2, "七、项目经费情况说明"), (3, "上海市普陀区某局（部门）主要职能"), (3, "上海市普陀区某局（部门）机构设置"),
             (9, "生命健康专项（政策资金）经费情况说明"), (9, "一、项目概述")]
    assert layout(document(lines)).found["projects"].page == 9
    assert not [message for _, message in findings(document(lines), "DS-01")[0] if "项目经费" in message]


def test_page_numbers_that_agree_on_no_offset_are_not_judged():
    lines = COVER + [(2, "目 录"), (2, "一、单位主要职能……3"), (2, "二、单位机构设置……5"), (2, "三、名词解释……9"),
                     (2, "四、单位预算编制说明……4")] + [(p, t) for p, t in BODY if "包括" not in t]
    found, skipped = findings(document(lines), "DS-03")
    assert found == [] and skipped[0].reason == "目录页码与正文页的对应关系不一致，无法判断哪一条有误"


def test_an_empty_page_between_pages_of_text_is_read_from_a_pdf(tmp_path):
    pdf = pypdfium2.PdfDocument.new()
    for content in (text_lines([b"2025 budget"]), None, text_lines([b"contents"])):
        if content is None:
            pdf.new_page(595, 842)
        else:
            pdf.import_pages(pypdfium2.PdfDocument(one_page_pdf(content)))
    path = tmp_path / "blank.pdf"
    pdf.save(path)
    read_back = read(path, builtin_catalogue(), 1 << 20)
    assert read_back.empty_pages == [2]
    assert findings(read_back, "DS-04")[0] == [("DS-04", "第2页是空白页")]


def test_the_check_reports_the_missing_part_through_the_api(tmp_path):
    path = tmp_path / "made-up.yaml"
    lines = COVER + CONTENTS + [(p, t) for p, t in BODY if p != 4]
    path.write_text(yaml.safe_dump({"format": "budgetlint-document/1", "text": [
        {"text": t, "source": {"page": p}} for p, t in lines]}, allow_unicode=True), encoding="utf-8")
    report = check([path], select_ids=["DS"])
    assert [(f.rule, f.message) for f in report.findings] == [
        ("DS-01", "文件中没有“名词解释”部分（目录中列有“三、名词解释”）")]
    assert report.findings[0].locations[0].source.page == 2  # at its 目录 entry
