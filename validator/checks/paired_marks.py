"""`kind: paired_marks`: a quotation mark or bracket opened in a paragraph and never closed there, or
closed without being opened.

Judged per paragraph, the lines joined as the claims join them (a table row printed as text is no
paragraph). A quotation running over a sentence end at a line end, or over whole paragraphs, splits
into several: a mark left open in one and closed in one of the next few (a page number between them
included) is one pair, not two problems. A family of marks the document never prints both halves of (a text layer that maps both
quotation marks to one glyph) is not judged. Full- and half-width brackets pair with each other
(“（300米深)” is balanced), and a list number's closing bracket ("1）", "a)") opens nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Literal

from ..claims.figures import at_column
from ..claims.paragraphs import Paragraph, joined
from ..findings import Finding, Location
from .common import CheckKind, RuleRun, Strict

# family name -> (opening marks, closing marks)
FAMILIES = {"引号": ("“", "”"), "单引号": ("‘", "’"), "括号": ("（(", "）)"), "书名号": ("《", "》"),
            "方括号": ("【[", "】]")}
# "1）", "a)", "十)" opening an item: a closing bracket that closes nothing
_LIST_NUMBER = re.compile(r"(?:^|(?<=[。；;：:，,]))[0-9A-Za-z一二三四五六七八九十]{1,2}[)）]")
# mark -> (its family, whether it opens); a paragraph is walked from mark to mark, not character by character
_MARK_FAMILY = {mark: (name, mark in openings) for name, (openings, closings) in FAMILIES.items()
                for mark in openings + closings}
_ANY_MARK = re.compile(f"[{re.escape(''.join(_MARK_FAMILY))}]")
_REACH = 3  # paragraphs a quotation may run over
_SNIPPET = 12  # characters of text after the mark that the finding quotes


class PairedMarksCheck(Strict):
    kind: Literal["paired_marks"]


def evaluate(check: PairedMarksCheck, run: RuleRun) -> Iterator[Finding]:
    printed = "".join(line.text for line in run.document.text)
    families = {name: marks for name, marks in FAMILIES.items()
                if any(m in printed for m in marks[0]) and any(m in printed for m in marks[1])}
    found = [p for p in joined(run.document.text) if "\t" not in p.pieces[0][1].text]
    texts = [p.text for p in found]
    unpaired = [_unpaired(text, families) for text in texts]
    for index, (paragraph, marks) in enumerate(zip(found, unpaired, strict=True)):
        run.outcome.evaluated += 1
        for offset, name, opening in marks:
            if _paired_across(texts, unpaired, index, name, opening):
                continue
            yield _finding(run, paragraph, offset, name, opening)
    if run.outcome.evaluated == 0:
        run.outcome.skip("文件中没有文字说明")


def _unpaired(text: str, families: dict[str, tuple[str, str]]) -> list[tuple[int, str, bool]]:
    """(offset, family, is_opening) of every mark left unpaired in the text: one walk over its marks, a
    stack of open marks per family."""
    # a list number ends in a closing bracket: a text without one has none
    skipped = {m.end() - 1 for m in _LIST_NUMBER.finditer(text)} if ")" in text or "）" in text else set()
    open_at: dict[str, list[int]] = {name: [] for name in families}
    left: list[tuple[int, str, bool]] = []
    for mark in _ANY_MARK.finditer(text):
        name, opening = _MARK_FAMILY[mark.group()]
        stack = open_at.get(name)
        if stack is None:  # a family the document never prints both halves of
            continue
        offset = mark.start()
        if opening:
            stack.append(offset)
        elif offset not in skipped:
            if stack:
                stack.pop()
            else:
                left.append((offset, name, False))
    for name, stack in open_at.items():
        left += [(offset, name, True) for offset in stack]
    return sorted(left)


def _paired_across(texts: list[str], unpaired: list[list[tuple[int, str, bool]]], index: int, name: str,
                   opening: bool) -> bool:
    """A mark left open closed in a later paragraph, or a closing one opened in an earlier: the nearest
    paragraph (at most a few away) with an unpaired mark of its family decides; a quotation may run
    over whole paragraphs, and a page number ("- 16 -") is none."""
    step = 1 if opening else -1
    for other in range(index + step, index + step * (_REACH + 1), step):
        if not 0 <= other < len(texts):
            return False
        marks = [is_opening for _, family, is_opening in unpaired[other] if family == name]
        if marks:
            return marks[0 if opening else -1] != opening
    return False


def _finding(run: RuleRun, paragraph: Paragraph, offset: int, name: str, opening: bool) -> Finding:
    text = paragraph.text
    snippet = text[offset:offset + _SNIPPET] if opening else text[max(0, offset - _SNIPPET + 1):offset + 1]
    mark = text[offset]
    location = Location(value=snippet.strip(), source=at_column(*paragraph.locate(offset)))
    missing = "后面没有对应的后" if opening else "前面没有对应的前"
    return run.finding([location], text=snippet.strip(), reason=f"{name}“{mark}”{missing}{name}")


KIND = CheckKind(PairedMarksCheck, evaluate)
