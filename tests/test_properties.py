"""Properties of the built-in rules on generated 收入决算表 (公开02表) given as structured `grid:` documents.

Amounts are drawn in 元, every total (row, 款, 类, 合计) is summed in 元, and only then is every figure
rounded to 万元 with two decimals, as the published tables are. Such a table is consistent: no rule
may call it wrong. Moving any one figure by more than twice the rounding allowance of the longest
relation it belongs to must be reported at that cell.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from validator.catalogue import builtin_catalogue
from validator.engine import Engine
from validator.readers import read_document
from validator.ruleset import builtin_rules

SOURCES = ["财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入"]
CLASSES = {"201": "一般公共服务支出", "205": "教育支出", "208": "社会保障和就业支出", "212": "城乡社区支出",
           "213": "农林水支出", "221": "住房保障支出", "229": "其他支出"}
SUFFIXES = ["01", "02", "03", "05", "08", "50", "99"]
CENT = Decimal("0.01")
HALF_UNIT = Decimal("0.005")


def to_wan(yuan: int) -> Decimal:
    return (Decimal(yuan) / 10000).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    code: str
    name: str
    yuan: list[int]  # 本年收入合计 then the six sources


def amounts(size, smallest):
    zero_heavy = st.one_of(st.just(0), st.integers(smallest, 99), st.integers(smallest, 10**6),
                           st.integers(smallest, 10**10))
    return st.lists(zero_heavy, min_size=size, max_size=size)


@st.composite
def t2_tables(draw, smallest=1):
    """Rows of a consistent 收入决算表 in 元: 合计, then each 类 followed by its 款 and 项. Every non-zero
    amount is at least `smallest` 元 (below 50 元 it prints as 0.00 万元)."""
    classes = draw(st.lists(st.sampled_from(sorted(CLASSES)), min_size=1, max_size=3, unique=True))
    tree = []
    for lei in sorted(classes):
        kuan = draw(st.lists(st.sampled_from(SUFFIXES), min_size=1, max_size=2, unique=True))
        items = []
        for k in sorted(kuan):
            xiang = draw(st.lists(st.sampled_from(SUFFIXES), min_size=1, max_size=3, unique=True))
            items.append((lei + k, [(lei + k + x, draw(amounts(len(SOURCES), smallest))) for x in sorted(xiang)]))
        tree.append((lei, items))

    def with_total(sources):
        return [sum(sources), *sources]

    def add(rows):
        return [sum(column) for column in zip(*rows, strict=True)]

    lines = []
    class_sums = []
    for lei, items in tree:
        kuan_lines = []
        for kuan, xiang in items:
            xiang_lines = [Line(code, f"项{code}", with_total(sources)) for code, sources in xiang]
            kuan_lines.append((Line(kuan, f"款{kuan}", add([x.yuan for x in xiang_lines])), xiang_lines))
        lei_line = Line(lei, CLASSES[lei], add([k.yuan for k, _ in kuan_lines]))
        class_sums.append(lei_line.yuan)
        lines.append(lei_line)
        for kuan_line, xiang_lines in kuan_lines:
            lines.append(kuan_line)
            lines.extend(xiang_lines)
    total = Line("", "合计", add(class_sums))
    return [total, *lines]


def longest_relation(lines) -> int:
    """The most figures added up in one relation of the table (a row's sources, a parent's children)."""
    children = {}
    for line in lines[1:]:
        parent = line.code[:-2] if len(line.code) > 3 else ""
        children[parent] = children.get(parent, 0) + 1
    return max(len(SOURCES), *children.values())


def yaml_text(lines, displayed):
    """The document as a person would write it: one flow list per table row."""
    def row(cells):
        return "      - [" + ", ".join(f'"{c}"' for c in cells) + "]\n"

    text = "format: budgetlint-document/1\ntables:\n  - title: 收入决算表\n    label: 公开02表\n    grid:\n"
    text += row(["项目", "", "本年收入合计", *SOURCES])
    text += row(["功能分类科目编码", "科目名称"] + [""] * 7)
    text += row(["", "栏次", *range(1, 8)])
    header_lines = 8  # the amounts of the first data row (合计) are on line 9
    for line, shown in zip(lines, displayed, strict=True):
        text += row([line.code, line.name, *shown])
    return text, header_lines


def display(lines):
    return [[f"{to_wan(y):,.2f}" for y in line.yuan] for line in lines]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("properties")


ENGINE = Engine(list(builtin_rules()), builtin_catalogue())


def run(workdir: Path, text: str):
    path = workdir / "t2.yaml"
    path.write_text(text, encoding="utf-8")
    document = read_document(path, builtin_catalogue())
    findings, skips = ENGINE.run(document)
    return document, findings, skips


def test_the_rules_cover_the_income_table():
    """The properties below are only meaningful if 公开02表 rules are loaded."""
    ids = {r.id for r in builtin_rules()}
    assert {"T2-01", "T2-02"} <= ids


def assert_no_error(workdir, lines):
    document, findings, skips = run(workdir, yaml_text(lines, display(lines))[0])
    (table,) = document.tables
    assert table.kind == "T2"
    assert len(table.rows) == len(lines)
    assert [(f.rule, f.message) for f in findings if f.severity == "error"] == []
    evaluated = {r.id for r in ENGINE.rules} - {s.rule for s in skips}
    assert {"T2-01", "T2-02"} <= evaluated


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t2_tables())
def test_a_consistent_income_table_has_no_error(workdir, lines):
    """Any amounts at all, including the few 元 of interest or fees that print as 0.00 万元."""
    assert_no_error(workdir, lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t2_tables(smallest=50))
def test_a_consistent_income_table_without_hidden_small_amounts_has_no_error(workdir, lines):
    """Every non-zero amount prints as at least 0.01 万元 (so a printed 0.00 really is nothing)."""
    assert_no_error(workdir, lines)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(t2_tables(), st.data())
def test_moving_one_figure_beyond_the_tolerance_is_reported_at_that_cell(workdir, lines, data):
    shown = display(lines)
    row = data.draw(st.integers(0, len(lines) - 1), label="row")
    column = data.draw(st.integers(0, len(SOURCES)), label="amount column")
    # twice the allowance of the longest relation (each of its n figures and the total ±0.005), and a cent
    least = 2 * HALF_UNIT * (longest_relation(lines) + 1) + CENT
    cents = data.draw(st.integers(int(least / CENT), 10**6), label="cents")
    delta = cents * CENT * data.draw(st.sampled_from([1, -1]), label="sign")
    shown[row][column] = f"{to_wan(lines[row].yuan[column]) + delta:,.2f}"

    text, header_lines = yaml_text(lines, shown)
    document, findings, _ = run(workdir, text)
    line = header_lines + 1 + row
    (table,) = document.tables
    (data_row,) = [r for r in table.rows if r.source.line == line]
    (amount_column,) = [c for c in table.columns if c.number == column + 1]
    cell = data_row.cells[amount_column.index]
    assert cell.text == shown[row][column]
    where = (cell.source.line, cell.source.column)
    reported = [f for f in findings if f.severity in ("error", "warning")
                and any((loc.source.line, loc.source.column) == where for loc in f.locations)]
    assert reported, (where, shown[row][column], [(f.rule, f.message) for f in findings])
    assert {f.rule for f in reported} <= {"T2-01", "T2-02"}
