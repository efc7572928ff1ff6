"""Whether a failing rule example's findings blame the places its `expect:` names.

"Blamed" is strict: the judged places of all the findings (Finding.is_judged: the places found wrong,
not the cells they were compared with) must be exactly the expected places, one for one; a place
found but not expected fails the example as much as one expected but not found.
"""

from __future__ import annotations

from collections.abc import Callable

from .findings import Finding, Location
from .labels import label_key, normalise, normalise_code
from .ruleset import ExpectedPlace


def blamed(findings: list[Finding]) -> list[Location]:
    return [location for finding in findings for index, location in enumerate(finding.locations)
            if finding.is_judged(index)]


def as_expected(places: list[ExpectedPlace] | None, findings: list[Finding], count: int | None) -> bool:
    if count is not None and len(findings) != count:
        return False
    return places is None or _one_for_one(places, blamed(findings))


def describe(place: ExpectedPlace) -> str:
    """收入支出决算总表 行“本年收入合计” 栏“决算数”: the place as the example's author wrote it."""
    parts = [place.table or ""]
    if place.row is not None:
        parts.append(f"第{place.row}行" if isinstance(place.row, int) else f"行“{place.row}”")
    if place.column is not None:
        parts.append(f"第{place.column}栏" if isinstance(place.column, int) else f"栏“{place.column}”")
    if place.text is not None:
        parts.append(f"文字“{place.text}”")
    if place.page is not None:
        parts.append(f"第{place.page}页")
    return " ".join(p for p in parts if p)


def matches(place: ExpectedPlace, location: Location) -> bool:
    return (_table_matches(place.table, location) and _row_matches(place.row, location)
            and _column_matches(place.column, location)
            and (place.text is None or normalise(place.text) in normalise(location.value or ""))
            and (place.page is None or location.source.page == place.page))


def _one_for_one(places: list[ExpectedPlace], locations: list[Location]) -> bool:
    """A perfect matching of expected places to blamed locations (augmenting paths; both lists are short)."""
    if len(places) != len(locations):
        return False
    taken: dict[int, int] = {}  # location index -> place index

    def assign(p: int, seen: set[int]) -> bool:
        for i, location in enumerate(locations):
            if i not in seen and matches(places[p], location):
                seen.add(i)
                if i not in taken or assign(taken[i], seen):
                    taken[i] = p
                    return True
        return False

    return all(assign(p, set()) for p in range(len(places)))


def _table_matches(table: str | None, location: Location) -> bool:
    if table is None:
        return True
    names = (location.table, location.table_title, location.table_name())
    return normalise(table) in {normalise(n) for n in names if n}


def _row_matches(row: str | int | None, location: Location) -> bool:
    if row is None:
        return location.row is None and location.code is None and location.row_no is None
    if isinstance(row, int):  # a 行次, or a 科目编码 written without quotes
        return location.row_no == row or location.code == str(row)
    if normalise_code(row):
        return location.code == normalise_code(row)
    return location.row is not None and _path_ends_with(location.row, row, key=label_key)


def _column_matches(column: str | int | None, location: Location) -> bool:
    if column is None:
        return location.column is None
    if isinstance(column, int):
        return location.column_no == column
    return location.column is not None and _path_ends_with(location.column, column, key=normalise)


def _path_ends_with(path: str, end: str, key: Callable[[str], str]) -> bool:
    """“决算数” ends “收入/决算数”; a 自评表 row “满意度指标/…/信访群众满意度” ends with its own label."""
    steps, wanted = [key(s) for s in path.split("/")], [key(s) for s in end.split("/")]
    return steps[-len(wanted):] == wanted
