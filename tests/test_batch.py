"""Batch runs: worker processes give the same report as one process, in input order; a file that
crashes its worker or runs out of time is READ-01 and the run goes on; Ctrl-C leaves a partial
report (exit 130 on the command line); rules are loaded once per worker; --statistics."""

import json
import os
import shutil
import time

import jsonschema
import pytest
from helpers import CONSISTENT, FIXTURES, REPORT_SCHEMA, SEED002, interrupt_at, run, stop_after

import validator.api as api
import validator.checking as checking
import validator.batch as batch
from validator.api import Interrupted, check


@pytest.fixture
def folder(tmp_path, wrong_total):
    """Six inputs: the seed, a consistent one, a wrong total, a workbook, an unreadable file, a copy."""
    root = tmp_path / "inputs"
    root.mkdir()
    shutil.copy(SEED002, root / "a-seed.txt")
    shutil.copy(CONSISTENT, root / "b-consistent.txt")
    shutil.copy(wrong_total, root / "c-wrong-total.txt")
    shutil.copy(FIXTURES / "seed002" / "final_accounts.xlsx", root / "d-workbook.xlsx")
    (root / "e-binary.txt").write_bytes(b"\xff\xfe\x80\xff")
    shutil.copy(SEED002, root / "f-seed-again.txt")
    return root


def test_two_workers_give_the_report_of_one_process(folder):
    alone, parallel = check([folder]), check([folder], jobs=2)
    assert parallel.to_dict() == alone.to_dict()
    assert parallel.rules == alone.rules
    assert [f.path for f in parallel.files] == sorted(str(p) for p in folder.iterdir())


def test_documents_come_back_from_the_workers(folder):
    report = check([folder], jobs=2, keep_documents=True)
    readable = [f.path for f in report.files if f.error is None]
    assert list(report.documents) == readable
    assert len(report.documents[str(folder / "d-workbook.xlsx")].tables) == len(
        check([folder / "d-workbook.xlsx"], keep_documents=True).documents[str(folder / "d-workbook.xlsx")].tables)


def misbehaving_reader(misbehave):
    """read_document, except for files named crash.txt or slow.txt (patched before the workers fork)."""
    real = checking.read_document

    def read(path, *args, **kwargs):
        if path.name in ("crash.txt", "slow.txt"):
            misbehave(path)
        return real(path, *args, **kwargs)

    return read


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_a_file_that_kills_its_worker_is_read_01_and_the_rest_is_checked(folder, monkeypatch):
    (folder / "crash.txt").write_text("anything", encoding="utf-8")
    monkeypatch.setattr(checking, "read_document", misbehaving_reader(lambda path: os._exit(1)))
    report = check([folder], jobs=2)
    by_file = {f.path: f for f in report.files}
    assert by_file[str(folder / "crash.txt")].error is not None
    assert ("READ-01", str(folder / "crash.txt")) in {(f.rule, f.file) for f in report.findings}
    assert len(report.files) == 7
    assert all(by_file[str(folder / name)].error is None for name in ("a-seed.txt", "d-workbook.xlsx", "f-seed-again.txt"))


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_a_file_out_of_time_is_read_01(folder, monkeypatch):
    (folder / "slow.txt").write_text("anything", encoding="utf-8")
    monkeypatch.setattr(checking, "read_document", misbehaving_reader(lambda path: time.sleep(30)))
    began = time.monotonic()
    report = check([folder], jobs=2, timeout=0.5)
    assert time.monotonic() - began < 20
    (slow,) = [f for f in report.findings if f.file == str(folder / "slow.txt")]
    assert slow.rule == "READ-01" and "0.5 秒" in slow.message


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_rules_are_loaded_once_per_worker(folder, monkeypatch, tmp_path):
    loads = tmp_path / "loads"
    real = batch.configured_rules

    def counted(options):
        with loads.open("a") as handle:
            handle.write(f"{os.getpid()}\n")
        return real(options)

    monkeypatch.setattr(batch, "configured_rules", counted)
    check([folder], jobs=2)
    assert len(loads.read_text().split()) == 2  # two workers, six files


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_leaves_the_report_of_the_files_done(folder, jobs):
    with pytest.raises(Interrupted) as stopped:
        check([folder], jobs=jobs, progress=stop_after(2))
    report = stopped.value.report
    paths = [f.path for f in report.files]
    assert len(paths) == 2 and paths == sorted(paths)  # input order, whichever finished first
    assert report.interrupted == 4
    assert report.summary()["not_checked"] == 4
    assert {f.file for f in report.findings} <= set(paths)


def test_ctrl_c_on_the_command_line_exits_130_with_a_partial_report(folder, monkeypatch):
    interrupt_at(monkeypatch, lambda path: path.name.startswith("c-"))
    result = run("check", "--jobs", "1", "--format", "json", folder)
    assert result.exit_code == 130
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["files"]] == [str(folder / "a-seed.txt"), str(folder / "b-consistent.txt")]
    assert report["summary"]["not_checked"] == 4
    assert report["not_checked"] == [str(p) for p in sorted(folder.iterdir())[2:]]
    assert "已中断" in result.stderr and str(sorted(folder.iterdir())[2]) in result.stderr


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_statistics_per_rule_and_per_file(folder):
    result = run("check", "--format", "json", "--statistics", folder)
    report = json.loads(result.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    statistics = report["statistics"]
    assert sum(r["total"] for r in statistics["rules"]) == len(report["findings"])
    assert [f["path"] for f in statistics["files"]] == [f["path"] for f in report["files"]]
    per_file = {f["path"]: f["errors"] for f in statistics["files"]}
    assert per_file[str(folder / "b-consistent.txt")] == 0
    assert per_file[str(folder / "e-binary.txt")] == 1
    totals = [r["total"] for r in statistics["rules"]]
    assert totals == sorted(totals, reverse=True)
    text = run("check", "--statistics", folder).stdout
    assert "按规则统计" in text and "按文件统计" in text
    assert "statistics" not in json.loads(run("check", "--format", "json", folder).stdout)
