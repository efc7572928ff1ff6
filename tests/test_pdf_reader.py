"""Published PDFs with a text layer: seed 002 printed to PDF (Type 1 and TrueType CJK fonts) read cell
for cell; a real Shanghai disclosure read without false findings; scanned pages reported per page."""

import json
from pathlib import Path

import pytest

from validator import check
from validator.readers.pdf import read_raw

FIXTURES = Path(__file__).parent / "fixtures"
EXPECTED = json.loads((FIXTURES / "seed002" / "expected.json").read_text(encoding="utf-8"))["tables"]
PUTUO = FIXTURES / "real" / "shanghai-putuo-social-work-dept-2024.pdf"


def _without_repeated_headers(grid, header):
    """Header rows printed again at the top of a continuation page are not data."""
    repeated = [list(h) for h in header]
    return grid[:len(header)] + [row for row in grid[len(header):] if row not in repeated]


@pytest.mark.parametrize("pdf", ["final_accounts.pdf", "final_accounts_ttf.pdf"])
def test_every_cell_of_the_nine_tables_is_read_exactly(pdf):
    _, raws = read_raw(FIXTURES / "seed002" / pdf, 10**8)
    mismatches = []
    for (sheet, expected), raw in zip(list(EXPECTED.items())[:9], raws, strict=False):
        assert raw.title == expected["title"]
        grid = _without_repeated_headers([[c.text for c in row] for row in raw.grid], expected["header"])
        wanted = expected["header"] + expected["rows"]
        assert len(grid) == len(wanted), sheet
        mismatches += [(sheet, got, want) for got_row, want_row in zip(grid, wanted, strict=True)
                       for got, want in zip(got_row, want_row, strict=True) if got != want]
    assert mismatches == []


@pytest.mark.parametrize("pdf", ["final_accounts.pdf", "final_accounts_ttf.pdf"])
def test_the_printed_disclosure_has_no_findings_and_cells_know_their_page_and_box(pdf):
    report = check([FIXTURES / "seed002" / pdf], show_rounding=True, select_ids=["T1-01"])
    (tail,) = report.findings  # the known 尾差 of 本年收入合计, as info, located on page 2
    assert tail.severity == "info"
    assert tail.locations[0].value == "2,643.57"
    assert tail.locations[0].source.page == 2 and len(tail.locations[0].source.bbox) == 4
    assert check([FIXTURES / "seed002" / pdf]).findings == []


def test_every_pdf_cell_carries_its_page_and_box():
    _, raws = read_raw(FIXTURES / "seed002" / "final_accounts.pdf", 10**8)
    t1 = raws[0]
    cell = next(c for row in t1.grid for c in row if c.text == "2,587.46")
    assert cell.source.page == 1 and cell.source.bbox[0] < cell.source.bbox[2]


def test_each_scanned_page_is_reported_not_skipped(monkeypatch):
    monkeypatch.setenv("BUDGETLINT_OCR", "0")  # tests/test_pdf_ocr.py reads scans
    report = check([FIXTURES / "seed002" / "scanned_two_pages.pdf"])
    assert [(f.rule, [loc.source.page for loc in f.locations]) for f in report.findings] == [("D-04", [1, 2])]
    assert "扫描图像" in report.findings[0].message


def test_a_broken_pdf_is_an_unreadable_file_and_the_batch_goes_on(tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF")
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes((FIXTURES / "seed002" / "final_accounts.pdf").read_bytes()[:5000])
    report = check([broken, truncated, FIXTURES / "seed002" / "final_accounts.pdf"])
    assert {(f.rule, f.file) for f in report.findings} <= {("READ-01", str(broken)), ("READ-01", str(truncated))}
    assert report.files[2].error is None and len(report.files[2].tables) == 11


def test_the_real_shanghai_disclosure_is_read_without_false_errors():
    report = check([PUTUO])
    # its one error is real: "年初预算为 0 万元，…完成年初预算的 95.89%" (p.18; 95.89% is of the 全年预算)
    assert [(f.rule, f.locations[0].source.page) for f in report.findings if f.severity == "error"] == [("C-10", 18)]
    tables = report.files[0].tables
    for title in ("收入支出决算总表", "收入决算表", "支出决算表", "财政拨款收入支出决算总表",
                  "一般公共预算财政拨款支出决算表", "一般公共预算财政拨款基本支出决算表",
                  "财政拨款“三公”经费支出决算表", "政府性基金预算财政拨款收入支出决算表",
                  "国有资本经营预算财政拨款收入支出决算表"):
        assert title in tables
    # Its real template leftover (仍保留该表格式…) under the empty 政府性基金/国有资本 tables is found.
    assert [(f.rule, [loc.source.page for loc in f.locations]) for f in report.findings
            if f.rule == "D-03"] == [("D-03", [15, 16])]
    # Every rule is evaluated on the Shanghai layout (income lines without 行次, 三公 headers with the item
    # above 预算数/决算数 and every amount blank) except those needing the 合计 line the two empty
    # tables do not print.
    table_rules = {s.rule for s in report.skipped if s.rule.startswith(("T", "X"))}
    assert table_rules == {"T7-03", "T8-02", "X-21", "X-22", "X-23", "X-24"}


def test_values_read_off_the_real_pdf_match_the_page():
    from validator.catalogue import builtin_catalogue
    from validator.readers import read_document

    document = read_document(PUTUO, builtin_catalogue())
    t1 = document.tables_of("T1")[0]
    income = next(r for r in t1.rows if r.key == "一般公共预算财政拨款收入")
    assert [c.text for c in income.cells.values()] == ["307.82"]
    t3 = document.tables_of("T3")[0]
    total = next(r for r in t3.rows if r.key == "合计")
    assert [c.text for c in total.cells.values()][:3] == ["307.82", "105.58", "202.24"]
    assert next(iter(total.cells.values())).source.page == 8
