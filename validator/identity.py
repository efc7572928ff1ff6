"""Whose document it is and for which year, as its cover says: the unit named on the cover
("预算单位：上海市普陀区商务委员会", "江苏省政协办公厅 2017 年度部门预算") and the year of its title; and
its headings (table titles, 目录, part titles), with the unit and year a part title names.

The cover is the text before the 目录 (at most its first 12 lines), or the first three lines of a
document without one. Nothing is guessed: a cover that does not name a unit gives None.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .model import Document, Source, Table, TextLine

_COVER_LINES = 12
_HEADING_CHARS = 40
_SENTENCE = re.compile(r"[，。；,;]")
_LEADERS = re.compile(r"[…·.．]{2,}\s*\d*\s*$")
_HEADING_UNIT = re.compile(
    r"^(?:第[一二三四五六七八九十]+部分)?(?:"
    r"(?P<name>[^\d]+?)(?P<year>20\d\d)年度?(?:区级|市级|省级)?(?:部门|单位)(?:预算|决算)(?:表|公开|情况说明|编制说明)?"
    r"|(?P<year2>20\d\d)年度?(?P<after>[^\d]+?)(?:部门|单位)(?:预算|决算)(?:公开)?"
    r")$|^第[一二三四五六七八九十]+部分(?P<part>[^\d]+?)(?:部门|单位)?概况$")
_TITLE_LINES = 3
_CONTENTS = re.compile(r"^\s*目\s*录\s*$")
_YEAR = re.compile(r"(20\d\d)\s*年")
# 预算主管部门：…, 预算单位：…, 部 门:…, 编制单位：…
_NAMED = re.compile(r"^(?:预算主管部门|预算单位|部\s*门|单\s*位|编制部门|编制单位|部门名称|单位名称)\s*[:：]\s*(\S.*?)\s*$")
# 江苏省政协办公厅 2017 年度部门预算, 2017 年度江苏省高级人民法院部门预算公开, 上海市普陀区社会福利院2024年单位预算
_TITLE = re.compile(r"^(?:(?P<before>.+?)(?:20\d\d)年度?(?:区级|市级|省级)?(?:部门|单位)(?:预算|决算)"
                    r"|(?:20\d\d)年度?(?P<after>.+?)(?:部门|单位)?(?:预算|决算)(?:公开)?)$")
_SORT_WORDS = re.compile(r"(?:预算|决算)(?:公开)?")
# what a unit's name ends with (a district alone, 上海市普陀区, names no unit)
UNIT_END = re.compile(r"(?:厅|局|委员会|委|办公室|办|院|部|处|中心|所|站|馆|会|团|校|学|队|社|街道办事处|事处|政府|公司|室|本级[)）]?)$")


def cover(document: Document) -> list[TextLine]:
    lines = document.text[:_COVER_LINES]
    end = next((i for i, line in enumerate(lines) if _CONTENTS.match(line.text)), None)
    return lines[:end] if end is not None else lines[:_TITLE_LINES]


def document_year(document: Document) -> int | None:
    """The year of the document's title (a 2026 budget, a 2024 决算), or None."""
    for line in cover(document):
        match = _YEAR.search(line.text)
        if match:
            return int(match.group(1))
    for table in document.tables:
        match = _YEAR.match(compact(table.title))
        if match:
            return int(match.group(1))
    return None


def cover_unit(document: Document) -> tuple[str, TextLine] | None:
    """The unit the cover names and the line naming it (the first line of a title run over lines)."""
    lines = cover(document)
    for line in lines:
        match = _NAMED.match(compact(line.text))
        if match and UNIT_END.search(match.group(1)):
            return match.group(1), line
    titles = [line for line in lines if len(compact(line.text)) <= _HEADING_CHARS]  # a cover's lines are short
    for start in range(len(titles)):
        title = "".join(compact(line.text) for line in titles[start:start + 3])
        for end in reversed([m.end() for m in _SORT_WORDS.finditer(title)]):
            match = _TITLE.match(title[:end])
            if match:
                name = match.group("before") or match.group("after")
                return (name, titles[start]) if name and UNIT_END.search(name) else None
    return None


@dataclass(frozen=True)
class Heading:
    text: str
    source: Source
    table: Table | None  # the table it titles
    on_cover: bool = False


def headings(document: Document) -> list[Heading]:
    """The document's headings as printed: table titles, and lines of prose that are no sentence
    (short, without ，。；) — the cover, the 目录 (leader dots and page numbers left out), part titles."""
    found = [Heading(table.title, table.source, table) for table in document.tables]
    on_cover = len(cover(document))
    for index, line in enumerate(document.text):
        text = _LEADERS.sub("", line.text).strip()
        # a sentence's mark tells most lines apart before they are compacted
        if text and "\t" not in text and not _SENTENCE.search(text) and len(compact(text)) <= _HEADING_CHARS:
            found.append(Heading(text, line.source, None, index < on_cover))
    return found


def heading_unit(heading: str) -> tuple[str, int | None] | None:
    """The unit a part or document title names, with its year: 第二部分 江苏省政协办公厅 2017 年度部门预算表,
    第一部分 中共上海市普陀区委社会工作部概况 (no year); None for any other heading."""
    text = compact(heading)
    match = _HEADING_UNIT.match(text)
    if not match:
        return None
    name = match.group("name") or match.group("after") or match.group("part")
    year = match.group("year") or match.group("year2")
    if not name or len(name) < 4 or not UNIT_END.search(name):
        return None
    return name, int(year) if year else None


def compact(text: str) -> str:
    """NFKC without spaces (a PDF's text layer spaces figures out): names compare as printed otherwise,
    与 and 和 apart."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
