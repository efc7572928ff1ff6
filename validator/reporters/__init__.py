"""Reporters: one module per output format, each a pure `render(report, verbose) -> str` (bytes for
a file format such as the .xlsx check-sheet)."""

from __future__ import annotations

from collections.abc import Callable

from ..findings import Report
from . import (
    checklist_html,
    checklist_json,
    checklist_xlsx,
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
    "checklist-html": checklist_html.render,
    "checklist-json": checklist_json.render,
}

# The formats written as the files are checked, each by its module's Writer (validator.streaming); the
# others show the documents' tables and are rendered from the whole Report
WRITERS = {"text": text_report.Writer, "json": json_report.Writer, "json-lines": json_lines_report.Writer,
           "sarif": sarif_report.Writer, "junit": junit_report.Writer, "github": github_report.Writer,
           "csv": csv_report.Writer}

# Formats that are files, not text: written to -o, or to a standard output that is no terminal
BINARY_REPORTERS: dict[str, Callable[[Report, bool], bytes]] = {"checklist": checklist_xlsx.render}

# The formats that need the documents as read (the tables shown; the parts of the check-sheet)
WITH_DOCUMENTS = ("html", "checklist", "checklist-html", "checklist-json")

# The formats that show --statistics (text, JSON, SARIF's run.properties, the HTML's per-rule table);
# the others hold one record per finding, or have their own summary, and leave them out
WITH_STATISTICS = ("text", "json", "sarif", "html")
