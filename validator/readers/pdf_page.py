"""The description of one PDF page that every page reader gives (PDFium on a text layer, OCR on a
scan) and the PDF reader turns into a document: its tables as grids of cells and its text lines
outside them, each with its box in points.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Box = tuple[float, float, float, float]  # x0, top, x1, bottom: points from the page's top-left corner
Edge = tuple[float, float, float]  # a ruling line: position across, start and end along it


@dataclass(slots=True, frozen=True)
class LayoutCell:
    text: str
    bbox: Box | None  # None: a grid position covered by a merged cell to its left or above
    confidence: float | None = None  # the recogniser's, for a cell read by OCR


@dataclass(slots=True)
class LayoutTable:
    bbox: Box
    rows: list[list[LayoutCell]]


@dataclass(slots=True, frozen=True)
class LayoutLine:
    text: str
    bbox: Box
    confidence: float | None = None  # the recogniser's, for a line read by OCR


@dataclass(slots=True)
class PageLayout:
    """One page as the PDF reader needs it, whichever library read it."""

    number: int
    lines: list[LayoutLine]  # text outside the tables, top to bottom
    tables: list[LayoutTable]  # top to bottom
    has_text: bool
    has_images: bool
    # A scan OCR straightened: its turn in degrees about its centre (x, y in points); boxes above are
    # on the straightened page, page_box gives them on the page as it is.
    turn: tuple[float, float, float] | None = None
    # A text layer of control characters and private-use glyphs (fonts without a usable Unicode map):
    # no text to read (has_text is False), and no scan to OCR either.
    garbled: bool = False

    def page_box(self, box: Box) -> Box:
        """The box on the page as it is: around the corners of `box` turned back."""
        if self.turn is None:
            return box
        degrees, cx, cy = self.turn
        cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
        corners = [(cx + cos * (x - cx) - sin * (y - cy), cy + sin * (x - cx) + cos * (y - cy))
                   for x in (box[0], box[2]) for y in (box[1], box[3])]
        xs, ys = [x for x, _ in corners], [y for _, y in corners]
        return min(xs), min(ys), max(xs), max(ys)
