"""Fixtures shared by the command-line, configuration, baseline, reporter and batch tests."""

import pytest
from hypothesis import settings
from helpers import SEED002, TOTAL_LINE, mutate

# Property tests judge results, not speed: a loaded CI machine must not fail them on Hypothesis's 200 ms
# deadline (speed lives in benchmarks/)
settings.register_profile("budgetlint", deadline=None)
settings.load_profile("budgetlint")


@pytest.fixture
def wrong_total(tmp_path):
    """Seed 002 with 本年收入合计 2,643.57 written as 2,653.57: T1-01 and T1-03 fail on its line."""
    path = tmp_path / "mutated.txt"
    path.write_text(mutate(SEED002.read_text(encoding="utf-8"), TOTAL_LINE, "\t2,643.57\t", "\t2,653.57\t"),
                    encoding="utf-8")
    return path


@pytest.fixture
def mutated(wrong_total):
    """The seed with 本年收入合计 changed from 2,643.57 to 2,653.57 (T1-01 and T1-03 must fail)."""
    return wrong_total
