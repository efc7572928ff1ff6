"""The command line as a first user meets it: in a real terminal (a pseudo-terminal of a fixed size,
everything written to it read back), output files in folders that do not exist yet or cannot be
written, `python -m validator`, the pre-commit hook's file patterns, `--statistics` in every format
and Ctrl-C stopping a run at once."""

import errno
import fcntl
import json
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import textwrap
import time
from pathlib import Path

import openpyxl
import pytest
import yaml
from rich.cells import cell_len
from helpers import run

import validator.api
from validator.cli import FORMATS
from validator.readers import READERS
from validator.reporters import WITH_STATISTICS

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
WORKBOOK = FIXTURES / "seed002" / "final_accounts.xlsx"
BUDGETLINT = Path(sys.executable).with_name("budgetlint")  # the script pip installs, as a user types it
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def in_terminal(*args, cwd, columns=100, lines=40, timeout=60):
    """Run budgetlint with stdin, stdout and stderr on one pseudo-terminal of `columns` x `lines`
    (its window size, not COLUMNS/LINES); (exit code, everything written to the terminal)."""
    assert BUDGETLINT.exists(), f"{BUDGETLINT}: install the package (pip install -e .)"
    controller, terminal = os.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")}
    process = subprocess.Popen([str(BUDGETLINT), *map(str, args)], stdin=terminal, stdout=terminal,
                               stderr=terminal, cwd=cwd, env=env | {"TERM": "xterm-256color"},
                               start_new_session=True)
    os.close(terminal)
    written = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not select.select([controller], [], [], 1)[0]:
                continue
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # EIO: every end of the terminal is closed, the run is over
                break
            if not chunk:
                break
            written += chunk
    finally:
        os.close(controller)
    return process.wait(timeout=10), written.decode("utf-8")


def screen_lines(written):
    """The terminal output without colours and cursor movements, one line per line or redraw."""
    return [line for line in re.split(r"[\r\n]+", ESCAPE.sub("", written)) if line.strip()]


# -- a real terminal ------------------------------------------------------------------------------------

def test_the_readme_first_command_shows_the_report_and_exits_1():
    code, written = in_terminal("check", "examples/", cwd=ROOT)
    lines = screen_lines(written)
    assert "Traceback" not in written
    assert code == 1
    assert "examples/with-mistakes.yaml" in lines
    assert any("错误 T5-02" in line for line in lines) and any("错误 SE-08" in line for line in lines)
    assert re.match(r"共检查 2 个文件：[1-9]\d* 个错误", lines[-1]), lines[-1]
    assert "\x1b[" in written  # coloured: the report knows it is on a terminal
    assert any(line.startswith("检查 ") and "2/2" in line for line in lines)  # and the progress bar was shown


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_the_progress_bar_shows_each_path_relative_to_the_working_directory(tmp_path):
    work, elsewhere = tmp_path / "work", tmp_path / "elsewhere"
    (work / "公开").mkdir(parents=True)
    elsewhere.mkdir()
    shutil.copy(FIXTURES / "seed000.txt", work / "公开" / "a.txt")
    shutil.copy(FIXTURES / "seed003.txt", elsewhere / "b.txt")
    code, written = in_terminal("check", "--jobs", "1", work / "公开" / "a.txt", "../elsewhere/b.txt", cwd=work)
    assert code == 0 and "Traceback" not in written
    bar = [line for line in screen_lines(written) if line.startswith("检查 ")]
    # after each file: its path as the user sees it from here (an absolute one below the working
    # directory made relative, one outside it as given)
    assert any(line.endswith("1/2 -:--:-- 公开/a.txt") for line in bar), bar
    assert any(line.endswith(" ../elsewhere/b.txt") for line in bar), bar


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_a_long_path_is_cut_at_its_start_so_the_bar_keeps_one_line_and_the_file_name(tmp_path):
    deep = tmp_path / "各部门" / ("很长的文件夹名称" * 4) / "2023"
    deep.mkdir(parents=True)
    shutil.copy(FIXTURES / "seed000.txt", deep / "部门决算公开.txt")
    code, written = in_terminal("check", "--jobs", "1", ".", cwd=tmp_path, columns=80)
    assert code == 0
    (bar,) = {line for line in screen_lines(written) if line.startswith("检查 ") and "1/1" in line}
    assert bar.endswith("/2023/部门决算公开.txt") and "…" in bar and cell_len(bar) <= 80, bar


def test_no_progress_bar_when_stderr_is_not_a_terminal():
    result = subprocess.run([sys.executable, "-m", "validator", "check", "examples/with-mistakes.yaml"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and result.stderr == ""


@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_annotate_excel_writes_its_copy_when_stdout_is_a_terminal(tmp_path):
    code, written = in_terminal("check", "--show-rounding", WORKBOOK, "--annotate-excel", "标注/副本.xlsx",
                                cwd=tmp_path)
    assert code == 0 and "Traceback" not in written
    assert "未生成标注副本" not in written
    copy = openpyxl.load_workbook(tmp_path / "标注" / "副本.xlsx")
    assert any(cell.comment for sheet in copy for row in sheet.iter_rows() for cell in row)


# -- output paths ---------------------------------------------------------------------------------------

SEED = FIXTURES / "seed001.txt"  # three errors


@pytest.mark.parametrize(("args", "target"), [
    (("check", "--format", "sarif", "-o", "reports/x.sarif", SEED), "reports/x.sarif"),
    (("check", "--write-baseline", "b/base.json", SEED), "b/base.json"),
    (("check", WORKBOOK, "--annotate-excel", "out/a.xlsx"), "out/a.xlsx"),
    (("parse", SEED, "-o", "out/deeper/t.yaml"), "out/deeper/t.yaml"),
], ids=["output", "write-baseline", "annotate-excel", "parse"])
def test_an_output_file_in_a_folder_that_does_not_exist_creates_it(tmp_path, monkeypatch, args, target):
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code in (0, 1), result.output
    assert (tmp_path / target).is_file() and (tmp_path / target).stat().st_size > 0


UNWRITABLE = [
    ("check", "-o", "{target}", SEED),
    ("check", "--write-baseline", "{target}", SEED),
    ("check", WORKBOOK, "--annotate-excel", "{target}"),
    ("parse", SEED, "-o", "{target}"),
]
UNWRITABLE_IDS = ["output", "write-baseline", "annotate-excel", "parse"]


@pytest.mark.parametrize("args", UNWRITABLE, ids=UNWRITABLE_IDS)
@pytest.mark.parametrize("below", ["", "sub/"], ids=["in-a-file", "deeper-in-a-file"])
def test_an_output_path_through_a_file_is_exit_2_naming_it_before_the_check(tmp_path, monkeypatch, args, below):
    """A path under a regular file cannot be written even as root (a read-only folder can)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "somefile").write_text("x", encoding="utf-8")
    target = f"somefile/{below}x.xlsx"
    checked = []
    monkeypatch.setattr(validator.api, "check", lambda *a, **k: checked.append(a))
    result = run(*(str(a).format(target=target) for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr == f"无法写入 {target}：somefile 是文件，不是文件夹\n"
    assert checked == []  # refused before the (possibly long) check


@pytest.mark.parametrize("args", UNWRITABLE, ids=UNWRITABLE_IDS)
def test_an_output_path_that_is_a_folder_is_exit_2(tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out.xlsx").mkdir()
    result = run(*(str(a).format(target="out.xlsx") for a in args))
    assert result.exit_code == 2, result.output
    assert result.stderr == "无法写入 out.xlsx：这是一个文件夹\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_an_output_path_in_a_read_only_folder_is_exit_2(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = run("check", "-o", locked / "x.json", SEED)
    assert result.exit_code == 2
    assert result.stderr == f"无法写入 {locked / 'x.json'}：没有写入权限\n"


def test_a_write_that_fails_after_the_check_is_exit_2_without_a_traceback(tmp_path, monkeypatch):
    def disk_full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("validator.reporters.json_text.write", disk_full)  # the baseline's, written at the end
    result = run("check", "--write-baseline", tmp_path / "base.json", SEED)
    assert result.exit_code == 2
    assert result.stderr == f"无法写入 {tmp_path / 'base.json'}：磁盘空间不足\n"


# -- python -m validator --------------------------------------------------------------------------------

@pytest.mark.slow  # end to end and heavy; a lighter test of this module stays in the fast layer
def test_python_m_validator_is_the_budgetlint_command():
    help_text = subprocess.run([sys.executable, "-m", "validator", "--help"], capture_output=True, text=True,
                               check=True).stdout
    assert help_text.startswith("Usage: budgetlint [OPTIONS] COMMAND")
    checked = subprocess.run([sys.executable, "-m", "validator", "check", "--format", "json", SEED],
                             capture_output=True, text=True)
    assert checked.returncode == 1
    assert json.loads(checked.stdout)["summary"]["errors"] == 3


# -- the pre-commit hook --------------------------------------------------------------------------------

def hook():
    (found,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return found


def hook_takes(path):
    """pre-commit's choice: `files` and `exclude` are Python regexes searched in the path from the repository root."""
    return bool(re.search(hook()["files"], path)) and not re.search(hook()["exclude"], path)


def test_pre_commit_hook_runs_check_with_the_configured_excludes():
    found = hook()
    assert (found["id"], found["entry"], found["language"], found["pass_filenames"]) == (
        "budgetlint", "budgetlint check --force-exclude", "python", True)


@pytest.mark.parametrize("path", ["公开/2023决算.pdf", "x.xlsx", "a.yaml", "b.yml", "c.json", "d.txt", "E.PDF",
                                  "部门/决算.XLS", "e.xlsm", "f.tsv", "examples/with-mistakes.yaml"])
def test_pre_commit_hook_takes_the_disclosures(path):
    assert hook_takes(path)


@pytest.mark.parametrize("path", [".pre-commit-config.yaml", ".pre-commit-hooks.yaml", ".github/workflows/ci.yml",
                                  ".gitlab-ci.yml", "sub/.circleci/config.yml", "pyproject.toml", "budgetlint.toml",
                                  "web/package.json", "package-lock.json", "tsconfig.base.json", "docker-compose.yml",
                                  "docs/mkdocs.yml", "environment.yaml", "a.docx", "b.et", "c.csv", "d.txt.bak"])
def test_pre_commit_hook_leaves_out_what_is_not_a_disclosure(path):
    assert not hook_takes(path)


def test_pre_commit_hook_takes_every_suffix_budgetlint_reads():
    assert all(hook_takes(f"a{suffix}") and hook_takes(f"A{suffix.upper()}") for suffix in READERS)


# -- --statistics in every format -----------------------------------------------------------------------

@pytest.mark.parametrize("output_format", FORMATS)
def test_statistics_are_shown_or_the_format_says_it_leaves_them_out(output_format):
    plain = run("check", "--format", output_format, SEED)
    result = run("check", "--format", output_format, "--statistics", SEED)
    assert result.exit_code == plain.exit_code == 1
    if output_format == "text":
        assert "按规则统计" in result.stdout and "按文件统计" in result.stdout
    elif output_format == "json":
        assert json.loads(result.stdout)["statistics"]["files"] == [
            {"path": str(SEED), "errors": 3, "warnings": 0, "infos": 0, "total": 3}]
    elif output_format == "sarif":
        (sarif_run,) = json.loads(result.stdout)["runs"]
        assert sarif_run["properties"]["statistics"]["files"][0]["total"] == 3
    elif output_format == "html":
        assert '<section id="statistics"><h2>按规则统计</h2>' in result.stdout and 'id="statistics"' not in plain.stdout
    else:
        assert output_format not in WITH_STATISTICS
        assert result.stdout == plain.stdout
        assert result.stderr == f"提示：{output_format} 格式不含 --statistics 的统计（统计见 --format text、json、sarif、html）\n"
    if output_format in WITH_STATISTICS:
        assert result.stderr == ""


# -- Ctrl-C ---------------------------------------------------------------------------------------------

SLOW_RUN = textwrap.dedent("""
    # budgetlint with a reader that takes a minute over files named slow-*: the patch is made on import,
    # so worker processes have it whether they are forked or spawned
    import os, time
    from pathlib import Path
    from validator import checking
    from validator.cli import main

    read = checking.read_document

    def slow_reader(path, *args):
        if path.name.startswith("slow-"):
            Path(os.environ["STARTED"], str(os.getpid())).touch()
            time.sleep(60)
        return read(path, *args)

    checking.read_document = slow_reader
    if __name__ == "__main__":
        main(prog_name="budgetlint")
""")


@pytest.mark.slow  # a real Ctrl-C to a pty subprocess, waited for
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_stops_within_2_seconds_with_exit_130_and_the_report_of_the_files_done(tmp_path, jobs):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEED, folder / "a-quick.txt")
    for number in range(6):
        shutil.copy(FIXTURES / "seed000.txt", folder / f"slow-{number}.txt")
    (tmp_path / "run.py").write_text(SLOW_RUN, encoding="utf-8")
    started = tmp_path / "started"
    started.mkdir()
    report = tmp_path / "report.json"
    with subprocess.Popen(
            [sys.executable, "run.py", "check", "--jobs", jobs, "--format", "json", "-o", report, folder],
            cwd=tmp_path, env=os.environ | {"STARTED": str(started)}, stderr=subprocess.PIPE, text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) as process:  # as in a shell
        deadline = time.monotonic() + 60
        while len(list(started.iterdir())) < int(jobs) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(started.iterdir())) == int(jobs), "the slow files never started"
        time.sleep(0.2)  # the quick file's outcome has reached the report
        process.send_signal(signal.SIGINT)
        stopped_at = time.monotonic()
        try:
            code = process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            code = None
        finally:
            process.kill()
        took = time.monotonic() - stopped_at
        assert code == 130 and took < 2, (code, took)
        assert "已中断" in process.stderr.read()
    written = json.loads(report.read_text(encoding="utf-8"))
    assert [f["path"] for f in written["files"]] == [str(folder / "a-quick.txt")]
    assert written["summary"]["not_checked"] == 6
    assert written["not_checked"] == [str(folder / f"slow-{number}.txt") for number in range(6)]
    for worker in started.iterdir():  # no worker left sleeping over its slow file
        assert not Path("/proc", worker.name).exists() or "zombie" in Path("/proc", worker.name, "status").read_text()
