"""Budgets compared with each other wait on disk, not in memory (validator.kept_documents): a document
reads back from its JSON equal field by field; a checker hands over a budget as that JSON and a sketch,
no Document; a run holds none of them until its end, and at the end loads one unit's paired documents
at a time."""

import gc
import pickle
import pickletools
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import FIXTURES, run
from test_cross_documents import B9_GRID, _budget, _write

from validator import api, document_json
from validator.checking import CheckOptions, FileChecker, comparable, configured_catalogue, configured_rules
from validator.cross_documents import CrossDocumentChecker
from validator.document_identity import identify, matching_name
from validator.kept_documents import KeptDocuments
from validator.model import Cell, Column, Document, Note, Row, Source, Table, TextLine
from validator.numbers import BLANK, Amount, Garbled
from validator.readers import read_document
from validator.reporters import REPORTERS
from validator.spool import RecordSpool

READ_BACK = ["real/putuo-commerce-2025-unit-budget.pdf", "real/shanghai-putuo-social-work-dept-2024.pdf",
             "budgets/putuo-2026-dept-budget-template.xlsx", "seed002/final_accounts.xlsx", "seed002.txt",
             "hidden_rows_columns_sheets.xls"]


@pytest.mark.parametrize("name", READ_BACK)
def test_a_read_document_reads_back_from_its_json_equal(name):
    document = read_document(FIXTURES / name, configured_catalogue(CheckOptions()), 10**8)
    assert document_json.loads(document_json.dumps(document), document.path) == document


def test_every_field_of_a_document_reads_back_as_it_was():
    placed = Source(line=3, column=2, page=7, bbox=(1.5, 2.25, 3.0, 4.125), sheet="表1", cell="C9",
                    hidden=("row", "column"), confidence=0.625)
    cells = {2: Cell("1,234.50", Amount(Decimal("1234.50"), 2), placed, 2),
             3: Cell("12.5%", Amount(Decimal("12.5"), 1, percent=True), Source(page=1), 1),
             4: Cell("1E+2", Amount(Decimal("1E+2"), 0), Source()), 5: Cell("—", BLANK, Source(line=1)),
             6: Cell("5,00.00", Garbled("5,00.00", "千分位错位"), Source()), 7: Cell("达标", None, Source(), 0)}
    table = Table("B1", "收支预算总表", "公开01表", [Column(0, ("项目",), None, "label"), Column(2, ("收入", "预算数"), 1)],
                  [Row("一、财政拨款收入", "财政拨款收入", "一、", 1, "201", 1, 0, placed, cells, "资金")],
                  Source(page=2), [Note("注：", Source(page=2))], {"金额单位": "元"}, [Note("缺一栏", placed)])
    document = Document("a.pdf", "pdf", [table, Table(None, "附表", None, [], [], Source())],
                        [TextLine("封面", Source(page=1))], [Note("第3页为扫描图像", Source(page=3))], "部门预算", [4, 9])
    back = document_json.loads(document_json.dumps(document), "a.pdf")
    assert back == document
    assert str(back.tables[0].rows[0].cells[4].amount.value) == "1E+2" and back.tables[0].rows[0].cells[5].parsed is BLANK
    assert list(back.tables[0].rows[0].cells) == [2, 3, 4, 5, 6, 7]


def test_a_record_spool_gives_back_each_text_by_its_place_in_any_order():
    spool = RecordSpool()
    places = [spool.append(text) for text in ["甲", "", "b" * 5000, "“乙”\n"]]
    assert [spool.read(place) for place in reversed(places)] == ["“乙”\n", "b" * 5000, "", "甲"]
    spool.close()


def test_a_checker_hands_over_a_budget_as_json_and_a_sketch_without_its_document():
    options = CheckOptions(compare_documents=True)
    path = FIXTURES / "real/putuo-commerce-2025-unit-budget.pdf"
    outcome = FileChecker(options, configured_rules(options)).check(path)
    assert outcome.document is None and comparable(outcome.result)
    sent = {arg for _, arg, _ in pickletools.genops(pickle.dumps(outcome)) if isinstance(arg, str)}
    assert "KeptDocument" in sent and "Document" not in sent  # what a worker sends back builds no Document
    document = read_document(path, configured_catalogue(options), 10**8)
    assert outcome.kept.sketch.identity == identify(document)
    # what the comparison reads: the pages the reader could not read are left behind
    compared = Document(document.path, document.format, document.tables, document.text, kind=document.kind)
    assert document_json.loads(outcome.kept.document, str(path)) == compared
    sketch = outcome.kept.sketch
    assert (sketch.kind, sketch.has_text, sketch.standard_tables, sketch.narrative) == ("单位预算", True, True, True)


def _units(root: Path) -> Path:
    """Three units' budgets of two years, a narrative and its tables in two files for two more, interleaved,
    with an unreadable file, a 决算 and three budgets of one unit and year that pair with nothing."""
    root.mkdir()
    _budget(root / "01-甲局2024部门.yaml", "部门", 2024, "上海市普陀区甲局", "9,000,000.00")
    _budget(root / "02-乙局2025部门.yaml", "部门", 2025, "上海市普陀区乙局", "1,000.00",
            ["本部门预算包括乙局本部以及下属0家预算单位的综合收支计划。"])
    _narrative(root / "03-甲厅2018说明.yaml", "甲厅", 2018)
    (root / "04-损坏.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    _budget(root / "05-甲局2025部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00",
            ["财政拨款收入1107.62万元，比2024年预算增加107.62万元。"])
    _budget(root / "06-乙局2025单位.yaml", "单位", 2025, "上海市普陀区乙局", "800.00")
    _tables(root / "07-甲厅2018报表.yaml", "甲厅", 2018)
    _budget(root / "08-甲局2025单位.yaml", "单位", 2025, "上海市普陀区甲局", "1,200.00")
    _budget(root / "09-乙局2024部门.yaml", "部门", 2024, "上海市普陀区乙局", "900.00")
    shutil.copy(FIXTURES / "seed001.txt", root / "10-seed001.txt")
    for copy in "abc":
        _budget(root / f"11-丙局2025单位-{copy}.yaml", "单位", 2025, "上海市普陀区丙局", "500.00")
    _narrative(root / "12-丁厅2018说明.yaml", "丁厅", 2018)
    _narrative(root / "13-甲厅2019说明.yaml", "甲厅", 2019)
    _tables(root / "14-丁厅2018报表.yaml", "丁厅", 2018)
    _tables(root / "15-甲厅2019报表.yaml", "甲厅", 2019)
    return root


def _narrative(path: Path, unit: str, year: int) -> None:
    _write(path, [f"江苏省{unit}{year}年度部门预算公开", "目录",
                  "因公出国（境）费支出222.5万元，占“三公”经费的8.75%。" + "说明。" * 200], [])


def _tables(path: Path, unit: str, year: int) -> None:
    _write(path, [], [{"title": f"{year}年“三公”经费、会议费、培训费支出预算表",
                       "meta": {"单位": f"江苏省{unit}", "金额单位": "万元"}, "grid": B9_GRID}])


# What was compared before the budgets waited on disk (main 1a3a4c2), in its order: the narratives joined
# to their tables in the order their unit and year first came, then each unit's pairs in that order
COMPARED = [("说明与报表", "03-甲厅2018说明.yaml", "07-甲厅2018报表.yaml"),
            ("说明与报表", "12-丁厅2018说明.yaml", "14-丁厅2018报表.yaml"),
            ("说明与报表", "13-甲厅2019说明.yaml", "15-甲厅2019报表.yaml"),
            ("部门与单位", "05-甲局2025部门.yaml", "08-甲局2025单位.yaml"),
            ("上下年", "01-甲局2024部门.yaml", "05-甲局2025部门.yaml"),
            ("部门与单位", "02-乙局2025部门.yaml", "06-乙局2025单位.yaml"),
            ("上下年", "09-乙局2024部门.yaml", "02-乙局2025部门.yaml"),
            ("上下年", "03-甲厅2018说明.yaml", "13-甲厅2019说明.yaml")]
BETWEEN = [("NB-01", "03-甲厅2018说明.yaml"), ("XD-11", "05-甲局2025部门.yaml")] + [("XD-01", "06-乙局2025单位.yaml")] * 4 + \
          [("XD-01", "08-甲局2025单位.yaml")] * 4 + [("NB-01", "12-丁厅2018说明.yaml"), ("NB-01", "13-甲厅2019说明.yaml")]


@pytest.fixture(scope="module")
def units(tmp_path_factory):
    return _units(tmp_path_factory.mktemp("units") / "budgets")


@pytest.fixture(scope="module")
def whole(units):
    return api.check([units])


def test_several_units_and_years_are_compared_in_the_order_and_with_the_findings_of_before(units, whole):
    assert [(c["relation"], *(Path(f).name for f in c["files"])) for c in whole.compared] == COMPARED
    assert [(f.rule, Path(f.file).name) for f in whole.findings if f.rule.startswith(("XD", "NB"))] == BETWEEN
    assert [f.rule for f in whole.findings if f.file.endswith("04-损坏.xlsx")] == ["READ-01"]


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("output_format", ["json", "sarif", "text"])
def test_the_budgets_read_back_from_disk_give_the_report_of_the_documents_kept_in_memory(units, whole, jobs,
                                                                                           output_format):
    result = run("check", units, "--format", output_format, "--jobs", jobs)
    assert result.stdout_bytes.decode() == REPORTERS[output_format](whole)
    documents = [read_document(path, configured_catalogue(CheckOptions()), 10**8)
                 for path in sorted(units.iterdir()) if not path.name.startswith("04-")]
    compared, findings, skips = CrossDocumentChecker(configured_rules(CheckOptions()),
                                                     configured_catalogue(CheckOptions())).check(documents)
    assert [c.to_dict() for c in compared] == whole.compared
    assert all(f in whole.findings for f in findings) and all(s in whole.skipped for s in skips)


def _live_documents(folder: Path) -> set[str]:
    """The names of the files under `folder` whose Document is alive in this process."""
    gc.collect()
    return {Path(o.path).name for o in gc.get_objects() if isinstance(o, Document) and o.path.startswith(str(folder))}


def test_a_run_holds_no_budget_s_document_while_files_are_checked_nor_when_it_compares_them(units, monkeypatch):
    seen = []
    check, compare = FileChecker.check, CrossDocumentChecker.check_kept

    def checking(self, path):
        seen.append(_live_documents(units))
        return check(self, path)

    def comparing(self, *args):
        seen.append(_live_documents(units))
        return compare(self, *args)

    monkeypatch.setattr(FileChecker, "check", checking)
    monkeypatch.setattr(CrossDocumentChecker, "check_kept", comparing)
    api.check([units])
    assert seen == [set()] * (len(list(units.iterdir())) + 1)


def test_the_comparison_loads_one_unit_s_paired_documents_at_a_time(units):
    options = CheckOptions(compare_documents=True)
    budgets, catalogue = KeptDocuments(), configured_catalogue(options)
    for path in sorted(units.iterdir()):
        outcome = FileChecker(options, configured_rules(options)).check(path)
        if outcome.kept:
            budgets.append(outcome.kept)
    loaded: list[tuple[str, set[str]]] = []

    def load(number):
        sketch = budgets.sketches[number]
        loaded.append((matching_name(sketch.identity.unit), _live_documents(units)))
        return budgets.load(number)

    checker = CrossDocumentChecker(configured_rules(options), catalogue)
    compared, _, _ = checker.check_kept(budgets.sketches, load)
    budgets.close()
    assert [c.relation for c in compared] == [relation for relation, *_ in COMPARED]
    names = {"上海市普陀区甲局": "甲局", "上海市普陀区乙局": "乙局", "江苏省甲厅": "甲厅", "江苏省丁厅": "丁厅"}
    order = [(names[unit], sorted(alive)) for unit, alive in loaded]
    # each unit's documents are loaded together, and none of another unit's is alive meanwhile;
    # the three budgets of 丙局 pair with nothing and are never loaded
    assert order == [("甲厅", []), ("甲厅", ["03-甲厅2018说明.yaml"]),
                     ("甲厅", ["03-甲厅2018说明.yaml", "07-甲厅2018报表.yaml"]),
                     ("甲厅", ["03-甲厅2018说明.yaml", "07-甲厅2018报表.yaml", "13-甲厅2019说明.yaml"]),
                     ("丁厅", []), ("丁厅", ["12-丁厅2018说明.yaml"]),
                     ("甲局", []), ("甲局", ["01-甲局2024部门.yaml"]),
                     ("甲局", ["01-甲局2024部门.yaml", "05-甲局2025部门.yaml"]),
                     ("乙局", []), ("乙局", ["02-乙局2025部门.yaml"]),
                     ("乙局", ["02-乙局2025部门.yaml", "06-乙局2025单位.yaml"])]
