"""The HTML report: the highlighted elements are exactly the located cells of the findings, marked
in the HTML itself (one class attribute, no attribute twice), texts from the input are escaped, the
file needs nothing from outside, names a CJK font stack and indexes a batch; then the same report in
a real headless Chromium (Debian's `chromium`), after its script ran and with scripts blocked,
filtered by the URL fragment, and as screenshots. The browser tests skip, saying why, where no
Chromium is installed."""

import json
import shutil
import subprocess
import sys
import zipfile
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import cv2
import pytest
from click.testing import CliRunner
from markupsafe import escape

from validator import check
from validator.cli import main
from validator.findings import SEVERITY_ORDER
from validator.reporters.html_report import render

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
SEED002 = FIXTURES / "seed002.txt"
TOTAL_LINE = 139  # 公开01表 第27行 本年收入合计 2,643.57, at column 11
HOSTILE = "<script>document.title='pwned'</script>"


@pytest.fixture
def mutated(tmp_path):
    """Seed 002 with 本年收入合计 changed from 2,643.57 to 2,653.57 (T1-01, T1-03, X-01, NR-03 fail)."""
    lines = SEED002.read_text(encoding="utf-8").splitlines(keepends=True)
    assert "\t2,643.57\t" in lines[TOTAL_LINE - 1]
    lines[TOTAL_LINE - 1] = lines[TOTAL_LINE - 1].replace("\t2,643.57\t", "\t2,653.57\t", 1)
    path = tmp_path / "mutated.txt"
    path.write_text("".join(lines), encoding="utf-8")
    return path


class Marks(HTMLParser):
    """Every element carrying findings: (tag, data-source, finding ids, highlighted or not); elements
    that repeat an attribute (a browser keeps only the first); every id and link target."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: list[tuple[str, str, frozenset[str], bool]] = []
        self.mark_attributes: list[dict[str, str | None]] = []
        self.findings: dict[str, dict[str, str | None]] = {}  # li.finding by id: its attributes
        self.root: dict[str, str | None] = {}
        self.repeated: list[tuple[str, list[str]]] = []  # (tag, the attribute names it repeats)
        self.ids: Counter[str] = Counter()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = Counter(name for name, _ in attrs)
        if max(names.values(), default=1) > 1:
            self.repeated.append((tag, sorted(name for name, n in names.items() if n > 1)))
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "html":
            self.root = attributes
        if "id" in attributes:
            self.ids[attributes["id"]] += 1
        if tag == "a" and (attributes.get("href") or "").startswith("#"):
            self.links.append(attributes["href"][1:])
        if "data-findings" in attributes:
            self.marked.append((tag, attributes["data-source"], frozenset(attributes["data-findings"].split()),
                                "hit" in classes))
            self.mark_attributes.append(attributes)
        if tag == "li" and "finding" in classes:
            self.findings[attributes["id"]] = attributes

    def highlighted(self, tag=None):
        return {source for t, source, _, hit in self.marked if hit and (tag is None or t == tag)}


def marks_of(html: str) -> Marks:
    parser = Marks()
    parser.feed(html)
    return parser


def located(report, rules=None):
    """Where the findings point that the report can show: amount cells and the other table places
    (row labels, table titles, rows the reader could not lay out), as Source.describe() texts."""
    cells, places = set(), set()
    for document in report.documents.values():
        for table in document.tables:
            places.add(table.source)
            places.update(problem.source for problem in table.problems)
            for row in table.rows:
                places.add(row.source)
                cells.update(cell.source for cell in row.cells.values())
    pointed = {location.source for f in report.findings if rules is None or f.rule in rules for location in f.locations}
    return ({s.describe() for s in pointed & cells}, {s.describe() for s in pointed & (places | cells)})


def html_report(path):
    report = check([path], keep_documents=True)
    return report, render(report)


def expenditure_table(tmp_path, name, total, item):
    """A structured disclosure of one 公开05表 with its 合计 row and one 201 row: [label, amount] each."""
    path = tmp_path / f"{name}.yaml"
    path.write_text(f'''format: budgetlint-document/1
tables:
  - title: 一般公共预算财政拨款支出决算表
    label: 公开05表
    grid:
      - [功能分类科目编码, 科目名称, 合计]
      - ["", 栏次, 1]
      - ["", "{total[0]}", "{total[1]}"]
      - ["201", "{item[0]}", "{item[1]}"]
''', encoding="utf-8")
    return path


# -- the HTML as written ------------------------------------------------------------------------

def test_highlighted_cells_are_the_located_cells(mutated):
    report, html = html_report(mutated)
    marks = marks_of(html)
    cells, places = located(report)
    assert f"第{TOTAL_LINE}行第11列" in cells
    assert marks.highlighted("td") == cells
    assert marks.highlighted() == places
    # T1-03 and X-01 fail on the same total: evidence of the T1-01 finding that names it the culprit
    assert {rule for f in report.findings for rule in f.reported_rules()} >= {"T1-01", "T1-03", "X-01", "NR-03"}
    (total,) = [ids for _, source, ids, _ in marks.marked if source == f"第{TOTAL_LINE}行第11列"]
    assert {marks.findings[i]["data-rule"] for i in total} == {"T1-01", "NR-03"}


def test_self_evaluation_errors_are_highlighted_in_their_tables():
    report, html = html_report(SEED002)
    marks = marks_of(html)
    cells, places = located(report)
    assert {f.rule for f in report.findings} == {"SE-08", "SE-12"}  # SE-09 folded into SE-08
    assert cells == located(report, {"SE-08"})[0]
    assert marks.highlighted("td") == cells
    assert marks.highlighted() == places  # the SE-12 rows that could not be laid out too
    assert len(marks.findings) == len(report.findings)


def test_no_element_repeats_an_attribute(mutated):
    """A browser keeps the first of two class attributes: a repeated one would drop the highlight."""
    for path in (mutated, SEED002):
        report, html = html_report(path)
        marks = marks_of(html)
        assert len(marks.marked) >= len(report.findings)
        assert marks.repeated == []


def test_each_mark_is_in_the_html_itself(mutated):
    """The worst severity in the one class attribute and every finding in the tooltip, before any script."""
    _, html = html_report(mutated)
    marks = marks_of(html)
    for attributes in marks.mark_attributes:
        pointing = [marks.findings[i] for i in attributes["data-findings"].split()]
        worst = max((f["data-severity"] for f in pointing), key=SEVERITY_ORDER.__getitem__)
        assert attributes["class"].split()[-2:] == ["hit", f"sev-{worst}"]
        assert all(f"{f['data-rule']} " in attributes["title"] for f in pointing)
    assert ".hit.sev-error { background: #fdd;" in html  # styled by CSS alone


def test_the_page_names_a_cjk_font_stack(mutated):
    _, html = html_report(mutated)
    assert ('body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
            "SimSun, sans-serif;") in html


class FileIndex(HTMLParser):
    """The batch index: the cell texts of each row, and the links."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.in_cell = False
        self.rows: list[list[str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "nav" and attributes.get("id") == "index":
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag == "a":
            self.links.append(attributes["href"])
        elif self.inside and tag == "td":
            self.in_cell = True
            self.rows[-1].append("")

    def handle_endtag(self, tag):
        self.inside = self.inside and tag != "nav"
        self.in_cell = self.in_cell and tag != "td"

    def handle_data(self, data):
        if self.in_cell:
            self.rows[-1][-1] += data


def test_a_batch_report_indexes_its_files_with_their_counts(tmp_path, mutated):
    odd = tmp_path / 'a "b" <c> #d&e.txt'  # the anchors do not come from the paths
    odd.write_text(SEED002.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    report = check([mutated, odd, broken], keep_documents=True)
    html = render(report)
    index = FileIndex()
    index.feed(html)
    counts = {f["path"]: [str(f["errors"]), str(f["warnings"]), str(f["infos"])]
              for f in report.statistics()["files"]}
    assert counts[str(mutated)] != ["0", "0", "0"] and counts[str(odd)] == ["3", "8", "0"]
    seed = ["单位决算", "济源产城融合示范区管理委员会办公室(本级", "2023年"]  # as seed 002's tables name unit and year
    assert index.rows == [[], [str(mutated), *seed, *counts[str(mutated)]], [str(odd), *seed, *counts[str(odd)]],
                          [str(broken), "无法读取", "1", "0", "0"]]  # the heading has th cells only
    marks = marks_of(html)
    assert set(marks.links) <= set(marks.ids) and max(marks.ids.values()) == 1
    assert len(index.links) == 3
    for link, path in zip(index.links, (mutated, odd, broken)):
        assert f'<section class="file" id="{link[1:]}"><h2 class="path">{escape(str(path))}</h2>' in html


def test_a_single_file_has_no_index(mutated):
    assert 'id="index"' not in html_report(mutated)[1]


def test_every_finding_is_listed_with_its_rule_and_severity(mutated):
    report, html = html_report(mutated)
    listed = marks_of(html).findings
    assert [(a["data-rule"], a["data-severity"]) for a in listed.values()] == [
        (f.rule, f.severity) for f in report.findings]
    assert "“2,643.57万元”" in html  # the claim in prose that NR-03 quotes


def test_filters_offer_each_severity_and_rule(mutated):
    report, html = html_report(mutated)
    for rule in {f.rule for f in report.findings}:
        assert f'data-filter="rule" value="{rule}" checked' in html
    for severity in ("error", "warning", "info"):
        assert f'data-filter="severity" value="{severity}" checked' in html


def test_texts_from_the_input_are_escaped(tmp_path):
    path = expenditure_table(tmp_path, "hostile", [f"合计{HOSTILE}", "10.00"], [f"一般公共服务支出{HOSTILE}", "1,0.00"])
    report, html = html_report(path)
    assert any(f.rule == "N-01" and HOSTILE in f.message for f in report.findings)
    assert HOSTILE not in html
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # the report's own


def test_the_report_needs_nothing_from_outside(mutated):
    _, html = html_report(mutated)
    lowered = html.lower()
    for reference in ("http:", "https:", "//cdn", "<link", "@import", "url(", " src="):
        assert reference not in lowered, reference


def test_unreadable_and_not_kept_documents_still_list_the_findings(tmp_path, mutated):
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    report = check([mutated, broken])  # documents not kept: findings only
    html = render(report)
    marks = marks_of(html)
    assert len(marks.findings) == len(report.findings)
    assert not marks.marked
    assert "无法读取" in html and "READ-01" in html


@pytest.mark.slow
def test_the_wheel_carries_the_templates(tmp_path):
    source = tmp_path / "source"  # a copy, so that the build leaves nothing in the worktree
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("validator", "rules"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "wheel"),
                            str(source)], capture_output=True, text=True, timeout=300, check=False)
    assert built.returncode == 0, built.stderr[-2000:]
    (wheel,) = (tmp_path / "wheel").glob("budgetlint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    templates = {f"validator/reporters/templates/{p.name}" for p in (ROOT / "validator/reporters/templates").iterdir()}
    assert {"validator/reporters/templates/report.html.j2", "validator/reporters/templates/report.css"} <= templates
    assert templates <= names
    assert "\nRequires-Dist: jinja2" in metadata
    # the web service's templates, scripts and migrations too (a missing one breaks only `budgetlint serve`)
    web = ROOT / "validator" / "web"
    shipped = {p.relative_to(ROOT).as_posix() for p in web.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert {"validator/web/migrations/env.py", "validator/web/templates/upload.html.j2"} <= shipped <= names
    assert "\nProvides-Extra: web" in metadata


def test_cli_writes_the_html_report(tmp_path, mutated):
    target = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["check", "--format", "html", "-o", str(target), str(mutated)])
    assert result.exit_code == 1, result.output
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert f"第{TOTAL_LINE}行第11列" in marks_of(html).highlighted("td")


# -- in a real browser --------------------------------------------------------------------------

CHROMIUM = next((found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))),
                None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")


def chromium(tmp_path, *args, scripts=True):
    """Headless Chromium without network or profile of its own (the flags the machine notes ask for).

    Without scripts, the profile blocks JavaScript as a user does in the content settings:
    `--blink-settings=scriptEnabled=false` also stops headless Chromium's own --dump-dom and
    --screenshot (they give nothing, Chromium 156)."""
    profile = tmp_path / ("chromium-profile" if scripts else "chromium-profile-without-scripts")
    if not scripts:
        (profile / "Default").mkdir(parents=True, exist_ok=True)
        (profile / "Default" / "Preferences").write_text(
            json.dumps({"profile": {"default_content_setting_values": {"javascript": 2}}}), encoding="utf-8")
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               f"--user-data-dir={profile}", *args]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def dom_after_scripts(tmp_path, html_path, fragment=""):
    dom = chromium(tmp_path, "--dump-dom", html_path.as_uri() + fragment)
    marks = marks_of(dom)
    assert marks.root.get("data-filtered") == "yes", "the report's script did not run"
    return marks


def dom_without_scripts(tmp_path, html_path):
    dom = chromium(tmp_path, "--dump-dom", html_path.as_uri(), scripts=False)
    marks = marks_of(dom)
    assert marks.findings and "data-filtered" not in marks.root, "the report's script ran"
    return marks


def write_page(tmp_path, html):
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    return page


# The backgrounds of .hit.sev-error, .hit.sev-warning and .hit.sev-info in report.css (blue, green, red as OpenCV reads)
BACKGROUNDS = {"error": (0xdd, 0xdd, 0xff), "warning": (0xc2, 0xee, 0xff), "info": (0xff, 0xf0, 0xdf)}


def highlighted_pixels(tmp_path, html_path, scripts):
    """How many pixels of a screenshot have each severity's highlight background."""
    shot = tmp_path / f"report-{'with' if scripts else 'without'}-scripts.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", html_path.as_uri(), scripts=scripts)
    image = cv2.imread(str(shot))
    assert image is not None, "no screenshot"
    return {severity: int((image == colour).all(axis=2).sum()) for severity, colour in BACKGROUNDS.items()}


@pytest.mark.slow
@needs_chromium
def test_browser_without_scripts_highlights_exactly_the_located_cells(tmp_path, mutated):
    report, html = html_report(mutated)
    marks = dom_without_scripts(tmp_path, write_page(tmp_path, html))
    cells, places = located(report)
    assert marks.highlighted("td") == cells
    assert marks.highlighted() == places


@pytest.mark.slow
@needs_chromium
def test_browser_colours_the_marks_with_and_without_scripts(tmp_path):
    """The amount cells of a 合计 that is not the sum of its rows are red on screen, script or not."""
    path = expenditure_table(tmp_path, "wrong-total", ["合计", "10.00"], ["一般公共服务支出", "9.00"])
    report, html = html_report(path)
    assert [(f.rule, f.severity) for f in report.findings] == [("T5-02", "error")]
    page = write_page(tmp_path, html)
    without = highlighted_pixels(tmp_path, page, scripts=False)
    assert without == highlighted_pixels(tmp_path, page, scripts=True)
    assert without["error"] > 2 * 40 * 15  # the cells of 10.00 and 9.00, each at least 40×15 px (1,842 px measured)
    assert without["warning"] == without["info"] == 0


@pytest.mark.slow
@needs_chromium
def test_browser_highlights_exactly_the_located_cells(tmp_path, mutated):
    report, html = html_report(mutated)
    page = write_page(tmp_path, html)
    marks = dom_after_scripts(tmp_path, page)
    cells, places = located(report)
    assert marks.highlighted("td") == cells
    assert marks.highlighted() == places
    assert not any(a.get("hidden") is not None for a in marks.findings.values())


@pytest.mark.slow
@needs_chromium
def test_browser_filter_hides_a_rule_and_its_highlights(tmp_path, mutated):
    report, html = html_report(mutated)
    page = write_page(tmp_path, html)
    marks = dom_after_scripts(tmp_path, page, "#hide=T1-01")
    others = {f.rule for f in report.findings} - {"T1-01"}
    assert marks.highlighted("td") == located(report, others)[0]
    assert f"第{TOTAL_LINE - 30}行第18列" not in marks.highlighted("td")  # 第1行 一般公共预算财政拨款收入: T1-01 only
    assert f"第{TOTAL_LINE}行第11列" in marks.highlighted("td")  # still X-01's, T1-03's, NR-03's
    hidden = {a["data-rule"] for a in marks.findings.values() if a.get("hidden") is not None}
    assert hidden == {"T1-01"}


@pytest.mark.slow
@needs_chromium
def test_browser_shows_the_self_evaluation_errors_of_seed_002(tmp_path):
    report, html = html_report(SEED002)
    page = write_page(tmp_path, html)
    marks = dom_after_scripts(tmp_path, page)
    assert marks.highlighted("td") == located(report, {"SE-08"})[0]
    only_warnings = dom_after_scripts(tmp_path, page, "#hide=error")
    assert only_warnings.highlighted("td") == set()
    assert only_warnings.highlighted() == located(report, {"SE-12"})[1]


@pytest.mark.slow
@needs_chromium
def test_browser_click_on_a_cell_shows_its_findings(tmp_path, mutated):
    _, html = html_report(mutated)
    total = f"第{TOTAL_LINE}行第11列"
    click = (f'<script>document.querySelector(\'td[data-source="{total}"]\').click();</script>')
    page = write_page(tmp_path, html.replace("</body>", click + "</body>"))
    dom = chromium(tmp_path, "--dump-dom", page.as_uri())
    panel = dom[dom.index('<aside id="detail"'):dom.index("</aside>")]
    assert "hidden" not in panel[:panel.index(">")]
    assert total in panel
    for rule in ("T1-01", "NR-03"):  # T1-03 and X-01 are evidence of T1-01's culprit
        assert f'data-rule="{rule}"' in panel
    assert "本年收入合计为 2,653.57" in panel  # T1-01's message, with its figures


@pytest.mark.slow
@needs_chromium
def test_browser_screenshot(tmp_path, mutated):
    _, html = html_report(mutated)
    page = write_page(tmp_path, html)
    shot = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", page.as_uri())
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 20_000  # a rendered page, not a blank one
