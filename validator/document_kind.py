"""What a disclosure is: 预算 or 决算 (their tables differ, and so do the catalogue and the tables a
complete one must publish), of a 部门 or of a 单位.

The recognised tables decide between 预算 and 决算 (a 决算's narrative speaks of 预算 throughout);
without any, the words of its cover and contents do (a report that only mentions 部门预算 in its body,
such as a performance evaluation, is neither). 部门 or 单位 is read from the cover ("2025年区级
单位预算", "2024 年度部门决算"), else from the titles ("预算单位财务收支预算总表").
"""

from __future__ import annotations

import re
from collections import Counter

from .catalogue import Catalogue
from .labels import normalise
from .model import Document

# Headings of a cover or contents: a line ending "2025年区级单位预算", or naming the 说明 part
_SORT_WORDS = {sort: re.compile(rf"(?:部门|单位){sort}(?:公开|表)?$|{sort}(?:编制|情况)说明", re.MULTILINE)
               for sort in ("预算", "决算")}
_LEVEL = re.compile(r"(部门|单位)(?:预算|决算)")
# In a title the level is named before the table: 2025年部门收入预算总表, 预算单位收入预算总表,
# 单位“三公”经费…, XX法院部门收支预算总表
_TITLE_LEVEL = re.compile(r"预算(单位)|(部门)|(单位)")
_COVER_LINES = 12  # the cover and the start of the contents


def classify(document: Document, catalogue: Catalogue) -> str | None:
    """"部门预算", "单位决算", "预算" (level not printed) …, or None when nothing tells."""
    sort = _sort(document, catalogue)
    if sort is None:
        return None
    return f"{_level(document) or ''}{sort}"


def keep_own_tables(document: Document, catalogue: Catalogue) -> None:
    """Sets the document's kind; a table of the other kind's catalogue (a 决算 title quoted in a
    budget) is no standard table of this document."""
    document.kind = classify(document, catalogue)
    sort = document.kind[-2:] if document.kind else None
    for table in document.tables:
        own = catalogue.kinds[table.kind].document if table.kind in catalogue.kinds else None
        if sort and own and own != sort:
            table.kind = None


def _sort(document: Document, catalogue: Catalogue) -> str | None:
    votes = Counter(catalogue.kinds[t.kind].document for t in document.tables if t.kind in catalogue.kinds)
    votes.pop(None, None)
    if not votes:
        text = "\n".join(normalise(line.text) for line in document.text[:_COVER_LINES])
        votes = Counter({sort: len(words.findall(text)) for sort, words in _SORT_WORDS.items()})
    (first, count), *rest = votes.most_common() or [(None, 0)]
    if not count or (rest and rest[0][1] == count):
        return None
    return first


def _level(document: Document) -> str | None:
    for line in document.text[:_COVER_LINES]:
        match = _LEVEL.search(normalise(line.text))
        if match:
            return match.group(1)
    for table in document.tables:
        match = _TITLE_LEVEL.search(normalise(table.title))
        if match:
            return next(group for group in match.groups() if group)
    return None
