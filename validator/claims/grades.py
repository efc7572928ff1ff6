"""Grades and scores: a score with its grade ("grade"), or a stated score with no grade ("score").

- "grade": figure score; words grade as written (优/良/中/差, 优秀, 良好…): "绩效评价得分 80.06 分，绩效
  等级为“良”", "综合得分92分，评价结果为优", "得分89.51分。评级为“良”". The score follows 得分/评分/
  评分结果/综合得; band definitions ("80（含）-90分为良") are not claims.
- "score": figure score; the subject names what was scored: "1.信访协调联络中心工作经费（劳务费）
  自评得分98.75分". A score read with its grade is not read again.
The words are grades.* in rules/vocabulary.yaml.
"""

from __future__ import annotations

from .paragraphs import clean, ordinal_end, label_start_of
from .reading import Reading
from .vocabulary import vocabulary


def read_grades_and_scores(reading: Reading) -> None:
    text, words = reading.p.text, vocabulary()
    graded: set[int] = set()
    for match in words.graded_score.finditer(text):
        score = reading.token_at(match.start("score"))
        if score is None:
            continue
        start = _subject_start(reading, match.start())
        graded.add(score.start)
        reading.claim("grade", clean(text[start:match.start("score")]), start, match.end(),
                      {"score": score.figure}, {"grade": match.group("grade")})
    for match in words.bare_score.finditer(text):
        score = reading.token_at(match.start("score"))
        if score is None or score.start in graded:
            continue
        start = _subject_start(reading, match.start())
        subject = words.scorer_words.sub("", clean(text[start:match.start()]))
        if subject:  # a score of nothing named cannot be compared with anything
            reading.claim("score", subject, start, score.end, {"score": score.figure})


def _subject_start(reading: Reading, offset: int) -> int:
    """Where the name of what was scored begins: after the clause boundary and any list ordinal."""
    text = reading.p.text
    start = label_start_of(text, offset, 0, "，,；;。！？!?<>\t")
    ordinal = ordinal_end(text, start, offset)
    return ordinal if ordinal is not None else start + len(text[start:offset]) - len(text[start:offset].lstrip())
