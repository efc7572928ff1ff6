"""A rule's own pass/fail examples as documents: what the test suite and `budgetlint rules ID` use."""

from __future__ import annotations

from .catalogue import builtin_catalogue
from .engine import Engine
from .findings import Finding, Skip
from .model import Document
from .readers.structured import document_from_data
from .ruleset import Example, Rule


def example_document(rule: Rule, example: Example) -> Document:
    data = {"tables": [t.model_dump(exclude_none=True) for t in example.tables], "text": list(example.text),
            "problems": list(example.problems)}
    return document_from_data(data, f"{rule.id}:{example.name}", builtin_catalogue())


def run_example(rule: Rule, example: Example) -> tuple[list[Finding], list[Skip]]:
    return Engine([rule], builtin_catalogue()).run(example_document(rule, example))
