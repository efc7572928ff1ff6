"""The rules the README shows are real: every ```yaml block with a top-level `rules:` loads as a user
rule file (with the tables of the blocks with a top-level `tables:`) and its examples pass, and what the README says `test-rules` and `rules --format json` print
is what they print."""

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from validator.catalogue import builtin_catalogue, extended
from validator.cli import main
from validator.rule_tests import run_examples
from validator.ruleset import load_rule_file

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def blocks(top_key):
    """(first line in the README, text) of each YAML block with this top-level key."""
    return [(README.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in YAML_BLOCK.finditer(README)
            if re.search(rf"^{top_key}:", m.group(1), re.MULTILINE)]


def rule_blocks():
    return blocks("rules")


def readme_catalogue():
    """The built-in catalogue with the README's tables.yaml blocks added."""
    catalogue = builtin_catalogue()
    for line, text in blocks("tables"):
        catalogue = extended(catalogue, "README.md", "\n" * (line - 1) + text)
    return catalogue


def load(line, text):
    """The block as a rule file whose line numbers are the README's: a mistake names README.md:line."""
    return load_rule_file("README.md", "\n" * (line - 1) + text, catalogue=readme_catalogue())


def test_the_readme_shows_a_catalogue_that_adds_a_kind():
    assert readme_catalogue().kinds.keys() > builtin_catalogue().kinds.keys()


def test_the_readme_shows_rules():
    rules = [rule for line, text in rule_blocks() for rule in load(line, text)]
    assert len(rules) >= 2
    assert all(rule.spec.examples.passing and rule.spec.examples.failing for rule in rules)


@pytest.mark.parametrize(("line", "text"), rule_blocks(), ids=[f"README.md:{line}" for line, _ in rule_blocks()])
def test_a_readme_rule_file_loads_and_its_examples_pass(line, text):
    for rule in load(line, text):
        result = run_examples(rule)
        assert result.failures == [], (rule.id, result.failures)
        assert [w.message() for w in result.warnings] == []


def test_the_readme_test_rules_sample_is_what_test_rules_prints(tmp_path, monkeypatch):
    sample = re.search(r"```text\n\$ budgetlint test-rules my-rules/ .*?\n(.*?)```", README, re.DOTALL)
    assert sample, "the README shows a test-rules run"
    line, text = next((line, text) for line, text in rule_blocks() if "id: MY-01" in text)
    mistyped = text.replace('T9["决算数/公务接待费"] <=', 'T9["决算数/公务接侍费"] <=')
    assert mistyped != text
    (tmp_path / "my-rules").mkdir()
    (tmp_path / "my-rules" / "三公经费.yaml").write_text(mistyped, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["test-rules", "my-rules/"])
    assert result.exit_code == 1
    assert result.stdout == sample.group(1)


def test_the_readme_names_every_key_of_the_rules_json():
    rules = json.loads(CliRunner().invoke(main, ["rules", "T9-01", "--format", "json"]).stdout)
    documented = README[README.index("--format json` lists the rules"):]
    documented = documented[:documented.index("\n\n")]
    assert set(re.findall(r"`([a-z]+)`", documented)) >= set(rules[0])
