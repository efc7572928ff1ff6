"""The faster forms of the per-file work give exactly what the plain forms give, on many made-up inputs:
a text pattern is run only on texts holding the characters its every match needs, and finds there
what running it on every text finds; a place in a line of prose, built field by field, is the line's
source with its column moved, as `dataclasses.replace` makes it; the words naming a figure, found by
walking back over brackets and boundaries only, begin where the walk over every character ends; and a
`where:` that is one equality keeps exactly the rows an index gives for it, so they are not tested again."""

import re
from dataclasses import replace
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from validator.api import active_rules
from validator.catalogue import builtin_catalogue
from validator.checks.required_characters import required_characters
from validator.claims.figures import at_column
from validator.claims.paragraphs import CLAUSE_END, CLOSE, OPEN, label_start_of
from validator.checks.text_pattern import _Wording
from validator.expression import compile_condition
from validator.model import Document, Row, Source, Table, TextLine
from validator.readers import read_document
from validator.resolver import RowBinding, TableResolver

PIECES = ["a", "b", "：", ":", "。", "；", "[ab]", "[：:]", "[^a]", r"\s", r"\d", "a{0,3}", "b{2}", "(?:a|b)",
          "(?:ab|：)", "(?:a|)", "(a)\\1", "(?<!a)", "(?!b)", "(?i:a)", ".", "a*", "b+", "[a-c]"]
ALPHABET = "abcAB：:。；; 1"


def found_where_it_may_match(pattern: re.Pattern[str], texts: list[str]) -> list[tuple[int, tuple[int, int]]]:
    """(text index, span) of the pattern's first match in each text it is run on, as text_pattern runs it."""
    wording = _Wording(Document("f.txt", "text", text=[TextLine(t, Source(line=n + 1)) for n, t in enumerate(texts)]))
    return [(i, match.span()) for i in wording.may_match(required_characters(pattern))
            if (match := pattern.search(texts[i]))]


def found_in_every_text(pattern: re.Pattern[str], texts: list[str]) -> list[tuple[int, tuple[int, int]]]:
    return [(i, match.span()) for i, text in enumerate(texts) if (match := pattern.search(text))]


@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=5), st.booleans(),
       st.lists(st.text(ALPHABET, max_size=12), max_size=40))
def test_a_pattern_passed_over_for_a_text_finds_nothing_in_it(pieces, alternative, texts):
    source = "".join(pieces)
    pattern = re.compile(f"{source}|{pieces[0]}" if alternative else source)
    assert found_where_it_may_match(pattern, texts) == found_in_every_text(pattern, texts)


def test_a_case_insensitive_pattern_requires_nothing():
    assert required_characters(re.compile("(?i)ab")) == ()
    assert required_characters(re.compile("a|(?i:b)")) == ()


BUILTIN_PATTERNS = sorted({p for rule in active_rules() if rule.spec.check.kind == "text_pattern"
                           for p in rule.spec.check.patterns})


@given(st.sampled_from(BUILTIN_PATTERNS),
       st.lists(st.text("原因是为主要用于：:。；;，、XxＸｘ×单位部门年度2０ 增加（）(减少)略请填写说明万元占比重1.\n",
                        max_size=16), max_size=40))
def test_the_builtin_patterns_find_in_the_texts_they_run_on_what_they_find_in_every_text(source, texts):
    pattern = re.compile(source)
    assert found_where_it_may_match(pattern, texts) == found_in_every_text(pattern, texts)


sources = st.builds(Source, st.none() | st.integers(1, 999), st.none() | st.integers(1, 99), st.none() | st.integers(1, 9),
                    st.none() | st.tuples(*[st.floats(0, 500)] * 4), st.none() | st.text(max_size=3),
                    st.none() | st.text(max_size=3), st.sampled_from([(), ("row",), ("sheet", "column")]),
                    st.none() | st.floats(0, 1))


@given(sources, st.integers(0, 300))
def test_a_place_in_a_line_is_its_source_with_only_the_column_moved(source, offset):
    assert at_column(TextLine("", source), offset) == replace(source, column=(source.column or 1) + offset)


def plain_label_start(text: str, start: int, floor: int, boundaries: str) -> int:
    """paragraphs.label_start_of as first written: a walk back over every character."""
    depth = 0
    i = start - 1
    while i >= floor:
        char = text[i]
        if char in CLOSE:
            depth += 1
        elif char in OPEN:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and char in boundaries:
            break
        i -= 1
    return i + 1


@given(st.text("ab（）()，,；;。：、\t<>]^-\\", max_size=20), st.data(),
       st.sampled_from([CLAUSE_END, "，,；;。！？!?<>\t", "]^-\\"]))
def test_the_words_naming_a_figure_begin_where_the_walk_over_every_character_ends(text, data, boundaries):
    start = data.draw(st.integers(0, len(text)))
    floor = data.draw(st.integers(0, len(text) + 1))
    assert label_start_of(text, start, floor, boundaries) == plain_label_start(text, start, floor, boundaries)


def test_only_a_single_equality_leaves_its_rows_untested():
    assert compile_condition('row.group == "指标"', {"row"}).indexed
    assert compile_condition('"年度资金总额" == row.label', {"row"}).indexed
    assert not compile_condition('row.group == "指标" and row.label == "x"', {"row"}).indexed
    assert not compile_condition('row.group != "总分"', {"row"}).indexed
    assert not compile_condition('row.group == "资金" or row.group == "指标"', {"row"}).indexed


@given(st.lists(st.tuples(st.sampled_from(["资金", "指标", None]), st.sampled_from(["年度资金总额", "其他", ""])),
                max_size=12),
       st.sampled_from(['row.group == "指标"', 'row.label == "年度资金总额"', 'None == row.group']))
def test_the_rows_of_a_single_equality_are_those_its_test_keeps(rows, source):
    table_rows = [Row(label, label, None, None, None, 0, i, Source(), group=group)
                  for i, (group, label) in enumerate(rows)]
    table = Table("SE", "项目支出绩效自评表", None, [], table_rows, Source())
    condition = compile_condition(source, {"row"})
    resolver = TableResolver({"SE": table}, builtin_catalogue())
    assert condition.indexed
    assert resolver.rows_having(table, condition.required) == [
        r for r in table_rows if condition.test((resolver, {"row": RowBinding(table, r)}))]


def test_while_a_file_is_read_what_lived_before_is_out_of_the_collectors_sight(monkeypatch):
    """As while it is checked (test_per_file_work): the document's objects set off collections that
    would traverse the rules and modules too; nothing stays frozen after."""
    import gc

    import validator.readers.text as text_reader

    seen = []
    parse_lines = text_reader.parse_lines
    monkeypatch.setattr(text_reader, "parse_lines", lambda *args: seen.append(gc.get_freeze_count())
                        or parse_lines(*args))
    gc.unfreeze()
    read_document(Path(__file__).parent / "fixtures" / "seed002.txt", builtin_catalogue())
    assert seen and seen[0] > 0 and gc.get_freeze_count() == 0
