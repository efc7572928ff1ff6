"""What the HTML report shows, as plain data for its templates (html_report renders them).

A finding is tied to the elements it points at by its locations' Source values: a location's Source
is the very Source of the cell (or row label, table title, unplaced row) it was taken from, and a
Source is unique to its place in the input. An element that findings point at carries a Mark: its
id, the worst severity, the findings' ids and the tooltip. Locations that match no element (a claim
in prose, a whole file) are listed with their quoted text.

A batch opens with the sweep's summary (sweep_summary) drawn as charts (html_charts); to keep a
sweep of thousands of files light, a file of a batch shows only the tables its findings point at, folded
(following a place's link unfolds its table).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from ..findings import SEVERITY_ORDER, SEVERITY_WORDS, FileResult, Finding, Location, Report, Skip
from ..model import Column, Document, Note, Row, Source, Table
from .html_charts import BarChart, Series, bar_chart
from .sweep_summary import SEVERITIES, UNKNOWN_YEAR, Sweep, kind_of, summarise, year_of

FIGURE_WORDS = (("expected", "应为"), ("actual", "实际"), ("difference", "相差"), ("tolerance", "尾差容许"))
YEAR_COLOURS = 6  # .series-0 … .series-5 in report.css, one per year of the sweep


@dataclass(frozen=True, slots=True)
class Mark:
    id: str
    severity: str  # the worst of its findings'
    findings: tuple[str, ...]  # their ids
    source: str  # the place in the input, as Source.describe() says it
    tip: str


@dataclass(frozen=True, slots=True)
class Shown:
    """A text of the input as the report shows it; `kind` is the table cell's role (label, code, row-no, amount)."""

    text: str
    mark: Mark | None = None
    kind: str = ""


@dataclass(frozen=True, slots=True)
class HeaderCell:
    text: str
    span: int


@dataclass(frozen=True, slots=True)
class GridRow:
    cells: tuple[Shown, ...] = ()
    group: str | None = None  # a group heading row (the blocks of a 自评表) has no cells


@dataclass(frozen=True, slots=True)
class Grid:
    """One segment of a table (side-by-side halves are separate grids)."""

    head: list[list[HeaderCell]]
    numbers: list[str] | None  # 栏次, when any column has one
    rows: list[GridRow]
    width: int


@dataclass(frozen=True, slots=True)
class Problem:
    text: Shown
    where: str


@dataclass(frozen=True, slots=True)
class TableView:
    name: Shown
    kind: str | None
    meta: str
    grids: list[Grid]
    problems: list[Problem]
    notes: list[str]
    flagged: bool  # a finding points into it: shown unfolded


@dataclass(frozen=True, slots=True)
class Place:
    role: str  # 位置 for a place found wrong, 涉及 for one it was compared with
    what: str
    where: str
    target: str | None  # id of the element showing it


@dataclass(frozen=True, slots=True)
class FindingView:
    id: str
    rule: str
    severity: str
    title: str
    message: str
    figures: list[tuple[str, str]]
    hint: str | None
    places: list[Place]


@dataclass(frozen=True, slots=True)
class FileView:
    anchor: str  # the section's id: from the file's position, so unique and safe whatever the path
    path: str
    format: str | None
    error: str | None
    kept: bool  # the document was kept, so its tables are shown
    counts: Counter[str]  # findings by severity
    findings: list[FindingView]
    tables: list[TableView]
    problems: list[Problem]  # parts of the file that could not be read
    kind: str  # as the sweep counts it (sweep_summary.KINDS)
    unit: str  # as its cover prints it, empty when unknown
    year: str
    left_out: list[str]  # names of the tables not shown (in a batch, those no finding points at)
    folded: bool  # every table folded, even those findings point at (a file of a batch)


@dataclass(frozen=True, slots=True)
class RuleRow:
    id: str
    severity: str  # the worst of its findings'
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class SweepView:
    summary: Sweep
    charts: list[BarChart]


@dataclass(frozen=True, slots=True)
class ReportView:
    version: str
    table_count: int
    counts: Counter[str]
    rules: list[RuleRow]
    files: list[FileView]
    skipped: list[Skip]  # empty unless verbose
    sweep: SweepView | None  # for a batch, or with --statistics
    statistics: list[dict[str, object]] | None  # the counts per rule, with --statistics


def report_view(report: Report, verbose: bool) -> ReportView:
    batch = len(report.files) > 1
    by_file: dict[str, list[tuple[Finding, str]]] = defaultdict(list)
    for index, finding in enumerate(report.findings, 1):
        by_file[finding.file].append((finding, f"f{index}"))
    marks = _MarkIds()
    files = [_file_view(f"file-{position}", result, report.documents.get(result.path),
                        _Marker(by_file[result.path], marks), in_batch=batch)
             for position, result in enumerate(report.files, 1)]
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_rule[finding.rule].append(finding)
    rules = [RuleRow(rule, _worst(f.severity for f in found),
                     report.rules[rule].title if rule in report.rules else found[0].title, len(found))
             for rule, found in sorted(by_rule.items())]
    return ReportView(report.version, sum(len(result.tables) for result in report.files),
                      Counter(f.severity for f in report.findings), rules, files,
                      report.skipped if verbose else [],
                      _sweep_view(summarise(report)) if batch or report.with_statistics else None,
                      report.statistics()["rules"] if report.with_statistics else None)


def _sweep_view(summary: Sweep) -> SweepView:
    severities = [Series(severity, SEVERITY_WORDS[severity], f"sev-{severity}") for severity in SEVERITIES]
    years = [Series(year, year, "series-unknown" if year == UNKNOWN_YEAR else f"series-{index % YEAR_COLOURS}")
             for index, year in enumerate(summary.years)]
    return SweepView(summary, [
        bar_chart("chart-kinds", "文件类型与年度", "类型", list(summary.kinds.items()), years),
        bar_chart("chart-families", "各类规则发现的问题", "规则类别",
                  [(f"{family.id} {family.name}".strip(), family.counts) for family in summary.families], severities),
        bar_chart("chart-units", "错误最多的单位" + (f"（前 {len(summary.units)} 个）" if summary.units else ""), "单位",
                  [(unit.name, {"error": unit.counts["error"]}) for unit in summary.units], severities[:1]),
    ])


def _worst(severities: Iterable[str]) -> str:
    return max(severities, key=SEVERITY_ORDER.__getitem__)


class _MarkIds:
    """Ids for the highlighted elements, unique across the report."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"e{self.count}"


class _Marker:
    """The findings of one file by the Source of each place they point at."""

    def __init__(self, findings: list[tuple[Finding, str]], ids: _MarkIds) -> None:
        self.findings = findings  # with their ids
        self.by_source: dict[Source, list[tuple[Finding, str]]] = defaultdict(list)
        for finding, finding_id in findings:
            for location in finding.locations:
                if location.file is None and location.source != Source() \
                        and (finding, finding_id) not in self.by_source[location.source]:  # a place in another file is not here
                    self.by_source[location.source].append((finding, finding_id))
        self.ids = ids
        self.placed: dict[Source, str] = {}  # Source -> id of the first element showing it

    def mark(self, source: Source) -> Mark | None:
        """The mark of the element showing `source`, if any finding points at it."""
        pointing = self.by_source.get(source)
        if not pointing:
            return None
        element = self.ids.next()
        self.placed.setdefault(source, element)  # a row both laid out and reported shows twice; links go to the first
        tip = "\n\n".join(f"{SEVERITY_WORDS[f.severity]} {f.rule} {f.title}\n{f.message}" for f, _ in pointing)
        return Mark(element, _worst(f.severity for f, _ in pointing), tuple(finding_id for _, finding_id in pointing),
                    source.describe(), tip)

    def shown(self, text: str, source: Source, kind: str = "") -> Shown:
        return Shown(text, self.mark(source), kind)


def _file_view(anchor: str, result: FileResult, document: Document | None, marker: _Marker,
               in_batch: bool) -> FileView:
    # Tables first, so that the finding list can link each place to the element showing it
    tables = [_table_view(table, marker) for table in document.tables] if document else []
    # A table no finding points at holds no mark, so leaving it out leaves no link without its target
    left_out = [table.name.text for table in tables if in_batch and not table.flagged]
    problems = _problems(document.problems, marker) if document else []
    findings = [_finding_view(finding, finding_id, marker) for finding, finding_id in marker.findings]
    identity = result.document_identity
    return FileView(anchor, result.path, result.format, result.error, document is not None,
                    Counter(f.severity for f in findings), findings,
                    [table for table in tables if table.flagged or not in_batch], problems,
                    kind_of(result), identity["unit"] if identity else "", year_of(result), left_out, in_batch)


def _finding_view(finding: Finding, finding_id: str, marker: _Marker) -> FindingView:
    figures = [(word, value) for key, word in FIGURE_WORDS if (value := getattr(finding, key)) not in (None, "")]
    if finding.culprit is not None:  # its first place is the culprit (位置), the others its evidence (涉及)
        figures.append(("建议改为", finding.culprit.fix()))
    places = [place for index, location in enumerate(finding.locations)
              if (place := _place(location, finding.role(index), marker))]
    return FindingView(finding_id, finding.rule, finding.severity, finding.title, finding.message, figures,
                       finding.hint, places)


def _place(location: Location, role: str, marker: _Marker) -> Place | None:
    """One location: what and where it is, and the element showing it (none for a claim in prose)."""
    what = location.describe()
    if location.value not in (None, ""):
        what = f"{what} = {location.value}" if what else f"“{location.value}”"
    where = location.source.describe()
    if not what and not where:
        return None
    return Place(role, what, where, marker.placed.get(location.source))


def _table_view(table: Table, marker: _Marker) -> TableView:
    placed_before = len(marker.placed)
    name = table.name + (f"（{table.meta['项目名称']}）" if "项目名称" in table.meta else "")
    meta = "；".join(f"{key}：{value}" for key, value in table.meta.items() if key != "项目名称")
    title = marker.shown(name, table.source)
    grids = []
    for segment in sorted({c.segment for c in table.columns}):
        columns = [c for c in table.columns if c.segment == segment]
        grids.append(_grid(columns, [r for r in table.rows if r.segment == segment], marker))
    problems = _problems(table.problems, marker)
    return TableView(title, table.kind, meta, grids, problems, [note.text for note in table.notes],
                     flagged=len(marker.placed) > placed_before)


def _grid(columns: list[Column], rows: list[Row], marker: _Marker) -> Grid:
    depth = max((len(c.header) for c in columns), default=0)
    head = []
    for level in range(depth):
        head.append([HeaderCell(path[level] if len(path) > level else "", len(list(group)))
                     for path, group in groupby(columns, key=lambda c: c.header[:level + 1])])
    numbers = None
    if any(c.number is not None for c in columns):
        numbers = ["" if c.number is None else str(c.number) for c in columns]
    body = []
    for group, in_group in groupby(rows, key=lambda r: r.group):
        if group:
            body.append(GridRow(group=group))
        body += [GridRow(tuple(_cell(row, column, marker) for column in columns)) for row in in_group]
    return Grid(head, numbers, body, len(columns))


def _cell(row: Row, column: Column, marker: _Marker) -> Shown:
    if column.role == "label":
        return marker.shown(row.label, row.source, "label")
    if column.role == "code":
        return Shown(row.code or "", kind="code")
    if column.role == "row_no":
        return Shown("" if row.row_no is None else str(row.row_no), kind="row-no")
    cell = row.cells.get(column.index)
    if cell is None:
        return Shown("", kind="amount")
    return marker.shown(cell.text, cell.source, "amount")


def _problems(problems: list[Note], marker: _Marker) -> list[Problem]:
    return [Problem(marker.shown(p.text, p.source), p.source.describe()) for p in problems]
