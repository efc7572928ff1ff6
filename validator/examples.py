"""A rule's own pass/fail examples as documents: what the test suite, `budgetlint rules ID` and
`budgetlint test-rules` use."""

from __future__ import annotations

import yaml

from .cross_documents import CrossDocumentChecker
from .document_kind import keep_own_tables
from .engine import Engine
from .findings import Finding, Skip
from .model import Document, Source
from .readers.structured import FORMAT, document_from_data
from .ruleset import Example, ExampleDocument, ExampleProblem, Rule
from .yamlnodes import load_with_nodes


def example_document(rule: Rule, example: Example) -> Document:
    return _of_its_kind(document_from_data(_document_data(example), f"{rule.id}:{example.name}", rule.catalogue), rule)


def _of_its_kind(document: Document, rule: Rule) -> Document:
    """The example told 预算 or 决算 like any file read, so that the rules of its kind apply to it."""
    keep_own_tables(document, rule.catalogue)
    return document


def example_documents(rule: Rule, example: Example) -> list[Document]:
    """The example as the documents it is: one, or each of `documents` under its name."""
    if not example.documents:
        return [example_document(rule, example)]
    return [_of_its_kind(document_from_data(_document_data(d), d.name, rule.catalogue), rule) for d in example.documents]


def _document_data(example: Example | ExampleDocument) -> dict[str, object]:
    """The example in the structured reader's form (a line's, table's or problem's page as its source)."""
    tables = [t.model_dump(exclude_none=True, exclude={"page"}) | ({"source": {"page": t.page}} if t.page else {})
              for t in example.tables]
    return {"format": FORMAT, "tables": tables, "text": [_paged(t) for t in example.text],
            "problems": [_paged(p) for p in getattr(example, "problems", ())],
            "empty_pages": getattr(example, "empty_pages", [])}


def _paged(text: str | ExampleProblem) -> str | dict[str, object]:
    return text if isinstance(text, str) else {"text": text.text, "source": {"page": text.page}}


def run_example(rule: Rule, example: Example) -> tuple[list[Finding], list[Skip]]:
    return run_on_all(rule, example_documents(rule, example))


def run_on(rule: Rule, document: Document) -> tuple[list[Finding], list[Skip]]:
    return Engine([rule], rule.catalogue, find_culprits=False).run(document)


def run_on_all(rule: Rule, documents: list[Document]) -> tuple[list[Finding], list[Skip]]:
    """The rule on an example's document, or on its documents checked together."""
    if not rule.between_documents:
        (document,) = documents
        return run_on(rule, document)
    compared, findings, skips = CrossDocumentChecker([rule], rule.catalogue).check(documents)
    if not compared:
        skips.append(Skip(rule.id, documents[0].path if documents else "", "例子中的文件没有配成对（未识别出同一单位）"))
    return findings, skips


def example_with_grid_places(rule: Rule, example: Example) -> tuple[Document, dict[Source, tuple[int, int, int]]]:
    """The example as a document whose grid cells each have their own Source, and the (table, row,
    column) of the printed grid each Source stands for: so a finding's cells can be marked in the grid.

    The example is written out as YAML and read back, which gives every cell a line of its own.
    """
    data, node = load_with_nodes(yaml.safe_dump(_document_data(example), allow_unicode=True,
                                                default_flow_style=False))
    places: dict[Source, tuple[int, int, int]] = {}
    tables = next(v for k, v in node.value if k.value == "tables")  # type: ignore[union-attr]
    for t, table in enumerate(tables.value):
        grid = next(v for k, v in table.value if k.value == "grid")  # every example table has one
        for i, row in enumerate(grid.value):
            for j, cell in enumerate(row.value):
                places[Source(line=cell.start_mark.line + 1, column=cell.start_mark.column + 1)] = (t, i, j)
    return _of_its_kind(document_from_data(data, f"{rule.id}:{example.name}", rule.catalogue, node), rule), places
