"""Where a document names a 功能分类/经济分类 subject: a table row with its code, and the prose's
"卫生健康支出（210类）行政事业单位医疗（11款）", "社会保障和就业支出（类）行政事业单位离退休（款）" and
“社会保障和就业支出-行政事业单位养老支出-行政单位离退休”科目.

A code in the prose is relative to the one before it (11款 under 210类 is 21011); a name in the prose
runs back to the clause boundary before it, so a mention whose words begin with more than its name
("主要用于卫生健康支出（210类）") is read with `exact` False: its name may be only its last words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .claims.figures import at_column
from .claims.paragraphs import joined
from .findings import Location
from .labels import split_ordinal
from .model import Document, Table

LEVELS = {"类": 1, "款": 2, "项": 3}
_MARKER = re.compile(r"[（(]\s*(\d{2,7})?\s*([类款项])\s*[）)]")
_CHAIN = re.compile(r"[“\"]([^“”\"]{2,60}?-[^“”\"]{2,60}?)[”\"]\s*科目")
# where the words before a marker begin: a clause boundary, a bracket, or the marker before
_BOUNDARY = re.compile(r"[，。；：:、,;“”\"‘’（）()\s]")
# words that begin a clause before a name: 主要用于, 其中, 安排 …
_LEADING = re.compile(r"^(?:其中|主要|用于|安排|包括|支出|为|是|对|的|中)+")
_NAME_CHARS = 30


@dataclass(frozen=True)
class Mention:
    name: str
    code: str | None  # None: the prose named the subject without its code
    level: int  # 1 类, 2 款, 3 项
    place: Location
    exact: bool = True  # the name is all the words (a table row, a chain); else maybe only its end


def mentions(document: Document) -> list[Mention]:
    found = [mention for table in document.tables for mention in _table_mentions(table)]
    for paragraph in joined(document.text):
        if "\t" in paragraph.pieces[0][1].text:
            continue
        text = paragraph.text
        found.extend(_marked(text, lambda offset, value: Location(
            value=value, source=at_column(*paragraph.locate(offset)))))
        for match in _CHAIN.finditer(text):
            for level, name in enumerate(match.group(1).split("-"), start=1):
                offset = match.start(1) + match.group(1).index(name)
                found.append(Mention(name.strip(), None, level, Location(
                    value=name.strip(), source=at_column(*paragraph.locate(offset)))))
    return found


def named(document: Document, names: list[str]) -> Iterator[Mention]:
    """Every place the prose prints one of these class names in full ("医疗卫生与计划生育支出")."""
    patterns = [(name, re.compile(re.escape(name).replace("与", "[与和]"))) for name in names]
    # finds something exactly where one of the names is printed: most paragraphs print none
    anyone = re.compile("|".join(pattern.pattern for _, pattern in patterns)) if patterns else None
    for paragraph in joined(document.text):
        text = paragraph.text
        if anyone is None or not anyone.search(text):
            continue
        for name, pattern in patterns:
            for match in pattern.finditer(text):
                yield Mention(name, None, 1, Location(value=match.group(0),
                                                      source=at_column(*paragraph.locate(match.start()))))


def _table_mentions(table: Table) -> Iterator[Mention]:
    for row in table.rows:
        name = split_ordinal(row.label)[1]
        if row.code and name and row.level:
            place = Location(table=table.label or table.kind, table_title=table.title, row=row.label,
                             code=row.code, value=row.label, source=row.source)
            yield Mention(name, row.code, row.level, place)


def _marked(text: str, place_at: Callable[[int, str], Location]) -> Iterator[Mention]:
    codes: dict[int, str] = {}  # level -> the code last named at that level
    start = 0
    for marker in _MARKER.finditer(text):
        level = LEVELS[marker.group(2)]
        words_start, bounded = _words_start(text, marker.start(), start)
        words = split_ordinal(text[words_start:marker.start()])[1]
        name = _LEADING.sub("", words)
        start = marker.end()
        code = _code(marker.group(1), level, codes)
        if name:
            offset = max(words_start, marker.start() - len(name))
            yield Mention(name, code, level, place_at(offset, text[offset:marker.end()]),
                          exact=bounded and name == words)


def _words_start(text: str, end: int, floor: int) -> tuple[int, bool]:
    """Where the words before a marker begin, and whether a boundary (not the length limit) says so."""
    start = max(floor, end - _NAME_CHARS)
    for index in range(end - 1, start - 1, -1):
        if _BOUNDARY.match(text[index]):
            return index + 1, True
    return start, start == floor


def _code(digits: str | None, level: int, codes: dict[int, str]) -> str | None:
    """The full code a marker names: 210类, then 11款 (21011), then 01项 (2101101); None without digits."""
    if digits is None:
        return None
    width = 2 * level + 1
    if len(digits) == width:
        code = digits
    elif len(digits) == 2 and level > 1 and level - 1 in codes:
        code = codes[level - 1] + digits
    else:
        return None
    codes[level] = code
    for deeper in [lv for lv in codes if lv > level]:
        del codes[deeper]
    return code
