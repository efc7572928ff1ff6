"""What several rules read of one file is worked out once per file, not once per rule: the subjects it
names (SUB-01, SUB-02), its headings (DI-01…DI-03) and its parts' layout (DS-01…DS-03). Each was a
share of a file's CPU time (benchmarks/speed.py) repeated by every rule that asked."""

from pathlib import Path

import pytest

import validator.checks.level_words
import validator.checks.structure
import validator.checks.subject_names
import validator.checks.unit_name
import validator.checks.year_references
from validator.catalogue import builtin_catalogue
from validator.engine import Engine
from validator.readers import read_document
from validator.ruleset import builtin_rules

SEED = Path(__file__).parent / "fixtures" / "seed002.txt"


def calls_while_checking(monkeypatch, modules, name, rule_ids):
    """How often the function `name` (as the modules import it) runs while these rules check seed 002."""
    calls = []
    original = getattr(modules[0], name)

    def counted(document):
        calls.append(document)
        return original(document)

    for module in modules:
        monkeypatch.setattr(module, name, counted)
    rules = [rule for rule in builtin_rules() if rule.id in rule_ids]
    assert {rule.id for rule in rules} == set(rule_ids)
    Engine(rules, builtin_catalogue()).run(read_document(SEED, builtin_catalogue()))
    return len(calls)


@pytest.mark.parametrize(("modules", "name", "rule_ids"), [
    ([validator.checks.subject_names], "mentions", ["SUB-01", "SUB-02"]),
    ([validator.checks.unit_name, validator.checks.year_references, validator.checks.level_words], "headings",
     ["DI-01", "DI-02", "DI-03"]),
    ([validator.checks.structure], "layout", ["DS-01", "DS-02", "DS-03"]),
], ids=["subjects", "headings", "layout"])
def test_what_several_rules_read_of_a_file_is_worked_out_once(monkeypatch, modules, name, rule_ids):
    assert calls_while_checking(monkeypatch, modules, name, rule_ids) == 1



def test_only_paragraphs_with_a_number_are_read_into_sentences_and_figures(monkeypatch):
    """Most paragraphs of a disclosure have no digit, so no figure and no claim: they are not read."""
    from validator.claims import extract_claims, paragraphs
    from validator.model import Source, TextLine

    prepared = []
    prepare = paragraphs._prepare
    monkeypatch.setattr(paragraphs, "_prepare", lambda paragraph: prepared.append(paragraph.text) or prepare(paragraph))
    claims = extract_claims([TextLine("本单位职能未发生变化。", Source(line=1)),
                             TextLine("本年支出合计100万元，其中基本支出60万元，项目支出40万元。", Source(line=3))])
    assert prepared == ["本年支出合计100万元，其中基本支出60万元，项目支出40万元。"]
    assert claims


def test_while_a_file_is_checked_what_lived_before_is_out_of_the_collectors_sight_and_after_it_is_not(monkeypatch):
    """The rules, modules and the caller's data are not traversed by every garbage collection the file's
    objects set off; after the file nothing stays frozen (it would never be collected), and what a process
    froze itself stays frozen."""
    import gc

    import validator.engine as engine_module

    seen = []
    evaluate = engine_module.evaluate
    monkeypatch.setattr(engine_module, "evaluate", lambda check, run: seen.append(gc.get_freeze_count())
                        or evaluate(check, run))
    engine = Engine([r for r in builtin_rules() if r.id == "T1-01"], builtin_catalogue())
    document = read_document(SEED, builtin_catalogue())
    gc.unfreeze()
    engine.run(document)
    assert seen and all(count > 0 for count in seen) and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        engine.run(document)
        assert gc.get_freeze_count() > frozen // 2  # still frozen (a few may have been freed), not unfrozen
    finally:
        gc.unfreeze()
