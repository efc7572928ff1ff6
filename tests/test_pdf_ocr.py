"""Scanned PDFs read by OCR (the `ocr` extra): seed 002's 13-page scan read cell for cell like the text
PDF, with the same findings; models load and run with the network unavailable; without the extra a
scanned page is reported with the install hint."""

import json
import socket
from pathlib import Path

import pytest
from helpers import expected_rows, texts

from validator import check
from validator.numbers import Amount, parse_number
from validator.readers import pdf, pdf_ocr
from validator.readers.pdf import read_raw

FIXTURES = Path(__file__).parent / "fixtures"
SCANNED = FIXTURES / "seed002" / "final_accounts_scanned.pdf"
EXPECTED = json.loads((FIXTURES / "seed002" / "expected.json").read_text(encoding="utf-8"))["tables"]


needs_ocr = pytest.mark.skipif(not pdf_ocr.available(), reason="the ocr extra (rapidocr, onnxruntime) is not installed")


def ocrs_the_scans(test):
    """OCR of whole scans takes minutes: the slow layer (the fast one reads a single page, offline)."""
    return pytest.mark.slow(needs_ocr(test))


@pytest.fixture(scope="module")
def ocr_cache():
    """Every OCR'd page of this module, read once: the tests below read the scan several ways."""
    return {}


@pytest.fixture
def cached_ocr(ocr_cache, monkeypatch):
    read = pdf._ocr_pages

    def cached(path, numbers):
        missing = [n for n in numbers if (path, n) not in ocr_cache]
        for layout in read(path, missing) if missing else []:
            ocr_cache[path, layout.number] = layout
        return [ocr_cache[path, n] for n in numbers]

    monkeypatch.setattr(pdf, "_ocr_pages", cached)


def _is_amount(text):
    """A figure with decimals (2,587.46, 0.00%): what the 632 amounts of the scan count."""
    return "." in text and isinstance(parse_number(text), Amount)


def _without_repeated_headers(grid, header):
    repeated = [list(h) for h in header]
    return grid[:len(header)] + [row for row in grid[len(header):] if row not in repeated]


@ocrs_the_scans
def test_every_cell_of_the_scanned_tables_is_read_exactly(cached_ocr):
    _, raws = read_raw(SCANNED, 10**9)
    mismatches, amounts = [], 0
    for (sheet, expected), raw in zip(list(EXPECTED.items())[:9], raws, strict=False):
        assert (raw.title, raw.label) == (expected["title"], sheet)
        grid = _without_repeated_headers([[c.text for c in row] for row in raw.grid], expected["header"])
        wanted = expected["header"] + expected["rows"]
        assert [len(row) for row in grid] == [len(row) for row in wanted], sheet  # the table structure
        amounts += sum(1 for row in expected["rows"] for want in row if _is_amount(want))
        mismatches += [(sheet, got, want) for got_row, want_row in zip(grid, wanted, strict=True)
                       for got, want in zip(got_row, want_row, strict=True) if got != want]
    assert amounts == 607  # the other 25 of the 632 are in the 自评表 (test below)
    assert mismatches == []


@ocrs_the_scans
def test_every_ocr_cell_carries_page_box_and_confidence(cached_ocr):
    _, raws = read_raw(SCANNED, 10**9)
    cell = next(c for row in raws[0].grid for c in row if c.text == "2,587.46")
    assert cell.source.page == 1 and cell.source.bbox[0] < cell.source.bbox[2]
    assert 0.8 < cell.source.confidence <= 1


@ocrs_the_scans
def test_the_scan_gives_the_same_findings_as_the_text_pdf(cached_ocr):
    def described(report):
        return [(f.rule, f.severity, [(loc.value, loc.source.page) for loc in f.locations]) for f in report.findings]

    text_pdf = FIXTURES / "seed002" / "final_accounts.pdf"
    for options in ({}, {"show_rounding": True}):
        scanned, printed = (check([pdf], **options) for pdf in (SCANNED, text_pdf))
        assert described(scanned) == described(printed)
        assert scanned.files[0].tables == printed.files[0].tables
    assert described(check([SCANNED], show_rounding=True, select_ids=["T1-01"])) != []


@ocrs_the_scans
def test_the_summary_counts_the_cells_read_by_ocr_and_the_doubtful_ones(cached_ocr):
    from validator.reporters import text_report

    report = check([SCANNED, FIXTURES / "seed002" / "final_accounts.pdf"])
    scanned, printed = report.files
    cells = [c for table in read_document_of(SCANNED).tables for row in table.rows for c in row.cells.values()
             if c.source.confidence is not None]  # a blank cell has no text to recognise
    assert scanned.ocr == (len(cells), sum(1 for c in cells if c.source.confidence < 0.8)) and printed.ocr is None
    assert scanned.ocr[0] >= 632  # its 632 amounts with decimals among them
    summary = report.to_dict()["summary"]
    assert (summary["ocr_cells"], summary["ocr_doubtful"]) == scanned.ocr
    assert f"{scanned.ocr[0]} 个单元格由扫描页 OCR 识别，其中 {scanned.ocr[1]} 个识别置信度低于 0.8" in \
        text_report.render(report, False)
    assert "ocr_cells" not in check([FIXTURES / "seed002" / "final_accounts.pdf"]).to_dict()["summary"]


def read_document_of(path):
    from validator.catalogue import builtin_catalogue
    from validator.readers import read_document

    return read_document(path, builtin_catalogue())


@needs_ocr
def test_ocr_runs_with_the_network_unavailable(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network unavailable in this test")

    for name in ("connect", "connect_ex", "sendto"):
        monkeypatch.setattr(socket.socket, name, refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(pdf_ocr, "_engines", {})  # models loaded afresh, here
    layout = pdf_ocr.read_page(SCANNED, 10)
    assert "国有资本经营预算财政拨款支出决算表" in [ln.text for ln in layout.lines]


def test_without_the_extra_the_scanned_pages_are_reported_with_the_install_hint(monkeypatch):
    monkeypatch.setattr(pdf_ocr, "available", lambda: False)
    report = check([FIXTURES / "seed002" / "scanned_two_pages.pdf"])
    (finding,) = report.findings
    assert finding.rule == "D-04" and [loc.source.page for loc in finding.locations] == [1, 2]
    assert "扫描图像" in finding.message and pdf_ocr.INSTALL_HINT in finding.hint


def test_ocr_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("BUDGETLINT_OCR", "0")
    document, raws = read_raw(FIXTURES / "seed002" / "scanned_two_pages.pdf", 10**9)
    assert raws == [] and [p.source.page for p in document.problems] == [1, 2]


@ocrs_the_scans
def test_every_figure_of_the_scanned_self_evaluations_is_read_exactly(cached_ocr):
    _, raws = read_raw(SCANNED, 10**9)
    sheets = [r for r in raws if r.title == "项目支出绩效自评表"]
    assert [s.source.page for s in sheets] == [12, 13]
    amounts = 0
    for raw, key in zip(sheets, ("自评表1", "自评表2"), strict=True):
        grid = [[c.text for c in row] for row in raw.grid]
        wanted = EXPECTED[key]["rows"]
        assert [len(row) for row in grid] == [len(row) for row in wanted], key
        figures = [(got, want) for got_row, want_row in zip(grid, wanted, strict=True)
                   for got, want in zip(got_row, want_row, strict=True)
                   if _is_amount(want)]
        amounts += len(figures)
        assert [got for got, _ in figures] == [want for _, want in figures]
    assert amounts == 25  # with the 607 of the nine tables: 632


@ocrs_the_scans
def test_the_scanned_self_evaluations_give_the_rows_of_expected_json(cached_ocr):
    """Including an indicator name printed across a rule (生活质|量改善率) and 绩效指标 in 6 pt; the
    space in "≥3 人" is not seen on the scan and means nothing, so spaces are left out."""
    from validator.catalogue import builtin_catalogue
    from validator.readers import read_document

    def spaceless(rows):
        return [(group, label, {k: v.replace(" ", "") for k, v in cells.items()}) for group, label, cells in rows]

    sheets = read_document(SCANNED, builtin_catalogue()).tables_of("SE")
    for sheet, key in zip(sheets, ("自评表1", "自评表2"), strict=True):
        assert spaceless([(r.group, r.label, texts(r)) for r in sheet.rows]) == \
            spaceless(expected_rows(EXPECTED[key]["rows"]))


# -- findings on cells read with low confidence ------------------------------------------------------

def _three_public_with_total(total: str, confidence: float):
    from dataclasses import replace as replaced

    from validator.catalogue import builtin_catalogue
    from validator.engine import Engine
    from validator.readers.structured import document_from_data
    from validator.ruleset import builtin_rules

    grid = [["预算数", "", "", "", "", "", "决算数", "", "", "", "", ""],
            ["合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费",
             "合计", "因公出国（境）费", "公务用车购置及运行维护费", "", "", "公务接待费"],
            ["", "", "小计", "公务用车购置费", "公务用车运行维护费", "", "", "", "小计", "公务用车购置费", "公务用车运行维护费", ""],
            ["36.76", "6.39", "22.37", "0.00", "22.37", "8.00", total, "6.39", "22.37", "0.00", "22.37", "8.00"]]
    document = document_from_data({"tables": [{"title": "财政拨款“三公”经费支出决算表", "grid": grid}]},
                                  "scan.pdf", builtin_catalogue())
    cell = document.tables[0].rows[0].cells[6]
    cell.source = replaced(cell.source, page=9, confidence=confidence)
    findings, _ = Engine([r for r in builtin_rules() if r.id == "T9-02"], builtin_catalogue()).run(document)
    return findings


def test_an_error_one_misread_digit_of_a_doubtful_cell_explains_is_a_warning_to_check_the_original():
    (finding,) = _three_public_with_total("46.76", confidence=0.62)  # 36.76 read as 46.76?
    assert finding.severity == "warning"
    assert "识别置信度 0.62" in finding.message and "请核对原件" in finding.message


def test_an_error_no_single_digit_explains_stays_an_error_and_a_confident_cell_is_trusted():
    (far_off,) = _three_public_with_total("47.87", confidence=0.62)
    assert far_off.severity == "error"
    (confident,) = _three_public_with_total("46.76", confidence=0.97)
    assert confident.severity == "error"


def _general_budget_with_item(text: str, confidence: float | None):
    """T5-02 on a 一般公共预算 table whose 2010308 项目支出 cell was OCR'd as `text` (printed when the
    confidence is None)."""
    from dataclasses import replace as replaced

    from validator.catalogue import builtin_catalogue
    from validator.engine import Engine
    from validator.readers.structured import document_from_data
    from validator.ruleset import builtin_rules

    grid = [["科目编码", "科目名称", "小计", "基本支出", "项目支出"],
            ["", "合计", "1,480.60", "1,358.74", "121.86"],
            ["201", "一般公共服务支出", "1,480.60", "1,358.74", "121.86"],
            ["20103", "政府办公厅（室）及相关机构事务", "1,480.60", "1,358.74", "121.86"],
            ["2010301", "行政运行", "1,358.74", "1,358.74", "0.00"],
            ["2010308", "信访事务", "121.86", "0.00", text]]
    document = document_from_data({"tables": [{"title": "一般公共预算财政拨款支出决算表", "grid": grid}]},
                                  "scan.pdf", builtin_catalogue())
    cell = document.tables[0].rows[-1].cells[4]
    cell.source = replaced(cell.source, page=12, confidence=confidence)
    findings, _ = Engine([r for r in builtin_rules() if r.id == "T5-02"], builtin_catalogue()).run(document)
    return findings


def test_an_error_a_lost_decimal_point_of_an_ocr_cell_explains_is_a_warning_to_check_the_original():
    (finding,) = _general_budget_with_item("12186", confidence=0.97)  # 121.86 with its point unseen
    assert finding.severity == "warning"
    assert "“12186”" in finding.message and "漏识小数点" in finding.message and "请核对原件" in finding.message


def test_a_point_that_does_not_explain_the_difference_or_a_printed_cell_stays_an_error():
    (far_off,) = _general_budget_with_item("12286", confidence=0.97)
    assert far_off.severity == "error"
    findings = _general_budget_with_item("12186", confidence=None)  # no confidence: not read by OCR
    assert [f.severity for f in findings] == ["error"]


def test_a_row_missing_from_a_scanned_table_is_not_taken_as_zero():
    """Its label may be misread ("般公共服务支出" with its 一 under a seal): the check is skipped and
    says why, where a printed table's missing 类 counts as zero and is reported."""
    from dataclasses import replace as replaced

    from validator.examples import example_document, run_on
    from validator.ruleset import builtin_rules

    (rule,) = [r for r in builtin_rules() if r.id == "X-09"]
    example = next(e for e in rule.spec.examples.failing if "未列该类" in e.name)
    assert [f.rule for f in run_on(rule, example_document(rule, example))[0]] == ["X-09"]
    scanned = example_document(rule, example)
    for row in scanned.tables_of("T3")[0].rows:
        for cell in row.cells.values():
            cell.source = replaced(cell.source, page=8, confidence=0.99)
    findings, skips = run_on(rule, scanned)
    assert findings == [] and any("扫描件" in s.reason and "没有识别出" in s.reason for s in skips)


# -- a real-world-like scan --------------------------------------------------------------------------

@pytest.fixture(scope="module", params=[2, 5], ids=lambda seed: f"seed{seed}")
def putuo_scan(request, tmp_path_factory):
    """The real Putuo disclosure printed to 150 dpi images, turned, stamped with a red seal over its
    first table on every page, with noise and JPEG artefacts (benchmarks/scan.py makes it). Seed 5
    puts the seal's ring through header words and a 302 label, and its star over a column rule."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("scan", Path(__file__).parents[1] / "benchmarks" / "scan.py")
    scan = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scan)
    target = tmp_path_factory.mktemp("scan") / f"putuo-scanned-{request.param}.pdf"
    return scan, target, scan.make_scan(PUTUO, target, seed=request.param)


PUTUO = FIXTURES / "real" / "shanghai-putuo-social-work-dept-2024.pdf"


@ocrs_the_scans
def test_a_stamped_turned_noisy_scan_of_a_real_disclosure_reads_every_amount_exactly_where_it_is(
        putuo_scan, cached_ocr):
    scan, scanned, angles = putuo_scan
    pairs = scan.matched(PUTUO, scanned)
    assert len(pairs) == len(scan.amounts(PUTUO, ocr=False)) == 205
    import pypdfium2

    sizes = [page.get_size() for page in pypdfium2.PdfDocument(PUTUO)]
    for printed, read in pairs:  # the box is where the cell is on the scanned page, turned as it is
        assert read.source.page == printed.source.page
        width, height = sizes[printed.source.page - 1]
        turned = _turned_box(printed.source.bbox, angles[printed.source.page - 1], centre=(width / 2, height / 2))
        assert all(abs(a - b) < 1.5 for a, b in zip(read.source.bbox, turned, strict=True)), \
            (read.text, read.source.bbox, turned)


def _turned_box(box, degrees, centre):
    """The box around the corners of `box` turned counter-clockwise about `centre` (y points down)."""
    import math

    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    (cx, cy), xs, ys = centre, [], []
    for x in (box[0], box[2]):
        for y in (box[1], box[3]):
            xs.append(cx + cos * (x - cx) + sin * (y - cy))
            ys.append(cy - sin * (x - cx) + cos * (y - cy))
    return min(xs), min(ys), max(xs), max(ys)


@ocrs_the_scans
def test_a_stamped_turned_noisy_scan_of_a_real_disclosure_gives_the_text_pdfs_findings(putuo_scan, cached_ocr):
    _, scanned, _ = putuo_scan
    found = [check([pdf], show_rounding=True) for pdf in (scanned, PUTUO)]
    assert [[(f.rule, f.severity, f.message) for f in report.findings] for report in found] == \
        [[(f.rule, f.severity, f.message) for f in found[1].findings]] * 2
    assert found[0].files[0].tables == found[1].files[0].tables
    assert [(s.rule, s.reason) for s in found[0].skipped] == [(s.rule, s.reason) for s in found[1].skipped]


@ocrs_the_scans
def test_a_stamped_scan_of_a_real_disclosure_reads_every_header_and_label_as_printed(putuo_scan, cached_ocr):
    """Words under the seal too: a misread 事业收入 or 公务用车运行维护费 would leave rules unchecked."""
    _, scanned, _ = putuo_scan

    def words(path):
        document, _ = read_raw(path, 10**9)
        return [([c.header for c in t.columns], [r.label for r in t.rows]) for t in document.tables]

    assert words(scanned) == words(PUTUO)
