"""The HTML report of a sweep: a batch opens with its summary (documents by kind and year, findings by
rule family and severity, the units with the most errors, the files not read, not checked or OCR'd)
drawn as inline SVG charts, each with its figures in a table, then the index of the files. The
figures are the report's own; the SVG is well-formed XML whose bars are as long as their counts; a
single file has no summary unless --statistics, which adds the per-rule table; a batch shows only
the tables its findings point at."""

import re
import shutil
import xml.etree.ElementTree as ElementTree
from collections import Counter
from html.parser import HTMLParser

import pytest
from click.testing import CliRunner
from helpers import CONSISTENT, FIXTURES, SEED002

from validator import check
from validator.cli import main
from validator.findings import FileResult, Finding, Report
from validator.reporters.html_charts import LABEL_MAX, WIDTH, text_width
from validator.reporters.html_report import render

CHARTS = ("chart-kinds", "chart-families", "chart-units")
SEED_UNIT = "济源产城融合示范区管理委员会办公室(本级"  # as seed 002's tables name the unit


def file_result(path, kind=None, unit=None, year=None, error=None, tables=(), ocr=None):
    identity = {"unit": unit, "year": year, "year_from": "封面"} if unit else None
    return FileResult(path, None if error else "text", list(tables), error, ocr=ocr, document_kind=kind,
                      document_identity=identity)


def finding(rule, severity, path):
    return Finding(rule, severity, f"{rule} 的标题", "说明", path)


def sweep_report():
    """Eight files of every kind, with findings of built-in families and of a user's family (MY)."""
    files = [
        file_result("a/dept-2024.pdf", "部门决算", "甲局", 2024),
        file_result("b/dept-2024.xlsx", "部门决算", "乙局", 2024),
        file_result("c/unit-2025.pdf", "单位预算", "甲局", 2025),
        file_result("d/no-level.txt", "决算"),
        file_result("e/self-evaluations.xlsx", "单位决算", "丙中心", 2023,
                    tables=["项目支出绩效自评表", "2023年项目单位自评表"]),
        file_result("f/notes.txt"),
        file_result("g/broken.xlsx", error="不是有效的 xlsx 工作簿"),
        file_result("h/scan.pdf", "单位决算", "丁所", 2024, ocr=(120, 3)),
    ]
    findings = [finding("T1-01", "error", "a/dept-2024.pdf"), finding("T1-03", "error", "a/dept-2024.pdf"),
                finding("X-01", "error", "c/unit-2025.pdf"), finding("X-02", "warning", "b/dept-2024.xlsx"),
                finding("SE-12", "warning", "e/self-evaluations.xlsx"), finding("READ-01", "error", "g/broken.xlsx"),
                finding("MY-01", "info", "f/notes.txt"), finding("D-03", "warning", "h/scan.pdf"),
                finding("X-01", "error", "h/scan.pdf")]
    return Report("test", files, findings, not_checked=["i/late.pdf", "j/later.pdf"])


class Figures(HTMLParser):
    """The cell texts of the figures table of each chart (by the figure's id), the text of each
    element with an id, and every attribute value."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.texts: dict[str, str] = {}
        self.attributes: list[tuple[str, str]] = []
        self.figure = None
        self.in_cell = False
        self.open_ids: list[tuple[str, str]] = []  # (tag, id) of the elements being read

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.attributes += [(name, value or "") for name, value in attrs]
        if tag == "figure":
            self.figure = attributes["id"]
            self.tables[self.figure] = []
        elif self.figure and tag == "tr":
            self.tables[self.figure].append([])
        elif self.figure and tag in ("td", "th"):
            self.in_cell = True
            self.tables[self.figure][-1].append("")
        if "id" in attributes:
            self.open_ids.append((tag, attributes["id"]))
            self.texts[attributes["id"]] = ""

    def handle_endtag(self, tag):
        if tag == "figure":
            self.figure = None
        self.in_cell = self.in_cell and tag not in ("td", "th")
        if self.open_ids and self.open_ids[-1][0] == tag:
            self.open_ids.pop()

    def handle_data(self, data):
        if self.in_cell:
            self.tables[self.figure][-1][-1] += data
        for _, element in self.open_ids:
            self.texts[element] += data


def figures_of(html):
    parser = Figures()
    parser.feed(html)
    return parser


def svg_of(html, chart_id):
    """The chart's picture, parsed as the XML it must be."""
    figure = html[html.index(f'<figure class="chart" id="{chart_id}">'):]
    return ElementTree.fromstring(figure[figure.index("<svg"):figure.index("</svg>") + len("</svg>")])


def bars_of(svg):
    """(label, [(value, width) of each segment]) of each bar."""
    return [(bar.find("text").text, [(int(rect.get("data-value")), float(rect.get("width")))
                                     for rect in bar.findall("rect")]) for bar in svg.iter("g")]


# -- the summary's figures --------------------------------------------------------------------------

def test_documents_are_counted_by_kind_and_year():
    tables = figures_of(render(sweep_report())).tables
    assert tables["chart-kinds"] == [
        ["类型", "2023年", "2024年", "2025年", "未识别", "合计"],
        ["部门决算", "0", "2", "0", "0", "2"],
        ["单位决算", "0", "1", "0", "0", "1"],  # the scan; the file of 自评表 only is counted apart
        ["单位预算", "0", "0", "1", "0", "1"],
        ["决算（未注明部门或单位）", "0", "0", "0", "1", "1"],
        ["自评表", "1", "0", "0", "0", "1"],
        ["其他", "0", "0", "0", "1", "1"],
        ["无法读取", "0", "0", "0", "1", "1"],
    ]


def test_findings_are_counted_by_rule_family_and_severity_with_the_family_names():
    report = sweep_report()
    table = figures_of(render(report)).tables["chart-families"]
    assert table == [
        ["规则类别", "错误", "警告", "提示", "合计"],
        ["X 决算表间关系", "2", "1", "0", "3"],  # the most errors first
        ["T1 收入支出决算总表", "2", "0", "0", "2"],  # a table's family is named as the catalogue names the table
        ["READ 文件读取", "1", "0", "0", "1"],
        ["D 决算公开的完整性与文字", "0", "1", "0", "1"],
        ["SE 项目支出绩效自评表", "0", "1", "0", "1"],
        ["MY", "0", "0", "1", "1"],  # a user's family has no name
    ]
    columns = list(zip(*table[1:]))
    assert [sum(map(int, column)) for column in columns[1:]] == [
        report.count("error"), report.count("warning"), report.count("info"), len(report.findings)]


def test_units_with_the_most_errors_come_first_named_by_their_cover_else_by_the_file():
    files = [file_result(f"u{n:02}.pdf", "单位决算", f"单位{n:02}", 2024) for n in range(12)]
    files += [file_result("u03-budget.pdf", "单位预算", "单位03", 2024), file_result("nameless.txt")]
    findings = [finding("T1-01", "error", f"u{n:02}.pdf") for n in range(12) for _ in range(n)]
    findings += [finding("T1-01", "error", "u03-budget.pdf")] * 9  # one unit's two documents add up
    findings += [finding("C-01", "error", "nameless.txt")] * 5 + [finding("D-03", "warning", "u11.pdf")]
    html = render(Report("test", files, findings))
    table = figures_of(html).tables["chart-units"]
    assert table[0] == ["单位", "错误"]
    # ties (5 errors) by name; a unit's budget and final account together (3 + 9)
    assert [row[0] for row in table[1:]] == ["单位03", "单位11", "单位10", "单位09", "单位08", "单位07", "单位06",
                                             "nameless.txt", "单位05", "单位04"]
    assert [row[1] for row in table[1:]] == ["12", "11", "10", "9", "8", "7", "6", "5", "5", "4"]
    assert "错误最多的单位（前 10 个）" in html


def test_files_not_read_not_checked_and_ocrd_are_counted():
    html = render(sweep_report())
    assert "<li>无法读取 <b>1</b> 个（READ-01）</li>" in html
    assert "<li>未检查 <b>2</b> 个（运行被中断）" in html and "<li>i/late.pdf</li><li>j/later.pdf</li>" in html
    assert "<li>OCR：<b>1</b> 个文件有扫描页，识别表格单元格 120 个，其中存疑 3 个</li>" in html


def test_a_sweep_without_interruption_or_ocr_says_nothing_of_them():
    report = sweep_report()
    report.not_checked = []
    report.files = [result for result in report.files if not result.ocr]
    html = render(report)
    assert "未检查" not in html and "OCR" not in html


def test_the_summary_of_a_real_batch_holds_the_reports_counts(tmp_path):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    report = check([SEED002, FIXTURES / "seed001.txt", FIXTURES / "seed004.txt", broken], keep_documents=True)
    figures = figures_of(render(report))
    kinds = {row[0]: int(row[-1]) for row in figures.tables["chart-kinds"][1:]}
    assert kinds == {"单位决算": 1, "其他": 2, "无法读取": 1}
    families = figures.tables["chart-families"][1:]
    assert sum(int(row[-1]) for row in families) == len(report.findings)
    assert [sum(int(row[column]) for row in families) for column in (1, 2, 3)] == [
        report.count("error"), report.count("warning"), report.count("info")]
    units = {row[0]: int(row[1]) for row in figures.tables["chart-units"][1:]}
    assert units == {SEED_UNIT: 3, "seed001.txt": 3, "broken.xlsx": 1}
    assert sum(units.values()) == report.count("error")


def test_a_clean_batch_has_nothing_to_chart_but_its_files():
    report = Report("test", [file_result("a.pdf", "部门决算", "甲局", 2024), file_result("b.pdf", "部门决算", "乙局", 2024)])
    html = render(report)
    assert html.count("<svg") == 1  # the documents by kind and year
    for chart_id, title in (("chart-families", "各类规则发现的问题"), ("chart-units", "错误最多的单位")):
        assert f'<figure class="chart" id="{chart_id}"><figcaption>{title}</figcaption>\n<p class="note">（无）</p>' in html


# -- the pictures ---------------------------------------------------------------------------------

def test_every_chart_is_well_formed_svg_with_its_title_and_description():
    html = render(sweep_report())
    figures = figures_of(html)
    assert html.count("<svg") == len(CHARTS)
    for chart_id in CHARTS:
        svg = svg_of(html, chart_id)
        assert svg.get("role") == "img"
        assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert svg.find("title").get("id") == f"{chart_id}-title" and svg.find("title").text
        assert svg.find("desc").get("id") == f"{chart_id}-desc"
        assert f'<details class="chart-data"><summary>图表数据</summary>' in html.split(f'id="{chart_id}"')[1]
    assert figures.texts["chart-families-desc"] == (
        "各类规则发现的问题：X 决算表间关系 3（错误 2，警告 1）；T1 收入支出决算总表 2（错误 2）；READ 文件读取 1（错误 1）；"
        "D 决算公开的完整性与文字 1（警告 1）；SE 项目支出绩效自评表 1（警告 1）；MY 1（提示 1）。")


def test_bars_are_as_long_as_their_counts():
    html = render(sweep_report())
    for chart_id in CHARTS:
        bars = bars_of(svg_of(html, chart_id))
        assert bars
        per_unit = {round(width / value, 1) for _, segments in bars for value, width in segments}
        assert len(per_unit) == 1, (chart_id, per_unit)  # one length per count, in every bar and segment
        longest = max(sum(width for _, width in segments) for _, segments in bars)
        assert WIDTH / 2 < longest < WIDTH  # the longest bar takes most of the width, and stays inside
    families = bars_of(svg_of(html, "chart-families"))
    assert families[0] == ("X 决算表间关系", [(2, pytest.approx(families[0][1][1][1] * 2)), (1, families[0][1][1][1])])


def test_segments_are_coloured_by_severity_as_the_rest_of_the_report():
    html = render(sweep_report())
    classes = [rect.get("class") for g in svg_of(html, "chart-families").iter("g") for rect in g.findall("rect")]
    assert set(classes) == {"sev-error", "sev-warning", "sev-info"}
    assert {rect.get("class") for rect in svg_of(html, "chart-units").iter("rect")} == {"sev-error"}
    for severity, colour in (("error", "#c22"), ("warning", "#c80"), ("info", "#27a")):
        assert f".badge.sev-{severity} {{ background: {colour}; }}" in html
        assert f"svg.chart .sev-{severity} {{ fill: {colour}; }}" in html


def test_a_long_unit_name_is_cut_short_in_the_picture_only():
    name = "某某省某某市某某区人民政府办公室下属某某事业服务中心第一分中心"
    report = Report("test", [file_result("a.pdf", "单位决算", name, 2024), file_result("b.pdf")],
                    [finding("T1-01", "error", "a.pdf")])
    html = render(report)
    ((label, _),) = bars_of(svg_of(html, "chart-units"))
    assert label.endswith("…") and name.startswith(label[:-1]) and text_width(label) <= LABEL_MAX
    assert figures_of(html).tables["chart-units"][1] == [name, "1"]


def test_input_text_in_the_summary_is_escaped_and_nothing_is_fetched():
    hostile = '<script>alert(1)</script> http://example.com/x.png "quoted" & more'
    report = Report("test", [file_result("a.pdf", "单位决算", hostile, 2024), file_result("b.pdf")],
                    [finding("T1-01", "error", "a.pdf")])
    html = render(report)
    assert hostile not in html and html.count("<script>") == 1  # the report's own
    for chart_id in CHARTS:
        svg_of(html, chart_id)  # still well-formed
    figures = figures_of(html)
    assert figures.tables["chart-units"][1] == [hostile, "1"]
    assert not [(name, value) for name, value in figures.attributes if "http" in value.lower()]  # text only
    assert " src=" not in html and "<link" not in html and "url(" not in html


# -- what the page holds --------------------------------------------------------------------------

def test_a_single_file_report_has_no_summary():
    report = check([SEED002], keep_documents=True)
    html = render(report)
    assert 'id="sweep"' not in html and "<svg" not in html and 'id="statistics"' not in html
    assert 'id="index"' not in html


def test_statistics_add_the_per_rule_table_and_the_summary(tmp_path):
    target = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["check", "--format", "html", "--statistics", "-o", str(target), str(SEED002)])
    assert result.exit_code == 1 and "不含 --statistics" not in result.output
    html = target.read_text(encoding="utf-8")
    figures = figures_of(html)
    report = check([SEED002])
    rows = [[row["rule"], row["title"], *(str(row[key]) for key in ("errors", "warnings", "infos", "total"))]
            for row in report.statistics()["rules"]]
    assert rows == [["SE-12", "自评表中有无法确定栏次的行", "0", "8", "0", "8"],
                    ["SE-08", "各项分值之和与总分的分值不符", "3", "0", "0", "3"]]  # the most frequent first
    section = html[html.index('<section id="statistics">'):]
    section = section[:section.index("</section>")]
    table = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td>"
                       r"<td class=\"num\">(\d+)</td><td class=\"num\">(\d+)</td></tr>", section)
    assert [list(row) for row in table] == rows
    assert 'id="sweep"' in html and set(CHARTS) <= set(figures.tables)


def test_a_batch_shows_only_the_tables_its_findings_point_at(tmp_path, mutated):
    clean = tmp_path / "clean.txt"
    shutil.copy(CONSISTENT, clean)
    report = check([mutated, clean], keep_documents=True)
    assert not [f for f in report.findings if f.file == str(clean)]
    html = render(report)
    first, second = html.split('<section class="file"')[1:]
    mutated_tables = report.documents[str(mutated)].tables
    shown = first.count('<details class="table"')
    assert 0 < shown < len(mutated_tables)
    tables = first.split('<details class="table"')[1:]
    assert all('hit sev-' in table for table in tables)  # each one shown holds a mark
    assert not [table for table in tables if table.startswith(" open")]  # folded: a place's link unfolds it
    assert f"没有问题标注的 {len(mutated_tables) - shown} 张表格从略：" in first
    assert '<details class="table"' not in second
    assert f"没有问题标注的 {len(report.documents[str(clean)].tables)} 张表格从略：" in second
    ids = Counter(re.findall(r' id="([^"]+)"', html))
    assert all(ids[target] == 1 for target in re.findall(r'href="#([^"]+)"', html))  # no link lost its target
    single = render(check([mutated], keep_documents=True))
    # one file: every table, those with marks unfolded, as before
    assert single.count('<details class="table"') == len(mutated_tables)
    assert single.count('<details class="table" open>') == shown


def test_the_index_gives_each_files_kind_unit_year_and_counts():
    html = render(sweep_report())
    index = html[html.index('<nav id="index">'):html.index("</nav>")]
    rows = re.findall(r"<tr><td><a href=\"#(file-\d+)\">(.*?)</a></td>(.*?)</tr>", index)
    assert [(anchor, path) for anchor, path, _ in rows] == [
        (f"file-{n}", result.path) for n, result in enumerate(sweep_report().files, 1)]
    cells = {path: re.findall(r"<td[^>]*>(.*?)</td>", rest) for _, path, rest in rows}
    assert cells["a/dept-2024.pdf"] == ["部门决算", "甲局", "2024年", "2", "0", "0"]
    assert cells["e/self-evaluations.xlsx"] == ["自评表", "丙中心", "2023年", "0", "1", "0"]
    assert cells["f/notes.txt"] == ["其他", "", "未识别", "0", "0", "1"]
    assert cells["g/broken.xlsx"] == ["无法读取", "1", "0", "0"]


# -- in a real browser ----------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_browser_draws_the_bars_in_the_severity_colours(tmp_path):
    from browser import Browser

    page = tmp_path / "report.html"
    page.write_text(render(sweep_report()), encoding="utf-8")
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        drawn = browser.evaluate("""Array.from(document.querySelectorAll('#chart-families g.bar rect')).map(r => {
            const box = r.getBoundingClientRect();
            return [r.getAttribute('class'), getComputedStyle(r).fill, Math.round(box.width), Number(r.dataset.value)];
        })""")
    fills = {"sev-error": "rgb(204, 34, 34)", "sev-warning": "rgb(204, 136, 0)", "sev-info": "rgb(34, 119, 170)"}
    assert {css: fill for css, fill, _, _ in drawn} == fills
    per_count = {width / value for _, _, width, value in drawn}
    assert max(per_count) - min(per_count) <= 1  # on screen too, lengths follow the counts (to the pixel)
    assert min(per_count) > 20


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_browser_a_places_link_unfolds_its_folded_table(tmp_path, mutated):
    """The report's script opens the table, whether or not the browser does on following the link (the
    link is not followed here)."""
    from browser import Browser

    clean = tmp_path / "clean.txt"
    shutil.copy(CONSISTENT, clean)
    page = tmp_path / "report.html"
    page.write_text(render(check([mutated, clean], keep_documents=True)), encoding="utf-8")
    with Browser(CHROMIUM, tmp_path / "profile") as browser:
        browser.open(page.as_uri())
        link = "document.querySelector('a.place')"
        table = f"document.getElementById({link}.getAttribute('href').slice(1)).closest('details.table')"
        assert browser.evaluate(f"{table}.open") is False
        browser.evaluate("document.addEventListener('click', event => event.preventDefault(), true)")
        browser.evaluate(f"{link}.click()")
        assert browser.evaluate(f"{table}.open") is True
        assert browser.evaluate("location.hash") == ""  # not followed: the script alone opened it
