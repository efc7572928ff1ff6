"""Reporters: one module per output format, each a pure `render(report, verbose) -> str`."""

from __future__ import annotations

from collections.abc import Callable

from ..findings import Report
from . import (
    csv_report,
    github_report,
    html_report,
    json_lines_report,
    json_report,
    junit_report,
    sarif_report,
    text_report,
)

Renderer = Callable[[Report, bool], str]

REPORTERS: dict[str, Renderer] = {
    "text": text_report.render,
    "json": json_report.render,
    "json-lines": json_lines_report.render,
    "sarif": sarif_report.render,
    "junit": junit_report.render,
    "github": github_report.render,
    "csv": csv_report.render,
    "html": html_report.render,
}

# The formats that show --statistics (text, JSON and SARIF's run.properties); the others hold one
# record per finding, or have their own summary, and leave them out
WITH_STATISTICS = ("text", "json", "sarif")
