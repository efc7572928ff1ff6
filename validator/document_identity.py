"""Whose disclosure a file is, and of which year: the unit and year printed on its cover, so that the
documents of one run can be matched (部门 and 单位 of one year, one unit's consecutive years).

Conservative: a unit or year not printed plainly, or printed two ways, gives no identity, and the
document is then compared with none. The unit comes from the cover ("预算主管部门：X", "预算单位：X",
"部门：X", "X 2017 年度部门预算", "2017 年度X部门预算公开"), else from the 部门/单位 lines kept above
the tables (the most of them must agree); the year from the cover, else the tables' 年度 lines or
titles, else the file name when it holds one year (a set of tables printed without it).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .labels import normalise
from .model import Document

_COVER_LINES = 8  # the cover: the lines before the contents
_TITLE_LENGTH = 120
_LABELLED = re.compile(r"^(?:预算主管部门|预算单位|主管部门|部门名称|单位名称|编制部门|编制单位|部门)[:：](?P<unit>[^:：]{4,40}?)"
                       r"(?:单位[:：].*)?$")
_YEAR = r"(?P<year>(?:19|20)\d\d)年度?"
_SORT = r"(?:区级|市级|省级|县级)?(?:部门|单位)?(?:预算|决算)"
# "X2017年度部门预算" or "2017年度X部门预算公开"; X ends with a word that names a unit, never a region
_UNIT_WORDS = r"(?:厅|局|委员会|委|院|室|处|办|会|中心|法院|检察院|政府|馆|所|站|校|队|部|署|社|台|园)"
_UNIT_FIRST = re.compile(rf"(?P<unit>[^\d:：]{{4,40}}?{_UNIT_WORDS}){_YEAR}{_SORT}")
_YEAR_FIRST = re.compile(rf"{_YEAR}(?P<unit>[^\d:：]{{4,40}}?{_UNIT_WORDS}){_SORT}")
_COVER_YEAR = re.compile(rf"{_YEAR}(?:区级|市级|省级|县级)?(?:部门|单位)(?:预算|决算)")
_TITLE_YEAR = re.compile(_YEAR)
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
_CONTENTS = re.compile(r"^目录$")
_PLACEHOLDER = re.compile(r"XX|××", re.IGNORECASE)  # a template's 上海市XX局 names no unit
# Names printed in full in one file and short in another (中国共产党江苏省委员会办公厅, 中共江苏省委办公厅,
# 江苏省委办公厅): compared in their short form
_SHORT_FORMS = (("中国共产党", ""), ("中共", ""), ("人民代表大会常务委员会", "人大常委会"), ("常务委员会", "常委会"),
                ("委员会", "委"))


@dataclass(frozen=True, slots=True)
class Identity:
    unit: str  # as printed
    year: int
    year_from: str  # 封面, 表格, 文件名: where the year was read

    @property
    def key(self) -> tuple[str, int]:
        return matching_name(self.unit), self.year

    def to_dict(self) -> dict[str, object]:
        return {"unit": self.unit, "year": self.year, "year_from": self.year_from}


def matching_name(unit: str) -> str:
    """The unit's name in the form two documents' names are compared in."""
    name = normalise(unit)
    for long, short in _SHORT_FORMS:
        name = name.replace(long, short)
    return name


def identify(document: Document) -> Identity | None:
    """The document's unit and year, or None when either is not printed plainly."""
    cover = _cover(document)
    unit = _cover_unit(cover)
    listed = _listed_unit(document)
    if unit and listed and matching_name(unit) != matching_name(listed):
        return None  # the cover and the tables name different units: which one is meant is unclear
    unit = unit or listed
    if not unit or _PLACEHOLDER.search(unit):
        return None
    for found, source in ((_cover_year(cover), "封面"), (_tables_year(document), "表格"),
                          (_file_year(document.path), "文件名")):
        if found is not None:
            return Identity(unit, found, source) if found else None
    return None


def _cover(document: Document) -> list[str]:
    """The first page's lines before the contents or the first sentence, normalised."""
    lines = []
    first_page = document.text[0].source.page if document.text else None
    for line in document.text[:_COVER_LINES]:
        text = normalise(line.text)
        if (_CONTENTS.match(text) or line.source.page != first_page or re.search(r"[，。,]", text)
                or len(text) > _TITLE_LENGTH):  # a sentence or a run of text is no cover title
            break
        lines.append(text)
    return lines


def _cover_unit(cover: list[str]) -> str | None:
    labelled = {m["unit"] for line in cover if (m := _LABELLED.match(line))}
    if labelled:
        return labelled.pop() if len(labelled) == 1 else None
    joined = "".join(cover)  # a cover title broken over lines: "江苏省人大常委会办公厅" "2019年度部门预算公开"
    found = {m["unit"] for pattern in (_UNIT_FIRST, _YEAR_FIRST) if (m := pattern.search(joined))}
    return found.pop() if len(found) == 1 else None


def _cover_year(cover: list[str]) -> int | None:
    """The year of the cover title; 0 when it names two."""
    joined = "".join(cover)
    years = {int(m["year"]) for pattern in (_COVER_YEAR, _UNIT_FIRST, _YEAR_FIRST) for m in pattern.finditer(joined)}
    return (years.pop() if len(years) == 1 else 0) if years else None


def _listed_unit(document: Document) -> str | None:
    """The 部门/单位 named above most tables (a line cut short or run into its neighbour aside)."""
    names = Counter(table.meta["单位"] for table in document.tables if table.meta.get("单位"))
    if not names:
        return None
    (name, count), = names.most_common(1)
    return name if count * 2 > names.total() else None


def _tables_year(document: Document) -> int | None:
    """The one year of the tables' 年度 lines and titles; 0 when they name several."""
    years = {int(m["year"]) for table in document.tables
             for text in (table.meta.get("年度", ""), normalise(table.title)) if (m := _TITLE_YEAR.search(text))}
    return (years.pop() if len(years) == 1 else 0) if years else None


def _file_year(path: str) -> int | None:
    years = set(_FILE_YEAR.findall(Path(path).stem))
    return int(years.pop()) if len(years) == 1 else None
