"""`kind: grade`: a stated score and its stated grade agree with the band table (优≥90 …)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from ..findings import Finding, Location
from ..numbers import Amount
from .common import CheckKind, RuleRun, Strict, with_span


class GradeBand(Strict):
    grade: str
    minimum: Decimal = Field(alias="min")  # the band starts here (inclusive)


class GradeCheck(Strict):
    """A stated score and its stated grade must agree with the band table (highest band first)."""

    kind: Literal["grade"]
    bands: list[GradeBand] = Field(min_length=1)
    synonyms: dict[str, str] = Field(default_factory=dict)  # a grade word as printed → the band's name (优秀 → 优)

    @field_validator("bands")
    @classmethod
    def _descending(cls, bands: list[GradeBand]) -> list[GradeBand]:
        if [b.minimum for b in bands] != sorted((b.minimum for b in bands), reverse=True):
            raise ValueError("等级区间须按下限从高到低排列")
        return bands


def evaluate(check: GradeCheck, run: RuleRun) -> Iterator[Finding]:
    names = {b.grade for b in check.bands}
    for claim in run.file.claims:
        score, stated = claim.figures.get("score"), claim.words.get("grade")
        if claim.kind != "grade" or score is None or isinstance(score, tuple) or not isinstance(score.parsed, Amount):
            continue
        grade = check.synonyms.get(stated or "", stated)
        if grade not in names:
            run.outcome.skip(f"等级“{stated}”不在等级表中")
            continue
        run.outcome.evaluated += 1
        run.file.checked_claims.add(id(claim))
        due = next((b.grade for b in check.bands if score.parsed.value >= b.minimum), check.bands[-1].grade)
        if due != grade:
            location = Location(value=claim.text, source=claim.source)
            finding = run.finding([location], actual=stated, expected=due, grade=due, subject=claim.subject,
                                  text=claim.text)
            yield with_span(finding, claim)
    if run.outcome.evaluated == 0 and not run.outcome.reason:
        run.outcome.skip("文中没有得分与等级并列的表述")


KIND = CheckKind(GradeCheck, evaluate)
