"""Hostile workbooks and PDFs (issue 16, the reproducers of ../shared/fuzz/ R10–R18 and R27): each is read
as it really is or refused with a READ-01 finding that says why, never a traceback, an internal error,
a table dropped in silence, minutes of work or gigabytes of memory. The small reproducers are copied
into tests/fixtures/fuzz/; the big ones are made here."""

import re
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from pdf_builder import one_page_pdf, text_lines

from validator import check
from validator.catalogue import builtin_catalogue
from validator.readers import excel, pdf_pdfium, read_document
from validator.readers.structured import dump

FUZZ = Path(__file__).parent / "fixtures" / "fuzz"
WORKBOOK = Path(__file__).parent / "fixtures" / "seed002" / "final_accounts.xlsx"


def refusal(path, **settings):
    """The one READ-01 finding of a file budgetlint refuses, not counted as its own failure."""
    report = check([path], **settings)
    assert report.internal_errors() == 0, report.files[0].error
    assert [f.rule for f in report.findings] == ["READ-01"], [f.message for f in report.findings]
    return report.findings[0].message


def rewritten(source, target, parts):
    """A copy of the workbook with some parts replaced (bytes) or left out (None), others added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename not in parts:
                new.writestr(info, old.read(info))
        for name, data in parts.items():
            if data is not None:
                new.writestr(name, data)
    return target


def workbook_part(name):
    with zipfile.ZipFile(WORKBOOK) as archive:
        return archive.read(name)


# --- workbooks ---------------------------------------------------------------------------------------

def test_a_stale_dimension_does_not_cut_a_sheet_short():
    """R10: sheet1 declares A1:C20 but holds 公开01表's 62 rows × 6 columns: every cell is read."""
    catalogue = builtin_catalogue()
    stale = FUZZ / "R10_xlsx_stale_dimension.xlsx"
    read = dump(read_document(stale, catalogue), "yaml").replace(str(stale), str(WORKBOOK))
    assert read == dump(read_document(WORKBOOK, catalogue), "yaml")


@pytest.mark.parametrize("reproducer", ["R13_xlsx_missing_sheet_part_silent.xlsx",
                                        "R13b_xlsx_rels_traversal_sheet_dropped.xlsx"])
def test_a_sheet_whose_part_is_missing_or_outside_the_file_is_named(reproducer):
    """R13/R13b: 公开01表's part is gone, or its relationship points at ../../../etc/passwd."""
    message = refusal(FUZZ / reproducer)
    assert "工作表“公开01表”的内容" in message and "不在文件中" in message


def test_sheets_sharing_one_part_are_refused_before_it_is_read_again_and_again(tmp_path):
    """R11: 60 sheet entries pointing at one part (read 60 times, 3.8 GB, killed after 300 s)."""
    workbook = workbook_part("xl/workbook.xml").decode()
    relations = workbook_part("xl/_rels/workbook.xml.rels").decode()
    sheets = "".join(f'<sheet name="a{i}" sheetId="{100 + i}" r:id="rX{i}"/>' for i in range(60))
    links = "".join(f'<Relationship Id="rX{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    f'relationships/worksheet" Target="worksheets/sheet1.xml"/>' for i in range(60))
    aliased = rewritten(WORKBOOK, tmp_path / "aliased.xlsx", {
        "xl/workbook.xml": workbook.replace("</sheets>", sheets + "</sheets>").encode(),
        "xl/_rels/workbook.xml.rels": relations.replace("</Relationships>", links + "</Relationships>").encode()})
    assert "与“公开01表”指向同一内容“xl/worksheets/sheet1.xml”" in refusal(aliased)


def test_a_workbook_unpacking_past_four_times_the_size_limit_is_refused(tmp_path):
    """R12: a 1.25 MB file whose sheet unpacks to 1.2 GB of blanks passed the old 20× check (2.4 GB)."""
    sheet = workbook_part("xl/worksheets/sheet1.xml").replace(b"<sheetData>", b"<sheetData>" + b" " * 1_000_000)
    padded = rewritten(WORKBOOK, tmp_path / "padded.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert padded.stat().st_size < 100_000
    assert "上限 800,000 字节），疑似压缩炸弹" in refusal(padded, max_bytes=200_000)


def test_the_cells_of_a_workbook_are_counted_as_read_with_the_grid_they_make(tmp_path, monkeypatch):
    """One cell in column IV makes its row 256 cells wide: the grid, not the XML, is what memory holds."""
    monkeypatch.setattr(excel, "MAX_CELLS", 256 * 100)
    rows = "".join(f'<row r="{r}"><c r="IV{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(1, 102))
    sheet = re.sub(rb"<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>".encode(),
                   workbook_part("xl/worksheets/sheet1.xml"), flags=re.S)
    wide = rewritten(WORKBOOK, tmp_path / "wide.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    assert "单元格超过 25,600 个的上限（读到工作表“公开01表”时）" in refusal(wide)


def test_xml_tags_are_counted_in_a_sheet_and_in_a_row(tmp_path):
    """openpyxl keeps the elements it does not know, and parses a row's cells at once."""
    original = workbook_part("xl/worksheets/sheet1.xml")
    junk = original.replace(b"</sheetData>", b"</sheetData>" + b"<a/>" * (excel.MAX_TAGS + 1))
    assert "超过 1,000,000 个 XML 标记的上限" in refusal(rewritten(WORKBOOK, tmp_path / "junk.xlsx",
                                                               {"xl/worksheets/sheet1.xml": junk}))
    long_row = original.replace(b"<sheetData>", b'<sheetData><row r="1">' + b"<c/>" * (excel.MAX_ROW_TAGS + 1)
                                + b"</row>", 1)
    assert "第 1 个行元素有超过 4,096 个 XML 标记" in refusal(rewritten(WORKBOOK, tmp_path / "row.xlsx",
                                                                  {"xl/worksheets/sheet1.xml": long_row}))


@pytest.mark.parametrize(("reproducer", "said"), [
    ("R27_row_r_garbage.xlsx", "工作表“公开01表”的行号“abc”不是有效的数字"),
    ("R27_col_no_min.xlsx", "工作表“公开01表”的隐藏列的范围“”不是有效的数字"),
    ("R27_sst_index_oob.xlsx", "工作表“公开01表”的数据已损坏，无法读取（IndexError"),
    ("R27_no_styles.xlsx", "工作表“公开01表”的数据已损坏，无法读取（IndexError"),
    # input xls:450 of the campaign (seed 7): a formula record holding a token xlrd cannot decode
    ("F01_xls_bad_formula_token.xls", "不是有效的 xls 工作簿：ERROR *** Unexpected token"),
    # input xlsx:597 of the campaign (seed 8): a part name flagged as UTF-8 that is not
    ("F02_xlsx_part_name_not_utf8.xlsx", "不是有效的 xlsx 工作簿（文件损坏，或已加密）"),
    # inputs xlsx:87 and xlsx:480 (seed 9): an XML part declaring the encoding "UTFP8"; a sheet whose
    # formula text is not UTF-8
    ("F03_xlsx_unknown_xml_encoding.xlsx", "工作簿的数据已损坏，无法读取（LookupError: unknown encoding"),
    ("F04_xlsx_formula_not_utf8.xlsx", "工作表“公开01表”的数据已损坏，无法读取（ParseError"),
])
def test_a_damaged_sheet_is_a_damaged_file_not_an_internal_error(reproducer, said):
    assert said in refusal(FUZZ / reproducer)


def test_a_part_that_fails_its_checksum_is_a_damaged_file(tmp_path):
    data = bytearray(WORKBOOK.read_bytes())
    with zipfile.ZipFile(WORKBOOK) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    body = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[body + 100] ^= 0xFF
    broken = tmp_path / "checksum.xlsx"
    broken.write_bytes(bytes(data))
    assert "的数据已损坏，无法读取（error: Error -3 while decompressing data" in refusal(broken)


@pytest.mark.parametrize(("field", "value", "said"), [
    (10, b"\x63\x00", "NotImplementedError: That compression method is not supported"),  # method 99 (AES)
    (8, b"\x01\x00", "RuntimeError: File 'xl/worksheets/sheet3.xml' is encrypted"),  # flag bit 0
])
def test_a_part_zipfile_cannot_unpack_is_a_damaged_file(tmp_path, field, value, said):
    """The central directory entry of one sheet says so (field: its offset in the entry)."""
    data = bytearray(WORKBOOK.read_bytes())
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46:entry + 46 + 24] != b"xl/worksheets/sheet3.xml":
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + field:entry + field + 2] = value
    odd = tmp_path / "odd.xlsx"
    odd.write_bytes(bytes(data))
    assert said in refusal(odd)


# --- PDFs --------------------------------------------------------------------------------------------

def test_a_garbled_text_layer_is_reported_not_passed_clean(monkeypatch):
    """R14: a font's Unicode map byte-flipped: 11 pages of control characters, 0 findings before."""
    monkeypatch.setenv("BUDGETLINT_OCR", "1")  # not OCR'd either: drawn, the broken font is garbage too
    report = check([FUZZ / "R14_pdf_garbled_tounicode_silent_pass.pdf"])
    (finding,) = report.findings
    assert finding.rule == "D-04"
    assert finding.message.startswith("第1–3、5–10、12、13页的文字层是乱码（控制字符、私用区字形")


def test_a_made_up_page_of_control_characters_is_garbled_and_a_few_symbols_are_not(tmp_path):
    garbled = tmp_path / "garbled.pdf"
    garbled.write_bytes(one_page_pdf(text_lines([bytes(range(1, 31)), b"2023 abc"])))
    assert [f.rule for f in check([garbled]).findings] == ["D-04"]
    fine = tmp_path / "fine.pdf"
    fine.write_bytes(one_page_pdf(text_lines([b"\x01\x02 2023 abc def ghi jkl mno pqr stu vwx yz"])))
    assert check([fine]).findings == []


def test_a_font_descriptor_with_a_malformed_number_is_read():
    """R15: /Ascent 1.2.3 was ValueError (internal error)."""
    report = check([FUZZ / "R15_pdf_fontdescriptor_bad_float.pdf"])
    assert report.internal_errors() == 0 and all(f.rule != "READ-01" for f in report.findings)
    assert pdf_pdfium.fonts_without_metrics(b"<< /Type /FontDescriptor /FontName /F /Ascent 1.2.3 >>") == frozenset()
    assert pdf_pdfium.fonts_without_metrics(b"<< /Type /FontDescriptor /FontName /F /Ascent 0 >>") == {"F"}


def test_font_descriptors_packed_in_an_object_stream_are_scanned_in_linear_time():
    """R17: 762,600 descriptors in one 16 MB object stream, each sliced out with the whole stream."""
    data = (FUZZ / "R17_pdf_objstm_fontdescriptor_quadratic.pdf").read_bytes()
    start = time.perf_counter()
    pdf_pdfium.fonts_without_metrics(data)
    assert time.perf_counter() - start < 10  # 0.9 s; before: killed after 120 s
    assert check([FUZZ / "R17_pdf_objstm_fontdescriptor_quadratic.pdf"]).internal_errors() == 0


@pytest.mark.parametrize(("reproducer", "said"), [
    ("R16_pdf_ruling_grid_1000.pdf", "第1页表格线的交点超过 20,000 个的上限"),
    ("R16b_pdf_ruling_grid_3000_memory.pdf", "第1页表格线过多（横线 3,000 条、竖线 3,000 条，每个方向上限 2,000 条）"),
])
def test_a_page_ruled_into_a_million_cells_is_refused(reproducer, said):
    """R16/R16b: 1,000 and 3,000 ruling lines each way (34 s and 939 MB; MemoryError at 3.8 GB)."""
    assert said in refusal(FUZZ / reproducer)


@pytest.mark.parametrize(("content", "said"), [
    (b"".join(b"BT /F1 1 Tf %d %d Td (x) Tj ET\n" % (i % 500, i // 500) for i in range(50_001)),
     "第1页的对象超过 50,000 个的上限"),
    (text_lines([b"1234567890" * 600] * 10, size=1), "第1页有 60,018 个字符，超过每页 50,000 个的上限"),
    (b"0 0 m " + b"1 0 l 1 1 l " * 50_001 + b"S", "第1页的线段超过 100,000 条的上限"),
], ids=["objects", "characters", "segments"])
def test_page_limits_count_what_the_page_holds(tmp_path, content, said):
    """R18: 300,000 text objects on a 1.3 MB page took 47 s and 811 MB."""
    path = tmp_path / "page.pdf"
    path.write_bytes(one_page_pdf(content))
    assert said in refusal(path)


# --- bounded memory, measured in a process of its own ------------------------------------------------

# The peak is the process's own VmHWM: its ru_maxrss would start from the peak of the process that forked
# it (pytest's, by this point of a whole run), which exec does not reset.
MEASURE = """
import sys
from validator import check
report = check([sys.argv[1]])
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(report.internal_errors(), peak // 1024)
"""


@pytest.mark.parametrize("reproducer", ["R16b_pdf_ruling_grid_3000_memory.pdf",
                                        "R17_pdf_objstm_fontdescriptor_quadratic.pdf"])
def test_reproducers_stay_under_a_few_hundred_megabytes(reproducer):
    """Before: R16b MemoryError at the 4 GB cap; here the process may not pass 300 MB of memory."""
    done = subprocess.run([sys.executable, "-c", MEASURE, str(FUZZ / reproducer)], capture_output=True, text=True,
                          timeout=120, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30)))
    internal, megabytes = map(int, done.stdout.split())
    assert internal == 0 and megabytes < 300, done.stderr


@pytest.mark.parametrize("data", [
    b"1 0 obj << /Type /ObjStm /First 4 /Filter /FlateDecode >> stream\n" * 50_000,  # no endstream anywhere
    b"/Type /ObjStm " * 100_000,
    b"/Type /FontDescriptor /Ascent 1.2.3 " * 300_000,
], ids=["streams-without-end", "stream-words", "descriptors"])
def test_the_font_scan_is_linear_in_the_file(data):
    """Every search for an object's end once looked from the match to the end of the file (or unpacked it)."""
    start = time.perf_counter()
    pdf_pdfium.fonts_without_metrics(data)
    assert time.perf_counter() - start < 10  # about a second; before: minutes, or ValueError on 1.2.3
