"""The HTML report for clerks: one self-contained file (inline CSS and script, nothing fetched).

A summary (files, tables, findings by severity and by rule, with filters), then every file's tables
as they were read, with the cells of each finding highlighted; hovering a cell names its findings,
clicking it shows them in full. A finding is tied to the elements it points at by its locations'
Source values: a location's Source is the very Source of the cell (or row label, table title,
unplaced row) it was taken from, and a Source is unique to its place in the input. Locations that
match no element (a claim in prose, a whole file) are listed with their quoted text.

Every text from the input is escaped: cell texts are hostile input. The URL fragment
`#hide=warning,SE-12` opens the report with those severities or rules filtered out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from html import escape
from itertools import groupby

from ..findings import SEVERITY_ORDER, Finding, Location, Report
from ..model import Column, Document, Note, Row, Source, Table

SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}
FIGURE_WORDS = (("expected", "应为"), ("actual", "实际"), ("difference", "相差"), ("tolerance", "尾差容许"))
PLACES_SHOWN = 4  # locations listed before the rest fold away


def render(report: Report, verbose: bool = False) -> str:
    ids = {id(finding): f"f{index}" for index, finding in enumerate(report.findings, 1)}
    elements = _ElementIds()
    files = []
    for result in report.files:
        in_file = [f for f in report.findings if f.file == result.path]
        document = report.documents.get(result.path)
        files.append(_file_section(result.path, result.format, result.error, document, in_file, ids, elements))
    body = [
        "<header><h1>budgetlint 检查报告</h1>",
        f"<p class=\"tool\">budgetlint {escape(report.version)}</p></header>",
        _summary(report),
        *files,
    ]
    if verbose and report.skipped:
        body.append(_skipped(report))
    body.append('<aside id="detail" hidden><button type="button" class="close" aria-label="关闭">×</button>'
                '<div class="content"></div></aside>')
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>budgetlint 检查报告</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + f"\n<script>{_SCRIPT}</script>\n</body>\n</html>\n")


class _ElementIds:
    """Ids for the highlighted elements, unique across the report."""

    def __init__(self) -> None:
        self.count = 0

    def next(self) -> str:
        self.count += 1
        return f"e{self.count}"


class _Hits:
    """The findings of one file by the Source of each place they point at."""

    def __init__(self, findings: list[Finding], ids: dict[int, str]) -> None:
        self.by_source: dict[Source, list[Finding]] = defaultdict(list)
        for finding in findings:
            for location in finding.locations:
                if location.source != Source() and finding not in self.by_source[location.source]:
                    self.by_source[location.source].append(finding)
        self.ids = ids
        self.placed: dict[Source, str] = {}  # Source -> id of the first element showing it

    def attributes(self, source: Source, elements: _ElementIds) -> str:
        """id, classes, tooltip and data-findings for the element showing `source` (if any finding points at it)."""
        findings = self.by_source.get(source)
        if not findings:
            return ""
        element = elements.next()
        self.placed.setdefault(source, element)  # a row both laid out and reported shows twice; links go to the first
        worst = max(findings, key=lambda f: SEVERITY_ORDER[f.severity]).severity
        tip = "\n\n".join(_tip(f) for f in findings)
        return (f' id="{element}" class="hit sev-{worst}" data-findings="{" ".join(self.ids[id(f)] for f in findings)}"'
                f' data-source="{escape(source.describe())}" title="{escape(tip)}" tabindex="0"')


def _tip(finding: Finding) -> str:
    return f"{SEVERITY_WORDS[finding.severity]} {finding.rule} {finding.title}\n{finding.message}"


# -- summary -------------------------------------------------------------------------------------

def _summary(report: Report) -> str:
    tables = sum(len(result.tables) for result in report.files)
    by_severity = Counter(f.severity for f in report.findings)
    by_rule = Counter(f.rule for f in report.findings)
    titles = {f.rule: f.title for f in report.findings}
    severities = {f.rule: f.severity for f in report.findings}
    severity_boxes = "".join(
        f'<label class="sev-{s}"><input type="checkbox" data-filter="severity" value="{s}" checked> '
        f'{SEVERITY_WORDS[s]} <span class="count">{by_severity[s]}</span></label>'
        for s in sorted(SEVERITY_WORDS, key=SEVERITY_ORDER.get, reverse=True))
    rule_rows = "".join(
        f'<tr><td><label><input type="checkbox" data-filter="rule" value="{escape(rule)}" checked> '
        f'<b>{escape(rule)}</b></label></td><td class="sev-{severities[rule]}">{SEVERITY_WORDS[severities[rule]]}</td>'
        f'<td>{escape(report.rules[rule].title if rule in report.rules else titles[rule])}</td>'
        f'<td class="num">{count}</td></tr>'
        for rule, count in sorted(by_rule.items()))
    rules_table = (f'<table class="rules"><thead><tr><th>规则</th><th>严重程度</th><th>名称</th><th>问题数</th></tr>'
                   f"</thead><tbody>{rule_rows}</tbody></table>" if rule_rows else "<p>没有发现问题。</p>")
    return (f'<section id="summary"><h2>概况</h2>'
            f'<p>共检查 <b>{len(report.files)}</b> 个文件、<b>{tables}</b> 张表格，发现 <b>{len(report.findings)}</b> 个问题：'
            f'{by_severity["error"]} 个错误，{by_severity["warning"]} 个警告，{by_severity["info"]} 个提示。</p>'
            f'<div class="filters"><p>按严重程度筛选：{severity_boxes}</p>'
            f"<p>按规则筛选（取消勾选即隐藏该规则的问题及其标注）：</p>{rules_table}</div></section>")


def _skipped(report: Report) -> str:
    items = "".join(f"<li>{escape(s.rule)} {escape(s.file)}：{escape(s.reason)}</li>" for s in report.skipped)
    return f'<section id="skipped"><details><summary>未适用的规则（{len(report.skipped)}）</summary><ul>{items}</ul></details></section>'


# -- one file ------------------------------------------------------------------------------------

def _file_section(path: str, file_format: str | None, error: str | None, document: Document | None,
                  findings: list[Finding], ids: dict[int, str], elements: _ElementIds) -> str:
    hits = _Hits(findings, ids)
    parts = [f'<section class="file"><h2 class="path">{escape(path)}</h2>']
    if error:
        parts.append(f'<p class="read-error">无法读取：{escape(error)}</p>')
    elif document is None:
        parts.append('<p class="note">（报告未保留该文件的表格，只列出问题）</p>')
    else:
        parts.append(f'<p class="format">格式：{escape(file_format or "")}，'
                     f"{len(document.tables)} 张表格</p>")
    # Tables first, so that the finding list can link each place to the element showing it
    shown = [_table(table, hits, elements) for table in document.tables] if document else []
    if document and document.problems:
        shown.append(_problems("文件中无法读取的部分", document.problems, hits, elements))
    if findings:
        parts.append(f'<h3>问题（{len(findings)}）</h3><ol class="findings">'
                     + "".join(_finding(f, ids[id(f)], hits) for f in findings) + "</ol>")
    else:
        parts.append("<p>没有发现问题。</p>")
    parts += shown
    parts.append("</section>")
    return "\n".join(parts)


def _finding(finding: Finding, finding_id: str, hits: _Hits) -> str:
    figures = "".join(f"<dt>{word}</dt><dd>{escape(value)}</dd>" for key, word in FIGURE_WORDS
                      if (value := getattr(finding, key)) not in (None, ""))
    places = [_place(location, index, hits) for index, location in enumerate(finding.locations)]
    places = [p for p in places if p]
    listed = "".join(places[:PLACES_SHOWN])
    if len(places) > PLACES_SHOWN:
        listed += (f'<li class="more"><details><summary>另 {len(places) - PLACES_SHOWN} 处</summary><ol>'
                   + "".join(places[PLACES_SHOWN:]) + "</ol></details></li>")
    return (f'<li class="finding sev-{finding.severity}" id="{finding_id}" data-rule="{escape(finding.rule)}" '
            f'data-severity="{finding.severity}">'
            f'<p class="head"><span class="badge sev-{finding.severity}">{SEVERITY_WORDS[finding.severity]}</span> '
            f"<b>{escape(finding.rule)}</b> {escape(finding.title)}</p>"
            f'<p class="message">{escape(finding.message)}</p>'
            + (f'<dl class="figures">{figures}</dl>' if figures else "")
            + (f'<p class="hint">建议：{escape(finding.hint)}</p>' if finding.hint else "")
            + (f'<ol class="places">{listed}</ol>' if listed else "")
            + "</li>")


def _place(location: Location, index: int, hits: _Hits) -> str:
    """One location: a link to the element showing it, or the quoted text when it is in prose."""
    what = location.describe()
    value = location.value
    if value not in (None, ""):
        what = f"{what} = {value}" if what else f"“{value}”"
    where = location.source.describe()
    if not what and not where:
        return ""
    text = escape(what) + (f' <span class="where">〔{escape(where)}〕</span>' if where else "")
    role = "位置" if index == 0 else "涉及"
    element = hits.placed.get(location.source)
    if element:
        return f'<li><a href="#{element}" class="place">{role}：{text}</a></li>'
    return f'<li class="unplaced">{role}：{text}</li>'


# -- tables as read ------------------------------------------------------------------------------

def _table(table: Table, hits: _Hits, elements: _ElementIds) -> str:
    """A table as read; folded away unless a finding points into it."""
    placed_before = len(hits.placed)
    name = table.name + (f"（{table.meta['项目名称']}）" if "项目名称" in table.meta else "")
    meta = "；".join(f"{key}：{value}" for key, value in table.meta.items() if key != "项目名称")
    heading = (f'<h3><span{hits.attributes(table.source, elements)}>{escape(name)}</span>'
               f'{"" if table.kind is None else f" <small>（{escape(table.kind)}）</small>"}</h3>')
    parts = [f'<p class="meta">{escape(meta)}</p>'] if meta else []
    parts.append('<div class="segments">')
    for segment in sorted({c.segment for c in table.columns}):
        columns = [c for c in table.columns if c.segment == segment]
        rows = [r for r in table.rows if r.segment == segment]
        parts.append(_grid(columns, rows, hits, elements))
    parts.append("</div>")
    if table.problems:
        parts.append(_problems("无法确定栏次的行", table.problems, hits, elements))
    parts += [f'<p class="note">{escape(note.text)}</p>' for note in table.notes]
    flagged = len(hits.placed) > placed_before
    return (f'<details class="table"{" open" if flagged else ""}><summary>{heading}</summary>\n'
            + "\n".join(parts) + "\n</details>")


def _grid(columns: list[Column], rows: list[Row], hits: _Hits, elements: _ElementIds) -> str:
    depth = max((len(c.header) for c in columns), default=0)
    head = []
    for level in range(depth):
        cells = []
        for path, group in groupby(columns, key=lambda c: c.header[:level + 1]):
            span = len(list(group))
            text = path[level] if len(path) > level else ""
            cells.append(f'<th{f" colspan={span}" if span > 1 else ""}>{escape(text)}</th>')
        head.append("<tr>" + "".join(cells) + "</tr>")
    if any(c.number is not None for c in columns):
        head.append('<tr class="column-no">' + "".join(
            f"<th>{'' if c.number is None else c.number}</th>" for c in columns) + "</tr>")
    body = []
    for group, in_group in groupby(rows, key=lambda r: r.group):
        if group:
            body.append(f'<tr class="group"><th colspan="{len(columns)}">{escape(group)}</th></tr>')
        body += ["<tr>" + "".join(_cell(row, column, hits, elements) for column in columns) + "</tr>"
                 for row in in_group]
    return f'<table class="grid"><thead>{"".join(head)}</thead><tbody>{"".join(body)}</tbody></table>'


def _cell(row: Row, column: Column, hits: _Hits, elements: _ElementIds) -> str:
    if column.role == "label":
        return f'<td class="label"><span{hits.attributes(row.source, elements)}>{escape(row.label)}</span></td>'
    if column.role == "code":
        return f'<td class="code">{escape(row.code or "")}</td>'
    if column.role == "row_no":
        return f'<td class="row-no">{"" if row.row_no is None else row.row_no}</td>'
    cell = row.cells.get(column.index)
    if cell is None:
        return '<td class="amount"></td>'
    return f'<td class="amount"{hits.attributes(cell.source, elements)}>{escape(cell.text)}</td>'


def _problems(title: str, problems: list[Note], hits: _Hits, elements: _ElementIds) -> str:
    items = "".join(f'<li><span{hits.attributes(p.source, elements)}>{escape(p.text)}</span> '
                    f'<span class="where">〔{escape(p.source.describe())}〕</span></li>' for p in problems)
    return f'<div class="problems"><p>{title}：</p><ul>{items}</ul></div>'


_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0 1.5em 4em;color:#222;
 font-size:14px;line-height:1.5}
h1{font-size:1.6em;margin:.6em 0 0}h2{font-size:1.3em;border-bottom:2px solid #ccc;margin-top:1.6em}
h3{font-size:1.05em;margin:1.2em 0 .3em}.tool,.format,.meta,.where{color:#666}
.filters label{margin-right:1em;white-space:nowrap}
table{border-collapse:collapse;margin:.3em 0}th,td{border:1px solid #bbb;padding:2px 6px;vertical-align:top}
thead th{background:#f0f0f0;font-weight:600}.column-no th{font-weight:normal;color:#666}
td.amount,td.num,td.row-no{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.code{font-family:monospace}tr.group th{text-align:left;background:#fafafa}
.segments{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}
.hit{cursor:pointer;outline:2px solid transparent}
.hit.sev-error{background:#fdd;outline-color:#d33}.hit.sev-warning{background:#ffeec2;outline-color:#d90}
.hit.sev-info{background:#dff0ff;outline-color:#39c}.hit.focus{box-shadow:0 0 0 3px #333 inset}
.badge{display:inline-block;padding:0 .4em;border-radius:3px;color:#fff;font-size:.9em}
.badge.sev-error{background:#c22}.badge.sev-warning{background:#c80}.badge.sev-info{background:#27a}
td.sev-error{color:#c22}td.sev-warning{color:#a60}td.sev-info{color:#27a}
ol.findings{padding-left:1.5em}li.finding{margin:.6em 0;padding:.3em .6em;border-left:4px solid #ccc}
li.finding.sev-error{border-color:#c22}li.finding.sev-warning{border-color:#c80}li.finding.sev-info{border-color:#27a}
li.finding p{margin:.15em 0}.message{font-weight:500}.hint{color:#444}
dl.figures{display:flex;flex-wrap:wrap;gap:.2em 1.2em;margin:.2em 0}dl.figures dt{color:#666}
dl.figures dd{margin:0 0 0 -.9em;font-variant-numeric:tabular-nums}
ol.places{margin:.2em 0;padding-left:1.2em;color:#333}a.place{color:#135;text-decoration:none}
a.place:hover{text-decoration:underline}.note{color:#555;font-size:.92em}.read-error{color:#c22}
.problems ul{margin:.2em 0}details.table>summary{cursor:pointer}details.table>summary h3{display:inline}
details.table{margin:.8em 0}
#detail{position:fixed;right:1em;bottom:1em;max-width:40em;max-height:60vh;overflow:auto;background:#fff;
 border:1px solid #888;box-shadow:0 2px 12px rgba(0,0,0,.25);padding:.5em 1em;z-index:10}
#detail .close{float:right;border:none;background:none;font-size:1.4em;cursor:pointer}
#detail ol{padding-left:1.2em}
"""

# Filters hide findings and recompute every highlight from the findings still shown; a click on a
# highlighted element shows its findings in the detail panel. Texts are copied as DOM nodes, never
# re-parsed as HTML.
_SCRIPT = """
(function () {
  "use strict";
  var order = {info: 1, warning: 2, error: 3};
  var findings = {};
  document.querySelectorAll("li.finding").forEach(function (li) { findings[li.id] = li; });
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[data-filter]"));
  var hide = [];
  if (location.hash.indexOf("#hide=") === 0) {
    hide = decodeURIComponent(location.hash.slice(6)).split(",");
  }
  boxes.forEach(function (box) {
    if (hide.indexOf(box.value) >= 0) { box.checked = false; }
    box.addEventListener("change", apply);
  });
  function live(el) {
    return el.getAttribute("data-findings").split(" ").map(function (id) { return findings[id]; })
      .filter(function (li) { return li && !li.hidden; });
  }
  function tip(li) {
    var head = li.querySelector(".head").textContent;
    return head + "\\n" + li.querySelector(".message").textContent;
  }
  function apply() {
    var on = {};
    boxes.forEach(function (box) { if (box.checked) { on[box.getAttribute("data-filter") + ":" + box.value] = true; } });
    Object.keys(findings).forEach(function (id) {
      var li = findings[id];
      li.hidden = !(on["severity:" + li.getAttribute("data-severity")] && on["rule:" + li.getAttribute("data-rule")]);
    });
    document.querySelectorAll("[data-findings]").forEach(function (el) {
      var active = live(el);
      el.classList.remove("hit", "sev-error", "sev-warning", "sev-info");
      if (active.length) {
        var worst = active.map(function (li) { return li.getAttribute("data-severity"); })
          .sort(function (a, b) { return order[b] - order[a]; })[0];
        el.classList.add("hit", "sev-" + worst);
        el.title = active.map(tip).join("\\n\\n");
      } else {
        el.removeAttribute("title");
      }
    });
  }
  var panel = document.getElementById("detail");
  var content = panel.querySelector(".content");
  panel.querySelector(".close").addEventListener("click", function () { panel.hidden = true; });
  function focus(el) {
    document.querySelectorAll(".focus").forEach(function (other) { other.classList.remove("focus"); });
    el.classList.add("focus");
  }
  function show(el) {
    var active = live(el);
    if (!active.length) { return; }
    focus(el);
    content.textContent = "";
    var place = document.createElement("p");
    place.className = "where";
    place.textContent = "〔" + el.getAttribute("data-source") + "〕 “" + el.textContent + "”";
    content.appendChild(place);
    var list = document.createElement("ol");
    active.forEach(function (li) {
      var copy = li.cloneNode(true);
      copy.removeAttribute("id");
      list.appendChild(copy);
    });
    content.appendChild(list);
    panel.hidden = false;
  }
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-findings]");
    if (el && el.classList.contains("hit")) { show(el); return; }
    var link = event.target.closest("a.place");
    if (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target) { focus(target); }
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches && event.target.matches(".hit")) { show(event.target); }
    if (event.key === "Escape") { panel.hidden = true; }
  });
  apply();
  document.documentElement.setAttribute("data-filtered", "yes");  // tells a test that the script ran
})();
"""
