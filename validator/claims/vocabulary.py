"""The words claims are read by (rules/vocabulary.yaml), validated once and compiled into patterns.

The YAML is for a clerk: plain lists of words with what each list is for; this module turns them into
regular expressions. What stays in the patterns is sentence grammar, not vocabulary: the particles
为/是/了/的, dates (截至…年…月), the frame 与…相比, 占 of a share and 分 of a score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, model_validator

from ..builtin_cache import yaml_data
from ..packs import builtin_rules_dir

VOCABULARY_FILE = "vocabulary.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Units(_Strict):
    money: dict[str, Decimal | None]
    people: list[str]
    percent: list[str]
    other: list[str]
    latin: list[str]
    exact_counts: list[str]


class _Names(_Strict):
    openers: list[str]
    links: list[str]


class _Parts(_Strict):
    openers_in_brackets: list[str]
    openers_in_sentence: dict[str, Literal["colon_or_comma", "colon", "colon_required"]]
    opens_sentence_after_total: list[str]
    total_hints: list[str]
    closing_totals: list[str]
    total_names: list[str]
    not_exhaustive: list[str]


class _Changes(_Strict):
    directions: list[str]
    comparisons: list[str]
    base_name_optional: list[str]


class _Comparisons(_Strict):
    rises: list[str]
    falls: list[str]
    level: list[str]
    level_hedges: list[str]
    periods: list[str]


class _MoneyWords(_Strict):
    spent: list[str]
    budget: dict[str, int]
    neither: list[str]


class _Rates(_Strict):
    of_money: list[str]
    of_count: list[str]
    of_budget: list[str]
    of_stated_budget: list[str]
    planned_count: list[str]
    budget_periods: list[str]
    budget_names: list[str]
    spent_names: list[str]


class _Balances(_Strict):
    left_over: list[str]
    not_left_over: list[str]
    spent: list[str]
    budget_first: list[str]
    budget: list[str]


class _Grades(_Strict):
    score_words: list[str]
    score_after: list[str]
    graded_score_words: list[str]
    grade_labels: list[str]
    grades: list[str]
    scorer_words: list[str]


class VocabularyFile(_Strict):
    """rules/vocabulary.yaml as written."""

    units: _Units
    not_figures_before: list[str]
    names: _Names
    parts: _Parts
    changes: _Changes
    comparisons: _Comparisons
    money_words: _MoneyWords
    rates: _Rates
    balances: _Balances
    grades: _Grades

    @model_validator(mode="after")
    def _balance_spending_is_spending(self) -> VocabularyFile:
        # a balance's subtrahend is found by its money word, so it must be one
        unknown = set(self.balances.spent) - set(self.money_words.spent)
        if unknown:
            raise ValueError(f"balances.spent 中的 {'、'.join(sorted(unknown))} 不在 money_words.spent 中")
        return self


def either(words: list[str] | tuple[str, ...]) -> str:
    """A regex alternation of the words, longest first so "万元" is read before "万"."""
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


_OPENER_PUNCTUATION = {"colon_or_comma": r"\s*[：:，,]?", "colon": r"\s*[：:]?", "colon_required": r"\s*[：:]"}


@dataclass(frozen=True)
class Vocabulary:
    """The words as the claim readers use them: unit tables and compiled patterns."""

    words: VocabularyFile
    units: tuple[str, ...]  # every unit, longest first
    unit_family: dict[str, str]  # unit -> "money" | "people" | "percent"
    money_factors: dict[str, Decimal]  # money unit -> its worth in 万元
    exact_counts: frozenset[str]  # units of figures that are counted, not rounded
    # names
    leading: re.Pattern[str]
    # parts
    bracket_opener: re.Pattern[str]
    sentence_opener: re.Pattern[str]
    total_hint: re.Pattern[str]
    closing_total: re.Pattern[str]
    total_name: re.Pattern[str]
    change_name: re.Pattern[str]
    # changes
    direction: re.Pattern[str]
    direction_between: re.Pattern[str]
    direction_at_end: re.Pattern[str]
    comparison: re.Pattern[str]
    # comparisons
    stated_direction: re.Pattern[str]
    compared_with: re.Pattern[str]
    period: re.Pattern[str]
    # money words, rates, balances
    money_word: re.Pattern[str]
    rate_name: re.Pattern[str]
    stated_budget: re.Pattern[str]
    planned_count: re.Pattern[str]
    budget_name: re.Pattern[str]
    spent_name: re.Pattern[str]
    left_over: re.Pattern[str]
    budget_first: re.Pattern[str]
    budget: re.Pattern[str]
    # grades and scores
    graded_score: re.Pattern[str]
    bare_score: re.Pattern[str]
    scorer_words: re.Pattern[str]

    def without_trailing_links(self, label: str) -> str:
        """The label without its trailing links (为/是/共计), colons and spaces: what the regex
        `(?:links|：|:|\\s)+$` removes, in linear time (that regex is quadratic in a run of spaces).
        Walks back from the end, marking the positions from which the rest is all links."""
        links = self.words.names.links
        any_link = tuple(links)  # one test whether some link starts at i, before asking which
        longest = max(map(len, links), default=1)
        linked = [False] * len(label) + [True]  # linked[i]: label[i:] is links, colons and spaces only
        start = len(label)
        for i in range(len(label) - 1, -1, -1):
            linked[i] = ((label[i].isspace() or label[i] in "：:") and linked[i + 1]
                         or label.startswith(any_link, i)
                         and any(label.startswith(link, i) and linked[i + len(link)] for link in links))
            if linked[i]:
                start = i
            elif start - i >= longest:  # no link starting further left can reach a marked position
                break
        return label[:start]


def compile_vocabulary(words: VocabularyFile) -> Vocabulary:
    units, money, changes, grades = words.units, words.money_words, words.changes, words.grades
    family = {unit: "money" for unit in units.money}
    family.update({unit: "people" for unit in units.people})
    family.update({unit: "percent" for unit in units.percent})
    directions = either(changes.directions)
    score = r"(?P<score>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分"
    score_after = [f"(?<={re.escape(word)})得" for word in grades.score_after]
    return Vocabulary(
        words=words,
        units=tuple(sorted([*units.money, *units.people, *units.percent, *units.other], key=len, reverse=True)),
        unit_family=family,
        money_factors={unit: factor for unit, factor in units.money.items() if factor is not None},
        exact_counts=frozenset(units.exact_counts),
        leading=re.compile(rf"^(?:{either(words.names.openers)})[：:，,]?\s*|^(?:截至|截止)?\s*\d{{4}}\s*年(?:度)?"
                           r"(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*日)?(?:底|末|期末)?[，,]?\s*"),
        bracket_opener=re.compile(rf"\s*(?:{either(words.parts.openers_in_brackets)})\s*[：:，,]?\s*"),
        sentence_opener=re.compile("|".join(re.escape(word) + _OPENER_PUNCTUATION[punctuation]
                                            for word, punctuation in words.parts.openers_in_sentence.items())),
        total_hint=re.compile(either(words.parts.total_hints)),
        closing_total=re.compile(rf"^(?:{either(words.parts.closing_totals)})"),
        total_name=re.compile(rf"(?:{either(words.parts.total_names)})\s*$"),
        # "比2022年（上一年度，下同）预算增加", "比上年预算增加（减少）": how a total changed, not a part of it
        change_name=re.compile(rf"(?:{either([*changes.comparisons, '与'])})[^；;。]{{0,24}}?(?:{directions})"
                               r"(?:[（(][^）)]{0,4}[）)])?了?\s*$"),
        direction=re.compile(rf"({directions})了?\s*$"),
        direction_between=re.compile(rf"\s*[，,]?\s*({directions})了?\s*"),
        direction_at_end=re.compile(rf"({directions})$"),
        comparison=re.compile(rf"与(?P<against>[^，,；;。]{{0,10}}?)相比|{either(changes.comparisons)}"
                              rf"|与(?=[^，,；;。]{{0,10}}?(?:{directions}))"),
        # "与上年持平" "较上年有所增加" "比上年（100万元）增长": a direction that no figure follows
        stated_direction=re.compile(
            rf"(?P<hedge>{either(words.comparisons.level_hedges)})?(?:有所|了)?"
            rf"(?P<direction>{either([*words.comparisons.rises, *words.comparisons.falls, *words.comparisons.level])})"
            r"(?![率幅额值量\d０-９])"),
        compared_with=re.compile(rf"与(?P<against>[^，,；;。]{{0,10}}?)相比|同比|环比|较|(?<![占对])比(?![例重率])"
                                 r"|与(?=[^，,；;。]{0,16}?(?:" + either(
                                     [*words.comparisons.rises, *words.comparisons.falls, *words.comparisons.level])
                                 + "))"),
        period=re.compile(rf"\d{{4}}\s*年度?|{either(words.comparisons.periods)}"),
        money_word=re.compile(_money_word_pattern(money)),
        rate_name=re.compile(
            "(?P<rate>(?:" + "|".join(f"[\u4e00-\u9fff]{{0,4}}{re.escape(word)}"
                                      for word in [*words.rates.of_money, *words.rates.of_count])
            + f"|{either(words.rates.of_budget)}))" + r"的?\s*(?:为|达到了?|达|是|：|:)?$"),
        stated_budget=re.compile(rf"^(?:{either(words.rates.of_stated_budget)})\s*"
                                 rf"(?:{either(words.rates.budget_periods)})?(?:{either(words.rates.budget_names)})\s*$"),
        planned_count=re.compile(either(words.rates.planned_count)),
        budget_name=re.compile(rf"(?:的)?(?:{either(words.rates.budget_periods)})?"
                               rf"(?:{either(words.rates.budget_names)})$"),
        spent_name=re.compile(rf"(?:{either(words.rates.spent_names)})$"),
        left_over=re.compile(either(words.balances.left_over)),
        budget_first=re.compile(either(words.balances.budget_first)),
        budget=re.compile(either(words.balances.budget)),
        graded_score=re.compile(
            rf"(?:{either([*grades.score_words, *grades.graded_score_words])}|{'|'.join(score_after)})"
            rf"\s*(?:为|是|：|:)?\s*{score}\s*[，,。；;]?\s*[^，,。；;“”\"<>]{{0,20}}?"
            rf"(?:{either(grades.grade_labels)})\s*(?:属于|为|是|：|:)?\s*"
            rf"[“\"「]?\s*(?P<grade>{either(grades.grades)})\s*[”\"」]?"),
        bare_score=re.compile(rf"(?:{either(grades.score_words)}|{'|'.join(score_after)})\s*(?:为|是|：|:)?\s*{score}"),
        scorer_words=re.compile("".join(f"(?:{re.escape(word)})?" for word in grades.scorer_words) + "$"),
    )


def _money_word_pattern(money: _MoneyWords) -> str:
    """Every money word, longest first. A word naming neither yields where its end begins a word that
    names something: 预算调整后 is read 预算 + 调整后, so 预算调整 is not taken before 后."""
    naming = [*money.spent, *money.budget]
    alternatives = []
    for word in sorted([*naming, *money.neither], key=len, reverse=True):
        rests = _continuations(word, naming) if word in money.neither else []
        alternatives.append(re.escape(word) + (f"(?!{either(rests)})" if rests else ""))
    return "|".join(alternatives)


def _continuations(word: str, others: list[str]) -> list[str]:
    """What follows the end of `word` where its end begins one of `others`: 预算调整 + 后 (调整后)."""
    return sorted({other[len(word) - cut:] for cut in range(1, len(word)) for other in others
                   if other.startswith(word[cut:]) and len(other) > len(word) - cut})


@cache
def vocabulary() -> Vocabulary:
    """The built-in vocabulary, read and compiled once."""
    text = builtin_rules_dir().joinpath(VOCABULARY_FILE).read_text(encoding="utf-8")
    return compile_vocabulary(VocabularyFile.model_validate(yaml_data(f"rules/{VOCABULARY_FILE}", text)))
