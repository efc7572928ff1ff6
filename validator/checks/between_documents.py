"""`kind: between_documents`: a figure of one document against the same figure of another document
of the run (validator.cross_documents finds the pairs).

`pair: 部门与单位`: in the 单位预算 and the 部门预算 of one unit and year, each named figure of the 单位
must not exceed the 部门's, and must equal it when the 部门预算 says it consists of that unit alone.
`pair: 上下年`: a year-on-year statement of the later document ("比2023年预算减少876.75万元") whose
subject matches a figure's `subject` gives the earlier year's figure (current ∓ change, or the base it
names: "2024年预算数为1,000万元，…比2024年预算数增加10.76%"), which must
equal that figure in the earlier year's document, in the sentence's unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, model_validator

from ..expression import Absent, Compiled, ExpressionError, compile_value
from ..findings import Finding
from ..interval import NotComputable, Quantity, compare
from ..labels import normalise
from ..resolver import TableResolver
from .common import FileContext, RuleRun, Strict, known_tables, regex_error, with_span

# The directions of a change that make the earlier figure smaller (current - change) or larger
_UP = ("增长", "增加", "提高", "上升")
_DOWN = ("下降", "减少", "降低")
# A subject read from the comparison itself ("与上年相比收、支预算总计各增加…" after "财政拨款收、支总预算…"):
# which total it means is in the sentence before, so the statement is not compared
_NAMED_BY_COMPARISON = re.compile(r"相比|^(?:比|较)")
_NOT_BUDGET = re.compile(r"执行|决算|实际|调整")  # the year before's execution or adjusted budget is not its budget document


class PairFigure(Strict):
    """One figure compared: its name, where it is printed (an expression on one document's tables) and,
    for consecutive years, the subjects of the later document's sentences that restate it (a regex)."""

    name: str
    figure: str
    subject: str | None = None
    _compiled: Compiled = PrivateAttr()

    @model_validator(mode="after")
    def _compiles(self, info: ValidationInfo) -> PairFigure:
        if self.subject is not None and (problem := regex_error(self.subject)):
            raise ValueError(problem)
        try:
            self._compiled = compile_value(self.figure, known_tables(info))
        except ExpressionError as error:
            raise ValueError(str(error)) from None
        return self


class BetweenDocumentsCheck(Strict):
    kind: Literal["between_documents"]
    pair: Literal["部门与单位", "上下年"]
    figures: list[PairFigure] = Field(min_length=1)

    @model_validator(mode="after")
    def _subjects_for_years(self) -> BetweenDocumentsCheck:
        for figure in self.figures:
            if (figure.subject is None) == (self.pair == "上下年"):
                raise ValueError(f"“{figure.name}”：上下年对照的每项都要写 subject（文中表述的主语），部门与单位对照的不写")
        return self


@dataclass(frozen=True)
class DocumentPair:
    """The two documents a rule compares: `this` is where its findings are reported (the 单位预算, or
    the later year's), `other` what they were compared with; `equal` when the 部门 is this 单位 alone."""

    this: FileContext
    other: FileContext
    this_file: str
    other_file: str
    equal: bool = False
    year_before: int | None = None  # of 上下年: the earlier document's year


def evaluate(check: BetweenDocumentsCheck, run: RuleRun, pair: DocumentPair) -> Iterator[Finding]:
    """The rule's findings on the pair; `run` is on `pair.this` and tallies what was evaluated."""
    if check.pair == "部门与单位":
        for figure in check.figures:
            yield from _levels(run, figure, pair)
    else:
        for claim in pair.this.claims:
            figure = _restated(check, claim, pair.year_before)
            if figure is not None and claim.words.get("direction") in (*_UP, *_DOWN):
                yield from _years(run, figure, claim, pair)
        if run.outcome.evaluated == 0 and not run.outcome.reason:
            run.outcome.skip(f"{pair.this_file}中没有与上年预算比较的表述")


def _levels(run: RuleRun, figure: PairFigure, pair: DocumentPair) -> Iterator[Finding]:
    try:
        unit = figure._compiled((pair.this.resolvers[0], {}))
        department = figure._compiled((pair.other.resolvers[0], {}))
    except (Absent, NotComputable) as problem:
        run.outcome.skip(str(problem))
        return
    run.outcome.evaluated += 1
    relation = "应相等（部门预算说明本部门只含本单位）" if pair.equal else "单位预算不应超过部门预算"
    result = compare(unit, "==" if pair.equal else "<=", department, run.rule.tolerance)
    context = {"subject": figure.name, "reason": relation, **_files(pair)}
    for finding in run.judge(unit, department, result, [*unit.cells, *department.cells], context):
        yield _in_files(finding, len(unit.cells), pair)


def _restated(check: BetweenDocumentsCheck, claim: Any, year_before: int | None) -> PairFigure | None:
    """The figure a year-on-year statement restates: against the year before's budget (never its
    execution or final accounts), with a subject one figure names."""
    if claim.kind != "change" or not ("base" in claim.figures or {"current", "change"} <= claim.figures.keys()):
        return None
    against = normalise(claim.words.get("against") or "")  # 2023年预算, 上年预算, 2024年财政拨款收入预算数
    if not re.fullmatch(rf"(?:{year_before}年度?|上年度?)(?:\S*预算数?)?", against) or _NOT_BUDGET.search(against):
        return None
    if _NAMED_BY_COMPARISON.search(normalise(claim.subject)):
        return None
    return next((f for f in check.figures if re.search(f.subject or "", normalise(claim.subject))), None)


def _years(run: RuleRun, figure: PairFigure, claim: Any, pair: DocumentPair) -> Iterator[Finding]:
    bindings = {"claim": claim}
    resolver = pair.this.resolvers[0]
    try:
        earlier = resolver.figure(bindings, "base") if "base" in claim.figures else _before(resolver, bindings, claim)
        printed = figure._compiled((pair.other.resolvers[0], bindings))  # in the sentence's unit
    except (Absent, NotComputable) as problem:
        run.outcome.skip(str(problem))
        return
    run.outcome.evaluated += 1
    result = compare(earlier, "==", printed, run.rule.tolerance)
    context = {"subject": claim.subject, "text": claim.text, **_files(pair)}
    for finding in run.judge(earlier, printed, result, [*earlier.cells, *printed.cells], context):
        yield _in_files(with_span(finding, claim), 1 + len(earlier.cells), pair)


def _before(resolver: TableResolver, bindings: dict[str, Any], claim: Any) -> Quantity:
    """The earlier year's figure a statement implies: its current figure less the increase, or plus the decrease."""
    current, change = resolver.figure(bindings, "current"), resolver.figure(bindings, "change")
    return current - change if claim.words["direction"] in _UP else current + change


def _files(pair: DocumentPair) -> dict[str, str]:
    return {"file": pair.this_file, "other_file": pair.other_file}


def _in_files(finding: Finding, own: int, pair: DocumentPair) -> Finding:
    """Each place names its file: the first `own` are in this document, the others in the other."""
    return replace(finding, locations=tuple(replace(location, file=pair.this_file if i < own else pair.other_file)
                                            for i, location in enumerate(finding.locations)))
