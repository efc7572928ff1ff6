"""Header cells are never data: words in an amount column (合计, 预算数, 无) are not unreadable amounts
(N-01 is for text shaped like a number), and a header printed again mid-table is dropped."""

from validator import check
from validator.catalogue import builtin_catalogue
from validator.readers import read_document

GRID = """format: budgetlint-document/1
tables:
  - title: 一般公共预算财政拨款基本支出决算表
    label: 公开07表
    grid:
      - [科目编码, "", "", 科目名称, 本年支出, "", ""]
      - [类, 款, 项, "", 合计, 人员经费合计, 公用经费合计]
      - ["", "", "", 合计, "100.00", "80.00", "20.00"]
      - ["301", "", "", 工资福利支出, "80.00", "80.00", "0.00"]
      - [科目编码, "", "", 科目名称, 本年支出, "", ""]
      - [类, 款, 项, "", 合计, 人员经费合计, 公用经费合计]
      - ["302", "", "", 商品和服务支出, "20.00", "0.00", "20.00"]
      - ["", "", "", 项目, 金额, 预算数, 决算数]
      - ["", "", "", 其他, 无, "/", "LAST"]
"""


def write(tmp_path, last):
    path = tmp_path / "headers.yaml"
    path.write_text(GRID.replace("LAST", last), encoding="utf-8")
    return path


def unreadable(path):
    return check([path], select_ids=["N-01"]).findings


def test_header_words_repeated_mid_table_are_not_unreadable_amounts(tmp_path):
    assert unreadable(write(tmp_path, "0.00")) == []


def test_repeated_headers_are_not_rows_and_amount_columns_stay_amounts(tmp_path):
    (table,) = read_document(write(tmp_path, "0.00"), builtin_catalogue()).tables
    assert [r.label for r in table.rows if r.label] == ["合计", "工资福利支出", "商品和服务支出", "其他"]
    assert [c.role for c in table.columns][-3:] == ["amount"] * 3


def test_a_word_in_an_amount_column_is_not_n01(tmp_path):
    assert unreadable(write(tmp_path, "见说明")) == []


def test_digits_with_stray_characters_are_still_n01(tmp_path):
    for slip in ("12..5", "5,00.00", "5O0.00"):
        (finding,) = unreadable(write(tmp_path, slip))
        assert slip in finding.message


NUMBERED = """format: budgetlint-document/1
tables:
  - title: 一般公共预算财政拨款支出决算表
    label: 公开05表
    grid:
      - [项目, "", 本年支出, "", ""]
      - [功能分类科目编码, 科目名称, 小计, 基本支出, 项目支出]
      - ["", 栏次, 1, 2, 3]
      - ["", 合计, "1,000.00", "800.00", "200.00"]
      - ["201", 一般公共服务支出, "1,000.00", "800.00", "200.00"]
      - [功能分类科目编码, 科目名称, 小计, 基本支出, 项目支出]
      - ["", "", 1, 2, 3]
      - ["20103", 政府办公厅（室）及相关机构事务, "1,000.00", "800.00", "200.00"]
      - ["2010301", 行政运行, "800.00", "800.00", "0.00"]
      - ["2010302", 一般行政管理事务, "200.00", "0.00", "200.00"]
"""


def test_column_numbers_repeated_after_a_page_break_are_not_a_row_of_amounts(tmp_path):
    path = tmp_path / "numbered.yaml"
    path.write_text(NUMBERED, encoding="utf-8")
    (table,) = read_document(path, builtin_catalogue()).tables
    assert [r.label for r in table.rows] == ["合计", "一般公共服务支出", "政府办公厅（室）及相关机构事务",
                                             "行政运行", "一般行政管理事务"]
    assert check([path]).findings == []
