"""What every check kind's evaluation shares: the file being checked, the rule's outcome tally,
making a finding from the rule's message, and judging a comparison with its rounding tolerance."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, ValidationInfo

from ..catalogue import Catalogue
from ..expression import Absent, Assertion
from ..findings import Finding, Location, Severity
from ..interval import CellRef, Comparison, FigureRef, NotComputable, Quantity, Ref, compare
from ..model import LOW_CONFIDENCE, Cell, Document, Table
from ..resolver import TableResolver

if TYPE_CHECKING:
    from ..claims import Claim


class Strict(BaseModel):
    """A rule file's schema: unknown keys are errors, never silently ignored. An empty list or dict
    default is given as `Field(default_factory=…)`: pydantic deep-copies a `[]` default for every
    object it validates, a third of the time the built-in rules took to validate."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


def known_tables(info: ValidationInfo) -> set[str]:
    """The table kinds an expression may name, handed in by whoever validates the rule file."""
    if not info.context or "table_names" not in info.context:
        raise RuntimeError("rule expressions are validated without context={'table_names': …}")
    return set(info.context["table_names"])


def regex_error(pattern: str) -> str | None:
    """Why a rule's regular expression does not compile, in the rule file's words; None if it does."""
    try:
        re.compile(pattern)
    except re.error as error:
        return f"正则表达式无效：{pattern}（{error}）"
    return None


class Minor(Strict):
    """A difference the printed figure (the assertion's left side) explains by its last digit: reported
    with `severity` and a note saying so, instead of the rule's own. `truncated`: the printed figure is
    the true value cut off, not rounded (16.0776 → 16.07). `last_digit`: it is one unit of its last
    digit off, at most this far beyond the rounding tolerance (66.6809 printed 66.69; not 29.15 as 30)."""

    severity: Severity
    truncated: bool = False
    last_digit: Decimal | None = None


class RuleWords(Protocol):
    """What an evaluation reads of a rule: its id and the words and tolerance of its findings."""

    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def hint(self) -> str | None: ...
    @property
    def tolerance(self) -> Decimal: ...
    @property
    def minor(self) -> Minor | None: ...


def message_values(judged: Location) -> dict[str, str]:
    """Every placeholder a rule's message may name, with the value it takes when the finding gives
    none: the judged place's own table, row, column, code and text, and empty otherwise."""
    return {"table": judged.table_name(), "row": judged.row_text(), "column": judged.column or "",
            "code": judged.code or "", "actual": "", "expected": "", "difference": "", "tolerance": "",
            "text": judged.value or "", "reason": "", "missing": "", "subject": "", "grade": "",
            "file": "", "other_file": ""}


PLACEHOLDERS = frozenset(message_values(Location()))


T = TypeVar("T")


class FileContext:
    """One file under check: its document, one resolver per disclosure in it, and its claims in prose,
    extracted once and only when a rule asks for them."""

    def __init__(self, document: Document, resolvers: list[TableResolver], catalogue: Catalogue,
                 show_rounding: bool) -> None:
        self.document, self.resolvers, self.catalogue = document, resolvers, catalogue
        self.show_rounding = show_rounding
        self.checked_claims: set[int] = set()  # ids of the claims some rule evaluated
        self.relations: list[Relation] = []  # every comparison evaluated, for the culprit search
        self._derived: dict[Callable[[Document], object], object] = {}

    def once(self, derive: Callable[[Document], T]) -> T:
        """`derive(document)`, worked out once for the file however many rules ask for it (the subjects
        named in it, its parts' layout)."""
        if derive not in self._derived:
            self._derived[derive] = derive(self.document)
        return self._derived[derive]  # type: ignore[return-value]

    @cached_property
    def claims(self) -> list[Claim]:
        from ..claims import extract_claims

        return extract_claims(self.document.text)

    def claim_counts(self) -> tuple[int, int]:
        """(claims found, claims a rule checked); (0, 0) when no rule asked for claims."""
        found = len(self.__dict__["claims"]) if "claims" in self.__dict__ else 0
        return found, len(self.checked_claims)


@dataclass(slots=True)
class Relation:
    """One comparison a rule evaluated on the file, kept so that the culprit search (validator.culprits)
    can evaluate it again with one cell's value changed: `sides` reads the cells anew each time."""

    rule: str
    op: str
    tolerance: Decimal
    sides: Callable[[], tuple[Quantity, Quantity]]
    cells: tuple[Ref, ...]
    holds: bool
    finding: Finding | None = None  # the finding it gave when it failed

    def holds_now(self) -> bool:
        """Whether it holds with the cells' current values (NotComputable or Absent: it does not)."""
        try:
            left, right = self.sides()
            return compare(left, self.op, right, self.tolerance).holds
        except (Absent, NotComputable):
            return False


class Outcome:
    """Counts evaluated and skipped instances of one rule on one file."""

    def __init__(self) -> None:
        self.evaluated = 0
        self.skipped = 0
        self.reason: str | None = None

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.reason = self.reason or reason


@dataclass
class RuleRun:
    """One rule on one file: what its evaluation reports through."""

    rule: RuleWords
    file: FileContext
    outcome: Outcome = field(default_factory=Outcome)

    @property
    def document(self) -> Document:
        return self.file.document

    def finding(self, locations: list[Location], **figures: str | None) -> Finding:
        """A finding with the rule's message filled in from the figures and the judged (first) place."""
        values = message_values(locations[0] if locations else Location())
        values.update({k: v for k, v in figures.items() if v is not None})
        message = self.rule.message.format_map(values)
        numbers = {k: figures.get(k) for k in ("expected", "actual", "difference", "tolerance")}
        return Finding(self.rule.id, self.rule.severity, self.rule.title, message, self.document.path,
                       tuple(locations), hint=self.rule.hint, **numbers)

    def evaluate(self, assertion: Assertion, resolver: TableResolver, bindings: dict[str, object],
                 context: dict[str, str] | None = None) -> Sequence[Finding]:
        """An assertion under loop or claim bindings; an absent table, row or figure skips it. A list, not
        a generator: the rules evaluate one for every row, and most give nothing."""
        env = (resolver, bindings)
        try:
            left, right = assertion.left(env), assertion.right(env)
            result = compare(left, assertion.op, right, self.rule.tolerance)
        except (Absent, NotComputable) as problem:
            self.outcome.skip(str(problem))
            return ()
        self.outcome.evaluated += 1
        relation = self.relation(assertion.op, lambda: (assertion.left(env), assertion.right(env)),
                                 left, right, result)
        if not self.reported(result):  # most relations hold: their places are not gathered
            return ()
        refs = list({id(r.cell): r for r in left.cells + right.cells}.values())
        return list(self.judge(left, right, result, refs, context or {}, relation))

    def relation(self, op: str, sides: Callable[[], tuple[Quantity, Quantity]], left: Quantity, right: Quantity,
                 result: Comparison) -> Relation:
        """The comparison recorded for the culprit search."""
        relation = Relation(self.rule.id, op, self.rule.tolerance, sides, left.cells + right.cells, result.holds)
        self.file.relations.append(relation)
        return relation

    def reported(self, result: Comparison) -> bool:
        """Whether a comparison gives a finding: it fails, or --show-rounding lists its tolerated tail."""
        return not result.holds or (self.file.show_rounding and result.by_rounding)

    def judge(self, left: Quantity, right: Quantity, result: Comparison, refs: list[Ref],
              context: dict[str, str] | None = None, relation: Relation | None = None) -> Iterator[Finding]:
        """A finding when the comparison fails; with --show-rounding, an info note for a tolerated tail."""
        if not self.reported(result):
            return
        decimals = max(left.decimals, right.decimals)
        figures = {"actual": _format(left.shown, decimals), "expected": _format(right.shown, decimals),
                   "difference": _format(result.difference, decimals), "tolerance": _plain(result.tolerance, decimals)}
        locations = [location_of(r) for r in refs]
        if result.holds:
            message = f"尾差 {figures['difference']}，在容许范围 {figures['tolerance']} 内，不是错误"
            yield Finding(self.rule.id, "info", self.rule.title, message, self.document.path, tuple(locations),
                          **figures)
        else:
            finding = self.finding(locations, **figures, **(context or {}))
            if self.rule.minor and (note := _minor_note(self.rule.minor, left, right, result)):
                finding = replace(finding, severity=self.rule.minor.severity, message=f"{finding.message}（{note}）")
            finding = _doubtful_reading(finding, refs, result.difference, result.tolerance)
            if relation is not None:
                relation.finding = finding
            yield finding

    def cells_where(self, wrong: Callable[[Cell], bool]) -> Iterator[Finding]:
        """A finding for every table cell that is wrong, its reading's reason as {reason}."""
        for table in self.document.tables:
            for row in table.rows:
                for index, cell in row.cells.items():
                    self.outcome.evaluated += 1
                    if wrong(cell):
                        ref = CellRef(table, row, table.columns[index], cell)
                        yield self.finding([location_of(ref)], reason=cell.parsed.reason)  # type: ignore[union-attr]
        if self.outcome.evaluated == 0:
            self.outcome.skip("文件中没有表格")


SchemaT = TypeVar("SchemaT", bound=Strict)


@dataclass(frozen=True)
class CheckKind(Generic[SchemaT]):
    """A check kind: the schema of its `check:` mapping and how it is evaluated on one file."""

    schema: type[SchemaT]
    evaluate: Callable[[SchemaT, RuleRun], Iterator[Finding]]

    @property
    def name(self) -> str:
        """The `kind:` value, as the schema's Literal states it."""
        (name,) = get_args(self.schema.model_fields["kind"].annotation)
        return str(name)


def with_span(finding: Finding, claim: Claim) -> Finding:
    """A finding about a claim in prose, the sentence (with its span) as its first place."""
    claim_location = Location(value=claim.text, source=claim.source, span=claim.span)
    return replace(finding, locations=(claim_location, *finding.locations))


def table_title(table: Table) -> str:
    """A table's title; a 自评表 (one per project, all titled alike) with its 项目名称."""
    project = table.meta.get("项目名称")
    return f"{table.title}（{project}）" if project else table.title


def location_of(ref: Ref) -> Location:
    if isinstance(ref, FigureRef):
        return Location(value=ref.cell.text, source=ref.cell.source)
    table, row, column = ref.table, ref.row, ref.column
    return Location(table=table.label or table.kind, table_title=table_title(table), row=row.label or None,
                    row_no=row.row_no, code=row.code, column=column.name or None, column_no=column.number,
                    value=ref.cell.text, source=ref.cell.source)


def _format(value: Decimal, decimals: int) -> str:
    return f"{value:,.{decimals}f}"


def _plain(value: Decimal, decimals: int) -> str:
    """A tolerance shown to two more places than the figures."""
    places = Decimal(1).scaleb(-(decimals + 2))
    return f"{value.quantize(places, rounding=ROUND_HALF_UP).normalize():f}"


def _minor_note(minor: Minor, printed: Quantity, computed: Quantity, result: Comparison) -> str | None:
    """Why the printed figure's last digit explains the difference (truncated, or one unit off), or None."""
    if len(printed.cells) != 1:  # only a figure as printed has a last digit
        return None
    unit = Decimal(1).scaleb(-printed.decimals)
    rounded = computed.shown.quantize(unit, rounding=ROUND_HALF_UP)
    value = printed.shown
    truncations = (computed.lo.quantize(unit, rounding=ROUND_DOWN), computed.hi.quantize(unit, rounding=ROUND_DOWN))
    if minor.truncated and min(truncations) <= value <= max(truncations):
        return f"按截尾（未四舍五入）计算得 {value}，四舍五入应为 {rounded}"
    beyond = abs(result.difference) - result.tolerance
    if minor.last_digit is not None and beyond <= min(unit, minor.last_digit) and abs(value - rounded) == unit:
        return f"末位相差 1：按所列数字四舍五入应为 {rounded}"
    return None


def _doubtful_reading(finding: Finding, refs: list[Ref], difference: Decimal, tolerance: Decimal) -> Finding:
    """An error that one OCR slip would explain is a warning asking for the original to be checked;
    a larger one stays an error. The slips: one misread digit of a cell read with low confidence, or
    the decimal point of a cell shown without the decimals its column has (202.24 read as 20224)."""
    if finding.severity != "error":
        return finding
    slips = [(r.cell, slip) for r in refs if (slip := _ocr_slip(abs(difference), r.cell, tolerance))]
    if not slips:
        return finding
    notes = "；".join(f"{cell.source.describe()}“{cell.text}”{slip}" for cell, slip in slips)
    return replace(finding, severity="warning", message=f"{finding.message}（{notes}，请核对原件）")


def _ocr_slip(difference: Decimal, cell: Cell, tolerance: Decimal) -> str | None:
    """How misreading the OCR'd cell could account for the difference, or None."""
    amount, confidence = cell.amount, cell.source.confidence
    if confidence is None or amount is None:
        return None
    if confidence < LOW_CONFIDENCE:
        places = range(-amount.decimals, max(1, len(str(int(abs(amount.value))))) + 1)
        if any(abs(difference - digit * Decimal(10) ** place) <= tolerance
               for place in places for digit in range(1, 10)):
            return "，可能是识别错误"
    lost = cell.precision - amount.decimals
    if amount.value and lost > 0 and \
            abs(difference - abs(amount.value - amount.value.scaleb(-lost))) <= tolerance:
        return f"，本栏金额为 {cell.precision} 位小数，疑为漏识小数点"
    return None


