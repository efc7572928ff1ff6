"""The reviewer's check-sheet (公开情况检查表) as plain data: for each document, its unit, year and
kind, and one row per part it must have (rules/parts.yaml) with 是/否 and the findings that belong
to the part. The reporters (reporters/checklist_*.py) lay it out as a workbook, HTML or JSON.

A part is 否 when it is missing or an error or warning belongs to it; an info note never makes it 否.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .catalogue import Catalogue, builtin_catalogue
from .findings import Finding, Report
from .labels import normalise
from .model import Document
from .parts import Layout, Part, layout, position

# Severities that make a part 否
_FAILING = ("error", "warning")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
# 预算单位：上海市普陀区商务委员会, 预算主管部门：…, 部门名称：…
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}年度?")
_TITLE_END = re.compile(r"(?:19|20)\d{2}年|(?:区级|市级|省级|县级)?(?:部门|单位)?(?:预算|决算)")
_UNIT_LENGTH = 40  # a longer "name" before the year is a run of table headers, not a cover title
_UNIT_LINE = re.compile(r"^(?:预算单位|预算主管部门|主管部门|部门名称|单位名称|编制单位|编制部门)[:：](.+)$")
# The cover is what precedes the 目录, within the first lines; without a 目录, the first few lines
_COVER_LINES, _UNTITLED_COVER = 12, 5
MISSING = "未找到该部分"
OTHER = "其他（未归入以上各部分）"


@dataclass(frozen=True)
class Row:
    number: int  # 序号
    part: str  # 检查内容
    passed: bool  # 是否符合要求
    problems: tuple[str, ...]  # 存在问题: each finding's message with its place
    pages: str  # 页码 (or the sheet), empty when the part is missing
    part_id: str

    @property
    def verdict(self) -> str:
        return "是" if self.passed else "否"


@dataclass(frozen=True)
class Sheet:
    """The check-sheet of one document."""

    path: str
    unit: str
    year: str
    kind: str  # 部门预算 …, 未能判断 when nothing tells
    rows: tuple[Row, ...]
    findings: tuple[Finding, ...]
    readable: bool = True

    @property
    def file_name(self) -> str:
        return Path(self.path).name

    def verdicts(self) -> dict[str, str]:
        """Part name -> 是/否, for the summary of a batch."""
        return {row.part: row.verdict for row in self.rows}


@dataclass(frozen=True)
class Checklist:
    checked_at: str
    version: str
    sheets: tuple[Sheet, ...]

    def part_names(self) -> list[str]:
        """Every part named in any sheet, in the order they first appear: the summary's columns."""
        return list(dict.fromkeys(row.part for sheet in self.sheets for row in sheet.rows))


def checklist(report: Report, checked_at: datetime | None = None, catalogue: Catalogue | None = None) -> Checklist:
    catalogue = catalogue or builtin_catalogue()
    when = (checked_at or datetime.now().astimezone()).strftime("%Y-%m-%d %H:%M")
    by_file: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_file.setdefault(finding.file, []).append(finding)
    sheets = []
    for result in report.files:
        findings = by_file.get(result.path, [])
        document = report.documents.get(result.path)
        if document is None:
            sheets.append(Sheet(result.path, "", "", result.document_kind or "未能判断", (), tuple(findings), False))
        else:
            sheets.append(_sheet(document, findings, catalogue))
    return Checklist(when, report.version, tuple(sheets))


def _sheet(document: Document, findings: list[Finding], catalogue: Catalogue) -> Sheet:
    found = layout(document)
    owned: dict[str, list[Finding]] = {}
    for finding in findings:
        part = found.owner(finding, catalogue)
        owned.setdefault(part.id if part else "", []).append(finding)
    rows = []
    for part in found.parts:
        present = part.id in found.found
        if not present and not part.required_for(document.kind):
            continue
        mine = owned.get(part.id, [])
        failing = [f for f in mine if f.severity in _FAILING]
        problems = tuple(_problem(f) for f in failing) or (() if present else (MISSING,))
        rows.append(Row(len(rows) + 1, part.name, present and not failing, problems,
                        _pages(part, found, document) if present else "", part.id))
    rest = [f for f in owned.get("", []) if f.severity in _FAILING]
    if rest:
        rows.append(Row(len(rows) + 1, OTHER, False, tuple(_problem(f) for f in rest), "", ""))
    return Sheet(document.path, _unit(document, found), _year(document, found), document.kind or "未能判断",
                 tuple(rows), tuple(findings))


def _problem(finding: Finding) -> str:
    """The message and where: a grouped finding's message names its places itself."""
    place = finding.locations[0].source.describe() if finding.locations and finding.judged <= 1 else ""
    return f"{finding.message}（{place}）" if place else finding.message


def _pages(part: Part, found: Layout, document: Document) -> str:
    """The pages a part takes (from its start to the next part's), or the sheets of its table."""
    if part.table:
        sources = [t.source for t in document.tables_of(part.table)]
        sources += [r.source for t in document.tables_of(part.table) for r in t.rows]
        sheets = sorted({s.sheet for s in sources if s.sheet})
        if sheets:
            return "、".join(sheets)
        pages = [s.page for s in sources if s.page]
        return _span(min(pages), max(pages)) if pages else ""
    start = found.found[part.id]
    if start.sheet:
        return start.sheet
    if not start.page:
        return ""
    later = [s.page for s in found.found.values() if s.page and position(s) > position(start)]
    last = max([line.source.page or 0 for line in document.text] + [start.page])
    end = min(later) - 1 if later else last
    return _span(start.page, max(end, start.page))


def _span(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}–{last}"


def _unit(document: Document, found: Layout) -> str:
    """The unit its disclosure tables name (单位：…), else its cover: a 预算单位：… line, or the
    title's words before the year or the kind (江苏省政协办公厅2019年度部门预算公开, 2017年度江苏省高级人民法院部门预算公开)."""
    tables = {p.table for p in found.parts if p.table}
    named = Counter(t.meta["单位"] for t in document.tables if t.kind in tables and t.meta.get("单位"))
    if named:
        return named.most_common(1)[0][0]
    cover = _cover_lines(document, found)
    for line in cover:
        match = _UNIT_LINE.match(normalise(line))
        if match:
            return match.group(1)
    title = _LEADING_YEAR.sub("", normalise("".join(cover)))
    end = _TITLE_END.search(title)
    unit = title[:end.start()] if end and end.start() <= _UNIT_LENGTH else ""
    return "" if ":" in unit else unit  # 项目名称: …, a label, not a name


def _year(document: Document, found: Layout) -> str:
    for text in [*_cover_lines(document, found), *(t.meta.get("年度", "") for t in document.tables),
                 *(t.title for t in document.tables)]:
        match = _YEAR.search(normalise(text))
        if match:
            return match.group(1)
    return ""


def _cover_lines(document: Document, found: Layout) -> list[str]:
    """The text of the cover: the lines before the 目录 (or the first few without one)."""
    heading = found.contents.heading if found.contents else None
    lines = []
    for line in document.text[:_COVER_LINES]:
        if line is heading:
            break
        lines.append(line.text)
    return lines if heading else lines[:_UNTITLED_COVER]
