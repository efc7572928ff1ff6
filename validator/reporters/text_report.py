"""Findings for people: grouped by file and table, in Chinese, with the figures and every place."""

from __future__ import annotations

from io import StringIO
from typing import Any
from itertools import groupby

from rich.console import Console
from rich.markup import escape

from ..findings import SEVERITY_WORDS, FileResult, Finding, Location, Report
from ..model import LOW_CONFIDENCE

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def render(report: Report, verbose: bool = False, color: bool = False, width: int = 120) -> str:
    buffer = StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width, highlight=False,
                      soft_wrap=True)
    kinds = {result.path: _kind(result) for result in report.files}
    for path, in_file in groupby(report.findings, key=lambda f: f.file):
        console.print(f"[bold]{escape(path)}[/bold]")
        if kinds.get(path):
            console.print(f"  文件类别：{escape(kinds[path])}", style="dim")
        for table, in_table in groupby(in_file, key=_table_of):
            console.print(f"  [bold]{escape(table)}[/bold]")
            for finding in in_table:
                _finding(console, finding, verbose)
        console.print()
    if verbose:
        for skip in report.skipped:
            console.print(f"跳过 {skip.rule} {escape(skip.file)}：{escape(skip.reason)}", style="dim")
        for result in report.files:
            tables = "、".join(result.tables) if result.tables else "（无）"
            kind = f"，{result.document_kind}" if result.document_kind else ""
            console.print(f"已读取 {escape(result.path)}（{result.format or '未读取'}{kind}）：{escape(tables)}", style="dim")
            if result.claims and result.claims[0]:
                found, checked = result.claims
                console.print(f"  文中找到 {found} 处可核对的数字表述，其中 {checked} 处已按规则核对", style="dim")
    if report.compared is not None:
        _compared(console, report)
    if report.with_statistics:
        _statistics(console, report)
    console.print(_summary(report))
    return buffer.getvalue()


def _kind(result: FileResult) -> str | None:
    """单位预算（上海市普陀区商务委员会 2025年）: the kind and, when its cover names them, unit and year."""
    identity = result.document_identity
    if not result.document_kind or not identity:
        return result.document_kind
    source = "" if identity["year_from"] == "封面" else f"，年度取自{identity['year_from']}"
    return f"{result.document_kind}（{identity['unit']} {identity['year']}年{source}）"


def _compared(console: Console, report: Report) -> None:
    """The files compared with each other, and the budgets that were not, for want of unit or year."""
    words = {"说明与报表": "预算说明与预算表，合为一份公开核对", "部门与单位": "部门预算与单位预算",
             "上下年": "相邻年度的预算"}
    for pair in report.compared or ():
        first, second = pair["files"]
        console.print(f"对照：{escape(first)} 与 {escape(second)}（{escape(pair['identity'])}，{words[pair['relation']]}）")
    unknown = [r.path for r in report.files if (r.document_kind or "").endswith("预算") and not r.document_identity]
    if unknown:
        console.print(f"未能从封面识别单位和年度，未与其他文件对照：{escape('、'.join(unknown))}", style="dim")
    if report.compared or unknown:
        console.print()


def _table_of(finding: Finding) -> str:
    first = finding.locations[0] if finding.locations else Location()
    return first.table_heading() or "（文件）"


def _finding(console: Console, finding: Finding, verbose: bool) -> None:
    label, style = SEVERITY_WORDS[finding.severity], _STYLE[finding.severity]
    console.print(f"    [{style}]{label}[/{style}] [bold]{finding.rule}[/bold] {escape(finding.title)}")
    console.print(f"      {escape(finding.message)}")
    shown = finding.locations if verbose else finding.locations[:4]
    for index, location in enumerate(shown):
        place = location.place()
        if place:  # a whole-file finding (an unreadable file) has no place inside the file
            console.print(f"      {finding.role(index)}：{escape(place)}")
    rest = finding.locations[len(shown):]
    if rest:  # places in prose and scanned pages are not cells
        unit = "个单元格" if all(loc.column for loc in rest) else "处"
        console.print(f"      …另 {len(rest)} {unit}（--verbose 显示全部）", style="dim")
    if finding.hint:
        console.print(f"      建议：{escape(finding.hint)}", style="dim")


def _statistics(console: Console, report: Report) -> None:
    """Counts per rule, most frequent first, then per file in input order (as ruff --statistics)."""
    statistics = report.statistics()
    console.print("[bold]按规则统计[/bold]")
    for row in statistics["rules"]:
        console.print(f"  {row['total']:>6}  {row['rule']:<8} {escape(row['title'])}{_by_severity(row)}")
    console.print("[bold]按文件统计[/bold]")
    for row in statistics["files"]:
        console.print(f"  {row['total']:>6}  {escape(row['path'])}{_by_severity(row)}")
    console.print()


def _by_severity(counts: dict[str, Any]) -> str:
    parts = [f"{counts[f'{key}s']} 个{word}" for key, word in SEVERITY_WORDS.items() if counts[f"{key}s"]]
    return f"（{'，'.join(parts)}）" if parts else ""


def _summary(report: Report) -> str:
    s = report.summary()
    by_severity = "，".join(f"{s[f'{key}s']} 个{word}" for key, word in SEVERITY_WORDS.items())
    return (f"共检查 {s['files']} 个文件：{by_severity}"
            + (f"；{s['skipped']} 次规则不适用（缺少相应的表或行，--verbose 列出）" if s["skipped"] else "")
            + (f"；基线中已有的 {s['baselined']} 个问题未列出" if "baselined" in s else "")
            + (f"；{s['ocr_cells']} 个单元格由扫描页 OCR 识别，其中 {s['ocr_doubtful']} 个识别置信度低于 "
               f"{LOW_CONFIDENCE}" if "ocr_cells" in s else "")
            + (f"；已中断，{s['not_checked']} 个文件未检查：{'、'.join(report.not_checked)}" if "not_checked" in s else ""))
