"""Comparisons: a direction stated without a change figure, between two printed amounts — figures
current and base, words direction and trend (rises/falls/level): "本年支出120万元，上年支出100万元，
与上年持平", "本年95万元，较上年100万元有所增加", "本年支出95万元，比上年（100万元）增长，主要原因是…".

Read only when both amounts are in the sentence, in the same unit, and are one subject at two
periods: the base between the comparison word and the direction, or (no amount there) the one of two
amounts before it whose name holds what it is compared with ("上年"). Names must agree once period
words are taken out. A hedged level ("基本持平", "大致相同") states no exact equality and is not read.
The words are comparisons.* in rules/vocabulary.yaml.
"""

from __future__ import annotations

import re

from .paragraphs import Token
from .reading import Reading
from .vocabulary import vocabulary


def read_comparisons(reading: Reading) -> None:
    p, words = reading.p, vocabulary()
    text, listed = p.text, words.words.comparisons
    for sentence_start, sentence_end in p.sentences:
        tokens = p.tokens_in(sentence_start, sentence_end)
        floor = sentence_start  # one comparison per direction: the next one starts after it
        for stated in words.stated_direction.finditer(text, sentence_start, sentence_end):
            direction = stated.group("direction")
            trend = "rises" if direction in listed.rises else "falls" if direction in listed.falls else "level"
            opened, floor = floor, stated.end()
            if trend == "level" and stated.group("hedge") or _figure_follows(tokens, stated.end(), text):
                continue
            anchor = None
            for match in words.compared_with.finditer(text, opened, sentence_end):  # 与 looks ahead to it
                if match.end() <= stated.start():
                    anchor = match
            if anchor is None:
                continue
            pair = _current_and_base(reading, tokens, anchor, stated.start(), opened)
            if pair is None:
                continue
            current, base = pair
            reading.claim("comparison", reading.name(current), current.label_start, stated.end(),
                          {"current": current.figure, "base": base.figure}, {"direction": direction, "trend": trend})


def _figure_follows(tokens: list[Token], offset: int, text: str) -> bool:
    """"增加10万元": a change figure, read as a change claim."""
    return any(offset <= t.start and not text[offset:t.start].strip(" 了，,") for t in tokens)


def _current_and_base(reading: Reading, tokens: list[Token], anchor: re.Match[str], direction_start: int,
                      opened: int) -> tuple[Token, Token] | None:
    between = [t for t in tokens if anchor.end() <= t.start < direction_start]
    before = [t for t in tokens if opened <= t.start < anchor.start() and t.depth == 0]
    if any(not t.is_amount for t in between) or between and anchor.group() == "与" and between[0].depth == 0:
        return None  # "超过7天与15天的数量减少": a bare 与 joining two figures is "and", not "compared with"
    if len(between) == 1 and before and before[-1].is_amount:
        current, base = before[-1], between[0]
    elif not between and len(before) == 2 and all(t.is_amount for t in before):
        against = (anchor.groupdict().get("against") or reading.p.text[anchor.end():direction_start]).strip()
        current, base = before
        if not against or against not in base.label or against in current.label:
            return None
    else:
        return None
    base_subject = _subject(reading, base, anchor.group())  # empty: the current one's ("较上年100万元")
    if current.unit != base.unit or base_subject and base_subject != _subject(reading, current):
        return None
    return current, base


def _subject(reading: Reading, token: Token, comparison: str = "") -> str:
    """Its name without period words: "上年支出" and "本年支出" are both "支出"."""
    name = vocabulary().period.sub("", reading.name(token))
    return name.removeprefix(comparison).strip(" （(）)") if comparison else name
