"""The check kinds by name: rule files are validated against their schemas, and the engine
evaluates a check by looking its kind up here. A new kind is a module with a schema, an
`evaluate` and a KIND, listed below."""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding
from . import (
    assertion,
    between_documents,
    claim,
    empty_table_note,
    garbled,
    grade,
    level_words,
    paired_marks,
    reader_problems,
    restated_amounts,
    rollup,
    structure,
    subject_amounts,
    subject_names,
    tables_present,
    text_pattern,
    uncached_formulas,
    unit_name,
    year_references,
)
from .common import CheckKind, RuleRun, Strict

CHECK_KINDS: dict[str, CheckKind] = {kind.name: kind for kind in (
    assertion.KIND, rollup.KIND, garbled.KIND, reader_problems.KIND, tables_present.KIND, empty_table_note.KIND,
    text_pattern.KIND, uncached_formulas.KIND, claim.KIND, grade.KIND, structure.KIND,
    paired_marks.KIND, subject_names.KIND, unit_name.KIND, year_references.KIND, level_words.KIND,
    restated_amounts.KIND, subject_amounts.KIND)}
# Kinds evaluated on two documents of a run (validator.cross_documents), never on one file
PAIR_KINDS: dict[str, type[Strict]] = {"between_documents": between_documents.BetweenDocumentsCheck}


class UnknownCheckKindError(LookupError):
    """A check whose kind is not registered reached the engine: a bug of budgetlint, never a skip."""


def evaluate(check: Strict, run: RuleRun) -> Iterator[Finding]:
    """The findings of one check on one file, by its kind's evaluation."""
    name = getattr(check, "kind", None)
    kind = CHECK_KINDS.get(name)  # type: ignore[arg-type]
    if kind is None:
        raise UnknownCheckKindError(f"检查类型“{name}”未登记（已登记：{'、'.join(CHECK_KINDS)}）")
    return kind.evaluate(check, run)
