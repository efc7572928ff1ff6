"""Hostile inputs for the fuzz suite (tests/test_fuzz.py) and the long campaign (benchmarks/fuzz.py):
each generator takes a random.Random and gives (suffix, bytes) of one input file. They start from what a
disclosure looks like (the fixtures, tables of amounts, workbooks, PDF pages) and bend it: odd numbers,
broken structure, flipped bytes. Bounded: every input is at most a few hundred KB.
A plain module (not a test file), so importing it collects no tests."""

import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import yaml
from pdf_builder import one_page_pdf

FIXTURES = Path(__file__).parent / "fixtures"
TEXT_SEEDS = [FIXTURES / "seed000.txt", FIXTURES / "seed004.txt", FIXTURES / "seed002-without-self-evaluations.txt"]
STRUCTURED_SEED = Path(__file__).parent.parent / "examples" / "with-mistakes.yaml"
WORKBOOK_SEED = FIXTURES / "seed002" / "final_accounts.xlsx"
XLS_SEED = FIXTURES / "seed002" / "final_accounts.xls"

# What disclosures are made of, and what breaks readers of numbers and labels
WORDS = ["公开01表", "收入支出决算总表", "一般公共预算财政拨款支出决算表", "项目", "栏次", "合计", "小计", "本年收入合计",
         "行政运行", "基本支出", "项目支出", "单位：万元", "注：", "总分", "得分", "分值", "自评表", "三公", "行次", "金额"]
ODD_NUMBERS = ["1" * 5000, "0." + "1" * 40, "9e999", "-0", "1.2.3", "5,00.00", "(12.00)", "99.98%", "１２３",
               "²", "NaN", "inf", "1e-400", "—", "－", "-", "0x1F", "1_000", "٣", "〇", "12,345,678,901,234.56"]
ODD_TEXT = ["\x00", "\ud800", "\u202e", "\ufeff", "\t" * 300, " " * 5000, "\r", "\x0c", "\ue000", "𠀀", "\u3000",
            "{actual}", "%s", "<script>", "\\", '"', "'", "&", "]]>", "\n" * 50]


def odd_cell(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:
        return f"{rng.uniform(-1e6, 1e7):,.{rng.choice([0, 2, 2, 2, 4])}f}"
    if kind < 0.55:
        return rng.choice(WORDS)
    if kind < 0.75:
        return rng.choice(ODD_NUMBERS)
    if kind < 0.9:
        return rng.choice(ODD_TEXT)
    return "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(rng.randrange(1, 12)))


def mutate_text(rng: random.Random, text: str) -> str:
    """A few edits where tables live: cells replaced, lines doubled or dropped, odd text put in."""
    lines = text.splitlines()
    for _ in range(rng.randrange(1, 8)):
        if not lines:
            lines = [""]
        at = rng.randrange(len(lines))
        edit = rng.random()
        if edit < 0.5:
            cells = lines[at].split("\t")
            cells[rng.randrange(len(cells))] = odd_cell(rng)
            lines[at] = "\t".join(cells)
        elif edit < 0.65:
            lines.insert(at, lines[at])
        elif edit < 0.75:
            del lines[at]
        elif edit < 0.9:
            lines.insert(at, "\t".join(odd_cell(rng) for _ in range(rng.randrange(1, 12))))
        else:
            lines[at] = lines[at][:rng.randrange(len(lines[at]) + 1)] + rng.choice(ODD_TEXT)
    return "\n".join(lines)


def text_dump(rng: random.Random) -> tuple[str, bytes]:
    text = mutate_text(rng, rng.choice(TEXT_SEEDS).read_text(encoding="utf-8"))
    encoding = rng.choice(["utf-8", "utf-8", "utf-8", "gb18030", "utf-16"])
    return ".txt", text.encode(encoding, errors="surrogatepass" if encoding == "utf-8" else "replace")


def _bend(rng: random.Random, node: object, depth: int = 0) -> object:
    """The document with some values replaced by odd ones, of odd types now and then."""
    if isinstance(node, dict):
        return {k: _bend(rng, v, depth + 1) for k, v in node.items()}
    if isinstance(node, list):
        items = [_bend(rng, v, depth + 1) for v in node]
        if items and rng.random() < 0.1:
            items.insert(rng.randrange(len(items)), items[rng.randrange(len(items))])
        return items
    if rng.random() < 0.03:  # mostly odd text, as printed; now and then a value of the wrong type
        return odd_cell(rng) if rng.random() < 0.7 else rng.choice([None, 1e308, -(2 ** 70), True, [], {}, 0.1])
    return node


def structured(rng: random.Random) -> tuple[str, bytes]:
    document = _bend(rng, yaml.safe_load(STRUCTURED_SEED.read_text(encoding="utf-8")))
    if rng.random() < 0.5:
        return ".json", json.dumps(document, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")
    text = yaml.safe_dump(document, allow_unicode=True)
    if rng.random() < 0.2:  # a flipped character in the YAML text itself
        at = rng.randrange(len(text))
        text = text[:at] + rng.choice(":-[]{}&*!|>'\"%@`#\n\t ") + text[at + 1:]
    return ".yaml", text.encode("utf-8", "surrogatepass")


def built_workbook(rng: random.Random) -> tuple[str, bytes]:
    """A workbook openpyxl writes: sheets of titles, headers and amounts, odd cells, formats, hidden parts."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def writable(value: object) -> object:  # what openpyxl refuses to write is no input at all
        if not isinstance(value, str):
            return value
        return ILLEGAL_CHARACTERS_RE.sub("", value).encode("utf-8", "ignore").decode("utf-8")

    book = openpyxl.Workbook()
    for index in range(rng.randrange(1, 4)):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = f"公开0{index + 1}表" if rng.random() < 0.8 else re.sub(r"[\\*?:/\[\]']", "", writable(odd_cell(rng)))[:20] or "表"
        sheet.append([rng.choice(WORDS[:3])])
        sheet.append([rng.choice(WORDS) for _ in range(rng.randrange(1, 8))])
        for _ in range(rng.randrange(0, 30)):
            row = [rng.choice([rng.uniform(-1e5, 1e7), rng.randrange(10 ** 6), odd_cell(rng), None,
                               "=SUM(A1:A3)", rng.choice([1e308, -0.0, 2 ** 63])]) for _ in range(rng.randrange(1, 10))]
            sheet.append([writable(value) for value in row])
        for cell in rng.sample(list(sheet.iter_rows()), k=min(3, sheet.max_row)):
            cell[0].number_format = rng.choice(["#,##0.00", "0%", "0.00\\%", '#,##0.00"元"', "@", "General", ";;;"])
        if rng.random() < 0.3:
            sheet.row_dimensions[rng.randrange(1, 10)].hidden = True
        if rng.random() < 0.3:
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=rng.randrange(2, 6))
        if index and rng.random() < 0.2:  # never the first: a workbook shows at least one sheet
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as saved:  # without the times of saving: one seed, one input
        data = _zipped([(name, saved.read(name)) for name in saved.namelist() if name != "docProps/core.xml"])
    return ".xlsx", _bent_workbook(rng, data) if rng.random() < 0.5 else data


def mutated_workbook(rng: random.Random) -> tuple[str, bytes]:
    return ".xlsx", _bent_workbook(rng, WORKBOOK_SEED.read_bytes())


def _bent_workbook(rng: random.Random, data: bytes) -> bytes:
    """The workbook with bytes of its XML parts changed (zipped again, so that the XML is what breaks),
    or now and then the zip itself."""
    if rng.random() < 0.15:
        return flipped(rng, data)
    with zipfile.ZipFile(io.BytesIO(data)) as old:
        names = old.namelist()
        bent = rng.sample(names, k=min(len(names), rng.randrange(1, 3)))
        parts = [(name, flipped(rng, old.read(name), xml=True) if name in bent else old.read(name)) for name in names]
    left_out = {name for name in bent if rng.random() < 0.2}
    return _zipped([(name, part) for name, part in parts if name not in left_out])


def _zipped(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, part in parts:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0)), part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def mutated_xls(rng: random.Random) -> tuple[str, bytes]:
    return ".xls", flipped(rng, XLS_SEED.read_bytes(), in_place=True)


XML_BITS = [b"<", b">", b"/>", b'"', b"r=\"0\"", b"r=\"XFD1048576\"", b" s=\"999\"", b" t=\"s\"", b"<v>abc</v>",
            b"<v>99999</v>", b"&amp;", b"&#0;", b"min=\"\"", b"hidden=\"1\"", b"<c/>", b"<row/>", b"\x00", b"9" * 400]


def flipped(rng: random.Random, data: bytes, xml: bool = False, in_place: bool = False) -> bytes:
    """A few random edits of the bytes: flips, chunks cut, doubled or inserted, a number made odd.
    `in_place`: only bytes overwritten, so that a format of fixed offsets (a compound file) still opens."""
    out = bytearray(data)
    for _ in range(rng.randrange(1, 6)):
        if not out:
            break
        at = rng.randrange(len(out))
        edit = rng.random()
        if in_place:
            chunk = bytes(rng.randrange(256) for _ in range(rng.choice([1, 1, 2, 4, 8])))
            out[at:at + len(chunk)] = chunk
            continue
        if edit < 0.4:
            out[at] = rng.randrange(256)
        elif edit < 0.55:
            del out[at:at + rng.randrange(1, 64)]
        elif edit < 0.7:
            out[at:at] = out[at:at + rng.randrange(1, 256)]
        elif edit < 0.85:
            out[at:at] = rng.choice(XML_BITS) if xml else rng.choice(PDF_BITS)
        else:
            out[at:at] = rng.choice(ODD_NUMBERS).encode("utf-8", "surrogatepass")
    return bytes(out)


PDF_BITS = [b" 0 obj", b"endobj", b"stream\n", b"endstream", b"/Type /ObjStm", b"/Type /FontDescriptor",
            b"/Ascent 1.2.3", b"/Length 999999999", b"/Filter /FlateDecode", b"99999999 0 R", b"<<", b">>", b"[", b"]",
            b"xref", b"trailer", b"/Encrypt", b"%%EOF", b"\x00" * 8, b"/Rotate 90", b"/MediaBox [0 0 0 0]"]


def pdf_page(rng: random.Random) -> tuple[str, bytes]:
    """A page of a table: ruling lines and figures, as content operators bent before and bytes after."""
    rows, columns = rng.randrange(1, 25), rng.randrange(1, 8)
    step_x, step_y = rng.choice([60, 80, 4, 0.5]), rng.choice([16, 20, 3])
    parts = [b"0.5 w"]
    for r in range(rows + 1):
        parts.append(b"40 %.2f m %.2f %.2f l S" % (800 - r * step_y, 40 + columns * step_x, 800 - r * step_y))
    for c in range(columns + 1):
        parts.append(b"%.2f 800 m %.2f %.2f l S" % (40 + c * step_x, 40 + c * step_x, 800 - rows * step_y))
    for r in range(rows):
        for c in range(columns):
            text = odd_cell(rng).encode("latin-1", errors="replace").replace(b"\\", b"").replace(b"(", b"").replace(b")", b"")
            parts.append(b"BT /F1 %d Tf %.2f %.2f Td (%s) Tj ET" % (rng.choice([8, 10, 1, 100]), 42 + c * step_x,
                                                                   786 - r * step_y, text[:40]))
    content = b"\n".join(parts)
    if rng.random() < 0.5:
        content = flipped(rng, content)
    data = one_page_pdf(content, size=rng.choice([(595, 842), (842, 595), (1, 1), (14400, 14400)]))
    return ".pdf", flipped(rng, data) if rng.random() < 0.5 else data


_PDF_SEEDS: list[bytes] = []


def pdf_seeds() -> list[bytes]:
    """One-page PDFs cut from the seed's text PDFs (a real table, real fonts), made once."""
    if not _PDF_SEEDS:
        import pypdfium2 as pdfium

        for name, pages in (("final_accounts.pdf", [0, 5, 10]), ("final_accounts_ttf.pdf", [0, 3])):
            source = pdfium.PdfDocument(FIXTURES / "seed002" / name)
            for page in pages:
                one = pdfium.PdfDocument.new()
                one.import_pages(source, [page])
                buffer = io.BytesIO()
                one.save(buffer)
                _PDF_SEEDS.append(buffer.getvalue())
                one.close()
            source.close()
    return _PDF_SEEDS


def mutated_pdf(rng: random.Random) -> tuple[str, bytes]:
    return ".pdf", flipped(rng, rng.choice(pdf_seeds()))


GENERATORS: dict[str, list[Callable[[random.Random], tuple[str, bytes]]]] = {
    "text": [text_dump],
    "structured": [structured],
    "xlsx": [built_workbook, mutated_workbook],
    "xls": [mutated_xls],
    "pdf": [pdf_page, mutated_pdf],
}


class Verdict(NamedTuple):
    internal_errors: list[str]  # READ-01 saying 内部错误: budgetlint failed on the file, its other findings lost
    refused: bool  # READ-01: damaged, or past a limit, as it should be


def judge(path: Path) -> Verdict:
    """Check one input and render its report in every format, as the command line writes them (UTF-8):
    an exception out of here is a traceback a user would see."""
    from validator import check
    from validator.reporters import REPORTERS

    report = check([path], keep_documents=True)
    for render in REPORTERS.values():
        render(report, True).encode("utf-8")
    return Verdict([f.error or "" for f in report.files if f.internal_error], any(f.error for f in report.files))
