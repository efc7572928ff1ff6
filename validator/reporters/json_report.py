"""The stable machine-readable report (the contract is documented in validator.findings and README)."""

from __future__ import annotations

import json

from ..findings import Report


def render(report: Report, verbose: bool = False) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
