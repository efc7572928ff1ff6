"""`kind: year_references`: the years a 预算 or 决算 names fit the year of its title.

- A table title, a table's 年度 line or a part title of another year (2025年部门收入预算总表 in a 2026
  budget).
- A comparison of amounts with another year than the one before ("比2024年预算增加…" in a 2026
  budget); a 决算 may also compare with its own year's 预算 ("与2024年预算相比"), and a sentence about
  another year's figures ("2024年决算数比2024年预算减少" in a 2026 budget) is not judged.
- The end of the year accounted for: a 决算 states 截至2024年12月31日 for 2024, a budget the end of
  the year before.
A document whose year or kind (预算/决算) is not printed is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from ..claims.figures import at_column
from ..claims.paragraphs import Paragraph, joined
from ..findings import Finding, Location
from ..identity import compact, document_year, heading_unit, headings
from .common import CheckKind, RuleRun, Strict

_TITLE_YEAR = re.compile(r"^(?:[一二三四五六七八九十]+[、.．])?(20\d\d)年")
# 比2024年预算增加0.46万元, 与2023年预算持平: a year compared with, in a clause about amounts
_COMPARED = re.compile(r"(?:比|较|与|同)\s*(20\d\d)\s*年(?:度)?(?P<what>[^，。；,;]{0,12}?)"
                       r"(?:相比)?\s*[，,]?\s*(?:增加|减少|增长|下降|持平|上升|降低)")
_YEAR_END = re.compile(r"截[至止]\s*(20\d\d)\s*年\s*12\s*月\s*31\s*日")
_YEAR = re.compile(r"(20\d\d)\s*年")
_LOOKBACK = 80  # characters before a comparison that may name the year its subject is of
_OWN_BUDGET = re.compile(r"^(?:年初)?(?:预算|年初预算)")


class YearReferencesCheck(Strict):
    kind: Literal["year_references"]


def evaluate(check: YearReferencesCheck, run: RuleRun) -> Iterator[Finding]:
    document = run.document
    year, sort = document_year(document), (document.kind or "")[-2:]
    if year is None or sort not in ("预算", "决算"):
        run.outcome.skip("文件未写明年度或不是预算、决算")
        return
    for heading in run.file.once(headings):
        table = heading.table
        printed = _heading_year(heading.text, table is not None)
        run.outcome.evaluated += 1
        if printed is not None and printed != year:
            location = Location(table=(table.label or table.kind) if table else None,
                                table_title=table.title if table else None, value=heading.text, source=heading.source)
            yield run.finding([location], text=heading.text, reason=f"文件是{year}年{sort}，此处写的是{printed}年")
    for table in document.tables:
        printed = _YEAR.match(compact(table.meta.get("年度", "")))
        run.outcome.evaluated += 1
        if printed and int(printed.group(1)) != year:
            location = Location(table=table.label or table.kind, table_title=table.title, value=table.meta["年度"],
                                source=table.source)
            yield run.finding([location], text=f"年度：{table.meta['年度']}",
                              reason=f"文件是{year}年{sort}，此处写的是{printed.group(1)}年")
    for paragraph in joined(document.text):
        text = paragraph.text
        for match in _COMPARED.finditer(text):
            run.outcome.evaluated += 1
            compared = int(match.group(1))
            own = sort == "决算" and compared == year and _OWN_BUDGET.match(compact(match.group("what")))
            if compared != year - 1 and not own and _subject_year(text, match.start()) in (None, year):
                yield _prose(run, paragraph, match, f"{year}年{sort}应与{year - 1}年比较")
        for match in _YEAR_END.finditer(text):
            run.outcome.evaluated += 1
            expected = year if sort == "决算" else year - 1
            if int(match.group(1)) != expected:
                yield _prose(run, paragraph, match, f"{year}年{sort}应写截至{expected}年12月31日")


def _subject_year(text: str, start: int) -> int | None:
    """The year the sentence's subject is of ("2024年决算数比2024年预算减少" in a 2026 budget speaks of
    2024), or None: the last year printed since the sentence began."""
    sentence = text[max(0, start - _LOOKBACK):start].rsplit("。", 1)[-1]
    years = _YEAR.findall(sentence)
    return int(years[-1]) if years else None


def _heading_year(text: str, is_title: bool) -> int | None:
    if is_title:
        match = _TITLE_YEAR.match(compact(text))
        return int(match.group(1)) if match else None
    named = heading_unit(text)
    return named[1] if named else None


def _prose(run: RuleRun, paragraph: Paragraph, match: re.Match[str], reason: str) -> Finding:
    location = Location(value=match.group(0), source=at_column(*paragraph.locate(match.start())))
    return run.finding([location], text=match.group(0), reason=reason)


KIND = CheckKind(YearReferencesCheck, evaluate)
