"""The reviewed expectations of the real documents (tests/real/EXPECTED/<folder>/<file>.yaml) and how a
finding and a recognised table of today's report are named so that they can be compared with them.

One file per document under tests/real/docs/. It says, for a reviewer to read:
  tables          every table printed in the document: its title as printed, its pages (or sheet), and
                  what budgetlint recognises it as today (`recognised`: title, kind, pages), null if nothing
  findings        every finding budgetlint reports that the review confirmed on the page (`why`: the
                  recomputation with the printed figures); `graded` when issue 14 wants another severity
  false_findings  findings budgetlint reports that are not real (`reason`, `evidence`): known defects
  reading_gaps    tables misread: not recognised, merged, mis-titled, or something recognised as a table
                  that is none (`recognised` then names what budgetlint makes of it)
  missed          real problems the review found on the page that budgetlint does not report (`place`,
                  `what`: the recomputation, `needs`: what reading or rule would find it): the recall side
`EXPECTED/groups/<name>.yaml` reviews documents checked together (one run over its `documents`): the pairs
compared, the files compared with none (no unit or year on the cover) and every finding between files.

A finding is named by rule, severity, place (first location: page, line or sheet!cell, with its table)
and figures (the numbers of its message, the tolerance left out); a recognised table by title, kind
and pages (or sheet).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict

HERE = Path(__file__).parent
DOCS = HERE / "docs"
EXPECTED = HERE / "EXPECTED"
GROUPS = EXPECTED / "groups"

_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
_TOLERANCE = re.compile(r"（[^（）]*容许[^（）]*）")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recognised(_Strict):
    title: str
    kind: str | None = None
    pages: tuple[int, ...] = ()
    sheet: str | None = None


class PrintedTable(_Strict):
    title: str
    pages: tuple[int, ...] = ()
    sheet: str | None = None
    recognised: Recognised | None


class Finding(_Strict):
    rule: str
    severity: Literal["error", "warning", "info"]
    place: str
    figures: tuple[str, ...]
    message: str  # as budgetlint words it today, for the reader; not compared
    why: str
    graded: str | None = None  # the severity issue 14 asks for, when it is not today's, and why


class FalseFinding(_Strict):
    rule: str
    severity: Literal["error", "warning", "info"]
    place: str
    figures: tuple[str, ...]
    message: str
    reason: str
    evidence: str


class ReadingGap(_Strict):
    printed: str
    pages: tuple[int, ...] = ()
    sheet: str | None = None
    recognised: Recognised | None = None
    note: str


class Missed(_Strict):
    place: str
    what: str
    needs: str


class Expectations(_Strict):
    document: str  # path under tests/real/docs
    what: str
    reviewed: str
    tables: tuple[PrintedTable, ...] = ()
    findings: tuple[Finding, ...] = ()
    false_findings: tuple[FalseFinding, ...] = ()
    reading_gaps: tuple[ReadingGap, ...] = ()
    missed: tuple[Missed, ...] = ()

    def known(self) -> Counter:
        """Every finding the review knows of (confirmed or known false), by identity."""
        return Counter((f.rule, f.severity, f.place, f.figures) for f in (*self.findings, *self.false_findings))

    def recognised(self) -> Counter:
        """The tables budgetlint is expected to recognise, by identity."""
        entries = [e.recognised for e in (*self.tables, *self.reading_gaps) if e.recognised]
        return Counter((r.title, r.kind, r.pages, r.sheet) for r in entries)


class ComparedPair(_Strict):
    relation: Literal["说明与报表", "部门与单位", "上下年"]
    files: tuple[str, str]  # paths under tests/real/docs


class NotCompared(_Strict):
    file: str
    reason: str  # what its cover shows instead of a unit and year


class GroupFinding(Finding):
    file: str  # the file it is reported in, under tests/real/docs


class GroupFalseFinding(FalseFinding):
    file: str


class GroupExpectations(_Strict):
    what: str
    reviewed: str
    documents: tuple[str, ...]  # paths under tests/real/docs, checked in one run
    compared: tuple[ComparedPair, ...]
    not_compared: tuple[NotCompared, ...] = ()
    findings: tuple[GroupFinding, ...] = ()
    false_findings: tuple[GroupFalseFinding, ...] = ()

    def known(self) -> Counter:
        return Counter((f.rule, f.severity, f.file, f.place, f.figures) for f in (*self.findings, *self.false_findings))


def load(path: Path) -> Expectations:
    return Expectations.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def load_group(path: Path) -> GroupExpectations:
    return GroupExpectations.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


def all_expectations() -> list[Path]:
    """One file per document (the groups aside)."""
    return sorted(p for p in EXPECTED.rglob("*.yaml") if GROUPS not in p.parents)


def all_groups() -> list[Path]:
    return sorted(GROUPS.glob("*.yaml"))


def between_files(finding: dict[str, Any]) -> bool:
    """A finding of documents checked together: one of its places is in another file."""
    return any("file" in location for location in finding["locations"])


def group_finding_identity(finding: dict[str, Any]) -> tuple[str, str, str, str, tuple[str, ...]]:
    """(rule, severity, file under docs, place, figures); the files' paths in the message are no figures."""
    message = finding["message"]
    for path in sorted({finding["file"], *(loc.get("file") or "" for loc in finding["locations"])}, key=len, reverse=True):
        message = message.replace(path, "") if path else message
    return (finding["rule"], finding["severity"], str(Path(finding["file"]).relative_to(DOCS)),
            place(finding["locations"][0]), figures(message))


def finding_identity(finding: dict[str, Any]) -> tuple[str, str, str, tuple[str, ...]]:
    """(rule, severity, place, figures) of a finding of the JSON report."""
    return finding["rule"], finding["severity"], place(finding["locations"][0]), figures(finding["message"])


def place(location: dict[str, Any]) -> str:
    source = location["source"]
    where = (f"p.{source['page']}" if source.get("page") else f"{source['sheet']}!{source['cell']}"
             if source.get("sheet") else f"line {source['line']}" if source.get("line") else "(file)")
    return f"{location['table_title']} {where}" if location.get("table_title") else where


def figures(message: str) -> tuple[str, ...]:
    return tuple(_NUMBER.findall(_TOLERANCE.sub("", message)))


def table_identity(table: Any) -> tuple[str, str | None, tuple[int, ...], str | None]:
    """(title, kind, pages, sheet) of a table of the document as read."""
    pages = {row.source.page for row in table.rows if row.source.page} | ({table.source.page} - {None})
    return table.title, table.kind, tuple(sorted(pages)), table.source.sheet
