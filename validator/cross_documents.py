"""Documents of one run compared with each other, after every file was read and checked on its own.

Documents are matched by their identity (validator.document_identity: unit and year from the cover):
- a disclosure published as two files of one unit and year, the narrative without the tables and the
  tables without the narrative (Jiangsu's "-budget" and "-tables"), is checked as one: the rules of
  one file run on the narrative's prose with the other file's tables, and what they find between the
  two is reported (what each file shows alone was reported with it);
- the 部门预算 and the 单位预算 of one unit and year, and one unit's budgets of consecutive years, are
  compared by the rules of `kind: between_documents`.
A document without an identity is compared with none. Nothing here reads a file: a file that could
not be read is simply not among the documents.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from .catalogue import Catalogue
from .checks.between_documents import BetweenDocumentsCheck, DocumentPair, evaluate
from .checks.common import FileContext, RuleRun
from .document_identity import Identity, identify, matching_name
from .engine import Engine
from .findings import Finding, Skip
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
    """A document as compared: one file, or a narrative and its tables read as one."""

    document: Document
    identity: Identity
    files: tuple[str, ...]

    @property
    def level(self) -> str | None:
        """部门 or 单位, None when not printed."""
        kind = self.document.kind or ""
        return kind[:2] if kind[:2] in ("部门", "单位") else None

    @property
    def file(self) -> str:
        """The file its findings are reported in: the narrative's when it is two."""
        return self.files[0]


class CrossDocumentChecker:
    """Pairs the documents of a run and checks each pair with the rules that concern it."""

    def __init__(self, rules: Sequence[Rule], catalogue: Catalogue, show_rounding: bool = False) -> None:
        self.pair_rules = [r for r in rules if r.between_documents]
        self.engine = Engine([r for r in rules if not r.between_documents], catalogue, show_rounding)
        self.catalogue = catalogue
        self.show_rounding = show_rounding
        self.failed: list[str] = []  # files whose comparison failed by a bug of budgetlint (exit code 3)

    def check(self, documents: Sequence[Document]) -> tuple[list[Compared], list[Finding], list[Skip]]:
        """The pairs compared, what was found between them, and the rules that could not be applied to a pair."""
        compared: list[Compared] = []
        findings: list[Finding] = []
        skips: list[Skip] = []
        identified = [(d, i) for d in documents if (d.kind or "").endswith("预算") and (i := identify(d))]
        disclosures = []
        for group in _grouped(identified, lambda pair: pair[1].key).values():
            joined = self._joined(group, compared, findings)
            disclosures += [joined] if joined else [_Disclosure(d, i, (d.path,)) for d, i in group]
        for this, other, relation in _pairs(disclosures):
            compared.append(Compared(relation, (other.file, this.file), _identity_words(other, this)))
            try:
                findings += self._compare(this, other, relation, skips)
            except Exception as error:  # a bug met on one pair must not lose the report of every file
                self.failed.append(this.file)
                skips.append(Skip("XD", this.file, f"与 {other.file} 对照时出现内部错误（{type(error).__name__}: "
                                                   f"{error}），请报告此问题"))
        return compared, findings, skips

    def _joined(self, group: list[tuple[Document, Identity]], compared: list[Compared],
                findings: list[Finding]) -> _Disclosure | None:
        """A narrative without tables and tables without a narrative, one of each, as one disclosure."""
        narratives = [(d, i) for d, i in group if not _standard_tables(d) and d.text]
        tables = [(d, i) for d, i in group if _standard_tables(d) and not _narrative(d)]
        if len(group) != 2 or len(narratives) != 1 or len(tables) != 1:
            return None
        (prose, identity), (printed, _) = narratives[0], tables[0]
        document = Document(prose.path, prose.format, printed.tables, prose.text, kind=prose.kind or printed.kind)
        compared.append(Compared("说明与报表", (prose.path, printed.path), f"{identity.unit} {identity.year}年"))
        found, _ = self.engine.run(document)
        # What relates the prose to the tables is new; the rest each file gave alone
        findings += [_placed(f, prose.path, printed.path) for f in found
                     if any(loc.table for loc in f.locations) and any(not loc.table for loc in f.locations)]
        return _Disclosure(document, identity, (prose.path, printed.path))

    def _compare(self, this: _Disclosure, other: _Disclosure, relation: str, skips: list[Skip]) -> Iterator[Finding]:
        pair = DocumentPair(self._context(this), self._context(other), this.file, other.file,
                            equal=relation == "部门与单位" and _single_unit(other.document),
                            year_before=other.identity.year if relation == "上下年" else None)
        for rule in self.pair_rules:
            check = rule.spec.check
            assert isinstance(check, BetweenDocumentsCheck)
            if check.pair == relation:
                run = RuleRun(rule.spec, pair.this)
                yield from (_tables_placed(f, this, other) for f in evaluate(check, run, pair))
                if run.outcome.evaluated == 0 and run.outcome.reason:
                    skips.append(Skip(rule.id, this.file, run.outcome.reason, run.outcome.skipped))

    def _context(self, disclosure: _Disclosure) -> FileContext:
        document = disclosure.document
        resolvers = [TableResolver(group, self.catalogue) for group in disclosure_groups(document)]
        return FileContext(document, resolvers, self.catalogue, self.show_rounding)


def _pairs(disclosures: list[_Disclosure]) -> Iterator[tuple[_Disclosure, _Disclosure, str]]:
    """(this, other, relation): the 单位 with its 部门 of the same year, the later year with the earlier
    one of the same level (one of each, else the match is unclear and nothing is compared)."""
    by_unit = _grouped(disclosures, lambda d: matching_name(d.identity.unit))
    for same_unit in by_unit.values():
        by_year = _grouped(same_unit, lambda d: d.identity.year)
        for year, of_year in sorted(by_year.items()):
            departments = [d for d in of_year if d.level == "部门"]
            units = [d for d in of_year if d.level == "单位"]
            if len(departments) == 1 and len(units) == 1:
                yield units[0], departments[0], "部门与单位"
            for later in (d for d in of_year if d.document.text):  # tables alone state no earlier figure
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


def _standard_tables(document: Document) -> bool:
    return any(table.kind for table in document.tables)


def _narrative(document: Document) -> bool:
    """Whether the document has prose beyond a cover and captions."""
    return sum(len(line.text) for line in document.text) > 500


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
