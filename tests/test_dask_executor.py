"""Checking on a Dask cluster (`--executor dask --scheduler ADDRESS`): the report is byte for byte
that of a local run; a file that kills its worker is retried, then READ-01, and the run goes on; the
time limit holds in a worker's task thread; at most two files per worker thread are in flight; Ctrl-C
leaves the partial report; a cluster that cannot check (unreachable, without workers of the same
budgetlint, without the dask extra) is a clear message and exit code 2 before anything is checked.

The clusters are LocalClusters of two worker processes with one thread each, as `dask worker
--nworkers 2 --nthreads 1` starts them on another machine (they take seconds to start: slow)."""

import json
import os
import shutil
import sys
import threading
import time
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin
from helpers import CONSISTENT, FIXTURES, SEED002, WARNING_RULE, run, stop_after, write

import validator.checking as checking
import validator.dask_executor as dask_executor
from validator.api import Interrupted, check
from validator.batch import check_in_time
from validator.checking import CheckOptions, FileChecker, configured_rules, unreadable
from validator.errors import ExecutorError


def local_cluster(**config):
    with dask.config.set(config):  # the scheduler reads its settings as it starts
        return LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0")  # any free port


@pytest.fixture(scope="module")
def cluster():
    with local_cluster() as started:
        yield started.scheduler_address


@pytest.fixture
def folder(tmp_path, wrong_total):
    """Seven inputs: the seed (its year in its name), a consistent one, a wrong total, a workbook, an
    unreadable file, a copy of the seed and a file too large to travel (with max-bytes 40000); a
    configuration with a user rule (a relative path) and per-file-ignores."""
    root = tmp_path / "inputs"
    root.mkdir()
    shutil.copy(SEED002, root / "a-2024年决算.txt")
    shutil.copy(CONSISTENT, root / "b-consistent.txt")
    shutil.copy(wrong_total, root / "c-wrong-total.txt")
    shutil.copy(FIXTURES / "seed002" / "final_accounts.xlsx", root / "d-workbook.xlsx")
    (root / "e-binary.txt").write_bytes(b"\xff\xfe\x80\xff")
    shutil.copy(SEED002, root / "f-seed-again.txt")
    write(root / "g-too-large.txt", "决算\n" * 20000)
    write(tmp_path / "own-rules.yaml", WARNING_RULE)
    write(tmp_path / "budgetlint.toml", 'rules = ["own-rules.yaml"]\nmax-bytes = 90000\n'
                                        '[per-file-ignores]\n"inputs/f-*.txt" = ["SE"]\n')
    return root


@pytest.mark.slow
def test_the_json_report_of_a_cluster_is_that_of_a_local_run_byte_for_byte(cluster, folder, monkeypatch):
    """Relative paths, which a worker (in another folder) could not follow: the inputs, the configuration,
    its rule file and a per-file-ignores glob with a folder in it."""
    monkeypatch.chdir(folder.parent)
    local = run("check", "--format", "json", "--config", "budgetlint.toml", "inputs")
    distributed = run("check", "--format", "json", "--config", "budgetlint.toml", "--executor", "dask",
                      "--scheduler", cluster, "inputs")
    assert distributed.exit_code == local.exit_code == 1, distributed.output
    assert distributed.stdout == local.stdout
    report = json.loads(distributed.stdout)
    by_rule = {(f["rule"], Path(f["file"]).name) for f in report["findings"]}
    assert ("ZZTEST-01", "a-2024年决算.txt") in by_rule  # the user rule reached the workers
    assert not any(rule.startswith("SE") and name == "f-seed-again.txt" for rule, name in by_rule)
    assert any(rule.startswith("SE") and name == "a-2024年决算.txt" for rule, name in by_rule)
    assert ("READ-01", "g-too-large.txt") in by_rule and ("READ-01", "e-binary.txt") in by_rule
    (seed,) = [f for f in report["files"] if f["path"].endswith("a-2024年决算.txt")]
    assert seed["path"] == "inputs/a-2024年决算.txt"


@pytest.mark.slow
def test_a_cluster_fills_the_cache_and_its_second_run_checks_nothing(cluster, folder, monkeypatch):
    """The cluster, the cache and the streamed report together: the second run gives the same bytes."""
    monkeypatch.chdir(folder.parent)
    runs = [run("check", "--format", "json", "--config", "budgetlint.toml", "--executor", "dask", "--scheduler", cluster,
                "--cache", "cache", "inputs") for _ in range(2)]
    assert [r.exit_code for r in runs] == [1, 1], runs[1].output
    assert runs[0].stdout == runs[1].stdout
    assert "命中 0 个文件，检查 7 个" in runs[0].stderr
    assert "命中 6 个文件，检查 1 个" in runs[1].stderr  # only the file refused for its size, never kept


@pytest.mark.slow
def test_a_scanned_pdf_is_read_by_ocr_in_a_worker_as_here(cluster):
    """A Dask worker is a daemonic process, which may start no OCR page processes: it reads page after page."""
    pytest.importorskip("rapidocr")
    scanned = FIXTURES / "seed002" / "scanned_two_pages.pdf"
    (read,) = check([scanned], scheduler=cluster).files
    assert read.error is None and read.ocr and read.tables == ["公开01表"]


@pytest.mark.slow
def test_two_files_per_worker_thread_are_in_flight_at_most(cluster, folder, monkeypatch):
    for number in range(12):
        shutil.copy(CONSISTENT, folder / f"h-{number:02}.txt")
    in_flight = []
    submit = dask_executor._ClusterRun.submit

    def counted(run, index):
        in_flight.append(len(in_flight) + 1 - len(run.done))
        return submit(run, index)

    monkeypatch.setattr(dask_executor._ClusterRun, "submit", counted)
    report = check([folder], scheduler=cluster)
    assert len(report.files) == 19
    assert max(in_flight) == 4  # two workers of one thread


@pytest.mark.slow
def test_a_file_larger_than_dask_likes_in_a_task_travels_without_a_warning(cluster, tmp_path):
    """Dask warns about task graphs over 10 MB (filterwarnings makes a warning an error here)."""
    large = tmp_path / "large.txt"
    large.write_bytes(b"\0" * 11_000_000)
    (read,) = check([large], scheduler=cluster).files
    assert read.error == "不是文本文件（含 NUL 字符）"


@pytest.mark.slow
def test_ctrl_c_cancels_the_files_in_flight_and_leaves_the_report_of_those_done(cluster, folder):
    with pytest.raises(Interrupted) as stopped:
        check([folder], scheduler=cluster, progress=stop_after(2))
    report = stopped.value.report
    paths = [f.path for f in report.files]
    assert len(paths) == 2 and paths == sorted(paths)
    assert report.interrupted == 5


@pytest.mark.slow
def test_workers_of_another_budgetlint_are_refused_before_anything_is_checked(cluster, folder, monkeypatch):
    monkeypatch.setattr(dask_executor, "__version__", "9.9.9")
    checked = []
    with pytest.raises(ExecutorError, match=r"工作节点 tcp://127\.0\.0\.1:\d+ 安装的是 budgetlint 0\.1\.0，本机是 9\.9\.9"):
        check([folder], scheduler=cluster, progress=lambda *done: checked.append(done))
    assert checked == []


@pytest.mark.slow
def test_a_rule_file_a_worker_cannot_load_stops_the_run_with_a_message(cluster, tmp_path):
    """On another machine a rule file must be at the same path; here it vanishes after the client loaded it."""
    rules = write(tmp_path / "own-rules.yaml", WARNING_RULE)
    options = CheckOptions(rules=(rules,))
    configured_rules(options)
    rules.unlink()
    with pytest.raises(ExecutorError, match="工作节点无法加载规则：.*own-rules.yaml.*须在每台工作节点上的同一路径"):
        dask_executor.check_on_cluster([SEED002], options, cluster, {}, None)


class Misbehaving(WorkerPlugin):
    """In every worker, those started after one died too: reading crash.txt ends the worker's process,
    reading slow.txt spins for a minute (in Python: the time limit's timer strikes between instructions)."""

    def setup(self, worker):
        real = checking.read_document

        def read(path, *args, **kwargs):
            if path.name == "crash.txt":
                os._exit(1)
            if path.name == "slow.txt":
                began = time.monotonic()
                while time.monotonic() - began < 60:
                    pass
            return real(path, *args, **kwargs)

        checking.read_document = read


@pytest.fixture(scope="module")
def misbehaving_cluster():
    """Its scheduler gives a task up after two workers died running it (allowed-failures 1, not 3: fewer restarts)."""
    with local_cluster(**{"distributed.scheduler.allowed-failures": 1}) as started:
        with Client(started) as client:
            client.register_plugin(Misbehaving())
        yield started.scheduler_address


@pytest.mark.slow
def test_a_file_that_kills_its_workers_is_read_01_and_the_rest_is_checked(misbehaving_cluster, folder):
    (folder / "crash.txt").write_text("anything", encoding="utf-8")
    report = check([folder], scheduler=misbehaving_cluster)
    by_file = {Path(f.path).name: f for f in report.files}
    assert len(by_file) == 8
    assert by_file["crash.txt"].error == dask_executor.WORKERS_DIED
    (crash,) = [f for f in report.findings if f.file == str(folder / "crash.txt")]
    assert crash.rule == "READ-01" and "工作节点多次意外退出" in crash.message
    assert all(by_file[name].error is None for name in ("a-2024年决算.txt", "d-workbook.xlsx", "f-seed-again.txt"))


@pytest.mark.slow
def test_a_file_out_of_time_in_a_worker_is_read_01(misbehaving_cluster, folder):
    (folder / "slow.txt").write_text("anything", encoding="utf-8")
    began = time.monotonic()
    report = check([folder], scheduler=misbehaving_cluster, timeout=0.5)
    assert time.monotonic() - began < 40
    (slow,) = [f for f in report.findings if f.file == str(folder / "slow.txt")]
    assert slow.rule == "READ-01" and "检查超过 0.5 秒" in slow.message
    assert len(report.files) == 8


# -- without a cluster -------------------------------------------------------------------------------

def test_an_unreachable_scheduler_is_named_with_exit_code_2(monkeypatch, folder):
    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 0.5)
    result = run("check", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1", folder)
    assert result.exit_code == 2
    assert "无法连接 Dask 调度器 tcp://127.0.0.1:1：0.5 秒内没有连上" in result.stderr
    assert "Traceback" not in result.output and result.stdout == ""


def test_a_scheduler_address_that_is_none_is_named_with_exit_code_2(folder):
    result = run("check", "--executor", "dask", "--scheduler", "调度器", folder)
    assert result.exit_code == 2 and "Dask 调度器地址 调度器 无效" in result.stderr


def test_without_the_dask_extra_the_message_says_what_to_install(monkeypatch, folder):
    monkeypatch.setitem(sys.modules, "distributed", None)  # `import distributed` fails as if not installed
    result = run("check", "--executor", "dask", "--scheduler", "tcp://127.0.0.1:8786", folder)
    assert result.exit_code == 2
    assert "pip install 'budgetlint[dask]'" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize(("options", "message"), [
    (["--executor", "dask"], "--executor dask 须给出 --scheduler"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler 只能与 --executor dask 一起使用"),
])
def test_executor_and_scheduler_go_together(options, message):
    result = run("check", *options, SEED002)
    assert result.exit_code == 2 and message in result.stderr


def test_a_worker_checks_the_bytes_in_a_copy_named_as_the_original():
    """Run here as a worker runs it: the outcome, and the document the files are compared by, name the original path."""
    named = Path("某地/2024年/某单位决算.txt")
    options = CheckOptions(keep_documents=True)
    outcome = dask_executor._check_copy(options, named, SEED002.read_bytes(), [])
    expected = FileChecker(options, configured_rules(options)).check(SEED002)
    assert outcome.result.path == outcome.document.path == str(named)
    assert {f.file for f in outcome.findings} == {str(named)} and {s.file for s in outcome.skips} == {str(named)}
    assert [f.message for f in outcome.findings] == [f.message for f in expected.findings]
    assert len(outcome.skips) == len(expected.skips)


def test_a_worker_thread_builds_its_checker_once_per_options(monkeypatch):
    built = []
    real = dask_executor.configured_rules
    monkeypatch.setattr(dask_executor, "configured_rules", lambda options: built.append(options) or real(options))
    monkeypatch.setattr(dask_executor, "_per_thread", threading.local())
    data = CONSISTENT.read_bytes()
    for options in (CheckOptions(), CheckOptions(), CheckOptions(select_ids=("T",)), CheckOptions(select_ids=("T",))):
        dask_executor._check_copy(options, CONSISTENT, data, [])
    assert built == [CheckOptions(), CheckOptions(select_ids=("T",))]


def test_the_time_limit_holds_in_a_thread_where_no_alarm_reaches(monkeypatch):
    real = checking.read_document

    def spinning(path, *args, **kwargs):
        began = time.monotonic()
        while time.monotonic() - began < 30:
            pass
        return real(path, *args, **kwargs)

    monkeypatch.setattr(checking, "read_document", spinning)
    checker = FileChecker(CheckOptions(timeout=0.3), configured_rules(CheckOptions()))
    outcomes = []
    worker = threading.Thread(target=lambda: outcomes.append(check_in_time(checker, CONSISTENT)))
    began = time.monotonic()
    worker.start()
    worker.join(20)
    assert time.monotonic() - began < 10
    (outcome,) = outcomes
    assert outcome.result.error == "检查超过 0.3 秒，已停止（文件可能过大或含恶意内容）"


@pytest.mark.slow
def test_a_scheduler_without_workers_is_named_with_exit_code_2(monkeypatch, folder):
    monkeypatch.setattr(dask_executor, "CONNECT_SECONDS", 0.5)
    with LocalCluster(n_workers=0, dashboard_address=":0") as empty:
        result = run("check", "--executor", "dask", "--scheduler", empty.scheduler_address, folder)
    assert result.exit_code == 2
    assert f"Dask 调度器 {empty.scheduler_address} 上 0.5 秒内没有工作节点" in result.stderr


def test_a_file_killed_in_the_batch_is_retried_alone_and_only_then_read_01(monkeypatch):
    """The scheduler blames every file queued on a worker that died: two are given up in the batch, one
    of them passes alone (it was only beside the culprit), the other kills its workers alone too."""
    tried = []

    def check(run, indices, window):
        tried.append((list(indices), window))
        if window > 1:
            return [1, 2]
        if indices == [1]:
            run.record(1, unreadable(run.files[1], "本来可以读取"))
            return []
        return [2]

    monkeypatch.setattr(dask_executor, "_connect", lambda scheduler: FakeClient())
    monkeypatch.setattr(dask_executor, "_same_budgetlint", lambda client: None)
    monkeypatch.setattr(dask_executor._ClusterRun, "check", check)
    done = {}
    files = [Path("a.txt"), Path("b.txt"), Path("c.txt")]
    dask_executor.check_on_cluster(files, CheckOptions(), "tcp://scheduler:8786", done, None)
    assert tried == [([0, 1, 2], 4), ([1], 1), ([2], 1)]
    assert done[1].result.error == "本来可以读取" and done[2].result.error == dask_executor.WORKERS_DIED


class FakeClient:
    def nthreads(self):
        return {"tcp://a:1": 1, "tcp://b:1": 1}

    def close(self):
        pass
