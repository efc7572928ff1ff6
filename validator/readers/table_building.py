"""Which builder makes a Table of a reader's grid: the 自评表 form builder (selfeval) or the ordinary
grid recognition (tables). Apart from both, so that selfeval can build on tables without a circle."""

from __future__ import annotations

from ..catalogue import Catalogue
from ..model import Document, Table, TextLine
from .selfeval import build_self_evaluation
from .tables import RawTable, build_grid_table


def add_table(document: Document, raw: RawTable, catalogue: Catalogue) -> None:
    """The table, and for a table no rule knows (a list of evaluated projects with prose in its cells)
    its rows as lines of text too, so the sentences in its cells are read like any narrative."""
    table = build_table(raw, catalogue)
    document.tables.append(table)
    if table.kind is None:
        for row in raw.grid:
            if any(c.text.strip() for c in row):
                document.text.append(TextLine("\t".join(c.text for c in row), row[0].source))


def build_table(raw: RawTable, catalogue: Catalogue) -> Table:
    kind = catalogue.kind_of(raw.title)
    if kind == "SE":  # a form rather than a grid of uniform rows
        return build_self_evaluation(raw)
    return build_grid_table(raw, kind)
