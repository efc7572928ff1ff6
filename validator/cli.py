"""The command line: parse options, build the pieces, hand over.

Exit codes (as ruff): 0 nothing at or above --fail-on, 1 findings at or above it, 2 a usage error or
an invalid rule, configuration or baseline file; 130 when Ctrl-C stopped the run (the partial report
of the files done is still written, and a run cut short must never pass a gate).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from . import __version__

if TYPE_CHECKING:
    from .api import Progress
    from .config import Settings

T = TypeVar("T")

# kept equal to validator.reporters.REPORTERS (a test checks), which is imported lazily
FORMATS = ("text", "json", "json-lines", "sarif", "junit", "github", "csv", "html")


def _ids(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [part.strip() for part in value.replace("，", ",").split(",") if part.strip()]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="budgetlint")
def main() -> None:
    """budgetlint：部门/单位决算公开表格的一致性检查工具。"""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True,
              help="输出格式。")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="写入文件而不是标准输出。")
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="追加的规则文件或文件夹（可多次给出）。")
@click.option("--select", "select_ids", help="只运行这些规则（编号或前缀，逗号分隔，如 T1,X-01）。")
@click.option("--ignore", "ignore_ids", help="不运行这些规则（编号或前缀，逗号分隔）。")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              help="达到该严重程度的问题使退出码为 1。  [默认: error]")
@click.option("--show-rounding", is_flag=True, help="把尾差范围内的差异也列为提示。")
@click.option("-v", "--verbose", is_flag=True, help="列出全部涉及单元格、跳过的规则和识别出的表格。")
@click.option("--max-bytes", type=click.IntRange(min=1), help="单个输入文件的大小上限（字节）。  [默认: 67108864]")
@click.option("--config", "config_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="配置文件（budgetlint.toml 或 pyproject.toml）；不给出时从当前目录向上查找。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="并行检查的进程数。  [默认: CPU 核数]")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
              help="并行检查时每个文件的时间上限（秒），超时记为无法读取。  [默认: 300]")
@click.option("--statistics", is_flag=True, help="按规则和按文件统计问题数。")
@click.option("--baseline", "baseline_path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
              help="只报告不在此基线文件中的问题。")
@click.option("--write-baseline", "write_baseline_path", type=click.Path(path_type=Path, dir_okay=False),
              help="把本次的全部问题写入基线文件（之后用 --baseline 只看新问题），退出码为 0。")
@click.option("--annotate-excel", "annotated", type=click.Path(path_type=Path, dir_okay=False),
              help="另存一份 Excel 输入的副本，问题单元格填色并加批注（只能检查一个 .xlsx 文件）。")
def check(paths: tuple[Path, ...], output_format: str, output: Path | None, rule_paths: tuple[Path, ...],
          select_ids: str | None, ignore_ids: str | None, fail_on: str | None, show_rounding: bool, verbose: bool,
          max_bytes: int | None, config_path: Path | None, jobs: int | None, timeout: float | None,
          statistics: bool, baseline_path: Path | None, write_baseline_path: Path | None,
          annotated: Path | None) -> None:
    """检查决算公开文件（文本、Excel、PDF、YAML/JSON），文件夹按递归查找。"""
    from . import baseline
    from .api import Interrupted, expand
    from .api import check as run_check
    from .findings import exit_code
    from .reporters import REPORTERS

    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise click.UsageError(f"找不到输入：{', '.join(missing)}")
    if annotated:
        _check_annotation_target(paths, annotated)
    given = {"rules": rule_paths, "select": _ids(select_ids), "ignore": _ids(ignore_ids), "fail-on": fail_on,
             "max-bytes": max_bytes, "jobs": jobs, "timeout": timeout}
    settings = _settings(config_path, {k: v for k, v in given.items() if v},
                         show_rounding=show_rounding,
                         keep_documents=output_format == "html")  # the HTML report shows the tables
    baselines = {p.resolve() for p in (baseline_path, write_baseline_path) if p}
    if baselines:  # a baseline kept beside the disclosures is no input (its .json would be read as one)
        paths = tuple(p for p in expand(paths) if p.resolve() not in baselines)
    interrupted = False
    with _progress_bar() as progress:
        try:
            report = run_check(paths, settings.options, jobs=settings.jobs, progress=progress)
        except Interrupted as stop:
            report, interrupted = stop.report, True
    if write_baseline_path:
        written = baseline.write(report, write_baseline_path)
        click.echo(f"已把 {written} 个问题写入基线 {write_baseline_path}", err=True)
    elif baseline_path:
        _or_exit_2(baseline.apply, report, baseline_path)
    report.with_statistics = statistics
    renderer = REPORTERS[output_format]
    if output_format == "text":
        text = renderer(report, verbose) if output else _terminal_text(report, verbose)
    else:
        text = renderer(report, verbose)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if annotated:
        from .errors import ReadError
        from .excel_annotation import annotate_workbook

        try:
            annotate_workbook(paths[0], report.findings, annotated)
        except ReadError as error:  # already a READ-01 finding; the copy is just not written
            click.echo(f"未生成标注副本：{error}", err=True)
    if interrupted:
        click.echo(f"已中断：{report.interrupted} 个文件未检查，以上为已检查文件的结果", err=True)
        sys.exit(130)
    sys.exit(0 if write_baseline_path else exit_code(report, settings.fail_on))


def _settings(config_path: Path | None, given: dict[str, object], **flags: bool) -> Settings:
    """The configuration (named or discovered) merged with the options given; exit 2 on a mistake."""
    from . import config

    path = config_path or _or_exit_2(config.discover, Path.cwd())
    settings = _or_exit_2(lambda: config.resolve(config.load(path), given, **flags))
    _or_exit_2(config.rules_for, settings)  # a bad rule file or setting stops here, before any worker starts
    return settings


def _or_exit_2(function: Callable[..., T], *args: object) -> T:
    """Call it; a configuration, rule-file or baseline mistake is reported on stderr with exit code 2."""
    from .baseline import BaselineError
    from .errors import ConfigError, RuleError

    try:
        return function(*args)
    except RuleError as error:
        click.echo(f"规则文件错误：{error}", err=True)
    except ConfigError as error:
        click.echo(f"配置文件错误：{error}", err=True)
    except BaselineError as error:
        click.echo(f"基线文件错误：{error}", err=True)
    sys.exit(2)


@contextmanager
def _progress_bar() -> Iterator[Progress | None]:
    """A progress bar on stderr when it is a terminal; nothing when it is piped or redirected."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    # Redrawn after each file rather than by rich's refresh thread: worker processes fork from here
    with Bar(TextColumn("检查"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
             TextColumn("{task.description}"), console=Console(stderr=True), auto_refresh=False,
             transient=True) as bar:
        task = bar.add_task("", total=None)

        def advance(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=Path(path).name)
            bar.refresh()

        yield advance


def _check_annotation_target(paths: tuple[Path, ...], annotated: Path) -> None:
    """One .xlsx input, written to a new .xlsx: the original is never the target."""
    from .excel_annotation import ANNOTATABLE

    if len(paths) != 1 or not paths[0].is_file() or paths[0].suffix.lower() not in ANNOTATABLE:
        raise click.UsageError("--annotate-excel 只能用于恰好一个 .xlsx 输入文件")
    if annotated.suffix.lower() != ".xlsx":
        raise click.UsageError("--annotate-excel 的输出文件须以 .xlsx 结尾")
    if annotated.resolve() == paths[0].resolve():
        raise click.UsageError("--annotate-excel 的输出文件不能是输入文件本身（原文件不会被修改）")


def _terminal_text(report: object, verbose: bool) -> str:
    from .reporters.text_report import render

    color = sys.stdout.isatty()
    return render(report, verbose, color=color, width=shutil.get_terminal_size().columns if color else 120)  # type: ignore[arg-type]


@main.command()
@click.argument("rule_id", required=False)
@click.option("--rules", "rule_paths", multiple=True, type=click.Path(path_type=Path, exists=True),
              help="同时列出这些规则文件中的规则。")
def rules(rule_id: str | None, rule_paths: tuple[Path, ...]) -> None:
    """列出全部规则；给出编号时解释该规则（检查什么、依据、通过与不通过的例子）。"""
    from .api import active_rules
    from .errors import RuleError
    from .explain import explain, listing

    try:
        loaded = active_rules(rule_paths)
    except RuleError as error:
        click.echo(f"规则文件错误：{error}", err=True)
        sys.exit(2)
    if rule_id is None:
        click.echo(listing(loaded), nl=False)
        return
    found = [r for r in loaded if r.id.upper() == rule_id.upper() or rule_id.upper() in map(str.upper, r.spec.aliases)]
    if not found:
        click.echo(f"没有编号为 {rule_id} 的规则（budgetlint rules 可列出全部）", err=True)
        sys.exit(2)
    click.echo(explain(found[0]), nl=False)


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
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--to", "target", type=click.Choice(["yaml", "json"]), default="yaml", show_default=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False))
def parse(path: Path, target: str, output: Path | None) -> None:
    """把任何可读的输入写成结构化表格（budgetlint-document/1），可再作为输入检查。

    有读不出的页面（没有 OCR 扩展时的扫描页）时，照样写出读到的部分，在标准错误上说明并以退出码 1 结束。"""
    from .catalogue import builtin_catalogue
    from .engine import Engine
    from .errors import ReadError
    from .readers import read_document
    from .readers.structured import dump
    from .ruleset import builtin_rules

    try:
        document = read_document(path, builtin_catalogue())
    except ReadError as error:
        click.echo(f"无法读取 {path}：{error}", err=True)
        sys.exit(1)
    text = dump(document, target)
    if output:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    # the pages left unread, said as `check` says them (rule D-04)
    unread, _ = Engine([r for r in builtin_rules() if r.id == "D-04"], builtin_catalogue()).run(document)
    for finding in unread:
        click.echo(f"{path}：{finding.message}。{finding.hint}", err=True)
    if unread:
        sys.exit(1)
