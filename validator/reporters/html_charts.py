"""Horizontal bar charts as plain geometry for an inline SVG (templates/charts.html.j2 draws it): no
script and nothing fetched, so the report works offline and prints. A bar is one row of figures,
split into segments by series (severities, years); its length is proportional to its total. The
same figures make the chart's table, for a reader who cannot see the picture.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

WIDTH = 720  # of the picture, in px (it shrinks with the page)
FONT = 12  # px, of every text in the picture
BAR = 18  # the height of a bar
GAP = 8  # between bars
LABEL_MAX = 240  # widest label before it is cut short (the whole stays in the tooltip and the table)
VALUE_SPACE = 48  # right of the longest bar, for its total
SWATCH = 10  # a legend's colour square
LEGEND_ROW = 20


@dataclass(frozen=True, slots=True)
class Series:
    key: str
    name: str
    css: str  # the class that colours its segments (report.css)


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    width: float
    value: int
    series: Series


@dataclass(frozen=True, slots=True)
class Bar:
    label: str  # as shown, maybe cut short
    full: str  # the whole label
    y: float
    values: list[int]  # by series, in the chart's order
    end: float  # x where the bar ends (its total is written after it)
    segments: list[Segment]

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass(frozen=True, slots=True)
class LegendItem:
    x: float
    y: float
    series: Series


@dataclass(frozen=True, slots=True)
class BarChart:
    id: str
    title: str
    description: str  # the figures in one sentence (the picture's <desc>)
    label_heading: str  # the table's first column
    width: int
    height: float
    label_width: float  # the bars start here
    bar_height: int
    swatch: int  # a legend's colour square
    series: list[Series]
    legend: list[LegendItem]  # empty for a single series
    bars: list[Bar]


def text_width(text: str) -> float:
    """The width a text takes at FONT px: a CJK character a full em, others about 0.6 em."""
    return sum(FONT if unicodedata.east_asian_width(c) in "WF" else FONT * 0.6 for c in text)


def cut(text: str, width: float) -> str:
    """The text cut short with … to fit the width."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def bar_chart(chart_id: str, title: str, label_heading: str, rows: list[tuple[str, dict[str, int]]],
              series: list[Series]) -> BarChart:
    """A chart of one bar per row (label, value by series key), the longest bar the full plot width."""
    label_width = min(max((text_width(label) for label, _ in rows), default=0), LABEL_MAX) + FONT
    legend, top = _legend(series, label_width) if len(series) > 1 else ([], 0)
    plot = WIDTH - label_width - VALUE_SPACE
    largest = max((sum(values.values()) for _, values in rows), default=0) or 1
    bars = []
    for index, (label, values) in enumerate(rows):
        x, segments = label_width, []
        for item in series:
            if values.get(item.key):
                width = round(plot * values[item.key] / largest, 2)
                segments.append(Segment(x, width, values[item.key], item))
                x = round(x + width, 2)
        bars.append(Bar(cut(label, LABEL_MAX), label, top + index * (BAR + GAP),
                        [values.get(item.key, 0) for item in series], x, segments))
    height = top + len(rows) * (BAR + GAP)
    description = "；".join(f"{label} {sum(values.values())}" + _parts(values, series) for label, values in rows)
    return BarChart(chart_id, title, f"{title}：{description}。" if rows else f"{title}：无。", label_heading, WIDTH,
                    height, label_width, BAR, SWATCH, series, legend, bars)


def _parts(values: dict[str, int], series: list[Series]) -> str:
    """（错误 3，警告 1）: the split of a bar, when it has more than one series."""
    if len(series) == 1:
        return ""
    return "（" + "，".join(f"{item.name} {values[item.key]}" for item in series if values.get(item.key)) + "）"


def _legend(series: list[Series], left: float) -> tuple[list[LegendItem], float]:
    """The legend's items in rows above the bars, and the height they take."""
    items, x, y = [], left, 0.0
    for item in series:
        width = SWATCH + 4 + text_width(item.name) + FONT
        if x + width > WIDTH and x > left:
            x, y = left, y + LEGEND_ROW
        items.append(LegendItem(x, y, item))
        x += width
    return items, y + LEGEND_ROW + 4
