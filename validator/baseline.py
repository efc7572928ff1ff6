"""Baselines: the findings a unit has accepted for now, so that a gate reports only new ones.

`--write-baseline FILE` records every finding of a run; `--baseline FILE` leaves out the findings it
lists. A finding is recognised by its rule, its file (relative to the baseline's folder, so the
baseline can be committed next to the disclosures) and a fingerprint of what it is about: the judged
cell's table, row label and 科目编码, column and value as printed — or, outside the tables, the
claim's text. Lines and cell addresses are left out, so inserting lines above a table or a row
elsewhere keeps the finding; a changed value is a new finding (the mistake is no longer the one
that was accepted). Findings alike in all of that are counted: a baseline listing two keeps two out.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, ContextManager, TextIO

from .errors import BudgetlintError
from .findings import Finding, Location, Report
from .reporters import json_text
from .reporters.json_text import JsonSpool
from .reporters.parts import FilePart, RunEnd, parts_of

FORMAT = "budgetlint-baseline/1"


class BaselineError(BudgetlintError):
    """A baseline file that cannot be read (exit code 2)."""


def fingerprint(finding: Finding) -> str:
    first = finding.locations[0] if finding.locations else Location()
    # A whole-file finding (READ-01) has no value: its message says why, naming the file as given on
    # the command line, which depends on where budgetlint was run from.
    what = first.value if first.value is not None else finding.message.replace(finding.file, "")
    identity = [finding.rule, first.table, first.table_title, first.row, first.code, first.column, what]
    return hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()[:20]


class Baseline:
    """A baseline file's findings, left out of a run file by file as the findings come."""

    def __init__(self, path: Path) -> None:
        self.folder = path.parent
        self.accepted = Counter((e["file"], e["fingerprint"]) for e in _entries(path))
        self.left_out = 0

    def new(self, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not list (each of its entries keeps out one finding)."""
        kept = []
        for finding in findings:
            key = (_relative(finding.file, self.folder), fingerprint(finding))
            if self.accepted[key]:
                self.accepted[key] -= 1
                self.left_out += 1
            else:
                kept.append(finding)
        return kept


class Recorder:
    """A Writer of a baseline file: its entries spooled as the files are checked, the file written at the end."""

    def __init__(self, folder: Path, open_target: Callable[[], ContextManager[TextIO]]) -> None:
        self.folder, self.open_target = folder, open_target
        self.entries = JsonSpool()

    def add(self, part: FilePart) -> None:
        for finding in part.findings:
            self.entries.add({"rule": finding.rule, "file": _relative(finding.file, self.folder),
                              "fingerprint": fingerprint(finding), "message": finding.message})

    def finish(self, end: RunEnd | None = None) -> None:
        with self.open_target() as out:
            json_text.write(out, {"format": FORMAT, "findings": self.entries})
            out.write("\n")
        self.entries.close()


def write(report: Report, path: Path) -> int:
    """Record every finding of the report in `path`; returns how many."""
    recorder = Recorder(path.parent, lambda: path.open("w", encoding="utf-8"))
    for part in parts_of(report)[0]:
        recorder.add(part)
    recorder.finish()
    return len(report.findings)


def apply(report: Report, path: Path) -> None:
    """Leave out of the report the findings the baseline lists; report.baselined says how many."""
    baseline = Baseline(path)
    report.findings = baseline.new(report.findings)
    report.baselined = baseline.left_out


def _entries(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BaselineError(f"{path}: 无法读取基线文件：{error}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: 不是 budgetlint 基线文件（应有 \"format\": \"{FORMAT}\" 和 findings 列表）")
    if not all(isinstance(e, dict) and {"file", "fingerprint"} <= e.keys() for e in data["findings"]):
        raise BaselineError(f"{path}: findings 中每项须有 file 和 fingerprint")
    return data["findings"]


def _relative(file: str, folder: Path) -> str:
    return Path(os.path.relpath(Path(file).resolve(), folder.resolve())).as_posix()
