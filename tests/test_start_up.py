"""What a one-file check loads at start-up: only the reader of its own format and the reporter of its
own format, no example runner without user rules, and the vocabulary through libyaml. Each is a measurable share of a one-file run's CPU time
(benchmarks/speed.py); the imports are looked at in a fresh interpreter."""

import gc
import json
import subprocess
import sys
from pathlib import Path

import yaml

from validator.claims import vocabulary as vocabulary_module
from validator.collector import paused

FIXTURES = Path(__file__).parent / "fixtures"


def modules_after_check(path, output_format="json", cwd=None, env=None):
    """The modules imported by `budgetlint check PATH --format FORMAT` in a fresh interpreter."""
    script = ("import sys, json\nfrom validator.cli import main\n"
              "try:\n    main(['check', sys.argv[1], '--format', sys.argv[2], '-o', '/dev/null'])\n"
              "except SystemExit:\n    pass\n"
              "print(json.dumps(sorted(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", script, str(path), output_format], capture_output=True,
                            text=True, check=True, cwd=cwd, env=env)
    return set(json.loads(result.stdout.splitlines()[-1]))


def top_level(modules):
    return {name.split(".")[0] for name in modules}


def test_a_text_dump_is_checked_without_loading_the_pdf_or_workbook_readers():
    loaded = modules_after_check(FIXTURES / "seed001.txt")
    assert "validator.readers.text" in loaded
    assert not loaded & {"validator.readers.pdf", "validator.readers.pdf_pdfium", "validator.readers.excel",
                         "validator.readers.pdf_ocr"}


def test_a_workbook_loads_its_reader_when_it_comes():
    assert "validator.readers.excel" in modules_after_check(FIXTURES / "seed002" / "final_accounts.xlsx")


def test_a_json_report_loads_neither_rich_nor_jinja2_nor_openpyxl():
    """They serve the terminal, the HTML reports and the .xlsx check-sheet."""
    loaded = modules_after_check(FIXTURES / "seed001.txt")
    assert "validator.reporters.json_report" in loaded
    assert not top_level(loaded) & {"rich", "jinja2", "openpyxl", "numpy", "pypdfium2"}


def test_a_local_check_loads_neither_the_cluster_client_nor_the_cache_database():
    """They serve --executor dask (asyncio, the Dask client) and --cache (sqlite3)."""
    loaded = modules_after_check(FIXTURES / "seed001.txt")
    assert not loaded & {"validator.dask_executor", "validator.cache", "asyncio", "sqlite3"}


def test_a_one_file_check_loads_no_process_pool():
    """A pool of worker processes serves a batch of several files: its import is a twentieth of a
    one-file run (concurrent.futures.process brings multiprocessing)."""
    loaded = modules_after_check(FIXTURES / "seed001.txt")
    assert not loaded & {"concurrent.futures.process", "multiprocessing"}


def test_a_format_loads_its_reporter_when_it_is_asked_for():
    loaded = modules_after_check(FIXTURES / "seed001.txt", "html")
    assert {"validator.reporters.html_report", "jinja2"} <= loaded
    assert "validator.reporters.json_report" not in loaded


def test_without_user_rules_the_example_runner_is_not_loaded():
    assert "validator.rule_tests" not in modules_after_check(FIXTURES / "seed001.txt")


def test_the_vocabulary_is_read_without_the_pure_python_yaml_loader(monkeypatch):
    monkeypatch.setattr(yaml, "safe_load", lambda *args: (_ for _ in ()).throw(AssertionError("pure-Python loader")))
    vocabulary_module.vocabulary.cache_clear()
    try:
        assert vocabulary_module.vocabulary().money_factors
    finally:
        vocabulary_module.vocabulary.cache_clear()


def test_a_one_file_text_check_imports_nothing_it_does_not_use(tmp_path, monkeypatch):
    """A one-file check of a text dump, in a folder without a configuration file, once the built-in
    files' parse is kept (builtin_cache): no other format's reader, no other report's renderer, no YAML
    or TOML parser, no process pool, cluster client, cache database or web service. Each would be a
    measurable share of the 0.4 CPU-seconds such a check may take (benchmarks/speed.py)."""
    monkeypatch.setenv("BUDGETLINT_RULE_CACHE", str(tmp_path / "cache"))
    seed = FIXTURES / "seed002.txt"
    modules_after_check(seed, cwd=tmp_path)  # keeps the built-in files' parse
    loaded = modules_after_check(seed, cwd=tmp_path)
    assert "validator.readers.text" in loaded
    assert not top_level(loaded) & {"pypdfium2", "openpyxl", "xlrd", "numpy", "PIL", "rich", "jinja2", "yaml",
                                    "tomllib", "multiprocessing", "asyncio", "sqlite3", "dask", "distributed",
                                    "fastapi", "starlette", "uvicorn", "sqlalchemy"}
    assert not loaded & {"concurrent.futures", "validator.yamlnodes", "validator.readers.pdf",
                         "validator.readers.excel", "validator.readers.structured", "validator.rule_tests",
                         "validator.examples", "validator.explain", "validator.cache", "validator.dask_executor",
                         "validator.excel_annotation", "validator.web"}


def test_what_start_up_makes_is_not_collected_and_joins_the_oldest_generation():
    """Loading the modules and rules makes objects that live as long as the process: collecting them over
    and over was a tenth of a one-file check."""
    with paused():
        assert not gc.isenabled()
        kept = [[index] for index in range(5_000)]
    assert gc.isenabled()
    assert gc.get_count()[0] < len(kept)  # not left among the young objects that the next collection goes through


def test_a_collector_paused_by_the_caller_stays_paused():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_at_exit_the_command_leaves_its_objects_to_the_process_end():
    """The interpreter's last collections would go through every object of the run; frozen at exit, they
    are not (an atexit handler registered before the command runs after the freeze)."""
    script = ("import atexit, gc\natexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
              "from validator.cli import main\nmain(['--version'])")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.splitlines()[-1] == "frozen True"
