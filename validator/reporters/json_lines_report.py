"""JSON Lines: one finding per line, the same object as in the JSON report's `findings`, and nothing
else — so every line has one shape (`jq`, `wc -l`, streaming into a database), and no output means
no findings. The summary, files and skipped rules are in `--format json`. Each file's lines are
written as soon as it is checked.
"""

from __future__ import annotations

import json

from ..findings import Finding, Report, finding_dict
from .parts import LinePerFinding, whole


class Writer(LinePerFinding):
    def line(self, finding: Finding) -> str:
        return json.dumps(finding_dict(finding), ensure_ascii=False)


def render(report: Report, verbose: bool = False) -> str:
    return whole(report, Writer, verbose)
