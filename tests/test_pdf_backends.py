"""The PDFium reader (pdf_pdfium) against the reference, pdfplumber's ruled-table extraction, on every
fixture and real PDF: every table's grid of texts, every cell box (within 1 pt), every text line
outside the tables (the reference reader is tests/pdfplumber_layout.py; the package never imports
pdfplumber). Then what only the PDFium reader does: tables printed without rules, and the refusal of
encrypted files."""

import ast
import ctypes
import hashlib
from pathlib import Path

import pdfplumber_layout
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

import validator
from validator import check
from validator.readers import pdf_pdfium
from validator.readers.pdf import MAX_PAGES, from_layouts, read_raw

FIXTURES = Path(__file__).parent / "fixtures"
# Page 3 of this real budget holds ten lines of text clipped out of view: pdfplumber reads them, the PDFium
# reader rightly does not (test_pdf_hidden_text.py)
HIDDEN_TEXT = {"putuo-commerce-2025-unit-budget.pdf"}
PDFS = sorted((FIXTURES / "seed002").glob("*.pdf")) + sorted(
    p for p in (FIXTURES / "real").glob("*.pdf") if p.name not in HIDDEN_TEXT)
# The fast layer compares the seed's text PDF; the other PDFs (a second or two each, read twice) the slow one
COMPARED = [pytest.param(pdf, marks=() if pdf.name == "final_accounts.pdf" else pytest.mark.slow) for pdf in PDFS]


def _close(a, b):
    return (a is None) == (b is None) and (a is None or max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 1)


@pytest.mark.parametrize("pdf", COMPARED, ids=lambda p: p.name)
def test_every_page_equals_pdfplumber_cell_for_cell(pdf):
    ours = list(pdf_pdfium.read_pages(pdf, 5000))
    reference = list(pdfplumber_layout.read_pages(pdf, 5000))
    assert len(ours) == len(reference)
    for page, expected in zip(ours, reference, strict=True):
        where = f"{pdf.name} 第{page.number}页"
        assert (page.has_text, page.has_images) == (expected.has_text, expected.has_images), where
        assert [[[c.text for c in row] for row in t.rows] for t in page.tables] == \
               [[[c.text for c in row] for row in t.rows] for t in expected.tables], where
        boxes = [(c.bbox, e.bbox) for t, u in zip(page.tables, expected.tables, strict=True)
                 for row, other in zip(t.rows, u.rows, strict=True) for c, e in zip(row, other, strict=True)]
        assert all(_close(a, b) for a, b in boxes), where
        assert [ln.text for ln in page.lines] == [ln.text for ln in expected.lines], where
        assert all(_close(a.bbox, b.bbox) for a, b in zip(page.lines, expected.lines, strict=True)), where


def test_the_comparison_sees_real_content():
    pages = list(pdf_pdfium.read_pages(FIXTURES / "real" / "shanghai-putuo-social-work-dept-2024.pdf", 5000))
    assert sum(len(t.rows) for p in pages for t in p.tables) > 150
    assert any(c.text == "307.82" for p in pages for t in p.tables for row in t.rows for c in row)


@pytest.mark.parametrize("pdf", COMPARED, ids=lambda p: p.name)
def test_the_document_read_is_the_same_with_either_backend(pdf):
    def described(document, raws):
        return ([(t.text, t.source.page) for t in document.text], [(p.text, p.source.page) for p in document.problems],
                [(r.title, r.label, r.meta, [n.text for n in r.notes], [[c.text for c in row] for row in r.grid])
                 for r in raws])

    assert described(*read_raw(pdf, 10**9, ocr=False)) == \
        described(*from_layouts(pdf, pdfplumber_layout.read_pages(pdf, MAX_PAGES)))


def _libraries_imported(path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level:
            yield node.module.partition(".")[0]


def test_budgetlint_itself_never_imports_pdfplumber():
    """pdfplumber comes with the test extra only: the reference reader lives in tests/."""
    assert "pdfplumber" in set(_libraries_imported(Path(pdfplumber_layout.__file__)))
    package = Path(validator.__file__).parent
    assert [p.name for p in package.rglob("*.py") if {"pdfplumber", "pdfminer"} & set(_libraries_imported(p))] == []


def _write_pdf(path, lines, rules=()):
    """A one-page PDF with Helvetica text at (x, y) positions and optional straight lines."""
    document = pdfium.PdfDocument.new()
    page = document.new_page(400, 300)
    for x, y, text in lines:
        obj = pdfium_raw.FPDFPageObj_NewTextObj(document.raw, b"Helvetica", 10)
        encoded = (text + "\0").encode("utf-16-le")
        pdfium_raw.FPDFText_SetText(obj, ctypes.cast(ctypes.c_char_p(encoded), ctypes.POINTER(ctypes.c_ushort)))
        pdfium_raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
        pdfium_raw.FPDFPage_InsertObject(page.raw, obj)
    for x0, y0, x1, y1 in rules:
        path_object = pdfium_raw.FPDFPageObj_CreateNewPath(x0, y0)
        pdfium_raw.FPDFPath_LineTo(path_object, x1, y1)
        pdfium_raw.FPDFPath_SetDrawMode(path_object, 0, True)
        pdfium_raw.FPDFPage_InsertObject(page.raw, path_object)
    pdfium_raw.FPDFPage_GenerateContent(page.raw)
    document.save(path)


UNRULED = [(40, 260, "Income and expenditure table")] + [
    (40, 230 - 18 * i, label) for i, label in enumerate(["Item", "Salaries", "Office costs", "Travel", "Total"])
] + [(200, 230, "Budget"), (300, 230, "Actual")] + [
    (x, 230 - 18 * i, figure) for i, row in enumerate([("120.00", "118.50"), ("35.20", "40.00"),
                                                       ("8.00", "6.25"), ("163.20", "164.75")], start=1)
    for x, figure in zip((200, 300), row, strict=True)
]


def test_a_table_printed_without_rules_is_read_from_the_alignment_of_its_words(tmp_path):
    pdf = tmp_path / "unruled.pdf"
    _write_pdf(pdf, UNRULED)
    (page,) = pdf_pdfium.read_pages(pdf, 10)
    (table,) = page.tables
    assert [[c.text for c in row] for row in table.rows] == [
        ["Item", "Budget", "Actual"], ["Salaries", "120.00", "118.50"], ["Office costs", "35.20", "40.00"],
        ["Travel", "8.00", "6.25"], ["Total", "163.20", "164.75"]]
    assert [ln.text for ln in page.lines] == ["Income and expenditure table"]
    _, (raw,) = read_raw(pdf, 10**6)
    assert raw.grid[4][2].text == "164.75" and raw.grid[4][2].source.page == 1


def test_narrative_lines_with_figures_are_not_a_table(tmp_path):
    pdf = tmp_path / "narrative.pdf"
    _write_pdf(pdf, [(40, 250 - 14 * i, text) for i, text in enumerate([
        "Income was 307.82 this year, up 12.5 on last year.",
        "Of it 105.58 went to salaries and 202.24 to projects.",
        "Travel cost 3.10 against a budget of 5.00 in all.",
        "Receptions 0.80 and vehicles 2.30 made up the rest."])])
    (page,) = pdf_pdfium.read_pages(pdf, 10)
    assert page.tables == [] and len(page.lines) == 4


def test_a_ruled_table_drawn_by_pdfium_is_found_like_pdfplumber_finds_it(tmp_path):
    pdf = tmp_path / "ruled.pdf"
    rows = [(40, 230, "Item"), (200, 230, "Amount"), (40, 212, "Salaries"), (200, 212, "120.00")]
    rules = [(35, 245, 300, 245), (35, 227, 300, 227), (35, 209, 300, 209),
             (35, 209, 35, 245), (190, 209, 190, 245), (300, 209, 300, 245)]
    _write_pdf(pdf, rows, rules)
    ours, reference = next(pdf_pdfium.read_pages(pdf, 10)), next(pdfplumber_layout.read_pages(pdf, 10))
    assert [[c.text for c in row] for row in ours.tables[0].rows] == [["Item", "Amount"], ["Salaries", "120.00"]]
    assert [[c.text for c in row] for row in ours.tables[0].rows] == \
           [[c.text for c in row] for row in reference.tables[0].rows]


def _rc4(key, data):
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    i = j = 0
    out = bytearray()
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


def _encrypted_pdf(user_password):
    """A PDF protected with the standard security handler (revision 2, RC4 40-bit) and a user password."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    padded = (user_password + pad)[:32]
    owner = _rc4(hashlib.md5(padded).digest()[:5], padded)
    file_id = b"0123456789abcdef"
    key = hashlib.md5(padded + owner + (-4).to_bytes(4, "little", signed=True) + file_id).digest()[:5]
    user = _rc4(key, pad)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + owner.hex().encode() + b"> /U <" + user.hex().encode()
               + b"> /P -4 >>"]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += (b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<" + file_id.hex().encode() + b"> <"
             + file_id.hex().encode() + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return body


def test_an_encrypted_pdf_is_refused_with_a_clear_message(tmp_path):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(_encrypted_pdf(b"secret"))
    report = check([locked])
    assert [(f.rule, f.file) for f in report.findings] == [("READ-01", str(locked))]
    assert "已加密" in report.findings[0].message
