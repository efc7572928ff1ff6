"""`budgetlint rules [ID]`: the rule list, and one rule explained from its own YAML (so docs cannot drift)."""

from __future__ import annotations

from .examples import example_document, run_example
from .ruleset import Example, Rule

_SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}


def listing(rules: list[Rule]) -> str:
    width = max((len(r.id) for r in rules), default=4)
    lines = [f"{r.id:<{width}}  {_SEVERITY[r.spec.severity]}  {r.spec.title}" for r in sorted(rules, key=_order)]
    return "\n".join(lines) + f"\n共 {len(rules)} 条规则。budgetlint rules 编号 查看详细说明。\n"


def _order(rule: Rule) -> tuple[int, str]:
    """Tables first (T1…T9), then cross-table (X), document (D) and number (N) rules."""
    return ("TXDN".find(rule.id[0]) % 4, rule.id)


def explain(rule: Rule) -> str:
    spec = rule.spec
    lines = [
        f"{spec.id}  {spec.title}",
        f"严重程度：{_SEVERITY[spec.severity]}",
        f"依据：{spec.basis}",
        "",
        "检查什么",
        f"  {spec.description}",
    ]
    if spec.hint:
        lines += ["", "如何修正", f"  {spec.hint}"]
    if spec.tolerance:
        lines += ["", f"额外容许误差：{spec.tolerance}"]
    lines += ["", "通过的例子"]
    for example in spec.examples.passing:
        lines += _example(rule, example, show_findings=False)
    lines += ["", "不通过的例子"]
    for example in spec.examples.failing:
        lines += _example(rule, example, show_findings=True)
    lines += ["", f"定义于 {rule.path}" + (f" 第{rule.line}行" if rule.line else "")]
    return "\n".join(lines) + "\n"


def _example(rule: Rule, example: Example, show_findings: bool) -> list[str]:
    lines = [f"  【{example.name}】"]
    document = example_document(rule, example)
    for table, spec in zip(document.tables, example.tables, strict=True):
        lines.append(f"    {table.title}")
        for row in spec.grid or []:
            lines.append("    | " + " | ".join("" if c is None else str(c) for c in row) + " |")
    lines += [f"    {t}" for t in example.text]
    if show_findings:
        findings, _ = run_example(rule, example)
        lines += [f"    → {f.message}" for f in findings]
    return lines
