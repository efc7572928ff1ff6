"""`kind: assert`: a comparison that must hold, once or for each row of a table."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, PrivateAttr, ValidationInfo, model_validator

from ..expression import Absent, Assertion, Condition, ExpressionError, compile_assertion, compile_condition
from ..findings import Finding
from ..resolver import RowBinding
from .common import CheckKind, RuleRun, Strict, known_tables

_FOR_EACH = re.compile(r"^\s*(?P<var>[A-Za-z_]\w*)\s+in\s+(?P<table>[A-Za-z_]\w*)\s*$")


class AssertCheck(Strict):
    """A comparison that must hold, optionally for each row of a table (`for_each: row in T2`).

    `parameters` name the figures a province may set differently (`full_marks: 100`); the assertion
    uses them by name, and a configuration's [parameters] overrides them (see with_parameters)."""

    kind: Literal["assert"]
    assertion: str = Field(alias="assert")
    for_each: str | None = None
    where: str | None = None
    parameters: dict[Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")], Decimal] = Field(default_factory=dict)
    _compiled: Assertion = PrivateAttr()
    _loop: tuple[str, str] | None = PrivateAttr()  # (variable, table kind)
    _condition: Condition | None = PrivateAttr()

    @model_validator(mode="after")
    def _expressions_compile(self, info: ValidationInfo) -> AssertCheck:
        tables = known_tables(info)
        loop = None
        if self.for_each is not None:
            match = _FOR_EACH.match(self.for_each)
            if not match or match.group("table") not in tables:
                raise ValueError(f"for_each 应写成“row in 表”，表为 {sorted(tables)} 之一：{self.for_each}")
            loop = (match.group("var"), match.group("table"))
        loop_names = {loop[0]} if loop else set()
        try:
            self._compiled = compile_assertion(self.assertion, tables, loop_names, parameters=self.parameters)
            self._condition = compile_condition(self.where, loop_names) if self.where else None
        except ExpressionError as error:
            raise ValueError(str(error)) from None
        self._loop = loop
        return self


def evaluate(check: AssertCheck, run: RuleRun) -> Iterator[Finding]:
    # pydantic serves private attributes through __getattr__: read them once, not once per row
    compiled, loop, condition = check._compiled, check._loop, check._condition
    for resolver in run.file.resolvers:
        if loop is None:
            yield from run.evaluate(compiled, resolver, {})
            continue
        variable, kind = loop
        try:
            table = resolver.table(kind)
        except Absent as absent:
            run.outcome.skip(str(absent))
            continue
        rows = resolver.rows_having(table, condition.required) if condition is not None else table.rows
        tested = condition is not None and not condition.indexed
        for row in rows:
            bindings = {variable: RowBinding(table, row)}
            if tested and not condition.test((resolver, bindings)):  # type: ignore[union-attr]
                continue
            yield from run.evaluate(compiled, resolver, bindings)


KIND = CheckKind(AssertCheck, evaluate)
