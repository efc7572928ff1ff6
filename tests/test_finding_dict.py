"""A finding as the JSON report writes it: every field in order, a place's source with its box as text,
what hides a workbook cell, an OCR confidence and a claim's span only where they apply. Made field by
field, without the deep copy of dataclasses.asdict (half of the report's time, benchmarks/speed.py)."""

import copy

from validator.findings import Finding, Location, finding_dict
from validator.model import Source

FINDING = Finding("T1-01", "error", "合计不符", "合计为 10，各项之和为 11", "a.pdf", (
    Location(table="公开01表", row="合计", value="10", source=Source(page=2, bbox=(1.5, 2.0, 3.0, 4.0),
                                                                  hidden=("row",), confidence=0.75)),
    Location(value="各项", source=Source(line=7, column=3), span=(2, 5), file="b.pdf"),
), expected="11", actual="10", difference="-1", tolerance="0.01", hint="核对合计", judged=1)


def test_a_finding_is_written_field_by_field_with_its_places(monkeypatch):
    monkeypatch.setattr(copy, "deepcopy", lambda *args: (_ for _ in ()).throw(AssertionError("deep copy")))
    data = finding_dict(FINDING)
    assert list(data) == ["rule", "severity", "title", "message", "file", "locations", "expected", "actual",
                          "difference", "tolerance", "hint", "judged"]
    first, second = data["locations"]
    assert first == {"table": "公开01表", "table_title": None, "row": "合计", "row_no": None, "code": None,
                     "column": None, "column_no": None, "value": "10",
                     "source": {"line": None, "column": None, "page": 2, "bbox": ["1.5", "2.0", "3.0", "4.0"],
                                "sheet": None, "cell": None, "hidden": ["row"], "confidence": "0.75"}}
    assert second["source"] == {"line": 7, "column": 3, "page": None, "bbox": None, "sheet": None, "cell": None}
    assert (second["span"], second["file"]) == ([2, 5], "b.pdf")
