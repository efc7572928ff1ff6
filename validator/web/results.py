"""What a finished check leaves: its report in every downloadable format, an annotated copy of each
workbook, its findings in the database; and what changed since the same unit's and year's last check.

The checker names files by the paths it read, which here are generated ids: `relabel` gives the
report the names the files were uploaded under before anything is written or fingerprinted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..baseline import fingerprint
from ..errors import ReadError
from ..excel_annotation import ANNOTATABLE, annotate_workbook
from ..findings import Report
from ..reporters import BINARY_REPORTERS, REPORTERS
from . import models

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Download name -> (reporter, media type, link text); each is written once, when the check is done
DOWNLOADS = {"report.json": ("json", "application/json", "JSON"),
             "report.sarif": ("sarif", "application/sarif+json", "SARIF"),
             "report.csv": ("csv", "text/csv", "CSV"), "report.html": ("html", "text/html", "HTML"),
             "checklist.xlsx": ("checklist", XLSX, "检查表")}


def annotated_name(document: models.Document) -> str | None:
    """The annotated copy's name in the check's folder, for a workbook openpyxl can annotate."""
    return f"{document.id}-annotated.xlsx" if Path(document.stored_file).suffix in ANNOTATABLE else None


def relabel(report: Report, names: dict[str, str]) -> None:
    """Name each file as it was uploaded (`names`: path read -> name) wherever the report says it."""
    def named(text: str) -> str:
        for path, name in names.items():
            text = text.replace(path, name)
        return text

    for result in report.files:
        result.path = names.get(result.path, result.path)
        if result.error:
            result.error = named(result.error)
    report.findings = [replace(f, file=names.get(f.file, f.file), message=named(f.message)) for f in report.findings]
    report.skipped = [replace(s, file=names.get(s.file, s.file), reason=named(s.reason)) for s in report.skipped]
    documents = {}
    for path, document in report.documents.items():
        document.path = names.get(path, path)
        documents[document.path] = document
    report.documents = documents


def write_reports(report: Report, folder: Path) -> None:
    for name, (reporter, _, _) in DOWNLOADS.items():
        if reporter in BINARY_REPORTERS:
            (folder / name).write_bytes(BINARY_REPORTERS[reporter](report, False))
        else:
            (folder / name).write_text(REPORTERS[reporter](report, False), encoding="utf-8")


def annotate(report: Report, document: models.Document, folder: Path) -> None:
    """The annotated copy of a workbook; a workbook openpyxl cannot open has none (its READ-01 says why)."""
    target = annotated_name(document)
    if target is None:
        return
    findings = [f for f in report.findings if f.file == document.file_name]
    try:
        annotate_workbook(folder / document.stored_file, findings, folder / target)
    except ReadError:
        pass


def finding_rows(report: Report, documents: dict[str, models.Document]) -> Iterable[models.Finding]:
    for finding in report.findings:
        place = finding.locations[0].place() if finding.locations else ""
        yield models.Finding(document_id=documents[finding.file].id, rule=finding.rule, severity=finding.severity,
                             title=finding.title, message=finding.message, place=place,
                             fingerprint=fingerprint(finding))


@dataclass(frozen=True)
class Changes:
    """The findings of one unit and year that are new, and those fixed, since its previous check."""

    unit: str
    year: str
    previous: models.Check
    new: list[models.Finding]
    fixed: list[models.Finding]


def changes_since_last(session: Session, check: models.Check) -> list[Changes]:
    """For each unit and year of the check (both given), compared with the last earlier finished check of them.

    Findings are matched by baseline fingerprint and counted (two alike stay two), so moved lines and
    renamed files do not make findings new; a changed value does."""
    changes = []
    for unit, year in sorted({(d.unit, d.year) for d in check.documents if d.unit and d.year}):
        previous = session.scalars(
            select(models.Check).join(models.Document)
            .where(models.Document.unit == unit, models.Document.year == year, models.Check.state == models.DONE,
                   models.Check.created < check.created)
            .order_by(models.Check.created.desc()).limit(1)).first()
        if previous is None:
            continue
        now, before = _findings_of(check, unit, year), _findings_of(previous, unit, year)
        changes.append(Changes(unit, year, previous, _not_in(now, before), _not_in(before, now)))
    return changes


def _findings_of(check: models.Check, unit: str, year: str) -> list[models.Finding]:
    return [f for d in check.documents if (d.unit, d.year) == (unit, year) for f in d.findings]


def _not_in(findings: list[models.Finding], others: list[models.Finding]) -> list[models.Finding]:
    left = Counter(f.fingerprint for f in others)
    missing = []
    for finding in findings:
        if left[finding.fingerprint]:
            left[finding.fingerprint] -= 1
        else:
            missing.append(finding)
    return missing
