"""The words claims are read by are data (rules/vocabulary.yaml): loaded, validated, and what they say
is what the claim readers recognise."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

import validator.claims.vocabulary as vocabulary_module
from validator.claims import extract_claims
from validator.claims.vocabulary import VOCABULARY_FILE, VocabularyFile, vocabulary
from validator.model import Source, TextLine
from validator.packs import builtin_rules_dir
from validator.ruleset import builtin_rules, rule_files

SHRINKING = "本年支出 95 万元，较上年 100 万元缩减 5 万元。"


def lines(text: str) -> list[TextLine]:
    return [TextLine(text, Source(line=1, column=1))]


def builtin_words() -> dict:
    return yaml.safe_load(builtin_rules_dir().joinpath(VOCABULARY_FILE).read_text(encoding="utf-8"))


@pytest.fixture
def edited_vocabulary(tmp_path, monkeypatch):
    """Install an edited copy of the built-in vocabulary for one test: edit(words) changes the dict."""
    def install(edit) -> None:
        words = builtin_words()
        edit(words)
        (tmp_path / VOCABULARY_FILE).write_text(yaml.safe_dump(words, allow_unicode=True), encoding="utf-8")
        monkeypatch.setattr(vocabulary_module, "builtin_rules_dir", lambda: Path(tmp_path))
        vocabulary.cache_clear()
    yield install
    vocabulary.cache_clear()


def test_the_builtin_vocabulary_loads_and_is_read_once():
    words = vocabulary()
    assert words is vocabulary()
    assert words.unit_family["万元"] == "money" and words.unit_family["人次"] == "people"
    assert words.units.index("万元") < words.units.index("万"), "a longer unit is read before its prefix"


def test_the_money_factors_say_what_a_money_unit_is_worth_in_wan_yuan():
    assert vocabulary().money_factors == {"元": Decimal("0.0001"), "万元": 1, "亿元": 10000}
    assert {"个", "人次", "团组"} <= vocabulary().exact_counts


def test_a_direction_added_to_the_vocabulary_is_recognised_in_a_change(edited_vocabulary):
    assert not [c for c in extract_claims(lines(SHRINKING)) if c.kind == "change"]
    edited_vocabulary(lambda words: words["changes"]["directions"].append("缩减"))
    changes = [c for c in extract_claims(lines(SHRINKING)) if c.kind == "change"]
    assert [(c.subject, c.words["direction"], c.figures["change"].text) for c in changes] == [
        ("本年支出", "缩减", "5 万元")]


def test_a_unit_removed_from_the_vocabulary_is_no_longer_a_unit(edited_vocabulary):
    text = "共依法打击 91 人次（刑事拘留 3 人、行政拘留 42 人、批评教育 46 人）"
    assert [c.kind for c in extract_claims(lines(text))] == ["parts"]
    edited_vocabulary(lambda words: words["units"]["people"].remove("人次"))
    assert extract_claims(lines(text)) == []


def test_a_misspelt_entry_is_refused_naming_it():
    words = builtin_words()
    words["changes"]["direction"] = words["changes"].pop("directions")
    with pytest.raises(ValidationError, match="direction"):
        VocabularyFile.model_validate(words)


def test_balance_spending_must_be_a_money_word():
    words = builtin_words()
    words["balances"]["spent"].append("花费")
    with pytest.raises(ValidationError, match="花费"):
        VocabularyFile.model_validate(words)


def test_the_vocabulary_is_not_read_as_a_rule_file():
    assert VOCABULARY_FILE not in {Path(p).name for p in rule_files(builtin_rules_dir())}
    assert VOCABULARY_FILE not in {Path(r.path).name for r in builtin_rules()}
