"""The engine walks the document; rules only declare what must hold.

Each rule's check is evaluated by its kind (validator.checks), on every disclosure of the file
through a table resolver (validator.resolver). A rule whose table or row is absent is skipped (and
the skip is reported), never evaluated against a fabricated zero.
"""

from __future__ import annotations

from collections.abc import Callable

from .catalogue import Catalogue
from .checks.common import FileContext, RuleRun, location_of, table_title
from .checks.registry import evaluate
from .collector import spared
from .culprit_findings import with_culprits
from .findings import Finding, Skip
from .grouping import folded, merged
from .model import Document
from .resolver import TableResolver, disclosure_groups
from .ruleset import Rule

__all__ = ["Engine", "location_of", "table_title"]


class Engine:
    def __init__(self, rules: list[Rule], catalogue: Catalogue, show_rounding: bool = False,
                 find_culprits: bool = True) -> None:
        self.rules = rules
        # A rule's own examples say which places the rule blames: no culprit search of the whole file there.
        self.find_culprits = find_culprits
        self.catalogue = catalogue
        self.show_rounding = show_rounding
        self.claim_counts = (0, 0)  # of the last document run: claims found, claims a rule checked

    def run(self, document: Document, ignored: Callable[[str], bool] = lambda rule: False
            ) -> tuple[list[Finding], list[Skip]]:
        with spared():
            return self._run(document, ignored)

    def _run(self, document: Document, ignored: Callable[[str], bool]) -> tuple[list[Finding], list[Skip]]:
        findings: list[Finding] = []
        skips: list[Skip] = []
        self_evaluations = tuple(document.tables_of("SE"))
        disclosures = disclosure_groups(document)
        resolvers = [TableResolver(g, self.catalogue, self_evaluations) for g in disclosures]
        file = FileContext(document, resolvers, self.catalogue, self.show_rounding)
        # A rule of the other kind of document is not skipped for want of its tables: it does not apply.
        for rule in (r for r in self.rules if r.applies_to(document.kind) and not r.between_documents
                     and not ignored(r.id)):
            run = RuleRun(rule.spec, file)
            found = list(evaluate(rule.spec.check, run))
            findings.extend(merged(rule.spec.group, found) if rule.spec.group else found)
            if run.outcome.evaluated == 0 and run.outcome.reason:
                skips.append(Skip(rule.id, document.path, run.outcome.reason, run.outcome.skipped))
        if self.find_culprits:
            findings = with_culprits(findings, file.relations, [list(g.values()) for g in disclosures])
        findings = folded({r.id: r.spec.same_mistake_as for r in self.rules if r.spec.same_mistake_as}, findings)
        findings.sort(key=Finding.sort_key)
        self.claim_counts = file.claim_counts()
        return findings, skips
