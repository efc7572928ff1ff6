"""`kind: subject_names`: the names a document gives its 功能分类/经济分类 subjects (validator.subject_mentions)
against each other and against the classification of its year (validator.subjects).

`aspect: conflicting`: one code of the catalogue carrying two names in one document (tables and prose). The name the
classification gives the code, else the one printed most, is taken as meant; a retired name is left to
`retired`. `aspect: retired`: a name a reform retired before the document's year (the year of its
title; none, no judgement), with its code where printed. A code or name the catalogue does not hold
is never judged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Literal

from ..findings import Finding, Location
from ..identity import document_year
from ..subject_mentions import Mention, mentions, named
from ..subjects import Retired, Subjects, same_name_key, subjects
from .common import CheckKind, RuleRun, Strict


class SubjectNamesCheck(Strict):
    kind: Literal["subject_names"]
    aspect: Literal["conflicting", "retired"]


def evaluate(check: SubjectNamesCheck, run: RuleRun) -> Iterator[Finding]:
    year = document_year(run.document)
    if check.aspect == "conflicting":
        yield from _conflicting(run, run.file.once(mentions), year)
    elif year is None:
        run.outcome.skip("文件未写明年度，无法确定适用哪一年的科目")
    else:
        yield from _retired(run, year)


def _conflicting(run: RuleRun, found: list[Mention], year: int | None) -> Iterator[Finding]:
    catalogue = subjects()
    by_code: dict[str, list[tuple[str, Mention]]] = {}
    for mention in found:
        if mention.code in catalogue.current and not (year and catalogue.retired_in(mention.name, year, mention.code)):
            by_code.setdefault(mention.code, []).append((same_name_key(mention.name), mention))
    for code, named_as in by_code.items():
        run.outcome.evaluated += 1
        exact = {key for key, mention in named_as if mention.exact}
        # a prose name read with words before it stands for the printed name it ends with
        keys = [key if mention.exact else next((k for k in exact if key.endswith(k)), None) for key, mention in named_as]
        # a label the text layer cut short ("其他政府办公厅(室)及相关机构事务支") is the name it begins
        keys = [max((k for k in exact if k.startswith(key)), key=len, default=key) if key else None for key in keys]
        places: dict[str, Mention] = {}
        for key, (_, mention) in zip(keys, named_as, strict=True):
            if key is not None:
                places.setdefault(key, mention)
        if len(places) < 2:
            continue
        meant = _meant(catalogue, code, [k for k in keys if k is not None])
        for key, mention in places.items():
            if key != meant:
                reference = places[meant]
                yield run.finding([mention.place, reference.place], code=code, subject=mention.name,
                                  text=reference.name, reason=_where(reference.place))
    if run.outcome.evaluated == 0:
        run.outcome.skip("文件中没有带编码的科目")


def _where(place: Location) -> str:
    """公开05表 210 卫生健康支出（第15页）, or 第3页 for the prose."""
    cell, where = place.describe(), place.source.describe()
    return f"{cell}（{where}）" if cell and where else cell or where


def _meant(catalogue: Subjects, code: str, keys: list[str]) -> str:
    current = same_name_key(catalogue.current.get(code, ""))
    return current if current in keys else Counter(keys).most_common(1)[0][0]


def _retired(run: RuleRun, year: int) -> Iterator[Finding]:
    catalogue = subjects()
    seen = set()
    class_names = [r.name for r in catalogue.retired_names(level=1)]
    for mention in [*run.file.once(mentions), *named(run.document, class_names)]:
        place = (mention.place.source, mention.place.table, mention.place.row, same_name_key(mention.name))
        if place in seen:  # a chain's class printed in full is found twice
            continue
        seen.add(place)
        run.outcome.evaluated += 1
        retired = _retirement(catalogue, mention, year)
        if retired:
            yield run.finding([mention.place], text=mention.place.value, subject=retired.current,
                              code=retired.code, reason=f"{retired.last_year + 1}年")


def _retirement(catalogue: Subjects, mention: Mention, year: int) -> Retired | None:
    if mention.code:
        return catalogue.retired_in(mention.name, year, mention.code)
    key = same_name_key(mention.name)
    for retired in catalogue.retired_names(mention.level):
        old = same_name_key(retired.name)
        if key == old or not mention.exact and key.endswith(old):
            return catalogue.retired_in(retired.name, year)
    return None


KIND = CheckKind(SubjectNamesCheck, evaluate)
