"""`--format checklist-html`: the reviewer's check-sheet (validator.checklist) as one self-contained
HTML page, laid out by templates/checklist.html.j2 with autoescaping (every text from the input is
hostile)."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, StrictUndefined

from ..checklist import checklist
from ..findings import Report

_ENVIRONMENT = Environment(loader=PackageLoader("validator.reporters", "templates"), autoescape=True,
                           undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                           keep_trailing_newline=True)


def render(report: Report, verbose: bool = False) -> str:
    content = checklist(report)
    return _ENVIRONMENT.get_template("checklist.html.j2").render(
        sheets=content.sheets, parts=content.part_names(), checked_at=content.checked_at, version=content.version)
