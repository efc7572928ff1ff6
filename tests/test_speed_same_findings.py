"""Speed work must not change a single finding: the JSON report of each seed and of a few real fixtures
(workbooks, text PDFs, a 自评表-heavy disclosure, with rounding tails shown) equals, byte for byte, the
golden copy in tests/fixtures/golden/ written before the speed-up. Paths are given relative to the
repository (so the report names them the same on every machine) and the tool version is blanked.

After a deliberate change of findings, rewrite the golden copies with
`python tests/test_speed_same_findings.py` and review the diff."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from validator.cli import main

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "fixtures" / "golden"
# name -> the arguments of `budgetlint check --format json`, paths relative to the repository
CASES = {
    "seed000": ("tests/fixtures/seed000.txt",),
    "seed001": ("tests/fixtures/seed001.txt",),
    "seed002": ("--show-rounding", "tests/fixtures/seed002.txt"),
    "seed003": ("tests/fixtures/seed003.txt",),
    "seed004": ("tests/fixtures/seed004.txt",),
    "seed002-xlsx": ("--show-rounding", "tests/fixtures/seed002/final_accounts.xlsx"),
    "seed002-xls": ("--show-rounding", "tests/fixtures/seed002/final_accounts.xls"),
    "seed002-pdf": ("--show-rounding", "tests/fixtures/seed002/final_accounts.pdf"),
    "putuo-pdf": ("--show-rounding", "tests/fixtures/real/shanghai-putuo-social-work-dept-2024.pdf"),
    "putuo-unit-budget-xlsx": ("--show-rounding", "tests/fixtures/budgets/putuo-2026-unit-budget-template.xlsx"),
    "examples": ("--show-rounding", "--verbose", "examples/"),
}


def report_text(name):
    """The JSON report of a case as the CLI writes it, with the tool version blanked."""
    result = CliRunner().invoke(main, ["check", "--format", "json", *CASES[name]])
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    report = json.loads(result.stdout)
    report["tool"]["version"] = "VERSION"
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("name", CASES)
def test_json_report_equals_the_golden_copy_written_before_the_speed_up(name, monkeypatch):
    monkeypatch.chdir(REPO)
    golden = (GOLDEN / f"{name}.json").read_text(encoding="utf-8")
    assert report_text(name) == golden


if __name__ == "__main__":
    import os

    os.chdir(REPO)
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for case in CASES if len(sys.argv) < 2 else sys.argv[1:]:
        (GOLDEN / f"{case}.json").write_text(report_text(case), encoding="utf-8")
        print("wrote", GOLDEN / f"{case}.json")
