"""The characters a regular expression's every match must contain, so that a text with none of one
set is passed over without running the pattern (`[^\\s：:。]{0,6}[：:]\\s*[。；;]` tries six characters at
every position of every line; most lines hold no colon at all).

Read from the pattern's parse tree: a literal character or a character set that must be matched at
least once; of alternatives, any of their first sets. Whatever else a pattern holds (classes such as
\\d, negated sets, case-insensitive parts, lookarounds) adds no requirement, so the sets found are
always necessary, never more.
"""

from __future__ import annotations

import re
from functools import cache

try:  # the standard library's own parser, private: a Python without it runs every pattern on every text
    from re import _constants as sre  # type: ignore[attr-defined]
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - present from Python 3.11 on
    sre = sre_parse = None

# A range wider than this ([一-龥]) adds no requirement: testing its characters one by one costs more
# than it saves.
_WIDEST_RANGE = 64


@cache  # a rule's patterns, parsed once however many files it checks
def required_characters(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of characters of which every match of the pattern holds at least one each."""
    if sre_parse is None or pattern.flags & re.IGNORECASE:
        return ()
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except re.error:
        return ()
    return tuple(_of_sequence(list(tree)))


def _of_sequence(items: list[tuple[object, object]]) -> list[frozenset[str]]:
    found: list[frozenset[str]] = []
    for op, value in items:
        found.extend(_of_item(op, value))
    return found


def _of_item(op: object, value: object) -> list[frozenset[str]]:
    if op is sre.LITERAL:
        return [frozenset(chr(value))]  # type: ignore[arg-type]
    if op is sre.IN:
        characters = _of_set(value)  # type: ignore[arg-type]
        return [characters] if characters else []
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, inner = value  # type: ignore[misc]
        return _of_sequence(list(inner)) if low >= 1 else []
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = value  # type: ignore[misc]
        return [] if add_flags & re.IGNORECASE else _of_sequence(list(inner))
    if op is sre.ATOMIC_GROUP:
        return _of_sequence(list(value))  # type: ignore[arg-type]
    if op is sre.BRANCH:
        _, alternatives = value  # type: ignore[misc]
        union: set[str] = set()
        for alternative in alternatives:
            sets = _of_sequence(list(alternative))
            if not sets:  # one alternative requires nothing: neither does the branch
                return []
            union |= sets[0]
        return [frozenset(union)]
    return []


def _of_set(items: list[tuple[object, object]]) -> frozenset[str] | None:
    """The characters of a plain set ([：:], [。；;]); None for a negated one or one with a class."""
    characters: set[str] = set()
    for op, value in items:
        if op is sre.LITERAL:
            characters.add(chr(value))  # type: ignore[arg-type]
        elif op is sre.RANGE and value[1] - value[0] <= _WIDEST_RANGE:  # type: ignore[index,operator]
            characters.update(chr(code) for code in range(value[0], value[1] + 1))  # type: ignore[index]
        else:
            return None
    return frozenset(characters)
