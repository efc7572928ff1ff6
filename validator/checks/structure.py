"""`kind: structure`: the document as a whole (rules/parts.yaml): its required parts are there
(`aspect: parts`), in the order its 目录 lists them (`order`), on the pages the 目录 gives (`pages`),
with no empty page between them (`empty_pages`).

Only a whole disclosure is judged (a 目录, and at least two of its narrative parts): a file of
tables published apart from its narrative has no 主要职能 to miss, an excerpt no 目录. Missing tables
are not reported here: the completeness rules (D-01, BD-01) report them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Literal

from ..contents import Entry, printed_page_numbers
from ..findings import Finding, Location
from ..model import Source
from ..parts import Layout, Part, heading_text, layout, position
from .common import CheckKind, RuleRun, Strict

# The narrative parts that, with its 目录, make a file a whole disclosure rather than its
# tables alone or an excerpt of its narrative
_WHOLE = 2


class StructureCheck(Strict):
    kind: Literal["structure"]
    aspect: Literal["parts", "order", "pages", "empty_pages"]


def evaluate(check: StructureCheck, run: RuleRun) -> Iterator[Finding]:
    if check.aspect == "empty_pages":
        yield from _empty_pages(run)
        return
    found = run.file.once(layout)
    narrative = [p for p in found.parts if p.headings and p.id in found.found]
    if len(narrative) < _WHOLE or found.contents is None:
        run.outcome.skip("不是完整的公开文件（没有目录，或正文中找到的组成部分少于两个）")
        return
    if check.aspect == "parts":
        run.outcome.evaluated += 1
        yield from _missing(found, run)
        return
    listed = _listed(found, run)
    yield from (_order if check.aspect == "order" else _pages)(found, listed, run)


def _missing(found: Layout, run: RuleRun) -> Iterator[Finding]:
    """The required parts not found, and the parts the 目录 lists that the body does not have (at its
    entry). Tables are left out: a narrative published apart from its tables lists them too."""
    entries = {}
    for entry in found.contents.entries:  # type: ignore[union-attr]
        text = heading_text(entry.text)
        for part in found.parts:
            if part.headings and part.names_heading(text):
                entries.setdefault(part.id, entry)
    for part in found.parts:
        if part.table or part.id in found.found:
            continue
        entry = entries.get(part.id)
        if entry is not None:
            yield run.finding([Location(value=part.name, source=entry.line.source)], missing=part.name,
                              reason=f"（目录中列有“{entry.text}”）")
        elif part.required_for(run.document.kind):
            yield run.finding([Location(value=part.name)], missing=part.name)


def _listed(found: Layout, run: RuleRun) -> list[tuple[Entry, Part]]:
    """The 目录's entries that name a part found in the body, in the 目录's order, each part once."""
    catalogue = run.file.catalogue
    listed: list[tuple[Entry, Part]] = []
    for entry in found.contents.entries:  # type: ignore[union-attr]
        text = heading_text(entry.text)
        kind = catalogue.kind_of(entry.text)
        part = next((p for p in found.parts if p.id in found.found and not p.contents
                     and ((p.table and p.table == kind) or (p.headings and p.names_heading(text)))), None)
        if part is not None and all(part is not p for _, p in listed):
            listed.append((entry, part))
    return listed


def _order(found: Layout, listed: list[tuple[Entry, Part]], run: RuleRun) -> Iterator[Finding]:
    """The parts the body prints out of the 目录's order: those off its longest run in order."""
    if len(listed) < 2:
        run.outcome.skip("目录中可与正文对应的条目少于两个")
        return
    run.outcome.evaluated += 1
    places = [position(found.found[part.id]) for _, part in listed]
    keep = _longest_rising(places)
    for index, (entry, part) in enumerate(listed):
        if index not in keep:
            source = found.found[part.id]
            yield run.finding([Location(value=part.name, source=source),
                               Location(value=entry.text, source=entry.line.source)],
                              text=part.name, reason=_where(source))


def _pages(found: Layout, listed: list[tuple[Entry, Part]], run: RuleRun) -> Iterator[Finding]:
    """Each 目录 page number against the page its part is on. The page numbers printed on the pages
    say what a number means; without them, one offset (the cover left uncounted) shared by more than
    half of the entries does, and without such an offset nothing is judged."""
    numbered = [(entry, part, found.found[part.id].page) for entry, part in listed
                if entry.page is not None and found.found[part.id].page is not None]
    if not numbered:
        run.outcome.skip("目录没有页码，或其条目在正文中都没有找到")
        return
    printed = printed_page_numbers(run.document.text)
    if printed:  # a number no page prints takes the footers' usual offset
        offset = Counter(page - number for number, page in printed.items()).most_common(1)[0][0]
    else:
        offset, count = Counter(page - entry.page for entry, _, page in numbered).most_common(1)[0]  # type: ignore[operator]
        if len(numbered) < 2 or count * 2 <= len(numbered):
            run.outcome.skip("目录页码与正文页的对应关系不一致，无法判断哪一条有误")
            return
    run.outcome.evaluated += 1
    for entry, part, page in numbered:
        if printed.get(entry.page, entry.page + offset) != page:  # type: ignore[operator, arg-type]
            yield run.finding([Location(value=entry.text, source=entry.line.source),
                               Location(value=part.name, source=found.found[part.id])],
                              text=entry.text, expected=str(entry.page), actual=_printed_page(page, printed))  # type: ignore[arg-type]


def _printed_page(page: int, printed: dict[int, int]) -> str:
    """The page as the document numbers it (its footer), else as the PDF counts it."""
    return str(next((number for number, at in printed.items() if at == page), page))


def _empty_pages(run: RuleRun) -> Iterator[Finding]:
    document = run.document
    pages = [line.source.page for line in document.text if line.source.page is not None]
    pages += [t.source.page for t in document.tables if t.source.page is not None]
    if not pages:
        run.outcome.skip("文件没有分页")
        return
    run.outcome.evaluated += 1
    first, last = min(pages), max(pages)
    for page in document.empty_pages:
        if first < page < last:
            yield run.finding([Location(source=Source(page=page))], text=f"第{page}页")


def _where(source: Source) -> str:
    return source.describe() or "正文中"


def _longest_rising(values: list[tuple[float, float, float]]) -> set[int]:
    """The indices of a longest rising run of values (not necessarily adjacent; equal places, two
    headings whose order on one page is not known, count as in order)."""
    best: list[list[int]] = []
    for index, value in enumerate(values):
        candidates = [run for run in best if values[run[-1]] <= value]
        longest = max(candidates, key=len, default=[])
        best.append([*longest, index])
    return set(max(best, key=len, default=[]))


KIND = CheckKind(StructureCheck, evaluate)
