"""The built-in rule packs' parse kept between runs (validator.builtin_cache): a run that reads it gets
the very rules a fresh parse gives, and a cache that is damaged or cannot be written only means parsing
again."""

import os

import pytest

from validator import builtin_cache
from validator.catalogue import builtin_catalogue
from validator.ruleset import _builtin_rule_file, builtin_rules_dir, load_rule_file

NAME = "rules/self_evaluation.yaml"
TEXT = builtin_rules_dir().joinpath("self_evaluation.yaml").read_text(encoding="utf-8")


def described(rules):
    return [(r.id, r.path, r.line, r.document, r.spec.model_dump()) for r in rules]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    builtin_catalogue()  # the table catalogue the rules name, kept once per process (its parse too)
    monkeypatch.setenv("BUDGETLINT_RULE_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_rules_read_from_the_cache_equal_those_parsed_with_their_lines(cache):
    fresh = described(load_rule_file(NAME, TEXT))
    assert described(_builtin_rule_file(NAME, TEXT)) == fresh  # parsed, and stored
    assert len(list(cache.iterdir())) == 1
    assert described(_builtin_rule_file(NAME, TEXT)) == fresh  # from the stored parse
    assert fresh[0][2] == 8  # SE-01's line in the file


def test_a_stored_parse_is_used_without_parsing_again(cache, monkeypatch):
    _builtin_rule_file(NAME, TEXT)
    monkeypatch.setattr("validator.yamlnodes.load_rule_yaml", lambda *args: pytest.fail("parsed again"))
    assert [r.id for r in _builtin_rule_file(NAME, TEXT)][:2] == ["SE-01", "SE-02"]


def test_another_text_of_the_file_is_parsed_not_read_from_the_cache(cache):
    _builtin_rule_file(NAME, TEXT)
    changed = TEXT.replace("id: SE-01", "id: SE-91")
    assert _builtin_rule_file(NAME, changed)[0].id == "SE-91"
    assert len(list(cache.iterdir())) == 2


def test_a_damaged_cache_file_is_parsed_again(cache):
    expected = described(_builtin_rule_file(NAME, TEXT))
    (stored,) = cache.iterdir()
    stored.write_bytes(stored.read_bytes()[:100])
    assert described(_builtin_rule_file(NAME, TEXT)) == expected


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_a_cache_folder_that_cannot_be_written_still_gives_the_rules(cache):
    cache.mkdir()
    cache.chmod(0o500)
    try:
        assert _builtin_rule_file(NAME, TEXT)[0].id == "SE-01"
        assert list(cache.iterdir()) == []
    finally:
        cache.chmod(0o700)


def test_a_cache_path_that_is_a_file_still_gives_the_rules(cache):
    cache.write_text("not a folder")
    assert _builtin_rule_file(NAME, TEXT)[0].id == "SE-01"


def test_parse_results_are_keyed_by_version(cache, monkeypatch):
    builtin_cache.parsed("x.yaml", "a: 1", lambda name, text: {"a": 1})
    monkeypatch.setattr(builtin_cache, "__version__", "99.0")
    assert builtin_cache.parsed("x.yaml", "a: 1", lambda name, text: {"a": 2}) == {"a": 2}


@pytest.mark.parametrize(("load", "parser"), [
    ("validator.claims.vocabulary.vocabulary", "yaml.load"),
    ("validator.subjects.subjects", "yaml.load"),
    ("validator.parts.builtin_parts", "validator.yamlnodes.load_rule_yaml"),
    ("validator.catalogue.builtin_catalogue", "validator.yamlnodes.load_rule_yaml"),
    ("validator.causes.catalogue", "yaml.load"),
], ids=["vocabulary", "subjects", "parts", "tables", "causes"])
def test_the_built_in_data_files_are_read_from_the_cache_too(cache, monkeypatch, load, parser):
    """The vocabulary, the subjects, the parts, the table catalogue and the causes are read by every
    process that checks prose, parts, tables or culprits."""
    module, _, name = load.rpartition(".")
    function = getattr(__import__(module, fromlist=[name]), name)
    function.cache_clear()
    fresh = loaded(function())
    function.cache_clear()
    monkeypatch.setattr(parser, lambda *args, **kwargs: pytest.fail("parsed again"))
    try:
        assert loaded(function()) == fresh
    finally:
        function.cache_clear()


def loaded(data):
    """What a data file gives, comparable: a plain object by its attributes."""
    return vars(data) if hasattr(data, "__dict__") else data
