"""One problem, one finding: a rule with `group:` (validator.ruleset.Grouping) reports what it found
in one table, or in one file, as a single finding instead of a wall of identical ones.

The merged finding's message counts the places and names the first few ("共 110 处模板文字：
“XX”（第1页）、“XX局”（第2页）等"); its locations are every place, the first place first, so JSON,
SARIF and HTML carry each one. A table or file with a single place keeps the rule's own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace

from .findings import Finding, Location, joined
from .ruleset import Grouping

# Characters of places named in a merged message; the locations carry every place.
PLACES_WIDTH = 60
# Spaces a PDF text layer puts between Chinese and figures ("增加 307.82 万元") are not the text's own.
_LAYOUT_SPACES = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")


def merged(group: Grouping, findings: list[Finding]) -> list[Finding]:
    """The findings of one rule on one file, one per table (or file) and severity."""
    buckets: dict[tuple[object, ...], list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        buckets.setdefault(_bucket(group, finding), []).append(finding)
    return [members[0] if len(members) == 1 else _merge(group, members) for members in buckets.values()]


def _bucket(group: Grouping, finding: Finding) -> tuple[object, ...]:
    return finding.severity, _table_of(finding) if group.by == "table" else None


def _table_of(finding: Finding) -> tuple[object, ...]:
    first = finding.locations[0] if finding.locations else Location()
    # two workbook sheets may hold tables printed alike
    return first.table, first.table_title, first.source.sheet


def folded(same_mistake_as: dict[str, str], findings: list[Finding]) -> list[Finding]:
    """A rule's finding on a table where the rule it names under `same_mistake_as` also failed is
    that rule's finding's second half (a 自评表 row listed twice breaks both 分值 and 得分)."""
    kept = list(findings)
    for finding in findings:
        into = same_mistake_as.get(finding.rule)
        index = next((i for i, other in enumerate(kept) if other.rule == into
                      and _table_of(other) == _table_of(finding)), None)
        if index is not None:
            kept[index] = joined(kept[index], finding)
            kept.remove(finding)
    return kept


def _merge(group: Grouping, members: list[Finding]) -> Finding:
    places = [f.locations[0] for f in members if f.locations]
    compared = [loc for f in members for loc in f.locations[1:]]
    message = group.message.format_map({"count": len(members), "places": _named(places),
                                        "pages": page_ranges(p.source.page for p in places),
                                        "table": places[0].table_name() if places else ""})
    # every member's place was found wrong: they come first, what they were compared with after
    return replace(members[0], message=message, locations=(*places, *compared), judged=len(places),
                   expected=None, actual=None, difference=None, tolerance=None)


def _named(places: list[Location]) -> str:
    """The first places that fit PLACES_WIDTH (at least one; one placeholder printed thrice on a page
    named once), then 等 if some are left out."""
    texts = list(dict.fromkeys(_place(p) for p in places))
    shown = texts[:1]
    for text in texts[1:]:
        if len("、".join([*shown, text])) > PLACES_WIDTH:
            break
        shown.append(text)
    return "、".join(shown) + ("等" if len(shown) < len(texts) else "")


def _place(location: Location) -> str:
    """“XX局”（第3页）, “=SUM(D8:I8)”（公开03表!E12）, 第3页: the value and where it is."""
    where = location.source.describe() or location.describe()
    if location.value:
        value = _LAYOUT_SPACES.sub("", location.value)
        return f"“{value}”（{where}）" if where else f"“{value}”"
    return where


def page_ranges(pages: Iterable[int | None]) -> str:
    """1–13 or 1、2、5、7–9: the distinct pages, a run of three or more as its ends."""
    runs: list[list[int]] = []
    for number in sorted({p for p in pages if p is not None}):
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    return "、".join(f"{r[0]}–{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs)
