"""Shares: "占X%" / "占<whole>的X%" — figures part (the nearest amount before it), rate, and whole when
stated: the named whole in the paragraph, or the total of the parts list the share sits in; words
whole names an unstated whole ("占本年支出合计的83.78%").

Share sums: when every part of a parts list states its share of the list's total ("其中：基本支出
1,200万元，占60.00%；项目支出800万元，占40.00%"), the shares together are one whole — figures
shares (a tuple). Not read when the sentence says the list may be incomplete (parts.not_exhaustive:
"主要用于", "……等") or when a part states a share of another whole.
"""

from __future__ import annotations

import re

from .paragraphs import Token, clean
from .reading import Reading
from .vocabulary import vocabulary

_SHARE = re.compile(r"占(?:比)?(?:达到了?|达|为|了|仅)?(?P<whole>[^，,；;。：:%、]{0,25}?)\s*$")


def read_shares(reading: Reading) -> None:
    p = reading.p
    text = p.text
    shares_of_lists: dict[int, list[tuple[Token, Token | None]]] = {}  # list index -> (part, its share of the total)
    for rate in p.tokens:
        if not rate.is_percent:
            continue
        share = _SHARE.search(text, max(rate.label_start - 1, 0), rate.start)
        if share is None:
            continue
        whole_words = re.sub(r"的\s*$", "", share.group("whole")).strip()
        parts = [t for t in p.tokens_in(reading.clause_start(rate.start), rate.start)
                 if t.is_amount and t.depth == rate.depth]
        if not parts:
            continue
        part = parts[-1]
        whole = None
        if whole_words:
            whole = next((t for t in reversed(p.tokens_in(0, rate.start))
                          if t is not part and t.is_amount and t.family == part.family
                          and clean(t.label).endswith(whole_words)), None)
        for index, (start, end, total, _) in enumerate(reading.part_lists):
            if start <= rate.start < end and total.family == part.family:
                shares_of_lists.setdefault(index, []).append((part, None if whole_words else rate))  # None: another whole
                whole = whole if whole_words else total
                break
        figures = {"part": part.figure, "rate": rate.figure}
        if whole is not None:
            figures["whole"] = whole.figure
        reading.claim("share", reading.name(part), part.label_start, rate.end, figures,
                      {"whole": whole_words} if whole_words else {})
    _read_share_sums(reading, shares_of_lists)


def _read_share_sums(reading: Reading, shares_of_lists: dict[int, list[tuple[Token, Token | None]]]) -> None:
    """One share_sum per parts list whose every part, and nothing else, states its share of the total."""
    p = reading.p
    for index, shares in shares_of_lists.items():
        _, end, total, parts = reading.part_lists[index]
        sentence = p.text[p.sentences[p.sentence_of(total.start)][0]:p.sentences[p.sentence_of(end - 1)][1]]
        if ([part.start for part, _ in shares] != [part.start for part in parts]
                or any(rate is None for _, rate in shares)
                or any(word in sentence for word in vocabulary().words.parts.not_exhaustive)):
            continue
        reading.claim("share_sum", reading.name(total), shares[0][0].label_start, shares[-1][1].end,
                      {"shares": tuple(rate.figure for _, rate in shares)})
