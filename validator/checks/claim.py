"""`kind: claim`: a relation among the figures of one sentence, for every claim of a kind."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from ..claim_kinds import CLAIM_KINDS, CLAIM_ROLES
from ..expression import Assertion, ExpressionError, compile_assertion
from ..findings import Finding, joined
from ..labels import normalise
from .common import CheckKind, RuleRun, Strict, known_tables, regex_error, with_span


class ClaimCheck(Strict):
    """A relation among the figures of one sentence (validator.claims), for every claim of a kind:
    `claim: parts` with `assert: total == sum(parts)`. `when` keeps claims whose words match, compared
    without spaces and quotes (`direction: [下降, 减少]`, `whole: [三公经费]`); `without` drops claims
    that state one of those roles, `requires` those that do not state all of them."""

    kind: Literal["claim"]
    claim: str
    assertion: str = Field(alias="assert")
    when: dict[str, list[str]] = Field(default_factory=dict)
    # roles whose presence makes another rule the one that checks the claim
    without: list[str] = Field(default_factory=list)
    requires: list[str] = Field(default_factory=list)  # roles the claim must state for the rule to speak about it
    subject: str | None = None  # regex the claim's subject (normalised) must match: 收、支总计, （项）…
    _compiled: Assertion = PrivateAttr()

    @field_validator("claim")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in CLAIM_KINDS:
            raise ValueError(f"未知的表述类型 {kind}（可用：{'、'.join(CLAIM_KINDS)}）")
        return kind

    @field_validator("subject")
    @classmethod
    def _subject_compiles(cls, pattern: str | None) -> str | None:
        if pattern is not None and (problem := regex_error(pattern)):
            raise ValueError(problem)
        return pattern

    @model_validator(mode="after")
    def _expression_compiles(self, info: ValidationInfo) -> ClaimCheck:
        try:
            self._compiled = compile_assertion(self.assertion, known_tables(info), set(), frozenset(CLAIM_ROLES))
        except ExpressionError as error:
            raise ValueError(str(error)) from None
        return self


def evaluate(check: ClaimCheck, run: RuleRun) -> Iterator[Finding]:
    yield from one_per_mistake(list(_each_claim(check, run)))


def _each_claim(check: ClaimCheck, run: RuleRun) -> Iterator[Finding]:
    resolver = run.file.resolvers[0]  # claims are about the file's first disclosure
    compiled = check._compiled  # pydantic serves private attributes through __getattr__: read once
    for claim in run.file.claims:
        if (claim.kind != check.claim
                or any(normalise(claim.words.get(k) or "") not in map(normalise, v) for k, v in check.when.items())
                or any(role in claim.figures for role in check.without)
                or any(role not in claim.figures for role in check.requires)
                or check.subject and not (re.search(check.subject, claim.subject)
                                          or re.search(check.subject, normalise(claim.subject)))):
            continue
        context = {"subject": claim.subject, "text": claim.text}
        evaluated = run.outcome.evaluated
        for finding in run.evaluate(compiled, resolver, {"claim": claim}, context):
            yield with_span(finding, claim)
        if run.outcome.evaluated > evaluated:
            run.file.checked_claims.add(id(claim))
    if run.outcome.evaluated == 0 and not run.outcome.reason:
        run.outcome.skip(f"文中没有可核对的{CLAIM_KINDS[check.claim]}表述")


KIND = CheckKind(ClaimCheck, evaluate)


def one_per_mistake(findings: list[Finding]) -> list[Finding]:
    """Failing claims that share a printed figure (8013 the total of one sum and a part of the sum
    around it) are one mistake seen twice: one finding with every claim's message and place. A rounding
    tail shown with --show-rounding (info) is no mistake and stays on its own."""
    merged: list[Finding] = []
    for finding in findings:
        figures = _figures(finding)
        index = next((i for i, kept in enumerate(merged)
                      if finding.severity != "info" and kept.severity == finding.severity
                      and figures & _figures(kept)), None)
        if index is None:
            merged.append(finding)
            continue
        shared = "、".join(f"“{_unspaced(value)}”" for _, value in sorted(figures & _figures(merged[index]), key=str))
        merged[index] = joined(merged[index], finding, f"（两处共用{shared}，可能是同一处错误）")
    return merged


def _unspaced(value: object) -> str:
    """A figure as quoted in a note: "307.82 万元" and "307.82万元" (text layer or OCR) alike."""
    return re.sub(r"\s+", "", str(value))


def _figures(finding: Finding) -> set[tuple[object, str | None]]:
    """The printed figures a claim finding compared (its places after the judged sentences)."""
    return {(place.source, place.value) for place in finding.locations[finding.judged:]}
