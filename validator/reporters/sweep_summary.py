"""What a sweep of many files amounts to, counted from the report alone: the documents by kind and
year, the findings by rule family and severity, the units with the most errors, and the files that
were not read, not checked or OCR'd. The HTML report draws it (html_charts); every count here is one
the report itself holds.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import PurePath

from ..catalogue import builtin_catalogue
from ..findings import SEVERITY_ORDER, FileResult, Report

UNREADABLE = "无法读取"
UNKNOWN_YEAR = "未识别"
# The kinds a disclosure is counted under, in the order they are shown; 决算/预算 alone when the cover
# and titles do not say 部门 or 单位 (document_kind.classify)
KINDS = ("部门决算", "单位决算", "部门预算", "单位预算", "决算（未注明部门或单位）", "预算（未注明部门或单位）",
         "自评表", "其他", UNREADABLE)
SELF_EVALUATION = "自评表"  # the title of a 项目支出/部门整体支出绩效自评表 ends so, whatever the province
SEVERITIES = sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__, reverse=True)  # the worst first
TOP_UNITS = 10
# The families that are no table of the catalogue (those take the catalogue's name: T1 收入支出决算总表)
FAMILY_NAMES = {
    "X": "决算表间关系", "BX": "预算表间关系", "XD": "文件之间的对照", "C": "文字说明中的计算",
    "NR": "情况说明与决算表", "NB": "编制说明与预算表", "D": "决算公开的完整性与文字", "BD": "预算公开的完整性",
    "DI": "单位与年度的一致", "DS": "组成部分与目录", "N": "数字格式", "G": "评价得分与等级",
    "SUB": "科目编码与名称", "READ": "文件读取",
}


@dataclass(frozen=True, slots=True)
class Family:
    id: str  # T1, X, SE: the rule ids' part before their number
    name: str  # its Chinese name, empty when none is known (a user's rules)
    counts: Counter[str]  # findings by severity


@dataclass(frozen=True, slots=True)
class Unit:
    name: str  # as its cover prints it, else the file's name
    files: int
    counts: Counter[str]  # findings by severity


@dataclass(frozen=True, slots=True)
class Sweep:
    files: int
    kinds: dict[str, Counter[str]]  # kind -> year -> files, kinds in the order of KINDS
    years: list[str]  # every year met, in order, 未识别 last
    families: list[Family]  # the most errors first, then warnings, then infos
    units: list[Unit]  # the TOP_UNITS with the most errors, the most first
    unreadable: int  # files not read (a READ-01 finding each)
    internal_errors: int  # of those, files budgetlint itself failed on
    not_checked: list[str]  # files left when the run was stopped
    ocr: tuple[int, int, int] | None  # files with scanned pages, cells OCR'd, cells doubtful; None: no OCR


def kind_of(result: FileResult) -> str:
    """The kind a file is counted under (one of KINDS)."""
    if result.error:
        return UNREADABLE
    if result.tables and all(SELF_EVALUATION in title for title in result.tables):
        return SELF_EVALUATION  # a sheet of 自评表 only is classified 决算 by its tables' catalogue
    kind = result.document_kind
    if kind in ("决算", "预算"):
        return f"{kind}（未注明部门或单位）"
    return kind if kind in KINDS else "其他"


def year_of(result: FileResult) -> str:
    identity = result.document_identity
    return f"{identity['year']}年" if identity else UNKNOWN_YEAR


def unit_of(result: FileResult) -> str:
    identity = result.document_identity
    return identity["unit"] if identity else PurePath(result.path).name


def family_of(rule: str) -> str:
    """T1-01 → T1, READ-01 → READ; an id without a number is its own family."""
    head, _, number = rule.rpartition("-")
    return head if head and number.isdigit() else rule


def summarise(report: Report) -> Sweep:
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    for result in report.files:
        kinds[kind_of(result)][year_of(result)] += 1
    years = sorted({year for counts in kinds.values() for year in counts}, key=lambda y: (y == UNKNOWN_YEAR, y))
    ocr = [result.ocr for result in report.files if result.ocr]
    return Sweep(len(report.files), {kind: kinds[kind] for kind in KINDS if kind in kinds}, years,
                 _families(report), _units(report), sum(1 for result in report.files if result.error),
                 report.internal_errors(), list(report.not_checked),
                 (len(ocr), sum(read for read, _ in ocr), sum(doubtful for _, doubtful in ocr)) if ocr else None)


def worst_first(counts: Counter[str]) -> tuple[int, ...]:
    """A sort key: more errors first, then more warnings, then more infos."""
    return tuple(-counts[severity] for severity in SEVERITIES)


def _families(report: Report) -> list[Family]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in report.findings:
        counts[family_of(finding.rule)][finding.severity] += 1
    tables = builtin_catalogue().kinds
    families = [Family(family, tables[family].name if family in tables else FAMILY_NAMES.get(family, ""), found)
                for family, found in counts.items()]
    return sorted(families, key=lambda f: (worst_first(f.counts), f.id))


def _units(report: Report) -> list[Unit]:
    unit_by_file = {result.path: unit_of(result) for result in report.files}
    files = Counter(unit_by_file.values())
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for finding in report.findings:
        counts[unit_by_file.get(finding.file, PurePath(finding.file).name)][finding.severity] += 1
    units = sorted((Unit(name, files[name], found) for name, found in counts.items() if found["error"]),
                   key=lambda u: (worst_first(u.counts), u.name))
    return units[:TOP_UNITS]
