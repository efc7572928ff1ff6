"""`check --cache DIR`: each file's outcome is kept by its bytes, its name, the ignores that apply to it
and everything else that decides its findings; a re-run checks only new or changed files and writes
the same report, byte for byte; an interrupted run resumes; what may pass next time is not kept."""

import json
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from helpers import CONSISTENT, FIXTURES, SEED002, TOTAL_LINE, WARNING_RULE, mutate, run, stop_after, write

import validator.cache as cache
import validator.checking as checking
from validator import api
from validator.api import Interrupted
from validator.cache import DATABASE, OutcomeCache, outcome_from_dict, outcome_to_dict
from validator.checking import CheckOptions, FileChecker, FileOutcome, configured_rules
from validator.errors import CacheError
from validator.findings import FileResult

SEEDS = ("seed000.txt", "seed001.txt", "seed003.txt", "seed004.txt")


@pytest.fixture
def folder(tmp_path):
    """Four seed disclosures (one with three findings) and a damaged workbook."""
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for name in SEEDS:
        shutil.copy(FIXTURES / name, inputs / name)
    (inputs / "damaged.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    return inputs


@pytest.fixture
def reads(monkeypatch):
    """The files read to be checked, in order (a cache hit reads none)."""
    return _reads_by(checking, monkeypatch)


@pytest.fixture
def read_again(monkeypatch):
    """The files the cache reads again (no rules run) for what a run needs besides their outcomes."""
    return _reads_by(cache, monkeypatch)


def _reads_by(module, monkeypatch):
    read = []
    original = module.read_document

    def counted(path, *args):
        read.append(Path(path).name)
        return original(path, *args)

    monkeypatch.setattr(module, "read_document", counted)
    return read


def check(folder, tmp_path, *options):
    """The JSON report of a run (one process, so that reads are counted) and its stderr."""
    report = tmp_path / "report.json"
    result = run("check", folder, "--format", "json", "-o", report, "--jobs", "1", *options)
    assert result.exit_code in (0, 1), result.output
    return report.read_bytes(), result.stderr


def test_a_second_run_checks_nothing_and_writes_the_same_report_byte_for_byte(folder, tmp_path, reads):
    first, said = check(folder, tmp_path, "--cache", tmp_path / "cache")
    assert sorted(reads) == sorted([*SEEDS, "damaged.xlsx"])
    assert "缓存：命中 0 个文件，检查 5 个" in said
    reads.clear()
    second, said = check(folder, tmp_path, "--cache", tmp_path / "cache")
    assert reads == []
    assert "缓存：命中 5 个文件，检查 0 个" in said
    assert second == first
    without, said = check(folder, tmp_path)
    assert without == first and "缓存" not in said
    assert json.loads(first)["summary"]["errors"] == 4  # seed001's three and the damaged workbook


def test_only_new_and_changed_files_are_checked_again(folder, tmp_path, reads):
    check(folder, tmp_path, "--cache", tmp_path / "cache")
    write(folder / "seed003.txt", (folder / "seed003.txt").read_text(encoding="utf-8") + "\n补充说明。\n")
    shutil.copy(SEED002, folder / "seed002.txt")
    reads.clear()
    cached, said = check(folder, tmp_path, "--cache", tmp_path / "cache")
    assert sorted(reads) == ["seed002.txt", "seed003.txt"]
    assert "缓存：命中 4 个文件，检查 2 个" in said
    assert cached == check(folder, tmp_path)[0]


@pytest.mark.parametrize("change", ["rule file", "option", "configuration", "version", "code"])
def test_a_change_to_what_decides_the_findings_checks_every_file_again(folder, tmp_path, reads, monkeypatch, change):
    rule = write(tmp_path / "rules" / "extra.yaml", WARNING_RULE)
    config = write(tmp_path / "budgetlint.toml", "[severity]\nC-01 = \"error\"\n")
    options = ("--rules", rule, "--config", config)
    check(folder, tmp_path, *options, "--cache", tmp_path / "cache")
    if change == "rule file":
        write(rule, WARNING_RULE.replace("超过一百万元", "超过一百万"))
    elif change == "option":
        options += ("--show-rounding",)
    elif change == "configuration":
        write(config, "[severity]\nC-01 = \"warning\"\n")
    elif change == "version":
        monkeypatch.setattr(cache, "__version__", "99.0")
    else:
        monkeypatch.setattr(cache, "_code_digest", lambda: "another build")
    reads.clear()
    changed, said = check(folder, tmp_path, *options, "--cache", tmp_path / "cache")
    assert len(reads) == 5 and "命中 0 个文件" in said
    assert changed == check(folder, tmp_path, *options)[0]


def test_a_copy_under_another_path_comes_from_the_cache_naming_the_new_path(folder, tmp_path, reads):
    check(folder, tmp_path, "--cache", tmp_path / "cache")
    moved = tmp_path / "elsewhere"
    shutil.copytree(folder, moved)
    reads.clear()
    cached, said = check(moved, tmp_path, "--cache", tmp_path / "cache")
    assert reads == [] and "命中 5 个文件" in said
    assert cached == check(moved, tmp_path)[0]
    report = json.loads(cached)
    assert {Path(f["file"]).parent for f in report["findings"]} == {moved}
    assert str(moved / "damaged.xlsx") in next(f["message"] for f in report["findings"] if f["rule"] == "READ-01")
    assert str(folder) not in cached.decode()


def test_per_file_ignores_apply_to_each_path_as_it_is(folder, tmp_path):
    """The same bytes under a folder whose per-file-ignores leave out C-01 lose its finding there only."""
    (folder / "历年").mkdir()
    shutil.copy(FIXTURES / "seed001.txt", folder / "历年" / "seed001.txt")
    options = CheckOptions(per_file_ignores=(("历年/*", ("C-01",)),), root=folder)
    with OutcomeCache(tmp_path / "cache", options) as outcomes:
        first = api.check([folder], options, cache=outcomes)
    with OutcomeCache(tmp_path / "cache", options) as outcomes:
        second = api.check([folder], options, cache=outcomes)
        assert outcomes.hits == 6
    assert second.to_dict() == first.to_dict() == api.check([folder], options).to_dict()
    assert {(Path(f.file).parent.name, f.rule) for f in first.findings if f.rule == "C-01"} == {("inputs", "C-01")}


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_interrupted_run_resumes_without_checking_the_files_done_again(folder, tmp_path, jobs):
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes, pytest.raises(Interrupted) as stop:
        api.check([folder], jobs=jobs, progress=stop_after(2), cache=outcomes)
    done = [f.path for f in stop.value.report.files]
    assert len(done) == 2 and len(stop.value.report.not_checked) == 3
    checked = []
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes:
        resumed = api.check([folder], jobs=jobs, progress=lambda done, total, path: checked.append(path),
                            cache=outcomes)
        assert (outcomes.hits, outcomes.checked) == (2, 3)
    assert sorted(checked) == sorted(stop.value.report.not_checked)
    assert resumed.to_dict() == api.check([folder]).to_dict()


def test_a_timeout_or_an_internal_error_is_checked_again_next_time_an_unreadable_file_is_not(folder, tmp_path, reads,
                                                                                             monkeypatch):
    original = checking.read_document

    def failing(path, *args):
        if Path(path).name == "seed003.txt":
            raise RuntimeError("a reader bug")
        if Path(path).name == "seed004.txt":
            time.sleep(2)
        return original(path, *args)

    monkeypatch.setattr(checking, "read_document", failing)
    options = CheckOptions(timeout=0.5)
    with OutcomeCache(tmp_path / "cache", options) as outcomes:
        report = api.check([folder], options, cache=outcomes)
    reasons = {Path(f.path).name: f.error for f in report.files if f.error}
    assert "内部错误" in reasons["seed003.txt"] and "超过 0.5 秒" in reasons["seed004.txt"] and reasons["damaged.xlsx"]
    monkeypatch.setattr(checking, "read_document", original)
    with OutcomeCache(tmp_path / "cache", options) as outcomes:
        api.check([folder], options, cache=outcomes)
        assert (outcomes.hits, outcomes.checked) == (3, 2)


def test_documents_compared_with_each_other_are_compared_alike_from_the_cache_without_reading_them(
        tmp_path, reads, read_again):
    """A budget with a known unit and year keeps what the comparison reads with its outcome."""
    def budget(name, level, total):
        grid = [["本年收入", "", "本年支出", ""], ["项目", "预算数", "项目", "预算数"],
                ["一、财政拨款收入", total, "一、一般公共服务支出", total], ["收入总计", total, "支出总计", total]]
        data = {"format": "budgetlint-document/1",
                "text": ["上海市普陀区2025年区级" + level + "预算", ("预算主管部门" if level == "部门" else "预算单位") + "：上海市普陀区甲局"],
                "tables": [{"title": f"2025年{level}财务收支预算总表", "meta": {"金额单位": "元"}, "grid": grid}]}
        return write(tmp_path / "budgets" / name, yaml.safe_dump(data, allow_unicode=True))

    budget("部门.yaml", "部门", "1,000.00")
    budget("单位.yaml", "单位", "1,200.00")
    shutil.copy(FIXTURES / "seed001.txt", tmp_path / "budgets" / "seed001.txt")
    first, _ = check(tmp_path / "budgets", tmp_path, "--cache", tmp_path / "cache")
    assert any(f["rule"] == "XD-01" for f in json.loads(first)["findings"])
    reads.clear()
    second, said = check(tmp_path / "budgets", tmp_path, "--cache", tmp_path / "cache")
    assert "命中 3 个文件，检查 0 个" in said
    assert second == first
    assert reads == [] and read_again == []
    # kept by a run of the file alone (which compares nothing), the budget is read again to be compared
    shutil.rmtree(tmp_path / "cache")
    check(tmp_path / "budgets" / "单位.yaml", tmp_path, "--cache", tmp_path / "cache")
    third, said = check(tmp_path / "budgets", tmp_path, "--cache", tmp_path / "cache")
    assert "命中 1 个文件，检查 2 个" in said and read_again == ["单位.yaml"] and third == first


def test_an_html_report_shows_the_tables_of_files_from_the_cache(folder, tmp_path):
    page = tmp_path / "report.html"
    shutil.copy(FIXTURES / "seed001.txt", folder / "copy.txt")
    (folder / "damaged.xlsx").unlink()
    for _ in range(2):
        assert run("check", folder, "--format", "html", "-o", page, "--cache", tmp_path / "cache").exit_code == 1
    assert run("check", folder, "--format", "html", "-o", tmp_path / "plain.html").exit_code == 1
    assert page.read_text(encoding="utf-8") == (tmp_path / "plain.html").read_text(encoding="utf-8")


def test_two_worker_processes_fill_the_cache_and_the_report_is_the_same(folder, tmp_path):
    first, said = check(folder, tmp_path, "--cache", tmp_path / "cache", "--jobs", "2")
    assert "检查 5 个" in said
    second, said = check(folder, tmp_path, "--cache", tmp_path / "cache", "--jobs", "2")
    assert "命中 5 个文件，检查 0 个" in said
    assert first == second == check(folder, tmp_path)[0]


def _sqlite_error(text: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    error.sqlite_errorcode = code
    return error


def _locked() -> sqlite3.OperationalError:
    return _sqlite_error("database is locked", sqlite3.SQLITE_BUSY)


def test_a_database_another_run_holds_is_waited_for_where_sqlite_itself_would_not_wait(monkeypatch):
    answers = iter([_locked(), _locked(), "row"])

    def call():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert cache._patiently(call) == "row"


def test_a_database_held_past_the_wait_or_another_database_error_is_reported(monkeypatch):
    monkeypatch.setattr(cache, "_BUSY_SECONDS", 0.05)
    calls = []

    def held():
        calls.append(1)
        raise _locked()

    with pytest.raises(sqlite3.OperationalError, match="locked"):
        cache._patiently(held)
    assert 1 < len(calls) < 20

    def damaged():
        calls.append(2)
        raise _sqlite_error("disk I/O error", sqlite3.SQLITE_IOERR)

    with pytest.raises(sqlite3.OperationalError, match="disk"):
        cache._patiently(damaged)
    assert calls.count(2) == 1


def test_two_runs_at_once_share_one_cache(folder, tmp_path):
    command = [sys.executable, "-m", "validator", "check", str(folder), "--cache", str(tmp_path / "cache"),
               "--format", "json", "--jobs", "1"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [process.communicate(timeout=300) for process in runs]
    assert [process.returncode for process in runs] == [1, 1], [err.decode() for _, err in outputs]
    assert outputs[0][0] == outputs[1][0]
    third = subprocess.run(command, capture_output=True, timeout=300)
    assert "命中 5 个文件，检查 0 个" in third.stderr.decode() and third.stdout == outputs[0][0]


def test_a_damaged_cache_database_stops_the_run_naming_it(folder, tmp_path):
    (tmp_path / "cache").mkdir()
    database = tmp_path / "cache" / DATABASE
    database.write_bytes(b"this is no database " * 100)
    result = run("check", folder, "--cache", tmp_path / "cache")
    assert result.exit_code == 2
    assert f"缓存错误：无法使用缓存 {database}：文件已损坏或不是 SQLite 数据库" in result.stderr
    assert "删除该文件夹" in result.stderr
    blocker = write(tmp_path / "file", "")
    result = run("check", folder, "--cache", blocker / "cache")
    assert result.exit_code == 2 and f"无法使用缓存 {blocker / 'cache' / DATABASE}" in result.stderr


def test_the_configuration_names_the_cache_folder_relative_to_itself(folder, tmp_path, monkeypatch):
    write(tmp_path / "budgetlint.toml", 'cache = ".budgetlint-cache"\n')
    monkeypatch.chdir(folder)
    for hits in (0, 5):
        result = run("check", ".", "--format", "json")
        assert f"缓存：命中 {hits} 个文件" in result.stderr
    assert (tmp_path / ".budgetlint-cache" / DATABASE).is_file()
    shown = json.loads(run("config", "--format", "json").stdout)
    assert shown["settings"]["cache"] == str(tmp_path / ".budgetlint-cache")


@pytest.mark.parametrize("name", ["seed001.txt", "seed002.txt", "seed002/final_accounts.xlsx",
                                  "seed002/final_accounts.pdf", "budgets/putuo-2026-unit-budget-template.xlsx",
                                  "real/putuo-commerce-2025-unit-budget.pdf"])
def test_an_outcome_reads_back_from_its_json_equal(name):
    options = CheckOptions(compare_documents=True)
    outcome = FileChecker(options, configured_rules(options)).check(FIXTURES / name)
    assert (outcome.kept is not None) == name.startswith("real/")  # a budget whose cover names unit and year
    stored = json.loads(json.dumps(outcome_to_dict(outcome), ensure_ascii=False))
    assert outcome_from_dict(stored, str(FIXTURES / name)) == outcome


def test_a_wrong_total_is_found_in_a_changed_file_the_cache_had_clean(tmp_path):
    path = shutil.copy(CONSISTENT, tmp_path / "disclosure.txt")
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes:
        assert api.check([path], cache=outcomes).findings == []
    write(path, mutate(Path(path).read_text(encoding="utf-8"), TOTAL_LINE, "\t2,643.57\t", "\t2,653.57\t"))
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes:
        assert {"T1-01", "T1-03"} <= {r for f in api.check([path], cache=outcomes).findings for r in f.reported_rules()}


def test_a_cache_that_cannot_be_read_during_the_run_is_an_error(folder, tmp_path, monkeypatch):
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes:
        outcomes._connection.execute("DROP TABLE outcomes")
        with pytest.raises(CacheError, match="无法使用缓存"):
            api.check([folder], cache=outcomes)


def test_a_cache_opened_for_other_options_is_refused_rather_than_giving_their_findings(folder, tmp_path):
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes, pytest.raises(ValueError, match="other options"):
        api.check([folder], cache=outcomes, select_ids=["T1"])


def test_two_writers_at_once_wait_for_each_other_rather_than_fail(tmp_path):
    files = [write(tmp_path / "inputs" / f"{number}.txt", f"第{number}号") for number in range(150)]

    def store_all(outcomes):
        for path in files:
            outcomes.store(path, FileOutcome(FileResult(str(path), "text"), [], [], reproducible=True))

    with OutcomeCache(tmp_path / "cache", CheckOptions()) as one, OutcomeCache(tmp_path / "cache", CheckOptions()) as other:
        writers = [threading.Thread(target=store_all, args=(outcomes,)) for outcomes in (one, other)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join()
    assert (one.failure, other.failure) == (None, None)  # "database is locked" without SQLite's busy timeout
    with OutcomeCache(tmp_path / "cache", CheckOptions()) as outcomes:
        assert all(outcomes.lookup(path).result.path == str(path) for path in files)
