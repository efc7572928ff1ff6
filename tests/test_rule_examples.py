"""Every built-in rule's own examples are its tests: each `pass` example yields no finding from that
rule (and is really evaluated, not skipped), each `fail` example yields findings of that rule that
blame exactly the places its `expect:` names. A `todo:` example is a known gap: a strict xfail, so it
fails the suite once it behaves as listed and its `todo:` must go."""

import pytest

from validator.examples import example_documents, run_on_all
from validator.rule_tests import judged, unclear
from validator.ruleset import builtin_rules

CASES = [pytest.param(rule, example, outcome, id=f"{rule.id}-{outcome}-{example.name}",
                      marks=[pytest.mark.xfail(strict=True, reason=example.todo)] if example.todo else [])
         for rule in builtin_rules()
         for outcome, examples in (("pass", rule.spec.examples.passing), ("fail", rule.spec.examples.failing))
         for example in examples]


@pytest.mark.parametrize(("rule", "example", "outcome"), CASES)
def test_rule_example(rule, example, outcome):
    documents = example_documents(rule, example)
    findings, skips = run_on_all(rule, documents)
    assert unclear(outcome, example, documents) is None
    failure = judged(rule, outcome, example, findings, skips)
    assert failure is None, f"expected {failure.expected}; got {failure.actual}"
    assert {f.rule for f in findings} <= {rule.id}
    assert all(f.locations for f in findings)


def test_every_builtin_failing_example_names_what_it_blames():
    unnamed = [f"{rule.id} {example.name}" for rule in builtin_rules() for example in rule.spec.examples.failing
               if not example.expect]
    assert unnamed == []
