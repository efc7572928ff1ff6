"""`budgetlint rules [ID|PREFIX]`: the rule list (or a family's), one rule explained from its own YAML
(so docs cannot drift), and the rules as JSON.

Written for the clerk who fills in the tables: what the rule means, how to fix what it reports, its
basis, then its examples as small aligned tables, the failing ones with the cells the finding names
marked (▲ the cell found wrong, △ the cells it was checked against) and the finding as printed.
"""

from __future__ import annotations

import json
import unicodedata

from .examples import example_with_grid_places, run_example, run_on
from .findings import SEVERITY_WORDS
from .ruleset import Example, Rule, select

_SEVERITY_MEANING = {"error": "错误（公开前必须更正）", "warning": "警告（请核对，确认无误的可以保留）",
                     "info": "提示（供参考，不影响检查结果）"}
JUDGED, CHECKED_AGAINST = "▲", "△"


# The kinds of document a rule checks, in the order the list shows them (None: every kind)
_DOCUMENT_HEADINGS = {"决算": "决算公开（部门决算、单位决算）", "预算": "预算公开（部门预算、单位预算）", None: "各类公开通用"}


def listing(rules: list[Rule]) -> str:
    """The rules grouped by the kind of document they check; a group of one kind is shown without heading."""
    width = max((len(r.id) for r in rules), default=4)
    groups = [(heading, [r for r in rules if r.document == sort]) for sort, heading in _DOCUMENT_HEADINGS.items()]
    groups = [(heading, members) for heading, members in groups if members]
    lines = []
    for heading, members in groups:
        if len(groups) > 1:
            lines.append(heading)
        lines += [f"{r.id:<{width}}  {SEVERITY_WORDS[r.spec.severity]}  {r.spec.title}" for r in sorted(members, key=_order)]
    return "\n".join(lines) + f"\n共 {len(rules)} 条规则。budgetlint rules 编号 查看详细说明。\n"


def chosen(rules: list[Rule], wanted: str) -> tuple[list[Rule], bool]:
    """The rule whose id or alias is `wanted` (an exact id wins), else the family it prefixes; and
    whether it was the exact one."""
    exact = [r for r in rules if wanted.upper() in (n.upper() for n in (r.id, *r.spec.aliases))]
    return (exact[:1], True) if exact else (select(rules, [wanted], None), False)


def as_json(rules: list[Rule]) -> str:
    """The rules for machines; the keys are a stable contract (README, `budgetlint rules --format json`)."""
    return json.dumps([_rule_data(r) for r in sorted(rules, key=_order)], ensure_ascii=False, indent=2) + "\n"


def _rule_data(rule: Rule) -> dict[str, object]:
    spec = rule.spec
    return {"id": spec.id, "aliases": list(spec.aliases), "title": spec.title, "severity": spec.severity,
            "basis": spec.basis, "description": spec.description, "message": spec.message, "hint": spec.hint,
            "kind": spec.check.kind,
            "examples": {"pass": len(spec.examples.passing), "fail": len(spec.examples.failing)},
            "file": rule.path, "line": rule.line, "document": rule.document}


def _order(rule: Rule) -> tuple[int, str]:
    """Tables first (T1…T9, B1…B9), then cross-table (X, BX), document (D, BD) and number (N) rules."""
    family = rule.id[1] if rule.id[0] == "B" and rule.id[1] in "XD" else rule.id[0]
    return ("TXDN".find(family) % 4, rule.id)


def explain(rule: Rule) -> str:
    spec = rule.spec
    passing = [_example(rule, example, show_findings=False) for example in spec.examples.passing]
    failing = [_example(rule, example, show_findings=True) for example in spec.examples.failing]
    lines = [f"{spec.id}  {spec.title}", f"严重程度：{_SEVERITY_MEANING[spec.severity]}", "",
             "这条规则的意思", f"  {spec.description}"]
    if spec.hint:
        lines += ["", "发现问题时怎么改", f"  {spec.hint}"]
    lines += ["", "依据", f"  {spec.basis}"]
    if any(rounded for _, rounded in failing):
        lines += ["", "金额按显示的位数四舍五入而来：四舍五入造成的尾差（见下例中的“尾差容许”）不算错误。"]
    if spec.tolerance:
        lines += ["", f"本规则另外容许的误差：{spec.tolerance}"]
    if spec.minor:
        kinds = [name for name, applies in (("截尾（未四舍五入）", spec.minor.truncated),
                                            ("末位相差 1", spec.minor.last_digit is not None)) if applies]
        explained = "或".join(kinds)
        lines += ["", f"印出的数只因{explained} 而不符时，报为{SEVERITY_WORDS[spec.minor.severity]}并说明。"]
    lines += ["", "通过的例子", *(line for example, _ in passing for line in example)]
    lines += ["", "不通过的例子", *(line for example, _ in failing for line in example)]
    lines += ["", f"定义于 {rule.path}" + (f" 第{rule.line}行" if rule.line else "")]
    return "\n".join(lines) + "\n"


def _example(rule: Rule, example: Example, show_findings: bool) -> tuple[list[str], bool]:
    """The example's lines, and whether its findings allow for rounding."""
    lines = [f"  【{example.name}】" + (f"（待办：{example.todo}）" if example.todo else "")]
    if example.documents:
        return _documents_example(rule, example, show_findings, lines)
    document, places = example_with_grid_places(rule, example)
    findings = run_on(rule, document)[0] if show_findings else []
    marks: dict[tuple[int, int, int], str] = {}
    for finding in findings:
        for index, location in enumerate(finding.locations):
            place = places.get(location.source)
            if place is not None and marks.get(place) != JUDGED:
                marks[place] = JUDGED if finding.is_judged(index) else CHECKED_AGAINST
    for t, (table, spec) in enumerate(zip(document.tables, example.tables, strict=True)):
        lines.append(f"    {table.title}")
        grid = [["" if c is None else str(c) for c in row] for row in spec.grid]
        grid = [[text + marks.get((t, i, j), "") for j, text in enumerate(row)] for i, row in enumerate(grid)]
        lines += [f"    {line}" for line in _aligned(grid)]
    if marks:
        lines.append(f"    （{JUDGED} 发现问题的单元格　{CHECKED_AGAINST} 与之核对的单元格）")
    lines += [f"    {t}" if isinstance(t, str) else f"    〔第{t.page}页〕{t.text}" for t in example.text]
    lines += [f"    → {f.message}" for f in findings]
    return lines, any(f.tolerance is not None for f in findings)


def _documents_example(rule: Rule, example: Example, show_findings: bool, lines: list[str]) -> tuple[list[str], bool]:
    """An example of documents checked together: each under its file name (the findings name both)."""
    for document in example.documents:
        lines.append(f"    〔{document.name}〕")
        lines += [f"    {t}" for t in document.text]
        for table in document.tables:
            lines.append(f"    {table.title}")
            lines += [f"    {line}" for line in _aligned([["" if c is None else str(c) for c in row] for row in table.grid])]
    findings = run_example(rule, example)[0] if show_findings else []
    lines += [f"    → {f.message}" for f in findings]
    return lines, any(f.tolerance is not None for f in findings)


def _aligned(grid: list[list[str]]) -> list[str]:
    """The grid as aligned columns (a CJK character is two columns wide), with wholly blank columns left out."""
    width = max((len(row) for row in grid), default=0)
    rows = [row + [""] * (width - len(row)) for row in grid]
    kept = [j for j in range(width) if any(row[j].strip() for row in rows)]
    widths = {j: max(_display_width(row[j]) for row in rows) for j in kept}
    return ["| " + " | ".join(row[j] + " " * (widths[j] - _display_width(row[j])) for j in kept) + " |"
            for row in rows]


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
