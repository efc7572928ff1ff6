"""Findings for people: grouped by file and table, in Chinese, with the figures and every place."""

from __future__ import annotations

from io import StringIO
from itertools import groupby
from typing import Any, TextIO

from rich.console import Console
from rich.markup import escape

from ..findings import SEVERITY_WORDS, FileResult, Finding, Location, Report, Skip, Tally
from ..model import LOW_CONFIDENCE
from ..spool import TextSpool
from .parts import FilePart, RunEnd, RunStart, whole

_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


class Writer:
    """Each file's findings are printed as soon as it is checked; with --verbose the skipped rules and the
    tables read are spooled and printed after them, as in a report rendered whole."""

    def __init__(self, out: TextIO, start: RunStart, color: bool = False, width: int = 120) -> None:
        self.out, self.verbose, self.with_statistics = out, start.verbose, start.with_statistics
        self.buffer = StringIO()
        self.console = Console(file=self.buffer, force_terminal=color, no_color=not color, width=width,
                               highlight=False, soft_wrap=True)
        self.skipped, self.read = TextSpool(), TextSpool()
        self.unidentified: list[str] = []  # budgets whose cover names no unit or year

    def add(self, part: FilePart) -> None:
        result = part.result
        kind = _kind(result) if result else None
        for path, in_file in groupby(part.findings, key=lambda f: f.file):
            self.console.print(f"[bold]{escape(path)}[/bold]")
            if kind and result and path == result.path:
                self.console.print(f"  文件类别：{escape(kind)}", style="dim")
            for table, in_table in groupby(in_file, key=_table_of):
                self.console.print(f"  [bold]{escape(table)}[/bold]")
                for finding in in_table:
                    _finding(self.console, finding, self.verbose)
            self.console.print()
        self._flush(self.out)
        if result and (result.document_kind or "").endswith("预算") and not result.document_identity:
            self.unidentified.append(result.path)
        if self.verbose:
            self._skips(part.skips)
            if result:
                _tables_read(self.console, result)
                self._flush(self.read)

    def finish(self, end: RunEnd) -> None:
        if self.verbose:
            self._skips(end.skips)
            self.skipped.copy_to(self.out)
            self.read.copy_to(self.out)
        if end.compared is not None:
            _compared(self.console, end.compared, self.unidentified)
        if self.with_statistics:
            _statistics(self.console, end.tally)
        self.console.print(_summary(end.tally))
        self._flush(self.out)
        self.skipped.close()
        self.read.close()

    def _skips(self, skips: list[Skip]) -> None:
        for skip in skips:
            self.console.print(f"跳过 {skip.rule} {escape(skip.file)}：{escape(skip.reason)}", style="dim")
        self._flush(self.skipped)

    def _flush(self, target: TextIO | TextSpool) -> None:
        """What the console printed since, written whole to `target` (one write: Ctrl-C leaves whole lines)."""
        text = self.buffer.getvalue()
        if text:
            target.write(text)
            self.buffer.seek(0)
            self.buffer.truncate()


def render(report: Report, verbose: bool = False, color: bool = False, width: int = 120) -> str:
    return whole(report, lambda out, start: Writer(out, start, color, width), verbose)


def _tables_read(console: Console, result: FileResult) -> None:
    tables = "、".join(result.tables) if result.tables else "（无）"
    kind = f"，{result.document_kind}" if result.document_kind else ""
    console.print(f"已读取 {escape(result.path)}（{result.format or '未读取'}{kind}）：{escape(tables)}", style="dim")
    if result.claims and result.claims[0]:
        found, checked = result.claims
        console.print(f"  文中找到 {found} 处可核对的数字表述，其中 {checked} 处已按规则核对", style="dim")


def _kind(result: FileResult) -> str | None:
    """单位预算（上海市普陀区商务委员会 2025年）: the kind and, when its cover names them, unit and year."""
    identity = result.document_identity
    if not result.document_kind or not identity:
        return result.document_kind
    source = "" if identity["year_from"] == "封面" else f"，年度取自{identity['year_from']}"
    return f"{result.document_kind}（{identity['unit']} {identity['year']}年{source}）"


def _compared(console: Console, compared: list[dict[str, Any]], unidentified: list[str]) -> None:
    """The files compared with each other, and the budgets that were not, for want of unit or year."""
    words = {"说明与报表": "预算说明与预算表，合为一份公开核对", "部门与单位": "部门预算与单位预算",
             "上下年": "相邻年度的预算"}
    for pair in compared:
        first, second = pair["files"]
        console.print(f"对照：{escape(first)} 与 {escape(second)}（{escape(pair['identity'])}，{words[pair['relation']]}）")
    if unidentified:
        console.print(f"未能从封面识别单位和年度，未与其他文件对照：{escape('、'.join(unidentified))}", style="dim")
    if compared or unidentified:
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


def _statistics(console: Console, tally: Tally) -> None:
    """Counts per rule, most frequent first, then per file in input order (as ruff --statistics)."""
    statistics = tally.statistics()
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


def _summary(tally: Tally) -> str:
    s = tally.summary()
    by_severity = "，".join(f"{s[f'{key}s']} 个{word}" for key, word in SEVERITY_WORDS.items())
    return (f"共检查 {s['files']} 个文件：{by_severity}"
            + (f"；{s['skipped']} 次规则不适用（缺少相应的表或行，--verbose 列出）" if s["skipped"] else "")
            + (f"；基线中已有的 {s['baselined']} 个问题未列出" if "baselined" in s else "")
            + (f"；{s['ocr_cells']} 个单元格由扫描页 OCR 识别，其中 {s['ocr_doubtful']} 个识别置信度低于 "
               f"{LOW_CONFIDENCE}" if "ocr_cells" in s else "")
            + (f"；已中断，{s['not_checked']} 个文件未检查：{'、'.join(tally.not_checked)}" if "not_checked" in s else ""))
