"""JSON Lines: one finding per line, the same object as in the JSON report's `findings`, and nothing
else — so every line has one shape (`jq`, `wc -l`, streaming into a database), and no output means
no findings. The summary, files and skipped rules are in `--format json`.
"""

from __future__ import annotations

import json

from ..findings import Report


def render(report: Report, verbose: bool = False) -> str:
    return "".join(json.dumps(finding, ensure_ascii=False) + "\n" for finding in report.to_dict()["findings"])
