"""The stable machine-readable report (the contract is documented in validator.findings and README).

Its files, findings and skipped rules are spooled as the files are checked and copied out at the end,
after which come the summary and the statistics: only their counts are kept in memory."""

from __future__ import annotations

from dataclasses import asdict
from typing import TextIO

from ..findings import Report, finding_dict, report_layout
from . import json_text
from .parts import FilePart, RunEnd, RunStart, whole


class Writer:
    def __init__(self, out: TextIO, start: RunStart) -> None:
        self.out, self.start = out, start
        self.files, self.findings, self.skipped = json_text.JsonSpool(), json_text.JsonSpool(), json_text.JsonSpool()

    def add(self, part: FilePart) -> None:
        if part.result is not None:
            self.files.add(asdict(part.result))
        for finding in part.findings:
            self.findings.add(finding_dict(finding))
        for skip in part.skips:
            self.skipped.add(asdict(skip))

    def finish(self, end: RunEnd) -> None:
        for skip in end.skips:
            self.skipped.add(asdict(skip))
        json_text.write(self.out, report_layout(self.start.version, self.files, self.findings, self.skipped,
                                                end.tally, end.compared, self.start.with_statistics))
        self.out.write("\n")
        for spool in (self.files, self.findings, self.skipped):
            spool.close()


def render(report: Report, verbose: bool = False) -> str:
    return whole(report, Writer, verbose)
