"""`--format checklist-json`: the reviewer's check-sheet (validator.checklist) for machines, with the
fields of the workbook: per document its header, its rows and its findings (as in the JSON report)."""

from __future__ import annotations

import json

from ..checklist import checklist
from ..findings import Report


def render(report: Report, verbose: bool = False) -> str:
    content = checklist(report)
    findings: dict[str, list[object]] = {}
    for finding in report.to_dict()["findings"]:
        findings.setdefault(finding["file"], []).append(finding)
    documents = [{"file": sheet.path, "unit": sheet.unit, "year": sheet.year, "kind": sheet.kind,
                  "readable": sheet.readable,
                  "rows": [{"number": r.number, "part": r.part, "part_id": r.part_id, "verdict": r.verdict,
                            "problems": list(r.problems), "pages": r.pages} for r in sheet.rows],
                  "findings": findings.get(sheet.path, [])} for sheet in content.sheets]
    data = {"tool": {"name": "budgetlint", "version": content.version}, "checked_at": content.checked_at,
            "documents": documents}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
