"""What several rules read of one file is worked out once per file, not once per rule: the subjects it
names (SUB-01, SUB-02), its headings (DI-01…DI-03), its parts' layout (DS-01…DS-03) and the cells of
a row with their values (five rules read each indicator row of a 自评表). Each was a share of a
file's CPU time (benchmarks/speed.py) repeated by every rule that asked."""

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
from validator.resolver import RowBinding, TableResolver
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


def test_a_cell_of_a_row_is_found_and_valued_once_for_every_rule_that_reads_it():
    document = read_document(SEED, builtin_catalogue())
    table = document.tables_of("SE")[0]
    resolver = TableResolver({"SE": table}, builtin_catalogue())
    binding = RowBinding(table, table.rows[0])
    cell = resolver.row_cell(binding, "分值")
    assert resolver.row_cell(RowBinding(table, table.rows[0]), "分值") is cell
    assert resolver.cell_quantity(cell) is resolver.cell_quantity(cell)
    assert resolver.cell_quantity(cell).shown == cell.cell.amount.value
