"""The real documents against their reviewed expectations (issue 14).

    python benchmarks/real.py

Per document (tests/real/docs): tables printed / recognised with their title (tests/real/EXPECTED), errors
and warnings reported, claims found in the prose / checked by a rule, seconds; then the totals and the
precision of the errors on the review (confirmed errors / all errors reported) and the recall on it
(confirmed findings / confirmed findings and the real problems the review lists as missed).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "real"))
from expectations import DOCS, all_expectations, finding_identity, load  # noqa: E402

from validator import api  # noqa: E402


def main() -> None:
    print(f"{'document':62} {'tables':>7} {'errors':>6} {'warn':>5} {'claims':>8} {'seconds':>8}")
    totals = dict(printed=0, recognised=0, errors=0, warnings=0, confirmed=0, graded=0, false=0, gaps=0, missed=0, real=0, found=0, checked=0,
                  seconds=0.0)
    for path in all_expectations():
        expected = load(path)
        start = time.perf_counter()
        report = api.check([DOCS / expected.document])
        seconds = time.perf_counter() - start
        findings = report.to_dict()["findings"]
        confirmed = {(f.rule, f.severity, f.place, f.figures) for f in expected.findings}
        graded = {(f.rule, f.severity, f.place, f.figures) for f in expected.findings if f.graded}
        errors = [f for f in findings if f["severity"] == "error"]
        found, checked = report.files[0].claims or (0, 0)
        printed = len(expected.tables)
        recognised = sum(1 for t in expected.tables if t.recognised)
        row = dict(printed=printed, recognised=recognised, errors=len(errors),
                   warnings=sum(f["severity"] == "warning" for f in findings),
                   confirmed=sum(finding_identity(f) in confirmed for f in errors),
                   graded=sum(finding_identity(f) in graded for f in errors),
                   false=len(expected.false_findings), gaps=len(expected.reading_gaps), missed=len(expected.missed),
                   real=len(expected.findings), found=found, checked=checked,
                   seconds=seconds)
        for key, value in row.items():
            totals[key] += value
        print(f"{expected.document:62} {printed:>3}/{recognised:<3} {row['errors']:6} {row['warnings']:5} "
              f"{found:>3}/{checked:<4} {seconds:8.2f}")
    t = totals
    precision = f"{t['confirmed'] / t['errors']:.0%}" if t["errors"] else "-"
    print(f"{'all ' + str(len(all_expectations())) + ' documents':62} {t['printed']:>3}/{t['recognised']:<3} {t['errors']:6} "
          f"{t['warnings']:5} {t['found']:>3}/{t['checked']:<4} {t['seconds']:8.2f}")
    print(f"errors confirmed on the page: {t['confirmed']} of {t['errors']} (precision {precision}), "
          f"{t['graded']} of them a warning by issue 14's grading (truncation, last digit); "
          f"known false findings: {t['false']}; reading gaps: {t['gaps']}")
    recall = f"{t['real'] / (t['real'] + t['missed']):.0%}" if t["real"] + t["missed"] else "-"
    print(f"real problems the review found: {t['real'] + t['missed']}, reported: {t['real']} (recall {recall}); "
          f"missed: {t['missed']} (listed with what would find them)")


if __name__ == "__main__":
    main()
