"""Real published documents (tests/real/docs) checked against their reviewed expectations (tests/real/EXPECTED).

For each document: every finding budgetlint reports must be one the review knows (confirmed on the page,
or listed as a known false finding), every expected finding must still be reported, and the tables it
recognises must be the ones the expectations name. A failure names rule, place and figures.
"""

from collections import Counter
from pathlib import Path

import pytest
from real.expectations import (
    DOCS,
    all_expectations,
    all_groups,
    between_files,
    finding_identity,
    group_finding_identity,
    load,
    load_group,
    table_identity,
)

from validator import api

# Two small documents stay in the fast layer: a Shanghai budget PDF and a narrative text
FAST = {"putuo-welfare-home-2024-unit-budget.pdf.yaml", "sichuan-jingyan-county-2020-three-public-narrative.txt.yaml",
        "putuo-government-office-2025.yaml"}
CASES = [pytest.param(path, id=path.stem, marks=() if path.name in FAST else pytest.mark.slow)
         for path in all_expectations()]


def _shown(identities):
    return "\n".join(f"  {rule} {severity} {place} {list(figures)}" for (rule, severity, place, figures) in identities)


@pytest.mark.parametrize("expected_file", CASES)
def test_real_document_gives_the_reviewed_findings_and_tables(expected_file):
    expected = load(expected_file)
    report = api.check([DOCS / expected.document], keep_documents=True)
    [result] = report.files
    assert result.error is None and not result.internal_error, result.error

    found = Counter(finding_identity(f) for f in report.to_dict()["findings"])
    known = expected.known()
    unexpected, missing = found - known, known - found
    assert not unexpected, f"{expected.document}: findings not in {expected_file.name}:\n{_shown(unexpected)}"
    assert not missing, f"{expected.document}: expected findings no longer reported:\n{_shown(missing)}"

    document = next(iter(report.documents.values()))
    recognised = Counter(table_identity(table) for table in document.tables)
    assert recognised == expected.recognised(), (
        f"{expected.document}: tables recognised differ from {expected_file.name}: "
        f"new {sorted(recognised - expected.recognised())}, gone {sorted(expected.recognised() - recognised)}")


GROUP_CASES = [pytest.param(path, id=path.stem, marks=() if path.name in FAST else pytest.mark.slow)
               for path in all_groups()]


@pytest.mark.parametrize("expected_file", GROUP_CASES)
def test_real_documents_checked_together_give_the_reviewed_pairs_and_findings(expected_file):
    expected = load_group(expected_file)
    report = api.check([DOCS / document for document in expected.documents]).to_dict()
    compared = [(c["relation"], tuple(str(Path(f).relative_to(DOCS)) for f in c["files"])) for c in report["compared"]]
    assert sorted(compared) == sorted((c.relation, c.files) for c in expected.compared)
    unidentified = [str(Path(f["path"]).relative_to(DOCS)) for f in report["files"]
                    if (f["document_kind"] or "").endswith("预算") and not f["document_identity"]]
    assert sorted(unidentified) == sorted(n.file for n in expected.not_compared)

    found = Counter(group_finding_identity(f) for f in report["findings"] if between_files(f))
    unexpected, missing = found - expected.known(), expected.known() - found
    assert not unexpected, f"{expected_file.name}: findings between files not reviewed:\n{unexpected}"
    assert not missing, f"{expected_file.name}: reviewed findings no longer reported:\n{missing}"


def test_every_real_document_has_its_reviewed_expectations():
    documents = {str(p.relative_to(DOCS)) for p in DOCS.rglob("*") if p.is_file()}
    reviewed = [load(path) for path in all_expectations()]
    assert {e.document for e in reviewed} == documents
    unreviewed = [(e.document, f.rule, f.place) for e in reviewed for f in e.findings if not f.why.strip()]
    assert not unreviewed
