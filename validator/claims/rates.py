"""Rates: "formula" and "ratio" claims — figures numerator, denominator, rate.

- "formula": a rate written as a formula: "预算执行率=项目累计支出（280.00万元）/项目累计到位资金
  （782.00万元）*100%=35.81%", "A/B=R". A rate read as a formula is not read again as a ratio.
- "ratio": a rate with its two figures:
  - "执行率86.25%（845.24/980）";
  - 执行率 or 完成(年初)预算的 X% with, before it in the sentence, one spending figure (支出/支付/
    决算/使用) and a budget figure (到位, else 调整后预算/预算调整数, else 预算; one of the best
    kind): "实际到位金额 980 万元，实际支出金额 845.24 万元，预算执行率为 86.25%", "年初预算为
    2,532.20万元，支出决算为2,587.46万元，完成年初预算的102.18%";
  - a spending figure, then 为/完成/占 (年初)预算 Y 的 X%, the budget stated with its figure: "本年支出 95 万元，
    为年初预算 100 万元的 95.00%";
  - 完成率 X% after a count "完成项目 14 个", whose whole is the one earlier figure of the same unit
    in the paragraph naming the same thing: "共 18 个项目…已完成项目 14 个，完成率 77.78%".
The words are rates.* and money_words.* in rules/vocabulary.yaml.
"""

from __future__ import annotations

import re

from .figures import DIGITS
from .paragraphs import CLAUSE_END, Token, clean, label_start_of
from .reading import Reading
from .vocabulary import vocabulary

_EQUALS_AHEAD = re.compile(r"[^=＝，,；;。]*?[=＝]")
_IN_BRACKETS = re.compile(r"\s*[（(]\s*([0-9０-９.,．]+)\s*[/／]\s*([0-9０-９.,．]+)\s*[）)]")


def read_formulas(reading: Reading) -> None:
    """A=B/C(*100%)=R."""
    p = reading.p
    text = p.text
    for slash in re.finditer(r"[/／÷]", text):
        at = slash.start()
        left = max((i for i in range(p.sentences[p.sentence_of(at)][0], at)
                    if text[i] in "=＝" or (text[i] in "，,；;：:" and p.depth[i] == 0 and i not in p.in_figure)),
                   default=None)
        equals = _EQUALS_AHEAD.match(text, at + 1)
        if equals is None:
            continue
        numerators = p.tokens_in((left or 0) + (left is not None), at)
        denominators = [t for t in p.tokens_in(at + 1, equals.end()) if not _is_hundred_percent(reading, t)]
        rate_at = equals.end() + len(text[equals.end():]) - len(text[equals.end():].lstrip())
        rate = reading.token_at(rate_at)
        if len(numerators) != 1 or len(denominators) != 1 or rate is None:
            continue
        subject_start = None
        if left is not None and text[left] in "=＝":
            subject_start = label_start_of(text, left, p.sentences[p.sentence_of(left)][0])
        start = subject_start if subject_start is not None else numerators[0].start
        subject = clean(text[start:left]) if subject_start is not None else ""
        reading.used_rates.add(rate.start)
        reading.claim("formula", subject or clean(rate.label.rstrip("=＝")), start, rate.end,
                      {"numerator": numerators[0].figure, "denominator": denominators[0].figure,
                       "rate": rate.figure})


def _is_hundred_percent(reading: Reading, token: Token) -> bool:
    before = reading.p.text[max(0, token.start - 2):token.start]
    return token.is_percent and token.figure.text.replace(" ", "").startswith("100%") and bool(
        re.search(r"[×*xX]\s*$", before))


def read_ratios(reading: Reading) -> None:
    p, words = reading.p, vocabulary()
    text = p.text
    for rate in p.tokens:
        if not rate.is_percent or rate.start in reading.used_rates:
            continue
        label = words.rate_name.search(rate.label)
        if label is None:
            _read_rate_of_stated_budget(reading, rate)
            continue
        in_brackets = _IN_BRACKETS.match(text, rate.end)
        if in_brackets:
            numerator = reading.token_at(in_brackets.start(1))
            denominator = reading.token_at(in_brackets.start(2))
            if numerator and denominator:
                reading.claim("ratio", clean(label.group("rate")), rate.label_start, in_brackets.end(),
                              {"numerator": numerator.figure, "denominator": denominator.figure, "rate": rate.figure})
            continue
        before = [t for t in reading.sentence_tokens(rate.start) if t.start < rate.start]
        of_count = any(word in label.group("rate") for word in words.words.rates.of_count)
        pair = _counted(reading, before) if of_count else _spent_of_budget(reading, before, rate, label.group("rate"))
        if pair is None:
            continue
        numerator, denominator = pair
        if denominator is None:  # "支出决算6.39万元，完成预算的100.00%": the budget is in a table
            reading.claim("ratio", _spent_subject(reading, numerator), numerator.label_start, rate.end,
                          {"numerator": numerator.figure, "rate": rate.figure})
            continue
        start = min(numerator.label_start, denominator.label_start)
        subject = clean(label.group("rate")) if of_count else _ratio_subject(reading, denominator, label.group("rate"))
        reading.claim("ratio", subject, start, rate.end,
                      {"numerator": numerator.figure, "denominator": denominator.figure, "rate": rate.figure})


def _read_rate_of_stated_budget(reading: Reading, rate: Token) -> None:
    """"支出95万元，为年初预算100万元的95%": the budget figure just before 的, the one spending figure before it."""
    if rate.label.strip() != "的":
        return
    before = [t for t in reading.sentence_tokens(rate.start) if t.start < rate.start]
    if not before or not before[-1].is_amount or not vocabulary().stated_budget.match(clean(before[-1].label)):
        return
    budget = before[-1]
    spent = [t for t in before[:-1] if t.is_amount and t.depth == 0 and t.start not in reading.part_members
             and reading.money_word(t) in vocabulary().words.money_words.spent]
    if len(spent) != 1 or spent[0].family != budget.family:
        return
    reading.claim("ratio", reading.name(spent[0]), spent[0].label_start, rate.end,
                  {"numerator": spent[0].figure, "denominator": budget.figure, "rate": rate.figure})


def _spent_of_budget(reading: Reading, before: list[Token], rate: Token,
                     rate_words: str) -> tuple[Token, Token | None] | None:
    """The one spending figure and the one budget figure: the one the rate names by its period
    ("完成年初预算的" → 年初预算, even when a 全年预算 is also stated), else the one of the best rank
    (到位 before 调整后 before 预算); the spending figure alone when it is its clause's only amount and
    the sentence names no budget figure (the budget is left to a table)."""
    words = vocabulary().words
    money = words.money_words
    candidates = [t for t in before if t.is_amount and t.depth == 0 and t.start not in reading.part_members]
    spent = [t for t in candidates if reading.money_word(t) in money.spent]
    budgets = [t for t in candidates if reading.money_word(t) in money.budget]
    period = next((p for p in words.rates.budget_periods if p in rate_words), None)
    if period and any(period in t.label for t in budgets):
        budgets = [t for t in budgets if period in t.label]
    in_clause = [t for t in before if t.is_amount and t.start >= reading.clause_start(rate.start)]
    if not budgets and len(in_clause) == 1 and in_clause[0] in spent:
        return in_clause[0], None
    if len(spent) != 1 or not budgets:
        return None
    best = min(money.budget[reading.money_word(t)] for t in budgets)
    budgets = [t for t in budgets if money.budget[reading.money_word(t)] == best]
    if len(budgets) != 1 or spent[0].family != budgets[0].family:
        return None
    return spent[0], budgets[0]


def _counted(reading: Reading, before: list[Token]) -> tuple[Token, Token] | None:
    """The count done (the last amount before the rate) and the one earlier count of the same thing."""
    p = reading.p
    amounts = [t for t in before if t.is_amount and t.depth == 0]
    if not amounts:
        return None
    numerator = amounts[-1]
    noun = re.sub(r"[了为共]+$", "", clean(numerator.label))[-2:]
    candidates = [t for t in p.tokens if t.start < numerator.start and t.unit == numerator.unit and t.depth == 0]
    if noun:
        candidates = [t for t in candidates if noun in t.label + _words_after(reading, t)]
    if len(candidates) > 1:
        candidates = [t for t in candidates if vocabulary().planned_count.search(t.label)]
    return (numerator, candidates[0]) if len(candidates) == 1 else None


def _words_after(reading: Reading, token: Token) -> str:
    after = re.match(rf"[^{re.escape(CLAUSE_END)}{DIGITS}]{{0,6}}", reading.p.text[token.end:token.end + 6])
    return after.group() if after else ""


def _spent_subject(reading: Reading, spent: Token) -> str:
    """What a spending figure is of, without its spending words: "因公出国（境）费支出决算" → 因公出国（境）费."""
    name = reading.name(spent)
    return vocabulary().spent_name.sub("", name).strip() or name


def _ratio_subject(reading: Reading, denominator: Token, rate_words: str) -> str:
    """What the rate is of: the denominator's name without its budget words, else a heading sentence."""
    p = reading.p
    item = vocabulary().budget_name.sub("", clean(denominator.label))
    item = re.sub(r"^(?:该|本|此)项目", "", item).strip()
    if not item:
        index = p.sentence_of(denominator.start)
        if index > 0:
            start, end = p.sentences[index - 1]
            previous = p.text[start:end]
            if not p.tokens_in(start, end) and len(previous) <= 80 and not re.search("[，,；;]", previous):
                item = clean(re.sub(r"^\s*其中[：:]?", "", previous))
    return item or clean(rate_words)
