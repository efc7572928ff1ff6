"""The Python API: `check(paths)` returns the same report the CLI prints as JSON."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from . import __version__
from .catalogue import builtin_catalogue
from .engine import Engine
from .errors import ReadError
from .findings import FileResult, Finding, Location, Report, RuleInfo
from .model import Source
from .readers import DEFAULT_MAX_BYTES, looks_like_a_disclosure, read_document
from .ruleset import Rule, builtin_rules, load_rules, select

READ_RULE = "READ-01"
READ_RULE_INFO = RuleInfo(READ_RULE, "文件无法读取", "error", "输入文件须可读（文本、Excel、PDF、YAML/JSON）",
                          "文件无法打开或解析（损坏、加密、格式不支持、超过大小上限），其中的表格没有检查。",
                          "提供可读的文件，或把表格导出为 Excel/PDF 后再检查。")


def expand(paths: Iterable[Path | str]) -> Iterator[Path]:
    """Files as given, and every disclosure-like file under a folder (recursively, sorted, hidden ones left out)."""
    for path in map(Path, paths):
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                parts = found.relative_to(path).parts
                if found.is_file() and looks_like_a_disclosure(found) and not any(p.startswith(".") for p in parts):
                    yield found
        else:
            yield path


def active_rules(extra: Iterable[Path | str] = (), select_ids: list[str] | None = None,
                 ignore_ids: list[str] | None = None) -> list[Rule]:
    rules = load_rules([Path(p) for p in extra], base=builtin_rules())
    return select(rules, select_ids, ignore_ids)


def check(paths: Iterable[Path | str], *, rules: Iterable[Path | str] = (), select_ids: list[str] | None = None,
          ignore_ids: list[str] | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
          show_rounding: bool = False, keep_documents: bool = False) -> Report:
    """Read every input, run the rules, and return the report (findings sorted by file and place).

    Raises RuleError for an invalid rule file; an unreadable input is an error finding, not an exception.
    """
    active = active_rules(rules, select_ids, ignore_ids)
    engine = Engine(active, builtin_catalogue(), show_rounding)
    report = Report(version=__version__, rules={READ_RULE: READ_RULE_INFO, **{r.id: _rule_info(r) for r in active}})
    for path in expand(paths):
        try:
            document = read_document(path, builtin_catalogue(), max_bytes)
        except ReadError as error:
            report.files.append(FileResult(str(path), None, error=str(error)))
            report.findings.append(_unreadable(path, str(error)))
            continue
        except Exception as error:  # a reader bug must not stop the batch or show a traceback
            reason = f"读取时出现内部错误（{type(error).__name__}: {error}），请报告此问题"
            report.files.append(FileResult(str(path), None, error=reason))
            report.findings.append(_unreadable(path, reason))
            continue
        report.files.append(FileResult(str(path), document.format, [t.label or t.title for t in document.tables]))
        if keep_documents:
            report.documents[str(path)] = document
        findings, skips = engine.run(document)
        report.findings.extend(findings)
        report.skipped.extend(skips)
    return report


def _rule_info(rule: Rule) -> RuleInfo:
    spec = rule.spec
    return RuleInfo(spec.id, spec.title, spec.severity, spec.basis, spec.description, spec.hint)


def _unreadable(path: Path, reason: str) -> Finding:
    return Finding(READ_RULE, READ_RULE_INFO.severity, READ_RULE_INFO.title, f"无法读取 {path}：{reason}", str(path),
                   (Location(source=Source()),))
