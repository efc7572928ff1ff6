"""What budgetlint reports on the five real seeds: exactly their real problems, each at its line, and
nothing else (rounding tails are not findings). Each entry was checked by reading the line."""

from pathlib import Path

import pytest

from validator import check

FIXTURES = Path(__file__).parent / "fixtures"

EXPECTED = {
    # Nine evaluation summaries: every score matches its grade, every sum and rate holds (the 决算收入
    # of line 18 is 0.01 off its parts: a rounding tail).
    "seed000.txt": [
        ("D-07", "warning", 594),  # “3.持续提高地方团队的科研能力。。”: two full stops
    ],
    # Project list with prose in its cells.
    "seed001.txt": [
        ("N-02", "error", 13),  # 建设工程款“5,00.00万元”: misplaced thousands separator
        ("N-02", "error", 13),  # 总计“5,83.20万元”
        ("C-01", "error", 47),  # 实际补助51个申报主体，其中 39 + 6 + 4 = 49
    ],
    # The complete 单位决算: the nine tables and the 情况说明 agree; three 自评表 do not add up.
    "seed002.txt": [
        ("SE-12", "warning", 592),  # 单位资金 0 0 - 0 -: one figure short, not guessed
        ("SE-12", "warning", 621),
        ("SE-12", "warning", 650),
        # One finding per 自评表, SE-09 (得分 against 总分) folded into SE-08 (same_mistake_as): a row
        # listed twice (or missing) breaks both sums of the same table.
        ("SE-08", "error", 682),  # 政府机关工作经费: 单位职工满意度 listed twice (the culprit, line 682), 分值 105, 得分 103.68 against 99.21
        ("SE-08", "error", 719),  # 智慧城市数据中枢平台: 分值 add up to 95, 得分 93.95 against 总分 98.95
        ("SE-12", "warning", 871),
        ("SE-12", "warning", 881),  # 社会成本指标 row with one cell too many
        ("SE-12", "warning", 911),
        ("SE-08", "error", 948),  # AK替代工程监理服务费: the same 95-point sheet
        ("SE-12", "warning", 1057),  # 年度资金总额 with seven figures for six columns
        ("SE-12", "warning", 1069),  # 经济成本指标 and 社会成本指标 on one row
    ],
    # Six key-project evaluations: sums, balances (1,470.93 − 1,294.61 = 176.32) and grades hold.
    # 应急指挥中心“（兼做会商室八1个 20 平方米的信息机房（包含值班室），…”: the first bracket never closes
    "seed003.txt": [("D-08", "warning", 54)],
    # Six evaluation report summaries: grades and rates hold.
    "seed004.txt": [],
}


@pytest.mark.parametrize("seed", sorted(EXPECTED))
def test_each_seed_gets_exactly_its_real_problems(seed):
    report = check([FIXTURES / seed])
    assert report.files[0].error is None
    found = [(f.rule, f.severity, f.locations[0].source.line) for f in report.findings]
    assert found == EXPECTED[seed]


def test_a_prose_finding_points_at_the_claim_and_its_figures():
    report = check([FIXTURES / "seed001.txt"], select_ids=["C-01"])
    (finding,) = report.findings
    claim, total, *parts = finding.locations
    line = (FIXTURES / "seed001.txt").read_text(encoding="utf-8").splitlines()[46]
    start, end = claim.span
    assert line[start:end].startswith("第一产业高质量发展实际补助51个申报主体")
    assert claim.source.column == start + 1
    assert total.value == "51个" and line[total.source.column - 1:].startswith("51个")
    assert [p.value for p in parts] == ["39个", "6个", "4个"]
    assert (finding.actual, finding.expected) == ("51", "49")


def test_the_self_evaluation_findings_name_the_project():
    report = check([FIXTURES / "seed002.txt"], select_ids=["SE-08"])
    titles = [f.locations[0].table_title for f in report.findings]
    assert titles[0] == "项目单位自评表（政府机关工作经费）"
    assert all(t.startswith("项目单位自评表（") for t in titles)


def test_verbose_says_how_many_claims_were_found_and_checked_per_file():
    from click.testing import CliRunner

    from validator.cli import main

    result = CliRunner().invoke(main, ["check", "--verbose", "--jobs", "1", str(FIXTURES / "seed002.txt")])
    # with the share sums of lines 414 and 418, line 428's share of 本年支出合计 (only in 公开01表) and line
    # 476's 三公 items completing their budget (only in 公开09表; 公务用车购置及运行费 names no column of it)
    assert "文中找到 56 处可核对的数字表述，其中 52 处已按规则核对" in result.output
    assert check([FIXTURES / "seed003.txt"]).files[0].claims == (17, 17)
