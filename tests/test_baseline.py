"""Baselines on seed 002, whose 自评表 have real SE-08/SE-09 errors: once recorded, only new findings
are reported and decide the exit code, whatever lines are inserted above them."""

import json
import shutil

import pytest
from helpers import SEED002, TOTAL_LINE, mutate, run


@pytest.fixture
def recorded(tmp_path, monkeypatch):
    """A copy of seed 002 and a baseline of its findings, side by side; cwd is their folder."""
    seed = tmp_path / "unit" / "disclosure.txt"
    seed.parent.mkdir()
    shutil.copy(SEED002, seed)
    baseline = tmp_path / "baseline.json"
    monkeypatch.chdir(tmp_path)
    result = run("check", "--write-baseline", baseline, seed)
    assert result.exit_code == 0, result.output
    assert "SE-08" in result.stdout  # the report is still printed
    return seed, baseline


def check_with(baseline, seed):
    result = run("check", "--format", "json", "--baseline", baseline, seed)
    return result, json.loads(result.stdout)


def test_the_baseline_records_rule_file_and_fingerprint(recorded):
    seed, baseline = recorded
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert {e["rule"] for e in entries} >= {"SE-08", "SE-12"}
    assert {e["file"] for e in entries} == {"unit/disclosure.txt"}
    assert all(len(e["fingerprint"]) == 20 for e in entries)


def test_lines_inserted_above_change_nothing(recorded):
    seed, baseline = recorded
    seed.write_text("\n\n\n" + seed.read_text(encoding="utf-8"), encoding="utf-8")
    result, report = check_with(baseline, seed)
    assert result.exit_code == 0, result.output
    assert report["findings"] == []
    assert report["summary"]["baselined"] == len(json.loads(baseline.read_text(encoding="utf-8"))["findings"])


def test_only_the_new_finding_is_reported_and_decides_the_exit_code(recorded):
    seed, baseline = recorded
    shifted = "\n\n\n" + mutate(seed.read_text(encoding="utf-8"), TOTAL_LINE, "\t2,643.57\t", "\t2,653.57\t")
    seed.write_text(shifted, encoding="utf-8")
    result, report = check_with(baseline, seed)
    assert result.exit_code == 1
    recorded_count = len(json.loads(baseline.read_text(encoding="utf-8"))["findings"])
    assert report["summary"]["baselined"] == recorded_count
    # what is left is what the changed cell caused: T1-01 on its line, and every other rule reading it
    assert ("T1-01", TOTAL_LINE + 3) in {(f["rule"], f["locations"][0]["source"]["line"]) for f in report["findings"]}
    assert all(any((loc["source"]["line"], loc["value"]) == (TOTAL_LINE + 3, "2,653.57") for loc in f["locations"])
               for f in report["findings"]), report["findings"]
    text = run("check", "--baseline", baseline, seed).stdout
    assert f"基线中已有的 {report['summary']['baselined']} 个问题未列出" in text


def test_a_changed_value_of_a_baselined_finding_is_new(recorded):
    seed, baseline = recorded
    # 政府机关工作经费's 总分 分值 (line 683), judged by SE-08: 100 → 101 is no longer the accepted mistake
    seed.write_text(mutate(seed.read_text(encoding="utf-8"), 683, "\t100\t", "\t101\t"), encoding="utf-8")
    _, report = check_with(baseline, seed)
    assert ("SE-08", 683) in {(f["rule"], f["locations"][0]["source"]["line"]) for f in report["findings"]}


def test_the_baseline_works_from_another_folder(recorded, monkeypatch):
    seed, baseline = recorded
    monkeypatch.chdir(seed.parent)
    result, report = check_with(baseline, seed.name)
    assert result.exit_code == 0 and report["findings"] == []


@pytest.mark.parametrize("content", ["not json", '{"findings": []}', '{"format": "budgetlint-baseline/1"}'])
def test_a_broken_baseline_is_exit_2(tmp_path, content):
    baseline = tmp_path / "baseline.json"
    baseline.write_text(content, encoding="utf-8")
    result = run("check", "--baseline", baseline, SEED002)
    assert result.exit_code == 2
    assert str(baseline) in result.stderr


def test_a_baseline_inside_the_checked_folder_is_not_an_input(tmp_path, monkeypatch):
    shutil.copy(SEED002, tmp_path / "disclosure.txt")
    monkeypatch.chdir(tmp_path)
    assert run("check", "--write-baseline", "baseline.json", ".").exit_code == 0
    result, report = check_with("baseline.json", ".")
    assert result.exit_code == 0
    assert [f["path"] for f in report["files"]] == ["disclosure.txt"]
