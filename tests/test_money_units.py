"""Amounts printed in 元 in one table and in 万元 in another table or in the prose are compared in one
unit: the table's 金额单位 line travels with its figures (issue 14)."""

from decimal import Decimal

from helpers import SEED002, run_json

T9_UNIT_LINE = 395  # 0-based: seed 002's 公开09表 "单位：万元"
T9_FIGURES_LINE = 401


def _seed_with_t9_in_yuan(tmp_path, change=None):
    lines = SEED002.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[T9_UNIT_LINE] == "单位：万元\n"
    lines[T9_UNIT_LINE] = "单位：元\n"
    figures = [Decimal(x) * 10000 for x in lines[T9_FIGURES_LINE].split("\t")]
    if change:
        for index, value in change.items():
            figures[index] = value
    lines[T9_FIGURES_LINE] = "\t".join(f"{x:,.2f}" for x in figures) + "\n"
    path = tmp_path / "seed002-t9-in-yuan.txt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def test_a_table_in_yuan_agrees_with_prose_in_wanyuan_that_restates_it(tmp_path):
    _, report = run_json(_seed_with_t9_in_yuan(tmp_path))
    assert not [f for f in report["findings"] if f["rule"].startswith(("NR", "T9", "X"))]


def test_a_prose_figure_that_differs_from_a_yuan_table_is_reported_in_the_prose_unit(tmp_path):
    # 因公出国（境）费 决算 64,900.00 元 (and its 合计 368,600.00): the prose says 6.39 万元
    path = _seed_with_t9_in_yuan(tmp_path, {6: Decimal("368600"), 7: Decimal("64900")})
    _, report = run_json(path)
    messages = [f["message"] for f in report["findings"] if f["rule"] == "NR-10"]
    assert any("6.39" in m and "6.49" in m for m in messages), messages
