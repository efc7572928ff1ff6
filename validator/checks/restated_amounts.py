"""`kind: restated_amounts`: an item headed with its amount ("（一）信息化运维项目 120万元") states the
same amount where its text names it again ("安排信息化运维项目经费102万元").

Only where the two unmistakably name one quantity: the text prints the heading's name (without a
trailing 项目/经费) followed, with nothing but linking words (项目, 经费, 预算, 安排, 为, 共计) between,
by an amount in the heading's unit; a year other than the document's, or 上年, just before the name
makes it another year's amount, not judged. The item's text is the lines after the heading up to the
next heading (at most a few lines).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from ..claims.figures import at_column
from ..findings import Finding, Location
from ..identity import document_year
from ..model import TextLine
from ..numbers import Amount, parse_number
from .common import CheckKind, RuleRun, Strict

_ORDINAL = r"(?:[（(][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、．](?!\d)|[一二三四五六七八九十]{1,3}、)"
_AMOUNT = r"(?P<amount>\d[\d,]*(?:\.\d+)?)\s*(?P<unit>万元|元)"
_HEADING = re.compile(rf"^\s*{_ORDINAL}\s*(?P<name>[^，。；：:\d\s][^，。；：:\d]{{1,38}}?)\s*[：:]?\s*{_AMOUNT}\s*[。；]?\s*$")
_STARTS_ITEM = re.compile(rf"^\s*{_ORDINAL}")
_NAME_END = re.compile(r"(?:项目|经费|专项|资金)+$")
_LINKS = r"(?:项目|经费|专项|资金|预算|支出)*(?:预算)?(?:安排|为|共计|合计|总计)?\s*"
_OTHER_YEAR = re.compile(r"(20\d\d)\s*年|上年|上一年|去年|以前年度")
_ITEM_LINES = 6
_BEFORE = 12  # characters before the name that may say which year it is


class RestatedAmountsCheck(Strict):
    kind: Literal["restated_amounts"]


def evaluate(check: RestatedAmountsCheck, run: RuleRun) -> Iterator[Finding]:
    lines = run.document.text
    year = document_year(run.document)
    for index, line in enumerate(lines):
        heading = _HEADING.match(line.text)
        if not heading:
            continue
        core = _NAME_END.sub("", heading.group("name").strip())
        if len(core) < 2:
            continue
        run.outcome.evaluated += 1
        stated = parse_number(heading.group("amount"))
        restated = re.compile(re.escape(core) + _LINKS + _AMOUNT.replace("amount", "restated").replace(
            "unit", "restated_unit"))
        for later in _item(lines, index):
            for match in restated.finditer(later.text):
                again = parse_number(match.group("restated"))
                if match.group("restated_unit") != heading.group("unit") or not _same_year(later.text, match.start(), year):
                    continue
                if isinstance(stated, Amount) and isinstance(again, Amount) and again.value != stated.value:
                    yield _finding(run, line, heading, later, match)
    if run.outcome.evaluated == 0:
        run.outcome.skip("文中没有带金额的标题")


def _item(lines: list[TextLine], heading: int) -> list[TextLine]:
    """The lines of the item a heading opens: up to the next line that opens an item."""
    item = []
    for line in lines[heading + 1:heading + 1 + _ITEM_LINES]:
        if _STARTS_ITEM.match(line.text):
            break
        item.append(line)
    return item


def _same_year(text: str, start: int, year: int | None) -> bool:
    before = text[max(0, start - _BEFORE):start]
    return all(m.group(1) and year and int(m.group(1)) == year for m in _OTHER_YEAR.finditer(before))


def _finding(run: RuleRun, line: TextLine, heading: re.Match[str], later: TextLine, match: re.Match[str]) -> Finding:
    unit = heading.group("unit")
    text_place = Location(value=match.group(0), source=at_column(later, match.start()))
    heading_place = Location(value=line.text.strip(), source=line.source)
    return run.finding([text_place, heading_place], text=match.group(0), subject=line.text.strip(),
                       actual=f"{match.group('restated')}{unit}", expected=f"{heading.group('amount')}{unit}")


KIND = CheckKind(RestatedAmountsCheck, evaluate)
