"""Whether a failing rule example's findings blame the places its `expect:` names.

"Blamed" is strict: the judged places of all the findings (Finding.is_judged: the places found wrong,
not the cells they were compared with) must be exactly the expected places, one for one; a place
found but not expected fails the example as much as one expected but not found.
"""

from __future__ import annotations

from collections.abc import Callable

from .findings import Finding, Location
from .labels import label_key, normalise, normalise_code
from .model import Document
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
    if place.document is not None:
        parts.insert(0, f"〔{place.document}〕")
    return " ".join(p for p in parts if p)


def matches(place: ExpectedPlace, location: Location) -> bool:
    return (_table_named(place.table, (location.table, location.table_title, location.table_name()))
            and _row_named(place.row, location.row, location.code, location.row_no)
            and _column_named(place.column, location.column, location.column_no)
            and (place.text is None or normalise(place.text) in normalise(location.value or ""))
            and (place.page is None or location.source.page == place.page)
            and (place.document is None or location.file == place.document))


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


def ambiguous(place: ExpectedPlace, document: Document) -> str | None:
    """Why the place could be more than one cell of the example (总计 on both halves of 公开01表), or None."""
    for table in document.tables:
        if not _table_named(place.table, (table.label, table.title, table.kind)):
            continue
        rows = [r for r in table.rows if _row_named(place.row, r.label, r.code, r.row_no)]
        columns = [c for c in table.columns if c.role == "amount" and _column_named(place.column, c.name, c.number)]
        cells = [(r, c) for r in rows for c in columns if c.index in r.cells]
        if place.row is not None and place.column is not None and len(cells) > 1:
            return f"{describe(place)}在{table.name}中有 {len(cells)} 个单元格，请用行次、科目编码或栏次写明是哪一个"
        if place.row is not None and place.column is None and len(rows) > 1:
            return f"{describe(place)}在{table.name}中有 {len(rows)} 行，请用行次或科目编码写明是哪一行"
        if place.column is not None and place.row is None and len(columns) > 1:
            return f"{describe(place)}在{table.name}中有 {len(columns)} 栏，请写出完整的栏目或栏次"
    return None


def _table_named(table: str | None, names: tuple[str | None, ...]) -> bool:
    return table is None or normalise(table) in {normalise(n) for n in names if n}


def _row_named(row: str | int | None, label: str | None, code: str | None, row_no: int | None) -> bool:
    if row is None:
        return label is None and code is None and row_no is None
    if isinstance(row, int):  # a 行次, or a 科目编码 written without quotes
        return row_no == row or code == str(row)
    if normalise_code(row):
        return code == normalise_code(row)
    return label is not None and _path_ends_with(label, row, key=label_key)


def _column_named(column: str | int | None, path: str | None, number: int | None) -> bool:
    if column is None:
        return path is None
    if isinstance(column, int):
        return number == column
    return path is not None and _path_ends_with(path, column, key=normalise)


def _path_ends_with(path: str, end: str, key: Callable[[str], str]) -> bool:
    """“决算数” ends “收入/决算数”; a 自评表 row “满意度指标/…/信访群众满意度” ends with its own label."""
    steps, wanted = [key(s) for s in path.split("/")], [key(s) for s in end.split("/")]
    return steps[-len(wanted):] == wanted
