"""Reports of a batch are written as the files are checked (validator.streaming): each format's output
equals the report rendered whole, byte for byte — with findings between two files, with workers, with a
baseline —; outcomes are passed on in input order whichever finishes first, and none is kept; Ctrl-C
leaves a valid partial report and exit code 130."""

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET

import pytest
from helpers import CONSISTENT, FIXTURES, interrupt_at, run
from test_cross_documents import _budget

import validator.checking as checking
from validator import api, baseline
from validator.checking import FileOutcome
from validator.findings import FileResult
from validator.reporters import REPORTERS, WRITERS, json_text
from validator.reporters.parts import RunEnd
from validator.streaming import OutcomeStream

STREAMED = sorted(WRITERS)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A disclosure with findings, a consistent one, an unreadable file and a short one, in that order."""
    root = tmp_path_factory.mktemp("batch")
    shutil.copy(FIXTURES / "seed001.txt", root / "a-seed001.txt")
    shutil.copy(CONSISTENT, root / "b-consistent.txt")
    (root / "c-binary.txt").write_bytes(b"\xff\xfe\x80\xff")
    shutil.copy(FIXTURES / "seed004.txt", root / "d-seed004.txt")
    return root


@pytest.fixture(scope="module")
def budgets(tmp_path_factory):
    """Budgets compared with each other (a unit's above its department's: XD-01 in the unit's file),
    among files that are not: findings between two files follow the unit's own."""
    root = tmp_path_factory.mktemp("budgets")
    shutil.copy(FIXTURES / "seed001.txt", root / "a-seed001.txt")
    _budget(root / "b-部门.yaml", "部门", 2025, "上海市普陀区甲局", "1,000.00")
    shutil.copy(FIXTURES / "seed004.txt", root / "c-seed004.txt")
    _budget(root / "d-单位.yaml", "单位", 2025, "上海市普陀区甲局", "1,200.00")
    shutil.copy(FIXTURES / "seed001.txt", root / "e-seed001-again.txt")
    return root


@pytest.fixture(scope="module")
def whole(folder, budgets):
    """The Python API's report of each folder, rendered whole."""
    return {folder: api.check([folder]), budgets: api.check([budgets])}


@pytest.mark.parametrize("output_format", STREAMED)
def test_each_streamed_format_writes_what_the_whole_report_renders(folder, whole, output_format, tmp_path):
    output = tmp_path / "report"
    result = run("check", folder, "--format", output_format, "--jobs", "1", "-o", output)
    assert result.exit_code == 1, result.output
    assert output.read_bytes().decode("utf-8") == REPORTERS[output_format](whole[folder])


@pytest.mark.parametrize("output_format", STREAMED)
def test_findings_between_two_files_are_written_after_that_file_s_own_as_in_the_whole_report(
        budgets, whole, output_format):
    report = whole[budgets]
    assert [f.rule for f in report.findings if f.file.endswith("d-单位.yaml")][-1] == "XD-01"
    result = run("check", budgets, "--format", output_format, "--jobs", "1")
    assert result.stdout_bytes.decode() == REPORTERS[output_format](report)


@pytest.mark.parametrize("output_format", ["json", "text"])
def test_verbose_statistics_and_two_workers_change_nothing_but_what_they_add(budgets, whole, output_format):
    report = whole[budgets]
    report.with_statistics = True
    try:
        result = run("check", budgets, "--format", output_format, "--jobs", "2", "--verbose", "--statistics")
        assert result.stdout_bytes.decode() == REPORTERS[output_format](report, True)
    finally:
        report.with_statistics = False


def test_a_baseline_is_applied_and_written_file_by_file_as_on_the_whole_report(folder, whole, tmp_path):
    recorded = tmp_path / "baseline.json"
    run("check", folder, "--write-baseline", recorded, "--format", "json-lines")
    expected = tmp_path / "expected.json"
    baseline.write(whole[folder], expected)
    assert recorded.read_bytes() == expected.read_bytes()
    # one new finding: the baseline leaves out the others, file by file
    entries = json.loads(recorded.read_text(encoding="utf-8"))
    entries["findings"] = entries["findings"][1:]
    recorded.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = run("check", folder, "--baseline", recorded, "--format", "csv")
    report = api.check([folder])
    baseline.apply(report, recorded)
    assert result.exit_code == 1 and report.baselined == len(entries["findings"]) and len(report.findings) == 1
    assert result.stdout_bytes.decode() == REPORTERS["csv"](report)
    assert f"{folder / 'b-consistent.txt'},,,,未发现问题（基线中已有的问题不列出）" in result.stdout


def _outcome(index):
    return FileOutcome(FileResult(f"{index}.txt", "text"), [], [])


def test_outcomes_finished_ahead_of_their_turn_wait_and_are_passed_on_in_input_order():
    delivered = []
    done = OutcomeStream(lambda outcome: delivered.append(outcome.result.path))
    done[2] = _outcome(2)
    done[1] = _outcome(1)
    assert delivered == [] and len(done) == 2 and 2 in done and 0 not in done and done.held() == 2
    done[0] = _outcome(0)
    assert delivered == ["0.txt", "1.txt", "2.txt"] and done.held() == 0 and len(done) == 3 and 0 in done
    done[4] = _outcome(4)
    done.flush()  # a stopped run: what finished ahead of file 3, never checked
    assert delivered[-1] == "4.txt" and done.held() == 0
    assert len(done) == 4 and 4 in done and 3 not in done  # counted as checked, file 3 as not checked
    with pytest.raises(ValueError):
        done[1] = _outcome(1)


class _Recording:
    """A Writer noting when each part arrives, among the files being checked."""

    def __init__(self, events):
        self.events = events

    def add(self, part):
        self.events.append(("written", part.result.path))

    def finish(self, end: RunEnd):
        self.events.append(("finished", end.tally.files))


def test_each_file_is_written_before_the_next_is_checked_and_no_outcome_is_kept(folder, monkeypatch):
    events = []
    real = checking.FileChecker.check

    def noted(self, path):
        events.append(("checked", str(path)))
        return real(self, path)

    monkeypatch.setattr(checking.FileChecker, "check", noted)
    runs = []
    real_run = api.Run

    def kept_run(*args, **kwargs):
        runs.append(real_run(*args, **kwargs))
        return runs[-1]

    monkeypatch.setattr(api, "Run", kept_run)
    tally = api.stream([folder], checking.CheckOptions(), lambda rules: [_Recording(events)])
    paths = [str(p) for p in sorted(folder.iterdir())]
    assert events == [*(e for path in paths for e in (("checked", path), ("written", path))), ("finished", 4)]
    assert tally.files == 4 and runs[0].done.held() == 0 and runs[0].waiting is None


@pytest.mark.parametrize("output_format", STREAMED)
def test_ctrl_c_mid_run_leaves_a_valid_partial_report_and_exit_code_130(folder, output_format, monkeypatch):
    interrupt_at(monkeypatch, lambda path: path.name.startswith("c-"))
    result = run("check", folder, "--format", output_format, "--jobs", "1")
    assert result.exit_code == 130 and "已中断：2 个文件未检查" in result.stderr
    written = result.stdout
    done = [str(folder / "a-seed001.txt"), str(folder / "b-consistent.txt")]
    if output_format == "json":
        report = json.loads(written)
        assert [f["path"] for f in report["files"]] == done and report["summary"]["not_checked"] == 2
        assert report["not_checked"] == [str(folder / "c-binary.txt"), str(folder / "d-seed004.txt")]
    elif output_format == "sarif":
        assert json.loads(written)["runs"][0]["properties"]["summary"]["not_checked"] == 2
    elif output_format == "json-lines":
        assert {json.loads(line)["file"] for line in written.splitlines()} == {done[0]}
    elif output_format == "csv":
        assert {row[0] for row in list(csv.reader(io.StringIO(written.lstrip("\ufeff"))))[1:]} == set(done)
    elif output_format == "junit":
        assert [s.get("name") for s in ET.fromstring(written.encode()).iter("testsuite")] == done
    elif output_format == "github":
        assert written and all(line.startswith("::") for line in written.splitlines())
    else:
        assert "已中断，2 个文件未检查" in written


@pytest.mark.parametrize("value", [{"a": [], "b": {}, "c": [1, {"d": None}], "e": "“引号”\n\t\x01\u2028"},
                                   ["\ud800 a lone surrogate, which orjson refuses"], [2**70], [], {}])
def test_json_text_is_what_json_dumps_writes(value):
    assert json_text.dumps(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_a_document_assembled_from_spools_is_what_json_dumps_writes_of_it_whole():
    items = [{"n": n, "text": f"第{n}项\n", "list": [n] * n} for n in range(4)]
    spool, empty = json_text.JsonSpool(), json_text.JsonSpool()
    for item in items:
        spool.add(item)
    lazy = json_text.LazyItems(len(items), lambda: iter(items))
    out = io.StringIO()
    json_text.write(out, {"a": spool, "b": [{"c": lazy, "d": empty}], "e": 1})
    spool.close()
    whole = {"a": items, "b": [{"c": items, "d": []}], "e": 1}
    assert out.getvalue() == json.dumps(whole, ensure_ascii=False, indent=2)
