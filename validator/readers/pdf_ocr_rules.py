"""Ruling lines on the image of a scanned page (rendered at SCALE pixels per point): the page's
skew from the slope of its long horizontal rules, and the rules themselves, found by morphology
(horizontal and vertical openings) as edges in points for the ruled-table finder. A red seal's ring
and star are never taken for a rule, and a rule it crosses goes on through it; a vertical run is a
column rule only where it reaches horizontal rules at both ends (a glyph's stroke never does).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .pdf_page import Edge

if TYPE_CHECKING:
    import numpy as np

DPI = 200
SCALE = DPI / 72  # pixels per point
INK = 170  # grey levels below this are ink
MIN_RULE_PT = 14.0  # a horizontal run of ink this long is a rule, not a glyph stroke
MIN_COLUMN_RULE_PT = 11.0  # a vertical one: longer than the tallest glyph in a table cell
SKEW_MIN_DEGREES = 0.05  # below this the page is not rotated
RULE_THICK_PX = round(2.5 * SCALE)  # a rule mask's run thicker than this has a seal's stroke beside it
STRAIGHT_SHARE = 0.8  # the lines of such a run at least this share of its longest are the rule
SEAL_BRIDGE_PX = round(4 * SCALE)  # a rule goes on through a seal's ring or letters this wide


def opened(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    import cv2

    return cv2.morphologyEx(image, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, size))


def rule_masks(dark: np.ndarray, seal_only: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The horizontal and vertical rules among the dark pixels: runs at least MIN_RULE_PT and
    MIN_COLUMN_RULE_PT long. A seal's own ink (`seal_only`: no print under it) is not a rule, but a
    rule it crosses goes on through it where the rule is dark on both sides."""
    import cv2
    import numpy as np

    ink = (dark & ~seal_only).astype(np.uint8) * 255
    masks = []
    for across, length in (((SEAL_BRIDGE_PX, 1), (round(MIN_RULE_PT * SCALE), 1)),
                           ((1, SEAL_BRIDGE_PX), (1, round(MIN_COLUMN_RULE_PT * SCALE)))):
        closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, across))
        masks.append(opened(np.where(seal_only, closed, ink), length))
    return masks[0], masks[1]


def skew(grey: np.ndarray) -> float:
    """The page's turn in degrees: the median slope of its long horizontal rules (0 below
    SKEW_MIN_DEGREES)."""
    import cv2
    import numpy as np

    ink = (grey < INK).astype(np.uint8) * 255
    rules = opened(ink, (round(MIN_RULE_PT * SCALE), 1))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(rules)
    slopes = []
    for index in range(1, count):
        x, y, width, height, _ = stats[index]
        if width < grey.shape[1] / 4:
            continue
        ys, xs = np.nonzero(labels[y:y + height, x:x + width] == index)
        slopes.append(np.polyfit(xs, ys, 1)[0])
    if not slopes:
        return 0.0
    degrees = math.degrees(math.atan(float(np.median(slopes))))
    return degrees if abs(degrees) >= SKEW_MIN_DEGREES else 0.0


def turned(image: np.ndarray, degrees: float) -> np.ndarray:
    """The image turned by `degrees` about its centre (straightened, for the page's own skew)."""
    import cv2

    if not degrees:
        return image
    height, width = image.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)


@dataclass(frozen=True, eq=False)
class Rule:
    edge: Edge  # in points: (position, start, end) of its own ink
    window: tuple[slice, slice]  # its pixels' bounding rows and columns
    pixels: np.ndarray  # which pixels of the window are the rule's
    under_seal: tuple[float, float]  # (start, end) of the run unbroken on through a seal's ink
    sealed: bool  # the run takes in a seal's ink


def find_rules(mask: np.ndarray, seal: np.ndarray, across: bool) -> list[Rule]:
    """The connected runs of a rule mask that are rules. A run mostly of a seal's ink (its ring is
    straight enough at its top, bottom and sides; its star is a solid block) is not, and a rule ends
    where its own ink does, not where a seal's stroke crossing it ends. A run thicker than a rule is
    a rule joined by a seal's stroke beside it: the rule is its straight part, the lines of pixels
    along it as long as its longest."""
    import cv2
    import numpy as np

    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    rules = []
    for index in range(1, count):
        x, y, width, height, _ = stats[index]
        window = (slice(y, y + height), slice(x, x + width))
        part = labels[window] == index
        if not across:
            part = part.T  # lines of pixels along the rule are columns of `part` from here on
        first, last = 0, part.shape[1] - 1
        if part.shape[1] > RULE_THICK_PX:
            lengths = part.sum(axis=0)
            straight = np.flatnonzero(lengths >= STRAIGHT_SHARE * lengths.max())
            first, last = straight[0], straight[-1]
            part = part[:, first:last + 1]
        own = part & ~(seal[window] if across else seal[window].T)[:, first:last + 1]
        if own.sum() * 2 <= part.sum():
            continue
        along = np.flatnonzero(own.any(axis=1))
        start, end, middle = along[0], along[-1] + 1, (first + last + 1) / 2
        gaps = np.flatnonzero(~part.any(axis=1))  # the run goes on from its own ink until a gap
        unbroken = (gaps[gaps < start].max(initial=-1) + 1, gaps[gaps > start].min(initial=len(part)) - 1)
        pixels = np.zeros_like(part, shape=(part.shape[0], width if across else height))
        pixels[:, first:last + 1] = part
        offset = y if across else x
        edge = ((x if across else y) + middle) / SCALE, (offset + start) / SCALE, (offset + end) / SCALE
        under_seal = (offset + unbroken[0]) / SCALE, (offset + unbroken[1] + 1) / SCALE
        rules.append(Rule(edge, window, pixels if across else pixels.T, under_seal, bool((part & ~own).any())))
    return rules


def painted(rules: list[Rule], shape: tuple[int, ...]) -> np.ndarray:
    import numpy as np

    mask = np.zeros(shape, np.uint8)
    for rule in rules:
        mask[rule.window][rule.pixels] = 255
    return mask


def column_rules(vertical: list[Rule], horizontal: list[Edge]) -> list[Rule]:
    """The vertical runs that reach a horizontal rule at both ends: glyph strokes never do. A rule
    hidden under a seal's star at one end reaches the nearest horizontal rule its run goes on to
    through the seal's ink, and ends there; its own ink must then be longer than a glyph (a glyph's
    stroke runs on through a seal's ring too). A run taking in a seal's ink that spans one row only
    is a column rule if another one lines up with it: a glyph's stroke joined to the ring's does not."""
    reach = 3.0
    found = []
    for rule in vertical:
        x, start, end = rule.edge
        crossing = sorted(hy for hy, x0, x1 in horizontal if x0 - reach <= x <= x1 + reach)
        low, high = rule.under_seal if end - start >= MIN_COLUMN_RULE_PT else (start, end)
        above = [hy for hy in crossing if low - reach <= hy <= start + reach]
        below = [hy for hy in crossing if end - reach <= hy <= high + reach]
        if above and below:
            top = start if abs(above[-1] - start) <= reach else above[-1]
            bottom = end if abs(below[0] - end) <= reach else below[0]
            found.append(replace(rule, edge=(x, top, bottom)))

    def alone(rule: Rule) -> bool:
        x, top, bottom = rule.edge
        one_row = not any(top + reach < hy < bottom - reach and x0 - reach <= x <= x1 + reach
                          for hy, x0, x1 in horizontal)
        return one_row and not any(other is not rule and abs(other.edge[0] - x) <= reach for other in found)

    return [rule for rule in found if not (rule.sealed and alone(rule))]
