"""Every built-in rule's own examples are its tests: each `pass` example yields no finding from that
rule (and is really evaluated, not skipped), each `fail` example yields at least one."""

import pytest

from validator.examples import run_example
from validator.ruleset import builtin_rules

CASES = [(rule, example, outcome) for rule in builtin_rules()
         for outcome, examples in (("pass", rule.spec.examples.passing), ("fail", rule.spec.examples.failing))
         for example in examples]


@pytest.mark.parametrize(("rule", "example", "outcome"), CASES,
                         ids=[f"{r.id}-{o}-{e.name}" for r, e, o in CASES])
def test_rule_example(rule, example, outcome):
    findings, skips = run_example(rule, example)
    if outcome == "pass":
        assert findings == [], [f.message for f in findings]
        assert skips == [], f"the pass example was never evaluated: {skips}"
    else:
        assert findings, f"the fail example produced no finding (skips: {skips})"
        assert {f.rule for f in findings} == {rule.id}
        assert all(f.locations for f in findings)
