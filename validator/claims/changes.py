"""Changes: growth or decline against a base — figures base, current, change, rate (those stated).

Anchored by 较/比/同比/相比/与…相比; words direction (增长/增加/下降/减少/降低/提高/上升) and against
(what it is compared with: "2021年", "上年度", "年初预算"): "决算数为 116.28 万元，较2021年 93.61万元
增长24.22%", "收、支总计均为3,088.57万元。与上年度相比，收、支总计各减少5,571.48万元，下降64.34%".
The current amount is the last one before the comparison (or the one amount of the sentence before,
when the comparison opens the sentence). A base not stated after the comparison is the one earlier
amount of the sentence named as the comparison names it: "上年预算执行数为120万元，本年预算安排132万元，
比上年执行数增加10%". Percentages of percentages ("比例为 44.50%，较 2021 年下降了
22.01%") are not read: points or per cent cannot be told apart. The words are changes.* in
rules/vocabulary.yaml.
"""

from __future__ import annotations

import re

from .paragraphs import Token, clean
from .reading import Reading
from .vocabulary import vocabulary

_YEAR = re.compile(r"\d{4}\s*年度?")


def read_changes(reading: Reading) -> None:
    p, words = reading.p, vocabulary()
    text = p.text
    for sentence_start, sentence_end in p.sentences:
        tokens = p.tokens_in(sentence_start, sentence_end)
        consumed: set[int] = set()
        group_floor = sentence_start
        i = 0
        while i < len(tokens):
            first = tokens[i]
            direction = words.direction.search(text[max(sentence_start, first.start - 4):first.start])
            if direction is None or not first.unit:
                i += 1
                continue
            group = [first]
            if i + 1 < len(tokens):
                second = tokens[i + 1]
                if words.direction_between.fullmatch(text[first.end:second.start]) and (
                        second.is_percent != first.is_percent):
                    group.append(second)
            i += len(group)
            anchor = None
            for match in words.comparison.finditer(text, group_floor, first.start):
                anchor = match
            floor, group_floor = group_floor, group[-1].end
            if anchor is None:
                continue
            change = next((t for t in group if not t.is_percent), None)
            rate = next((t for t in group if t.is_percent), None)
            base = next((t for t in reversed(p.tokens_in(anchor.end(), first.start))
                         if t.is_amount and t.depth == 0), None)
            current = _current(reading, floor if floor > sentence_start else sentence_start, anchor.start(), consumed)
            if current is None:
                current = _current(reading, sentence_start, anchor.start(), consumed)
            if current is None and not text[sentence_start:anchor.start()].strip():
                current = reading.lone_amount_before(anchor.start())
            if base is None and current is not None:
                base = _named_base(reading, text[anchor.end():first.start], sentence_start, current)
            amounts = [t for t in (base, current, change) if t is not None]
            if not amounts or len({t.family for t in amounts}) != 1 or (change is None and rate is None):
                continue
            consumed.update(t.start for t in group)
            if base is not None:
                consumed.add(base.start)
            figures = {role: t.figure for role, t in
                       (("base", base), ("current", current), ("change", change), ("rate", rate)) if t is not None}
            subject = _subject(reading, current, change or base or current, sentence_start)
            against = anchor.group("against") or text[anchor.end():first.start].replace(
                base.figure.text if base else "\0", "")
            against = words.direction.sub("", against.strip(" ，,")).strip()
            start = current.label_start if current is not None and current.start < anchor.start() else anchor.start()
            if current is not None and current.start < sentence_start:
                start = anchor.start()
            if base is not None:  # a base named before the current amount opens the claim
                start = min(start, base.label_start)
            reading.claim("change", subject, start, group[-1].end, figures,
                          {"direction": direction.group(1), "against": against})


def _subject(reading: Reading, current: Token | None, other: Token, sentence_start: int) -> str:
    """What changed: the current amount's name, or the change's ("与上年度相比，收、支总计各减少…") when
    the current amount is in the sentence before; a name that is only money or comparison words
    ("2023年预算安排", "与上年相比增加") gives way to the name the same amount has earlier in the
    paragraph ("“…（项）”45.41万元，…2023年预算安排45.41万元"), or to the paragraph's opening amount's."""
    words = vocabulary()
    in_sentence = current is not None and current.start >= sentence_start
    token = current if in_sentence else other
    subject = reading.name(token)
    if token is not current:
        subject = words.direction_at_end.sub("", subject).rstrip("各")
        if current is not None and not _specific(subject):
            token, subject = current, reading.name(current)
    if not _specific(subject):
        named = [t for t in reading.p.tokens_in(0, token.start)
                 if t.is_amount and t.depth == 0 and _specific(reading.name(t))]
        # the same amount named earlier, else the paragraph's heading amount ("16. “…（项）”220.63万元")
        heading = named[0] if named and named[0] is reading.p.tokens[0] and named[0].start < sentence_start else None
        earlier = next((t for t in named if _same_figure(t, token)), heading)
        if earlier is not None:
            subject = reading.name(earlier)
    return re.sub(r"^[“\"](.*)[”\"]$", r"\1", subject)


def _same_figure(one: Token, other: Token) -> bool:
    a, b = one.figure.parsed, other.figure.parsed
    return one.unit == other.unit and getattr(a, "value", None) is not None and a.value == getattr(b, "value", None)


def _specific(name: str) -> bool:
    """A name that says which item, not only which kind of money or comparison it is."""
    words = vocabulary()
    rest = words.comparison.sub("", words.budget_name.sub("", name))
    rest = words.spent_name.sub("", rest)
    return len(_YEAR.sub("", rest).strip(" ，,：:为是")) >= 2


def _named_base(reading: Reading, against: str, sentence_start: int, current: Token) -> Token | None:
    """The one earlier amount of the sentence named as what it is compared with ("上年预算执行数为120万元，
    本年预算安排132万元，比上年执行数增加10%"): names equal but for changes.base_name_optional words, and
    a year the comparison names also in the amount's label ("2022年当年预算执行数为…比2022年预算执行数")."""
    against = vocabulary().direction.sub("", against)
    key, years = _name_key(against), set(_YEAR.findall(against))
    if len(key) < 2:
        return None
    named = [t for t in reading.p.tokens_in(sentence_start, current.start)
             if t.is_amount and t.depth == 0 and t.family == current.family and years <= set(_YEAR.findall(t.label))
             and key in (_name_key(reading.name(t)), _name_key(clean(t.label)))]
    return named[0] if len(named) == 1 else None


def _name_key(name: str) -> str:
    name = _YEAR.sub("", name)
    for word in vocabulary().words.changes.base_name_optional:
        name = name.replace(word, "")
    return re.sub(r"\s", "", name)


def _current(reading: Reading, start: int, end: int, consumed: set[int]) -> Token | None:
    """The last amount in [start, end) not already read as a change or a base."""
    return next((t for t in reversed(reading.p.tokens_in(start, end))
                 if t.is_amount and t.depth == 0 and t.start not in consumed), None)
