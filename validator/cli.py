"""The command line: parse options, build the pieces, hand over.

Exit codes (as ruff; one meaning each, so that a CI gate can trust them):
  0    nothing at or above --fail-on
  1    findings at or above it
  2    a usage error (an unknown option, or a rule id or prefix that matches no rule) or an invalid
       rule, configuration or baseline file: no report is written
  3    an internal error, a bug of budgetlint: an exception escaping a command (one line on stderr;
       BUDGETLINT_DEBUG=1 shows the traceback), or a file it failed to read or check (the full report
       is still written). Never 1, which a CI job would take for findings
  130  Ctrl-C stopped the run (the partial report of the files done is still written, and a run cut
       short must never pass a gate)
  141  the program reading the output closed it early (`budgetlint check . | head`), as a shell
       reports a process ended by SIGPIPE
findings.exit_code decides a run's code; _Guarded turns what escapes a command into 3, 130 or 141.
"""

from __future__ import annotations

import errno
import os
import shutil
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

import click

from . import collector
from .findings import SEVERITY_WORDS
from .version import __version__

if TYPE_CHECKING:
    from .api import Progress
    from .cache import OutcomeCache
    from .checking import CheckOptions
    from .config import Settings
    from .findings import Report, RuleInfo, Tally
    from .reporters.parts import Writer

T = TypeVar("T")

# kept equal to validator.reporters.REPORTERS (a test checks), which is imported lazily
FORMATS = ("text", "json", "json-lines", "sarif", "junit", "github", "csv", "html", "checklist-html",
           "checklist-json")
# kept equal to validator.reporters.BINARY_REPORTERS: files, not text (the reviewer's .xlsx check-sheet)
BINARY_FORMATS = ("checklist",)


def _ids(values: tuple[str, ...]) -> list[str] | None:
    """The ids of a repeatable option, each value comma-separated (`--select T5 --select T9,X-01`)."""
    ids = [part.strip() for value in values for part in value.replace("，", ",").split(",") if part.strip()]
    return ids or None


class _Guarded(click.Group):
    """Runs a command so that nothing escapes it as a traceback: Ctrl-C exits 130 (also while starting,
    where click would print "Aborted!" and exit 1), a reader that closed our output (`| head`) 141, and
    any other exception is a bug of budgetlint, told in one line with exit code 3 (never 1, which a CI
    job reads as findings)."""

    def main(self, *args: Any, standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **extra)
        from .findings import EXIT_INTERRUPTED

        collector.frozen_at_exit()
        try:
            result = super().main(*args, standalone_mode=False, **extra)
        except click.ClickException as error:
            error.show()
            sys.exit(error.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("已中断", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(result if isinstance(result, int) else 0)  # click.exceptions.Exit (--help) returns its code

    def invoke(self, ctx: click.Context) -> Any:
        from .findings import EXIT_INTERNAL, EXIT_PIPE_CLOSED

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise  # usage errors, --help and Ctrl-C: main() reports them
        except BrokenPipeError:
            # Python's own advice: point stdout at devnull so that the flush at exit does not fail again
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(EXIT_PIPE_CLOSED)
        except Exception as error:
            if os.environ.get("BUDGETLINT_DEBUG"):
                traceback.print_exc()
                how = ""
            else:
                how = "（设置环境变量 BUDGETLINT_DEBUG=1 再运行可显示出错位置）"
            click.echo(f"budgetlint 内部错误：{type(error).__name__}: {error}，请报告此问题{how}", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Guarded, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="budgetlint")
def main() -> None:
    """budgetlint：部门/单位预算、决算公开和绩效自评材料的一致性检查工具。"""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMATS + BINARY_FORMATS), default="text",
              show_default=True, help="输出格式；checklist：审核人员的检查表（Excel，须用 -o 指定文件）。")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件而不是标准输出。")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="追加的规则文件或文件夹（可多次给出）。")
@click.option("--select", "select_ids", multiple=True,
              help="只运行这些规则（编号或前缀，逗号分隔或多次给出，如 T1,X-01）。")
@click.option("--extend-select", "extend_select_ids", multiple=True,
              help="在已选规则（配置的 select 或全部规则）之外再运行这些规则。")
@click.option("--ignore", "ignore_ids", multiple=True, help="不运行这些规则（编号或前缀，逗号分隔或多次给出）。")
@click.option("--exclude", "exclude", multiple=True, metavar="GLOB",
              help="在文件夹中查找时跳过匹配的文件或文件夹（glob，相对于配置文件所在文件夹；可多次给出）。")
@click.option("--force-exclude", is_flag=True, help="命令行直接给出的文件匹配 --exclude/exclude 时也跳过（供 pre-commit 使用）。")
@click.option("--fail-on", type=click.Choice([*SEVERITY_WORDS, "never"]),
              help="达到该严重程度的问题使退出码为 1。  [默认: error]")
@click.option("--show-rounding", is_flag=True, help="把尾差范围内的差异也列为提示。")
@click.option("--show-fixes", is_flag=True,
              help="列出每个可确定的错格及建议改为的数（文件、位置、所列 → 建议、可能原因）；不修改任何文件。")
@click.option("-v", "--verbose", is_flag=True, help="列出全部涉及单元格、跳过的规则和识别出的表格。")
@click.option("--max-bytes", type=click.IntRange(min=1), help="单个输入文件的大小上限（字节）。  [默认: 67108864]")
@click.option("--config", "config_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="配置文件（budgetlint.toml 或 pyproject.toml）；不给出时从当前目录向上查找。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行检查的进程数。  [默认: CPU 核数]")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              help="local：本机的 --jobs 个进程；dask：Dask 集群的工作节点（须给出 --scheduler，需要 pip install "
                   "'budgetlint[dask]'）。  [默认: local]")
@click.option("--scheduler", metavar="ADDRESS", help="Dask 调度器的地址（如 tcp://主机:8786），与 --executor dask 一起使用。")
@click.option("--timeout", type=float, callback=lambda ctx, param, value: _timeout(value),
              help="每个文件的时间上限（秒，0.1 到 86400），超时记为无法读取。  [默认: 300]")
@click.option("--statistics", is_flag=True, help="按规则和按文件统计问题数。")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="只报告不在此基线文件中的问题。")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(path_type=Path),
              help="把本次的全部问题写入基线文件（之后用 --baseline 只看新问题），退出码为 0。")
@click.option("--cache", "cache", type=click.Path(path_type=Path, file_okay=False),
              help="把每个文件的检查结果保存在此文件夹（SQLite 数据库）中：再次检查时只检查新增或改动过的文件，"
                   "中断后接着检查；删除该文件夹即清空缓存。")
@click.option("--annotate-excel", "annotated", type=click.Path(path_type=Path),
              help="另存一份 Excel 输入的副本，问题单元格填色并加批注（只能检查一个 .xlsx 文件）。")
def check(paths: tuple[Path, ...], output_format: str, output: Path | None, rule_paths: tuple[Path, ...],
          select_ids: tuple[str, ...], extend_select_ids: tuple[str, ...], ignore_ids: tuple[str, ...],
          exclude: tuple[str, ...], force_exclude: bool, fail_on: str | None, show_rounding: bool, verbose: bool,
          max_bytes: int | None, config_path: Path | None, jobs: int | None, executor: str, scheduler: str | None,
          timeout: float | None, statistics: bool, baseline_path: Path | None, write_baseline_path: Path | None,
          cache: Path | None, annotated: Path | None, show_fixes: bool = False) -> None:
    """检查预算、决算公开文件（文本、Excel、PDF、YAML/JSON），文件夹按递归查找。"""
    from .findings import exit_code
    from .reporters import BINARY_REPORTERS, REPORTERS, WITH_DOCUMENTS, WITH_STATISTICS, WRITERS

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"找不到输入：{', '.join(missing)}")
    if output_format in BINARY_REPORTERS and output is None and sys.stdout.isatty():
        raise click.UsageError(f"--format {output_format} 写出 Excel 工作簿，不能输出到终端：请用 -o 指定文件（如 -o 检查表.xlsx）")
    if (executor == "dask") != (scheduler is not None):
        raise click.UsageError("--executor dask 须给出 --scheduler（如 tcp://主机:8786）" if executor == "dask"
                               else "--scheduler 只能与 --executor dask 一起使用")
    if annotated:
        _check_annotation_target(paths, annotated)
    for target in (output, write_baseline_path, annotated):
        _writable(target)
    if statistics and output_format not in WITH_STATISTICS:
        click.echo(f"提示：{output_format} 格式不含 --statistics 的统计（统计见 --format "
                   f"{'、'.join(WITH_STATISTICS)}）", err=True)
    given = {"rules": rule_paths, "select": _ids(select_ids), "extend-select": _ids(extend_select_ids),
             "ignore": _ids(ignore_ids), "exclude": exclude, "fail-on": fail_on, "max-bytes": max_bytes,
             "jobs": jobs, "timeout": timeout, "cache": cache}
    settings = _settings(config_path, {k: v for k, v in given.items() if v},
                         show_rounding=show_rounding, force_exclude=force_exclude,
                         keep_documents=output_format in WITH_DOCUMENTS)
    from . import baseline  # after _settings, which imports the checks' modules with the collector paused
    from .api import Interrupted, expand
    from .api import check as run_check

    _warn_unknown_names(settings.options)
    baselines = {p.resolve() for p in (baseline_path, write_baseline_path) if p}
    if baselines:  # a baseline kept beside the disclosures is no input (its .json would be read as one)
        paths = tuple(p for p in expand(paths, settings.options) if p.resolve() not in baselines)
    if output_format in WRITERS and not annotated and not show_fixes:  # the fixes are listed from the whole report
        tally, interrupted = _check_streamed(paths, settings, output_format, verbose, statistics, output,
                                             baseline_path, write_baseline_path, scheduler)
        _after_check(tally, interrupted)
        sys.exit(exit_code(tally, settings.fail_on, interrupted=interrupted,
                           baseline_written=write_baseline_path is not None))
    interrupted = False
    with _outcome_cache(settings) as outcomes, _progress_bar() as progress:
        try:
            report = _or_exit_2(lambda: run_check(paths, settings.options, jobs=settings.jobs, progress=progress,
                                                  cache=outcomes, scheduler=scheduler))
        except Interrupted as stop:
            report, interrupted = stop.report, True
    if write_baseline_path:
        with _writing(write_baseline_path):
            written = baseline.write(report, write_baseline_path)
        click.echo(f"已把 {written} 个问题写入基线 {write_baseline_path}", err=True)
    elif baseline_path:
        _or_exit_2(baseline.apply, report, baseline_path)
    report.with_statistics = statistics
    if output_format in BINARY_REPORTERS:
        _write(BINARY_REPORTERS[output_format](report, verbose), output)
    elif output_format == "text":
        _write(REPORTERS[output_format](report, verbose) if output else _terminal_text(report, verbose), output)
    else:
        _write(REPORTERS[output_format](report, verbose), output)
    if show_fixes:
        _show_fixes(report, to_stderr=output_format != "text" or output is not None)
    if annotated:
        from .errors import ReadError
        from .excel_annotation import annotate_workbook

        try:
            with _writing(annotated):
                annotate_workbook(paths[0], report.findings, annotated)
        except ReadError as error:  # already a READ-01 finding; the copy is just not written
            click.echo(f"未生成标注副本：{error}", err=True)
    _after_check(report.tally(), interrupted)
    sys.exit(exit_code(report, settings.fail_on, interrupted=interrupted,
                       baseline_written=write_baseline_path is not None))


@contextmanager
def _outcome_cache(settings: Settings) -> Iterator[OutcomeCache | None]:
    """The cache of --cache or the configuration's `cache`, opened before any work (a damaged database
    stops the run with exit code 2); after the run, how many files it gave and how many were checked."""
    if settings.cache is None:
        yield None
        return
    from .cache import OutcomeCache

    with _or_exit_2(OutcomeCache, settings.cache, settings.options) as outcomes:
        yield outcomes
    click.echo(f"缓存：命中 {outcomes.hits} 个文件，检查 {outcomes.checked} 个", err=True)
    if outcomes.failure:
        click.echo(f"警告：{outcomes.failure}；本次的结果未全部存入缓存", err=True)


def _check_streamed(paths: tuple[Path, ...], settings: Settings, output_format: str, verbose: bool,
                    statistics: bool, output: Path | None, baseline_path: Path | None,
                    write_baseline_path: Path | None, scheduler: str | None) -> tuple[Tally, bool]:
    """The check of a format written as the files are checked (validator.streaming): no report held whole."""
    from . import baseline
    from .api import Interrupted, stream
    from .reporters import WRITERS
    from .reporters.parts import RunStart
    from .spool import TextSpool

    given = _or_exit_2(baseline.Baseline, baseline_path) if baseline_path and not write_baseline_path else None
    with _report_output(output) as shown:
        # on a terminal that the progress bar holds, the report follows the bar, as a report rendered whole
        out = TextSpool() if output is None and sys.stdout.isatty() and sys.stderr.isatty() else shown

        def writers(rules: dict[str, RuleInfo]) -> list[Writer]:
            start = RunStart(__version__, rules, verbose, statistics, given is not None)
            if output_format == "text" and not output:
                color = sys.stdout.isatty()
                width = shutil.get_terminal_size().columns if color else 120
                made = [WRITERS["text"](out, start, color=color, width=width)]
            else:
                made = [WRITERS[output_format](out, start)]
            if write_baseline_path:
                made.append(baseline.Recorder(write_baseline_path.parent, lambda: _written(write_baseline_path)))
            return made

        with _outcome_cache(settings) as outcomes, _progress_bar() as progress:
            try:
                tally, interrupted = _or_exit_2(lambda: stream(paths, settings.options, writers, jobs=settings.jobs,
                                                               progress=progress, baseline=given, cache=outcomes,
                                                               scheduler=scheduler)), False
            except Interrupted as stop:
                tally, interrupted = stop.tally, True
        if isinstance(out, TextSpool):
            out.copy_to(shown)
            out.close()
    if write_baseline_path:
        click.echo(f"已把 {tally.summary()['findings']} 个问题写入基线 {write_baseline_path}", err=True)
    return tally, interrupted


def _after_check(tally: Tally, interrupted: bool) -> None:
    """What stderr says after the report: the files a Ctrl-C left, the files budgetlint failed on."""
    if interrupted:
        shown = "、".join(tally.not_checked[:_NOT_CHECKED_SHOWN]) + ("…" if len(tally.not_checked) > _NOT_CHECKED_SHOWN else "")
        click.echo(f"已中断：{len(tally.not_checked)} 个文件未检查（{shown}），以上为已检查文件的结果", err=True)
    if tally.internal_errors():
        click.echo(f"budgetlint 内部错误：{tally.internal_errors()} 个文件读取或检查时出错（见报告中该文件的 READ-01），"
                   "请报告此问题", err=True)


@contextmanager
def _report_output(output: Path | None) -> Iterator[TextIO]:
    """Where a report is written piece by piece: the -o file, or standard output."""
    if output is None:
        yield _Echo()
    else:
        with _opened(output) as out:
            yield out


@contextmanager
def _opened(path: Path) -> Iterator[TextIO]:
    """An output file opened for writing; a failure to open, write or close it names it (exit code 2)."""
    with _writing(path):
        file = path.open("w", encoding="utf-8")
    try:
        yield _OutputFile(file, path)
    finally:
        with _writing(path):
            file.close()


@contextmanager
def _written(path: Path) -> Iterator[TextIO]:
    """A file written at once (a baseline); a failure to open, write or close it names it (exit code 2)."""
    with _writing(path), path.open("w", encoding="utf-8") as file:
        yield file


class _Echo:
    """Standard output for a report written piece by piece (click.echo: a terminal's encoding, a closed pipe)."""

    def write(self, text: str) -> None:
        click.echo(text, nl=False)


class _OutputFile:
    def __init__(self, file: TextIO, path: Path) -> None:
        self.file, self.path = file, path

    def write(self, text: str) -> None:
        with _writing(self.path):
            self.file.write(text)


def _write(content: str | bytes, output: Path | None) -> None:
    """The report to -o, or to standard output (a workbook's bytes only when it is no terminal)."""
    if output:
        with _writing(output):
            if isinstance(content, bytes):
                output.write_bytes(content)
            else:
                output.write_text(content, encoding="utf-8")
    else:
        click.echo(content, nl=False)


def _timeout(value: float | None) -> float | None:
    """--timeout within the range a configuration allows too; inf and nan are refused (exit 2)."""
    if value is None:  # not given: the configuration's modules are loaded later, with the collector paused
        return None
    from .config import TIMEOUT_RANGE

    low, high = TIMEOUT_RANGE
    if value is not None and not low <= value <= high:
        raise click.BadParameter(f"应在 {low:g} 到 {high:g} 秒之间，而不是 {value}")
    return value


_NOT_CHECKED_SHOWN = 10  # files named on stderr after Ctrl-C (the JSON report lists every one)


def _settings(config_path: Path | None, given: dict[str, object], **flags: bool) -> Settings:
    """The configuration (named or discovered) merged with the options given; exit 2 on a mistake."""
    with collector.paused():
        from . import config

        path = config_path or _or_exit_2(config.discover, Path.cwd())
        settings = _or_exit_2(lambda: config.resolve(config.load(path), given, **flags))
        _or_exit_2(config.rules_for, settings)  # a bad rule file or setting stops here, before any worker starts
    return settings


def _warn_unknown_names(options: CheckOptions) -> None:
    """A user rule naming a table, row or column that its own examples lack is almost always a typo,
    which would skip it on every file: said on stderr; the check still runs and the exit code stays."""
    if not options.rules:  # the built-in rules' examples are tested; importing the example runner costs start-up
        return
    from .checking import configured_catalogue
    from .rule_tests import run_examples
    from .ruleset import load_rules

    for rule in load_rules(list(options.rules), catalogue=configured_catalogue(options)):
        for warning in run_examples(rule).warnings:
            where = f"{rule.path}:{rule.line}" if rule.line else rule.path
            click.echo(f"警告：{where}: {warning.message()}", err=True)


def _or_exit_2(function: Callable[..., T], *args: object) -> T:
    """Call it; a configuration, rule-file or baseline mistake is reported on stderr with exit code 2."""
    from .baseline import BaselineError
    from .errors import CacheError, ConfigError, ExecutorError, RuleError, UnknownRuleIdError

    try:
        return function(*args)
    except UnknownRuleIdError as error:  # given as an option (one in the configuration is a ConfigError)
        click.echo(f"用法错误：{error}", err=True)
    except RuleError as error:
        click.echo(f"规则文件错误：{error}", err=True)
    except ConfigError as error:
        click.echo(f"配置文件错误：{error}", err=True)
    except BaselineError as error:
        click.echo(f"基线文件错误：{error}", err=True)
    except CacheError as error:
        click.echo(f"缓存错误：{error}", err=True)
    except ExecutorError as error:  # the cluster cannot check: nothing was
        click.echo(str(error), err=True)
    sys.exit(2)


_BAR_WIDTH = 20
_BESIDE_BAR = 26  # "检查", "1000/1000", the time left and the gaps: the rest of the line is the path's


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing when it is piped or redirected."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    from .reporters.paths import relative_path

    # Redrawn after each file rather than by rich's refresh thread: worker processes fork from here
    with Bar(TextColumn("检查"), BarColumn(bar_width=_BAR_WIDTH), MofNCompleteColumn(), TimeRemainingColumn(),
             TextColumn("{task.description}"), console=Console(stderr=True), auto_refresh=False,
             transient=True, redirect_stdout=False, redirect_stderr=False) as bar:  # a report may be written meanwhile
        task = bar.add_task("", total=None)

        def advance(done: int, total: int, path: str) -> None:
            shown = _tail(relative_path(path), bar.console.width - _BAR_WIDTH - _BESIDE_BAR)
            bar.update(task, completed=done, total=total, description=shown)
            bar.refresh()

        yield advance


def _tail(path: str, width: int) -> str:
    """The end of a path in at most `width` terminal cells (a Chinese character takes two), so that
    the file name is seen and the bar stays on one line."""
    from rich.cells import cell_len

    width = max(width, 12)
    if cell_len(path) <= width:
        return path
    while cell_len(path) > width - 1:
        path = path[1:]
    return "…" + path


def _show_fixes(report: Report, to_stderr: bool) -> None:
    """The culprits' proposed fixes after the report (on stderr when stdout carries JSON, SARIF … or -o)."""
    from .culprit_findings import proposed_fixes

    fixes = proposed_fixes(report.findings)
    lines = [f"建议修改（{len(fixes)} 处，budgetlint 不修改任何文件）：", *(f"  {fix}" for fix in fixes)] if fixes \
        else ["没有可确定的错格及建议值"]
    click.echo("\n".join(lines), err=to_stderr)


def _check_annotation_target(paths: tuple[Path, ...], annotated: Path) -> None:
    """One .xlsx input, written to a new .xlsx: the original is never the target."""
    from .excel_annotation import ANNOTATABLE

    if len(paths) != 1 or not paths[0].is_file() or paths[0].suffix.lower() not in ANNOTATABLE:
        raise click.UsageError("--annotate-excel 只能用于恰好一个 .xlsx 输入文件")
    if annotated.suffix.lower() != ".xlsx":
        raise click.UsageError("--annotate-excel 的输出文件须以 .xlsx 结尾")
    if annotated.resolve() == paths[0].resolve():
        raise click.UsageError("--annotate-excel 的输出文件不能是输入文件本身（原文件不会被修改）")


def _writable(path: Path | None) -> None:
    """Before any work: an output file's folder is created (with its parents) and the file can be
    written, or the run stops with exit code 2 naming the path."""
    if path is None:
        return
    with _writing(path):
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


@contextmanager
def _writing(path: Path) -> Iterator[None]:
    """Writing an output file: a failure (no permission, a file where a folder should be, a full disk)
    is a message naming the path and exit code 2, never a traceback."""
    try:
        yield
    except OSError as error:
        click.echo(f"无法写入 {path}：{_write_failure(error, path)}", err=True)
        sys.exit(2)


_WRITE_FAILURES = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EISDIR: "这是一个文件夹",
                   errno.ENOSPC: "磁盘空间不足", errno.EROFS: "文件系统只读", errno.ENAMETOOLONG: "路径过长"}


def _write_failure(error: OSError, path: Path) -> str:
    blocker = next((p for p in path.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:  # mkdir or open through a file (NotADirectoryError, FileExistsError)
        return f"{blocker} 是文件，不是文件夹"
    return _WRITE_FAILURES.get(error.errno or 0, error.strerror or str(error))


def _terminal_text(report: object, verbose: bool) -> str:
    from .reporters.text_report import render

    color = sys.stdout.isatty()
    return render(report, verbose, color=color, width=shutil.get_terminal_size().columns if color else 120)


@main.command()
@click.argument("wanted", metavar="[ID|PREFIX]", required=False)
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="同时列出这些规则文件中的规则。")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json：规则清单（编号、别名、标题、严重程度、依据、说明、消息、建议、检查类型、例子数）。")
def rules(wanted: str | None, rule_paths: tuple[Path, ...], output_format: str) -> None:
    """列出全部规则；给出前缀（T6）时列出这一类，给出编号（T6-02）时解释该规则（检查什么、依据、例子）。"""
    from .api import active_rules
    from .explain import as_json, chosen, explain, listing
    from .ruleset import closest, rule_names

    loaded = _or_exit_2(active_rules, rule_paths)
    found, exact = chosen(loaded, wanted) if wanted else (loaded, False)
    if not found:
        guess = closest(wanted or "", rule_names(loaded))
        hint = f"，是否想找 {guess}？" if guess else ""
        click.echo(f"没有编号或前缀为 {wanted} 的规则{hint}（budgetlint rules 可列出全部）", err=True)
        sys.exit(2)
    if output_format == "json":
        click.echo(as_json(found), nl=False)
    else:
        click.echo((explain(found[0]) if exact else listing(found)), nl=False)


@main.command("test-rules")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
def test_rules(paths: tuple[Path, ...]) -> None:
    """运行规则文件（或文件夹中每个规则文件）里每条规则的通过例与不通过例，列出未通过的例子。

    不给出路径时测试内置规则。退出码：0 全部通过，1 有例子未通过，2 有规则文件无法加载。"""
    from .rule_tests import load_each, report, run_examples
    from .ruleset import builtin_rules

    loaded, broken = load_each(paths) if paths else (list(builtin_rules()), [])
    for error in broken:
        click.echo(f"规则文件错误：{error}", err=True)
    results = [run_examples(rule) for rule in loaded]
    click.echo(report(results), nl=False)
    sys.exit(2 if broken else 1 if any(not r.passed for r in results) else 0)


@main.command("config")
@click.option("--config", "config_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="配置文件；不给出时从当前目录向上查找。")
@click.option("--format", "output_format", type=click.Choice(["toml", "json"]), default="toml", show_default=True)
def show_config(config_path: Path | None, output_format: str) -> None:
    """显示生效的配置（来自哪个配置文件，哪些是默认值），含规则自带的等级分数段和参数。"""
    from . import config

    settings = _settings(config_path, {})
    rules = _or_exit_2(config.rules_for, settings)
    click.echo((config.as_json if output_format == "json" else config.as_toml)(settings, rules), nl=False)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, exists=True))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听的地址；不是本机地址时必须设置访问口令（--token）。")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="监听的端口。")
@click.option("--data", "data", type=click.Path(path_type=Path, file_okay=False), default=Path("budgetlint-data"),
              show_default=True, help="保存上传文件、报告和（默认的）SQLite 数据库的目录。")
@click.option("--database", "database_url", metavar="URL",
              help="数据库地址，如 postgresql+psycopg://用户:密码@主机/库名（默认：数据目录中的 SQLite）。")
@click.option("--token", envvar="BUDGETLINT_TOKEN", help="访问口令（也可用环境变量 BUDGETLINT_TOKEN）；设置后每个请求都须带上。")
def serve(paths: tuple[Path, ...], host: str, port: int, data: Path, database_url: str | None,
          token: str | None) -> None:
    """网页服务：上传文件检查、查看报告和历史（需要 pip install 'budgetlint[web]'）。给出的文件或文件夹在启动时排队检查。"""
    try:
        from .web.server import serve as run_service
        from .web.settings import ExposedWithoutToken, ServiceSettings
        from .web.uploads import UploadRefused
    except ImportError as error:  # the web extra is not installed
        click.echo(f"网页服务需要额外的依赖（缺少 {error.name}）：pip install 'budgetlint[web]'", err=True)
        sys.exit(2)
    try:
        run_service(ServiceSettings(data, database_url, host, token or None), port, paths)
    except (ExposedWithoutToken, UploadRefused) as error:
        click.echo(f"用法错误：{error}", err=True)
        sys.exit(2)


@main.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--to", "target", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path), help="写入文件而不是标准输出。")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="规则文件夹或 tables.yaml：按其中追加的表格种类、标题和行别名识别表格（可多次给出）。")
def parse(path: Path, target: str, output: Path | None, rule_paths: tuple[Path, ...]) -> None:
    """把任何可读的输入写成结构化表格（budgetlint-document/1），可再作为输入检查。

    表格按内置表格目录识别，加上配置文件的 tables 和 --rules 中的 tables.yaml。
    有读不出的页面（没有 OCR 扩展时的扫描页）时，照样写出读到的部分，在标准错误上说明并以退出码 1 结束。"""
    from .checking import configured_catalogue
    from .engine import Engine
    from .errors import ReadError
    from .readers import read_document
    from .readers.structured import dump
    from .ruleset import builtin_rules

    _writable(output)
    catalogue = configured_catalogue(_settings(None, {"rules": rule_paths} if rule_paths else {}).options)
    try:
        document = read_document(path, catalogue)
    except ReadError as error:
        click.echo(f"无法读取 {path}：{error}", err=True)
        sys.exit(1)
    text = dump(document, target)
    if output:
        with _writing(output):
            output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    # the pages left unread, said as `check` says them (rule D-04)
    unread, _ = Engine([r for r in builtin_rules() if r.id == "D-04"], catalogue).run(document)
    for finding in unread:
        click.echo(f"{path}：{finding.message}。{finding.hint}", err=True)
    if unread:
        sys.exit(1)
