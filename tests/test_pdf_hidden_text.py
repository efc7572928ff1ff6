"""Text a PDF holds but no viewer shows is not part of the page: characters placed outside the
visible page or outside the area they are clipped to (an Excel export's text spilled past its print
area), and text drawn in an invisible render mode, except over a scanned image, where an invisible
text layer is the scan's recognised text."""

from pathlib import Path

from validator.readers import pdf_pdfium


def _pdf(path: Path, content: str) -> Path:
    """A one-page 612×792 PDF drawing `content` with Helvetica as /F1."""
    stream = content.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(data)
    return path


def _text(x: int, y: int, words: str, mode: int = 0) -> str:
    return f"BT {mode} Tr /F1 12 Tf {x} {y} Td ({words}) Tj ET\n"


def _lines(path: Path) -> list[str]:
    (page,) = pdf_pdfium.read_pages(path, 10)
    return [line.text for line in page.lines]


def test_text_placed_outside_the_page_is_not_read(tmp_path):
    pdf = _pdf(tmp_path / "a.pdf", _text(72, 700, "Shown") + _text(72, 900, "Above") + _text(700, 600, "Right"))
    assert _lines(pdf) == ["Shown"]


def test_text_outside_the_area_it_is_clipped_to_is_not_read(tmp_path):
    clipped = "q 50 500 300 100 re W n " + _text(72, 550, "Inside") + _text(72, 400, "Below") + "Q\n"
    pdf = _pdf(tmp_path / "a.pdf", clipped + _text(72, 300, "Unclipped"))
    assert _lines(pdf) == ["Inside", "Unclipped"]


def test_invisible_text_is_not_read(tmp_path):
    pdf = _pdf(tmp_path / "a.pdf", _text(72, 700, "Shown") + _text(72, 650, "Hidden", mode=3))
    assert _lines(pdf) == ["Shown"]


def test_an_invisible_text_layer_over_a_scan_is_its_text(tmp_path):
    scan = "q 612 0 0 792 0 0 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q\n"
    pdf = _pdf(tmp_path / "a.pdf", scan + _text(72, 650, "Recognised", mode=3))
    assert _lines(pdf) == ["Recognised"]


def test_a_ruled_grid_whose_text_is_all_hidden_is_no_table(tmp_path):
    grid = "100 300 m 300 300 l 100 340 m 300 340 l 100 380 m 300 380 l 100 300 m 100 380 l " \
           "200 300 m 200 380 l 300 300 m 300 380 l S\n"
    hidden = "q 0 0 612 100 re W n " + _text(110, 350, "Gone") + _text(210, 310, "12") + "Q\n"
    pdf = _pdf(tmp_path / "a.pdf", _text(72, 700, "Shown") + grid + hidden)
    (page,) = pdf_pdfium.read_pages(pdf, 10)
    assert page.tables == [] and [line.text for line in page.lines] == ["Shown"]


def test_the_lines_a_real_budget_clips_out_of_view_are_not_read():
    """Page 3 of a real 单位预算 shows the 主要职能 up to item 9; items 10–13 are in the file but not drawn."""
    pdf = Path(__file__).parent / "fixtures" / "real" / "putuo-commerce-2025-unit-budget.pdf"
    page = list(pdf_pdfium.read_pages(pdf, 50))[2]
    texts = [line.text for line in page.lines]
    assert any(text.startswith("9、组织协调本区商品交易市场规划") for text in texts)
    assert not any(text.startswith(("10、", "11、", "12、", "13、")) for text in texts)
