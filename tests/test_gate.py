"""The CI gate: a typo in a rule id cannot switch checks off, repeated and extending selections,
excluded files, and exit codes with one meaning each (0 clean, 1 findings, 2 usage, 3 internal
error, 130 Ctrl-C). Each test runs the command line as a user or a CI job does."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from helpers import SEED002, rule_text, rules_of, run, write

from validator import api, checking, cli, config, engine
from validator.errors import UnknownRuleIdError

TYPO, MEANT = "T5-O2", "T5-02"  # a letter O typed for the digit 0


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check_json(*args, code=(0, 1)):
    result = run("check", "--format", "json", *args)
    assert result.exit_code in code, (result.exit_code, result.output)
    return result, json.loads(result.stdout)


def checked(report):
    return [f["path"] for f in report["files"]]


# -- a typo in a rule id or prefix is a usage error -------------------------------------------------

@pytest.mark.parametrize("option", ["--select", "--ignore", "--extend-select"])
def test_an_unknown_id_in_an_option_is_exit_2_with_the_id_meant(in_tmp, wrong_total, option):
    result = run("check", option, f"T1,{TYPO}", wrong_total)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""  # nothing was checked
    assert f"{option}: “{TYPO}”" in result.stderr and f"是否想写 {MEANT}" in result.stderr, result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("toml", "key"), [
    (f'select = ["T1", "{TYPO}"]\n', "select"),
    (f'ignore = ["{TYPO}"]\n', "ignore"),
    (f'extend-select = ["{TYPO}"]\n', "extend-select"),
    (f'[per-file-ignores]\n"archive/**" = ["SE", "{TYPO}"]\n', 'per-file-ignores."archive/**"'),
])
def test_an_unknown_id_in_the_config_is_exit_2_naming_the_file_and_the_key(in_tmp, wrong_total, toml, key):
    config_file = write(in_tmp / "budgetlint.toml", toml)
    for command in (["check", wrong_total], ["config"]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert result.stdout == ""
        assert f"{config_file}: {key}: “{TYPO}”" in result.stderr, result.stderr
        assert f"是否想写 {MEANT}" in result.stderr


def test_the_python_api_raises_for_an_unknown_id():
    with pytest.raises(UnknownRuleIdError) as raised:
        api.check([SEED002], select_ids=["T1", TYPO])
    assert (raised.value.key, raised.value.prefix, raised.value.suggestion) == ("select", TYPO, MEANT)


def test_a_mistyped_family_is_suggested_by_its_family(in_tmp, wrong_total):
    result = run("check", "--ignore", "SEE", wrong_total)
    assert result.exit_code == 2
    assert "是否想写 SE？" in result.stderr, result.stderr


def test_ids_of_read_01_aliases_and_extra_rule_files_are_known(in_tmp, wrong_total):
    rules = write(in_tmp / "rules.yaml", rule_text(aliases="    aliases: [OLD-07]"))
    write(in_tmp / "budgetlint.toml", '[per-file-ignores]\n"*.docx" = ["read-01"]\n')
    _, report = check_json("--rules", rules, "--select", "old-07", "--ignore", "READ", wrong_total)
    assert rules_of(report) == {"ZZTEST-01"}  # selected by its alias, case-insensitively
    result = run("check", "--select", "OLD-07", wrong_total)  # without the rule file, no rule has it
    assert result.exit_code == 2


def test_ignore_read_01_drops_unreadable_files_findings(in_tmp):
    bad = write(in_tmp / "binary.txt", "")
    bad.write_bytes(b"\xff\xfe\x80\xff")
    assert rules_of(check_json(bad)[1]) == {"READ-01"}
    result, report = check_json("--ignore", "READ-01", bad)
    assert (result.exit_code, report["findings"]) == (0, [])


# -- repeated options add up ------------------------------------------------------------------------

def test_repeated_select_means_every_value(in_tmp, wrong_total):
    _, report = check_json("--select", "T1-01", "--select", "T1-03", wrong_total)
    assert rules_of(report) == {"T1-01", "T1-03"}
    _, report = check_json("--select", "T1-01，SE-08", "--select", "T1-03", wrong_total)  # full-width comma
    assert rules_of(report) == {"T1-01", "T1-03", "SE-08"}


def test_repeated_ignore_means_every_value(in_tmp, wrong_total):
    _, report = check_json("--select", "T1", "--ignore", "T1-01", "--ignore", "T1-03", wrong_total)
    assert report["findings"] == []


# -- --extend-select --------------------------------------------------------------------------------

def test_extend_select_adds_to_the_config_select(in_tmp, wrong_total):
    write(in_tmp / "budgetlint.toml", 'select = ["T1-01"]\n')
    assert rules_of(check_json(wrong_total)[1]) == {"T1-01"}
    _, report = check_json("--extend-select", "T1-03", "--extend-select", "SE-08", wrong_total)
    assert rules_of(report) == {"T1-01", "T1-03", "SE-08"}


def test_extend_select_of_the_config_and_the_command_line_add_up_over_a_select_option(in_tmp, wrong_total):
    write(in_tmp / "budgetlint.toml", 'select = ["SE"]\nextend-select = ["T1-01"]\n')
    _, report = check_json("--select", "SE-08", "--extend-select", "T1-03", wrong_total)
    assert rules_of(report) == {"SE-08", "T1-01", "T1-03"}
    shown = json.loads(run("config", "--format", "json").stdout)
    assert (shown["settings"]["extend-select"], shown["sources"]["extend-select"]) == (["T1-01"], "budgetlint.toml")


def test_extend_select_without_a_select_keeps_every_rule(in_tmp, wrong_total):
    assert rules_of(check_json("--extend-select", "T1-01", wrong_total)[1]) == rules_of(check_json(wrong_total)[1])


def test_ignore_wins_over_extend_select(in_tmp, wrong_total):
    _, report = check_json("--select", "T1-01", "--extend-select", "T1-03", "--ignore", "T1-03", wrong_total)
    assert rules_of(report) == {"T1-01"}


# -- --exclude and exclude = [...] ------------------------------------------------------------------

@pytest.fixture
def disclosures(in_tmp, wrong_total):
    """disclosures/{current.txt, archive/2022/old.txt, drafts/draft.txt}, each with the wrong total."""
    root = in_tmp / "disclosures"
    for name in ("current.txt", "archive/2022/old.txt", "drafts/draft.txt"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(wrong_total, root / name)
    return root


@pytest.mark.parametrize(("globs", "left"), [
    (["archive"], ["current.txt", "drafts/draft.txt"]),  # a folder's name leaves out all below it
    (["disclosures/archive/**"], ["current.txt", "drafts/draft.txt"]),  # relative to the working directory
    (["draft*"], ["archive/2022/old.txt", "current.txt"]),
    (["archive", "*/drafts/*"], ["current.txt"]),
    (["*.txt"], []),
])
def test_exclude_option_leaves_out_files_found_in_a_folder(disclosures, globs, left):
    options = [arg for glob in globs for arg in ("--exclude", glob)]
    _, report = check_json(*options, "--select", "T1", disclosures)
    assert checked(report) == [str(disclosures / name) for name in left]


def test_exclude_in_the_config_is_relative_to_its_folder(disclosures, monkeypatch):
    config_file = write(disclosures.parent / "budgetlint.toml", 'exclude = ["disclosures/archive/**"]\n')
    monkeypatch.chdir(disclosures / "drafts")
    _, report = check_json("--select", "T1", "..")
    assert checked(report) == [str(Path("..") / name) for name in ("current.txt", "drafts/draft.txt")]
    shown = json.loads(run("config", "--format", "json").stdout)
    assert shown["config"] == str(config_file)
    assert (shown["settings"]["exclude"], shown["sources"]["exclude"]) == (["disclosures/archive/**"], "budgetlint.toml")


def test_the_exclude_option_replaces_the_configs(disclosures):
    write(disclosures.parent / "budgetlint.toml", 'exclude = ["archive"]\n')
    _, report = check_json("--select", "T1", "--exclude", "drafts", disclosures)
    assert checked(report) == [str(disclosures / n) for n in ("archive/2022/old.txt", "current.txt")]


def test_a_file_named_explicitly_is_checked_unless_force_exclude(disclosures):
    write(disclosures.parent / "budgetlint.toml", 'exclude = ["archive"]\n')
    old = disclosures / "archive" / "2022" / "old.txt"
    result, report = check_json("--select", "T1", old, disclosures / "current.txt")
    assert checked(report) == [str(old), str(disclosures / "current.txt")]
    assert result.exit_code == 1
    # as a pre-commit hook runs it: the staged files named, the configuration's exclusions kept
    _, report = check_json("--select", "T1", "--force-exclude", old, disclosures / "current.txt")
    assert checked(report) == [str(disclosures / "current.txt")]
    result, report = check_json("--force-exclude", old)
    assert (result.exit_code, report["files"]) == (0, [])


def test_force_exclude_applies_the_exclude_option_too(disclosures):
    draft = disclosures / "drafts" / "draft.txt"
    _, report = check_json("--exclude", "drafts", "--force-exclude", draft, disclosures / "current.txt")
    assert checked(report) == [str(disclosures / "current.txt")]


# -- exit codes: an internal error is 3, never 1 -----------------------------------------------------

def boom(*args, **kwargs):
    raise RuntimeError("模拟的程序错误")


@pytest.mark.parametrize(("command", "failing"), [
    (["check", SEED002], (api, "configured_rules")),
    (["rules"], (api, "active_rules")),
    (["config"], (config, "as_toml")),
])
def test_an_exception_escaping_a_command_is_exit_3_without_a_traceback(in_tmp, monkeypatch, command, failing):
    monkeypatch.setattr(*failing, boom)
    monkeypatch.delenv("BUDGETLINT_DEBUG", raising=False)
    result = run(*command)
    assert result.exit_code == 3, result.output
    assert "Traceback" not in result.output
    assert "budgetlint 内部错误：RuntimeError: 模拟的程序错误，请报告此问题" in result.stderr
    assert "BUDGETLINT_DEBUG=1" in result.stderr


def test_budgetlint_debug_shows_the_traceback(in_tmp, monkeypatch):
    monkeypatch.setattr(api, "configured_rules", boom)
    monkeypatch.setenv("BUDGETLINT_DEBUG", "1")
    result = run("check", SEED002)
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "模拟的程序错误" in result.stderr


def test_ctrl_c_in_any_command_is_exit_130(in_tmp, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "active_rules", interrupt)
    result = run("rules")
    assert result.exit_code == 130
    assert "已中断" in result.stderr and "Traceback" not in result.output


def test_ctrl_c_while_starting_is_exit_130_not_clicks_aborted_1(in_tmp, monkeypatch):
    """Ctrl-C before a command runs (reading options, where click would print "Aborted!" and exit 1)."""
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(click.Command, "parse_args", interrupt)
    result = run("rules")
    assert result.exit_code == 130
    assert "已中断" in result.stderr and "Aborted" not in result.output


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_a_reader_closing_the_output_is_exit_141_without_a_traceback():
    """`budgetlint check . | head`: the reader goes away before the report is written; that is
    neither a finding nor a bug."""
    examples = Path(__file__).parent.parent / "examples"
    with subprocess.Popen([sys.executable, "-m", "validator", "check", "--format", "json", str(examples)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.close()  # before the check ends: its report meets a closed pipe
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=300) == 141, stderr
    assert "Traceback" not in stderr and "内部错误" not in stderr


def reader_failing_on(name):
    """read_document with a bug that shows on one file (patched before any worker forks)."""
    real = checking.read_document

    def read(path, *args, **kwargs):
        if path.name == name:
            raise ZeroDivisionError("division by zero")
        return real(path, *args, **kwargs)

    return read


@pytest.fixture
def two_files(in_tmp, wrong_total):
    """a-broken.txt (its reader will fail) and b-checked.txt (the wrong total: T1-01, T1-03)."""
    folder = in_tmp / "batch"
    folder.mkdir()
    shutil.copy(wrong_total, folder / "a-broken.txt")
    shutil.copy(wrong_total, folder / "b-checked.txt")
    return folder


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("fail_on", ["error", "never"])
def test_a_file_whose_reader_fails_gives_the_full_report_and_exit_3(two_files, monkeypatch, jobs, fail_on):
    monkeypatch.setattr(checking, "read_document", reader_failing_on("a-broken.txt"))
    result, report = check_json("--jobs", jobs, "--fail-on", fail_on, "--select", "T1", two_files, code=(3,))
    broken, fine = (str(two_files / n) for n in ("a-broken.txt", "b-checked.txt"))
    assert checked(report) == [broken, fine]
    assert {(rule, f["file"]) for f in report["findings"] for rule in f.get("culprit", {}).get("rules", [f["rule"]])} \
        == {("READ-01", broken), ("T1-01", fine), ("T1-03", fine)}
    (read,) = [f for f in report["findings"] if f["rule"] == "READ-01"]
    assert "读取时出现内部错误（ZeroDivisionError: division by zero），请报告此问题" in read["message"]
    assert [f["internal_error"] for f in report["files"]] == [True, False]
    assert report["summary"]["internal_errors"] == 1
    assert "1 个文件读取或检查时出错" in result.stderr


def test_a_file_that_trips_the_engine_gives_exit_3_in_the_text_report(two_files, monkeypatch):
    real = engine.Engine.run

    def run_failing(self, document, ignored=lambda rule: False):
        if document.path.endswith("a-broken.txt"):
            raise KeyError("模拟")
        return real(self, document, ignored)

    monkeypatch.setattr(engine.Engine, "run", run_failing)
    result = run("check", "--jobs", "1", "--select", "T1", two_files)
    assert result.exit_code == 3, result.output
    assert "检查时出现内部错误（KeyError" in result.stdout and "T1-01" in result.stdout
    assert "Traceback" not in result.output


def test_an_internal_error_is_not_hidden_by_writing_a_baseline_or_ignoring_read_01(two_files, monkeypatch):
    monkeypatch.setattr(checking, "read_document", reader_failing_on("a-broken.txt"))
    baseline = two_files / "baseline.json"
    assert run("check", "--jobs", "1", "--write-baseline", baseline, two_files).exit_code == 3
    assert run("check", "--jobs", "1", "--ignore", "READ-01", two_files).exit_code == 3


def test_an_ordinary_unreadable_file_is_a_finding_not_an_internal_error(in_tmp):
    bad = write(in_tmp / "binary.txt", "")
    bad.write_bytes(b"\xff\xfe\x80\xff")
    result, report = check_json(bad)
    assert result.exit_code == 1
    assert "internal_errors" not in report["summary"]
    assert report["files"][0]["internal_error"] is False


def test_the_module_docstring_and_the_readme_give_the_same_exit_codes():
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    for code in ("0", "1", "2", "3", "130", "141"):
        assert f"| {code} |" in section
        assert f"\n  {code} " in cli.__doc__
