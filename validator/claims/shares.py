"""Shares: "占X%" / "占<whole>的X%" — figures part (the nearest amount before it), rate, and whole when
stated: the named whole in the paragraph, or the total of the parts list the share sits in; words
whole names an unstated whole ("占本年支出合计的83.78%").
"""

from __future__ import annotations

import re

from .paragraphs import clean
from .reading import Reading

_SHARE = re.compile(r"占(?:比)?(?:达到了?|达|为|了|仅)?(?P<whole>[^，,；;。：:%、]{0,25}?)\s*$")


def read_shares(reading: Reading) -> None:
    p = reading.p
    text = p.text
    for rate in p.tokens:
        if not rate.is_percent:
            continue
        share = _SHARE.search(text, max(rate.label_start - 1, 0), rate.start)
        if share is None:
            continue
        whole_words = re.sub(r"的\s*$", "", share.group("whole")).strip()
        sentence_start = p.sentences[p.sentence_of(rate.start)][0]
        clause_start = max([sentence_start] + [i + 1 for i in range(sentence_start, rate.start)
                                               if text[i] in "；;" and p.depth[i] == p.depth[rate.start]])
        parts = [t for t in p.tokens_in(clause_start, rate.start) if t.is_amount and t.depth == rate.depth]
        if not parts:
            continue
        part = parts[-1]
        whole = None
        if whole_words:
            whole = next((t for t in reversed(p.tokens_in(0, rate.start))
                          if t is not part and t.is_amount and t.family == part.family
                          and clean(t.label).endswith(whole_words)), None)
        else:
            whole = next((total for start, end, total in reading.part_lists if start <= rate.start < end
                          and total.family == part.family), None)
        figures = {"part": part.figure, "rate": rate.figure}
        if whole is not None:
            figures["whole"] = whole.figure
        reading.claim("share", reading.name(part), part.label_start, rate.end, figures,
                      {"whole": whole_words} if whole_words else {})
