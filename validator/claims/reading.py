"""A claim, and what the readers of the claim kinds share while reading one paragraph.

Each kind is read by its own module (parts, rates, changes, shares, grades, balances) from a
`Reading`: the paragraph, the claims found so far and what earlier kinds have taken (the members of
a parts list are not spending figures; a rate read as a formula is not read again as a ratio).
`Claim.source` is the line's source with `column` at the claim's first character; `span` is
[start, end) in that line's text (`end` may pass the end of the line when the claim goes on).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..claim_kinds import CLAIM_KINDS
from ..model import Source
from .figures import Figure, at_column
from .paragraphs import Paragraph, Token, clean, label_start_of
from .vocabulary import vocabulary

KINDS = tuple(CLAIM_KINDS)  # in the order claims of one place are listed
_NAME_END = "，,；;。！？!?：:<>\t"  # a subject may hold 、: "收、支总计"


@dataclass(slots=True)
class Claim:
    kind: str  # one of KINDS
    subject: str  # what is claimed: "项目总投资估算", "预算执行率", "一般公共服务支出"
    text: str
    source: Source
    span: tuple[int, int]
    figures: dict[str, Figure | tuple[Figure, ...]]
    words: dict[str, str] = field(default_factory=dict)


class Reading:
    """One paragraph being read: its claims so far and what the kinds read first have taken."""

    def __init__(self, paragraph: Paragraph) -> None:
        self.p = paragraph
        self.found: list[tuple[int, Claim]] = []
        self.part_members: set[int] = set()  # token starts listed as parts
        self.part_lists: list[tuple[int, int, Token, tuple[Token, ...]]] = []  # (list start, end, total, parts)
        self.used_rates: set[int] = set()  # rate tokens read as a formula

    def claims(self) -> list[Claim]:
        """The claims found, in reading order (by start, then by kind)."""
        return [claim for _, claim in sorted(self.found, key=lambda item: (item[0], KINDS.index(item[1].kind)))]

    def claim(self, kind: str, subject: str, start: int, end: int,
              figures: dict[str, Figure | tuple[Figure, ...]], words: dict[str, str] | None = None) -> None:
        """Record a claim spanning paragraph offsets [start, end)."""
        line, at = self.p.locate(start)
        self.found.append((start, Claim(kind, subject, self.p.text[start:end], at_column(line, at),
                                        (at, at + end - start), figures, words or {})))

    def name(self, token: Token) -> str:
        """The subject a figure is stated for: its label, read across 、 ("收、支总计均为" → "收、支总计")."""
        return clean(self.p.text[label_start_of(self.p.text, token.start, token.floor, _NAME_END):token.start])

    def sentence_tokens(self, offset: int) -> list[Token]:
        start, end = self.p.sentences[self.p.sentence_of(offset)]
        return self.p.tokens_in(start, end)

    def clause_start(self, offset: int) -> int:
        """Where the clause holding `offset` begins: after the last "；" of its sentence at its depth."""
        p = self.p
        start = p.sentences[p.sentence_of(offset)][0]
        return max([start] + [i + 1 for i in range(start, offset) if p.text[i] in "；;" and p.depth[i] == p.depth[offset]])

    def token_at(self, offset: int) -> Token | None:
        return next((t for t in self.p.tokens_from(offset, offset + 1)), None)

    def lone_amount_before(self, offset: int) -> Token | None:
        """The one amount of the sentence before the one at `offset`, if it states exactly one."""
        index = self.p.sentence_of(offset)
        if index == 0:
            return None
        amounts = [t for t in self.p.tokens_in(*self.p.sentences[index - 1]) if t.is_amount and t.depth == 0]
        return amounts[0] if len(amounts) == 1 else None

    def money_word(self, token: Token) -> str | None:
        """The last word of its label saying what kind of money a figure is (支出, 预算, 到位…)."""
        words = vocabulary().money_word.findall(token.label)
        return words[-1] if words else None
