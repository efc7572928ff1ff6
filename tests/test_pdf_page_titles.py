"""Tables split by each page's own title: the title (with its 表号 and 部门/单位 lines) printed above
the grid, inside the grid's frame, in the middle of a frame holding two tables, or under the last
table of the previous page. A table running onto the next page without a title of its own, or under
its own title and header repeated, stays one table. Small made-up pages, read as the PDF reader
reads PDFium's page description."""

from pathlib import Path

from validator.readers.pdf import from_layouts
from validator.readers.pdf_page import LayoutCell, LayoutLine, LayoutTable, PageLayout
from validator.readers.tables import caption_parts, is_meta, is_title

ROW_HEIGHT = 20.0


def _table(rows: list[list[str]], top: float = 100.0) -> LayoutTable:
    cells = [[LayoutCell(text, (50.0 + 100 * j, top + ROW_HEIGHT * i, 150.0 + 100 * j, top + ROW_HEIGHT * (i + 1)))
              for j, text in enumerate(row)] for i, row in enumerate(rows)]
    return LayoutTable((50.0, top, 50.0 + 100 * len(rows[0]), top + ROW_HEIGHT * len(rows)), cells)


def _line(text: str, top: float) -> LayoutLine:
    return LayoutLine(text, (50.0, top, 300.0, top + 10))


def _page(number: int, *tables: LayoutTable, lines: tuple[LayoutLine, ...] = ()) -> PageLayout:
    return PageLayout(number, list(lines), list(tables), has_text=True, has_images=False)


def _read(*pages: PageLayout):
    return from_layouts(Path("made-up.pdf"), pages)


def _texts(raw) -> list[list[str]]:
    return [[c.text for c in row] for row in raw.grid]


HEADER = ["项目", "", "金额"]


def test_a_title_printed_in_the_frame_of_each_page_starts_a_table_with_its_label_and_unit():
    document, raws = _read(
        _page(1, _table([["收支预算总表公开表一部门： 某某办公厅 单位：万元", "", ""], HEADER, ["收入合计", "", "10.00"]])),
        _page(2, _table([["", "", ""], ["收入预算总表公开表二部门： 某某办公厅 单位：万元", "", ""], HEADER,
                         ["收入总计", "", "10.00"]])),
    )
    assert [(r.title, r.label, r.meta) for r in raws] == [
        ("收支预算总表", "公开表一", {"单位": "某某办公厅", "金额单位": "万元"}),
        ("收入预算总表", "公开表二", {"单位": "某某办公厅", "金额单位": "万元"}),
    ]
    assert [_texts(r)[0] for r in raws] == [HEADER, HEADER]  # the caption is no row of the table


def test_the_labels_and_the_department_and_unit_lines_above_a_title_are_metadata():
    _, [raw] = _read(_page(1, _table([HEADER, ["合计", "", "5.00"]]), lines=(
        _line("公开 05表", 40), _line("财政拨款支出预算表（功能科目）", 60), _line("部门名称：某某法院 单位:万元", 80))))
    assert (raw.title, raw.label, raw.meta) == ("财政拨款支出预算表（功能科目）", "公开05表",
                                                {"单位": "某某法院", "金额单位": "万元"})


def test_a_department_and_unit_row_in_the_frame_is_metadata_not_a_header():
    _, [raw] = _read(_page(1, _table([["“三公”经费支出预算表（一般公共预算）", "", ""], ["部门：", "某某办公厅", "单位：万元"],
                                      ["合计", "会议费", "培训费"], ["3.00", "1.00", "2.00"]])))
    assert raw.title == "“三公”经费支出预算表（一般公共预算）"
    assert raw.meta["金额单位"] == "万元"
    assert _texts(raw)[0] == ["合计", "会议费", "培训费"]


def test_a_title_row_in_the_middle_of_a_frame_starts_the_next_table():
    _, raws = _read(_page(1, _table([["收入预算总表", "", ""], HEADER, ["收入总计", "", "10.00"],
                                     ["支出预算总表", "", ""], ["部门：某某", "", "单位：万元"], HEADER,
                                     ["支出总计", "", "10.00"]])))
    assert [r.title for r in raws] == ["收入预算总表", "支出预算总表"]
    assert [_texts(r)[-1][0] for r in raws] == ["收入总计", "支出总计"]


def test_a_list_of_table_titles_in_a_frame_is_not_split_into_tables():
    _, raws = _read(_page(1, _table([["目录", ""], ["收支预算总表", "1"], ["收入预算总表", "2"], ["支出预算总表", "3"]])))
    assert len(raws) == 1


def test_a_title_under_the_last_table_of_a_page_belongs_to_the_table_on_the_next_page():
    _, raws = _read(
        _page(1, _table([["基本支出预算表", "", ""], HEADER, ["合计", "", "10.00"]]),
              lines=(_line("一般公共预算机关运行经费支出预算表", 700),)),
        _page(2, _table([["部门：某某", "", "单位：万元"], HEADER, ["合计", "", "4.00"]])),
    )
    assert [(r.title, [c.source.page for c in r.grid[-1]][0]) for r in raws] == [
        ("基本支出预算表", 1), ("一般公共预算机关运行经费支出预算表", 2)]


def test_a_table_continued_without_a_title_or_under_its_repeated_title_and_header_stays_one():
    _, raws = _read(
        _page(1, _table([["2017年政府采购预算表部门：某某 单位：万元", "", ""], HEADER, ["合计", "", "10.00"]])),
        _page(2, _table([["2017年政府采购预算表部门：某某 单位：万元", "", ""], HEADER, ["会议服务", "", "6.00"]])),
        _page(3, _table([["印刷服务", "", "4.00"]])),
    )
    assert [r.title for r in raws] == ["2017年政府采购预算表"]
    assert [row[0] for row in _texts(raws[0])] == ["项目", "合计", "项目", "会议服务", "印刷服务"]


def test_the_same_title_over_another_first_row_is_another_table():
    # one form per project, each page under the same title
    _, raws = _read(_page(1, _table([["项目绩效目标表", ""], ["项目名称", "甲"], ["金额", "1.00"]])),
                    _page(2, _table([["项目绩效目标表", ""], ["项目名称", "乙"], ["金额", "2.00"]])))
    assert [_texts(r)[0][1] for r in raws] == ["甲", "乙"]


def test_caption_parts_title_label_and_metadata():
    assert caption_parts("表十一“三公”经费支出预算表") == ["表十一", "“三公”经费支出预算表"]
    assert caption_parts("财政拨款支出预算表（功能科目）公开表五部门： X 单位：万元") == [
        "财政拨款支出预算表（功能科目）", "公开表五", "部门： X", "单位：万元"]
    assert is_title("一般公共预算支出预算表（功能科目）") and not is_title("公开表五")
    assert is_meta("部门名称：某某 单位：万元") and is_meta("附表1") and is_meta("表八")
    assert not is_meta("部门预算编制说明：本部门共有单位3个")


def test_a_title_marked_continued_over_the_next_page_continues_the_table():
    _, raws = _read(_page(1, _table([HEADER, ["合计", "", "10.00"]]), lines=(_line("收入支出决算表", 60),)),
                    _page(2, _table([["一、财政拨款收入", "", "4.00"]]), lines=(_line("收入支出决算表（续）", 60),)))
    assert [r.title for r in raws] == ["收入支出决算表"]
    assert _texts(raws[0])[-1][0] == "一、财政拨款收入"


def test_a_title_reaching_past_the_top_edge_of_the_page_still_starts_its_table():
    _, raws = _read(_page(1, _table([HEADER, ["收入总计", "", "10.00"]]), lines=(_line("收入预算总表", 40),)),
                    _page(2, _table([HEADER, ["支出总计", "", "10.00"]], top=30.0),
                          lines=(LayoutLine("支出预算总表", (50.0, -4.0, 300.0, 8.0)),)))
    assert [r.title for r in raws] == ["收入预算总表", "支出预算总表"]


def _row_line(text: str, bottom: float, left: float = 55.0, right: float = 345.0) -> LayoutLine:
    return LayoutLine(text, (left, bottom - 10, right, bottom))


FIRST_PAGE = _page(1, _table([["科目编码", "科目名称", "金额"], ["302", "商品和服务支出", "30.00"],
                              ["30201", "办公费", "10.00"]]), lines=(_line("机关运行经费支出预算表", 60),))
CONTINUED = [["30239", "其他交通费用", "15.00"]]


def test_the_first_row_of_a_continued_table_whose_top_rule_fell_on_the_previous_page_is_a_row():
    document, [raw] = _read(FIRST_PAGE, _page(2, _table(CONTINUED, top=100.0),
                                               lines=(_row_line("30231 公务用车运行维护费 5.00", 97),)))
    assert _texts(raw)[-2:] == [["30231", "公务用车运行维护费", "5.00"], CONTINUED[0]]
    assert raw.grid[-2][2].source.page == 2 and raw.grid[-2][2].source.bbox[0] == 250.0
    assert not [t for t in document.text if "30231" in t.text]


def test_a_line_above_a_continued_table_stays_text_unless_it_fits_the_grid_as_a_row():
    for line in (_row_line("30231 公务用车 运行维护费 5.00", 97),  # four words for three columns
                 _row_line("30231 公务用车运行维护费 5.00", 80),  # not sitting on the grid
                 _row_line("第 2 页", 97),  # a running header: no figures where the grid has them
                 _row_line("30231 公务用车运行维护费 5.00", 97, right=200.0)):  # not across the grid
        document, [raw] = _read(FIRST_PAGE, _page(2, _table(CONTINUED, top=100.0), lines=(line,)))
        assert _texts(raw)[-1:] == CONTINUED and len(raw.grid) == 4, line.text
        assert [t.text for t in document.text if t.source.page == 2] == [line.text]
