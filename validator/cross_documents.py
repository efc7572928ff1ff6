"""Documents of one run compared with each other, after every file was read and checked on its own.

Documents are matched by their identity (validator.document_identity: unit and year from the cover):
- a disclosure published as two files of one unit and year, the narrative without the tables and the
  tables without the narrative (Jiangsu's "-budget" and "-tables"), is checked as one: the rules of
  one file run on the narrative's prose with the other file's tables, and what they find between the
  two is reported (what each file shows alone was reported with it);
- the 部门预算 and the 单位预算 of one unit and year, and one unit's budgets of consecutive years, are
  compared by the rules of `kind: between_documents`.
A document without an identity is compared with none. Nothing here reads a file: a file that could
not be read is simply not among the documents. Which documents are joined or paired is worked out from
their sketches (validator.kept_documents); then each unit's documents that are paired are loaded, its
pairs compared, and the documents let go before the next unit's (every pair is of one unit).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from .catalogue import Catalogue
from .checks.between_documents import BetweenDocumentsCheck, DocumentPair, evaluate
from .checks.common import FileContext, RuleRun
from .document_identity import Identity, identify, matching_name
from .engine import Engine
from .findings import Finding, Skip
from .kept_documents import Sketch, sketch
from .model import Document
from .resolver import TableResolver, disclosure_groups
from .ruleset import Rule

# A 部门预算 that says the 部门 is its own 本部 alone: "下属0家预算单位", "只包括本级"
_SINGLE_UNIT = re.compile(r"下属0家(?:预算)?单位|所属(?:预算)?单位0家|(?:只|仅)(?:包括|包含|含)(?:本部|本级|机关本级)(?:[，。；]|$)")


T = TypeVar("T")
K = TypeVar("K")


@dataclass(frozen=True)
class Compared:
    """Two files compared: how they relate, and the identity that matched them."""

    relation: str  # 说明与报表, 部门与单位, 上下年
    files: tuple[str, str]
    identity: str

    def to_dict(self) -> dict[str, object]:
        return {"relation": self.relation, "files": list(self.files), "identity": self.identity}


@dataclass(frozen=True)
class _Disclosure:
    """A budget as compared: one file, or a narrative and its tables read as one."""

    numbers: tuple[int, ...]  # of its files' sketches, the narrative's first
    identity: Identity
    files: tuple[str, ...]
    kind: str | None
    has_text: bool

    @property
    def level(self) -> str | None:
        """部门 or 单位, None when not printed."""
        kind = self.kind or ""
        return kind[:2] if kind[:2] in ("部门", "单位") else None

    @property
    def file(self) -> str:
        """The file its findings are reported in: the narrative's when it is two."""
        return self.files[0]

    @property
    def unit(self) -> str:
        return matching_name(self.identity.unit)


@dataclass(frozen=True)
class _Pair:
    this: _Disclosure
    other: _Disclosure
    relation: str


@dataclass
class _Found:
    """What one step of the comparison gave (a narrative joined to its tables, or a pair compared)."""

    compared: list[Compared] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


class CrossDocumentChecker:
    """Pairs the budgets of a run and checks each pair with the rules that concern it."""

    def __init__(self, rules: Sequence[Rule], catalogue: Catalogue, show_rounding: bool = False) -> None:
        self.pair_rules = [r for r in rules if r.between_documents]
        self.engine = Engine([r for r in rules if not r.between_documents], catalogue, show_rounding)
        self.catalogue = catalogue
        self.show_rounding = show_rounding
        self.failed: list[str] = []  # files whose comparison failed by a bug of budgetlint (exit code 3)

    def check(self, documents: Sequence[Document]) -> tuple[list[Compared], list[Finding], list[Skip]]:
        """The pairs compared, what was found between them, and the rules that could not be applied to a pair."""
        budgets = [(d, i) for d in documents if (d.kind or "").endswith("预算") and (i := identify(d))]
        return self.check_kept([sketch(d, i) for d, i in budgets], lambda number: budgets[number][0])

    def check_kept(self, sketches: Sequence[Sketch], load: Callable[[int], Document]
                   ) -> tuple[list[Compared], list[Finding], list[Skip]]:
        """`check` of budgets known by their sketches: the documents are loaded (`load(n)`, the n-th
        sketch's) one unit at a time, those paired with another only, and let go after their unit."""
        joins, pairs = _plan(sketches)
        steps: list[_Disclosure | _Pair] = [*joins, *pairs]
        by_unit = _grouped(range(len(steps)), lambda n: _unit(steps[n]))
        found = [_Found() for _ in steps]
        for numbers in by_unit.values():
            self._check_unit([steps[n] for n in numbers], [found[n] for n in numbers], load)
        return ([c for f in found for c in f.compared], [x for f in found for x in f.findings],
                [s for f in found for s in f.skips])

    def _check_unit(self, steps: list[_Disclosure | _Pair], found: list[_Found], load: Callable[[int], Document]) -> None:
        """One unit's steps, with its documents loaded (and let go on return)."""
        numbers = {n for step in steps for disclosure in _disclosures(step) for n in disclosure.numbers}
        loaded = {number: load(number) for number in sorted(numbers)}
        for step, its_found in zip(steps, found, strict=True):
            if isinstance(step, _Pair):
                self._compare(step, loaded, its_found)
            else:
                self._join(step, loaded, its_found)

    def _join(self, joined: _Disclosure, loaded: dict[int, Document], found: _Found) -> None:
        """What relates a narrative's prose to the tables of the other file: the rest each file gave alone."""
        prose, printed = joined.files
        found.compared.append(Compared("说明与报表", joined.files, f"{joined.identity.unit} {joined.identity.year}年"))
        document_found, _ = self.engine.run(_document(joined, loaded))
        found.findings += [_placed(f, prose, printed) for f in document_found
                           if any(loc.table for loc in f.locations) and any(not loc.table for loc in f.locations)]

    def _compare(self, pair: _Pair, loaded: dict[int, Document], found: _Found) -> None:
        this, other, relation = pair.this, pair.other, pair.relation
        found.compared.append(Compared(relation, (other.file, this.file), _identity_words(other, this)))
        try:
            found.findings += self._findings(pair, loaded, found.skips)
        except Exception as error:  # a bug met on one pair must not lose the report of every file
            self.failed.append(this.file)
            found.skips.append(Skip("XD", this.file, f"与 {other.file} 对照时出现内部错误（{type(error).__name__}: "
                                                     f"{error}），请报告此问题"))

    def _findings(self, pair: _Pair, loaded: dict[int, Document], skips: list[Skip]) -> Iterator[Finding]:
        this, other, relation = pair.this, pair.other, pair.relation
        other_document = _document(other, loaded)
        compared = DocumentPair(self._context(_document(this, loaded)), self._context(other_document),
                                this.file, other.file,
                                equal=relation == "部门与单位" and _single_unit(other_document),
                                year_before=other.identity.year if relation == "上下年" else None)
        for rule in self.pair_rules:
            check = rule.spec.check
            assert isinstance(check, BetweenDocumentsCheck)
            if check.pair == relation:
                run = RuleRun(rule.spec, compared.this)
                yield from (_tables_placed(f, this, other) for f in evaluate(check, run, compared))
                if run.outcome.evaluated == 0 and run.outcome.reason:
                    skips.append(Skip(rule.id, this.file, run.outcome.reason, run.outcome.skipped))

    def _context(self, document: Document) -> FileContext:
        resolvers = [TableResolver(group, self.catalogue) for group in disclosure_groups(document)]
        return FileContext(document, resolvers, self.catalogue, self.show_rounding)


def _plan(sketches: Sequence[Sketch]) -> tuple[list[_Disclosure], list[_Pair]]:
    """The narratives joined to their tables, and the pairs compared, in the order they are reported."""
    joins, disclosures = [], []
    for group in _grouped(enumerate(sketches), lambda numbered: numbered[1].identity.key).values():
        joined = _joined(group)
        joins += [joined] if joined else []
        disclosures += [joined] if joined else [_Disclosure((n,), s.identity, (s.path,), s.kind, s.has_text)
                                                for n, s in group]
    return joins, [_Pair(this, other, relation) for this, other, relation in _pairs(disclosures)]


def _joined(group: list[tuple[int, Sketch]]) -> _Disclosure | None:
    """A narrative without tables and tables without a narrative, one of each, as one disclosure."""
    narratives = [(n, s) for n, s in group if not s.standard_tables and s.has_text]
    tables = [(n, s) for n, s in group if s.standard_tables and not s.narrative]
    if len(group) != 2 or len(narratives) != 1 or len(tables) != 1:
        return None
    (prose_number, prose), (tables_number, printed) = narratives[0], tables[0]
    return _Disclosure((prose_number, tables_number), prose.identity, (prose.path, printed.path),
                       prose.kind or printed.kind, prose.has_text)


def _disclosures(step: _Disclosure | _Pair) -> tuple[_Disclosure, ...]:
    return (step.this, step.other) if isinstance(step, _Pair) else (step,)


def _unit(step: _Disclosure | _Pair) -> str:
    """The unit a step is about: both of a pair are one unit's, so that one unit's documents are loaded at a time."""
    units = {d.unit for d in _disclosures(step)}
    assert len(units) == 1, f"a pair of two units: {units}"
    return units.pop()


def _document(disclosure: _Disclosure, loaded: dict[int, Document]) -> Document:
    """The disclosure's document: a narrative's read with the other file's tables when it is two."""
    if len(disclosure.numbers) == 1:
        return loaded[disclosure.numbers[0]]
    prose, printed = (loaded[n] for n in disclosure.numbers)
    return Document(prose.path, prose.format, printed.tables, prose.text, kind=disclosure.kind)


def _pairs(disclosures: list[_Disclosure]) -> Iterator[tuple[_Disclosure, _Disclosure, str]]:
    """(this, other, relation): the 单位 with its 部门 of the same year, the later year with the earlier
    one of the same level (one of each, else the match is unclear and nothing is compared)."""
    by_unit = _grouped(disclosures, lambda d: d.unit)
    for same_unit in by_unit.values():
        by_year = _grouped(same_unit, lambda d: d.identity.year)
        for year, of_year in sorted(by_year.items()):
            departments = [d for d in of_year if d.level == "部门"]
            units = [d for d in of_year if d.level == "单位"]
            if len(departments) == 1 and len(units) == 1:
                yield units[0], departments[0], "部门与单位"
            for later in (d for d in of_year if d.has_text):  # tables alone state no earlier figure
                earlier = [d for d in by_year.get(year - 1, []) if None in (d.level, later.level) or d.level == later.level]
                if len(earlier) == 1:
                    yield later, earlier[0], "上下年"


def _grouped(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    groups: dict[K, list[T]] = defaultdict(list)
    for item in items:
        groups[key(item)].append(item)
    return groups


def _identity_words(one: _Disclosure, other: _Disclosure) -> str:
    years = sorted({one.identity.year, other.identity.year})
    return f"{one.identity.unit} {'、'.join(f'{y}年' for y in years)}"


def _single_unit(document: Document) -> bool:
    return any(_SINGLE_UNIT.search(re.sub(r"\s", "", line.text)) for line in document.text)


def _tables_placed(finding: Finding, *disclosures: _Disclosure) -> Finding:
    """A table cell of a disclosure read from two files is in its tables' file."""
    tables = {d.file: d.files[1] for d in disclosures if len(d.files) == 2}
    return replace(finding, locations=tuple(
        replace(location, file=tables[location.file]) if location.table and location.file in tables else location
        for location in finding.locations))


def _placed(finding: Finding, prose: str, tables: str) -> Finding:
    """A finding of a narrative read with another file's tables: each place names its file."""
    return replace(finding, file=prose, locations=tuple(replace(location, file=tables if location.table else prose)
                                                        for location in finding.locations))
