"""Configuration files: discovery from the working directory upward, precedence of the command line,
per-file-ignores, severity overrides, grade bands, rule parameters, strict keys and `budgetlint config`."""

import json
import shutil

import pytest
from helpers import TOTAL_LINE, WARNING_RULE, SEED002, pairs, rule_text, rules_of, run, run_json, write


def test_found_in_a_parent_folder(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "budgetlint.toml", 'select = ["T1-03"]\n')
    monkeypatch.chdir(write(tmp_path / "a" / "b" / "placeholder", "").parent)
    _, report = run_json(wrong_total)
    assert rules_of(report) == {"T1-03"}


def test_budgetlint_toml_comes_before_pyproject_in_the_same_folder(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "budgetlint.toml", 'select = ["T1-03"]\n')
    write(tmp_path / "pyproject.toml", '[tool.budgetlint]\nselect = ["T1-01"]\n')
    monkeypatch.chdir(tmp_path)
    assert rules_of(run_json(wrong_total)[1]) == {"T1-03"}


def test_pyproject_without_a_budgetlint_table_is_passed_over(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "pyproject.toml", '[tool.budgetlint]\nselect = ["T1-01"]\n')
    inner = write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "unrelated"\n').parent
    monkeypatch.chdir(inner)
    assert rules_of(run_json(wrong_total)[1]) == {"T1-01"}


def test_config_option_names_the_file(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "budgetlint.toml", 'select = ["T1-03"]\n')
    elsewhere = write(tmp_path / "elsewhere" / "ci.toml", 'select = ["T1-01"]\n')
    monkeypatch.chdir(tmp_path)
    assert rules_of(run_json("--config", elsewhere, wrong_total)[1]) == {"T1-01"}


def test_command_line_overrides_the_config(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "budgetlint.toml", 'select = ["T1-03"]\nfail-on = "never"\n')
    monkeypatch.chdir(tmp_path)
    assert run("check", wrong_total).exit_code == 0
    result, report = run_json("--select", "T1-01", "--fail-on", "error", wrong_total)
    assert result.exit_code == 1
    assert pairs(report) == {("T1-01", TOTAL_LINE)}


def test_rules_in_the_config_are_relative_to_it_and_the_command_line_adds_to_them(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "province" / "warn.yaml", WARNING_RULE)
    extra = write(tmp_path / "extra.yaml", rule_text(id="    id: ZZEXTRA-01"))
    write(tmp_path / "budgetlint.toml", 'rules = ["province"]\nselect = ["ZZ"]\n')
    monkeypatch.chdir(write(tmp_path / "deeper" / "placeholder", "").parent)
    assert rules_of(run_json(wrong_total)[1]) == {"ZZTEST-01"}
    assert rules_of(run_json("--rules", extra, wrong_total)[1]) == {"ZZTEST-01", "ZZEXTRA-01"}


def test_per_file_ignores_by_path_and_by_file_name(tmp_path, monkeypatch, wrong_total):
    for name in ("current/unit.txt", "archive/2022/unit.txt", "archive/2022/old.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(wrong_total, tmp_path / name)
    (tmp_path / "archive" / "notes.docx").write_bytes(b"PK not read yet")
    write(tmp_path / "budgetlint.toml", '[per-file-ignores]\n"archive/**" = ["T1-01"]\n"old.txt" = ["T1"]\n'
          '"*.docx" = ["READ-01"]\n')
    monkeypatch.chdir(tmp_path)
    _, report = run_json("--select", "T1", "current", "archive")
    by_file = {(f["file"], rule) for f in report["findings"] if f["severity"] == "error"
               for rule in f.get("culprit", {}).get("rules", [f["rule"]])}
    assert by_file == {("current/unit.txt", "T1-01"), ("current/unit.txt", "T1-03"),
                       ("archive/2022/unit.txt", "T1-03")}


def test_severity_override_changes_the_exit_code(tmp_path, monkeypatch, wrong_total):
    write(tmp_path / "budgetlint.toml", '[severity]\nT1 = "warning"\n"T1-03" = "info"\n')
    monkeypatch.chdir(tmp_path)
    result, report = run_json("--select", "T1", wrong_total)
    assert result.exit_code == 0
    # one cell explains both: the T1-03 info is evidence of the T1-01 warning (validator.culprits)
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"], finding["culprit"]["rules"]) == ("T1-01", "warning", ["T1-01", "T1-03"])
    assert run("check", "--select", "T1", "--fail-on", "warning", wrong_total).exit_code == 1


def test_grade_bands_replace_those_of_the_grade_rule(tmp_path, monkeypatch):
    text = write(tmp_path / "narrative.txt", "该项目绩效评价得分 85.00 分，绩效等级为“合格”。\n")
    monkeypatch.chdir(tmp_path)
    _, report = run_json("--select", "G", text)
    assert report["findings"] == [] and report["skipped"], "合格 is no grade of the central bands"
    write(tmp_path / "budgetlint.toml", '[grades]\nbands = {"优" = 90, "良" = 80, "合格" = 60, "不合格" = 0}\n')
    result, report = run_json("--select", "G", text)
    assert result.exit_code == 1
    assert [(f["rule"], f["expected"], f["actual"]) for f in report["findings"]] == [("G-01", "良", "合格")]


def test_a_parameter_changes_the_full_marks_of_the_self_evaluation(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run_json("--select", "SE-07", SEED002)[1]["findings"] == []
    write(tmp_path / "budgetlint.toml", "[parameters]\nfull_marks = 105\n")
    _, report = run_json("--select", "SE-07", SEED002)
    assert report["findings"]
    assert {(f["rule"], f["actual"], f["expected"]) for f in report["findings"]} == {("SE-07", "100.00", "105.00")}


@pytest.mark.parametrize(("name", "text", "key"), [
    ("budgetlint.toml", 'selct = ["T1"]\n', "selct"),
    ("budgetlint.toml", '[grades]\nbands = {"优" = 90}\ncolour = "red"\n', "grades.colour"),
    ("budgetlint.toml", '[severity]\nT1-01 = "fatal"\n', "severity.T1-01"),
    ("budgetlint.toml", '[severity]\nNOPE = "info"\n', "severity.NOPE"),
    ("budgetlint.toml", "[parameters]\nfull_markz = 105\n", "parameters.full_markz"),
    ("budgetlint.toml", "jobs = 0\n", "jobs"),
    ("pyproject.toml", '[tool.budgetlint]\nfail_on = "warning"\n', "tool.budgetlint.fail_on"),
])
def test_a_bad_key_is_exit_2_naming_the_file_and_the_key(tmp_path, monkeypatch, wrong_total, name, text, key):
    config = write(tmp_path / name, text)
    monkeypatch.chdir(tmp_path)
    for command in (["check", wrong_total], ["config"]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert f"{config}: {key}:" in result.stderr, result.stderr
        assert result.stdout == ""


def test_toml_syntax_error_is_exit_2(tmp_path, monkeypatch, wrong_total):
    config = write(tmp_path / "budgetlint.toml", 'select = ["T1"\n')
    monkeypatch.chdir(tmp_path)
    result = run("check", wrong_total)
    assert result.exit_code == 2
    assert str(config) in result.stderr and "TOML" in result.stderr


def test_config_command_shows_the_effective_settings_and_their_sources(tmp_path, monkeypatch):
    config = write(tmp_path / "budgetlint.toml", 'select = ["T", "SE", "G"]\nfail-on = "warning"\n'
                   '[grades]\nbands = {"优" = 90, "良" = 80, "合格" = 60, "不合格" = 0}\n')
    monkeypatch.chdir(tmp_path)
    result = run("config", "--format", "json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["config"] == str(config)
    settings, sources = shown["settings"], shown["sources"]
    assert (settings["select"], settings["fail-on"], settings["ignore"]) == (["T", "SE", "G"], "warning", None)
    assert settings["grades"]["bands"] == {"优": "90", "良": "80", "合格": "60", "不合格": "0"}
    assert settings["parameters"] == {"full_marks": "100"}
    assert (sources["select"], sources["ignore"], sources["parameters"]) == ("budgetlint.toml", "默认", "规则 SE-07")
    text = run("config").stdout
    assert text.startswith(f"# 配置文件：{config}")
    assert 'fail-on = "warning"  # budgetlint.toml' in text
    assert "full_marks = 100" in text
