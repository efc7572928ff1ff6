"""The HTML report for clerks: one self-contained file (inline CSS and script, nothing fetched).

A summary (files, tables, findings by severity and by rule, with filters); for a batch (or with
--statistics) the sweep's summary drawn as inline SVG charts, and for a batch an index of the files
with their kind, unit, year and counts; then every file's tables as they were read, with the cells
of each finding highlighted in the HTML itself, so CSS alone colours them and the page reads the
same without JavaScript. The script adds the filters (also from the URL fragment
`#hide=warning,SE-12`) and the panel that a click on a highlighted cell opens.

html_view prepares the content as plain data; the Jinja2 templates in templates/ lay it out, with
autoescaping on (every text from the input is hostile) and undefined names an error.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..findings import SEVERITY_WORDS, Report
from .html_view import report_view
from .sweep_summary import SEVERITIES

PLACES_SHOWN = 4  # locations listed under a finding before the rest fold away

_ENVIRONMENT = Environment(loader=PackageLoader("validator.reporters", "templates"), autoescape=True,
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                           keep_trailing_newline=True)
_ENVIRONMENT.globals.update(
    severity_words=SEVERITY_WORDS,
    severities=SEVERITIES,
    places_shown=PLACES_SHOWN,
)


def render(report: Report, verbose: bool = False) -> str:
    return _ENVIRONMENT.get_template("report.html.j2").render(report=report_view(report, verbose))
