"""Reporters: one module per output format, each a pure `render(report, verbose) -> str` (bytes for
a file format such as the .xlsx check-sheet)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..findings import Report


class _Renderers(Mapping[str, Any]):
    """Format name -> its module's `render` (or another attribute), the module imported when its format
    is asked for: a JSON check loads neither rich (text), Jinja2 (HTML) nor openpyxl (the check-sheet)."""

    def __init__(self, modules: dict[str, str], attribute: str = "render") -> None:
        self._modules, self._attribute = modules, attribute

    def __getitem__(self, name: str) -> Any:
        return getattr(import_module(f"{__name__}.{self._modules[name]}"), self._attribute)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


REPORTERS: Mapping[str, Callable[[Report, bool], str]] = _Renderers({
    "text": "text_report",
    "json": "json_report",
    "json-lines": "json_lines_report",
    "sarif": "sarif_report",
    "junit": "junit_report",
    "github": "github_report",
    "csv": "csv_report",
    "html": "html_report",
    "checklist-html": "checklist_html",
    "checklist-json": "checklist_json",
})

# The formats written as the files are checked, each by its module's Writer (validator.streaming); the
# others show the documents' tables and are rendered from the whole Report
WRITERS: Mapping[str, Any] = _Renderers({
    "text": "text_report", "json": "json_report", "json-lines": "json_lines_report", "sarif": "sarif_report",
    "junit": "junit_report", "github": "github_report", "csv": "csv_report"}, "Writer")

# Formats that are files, not text: written to -o, or to a standard output that is no terminal
BINARY_REPORTERS: Mapping[str, Callable[[Report, bool], bytes]] = _Renderers({"checklist": "checklist_xlsx"})

# The formats that need the documents as read (the tables shown; the parts of the check-sheet)
WITH_DOCUMENTS = ("html", "checklist", "checklist-html", "checklist-json")

# The formats that show --statistics (text, JSON, SARIF's run.properties, the HTML's per-rule table);
# the others hold one record per finding, or have their own summary, and leave them out
WITH_STATISTICS = ("text", "json", "sarif", "html")
