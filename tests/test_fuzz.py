"""Fuzzing (issue 16): whatever file a batch meets — a text dump, a YAML/JSON document, a workbook, a PDF,
made up or bent out of shape — budgetlint reads it or refuses it with a READ-01 finding, and every report
format renders: no traceback, no internal error (a READ-01 saying 内部错误, which loses the file's other
findings), no input taking more than TIME_LIMIT seconds. A short run for CI; benchmarks/fuzz.py runs the
same generators (tests/fuzz_inputs.py) over thousands of inputs."""

import json
import random
from datetime import timedelta

import pytest
import yaml
from fuzz_inputs import (
    ODD_NUMBERS,
    ODD_TEXT,
    WORDS,
    built_workbook,
    judge,
    mutated_pdf,
    mutated_workbook,
    mutated_xls,
    pdf_page,
    structured,
    text_dump,
)
from helpers import within
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Libraries warn about the damaged files they read (openpyxl: extensions, invalid specifications); in use
# the warnings go to stderr, here they would be turned into errors by the suite's filterwarnings.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TIME_LIMIT = 20  # seconds per input; the slowest of 5,000 in benchmarks/fuzz.py took a few seconds


def fuzz(examples):
    """A few dozen inputs per kind keep the module under a minute; an input past the deadline fails, and
    one that hangs is stopped at three times it. The same inputs on every run (CI must not flicker):
    benchmarks/fuzz.py explores."""
    return settings(max_examples=examples, deadline=timedelta(seconds=TIME_LIMIT), derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.large_base_example, HealthCheck.data_too_large])


def read_cleanly(tmp_path, suffix, data):
    path = tmp_path / f"input{suffix}"
    path.write_bytes(data)
    with within(3 * TIME_LIMIT):
        assert judge(path).internal_errors == []


seeds = st.integers(min_value=0, max_value=2 ** 64)  # the generators' own choices, remade from the seed
cells = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD_NUMBERS), st.sampled_from(ODD_TEXT),
                  st.decimals(allow_nan=True, allow_infinity=True).map(str), st.integers().map(str),
                  st.floats().map(lambda f: f"{f:,.2f}" if abs(f) < 1e300 else str(f)), st.text(max_size=30))
rows = st.lists(st.lists(cells, min_size=1, max_size=12), max_size=40)


@fuzz(40)
@given(title=st.sampled_from(WORDS), grid=rows)
def test_made_up_text_dumps(tmp_path, title, grid):
    text = title + "\n" + "\n".join("\t".join(row) for row in grid)
    read_cleanly(tmp_path, ".txt", text.encode("utf-8", "surrogatepass"))


@fuzz(25)
@given(seeds)
def test_bent_text_dumps(tmp_path, seed):
    read_cleanly(tmp_path, *text_dump(random.Random(seed)))


documents = st.fixed_dictionaries({
    "format": st.sampled_from(["budgetlint-document/1", "budgetlint-document/1", "x"]),
    "tables": st.lists(st.fixed_dictionaries({"title": st.one_of(st.sampled_from(WORDS), cells),
                                              "label": st.sampled_from(["公开01表", "公开05表", "公开09表", ""]),
                                              "grid": rows}), max_size=3),
    "text": st.lists(cells, max_size=5)})


@fuzz(30)
@given(document=documents, as_json=st.booleans())
def test_made_up_structured_documents(tmp_path, document, as_json):
    if as_json:
        read_cleanly(tmp_path, ".json", json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    else:
        read_cleanly(tmp_path, ".yaml", yaml.safe_dump(document, allow_unicode=True).encode("utf-8", "surrogatepass"))


@fuzz(25)
@given(seeds)
def test_bent_structured_documents(tmp_path, seed):
    read_cleanly(tmp_path, *structured(random.Random(seed)))


@fuzz(20)
@given(seeds)
def test_workbooks_openpyxl_writes_and_their_xml_bent(tmp_path, seed):
    read_cleanly(tmp_path, *built_workbook(random.Random(seed)))


@fuzz(12)
@given(seeds)
def test_the_seed_workbook_with_its_parts_bent(tmp_path, seed):
    read_cleanly(tmp_path, *mutated_workbook(random.Random(seed)))


@fuzz(12)
@given(seeds)
def test_the_seed_xls_with_bytes_flipped(tmp_path, seed):
    read_cleanly(tmp_path, *mutated_xls(random.Random(seed)))


@fuzz(20)
@given(seeds)
def test_pdf_pages_of_ruled_tables_bent(tmp_path, seed):
    read_cleanly(tmp_path, *pdf_page(random.Random(seed)))


@fuzz(20)
@given(seeds)
def test_pages_of_the_seed_pdfs_with_bytes_flipped(tmp_path, seed):
    read_cleanly(tmp_path, *mutated_pdf(random.Random(seed)))


def test_the_generators_make_the_same_input_from_the_same_seed():
    """The campaign names a failing input by its seed: remaking it must give the same bytes."""
    for generator in (text_dump, structured, built_workbook, mutated_workbook, mutated_xls, pdf_page, mutated_pdf):
        assert generator(random.Random("seed")) == generator(random.Random("seed")), generator.__name__
