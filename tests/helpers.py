"""What many test files share: the seed fixtures, running the CLI, reading its JSON report, editing a
line of a disclosure, a minimal rule file, the JSON report's schema and the 自评表 rows of expected.json.
A plain module (not a test file), so importing it collects no tests."""

import json
import signal
from contextlib import contextmanager
from pathlib import Path

from click.testing import CliRunner

from validator.cli import main
from validator.readers.selfeval import COLUMNS

FIXTURES = Path(__file__).parent / "fixtures"
SEED002 = FIXTURES / "seed002.txt"
# Seed 002 up to its 自评表 (three of which do not add up): a disclosure with nothing to report
CONSISTENT = FIXTURES / "seed002-without-self-evaluations.txt"
TOTAL_LINE = 139  # 公开01表 第27行 本年收入合计 2,643.57


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_json(*args):
    result = run("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), (result.exit_code, result.output)
    return result, json.loads(result.stdout)


def pairs(report):
    """(rule, first location's source line) of every finding."""
    return {(f["rule"], f["locations"][0]["source"]["line"]) for f in report["findings"]}


def rules_of(report, severities=("error", "warning", "info")):
    """The rules the report's findings name: each finding's own and those a culprit's finding took in."""
    return {rule for f in report["findings"] if f["severity"] in severities
            for rule in f.get("culprit", {}).get("rules", [f["rule"]])}


def mutate(text, line, old, new):
    lines = text.splitlines(keepends=True)
    assert old in lines[line - 1], (line, old)
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "".join(lines)


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- rule files -------------------------------------------------------------------------------------

WARNING_RULE = """\
rules:
  - id: ZZTEST-01
    title: 本年收入合计超过一百万元
    severity: warning
    basis: 测试用规则
    description: 测试 --fail-on 的警告级规则。
    message: "本年收入合计为 {actual}"
    check:
      kind: assert
      assert: 'T1["本年收入合计", "决算数|金额"] <= 100'
    examples:
      pass: [{name: 甲}]
      fail: [{name: 乙}]
"""


def rule_text(**lines):
    """A valid rule file; keyword arguments replace (or, with a new key, add) single lines of the rule."""
    body = {
        "id": "    id: ZZTEST-01",
        "title": "    title: 测试规则",
        "severity": "    severity: error",
        "basis": "    basis: 测试",
        "description": "    description: 测试",
        "message": '    message: "相差 {difference}"',
        "check": "    check:\n      kind: assert\n      assert: 'T1[\"本年收入合计\", \"决算数\"] == 0'",
        "examples": "    examples:\n      pass: [{name: 甲}]\n      fail: [{name: 乙}]",
    }
    body.update(lines)
    text = "rules:\n  -" + "\n".join(v for v in body.values() if v is not None)[3:] + "\n"
    return text


# -- the JSON contract ------------------------------------------------------------------------------

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_INT = {"type": ["integer", "null"]}
SOURCE = {
    "type": "object",
    "required": ["line", "column", "page", "bbox", "sheet", "cell"],
    "properties": {"line": {"type": ["integer", "null"], "minimum": 1},
                   "column": {"type": ["integer", "null"], "minimum": 1},
                   "page": {"type": ["integer", "null"], "minimum": 1},
                   "bbox": {"type": ["array", "null"], "items": {"type": "string"}},
                   "sheet": NULLABLE_STRING, "cell": NULLABLE_STRING},
}
LOCATION = {
    "type": "object",
    "required": ["table", "table_title", "row", "row_no", "code", "column", "column_no", "value", "source"],
    "properties": {"table": NULLABLE_STRING, "table_title": NULLABLE_STRING, "row": NULLABLE_STRING,
                   "row_no": NULLABLE_INT, "code": NULLABLE_STRING, "column": NULLABLE_STRING,
                   "column_no": NULLABLE_INT, "value": NULLABLE_STRING, "source": SOURCE},
}
REPORT_SCHEMA = {
    "type": "object",
    "required": ["tool", "files", "findings", "summary"],
    "properties": {
        "tool": {"type": "object", "required": ["name", "version"],
                 "properties": {"name": {"const": "budgetlint"}, "version": {"type": "string"}}},
        "files": {"type": "array", "items": {
            "type": "object", "required": ["path", "format", "tables", "error"],
            "properties": {"path": {"type": "string"}, "format": NULLABLE_STRING,
                           "tables": {"type": "array", "items": {"type": "string"}}, "error": NULLABLE_STRING}}},
        "findings": {"type": "array", "items": {
            "type": "object",
            "required": ["rule", "severity", "title", "message", "file", "expected", "actual", "difference",
                         "tolerance", "locations"],
            "properties": {"rule": {"type": "string"}, "severity": {"enum": ["error", "warning", "info"]},
                           "title": {"type": "string"}, "message": {"type": "string"}, "file": {"type": "string"},
                           "expected": NULLABLE_STRING, "actual": NULLABLE_STRING,
                           "difference": NULLABLE_STRING, "tolerance": NULLABLE_STRING,
                           "locations": {"type": "array", "items": LOCATION}}}},
        "summary": {"type": "object", "required": ["files", "findings", "errors", "warnings", "infos", "skipped"],
                    "properties": {k: {"type": "integer", "minimum": 0}
                                   for k in ("files", "findings", "errors", "warnings", "infos", "skipped")}},
    },
}


# -- 自评表 rows ------------------------------------------------------------------------------------

def texts(row):
    """The row's cells by column name, as printed."""
    return {COLUMNS[i]: c.text for i, c in row.cells.items()}


def expected_rows(grid):
    """The rows of a 自评表 of expected.json, read by position (its grid is clean)."""
    rows, section, first, second = [], None, "", ""
    for cells in grid:
        head = cells[0]
        if head in ("项目资金（万元）", "资金管理情况", "年度总体目标", "绩效指标"):
            section = head
        elif head == "总分":
            rows.append(("总分", "总分", {"分值": cells[6], "得分": cells[7]}))
        elif section == "项目资金（万元）":
            label = cells[2].removesuffix("（万元）")  # the row is named without its unit
            rows.append(("资金", label, dict(zip(COLUMNS[1:7], cells[4:10], strict=True))))
        elif section == "资金管理情况":
            rows.append(("资金管理", cells[2], {"分值": cells[6], "得分": cells[7]}))
        elif section == "绩效指标":
            first, second = cells[1] or first, cells[2] or second
            if cells[3]:
                figures = dict(zip(("年度指标值", "实际完成值", "分值", "得分", "偏差度"), cells[4:9], strict=True))
                rows.append(("指标", f"{first}/{second}/{cells[3]}", figures))
    return rows


@contextmanager
def within(seconds):
    """Fail the block when it takes longer than `seconds`: an alarm, so that a hang fails too."""
    def out_of_time(signum, frame):
        raise AssertionError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, out_of_time)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def stop_after(count):
    """A progress callback that presses Ctrl-C once `count` files are done."""

    def progress(done, total, path):
        if done == count:
            raise KeyboardInterrupt

    return progress


def interrupt_at(monkeypatch, is_stopping_point):
    """Ctrl-C while the file `is_stopping_point(path)` picks is being checked (one process)."""
    from validator import checking

    real = checking.FileChecker.check

    def interrupted(self, path):
        if is_stopping_point(path):
            raise KeyboardInterrupt
        return real(self, path)

    monkeypatch.setattr(checking.FileChecker, "check", interrupted)
