"""Balances: budget − spending = balance, stated in one sentence — figures minuend (调整后预算/预算调整数,
else the nearest 预算/共计/总额/到位/批复/资金 figure), subtrahend (支出/支付/使用), difference
(结余/结存/余额/剩余, not 年初结转结余): "预算调整数1,470.93万元，总支出1,294.61万元，年末预算结余
176.32万元", "共计35万元，已支出11.67万元，结余23.33万元". The words are balances.* in
rules/vocabulary.yaml.
"""

from __future__ import annotations

from .reading import Reading
from .vocabulary import vocabulary


def read_balances(reading: Reading) -> None:
    p, words = reading.p, vocabulary()
    listed = words.words.balances
    for sentence_start, sentence_end in p.sentences:
        tokens = [t for t in p.tokens_in(sentence_start, sentence_end) if t.is_amount and t.depth == 0]
        for k, difference in enumerate(tokens):
            if not words.left_over.search(difference.label) or any(
                    word in difference.label for word in listed.not_left_over):
                continue
            spent = [t for t in tokens[:k] if reading.money_word(t) in listed.spent]
            if not spent:
                continue
            subtrahend = spent[-1]
            earlier = [t for t in tokens if t.start < subtrahend.start and not words.left_over.search(t.label)]
            preferred = [t for t in earlier if words.budget_first.search(t.label)]
            usual = [t for t in earlier if words.budget.search(t.label)]
            minuend = (preferred or usual or [None])[-1]
            if minuend is None or len({minuend.family, subtrahend.family, difference.family}) != 1:
                continue
            subject = reading.name(difference)
            reading.claim("balance", subject if len(subject) > 2 else reading.name(minuend), minuend.label_start,
                          difference.end, {"minuend": minuend.figure, "subtrahend": subtrahend.figure,
                                           "difference": difference.figure})
