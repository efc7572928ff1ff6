"""Arithmetic stated in prose: what a sentence claims, structured for the rules to check.

`extract_claims(lines)` reads narrative lines (a `Document.text`, or the text cells of a table such
as a 评价项目明细表 row) and returns every claim it can read without guessing. It never judges a
claim: the YAML rules decide what is checked. A sentence it cannot interpret is skipped.

Where each part lives (each module's documentation gives the patterns it recognises):
- vocabulary: rules/vocabulary.yaml (units, money words, directions, total words…) and the patterns
  built from it;
- figures: a number with its unit; paragraphs: lines joined into sentences, the words naming a figure;
- reading: the `Claim` and what the kind readers share while reading one paragraph;
- one reader per kind: parts, rates (formula, ratio), changes, shares, grades (grade, score), balances,
  comparisons.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import TextLine
from .balances import read_balances
from .changes import read_changes
from .comparisons import read_comparisons
from .figures import Figure, figures_in
from .grades import read_grades_and_scores
from .paragraphs import paragraphs_with_figures
from .parts import read_parts
from .rates import read_formulas, read_ratios
from .reading import KINDS, Claim, Reading
from .shares import read_shares

__all__ = ["KINDS", "Claim", "Figure", "extract_claims", "figures_in"]

# Parts are read first: their members are not spending figures, and shares inside a list are of its
# total. Formulas before ratios: a rate read as a formula is not read again.
_READERS = (read_parts, read_grades_and_scores, read_formulas, read_ratios, read_changes, read_shares, read_balances,
            read_comparisons)


def extract_claims(lines: Iterable[TextLine]) -> list[Claim]:
    """Every claim in the lines, in reading order."""
    claims: list[Claim] = []
    for paragraph in paragraphs_with_figures(lines):
        reading = Reading(paragraph)
        for read in _READERS:
            read(reading)
        claims.extend(reading.claims())
    return claims
