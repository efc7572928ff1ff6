"""Characters of a text layer grouped into words, lines and cell texts as pdfplumber groups them
(3 pt tolerances): a space, a gap over 3 pt or a step back ends a word; words whose tops are within
3 pt of each other share a line.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import NamedTuple

from .pdf_page import Box

X_GAP = 3.0  # a wider gap between characters starts a new word
Y_GAP = 3.0  # characters whose tops differ by more are on different lines


class Char(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    upright: bool


class Word(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def clusters(values: Sequence[float], tolerance: float) -> dict[float, int]:
    """Each distinct value's cluster number: sorted values closer than `tolerance` to their predecessor join it."""
    numbers: dict[float, int] = {}
    cluster = -1
    last = None
    for value in sorted(set(values)):
        if last is None or value > last + tolerance:
            cluster += 1
        numbers[value] = cluster
        last = value
    return numbers


_LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}


def _spelled(chars: list[Char]) -> str:
    return "".join(_LIGATURES.get(c.text, c.text) for c in chars)


def extract_words(chars: list[Char]) -> list[Word]:
    """Words line by line, left to right: a space, a gap over 3 pt or a step back ends a word."""
    words: list[Word] = []
    for _, run in itertools.groupby(chars, key=lambda c: c.upright):  # upright and rotated apart
        run_chars = list(run)
        line_of = clusters([c.top for c in run_chars], Y_GAP)
        lines: dict[int, list[Char]] = {}
        for char in run_chars:
            lines.setdefault(line_of[char.top], []).append(char)
        for number in sorted(lines):
            current: list[Char] = []
            for char in sorted(lines[number], key=lambda c: c.x0):
                if char.text.isspace():
                    _close_word(current, words)
                    current = []
                    continue
                if current:
                    last = current[-1]
                    if char.x0 < last.x0 or char.x0 > last.x1 + X_GAP or abs(char.top - last.top) > Y_GAP:
                        _close_word(current, words)
                        current = []
                current.append(char)
            _close_word(current, words)
    return words


def _close_word(chars: list[Char], words: list[Word]) -> None:
    if chars:
        words.append(Word(_spelled(chars), min(c.x0 for c in chars), min(c.top for c in chars),
                          max(c.x1 for c in chars), max(c.bottom for c in chars)))


def lines_of(words: list[Word], in_order: bool) -> list[list[Word]]:
    """Words grouped into lines by their tops; `in_order` keeps the words' order and groups runs."""
    line_of = clusters([w.top for w in words], Y_GAP)
    if in_order:
        return [list(run) for _, run in itertools.groupby(words, key=lambda w: line_of[w.top])]
    lines: dict[int, list[Word]] = {}
    for word in words:
        lines.setdefault(line_of[word.top], []).append(word)
    return [lines[k] for k in sorted(lines)]


def cell_text(chars: list[Char]) -> str:
    """A cell's text: its lines run together, words on a line separated by one space."""
    if not chars:
        return ""
    tops = [c.top for c in chars]
    if max(tops) - min(tops) <= Y_GAP and all(c.upright for c in chars):  # one line, the usual cell
        words: list[str] = []
        current: list[Char] = []
        for char in sorted(chars, key=lambda c: c.x0):
            if char.text.isspace() or current and char.x0 > current[-1].x1 + X_GAP:
                if current:
                    words.append(_spelled(current))
                current = [] if char.text.isspace() else [char]
            else:
                current.append(char)
        if current:
            words.append(_spelled(current))
        return " ".join(words)
    return "".join(" ".join(w.text for w in line) for line in lines_of(extract_words(chars), in_order=False))


def union(items: Sequence[Word | Char]) -> Box:
    """The box around all of them."""
    return (min(i.x0 for i in items), min(i.top for i in items),
            max(i.x1 for i in items), max(i.bottom for i in items))
