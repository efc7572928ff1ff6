"""Parts: a total and all its parts — figures total, parts (a tuple).

Read in three forms, each needing two parts or more, one figure per part, all in the unit family of
the total (money 元/万元/亿元; people 人/人次/名; any other unit only with itself):
- brackets after the total: "总投资估算912.87万元（其中：工程建设费用805.49万元，工程建设其他费用
  63.91万元，预备费43.47万元）", "(包括基本支出 77.80 万元,项目支出 320 万元)"; without 其中/包括/
  含/分别为 only when the total says 共/合计/总: "共依法打击 91 人次（刑事拘留 3 人、行政拘留 42 人、
  批评教育 46 人）";
- after 其中/包括/分别为/以下方面 in the sentence of the total (or the sentence before, when 其中
  starts a sentence and that sentence states one amount): "决算收入为 82919.95 万元，其中：…，
  年初结转结余 25.69 万元"; the list runs to the end of the sentence, to the first ； when its parts
  are separated by ，、, or part by part when they are separated by ；, and stops at the first
  clause without a figure of the family ("…，涉及10个乡镇");
- parts followed by 总计/合计/共计 and the total: "中央资金32.29万元，…，共计支付资金110.6万元".
A single part ("其中：一般公共预算收入1,294.61万元") is a subset, not a parts claim. A list holding a
change against another period ("比2024年预算增加107.62万元") is no breakdown: no claim. A closing
"合计1170.00万" restates the total and is not one more part. The words are parts.* and
changes.* in rules/vocabulary.yaml.
"""

from __future__ import annotations

import re
from itertools import islice

from .figures import past_spaces
from .paragraphs import OPEN, CLOSE, SENTENCE_END, Token
from .reading import Reading
from .vocabulary import vocabulary


def read_parts(reading: Reading) -> None:
    _in_brackets(reading)
    _in_sentence(reading)
    _before_closing_total(reading)


def _in_brackets(reading: Reading) -> None:
    """(a) brackets right after the total."""
    p, words = reading.p, vocabulary()
    text = p.text
    for total in p.tokens:
        after = past_spaces(text, total.end)
        if not total.is_amount or after >= len(text) or text[after] not in OPEN:
            continue
        close = _closing(reading, after)
        if close is None:
            continue
        intro = words.bracket_opener.match(text, after + 1, close)
        if intro is None and not words.total_hint.search(total.label):
            continue
        body = intro.end() if intro else after + 1
        depth = p.depth[after] + 1
        semicolons = _semicolon_separated(reading, body, close, depth, total.family)
        pieces = _pieces(reading, body, close, depth, total.family, semicolons)
        if len(pieces) >= 2 and all(len(members) == 1 for _, _, members in pieces):
            _add_parts(reading, total, [m[0] for _, _, m in pieces], total.label_start, close + 1, (body, close))


def _in_sentence(reading: Reading) -> None:
    """(b) 其中/包括/分别为 in the sentence of the total, or 其中 opening the sentence after it."""
    p = reading.p
    text = p.text
    opens_sentence = tuple(vocabulary().words.parts.opens_sentence_after_total)
    for match in vocabulary().sentence_opener.finditer(text):
        if p.depth[match.start()] != 0:
            continue
        sentence_start, sentence_end = p.sentences[p.sentence_of(match.start())]
        before = next((t for t in p.tokens_back(sentence_start, match.start()) if t.is_amount and t.depth == 0), None)
        if before:
            total = before
        elif not text[sentence_start:match.start()].strip() and match.group().startswith(opens_sentence):
            total = reading.lone_amount_before(match.start())
        else:
            total = None
        if total is None:
            continue
        end = sentence_end
        if not _semicolon_separated(reading, match.end(), end, 0, total.family):
            semicolon = re.search("[；;]", text[match.end():end])
            end = match.end() + semicolon.start() if semicolon else end
            semicolons = False
        else:
            semicolons = True
        parts = []
        for _, _, members in _pieces(reading, match.end(), end, 0, total.family, semicolons):
            if len(members) != 1:
                if members:
                    parts = []
                break
            parts.append(members[0])
        if len(parts) >= 2:
            start = total.label_start if total.start < match.start() else match.start()
            _add_parts(reading, total, parts, start, parts[-1].end, (match.end(), end))


def _before_closing_total(reading: Reading) -> None:
    """(c) parts, then 总计/合计/共计 and the total."""
    p = reading.p
    text = p.text
    for total in p.tokens:
        if not total.is_amount or total.depth != 0 or not vocabulary().closing_total.match(total.label):
            continue
        sentence_start = p.sentences[p.sentence_of(total.start)][0]
        list_end = total.label_start - 1 if text[total.label_start - 1] in "，,；;" else total.label_start
        parts = []
        for _, _, members in reversed(_pieces(reading, sentence_start, list_end, 0, total.family, False)):
            if len(members) != 1:
                break
            parts.insert(0, members[0])
        if len(parts) >= 2:
            _add_parts(reading, total, parts, parts[0].label_start, total.end, (parts[0].label_start, total.end))


def _add_parts(reading: Reading, total: Token, parts: list[Token], start: int, end: int,
               region: tuple[int, int]) -> None:
    """Record a parts claim spanning [start, end); `region` is the list, shares inside it are of the total.
    A list holding a change against another period is not a breakdown: no claim (abstain). A closing
    "合计1170.00万" restates the total: it is not one more part; a total inside the list (the 总预算 a
    trailing 合计 restates) makes it no breakdown."""
    words = vocabulary()
    if parts and words.total_name.search(parts[-1].label):
        parts = parts[:-1]
    if len(parts) < 2 or any(words.change_name.search(t.label) or words.total_name.search(t.label)
                             for t in parts):
        return
    reading.claim("parts", reading.name(total) or words.without_trailing_links(total.label), start, end,
                  {"total": total.figure, "parts": tuple(t.figure for t in parts)})
    reading.part_members.update(t.start for t in parts)
    reading.part_lists.append((*region, total, tuple(parts)))


def _pieces(reading: Reading, start: int, end: int, depth: int, family: str,
            semicolons: bool) -> list[tuple[int, int, list[Token]]]:
    """Split [start, end) at depth `depth` into clauses, each with its figures of `family`.

    A clause holding several such figures is split again at 、 ("刑事拘留 3 人、行政拘留 42 人"),
    a figure-less 、 item joining the next ("电费、管道检测费、抢修费14.46万元").
    """
    p = reading.p
    text, level = p.text, p.depth
    cuts = "；;" if semicolons else "，,；;"
    pieces, piece_start = [], start
    for i in range(start, end + 1):
        if i == end or (text[i] in cuts and level[i] == depth and i not in p.in_figure):
            pieces.append((piece_start, i))
            piece_start = i + 1
    result = []
    for a, b in pieces:
        members = [t for t in p.tokens_in(a, b) if t.depth == depth and t.family == family and t.unit]
        if len(members) <= 1:
            result.append((a, b, members))
            continue
        sub_start = a
        for i in range(a, b + 1):
            if i == b or (text[i] == "、" and level[i] == depth):
                found = [t for t in members if sub_start <= t.start < i]
                if found or i == b:
                    result.append((sub_start, i, found))
                    sub_start = i + 1
    return result


def _semicolon_separated(reading: Reading, start: int, end: int, depth: int, family: str) -> bool:
    p = reading.p
    members = list(islice((t for t in p.tokens_from(start, end) if t.depth == depth and t.family == family and t.unit), 2))
    if len(members) < 2:
        return False
    between = range(members[0].end, members[1].start)
    return any(p.text[i] in "；;" and p.depth[i] == depth for i in between)


def _closing(reading: Reading, open_at: int) -> int | None:
    depth = 0
    for i in range(open_at, len(reading.p.text)):
        char = reading.p.text[i]
        if char in OPEN:
            depth += 1
        elif char in CLOSE:
            depth -= 1
            if depth == 0:
                return i
        elif char in SENTENCE_END:
            return None
    return None
