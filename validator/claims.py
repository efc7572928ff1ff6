"""Arithmetic stated in prose: what a sentence claims, structured for the rules to check.

`extract_claims(lines)` reads narrative lines (a `Document.text`, or the text cells of a table such
as a 评价项目明细表 row) and returns every claim it can read without guessing. It never judges a
claim: the YAML rules decide what is checked. A sentence it cannot interpret is skipped.

How the text is read
- A line that does not end a sentence (。！？) and is long (a wrapped line of a PDF extraction) or
  ends with ，、：；（ is joined with the next line, so "决算收入为 82919.95 万元，其中：一般公共" +
  "预算财政拨款收入 32639.75 万元" is one sentence. Short lines ("概况", "题") are headings and are
  never joined. A line holding tabs is a table row: each cell is read on its own. HTML tags
  (<p>) and 。！？ end sentences; ，；、 do not.
- A figure is a number with its unit: "912.87万元", "35.81%", "91 人次", "2600亩". Units are kept
  as written (万元, 元 and 亿元 stay distinct; "21.78 万" has the unit 万). Not figures: dates and
  document numbers (2023年, 6 月, 30 日, 〔2020〕10号, 第13次, 2010-2018年度, 2.6.17 or 2022.12.31
  with two dots), list ordinals (1. 1、 （1）), ranges (110-400mm, 0-6岁), numbers glued to Latin
  letters (PM2.5, UPS1, 1F), and unit-less integers of seven digits or more (telephone numbers,
  codes). Malformed numbers ("5,00.00万元") are figures whose `parsed` is `Garbled`.

Claims (kind: figure roles; words)
- "parts": a total and all its parts — total, parts (tuple). Read in three forms, each needing two
  parts or more, one figure per part, all in the unit family of the total (money 元/万元/亿元;
  people 人/人次/名; any other unit only with itself):
  - brackets after the total: "总投资估算912.87万元（其中：工程建设费用805.49万元，工程建设其他费用
    63.91万元，预备费43.47万元）", "(包括基本支出 77.80 万元,项目支出 320 万元)"; without 其中/包括/
    含/分别为 only when the total says 共/合计/总: "共依法打击 91 人次（刑事拘留 3 人、行政拘留 42 人、
    批评教育 46 人）";
  - after 其中/包括/分别为/以下方面 in the sentence of the total (or the sentence before, when 其中
    starts a sentence and that sentence states one amount): "决算收入为 82919.95 万元，其中：…，
    年初结转结余 25.69 万元"; the list runs to the end of the sentence, to the first ； when its
    parts are separated by ，、, or part by part when they are separated by ；, and stops at the
    first clause without a figure of the family ("…，涉及10个乡镇");
  - parts followed by 总计/合计/共计 and the total: "中央资金32.29万元，…，共计支付资金110.6万元".
  A single part ("其中：一般公共预算收入1,294.61万元") is a subset, not a parts claim.
- "formula": a rate written as a formula — numerator, denominator, rate:
  "预算执行率=项目累计支出（280.00万元）/项目累计到位资金（782.00万元）*100%=35.81%", "A/B=R".
- "ratio": a rate with its two figures — numerator, denominator, rate:
  - "执行率86.25%（845.24/980）";
  - 执行率 or 完成(年初)预算的 X% with, before it in the sentence, one spending figure (支出/支付/
    决算/使用) and a budget figure (到位, else 调整后预算/预算调整数, else 预算; one of the best
    kind): "实际到位金额 980 万元，实际支出金额 845.24 万元，预算执行率为 86.25%", "年初预算为
    2,532.20万元，支出决算为2,587.46万元，完成年初预算的102.18%";
  - 完成率 X% after a count "完成项目 14 个", whose whole is the one earlier figure of the same
    unit in the paragraph naming the same thing: "共 18 个项目…已完成项目 14 个，完成率 77.78%".
- "change": growth or decline against a base, anchored by 较/比/同比/相比/与…相比 —
  base, current, change, rate (those stated); words direction (增长/增加/下降/减少/降低/提高/上升)
  and against (what it is compared with: "2021年", "上年度", "年初预算"):
  "决算数为 116.28 万元，较2021年 93.61万元增长24.22%", "收、支总计均为3,088.57万元。与上年度
  相比，收、支总计各减少5,571.48万元，下降64.34%". The current amount is the last one before the
  comparison (or the one amount of the sentence before, when the comparison opens the sentence).
  Percentages of percentages ("比例为 44.50%，较 2021 年下降了 22.01%") are not read: points or
  per cent cannot be told apart.
- "share": "占X%" / "占<whole>的X%" — part (the nearest amount before it), rate, whole when
  stated: the named whole in the paragraph, or the total of the parts list the share sits in;
  words whole names an unstated whole ("占本年支出合计的83.78%").
- "grade": a score with its grade — score; words grade as written (优/良/中/差, 优秀, 良好…):
  "绩效评价得分 80.06 分，绩效等级为“良”", "综合得分92分，评价结果为优", "得分89.51分。评级为
  “良”". The score follows 得分/评分/评分结果/综合得; band definitions ("80（含）-90分为良") are
  not claims.
- "score": a stated score with no grade — score; the subject names what was scored:
  "1.信访协调联络中心工作经费（劳务费）自评得分98.75分".
- "balance": budget − spending = balance, stated in one sentence — minuend (调整后预算/预算调整数,
  else the nearest 预算/共计/总额/到位/批复/资金 figure), subtrahend (支出/支付/使用), difference
  (结余/结存/余额/剩余, not 年初结转结余): "预算调整数1,470.93万元，总支出1,294.61万元，年末预算结余
  176.32万元", "共计35万元，已支出11.67万元，结余23.33万元".

Locations: `Figure.source` and `Claim.source` are the line's source with `column` at the first
character; `span` is [start, end) in that line's text. A figure or claim continued on the next
line(s) keeps counting as if the lines were one (`end` may pass the end of its first line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from .model import Source, TextLine
from .numbers import Parsed, parse_number

KINDS = ("parts", "formula", "ratio", "change", "share", "grade", "score", "balance")


@dataclass(frozen=True, slots=True)
class Figure:
    text: str  # as written: "912.87万元", "35.81%", "3人"
    parsed: Parsed  # the number alone, through numbers.parse_number: Amount, or Garbled for "5,00.00"
    unit: str  # "万元" "元" "亿元" "%" "人" "人次" "项" "个" "分" … ("" if none)
    source: Source  # column = 1-based column of the first character
    span: tuple[int, int]  # [start, end) in the line's text


@dataclass(slots=True)
class Claim:
    kind: str  # one of KINDS
    subject: str  # what is claimed: "项目总投资估算", "预算执行率", "一般公共服务支出"
    text: str
    source: Source
    span: tuple[int, int]
    figures: dict[str, Figure | tuple[Figure, ...]]
    words: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# Figures

_DIGITS = "0-9０-９"
_NUMBER = re.compile(rf"(?<![{_DIGITS}.．,])[{_DIGITS}]+(?:[.．,][{_DIGITS}]+)*")
# Longest first; Latin units must end the Latin word.
_UNITS = ("万人次 万人 万吨 万亩 万元 亿元 千元 个百分点 平方公里 平方米 立方米 人次 组次 个月 小时 公里 千米 "
          "元 万 亿 % ％ ㎡ 人 名 位 次 项 个 分 户 家 所 座 场 件 起 辆 台 套 亩 吨 头 张 份 篇 批 处 栋 眼 组 天 周 "
          "米 块 条 间 本 册 门 岁").split()
_LATIN_UNITS = {"km", "m", "mm", "cm", "ml", "kg", "t", "KV", "kV", "kv", "kW", "kw", "MW", "GB", "MB"}
_NOT_A_FIGURE_AFTER = "年月日号时"
_RANGE = "-—–~～"
_UNIT_FAMILY = {"万元": "money", "元": "money", "亿元": "money", "千元": "money", "万": "money", "亿": "money",
                "人": "people", "人次": "people", "名": "people", "%": "percent", "％": "percent"}
_ORDINAL_BEFORE = "。；;：:>）)"
LONG_CODE_DIGITS = 7  # a unit-less integer this long is a telephone number or a code, not an amount


@dataclass(slots=True)
class _Token:
    """A figure found in a paragraph, with its place and the words naming it."""

    figure: Figure
    start: int  # paragraph offsets of the figure's text
    end: int
    label: str  # the words before it, back to the clause boundary
    label_start: int
    depth: int  # bracket depth inside its sentence
    floor: int  # where its words may begin at the earliest: the previous figure's end or the sentence start

    @property
    def unit(self) -> str:
        return self.figure.unit

    @property
    def family(self) -> str:
        return _UNIT_FAMILY.get(self.unit, self.unit)

    @property
    def is_amount(self) -> bool:
        """A quantity with a unit that is not a percentage: what totals, parts and bases are."""
        return bool(self.unit) and self.family != "percent"

    @property
    def is_percent(self) -> bool:
        return self.family == "percent"


def _unit_after(text: str, end: int) -> tuple[str, int] | None:
    """The unit written after a number ending at `end` (spaces allowed): (unit, end of unit).

    ("", end) when none; None when the number is glued to Latin letters that are not a unit (1F, 5G).
    """
    i = end
    while i < len(text) and text[i] == " ":
        i += 1
    latin = re.match(r"[A-Za-z]+", text[i:])
    if latin:
        if i == end and latin.group() in _LATIN_UNITS:
            return latin.group(), i + latin.end()
        return None if i == end else ("", end)
    for unit in _UNITS:
        if text.startswith(unit, i):
            return unit, i + len(unit)
    return "", end


def _is_figure(text: str, start: int, end: int, unit: str) -> bool:
    """False for the numbers prose is full of that are not quantities: dates, codes, ordinals, ranges."""
    number = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    next_char = text[end:].lstrip(" ")[:1]
    if number.count(".") + number.count("．") > 1:
        return False  # 2022.12.31, 6.16.17 (groups 6, 16, 17)
    if before and (re.match(r"[A-Za-z]", before) or before in "〔[【"):
        return False  # PM2.5, O3; 〔2020〕
    if text[:start].rstrip(" ").endswith("第"):
        return False
    if next_char and next_char in _NOT_A_FIGURE_AFTER:
        return False
    if before and before in _RANGE and start >= 2 and text[start - 2].isdigit():
        return False
    if after and after in _RANGE and end + 1 < len(text) and text[end + 1].isdigit():
        return False
    if not unit and after and after in ".．":
        return False  # "1." ordinal (decimals are already part of the number)
    if not unit and after == "、" and (start == 0 or before in _ORDINAL_BEFORE or before.isspace()):
        return False  # "1、" at the start of a clause
    if before and after and before in "（(" and after in "）)":
        return False  # "（1）"
    digits = re.sub(r"\D", "", number)
    return unit != "" or "." in number or "．" in number or (len(digits) < LONG_CODE_DIGITS and not (
        len(digits) > 1 and digits.startswith("0")))


def _scan(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end of figure text, unit) of every figure in `text`."""
    for match in _NUMBER.finditer(text):
        found = _unit_after(text, match.end())
        if found is None:
            continue
        unit, end = found
        if _is_figure(text, match.start(), match.end(), unit):
            yield match.start(), (end if unit else match.end()), unit


def _figure(text: str, start: int, end: int, unit: str, line: TextLine, at: int) -> Figure:
    number_end = start + len(_NUMBER.match(text, start).group())
    number = text[start:number_end] + ("%" if _UNIT_FAMILY.get(unit) == "percent" else "")
    return Figure(text=text[start:end], parsed=parse_number(number), unit="%" if unit == "％" else unit,
                  source=_at(line, at), span=(at, at + end - start))


def _at(line: TextLine, offset: int) -> Source:
    return replace(line.source, column=(line.source.column or 1) + offset)


def figures_in(line: TextLine) -> list[Figure]:
    """Every figure (number with its unit) in one line, as written; malformed ones parse as Garbled."""
    return [_figure(line.text, start, end, unit, line, start) for start, end, unit in _scan(line.text)]


# ---------------------------------------------------------------------------------------------
# Paragraphs and sentences

SENTENCE_END = "。！？!?"
WRAPPED_LINE = 20  # characters: a line at least this long that stops mid-sentence was wrapped
JOINED_GAP = 2  # lines apart (one blank line between) that may still be one paragraph
_CONTINUES = "，、：；（(“,:;"
_CLAUSE_END = "，,；;。！？!?：:、\t<>"
_NAME_END = "，,；;。！？!?：:<>\t"  # a subject may hold 、: "收、支总计"
_OPEN, _CLOSE = "（(", "）)"


@dataclass(slots=True)
class _Paragraph:
    text: str
    pieces: list[tuple[int, TextLine, int]]  # (paragraph offset, line, offset in the line)
    tokens: list[_Token] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)  # bracket depth at each character
    sentences: list[tuple[int, int]] = field(default_factory=list)
    in_figure: set[int] = field(default_factory=set)  # offsets inside a figure ("1,328.95": not a clause comma)

    def locate(self, offset: int) -> tuple[TextLine, int]:
        for start, line, at in reversed(self.pieces):
            if start <= offset:
                return line, at + offset - start
        raise ValueError(offset)

    def sentence_of(self, offset: int) -> int:
        for index, (start, end) in enumerate(self.sentences):
            if start <= offset < end:
                return index
        return len(self.sentences) - 1

    def tokens_in(self, start: int, end: int) -> list[_Token]:
        return [t for t in self.tokens if start <= t.start < end]


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|第[一二三四五六七八九十]+部分)[^，,。；;]*$")


def _continues(previous: TextLine, line: TextLine) -> bool:
    text = previous.text.rstrip()
    if not text or text[-1] in SENTENCE_END or _HEADING.match(text):
        return False
    if previous.source.line is not None and line.source.line is not None:
        if not 0 < line.source.line - previous.source.line <= JOINED_GAP:
            return False
    return len(text) >= WRAPPED_LINE or text[-1] in _CONTINUES


def _paragraphs(lines: Iterable[TextLine]) -> Iterator[_Paragraph]:
    current: _Paragraph | None = None
    previous: TextLine | None = None
    for line in lines:
        if "\t" in line.text:
            if current:
                yield current
            current, previous = None, None
            at = 0
            for cell in line.text.split("\t"):
                if cell.strip():
                    yield _Paragraph(cell, [(0, line, at)])
                at += len(cell) + 1
            continue
        if current and previous and _continues(previous, line):
            current.pieces.append((len(current.text), line, 0))
            current.text += line.text
        else:
            if current:
                yield current
            current = _Paragraph(line.text, [(0, line, 0)])
        previous = line
    if current:
        yield current


def _prepare(paragraph: _Paragraph) -> _Paragraph:
    text = paragraph.text
    start = 0
    for match in re.finditer(rf"[{SENTENCE_END}]|<[^>]*>", text):
        if match.start() > start:
            paragraph.sentences.append((start, match.start()))
        start = match.end()
    if start < len(text):
        paragraph.sentences.append((start, len(text)))
    if not paragraph.sentences:
        paragraph.sentences.append((0, len(text)))
    depth, level = [], 0
    ends = {end for _, end in paragraph.sentences}
    for i, char in enumerate(text):
        if i in ends:
            level = 0
        if char in _CLOSE:
            level = max(0, level - 1)
        depth.append(level)
        if char in _OPEN:
            level += 1
    paragraph.depth = depth
    previous_end = 0
    for start, end, unit in _scan(text):
        line, at = paragraph.locate(start)
        figure = _figure(text, start, end, unit, line, at)
        floor = max(previous_end, paragraph.sentences[paragraph.sentence_of(start)][0])
        label_start = _label_start(text, start, floor)
        paragraph.tokens.append(_Token(figure, start, end, text[label_start:start].strip(), label_start, depth[start],
                                       floor))
        paragraph.in_figure.update(range(start, end))
        previous_end = end
    return paragraph


def _label_start(text: str, start: int, floor: int, boundaries: str = _CLAUSE_END) -> int:
    """Where the words naming the thing at `start` begin: back to a clause boundary outside brackets."""
    depth = 0
    i = start - 1
    while i >= floor:
        char = text[i]
        if char in _CLOSE:
            depth += 1
        elif char in _OPEN:
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and char in boundaries:
            break
        i -= 1
    return i + 1


_ORDINAL = re.compile(r"(?:^|(?<=[^0-9A-Za-z.．]))\d{1,2}\s*[.．、]\s*(?![0-9])")
_LEADING = re.compile(r"^(?:其中|包括|共计|合计|总计)[：:，,]?\s*|^(?:截至|截止)?\s*\d{4}\s*年(?:度)?(?:\s*\d{1,2}\s*月)?"
                      r"(?:\s*\d{1,2}\s*日)?(?:底|末|期末)?[，,]?\s*")
_TRAILING = re.compile(r"(?:均为|为|是|达到了?|达|共计|共|约|了|的|各|：|:|\s)+$")


def _clean(label: str) -> str:
    """The naming words of a label: without list ordinals, leading dates and trailing 为/是/共计."""
    ordinals = list(_ORDINAL.finditer(label))
    if ordinals:
        label = label[ordinals[-1].end():]
    label = label.strip()
    while (stripped := _LEADING.sub("", label)) != label:
        label = stripped
    return _TRAILING.sub("", label).strip()


# ---------------------------------------------------------------------------------------------
# Claims


def extract_claims(lines: Iterable[TextLine]) -> list[Claim]:
    """Every claim in the lines, in reading order. See the module documentation for the patterns."""
    claims: list[Claim] = []
    for paragraph in _paragraphs(lines):
        paragraph = _prepare(paragraph)
        if paragraph.tokens:
            claims.extend(_Reader(paragraph).claims())
    return claims


class _Reader:
    """The claims of one paragraph. Parts are read first: their members are not spending figures."""

    def __init__(self, paragraph: _Paragraph) -> None:
        self.p = paragraph
        self.found: list[tuple[int, Claim]] = []
        self.part_members: set[int] = set()  # token starts listed as parts
        self.part_lists: list[tuple[int, int, _Token]] = []  # (list start, list end, total)
        self.used_rates: set[int] = set()

    def claims(self) -> list[Claim]:
        self._parts()
        self._grades_and_scores()
        self._formulas()
        self._ratios()
        self._changes()
        self._shares()
        self._balances()
        self.found.sort(key=lambda item: (item[0], KINDS.index(item[1].kind)))
        return [claim for _, claim in self.found]

    # -- helpers

    def _claim(self, kind: str, subject: str, start: int, end: int,
               figures: dict[str, Figure | tuple[Figure, ...]], words: dict[str, str] | None = None) -> None:
        line, at = self.p.locate(start)
        self.found.append((start, Claim(kind, subject, self.p.text[start:end], _at(line, at),
                                        (at, at + end - start), figures, words or {})))

    def _name(self, token: _Token) -> str:
        """The subject a figure is stated for: its label, read across 、 ("收、支总计均为" → "收、支总计")."""
        return _clean(self.p.text[_label_start(self.p.text, token.start, token.floor, _NAME_END):token.start])

    def _sentence_tokens(self, offset: int) -> list[_Token]:
        start, end = self.p.sentences[self.p.sentence_of(offset)]
        return self.p.tokens_in(start, end)

    def _lone_amount_before(self, offset: int) -> _Token | None:
        """The one amount of the sentence before the one at `offset`, if it states exactly one."""
        index = self.p.sentence_of(offset)
        if index == 0:
            return None
        amounts = [t for t in self.p.tokens_in(*self.p.sentences[index - 1]) if t.is_amount and t.depth == 0]
        return amounts[0] if len(amounts) == 1 else None

    def _pieces(self, start: int, end: int, depth: int, family: str, semicolons: bool) -> list[tuple[int, int, list[_Token]]]:
        """Split [start, end) at depth `depth` into clauses, each with its figures of `family`.

        A clause holding several such figures is split again at 、 ("刑事拘留 3 人、行政拘留 42 人"),
        a figure-less 、 item joining the next ("电费、管道检测费、抢修费14.46万元").
        """
        text, level = self.p.text, self.p.depth
        cuts = "；;" if semicolons else "，,；;"
        pieces, piece_start = [], start
        for i in range(start, end + 1):
            if i == end or (text[i] in cuts and level[i] == depth and i not in self.p.in_figure):
                pieces.append((piece_start, i))
                piece_start = i + 1
        result = []
        for a, b in pieces:
            members = [t for t in self.p.tokens_in(a, b) if t.depth == depth and t.family == family and t.unit]
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

    def _semicolon_separated(self, start: int, end: int, depth: int, family: str) -> bool:
        members = [t for t in self.p.tokens_in(start, end) if t.depth == depth and t.family == family and t.unit]
        if len(members) < 2:
            return False
        between = range(members[0].end, members[1].start)
        return any(self.p.text[i] in "；;" and self.p.depth[i] == depth for i in between)

    # "比2022年（上一年度，下同）预算增加1421.25万元", "比上年预算增加（减少）0万元" after a total is how
    # it changed, not a part of it
    _CHANGE_LABEL = re.compile(r"(?:比|较|与)[^；;。]{0,24}?(?:增加|减少|增长|下降|降低|提高|上升)"
                               r"(?:[（(][^）)]{0,4}[）)])?了?\s*$")
    _TOTAL_LABEL = re.compile(r"(?:总预算|总计|合计|共计|总额)\s*$")

    def _add_parts(self, total: _Token, parts: list[_Token], start: int, end: int, region: tuple[int, int]) -> None:
        """Record a parts claim spanning [start, end); `region` is the list, shares inside it are of the total.
        A list holding a change against another period is not a breakdown: no claim (abstain). A closing
        "合计1170.00万" restates the total: it is not one more part; a total inside the list (the 总预算 a
        trailing 合计 restates) makes it no breakdown."""
        if parts and self._TOTAL_LABEL.search(parts[-1].label):
            parts = parts[:-1]
        if len(parts) < 2 or any(self._CHANGE_LABEL.search(t.label) or self._TOTAL_LABEL.search(t.label)
                                 for t in parts):
            return
        self._claim("parts", self._name(total) or _TRAILING.sub("", total.label), start, end,
                    {"total": total.figure, "parts": tuple(t.figure for t in parts)})
        self.part_members.update(t.start for t in parts)
        self.part_lists.append((*region, total))

    # -- parts

    _INTRODUCER = re.compile(r"\s*(?:其中|包括|含|分别为|分别是)\s*[：:，,]?\s*")
    _INLINE = re.compile(r"其中\s*[：:，,]?|包括\s*[：:]?|分别为\s*[：:]?|以下方面\s*[：:]")
    _GRAND_TOTAL = re.compile(r"^(?:总计|合计|共计)")

    def _parts(self) -> None:
        text = self.p.text
        for total in self.p.tokens:  # (a) brackets right after the total
            after = total.end + len(text[total.end:]) - len(text[total.end:].lstrip(" "))
            if not total.is_amount or after >= len(text) or text[after] not in _OPEN:
                continue
            close = self._closing(after)
            if close is None:
                continue
            intro = self._INTRODUCER.match(text, after + 1, close)
            if intro is None and not re.search(r"共|合计|总", total.label):
                continue
            body = intro.end() if intro else after + 1
            depth = self.p.depth[after] + 1
            semicolons = self._semicolon_separated(body, close, depth, total.family)
            pieces = self._pieces(body, close, depth, total.family, semicolons)
            if len(pieces) >= 2 and all(len(members) == 1 for _, _, members in pieces):
                self._add_parts(total, [m[0] for _, _, m in pieces], total.label_start, close + 1, (body, close))
        for match in self._INLINE.finditer(text):  # (b) 其中/包括/分别为 in the sentence
            if self.p.depth[match.start()] != 0:
                continue
            sentence_start, sentence_end = self.p.sentences[self.p.sentence_of(match.start())]
            before = [t for t in self.p.tokens_in(sentence_start, match.start()) if t.is_amount and t.depth == 0]
            if before:
                total = before[-1]
            elif not text[sentence_start:match.start()].strip() and match.group().startswith("其中"):
                total = self._lone_amount_before(match.start())
            else:
                total = None
            if total is None:
                continue
            end = sentence_end
            if not self._semicolon_separated(match.end(), end, 0, total.family):
                semicolon = re.search("[；;]", text[match.end():end])
                end = match.end() + semicolon.start() if semicolon else end
                semicolons = False
            else:
                semicolons = True
            parts = []
            for _, _, members in self._pieces(match.end(), end, 0, total.family, semicolons):
                if len(members) != 1:
                    if members:
                        parts = []
                    break
                parts.append(members[0])
            if len(parts) >= 2:
                start = total.label_start if total.start < match.start() else match.start()
                self._add_parts(total, parts, start, parts[-1].end, (match.end(), end))
        for total in self.p.tokens:  # (c) parts, then 总计/合计/共计 and the total
            if not total.is_amount or total.depth != 0 or not self._GRAND_TOTAL.match(total.label):
                continue
            sentence_start = self.p.sentences[self.p.sentence_of(total.start)][0]
            list_end = total.label_start - 1 if text[total.label_start - 1] in "，,；;" else total.label_start
            parts = []
            for _, _, members in reversed(self._pieces(sentence_start, list_end, 0, total.family, False)):
                if len(members) != 1:
                    break
                parts.insert(0, members[0])
            if len(parts) >= 2:
                self._add_parts(total, parts, parts[0].label_start, total.end, (parts[0].label_start, total.end))

    def _closing(self, open_at: int) -> int | None:
        depth = 0
        for i in range(open_at, len(self.p.text)):
            char = self.p.text[i]
            if char in _OPEN:
                depth += 1
            elif char in _CLOSE:
                depth -= 1
                if depth == 0:
                    return i
            elif char in SENTENCE_END:
                return None
        return None

    # -- grades and scores

    _SCORE = r"(?P<score>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分"
    _GRADE = re.compile(
        r"(?:得分|评分(?:结果)?|(?<=综合)得|(?<=自评)得)\s*(?:为|是|：|:)?\s*" + _SCORE
        + r"\s*[，,。；;]?\s*[^，,。；;“”\"<>]{0,20}?(?:等级|等次|评级|结果|结论)\s*(?:属于|为|是|：|:)?\s*"
        r"[“\"「]?\s*(?P<grade>优秀|良好|中等|不合格|合格|优|良|中|差)\s*[”\"」]?")
    _BARE_SCORE = re.compile(r"(?:得分|(?<=综合)得|(?<=自评)得)\s*(?:为|是|：|:)?\s*" + _SCORE)

    def _grades_and_scores(self) -> None:
        text = self.p.text
        graded: set[int] = set()
        for match in self._GRADE.finditer(text):
            score = self._token_at(match.start("score"))
            if score is None:
                continue
            start = self._subject_start(match.start())
            graded.add(score.start)
            self._claim("grade", _clean(text[start:match.start("score")]), start, match.end(),
                        {"score": score.figure}, {"grade": match.group("grade")})
        for match in self._BARE_SCORE.finditer(text):
            score = self._token_at(match.start("score"))
            if score is None or score.start in graded:
                continue
            start = self._subject_start(match.start())
            subject = re.sub(r"(?:第三方)?(?:绩效)?(?:评价)?(?:综合)?(?:自评)?$", "", _clean(text[start:match.start()]))
            if subject:  # a score of nothing named cannot be compared with anything
                self._claim("score", subject, start, score.end, {"score": score.figure})

    def _subject_start(self, offset: int) -> int:
        start = _label_start(self.p.text, offset, 0, "，,；;。！？!?<>\t")
        ordinals = list(_ORDINAL.finditer(self.p.text, start, offset))
        return ordinals[-1].end() if ordinals else start + len(self.p.text[start:offset]) - len(
            self.p.text[start:offset].lstrip())

    def _token_at(self, offset: int) -> _Token | None:
        return next((t for t in self.p.tokens if t.start == offset), None)

    # -- formulas: A=B/C(*100%)=R

    def _formulas(self) -> None:
        text = self.p.text
        for slash in re.finditer(r"[/／÷]", text):
            at = slash.start()
            left = max((i for i in range(self.p.sentences[self.p.sentence_of(at)][0], at)
                        if text[i] in "=＝" or (text[i] in "，,；;：:" and self.p.depth[i] == 0
                                                 and i not in self.p.in_figure)), default=None)
            equals = re.compile(r"[^=＝，,；;。]*?[=＝]").match(text, at + 1)
            if equals is None:
                continue
            numerators = self.p.tokens_in((left or 0) + (left is not None), at)
            denominators = [t for t in self.p.tokens_in(at + 1, equals.end()) if not self._is_hundred_percent(t)]
            rate_at = equals.end() + len(text[equals.end():]) - len(text[equals.end():].lstrip())
            rate = self._token_at(rate_at)
            if len(numerators) != 1 or len(denominators) != 1 or rate is None:
                continue
            subject_start = None
            if left is not None and text[left] in "=＝":
                subject_start = _label_start(text, left, self.p.sentences[self.p.sentence_of(left)][0])
            start = subject_start if subject_start is not None else numerators[0].start
            subject = _clean(text[start:left]) if subject_start is not None else ""
            self.used_rates.add(rate.start)
            self._claim("formula", subject or _clean(rate.label.rstrip("=＝")), start, rate.end,
                        {"numerator": numerators[0].figure, "denominator": denominators[0].figure,
                         "rate": rate.figure})

    def _is_hundred_percent(self, token: _Token) -> bool:
        before = self.p.text[max(0, token.start - 2):token.start]
        return token.is_percent and token.figure.text.replace(" ", "").startswith("100%") and bool(
            re.search(r"[×*xX]\s*$", before))

    # -- ratios

    _RATE_LABEL = re.compile(r"(?P<rate>(?:[\u4e00-\u9fff]{0,4}执行率|[\u4e00-\u9fff]{0,4}完成率|完成(?:年初|全年)?预算(?:数)?))"
                             r"的?\s*(?:为|达到了?|达|是|：|:)?$")
    _SPENT = {"支出", "支付", "决算", "使用"}
    _BUDGET_RANK = {"到位": 0, "调整后": 1, "预算调整数": 1, "调整数": 1, "全年预算": 1, "预算": 2}
    _MONEY_WORD = re.compile(r"预算调整数|预算调整(?![数后])|到位|调整后|调整数|全年预算|预算|支出|支付|决算|使用")

    def _ratios(self) -> None:
        text = self.p.text
        for rate in self.p.tokens:
            if not rate.is_percent or rate.start in self.used_rates:
                continue
            label = self._RATE_LABEL.search(rate.label)
            if label is None:
                continue
            in_brackets = re.match(r"\s*[（(]\s*([0-9０-９.,．]+)\s*[/／]\s*([0-9０-９.,．]+)\s*[）)]", text[rate.end:])
            if in_brackets:
                numerator = self._token_at(rate.end + in_brackets.start(1))
                denominator = self._token_at(rate.end + in_brackets.start(2))
                if numerator and denominator:
                    self._claim("ratio", _clean(label.group("rate")), rate.label_start, rate.end + in_brackets.end(),
                                {"numerator": numerator.figure, "denominator": denominator.figure, "rate": rate.figure})
                continue
            before = [t for t in self._sentence_tokens(rate.start) if t.start < rate.start]
            if "完成率" in label.group("rate"):
                pair = self._counted(before, rate)
            else:
                pair = self._spent_of_budget(before)
            if pair is None:
                continue
            numerator, denominator = pair
            start = min(numerator.label_start, denominator.label_start)
            subject = _clean(label.group("rate")) if "完成率" in label.group("rate") else self._ratio_subject(
                denominator, label.group("rate"))
            self._claim("ratio", subject, start, rate.end,
                        {"numerator": numerator.figure, "denominator": denominator.figure, "rate": rate.figure})

    def _money_word(self, token: _Token) -> str | None:
        words = self._MONEY_WORD.findall(token.label)
        return words[-1] if words else None

    def _spent_of_budget(self, before: list[_Token]) -> tuple[_Token, _Token] | None:
        candidates = [t for t in before if t.is_amount and t.depth == 0 and t.start not in self.part_members]
        spent = [t for t in candidates if self._money_word(t) in self._SPENT]
        budgets = [t for t in candidates if self._money_word(t) in self._BUDGET_RANK]
        if len(spent) != 1 or not budgets:
            return None
        best = min(self._BUDGET_RANK[self._money_word(t)] for t in budgets)
        budgets = [t for t in budgets if self._BUDGET_RANK[self._money_word(t)] == best]
        if len(budgets) != 1 or spent[0].family != budgets[0].family:
            return None
        return spent[0], budgets[0]

    def _counted(self, before: list[_Token], rate: _Token) -> tuple[_Token, _Token] | None:
        amounts = [t for t in before if t.is_amount and t.depth == 0]
        if not amounts:
            return None
        numerator = amounts[-1]
        noun = re.sub(r"[了为共]+$", "", _clean(numerator.label))[-2:]
        candidates = [t for t in self.p.tokens
                      if t.start < numerator.start and t.unit == numerator.unit and t.depth == 0]
        if noun:
            candidates = [t for t in candidates if noun in t.label + self._words_after(t)]
        if len(candidates) > 1:
            candidates = [t for t in candidates if re.search("计划|共|总|合计", t.label)]
        return (numerator, candidates[0]) if len(candidates) == 1 else None

    def _words_after(self, token: _Token) -> str:
        after = re.match(rf"[^{re.escape(_CLAUSE_END)}{_DIGITS}]{{0,6}}", self.p.text[token.end:])
        return after.group() if after else ""

    def _ratio_subject(self, denominator: _Token, rate_words: str) -> str:
        item = re.sub(r"(?:的)?(?:年初|全年|调整后)?(?:预算(?:数|安排|批复)?|实际到位(?:金额|资金)?)$", "",
                      _clean(denominator.label))
        item = re.sub(r"^(?:该|本|此)项目", "", item).strip()
        if not item:
            index = self.p.sentence_of(denominator.start)
            if index > 0:
                start, end = self.p.sentences[index - 1]
                previous = self.p.text[start:end]
                if not self.p.tokens_in(start, end) and len(previous) <= 80 and not re.search("[，,；;]", previous):
                    item = _clean(re.sub(r"^\s*其中[：:]?", "", previous))
        return item or _clean(rate_words)

    # -- changes

    _DIRECTION = re.compile(r"(增长|增加|下降|减少|降低|提高|上升)了?\s*$")
    _ANCHOR = re.compile(r"与(?P<against>[^，,；;。]{0,10}?)相比|较|比|同比|环比|相比"
                         r"|与(?=[^，,；;。]{0,10}?(?:增长|增加|下降|减少|降低|提高|上升))")

    def _changes(self) -> None:
        text = self.p.text
        for sentence_start, sentence_end in self.p.sentences:
            tokens = self.p.tokens_in(sentence_start, sentence_end)
            consumed: set[int] = set()
            group_floor = sentence_start
            i = 0
            while i < len(tokens):
                first = tokens[i]
                direction = self._DIRECTION.search(text[max(sentence_start, first.start - 4):first.start])
                if direction is None or not first.unit:
                    i += 1
                    continue
                group = [first]
                if i + 1 < len(tokens):
                    second = tokens[i + 1]
                    gap = text[first.end:second.start]
                    if re.fullmatch(r"\s*[，,]?\s*(增长|增加|下降|减少|降低|提高|上升)了?\s*", gap) and (
                            second.is_percent != first.is_percent):
                        group.append(second)
                i += len(group)
                anchor = None
                for match in self._ANCHOR.finditer(text, group_floor, first.start):
                    anchor = match
                floor, group_floor = group_floor, group[-1].end
                if anchor is None:
                    continue
                change = next((t for t in group if not t.is_percent), None)
                rate = next((t for t in group if t.is_percent), None)
                base = next((t for t in reversed(self.p.tokens_in(anchor.end(), first.start))
                             if t.is_amount and t.depth == 0), None)
                current = next((t for t in reversed(self.p.tokens_in(floor if floor > sentence_start else sentence_start,
                                                                     anchor.start()))
                                if t.is_amount and t.depth == 0 and t.start not in consumed), None)
                if current is None:
                    current = next((t for t in reversed(self.p.tokens_in(sentence_start, anchor.start()))
                                    if t.is_amount and t.depth == 0 and t.start not in consumed), None)
                if current is None and not text[sentence_start:anchor.start()].strip():
                    current = self._lone_amount_before(anchor.start())
                amounts = [t for t in (base, current, change) if t is not None]
                if not amounts or len({t.family for t in amounts}) != 1 or (change is None and rate is None):
                    continue
                consumed.update(t.start for t in group)
                if base is not None:
                    consumed.add(base.start)
                figures = {role: t.figure for role, t in
                           (("base", base), ("current", current), ("change", change), ("rate", rate)) if t is not None}
                subject_token = current if current is not None and current.start >= sentence_start else (
                    change or base or current)
                subject = self._name(subject_token)
                if subject_token is change:
                    subject = re.sub(r"(增长|增加|下降|减少|降低|提高|上升)$", "", subject).rstrip("各")
                against = anchor.group("against") or text[anchor.end():first.start].replace(
                    base.figure.text if base else "\0", "")
                against = self._DIRECTION.sub("", against.strip(" ，,")).strip()
                start = current.label_start if current is not None and current.start < anchor.start() else anchor.start()
                if current is not None and current.start < sentence_start:
                    start = anchor.start()
                self._claim("change", subject, start, group[-1].end, figures,
                            {"direction": direction.group(1), "against": against})

    # -- shares

    _SHARE = re.compile(r"占(?:比)?(?:达到了?|达|为|了|仅)?(?P<whole>[^，,；;。：:%、]{0,25}?)\s*$")

    def _shares(self) -> None:
        text = self.p.text
        for rate in self.p.tokens:
            if not rate.is_percent:
                continue
            share = self._SHARE.search(text, max(rate.label_start - 1, 0), rate.start)
            if share is None:
                continue
            whole_words = re.sub(r"的\s*$", "", share.group("whole")).strip()
            sentence_start = self.p.sentences[self.p.sentence_of(rate.start)][0]
            clause_start = max([sentence_start] + [i + 1 for i in range(sentence_start, rate.start)
                                                   if text[i] in "；;" and self.p.depth[i] == self.p.depth[rate.start]])
            parts = [t for t in self.p.tokens_in(clause_start, rate.start)
                     if t.is_amount and t.depth == rate.depth]
            if not parts:
                continue
            part = parts[-1]
            whole = None
            if whole_words:
                whole = next((t for t in reversed(self.p.tokens_in(0, rate.start))
                              if t is not part and t.is_amount and t.family == part.family
                              and _clean(t.label).endswith(whole_words)), None)
            else:
                whole = next((total for start, end, total in self.part_lists if start <= rate.start < end
                              and total.family == part.family), None)
            figures = {"part": part.figure, "rate": rate.figure}
            if whole is not None:
                figures["whole"] = whole.figure
            self._claim("share", self._name(part), part.label_start, rate.end, figures,
                        {"whole": whole_words} if whole_words else {})

    # -- balances

    _LEFT = re.compile(r"结余|结存|余额|剩余")
    _MINUEND_FIRST = re.compile(r"调整后|调整数|全年预算")
    _MINUEND = re.compile(r"预算|共计|总额|到位|批复|资金")

    def _balances(self) -> None:
        for sentence_start, sentence_end in self.p.sentences:
            tokens = [t for t in self.p.tokens_in(sentence_start, sentence_end) if t.is_amount and t.depth == 0]
            for k, difference in enumerate(tokens):
                if not self._LEFT.search(difference.label) or "年初" in difference.label:
                    continue
                spent = [t for t in tokens[:k] if self._money_word(t) in {"支出", "支付", "使用"}]
                if not spent:
                    continue
                subtrahend = spent[-1]
                earlier = [t for t in tokens if t.start < subtrahend.start and not self._LEFT.search(t.label)]
                preferred = [t for t in earlier if self._MINUEND_FIRST.search(t.label)]
                usual = [t for t in earlier if self._MINUEND.search(t.label)]
                minuend = (preferred or usual or [None])[-1]
                if minuend is None or len({minuend.family, subtrahend.family, difference.family}) != 1:
                    continue
                subject = self._name(difference)
                self._claim("balance", subject if len(subject) > 2 else self._name(minuend), minuend.label_start,
                            difference.end, {"minuend": minuend.figure, "subtrahend": subtrahend.figure,
                                             "difference": difference.figure})
