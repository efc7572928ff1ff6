"""Every file in `examples/` (the files the README tells a newcomer to try) is read and checked by the
CLI as documented: exit 0 or 1 (never a usage or internal error), a JSON report that parses, the file
listed in it with its tables and no READ-01."""

from pathlib import Path

import pytest
from helpers import run_json

EXAMPLES = Path(__file__).parent.parent / "examples"
FILES = sorted(p for p in EXAMPLES.rglob("*") if p.is_file())


def test_there_are_examples():
    assert {p.suffix for p in FILES} >= {".txt", ".yaml"}, FILES


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_example_is_checked_without_a_read_finding(path):
    _, report = run_json(path)  # asserts exit code 0 or 1
    (entry,) = report["files"]
    assert Path(entry["path"]) == path
    assert entry["error"] is None and entry["tables"], entry
    assert "READ-01" not in {f["rule"] for f in report["findings"]}


def test_example_folder_reports_every_file():
    _, report = run_json(EXAMPLES)
    assert sorted(Path(f["path"]) for f in report["files"]) == FILES
    assert "READ-01" not in {f["rule"] for f in report["findings"]}
