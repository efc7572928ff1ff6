"""The text reader on the real disclosure (seed 002) and on small hand-made dumps."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from validator.catalogue import builtin_catalogue
from validator.errors import ReadError
from validator.model import Source
from validator.numbers import Amount
from validator.readers import read_document
from validator.readers.table_building import build_table
from validator.readers.tables import GridCell, RawTable

FIXTURES = Path(__file__).parent / "fixtures"
SEED002 = FIXTURES / "seed002.txt"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seed():
    return read_document(SEED002, builtin_catalogue())


def table(document, kind):
    (found,) = document.tables_of(kind)
    return found


def amount_columns(tbl):
    return [c for c in tbl.columns if c.role == "amount"]


def cell_at(tbl, row, number):
    """The cell of `row` in the column with 栏次 `number`."""
    (column,) = [c for c in tbl.columns if c.number == number]
    return row.cells[column.index]


# -- the nine public tables -----------------------------------------------------------------------

def test_nine_public_tables_recognised_in_order(seed):
    standard = [t for t in seed.tables if t.kind is not None and t.kind != "SE"]
    assert [t.kind for t in standard] == [f"T{i}" for i in range(1, 10)]
    assert [t.label for t in standard] == [f"公开{i:02d}表" for i in range(1, 10)]
    # they are the first nine tables of the file, before the 14 自评表
    assert seed.tables[:9] == standard
    assert [t.kind for t in seed.tables[9:]] == ["SE"] * 14


def test_table_titles_and_meta(seed):
    t1 = table(seed, "T1")
    assert t1.title == "收入支出决算总表"
    assert t1.source.line == 96
    assert t1.meta["金额单位"] == "万元"
    assert t1.meta["年度"] == "2023年度"
    assert [n.source.line for n in t1.notes] == [145]
    t8 = table(seed, "T8")
    assert [n.source.line for n in t8.notes] == [384, 386]


def test_t1_has_two_segments_and_every_row_number_once(seed):
    t1 = table(seed, "T1")
    assert {c.segment for c in t1.columns} == {0, 1}
    assert sorted(r.row_no for r in t1.rows) == list(range(1, 63))
    assert {r.segment for r in t1.rows if r.row_no <= 31} == {0}
    assert {r.segment for r in t1.rows if r.row_no >= 32} == {1}


def test_t1_total_income_cell(seed):
    t1 = table(seed, "T1")
    (row,) = [r for r in t1.rows if r.row_no == 27]
    assert row.label == "本年收入合计"
    assert row.key == "本年收入合计"
    cell = cell_at(t1, row, 1)
    assert cell.text == "2,643.57"
    assert cell.amount == Amount(Decimal("2643.57"), 2)
    assert cell.source.line == 139
    assert cell.source.column == len("本年收入合计\t27\t") + 1
    assert cell.precision == 2


def test_t1_ordinal_is_split_from_label(seed):
    t1 = table(seed, "T1")
    (row,) = [r for r in t1.rows if r.row_no == 42]
    assert row.label == "十一、城乡社区支出"
    assert row.ordinal == "十一"
    assert row.key == "城乡社区支出"
    assert cell_at(t1, row, 2).amount.value == Decimal("500.70")


def test_t1_blank_amount_cells_in_numbered_rows(seed):
    t1 = table(seed, "T1")
    (row,) = [r for r in t1.rows if r.row_no == 30]
    assert row.label == ""
    assert cell_at(t1, row, 1).is_blank


def test_t4_expenditure_columns_headers_and_numbers(seed):
    t4 = table(seed, "T4")
    assert [(c.header, c.number, c.segment) for c in amount_columns(t4)] == [
        (("收入", "金额"), 1, 0),
        (("支出", "合计"), 2, 1),
        (("支出", "一般公共预算财政拨款"), 3, 1),
        (("支出", "政府性基金预算财政拨款"), 4, 1),
        (("支出", "国有资本经营预算财政拨款"), 5, 1),
    ]
    roles = [(c.header[-1], c.role) for c in t4.columns if c.role != "amount"]
    assert roles == [("项目", "label"), ("行次", "row_no"), ("项目", "label"), ("行次", "row_no")]


def test_t4_total_row_values(seed):
    t4 = table(seed, "T4")
    (row,) = [r for r in t4.rows if r.row_no == 59]
    assert row.label == "本年支出合计"
    assert [cell_at(t4, row, n).text for n in (2, 3, 4, 5)] == ["3,088.16", "2,587.46", "500.70", "0.00"]
    assert {cell_at(t4, row, n).source.line for n in (2, 3, 4, 5)} == {264}


def test_t2_code_rows(seed):
    t2 = table(seed, "T2")
    assert [c.number for c in amount_columns(t2)] == [1, 2, 3, 4, 5, 6, 7]
    assert amount_columns(t2)[0].header == ("本年收入合计",)
    codes = [r.code for r in t2.rows if r.code]
    assert codes[:3] == ["201", "20103", "2010301"]
    assert len(codes) == 20
    (total,) = [r for r in t2.rows if r.label == "合计"]
    assert total.code is None
    assert cell_at(t2, total, 1).source.line == 160
    (row,) = [r for r in t2.rows if r.code == "2010399"]
    assert row.level == 3
    assert row.label == "其他政府办公厅（室）及相关机构事务支出"


def test_t6_three_segments_and_code_30217(seed):
    t6 = table(seed, "T6")
    assert {c.segment for c in t6.columns} == {0, 1, 2}
    assert [c.role for c in t6.columns] == ["code", "label", "amount"] * 3
    (row,) = [r for r in t6.rows if r.code == "30217"]
    assert row.label == "公务接待费"
    assert row.segment == 1
    (cell,) = row.cells.values()
    assert cell.amount == Amount(Decimal("8.00"), 2)
    assert cell.source.line == 331


def test_t6_rows_after_the_page_break_and_the_totals(seed):
    t6 = table(seed, "T6")
    (row,) = [r for r in t6.rows if r.code == "30229"]
    assert next(iter(row.cells.values())).source.line == 340
    labelled = {r.label: r for r in t6.rows if r.code is None}
    assert set(labelled) == {"人员经费合计", "公用经费合计"}
    assert next(iter(labelled["人员经费合计"].cells.values())).text == "1,833.69"
    assert labelled["公用经费合计"].segment == 2


def test_t9_single_row_with_twelve_amount_columns(seed):
    t9 = table(seed, "T9")
    assert len(t9.rows) == 1
    columns = amount_columns(t9)
    assert len(columns) == 12
    assert [c.number for c in columns] == list(range(1, 13))
    (eleventh,) = [c for c in columns if c.number == 11]
    assert eleventh.header == ("决算数", "公务用车购置及运行维护费", "公务用车运行维护费")
    (first,) = [c for c in columns if c.number == 1]
    assert first.header == ("预算数", "合计")
    (row,) = t9.rows
    assert cell_at(t9, row, 12).amount.value == Decimal("8.00")
    assert {c.source.line for c in row.cells.values()} == {402}


@pytest.mark.parametrize("line", [133, 134, 135, 256, 257, 258, 339])
def test_header_rows_repeated_at_page_breaks_are_not_data(seed, line):
    for tbl in seed.tables[:9]:
        assert all(r.source.line != line for r in tbl.rows), (tbl.label, line)
        assert all(c.source.line != line for r in tbl.rows for c in r.cells.values())


@pytest.mark.parametrize("line", [106, 107, 108, 157, 158, 159, 231, 232, 233, 314, 398, 399, 400, 401])
def test_header_rows_are_not_data(seed, line):
    for tbl in seed.tables[:9]:
        assert all(r.source.line != line for r in tbl.rows), (tbl.label, line)


def test_narrative_text_keeps_its_lines(seed):
    lines = {t.source.line: t.text for t in seed.text}
    assert lines[406] == "第三部分 2023年度单位决算情况说明"
    assert "2,643.57万元" in lines[414]
    assert all(t.source.line not in range(106, 144) for t in seed.text)


def test_all_nine_tables_have_only_well_formed_amounts(seed):
    for tbl in seed.tables[:9]:
        for row in tbl.rows:
            for cell in row.cells.values():
                assert cell.is_blank or cell.amount is not None, (tbl.label, cell)
                if cell.amount is not None:
                    assert cell.precision == 2, (tbl.label, cell)


# -- column precision -------------------------------------------------------------------------------

def _grid(rows):
    return [[GridCell(text, Source(line=i + 1, column=j + 1)) for j, text in enumerate(row)]
            for i, row in enumerate(rows)]


def test_zero_in_a_two_decimal_column_stands_for_two_decimals():
    raw = RawTable("收入决算表", Source(line=1), _grid([
        ["科目名称", "本年收入合计", "执行率"],
        ["甲", "1.50", "99.98%"],
        ["乙", "0", "100%"],
        ["丙", "12", "5.5%"],
    ]))
    built = build_table(raw, builtin_catalogue())
    assert built.kind == "T2"
    by_label = {r.label: r for r in built.rows}
    amount, rate = [c.index for c in built.columns if c.role == "amount"]
    zero = by_label["乙"].cells[amount]
    assert zero.amount == Amount(Decimal("0"), 0)
    assert zero.precision == 2
    assert by_label["丙"].cells[amount].precision == 2
    assert by_label["甲"].cells[amount].precision == 2
    # percentages keep their own decimals
    assert by_label["乙"].cells[rate].precision == 0
    assert by_label["甲"].cells[rate].precision == 2
    assert by_label["丙"].cells[rate].precision == 1


def test_text_in_an_amount_column_of_a_standard_table_is_text_not_a_garbled_number():
    raw = RawTable("收入决算表", Source(line=1), _grid([
        ["科目名称", "本年收入合计"],
        ["甲", "1.50"],
        ["乙", "见附注"],
        ["丙", "2.00"],
    ]))
    built = build_table(raw, builtin_catalogue())
    by_label = {r.label: r for r in built.rows}
    (index,) = [c.index for c in built.columns if c.role == "amount"]
    cell = by_label["乙"].cells[index]
    assert cell.parsed is None and not cell.is_garbled


# -- encodings and unreadable files -----------------------------------------------------------------

SMALL = """财政拨款“三公”经费支出决算表

公开09表

单位：万元

合计\t因公出国（境）费\t公务用车购置及运行维护费\t公务接待费
1\t2\t3\t4
36.76\t6.39\t22.37\t8.00

注：本表金额转换为万元时，因四舍五入可能存在尾差。
"""


@pytest.mark.parametrize("encoding", ["gb18030", "gbk"])
def test_gb_encoded_file_reads_like_utf8(tmp_path, encoding):
    utf8 = tmp_path / "utf8.txt"
    utf8.write_bytes(SMALL.encode("utf-8"))
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(SMALL.encode(encoding))
    with pytest.raises(UnicodeDecodeError):
        legacy.read_bytes().decode("utf-8")  # really a different encoding
    a = read_document(utf8, builtin_catalogue())
    b = read_document(legacy, builtin_catalogue())
    assert [t.kind for t in a.tables] == ["T9"]
    assert a.tables == b.tables
    assert a.text == b.text
    (row,) = a.tables[0].rows
    assert [c.text for c in row.cells.values()] == ["36.76", "6.39", "22.37", "8.00"]


def test_utf8_with_bom_reads_like_utf8(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text(SMALL, encoding="utf-8")
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + SMALL.encode("utf-8"))
    assert read_document(plain, builtin_catalogue()).tables == read_document(bom, builtin_catalogue()).tables


def _read_error(path, **kwargs):
    with pytest.raises(ReadError) as caught:
        read_document(path, builtin_catalogue(), **kwargs)
    message = str(caught.value)
    assert CJK.search(message), message
    return message


def test_bytes_in_no_known_encoding_are_a_read_error(tmp_path):
    path = tmp_path / "binary.txt"
    path.write_bytes(SMALL.encode("utf-8") + b"\xff\xfe\x80\xff")
    assert "编码" in _read_error(path)


def test_nul_bytes_are_a_read_error(tmp_path):
    path = tmp_path / "nul.txt"
    path.write_bytes(SMALL.encode("utf-8") + b"\x00\x00")
    assert "NUL" in _read_error(path)


def test_file_over_max_bytes_is_a_read_error(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(SMALL, encoding="utf-8")
    size = path.stat().st_size
    message = _read_error(path, max_bytes=size - 1)
    assert "过大" in message
    assert f"{size - 1:,}" in message
    assert read_document(path, builtin_catalogue(), max_bytes=size).tables  # exactly at the limit is fine


def test_unsupported_suffix_is_a_read_error(tmp_path):
    path = tmp_path / "report.odt"
    path.write_bytes(b"PK\x03\x04")
    assert ".odt" in _read_error(path)


def test_a_known_document_format_not_read_yet_says_how_to_convert_it(tmp_path):
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04")
    message = _read_error(path)
    assert "Word" in message and "导出为文本" in message
